#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Monitor mode drops nothing but counts the same.
#
# The mix of test_mitigation.sh goes through the node twice: first under mix.conf as it is
# (enforce), then under the same policy with mode = "monitor", swapped in with `rampartctl
# policy load`. In the monitor run every class arrives at the protected host, the malformed
# frames too (monitor mode drops nothing: docs/policy.md); each drop reason of a deterministic
# class (deny prefixes, blocklist, drop rule, UDP amplification, malformed) counts exactly
# what it counted in the enforce run, the rate-limited classes count within their bounds, and
# `monitored` is the sum of every reason.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init mon
rp_require_tools timeout tcpdump
rp_require_daemon
rp_topo_create
rp_topo_static_neigh
rp_write_mitigation_config "$RP_TMP/node.conf" "$RP_POLICY_DIR/mix.conf"
rp_daemon_start "$RP_TMP/node.conf"

BLOCKED=198.18.200.2
PPS=${RP_MIX_PPS:-3000}
EXPECT=$RP_POLICY_DIR/mix-expect.json
rp_ctl blocklist add "$BLOCKED" >/dev/null || rp_fail "blocklist add $BLOCKED"

rp_mix_run enforce "$EXPECT" enforce --scenario mix --pps "$PPS" --blocked "$BLOCKED"

sed 's/^mode = "enforce";/mode = "monitor";/' "$RP_POLICY_DIR/mix.conf" >"$RP_TMP/mix-monitor.conf"
grep -q '^mode = "monitor";' "$RP_TMP/mix-monitor.conf" || rp_fail "no monitor copy of mix.conf"
out=$(rp_ctl policy load "$RP_TMP/mix-monitor.conf") || rp_fail "policy load of the monitor copy"
rp_log "$out"
rp_expect_eq "policy after the load: version, mode" '[2, "monitor"]' \
	"$(rp_ctl --json policy show | rp_json '[d["version"], d["mode"]]')"
rp_expect_eq "drops shows the mode" monitor "$(rp_ctl --json drops | rp_json 'd["mode"]')"
rp_expect_eq "rules restart from 0 with the new policy" 0 \
	"$(rp_ctl --json rules | rp_json 'sum(r["packets"] for r in d["rules"])')"

rp_mix_run monitor "$EXPECT" monitor --scenario mix --pps "$PPS" --blocked "$BLOCKED"

rp_check "deterministic reasons count the same in both runs; monitored is the sum" \
	"$RP_PY" - "$RP_TMP/enforce-deltas.json" "$RP_TMP/monitor-deltas.json" <<'PY'
import json, sys
enf, mon = (json.load(open(f)) for f in sys.argv[1:3])
# Reasons whose count does not depend on timing: everything but the three rate limits.
timed = {"syn_flood", "icmp_flood", "rate_limit"}
bad = [r for r in enf["drops"] if r not in timed and enf["drops"][r] != mon["drops"][r]]
for r in sorted(enf["drops"]):
    mark = "  (timed)" if r in timed else ""
    if enf["drops"][r] or mon["drops"][r]:
        print(f"  {r:<18} enforce {enf['drops'][r]:>5}  monitor {mon['drops'][r]:>5}{mark}")
total = sum(mon["drops"].values())
print(f"  monitored {mon['monitored']} = drops {total}; enforce run monitored {enf['monitored']}")
assert not bad, f"reasons that differ: {bad}"
assert mon["monitored"] == total and enf["monitored"] == 0
assert total > 0 and mon["drops"]["ipv4_ihl"] > 0
PY
rp_log "PASS"
