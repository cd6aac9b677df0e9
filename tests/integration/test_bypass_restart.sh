#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A restart keeps the wire up and brings the policy back. With a policy that drops an attack
# (UDP to port 6000): inline, the attack is dropped; after kill -9 the XDP bypass wires the
# attack through with everything else; a new rampartd finds the pinned maps and the program
# (the watchdog's expiry shows in its history), stays in bypass while it starts, goes inline
# when ready, and the attack is dropped again. A legitimate flow runs through all of it: the
# crash cuts it for less than the watchdog plus a margin, the restart not at all.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

WATCHDOG_MS=$RP_BYP_WATCHDOG_MS
MARGIN_MS=$RP_BYP_MARGIN_MS
ATTACK_PORT=6000
ATTACK_N=500

rp_byp_init br
rp_require_daemon
rp_byp_topo
cat >"$RP_TMP/attack.policy" <<EOF
rules = (
  { name = "attack"; proto = "udp"; dst_port = $ATTACK_PORT; action = "drop"; }
);
EOF
rp_byp_write_config "$RP_TMP/node.conf" "$WATCHDOG_MS" "$RP_TMP/attack.policy" \
	'rearm = "manual";'

# attack: ATTACK_N datagrams to the attack port; prints how many the protected host got.
attack() {
	local out=$RP_TMP/attack.$1.json ready=$RP_TMP/attack-ready.$1 pid i
	rm -f "$ready"
	rp_bg "$out" "$RP_NS_DOWN" "$FLOWGAP" recv --port "$ATTACK_PORT" --seconds 4 \
		--ready "$ready"
	pid=$RP_LAST_PID
	for ((i = 0; i < 50; i++)); do
		[ -e "$ready" ] && break
		sleep 0.1
	done
	rp_nsx "$RP_NS_UP" "$FLOWGAP" send --dst "$RP_DOWN_IP4" --port "$ATTACK_PORT" \
		--rate 2000 --seconds $("$RP_PY" -c "print($ATTACK_N / 2000)") >/dev/null
	rp_wait_exit "$pid" 10
	rp_json 'd["received"]' <"$out"
}

rule_drops() {
	rp_ctl --json rules attack | rp_json 'd["rules"][0]["dropped"]'
}

scenario() {
	local got t_kill t_start t_inline doc
	rp_daemon_start "$RP_TMP/node.conf"
	rp_byp_wait_state inline 15
	rp_flow_start 5401 10000 12
	sleep 0.5
	got=$(attack inline)
	if rp_byp_spurious 0; then
		return 0
	fi
	rp_expect_eq "attack datagrams through the node inline" 0 "$got"
	rp_check "the attack rule dropped them" [ "$(rule_drops)" -ge "$ATTACK_N" ]

	t_kill=$(rp_now)
	kill -KILL "$RP_DAEMON_PID"
	rp_wait_exit "$RP_DAEMON_PID" 10
	if rp_byp_latched_before kill "$t_kill"; then
		return 0
	fi
	sleep 0.5
	rp_expect_eq "pinned mode after kill -9 (0 = bypass)" 0 "$(rp_byp_pinned mode)"
	got=$(attack bypassed)
	rp_log "in bypass the attack passes: $got of $ATTACK_N"
	rp_check "the attack passes the bypass, uninspected ($got of $ATTACK_N)" \
		[ "$got" -ge $((ATTACK_N * 95 / 100)) ]

	# Restart. The old runtime directory and control socket are left by the dead process.
	mv "$RP_TMP/rampartd.log" "$RP_TMP/rampartd-crashed.log"
	t_start=$(rp_now)
	rp_daemon_start "$RP_TMP/node.conf"
	rp_check "the new daemon found the pinned state left by the watchdog" \
		grep -q "found pinned state: bypass (watchdog)" "$RP_DAEMON_LOG"
	rp_byp_wait_state inline 15
	t_inline=$(rp_now)
	# One look at the history; a stall of the machine that failed the new daemon open already
	# shows in it, and voids the attempt.
	doc=$(rp_byp_status)
	if [ "$(printf '%s' "$doc" | rp_json 'd["engages"]["watchdog"]')" -gt 0 ] && rp_byp_spurious 0; then
		return 0
	fi
	rp_expect_eq "history, newest first: ready, start-up, the inherited watchdog" \
		"ready engage:start-up watchdog:watchdog" \
		"$(printf '%s' "$doc" | rp_json '" ".join(h["event"] + (":" + h["reason"] if h["event"] != "ready" else "") for h in d["history"][:3])')"
	rp_check "the inherited watchdog is dated at the crash, not at the restart" \
		"$RP_PY" -c "import sys; sys.exit(0 if $(printf '%s' "$doc" | rp_json 'd["history"][2]["ago_s"]') > $(rp_now) - $t_start else 1)"
	sleep 0.5
	got=$(attack rearmed)
	if rp_byp_spurious 0; then
		return 0
	fi
	rp_expect_eq "attack datagrams through the node after re-arm" 0 "$got"
	rp_check "the restarted daemon's rule dropped them" [ "$(rule_drops)" -ge "$ATTACK_N" ]

	rp_flow_wait
	rp_check "the crash shows as a gap of its own ($(rp_flow_gap_at "$t_kill") ms)" \
		"$RP_PY" -c "import sys; sys.exit(0 if $(rp_flow_gap_at "$t_kill") > 1 else 1)"
	rp_flow_gap_check "legitimate flow, the crash" "$t_kill" $((WATCHDOG_MS + MARGIN_MS))
	rp_check "legitimate flow, the crash lost datagrams ($(rp_flow_lost_at "$t_kill"))" \
		[ "$(rp_flow_lost_at "$t_kill")" -gt 0 ]
	rp_flow_nothing_lost "legitimate flow, the restart until inline" "$t_start" "$t_inline"
	rp_log "longest gaps: $(rp_flow_field "', '.join('%.1f ms at %+.3f s' % (g['ms'], g['from'] - $t_kill) for g in d['gaps'][:4])") from the kill; restart at +$("$RP_PY" -c "print('%.3f' % ($t_start - $t_kill))") s, inline at +$("$RP_PY" -c "print('%.3f' % ($t_inline - $t_kill))") s"
}

rp_byp_attempts scenario
rp_log "PASS"
