#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Packets the paired port cannot take are freed and counted. A net_pcap port reads a file of
# FRAMES frames as fast as the worker polls, a full burst of 32 each time, and its link pair
# sends them out of an af_packet port whose ring has 16 frames (framecnt=16): at most 16 of
# every burst fit, the rest are dropped. The node runs a monitor-mode policy, so everything it
# receives goes on to tx. The file ends, so the traffic stops: the counters are read only once
# they have stopped moving, when no burst can be half counted (a worker adds to rx before it
# adds to tx and drops, so two ports read while it forwards do not agree). Checked then: every
# frame of the file was received, and every one sent or counted in tx_drops, none missing or
# counted twice; the byte counters agree; and drops run to many times the mbuf pool with no
# allocation failure: had the unsent mbufs not been returned, the pool would have run dry and
# the rest of the file been lost to rx_nombuf.
set -euo pipefail
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rp_init td
rp_require_tools timeout
rp_require_daemon
rp_topo_create
BURST=32
POOL=8191
FRAMES=640000
FRAME_LEN=64

# The file: FRAMES copies of one 64-byte UDP frame, 198.51.100.1 to 203.0.113.1 port 9, to a
# MAC address the protected host does not have, so that it throws them away unread.
"$RP_PY" - "$RP_TMP/gen.pcap" "$FRAMES" "$FRAME_LEN" <<'PY'
import struct, sys
path, count, length = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
payload = bytes(length - 14 - 20 - 8)
udp = struct.pack("!HHHH", 40000, 9, 8 + len(payload), 0) + payload
ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                           bytes([198, 51, 100, 1]), bytes([203, 0, 113, 1])))
csum = sum(struct.unpack("!10H", bytes(ip)))
csum = (csum & 0xffff) + (csum >> 16)
ip[10:12] = struct.pack("!H", ~csum & 0xffff)
frame = bytes.fromhex("020000000002" "020000000001" "0800") + bytes(ip) + udp
assert len(frame) == length
record = struct.pack("<IIII", 0, 0, length, length) + frame
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    f.write(record * count)
PY

cat >"$RP_TMP/node.conf" <<CONF
node = { id = "$RP_NODE_ID"; };
dpdk = { lcores = "0-1"; memory_mb = 512; };
ports = (
  { name = "gen0"; device = "net_pcap0,rx_pcap=$RP_TMP/gen.pcap"; },
  { name = "down0"; device = "net_af_packet0,iface=down0,framecnt=16"; }
);
link_pairs = ( { name = "lp0"; upstream = "gen0"; protected = "down0"; } );
workers = { lcores = [1]; burst = $BURST; idle_sleep_us = 0; mbufs = $POOL; };
control = { socket = "$RP_SOCK"; };
policy = { file = "monitor.conf"; };
CONF
echo 'mode = "monitor";' >"$RP_TMP/monitor.conf"
rp_daemon_start "$RP_TMP/node.conf"

# The counters of the direction gen0 -> down0, as one line (the protected host's own frames,
# the other way, may come at any time and do not matter here).
forward_counters() {
	rp_ctl --json stats | rp_json '[(p["name"], p["rx_packets"]) if p["name"] == "gen0" else
		(p["name"], p["tx_packets"], p["tx_drops"]) for p in d["ports"]]'
}

# Wait (at most 30 s) until the counters have not moved for half a second, which they do only
# once the file is read to its end (or reception stopped); then take the snapshot the checks
# read. The file's 51 MB are read in about a second.
deadline=$((SECONDS + 30))
prev=$(forward_counters)
while :; do
	sleep 0.5
	cur=$(forward_counters)
	[ "$cur" = "$prev" ] && break
	[ "$SECONDS" -le "$deadline" ] || rp_fail "the counters never stopped moving: $cur"
	prev=$cur
done
rp_log "counters quiet: $cur"
rp_ctl --json stats >"$RP_TMP/stats"
rp_ctl --json ports >"$RP_TMP/ports"

rp_check "every frame received, then sent or counted as dropped; drops far beyond the pool" \
	"$RP_PY" - "$RP_TMP" "$FRAMES" "$FRAME_LEN" "$POOL" <<'PY'
import json, sys
tmp, frames, length, pool = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def port(view, name):
    return [p for p in view["ports"] if p["name"] == name][0]
s = json.load(open("%s/stats" % tmp))
p = json.load(open("%s/ports" % tmp))
gen, down = port(s, "gen0"), port(s, "down0")
assert port(p, "gen0")["hw"]["rx_nombuf"] == 0, port(p, "gen0")["hw"]
assert gen["rx_packets"] == frames, ("frames received", frames, gen)
assert gen["rx_bytes"] == frames * length, ("bytes received", gen)
# Quiet: no burst is between its rx and its tx, so nothing may be missing.
assert down["tx_packets"] + down["tx_drops"] == gen["rx_packets"], ("rx != tx + drops", gen, down)
assert down["tx_bytes"] == down["tx_packets"] * length, ("bytes sent", down)
assert down["tx_drops"] > 20 * pool, ("too few drops to tell a leak", down)
assert down["tx_packets"] > 0, down
print("received %d, sent %d, dropped %d (%.1f%%)" % (gen["rx_packets"], down["tx_packets"],
      down["tx_drops"], 100.0 * down["tx_drops"] / gen["rx_packets"]))
PY

rp_ctl shutdown >/dev/null
rp_wait_exit "$RP_DAEMON_PID" 10
rp_expect_eq "exit status" 0 "$RP_STATUS"
rp_log "PASS"
