# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034
#
# Topology and daemon helpers shared by the integration tests, the demo and the benchmark.
# Source it from a bash script that runs `set -euo pipefail`, then call rp_init CODE.
#
# The topology is a bump in the wire: two hosts on one L2 segment, cut in the middle by a node
# whose two ports are read and written by a DPDK process through net_af_packet.
#
#   netns rp-up-<tag>            netns rp-node-<tag>              netns rp-down-<tag>
#   eth0 198.51.100.1/24  <-veth->  up0    [DPDK]    down0  <-veth->  eth0 198.51.100.2/24
#        2001:db8:100::1/64                                                2001:db8:100::2/64
#
# Every veth end is created directly inside its namespace, so no interface ever appears in the
# root namespace and names inside a namespace need not be unique; deleting the three namespaces
# deletes both veth pairs. <tag> is the caller's short code plus a random part, so runs of
# different tests (and two runs of the same test) never collide.
#
# Paths come from the environment (meson sets them), with defaults for a build in build/:
#   RAMPART_SRC       source tree
#   RAMPARTD          the daemon           (default $RAMPART_SRC/build/control/rampartd)
#   RAMPARTCTL        the CLI              (default $RAMPART_SRC/build/tools/rampartctl/rampartctl)
#   RP_KEEP=1         keep the work directory (configs, logs) after the run, for debugging

RP_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${RAMPART_SRC:=$(cd "$RP_LIBDIR/../.." && pwd)}"
: "${RAMPARTD:=$RAMPART_SRC/build/control/rampartd}"
: "${RAMPARTCTL:=$RAMPART_SRC/build/tools/rampartctl/rampartctl}"
RP_PY=/usr/bin/python3
RP_TRAFFIC="$RP_LIBDIR/traffic.py"

RP_UP_IP4=198.51.100.1
RP_DOWN_IP4=198.51.100.2
RP_UP_IP6=2001:db8:100::1
RP_DOWN_IP6=2001:db8:100::2
RP_HOST_IF=eth0        # host side of each veth pair, inside rp-up-* and rp-down-*
RP_NODE_UP_IF=up0      # node side, towards the upstream host
RP_NODE_DOWN_IF=down0  # node side, towards the protected host

RP_NAME=${RP_NAME:-$(basename "$0" .sh)}
RP_PIDS=()             # processes this script started; cleanup ends them by id
RP_PREFIXES=()         # DPDK file prefixes this script used
RP_NAMESPACES=()
RP_TMP=
RP_CLEANED=0

rp_log() {
	printf '[%s] %s\n' "$RP_NAME" "$*" >&2
}

# The reason is said again after the logs, so that a log cut to its last lines (CI keeps the
# tail) still shows it.
rp_fail() {
	rp_log "FAIL: $*"
	rp_dump_logs
	[ -z "$RP_TMP" ] || rp_log "FAIL (again, after the logs): $*"
	exit 1
}

rp_skip() {
	rp_log "SKIP: $*"
	exit 77
}

# rp_check COND_DESCRIPTION COMMAND...: run the command, fail with the description if it fails.
rp_check() {
	local what=$1
	shift
	if ! "$@"; then
		rp_fail "$what"
	fi
	rp_log "ok: $what"
}

# rp_expect_eq WHAT EXPECTED ACTUAL
rp_expect_eq() {
	if [ "$2" != "$3" ]; then
		rp_fail "$1: expected $2, got $3"
	fi
	rp_log "ok: $1 = $3"
}

rp_require_root() {
	[ "$(id -u)" -eq 0 ] || rp_skip "needs root (network namespaces, af_packet)"
}

# rp_require_tools TOOL...: skip when a tool the test cannot do without is missing.
rp_require_tools() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || rp_skip "missing tool: $t (tools/install-deps.sh installs it)"
	done
}

rp_require_daemon() {
	[ -x "$RAMPARTD" ] || rp_fail "rampartd not found at $RAMPARTD (build first)"
	[ -x "$RAMPARTCTL" ] || rp_fail "rampartctl not found at $RAMPARTCTL (build first)"
}

# rp_init CODE: unique names for this run, a work directory, and the cleanup trap.
# CODE is 2-3 lowercase letters naming the caller (fw, pr, ctl, ...).
rp_init() {
	local code=$1
	rp_require_root
	rp_require_tools ip ethtool sysctl "$RP_PY"
	RP_TAG=$(printf '%s%04x%02x' "$code" $(($$ & 0xffff)) $((RANDOM & 0xff)))
	RP_NS_NODE=rp-node-$RP_TAG
	RP_NS_UP=rp-up-$RP_TAG
	RP_NS_DOWN=rp-down-$RP_TAG
	RP_NODE_ID=rp-$RP_TAG
	RP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rampart-$RP_TAG.XXXXXX")
	RP_SOCK=$RP_TMP/rampart.sock
	trap rp_cleanup EXIT
	trap 'rp_log "unexpected failure (status $?) at line $LINENO: $BASH_COMMAND"' ERR
	trap 'rp_log "interrupted"; exit 130' INT
	trap 'rp_log "terminated"; exit 143' TERM
}

# ---------------------------------------------------------------------------------------------
# Topology

rp_nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# Quiet IPv6 in a namespace before its interfaces exist: no router solicitations, no DAD, so
# a host does not talk on the segment unless a test makes it. With $2 = off, no IPv6 at all.
rp_ns_sysctls() {
	local ns=$1 v6=${2:-on} c
	for c in all default; do
		rp_nsx "$ns" sysctl -qw "net.ipv6.conf.$c.router_solicitations=0"
		rp_nsx "$ns" sysctl -qw "net.ipv6.conf.$c.accept_dad=0"
		rp_nsx "$ns" sysctl -qw "net.ipv6.conf.$c.accept_ra=0"
		if [ "$v6" = off ]; then
			rp_nsx "$ns" sysctl -qw "net.ipv6.conf.$c.disable_ipv6=1"
		fi
	done
}

# Offloads that af_packet cannot honour: a partial checksum or a 64 kB TSO segment read by the
# node would be forwarded as is and dropped by the receiving host.
rp_if_offloads_off() {
	local ns=$1 ifname=$2
	rp_nsx "$ns" ethtool -K "$ifname" tx off rx off tso off gso off gro off >/dev/null 2>&1 ||
		rp_nsx "$ns" ethtool -K "$ifname" tx off rx off tso off gso off >/dev/null
}

rp_topo_create() {
	local ns
	for ns in "$RP_NS_NODE" "$RP_NS_UP" "$RP_NS_DOWN"; do
		ip netns add "$ns"
		RP_NAMESPACES+=("$ns")
		rp_nsx "$ns" ip link set lo up
	done
	rp_ns_sysctls "$RP_NS_NODE" off
	rp_ns_sysctls "$RP_NS_UP"
	rp_ns_sysctls "$RP_NS_DOWN"

	ip -n "$RP_NS_UP" link add "$RP_HOST_IF" type veth \
		peer name "$RP_NODE_UP_IF" netns "$RP_NS_NODE"
	ip -n "$RP_NS_DOWN" link add "$RP_HOST_IF" type veth \
		peer name "$RP_NODE_DOWN_IF" netns "$RP_NS_NODE"

	rp_if_offloads_off "$RP_NS_UP" "$RP_HOST_IF"
	rp_if_offloads_off "$RP_NS_DOWN" "$RP_HOST_IF"
	rp_if_offloads_off "$RP_NS_NODE" "$RP_NODE_UP_IF"
	rp_if_offloads_off "$RP_NS_NODE" "$RP_NODE_DOWN_IF"
	ip -n "$RP_NS_NODE" link set "$RP_NODE_UP_IF" promisc on up
	ip -n "$RP_NS_NODE" link set "$RP_NODE_DOWN_IF" promisc on up

	ip -n "$RP_NS_UP" addr add "$RP_UP_IP4/24" dev "$RP_HOST_IF"
	ip -n "$RP_NS_UP" addr add "$RP_UP_IP6/64" dev "$RP_HOST_IF" nodad
	ip -n "$RP_NS_DOWN" addr add "$RP_DOWN_IP4/24" dev "$RP_HOST_IF"
	ip -n "$RP_NS_DOWN" addr add "$RP_DOWN_IP6/64" dev "$RP_HOST_IF" nodad
	ip -n "$RP_NS_UP" link set "$RP_HOST_IF" up
	ip -n "$RP_NS_DOWN" link set "$RP_HOST_IF" up
	rp_log "topology $RP_TAG: $RP_NS_UP/$RP_HOST_IF <-> $RP_NS_NODE/{$RP_NODE_UP_IF,$RP_NODE_DOWN_IF} <-> $RP_NS_DOWN/$RP_HOST_IF"
}

rp_host_mac() {
	ip -n "$1" -o link show "$RP_HOST_IF" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

# Permanent neighbour entries on both hosts: no ARP or ND on the wire, so counters around a
# burst see only the burst.
rp_topo_static_neigh() {
	local up_mac down_mac
	up_mac=$(rp_host_mac "$RP_NS_UP")
	down_mac=$(rp_host_mac "$RP_NS_DOWN")
	ip -n "$RP_NS_UP" neigh replace "$RP_DOWN_IP4" lladdr "$down_mac" dev "$RP_HOST_IF" nud permanent
	ip -n "$RP_NS_UP" neigh replace "$RP_DOWN_IP6" lladdr "$down_mac" dev "$RP_HOST_IF" nud permanent
	ip -n "$RP_NS_DOWN" neigh replace "$RP_UP_IP4" lladdr "$up_mac" dev "$RP_HOST_IF" nud permanent
	ip -n "$RP_NS_DOWN" neigh replace "$RP_UP_IP6" lladdr "$up_mac" dev "$RP_HOST_IF" nud permanent
}

# rp_if_stat NS IF COUNTER: a kernel interface counter (rx_packets, tx_packets, rx_dropped...).
rp_if_stat() {
	rp_nsx "$1" cat "/sys/class/net/$2/statistics/$3"
}

# rp_host_counters: "upTx upRx downTx downRx" of the two host interfaces.
rp_host_counters() {
	printf '%s %s %s %s\n' \
		"$(rp_if_stat "$RP_NS_UP" "$RP_HOST_IF" tx_packets)" \
		"$(rp_if_stat "$RP_NS_UP" "$RP_HOST_IF" rx_packets)" \
		"$(rp_if_stat "$RP_NS_DOWN" "$RP_HOST_IF" tx_packets)" \
		"$(rp_if_stat "$RP_NS_DOWN" "$RP_HOST_IF" rx_packets)"
}

# rp_wait_quiet [SECONDS]: wait until no host interface has sent or received anything for half
# a second, at most SECONDS (default 10). Returns 1 if the segment never went quiet.
rp_wait_quiet() {
	local limit=${1:-10} deadline prev cur
	deadline=$((SECONDS + limit))
	prev=$(rp_host_counters)
	while [ "$SECONDS" -le "$deadline" ]; do
		sleep 0.5
		cur=$(rp_host_counters)
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
	done
	return 1
}

# ---------------------------------------------------------------------------------------------
# Processes

# rp_bg LOG NS CMD...: start CMD in namespace NS in the background, stdout+stderr to LOG.
# Sets RP_LAST_PID. `ip netns exec` and env exec the command, so the pid is the command's own.
# A non-interactive shell starts background commands with SIGINT and SIGQUIT ignored; env
# gives them back their default action so that a daemon sees SIGINT as it would from a terminal.
rp_bg() {
	local log=$1 ns=$2
	shift 2
	ip netns exec "$ns" env --default-signal=INT,QUIT "$@" </dev/null >"$log" 2>&1 &
	RP_LAST_PID=$!
	RP_PIDS+=("$RP_LAST_PID")
}

rp_alive() {
	kill -0 "$1" 2>/dev/null
}

# Waiting helpers set RP_STATUS rather than print it: `wait` works only in the shell that
# started the process, never inside a $(...) subshell.

# rp_stop PID [SIGNAL] [SECONDS]: signal a process we started, wait for it to exit (bounded,
# default 10 s), then SIGKILL. RP_STATUS = its exit status, or "killed".
rp_stop() {
	local pid=$1 sig=${2:-TERM} limit=${3:-10}
	if rp_alive "$pid"; then
		kill -s "$sig" "$pid" 2>/dev/null || true
	fi
	rp_wait_exit "$pid" "$limit"
	if [ "$RP_STATUS" = running ]; then
		kill -s KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		rp_forget "$pid"
		RP_STATUS=killed
	fi
}

# rp_wait_exit PID SECONDS: wait (bounded) for a process we started to exit by itself.
# RP_STATUS = its exit status (128+N for signal N), or "running" if it is still there.
rp_wait_exit() {
	local pid=$1 limit=$2 i
	for ((i = 0; i < limit * 10; i++)); do
		rp_alive "$pid" || break
		sleep 0.1
	done
	if rp_alive "$pid"; then
		RP_STATUS=running
		return 0
	fi
	RP_STATUS=0
	wait "$pid" 2>/dev/null || RP_STATUS=$?
	rp_forget "$pid"
}

# rp_forget PID: a reaped process; its id may be reused, so cleanup must not signal it.
rp_forget() {
	local p keep=()
	for p in "${RP_PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	RP_PIDS=("${keep[@]}")
}

# ---------------------------------------------------------------------------------------------
# rampartd

# rp_write_config FILE [IDLE_SLEEP_US] [LOG_LEVEL]: the node config for this topology.
rp_write_config() {
	local file=$1 idle=${2:-0} level=${3:-info}
	cat >"$file" <<EOF
# Generated by $RP_NAME for run $RP_TAG.
node = { id = "$RP_NODE_ID"; stack = "test"; };
dpdk = { lcores = "0-1"; memory_mb = 512; hugepages = false; extra_args = []; };
ports = (
  { name = "$RP_NODE_UP_IF";   device = "net_af_packet0,iface=$RP_NODE_UP_IF"; },
  { name = "$RP_NODE_DOWN_IF"; device = "net_af_packet1,iface=$RP_NODE_DOWN_IF"; }
);
link_pairs = ( { name = "lp0"; upstream = "$RP_NODE_UP_IF"; protected = "$RP_NODE_DOWN_IF"; } );
workers = { lcores = [1]; burst = 32; idle_sleep_us = $idle; };
control = { socket = "$RP_SOCK"; socket_mode = "0660"; };
log = { level = "$level"; };
EOF
}

rp_ctl() {
	"$RAMPARTCTL" -s "$RP_SOCK" "$@"
}

# rp_daemon_start CONFIG [SECONDS]: start rampartd in the node namespace and wait (bounded,
# default 30 s) until the control socket answers `status`. Sets RP_DAEMON_PID, RP_DAEMON_LOG.
rp_daemon_start() {
	local conf=$1 limit=${2:-30} deadline
	RP_DAEMON_LOG=$RP_TMP/rampartd.log
	RP_PREFIXES+=("rampart-$RP_NODE_ID")
	rp_bg "$RP_DAEMON_LOG" "$RP_NS_NODE" "$RAMPARTD" -c "$conf"
	RP_DAEMON_PID=$RP_LAST_PID
	deadline=$((SECONDS + limit))
	while [ "$SECONDS" -le "$deadline" ]; do
		if ! rp_alive "$RP_DAEMON_PID"; then
			rp_wait_exit "$RP_DAEMON_PID" 1
			rp_fail "rampartd exited during start-up (status $RP_STATUS)"
		fi
		if [ -S "$RP_SOCK" ] && rp_ctl status >/dev/null 2>&1; then
			rp_log "rampartd up (pid $RP_DAEMON_PID, socket $RP_SOCK)"
			return 0
		fi
		sleep 0.2
	done
	rp_fail "rampartd did not answer on $RP_SOCK within ${limit}s"
}

# rp_testpmd_start [EXTRA TESTPMD ARGS]: dpdk-testpmd forwarding up0 <-> down0 (io mode) on the
# same lcores as rampartd. Waits until both ports are started. Sets RP_TESTPMD_PID.
rp_testpmd_start() {
	local prefix=rp-pmd-$RP_TAG log=$RP_TMP/testpmd.log deadline
	RP_PREFIXES+=("$prefix")
	rp_bg "$log" "$RP_NS_NODE" dpdk-testpmd -l 0-1 --no-huge -m 512 --no-pci \
		--file-prefix "$prefix" \
		--vdev "net_af_packet0,iface=$RP_NODE_UP_IF" \
		--vdev "net_af_packet1,iface=$RP_NODE_DOWN_IF" \
		-- --forward-mode=io --nb-cores=1 --total-num-mbufs=16384 --stats-period 1 "$@"
	RP_TESTPMD_PID=$RP_LAST_PID
	deadline=$((SECONDS + 30))
	while [ "$SECONDS" -le "$deadline" ]; do
		rp_alive "$RP_TESTPMD_PID" || rp_fail "dpdk-testpmd exited during start-up: $(tail -5 "$log")"
		grep -qs 'Press enter to exit\|Port statistics' "$log" && return 0
		sleep 0.2
	done
	rp_fail "dpdk-testpmd did not start forwarding within 30s"
}

# ---------------------------------------------------------------------------------------------
# rampartctl JSON

# rp_json EXPR < JSON: evaluate a Python expression on the parsed document `d` (a reply's
# "data" member when the document is a whole {"ok":..,"data":..} reply) and print the result.
rp_json() {
	"$RP_PY" -c '
import json, sys
d = json.load(sys.stdin)
if isinstance(d, dict) and "ok" in d and "data" in d:
    d = d["data"]
v = eval(sys.argv[1], {"d": d})
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)
' "$1"
}

# rp_port_stat PORT FIELD [JSON]: one counter of one port from `rampartctl stats --json` (or
# from the JSON document given).
rp_port_stat() {
	local port=$1 field=$2 doc=${3:-}
	[ -n "$doc" ] || doc=$(rp_ctl --json stats)
	printf '%s' "$doc" | rp_json "[p[\"$field\"] for p in d[\"ports\"] if p[\"name\"] == \"$port\"][0]"
}

# ---------------------------------------------------------------------------------------------
# Traffic, every helper bounded in count and time

# rp_ping NS DST COUNT: COUNT pings 10 ms apart; prints how many were answered, waiting up to
# a second after the last for late replies (pingn.py says why not ping(8)).
rp_ping() {
	local ns=$1 dst=$2 count=$3 out
	out=$(rp_nsx "$ns" timeout $((count / 50 + 10)) "$RP_PY" "$RP_LIBDIR/pingn.py" "$dst" "$count" 2>&1) || true
	printf '%s\n' "$out" | tail -n 1 | grep -E '^[0-9]+$' || echo 0
}

# rp_udp_burst SRC_NS DST_NS DST_ADDR PORT COUNT [SIZE] [FLOWS]: send exactly COUNT datagrams,
# round-robin from FLOWS source ports; RP_UDP_GOT = how many the receiver in DST_NS counted.
rp_udp_burst() {
	local sns=$1 dns=$2 dst=$3 port=$4 count=$5 size=${6:-64} flows=${7:-1} ready out pid i
	ready=$RP_TMP/udp-ready.$port
	out=$RP_TMP/udp-recv.$port
	rm -f "$ready"
	rp_bg "$out" "$dns" "$RP_PY" "$RP_TRAFFIC" udp-recv --port "$port" --count "$count" \
		--timeout $((count / 500 + 10)) --ready "$ready"
	pid=$RP_LAST_PID
	for ((i = 0; i < 50; i++)); do
		[ -e "$ready" ] && break
		sleep 0.1
	done
	[ -e "$ready" ] || rp_fail "UDP receiver on port $port did not start"
	rp_nsx "$sns" timeout $((count / 500 + 10)) "$RP_PY" "$RP_TRAFFIC" udp-send \
		--dst "$dst" --port "$port" --count "$count" --size "$size" --flows "$flows" \
		>/dev/null ||
		rp_fail "UDP sender failed"
	rp_wait_exit "$pid" $((count / 500 + 12))
	RP_UDP_GOT=$(tail -1 "$out")
}

# rp_tcp_echo SRV_NS CLI_NS DST_ADDR PORT BYTES: one TCP connection from CLI_NS to a server in
# SRV_NS; BYTES are sent, echoed and compared. Returns 0 when the echo matches.
rp_tcp_echo() {
	local sns=$1 cns=$2 dst=$3 port=$4 bytes=$5 ready pid i rc=0
	ready=$RP_TMP/tcp-ready.$port
	rm -f "$ready"
	rp_bg "$RP_TMP/tcp-echo.$port" "$sns" "$RP_PY" "$RP_TRAFFIC" tcp-echo --port "$port" \
		--conns 1 --timeout 20 --ready "$ready"
	pid=$RP_LAST_PID
	for ((i = 0; i < 50; i++)); do
		[ -e "$ready" ] && break
		sleep 0.1
	done
	[ -e "$ready" ] || rp_fail "TCP echo server on port $port did not start"
	if ! rp_nsx "$cns" timeout 25 "$RP_PY" "$RP_TRAFFIC" tcp-send --dst "$dst" --port "$port" \
		--bytes "$bytes" --timeout 20 >&2; then
		rp_log "TCP client to [$dst]:$port failed"
		rc=1
	fi
	rp_wait_exit "$pid" 10
	if [ "$RP_STATUS" != 0 ]; then
		rp_log "TCP echo server on port $port: status $RP_STATUS: $(cat "$RP_TMP/tcp-echo.$port")"
		rc=1
	fi
	return "$rc"
}

# ---------------------------------------------------------------------------------------------
# Mitigation: node configs with a policy, attack traffic, captures behind the node, counters

RP_ATTACK="$RP_LIBDIR/attack.py"
RP_POLICY_DIR="$RAMPART_SRC/tests/data/policy"

# rp_write_mitigation_config FILE POLICY [IDLE_SLEEP_US] [LOG_LEVEL]: rp_write_config, plus
# the policy loaded at start (an absolute path; "" for the empty policy) and af_packet rings
# of 4096 frames instead of 512, so that a worker the machine holds up for a moment does not
# make the kernel drop frames (exact counts depend on it).
rp_write_mitigation_config() {
	local file=$1 policy=$2
	rp_write_config "$file" "${3:-0}" "${4:-info}"
	sed -i -e "s/iface=$RP_NODE_UP_IF\"/iface=$RP_NODE_UP_IF,framecnt=4096\"/" \
		-e "s/iface=$RP_NODE_DOWN_IF\"/iface=$RP_NODE_DOWN_IF,framecnt=4096\"/" "$file"
	if [ -n "$policy" ]; then
		echo "policy = { file = \"$policy\"; };" >>"$file"
	fi
}

# rp_capture_start NS NAME: capture every frame arriving on the host interface of NS (not
# those the host sends) into $RP_TMP/NAME.pcap; returns once tcpdump listens. Sets
# RP_CAPTURE_PID and RP_CAPTURE (the file). One capture at a time.
rp_capture_start() {
	local ns=$1 name=$2 i
	RP_CAPTURE=$RP_TMP/$name.pcap
	RP_CAPTURE_LOG=$RP_TMP/$name-tcpdump.log
	rm -f "$RP_CAPTURE"
	rp_bg "$RP_CAPTURE_LOG" "$ns" tcpdump -i "$RP_HOST_IF" -Q in -n -s 0 -B 16384 -U \
		--immediate-mode -Z root -w "$RP_CAPTURE"
	RP_CAPTURE_PID=$RP_LAST_PID
	for ((i = 0; i < 100; i++)); do
		grep -qs 'listening on' "$RP_CAPTURE_LOG" && return 0
		rp_alive "$RP_CAPTURE_PID" || rp_fail "tcpdump exited: $(cat "$RP_CAPTURE_LOG")"
		sleep 0.1
	done
	rp_fail "tcpdump did not start within 10s"
}

# rp_capture_stop [MIN_FRAMES]: stop the capture; fail when the kernel dropped frames meant for
# it. tcpdump stops without reading what is still queued for it, so first wait (bounded, 10 s)
# until the file holds at least MIN_FRAMES frames (the receiving interface's rx_packets delta,
# say). RP_CAPTURE_GOT = frames captured.
rp_capture_stop() {
	local want=${1:-0} dropped n=0 i
	for ((i = 0; i < 100; i++)); do
		n=$("$RP_PY" "$RP_ATTACK" count --pcap "$RP_CAPTURE" | rp_json 'd["frames"]')
		[ "$n" -ge "$want" ] && break
		sleep 0.1
	done
	[ "$n" -ge "$want" ] || rp_log "the capture holds $n frames after 10 s, not $want"
	rp_stop "$RP_CAPTURE_PID" INT 10
	RP_CAPTURE_GOT=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured.*/\1/p' "$RP_CAPTURE_LOG")
	dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$RP_CAPTURE_LOG")
	if [ -z "$RP_CAPTURE_GOT" ] || [ -z "$dropped" ]; then
		rp_fail "tcpdump ended without its counts (status $RP_STATUS): $(cat "$RP_CAPTURE_LOG")"
	fi
	[ "$dropped" = 0 ] || rp_fail "the capture lost $dropped frames: the counts would be wrong"
}

# rp_capture_count MANIFEST OUT: attack.py count of the last capture, per class of MANIFEST.
rp_capture_count() {
	"$RP_PY" "$RP_ATTACK" count --pcap "$RP_CAPTURE" --manifest "$1" >"$2" ||
		rp_fail "attack.py count failed"
}

# rp_attack_send MANIFEST ARGS...: attack.py send from the upstream host to the protected
# host's MAC (bounded: 120 s, and --timeout in ARGS); ARGS give the scenario and the rate.
rp_attack_send() {
	local manifest=$1 mac
	shift
	mac=$(rp_host_mac "$RP_NS_DOWN")
	rp_nsx "$RP_NS_UP" timeout 120 "$RP_PY" "$RP_ATTACK" send --iface "$RP_HOST_IF" \
		--dst-mac "$mac" --manifest "$manifest" "$@" >&2 ||
		rp_fail "attack.py send $* failed"
}

# rp_attack_bg MANIFEST ARGS...: the same in the background; sets RP_ATTACK_PID. Wait for it
# with rp_wait_exit.
rp_attack_bg() {
	local manifest=$1 mac
	shift
	mac=$(rp_host_mac "$RP_NS_DOWN")
	rp_bg "$manifest.log" "$RP_NS_UP" timeout 120 "$RP_PY" "$RP_ATTACK" send \
		--iface "$RP_HOST_IF" --dst-mac "$mac" --manifest "$manifest" "$@"
	RP_ATTACK_PID=$RP_LAST_PID
}

# rp_mit_snapshot FILE: the node's drops, rules, blocklist counters and port stats as one JSON
# document {"drops": ..., "rules": ..., "blocklist": ..., "stats": ...}.
rp_mit_snapshot() {
	local file=$1 k
	{
		printf '{'
		for k in drops rules stats; do
			printf '"%s": ' "$k"
			rp_ctl --json "$k" || rp_fail "rampartctl --json $k failed"
			printf ', '
		done
		printf '"blocklist": '
		rp_ctl --json blocklist list --limit 0 || rp_fail "rampartctl --json blocklist list failed"
		printf '}\n'
	} >"$file"
}

# rp_wait_node_rx BEFORE_STATS_JSON UP_TX_BEFORE [SECONDS]: wait (bounded, default 10 s) until
# up0 has received, since the BEFORE stats, every frame the upstream host sent since its
# tx_packets was UP_TX_BEFORE; fail when it does not, with hw imissed (the af_packet ring
# overflowed) in the message. Sets RP_UP_SENT to that number of frames.
rp_wait_node_rx() {
	local before=$1 up_tx0=$2 limit=${3:-10} rx0 rx deadline hw
	rx0=$(rp_port_stat up0 rx_packets "$before")
	RP_UP_SENT=$(($(rp_if_stat "$RP_NS_UP" "$RP_HOST_IF" tx_packets) - up_tx0))
	deadline=$((SECONDS + limit))
	while :; do
		rx=$(($(rp_port_stat up0 rx_packets) - rx0))
		[ "$rx" = "$RP_UP_SENT" ] && return 0
		[ "$SECONDS" -le "$deadline" ] || break
		sleep 0.2
	done
	hw=$(rp_ctl --json ports up0 | rp_json '[p["hw"] for p in d["ports"]][0]')
	rp_fail "up0 received $rx frames, the upstream host sent $RP_UP_SENT (up0 hw: $hw)"
}

# rp_mix_run NAME EXPECT MODE ARGS...: one run of attack.py traffic through the node, checked
# end to end against the expectations file EXPECT for a policy in MODE (enforce, monitor).
# Captures at the protected host, snapshots the node's counters before and after, sends (ARGS:
# attack.py send arguments, the scenario first), waits until up0 has received every frame the
# upstream host sent and the segment is quiet, then asserts that the upstream host sent
# nothing but the run, that the protected host received exactly what down0 sent and the
# capture saw all of it, and runs `attack.py check` against EXPECT (a file). Leaves
# $RP_TMP/NAME-{manifest,counts,before,after,deltas}.json and the check's table in
# $RP_TMP/NAME-check.txt.
rp_mix_run() {
	local name=$1 expect=$2 mode=$3 h0 h1 sent d0 d1 p=$RP_TMP/$1
	local -a hb ha
	shift 3
	rp_wait_quiet 10 || rp_fail "$name: the segment did not go quiet within 10s"
	rp_capture_start "$RP_NS_DOWN" "$name"
	rp_mit_snapshot "$p-before.json"
	h0=$(rp_host_counters)
	rp_attack_send "$p-manifest.json" "$@"
	rp_wait_node_rx "$(rp_json 'd["stats"]' <"$p-before.json")" "${h0%% *}"
	rp_wait_quiet 10 || rp_fail "$name: the segment did not go quiet within 10s after the run"
	h1=$(rp_host_counters)
	rp_mit_snapshot "$p-after.json"
	read -r -a hb <<<"$h0"
	read -r -a ha <<<"$h1"
	rp_capture_stop $((ha[3] - hb[3]))
	rp_capture_count "$p-manifest.json" "$p-counts.json"
	sent=$(rp_json 'd["sent"]' <"$p-manifest.json")
	rp_expect_eq "$name: frames the upstream host sent = frames attack.py sent" "$sent" "$RP_UP_SENT"
	d0=$(rp_port_stat down0 tx_packets "$(rp_json 'd["stats"]' <"$p-before.json")")
	d1=$(rp_port_stat down0 tx_packets "$(rp_json 'd["stats"]' <"$p-after.json")")
	rp_expect_eq "$name: frames the protected host received = down0 tx_packets delta" \
		$((d1 - d0)) $((ha[3] - hb[3]))
	rp_expect_eq "$name: frames captured at the protected host = frames it received" \
		$((ha[3] - hb[3])) "$RP_CAPTURE_GOT"
	if ! "$RP_PY" "$RP_ATTACK" check --manifest "$p-manifest.json" --counts "$p-counts.json" \
		--before "$p-before.json" --after "$p-after.json" --expect "$expect" --mode "$mode" \
		--deltas "$p-deltas.json" >"$p-check.txt"; then
		cat "$p-check.txt" >&2
		rp_fail "$name: the traffic or the counters did not match the policy (above)"
	fi
	cat "$p-check.txt" >&2
	rp_log "ok: $name: every class met the policy, and Rampart's counters agree"
}

# ---------------------------------------------------------------------------------------------
# Cleanup

rp_dump_logs() {
	local f
	[ -n "$RP_TMP" ] && [ -d "$RP_TMP" ] || return 0
	for f in "$RP_TMP"/*.log; do
		[ -s "$f" ] || continue
		rp_log "---- last lines of $(basename "$f") ----"
		tail -n 30 "$f" >&2
	done
}

# ---------------------------------------------------------------------------------------------
# Hugepages: a private hugetlbfs mount and a temporary rise of the 2 MB page reservation.
# rp_teardown ends every process first (nothing may still map the pages), then unmounts and
# lowers the reservation by what this run added, which restores the old value unless
# something else changed it meanwhile.

RP_HP_SYS=/sys/kernel/mm/hugepages/hugepages-2048kB
RP_HP_DIR=       # the private hugetlbfs mount, for --huge-dir
RP_HP_MOUNTED=0
RP_HP_OLD=
RP_HP_ADDED=0
RP_HP_NOTE=      # what rp_huge_setup did, or why it could not

# rp_huge_setup PAGES NEED: mount a private hugetlbfs and add PAGES 2 MB pages to the
# reservation. 0 with RP_HP_DIR set when at least NEED pages are free, else 1 with RP_HP_NOTE
# saying why (what was set up is released at teardown either way).
rp_huge_setup() {
	local add=$1 need=$2 after free
	if [ ! -w "$RP_HP_SYS/nr_hugepages" ]; then
		RP_HP_NOTE="no 2 MB hugepage support ($RP_HP_SYS)"
		return 1
	fi
	RP_HP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rampart-huge-$RP_TAG.XXXXXX")
	if ! mount -t hugetlbfs -o pagesize=2M nodev "$RP_HP_DIR" 2>"$RP_TMP/mount.err"; then
		RP_HP_NOTE="cannot mount hugetlbfs: $(head -1 "$RP_TMP/mount.err")"
		return 1
	fi
	RP_HP_MOUNTED=1
	RP_HP_OLD=$(cat "$RP_HP_SYS/nr_hugepages")
	echo $((RP_HP_OLD + add)) >"$RP_HP_SYS/nr_hugepages" 2>/dev/null || true
	after=$(cat "$RP_HP_SYS/nr_hugepages")
	[ "$after" -le "$RP_HP_OLD" ] || RP_HP_ADDED=$((after - RP_HP_OLD))
	free=$(cat "$RP_HP_SYS/free_hugepages")
	if [ "$free" -lt "$need" ]; then
		RP_HP_NOTE="only $free free 2 MB pages after asking for $add more (need $need)"
		return 1
	fi
	RP_HP_NOTE="2 MB hugepages: private hugetlbfs, reservation $RP_HP_OLD -> $after pages"
	return 0
}

rp_huge_release() {
	local cur target
	if [ "$RP_HP_MOUNTED" = 1 ]; then
		rm -f "$RP_HP_DIR"/* 2>/dev/null
		umount "$RP_HP_DIR" 2>/dev/null || umount -l "$RP_HP_DIR" 2>/dev/null ||
			rp_log "could not unmount $RP_HP_DIR"
		RP_HP_MOUNTED=0
	fi
	if [ -n "$RP_HP_DIR" ] && [ -d "$RP_HP_DIR" ]; then
		rmdir "$RP_HP_DIR" 2>/dev/null || rp_log "could not remove $RP_HP_DIR"
	fi
	RP_HP_DIR=
	if [ "$RP_HP_ADDED" -gt 0 ]; then
		cur=$(cat "$RP_HP_SYS/nr_hugepages")
		target=$((cur - RP_HP_ADDED))
		[ "$target" -ge 0 ] || target=0
		echo "$target" >"$RP_HP_SYS/nr_hugepages" 2>/dev/null || true
		RP_HP_ADDED=0
		cur=$(cat "$RP_HP_SYS/nr_hugepages")
		if [ "$cur" = "$RP_HP_OLD" ]; then
			rp_log "2 MB hugepage reservation restored to $cur"
		else
			rp_log "2 MB hugepage reservation now $cur (was $RP_HP_OLD before the run)"
		fi
	fi
}

# rp_teardown: end our processes, delete our namespaces (and with them the veths), DPDK runtime
# directories and hugepage files of our prefixes, and the work directory. Safe to call twice.
rp_teardown() {
	local pid ns p
	[ "$RP_CLEANED" = 1 ] && return 0
	RP_CLEANED=1
	for pid in "${RP_PIDS[@]}"; do
		if rp_alive "$pid"; then
			kill -TERM "$pid" 2>/dev/null || true
		fi
	done
	for pid in "${RP_PIDS[@]}"; do
		rp_stop "$pid" TERM 5
	done
	# Anything else still running inside our namespaces was started by this script too.
	rp_ns_del "${RP_NAMESPACES[@]}"
	RP_NAMESPACES=()
	for p in "${RP_PREFIXES[@]}"; do
		rm -rf "/var/run/dpdk/$p"
		rm -f /dev/hugepages/"$p"map_* 2>/dev/null || true
	done
	rp_huge_release
	if [ -n "$RP_TMP" ] && [ -d "$RP_TMP" ]; then
		if [ "${RP_KEEP:-0}" = 1 ]; then
			rp_log "work directory kept: $RP_TMP"
		else
			rm -rf "$RP_TMP"
		fi
	fi
	return 0
}

rp_cleanup() {
	local rc=$?
	trap - EXIT INT TERM ERR
	set +e
	rp_teardown
	exit "$rc"
}

# ---------------------------------------------------------------------------------------------
# Bypass: a private bpffs for the XDP bypass pins, the topology it needs, its config, its
# state, and a paced UDP flow whose gaps show how long the wire was cut.

: "${FLOWGAP:=$RAMPART_SRC/build/tools/bench/flowgap}"
RP_BPFFS=      # the bpffs this run mounted (bypass.pin_path)
# The tests' watchdog. The mechanism is the same at any value; 50 ms rather than the default 20
# because a shared VM is stalled for tens of ms at times (its heartbeat thread wakes that late,
# real-time or not), and a stall longer than 3/4 of the watchdog fails the node open, rightly,
# in the middle of a test. tools/bench/failopen.sh measures 10, 20, 50 and 100 ms.
# 100 ms: on a shared VM a stall past 3/4 of 50 ms came often enough to void eight attempts
# running; the benchmark (tools/bench/failopen.sh) measures the shorter watchdogs.
RP_BYP_WATCHDOG_MS=${RP_WATCHDOG_MS:-100}
RP_BYP_MARGIN_MS=${RP_GAP_MARGIN_MS:-10} # the flow's spacing and scheduling on top of the watchdog

# rp_byp_init CODE: rp_init, plus a bpf filesystem of this run's own. `ip netns exec` gives a
# process a /sys without /sys/fs/bpf, so the pins go to a directory outside /sys that the node's
# namespace sees too. Its cleanup unmounts it after rp_teardown.
rp_byp_init() {
	rp_init "$1"
	rp_require_tools bpftool
	[ -x "$FLOWGAP" ] || rp_fail "flowgap not found at $FLOWGAP (build first)"
	RP_BPFFS=$(mktemp -d "${TMPDIR:-/tmp}/rampart-bpf-$RP_TAG.XXXXXX")
	if ! mount -t bpf bpf "$RP_BPFFS" 2>"$RP_TMP/bpffs.err"; then
		rmdir "$RP_BPFFS"
		RP_BPFFS=
		rp_skip "cannot mount a bpf filesystem: $(cat "$RP_TMP/bpffs.err")"
	fi
	trap rp_byp_cleanup EXIT
}

rp_byp_cleanup() {
	local rc=$?
	trap - EXIT INT TERM ERR
	set +e
	rp_teardown
	if [ -n "$RP_BPFFS" ]; then
		umount "$RP_BPFFS" 2>/dev/null || umount -l "$RP_BPFFS" 2>/dev/null ||
			rp_log "could not unmount $RP_BPFFS"
		rmdir "$RP_BPFFS" 2>/dev/null
		RP_BPFFS=
	fi
	exit "$rc"
}

# rp_byp_topo: rp_topo_create with GRO on the hosts' ends (a frame the XDP bypass redirects into
# a veth is taken only by a peer that runs NAPI: GRO on, or an XDP program of its own), and
# static neighbours so that no ARP crosses a cut wire.
rp_byp_topo() {
	rp_topo_create
	rp_nsx "$RP_NS_UP" ethtool -K "$RP_HOST_IF" gro on >/dev/null
	rp_nsx "$RP_NS_DOWN" ethtool -K "$RP_HOST_IF" gro on >/dev/null
	rp_topo_static_neigh
}

# rp_byp_write_config FILE WATCHDOG_MS [POLICY] [MORE BYPASS SETTINGS]: the mitigation config
# (4096-frame rings; workers sleep 20 us when idle, which leaves the CPU to the traffic tools
# while their loop counters still move) with the XDP bypass on this run's bpffs.
rp_byp_write_config() {
	local file=$1 wd=$2 policy=${3:-} extra=${4:-}
	rp_write_mitigation_config "$file" "$policy" 20
	cat >>"$file" <<EOC
bypass = { driver = "xdp"; watchdog_ms = $wd; pin_path = "$RP_BPFFS"; $extra };
EOC
}

# rp_byp_status [EXPR]: `rampartctl --json bypass status`, or EXPR of it (rp_json).
rp_byp_status() {
	if [ $# -eq 0 ]; then
		rp_ctl --json bypass status
	else
		rp_ctl --json bypass status | rp_json "$1"
	fi
}

# rp_byp_wait_state STATE [SECONDS]: wait (bounded, default 10 s) until the daemon reports
# the bypass STATE; fail with the status otherwise. Inline sets RP_BYP_INLINE_T (rp_now) to a
# moment when the node was already inline, and RP_BYP_BASE_STALLS and RP_BYP_BASE_WITHHELD to
# the heartbeat thread's stalls and withheld beats as a status read before that showed them:
# what rp_byp_spurious and rp_byp_latched_before take as the machine's doing is what comes
# after (a stall between that read and going inline counts after, so it voids rather than
# fails).
rp_byp_wait_state() {
	local want=$1 limit=${2:-10} deadline st doc prev
	deadline=$((SECONDS + limit))
	prev=$(rp_byp_status 2>/dev/null || echo '{}')
	while :; do
		doc=$(rp_byp_status 2>/dev/null || echo '{}')
		st=$(printf '%s' "$doc" | rp_json 'd.get("state", "unreachable")')
		if [ "$st" = "$want" ]; then
			if [ "$want" = inline ]; then
				RP_BYP_INLINE_T=$(rp_now)
				RP_BYP_BASE_STALLS=$(printf '%s' "$prev" | rp_json 'd.get("heartbeat", {}).get("stalls", 0)')
				RP_BYP_BASE_WITHHELD=$(printf '%s' "$prev" | rp_json 'd.get("heartbeat", {}).get("withheld", 0)')
			fi
			return 0
		fi
		prev=$doc
		[ "$SECONDS" -le "$deadline" ] || break
		sleep 0.1
	done
	rp_fail "bypass state is $st, not $want, after ${limit}s: $(rp_byp_status 2>&1 | head -c 2000)"
}

# rp_byp_pinned FIELD: a field of the pinned XDP state record, read with bpftool (the daemon
# may be dead): mode (0 bypass, 1 inline, 2 disconnect), set_by, expiries...
rp_byp_pinned() {
	bpftool -j map lookup pinned "$RP_BPFFS/$RP_NODE_ID/byp_state" key 0 0 0 0 |
		rp_json "d[\"formatted\"][\"value\"][\"$1\"] if \"formatted\" in d else d[\"value\"][\"$1\"]"
}

# rp_now: CLOCK_REALTIME in seconds with nanoseconds, as flowgap reports times.
rp_now() {
	date +%s.%N
}

# rp_flow_start PORT RATE SECONDS [DST]: a paced flow of numbered UDP datagrams from the
# upstream host to the protected host (or DST), RATE per second for SECONDS; the receiver
# writes its report to RP_FLOW_OUT when the flow ends. Sets RP_FLOW_SEND_PID, RP_FLOW_RECV_PID.
rp_flow_start() {
	local port=$1 rate=$2 secs=$3 dst=${4:-$RP_DOWN_IP4} ready i
	ready=$RP_TMP/flow-ready.$port
	RP_FLOW_OUT=$RP_TMP/flow-recv.$port.json
	RP_FLOW_SECS=$secs
	rm -f "$ready"
	rp_bg "$RP_FLOW_OUT" "$RP_NS_DOWN" "$FLOWGAP" recv --port "$port" \
		--seconds $((${secs%.*} + 15)) --ready "$ready" --gaps 8
	RP_FLOW_RECV_PID=$RP_LAST_PID
	for ((i = 0; i < 50; i++)); do
		[ -e "$ready" ] && break
		sleep 0.1
	done
	[ -e "$ready" ] || rp_fail "flowgap receiver on port $port did not start"
	rp_bg "$RP_TMP/flow-send.$port.json" "$RP_NS_UP" "$FLOWGAP" send --dst "$dst" \
		--port "$port" --rate "$rate" --seconds "$secs"
	RP_FLOW_SEND_PID=$RP_LAST_PID
}

# rp_flow_wait: wait (bounded) for the flow's two ends; RP_FLOW is the receiver's report.
rp_flow_wait() {
	rp_wait_exit "$RP_FLOW_SEND_PID" $((${RP_FLOW_SECS%.*} + 10))
	[ "$RP_STATUS" = 0 ] || rp_fail "flowgap sender: status $RP_STATUS"
	rp_wait_exit "$RP_FLOW_RECV_PID" 20
	[ "$RP_STATUS" = 0 ] || rp_fail "flowgap receiver: status $RP_STATUS: $(cat "$RP_FLOW_OUT")"
	RP_FLOW=$(cat "$RP_FLOW_OUT")
	rp_log "flow: $(printf '%s' "$RP_FLOW" | rp_json '"received %d of %d, lost %d, longest gap %.1f ms, longest the path made %.1f ms" % (d["received"], d["sent"], d["lost"], d["max_gap_ms"], d["max_path_gap_ms"])')"
}

# rp_flow_field EXPR: EXPR of the last flow's report (rp_json).
rp_flow_field() {
	printf '%s' "$RP_FLOW" | rp_json "$1"
}

# rp_ctl_raw CMD [ARGS_JSON]: one control request rampartctl has no word for (the test-only
# fault commands); prints the whole reply.
rp_ctl_raw() {
	local args=${2:-}
	[ -n "$args" ] || args='{}'
	"$RP_PY" - "$RP_SOCK" "$1" "$args" <<'PYEOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall((json.dumps({"cmd": sys.argv[2], "args": json.loads(sys.argv[3])}) + "\n").encode())
s.shutdown(socket.SHUT_WR)
buf = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    buf += b
print(buf.decode().strip())
PYEOF
}

# rp_flow_gap_at T [T_END]: the longest of the last flow's longest gaps that began within 0.1 s
# of T (or between T - 0.1 s and T_END + 0.1 s), in ms; 0 when none did. Times are
# CLOCK_REALTIME seconds (rp_now). A test asserts the gap an event made, not the longest of the
# whole flow: on a shared machine the flow has gaps of its own elsewhere. The gap is the part
# the path made (flowgap's path_ms): when the machine pauses, the sender pauses too, and the
# time it sent nothing is no gap of the node's.
rp_flow_gap_at() {
	local t0=$1 t1=${2:-$1}
	rp_flow_field "max([g['path_ms'] for g in d['gaps'] if $t0 - 0.1 < g['from'] < $t1 + 0.1] or [0])"
}

# rp_flow_gap_check WHAT T [T_END] LIMIT_MS: fail unless the gap at T (rp_flow_gap_at) is
# under LIMIT_MS; log it with the flow's longest gap and its losses.
rp_flow_gap_check() {
	local what=$1 t0=$2 t1 limit gap idle
	if [ $# -eq 4 ]; then
		t1=$3
		limit=$4
	else
		t1=$2
		limit=$3
	fi
	gap=$(rp_flow_gap_at "$t0" "$t1")
	idle=$(rp_flow_field "max([g['sender_idle_ms'] for g in d['gaps'] if $t0 - 0.1 < g['from'] < $t1 + 0.1 and g['path_ms'] == $gap] or [0])")
	rp_check "$what: gap ${gap} ms < ${limit} ms (and $idle ms the sender was idle; longest of the flow $(rp_flow_field 'd["max_gap_ms"]') ms, $(rp_flow_field 'd["lost"]') lost)" \
		"$RP_PY" -c "import sys; sys.exit(0 if $gap < $limit else 1)"
}

# rp_flow_lost_at T [T_END]: datagrams of the last flow lost (never arrived) just after
# something that arrived within 0.1 s of T (or between T - 0.1 s and T_END + 0.1 s). A cut wire
# loses datagrams; a delay only makes a gap.
rp_flow_lost_at() {
	local t0=$1 t1=${2:-$1}
	rp_flow_field "sum(l['count'] for l in d['losses'] if $t0 - 0.1 < l['after'] < $t1 + 0.1)"
}

# rp_flow_nothing_lost WHAT T [T_END]: fail unless nothing was lost around T (rp_flow_lost_at).
rp_flow_nothing_lost() {
	rp_expect_eq "$1: datagrams lost (gap there $(rp_flow_gap_at "$2" "${3:-$2}") ms)" 0 \
		"$(rp_flow_lost_at "$2" "${3:-$2}")"
}

# ---------------------------------------------------------------------------------------------
# Bypass tests on a machine that stalls. A VM's threads are sometimes not run for tens or
# hundreds of ms (steal time). A stall longer than 3/4 of the watchdog fails the node open by
# itself, rightly, and a scenario that needed it inline cannot go on: the attempt is void. The
# evidence is what the heartbeat thread saw since the node went inline: its own stalls (a
# wake-up more than half the watchdog late) or beats it withheld because the workers did not
# run. A watchdog expiry without either is a failure.

RP_BYP_VOID=0
RP_BYP_INLINE_T=0
RP_BYP_BASE_STALLS=0
RP_BYP_BASE_WITHHELD=0

# rp_byp_stalled STALLS WITHHELD: true when the heartbeat thread's counts since start (bypass
# status, or rampartd's log of an expiry) grew since the node went inline: the machine stalled.
rp_byp_stalled() {
	[ "$1" -gt "$RP_BYP_BASE_STALLS" ] || [ "$2" -gt "$RP_BYP_BASE_WITHHELD" ]
}

# rp_byp_spurious [EXPECTED]: true (0) when the node failed open by itself more than EXPECTED
# (default 0) times because the machine stalled, which voids the attempt (RP_BYP_VOID=1); false
# when it did not fail open; fails the test when it did with no stall to explain it. A stall is
# shown by the heartbeat thread's stalls or withheld beats since the node last went inline
# (rp_byp_wait_state).
rp_byp_spurious() {
	local want=${1:-0} doc n late stalls withheld
	doc=$(rp_byp_status)
	n=$(printf '%s' "$doc" | rp_json 'd["engages"]["watchdog"]')
	[ "$n" -gt "$want" ] || return 1
	late=$(printf '%s' "$doc" | rp_json 'd["heartbeat"]["max_late_ms"]')
	stalls=$(printf '%s' "$doc" | rp_json 'd["heartbeat"]["stalls"]')
	withheld=$(printf '%s' "$doc" | rp_json 'd["heartbeat"]["withheld"]')
	if rp_byp_stalled "$stalls" "$withheld"; then
		rp_log "void: the node failed open by itself ($n watchdog expiries, $want expected): the machine stalled (since it went inline, the heartbeat thread stalled $((stalls - RP_BYP_BASE_STALLS)) times and withheld $((withheld - RP_BYP_BASE_WITHHELD)) beats for workers that did not run; the longest wake-up since start $late ms late)"
		RP_BYP_VOID=1
		return 0
	fi
	rp_fail "the watchdog fired $n times ($want expected) with no stall to explain it (since the node went inline, no stall of the heartbeat thread and no beat withheld; the longest wake-up since start $late ms late)"
}

# rp_byp_latched_before WHAT T: after WHAT at T (rp_now), which must have found the node
# inline since rp_byp_wait_state saw it so, decide whether it did. The XDP program stamps
# latched_ns (CLOCK_MONOTONIC) whenever its watchdog latches; between that moment and T, the
# node had failed open before the act. True (0), the attempt void, when the machine stalled:
# rampartd logged the expiry with stalls or withheld beats since the node went inline
# (rp_byp_stalled), or the latch came so shortly before the act (under RP_BYP_UNSEEN_MS, the
# control thread's 100 ms tick and some) that rampartd had no time to see it. Fails the test
# when the expiry is older and rampartd logged no stall for it; false when the node was inline
# at T.
RP_BYP_UNSEEN_MS=150
rp_byp_latched_before() {
	local what=$1 t=$2 latched_ns latched before line stalls withheld
	latched_ns=$(rp_byp_pinned latched_ns)
	[ "$latched_ns" -ne 0 ] || return 1
	latched=$(rp_mono_to_real "$latched_ns")
	"$RP_PY" -c "import sys; sys.exit(0 if $RP_BYP_INLINE_T < $latched < $t else 1)" || return 1
	before=$("$RP_PY" -c "print(f'{($t - $latched) * 1000:.1f}')")
	line=$(grep -a 'bypass: engaged (watchdog)' "$RP_DAEMON_LOG" | tail -n 1 || true)
	if [ -z "$line" ] && "$RP_PY" -c "import sys; sys.exit(0 if $before < $RP_BYP_UNSEEN_MS else 1)"; then
		rp_log "void: the XDP program latched bypass by itself $before ms before the $what, too shortly before for rampartd to see it: the machine stalled in the last moment before the act"
		RP_BYP_VOID=1
		return 0
	fi
	stalls=$(printf '%s' "$line" | sed -n 's/.*heartbeat thread stalls \([0-9]*\) .*/\1/p')
	withheld=$(printf '%s' "$line" | sed -n 's/.*beats withheld \([0-9]*\).*/\1/p')
	if [ -n "$stalls" ] && [ -n "$withheld" ] && rp_byp_stalled "$stalls" "$withheld"; then
		rp_log "void: the XDP program latched bypass by itself $before ms before the $what: the machine stalled (rampartd logged $((stalls - RP_BYP_BASE_STALLS)) stalls of its heartbeat thread and $((withheld - RP_BYP_BASE_WITHHELD)) beats withheld since the node went inline)"
		RP_BYP_VOID=1
		return 0
	fi
	rp_fail "the XDP program latched bypass at $latched, before the $what at $t, with no stall logged to explain it (${line:-rampartd logged no watchdog expiry})"
}

# rp_mono_to_real NS: a CLOCK_MONOTONIC time in ns (as the XDP program stamps) as rp_now seconds.
rp_mono_to_real() {
	"$RP_PY" -c "import time; print(f'{$1 / 1e9 + time.clock_gettime(time.CLOCK_REALTIME) - time.clock_gettime(time.CLOCK_MONOTONIC):.6f}')"
}

# rp_byp_attempts FUNC: run the scenario FUNC again while it ends void (RP_BYP_VOID=1 and
# return), up to RP_BYP_ATTEMPTS times (8) and while fewer than RP_BYP_ATTEMPTS_S seconds (90)
# have passed since the first began; between attempts its daemon and its flow are stopped. The
# pins stay: the next daemon finds what the last one left, as after any restart. A void
# attempt takes a few seconds, and on a shared VM the host sometimes deschedules it for
# hundreds of ms several times a minute: the budget rides out such a spell, and a machine that
# stalls for longer than that fails the test.
RP_BYP_ATTEMPTS=${RP_BYP_ATTEMPTS:-8}
RP_BYP_ATTEMPTS_S=${RP_BYP_ATTEMPTS_S:-90}
rp_byp_attempts() {
	local fn=$1 i pid start=$SECONDS n=0
	for ((i = 1; i <= RP_BYP_ATTEMPTS; i++)); do
		RP_BYP_VOID=0
		"$fn"
		[ "$RP_BYP_VOID" = 1 ] || return 0
		n=$i
		rp_log "attempt $i was void"
		for pid in ${RP_FLOW_SEND_PID:-} ${RP_FLOW_RECV_PID:-} ${RP_DAEMON_PID:-}; do
			rp_alive "$pid" && rp_stop "$pid" KILL 5
		done
		[ -z "${RP_DAEMON_LOG:-}" ] || [ ! -e "$RP_DAEMON_LOG" ] ||
			mv "$RP_DAEMON_LOG" "$RP_TMP/rampartd-void-$i.log"
		[ $((SECONDS - start)) -lt "$RP_BYP_ATTEMPTS_S" ] || break
		rp_wait_quiet 5 || true
	done
	rp_fail "$n attempts in $((SECONDS - start)) s were void: this machine stalls for longer than 3/4 of the watchdog ($RP_BYP_WATCHDOG_MS ms) too often to measure fail-open"
}

# ---------------------------------------------------------------------------------------------
# One run, two topologies

# rp_ns_del NS...: kill whatever still runs in each network namespace, then delete it.
rp_ns_del() {
	local ns pid
	for ns in "$@"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
}

# rp_topo_destroy: end every process this script started that still runs, and delete the three
# namespaces of rp_topo_create (and with them both veth pairs), so that the run can build
# another topology under the same tag: tools/run-demo.sh shows a single node, then ha_lib.sh's
# pair. The work directory, a bpffs and the DPDK prefixes stay for rp_teardown.
rp_topo_destroy() {
	local pid ns keep=()
	for pid in "${RP_PIDS[@]}"; do
		rp_stop "$pid" TERM 5
	done
	rp_ns_del "$RP_NS_NODE" "$RP_NS_UP" "$RP_NS_DOWN"
	for ns in "${RP_NAMESPACES[@]}"; do
		case $ns in
		"$RP_NS_NODE" | "$RP_NS_UP" | "$RP_NS_DOWN") ;;
		*) keep+=("$ns") ;;
		esac
	done
	RP_NAMESPACES=("${keep[@]}")
	rp_log "topology $RP_TAG removed"
}
