#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# DPDK telemetry: dpdk-telemetry.py reads /rampart/status, /rampart/ports and /rampart/stats
# from a live rampartd, and they carry the same numbers as rampartctl (the node is quiet
# between the two reads, so the counters must be equal, not merely close). A parameter narrows
# the answer to one port; an unknown port is refused. Telemetry keeps answering until the
# daemon stops, and the daemon still stops cleanly while it is being queried. An answer too
# large for a telemetry dict says it was truncated. /rampart/policy, rules, drops and blocklist
# agree with rampartctl too.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init tel
rp_require_tools ping timeout dpdk-telemetry.py
rp_require_daemon
rp_topo_create
rp_topo_static_neigh
rp_write_config "$RP_TMP/node.conf" 100
rp_daemon_start "$RP_TMP/node.conf"
prefix=rampart-$RP_NODE_ID

# telemetry CMD...: each command's answer, one JSON object per line.
telemetry() {
	printf '%s\n' "$@" | timeout 20 dpdk-telemetry.py -f "$prefix" 2>&1 | grep '^{' || true
}

rp_expect_eq "pings through the node" 20 "$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" 20)"
rp_wait_quiet

out=$RP_TMP/tel
telemetry /rampart/status /rampart/stats /rampart/stats,up0 /rampart/ports,down0 \
	/rampart/stats,nosuch >"$out"
rp_log "telemetry answered: $(wc -l <"$out") lines"
rp_ctl --json stats >"$RP_TMP/ctl-stats"

rp_check "telemetry agrees with rampartctl" "$RP_PY" - "$out" "$RP_TMP/ctl-stats" "$RP_NODE_ID" <<'PY'
import json, sys
answers = {}
for line in open(sys.argv[1]):
    obj = json.loads(line)
    for k, v in obj.items():
        answers.setdefault(k, []).append(v)
ctl = json.load(open(sys.argv[2]))
ctl = ctl.get("data", ctl)
node_id = sys.argv[3]

status = answers["/rampart/status"][0]
assert status["node_id"] == node_id, status
assert status["link_pairs_lp0_state"] == "forwarding", status
assert status["workers_lcore1_lcore"] == 1, status

stats, up0, bad = answers["/rampart/stats"]
for port in ctl["ports"]:
    for k in ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "tx_drops"):
        want = port[k]
        got = stats["ports_%s_%s" % (port["name"], k)]
        assert got == want, (port["name"], k, got, want)
for k in ("rx_packets", "tx_packets"):
    assert stats["totals_" + k] == ctl["totals"][k], k
ctl_up0 = [p for p in ctl["ports"] if p["name"] == "up0"][0]
assert up0["name"] == "up0" and up0["rx_packets"] == ctl_up0["rx_packets"], up0
assert up0["rx_packets"] >= 20, up0
assert bad is None, bad  # an unknown port is refused: telemetry answers null

down0 = answers["/rampart/ports"][0]
assert down0["name"] == "down0" and down0["link"] == "up" and down0["paired_with"] == "up0", down0
print("telemetry and rampartctl agree on", len(ctl["ports"]), "ports")
PY

# The mitigation views: a policy with a count rule for ICMP, pings through it, a blocklisted
# source; telemetry and rampartctl must report the same policy, rule counters, drop counters
# and blocklist.
cat >"$RP_TMP/policy.conf" <<'POLICY'
deny_prefixes = [ "198.18.7.0/24" ];
rules = ( { name = "icmp-seen"; proto = "icmp"; action = "count"; } );
POLICY
rp_ctl policy load "$RP_TMP/policy.conf" >/dev/null
rp_ctl blocklist add 198.18.0.9 --ttl 600 >/dev/null
rp_expect_eq "pings through the policy" 7 "$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" 7)"
rp_wait_quiet
telemetry /rampart/policy /rampart/rules /rampart/drops /rampart/blocklist >"$out.mit"
for v in "policy show" rules drops "blocklist list"; do
	# shellcheck disable=SC2086
	rp_ctl --json $v >"$RP_TMP/ctl-${v%% *}"
done
rp_check "mitigation telemetry agrees with rampartctl" "$RP_PY" - "$out.mit" "$RP_TMP" <<'PY'
import json, sys
answers = {}
for line in open(sys.argv[1]):
    answers.update(json.loads(line))
def ctl(name):
    d = json.load(open("%s/ctl-%s" % (sys.argv[2], name)))
    return d.get("data", d)
pol, rules, drops, bl = (answers["/rampart/" + k] for k in ("policy", "rules", "drops", "blocklist"))
cp = ctl("policy")
assert pol["version"] == cp["version"] == 1, (pol, cp)
assert pol["rules"] == 1 and pol["deny_prefixes"] == 1, pol
cr = ctl("rules")["rules"][0]
assert cr["name"] == "icmp-seen" and cr["packets"] == 7, cr  # inbound: the requests only
for k in ("packets", "bytes", "dropped"):
    assert rules["rules_icmp_seen_" + k] == cr[k], (k, rules, cr)
cd = ctl("drops")["totals"]
assert drops["totals_inspected"] == cd["inspected"] > 0, (drops, cd)
for reason, n in cd["drops"].items():
    assert drops["totals_drops_" + reason] == n, (reason, drops, cd)
cb = ctl("blocklist")
assert bl["count"] == cb["count"] == 1 and bl["stats_added"] == 1, (bl, cb)
print("policy, rules, drops and blocklist agree; icmp-seen counted", cr["packets"])
PY

# Stop the daemon while a client keeps querying telemetry: it must still exit 0 promptly.
answers=$RP_TMP/querier-answers
(
	end=$((SECONDS + 10))
	while [ $SECONDS -lt $end ]; do
		telemetry /rampart/status /rampart/ports /rampart/stats >>"$answers"
	done
) &
querier=$!
RP_PIDS+=("$querier")
for ((i = 0; i < 50; i++)); do
	[ -s "$answers" ] && break
	sleep 0.1
done
[ -s "$answers" ] || rp_fail "the telemetry querier got no answer before the stop"
kill -TERM "$RP_DAEMON_PID"
rp_wait_exit "$RP_DAEMON_PID" 10
kill "$querier" 2>/dev/null || true
wait "$querier" 2>/dev/null || true
rp_expect_eq "exit status when stopped under telemetry queries" 0 "$RP_STATUS"
rp_log "the querier had $(wc -l <"$answers") answers when the daemon stopped"

# An answer larger than a telemetry dict (256 entries) says it was cut; one port always fits.
# Ten net_null ports (no-rx=1: they receive nothing) in five link pairs.
{
	echo "node = { id = \"$RP_NODE_ID-big\"; };"
	echo 'dpdk = { lcores = "0-1"; memory_mb = 512; };'
	echo 'ports = ('
	for i in 0 1 2 3 4 5 6 7 8 9; do
		echo "  { name = \"p$i\"; device = \"net_null$i,no-rx=1\"; rx_desc = 128; tx_desc = 128; }$([ $i -lt 9 ] && echo ,)"
	done
	echo ');'
	echo 'link_pairs = ('
	for i in 0 2 4 6 8; do
		echo "  { name = \"lp$i\"; upstream = \"p$i\"; protected = \"p$((i + 1))\"; }$([ $i -lt 8 ] && echo ,)"
	done
	echo ');'
	echo 'workers = { lcores = [1]; idle_sleep_us = 1000; };'
	echo "control = { socket = \"$RP_SOCK\"; };"
} >"$RP_TMP/big.conf"
RP_NODE_ID=$RP_NODE_ID-big
prefix=rampart-$RP_NODE_ID
rp_daemon_start "$RP_TMP/big.conf"
telemetry /rampart/ports /rampart/ports,p9 >"$out"
rp_check "a cut answer is marked, and one port is whole" "$RP_PY" - "$out" <<'PY'
import json, sys
answers = [json.loads(line)["/rampart/ports"] for line in open(sys.argv[1])]
whole, one = answers
assert len(whole) == 256 and whole.get("truncated") == 1, (len(whole), whole.get("truncated"))
assert "truncated" not in one and one["name"] == "p9" and "hw_rx_nombuf" in one, one
print("ten ports: %d keys, truncated; p9 alone: %d keys" % (len(whole), len(one)))
PY
rp_ctl shutdown >/dev/null
rp_wait_exit "$RP_DAEMON_PID" 10
rp_expect_eq "exit status of the ten-port node" 0 "$RP_STATUS"
rp_log "PASS"
