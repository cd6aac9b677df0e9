#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Each protocol an operator expects to cross a bump in the wire, in both address families, with
# real ARP and neighbour discovery through the node:
#   ICMP echo (IPv4 and IPv6) both ways, every reply back;
#   UDP datagrams both ways, every one counted by the receiving socket;
#   TCP: a server on the protected host and a client on the upstream host exchange data that
#   is echoed and compared byte for byte (and the reverse, and over IPv6).
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init pr
rp_require_tools ping timeout
rp_require_daemon
rp_topo_create
# This test runs the workers with an idle sleep, the other forwarding test without.
rp_write_config "$RP_TMP/node.conf" 100
rp_daemon_start "$RP_TMP/node.conf"

N=30
rp_expect_eq "ICMP upstream -> protected" "$N" "$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" "$N")"
rp_expect_eq "ICMP protected -> upstream" "$N" "$(rp_ping "$RP_NS_DOWN" "$RP_UP_IP4" "$N")"
rp_expect_eq "ICMPv6 upstream -> protected" "$N" "$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP6" "$N")"
rp_expect_eq "ICMPv6 protected -> upstream" "$N" "$(rp_ping "$RP_NS_DOWN" "$RP_UP_IP6" "$N")"

U=300
rp_udp_burst "$RP_NS_UP" "$RP_NS_DOWN" "$RP_DOWN_IP4" 5401 "$U" 200
rp_expect_eq "UDP upstream -> protected, datagrams received" "$U" "$RP_UDP_GOT"
rp_udp_burst "$RP_NS_DOWN" "$RP_NS_UP" "$RP_UP_IP4" 5402 "$U" 200
rp_expect_eq "UDP protected -> upstream, datagrams received" "$U" "$RP_UDP_GOT"
rp_udp_burst "$RP_NS_UP" "$RP_NS_DOWN" "$RP_DOWN_IP6" 5403 "$U" 1200
rp_expect_eq "UDP/IPv6 upstream -> protected, 1200-byte datagrams received" "$U" "$RP_UDP_GOT"
rp_udp_burst "$RP_NS_DOWN" "$RP_NS_UP" "$RP_UP_IP6" 5404 "$U" 1200
rp_expect_eq "UDP/IPv6 protected -> upstream, 1200-byte datagrams received" "$U" "$RP_UDP_GOT"

rp_check "TCP client upstream, server protected: 1 MB echoed intact" \
	rp_tcp_echo "$RP_NS_DOWN" "$RP_NS_UP" "$RP_DOWN_IP4" 5501 1048576
rp_check "TCP client protected, server upstream: 1 MB echoed intact" \
	rp_tcp_echo "$RP_NS_UP" "$RP_NS_DOWN" "$RP_UP_IP4" 5502 1048576
rp_check "TCP/IPv6 client upstream, server protected: 1 MB echoed intact" \
	rp_tcp_echo "$RP_NS_DOWN" "$RP_NS_UP" "$RP_DOWN_IP6" 5503 1048576

rp_alive "$RP_DAEMON_PID" || rp_fail "rampartd died during the test"
rp_log "PASS"
