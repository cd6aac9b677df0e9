#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Start-up failures that only a live EAL can show, each a clear error that names what failed,
# a non-zero exit, and nothing left behind:
#  - a port whose interface does not exist: the error names the port and its device;
#  - bypass.driver "ixgbe" on PCI ports the EAL did not probe (no adapter here): the error
#    names the port and its device, or says that the build has no ixgbe driver;
#  - a second daemon on the control socket of a running one: refused, and the first one keeps
#    serving and forwarding;
#  - a second daemon with the file prefix of a running one: the EAL refuses it, and the first
#    daemon's runtime directory is not touched.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init se
rp_require_tools ping timeout
rp_require_daemon
rp_topo_create
prefix=rampart-$RP_NODE_ID

# run_refused NAME CONFIG: run rampartd (bounded) and expect it to refuse; its output in $out.
out=$RP_TMP/refused.log
run_refused() {
	local what=$1 conf=$2 rc=0
	timeout 60 ip netns exec "$RP_NS_NODE" "$RAMPARTD" -c "$conf" >"$out" 2>&1 || rc=$?
	[ "$rc" != 0 ] || rp_fail "$what: rampartd started"
	[ "$rc" != 124 ] || rp_fail "$what: rampartd still running after 60 s"
	rp_log "ok: $what: refused with status $rc"
}

# --- a port naming an interface that does not exist ------------------------------------------
rp_write_config "$RP_TMP/missing-if.conf" 100
sed -i 's/iface=down0/iface=nosuch9/' "$RP_TMP/missing-if.conf"
grep -q nosuch9 "$RP_TMP/missing-if.conf" || rp_fail "could not write the broken config"
RP_PREFIXES+=("$prefix")
run_refused "missing interface" "$RP_TMP/missing-if.conf"
grep -q 'port down0: cannot probe device "net_af_packet1,iface=nosuch9"' "$out" ||
	rp_fail "the error does not name the port and its device: $(cat "$out")"
[ ! -e "/var/run/dpdk/$prefix" ] || rp_fail "runtime directory left behind after a failed start"
[ ! -e "$RP_SOCK" ] || rp_fail "control socket left behind after a failed start"

# --- the ixgbe bypass driver, with no adapter ----------------------------------------------
rp_write_config "$RP_TMP/ixgbe.conf" 100
sed -i -e "s|net_af_packet0,iface=$RP_NODE_UP_IF|0000:00:1e.0|" \
	-e "s|net_af_packet1,iface=$RP_NODE_DOWN_IF|0000:00:1e.1|" "$RP_TMP/ixgbe.conf"
echo 'bypass = { driver = "ixgbe"; watchdog_ms = 2000; };' >>"$RP_TMP/ixgbe.conf"
run_refused "bypass driver ixgbe without an adapter" "$RP_TMP/ixgbe.conf"
if [ "${RP_HAVE_IXGBE_BYPASS:-1}" = 1 ]; then
	want="bypass driver ixgbe: port $RP_NODE_UP_IF: PCI device 0000:00:1e.0 was not probed by DPDK"
else
	want="bypass driver ixgbe: this build has none"
fi
grep -qF "$want" "$out" || rp_fail "the error is not \"$want\": $(cat "$out")"
rp_log "ok: $want"
[ ! -e "/var/run/dpdk/$prefix" ] || rp_fail "runtime directory left behind after a failed start"
[ ! -e "$RP_SOCK" ] || rp_fail "control socket left behind after a failed start"

# --- a second daemon beside a running one ------------------------------------------------------
rp_write_config "$RP_TMP/node.conf" 100
rp_daemon_start "$RP_TMP/node.conf"

# Same control socket, another file prefix: the socket is taken.
sed "s/id = \"$RP_NODE_ID\"/id = \"$RP_NODE_ID-b\"/" "$RP_TMP/node.conf" >"$RP_TMP/same-socket.conf"
RP_PREFIXES+=("$prefix-b")
run_refused "second daemon on the same control socket" "$RP_TMP/same-socket.conf"
grep -q "another rampartd is serving it" "$out" ||
	rp_fail "the error does not say the socket is taken: $(cat "$out")"

# Same file prefix, another socket: the EAL refuses.
sed "s|socket = \"$RP_SOCK\"|socket = \"$RP_TMP/other.sock\"|" "$RP_TMP/node.conf" \
	>"$RP_TMP/same-prefix.conf"
run_refused "second daemon with the same file prefix" "$RP_TMP/same-prefix.conf"
grep -q "EAL initialisation failed" "$out" ||
	rp_fail "the error does not say the EAL failed: $(cat "$out")"
[ -d "/var/run/dpdk/$prefix" ] || rp_fail "the refused daemon removed the running one's runtime directory"

# The first daemon is unharmed: it answers and forwards.
rp_ctl status >/dev/null || rp_fail "the first daemon stopped answering"
rp_expect_eq "pings through the first daemon" 10 "$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" 10)"
rp_ctl shutdown >/dev/null
rp_wait_exit "$RP_DAEMON_PID" 10
rp_expect_eq "first daemon's exit status" 0 "$RP_STATUS"
rp_log "PASS"
