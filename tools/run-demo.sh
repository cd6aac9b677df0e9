#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A live Rampart demo on virtual ports, in under a minute:
#   1. installs what is missing (tools/install-deps.sh) and builds (build/ or $RAMPART_BUILD_DIR);
#   2. creates three network namespaces: an upstream host, the Rampart node, a protected host,
#      joined by veth pairs; the node's two interfaces form one link pair (bump in the wire);
#   3. starts rampartd on them (workers sleep 100 us when idle, so it does not hog the machine);
#   4. sends a bounded amount of traffic both ways: ping, ping over IPv6, UDP bursts, a TCP
#      transfer echoed back;
#   5. shows `rampartctl status`, `ports` and `stats`, and says what happened;
#   6. mitigation: loads a policy (tests/data/policy/mix.conf) with `rampartctl policy load`,
#      blocks a source with `rampartctl blocklist add`, sends legitimate traffic and attacks
#      together from the upstream host for two seconds (a SYN flood from spoofed sources, NTP
#      and DNS reflection, an ICMP flood, the blocked source...: tests/integration/attack.py),
#      counts per class what reached the protected host (a capture there), shows
#      `rampartctl rules` and `drops`, and says what the policy did;
#   7. stops rampartd with `rampartctl shutdown` and removes everything, also on Ctrl-C or error.
# Needs root. Exits 0 when every packet crossed in step 4, and in step 6 the legitimate traffic
# all arrived and the attacks were held back as the policy says.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${RAMPART_BUILD_DIR:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
export RAMPART_SRC=$ROOT
export RAMPARTD=${RAMPARTD:-$BUILD/control/rampartd}
export RAMPARTCTL=${RAMPARTCTL:-$BUILD/tools/rampartctl/rampartctl}
export RP_NAME=run-demo

if [ "$(id -u)" -ne 0 ]; then
	echo "run-demo: needs root (it creates network namespaces and runs DPDK on them)" >&2
	exit 1
fi

step() {
	printf '\n==> %s\n' "$*"
}

step "Installing missing packages and building"
"$ROOT/tools/install-deps.sh" </dev/null
if [ -f "$BUILD/build.ninja" ]; then
	meson setup --reconfigure "$BUILD" "$ROOT" >/dev/null </dev/null
else
	meson setup "$BUILD" "$ROOT" >/dev/null </dev/null
fi
ninja -C "$BUILD" </dev/null | tail -n 1

# shellcheck source=tests/integration/lib.sh
. "$ROOT/tests/integration/lib.sh"
rp_init dm
rp_require_daemon

step "Creating the topology"
rp_topo_create
cat <<EOF
  upstream host   netns $RP_NS_UP    $RP_HOST_IF  $RP_UP_IP4/24  $RP_UP_IP6/64
  Rampart node    netns $RP_NS_NODE  $RP_NODE_UP_IF <-> $RP_NODE_DOWN_IF  (link pair lp0, no IP)
  protected host  netns $RP_NS_DOWN  $RP_HOST_IF  $RP_DOWN_IP4/24  $RP_DOWN_IP6/64
EOF

step "Starting rampartd"
rp_write_mitigation_config "$RP_TMP/demo.conf" "" 100
sed 's/^/  | /' "$RP_TMP/demo.conf"
rp_daemon_start "$RP_TMP/demo.conf"
echo "  rampartd is running (pid $RP_DAEMON_PID); its log: $RP_DAEMON_LOG"

step "Sending traffic through the node"
lost=0
report() { # WHAT SENT RECEIVED
	printf '  %-46s %5s sent, %5s received\n' "$1:" "$2" "$3"
	[ "$2" = "$3" ] || lost=1
}
P=20
U=200
report "upstream -> protected, ping" "$P" "$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP4" "$P")"
report "protected -> upstream, ping" "$P" "$(rp_ping "$RP_NS_DOWN" "$RP_UP_IP4" "$P")"
report "upstream -> protected, ping over IPv6" "$P" "$(rp_ping "$RP_NS_UP" "$RP_DOWN_IP6" "$P")"
rp_udp_burst "$RP_NS_UP" "$RP_NS_DOWN" "$RP_DOWN_IP4" 7001 "$U" 100
report "upstream -> protected, UDP datagrams" "$U" "$RP_UDP_GOT"
rp_udp_burst "$RP_NS_DOWN" "$RP_NS_UP" "$RP_UP_IP4" 7002 "$U" 100
report "protected -> upstream, UDP datagrams" "$U" "$RP_UDP_GOT"
if rp_tcp_echo "$RP_NS_DOWN" "$RP_NS_UP" "$RP_DOWN_IP4" 7003 1048576 2>/dev/null; then
	echo "  upstream client -> protected TCP server:      1 MiB sent and echoed back intact"
else
	echo "  upstream client -> protected TCP server:      FAILED (the echo did not match)"
	lost=1
fi

step "rampartctl status"
rp_ctl status
step "rampartctl ports"
rp_ctl ports
step "rampartctl stats"
rp_ctl stats

stats=$(rp_ctl --json stats)
up_rx=$(rp_port_stat up0 rx_packets "$stats")
down_tx=$(rp_port_stat down0 tx_packets "$stats")
down_rx=$(rp_port_stat down0 rx_packets "$stats")
up_tx=$(rp_port_stat up0 tx_packets "$stats")

step "What happened"
cat <<EOF
  rampartd read $up_rx frames from the upstream side (up0) and sent $down_tx to the protected
  side (down0); it read $down_rx frames from the protected side and sent $up_tx upstream.
  Those counts include ARP and IPv6 neighbour discovery as well as the test traffic: the
  node is a bump in the wire, so the two hosts talk as if they shared one cable.
EOF
if [ "$lost" = 0 ] && [ "$up_rx" = "$down_tx" ] && [ "$down_rx" = "$up_tx" ]; then
	echo "  Every frame that came in on one side went out on the other; nothing was lost."
else
	echo "  Some traffic did not make it across (see above)."
fi

step "Mitigation: loading a policy"
rp_topo_static_neigh
echo "  tests/data/policy/mix.conf, the policy the mitigation tests use:"
grep -v '^[[:space:]]*#' "$RP_POLICY_DIR/mix.conf" | sed 's/^/  | /'
echo "  # rampartctl policy load tests/data/policy/mix.conf"
rp_ctl policy load "$RP_POLICY_DIR/mix.conf" | sed 's/^/  /'
BLOCKED=198.18.200.1
echo "  # rampartctl blocklist add $BLOCKED --ttl 600"
rp_ctl blocklist add "$BLOCKED" --ttl 600 | sed 's/^/  /'

step "Sending legitimate traffic and attacks together from the upstream host"
cat <<EOF
  attack.py sends about 6000 frames in two seconds, every class spread over the whole time:
  legitimate UDP, TCP and ping from $RP_UP_IP4, DNS answers and web traffic from other
  sources, NTP answers from an allow-listed source, UDP over IPv6; and a SYN flood to port 80
  from 1000 spoofed sources of 198.18.0.0/15, NTP and DNS reflection (large answers from ports
  123 and 53), an ICMP echo flood from one source, traffic from the blocked source and from
  deny-listed ones, SYNs to telnet, a UDP flood to port 9000 (limited to 20/s per source), and
  malformed IPv4. A capture on the protected host counts what arrives, class by class.
EOF
mit_ok=1
rp_wait_quiet 10 || true
rp_capture_start "$RP_NS_DOWN" demo-mix
rp_mit_snapshot "$RP_TMP/mix-before.json"
d0=$(rp_if_stat "$RP_NS_DOWN" "$RP_HOST_IF" rx_packets)
rp_attack_send "$RP_TMP/mix-manifest.json" --scenario mix --pps 3000 --blocked "$BLOCKED" \
	2>/dev/null
rp_wait_quiet 10 || true
rp_mit_snapshot "$RP_TMP/mix-after.json"
rp_capture_stop $(($(rp_if_stat "$RP_NS_DOWN" "$RP_HOST_IF" rx_packets) - d0))
rp_capture_count "$RP_TMP/mix-manifest.json" "$RP_TMP/mix-counts.json"
"$RP_PY" "$RP_ATTACK" check --manifest "$RP_TMP/mix-manifest.json" \
	--counts "$RP_TMP/mix-counts.json" --before "$RP_TMP/mix-before.json" \
	--after "$RP_TMP/mix-after.json" --expect "$RP_POLICY_DIR/mix-expect.json" \
	>"$RP_TMP/mix-check.txt" || mit_ok=0
sed 's/^/  /' "$RP_TMP/mix-check.txt"

step "rampartctl rules"
rp_ctl rules
step "rampartctl drops"
rp_ctl drops

step "What the policy did"
"$RP_PY" - "$RP_TMP/mix-manifest.json" "$RP_TMP/mix-counts.json" \
	"$RP_POLICY_DIR/mix-expect.json" <<'EOF'
import json, sys
man, counts, exp = (json.load(open(f)) for f in sys.argv[1:4])
legit = [c for c, f in exp["classes"].items() if f == "pass"]
limited = [c for c, f in exp["classes"].items() if f.startswith("limit")]
attack = [c for c in exp["classes"] if c not in legit]


def tot(names, key):
    if key == "sent":
        return sum(man["classes"][c]["sent"] for c in names)
    return sum(counts["classes"].get(c, {"got": 0})["got"] for c in names)


print(f"  Legitimate packets: {tot(legit, 'sent')} sent, {tot(legit, 'got')} reached the "
      "protected host.")
print(f"  Attack packets: {tot(attack, 'sent')} sent, {tot(attack, 'got')} reached it, all of "
      "them what the rate limits admit")
print("  (a burst of one second's worth, then the rate): "
      + ", ".join(f"{c} {tot([c], 'got')}" for c in limited) + ".")
print("  Every other attack packet was dropped, and counted under its reason in `drops`.")
EOF
if [ "$mit_ok" = 1 ]; then
	echo "  Rampart's counters agree with what was sent and what arrived, class by class."
else
	echo "  Something did not go as the policy says: see the MISMATCH lines above."
fi

step "Stopping rampartd (rampartctl shutdown) and removing the topology"
rp_ctl shutdown >/dev/null
rp_wait_exit "$RP_DAEMON_PID" 15
echo "  rampartd exited with status $RP_STATUS"
rp_teardown
echo "  namespaces, veth pairs and temporary files removed"
[ "$lost" = 0 ] && [ "$mit_ok" = 1 ] && [ "$RP_STATUS" = 0 ]
