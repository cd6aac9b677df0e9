#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Bypass with driver none is done by the dataplane: with a policy that drops ICMP (and lets the
# rest through), pings between the hosts fail inline; `bypass engage` makes the workers forward
# uninspected, so the pings the policy dropped pass (counted as uninspected); `bypass
# disconnect` makes them drop everything (counted as standby drops), TCP that passed inline
# included; `bypass clear` brings the policy back.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rp_init bn
rp_require_daemon
rp_require_tools ping timeout
rp_topo_create
rp_topo_static_neigh
cat >"$RP_TMP/no-icmp.conf" <<'EOP'
# Drops ICMP, lets everything else through.
rules = ( { name = "no-icmp"; proto = "icmp"; action = "drop"; } );
default_action = "allow";
EOP
rp_write_mitigation_config "$RP_TMP/node.conf" "$RP_TMP/no-icmp.conf" 20
echo 'bypass = { driver = "none"; on_start = "bypass"; rearm = "manual"; };' >>"$RP_TMP/node.conf"
rp_daemon_start "$RP_TMP/node.conf"

traffic() {
	rp_ctl --json ha status | rp_json "d[\"node_traffic\"][\"$1\"]"
}
pings() {
	rp_ping "$1" "$2" 20
}
state() {
	rp_ctl --json bypass status | rp_json 'd["state"]'
}

deadline=$((SECONDS + 10))
until [ "$(state)" = inline ]; do
	[ "$SECONDS" -le "$deadline" ] || rp_fail "bypass is $(state), not inline, after start-up"
	sleep 0.1
done
rp_expect_eq "fail-safe state of a node without HA" bypass \
	"$(rp_ctl --json bypass status | rp_json 'd["failsafe"]')"
rp_expect_eq "pings upstream -> protected, inline (policy drops ICMP)" 0 \
	"$(pings "$RP_NS_UP" "$RP_DOWN_IP4")"
rp_tcp_echo "$RP_NS_DOWN" "$RP_NS_UP" "$RP_DOWN_IP4" 5601 20000 || rp_fail "TCP failed inline"

u0=$(traffic uninspected)
out=$(rp_ctl bypass engage) || rp_fail "bypass engage failed: $out"
rp_expect_eq "state" bypass "$(state)"
rp_expect_eq "pings upstream -> protected, bypass" 20 "$(pings "$RP_NS_UP" "$RP_DOWN_IP4")"
rp_expect_eq "pings protected -> upstream, bypass" 20 "$(pings "$RP_NS_DOWN" "$RP_UP_IP4")"
u1=$(traffic uninspected)
rp_check "the workers forwarded uninspected ($u0 -> $u1)" [ $((u1 - u0)) -ge 80 ]

s0=$(traffic standby_dropped)
out=$(rp_ctl bypass disconnect) || rp_fail "bypass disconnect failed: $out"
rp_expect_eq "state" disconnect "$(state)"
rp_expect_eq "pings upstream -> protected, disconnect" 0 "$(pings "$RP_NS_UP" "$RP_DOWN_IP4")"
rp_expect_eq "pings protected -> upstream, disconnect" 0 "$(pings "$RP_NS_DOWN" "$RP_UP_IP4")"
if rp_tcp_echo "$RP_NS_DOWN" "$RP_NS_UP" "$RP_DOWN_IP4" 5602 2000 2>/dev/null; then
	rp_fail "TCP went through a disconnected node"
fi
s1=$(traffic standby_dropped)
rp_check "the workers dropped both ways ($s0 -> $s1)" [ $((s1 - s0)) -ge 40 ]

out=$(rp_ctl bypass clear) || rp_fail "bypass clear failed: $out"
rp_expect_eq "state" inline "$(state)"
rp_expect_eq "pings upstream -> protected, inline again" 0 "$(pings "$RP_NS_UP" "$RP_DOWN_IP4")"
rp_tcp_echo "$RP_NS_DOWN" "$RP_NS_UP" "$RP_DOWN_IP4" 5603 20000 ||
	rp_fail "TCP failed inline again"
rp_log "PASS"
