#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A standby fails closed, not open (docs/ha.md, "Fail-safe state"). Two rampartd nodes in
# parallel in l2 active-passive (ha_lib.sh), both with the XDP bypass (watchdog 200 ms) on a bpf
# filesystem of this run's own. Node A (priority 150) is master, B (100) backup.
#
# 1. Both report fail-safe state disconnect: B because it is a standby, A because B is a healthy
#    peer that would take over. An operator's `bypass engage` on B is refused, --force not used.
# 2. kill -9 B: its XDP watchdog latches disconnect (the pinned record says so, set by the
#    watchdog), not bypass: no loop, and the hosts still ping each other through A.
# 3. B restarts: it finds its pinned disconnect, runs again as backup, inline.
# 4. kill -9 A (the master; its links stay up): A's watchdog latches disconnect, B takes over
#    and forwards (once the bridges have relearnt where the hosts are), no loop; B, alone
#    now, says fail-safe bypass.
# 5. kill -9 B, the last node: its watchdog latches bypass, and the hosts still ping each other
#    through B's XDP bypass, with A's wire still cut: one path, no loop.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/ha_lib.sh
. "$(dirname "$0")/ha_lib.sh"

WATCHDOG_MS=200 # ms: two nodes share two CPUs; a spurious expiry re-arms after 2 s

ha_init hf
rp_require_tools bpftool ping timeout
rp_require_daemon
RP_BPFFS=$(mktemp -d "${TMPDIR:-/tmp}/rampart-bpf-$RP_TAG.XXXXXX")
if ! mount -t bpf bpf "$RP_BPFFS" 2>"$RP_TMP/bpffs.err"; then
	rmdir "$RP_BPFFS"
	RP_BPFFS=
	rp_skip "cannot mount a bpf filesystem: $(cat "$RP_TMP/bpffs.err")"
fi
trap rp_byp_cleanup EXIT
ha_rampart_supported || rp_skip "this rampartd has no HA: $(head -3 "$RP_TMP/ha-probe.out")"
ha_topo_create rampart rampart
# A frame the XDP bypass redirects into a veth is taken only by a peer running NAPI (GRO on).
for sw in usw psw; do
	for n in na nb; do
		ip netns exec "$(ha_sw $sw)" ethtool -K "$n" gro on >/dev/null
	done
done

for n in a b; do
	ha_write_rampart_config "$n" "$RP_TMP/$n.conf" bypass=xdp
	sed -i "s|^bypass = .*|bypass = { driver = \"xdp\"; watchdog_ms = $WATCHDOG_MS; pin_path = \"$RP_BPFFS\"; on_start = \"bypass\"; rearm = \"auto\"; rearm_after_s = 2; };|" \
		"$RP_TMP/$n.conf"
done

# byp N EXPR: EXPR of node N's `bypass status`.
byp() {
	ha_ctl "$1" --json bypass status | rp_json "$2"
}

# pinned N FIELD: a field of node N's pinned XDP state record (the daemon may be dead).
pinned() {
	bpftool -j map lookup pinned "$RP_BPFFS/${HA_ID[$1]}/byp_state" key 0 0 0 0 |
		rp_json "d[\"formatted\"][\"value\"][\"$2\"] if \"formatted\" in d else d[\"value\"][\"$2\"]"
}

# wait_pinned N MODE SECONDS: until node N's pinned mode is MODE (0 bypass, 1 inline,
# 2 disconnect).
wait_pinned() {
	local deadline=$((SECONDS + $3)) m
	while :; do
		m=$(pinned "$1" mode 2>/dev/null || echo "?")
		[ "$m" = "$2" ] && return 0
		[ "$SECONDS" -le "$deadline" ] || break
		sleep 0.05
	done
	rp_fail "node $1's pinned mode is $m, not $2, after $3 s"
}

# wait_failsafe N STATE SECONDS
wait_failsafe() {
	local deadline=$((SECONDS + $3)) f
	while :; do
		f=$(byp "$1" 'd["failsafe"]' 2>/dev/null || echo unreachable)
		[ "$f" = "$2" ] && return 0
		[ "$SECONDS" -le "$deadline" ] || break
		sleep 0.1
	done
	rp_fail "node $1's fail-safe state is $f, not $2, after $3 s"
}

# kill9 N: kill -9 node N's daemon, its links left up.
kill9() {
	kill -KILL "${HA_PID[$1]}"
	rp_wait_exit "${HA_PID[$1]}" 5 2>/dev/null
	HA_PID[$1]=
	rm -rf "/var/run/dpdk/rampart-${HA_ID[$1]}"
	rp_log "node $1's rampartd killed -9"
}

pings() {
	rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" 20
}

ha_rampart_start a "$RP_TMP/a.conf"
ha_wait_state a master 10 || rp_fail "A did not become master alone"
ha_rampart_start b "$RP_TMP/b.conf"
ha_wait_state b backup 10 || rp_fail "B is $(ha_node_state b), not backup"

# 1. Fail-safe states.
wait_failsafe b disconnect 15
wait_failsafe a disconnect 15
rp_expect_eq "B's bypass" inline "$(byp b 'd["state"]')"
if out=$(ha_ctl b bypass engage 2>&1); then
	rp_fail "bypass engage on the standby B was accepted: $out"
fi
rp_check "the refusal says why ($out)" grep -q "HA standby" <<<"$out"
rp_expect_eq "B's bypass after the refused engage" inline "$(byp b 'd["state"]')"
rp_expect_eq "pings upstream -> protected through A" 20 "$(pings)"
ha_loop_check

# 2. kill -9 the backup.
kill9 b
wait_pinned b 2 5
rp_expect_eq "B's pinned record set by (1 = the watchdog)" 1 "$(pinned b set_by)"
rp_check "B's watchdog expired" [ "$(pinned b expiries)" -ge 1 ]
ha_loop_check
rp_expect_eq "pings through A with B dead" 20 "$(pings)"

# 3. B restarts: it finds its disconnect and runs as backup again.
mv "${HA_LOG[b]}" "$RP_TMP/rampartd-b-1.log"
ha_rampart_start b "$RP_TMP/b.conf"
rp_check "B found its pinned disconnect" grep -q "found pinned state: disconnect (watchdog)" \
	"${HA_LOG[b]}"
ha_wait_state b backup 10 || rp_fail "B is $(ha_node_state b), not backup, after its restart"
deadline=$((SECONDS + 10))
until [ "$(byp b 'd["state"]')" = inline ]; do
	[ "$SECONDS" -le "$deadline" ] || rp_fail "B's bypass is $(byp b 'd["state"]'), not inline"
	sleep 0.1
done
wait_failsafe a disconnect 15
rp_expect_eq "pings through A with B back" 20 "$(pings)"

# 4. kill -9 the master: it fails closed, B takes over alone and fails open from then on.
kill9 a
wait_pinned a 2 5
rp_expect_eq "A's pinned record set by (1 = the watchdog)" 1 "$(pinned a set_by)"
ha_wait_state b master 5 || rp_fail "B did not take over from the dead A"
wait_failsafe b bypass 5
# The bridges still send each host's frames towards A's ports, where the wire is cut but the
# carrier up (XDP cannot drop the carrier), until they learn otherwise: the hosts' next ARP
# broadcast, flooded through B, teaches them. Flushing the hosts' neighbours makes that now.
ip -n "$RP_NS_UP" neigh flush dev "$RP_HOST_IF"
ip -n "$RP_NS_DOWN" neigh flush dev "$RP_HOST_IF"
ha_loop_check
rp_expect_eq "pings through B with A dead" 20 "$(pings)"

# 5. kill -9 the last node: it fails open, the only path.
kill9 b
wait_pinned b 0 5
rp_expect_eq "B's pinned record set by (1 = the watchdog)" 1 "$(pinned b set_by)"
rp_expect_eq "A's pinned mode, still disconnect" 2 "$(pinned a mode)"
ha_loop_check
rp_expect_eq "pings through B's XDP bypass with both daemons dead" 20 "$(pings)"
rp_log "PASS"
