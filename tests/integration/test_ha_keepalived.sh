#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# rampartd and keepalived in one virtual router: issue 4's integration test (2). Node A is
# rampartd (bump in the wire, no Rampart peer: `peers = ()`), node B is keepalived 2.2 on a
# kernel interface of the upstream segment (`vrrp_version 3`, multicast adverts). VRID 51,
# VIP 198.51.100.100/24, adverts every 100 ms.
#
# checksum = "rfc":
# 1. rampartd (150) master, keepalived (100) backup: they agree (A master and answering ARP
#    with 00:00:5e:00:01:33, keepalived in BACKUP), and keepalived finds nothing wrong in
#    rampartd's adverts (no checksum, TTL, version, length or address-list complaint).
# 2. A's host dies: keepalived takes over within its Master_Down_Interval (360.9 ms) + 100 ms
#    and answers for the VIP with its own MAC. A comes back: it preempts, keepalived backs off.
# 3. Roles swapped: keepalived restarted at priority 200 preempts rampartd (A backup, counting
#    keepalived's adverts without a single error). B's host dies: rampartd takes over within its
#    Master_Down_Interval (3 x 100 + (256 - 150) x 100 / 256 = 341.4 ms) + 100 ms. keepalived
#    comes back and preempts again.
#
# checksum = "v2-compatible" (IPv4 adverts checksummed without the pseudo-header):
# keepalived has no matching setting. For multicast VRRPv3 it checks IPv4 adverts with the
# pseudo-header only (keepalived.conf(5): `old_unicast_checksum` is about unicast adverts, and
# still uses a pseudo-header, with 224.0.0.18 in it), so the two cannot share a VRID in this
# mode. What is checked instead: rampartd's adverts carry the checksum without the
# pseudo-header (and not the RFC one), and keepalived rejects them for their checksum and for
# nothing else, so the mode changes that and only that.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/ha_lib.sh
. "$(dirname "$0")/ha_lib.sh"

ha_init hk
rp_require_tools keepalived tcpdump ping timeout
rp_require_daemon
ha_topo_create rampart keepalived

ADV=100
MARGIN=100 # ms
VMAC4=$(ha_vmac $HA_VRID 4)
VRRP_FILTER="ip proto 112"
# keepalived's complaints about an advert it received, as it logs them (vrrp.c).
KA_ERRORS='Invalid VRRPv3 checksum\|invalid TTL\|wrong version\|vrrp packet too\|ip_tot_len mismatch\|unexpected ip number count\|expected [0-9]* VIPs\|not present in MASTER advert\|Invalid packet type\|icast packet but received'

# ka_errors: keepalived's complaints so far, one a line.
ka_errors() {
	grep "$KA_ERRORS" "${HA_LOG[b]}" || true
}

# agree MASTER BACKUP: MASTER is master, BACKUP is backup (waiting up to 5 s), and the VIP is
# answered from MASTER's port only.
agree() {
	local m=$1 b=$2 mac
	ha_wait_state "$m" master 5 || rp_fail "node $m is '$(ha_node_state "$m")', not master"
	ha_wait_state "$b" backup 5 || rp_fail "node $b is '$(ha_node_state "$b")', not backup"
	ha_vip_owner 4
	rp_expect_eq "nodes answering ARP for the VIP" "$m" "$HA_OWNER"
	mac=$VMAC4
	[ "${HA_KIND[$m]}" = rampart ] || mac=$(ha_node_mac "$m")
	rp_expect_eq "MAC for the VIP" "$mac" "$HA_ARP_MACS"
}

# takeover DEAD SURVIVOR MD_MS: DEAD's host dies while the VIP is pinged; the survivor answers
# again within MD_MS + MARGIN.
takeover() {
	local dead=$1 alive=$2 md=$3
	ha_failover_measure "$dead" 2
	[ -n "$HA_GAP_MS" ] || rp_fail "the VIP never answered again after node $dead died"
	awk -v g="$HA_GAP_MS" -v md="$md" -v m=$MARGIN 'BEGIN { exit !(g <= md + m) }' ||
		rp_fail "node $alive took $HA_GAP_MS ms to answer for the VIP (Master_Down_Interval $md ms)"
	rp_log "ok: node $alive answered for the VIP after a gap of $HA_GAP_MS ms (MD $md ms)"
	rp_expect_eq "state of node $alive after node $dead died" master "$(ha_node_state "$alive")"
}

# rampart_counters: A's instance counters, as "received errors" (errors: every error counter).
rampart_counters() {
	ha_ctl a --json ha status | rp_json "[str(c['adverts_received']) + ' ' + str(sum(v for k, v in
		c.items() if k.endswith('_errors'))) for c in [i['counters'] for i in d['instances']
		if i['vrid'] == $HA_VRID and i['family'] == 'ipv4']][0]"
}

ha_write_keepalived_config b "$RP_TMP/ka-100.conf" adv=$ADV prio=100
ha_write_keepalived_config b "$RP_TMP/ka-200.conf" adv=$ADV prio=200
ha_write_rampart_config a "$RP_TMP/a-rfc.conf" adv=$ADV peers=0 csum=rfc
ha_write_rampart_config a "$RP_TMP/a-v2.conf" adv=$ADV peers=0 csum=v2-compatible

# 1. rampartd master, keepalived backup.
ha_rampart_start a "$RP_TMP/a-rfc.conf"
ha_wait_state a master 5 || rp_fail "A is '$(ha_node_state a)' alone, not master"
ha_keepalived_start b "$RP_TMP/ka-100.conf"
sleep 1
agree a b
rp_expect_eq "keepalived's complaints about rampartd's adverts" "" "$(ka_errors)"

# 2. rampartd's host dies; keepalived takes over; rampartd comes back and preempts.
takeover a b "$(ha_md_ms $ADV 100)"
ha_node_revive a
ha_rampart_start a "$RP_TMP/a-rfc.conf"
agree a b
rp_expect_eq "keepalived's complaints after rampartd came back" "" "$(ka_errors)"

# 3. keepalived at priority 200 preempts rampartd; keepalived's host dies; rampartd takes over.
ha_node_stop b
ha_keepalived_start b "$RP_TMP/ka-200.conf"
agree b a
read -r rcvd errs <<<"$(rampart_counters)"
[ "$rcvd" -gt 0 ] || rp_fail "rampartd counted no advert from keepalived"
rp_expect_eq "rampartd's error counters for keepalived's adverts" 0 "$errs"
takeover b a "$(ha_md_ms $ADV 150)"
ha_node_revive b
ha_keepalived_start b "$RP_TMP/ka-200.conf"
agree b a
rp_expect_eq "keepalived's complaints in the swapped roles" "" "$(ka_errors)"

# checksum = "v2-compatible".
ha_node_stop a
ha_node_stop b
ha_rampart_start a "$RP_TMP/a-v2.conf"
ha_keepalived_start b "$RP_TMP/ka-100.conf"
ha_cap_start v2-a usw na "$VRRP_FILTER"
sleep 1
ha_cap_stop v2-a
f=$(ha_pcap v2-a)
n=$(rp_json 'len(d["adverts"])' <"$f")
[ "$n" -ge 5 ] || rp_fail "rampartd sent $n adverts in 1 s in v2-compatible mode"
rp_expect_eq "checksums of rampartd's adverts in v2-compatible mode" "v2-compatible" \
	"$(rp_json '" ".join(sorted(set(a["csum"] for a in d["adverts"] if a["priority"] > 0)))' <"$f")"
errors=$(ka_errors)
printf '%s\n' "$errors" | grep -q 'Invalid VRRPv3 checksum' ||
	rp_fail "keepalived accepted adverts checksummed without the pseudo-header"
rp_expect_eq "keepalived's complaints other than the checksum" "" \
	"$(printf '%s\n' "$errors" | grep -v 'Invalid VRRPv3 checksum' || true)"
rp_log "ok: v2-compatible adverts differ from RFC ones in their checksum only; keepalived has no such mode"
rp_log "PASS"
