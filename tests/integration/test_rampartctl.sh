#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# rampartctl against a live rampartd: every command in human and JSON form, with values checked
# against what the test knows (node id, ports, link state, traffic it sent), the CLI's exit
# codes (0 ok, 1 daemon error, 2 usage, 3 unreachable) and `shutdown` ending
# the daemon.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init ctl
rp_require_tools ping timeout
rp_require_daemon
rp_topo_create
rp_write_config "$RP_TMP/node.conf" 100
rp_daemon_start "$RP_TMP/node.conf"

out=$RP_TMP/out
err=$RP_TMP/err

# ctl_run EXPECTED_STATUS DESCRIPTION ARGS...: run rampartctl (bounded), assert its status.
ctl_run() {
	local want=$1 what=$2 rc=0
	shift 2
	timeout 20 "$RAMPARTCTL" "$@" >"$out" 2>"$err" || rc=$?
	if [ "$rc" != "$want" ]; then
		rp_log "stdout: $(head -c 2000 "$out")"
		rp_log "stderr: $(head -c 2000 "$err")"
		rp_fail "$what: exit status $rc, expected $want"
	fi
	rp_log "ok: $what (exit $rc)"
}

json_ok() {
	"$RP_PY" -c 'import json, sys; json.load(sys.stdin)' <"$out"
}

# --- traffic the counters must show --------------------------------------------------------
P=20
rp_expect_eq "pings through the node" "$P" "$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" "$P")"

# --- status ---------------------------------------------------------------------------------
ctl_run 0 "status" -s "$RP_SOCK" status
grep -q -- "$RP_NODE_ID" "$out" || rp_fail "human status does not name the node $RP_NODE_ID"
grep -q "lp0" "$out" || rp_fail "human status does not list link pair lp0"

ctl_run 0 "status --json" -s "$RP_SOCK" --json status
rp_check "status --json parses" json_ok
rp_expect_eq "status node_id" "$RP_NODE_ID" "$(rp_json 'd["node_id"]' <"$out")"
up1=$(rp_json 'd["uptime_s"]' <"$out")
rp_check "status uptime_s is a number >= 0" \
	"$RP_PY" -c 'import sys; v = float(sys.argv[1]); sys.exit(0 if v >= 0 else 1)' "$up1"
rp_expect_eq "status workers: one, on lcore 1" "[1]" \
	"$(rp_json '[w["lcore"] for w in d["workers"]]' <"$out")"
rp_expect_eq "status link_pairs" '[["lp0", "up0", "down0"]]' \
	"$(rp_json '[[p["name"], p["upstream"], p["protected"]] for p in d["link_pairs"]]' <"$out")"
sleep 1.2
ctl_run 0 "status --json, again" -s "$RP_SOCK" --json status
up2=$(rp_json 'd["uptime_s"]' <"$out")
rp_check "uptime_s grew by about a second ($up1 -> $up2)" \
	"$RP_PY" -c 'import sys; a, b = map(float, sys.argv[1:]); sys.exit(0 if 1.0 <= b - a < 30 else 1)' \
	"$up1" "$up2"

# --- ports ----------------------------------------------------------------------------------
ctl_run 0 "ports" -s "$RP_SOCK" ports
if ! grep -q "up0" "$out" || ! grep -q "down0" "$out"; then
	rp_fail "human ports does not list up0 and down0"
fi
ctl_run 0 "ports --json" -s "$RP_SOCK" --json ports
rp_check "ports --json parses" json_ok
rp_expect_eq "ports: names" '["down0", "up0"]' "$(rp_json 'sorted(p["name"] for p in d["ports"])' <"$out")"
rp_expect_eq "ports: links up" '["up", "up"]' "$(rp_json '[p["link"] for p in d["ports"]]' <"$out")"
rx=$(rp_json '[p for p in d["ports"] if p["name"] == "up0"][0]["rx_packets"]' <"$out")
[ "$rx" -ge "$P" ] || rp_fail "ports: up0 rx_packets $rx, but $P echo requests came in"

# (Link state is not exercised: net_af_packet reports its link up whatever the kernel
# interface does, so a down test here would test the PMD, not rampartd.)

# --- stats ----------------------------------------------------------------------------------
ctl_run 0 "stats" -s "$RP_SOCK" stats
if ! grep -q "up0" "$out" || ! grep -q "down0" "$out"; then
	rp_fail "human stats does not list up0 and down0"
fi
ctl_run 0 "stats --json" -s "$RP_SOCK" --json stats
rp_check "stats --json parses" json_ok
rp_check "stats --json has every counter, as integers >= 0" "$RP_PY" -c '
import json, sys
d = json.load(sys.stdin)
d = d.get("data", d) if "ok" in d else d
keys = ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "tx_drops")
objs = [d["totals"]] + d["ports"] + d["workers"]
assert all(isinstance(o[k], int) and o[k] >= 0 for o in objs for k in keys), objs
assert sorted(p["name"] for p in d["ports"]) == ["down0", "up0"]
for k in keys:
    assert d["totals"][k] == sum(p[k] for p in d["ports"]), k
' <"$out"
rx=$(rp_json '[p for p in d["ports"] if p["name"] == "up0"][0]["rx_packets"]' <"$out")
tx=$(rp_json '[p for p in d["ports"] if p["name"] == "down0"][0]["tx_packets"]' <"$out")
[ "$rx" -ge "$P" ] || rp_fail "stats: up0 rx_packets $rx < $P pings"
[ "$tx" -ge "$P" ] || rp_fail "stats: down0 tx_packets $tx < $P pings"
# The human form prints the same counters: up0's rx_packets appears on up0's line. Counters can
# move between two calls (a stray neighbour probe), so allow a few tries.
same=0
for ((i = 0; i < 5; i++)); do
	ctl_run 0 "stats --json (for the human comparison)" -s "$RP_SOCK" --json stats
	rx=$(rp_json '[p for p in d["ports"] if p["name"] == "up0"][0]["rx_packets"]' <"$out")
	ctl_run 0 "stats (human, again)" -s "$RP_SOCK" stats
	if grep -E "(^|[[:space:]])up0([[:space:]]|$)" "$out" | grep -qw -- "$rx"; then
		same=1
		break
	fi
	sleep 0.5
done
[ "$same" = 1 ] || rp_fail "human stats: up0 line does not show rx_packets $rx: $(grep up0 "$out")"

# --- exit codes -----------------------------------------------------------------------------
ctl_run 2 "unknown command word is a usage error" -s "$RP_SOCK" frobnicate
ctl_run 2 "unknown option is a usage error" -s "$RP_SOCK" --no-such-option status
ctl_run 2 "no command at all is a usage error" -s "$RP_SOCK"
ctl_run 3 "socket path with nothing behind it" -s "$RP_TMP/absent.sock" status
touch "$RP_TMP/not-a-socket"
ctl_run 3 "a path that is not a socket" -s "$RP_TMP/not-a-socket" status
ctl_run 3 "unreachable, in JSON mode too" -s "$RP_TMP/absent.sock" --json stats
# The daemon refuses a port it does not have: exit 1, its sentence on stderr, nothing on stdout.
ctl_run 1 "stats for a port the node does not have" -s "$RP_SOCK" stats up9
grep -q 'no port named "up9" (ports are: up0, down0)' "$err" ||
	rp_fail "stats up9: stderr does not say which ports exist: $(cat "$err")"
[ ! -s "$out" ] || rp_fail "stats up9 printed on stdout: $(cat "$out")"
ctl_run 1 "ports for a port the node does not have, JSON mode" -s "$RP_SOCK" --json ports up9
ctl_run 2 "stats takes one port at most" -s "$RP_SOCK" stats up0 down0
ctl_run 2 "a port name that is not UTF-8 is a usage error" -s "$RP_SOCK" stats $'\xff'
grep -q "a port name is letters" "$err" || rp_fail "no reason given for a non-UTF-8 port: $(cat "$err")"

# One port: the same counters as in the full view, and only that port.
ctl_run 0 "stats down0 --json" -s "$RP_SOCK" --json stats down0
rp_expect_eq "stats down0: only down0" '["down0"]' "$(rp_json '[p["name"] for p in d["ports"]]' <"$out")"
ctl_run 0 "ports up0" -s "$RP_SOCK" ports up0
grep -q "up0" "$out" || rp_fail "ports up0 does not show up0"
if grep -qw "down0" "$out" && ! grep -q "paired" "$out"; then
	rp_fail "ports up0 shows down0 as a port of its own"
fi

# --- shutdown -------------------------------------------------------------------------------
ctl_run 0 "shutdown" -s "$RP_SOCK" shutdown
rp_wait_exit "$RP_DAEMON_PID" 15
rp_expect_eq "rampartd exit status after shutdown" 0 "$RP_STATUS"
[ ! -e "$RP_SOCK" ] || rp_fail "control socket $RP_SOCK still exists after shutdown"
ctl_run 3 "status after shutdown" -s "$RP_SOCK" status
rp_log "PASS"
