#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A traffic mix with known counts per class through a node enforcing a policy
# (tests/data/policy/mix.conf, loaded at start from the node config), counted at the protected
# host and in Rampart's counters.
#
# attack.py sends, from the upstream host and paced, legitimate UDP, TCP and ICMP from
# 198.51.100.1 and from other sources (IPv4 and IPv6, and an allow-listed source sending the
# shape of an NTP reflection), with, mixed in: a SYN flood from 1000 spoofed 198.18.0.0/15
# sources, NTP and DNS reflection, an ICMP echo flood from one source, a source put on the
# blocklist with `rampartctl blocklist add`, sources in deny_prefixes (IPv4 and IPv6), SYNs to
# telnet (a drop rule), a UDP flood over a rule's per-source limit of 20 pps, and malformed
# IPv4. Then a burst against a per-source bit rate, which must count IP lengths. A capture at the protected host counts every class (each frame carries its class and
# sequence number). rp_mix_run and `attack.py check` assert, with the expectations of
# tests/data/policy/mix-expect.json:
#   - every legitimate frame arrived, once;
#   - no frame of a dropped class arrived; of a rate-limited class, at least the burst and at
#     most the burst plus the rate over the time it was sent (plus 1 s for scheduling);
#   - `rampartctl --json drops` counted each reason exactly: what the dropped classes sent,
#     and for the limited classes exactly what did not arrive; 0 for every other reason;
#   - `rampartctl --json rules` counted exactly the packets and frame bytes of the classes
#     each rule matches, and their drops;
#   - up0 received exactly what the upstream host sent (no af_packet loss), the protected
#     host received exactly what down0 sent, and the capture saw all of it.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init mit
rp_require_tools timeout tcpdump
rp_require_daemon
rp_topo_create
rp_topo_static_neigh
rp_write_mitigation_config "$RP_TMP/node.conf" "$RP_POLICY_DIR/mix.conf"
rp_daemon_start "$RP_TMP/node.conf"

BLOCKED=198.18.200.1
PPS=${RP_MIX_PPS:-3000}

rp_ctl --json policy show >"$RP_TMP/policy.json"
rp_expect_eq "policy at start: version" 1 "$(rp_json 'd["version"]' <"$RP_TMP/policy.json")"
rp_expect_eq "policy at start: file" "$RP_POLICY_DIR/mix.conf" \
	"$(rp_json 'd["file"]' <"$RP_TMP/policy.json")"
rp_expect_eq "policy at start: mode, rules, prefixes" '["enforce", 5, 1, 2]' \
	"$(rp_json '[d["mode"], d["rules"], d["allow_prefixes"], d["deny_prefixes"]]' \
		<"$RP_TMP/policy.json")"
rp_ctl blocklist add "$BLOCKED" >/dev/null || rp_fail "blocklist add $BLOCKED"

rp_mix_run mix "$RP_POLICY_DIR/mix-expect.json" enforce --scenario mix --pps "$PPS" \
	--blocked "$BLOCKED"

# A bit rate counts IP lengths (docs/policy.md): 800 UDP packets of 100 IP bytes (114-byte
# frames) against mix.conf's bulk-bps rule of 1000 bit/s, whose burst is 65535 bytes: 655 pass
# (and maybe one or two more for the 125 bytes a second it adds), where frame lengths would
# let 574 through.
cat >"$RP_TMP/expect-bps.json" <<'EOF'
{"classes": {"203.0.113.230": "limit-bytes rate_limit 1000"},
 "rules": {"bulk-bps": {"classes": ["203.0.113.230"], "dropped": "rate_limit"}}}
EOF
rp_mix_run bps "$RP_TMP/expect-bps.json" enforce --scenario udp --src 203.0.113.230 \
	--dport 9001 --size 72 --count 800 --pps 2000

# The blocklist still holds the one source, and added none by itself (no auto-block here).
rp_expect_eq "blocklist: entries" 1 "$(rp_json 'd["blocklist"]["count"]' <"$RP_TMP/mix-after.json")"
rp_expect_eq "blocklist: auto-added" 0 \
	"$(rp_json 'd["blocklist"]["stats"]["auto_added"]' <"$RP_TMP/mix-after.json")"
rp_expect_eq "protected host rx_dropped" 0 "$(rp_if_stat "$RP_NS_DOWN" "$RP_HOST_IF" rx_dropped)"
rp_log "PASS"
