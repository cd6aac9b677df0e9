#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Forwarding through one link pair, both ways, and counters that agree with what crossed it.
#
# 1. Pings both ways (with real ARP) all come back.
# 2. With permanent neighbour entries and quiet hosts, an exact burst of N UDP frames is sent
#    from one host to the other, once per direction. Between two quiet points the sender's
#    kernel counted exactly N frames out, so every one of these must equal N:
#      frames the receiving socket got, the ingress port's rx_packets delta (software and
#      hw ipackets), the egress port's tx_packets delta, and frames the receiving host's
#      interface counted in; and the byte deltas are N * frame size.
#    Should anything else cross the segment in that window (the kernel counts it), the burst
#    is retried, at most three times.
# 3. TCP connections both ways are echoed intact, and across them the counters are conserved:
#    what each host sent equals what its node port received, and what each node port sent
#    equals what the host behind it received.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init fw
rp_require_tools ping timeout
rp_require_daemon
rp_topo_create
rp_write_config "$RP_TMP/node.conf" 0
rp_daemon_start "$RP_TMP/node.conf"

PINGS=50
UDP_N=1000
UDP_PAYLOAD=64

got=$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" "$PINGS")
rp_expect_eq "ping upstream -> protected, replies" "$PINGS" "$got"
got=$(rp_ping "$RP_NS_DOWN" "$RP_UP_IP4" "$PINGS")
rp_expect_eq "ping protected -> upstream, replies" "$PINGS" "$got"

rp_topo_static_neigh

# stats_snapshot: counters of both ports as "upRx upRxB upHwIn downTx downTxB downRx downRxB
# downHwIn upTx upTxB" after they have stopped moving (bounded).
stats_snapshot() {
	local prev="" cur i
	for ((i = 0; i < 20; i++)); do
		cur=$(rp_ctl --json stats | rp_json '" ".join(str(x) for x in [
			[p for p in d["ports"] if p["name"] == "up0"][0]["rx_packets"],
			[p for p in d["ports"] if p["name"] == "up0"][0]["rx_bytes"],
			[p for p in d["ports"] if p["name"] == "down0"][0]["tx_packets"],
			[p for p in d["ports"] if p["name"] == "down0"][0]["tx_bytes"],
			[p for p in d["ports"] if p["name"] == "down0"][0]["rx_packets"],
			[p for p in d["ports"] if p["name"] == "down0"][0]["rx_bytes"],
			[p for p in d["ports"] if p["name"] == "up0"][0]["tx_packets"],
			[p for p in d["ports"] if p["name"] == "up0"][0]["tx_bytes"],
			d["totals"]["rx_packets"], d["totals"]["tx_packets"]])')
		cur="$cur $(rp_ctl --json ports | rp_json '" ".join(str(
			[p for p in d["ports"] if p["name"] == n][0]["hw"]["ipackets"]) for n in ("up0", "down0"))')"
		[ "$cur" = "$prev" ] && break
		prev=$cur
		sleep 0.3
	done
	echo "$cur"
}

# udp_exact DIRECTION SRC_NS DST_NS DST_ADDR PORT FRAME_BYTES: one clean burst, all assertions.
# Returns 1 (to retry) when the window was not clean.
udp_exact() {
	local dir=$1 sns=$2 dns=$3 dst=$4 port=$5 frame=$6
	local h0 h1 s0 s1 sent recvd
	local -a a b hb ha
	rp_wait_quiet 10 || rp_fail "the segment did not go quiet within 10s"
	h0=$(rp_host_counters)
	s0=$(stats_snapshot)
	rp_udp_burst "$sns" "$dns" "$dst" "$port" "$UDP_N" "$UDP_PAYLOAD"
	rp_wait_quiet 10 || rp_fail "the segment did not go quiet within 10s after the burst"
	h1=$(rp_host_counters)
	s1=$(stats_snapshot)
	read -r -a hb <<<"$h0"
	read -r -a ha <<<"$h1"
	read -r -a b <<<"$s0"
	read -r -a a <<<"$s1"
	# Host counters: 0 upTx 1 upRx 2 downTx 3 downRx. Stats: see stats_snapshot, then 10 upHw
	# 11 downHw.
	if [ "$dir" = up ]; then
		sent=$((ha[0] - hb[0]))
		recvd=$((ha[3] - hb[3]))
		in_pk=$((a[0] - b[0])) in_by=$((a[1] - b[1])) in_hw=$((a[10] - b[10]))
		out_pk=$((a[2] - b[2])) out_by=$((a[3] - b[3]))
	else
		sent=$((ha[2] - hb[2]))
		recvd=$((ha[1] - hb[1]))
		in_pk=$((a[4] - b[4])) in_by=$((a[5] - b[5])) in_hw=$((a[11] - b[11]))
		out_pk=$((a[6] - b[6])) out_by=$((a[7] - b[7]))
	fi
	if [ "$sent" != "$UDP_N" ]; then
		rp_log "$dir: the sending host put $sent frames on the wire for a burst of $UDP_N; retrying"
		return 1
	fi
	rp_expect_eq "$dir: datagrams received by the socket" "$UDP_N" "$RP_UDP_GOT"
	rp_expect_eq "$dir: ingress port rx_packets delta" "$UDP_N" "$in_pk"
	rp_expect_eq "$dir: ingress port rx_bytes delta" $((UDP_N * frame)) "$in_by"
	rp_expect_eq "$dir: ingress port hw ipackets delta" "$UDP_N" "$in_hw"
	rp_expect_eq "$dir: egress port tx_packets delta" "$UDP_N" "$out_pk"
	rp_expect_eq "$dir: egress port tx_bytes delta" $((UDP_N * frame)) "$out_by"
	rp_expect_eq "$dir: frames received by the host behind the egress port" "$UDP_N" "$recvd"
	rp_expect_eq "$dir: totals.rx_packets delta" "$UDP_N" $((a[8] - b[8]))
	rp_expect_eq "$dir: totals.tx_packets delta" "$UDP_N" $((a[9] - b[9]))
	return 0
}

# udp_exact_tries WHAT ARGS...: udp_exact up to 3 times, until a window free of stray frames.
udp_exact_tries() {
	local what=$1
	shift
	for _ in 1 2 3; do
		udp_exact "$@" && return 0
	done
	rp_fail "$what: no clean UDP window in 3 tries"
}

# Frame sizes on the wire: Ethernet 14 + IPv4 20 / IPv6 40 + UDP 8 + payload.
udp_exact_tries "upstream -> protected" \
	up "$RP_NS_UP" "$RP_NS_DOWN" "$RP_DOWN_IP4" 5101 $((14 + 20 + 8 + UDP_PAYLOAD))
udp_exact_tries "protected -> upstream" \
	down "$RP_NS_DOWN" "$RP_NS_UP" "$RP_UP_IP6" 5102 $((14 + 40 + 8 + UDP_PAYLOAD))

# TCP both ways; then conservation over everything that crossed in the meantime.
rp_wait_quiet 10 || rp_fail "the segment did not go quiet within 10s"
h0=$(rp_host_counters)
s0=$(stats_snapshot)
for i in 1 2 3; do
	rp_check "TCP upstream -> protected server, connection $i, 256 kB echoed" \
		rp_tcp_echo "$RP_NS_DOWN" "$RP_NS_UP" "$RP_DOWN_IP4" $((5200 + i)) 262144
	rp_check "TCP protected -> upstream server, connection $i, 256 kB echoed (IPv6)" \
		rp_tcp_echo "$RP_NS_UP" "$RP_NS_DOWN" "$RP_UP_IP6" $((5300 + i)) 262144
done
rp_wait_quiet 10 || rp_fail "the segment did not go quiet within 10s after TCP"
h1=$(rp_host_counters)
s1=$(stats_snapshot)
read -r -a hb <<<"$h0"
read -r -a ha <<<"$h1"
read -r -a b <<<"$s0"
read -r -a a <<<"$s1"
rp_log "TCP phase: upstream host sent $((ha[0] - hb[0])), protected host sent $((ha[2] - hb[2])) frames"
[ $((ha[0] - hb[0])) -gt 200 ] || rp_fail "TCP phase: too few frames from the upstream host"
rp_expect_eq "TCP: up0 rx_packets delta = frames sent by the upstream host" \
	$((ha[0] - hb[0])) $((a[0] - b[0]))
rp_expect_eq "TCP: down0 tx_packets delta = frames received by the protected host" \
	$((ha[3] - hb[3])) $((a[2] - b[2]))
rp_expect_eq "TCP: down0 rx_packets delta = frames sent by the protected host" \
	$((ha[2] - hb[2])) $((a[4] - b[4]))
rp_expect_eq "TCP: up0 tx_packets delta = frames received by the upstream host" \
	$((ha[1] - hb[1])) $((a[6] - b[6]))
rp_expect_eq "TCP: nothing lost upstream -> protected" $((a[0] - b[0])) $((a[2] - b[2]))
rp_expect_eq "TCP: nothing lost protected -> upstream" $((a[4] - b[4])) $((a[6] - b[6]))

drops=$(rp_ctl --json stats | rp_json 'd["totals"]["tx_drops"]')
rp_expect_eq "totals.tx_drops" 0 "$drops"
rp_log "PASS"
