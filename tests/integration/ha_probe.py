#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Probes for the HA integration tests and the failover benchmark (ha_lib.sh).

Every mode is bounded in time and prints one JSON document on stdout.

  arp     --iface IF --ip VIP [--count N] [--interval S] [--timeout S]
          ask who has VIP (ARP, or IPv6 neighbour solicitation when VIP is
          IPv6) N times from IF; print the replies and the MACs they carry
  pcap    --pcap FILE [--vip ADDR ...]
          classify the frames of a capture: VRRP adverts (with what their
          checksum matches: "rfc", "v2-compatible" or "bad"), also grouped by
          every field but the time; gratuitous ARP and unsolicited neighbour
          advertisements for a VIP; ARP replies and solicited neighbour
          advertisements for a VIP; and the rest
  gap     --log FILE [--kill T] [--end T]
          the longest gap between consecutive replies of `ping -D`, and the
          longest one ending after T (epoch seconds), when a node was killed;
          END is when ping stopped, for a VIP that never answered again
  checksum --selftest
          check the two VRRP checksum computations against known adverts

Run it inside a namespace with `ip netns exec` (arp) or anywhere (pcap, gap).
"""

import argparse
import ipaddress
import json
import re
import statistics
import sys
import time

VRRP_PROTO = 112


def fail(msg):
    print(f"ha_probe: {msg}", file=sys.stderr)
    sys.exit(2)


def ones_complement_sum(data):
    """The 16-bit one's complement sum of data (padded with a zero byte)."""
    if len(data) % 2:
        data += b"\0"
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def vrrp_checksum(vrrp, src, dst):
    """The checksum a VRRP message should carry, with its own checksum field
    taken as zero: (rfc, without_pseudo_header). src and dst are the IP
    addresses as bytes; IPv6 has only the first (RFC 9568 section 5.2.8)."""
    msg = bytes(vrrp[:6]) + b"\0\0" + bytes(vrrp[8:])
    if len(src) == 4:
        pseudo = src + dst + bytes([0, VRRP_PROTO]) + len(msg).to_bytes(2, "big")
    else:
        pseudo = src + dst + len(msg).to_bytes(4, "big") + bytes([0, 0, 0, VRRP_PROTO])
    rfc = ~ones_complement_sum(pseudo + msg) & 0xFFFF
    bare = ~ones_complement_sum(msg) & 0xFFFF
    return rfc, (bare if len(src) == 4 else None)


def vrrp_decode(vrrp, src, dst):
    """A dict describing one VRRP message (raw bytes), or None when too short."""
    if len(vrrp) < 8:
        return None
    version = vrrp[0] >> 4
    d = {
        "version": version,
        "type": vrrp[0] & 0x0F,
        "vrid": vrrp[1],
        "priority": vrrp[2],
        "naddr": vrrp[3],
    }
    if version == 3:
        d["interval_cs"] = ((vrrp[4] & 0x0F) << 8) | vrrp[5]
    else:
        d["auth_type"] = vrrp[4]
        d["interval_cs"] = vrrp[5] * 100
    alen = 4 if len(src) == 4 else 16
    addrs = []
    for i in range(d["naddr"]):
        a = vrrp[8 + i * alen : 8 + (i + 1) * alen]
        if len(a) < alen:
            break
        addrs.append(str(ipaddress.ip_address(bytes(a))))
    d["addrs"] = addrs
    got = (vrrp[6] << 8) | vrrp[7]
    rfc, bare = vrrp_checksum(vrrp, src, dst)
    if version == 3 and got == rfc:
        d["csum"] = "rfc"
    elif got == bare:
        d["csum"] = "v2-compatible" if version == 3 else "v2"
    else:
        d["csum"] = "bad"
    return d


def cmd_pcap(args):
    from scapy.all import ARP, IP, Ether, IPv6, PcapReader, Raw  # noqa: F401
    from scapy.layers.inet6 import ICMPv6ND_NA

    vips = set(str(ipaddress.ip_address(v)) for v in (args.vip or []))
    out = {"frames": 0, "adverts": [], "garp": [], "arp_replies": [], "other": 0, "other_kinds": {}}

    def other(kind):
        out["other"] += 1
        out["other_kinds"][kind] = out["other_kinds"].get(kind, 0) + 1

    try:
        reader = PcapReader(args.pcap)
    except Exception as e:  # an empty file (tcpdump ended before its header) or garbage
        fail(f"cannot read {args.pcap}: {e}")
    with reader:
        for p in reader:
            out["frames"] += 1
            t = float(p.time)
            if Ether not in p:
                other("not-ethernet")
                continue
            eth = p[Ether]
            base = {"t": t, "src_mac": eth.src.lower(), "dst_mac": eth.dst.lower()}
            if IP in p and p[IP].proto == VRRP_PROTO:
                ip = p[IP]
                raw = bytes(ip.payload)
                d = vrrp_decode(raw, ipaddress.ip_address(ip.src).packed,
                                ipaddress.ip_address(ip.dst).packed)
                if d is None:
                    other("vrrp-short")
                    continue
                d.update(base, src=ip.src, dst=ip.dst, ttl=ip.ttl, family=4)
                out["adverts"].append(d)
            elif IPv6 in p and p[IPv6].nh == VRRP_PROTO:
                ip = p[IPv6]
                raw = bytes(ip.payload)
                d = vrrp_decode(raw, ipaddress.ip_address(ip.src).packed,
                                ipaddress.ip_address(ip.dst).packed)
                if d is None:
                    other("vrrp-short")
                    continue
                d.update(base, src=ip.src, dst=ip.dst, ttl=ip.hlim, family=6)
                out["adverts"].append(d)
            elif ARP in p:
                a = p[ARP]
                if a.psrc in vips and a.psrc == a.pdst:
                    out["garp"].append(dict(base, ip=a.psrc, mac=a.hwsrc.lower(), op=int(a.op)))
                elif a.op == 2 and a.psrc in vips:
                    out["arp_replies"].append(dict(base, ip=a.psrc, mac=a.hwsrc.lower()))
                else:
                    other("arp")
            elif ICMPv6ND_NA in p and str(ipaddress.ip_address(p[ICMPv6ND_NA].tgt)) in vips:
                na = p[ICMPv6ND_NA]
                mac = eth.src.lower()
                opt = na.payload
                while opt is not None and opt.name != "NoPayload":
                    if getattr(opt, "type", None) == 2 and hasattr(opt, "lladdr"):
                        mac = opt.lladdr.lower()
                    opt = opt.payload
                tgt = str(ipaddress.ip_address(na.tgt))
                if na.S:
                    out["arp_replies"].append(dict(base, ip=tgt, mac=mac))
                else:
                    out["garp"].append(dict(base, ip=tgt, mac=mac, op=0))
            elif IP in p:
                other(f"ipv4-proto-{p[IP].proto}")
            elif IPv6 in p:
                other(f"ipv6-nh-{p[IPv6].nh}")
            else:
                other(f"ethertype-{eth.type:#06x}")
    out["advert_groups"] = advert_groups(out["adverts"])
    print(json.dumps(out))


GROUP_KEYS = ("src_mac", "dst_mac", "src", "dst", "family", "ttl", "version", "type", "vrid",
              "priority", "interval_cs", "addrs", "csum")


def advert_groups(adverts):
    """Adverts that agree on every field but the time, with their count, first and last time
    and the median time between two of them."""
    groups = {}
    for a in adverts:
        key = json.dumps([a.get(k) for k in GROUP_KEYS])
        groups.setdefault(key, []).append(a["t"])
    out = []
    for key, times in groups.items():
        g = dict(zip(GROUP_KEYS, json.loads(key)))
        g.update(count=len(times), first=times[0], last=times[-1])
        gaps = [b - a for a, b in zip(times, times[1:])]
        g["median_gap_ms"] = round(statistics.median(gaps) * 1000, 1) if gaps else None
        out.append(g)
    return sorted(out, key=lambda g: g["first"])


def cmd_arp(args):
    from scapy.all import ARP, AsyncSniffer, Ether, conf, get_if_addr, get_if_hwaddr, sendp
    from scapy.layers.inet6 import (ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, IPv6,
                                    in6_getnsma, in6_getnsmac, inet_pton)
    import socket

    conf.verb = 0
    vip = ipaddress.ip_address(args.ip)
    mac = get_if_hwaddr(args.iface)
    if vip.version == 4:
        flt = "arp and arp[6:2] = 2"
        req = Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / ARP(
            op=1, hwsrc=mac, psrc=get_if_addr(args.iface), pdst=str(vip))
    else:
        if not args.src6:
            fail("--src6 is needed for an IPv6 VIP")
        nsma = in6_getnsma(inet_pton(socket.AF_INET6, str(vip)))
        flt = "icmp6 and ip6[40] = 136"
        req = (Ether(src=mac, dst=in6_getnsmac(nsma)) /
               IPv6(src=args.src6, dst=socket.inet_ntop(socket.AF_INET6, nsma), hlim=255) /
               ICMPv6ND_NS(tgt=str(vip)) / ICMPv6NDOptSrcLLAddr(lladdr=mac))
    sniffer = AsyncSniffer(iface=args.iface, filter=flt, store=True)
    sniffer.start()
    time.sleep(0.2)  # the capture socket is open once start() returns, the filter soon after
    for i in range(args.count):
        sendp(req, iface=args.iface)
        if i + 1 < args.count:
            time.sleep(args.interval)
    time.sleep(args.timeout)
    pkts = sniffer.stop() or []
    replies = []
    for p in pkts:
        if vip.version == 4 and ARP in p and p[ARP].op == 2 and p[ARP].psrc == str(vip):
            replies.append({"t": float(p.time), "mac": p[ARP].hwsrc.lower(),
                            "eth_src": p[Ether].src.lower()})
        elif vip.version == 6 and ICMPv6ND_NA in p and \
                ipaddress.ip_address(p[ICMPv6ND_NA].tgt) == vip:
            lladdr = p[Ether].src.lower()
            opt = p[ICMPv6ND_NA].payload
            while opt is not None and opt.name != "NoPayload":
                if getattr(opt, "type", None) == 2 and hasattr(opt, "lladdr"):
                    lladdr = opt.lladdr.lower()
                opt = opt.payload
            replies.append({"t": float(p.time), "mac": lladdr, "eth_src": p[Ether].src.lower()})
    print(json.dumps({"ip": str(vip), "requests": args.count, "replies": len(replies),
                      "macs": sorted(set(r["mac"] for r in replies)),
                      "eth_src": sorted(set(r["eth_src"] for r in replies))}))


PING_RE = re.compile(r"^\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=(\d+)")


def cmd_gap(args):
    times = []
    dups = 0
    with open(args.log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = PING_RE.match(line)
            if not m:
                continue
            if "DUP!" in line:
                dups += 1
                continue
            times.append(float(m.group(1)))
    out = {"replies": len(times), "dups": dups}
    if len(times) < 2:
        out.update(gap_ms=None, kill_gap_ms=None, recovered=False)
        print(json.dumps(out))
        return
    gaps = [(times[i + 1] - times[i], times[i], times[i + 1]) for i in range(len(times) - 1)]
    g = max(gaps)
    out.update(gap_ms=round(g[0] * 1000, 1), gap_from=g[1], gap_to=g[2],
               median_interval_ms=round(statistics.median(x[0] for x in gaps) * 1000, 2))
    if args.kill is not None:
        if args.down is None:
            sys.exit("ha_probe.py gap: --kill needs --down (when the links were down)")
        # The kill is timed just before the links go down (--kill), and --down just after:
        # no reply from the dead node can come after --down. The failover's gap is the one
        # that spans that moment: from the last reply before it to the first after it, which
        # only the new master can send. A later gap, once the new master answers, is not the
        # failover's; the longest after the kill is given beside it (longest_after_kill_ms).
        # When the last reply came more than half a second before ping was told to stop
        # (--end), the VIP did not come back, and the gap lasts at least from that reply to
        # the end.
        after = [x for x in gaps if x[2] > args.kill]
        out["replies_after_kill"] = sum(1 for t in times if t > args.kill)
        if after:
            out["longest_after_kill_ms"] = round(max(after)[0] * 1000, 1)
        tail = args.end - times[-1] if args.end else 0.0
        span = [x for x in gaps if x[1] <= args.down < x[2]]
        if span and tail < 0.5:
            k = span[0]
            out.update(recovered=True, kill_gap_ms=round(k[0] * 1000, 1), kill_gap_from=k[1],
                       kill_gap_to=k[2], kill_to_first_reply_ms=round((k[2] - args.kill) * 1000, 1))
        else:
            out.update(recovered=False, kill_gap_ms=round(tail * 1000, 1) if args.end else None)
    print(json.dumps(out))


def cmd_checksum(args):
    # A VRRPv3 advert for VRID 51, priority 150, 1 s interval, 198.51.100.100, from
    # 198.51.100.11 to 224.0.0.18. Each checksum is checked against its definition (RFC 1071):
    # with the checksum in place, what it covers sums to 0xffff.
    src = ipaddress.ip_address("198.51.100.11").packed
    dst = ipaddress.ip_address("224.0.0.18").packed
    body = bytes([0x31, 51, 150, 1, 0x00, 100, 0, 0]) + ipaddress.ip_address(
        "198.51.100.100").packed
    rfc, bare = vrrp_checksum(body, src, dst)
    # Check the definition: a message carrying its checksum sums to 0xffff.
    msg_rfc = body[:6] + rfc.to_bytes(2, "big") + body[8:]
    msg_bare = body[:6] + bare.to_bytes(2, "big") + body[8:]
    pseudo = src + dst + bytes([0, VRRP_PROTO]) + len(body).to_bytes(2, "big")
    ok = (ones_complement_sum(pseudo + msg_rfc) == 0xFFFF and
          ones_complement_sum(msg_bare) == 0xFFFF and rfc != bare and
          vrrp_decode(msg_rfc, src, dst)["csum"] == "rfc" and
          vrrp_decode(msg_bare, src, dst)["csum"] == "v2-compatible")
    print(json.dumps({"rfc": hex(rfc), "v2_compatible": hex(bare), "ok": ok}))
    sys.exit(0 if ok else 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("arp")
    p.add_argument("--iface", required=True)
    p.add_argument("--ip", required=True)
    p.add_argument("--src6", help="source address of neighbour solicitations")
    p.add_argument("--count", type=int, default=3)
    p.add_argument("--interval", type=float, default=0.1)
    p.add_argument("--timeout", type=float, default=0.5)
    p = sub.add_parser("pcap")
    p.add_argument("--pcap", required=True)
    p.add_argument("--vip", action="append")
    p = sub.add_parser("gap")
    p.add_argument("--log", required=True)
    p.add_argument("--kill", type=float)
    p.add_argument("--down", type=float)
    p.add_argument("--end", type=float)
    p = sub.add_parser("checksum")
    p.add_argument("--selftest", action="store_true", required=True)
    args = ap.parse_args()
    if args.cmd == "arp":
        if not 1 <= args.count <= 100 or not 0 <= args.interval <= 5 or \
                not 0 < args.timeout <= 10:
            fail("--count 1..100, --interval 0..5 s, --timeout up to 10 s")
        cmd_arp(args)
    elif args.cmd == "pcap":
        cmd_pcap(args)
    elif args.cmd == "gap":
        cmd_gap(args)
    else:
        cmd_checksum(args)


if __name__ == "__main__":
    main()
