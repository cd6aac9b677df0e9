#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Link monitoring: issue 4's integration test (3). Two rampartd nodes in parallel (A priority
# 150, B 100, VRID 51, adverts every 100 ms), one link pair each, min_active_links = 1,
# link_monitor_interval_ms = 100.
#
# 1. A is master.
# 2. A's protected cable is pulled (the protected bridge's port facing A goes down, so A's
#    down0 loses its carrier): A has no link pair with both ends up, fewer than
#    min_active_links, so it marks itself down. Its upstream side still works, so what follows
#    is the link monitor's doing, not lost adverts: within link_monitor_interval_ms + 200 ms A
#    sends a priority-0 advert, B's first advert follows after about Skew_Time (60.9 ms,
#    +100 ms), B answers ARP for the VIP and A does not, and A reports the links below the
#    minimum, an effective priority of 0 and a state other than master. For 2 s more, A stays down (no advert of its
#    own with a priority above 0) and B stays master.
# 3. The cable is plugged back: A's link pair is healthy again and A, which preempts, sends its
#    first advert as master again within 2 x link_monitor_interval_ms (one to notice, one to
#    hold) + its Master_Down_Interval (341.4 ms) + 200 ms.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/ha_lib.sh
. "$(dirname "$0")/ha_lib.sh"

ha_init hl
rp_require_tools tcpdump ping timeout
rp_require_daemon
ha_topo_create rampart rampart

ADV=100
LINK_MS=100
MARGIN=100 # ms
SKEW_B=$(ha_skew_ms $ADV 100)
MD_A=$(ha_md_ms $ADV 150)
VRRP_FILTER="ip proto 112"

# a_status EXPR: a Python expression on A's `ha status` (d), and on its VRID 51 IPv4 instance
# (i).
a_status() {
	ha_ctl a --json ha status | rp_json "(lambda i: $1)([x for x in d['instances']
		if x['vrid'] == $HA_VRID and x['family'] == 'ipv4'][0])"
}

ha_write_rampart_config a "$RP_TMP/a.conf" adv=$ADV minlinks=1 linkms=$LINK_MS
ha_write_rampart_config b "$RP_TMP/b.conf" adv=$ADV minlinks=1 linkms=$LINK_MS
ha_rampart_start a "$RP_TMP/a.conf"
ha_wait_state a master 5 || rp_fail "A is '$(ha_node_state a)' alone, not master"
ha_rampart_start b "$RP_TMP/b.conf"
ha_wait_state b backup 5 || rp_fail "B is '$(ha_node_state b)', not backup"

# 1. A is master, its link pair healthy.
ha_vip_owner 4
rp_expect_eq "VIP owner with every link up" a "$HA_OWNER"
rp_expect_eq "A: healthy link pairs, below the minimum" "1 False" \
	"$(a_status 'str(d["links"]["healthy"]) + " " + str(d["links"]["below_min"])')"

# 2. Pull A's protected cable.
ha_cap_start pull-a usw na "$VRRP_FILTER"
ha_cap_start pull-b usw nb "$VRRP_FILTER"
sleep 0.3
t_pull=$(date +%s.%N)
ha_cable psw a down
ha_wait_state b master 3 || rp_fail "B is '$(ha_node_state b)' 3 s after A's cable was pulled"
sleep 2 # A must stay down, B master
ha_cap_stop pull-a
ha_cap_stop pull-b
fa=$(ha_pcap pull-a)
fb=$(ha_pcap pull-b)
t0=$(rp_json "min([a['t'] for a in d['adverts'] if a['priority'] == 0 and a['t'] > $t_pull] or [0])" <"$fa")
[ "$t0" != 0 ] || rp_fail "A sent no priority-0 advert after its link pair went down"
took=$(awk -v a="$t_pull" -v b="$t0" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
awk -v t="$took" -v l=$LINK_MS 'BEGIN { exit !(t <= l + 200) }' ||
	rp_fail "A gave up master $took ms after its cable was pulled (link monitor every $LINK_MS ms)"
rp_log "ok: A sent priority 0 $took ms after its cable was pulled"
t1=$(rp_json "min([a['t'] for a in d['adverts'] if a['t'] >= $t0] or [0])" <"$fb")
[ "$t1" != 0 ] || rp_fail "B sent no advert after A's priority 0"
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
awk -v t="$took" -v s="$SKEW_B" -v m=$MARGIN 'BEGIN { exit !(t <= s + m) }' ||
	rp_fail "B took over $took ms after A's priority 0 (Skew_Time $SKEW_B ms)"
rp_log "ok: B took over $took ms after A's priority 0"
rp_expect_eq "A's adverts with a priority above 0 after giving up" 0 \
	"$(rp_json "len([a for a in d['adverts'] if a['t'] > $t0 and a['priority'] > 0])" <"$fa")"
rp_expect_eq "B's state 2 s later" master "$(ha_node_state b)"
ha_vip_owner 4
rp_expect_eq "VIP owner with A's link pair down" b "$HA_OWNER"
rp_expect_eq "A: healthy link pairs, below the minimum, effective priority, master" \
	"0 True 0 False" \
	"$(a_status 'str(d["links"]["healthy"]) + " " + str(d["links"]["below_min"]) + " " +
		str(i["effective_priority"]) + " " + str(i["state"] == "master")')"

# 3. Plug it back. When A is master again is read off the wire (its first advert with a
# priority above 0), not off `ha status` polls, whose own latency is not A's. Time A's HA
# thread was kept from running (stalls.discounted_ms, docs/ha.md "When the machine pauses")
# is time its clock did not count, and is added to the bound.
ha_cap_start plug-a usw na "$VRRP_FILTER"
sleep 0.3
disc0=$(a_status 'd["stalls"]["discounted_ms"]')
t_plug=$(date +%s.%N)
ha_cable psw a up
limit=$(awk -v l=$LINK_MS -v md="$MD_A" 'BEGIN { printf "%d", (2 * l + md + 200) / 1000 + 1 }')
ha_wait_state a master "$limit" || rp_fail "A is '$(ha_node_state a)' after its cable came back"
ha_cap_stop plug-a
t2=$(rp_json "min([a['t'] for a in d['adverts'] if a['priority'] > 0 and a['t'] > $t_plug] or [0])" \
	<"$(ha_pcap plug-a)")
[ "$t2" != 0 ] || rp_fail "A sent no advert with a priority above 0 after its cable came back"
took=$(awk -v a="$t_plug" -v b="$t2" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
disc=$(($(a_status 'd["stalls"]["discounted_ms"]') - disc0))
awk -v t="$took" -v l=$LINK_MS -v md="$MD_A" -v s="$disc" 'BEGIN { exit !(t <= 2 * l + md + 200 + s) }' ||
	rp_fail "A was master again only $took ms after its cable came back ($disc ms of it its HA thread was stalled)"
rp_log "ok: A master again (its first advert) $took ms after its cable came back ($disc ms of it its HA thread was stalled)"
ha_wait_state b backup 2 || rp_fail "B is '$(ha_node_state b)', not backup, once A is back"
ha_vip_owner 4
rp_expect_eq "VIP owner with every link up again" a "$HA_OWNER"
rp_expect_eq "A: healthy link pairs, below the minimum, effective priority" "1 False 150" \
	"$(a_status 'str(d["links"]["healthy"]) + " " + str(d["links"]["below_min"]) + " " +
		str(i["effective_priority"])')"
rp_log "PASS"
