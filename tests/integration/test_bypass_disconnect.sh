#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Fail-closed: `rampartctl bypass disconnect` drops both sides in the XDP program (no ping
# either way, the drops counted), `bypass clear` reconnects. Then on_stop = "inline-down": a
# clean stop leaves the wire cut, and stays cut with no process; a restart (on_start =
# "bypass") wires it again at once, and arms when ready.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

WATCHDOG_MS=$RP_BYP_WATCHDOG_MS

rp_byp_init bd
rp_require_daemon
rp_byp_topo
rp_byp_write_config "$RP_TMP/node.conf" "$WATCHDOG_MS" "" \
	'rearm = "manual"; on_stop = "inline-down";'
rp_daemon_start "$RP_TMP/node.conf"
rp_byp_wait_state inline 15

pings() {
	rp_ping "$1" "$2" 20
}

rp_expect_eq "ping upstream -> protected, inline" 20 "$(pings "$RP_NS_UP" "$RP_DOWN_IP4")"
out=$(rp_ctl bypass disconnect) || rp_fail "bypass disconnect failed: $out"
rp_expect_eq "bypass disconnect says" "bypass: disconnect, both sides dropped until cleared" "$out"
drops0=$(rp_byp_status 'd["device"]["counters"]["disconnect_drops"]')
rp_expect_eq "ping upstream -> protected, disconnected" 0 "$(pings "$RP_NS_UP" "$RP_DOWN_IP4")"
rp_expect_eq "ping protected -> upstream, disconnected" 0 "$(pings "$RP_NS_DOWN" "$RP_UP_IP4")"
drops1=$(rp_byp_status 'd["device"]["counters"]["disconnect_drops"]')
rp_check "the program dropped both pings' requests ($((drops1 - drops0)))" \
	[ $((drops1 - drops0)) -ge 40 ]
rp_expect_eq "state" disconnect "$(rp_byp_status 'd["state"]')"
rp_expect_eq "newest history event" disconnect "$(rp_byp_status 'd["history"][0]["event"]')"
out=$(rp_ctl bypass clear) || rp_fail "bypass clear failed: $out"
rp_expect_eq "ping upstream -> protected, cleared" 20 "$(pings "$RP_NS_UP" "$RP_DOWN_IP4")"
rp_expect_eq "ping protected -> upstream, cleared" 20 "$(pings "$RP_NS_DOWN" "$RP_UP_IP4")"

# on_stop = inline-down: a clean stop cuts the wire, and it stays cut.
rp_stop "$RP_DAEMON_PID" TERM 15
rp_expect_eq "clean stop" 0 "$RP_STATUS"
rp_check "stop logged the disconnect" grep -q "bypass: disconnected (stop)" "$RP_DAEMON_LOG"
rp_expect_eq "pinned mode after the stop (2 = disconnect)" 2 "$(rp_byp_pinned mode)"
sleep 0.2
rp_expect_eq "ping after an inline-down stop" 0 "$(pings "$RP_NS_UP" "$RP_DOWN_IP4")"
# Not even the watchdog reconnects it: it only acts on an inline wire.
rp_expect_eq "pinned mode still" 2 "$(rp_byp_pinned mode)"

# A restart wires it again in start-up bypass, then goes inline.
mv "$RP_DAEMON_LOG" "$RP_TMP/rampartd-1.log"
rp_daemon_start "$RP_TMP/node.conf"
rp_check "the restart found the pinned disconnect" \
	grep -q "found pinned state: disconnect" "$RP_DAEMON_LOG"
rp_byp_wait_state inline 15
rp_expect_eq "ping after the restart" 20 "$(pings "$RP_NS_UP" "$RP_DOWN_IP4")"
rp_log "PASS"
