#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Two rampartd nodes in parallel, bump in the wire, active-passive over VRRPv3 (RFC 9568):
# issue 4's integration test (1). Node A priority 150 (primary), node B priority 100, VRID 51
# for 198.51.100.100/24 and for 2001:db8:100::100/64, adverts every 100 ms, l2 link pairs.
# Peer checks every 1000 ms x 3: slower than B's Master_Down_Interval (3 x 100 + (256 - 100) x
# 100 / 256 = 360.9 ms), so every takeover here is VRRP's own, never the fast failover.
#
# 1. A is master: ARP and ND answers for the VIPs come from A's upstream port only and carry
#    the virtual MACs 00:00:5e:00:01:33 and 00:00:5e:00:02:33; only A sends adverts (VRRPv3,
#    VRID 51, priority 150, 100 ms, TTL/hop limit 255, to 224.0.0.18 and ff02::12 from the
#    virtual MACs, RFC checksum); the VIP answers pings.
# 2. l2 standby: the hosts reach each other through A; B's ports put nothing at all on either
#    segment (it forwards nothing, answers nothing), and one broadcast does not loop.
# 3. A's host dies (links down, kill -9): B's first advert comes Master_Down_Interval after A's
#    last one (-15 ms, +100 ms), B sends gratuitous ARP and an unsolicited NA for the VIPs,
#    answers ARP for them, the VIP's ping gap stays under Master_Down_Interval + 100 ms, and B
#    now forwards between the hosts.
# 4. A comes back: it preempts B (A master, B backup).
# 5. A stops on SIGTERM (exit 0): it sends priority 0, and B's first advert follows it after
#    about Skew_Time (60.9 ms; at most +100 ms, and well below Master_Down_Interval).
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/ha_lib.sh
. "$(dirname "$0")/ha_lib.sh"

ha_init hv
rp_require_tools tcpdump ping timeout
rp_require_daemon
ha_topo_create rampart rampart

ADV=100
MD_B=$(ha_md_ms $ADV 100)
SKEW_B=$(ha_skew_ms $ADV 100)
MARGIN=100 # ms
VMAC4=$(ha_vmac $HA_VRID 4)
VMAC6=$(ha_vmac $HA_VRID 6)
VRRP_FILTER="ip proto 112 or ip6 proto 112"

ha_write_rampart_config a "$RP_TMP/a.conf" adv=$ADV pc=1000 v6=1
ha_write_rampart_config b "$RP_TMP/b.conf" adv=$ADV pc=1000 v6=1
ha_rampart_start a "$RP_TMP/a.conf"
ha_wait_state a master 5 || rp_fail "A is '$(ha_node_state a)' 5 s after start, not master"
ha_wait_state a master 1 ipv6 || rp_fail "A's IPv6 instance is '$(ha_node_state a ipv6)'"
ha_rampart_start b "$RP_TMP/b.conf"
ha_wait_state b backup 5 || rp_fail "B is '$(ha_node_state b)', not backup"
ha_wait_state b backup 1 ipv6 || rp_fail "B's IPv6 instance is '$(ha_node_state b ipv6)'"

# adverts_check FILE MAC DST FAMILY: the adverts in FILE are one kind: from MAC to DST, hop
# limit 255, VRRPv3, VRID 51, priority 150, 100 ms, the VIP of FAMILY, RFC checksum; about
# every 100 ms.
adverts_check() {
	local f=$1 mac=$2 dst=$3 fam=$4 vip gap
	vip=$([ "$fam" = 6 ] && echo "$HA_VIP6" || echo "$HA_VIP4")
	rp_expect_eq "IPv$fam: A's adverts: source MAC, destination, TTL, version, VRID, priority, interval, VIPs, checksum" \
		"$mac $dst 255 3 51 150 10 ['$vip'] rfc" \
		"$(rp_json '" ".join(str(g[k]) for g in d["advert_groups"] if g["family"] == '"$fam"'
			for k in ("src_mac", "dst", "ttl", "version", "vrid", "priority", "interval_cs",
			"addrs", "csum"))' <"$f")"
	gap=$(rp_json '[g["median_gap_ms"] for g in d["advert_groups"] if g["family"] == '"$fam"'][0]' <"$f")
	awk -v g="$gap" -v a=$ADV 'BEGIN { exit !(g >= a - 10 && g <= a + 10) }' ||
		rp_fail "IPv$fam: A's adverts came every $gap ms (median), not every $ADV ms"
}

# 1. A owns the VIPs.
ha_vip_owner 4
rp_expect_eq "IPv4 VIP: nodes whose port answers ARP" a "$HA_OWNER"
rp_expect_eq "IPv4 VIP: MAC in the ARP answers" "$VMAC4" "$HA_ARP_MACS"
ha_vip_owner 6
rp_expect_eq "IPv6 VIP: nodes whose port answers ND" a "$HA_OWNER"
rp_expect_eq "IPv6 VIP: MAC in the neighbour advertisements" "$VMAC6" "$HA_ARP_MACS"
ha_cap_start adv-a usw na "$VRRP_FILTER"
ha_cap_start adv-b usw nb "$VRRP_FILTER"
sleep 1
ha_cap_stop adv-a
ha_cap_stop adv-b
fa=$(ha_pcap adv-a)
rp_expect_eq "B's adverts while backup" 0 "$(rp_json 'len(d["adverts"])' <"$(ha_pcap adv-b)")"
rp_expect_eq "kinds of advert A sent" 2 "$(rp_json 'len(d["advert_groups"])' <"$fa")"
adverts_check "$fa" "$VMAC4" 224.0.0.18 4
adverts_check "$fa" "$VMAC6" ff02::12 6
rp_expect_eq "pings to the IPv4 VIP answered" 20 "$(rp_ping "$RP_NS_UP" "$HA_VIP4" 20)"

# Junk on the HA port is refused and counted, and changes nothing.
refused() {
	ha_ctl "$1" --json ha status | rp_json 'd["heartbeats"]["refused"]'
}
r0=$(refused a)
ip netns exec "${HA_NS[b]}" "$RP_PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for junk in (b"", b"RPHB", b"not a heartbeat" * 9):
    s.sendto(junk, (sys.argv[1], 7410))
' "${HA_ADDR[a]}"
sleep 0.3
rp_expect_eq "datagrams A refused on its HA port" 3 $(($(refused a) - r0))
rp_expect_eq "A after the junk" master "$(ha_node_state a)"
rp_expect_eq "B's view of A after the junk" healthy \
	"$(ha_ctl b --json ha status | rp_json 'd["peers"][0]["health"]')"

# 2. l2 standby.
ha_loop_check
for seg in usw psw; do
	ha_cap_start "fw-$seg-a" "$seg" na icmp
	ha_cap_start "fw-$seg-b" "$seg" nb
done
rp_expect_eq "pings upstream host -> protected host" 20 "$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" 20)"
rp_expect_eq "pings protected host -> upstream host" 20 "$(rp_ping "$RP_NS_DOWN" "$RP_UP_IP4" 20)"
for seg in usw psw; do
	ha_cap_stop "fw-$seg-a"
	ha_cap_stop "fw-$seg-b"
	rp_expect_eq "frames the backup put on $seg" 0 "$(rp_json 'd["frames"]' <"$(ha_pcap "fw-$seg-b")")"
	n=$(rp_json 'd["frames"]' <"$(ha_pcap "fw-$seg-a")")
	[ "$n" -ge 40 ] || rp_fail "the master put $n ICMP frames on $seg, not the 40 forwarded"
done
rp_log "ok: the master forwards both ways, the backup stands by"

# 3. A's host dies.
ha_failover_captured a 2 "$VRRP_FILTER" "arp or icmp6 or ip proto 112 or ip6 proto 112"
fa=$HA_FO_A
fb=$HA_FO_B
t0=$(rp_json "max([a['t'] for a in d['adverts'] if a['family'] == 4] or [0])" <"$fa")
t1=$(rp_json "min([a['t'] for a in d['adverts'] if a['family'] == 4] or [0])" <"$fb")
if [ "$t0" = 0 ] || [ "$t1" = 0 ]; then
	rp_fail "no advert from A before the kill ($t0) or from B after ($t1)"
fi
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
awk -v t="$took" -v md="$MD_B" -v g=$MARGIN 'BEGIN { exit !(t >= md - 15 && t <= md + g) }' ||
	rp_fail "B's first advert came $took ms after A's last; Master_Down_Interval is $MD_B ms"
rp_log "ok: B took over $took ms after A's last advert (Master_Down_Interval $MD_B ms)"
[ -n "$HA_GAP_MS" ] || rp_fail "the VIP never answered again after A died"
awk -v g="$HA_GAP_MS" -v md="$MD_B" -v m=$MARGIN 'BEGIN { exit !(g <= md + m) }' ||
	rp_fail "the VIP did not answer for $HA_GAP_MS ms (Master_Down_Interval $MD_B ms)"
rp_log "ok: the VIP's ping gap was $HA_GAP_MS ms"
n=$(rp_json "len([g for g in d['garp'] if g['ip'] == '$HA_VIP4' and g['mac'] == '$VMAC4'
	and g['t'] >= $t1 - 0.01])" <"$fb")
[ "$n" -ge 1 ] || rp_fail "B sent no gratuitous ARP for $HA_VIP4 from $VMAC4 on becoming master"
n=$(rp_json "len([g for g in d['garp'] if g['ip'] == '$HA_VIP6' and g['mac'] == '$VMAC6'])" <"$fb")
[ "$n" -ge 1 ] || rp_fail "B sent no unsolicited neighbour advertisement for $HA_VIP6"
rp_log "ok: B announced both VIPs"
rp_expect_eq "B's state" master "$(ha_node_state b)"
ha_vip_owner 4
rp_expect_eq "IPv4 VIP: nodes answering ARP after A died" b "$HA_OWNER"
rp_expect_eq "IPv4 VIP: MAC after A died" "$VMAC4" "$HA_ARP_MACS"
ha_cap_start fw-b psw nb icmp
rp_expect_eq "pings upstream host -> protected host through B" 20 \
	"$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" 20)"
ha_cap_stop fw-b
n=$(rp_json 'd["frames"]' <"$(ha_pcap fw-b)")
[ "$n" -ge 20 ] || rp_fail "B put $n ICMP frames on the protected segment, not 20"

# 4. A comes back and preempts.
ha_node_revive a
ha_rampart_start a "$RP_TMP/a.conf"
ha_wait_state a master 5 || rp_fail "A did not take master back (preempt): '$(ha_node_state a)'"
ha_wait_state b backup 2 || rp_fail "B did not go back to backup: '$(ha_node_state b)'"
ha_vip_owner 4
rp_expect_eq "IPv4 VIP: nodes answering ARP after A came back" a "$HA_OWNER"

# 5. SIGTERM: priority 0, then B after Skew_Time.
ha_cap_start term-a usw na "$VRRP_FILTER"
ha_cap_start term-b usw nb "$VRRP_FILTER"
sleep 0.3
kill -TERM "${HA_PID[a]}"
rp_wait_exit "${HA_PID[a]}" 10
[ "$RP_STATUS" != running ] || rp_fail "rampartd A still running 10 s after SIGTERM"
rp_expect_eq "rampartd A's exit status after SIGTERM" 0 "$RP_STATUS"
HA_PID[a]=
ha_wait_state b master 3 || rp_fail "B did not become master after A stopped"
sleep 0.2
ha_cap_stop term-a
ha_cap_stop term-b
fa=$(ha_pcap term-a)
fb=$(ha_pcap term-b)
t0=$(rp_json "min([a['t'] for a in d['adverts'] if a['priority'] == 0 and a['family'] == 4] or [0])" <"$fa")
[ "$t0" != 0 ] || rp_fail "A sent no priority-0 advert on SIGTERM"
t1=$(rp_json "min([a['t'] for a in d['adverts'] if a['t'] >= $t0 and a['family'] == 4] or [0])" <"$fb")
[ "$t1" != 0 ] || rp_fail "B sent no advert after A's priority 0"
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
awk -v t="$took" -v s="$SKEW_B" -v g=$MARGIN -v md="$MD_B" -v a=$ADV \
	'BEGIN { exit !(t <= s + g && t < md - a) }' ||
	rp_fail "B took over $took ms after A's priority 0; expected about Skew_Time ($SKEW_B ms)"
rp_log "ok: B took over $took ms after A's priority-0 advert (Skew_Time $SKEW_B ms)"
rp_log "PASS"
