#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A pause of the whole machine is no failure of the master. Two rampartd nodes in parallel
# (A priority 150, B 100, VRID 51, adverts every 100 ms, peer checks every 100 ms x 3).
#
# 1. Both daemons are frozen together (SIGSTOP) for 1 s, three times, as when the host of a
#    virtual machine deschedules it: far longer than B's Master_Down_Interval (360.9 ms) and
#    its peer failure time (300 ms). Nothing was heard because nothing was sent, so nothing
#    changes: B sends no advert, neither node records a state change or finds its peer
#    unhealthy, and both report the stalls (`ha status`: count, the longest, the time not held
#    against masters and peers).
# 2. A alone is frozen: real silence still counts. B takes over and A, thawed, preempts it.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/ha_lib.sh
. "$(dirname "$0")/ha_lib.sh"

ha_init hs
rp_require_tools tcpdump timeout
rp_require_daemon
ha_topo_create rampart rampart

ADV=100
FREEZES=3

# st NODE EXPR: a Python expression on node NODE's `ha status` (d).
st() {
	ha_ctl "$1" --json ha status | rp_json "$2"
}
# events NODE: how many state changes node NODE's history holds.
events() {
	ha_ctl "$1" --json ha history | rp_json 'len(d["events"])'
}
# wait_peer_healthy NODE SECONDS: until node NODE finds its peer healthy (bounded).
wait_peer_healthy() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[ "$(st "$1" 'd["peers"][0]["health"]')" = healthy ] && return 0
		sleep 0.1
	done
	return 1
}

for n in a b; do
	ha_write_rampart_config $n "$RP_TMP/$n.conf" adv=$ADV pc=100 pfail=3 prec=5
done
ha_rampart_start a "$RP_TMP/a.conf"
ha_wait_state a master 5 || rp_fail "A is '$(ha_node_state a)' alone, not master"
ha_rampart_start b "$RP_TMP/b.conf"
ha_wait_state b backup 5 || rp_fail "B is '$(ha_node_state b)', not backup"
wait_peer_healthy a 5 || rp_fail "A's peer is '$(st a 'd["peers"][0]["health"]')'"
wait_peer_healthy b 5 || rp_fail "B's peer is '$(st b 'd["peers"][0]["health"]')'"
ev_a=$(events a)
ev_b=$(events b)
stalls_a=$(st a 'd["stalls"]["count"]')
stalls_b=$(st b 'd["stalls"]["count"]')

# 1. The whole "machine" (both daemons) freezes.
ha_cap_start freeze-b usw nb "ip proto 112"
for ((i = 0; i < FREEZES; i++)); do
	kill -STOP "${HA_PID[a]}" "${HA_PID[b]}"
	sleep 1
	kill -CONT "${HA_PID[a]}" "${HA_PID[b]}"
	sleep 1
done
ha_cap_stop freeze-b
rp_expect_eq "adverts B sent across the freezes" 0 \
	"$(rp_json 'len(d["adverts"])' <"$(ha_pcap freeze-b)")"
rp_expect_eq "states after the freezes (A, B)" "master backup" \
	"$(ha_node_state a) $(ha_node_state b)"
rp_expect_eq "state changes A recorded during the freezes" 0 $(($(events a) - ev_a))
rp_expect_eq "state changes B recorded during the freezes" 0 $(($(events b) - ev_b))
for n in a b; do
	rp_expect_eq "$n's view of its peer after the freezes" healthy \
		"$(st $n 'd["peers"][0]["health"]')"
	before=stalls_$n
	rp_expect_eq "$n: $FREEZES more stalls, the longest over 900 ms, over $((FREEZES * 900)) ms not held against the peer" \
		"True True True" \
		"$(st $n "(str(d['stalls']['count'] >= ${!before} + $FREEZES) + ' ' +
			str(d['stalls']['longest_ms'] > 900) + ' ' +
			str(d['stalls']['discounted_ms'] > $FREEZES * 900))")"
done
rp_check "A logged the stall" grep -q "ha: the HA thread did not run for" "${HA_LOG[a]}"

# 2. A alone freezes: that silence is real.
kill -STOP "${HA_PID[a]}"
if ! ha_wait_state b master 3; then
	kill -CONT "${HA_PID[a]}"
	rp_fail "B is '$(ha_node_state b)' while A is frozen, not master"
fi
kill -CONT "${HA_PID[a]}"
ha_wait_state a master 5 || rp_fail "A is '$(ha_node_state a)' after it thawed, not master"
ha_wait_state b backup 5 || rp_fail "B is '$(ha_node_state b)' after A thawed, not backup"
rp_expect_eq "B's last reason" higher-priority \
	"$(st b "[i['last_reason'] for i in d['instances'] if i['family'] == 'ipv4'][0]")"
rp_log "PASS"
