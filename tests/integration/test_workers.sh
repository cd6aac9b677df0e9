#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Two workers: every paired port gets one rx and one tx queue per worker, worker w polls rx
# queue w of both ports, and traffic spread over the queues (af_packet fanout by flow hash)
# is forwarded by both workers without loss. This machine has two CPUs, so both workers share
# CPU 1 through an LCORE@CPU mapping ("0,1@1,2@1"), which is also what the test checks of the
# lcore syntax.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init wk
rp_require_tools ping timeout
rp_require_daemon
rp_topo_create
rp_topo_static_neigh
rp_write_config "$RP_TMP/node.conf" 50
sed -i -e 's/lcores = "0-1";/lcores = "0,1@1,2@1";/' \
	-e 's/lcores = \[1\];/lcores = [1, 2];/' \
	-e 's/iface=\([a-z0-9]*\)"/iface=\1,qpairs=2"/' "$RP_TMP/node.conf"
grep -q 'qpairs=2' "$RP_TMP/node.conf" && grep -q 'lcores = \[1, 2\]' "$RP_TMP/node.conf" ||
	rp_fail "could not write the two-worker config: $(cat "$RP_TMP/node.conf")"
rp_daemon_start "$RP_TMP/node.conf"

# The layout: two workers on lcores 1 and 2, worker w on queue w of both ports.
rp_ctl --json status >"$RP_TMP/status"
rp_expect_eq "workers and their rx queues" \
	'[[1, [["up0", 0], ["down0", 0]]], [2, [["up0", 1], ["down0", 1]]]]' \
	"$(rp_json '[[w["lcore"], [[q["port"], q["queue"]] for q in w["rx_queues"]]] for w in d["workers"]]' <"$RP_TMP/status")"
rp_ctl --json ports >"$RP_TMP/ports"
rp_expect_eq "queues per port" "[[2, 2], [2, 2]]" \
	"$(rp_json '[[p["rx_queues"], p["tx_queues"]] for p in d["ports"]]' <"$RP_TMP/ports")"

# 64 flows each way, exactly counted at the receivers.
N=2000
rp_wait_quiet
rp_ctl --json stats >"$RP_TMP/before"
rp_udp_burst "$RP_NS_UP" "$RP_NS_DOWN" "$RP_DOWN_IP4" 7001 "$N" 64 64
rp_expect_eq "upstream -> protected: datagrams received over 64 flows" "$N" "$RP_UDP_GOT"
rp_udp_burst "$RP_NS_DOWN" "$RP_NS_UP" "$RP_UP_IP4" 7002 "$N" 64 64
rp_expect_eq "protected -> upstream: datagrams received over 64 flows" "$N" "$RP_UDP_GOT"
rp_wait_quiet
rp_ctl --json stats >"$RP_TMP/after"

rp_check "both workers forwarded, and the workers add up to the ports" "$RP_PY" - \
	"$RP_TMP/before" "$RP_TMP/after" "$N" <<'PY'
import json, sys
before, after = (json.load(open(f)) for f in sys.argv[1:3])
n = int(sys.argv[3])
keys = ("rx_packets", "tx_packets", "tx_drops")

def delta(view, key, name_key, name):
    b = [x for x in before[view] if x[name_key] == name][0][key]
    a = [x for x in after[view] if x[name_key] == name][0][key]
    return a - b

w = {lc: delta("workers", "rx_packets", "lcore", lc) for lc in (1, 2)}
print("rx per worker:", w)
# 2 x 64 flows hash over 2 queues: the chance that one queue gets none is 2^-127.
assert w[1] > 0 and w[2] > 0, w
ports_rx = sum(delta("ports", "rx_packets", "name", p) for p in ("up0", "down0"))
assert sum(w.values()) == ports_rx, (w, ports_rx)
assert ports_rx >= 2 * n, ports_rx
for k in keys:
    assert after["totals"][k] == sum(x[k] for x in after["workers"]), k
assert after["totals"]["tx_drops"] == 0, after["totals"]
PY

# A TCP connection and pings still work through the two workers.
rp_tcp_echo "$RP_NS_DOWN" "$RP_NS_UP" "$RP_DOWN_IP4" 7003 262144 ||
	rp_fail "TCP echo through two workers failed"
rp_expect_eq "pings through two workers" 20 "$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" 20)"

rp_ctl shutdown >/dev/null
rp_wait_exit "$RP_DAEMON_PID" 10
rp_expect_eq "exit status" 0 "$RP_STATUS"
rp_log "PASS"
