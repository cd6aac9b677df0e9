#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The dynamic blocklist, by hand and by auto-block, seen in `rampartctl blocklist` and in the
# traffic that reaches the protected host.
#
# 1. Errors: a prefix, a bad address and a bad --ttl are refused (exit 1, 1, 2); deleting an
#    address that is not there is an error (exit 1).
# 2. `blocklist add` of two permanent entries (IPv4, IPv6) and one with --ttl 2: `list` shows
#    them with their expiry; traffic from each is dropped as "blocklist", traffic from a
#    source next to them is not (a capture counts every source).
# 3. The --ttl 2 entry leaves the list after 2 s (not before), `expired` counts it, and its
#    source's traffic passes again.
# 4. `blocklist del` and `flush` take entries off, and their sources' traffic passes.
# 5. auto_block (tests/data/policy/auto-block.conf: 10 pps per source on UDP port 9100,
#    exceed_seconds 1, block_seconds 6): a source sending 100 pps gets its burst and the
#    limit's share through, is blocked after about a second over the limit, and shows in
#    `list` as added by auto-block; its later packets, and a new burst, are dropped as
#    "blocklist"; after 6 s the entry expires and the source gets its burst through again.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init bl
rp_require_tools timeout tcpdump
rp_require_daemon
rp_topo_create
rp_topo_static_neigh
rp_write_mitigation_config "$RP_TMP/node.conf" "$RP_POLICY_DIR/auto-block.conf"
rp_daemon_start "$RP_TMP/node.conf"

out=$RP_TMP/out
err=$RP_TMP/err

# ctl_run EXPECTED_STATUS DESCRIPTION ARGS...: rampartctl (bounded), with its exit status checked.
ctl_run() {
	local want=$1 what=$2 rc=0
	shift 2
	timeout 20 "$RAMPARTCTL" -s "$RP_SOCK" "$@" >"$out" 2>"$err" || rc=$?
	if [ "$rc" != "$want" ]; then
		rp_log "stdout: $(head -c 2000 "$out")"
		rp_log "stderr: $(head -c 2000 "$err")"
		rp_fail "$what: exit status $rc, expected $want"
	fi
	rp_log "ok: $what (exit $rc)"
}

# entry ADDR: the list's entry for ADDR as JSON, or null.
entry() {
	rp_ctl --json blocklist list |
		rp_json "([e for e in d['entries'] if e['addr'] == '$1'] + [None])[0]"
}

bl_stat() {
	rp_ctl --json blocklist list --limit 0 | rp_json "d['stats']['$1']"
}

# burst NAME ARGS...: attack.py send ARGS (no capture; for one source at a time), then, once
# the node has taken every frame and the segment is quiet: ARRIVED = frames the protected host
# received, BLOCKED, LIMITED = the blocklist and rate_limit drop deltas, OFFENDERS = the
# offenders delta, SENT = frames sent. In three steps, for a test that acts in between:
# burst_begin NAME, burst_send ARGS... (SENT_AT = when it ended, in ns), burst_end.
burst() {
	burst_begin "$1"
	shift
	burst_send "$@"
	burst_end
}

burst_begin() {
	BURST=$1
	rp_mit_snapshot "$RP_TMP/$BURST-before.json"
	BURST_H0=$(rp_host_counters)
}

burst_send() {
	rp_attack_send "$RP_TMP/$BURST-manifest.json" "$@"
	SENT_AT=$(date +%s%N)
}

burst_end() {
	local name=$BURST h1 b=$RP_TMP/$BURST-before.json a=$RP_TMP/$BURST-after.json
	local -a hb ha
	rp_wait_node_rx "$(rp_json 'd["stats"]' <"$b")" "${BURST_H0%% *}"
	rp_wait_quiet 5 || rp_fail "$name: the segment did not go quiet within 5s"
	h1=$(rp_host_counters)
	rp_mit_snapshot "$a"
	read -r -a hb <<<"$BURST_H0"
	read -r -a ha <<<"$h1"
	ARRIVED=$((ha[3] - hb[3]))
	SENT=$(rp_json 'd["sent"]' <"$RP_TMP/$name-manifest.json")
	BLOCKED=$(($(rp_json 'd["drops"]["totals"]["drops"]["blocklist"]' <"$a") -
		$(rp_json 'd["drops"]["totals"]["drops"]["blocklist"]' <"$b")))
	LIMITED=$(($(rp_json 'd["drops"]["totals"]["drops"]["rate_limit"]' <"$a") -
		$(rp_json 'd["drops"]["totals"]["drops"]["rate_limit"]' <"$b")))
	OFFENDERS=$(($(rp_json 'd["drops"]["totals"]["offenders"]' <"$a") -
		$(rp_json 'd["drops"]["totals"]["offenders"]' <"$b")))
	rp_log "$name: sent $SENT, arrived $ARRIVED, blocklist drops $BLOCKED," \
		"rate_limit drops $LIMITED, offenders $OFFENDERS"
}

# --- 1. errors --------------------------------------------------------------------------------
ctl_run 0 "list of the empty blocklist" blocklist list
grep -q 'the blocklist is empty' "$out" || rp_fail "the empty list does not say so: $(cat "$out")"
ctl_run 1 "add of a prefix is refused" blocklist add 198.18.0.0/24
grep -q 'is a prefix' "$err" || rp_fail "the refusal does not say why: $(cat "$err")"
ctl_run 1 "add of a bad address is refused" blocklist add 198.18.0.300
ctl_run 2 "add with a bad ttl is refused" blocklist add 198.18.0.1 --ttl 90d
ctl_run 1 "del of an address not on the list" blocklist del 198.18.0.1
grep -q 'not on the blocklist' "$err" || rp_fail "del: $(cat "$err")"
rp_expect_eq "entries after the refusals" 0 "$(rp_ctl --json blocklist list | rp_json 'd["count"]')"

# --- 2. entries by hand, and traffic from them ------------------------------------------------
ctl_run 0 "add 198.18.7.7" --json blocklist add 198.18.7.7
rp_expect_eq "add 198.18.7.7: reply" '["198.18.7.7", 0, true, 1]' \
	"$(rp_json '[d["addr"], d["ttl"], d["permanent"], d["count"]]' <"$out")"
ctl_run 0 "add 2001:db8:bad::9/128" --json blocklist add 2001:db8:bad::9/128
rp_expect_eq "add 2001:db8:bad::9: count" 2 "$(rp_json 'd["count"]' <"$out")"
ctl_run 0 "add 198.18.7.8 --ttl 600" blocklist add 198.18.7.8 --ttl 600
ctl_run 0 "list" --json blocklist list
rp_expect_eq "list: addresses (IPv4 first), expiry, added by" \
	'[["198.18.7.7", true, false], ["198.18.7.8", false, false], ["2001:db8:bad::9", true, false]]' \
	"$(rp_json '[[e["addr"], e["permanent"], e["automatic"]] for e in d["entries"]]' <"$out")"
ttl=$(rp_json '[e["ttl_left"] for e in d["entries"] if e["addr"] == "198.18.7.8"][0]' <"$out")
if [ "$ttl" -lt 599 ] || [ "$ttl" -gt 600 ]; then
	rp_fail "list: 198.18.7.8 expires in $ttl s, expected 599 to 600"
fi
rp_expect_eq "list: stats added, deleted, expired, auto_added" '[3, 0, 0, 0]' \
	"$(rp_json '[d["stats"][k] for k in ("added", "deleted", "expired", "auto_added")]' <"$out")"
ctl_run 0 "list, text" blocklist list
grep -q '^198.18.7.8 .* operator$' "$out" ||
	rp_fail "the text list does not show 198.18.7.8: $(cat "$out")"

cat >"$RP_TMP/expect.json" <<'EOF'
{"classes": {"198.18.7.7": "drop blocklist", "198.18.7.8": "drop blocklist",
             "2001:db8:bad::9": "drop blocklist", "198.18.7.9": "pass"}}
EOF
rp_mix_run listed "$RP_TMP/expect.json" enforce --scenario udp \
	--src 198.18.7.7,198.18.7.8,2001:db8:bad::9,198.18.7.9 --count 50 --pps 500

# --- 3. an entry with a ttl of 2 s ------------------------------------------------------------
# Re-adding an address sets its expiry anew. The burst must have been sent well within the
# 2 s: on a machine too busy for that, add again and retry (at most three times).
for try in 1 2 3; do
	burst_begin ttl
	t0=$(date +%s%N)
	ctl_run 0 "add 198.18.7.8 --ttl 2 (again)" --json blocklist add 198.18.7.8 --ttl 2
	burst_send --scenario udp --src 198.18.7.8 --count 20 --pps 200
	took=$(((SENT_AT - t0) / 1000000))
	rp_expect_eq "re-add: ttl, permanent, count" '[2, false, 3]' \
		"$(rp_json '[d["ttl"], d["permanent"], d["count"]]' <"$out")"
	burst_end
	[ "$took" -lt 1500 ] && break
	rp_log "the burst was sent $took ms after the add: too close to the ttl, trying again"
	[ "$try" -lt 3 ] || rp_fail "the machine is too busy to send 20 frames within 1.5 s"
done
rp_log "the burst was sent $took ms after the add"
rp_expect_eq "ttl entry: frames dropped as blocklist" 20 "$BLOCKED"
rp_expect_eq "ttl entry: frames that arrived" 0 "$ARRIVED"
# Wait (bounded) until it leaves the list, then for the once-a-second expiry to count it.
gone=
for ((i = 0; i < 60; i++)); do
	if [ "$(entry 198.18.7.8)" = null ]; then
		gone=$((($(date +%s%N) - t0) / 1000000))
		break
	fi
	sleep 0.1
done
[ -n "$gone" ] || rp_fail "the entry with --ttl 2 was still listed 6 s after it was added"
rp_log "the entry with --ttl 2 left the list $gone ms after it was added"
[ "$gone" -ge 1900 ] || rp_fail "the entry with --ttl 2 left the list after only $gone ms"
for ((i = 0; i < 30; i++)); do
	[ "$(bl_stat expired)" = 1 ] && break
	sleep 0.1
done
rp_expect_eq "blocklist stats: expired" 1 "$(bl_stat expired)"
rp_expect_eq "blocklist count after the expiry" 2 \
	"$(rp_ctl --json blocklist list | rp_json 'd["count"]')"
burst expired --scenario udp --src 198.18.7.8 --count 20 --pps 200
rp_expect_eq "after the expiry: frames that arrived" 20 "$ARRIVED"
rp_expect_eq "after the expiry: blocklist drops" 0 "$BLOCKED"

# --- 4. del and flush -------------------------------------------------------------------------
ctl_run 0 "del 198.18.7.7" --json blocklist del 198.18.7.7
rp_expect_eq "del: reply" '["198.18.7.7", 1]' "$(rp_json '[d["addr"], d["count"]]' <"$out")"
ctl_run 1 "del 198.18.7.7 again" blocklist del 198.18.7.7
ctl_run 0 "add 198.18.7.10" blocklist add 198.18.7.10
ctl_run 0 "add 198.18.7.11" blocklist add 198.18.7.11 --ttl 100
ctl_run 0 "flush" --json blocklist flush
rp_expect_eq "flush: removed" 3 "$(rp_json 'd["removed"]' <"$out")"
rp_expect_eq "after the flush: count" 0 "$(rp_ctl --json blocklist list | rp_json 'd["count"]')"
# (Whether re-adding an address counts in "added" is not specified: only the others are exact.)
rp_expect_eq "blocklist stats: deleted, expired" '[4, 1]' \
	"$(rp_ctl --json blocklist list | rp_json '[d["stats"][k] for k in ("deleted", "expired")]')"
cat >"$RP_TMP/expect.json" <<'EOF'
{"classes": {"198.18.7.7": "pass", "2001:db8:bad::9": "pass", "198.18.7.10": "pass"}}
EOF
rp_mix_run freed "$RP_TMP/expect.json" enforce --scenario udp \
	--src 198.18.7.7,2001:db8:bad::9,198.18.7.10 --count 20 --pps 300

# --- 5. auto_block ----------------------------------------------------------------------------
# The new burst follows at once, while the block (6 s) surely holds; the checks come after.
OFF=198.18.9.9
burst auto --scenario udp --src "$OFF" --dport 9100 --count 200 --pps 100
a_sent=$SENT a_arrived=$ARRIVED a_limited=$LIMITED a_blocked=$BLOCKED a_offenders=$OFFENDERS
e=$(entry "$OFF")
burst blocked --scenario udp --src "$OFF" --dport 9100 --count 30 --pps 300
rp_expect_eq "auto-blocked source, new burst: blocklist drops" 30 "$BLOCKED"
rp_expect_eq "auto-blocked source, new burst: frames that arrived" 0 "$ARRIVED"

rp_expect_eq "auto-block: arrived + rate_limit + blocklist = sent" "$a_sent" \
	$((a_arrived + a_limited + a_blocked))
rp_expect_eq "auto-block: offenders reported" 1 "$a_offenders"
rp_expect_eq "blocklist stats: auto_added" 1 "$(bl_stat auto_added)"
# Before the block: the burst of 10, then 10 a second for the second over the limit (plus 1 s
# for the tick that applies the block and for scheduling).
if [ "$a_arrived" -lt 10 ] || [ "$a_arrived" -gt 30 ]; then
	rp_fail "auto-block: $a_arrived frames arrived; expected 10 to 30"
fi
[ "$a_blocked" -gt 0 ] || rp_fail "auto-block: no later frame was dropped as blocklist"
rp_log "auto-block entry: $e"
rp_expect_eq "auto-block entry: automatic, permanent" '[true, false]' \
	"$(printf '%s' "$e" | rp_json '[d["automatic"], d["permanent"]]')"
ttl=$(printf '%s' "$e" | rp_json 'd["ttl_left"]')
if [ "$ttl" -lt 1 ] || [ "$ttl" -gt 6 ]; then
	rp_fail "auto-block entry: ttl_left $ttl, expected 1 to 6"
fi
ctl_run 0 "list, text" blocklist list
grep -q "^$OFF .* auto-block$" "$out" ||
	rp_fail "the text list does not show $OFF by auto-block: $(cat "$out")"

for ((i = 0; i < 100; i++)); do
	[ "$(entry "$OFF")" = null ] && break
	sleep 0.1
done
rp_expect_eq "the auto-block entry expired" null "$(entry "$OFF")"
burst unblocked --scenario udp --src "$OFF" --dport 9100 --count 10 --pps 100
rp_expect_eq "after the auto-block expired: frames that arrived (the burst)" 10 "$ARRIVED"
rp_expect_eq "after the auto-block expired: drops" "0 0" "$BLOCKED $LIMITED"
rp_log "PASS"
