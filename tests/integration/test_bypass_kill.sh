#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Fail-open on a crash: a paced flow crosses the node inline (through the dataplane); rampartd
# is killed with SIGKILL; the XDP program's own watchdog finds the heartbeat stale and wires
# upstream to protected. Asserts that the gap the protected host saw when the daemon died is
# under watchdog_ms plus a margin, that the flow resumed and kept flowing, and counts the
# datagrams lost. The pinned state record shows the expiry.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

WATCHDOG_MS=$RP_BYP_WATCHDOG_MS
MARGIN_MS=$RP_BYP_MARGIN_MS
RATE=10000
SECS=4
PORT=5201

rp_byp_init bk
rp_require_daemon
rp_byp_topo
rp_byp_write_config "$RP_TMP/node.conf" "$WATCHDOG_MS" "" 'rearm = "manual";'
scenario() {
	local passed rx t_kill lost at_kill expiries0 state
	rp_daemon_start "$RP_TMP/node.conf"
	rp_byp_wait_state inline 15
	rp_expect_eq "bypass driver" xdp "$(rp_byp_status 'd["driver"]')"
	rp_expect_eq "heartbeat thread running" true "$(rp_byp_status 'd["heartbeat"]["running"]')"

	rp_flow_start "$PORT" "$RATE" "$SECS"
	sleep 1.5
	if rp_byp_spurious 0; then
		return 0
	fi
	# The flow goes through the dataplane now: the program passes it, the worker forwards it.
	passed=$(rp_byp_status 'd["device"]["counters"]["passed"]')
	rx=$(rp_port_stat up0 rx_packets)
	rp_check "the XDP program passed the flow to the dataplane ($passed frames)" [ "$passed" -gt 5000 ]
	rp_check "the dataplane received it ($rx frames)" [ "$rx" -gt 5000 ]
	expiries0=$(rp_byp_pinned expiries)
	# Still inline, never latched by a stall of the machine: the last look before the kill.
	state=$(rp_byp_status 'd["state"]')
	if rp_byp_spurious 0; then
		return 0
	fi
	rp_expect_eq "state before the kill" inline "$state"

	t_kill=$(rp_now)
	kill -KILL "$RP_DAEMON_PID"
	rp_wait_exit "$RP_DAEMON_PID" 10
	rp_expect_eq "rampartd status after SIGKILL" 137 "$RP_STATUS"
	rp_flow_wait
	# A stall between that look and the kill fails the node open first: nothing to measure.
	if rp_byp_latched_before kill "$t_kill"; then
		return 0
	fi

	lost=$(rp_flow_field 'd["lost"]')
	at_kill=$(rp_flow_gap_at "$t_kill")
	rp_log "kill -9 at $t_kill: the gap there ${at_kill} ms; $lost of $(rp_flow_field 'd["sent"]') datagrams lost (watchdog ${WATCHDOG_MS} ms, ${RATE}/s)"
	# The failover shows as a gap that began at the kill: the wire was cut, then wired across.
	rp_check "a gap began at the kill (${at_kill} ms)" \
		"$RP_PY" -c "import sys; sys.exit(0 if $at_kill > 1 else 1)"
	rp_flow_gap_check "kill -9" "$t_kill" $((WATCHDOG_MS + MARGIN_MS))
	rp_check "lost $lost <= what the gap holds at ${RATE}/s" \
		"$RP_PY" -c "import sys; sys.exit(0 if $lost <= $RATE * ($WATCHDOG_MS + $MARGIN_MS) / 1000 else 1)"
	rp_check "the flow kept arriving after the kill" \
		"$RP_PY" -c "import sys; sys.exit(0 if $(rp_flow_field 'd["last"]') > $t_kill + 1.5 else 1)"

	# The kernel program latched by itself, and says so in the pinned record.
	rp_expect_eq "pinned mode (0 = bypass)" 0 "$(rp_byp_pinned mode)"
	rp_expect_eq "pinned set_by (1 = watchdog)" 1 "$(rp_byp_pinned set_by)"
	rp_expect_eq "pinned expiries" $((expiries0 + 1)) "$(rp_byp_pinned expiries)"

	# And the wire keeps working with no process at all: both ways.
	rp_check "ping through the bypass, upstream to protected" \
		[ "$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" 20)" -eq 20 ]
	rp_check "ping through the bypass, protected to upstream" \
		[ "$(rp_ping "$RP_NS_DOWN" "$RP_UP_IP4" 20)" -eq 20 ]
}

rp_byp_attempts scenario
rp_log "PASS"
