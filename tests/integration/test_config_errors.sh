#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Config validation as an operator meets it:
#   rampartd --check-config on a valid file exits 0;
#   on a file with several problems prints one "FILE:LINE: message" per problem, at the line
#   of each problem, and exits 1;
#   on a syntax error prints "FILE:LINE:" at the bad line and exits 1;
#   on a missing file exits 2;
#   rampartd -c on a broken file refuses to start, printing the same errors, and leaves no
#   control socket and no DPDK runtime directory behind.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init cfg
rp_require_tools timeout
rp_require_daemon
# The namespaces exist so that a daemon that wrongly starts finds its ports and is caught.
rp_topo_create
RP_PREFIXES+=("rampart-$RP_NODE_ID")

good=$RP_TMP/good.conf
bad=$RP_TMP/bad.conf
syntax=$RP_TMP/syntax.conf
out=$RP_TMP/out

# run_status EXPECTED WHAT CMD...: run a command (bounded), stdout+stderr to $out.
run_status() {
	local want=$1 what=$2 rc=0
	shift 2
	timeout 30 "$@" >"$out" 2>&1 || rc=$?
	if [ "$rc" != "$want" ]; then
		rp_log "output: $(head -c 3000 "$out")"
		rp_fail "$what: exit status $rc, expected $want"
	fi
	rp_log "ok: $what (exit $rc)"
}

# line_of FILE MARK: the line number of the line carrying the comment "# MARK".
line_of() {
	grep -n "# $2\$" "$1" | cut -d: -f1
}

# expect_errors FILE MARK...: $out holds exactly one "FILE:LINE: message" line per MARK, at the
# marked lines, and nothing else that looks like an error line.
expect_errors() {
	local file=$1 m n want got
	shift
	for m in "$@"; do
		n=$(line_of "$file" "$m")
		[ -n "$n" ] || rp_fail "test bug: no marker $m in $file"
		grep -q "^$file:$n: ." "$out" || {
			rp_log "output: $(cat "$out")"
			rp_fail "no \"$file:$n: message\" line for problem $m"
		}
		rp_log "ok: problem $m reported: $(grep "^$file:$n: " "$out" | head -1 | cut -c1-160)"
	done
	want=$#
	got=$(grep -c "^$file:[0-9]*: " "$out" || true)
	rp_expect_eq "number of FILE:LINE: error lines for $(basename "$file")" "$want" "$got"
}

# --- a valid file ---------------------------------------------------------------------------
rp_write_config "$good"
run_status 0 "--check-config on a valid file" "$RAMPARTD" --check-config "$good"
if grep -q "^$good:[0-9]*: " "$out"; then
	rp_fail "--check-config printed error lines for a valid file: $(cat "$out")"
fi

# --- a file with several independent problems, one setting per line --------------------------
cat >"$bad" <<EOF
# Four problems, each on the line marked with its name.
node = {
  id = "$RP_NODE_ID";
  stack = "test";
};
dpdk = {
  lcores = "0-1";
  memory_mb = 512;
  hugepages = false;
  extra_args = [];
};
ports = (
  {
    name = "up0";
    device = "net_af_packet0,iface=up0";
  },
  {
    name = "down0";
    device = "net_af_packet1,iface=down0";
  }
);
link_pairs = (
  {
    name = "lp0";
    upstream = "nosuchport"; # E_PORT
    protected = "down0";
  }
);
workers = {
  lcores = [ 5 ]; # E_LCORE
  burst = 32;
  idle_sleep_us = 0;
  colour = "blue"; # E_UNKNOWN
};
control = {
  socket = "$RP_SOCK";
  socket_mode = "0660";
};
log = {
  level = "loud"; # E_LEVEL
};
EOF
run_status 1 "--check-config on a file with four problems" "$RAMPARTD" --check-config "$bad"
expect_errors "$bad" E_PORT E_LCORE E_UNKNOWN E_LEVEL

# --- a syntax error -----------------------------------------------------------------------------
{
	head -n 5 "$good"
	echo 'ports = ( { name = "up0" device = "x"; } ); # E_SYNTAX'
	tail -n +6 "$good"
} >"$syntax"
run_status 1 "--check-config on a syntax error" "$RAMPARTD" --check-config "$syntax"
expect_errors "$syntax" E_SYNTAX

# --- a file that is not there ---------------------------------------------------------------
run_status 2 "--check-config on a missing file" "$RAMPARTD" --check-config "$RP_TMP/absent.conf"
grep -q "absent.conf" "$out" || rp_fail "the missing-file message does not name the file: $(cat "$out")"

# --- rampartd -c refuses a broken file ------------------------------------------------------
for f in "$bad" "$syntax"; do
	rc=0
	timeout 30 ip netns exec "$RP_NS_NODE" "$RAMPARTD" -c "$f" >"$out" 2>&1 || rc=$?
	if [ "$rc" = 0 ] || [ "$rc" = 124 ]; then
		rp_fail "rampartd -c $(basename "$f") did not refuse to start (status $rc)"
	fi
	rp_log "ok: rampartd -c $(basename "$f") refused to start (exit $rc)"
	if [ "$f" = "$bad" ]; then
		expect_errors "$bad" E_PORT E_LCORE E_UNKNOWN E_LEVEL
	else
		expect_errors "$syntax" E_SYNTAX
	fi
	[ ! -e "$RP_SOCK" ] || rp_fail "a control socket was created by a refused start"
	[ ! -e "/var/run/dpdk/rampart-$RP_NODE_ID" ] ||
		rp_fail "a DPDK runtime directory was created by a refused start"
done
rp_log "PASS"
