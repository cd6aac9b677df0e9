#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Packets the paired port cannot take are freed and counted. A net_null port hands the worker
# a full burst of 32 on every poll, and its link pair sends them out of an af_packet port whose
# ring has 16 frames (framecnt=16): at most 16 of every burst fit, the rest are dropped.
# net_null's frames hold whatever their mbufs held before, which the parser mostly refuses, so
# the node runs a monitor-mode policy: everything it receives goes on to tx. Checked: every
# packet received is either sent or counted in tx_drops (up to the
# one burst a worker may be in the middle of when the counters are read), tx bytes never
# exceed rx bytes, and drops run to many times the mbuf pool, with reception still going: had
# the unsent mbufs not been returned, the pool would have run dry and reception stopped.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init td
rp_require_tools timeout
rp_require_daemon
rp_topo_create
BURST=32
cat >"$RP_TMP/node.conf" <<CONF
node = { id = "$RP_NODE_ID"; };
dpdk = { lcores = "0-1"; memory_mb = 512; };
ports = (
  { name = "gen0"; device = "net_null0,size=64"; },
  { name = "down0"; device = "net_af_packet0,iface=down0,framecnt=16"; }
);
link_pairs = ( { name = "lp0"; upstream = "gen0"; protected = "down0"; } );
workers = { lcores = [1]; burst = $BURST; idle_sleep_us = 0; mbufs = 8191; };
control = { socket = "$RP_SOCK"; };
policy = { file = "monitor.conf"; };
CONF
echo 'mode = "monitor";' >"$RP_TMP/monitor.conf"
rp_daemon_start "$RP_TMP/node.conf"

sample() {
	rp_ctl --json stats >"$RP_TMP/stats.$1"
	rp_ctl --json ports >"$RP_TMP/ports.$1"
}
sample 1
sleep 2
sample 2

rp_check "every packet sent or counted as dropped; drops far beyond the pool" "$RP_PY" - \
	"$RP_TMP" "$BURST" <<'PY'
import json, sys
tmp, burst = sys.argv[1], int(sys.argv[2])
def port(view, name):
    return [p for p in view["ports"] if p["name"] == name][0]
s1, s2 = (json.load(open("%s/stats.%d" % (tmp, i))) for i in (1, 2))
p2 = json.load(open("%s/ports.2" % tmp))
for s in (s1, s2):
    gen, down = port(s, "gen0"), port(s, "down0")
    gap = gen["rx_packets"] - (down["tx_packets"] + down["tx_drops"])
    # The worker adds to rx before it adds to tx and drops: a read may fall in between.
    assert 0 <= gap <= burst, ("rx minus (tx + drops)", gap, gen, down)
    assert down["tx_bytes"] <= gen["rx_bytes"], (down, gen)
gen1, gen2 = port(s1, "gen0"), port(s2, "gen0")
down2 = port(s2, "down0")
assert down2["tx_drops"] > 20 * 8191, ("too few drops to tell a leak", down2)
assert gen2["rx_packets"] - gen1["rx_packets"] > 8191, ("reception stalled", gen1, gen2)
assert down2["tx_packets"] > 0, down2
assert port(p2, "gen0")["hw"]["rx_nombuf"] == 0, port(p2, "gen0")["hw"]
print("received %d, sent %d, dropped %d (%.1f%%)" % (gen2["rx_packets"], down2["tx_packets"],
      down2["tx_drops"], 100.0 * down2["tx_drops"] / gen2["rx_packets"]))
PY

rp_ctl shutdown >/dev/null
rp_wait_exit "$RP_DAEMON_PID" 10
rp_expect_eq "exit status" 0 "$RP_STATUS"
rp_log "PASS"
