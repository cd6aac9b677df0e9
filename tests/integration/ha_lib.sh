# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034
#
# HA topology and helpers: two nodes in parallel between the same two hosts, for the HA
# integration tests and tools/bench/failover.sh. Source lib.sh first, then this file, from a
# script that runs `set -euo pipefail`, then call ha_init CODE and ha_topo_create.
#
#                 rp-usw-<tag>                                       rp-psw-<tag>
#                 bridge br0                                         bridge br0
#  rp-up-<tag>   +---------+        rp-na-<tag> (node A)            +---------+   rp-down-<tag>
#  eth0 ---------| host  na|-------- up0 [rampartd] down0 ----------|na   host|--------- eth0
#  198.51.100.1  |         |                ha0 203.0.113.11        |         |   198.51.100.2
#  2001:db8:100::1       nb|-------- up0 [rampartd] down0 ----------|nb       |   2001:db8:100::2
#                +---------+        rp-nb-<tag> (node B)            +---------+
#                                           ha0 203.0.113.12
#                rp-hsw-<tag>: bridge br0 joining both ha0 (ports na, nb): the HA network
#
# Upstream segment, protected segment and HA network are each a Linux bridge in a namespace of
# its own; the port facing node X is called nX on every bridge, so a capture on usw/na shows
# exactly what node A put on the upstream segment, and taking usw/na down is pulling node A's
# upstream cable. Each node namespace holds the node's two DPDK ports (net_af_packet on up0 and
# down0, no address) and its HA interface ha0, a kernel interface for rampartd's UDP peer
# socket.
#
# A node is either "rampart" (as above) or "keepalived": a namespace with one kernel interface
# up0 on the upstream segment (198.51.100.11 for A, .12 for B), where keepalived runs
# (`vrrp_version 3`, multicast adverts), with neither a protected port nor an HA interface.
#
# Both nodes forwarding at once in l2 would make a loop (host -> A -> protected bridge -> B ->
# upstream bridge -> A ...): that is what the backup's standby prevents, and ha_loop_check
# tells whether it does. Bridges run without STP, which would otherwise block the loop itself.
#
# Names: every namespace carries the run's tag (lib.sh's rp_init), so runs never collide, and
# lib.sh's cleanup removes them on every exit path. ha_topo_destroy removes one topology early
# so that a benchmark can build a fresh one per repetition.

HA_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HA_PROBE="$HA_LIBDIR/ha_probe.py"

HA_VRID=51
HA_VIP4=198.51.100.100
HA_VIP6=2001:db8:100::100
HA_SPARE_IP4=198.51.100.99      # nobody owns it: ha_loop_check asks for it
HA_PORT=7410
declare -A HA_ADDR=([a]=203.0.113.11 [b]=203.0.113.12)  # ha0, the HA network
declare -A HA_KA_IP4=([a]=198.51.100.11 [b]=198.51.100.12)  # keepalived nodes' up0
declare -A HA_KA_IP6=([a]=2001:db8:100::11 [b]=2001:db8:100::12)

declare -A HA_NS=()      # node namespace
declare -A HA_KIND=()    # rampart | keepalived | "" (absent)
declare -A HA_PID=()     # the node's daemon (rampartd, or keepalived's parent)
declare -A HA_LOG=()
declare -A HA_SOCK=()    # rampartd's control socket
declare -A HA_ID=()      # rampartd's node.id
declare -A HA_CAP_PID=() # captures by name
declare -A HA_CAP=()     # capture files by name
HA_TOPO_UP=0
HA_PING_PID=

# ha_init CODE: lib.sh's rp_init, plus this topology's names.
ha_init() {
	rp_init "$1"
	HA_NS_USW=rp-usw-$RP_TAG
	HA_NS_PSW=rp-psw-$RP_TAG
	HA_NS_HSW=rp-hsw-$RP_TAG
	HA_NS[a]=rp-na-$RP_TAG
	HA_NS[b]=rp-nb-$RP_TAG
	HA_ID[a]=rp-$RP_TAG-a
	HA_ID[b]=rp-$RP_TAG-b
	HA_SOCK[a]=$RP_TMP/a.sock
	HA_SOCK[b]=$RP_TMP/b.sock
}

# ---------------------------------------------------------------------------------------------
# Topology

# ha_ns_add NS: a namespace of this run, loopback up.
ha_ns_add() {
	ip netns add "$1"
	RP_NAMESPACES+=("$1")
	rp_nsx "$1" ip link set lo up
}

# ha_bridge NS: a bridge br0 without STP, forwarding at once, flooding every multicast group
# (no snooping: VRRP, ARP and ND must reach every port whatever joined what).
ha_bridge() {
	ip -n "$1" link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
	ip -n "$1" link set br0 up
}

# ha_port SW PORT NS IFNAME: a veth from port PORT of bridge SW to IFNAME in namespace NS.
# The bridge end has GRO on: a veth takes frames that XDP redirects into its peer (the
# bypass's devmap) only when the receiving end runs NAPI, which GRO turns on. Its transmit
# offloads are off, so the kernel segments and checksums in software before a frame crosses
# to the node: what an af_packet port reads is a whole frame as it would be on a wire.
ha_port() {
	local sw=$1 port=$2 ns=$3 ifname=$4
	ip -n "$sw" link add "$port" type veth peer name "$ifname" netns "$ns"
	rp_nsx "$sw" ethtool -K "$port" tx off tso off gso off gro on >/dev/null
	ip -n "$sw" link set "$port" master br0 up
}

# ha_host_port SW NS ADDR4 ADDR6: a host namespace's eth0 on bridge SW (port "host").
ha_host_port() {
	local sw=$1 ns=$2
	ha_port "$sw" host "$ns" "$RP_HOST_IF"
	rp_nsx "$ns" ethtool -K "$RP_HOST_IF" tx off tso off gso off gro on >/dev/null
	ip -n "$ns" addr add "$3/24" dev "$RP_HOST_IF"
	ip -n "$ns" addr add "$4/64" dev "$RP_HOST_IF" nodad
	ip -n "$ns" link set "$RP_HOST_IF" up
}

# ha_topo_create KIND_A KIND_B: the topology above. KIND is rampart or keepalived; B may be
# "none" (a single node, for tests that need one).
ha_topo_create() {
	local n kind
	HA_KIND[a]=$1
	HA_KIND[b]=${2:-none}
	[ "${HA_KIND[b]}" != none ] || HA_KIND[b]=
	RP_NS_UP=rp-up-$RP_TAG
	RP_NS_DOWN=rp-down-$RP_TAG
	for n in "$HA_NS_USW" "$HA_NS_PSW" "$HA_NS_HSW"; do
		ha_ns_add "$n"
		rp_ns_sysctls "$n" off
		ha_bridge "$n"
	done
	ha_ns_add "$RP_NS_UP"
	rp_ns_sysctls "$RP_NS_UP"
	ha_ns_add "$RP_NS_DOWN"
	rp_ns_sysctls "$RP_NS_DOWN"
	ha_host_port "$HA_NS_USW" "$RP_NS_UP" "$RP_UP_IP4" "$RP_UP_IP6"
	ha_host_port "$HA_NS_PSW" "$RP_NS_DOWN" "$RP_DOWN_IP4" "$RP_DOWN_IP6"
	for n in a b; do
		kind=${HA_KIND[$n]}
		[ -n "$kind" ] || continue
		ha_ns_add "${HA_NS[$n]}"
		case $kind in
		rampart)
			rp_ns_sysctls "${HA_NS[$n]}" off
			ha_port "$HA_NS_USW" "n$n" "${HA_NS[$n]}" "$RP_NODE_UP_IF"
			ha_port "$HA_NS_PSW" "n$n" "${HA_NS[$n]}" "$RP_NODE_DOWN_IF"
			ha_port "$HA_NS_HSW" "n$n" "${HA_NS[$n]}" ha0
			rp_if_offloads_off "${HA_NS[$n]}" "$RP_NODE_UP_IF"
			rp_if_offloads_off "${HA_NS[$n]}" "$RP_NODE_DOWN_IF"
			ip -n "${HA_NS[$n]}" link set "$RP_NODE_UP_IF" promisc on up
			ip -n "${HA_NS[$n]}" link set "$RP_NODE_DOWN_IF" promisc on up
			ip -n "${HA_NS[$n]}" addr add "${HA_ADDR[$n]}/24" dev ha0
			ip -n "${HA_NS[$n]}" link set ha0 up
			;;
		keepalived)
			rp_ns_sysctls "${HA_NS[$n]}"
			ha_port "$HA_NS_USW" "n$n" "${HA_NS[$n]}" "$RP_NODE_UP_IF"
			rp_if_offloads_off "${HA_NS[$n]}" "$RP_NODE_UP_IF"
			ip -n "${HA_NS[$n]}" addr add "${HA_KA_IP4[$n]}/24" dev "$RP_NODE_UP_IF"
			ip -n "${HA_NS[$n]}" addr add "${HA_KA_IP6[$n]}/64" dev "$RP_NODE_UP_IF" nodad
			ip -n "${HA_NS[$n]}" link set "$RP_NODE_UP_IF" up
			;;
		*)
			rp_fail "ha_topo_create: unknown node kind '$kind' (rampart, keepalived, none)"
			;;
		esac
	done
	HA_TOPO_UP=1
	rp_log "HA topology $RP_TAG: A ${HA_KIND[a]}, B ${HA_KIND[b]:-absent}; bridges $HA_NS_USW (upstream), $HA_NS_PSW (protected), $HA_NS_HSW (HA)"
}

# ha_topo_destroy: end this topology's processes and delete its namespaces, so that
# ha_topo_create can build it again (lib.sh's cleanup does the same at exit).
ha_topo_destroy() {
	local n pid keep=() ns
	[ "$HA_TOPO_UP" = 1 ] || return 0
	ha_ping_stop
	for n in "${!HA_CAP_PID[@]}"; do
		ha_cap_stop "$n" 0
	done
	for n in a b; do
		if [ -n "${HA_PID[$n]:-}" ]; then
			rp_stop "${HA_PID[$n]}" TERM 5
			HA_PID[$n]=
		fi
	done
	rp_ns_del "$HA_NS_USW" "$HA_NS_PSW" "$HA_NS_HSW" "$RP_NS_UP" "$RP_NS_DOWN" \
		"${HA_NS[a]}" "${HA_NS[b]}"
	for ns in "${RP_NAMESPACES[@]}"; do
		case $ns in
		"$HA_NS_USW" | "$HA_NS_PSW" | "$HA_NS_HSW" | "$RP_NS_UP" | "$RP_NS_DOWN" | \
			"${HA_NS[a]}" | "${HA_NS[b]}") ;;
		*) keep+=("$ns") ;;
		esac
	done
	RP_NAMESPACES=("${keep[@]}")
	for n in a b; do
		rm -rf "/var/run/dpdk/rampart-${HA_ID[$n]}"
	done
	HA_TOPO_UP=0
}

# ha_sw NAME: the namespace of segment NAME (usw, psw, hsw).
ha_sw() {
	case $1 in
	usw) echo "$HA_NS_USW" ;;
	psw) echo "$HA_NS_PSW" ;;
	hsw) echo "$HA_NS_HSW" ;;
	*) rp_fail "ha_sw: unknown segment '$1' (usw, psw, hsw)" ;;
	esac
}

# ha_cable SEGMENT NODE up|down: plug or pull node NODE's cable on SEGMENT: the bridge's port
# facing it goes down, so the node's interface loses its carrier.
ha_cable() {
	ip -n "$(ha_sw "$1")" link set "n$2" "$3"
}

# ha_node_links NODE up|down: every interface of node NODE's own namespace (not loopback).
ha_node_links() {
	local ns=${HA_NS[$1]} ifs i
	ifs=$(ip -n "$ns" -o link show | awk -F': ' '$2 != "lo" { sub(/@.*/, "", $2); print $2 }')
	for i in $ifs; do
		printf 'link set dev %s %s\n' "$i" "$2"
	done | ip -n "$ns" -batch -
}

# ha_host_kill NODE: node NODE's host dies: its links go down (all at once), then every process
# in its namespace is killed -9. HA_KILL_T = when (epoch seconds, before the links went down);
# HA_DOWN_T = once they were down (nothing the node sends arrives after it).
ha_host_kill() {
	local n=$1 pid
	HA_KILL_T=$(date +%s.%N)
	ha_node_links "$n" down
	HA_DOWN_T=$(date +%s.%N)
	for pid in $(ip netns pids "${HA_NS[$n]}"); do
		kill -KILL "$pid" 2>/dev/null || true
	done
	if [ -n "${HA_PID[$n]:-}" ]; then
		# (bash reports the job's death on stderr when it reaps it: expected here.)
		rp_wait_exit "${HA_PID[$n]}" 5 2>/dev/null
		[ "$RP_STATUS" != running ] || rp_fail "node $n's daemon survived kill -9"
		HA_PID[$n]=
	fi
	rm -rf "/var/run/dpdk/rampart-${HA_ID[$n]}"
	rp_log "node $n's host killed (links down, kill -9) at $HA_KILL_T"
}

# ha_node_stop NODE [SIGNAL]: stop node NODE's daemon (SIGTERM by default: a clean stop, with
# priority-0 adverts) and wait (bounded, 10 s) until nothing runs in its namespace any more
# (keepalived's VRRP child outlives its parent for a moment). RP_STATUS = the daemon's status.
ha_node_stop() {
	local n=$1 sig=${2:-TERM} i status
	[ -n "${HA_PID[$n]:-}" ] || return 0
	rp_stop "${HA_PID[$n]}" "$sig" 10
	status=$RP_STATUS
	HA_PID[$n]=
	for ((i = 0; i < 100; i++)); do
		[ -z "$(ip netns pids "${HA_NS[$n]}")" ] && break
		sleep 0.1
	done
	[ -z "$(ip netns pids "${HA_NS[$n]}")" ] || rp_fail "processes left in node $n's namespace"
	RP_STATUS=$status
}

# ha_node_revive NODE: after ha_host_kill, links up again (the daemon is started by the caller).
ha_node_revive() {
	ha_node_links "$1" up
	if [ "${HA_KIND[$1]}" = rampart ]; then
		ip -n "${HA_NS[$1]}" link set "$RP_NODE_UP_IF" promisc on
		ip -n "${HA_NS[$1]}" link set "$RP_NODE_DOWN_IF" promisc on
	fi
}

# ha_loop_check: ask once, by broadcast, for an address nobody has; with a forwarding loop
# between the two bridges the request would come back again and again. Fails when 400 frames
# or more reach the upstream host within the next second.
ha_loop_check() {
	local rx0 rx1
	rx0=$(rp_if_stat "$RP_NS_UP" "$RP_HOST_IF" rx_packets)
	rp_nsx "$RP_NS_UP" timeout 5 "$RP_PY" "$HA_PROBE" arp --iface "$RP_HOST_IF" \
		--ip "$HA_SPARE_IP4" --count 1 --timeout 0.1 >/dev/null ||
		rp_fail "ha_loop_check: the ARP probe failed"
	sleep 1
	rx1=$(rp_if_stat "$RP_NS_UP" "$RP_HOST_IF" rx_packets)
	# Two instances advertising every 10 ms make 200 frames a second; a loop, many thousands.
	[ $((rx1 - rx0)) -lt 400 ] ||
		rp_fail "forwarding loop: the upstream host received $((rx1 - rx0)) frames in 1 s after one broadcast"
	rp_log "ok: no forwarding loop ($((rx1 - rx0)) frames at the upstream host in 1 s)"
}

# ---------------------------------------------------------------------------------------------
# VRRP arithmetic (RFC 9568 section 6.1), in milliseconds with centisecond intervals

# ha_skew_ms ADVERT_MS PRIORITY: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256.
ha_skew_ms() {
	awk -v a="$1" -v p="$2" 'BEGIN { printf "%.1f\n", (256 - p) * a / 256 }'
}

# ha_md_ms ADVERT_MS PRIORITY: Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time.
ha_md_ms() {
	awk -v a="$1" -v p="$2" 'BEGIN { printf "%.1f\n", 3 * a + (256 - p) * a / 256 }'
}

# ha_vmac VRID [4|6]: the virtual router MAC (RFC 9568 section 7.3).
ha_vmac() {
	printf '00:00:5e:00:%02x:%02x\n' "$([ "${2:-4}" = 6 ] && echo 2 || echo 1)" "$1"
}

# ---------------------------------------------------------------------------------------------
# rampartd nodes

# ha_rampart_supported: does this rampartd accept an `ha` block? (--check-config on one.)
ha_rampart_supported() {
	local f=$RP_TMP/ha-probe.conf
	ha_write_rampart_config a "$f"
	"$RAMPARTD" --check-config "$f" >"$RP_TMP/ha-probe.out" 2>&1
}


# ha_write_rampart_config NODE FILE [KEY=VALUE...]: node NODE's config, an `ha` block with one
# VRRP instance (VRID 51, upstream side of lp0, VIP 198.51.100.100/24) and, with v6=1, a second
# one for 2001:db8:100::100/64. Keys and their defaults:
#   prio=150 (A) / 100 (B)  adv=100   preempt=true  delay=0      accept=true  csum=rfc
#   primary=true (A) / false (B)      peers=1 (0: no peer, VRRP alone)
#   pc=100 pfail=3 prec=5             flaps=6 window=60          minlinks=1   linkms=100
#   sim=false  notify=""  v6=0  bypass="" (no bypass block; else the driver name)
#   idle=50 (workers.idle_sleep_us)   level=info   ha=1 (0: no ha block, a standalone node)
# accept defaults to true here (the daemon's default is false) because the tests and the
# benchmark ping the VIP: RFC 9568 lets a non-owner master answer only in Accept_Mode. Two
# nodes share the two CPUs, so the workers sleep when idle (idle_sleep_us) rather than spin.
ha_write_rampart_config() {
	local node=$1 file=$2 kv other
	local prio adv=100 preempt=true delay=0 accept=true csum=rfc primary peers=1 pc=100
	local pfail=3 prec=5 flaps=6 window=60 minlinks=1 linkms=100 sim=false notify="" v6=0
	local bypass="" idle=50 level=info ha=1 peer_block vrrp6="" extra=""
	shift 2
	other=$([ "$node" = a ] && echo b || echo a)
	if [ "$node" = a ]; then prio=150 primary=true; else prio=100 primary=false; fi
	for kv in "$@"; do
		case ${kv%%=*} in
		prio | adv | preempt | delay | accept | csum | primary | peers | pc | pfail | prec | \
			flaps | window | minlinks | linkms | sim | notify | v6 | bypass | idle | level | ha)
			printf -v "${kv%%=*}" '%s' "${kv#*=}"
			;;
		*) rp_fail "ha_write_rampart_config: unknown key '${kv%%=*}'" ;;
		esac
	done
	if [ "$peers" = 1 ]; then
		peer_block="( { id = \"${HA_ID[$other]}\"; address = \"${HA_ADDR[$other]}\"; } )"
	else
		peer_block="()"
	fi
	if [ "$v6" = 1 ]; then
		vrrp6=",
    { vrid = $HA_VRID; link_pair = \"lp0\"; side = \"upstream\"; priority = $prio;
      advert_interval_ms = $adv; preempt = $preempt; preempt_delay_s = $delay;
      accept = $accept; version = 3; checksum = \"$csum\"; vips = [ \"$HA_VIP6/64\" ]; }"
	fi
	[ -z "$notify" ] || extra="  notify = \"$notify\";
"
	cat >"$file" <<EOF
# Generated by $RP_NAME for run $RP_TAG, node $node.
node = { id = "${HA_ID[$node]}"; stack = "ha-test"; };
dpdk = { lcores = "0-1"; memory_mb = 256; hugepages = false; extra_args = []; };
ports = (
  { name = "$RP_NODE_UP_IF";   device = "net_af_packet0,iface=$RP_NODE_UP_IF"; },
  { name = "$RP_NODE_DOWN_IF"; device = "net_af_packet1,iface=$RP_NODE_DOWN_IF"; }
);
link_pairs = ( { name = "lp0"; upstream = "$RP_NODE_UP_IF"; protected = "$RP_NODE_DOWN_IF"; } );
workers = { lcores = [1]; burst = 32; idle_sleep_us = $idle; };
control = { socket = "${HA_SOCK[$node]}"; socket_mode = "0660"; };
log = { level = "$level"; };
EOF
	if [ "$ha" = 1 ]; then
		cat >>"$file" <<EOF
ha = {
  mode = "active-passive";
  primary = $primary;
  address = "${HA_ADDR[$node]}";
  port = $HA_PORT;
  peers = $peer_block;
  peer_check_interval_ms = $pc;
  peer_failure_threshold = $pfail;
  peer_recovery_threshold = $prec;
  max_flaps = $flaps; flap_window_s = $window;
  bandwidth = { enabled = false; min_bps = 1024; interval_s = 10; };
  link_monitor_interval_ms = $linkms;
  min_active_links = $minlinks;
  allow_simulation = $sim;
$extra  vrrp = (
    { vrid = $HA_VRID; link_pair = "lp0"; side = "upstream"; priority = $prio;
      advert_interval_ms = $adv; preempt = $preempt; preempt_delay_s = $delay;
      accept = $accept; version = 3; checksum = "$csum"; vips = [ "$HA_VIP4/24" ]; }$vrrp6
  );
};
EOF
	fi
	if [ -n "$bypass" ]; then
		cat >>"$file" <<EOF
bypass = { driver = "$bypass"; on_start = "inline"; rearm = "manual"; };
EOF
	fi
}

# ha_ctl NODE ARGS...: rampartctl against node NODE.
ha_ctl() {
	local n=$1
	shift
	"$RAMPARTCTL" -s "${HA_SOCK[$n]}" "$@"
}

# ha_rampart_start NODE CONFIG [SECONDS]: start rampartd in node NODE's namespace and wait
# (bounded, default 30 s) until its control socket answers. Sets HA_PID[NODE], HA_LOG[NODE].
ha_rampart_start() {
	local n=$1 conf=$2 limit=${3:-30} deadline
	HA_LOG[$n]=$RP_TMP/rampartd-$n.log
	RP_PREFIXES+=("rampart-${HA_ID[$n]}")
	rm -f "${HA_SOCK[$n]}"
	rp_bg "${HA_LOG[$n]}" "${HA_NS[$n]}" "$RAMPARTD" -c "$conf"
	HA_PID[$n]=$RP_LAST_PID
	deadline=$((SECONDS + limit))
	while [ "$SECONDS" -le "$deadline" ]; do
		if ! rp_alive "${HA_PID[$n]}"; then
			rp_wait_exit "${HA_PID[$n]}" 1
			rp_fail "rampartd of node $n exited during start-up (status $RP_STATUS)"
		fi
		if [ -S "${HA_SOCK[$n]}" ] && ha_ctl "$n" status >/dev/null 2>&1; then
			rp_log "node $n: rampartd up (pid ${HA_PID[$n]})"
			return 0
		fi
		sleep 0.2
	done
	rp_fail "rampartd of node $n did not answer on ${HA_SOCK[$n]} within ${limit}s"
}

# ha_rampart_state NODE [FAMILY]: the state of node NODE's VRID 51 instance of FAMILY (ipv4)
# from `rampartctl --json ha status`: init, backup or master ("" when unreadable).
ha_rampart_state() {
	ha_ctl "$1" --json ha status 2>/dev/null | rp_json \
		"[i['state'] for i in d['instances'] if i['vrid'] == $HA_VRID and i['family'] == '${2:-ipv4}'][0]" \
		2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------
# keepalived nodes

# ha_write_keepalived_config NODE FILE [KEY=VALUE...]: keepalived.conf for node NODE: VRRPv3,
# VRID 51 on up0, VIP 198.51.100.100/24, multicast adverts (no unicast peers); with v6=1 a
# second instance for 2001:db8:100::100/64. Keys and their defaults:
#   prio=150 (A) / 100 (B)  adv=100 (ms)  preempt=true  delay=0  state=BACKUP
# keepalived takes advert_int in seconds; 10 ms is "0.01" (VRRPv3 counts centiseconds).
ha_write_keepalived_config() {
	local node=$1 file=$2 kv prio adv=100 preempt=true delay=0 state=BACKUP v6=0 pre="" secs
	shift 2
	if [ "$node" = a ]; then prio=150; else prio=100; fi
	for kv in "$@"; do
		case ${kv%%=*} in
		prio | adv | preempt | delay | state | v6) printf -v "${kv%%=*}" '%s' "${kv#*=}" ;;
		*) rp_fail "ha_write_keepalived_config: unknown key '${kv%%=*}'" ;;
		esac
	done
	secs=$(awk -v a="$adv" 'BEGIN { printf "%g", a / 1000 }')
	if [ "$preempt" != true ]; then
		pre="nopreempt"
		state=BACKUP # keepalived honours nopreempt only from BACKUP
	elif [ "$delay" != 0 ]; then
		pre="preempt_delay $delay"
	fi
	{
		cat <<EOF
# Generated by $RP_NAME for run $RP_TAG, node $node.
global_defs {
	router_id ${HA_ID[$node]}
	vrrp_version 3
	enable_script_security
}
vrrp_instance vrid${HA_VRID}_ipv4 {
	state $state
	interface $RP_NODE_UP_IF
	virtual_router_id $HA_VRID
	priority $prio
	advert_int $secs
	$pre
	virtual_ipaddress {
		$HA_VIP4/24
	}
}
EOF
		if [ "$v6" = 1 ]; then
			cat <<EOF
vrrp_instance vrid${HA_VRID}_ipv6 {
	state $state
	interface $RP_NODE_UP_IF
	virtual_router_id $HA_VRID
	priority $prio
	advert_int $secs
	$pre
	virtual_ipaddress {
		$HA_VIP6/64
	}
}
EOF
		fi
	} >"$file"
}

# ha_keepalived_start NODE CONFIG: keepalived in node NODE's namespace, in the foreground
# (-n), VRRP only (-P), logging to its log file (-l -D, no syslog -G), with its pid files in
# the work directory. Waits (bounded, 10 s) until every instance has entered a state.
# Sets HA_PID[NODE] (keepalived's parent; its VRRP child lives in the same namespace).
ha_keepalived_start() {
	local n=$1 conf=$2 want i d=$RP_TMP/ka-$1
	mkdir -p "$d"
	HA_LOG[$n]=$RP_TMP/keepalived-$n.log
	rp_nsx "${HA_NS[$n]}" keepalived -t -f "$conf" >"$d/config-test.log" 2>&1 ||
		rp_fail "keepalived refuses $conf: $(tail -3 "$d/config-test.log")"
	rp_bg "${HA_LOG[$n]}" "${HA_NS[$n]}" keepalived -n -l -D -G -P -R -f "$conf" \
		-p "$d/keepalived.pid" -r "$d/vrrp.pid" -c "$d/checkers.pid" -b "$d/bfd.pid"
	HA_PID[$n]=$RP_LAST_PID
	want=$(grep -c '^vrrp_instance' "$conf")
	for ((i = 0; i < 100; i++)); do
		rp_alive "${HA_PID[$n]}" || rp_fail "keepalived of node $n exited: $(tail -5 "${HA_LOG[$n]}")"
		[ "$(grep -c 'Entering \(BACKUP\|MASTER\|FAULT\) STATE' "${HA_LOG[$n]}")" -ge "$want" ] &&
			break
		sleep 0.1
	done
	rp_log "node $n: keepalived up (pid ${HA_PID[$n]})"
}

# ha_keepalived_state NODE [FAMILY]: MASTER, BACKUP or FAULT, the last state keepalived logged
# for its instance of FAMILY (ipv4), in lower case like rampartd's.
ha_keepalived_state() {
	sed -n "s/.*(vrid${HA_VRID}_${2:-ipv4}) Entering \([A-Z]*\) STATE.*/\1/p" "${HA_LOG[$1]}" |
		tail -1 | tr '[:upper:]' '[:lower:]'
}

# ha_node_state NODE [FAMILY]: master, backup, init... whatever the node's kind.
ha_node_state() {
	case ${HA_KIND[$1]} in
	rampart) ha_rampart_state "$@" ;;
	keepalived) ha_keepalived_state "$@" ;;
	esac
}

# ha_wait_state NODE STATE SECONDS [FAMILY]: wait (bounded) until node NODE's instance is in
# STATE; 1 if it never was.
ha_wait_state() {
	local n=$1 want=$2 limit=$3 fam=${4:-ipv4} deadline
	deadline=$(($(date +%s%N) + ${limit%.*} * 1000000000))
	while [ "$(date +%s%N)" -le "$deadline" ]; do
		[ "$(ha_node_state "$n" "$fam")" = "$want" ] && return 0
		sleep 0.05
	done
	return 1
}

# ---------------------------------------------------------------------------------------------
# Watching the wire

# ha_cap_start NAME SEGMENT PORT [FILTER]: capture what arrives at bridge SEGMENT (usw, psw,
# hsw) through port PORT (host, na, nb), that is what the device behind that port sent, into
# $RP_TMP/NAME.pcap (HA_CAP[NAME]). Returns once tcpdump listens.
ha_cap_start() {
	local name=$1 ns port=$3 log i
	ns=$(ha_sw "$2")
	shift 3
	HA_CAP[$name]=$RP_TMP/$name.pcap
	log=$RP_TMP/$name-tcpdump.log
	rm -f "${HA_CAP[$name]}"
	rp_bg "$log" "$ns" tcpdump -i "$port" -Q in -n -s 256 -B 8192 -U --immediate-mode -Z root \
		-w "${HA_CAP[$name]}" "$@"
	HA_CAP_PID[$name]=$RP_LAST_PID
	for ((i = 0; i < 100; i++)); do
		grep -qs 'listening on' "$log" && return 0
		rp_alive "${HA_CAP_PID[$name]}" || rp_fail "tcpdump $name exited: $(cat "$log")"
		sleep 0.05
	done
	rp_fail "tcpdump $name did not start within 5s"
}

# ha_cap_stop NAME [CHECK]: stop capture NAME; unless CHECK is 0, fail when the kernel dropped
# frames meant for it.
ha_cap_stop() {
	local name=$1 check=${2:-1} log=$RP_TMP/$1-tcpdump.log dropped
	[ -n "${HA_CAP_PID[$name]:-}" ] || return 0
	sleep 0.1 # what is queued reaches the file (-U) before tcpdump goes
	rp_stop "${HA_CAP_PID[$name]}" INT 5
	unset "HA_CAP_PID[$name]"
	[ "$check" = 1 ] || return 0
	dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$log")
	[ -n "$dropped" ] || rp_fail "tcpdump $name ended without its counts: $(cat "$log")"
	[ "$dropped" = 0 ] || rp_fail "capture $name lost $dropped frames"
}

# ha_pcap NAME: the capture's frames classified (ha_probe.py pcap) into $RP_TMP/NAME.json;
# prints the file name.
ha_pcap() {
	local out=$RP_TMP/$1.json
	"$RP_PY" "$HA_PROBE" pcap --pcap "${HA_CAP[$1]}" --vip "$HA_VIP4" --vip "$HA_VIP6" >"$out" ||
		rp_fail "ha_probe.py pcap ${HA_CAP[$1]} failed"
	echo "$out"
}

# ha_vip_owner [4|6]: who answers ARP (or ND) for the VIP on the upstream segment. Asks from the
# upstream host while capturing at both node ports. HA_OWNER = the letters of the nodes whose
# port carried an answer ("a", "b", "a b", or "" for nobody); HA_ARP_MACS = the MACs the
# answers gave for the VIP, as the upstream host saw them. (Variables, not output: a $(...)
# subshell would lose them.)
ha_vip_owner() {
	local fam=${1:-4} vip n owners="" f filt
	if [ "$fam" = 6 ]; then
		vip=$HA_VIP6
		filt="icmp6 and ip6[40] = 136"
	else
		vip=$HA_VIP4
		filt="arp"
	fi
	for n in a b; do
		[ -n "${HA_KIND[$n]}" ] && ha_cap_start "owner-$n" usw "n$n" "$filt"
	done
	rp_nsx "$RP_NS_UP" timeout 10 "$RP_PY" "$HA_PROBE" arp --iface "$RP_HOST_IF" --ip "$vip" \
		--src6 "$RP_UP_IP6" --count 3 --interval 0.1 --timeout 0.3 >"$RP_TMP/owner-arp.json" ||
		rp_fail "ha_probe.py arp failed"
	HA_ARP_MACS=$(rp_json '" ".join(d["macs"])' <"$RP_TMP/owner-arp.json")
	for n in a b; do
		[ -n "${HA_KIND[$n]}" ] || continue
		ha_cap_stop "owner-$n"
		f=$(ha_pcap "owner-$n")
		if [ "$(rp_json "len(d['arp_replies'])" <"$f")" -gt 0 ]; then
			owners="${owners:+$owners }$n"
		fi
	done
	HA_OWNER=$owners
}

# ha_wait_owner OWNER SECONDS [4|6]: wait (bounded) until ha_vip_owner says OWNER.
ha_wait_owner() {
	local want=$1 limit=$2 fam=${3:-4} deadline
	deadline=$((SECONDS + limit))
	while :; do
		ha_vip_owner "$fam"
		[ "$HA_OWNER" = "$want" ] && return 0
		[ "$SECONDS" -lt "$deadline" ] || break
		sleep 0.2
	done
	rp_log "VIP owner: '$HA_OWNER', wanted '$want'"
	return 1
}

# ha_node_mac NODE: the MAC of node NODE's up0 (a keepalived node answers for the VIP with it).
ha_node_mac() {
	ip -n "${HA_NS[$1]}" -o link show "$RP_NODE_UP_IF" |
		sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

# ---------------------------------------------------------------------------------------------
# Failover measurement: a host pings the VIP every 5 ms

HA_PING_INTERVAL=0.005

# ha_ping_start SECONDS [ADDR]: the upstream host pings ADDR (the VIP) every 5 ms for at most
# SECONDS, printing each reply with its arrival time (ping -D) into HA_PING_LOG.
ha_ping_start() {
	local secs=$1 dst=${2:-$HA_VIP4}
	HA_PING_LOG=$RP_TMP/ping-$RANDOM.log
	rp_bg "$HA_PING_LOG" "$RP_NS_UP" ping -D -n -i "$HA_PING_INTERVAL" -W 1 -w "$secs" "$dst"
	HA_PING_PID=$RP_LAST_PID
}

# ha_ping_stop: stop the pinging (SIGINT: ping prints its summary and exits).
ha_ping_stop() {
	[ -n "$HA_PING_PID" ] || return 0
	HA_PING_END=$(date +%s.%N)
	rp_stop "$HA_PING_PID" INT 5
	HA_PING_PID=
}

# ha_ping_replies: replies so far in HA_PING_LOG.
ha_ping_replies() {
	local n
	n=$(grep -c 'bytes from' "$HA_PING_LOG" 2>/dev/null) || true
	echo "${n:-0}"
}

# ha_failover_measure NODE AFTER_S: with the VIP answering, kill node NODE's host (links down,
# kill -9) while the upstream host pings the VIP every 5 ms; AFTER_S seconds later stop and
# compute the gaps. HA_GAP_JSON = ha_probe.py gap's document; HA_GAP_MS = the failover's gap in
# ms, the one that spans the moment the node's links were down: from the last reply before it
# to the first after it ("" when the VIP never answered again).
ha_failover_measure() {
	local n=$1 after=$2 i
	ha_ping_start $((after + 10))
	for ((i = 0; i < 100; i++)); do
		[ "$(ha_ping_replies)" -ge 100 ] && break
		rp_alive "$HA_PING_PID" || rp_fail "ping exited: $(tail -3 "$HA_PING_LOG")"
		sleep 0.05
	done
	[ "$(ha_ping_replies)" -ge 100 ] ||
		rp_fail "the VIP answered $(ha_ping_replies) pings in 5 s before the kill"
	ha_host_kill "$n"
	sleep "$after"
	ha_ping_stop
	HA_GAP_JSON=$("$RP_PY" "$HA_PROBE" gap --log "$HA_PING_LOG" --kill "$HA_KILL_T" \
		--down "$HA_DOWN_T" --end "$HA_PING_END") || rp_fail "ha_probe.py gap failed"
	if [ "$(printf '%s' "$HA_GAP_JSON" | rp_json 'd["recovered"]')" = true ]; then
		HA_GAP_MS=$(printf '%s' "$HA_GAP_JSON" | rp_json 'd["kill_gap_ms"]')
	else
		HA_GAP_MS=
	fi
	rp_log "failover gap: ${HA_GAP_MS:-never recovered} ms ($HA_GAP_JSON)"
}

# ha_failover_captured NODE AFTER_S FILTER_A FILTER_B: ha_failover_measure NODE AFTER_S while
# capturing what nodes a and b put on the upstream segment (tcpdump filters FILTER_A and
# FILTER_B). HA_FO_A and HA_FO_B = the ha_probe.py pcap documents of the two captures.
ha_failover_captured() {
	ha_cap_start fo-a usw na "$3"
	ha_cap_start fo-b usw nb "$4"
	ha_failover_measure "$1" "$2"
	ha_cap_stop fo-a
	ha_cap_stop fo-b
	HA_FO_A=$(ha_pcap fo-a)
	HA_FO_B=$(ha_pcap fo-b)
}

# ---------------------------------------------------------------------------------------------
# A run that began with lib.sh's single node

# ha_names: what ha_init sets, for a script that has already called rp_init (tools/run-demo.sh
# shows a single node first, under the same tag). The host namespaces of ha_topo_create take
# the single node's names, so rp_topo_destroy must have removed that topology first.
ha_names() {
	HA_NS_USW=rp-usw-$RP_TAG
	HA_NS_PSW=rp-psw-$RP_TAG
	HA_NS_HSW=rp-hsw-$RP_TAG
	HA_NS[a]=rp-na-$RP_TAG
	HA_NS[b]=rp-nb-$RP_TAG
	HA_ID[a]=rp-$RP_TAG-a
	HA_ID[b]=rp-$RP_TAG-b
	HA_SOCK[a]=$RP_TMP/a.sock
	HA_SOCK[b]=$RP_TMP/b.sock
}
