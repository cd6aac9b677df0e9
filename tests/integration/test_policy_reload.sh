#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Policy changes under traffic lose no legitimate packet, and a broken policy leaves the old
# one running.
#
# A steady stream from the upstream host (attack.py "stream": UDP datagrams, TCP segments to
# port 22 and ICMP echo requests from 198.51.100.1, each with a sequence number, and mixed in
# a deny-prefix source and NTP reflection, about 600 frames a second) runs while the policy is
# swapped between mix.conf and reload-b.conf with `rampartctl policy load` and reloaded with
# SIGHUP, and while broken policies are offered: by `policy load` (exit 1, FILE:LINE errors,
# `policy show` unchanged) and by a SIGHUP after the running policy's file was broken (logged,
# unchanged). Both policies treat the stream alike, so at the end, from a capture at the
# protected host: every legitimate packet arrived exactly once, no attack packet did, and the
# drop counters hold exactly the attack packets, under the same reasons throughout.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init rld
rp_require_tools timeout tcpdump
rp_require_daemon
rp_topo_create
rp_topo_static_neigh

# Policies in the work directory: SIGHUP reloads the running policy's own file, which the
# test edits.
A=$RP_TMP/a.conf
B=$RP_TMP/b.conf
BROKEN=$RP_TMP/broken.conf
cp "$RP_POLICY_DIR/mix.conf" "$A"
cp "$RP_POLICY_DIR/reload-b.conf" "$B"
# Two mistakes at known lines: a limit of 0 and a misspelt action.
sed -e 's/per_source_pps = 20;/per_source_pps = 0;/' -e 's/action = "drop"; }/action = "dorp"; }/' \
	"$A" >"$BROKEN"
L1=$(grep -n 'per_source_pps = 0;' "$BROKEN" | cut -d: -f1)
L2=$(grep -n '"dorp"' "$BROKEN" | cut -d: -f1)
if [ -z "$L1" ] || [ -z "$L2" ]; then
	rp_fail "could not make the broken policy"
fi

rp_write_mitigation_config "$RP_TMP/node.conf" "$A"
rp_daemon_start "$RP_TMP/node.conf"

COUNT=${RP_STREAM_COUNT:-1000}
PPS=${RP_STREAM_PPS:-600}
out=$RP_TMP/out
err=$RP_TMP/err

# show_is WHAT VERSION FILE MODE: policy show says this.
show_is() {
	rp_expect_eq "$1: policy show (version, file, mode)" "[$2, \"$3\", \"$4\"]" \
		"$(rp_ctl --json policy show | rp_json '[d["version"], d["file"], d["mode"]]')"
}

# load FILE VERSION MODE: policy load succeeds and makes version VERSION.
load() {
	rp_ctl policy load "$1" >"$out" 2>"$err" || rp_fail "policy load $1: $(cat "$err")"
	rp_log "$(cat "$out")"
	show_is "load $(basename "$1")" "$2" "$1" "$3"
}

# load_broken FILE VERSION_KEPT FILE_KEPT: policy load fails with exit 1 and both errors of
# the broken file at their lines; the running policy is the one it was.
load_broken() {
	local rc=0
	rp_ctl policy load "$1" >"$out" 2>"$err" || rc=$?
	rp_expect_eq "policy load of a broken file: exit status" 1 "$rc"
	grep -q "^$1:$L1: " "$err" || rp_fail "no error at $1:$L1 in: $(cat "$err")"
	grep -q "^$1:$L2: " "$err" || rp_fail "no error at $1:$L2 in: $(cat "$err")"
	grep -q 'the running policy is unchanged' "$err" ||
		rp_fail "the refusal does not say the running policy is unchanged: $(cat "$err")"
	rp_log "refused as expected: $(head -1 "$err")"
	show_is "after the refused load" "$2" "$3" enforce
}

# hup_wait VERSION: SIGHUP, then wait (bounded) until policy show has VERSION.
hup_wait() {
	local i v
	kill -HUP "$RP_DAEMON_PID"
	for ((i = 0; i < 50; i++)); do
		v=$(rp_ctl --json policy show | rp_json 'd["version"]')
		[ "$v" = "$1" ] && return 0
		sleep 0.1
	done
	rp_fail "SIGHUP: the policy version is $v, expected $1 within 5s"
}

# hup_refused: SIGHUP with the running policy's file broken; wait (bounded) until the log says
# it was not loaded, once more than before.
hup_refused() {
	local n0 i
	n0=$(grep -c 'not loaded' "$RP_DAEMON_LOG" || true)
	kill -HUP "$RP_DAEMON_PID"
	for ((i = 0; i < 50; i++)); do
		[ "$(grep -c 'not loaded' "$RP_DAEMON_LOG" || true)" -gt "$n0" ] && return 0
		sleep 0.1
	done
	rp_fail "SIGHUP with a broken policy file: no refusal logged within 5s"
}

show_is "at start" 1 "$A" enforce
rc=0
rp_ctl policy validate "$BROKEN" >"$out" 2>"$err" || rc=$?
rp_expect_eq "policy validate of the broken file: exit status" 1 "$rc"
if ! grep -q "^$BROKEN:$L1: " "$err" || ! grep -q "^$BROKEN:$L2: " "$err"; then
	rp_fail "policy validate does not list both errors: $(cat "$err")"
fi
rp_check "policy validate of reload-b.conf" rp_ctl policy validate "$B"
show_is "after the validations" 1 "$A" enforce

cat >"$RP_TMP/expect.json" <<'EOF'
{
 "mode": "enforce",
 "classes": {
  "legit-udp": "pass", "legit-ssh": "pass", "legit-icmp": "pass",
  "denied": "drop deny_prefix", "ntp-refl": "drop udp_amplification"
 }
}
EOF

# The stream, in the background, until the changes are done; they start once its frames are
# built and flowing.
rp_wait_quiet 10 || rp_fail "the segment did not go quiet within 10s"
rp_capture_start "$RP_NS_DOWN" stream
rp_mit_snapshot "$RP_TMP/before.json"
h0=$(rp_host_counters)
rm -f "$RP_TMP/ready" "$RP_TMP/stop"
rp_attack_bg "$RP_TMP/manifest.json" --scenario stream --count "$COUNT" --pps "$PPS" \
	--ready "$RP_TMP/ready" --until "$RP_TMP/stop" --timeout 100
for ((i = 0; i < 100; i++)); do
	[ -e "$RP_TMP/ready" ] && break
	sleep 0.1
done
[ -e "$RP_TMP/ready" ] || rp_fail "attack.py did not start within 10s"
sleep 0.5

load "$B" 2 enforce
sleep 0.2
load "$A" 3 enforce
sleep 0.2
load_broken "$BROKEN" 3 "$A"
sleep 0.2
load "$B" 4 enforce
sleep 0.2
hup_wait 5
rp_log "SIGHUP reloaded $(basename "$B") as version 5"
show_is "after SIGHUP" 5 "$B" enforce
cp "$BROKEN" "$B"
hup_refused
show_is "after SIGHUP of a broken file" 5 "$B" enforce
cp "$RP_POLICY_DIR/reload-b.conf" "$B"
sleep 0.2
hup_wait 6
load "$A" 7 enforce
sleep 0.5
rp_alive "$RP_ATTACK_PID" ||
	rp_fail "the stream ended before the changes did: $(cat "$RP_TMP/manifest.json.log")"
touch "$RP_TMP/stop"
rp_wait_exit "$RP_ATTACK_PID" 30
rp_expect_eq "attack.py stream exit status" 0 "$RP_STATUS"
rp_log "all changes made while the stream ran: $(cat "$RP_TMP/manifest.json.log")"
rp_wait_node_rx "$(rp_json 'd["stats"]' <"$RP_TMP/before.json")" "${h0%% *}"
rp_wait_quiet 10 || rp_fail "the segment did not go quiet within 10s after the stream"
h1=$(rp_host_counters)
rp_mit_snapshot "$RP_TMP/after.json"
read -r -a hb <<<"$h0"
read -r -a ha <<<"$h1"
rp_capture_stop $((ha[3] - hb[3]))
rp_capture_count "$RP_TMP/manifest.json" "$RP_TMP/counts.json"
rp_expect_eq "frames the upstream host sent = frames of the stream" \
	"$(rp_json 'd["sent"]' <"$RP_TMP/manifest.json")" "$RP_UP_SENT"
rp_expect_eq "frames captured at the protected host = frames it received" \
	$((ha[3] - hb[3])) "$RP_CAPTURE_GOT"
rp_check "every legitimate packet arrived, no attack packet did, the counters agree" \
	"$RP_PY" "$RP_ATTACK" check --manifest "$RP_TMP/manifest.json" \
	--counts "$RP_TMP/counts.json" --before "$RP_TMP/before.json" \
	--after "$RP_TMP/after.json" --expect "$RP_TMP/expect.json"
rp_expect_eq "SIGHUP reloads logged" 3 \
	"$(grep -c 'SIGHUP received: reloading policy' "$RP_DAEMON_LOG")"
rp_expect_eq "SIGHUP reloads refused in the log" 1 "$(grep -c "$B not loaded" "$RP_DAEMON_LOG")"
grep -q "^rampartd: $B:$L2: " "$RP_DAEMON_LOG" ||
	rp_fail "the refused SIGHUP reload does not log $B:$L2"
rp_log "PASS"
