#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A hung daemon fails open, and comes back per the re-arm policy. rampartd is frozen with
# SIGSTOP under a paced flow: the XDP program's watchdog wires upstream to protected within
# watchdog_ms. After SIGCONT the daemon learns that the watchdog fired (history, reason), and:
#   rearm = "manual": stays in bypass until `rampartctl bypass clear`, then goes inline;
#   rearm = "auto":   goes inline by itself once health has been stable for rearm_after_s.
# The freeze cuts the flow for less than watchdog_ms plus a margin; neither its end nor the
# re-arm cuts it at all.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

WATCHDOG_MS=$RP_BYP_WATCHDOG_MS
MARGIN_MS=$RP_BYP_MARGIN_MS
RATE=10000
# Each scenario's flow outlasts its steps (about 6 s, more on a loaded machine), so that the
# last checks still see it flowing.
FLOW_S=10

rp_byp_init bs
rp_require_daemon
rp_byp_topo

# dataplane_rx: frames up0 has received, as the dataplane counts them.
dataplane_rx() {
	rp_port_stat up0 rx_packets
}

# ---- manual re-arm -------------------------------------------------------------------------
rp_byp_write_config "$RP_TMP/manual.conf" "$WATCHDOG_MS" "" 'rearm = "manual";'
manual() {
	local t_stop t_cont t_clear rx0 out
	rp_daemon_start "$RP_TMP/manual.conf"
	rp_byp_wait_state inline 15
	rp_flow_start 5301 "$RATE" "$FLOW_S"
	sleep 1
	if rp_byp_spurious 0; then
		return 0
	fi
	t_stop=$(rp_now)
	kill -STOP "$RP_DAEMON_PID"
	sleep 1.5
	if rp_byp_latched_before SIGSTOP "$t_stop"; then
		return 0
	fi
	rp_check "rampartd is alive while frozen" rp_alive "$RP_DAEMON_PID"
	rp_expect_eq "pinned mode while frozen (0 = bypass)" 0 "$(rp_byp_pinned mode)"
	rp_expect_eq "pinned set_by while frozen (1 = watchdog)" 1 "$(rp_byp_pinned set_by)"
	t_cont=$(rp_now)
	kill -CONT "$RP_DAEMON_PID"
	sleep 0.5
	rp_byp_wait_state bypass 5
	rp_expect_eq "reason after SIGCONT" watchdog "$(rp_byp_status 'd["reason"]')"
	rp_expect_eq "newest history event" watchdog "$(rp_byp_status 'd["history"][0]["event"]')"
	rp_expect_eq "watchdog engages counted" 1 "$(rp_byp_status 'd["engages"]["watchdog"]')"
	rp_check "the expiry is logged with the freeze the heartbeat thread saw (over 1 s late)" \
		grep -Eq 'engaged \(watchdog\).*heartbeat thread stalls [1-9][0-9]* \(up to [0-9]{4,}\.[0-9] ms late\), beats withheld [0-9]+' \
		"$RP_DAEMON_LOG"
	# Healthy again, but manual: it holds.
	sleep 1.5
	rp_expect_eq "still in bypass 2 s after SIGCONT (manual)" bypass "$(rp_byp_status 'd["state"]')"
	rp_expect_eq "healthy after SIGCONT" true "$(rp_byp_status 'd["healthy"]')"
	rx0=$(dataplane_rx)
	sleep 0.3
	rp_expect_eq "the dataplane sees nothing in bypass" "$rx0" "$(dataplane_rx)"
	t_clear=$(rp_now)
	out=$(rp_ctl bypass clear) || rp_fail "rampartctl bypass clear failed: $out"
	rp_expect_eq "bypass clear says" "bypass: inline, traffic goes through the dataplane" "$out"
	rp_byp_wait_state inline 2
	sleep 0.5
	if rp_byp_spurious 1; then
		return 0
	fi
	rp_check "the dataplane forwards again after clear" [ "$(dataplane_rx)" -gt $((rx0 + 1000)) ]
	rp_flow_wait
	rp_flow_gap_check "SIGSTOP" "$t_stop" $((WATCHDOG_MS + MARGIN_MS))
	# Waking up and going back inline cut nothing.
	rp_flow_nothing_lost "SIGCONT" "$t_cont"
	rp_flow_nothing_lost "clear" "$t_clear"
	# The flow ran on after the clear: a stall of the machine meanwhile shows in the history
	# (read first, judged after).
	out=$(rp_byp_status '" ".join(h["event"] for h in d["history"][:2])')
	if rp_byp_spurious 1; then
		return 0
	fi
	rp_expect_eq "history after clear" "clear watchdog" "$out"
}

rp_byp_attempts manual

# ---- automatic re-arm ----------------------------------------------------------------------
rp_stop "$RP_DAEMON_PID" TERM 15
rp_expect_eq "clean stop" 0 "$RP_STATUS"
rp_byp_write_config "$RP_TMP/auto.conf" "$WATCHDOG_MS" "" 'rearm = "auto"; rearm_after_s = 1;'
auto() {
	local t_stop t_cont t_inline rx0 out
	rp_daemon_start "$RP_TMP/auto.conf"
	rp_byp_wait_state inline 15
	rp_flow_start 5302 "$RATE" "$FLOW_S"
	sleep 1
	if rp_byp_spurious 0; then
		return 0
	fi
	t_stop=$(rp_now)
	kill -STOP "$RP_DAEMON_PID"
	sleep 1
	if rp_byp_latched_before SIGSTOP "$t_stop"; then
		return 0
	fi
	t_cont=$(rp_now)
	kill -CONT "$RP_DAEMON_PID"
	rp_byp_wait_state bypass 3
	rp_expect_eq "reason after SIGCONT" watchdog "$(rp_byp_status 'd["reason"]')"
	rp_expect_eq "automatic re-arm scheduled" true \
		"$(rp_byp_status 'd["rearm_in_s"] is not None and d["rearm_in_s"] <= 1.0')"
	rp_byp_wait_state inline 4
	t_inline=$(rp_now)
	rp_log "back inline $("$RP_PY" -c "print('%.2f' % ($t_inline - $t_cont))") s after SIGCONT (rearm_after_s = 1)"
	rp_check "not before rearm_after_s" "$RP_PY" -c "import sys; sys.exit(0 if $t_inline - $t_cont >= 0.9 else 1)"
	out=$(rp_byp_status 'd["history"][0]["event"]')
	rx0=$(dataplane_rx)
	sleep 0.5
	if rp_byp_spurious 1; then
		return 0
	fi
	rp_expect_eq "newest history event" auto-rearm "$out"
	rp_check "the dataplane forwards after the re-arm" [ "$(dataplane_rx)" -gt $((rx0 + 1000)) ]
	rp_flow_wait
	rp_flow_gap_check "SIGSTOP" "$t_stop" $((WATCHDOG_MS + MARGIN_MS))
	rp_flow_nothing_lost "SIGCONT and the automatic re-arm" "$t_cont" "$t_inline"
}

rp_byp_attempts auto
rp_log "PASS"
