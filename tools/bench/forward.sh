#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Forwarding rate of rampartd against dpdk-testpmd (--forward-mode=io) on the same topology,
# the same lcores (0-1, one forwarding lcore: 1) and the same generator, in one run.
#
# Topology: tests/integration/lib.sh (veth pairs, net_af_packet ports, a node namespace between
# an upstream and a protected host). Generator: trafgen (Debian's netsniff-ng), one process
# pinned to CPU 0, 64-byte UDP frames (60 on the wire before FCS) from the upstream host to the
# protected host's MAC, addressed to an IP it does not own so the host drops them silently
# (no ICMP back). Rate = frames counted by the protected host's interface per second, over
# BENCH_SECONDS after BENCH_WARMUP_S. Each engine runs BENCH_RUNS times, interleaved; the
# median is reported. veth + af_packet is kernel-bound (~0.5 Mpps here): this compares the
# two engines on this path, it does not measure what rampartd does on a real NIC.
#
# Environment: RAMPARTD, RAMPARTCTL (as the integration tests), BENCH_RUNS (3),
# BENCH_SECONDS (5), BENCH_WARMUP_S (1), BENCH_MIN_RATIO (unset: no floor; e.g. 0.8 makes the
# run fail when rampartd's median is below 80% of testpmd's), BENCH_JSON (a file to write the
# results to). Needs root.
set -euo pipefail
export RP_NAME=bench_forward
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/../../tests/integration/lib.sh"

RUNS=${BENCH_RUNS:-3}
DUR=${BENCH_SECONDS:-5}
WARM=${BENCH_WARMUP_S:-1}
MIN_RATIO=${BENCH_MIN_RATIO:-}
SINK_IP4=198.51.100.3

rp_init bn
rp_require_tools trafgen taskset timeout awk dpdk-testpmd
rp_require_daemon
rp_topo_create
rp_topo_static_neigh

gen_cfg=$RP_TMP/gen.cfg
cat >"$gen_cfg" <<EOF
{
  eth(da=$(rp_host_mac "$RP_NS_DOWN"), sa=$(rp_host_mac "$RP_NS_UP")),
  ipv4(saddr=$RP_UP_IP4, daddr=$SINK_IP4, ttl=64),
  udp(sport=4000, dport=9),
  fill(0x00, 18)
}
EOF
rp_write_config "$RP_TMP/node.conf" 0

now() {
	date +%s.%N
}

# gen_start: trafgen for at most WARM + DUR + 5 seconds. Sets GEN_PID.
gen_start() {
	rp_bg "$RP_TMP/trafgen.log" "$RP_NS_UP" timeout $((WARM + DUR + 5)) \
		taskset -c 0 trafgen --no-sock-mem --notouch-irq -C -P 1 \
		--dev "$RP_HOST_IF" --conf "$gen_cfg" -n 200000000
	GEN_PID=$RP_LAST_PID
}

gen_stop() {
	rp_stop "$GEN_PID" TERM 5
}

# sample WHAT: sets OFFERED and FORWARDED (pps) measured over DUR after WARM.
sample() {
	local t0 t1 tx0 tx1 rx0 rx1
	sleep "$WARM"
	rp_alive "$GEN_PID" || rp_fail "$1: trafgen exited early: $(tail -3 "$RP_TMP/trafgen.log")"
	t0=$(now)
	tx0=$(rp_if_stat "$RP_NS_UP" "$RP_HOST_IF" tx_packets)
	rx0=$(rp_if_stat "$RP_NS_DOWN" "$RP_HOST_IF" rx_packets)
	sleep "$DUR"
	t1=$(now)
	tx1=$(rp_if_stat "$RP_NS_UP" "$RP_HOST_IF" tx_packets)
	rx1=$(rp_if_stat "$RP_NS_DOWN" "$RP_HOST_IF" rx_packets)
	OFFERED=$(awk -v a="$tx0" -v b="$tx1" -v t0="$t0" -v t1="$t1" \
		'BEGIN { printf "%d", (b - a) / (t1 - t0) }')
	FORWARDED=$(awk -v a="$rx0" -v b="$rx1" -v t0="$t0" -v t1="$t1" \
		'BEGIN { printf "%d", (b - a) / (t1 - t0) }')
}

median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%d\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# shellcheck disable=SC2119
run_testpmd() {
	rp_testpmd_start
	gen_start
	sample "dpdk-testpmd run $1"
	gen_stop
	rp_stop "$RP_TESTPMD_PID" TERM 10
	[ "$RP_STATUS" != killed ] || rp_fail "dpdk-testpmd did not stop on SIGTERM"
}

run_rampartd() {
	rp_daemon_start "$RP_TMP/node.conf"
	gen_start
	sample "rampartd run $1"
	gen_stop
	rp_stop "$RP_DAEMON_PID" TERM 10
	rp_expect_eq "rampartd exit status after SIGTERM under load" 0 "$RP_STATUS"
}

rp_log "generator alone (nothing forwarding), ${DUR}s"
gen_start
sample "generator alone"
gen_stop
GEN_ALONE=$OFFERED
rp_log "generator alone: $GEN_ALONE pps offered"

pmd=()
rpd=()
for ((i = 1; i <= RUNS; i++)); do
	run_testpmd "$i"
	rp_log "run $i dpdk-testpmd: offered $OFFERED pps, forwarded $FORWARDED pps"
	pmd+=("$FORWARDED")
	run_rampartd "$i"
	rp_log "run $i rampartd:     offered $OFFERED pps, forwarded $FORWARDED pps"
	rpd+=("$FORWARDED")
done

pmd_med=$(median "${pmd[@]}")
rpd_med=$(median "${rpd[@]}")
[ "$pmd_med" -gt 1000 ] || rp_fail "dpdk-testpmd forwarded almost nothing ($pmd_med pps)"
[ "$rpd_med" -gt 1000 ] || rp_fail "rampartd forwarded almost nothing ($rpd_med pps)"
ratio=$(awk -v a="$rpd_med" -v b="$pmd_med" 'BEGIN { printf "%.3f", a / b }')

cat <<EOF

Forwarding rate, veth + net_af_packet, 64-byte UDP, lcores 0-1 (1 forwarding), median of $RUNS
  generator alone (trafgen, CPU 0)   $GEN_ALONE pps offered
  dpdk-testpmd --forward-mode=io      $pmd_med pps   (runs: ${pmd[*]})
  rampartd (idle_sleep_us = 0)        $rpd_med pps   (runs: ${rpd[*]})
  rampartd / testpmd                  $ratio
EOF

if [ -n "${BENCH_JSON:-}" ]; then
	cat >"$BENCH_JSON" <<EOF
{"bench": "forward", "path": "veth+af_packet", "frame_bytes": 60, "runs": $RUNS,
 "seconds": $DUR, "generator_pps": $GEN_ALONE,
 "testpmd_pps": [$(IFS=,; echo "${pmd[*]}")], "rampartd_pps": [$(IFS=,; echo "${rpd[*]}")],
 "testpmd_median_pps": $pmd_med, "rampartd_median_pps": $rpd_med, "ratio": $ratio}
EOF
fi

if [ -n "$MIN_RATIO" ]; then
	awk -v r="$ratio" -v m="$MIN_RATIO" 'BEGIN { exit !(r >= m) }' ||
		rp_fail "rampartd reached $ratio of testpmd's rate, below BENCH_MIN_RATIO=$MIN_RATIO"
fi
rp_log "PASS"
