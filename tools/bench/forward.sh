#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Forwarding rate of rampartd against dpdk-testpmd (--forward-mode=io) in one run, on two
# topologies, with the same lcores (0-1: main lcore 0, one forwarding lcore 1), the same burst
# (32) and the same measurement window for both engines.
#
# veth: tests/integration/lib.sh (veth pairs, net_af_packet ports, a node namespace between an
#   upstream and a protected host). Generator: trafgen (Debian's netsniff-ng), one process
#   pinned to CPU 0, 64-byte UDP frames (60 on the wire before FCS) from the upstream host to the
#   protected host's MAC, addressed to an IP it does not own so the host drops them silently
#   (no ICMP back). Rate = frames counted by the protected host's interface per second. This
#   path is kernel-bound (0.15-0.65 Mpps on the 2-vCPU development VM, with its load): it
#   compares the two engines on it, it does not measure what rampartd does on a real NIC.
# null: two net_null ports. The PMD makes up 64-byte packets on every rx burst and frees what
#   it is given on tx, so the forwarding loop (and the PMD's mbuf alloc and free) is what
#   costs CPU; copy=0 because the copies copy=1 adds model no CPU work of a real NIC
#   (docs/benchmarks.md has both). Both directions forward; rate = packets transmitted on
#   both ports per second (rampartd: `rampartctl --json stats` totals.tx_packets; testpmd:
#   ethdev opackets through its telemetry socket). Memory: 2 MB hugepages from a private
#   hugetlbfs mount, the reservation raised for the run and put back afterwards; --no-huge
#   (said so in the output) when that is not possible.
#
# Each engine runs BENCH_RUNS times per topology, interleaved (testpmd first on odd runs,
# rampartd first on even ones), each run measured over BENCH_SECONDS after BENCH_WARMUP_S. The
# table gives medians, the spread (max - min) / median, the share of the window the worker
# thread spent on CPU 1 (from /proc/PID/task/TID/schedstat) and, when the TSC rate is known
# (kernel log or /proc/cpuinfo with tsc_known_freq), TSC cycles per forwarded packet =
# worker CPU time x TSC Hz / packets forwarded.
#
# Environment: RAMPARTD, RAMPARTCTL (as the integration tests), BENCH_RUNS (5), BENCH_SECONDS
# (5), BENCH_WARMUP_S (1), BENCH_TOPOLOGIES ("veth null"), BENCH_NULL_ARGS (net_null devargs,
# "copy=0,size=64"), BENCH_HUGEPAGES (1; 0 = --no-huge), BENCH_HUGE_PAGES (2 MB pages to add to
# the reservation, 160), BENCH_MIN_RATIO (unset: no floor; e.g. 0.8 fails the run when a
# rampartd median is below 80% of testpmd's on any topology), BENCH_JSON (a file to write the
# results to). Needs root.
set -euo pipefail
export RP_NAME=bench_forward
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/../../tests/integration/lib.sh"

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
RUNS=${BENCH_RUNS:-5}
DUR=${BENCH_SECONDS:-5}
WARM=${BENCH_WARMUP_S:-1}
TOPOS=${BENCH_TOPOLOGIES:-veth null}
NULL_ARGS=${BENCH_NULL_ARGS:-copy=0,size=64}
USE_HUGE=${BENCH_HUGEPAGES:-1}
HUGE_ADD=${BENCH_HUGE_PAGES:-160}
MIN_RATIO=${BENCH_MIN_RATIO:-}
SINK_IP4=198.51.100.3
WORKER_LCORE=1
BURST=32
NULL_MEM_MB=256
NULL_MBUFS=8191 # rampartd's pool for two ports at 1024 descriptors; testpmd gets the same

bounded() {
	local name=$1 value=$2 lo=$3 hi=$4
	if ! [[ "$value" =~ ^[0-9]+$ ]] || [ "$value" -lt "$lo" ] || [ "$value" -gt "$hi" ]; then
		rp_fail "$name=$value: give a whole number from $lo to $hi"
	fi
}
bounded BENCH_RUNS "$RUNS" 1 20
bounded BENCH_SECONDS "$DUR" 1 60
bounded BENCH_WARMUP_S "$WARM" 0 30
bounded BENCH_HUGE_PAGES "$HUGE_ADD" $((NULL_MEM_MB / 2)) 4096
for t in $TOPOS; do
	case $t in
	veth | null) ;;
	*) rp_fail "BENCH_TOPOLOGIES: unknown topology '$t' (veth, null)" ;;
	esac
done
if ! [[ "$NULL_ARGS" =~ ^[a-z0-9=,_]*$ ]]; then
	rp_fail "BENCH_NULL_ARGS: only net_null devargs (e.g. copy=1,size=64)"
fi
has_topo() {
	[[ " $TOPOS " == *" $1 "* ]]
}

rp_init bn
rp_require_tools taskset timeout awk dpdk-testpmd
! has_topo veth || rp_require_tools trafgen
rp_require_daemon

# ---------------------------------------------------------------------------------------------
# Hugepages for the net_null runs: lib.sh's private hugetlbfs mount and temporary reservation.

# huge_setup: 0 with RP_HP_DIR mounted and enough free pages, else 1 with RP_HP_NOTE saying why.
huge_setup() {
	if [ "$USE_HUGE" != 1 ]; then
		RP_HP_NOTE="BENCH_HUGEPAGES=$USE_HUGE"
		return 1
	fi
	rp_huge_setup "$HUGE_ADD" $((NULL_MEM_MB / 2 + 16)) || return 1
	RP_HP_NOTE+=", -m $NULL_MEM_MB"
}

bench_cleanup() {
	local rc=$?
	trap - EXIT INT TERM ERR
	set +e
	rp_teardown
	exit "$rc"
}
trap bench_cleanup EXIT

# ---------------------------------------------------------------------------------------------
# Clocks and counters

TSC_MHZ=
TSC_SRC="unknown: no cycles per packet"
tsc_find() {
	local mhz klog
	klog=$(dmesg 2>/dev/null) || klog=
	mhz=$(sed -n 's/.*Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p' <<<"$klog" |
		tail -1)
	[ -z "$mhz" ] || TSC_SRC="kernel log: Refined TSC clocksource calibration: $mhz MHz"
	if [ -z "$mhz" ]; then
		mhz=$(sed -n 's/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p' <<<"$klog" |
			tail -1)
		[ -z "$mhz" ] || TSC_SRC="kernel log: tsc: Detected $mhz MHz processor"
	fi
	if [ -z "$mhz" ] && grep -qw tsc_known_freq /proc/cpuinfo; then
		mhz=$(awk -F': *' '/^cpu MHz/ { print $2; exit }' /proc/cpuinfo)
		[ -z "$mhz" ] || TSC_SRC="/proc/cpuinfo cpu MHz (tsc_known_freq: the TSC rate)"
	fi
	if [ -n "$mhz" ] && ! grep -qw constant_tsc /proc/cpuinfo; then
		TSC_SRC="TSC not constant (no constant_tsc flag): no cycles per packet"
		mhz=
	fi
	TSC_MHZ=$mhz
}
tsc_find
CLK_TCK=$(getconf CLK_TCK)

now() {
	date +%s.%N
}

# worker_task PID: /proc path of the process's thread on the forwarding lcore (the EAL names it
# rte-worker-N or lcore-worker-N).
worker_task() {
	local t
	for t in /proc/"$1"/task/*; do
		case $(cat "$t/comm" 2>/dev/null) in
		*worker-$WORKER_LCORE) printf '%s\n' "$t" && return 0 ;;
		esac
	done
	return 1
}

# task_ns TASK: nanoseconds the thread has run; nothing when unknown.
task_ns() {
	local ns
	[ -n "$1" ] && [ -r "$1/schedstat" ] || return 0
	read -r ns _ <"$1/schedstat" || return 0
	printf '%s\n' "$ns"
}

cpu_steal_ticks() {
	awk -v c="cpu$WORKER_LCORE" '$1 == c { print $9 }' /proc/stat
}

# pmd_packets: "TIME PACKETS" sent on both ports by the null topology's testpmd.
pmd_packets() {
	"$RP_PY" "$BENCH_DIR/telemetry_sum.py" "$PMD_TELEMETRY" opackets 0 1
}

# snap KIND: one reading of the counters, "TIME FORWARDED OFFERED"; TIME is the midpoint of
# the read. veth: protected host rx, upstream host tx. rampartd, testpmd: packets sent on
# both net_null ports.
snap() {
	local ta tb a b=0 doc
	case $1 in
	veth)
		ta=$(now)
		a=$(rp_if_stat "$RP_NS_DOWN" "$RP_HOST_IF" rx_packets)
		b=$(rp_if_stat "$RP_NS_UP" "$RP_HOST_IF" tx_packets)
		tb=$(now)
		;;
	rampartd)
		ta=$(now)
		doc=$(rp_ctl --json stats) || return 1
		tb=$(now)
		a=$(printf '%s' "$doc" | rp_json 'd["totals"]["tx_packets"]') || return 1
		;;
	testpmd)
		doc=$(pmd_packets) || return 1
		read -r ta a <<<"$doc"
		tb=$ta
		;;
	esac
	awk -v ta="$ta" -v tb="$tb" -v a="$a" -v b="$b" \
		'BEGIN { printf "%.6f %s %s\n", (ta + tb) / 2, a, b }'
}

# window KIND PID WHAT: counters over DUR seconds after WARM. Sets FORWARDED and OFFERED (pps),
# BUSY (% of the window the worker thread of PID ran), CPP (TSC cycles per forwarded packet),
# STEAL (% of CPU 1 the hypervisor took); n/a where unknown.
window() {
	local kind=$1 pid=$2 what=$3 task='' s0 s1 ns0 ns1 w0 w1 st0 st1 r
	sleep "$WARM"
	if [ "$kind" = veth ]; then
		if ! rp_alive "$GEN_PID"; then
			rp_fail "$what: trafgen exited early: $(tail -3 "$RP_TMP/trafgen.log")"
		fi
	fi
	if [ -n "$pid" ]; then
		task=$(worker_task "$pid") || task=
		[ -n "$task" ] || rp_log "$what: no worker thread in /proc/$pid/task, no CPU data"
	fi
	ns0=$(task_ns "$task")
	w0=$(now)
	st0=$(cpu_steal_ticks)
	s0=$(snap "$kind") || rp_fail "$what: cannot read the counters"
	sleep "$DUR"
	ns1=$(task_ns "$task")
	w1=$(now)
	st1=$(cpu_steal_ticks)
	s1=$(snap "$kind") || rp_fail "$what: cannot read the counters"
	[ -z "$pid" ] || rp_alive "$pid" || rp_fail "$what: the engine exited during the window"
	r=$(awk -v s0="$s0" -v s1="$s1" -v ns0="$ns0" -v ns1="$ns1" -v w0="$w0" -v w1="$w1" \
		-v st0="$st0" -v st1="$st1" -v hz="$CLK_TCK" -v mhz="$TSC_MHZ" 'BEGIN {
		split(s0, a, " "); split(s1, b, " "); dt = b[1] - a[1]; pk = b[2] - a[2]
		busy = "n/a"; cpp = "n/a"
		if (ns0 != "" && ns1 != "") {
			busy = sprintf("%.1f", (ns1 - ns0) / 1e9 / (w1 - w0) * 100)
			if (mhz != "" && pk > 0)
				cpp = sprintf("%.1f", (ns1 - ns0) / 1e3 * mhz / pk)
		}
		printf "%d %d %s %s %.1f\n", pk / dt, (b[3] - a[3]) / dt, busy, cpp,
			(st1 - st0) / hz / dt * 100 }')
	read -r FORWARDED OFFERED BUSY CPP STEAL <<<"$r"
}

# median V...: median of the numbers given, "n/a" ignored; MEDIAN_DEC decimals (default 0).
median() {
	printf '%s\n' "$@" | awk '$1 ~ /^[0-9.]+$/' | sort -g | awk -v dec="${MEDIAN_DEC:-0}" '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "n/a"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			if (dec) printf "%." dec "f\n", m; else printf "%d\n", m
		}'
}

# spread V...: (max - min) / median in %, of the numbers given.
spread() {
	local med
	med=$(median "$@")
	printf '%s\n' "$@" | awk -v med="$med" '
		NR == 1 || $1 < lo { lo = $1 } NR == 1 || $1 > hi { hi = $1 }
		END { if (med > 0) printf "%.0f%%\n", (hi - lo) / med * 100; else print "n/a" }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
}

# paired "A1 A2..." "B1 B2...": the run-by-run ratios Ai / Bi. Runs i of the two engines ran
# back to back, so these cancel much of the slow drift a shared machine adds.
paired() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		n = split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= n; i++) printf "%.3f\n", x[i] / y[i] }'
}

# ---------------------------------------------------------------------------------------------
# Engines

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

# pmd_null_start RUN: dpdk-testpmd forwarding net_null0 <-> net_null1 (io mode) with the EAL
# memory options of the null topology, a file prefix of its own per run. Sets PMD_PID and
# PMD_TELEMETRY once its telemetry socket answers.
pmd_null_start() {
	local prefix=rp-pmdn-$RP_TAG-$1 log=$RP_TMP/testpmd-null.log deadline
	RP_PREFIXES+=("$prefix")
	PMD_TELEMETRY=/var/run/dpdk/$prefix/dpdk_telemetry.v2
	rp_bg "$log" "$RP_NS_NODE" dpdk-testpmd -l 0-1 --main-lcore 0 "${NULL_EAL_MEM[@]}" \
		--no-pci --file-prefix "$prefix" \
		--vdev "net_null0,$NULL_ARGS" --vdev "net_null1,$NULL_ARGS" \
		-- --forward-mode=io --nb-cores=1 --burst=$BURST --rxd=1024 --txd=1024 \
		--total-num-mbufs=$NULL_MBUFS --mbcache=256 --stats-period 1
	PMD_PID=$RP_LAST_PID
	deadline=$((SECONDS + 30))
	while [ "$SECONDS" -le "$deadline" ]; do
		if ! rp_alive "$PMD_PID"; then
			rp_fail "dpdk-testpmd (null) exited during start-up: $(tail -5 "$log")"
		fi
		# testpmd carries on without ports when a vdev is refused: stop at once.
		if grep -qs 'failed to initialize\|No probed ethernet devices' "$log"; then
			rp_fail "dpdk-testpmd (null):" \
				"$(grep 'failed to initialize' "$log" | head -2)"
		fi
		if grep -qs 'Port statistics' "$log" && pmd_packets >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	rp_fail "dpdk-testpmd (null) did not start forwarding within 30s"
}

# engine_start TOPO ENGINE RUN: sets ENGINE_PID.
engine_start() {
	case $1/$2 in
	veth/testpmd)
		rp_testpmd_start --burst=$BURST
		ENGINE_PID=$RP_TESTPMD_PID
		;;
	veth/rampartd)
		rp_daemon_start "$RP_TMP/node-veth.conf"
		ENGINE_PID=$RP_DAEMON_PID
		;;
	null/testpmd)
		pmd_null_start "$3"
		ENGINE_PID=$PMD_PID
		;;
	null/rampartd)
		rp_daemon_start "$RP_TMP/node-null.conf"
		ENGINE_PID=$RP_DAEMON_PID
		;;
	esac
}

engine_stop() {
	rp_stop "$ENGINE_PID" TERM 10
	if [ "$1" = rampartd ]; then
		[ "$RP_STATUS" = 0 ] ||
			rp_fail "rampartd exit status after SIGTERM under load: $RP_STATUS"
	else
		[ "$RP_STATUS" != killed ] || rp_fail "dpdk-testpmd did not stop on SIGTERM"
	fi
}

# Per TOPO/ENGINE, the runs' figures as space-separated lists.
declare -A R_PPS=() R_BUSY=() R_CPP=() R_STEAL=()

# measure TOPO ENGINE RUN: one run; appends its figures to R_*[TOPO/ENGINE].
measure() {
	local topo=$1 engine=$2 run=$3 what="$1 $2 run $3" kind=$2 msg
	[ "$topo" != veth ] || kind=veth
	engine_start "$topo" "$engine" "$run"
	[ "$topo" != veth ] || gen_start
	window "$kind" "$ENGINE_PID" "$what"
	[ "$topo" != veth ] || gen_stop
	engine_stop "$engine"
	msg="forwarded $FORWARDED pps, worker busy $BUSY%, $CPP cycles/pkt, steal $STEAL%"
	[ "$topo" != veth ] || msg="offered $OFFERED pps, $msg"
	rp_log "$what: $msg"
	R_PPS[$topo/$engine]+=" $FORWARDED"
	R_BUSY[$topo/$engine]+=" $BUSY"
	R_CPP[$topo/$engine]+=" $CPP"
	R_STEAL[$topo/$engine]+=" $STEAL"
}

# ---------------------------------------------------------------------------------------------
# Set-up

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
rp_write_config "$RP_TMP/node-veth.conf" 0

NULL_EAL_MEM=()
NULL_MEM_NOTE=
if has_topo null; then
	if huge_setup; then
		# rampartd adds --huge-unlink itself when dpdk.hugepages is true.
		NULL_EAL_MEM=(-m "$NULL_MEM_MB" --huge-dir "$RP_HP_DIR" --huge-unlink)
		null_huge=true
		null_extra="\"--huge-dir\", \"$RP_HP_DIR\""
		NULL_MEM_NOTE=$RP_HP_NOTE
	else
		rp_huge_release
		rp_log "no hugepages for the null runs ($RP_HP_NOTE): falling back to --no-huge"
		NULL_EAL_MEM=(-m "$NULL_MEM_MB" --no-huge)
		null_huge=false
		null_extra=
		NULL_MEM_NOTE="--no-huge -m $NULL_MEM_MB (hugepages unavailable: $RP_HP_NOTE)"
	fi
	cat >"$RP_TMP/node-null.conf" <<EOF
# Generated by $RP_NAME for run $RP_TAG.
node = { id = "$RP_NODE_ID"; stack = "test"; };
dpdk = {
  lcores = "0-1"; memory_mb = $NULL_MEM_MB; hugepages = $null_huge;
  extra_args = [$null_extra];
};
ports = (
  { name = "up0";   device = "net_null0,$NULL_ARGS"; },
  { name = "down0"; device = "net_null1,$NULL_ARGS"; }
);
link_pairs = ( { name = "lp0"; upstream = "up0"; protected = "down0"; } );
workers = { lcores = [$WORKER_LCORE]; burst = $BURST; idle_sleep_us = 0; mbufs = $NULL_MBUFS; };
control = { socket = "$RP_SOCK"; socket_mode = "0660"; };
log = { level = "info"; };
EOF
	rp_log "null topology memory: $NULL_MEM_NOTE"
fi
rp_log "TSC: $TSC_SRC"

# ---------------------------------------------------------------------------------------------
# Runs

GEN_ALONE=
if has_topo veth; then
	rp_log "generator alone (nothing forwarding), ${DUR}s"
	gen_start
	window veth "" "generator alone"
	gen_stop
	GEN_ALONE=$OFFERED
	rp_log "generator alone: $GEN_ALONE pps offered"
fi

for topo in $TOPOS; do
	for ((i = 1; i <= RUNS; i++)); do
		if ((i % 2)); then
			measure "$topo" testpmd "$i"
			measure "$topo" rampartd "$i"
		else
			measure "$topo" rampartd "$i"
			measure "$topo" testpmd "$i"
		fi
	done
done

# ---------------------------------------------------------------------------------------------
# Results

topo_label() {
	case $1 in
	veth) echo "veth + net_af_packet" ;;
	null) echo "net_null ($NULL_ARGS)" ;;
	esac
}

engine_label() {
	case $1 in
	testpmd) echo "dpdk-testpmd io" ;;
	rampartd) echo "rampartd" ;;
	esac
}

csv() {
	local IFS=,
	local s="$*"
	echo "${s//n\/a/null}"
}

TABLE_FMT='%-26s %-17s %11s %7s %7s %11s %7s\n'
RATIOS=()
JSON_PARTS=()

# report_engine TOPO ENGINE LABEL: the engine's row of the table; sets MED (median pps).
report_engine() {
	local topo=$1 engine=$2 label=$3 pps busy cpp steal
	read -ra pps <<<"${R_PPS[$topo/$engine]}"
	read -ra busy <<<"${R_BUSY[$topo/$engine]}"
	read -ra cpp <<<"${R_CPP[$topo/$engine]}"
	read -ra steal <<<"${R_STEAL[$topo/$engine]}"
	MED=$(median "${pps[@]}")
	[ "$MED" -gt 1000 ] || rp_fail "$topo: $engine forwarded almost nothing ($MED pps)"
	# shellcheck disable=SC2059
	printf "$TABLE_FMT" "$label" "$(engine_label "$engine")" "$MED" "$(spread "${pps[@]}")" \
		"$(MEDIAN_DEC=1 median "${busy[@]}")" "$(MEDIAN_DEC=1 median "${cpp[@]}")" \
		"$(MEDIAN_DEC=1 median "${steal[@]}")"
	JSON_PARTS+=("\"${topo}_$engine\": {\"pps\": [$(csv "${pps[@]}")],
  \"busy_pct\": [$(csv "${busy[@]}")], \"cycles_per_pkt\": [$(csv "${cpp[@]}")],
  \"steal_pct\": [$(csv "${steal[@]}")], \"median_pps\": $MED}")
}

# report_topo TOPO: the topology's rows: generator, engines, ratios.
report_topo() {
	local topo=$1 label pmd_med pr r lo hi
	label=$(topo_label "$topo")
	if [ "$topo" = veth ]; then
		printf '%-26s %-17s %11s\n' "$label" "trafgen alone" "$GEN_ALONE"
		label=
	fi
	report_engine "$topo" testpmd "$label"
	pmd_med=$MED
	report_engine "$topo" rampartd ""
	r=$(ratio "$MED" "$pmd_med")
	mapfile -t pr < <(paired "${R_PPS[$topo/rampartd]}" "${R_PPS[$topo/testpmd]}")
	lo=$(printf '%s\n' "${pr[@]}" | sort -g | head -1)
	hi=$(printf '%s\n' "${pr[@]}" | sort -g | tail -1)
	RATIOS+=("$topo=$r")
	JSON_PARTS+=("\"${topo}_ratio\": $r, \"${topo}_paired_ratios\": [$(csv "${pr[@]}")]")
	printf '%-26s %-17s %11s  (ratio of the medians)\n' "" "rampartd/testpmd" "$r"
	printf '%-26s %-17s %11s  (median of run-by-run ratios, %s to %s)\n' "" "  paired runs" \
		"$(MEDIAN_DEC=3 median "${pr[@]}")" "$lo" "$hi"
}

table=$RP_TMP/table
{
	# shellcheck disable=SC2059
	printf "$TABLE_FMT" topology engine "median pps" spread "busy %" "cycles/pkt" "steal %"
	for topo in $TOPOS; do
		report_topo "$topo"
	done
} >"$table"

cat <<EOF

Forwarding rate: rampartd vs dpdk-testpmd --forward-mode=io
  lcores 0-1 (main 0, forwarding lcore $WORKER_LCORE), burst $BURST, 64-byte frames; $RUNS runs
  of ${DUR}s (after ${WARM}s warm-up) per engine and topology, engines interleaved; medians.
  spread = (max - min) / median of the runs; busy = worker thread's share of the window on CPU
  $WORKER_LCORE; cycles/pkt = worker CPU time x TSC rate / packets forwarded; steal = hypervisor
  steal on CPU $WORKER_LCORE.

$(cat "$table")

  TSC: $TSC_SRC
EOF
if has_topo veth; then
	echo "  veth memory: --no-huge (tests/integration/lib.sh); rate at the protected host"
fi
if has_topo null; then
	echo "  null memory: $NULL_MEM_NOTE; rate = tx on both ports"
fi
for topo in $TOPOS; do
	for engine in testpmd rampartd; do
		printf '  %s %s runs (pps):%s\n' "$topo" "$engine" "${R_PPS[$topo/$engine]}"
	done
done

if [ -n "${BENCH_JSON:-}" ]; then
	{
		printf '{"bench": "forward", "runs": %s, "seconds": %s, "burst": %s,\n' \
			"$RUNS" "$DUR" "$BURST"
		printf ' "tsc_mhz": %s, "null_devargs": "%s", "null_hugepages": %s,\n' \
			"${TSC_MHZ:-null}" "$NULL_ARGS" "${null_huge:-null}"
		printf ' "generator_pps": %s' "${GEN_ALONE:-null}"
		printf ',\n %s' "${JSON_PARTS[@]}"
		printf '}\n'
	} >"$BENCH_JSON"
fi

if [ -n "$MIN_RATIO" ]; then
	for r in "${RATIOS[@]}"; do
		if ! awk -v r="${r#*=}" -v m="$MIN_RATIO" 'BEGIN { exit !(r >= m) }'; then
			rp_fail "${r%%=*}: rampartd reached ${r#*=} of testpmd's rate," \
				"below BENCH_MIN_RATIO=$MIN_RATIO"
		fi
	done
fi
rp_log "PASS"
