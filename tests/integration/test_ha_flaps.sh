#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Flap limit: issue 4's integration test (4). Two rampartd nodes in parallel, A primary
# (priority 150, drills allowed, max_flaps = 3 in a 60 s window), B (priority 100, drills not
# allowed), VRID 51, adverts every 100 ms, bypass driver "none" (bypass stops inspection in
# the dataplane).
#
# 1. A drill on B is refused: its config does not allow them, and the refusal says how.
# 2. `rampartctl ha simulate flap` on A, one at a time, each followed by a second for A to take
#    master back (it preempts): every drill adds flaps, and once more than max_flaps are in the
#    window A engages the bypass, with the reason max-flaps, and latches the flapping. That
#    must happen within max_flaps + 1 drills.
# 3. The flapping has stopped: another drill is refused (latched), and for 3 s neither node
#    changes state nor counts a master transition. One broadcast does not loop.
# 4. `rampartctl bypass clear`: the bypass is released, the flap count starts again from 0, and
#    a drill is accepted once more.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/ha_lib.sh
. "$(dirname "$0")/ha_lib.sh"

ha_init hf
rp_require_tools tcpdump ping timeout
rp_require_daemon
ha_topo_create rampart rampart

MAX_FLAPS=3
ha_write_rampart_config a "$RP_TMP/a.conf" flaps=$MAX_FLAPS window=60 sim=true bypass=none
ha_write_rampart_config b "$RP_TMP/b.conf" flaps=$MAX_FLAPS window=60 sim=false bypass=none
ha_rampart_start a "$RP_TMP/a.conf"
ha_wait_state a master 5 || rp_fail "A is '$(ha_node_state a)' alone, not master"
ha_rampart_start b "$RP_TMP/b.conf"
ha_wait_state b backup 5 || rp_fail "B is '$(ha_node_state b)', not backup"

# flaps NODE: "count latched" from the node's `ha status`.
flaps() {
	ha_ctl "$1" --json ha status | rp_json 'str(d["flaps"]["count"]) + " " + str(d["flaps"]["latched"])'
}

# transitions NODE: the master transitions the node's VRID 51 IPv4 instance counted.
transitions() {
	ha_ctl "$1" --json ha status | rp_json "[i['counters']['master_transitions']
		for i in d['instances'] if i['vrid'] == $HA_VRID and i['family'] == 'ipv4'][0]"
}

# bypass_state NODE: the node's bypass state from `status` (inline, bypass, disconnect).
bypass_state() {
	ha_ctl "$1" --json status | rp_json 'd["bypass"]["state"]'
}

rp_expect_eq "A's flaps at start (count, latched)" "0 False" "$(flaps a)"
rp_expect_eq "A's bypass at start" inline "$(bypass_state a)"

# 1. Refused where not allowed.
if ha_ctl b ha simulate flap >"$RP_TMP/refused.out" 2>&1; then
	rp_fail "B ran a drill although ha.allow_simulation is false"
fi
grep -q 'allow_simulation' "$RP_TMP/refused.out" ||
	rp_fail "B's refusal does not say how to allow drills: $(cat "$RP_TMP/refused.out")"
rp_log "ok: B refuses drills: $(head -1 "$RP_TMP/refused.out")"

# 2. Flap until the limit.
prev=0
drills=0
while :; do
	[ "$drills" -le "$MAX_FLAPS" ] ||
		rp_fail "$drills drills and A has not latched: flaps $(flaps a), bypass $(bypass_state a)"
	ha_ctl a ha simulate flap >/dev/null || rp_fail "drill $((drills + 1)) refused: $(flaps a)"
	drills=$((drills + 1))
	sleep 1
	read -r count latched <<<"$(flaps a)"
	[ "$count" -gt "$prev" ] || rp_fail "drill $drills added no flap (count $count)"
	rp_log "drill $drills: $count flaps, latched $latched"
	prev=$count
	[ "$latched" = True ] && break
done
[ "$count" -gt "$MAX_FLAPS" ] || rp_fail "A latched at $count flaps, not above max_flaps $MAX_FLAPS"
rp_expect_eq "A's bypass once latched" bypass "$(bypass_state a)"
ha_ctl a --json bypass status >"$RP_TMP/bypass.json" || rp_fail "rampartctl bypass status failed"
grep -q '"max-flaps"' "$RP_TMP/bypass.json" ||
	rp_fail "the bypass status does not give the reason max-flaps: $(cat "$RP_TMP/bypass.json")"
rp_log "ok: A engaged the bypass (max-flaps) after $drills drills, $count flaps"

# 3. The flapping has stopped.
if ha_ctl a ha simulate flap >"$RP_TMP/latched.out" 2>&1; then
	rp_fail "A accepted a drill while latched"
fi
rp_log "ok: a drill while latched is refused: $(head -1 "$RP_TMP/latched.out")"
s0="$(ha_node_state a) $(ha_node_state b) $(transitions a) $(transitions b)"
sleep 3
s1="$(ha_node_state a) $(ha_node_state b) $(transitions a) $(transitions b)"
rp_expect_eq "states and master transitions of A and B, 3 s apart" "$s0" "$s1"
ha_loop_check

# 4. Clear the bypass.
ha_ctl a bypass clear >/dev/null || rp_fail "rampartctl bypass clear failed"
rp_expect_eq "A's bypass after clear" inline "$(bypass_state a)"
rp_expect_eq "A's flaps after clear (count, latched)" "0 False" "$(flaps a)"
ha_ctl a ha simulate flap >/dev/null || rp_fail "A refused a drill after the bypass was cleared"
sleep 1
read -r count latched <<<"$(flaps a)"
[ "$count" -gt 0 ] || rp_fail "the drill after clear added no flap"
rp_log "PASS"
