#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The operator's bypass: `rampartctl bypass engage` wires upstream to protected around the
# dataplane (the XDP program redirects, the dataplane sees nothing) without cutting a flow,
# `bypass clear` puts it back inline; `bypass status` shows it in text and JSON, telemetry and
# `status` agree; a clean stop leaves the wire in bypass (on_stop = "bypass"). Usage errors are
# usage errors.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Nothing here is timed by the watchdog: a long one keeps the machine's own stalls from
# failing the node open in the middle of the operator's commands.
RP_BYP_WATCHDOG_MS=250
WATCHDOG_MS=$RP_BYP_WATCHDOG_MS

rp_byp_init bc
rp_require_daemon
rp_byp_topo
rp_byp_write_config "$RP_TMP/node.conf" "$WATCHDOG_MS" "" 'rearm = "auto"; rearm_after_s = 1;'
counter() {
	rp_byp_status "d[\"device\"][\"counters\"][\"$1\"]"
}

scenario() {
	local in0 t_engage t_engaged t_clear t_cleared out rx0 rx1 rx2 text tel
	rp_daemon_start "$RP_TMP/node.conf"
	rp_byp_wait_state inline 15
	# Long enough to outlast every check below on a loaded machine (telemetry alone may take
	# seconds): the flow must still run when the bypass is cleared.
	rp_flow_start 5501 10000 15
	sleep 1
	if rp_byp_spurious 0; then
		return 0
	fi
	in0=$(counter bypassed_in)
	t_engage=$(rp_now)
	out=$(rp_ctl bypass engage) || rp_fail "bypass engage failed: $out"
	t_engaged=$(rp_now)
	rx0=$(rp_port_stat up0 rx_packets)
	# A stall since the last look may have failed the node open before the engage.
	if [ "$out" != "bypass: bypass, held by operator" ] && rp_byp_spurious 0; then
		return 0
	fi
	rp_expect_eq "bypass engage says" "bypass: bypass, held by operator" "$out"
	rp_expect_eq "state" bypass "$(rp_byp_status 'd["state"]')"
	rp_expect_eq "reasons" '["operator"]' "$(rp_byp_status 'd["reasons"]')"
	sleep 1
	rx1=$(rp_port_stat up0 rx_packets)
	# At 10000/s, a second of flow: the dataplane saw none of it.
	rp_check "the dataplane stopped receiving (up0 rx $rx0 -> $rx1)" [ $((rx1 - rx0)) -lt 20 ]
	rp_check "the XDP program wired the flow across ($(counter bypassed_in) bypassed)" \
		[ "$(counter bypassed_in)" -gt $((in0 + 5000)) ]
	# Operator bypass does not re-arm by itself, even with rearm = auto.
	sleep 1.5
	rp_expect_eq "still in bypass after rearm_after_s (operator)" bypass "$(rp_byp_status 'd["state"]')"
	rp_expect_eq "no automatic re-arm due" None "$(rp_byp_status 'd["rearm_in_s"]' | sed 's/null/None/')"

	# Text and JSON agree; status and telemetry carry the state.
	text=$(rp_ctl bypass status)
	printf '%s\n' "$text" >&2
	rp_check "text status: state bypass" grep -qx 'state  *bypass' <<<"$text"
	rp_check "text status: held by operator" grep -qx 'holding  *operator' <<<"$text"
	rp_check "text status: history lists the engage" grep -q ' engage  *operator  *inline  *bypass$' <<<"$text"
	rp_expect_eq "status: bypass state" bypass "$(rp_ctl --json status | rp_json 'd["bypass"]["state"]')"
	rp_check "rampartctl status prints it" grep -q '^bypass-state  *bypass$' <<<"$(rp_ctl status)"
	if command -v dpdk-telemetry.py >/dev/null 2>&1; then
		tel=$(echo /rampart/bypass | rp_nsx "$RP_NS_NODE" timeout 10 dpdk-telemetry.py \
			-f "rampart-$RP_NODE_ID" 2>/dev/null | tr -d '\n' | sed 's/^.*--> *//') || tel=
		if [ -n "$tel" ]; then
			rp_expect_eq "telemetry /rampart/bypass state" bypass \
				"$(printf '%s' "$tel" | "$RP_PY" -c 'import json,sys; s=sys.stdin.read(); d=json.loads(s[s.index("{"):]); print(d["/rampart/bypass"]["state"])')"
		else
			rp_log "dpdk-telemetry.py gave no answer: telemetry not checked"
		fi
	fi

	t_clear=$(rp_now)
	out=$(rp_ctl bypass clear) || rp_fail "bypass clear failed: $out"
	t_cleared=$(rp_now)
	rp_expect_eq "bypass clear says" "bypass: inline, traffic goes through the dataplane" "$out"
	sleep 1
	if rp_byp_spurious 0; then
		return 0
	fi
	rx2=$(rp_port_stat up0 rx_packets)
	rp_check "the dataplane receives again after clear" [ $((rx2 - rx1)) -gt 5000 ]
	rp_flow_wait
	# Engage and clear move the flow between the program and the dataplane without cutting it.
	# The switch happened somewhere between the request and its reply.
	rp_flow_nothing_lost "bypass engage" "$t_engage" "$t_engaged"
	rp_flow_nothing_lost "bypass clear" "$t_clear" "$t_cleared"
	rp_expect_eq "datagrams lost in the whole flow" 0 "$(rp_flow_field 'd["lost"]')"
	# The flow ran on after the clear: a stall of the machine meanwhile shows in the history.
	if rp_byp_spurious 0; then
		return 0
	fi
	rp_expect_eq "history, newest first" "clear engage ready engage" \
		"$(rp_byp_status '" ".join(h["event"] for h in d["history"][:4])')"
}

rp_byp_attempts scenario

# Usage errors.
rc1=0 rc2=0 rc3=0
rp_ctl bypass >/dev/null 2>&1 || rc1=$?
rp_ctl bypass sideways >/dev/null 2>&1 || rc2=$?
rp_ctl bypass engage now >/dev/null 2>&1 || rc3=$?
rp_expect_eq "rampartctl bypass (no word) exit" 2 "$rc1"
rp_expect_eq "rampartctl bypass sideways exit" 2 "$rc2"
rp_expect_eq "rampartctl bypass engage now exit" 2 "$rc3"

# A clean stop leaves the wire in bypass, and it works with no process.
rp_stop "$RP_DAEMON_PID" TERM 15
rp_expect_eq "clean stop" 0 "$RP_STATUS"
rp_check "stop logged the on_stop engage" grep -q "bypass: engaged (stop)" "$RP_DAEMON_LOG"
rp_expect_eq "pinned mode after a clean stop (0 = bypass)" 0 "$(rp_byp_pinned mode)"
rp_expect_eq "pinned set_by (0 = rampartd)" 0 "$(rp_byp_pinned set_by)"
rp_check "ping through the bypass after the stop" \
	[ "$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" 20)" -eq 20 ]
rp_log "PASS"
