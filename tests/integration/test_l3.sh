#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# An l3 link pair: the node is the hosts' gateway, on two subnets, IPv4 and IPv6.
#
#   upstream host 198.51.100.1/24, 2001:db8:100::1/64, default via .254 / ::fe
#   node lp0      upstream 198.51.100.254/24, 2001:db8:100::fe/64
#                 protected 203.0.113.254/24, 2001:db8:113::fe/64
#   protected host 203.0.113.1/24, 2001:db8:113::1/64, default via .254 / ::fe
#
# 1. Each host's ARP and neighbour solicitation for its gateway is answered with the node
#    port's MAC, and the node answers pings to its own addresses.
# 2. Pings between the hosts cross the node both ways, IPv4 and IPv6: the node resolves the
#    next hop by ARP / ND, rewrites the MACs and decrements the TTL (the replies' TTL and hop
#    limit are one less than the sender's 64).
# 3. The node learned both hosts as neighbours, and counted the routed frames.
# 4. A packet with TTL 1 is not forwarded and is counted.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init l3
rp_require_tools ping timeout
rp_require_daemon
rp_topo_create

UP4=198.51.100.1
GW_UP4=198.51.100.254
DOWN4=203.0.113.1
GW_DOWN4=203.0.113.254
UP6=2001:db8:100::1
GW_UP6=2001:db8:100::fe
DOWN6=2001:db8:113::1
GW_DOWN6=2001:db8:113::fe

# The protected host moves to its own subnet; both hosts route through the node.
ip -n "$RP_NS_DOWN" addr flush dev "$RP_HOST_IF"
ip -n "$RP_NS_DOWN" addr add "$DOWN4/24" dev "$RP_HOST_IF"
ip -n "$RP_NS_DOWN" addr add "$DOWN6/64" dev "$RP_HOST_IF" nodad
ip -n "$RP_NS_UP" route add default via "$GW_UP4"
ip -n "$RP_NS_DOWN" route add default via "$GW_DOWN4"
ip -n "$RP_NS_UP" -6 route add default via "$GW_UP6"
ip -n "$RP_NS_DOWN" -6 route add default via "$GW_DOWN6"

rp_write_config "$RP_TMP/node.conf" 50
sed -i 's|^link_pairs = .*|link_pairs = ( { name = "lp0"; upstream = "up0"; protected = "down0"; mode = "l3";\
    upstream_address = [ "198.51.100.254/24", "2001:db8:100::fe/64" ];\
    protected_address = [ "203.0.113.254/24", "2001:db8:113::fe/64" ]; } );|' "$RP_TMP/node.conf"
rp_daemon_start "$RP_TMP/node.conf"

node_mac() {
	rp_ctl --json ports | rp_json "[p['mac'] for p in d['ports'] if p['name'] == '$1'][0].lower()"
}
host_neigh_mac() {
	ip -n "$1" neigh show "$2" | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p' | head -1
}

# 1. The gateways answer.
got=$(rp_ping "$RP_NS_UP" "$GW_UP4" 5)
rp_expect_eq "pings to the node's upstream address answered" 5 "$got"
got=$(rp_ping "$RP_NS_DOWN" "$GW_DOWN4" 5)
rp_expect_eq "pings to the node's protected address answered" 5 "$got"
got=$(rp_ping "$RP_NS_UP" "$GW_UP6" 5)
rp_expect_eq "pings to the node's upstream IPv6 address answered" 5 "$got"
rp_expect_eq "upstream host's ARP entry for its gateway" "$(node_mac up0)" \
	"$(host_neigh_mac "$RP_NS_UP" "$GW_UP4")"
rp_expect_eq "protected host's ARP entry for its gateway" "$(node_mac down0)" \
	"$(host_neigh_mac "$RP_NS_DOWN" "$GW_DOWN4")"
rp_expect_eq "upstream host's neighbour entry for its IPv6 gateway" "$(node_mac up0)" \
	"$(host_neigh_mac "$RP_NS_UP" "$GW_UP6")"

# 2. Routed both ways. The first packets of each direction wait for the next hop to be
# resolved (they are dropped while the node asks), so count only from a warmed-up path.
rp_ping "$RP_NS_UP" "$DOWN4" 3 >/dev/null
rp_ping "$RP_NS_UP" "$DOWN6" 3 >/dev/null
got=$(rp_ping "$RP_NS_UP" "$DOWN4" 20)
rp_expect_eq "IPv4 pings upstream -> protected through the gateway" 20 "$got"
got=$(rp_ping "$RP_NS_DOWN" "$UP4" 20)
rp_expect_eq "IPv4 pings protected -> upstream through the gateway" 20 "$got"
got=$(rp_ping "$RP_NS_UP" "$DOWN6" 20)
rp_expect_eq "IPv6 pings upstream -> protected through the gateway" 20 "$got"
ttl=$(rp_nsx "$RP_NS_UP" ping -n -c 1 -W 2 "$DOWN4" | sed -n 's/.*ttl=\([0-9]*\).*/\1/p')
rp_expect_eq "TTL of a reply that crossed the node once (64 - 1)" 63 "$ttl"
hlim=$(rp_nsx "$RP_NS_UP" ping -n -c 1 -W 2 "$DOWN6" | sed -n 's/.*ttl=\([0-9]*\).*/\1/p')
rp_expect_eq "hop limit of an IPv6 reply that crossed the node once (64 - 1)" 63 "$hlim"
rp_expect_eq "the protected host sees the node's MAC as its gateway's" "$(node_mac down0)" \
	"$(host_neigh_mac "$RP_NS_DOWN" "$GW_DOWN4")"

# 3. Counters.
traffic=$(rp_ctl --json ha status | rp_json 'd["node_traffic"]' 2>/dev/null || true)
fwd=$(rp_ctl --json ha status | rp_json 'd["node_traffic"]["l3_forwarded"]')
[ "$fwd" -ge 120 ] || rp_fail "l3_forwarded is $fwd after 120 routed pings and replies ($traffic)"
rp_log "ok: l3_forwarded = $fwd (at least 120)"
learned=$(rp_ctl --json ha status | rp_json 'd["node_traffic"]["neighbours_learned"]')
[ "$learned" -ge 2 ] || rp_fail "the node learned $learned neighbours, expected both hosts"
rp_log "ok: neighbours learned = $learned"

# 4. TTL 1 dies at the node.
before=$(rp_ctl --json ha status | rp_json 'd["node_traffic"]["l3_ttl_exceeded"]')
rp_nsx "$RP_NS_UP" ping -n -c 3 -i 0.1 -t 1 -W 1 "$DOWN4" >/dev/null 2>&1 || true
after=$(rp_ctl --json ha status | rp_json 'd["node_traffic"]["l3_ttl_exceeded"]')
rp_expect_eq "packets with TTL 1 counted as l3_ttl_exceeded" 3 $((after - before))
rp_log PASS
