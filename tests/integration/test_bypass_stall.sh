#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A wedged worker in a live process fails open. With the test-only fault hooks on
# (RAMPART_FAULT_HOOKS=1), one worker is made to stop making progress for two seconds while
# the rest of rampartd runs: the heartbeat thread withholds the heartbeat (that worker's loop
# counter stands still), the XDP program latches bypass within watchdog_ms, the paced flow
# keeps arriving. While the worker is stuck the node is unhealthy and `bypass clear` is
# refused; once it runs again, clear puts the wire back inline (rearm = manual).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

WATCHDOG_MS=$RP_BYP_WATCHDOG_MS
# Unlike a dead process, a stuck worker still gets fed for a while: the heartbeat thread
# withholds only once a whole period (watchdog / 4) has passed since the test that last saw
# the worker move, and when that test ran late the next, on time, comes less than a period
# after it and feeds again. So the last feed can go out up to two periods after the stall
# began (docs/bypass.md, "What to expect").
MARGIN_MS=$((WATCHDOG_MS / 2 + RP_BYP_MARGIN_MS))
STALL_MS=2000

rp_byp_init bw
rp_require_daemon
rp_byp_topo
rp_byp_write_config "$RP_TMP/node.conf" "$WATCHDOG_MS" "" 'rearm = "manual";'
scenario() {
	local reply withheld0 t_stall t_reply rc msg
	export RAMPART_FAULT_HOOKS=1
	rp_daemon_start "$RP_TMP/node.conf"
	unset RAMPART_FAULT_HOOKS
	rp_byp_wait_state inline 15

	reply=$(rp_ctl_raw fault.worker-stall '{"worker": 0, "ms": 0}')
	# rp_json gives a successful reply's data, a failed one whole.
	rp_expect_eq "a zero stall is accepted" 0 "$(printf '%s' "$reply" | rp_json 'd["ms"]')"
	rp_expect_eq "a bad worker is refused" false \
		"$(rp_ctl_raw fault.worker-stall '{"worker": 99, "ms": 10}' | rp_json 'd["ok"]')"

	rp_flow_start 5601 10000 6
	sleep 1
	if rp_byp_spurious 0; then
		return 0
	fi
	withheld0=$(rp_byp_status 'd["heartbeat"]["withheld"]')
	# The worker stops somewhere between the request and its reply (rampartctl itself may take
	# a while on a loaded machine): the stall's gap is looked for in that window.
	t_stall=$(rp_now)
	reply=$(rp_ctl_raw fault.worker-stall "{\"worker\": 0, \"ms\": $STALL_MS}")
	t_reply=$(rp_now)
	rp_expect_eq "stall accepted" "$STALL_MS" "$(printf '%s' "$reply" | rp_json 'd["ms"]')"
	sleep 0.5
	if rp_byp_latched_before "worker stall" "$t_stall"; then
		return 0
	fi
	# Still withheld: the pinned record holds the last feed and the program's latch.
	rp_log "stall asked for in $("$RP_PY" -c "print('%.1f' % (($t_reply - $t_stall) * 1000))") ms; the last heartbeat went out $("$RP_PY" -c "print('%.1f' % (($(rp_mono_to_real "$(rp_byp_pinned heartbeat_ns)") - $t_stall) * 1000))") ms after the request, the program latched $("$RP_PY" -c "print('%.1f' % (($(rp_byp_pinned latched_ns) - $(rp_byp_pinned heartbeat_ns)) / 1e6))") ms after that"
	rp_check "rampartd lives on" rp_alive "$RP_DAEMON_PID"
	rp_expect_eq "bypass latched by the watchdog" bypass "$(rp_byp_status 'd["state"]')"
	rp_expect_eq "reason" watchdog "$(rp_byp_status 'd["reason"]')"
	rp_expect_eq "healthy while the worker is stuck" false "$(rp_byp_status 'd["healthy"]')"
	rp_check "the heartbeat was withheld" \
		[ "$(rp_byp_status 'd["heartbeat"]["withheld"]')" -gt "$withheld0" ]
	rc=0
	msg=$(rp_ctl bypass clear 2>&1) || rc=$?
	rp_expect_eq "bypass clear while unhealthy: exit" 1 "$rc"
	rp_check "the refusal says why: $msg" grep -q "not healthy (worker on lcore 1 makes no progress)" <<<"$msg"
	rp_expect_eq "still bypass" bypass "$(rp_byp_status 'd["state"]')"

	# The worker runs again: healthy, and manual re-arm waits for the operator.
	sleep $((STALL_MS / 1000))
	rp_expect_eq "healthy once the worker runs" true "$(rp_byp_status 'd["healthy"]')"
	rp_expect_eq "still bypass (manual)" bypass "$(rp_byp_status 'd["state"]')"
	rp_ctl bypass clear >/dev/null || rp_fail "bypass clear failed once healthy"
	rp_byp_wait_state inline 2
	rp_flow_wait
	rp_check "the stall shows as a gap of its own ($(rp_flow_gap_at "$t_stall" "$t_reply") ms)" \
		"$RP_PY" -c "import sys; sys.exit(0 if $(rp_flow_gap_at "$t_stall" "$t_reply") > 1 else 1)"
	rp_flow_gap_check "stalled worker" "$t_stall" "$t_reply" $((WATCHDOG_MS + MARGIN_MS))
	rp_check "fault hook logged" grep -q "fault hook: worker 0 stalls for $STALL_MS ms" "$RP_DAEMON_LOG"
}

rp_byp_attempts scenario
rp_log "PASS"
