#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The mitigation pipeline's cost per packet, beside its peers, in one run
# (docs/benchmarks.md, "Mitigation pipeline", has the method and the figures):
#
#   pipeline   tools/bench/mitigate: the real parser + dp_pipeline_run on 64-byte frames in
#              2 MB hugepages, the worker pinned on lcore 1, for BENCH_RULES rule counts with a
#              BENCH_BLOCK-entry blocklist and BENCH_DENY deny prefixes; with it, parse +
#              forward alone (no policy) and dp_policy_classify alone; compile, swap, memory.
#   testpmd    dpdk-testpmd --forward-mode=io on two net_null ports, --record-core-cycles:
#              the I/O floor of a DPDK forwarder on this machine.
#   acl        dpdk-test-acl on the same rules (5-tuple part) and the same packets' 5-tuples.
#   xdp        tools/bench/xdp_filter_bench.bpf.c, the same filtering as an XDP program,
#              timed per packet with BPF_PROG_TEST_RUN on the same frames (xdp_bench), and
#              cross-checked with `bpftool prog run ... repeat N` on one frame.
#   callgrind  instructions per packet of each variant (deterministic: for regressions).
#
# Environment: MITIGATE, XDP_BENCH, XDP_OBJ (set by meson), BENCH_RULES (10,1000,10000,100000),
# BENCH_RUNS (5), BENCH_PACKETS (per run, 8388608), BENCH_FRAMES (1048576), BENCH_DENY
# (1048576), BENCH_BLOCK (1048576), BENCH_MIX (legit,rule,block,deny,rate: 40,20,15,15,10),
# BENCH_PARTS ("pipeline testpmd acl xdp callgrind"), BENCH_HUGE_PAGES (2 MB pages added to
# the reservation, 1536), BENCH_TESTPMD_SECONDS (4), BENCH_CALLGRIND_PACKETS (65536),
# BENCH_XDP_SAMPLES (4096), BENCH_XDP_REPEAT (1000), BENCH_XDP_COLD (262144), BENCH_OUT (keep
# every raw result line in this file), BENCH_CHECK (1: exit 1 when a target is missed).
# Needs root. Leaves nothing behind: hugetlbfs and bpffs mounts, pins, DPDK runtime
# directories and the hugepage reservation are undone on every exit path.
set -euo pipefail
export RP_NAME=bench_mitigate
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/../../tests/integration/lib.sh"

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
RULES=${BENCH_RULES:-10,1000,10000,100000}
RUNS=${BENCH_RUNS:-5}
PACKETS=${BENCH_PACKETS:-8388608}
FRAMES=${BENCH_FRAMES:-1048576}
DENY=${BENCH_DENY:-1048576}
BLOCK=${BENCH_BLOCK:-1048576}
MIX=${BENCH_MIX:-40,20,15,15,10}
PARTS=${BENCH_PARTS:-pipeline testpmd acl xdp callgrind}
HUGE_ADD=${BENCH_HUGE_PAGES:-1536}
PMD_SECONDS=${BENCH_TESTPMD_SECONDS:-4}
CG_PACKETS=${BENCH_CALLGRIND_PACKETS:-65536}
XDP_SAMPLES=${BENCH_XDP_SAMPLES:-4096}
XDP_REPEAT=${BENCH_XDP_REPEAT:-1000}
XDP_COLD=${BENCH_XDP_COLD:-262144}
CHECK=${BENCH_CHECK:-0}
MITIGATE=${MITIGATE:-}

bounded() {
	local name=$1 value=$2 lo=$3 hi=$4
	if ! [[ "$value" =~ ^[0-9]+$ ]] || [ "$value" -lt "$lo" ] || [ "$value" -gt "$hi" ]; then
		rp_fail "$name=$value: give a whole number from $lo to $hi"
	fi
}
bounded BENCH_RUNS "$RUNS" 1 50
bounded BENCH_PACKETS "$PACKETS" 65536 4294967296
bounded BENCH_FRAMES "$FRAMES" 1024 16777216
bounded BENCH_DENY "$DENY" 0 2097152
bounded BENCH_BLOCK "$BLOCK" 0 16777216
bounded BENCH_HUGE_PAGES "$HUGE_ADD" 256 16384
bounded BENCH_TESTPMD_SECONDS "$PMD_SECONDS" 1 60
bounded BENCH_CALLGRIND_PACKETS "$CG_PACKETS" 1024 16777216
bounded BENCH_XDP_SAMPLES "$XDP_SAMPLES" 1 1048576
bounded BENCH_XDP_REPEAT "$XDP_REPEAT" 1 10000000
bounded BENCH_XDP_COLD "$XDP_COLD" 1 16777216
[[ "$RULES" =~ ^[0-9]+(,[0-9]+)*$ ]] || rp_fail "BENCH_RULES: a comma-separated list of counts"
[[ "$MIX" =~ ^[0-9]+,[0-9]+,[0-9]+,[0-9]+,[0-9]+$ ]] || rp_fail "BENCH_MIX: five percentages"
for p in $PARTS; do
	case $p in
	pipeline | testpmd | acl | xdp | callgrind) ;;
	*) rp_fail "BENCH_PARTS: unknown part '$p' (pipeline testpmd acl xdp callgrind)" ;;
	esac
done
has_part() {
	[[ " $PARTS " == *" $1 "* ]]
}
[ -n "$MITIGATE" ] && [ -x "$MITIGATE" ] || rp_skip "MITIGATE is not set (run through meson)"

rp_init bm
rp_require_tools taskset timeout awk
# A peer whose tool is missing is left out (and said so); the pipeline itself is not optional.
drop_part() {
	rp_log "leaving out '$1': $2 (tools/install-deps.sh installs it)"
	PARTS=" $PARTS "
	PARTS=${PARTS// $1 / }
}
has_part testpmd && ! command -v dpdk-testpmd >/dev/null 2>&1 && drop_part testpmd "no dpdk-testpmd"
if has_part acl && { ! command -v dpdk-test-acl >/dev/null 2>&1 || [ ! -x /usr/bin/time ]; }; then
	drop_part acl "no dpdk-test-acl or GNU time"
fi
has_part callgrind && ! command -v valgrind >/dev/null 2>&1 && drop_part callgrind "no valgrind"
if has_part xdp && { [ -z "${XDP_BENCH:-}" ] || [ -z "${XDP_OBJ:-}" ]; }; then
	drop_part xdp "XDP_BENCH/XDP_OBJ not set (clang was not found when configuring)"
fi

OUT=$RP_TMP/results.txt
: >"$OUT"
BPF_DIR=
BPF_MOUNTED=0

mit_cleanup() {
	local rc=$?
	trap - EXIT INT TERM ERR
	set +e
	if [ "$BPF_MOUNTED" = 1 ]; then
		rm -f "$BPF_DIR"/* 2>/dev/null
		umount "$BPF_DIR" 2>/dev/null || umount -l "$BPF_DIR" 2>/dev/null
		rmdir "$BPF_DIR" 2>/dev/null
	fi
	[ -z "${BENCH_OUT:-}" ] || cp "$OUT" "$BENCH_OUT" 2>/dev/null
	rp_teardown
	exit "$rc"
}
trap mit_cleanup EXIT

# ---------------------------------------------------------------------------------------------
# Machine, clock and memory

TSC_MHZ=
tsc_find() {
	local klog
	klog=$(dmesg 2>/dev/null) || klog=
	TSC_MHZ=$(sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p' \
		<<<"$klog" | tail -1)
	[ -n "$TSC_MHZ" ] || TSC_MHZ=$(sed -n 's/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p' \
		<<<"$klog" | tail -1)
	if [ -z "$TSC_MHZ" ] && grep -qw tsc_known_freq /proc/cpuinfo; then
		TSC_MHZ=$(awk -F': *' '/^cpu MHz/ { print $2; exit }' /proc/cpuinfo)
	fi
}
tsc_find
{
	echo "R machine cpu=\"$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)\"" \
		"cpus=$(nproc) kernel=$(uname -r) kernel_tsc_mhz=${TSC_MHZ:-unknown}" \
		"dpdk=$(pkg-config --modversion libdpdk 2>/dev/null || echo unknown)"
	echo "R settings rules=$RULES runs=$RUNS packets=$PACKETS frames=$FRAMES deny=$DENY" \
		"block=$BLOCK mix=$MIX"
} >>"$OUT"
load_note() {
	echo "R load at=$1 loadavg=\"$(cut -d' ' -f1-3 /proc/loadavg)\"" >>"$OUT"
}

HUGE_EAL=(--no-huge -m 4096)
if rp_huge_setup "$HUGE_ADD" $((HUGE_ADD - 64)); then
	HUGE_EAL=(--huge-dir "$RP_HP_DIR" --huge-unlink)
fi
rp_log "memory: $RP_HP_NOTE"
echo "R memory note=\"$RP_HP_NOTE\"" >>"$OUT"

# eal_args NAME: EAL options of one DPDK process of this run (no PCI device is touched), into
# the array EAL. Not called in a subshell: the prefix must reach RP_PREFIXES, whose runtime
# directories rp_teardown removes.
eal_args() {
	local prefix=rp-$1-$RP_TAG
	RP_PREFIXES+=("$prefix")
	EAL=(--no-pci --no-telemetry --file-prefix "$prefix" --log-level=lib.eal:error
		"${HUGE_EAL[@]}")
}

# ---------------------------------------------------------------------------------------------
# (a) dpdk-testpmd io on net_null: the I/O floor

testpmd_run() {
	local run=$1 log=$RP_TMP/testpmd-$1.log cpp
	eal_args "pmd$run"
	# Without a terminal testpmd forwards until it reads a line, then prints its statistics.
	(sleep "$PMD_SECONDS"; echo) | timeout $((PMD_SECONDS + 60)) dpdk-testpmd -l 0-1 \
		--main-lcore 0 "${EAL[@]}" --vdev net_null0,copy=0,size=64 \
		--vdev net_null1,copy=0,size=64 -- --forward-mode=io --burst=32 --nb-cores=1 \
		--record-core-cycles --total-num-mbufs=8191 --rxd=1024 --txd=1024 >"$log" 2>&1 ||
		rp_fail "dpdk-testpmd failed: $(tail -5 "$log")"
	cpp=$(sed -n 's/.*CPU cycles\/packet=\([0-9.]*\).*/\1/p' "$log" | tail -1)
	[ -n "$cpp" ] || rp_fail "no cycles/packet in dpdk-testpmd's output: $(tail -5 "$log")"
	echo "R testpmd run=$run cycles_per_pkt=$cpp" >>"$OUT"
	rp_log "testpmd io run $run: $cpp cycles/packet"
}

# ---------------------------------------------------------------------------------------------
# The pipeline (and what mitigate measures beside it)

ACL_DIR=$RP_TMP/acl
mkdir -p "$ACL_DIR"
pipeline_run() {
	local log=$RP_TMP/mitigate.log
	local -a extra=()
	eal_args mit
	! has_part acl || extra+=(--acl-dir="$ACL_DIR")
	rp_log "mitigate: rules $RULES, $RUNS runs of $PACKETS packets (a few minutes)"
	load_note mitigate-start
	if ! "$MITIGATE" -l 0,1 --main-lcore 0 "${EAL[@]}" -- --rules="$RULES" --runs="$RUNS" \
		--packets="$PACKETS" --frames="$FRAMES" --deny="$DENY" --block="$BLOCK" \
		--mix="$MIX" "${extra[@]}" >"$log" 2>&1; then
		rp_fail "mitigate failed: $(grep -v '^R ' "$log" | tail -5)"
	fi
	load_note mitigate-end
	grep '^R ' "$log" >>"$OUT"
}

# ---------------------------------------------------------------------------------------------
# (c) dpdk-test-acl: rte_acl alone on the same rules and packets

acl_run() {
	local n=$1 run=$2 log=$RP_TMP/testacl-$1-$2.log lines cpp el rss
	eal_args "acl$n-$run"
	lines=$(wc -l <"$ACL_DIR/rules_$n.txt")
	/usr/bin/time -f 'TIME %e %M' -o "$log.time" timeout 900 dpdk-test-acl -l 1 "${EAL[@]}" -- \
		--rulesf="$ACL_DIR/rules_$n.txt" --tracef="$ACL_DIR/trace_$n.txt" \
		--rulenum=$((lines + 1)) --tracenum="$FRAMES" --tracestep=32 --bldcat=1 \
		--runcat=1 --iter=$(((PACKETS + FRAMES - 1) / FRAMES)) --verbose=0 >"$log" 2>&1 ||
		rp_fail "dpdk-test-acl failed for $n rules: $(tail -5 "$log")"
	cpp=$(sed -n 's/.* \([0-9.]*\) cycles\/pkt.*/\1/p' "$log" | tail -1)
	read -r _ el rss <"$log.time"
	[ -n "$cpp" ] || rp_fail "no cycles/pkt in dpdk-test-acl's output: $(tail -3 "$log")"
	echo "R testacl rules=$n run=$run acl_rules=$lines cycles_per_pkt=$cpp wall_s=$el" \
		"peak_rss_mb=$((rss / 1024))" >>"$OUT"
	rp_log "test-acl $n rules run $run: $cpp cycles/packet, ${el}s, peak RSS $((rss / 1024)) MB"
}

# ---------------------------------------------------------------------------------------------
# (d) the XDP program

xdp_run() {
	local n=$1 log=$RP_TMP/xdp-$1.log pin out
	if [ "$BPF_MOUNTED" = 0 ]; then
		BPF_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rampart-bpf-$RP_TAG.XXXXXX")
		mount -t bpf bpf "$BPF_DIR" || rp_fail "cannot mount a bpffs on $BPF_DIR"
		BPF_MOUNTED=1
	fi
	pin=$BPF_DIR/xdp_$n
	taskset -c 1 "$XDP_BENCH" "$XDP_OBJ" --rules="$n" --frames="$FRAMES" --deny="$DENY" \
		--block="$BLOCK" --mix="$MIX" --samples="$XDP_SAMPLES" --repeat="$XDP_REPEAT" \
		--cold="$XDP_COLD" --pin="$pin" --dump-frame="$RP_TMP/frame0.bin" >"$log" 2>&1 ||
		rp_fail "xdp_bench failed for $n rules: $(tail -5 "$log")"
	grep '^R ' "$log" >>"$OUT"
	if command -v bpftool >/dev/null 2>&1; then
		out=$(taskset -c 1 bpftool prog run pinned "$pin" data_in "$RP_TMP/frame0.bin" \
			repeat "$XDP_REPEAT" 2>&1) || out=
		echo "R xdp_bpftool rules=$n ns=$(sed -n 's/.*duration (average): \([0-9]*\)ns.*/\1/p' \
			<<<"$out")" >>"$OUT"
	fi
	rm -f "$pin"
	rp_log "xdp $n rules: $(grep '^R xdp_time' "$log")"
}

# ---------------------------------------------------------------------------------------------
# (e) callgrind: instructions per packet

callgrind_run() {
	local log=$RP_TMP/callgrind.log f name ir
	rp_log "callgrind: $CG_PACKETS packets per variant (several minutes under valgrind)"
	# valgrind does not follow the EAL into hugetlbfs mappings well: 4 KB pages here; the
	# instruction count does not depend on the page size.
	timeout 3000 valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no \
		--callgrind-out-file="$RP_TMP/cg.out" "$MITIGATE" -l 0 --no-pci --no-telemetry \
		--file-prefix "rp-cgv-$RP_TAG" --no-huge -m 6144 -- --callgrind --rules="$RULES" \
		--packets="$CG_PACKETS" --frames="$FRAMES" --deny="$DENY" --block="$BLOCK" \
		--mix="$MIX" >"$log" 2>&1 || rp_fail "callgrind run failed: $(tail -5 "$log")"
	RP_PREFIXES+=("rp-cgv-$RP_TAG")
	for f in "$RP_TMP"/cg.out.*; do
		[ -e "$f" ] || continue
		name=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
		ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$f")
		[ -n "$name" ] && [ -n "$ir" ] || continue
		echo "R callgrind_ir name=$name ir=$ir packets=$CG_PACKETS" >>"$OUT"
	done
}

# ---------------------------------------------------------------------------------------------

start=$(date +%s)
half=$(((RUNS + 1) / 2))
if has_part testpmd; then
	load_note testpmd-start
	for ((r = 1; r <= half; r++)); do testpmd_run "$r"; done
fi
if has_part pipeline || has_part acl; then pipeline_run; fi
if has_part testpmd; then
	for ((r = half + 1; r <= RUNS; r++)); do testpmd_run "$r"; done
fi
if has_part acl; then
	load_note testacl-start
	for n in ${RULES//,/ }; do
		for ((r = 1; r <= RUNS; r++)); do acl_run "$n" "$r"; done
	done
fi
if has_part xdp; then
	load_note xdp-start
	for n in ${RULES//,/ }; do xdp_run "$n"; done
fi
if has_part callgrind; then
	load_note callgrind-start
	callgrind_run
fi
load_note end
echo "R elapsed seconds=$(($(date +%s) - start))" >>"$OUT"

report_args=()
[ "$CHECK" != 1 ] || report_args+=(--check)
/usr/bin/python3 "$BENCH_DIR/mitigate_report.py" "${report_args[@]}" "$OUT"
