#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Traffic mixes of legitimate and attack packets with known counts, for the mitigation
tests and the demo, and the counter that says how many of each arrived.

Frames are built here byte by byte (Ethernet, IPv4/IPv6, UDP/TCP/ICMP, checksums right) and
sent from a raw AF_PACKET socket, so spoofed sources are possible and nothing in the sending
host's stack gets in the way. Run `send` inside the upstream host's namespace. Every frame
carries a tag in its payload: b"RPMX", a class id (1 byte) and a sequence number (4 bytes),
so that a capture taken behind the node can be counted per class, and every lost or
duplicated packet seen.

  send  --iface IF --dst-mac MAC --scenario mix|stream|udp [--pps R] [--manifest FILE] ...
        build the scenario's frames, interleave the classes evenly over the whole run, send
        them paced at R frames per second (bounded by --timeout), and write a manifest: per
        class the count sent, the frame bytes, and when its first and last frame left. With
        --until FILE the scenario is sent again and again until FILE exists
  count --pcap FILE [--manifest FILE]
        count a capture's tagged frames per class (and distinct sequence numbers); prints
        JSON
  check --manifest FILE --counts FILE --before FILE --after FILE --expect JSON [--mode M]
        compare a run with what the policy should have done to each class, and with the
        node's counters (snapshots of `rampartctl --json drops`, `rules` and `stats` taken
        before and after the run); prints a table per class, every mismatch, and exits 1
        when there is one. The expectations (JSON, a file name or the text itself):
          "mode":      "enforce" or "monitor" (--mode overrides it)
          "classes":   {class: "pass" | "drop REASON" | "limit REASON PPS" |
                       "limit-bytes REASON BPS"}: all arrive; none arrive, each counted under
                       REASON; at least a burst of PPS and at most the burst plus PPS a second
                       arrive, the rest counted under REASON; the same for a bit rate, in IP
                       bytes (the class's packets all of one size), with a burst of a second's
                       worth but at least 65535 bytes (dp_rate.h). In monitor mode every class
                       arrives (malformed packets too: docs/policy.md), each reason counts
                       what enforce mode would drop, and "monitored" is their sum
          "rules":     {rule: {"classes": [class...], "dropped": 0 | "all" | REASON}}: the
                       rule matched exactly the packets (and frame bytes) of those classes
          "allow_prefix": [class...]: forwarded for their allow-listed source
          "slack":     seconds added to a class's sending time for the limits (default 1)

Scenarios (counts are multiplied by --scale; 198.51.100.2 is the protected host):

  mix      legitimate: udp from 198.51.100.1, tcp to port 22 from 198.51.100.1 (SYN then
           data), ICMP echo from 198.51.100.1 (40, under any echo burst of 50), small DNS
           answers from 203.0.113.200, TCP data to port 80 from 203.0.113.201, large NTP
           answers from 203.0.113.130 (an allow-listed source), IPv6 udp from
           2001:db8:100::1;
           attacks: a SYN flood to port 80 from 1000 spoofed 198.18.0.0/15 sources, NTP and
           DNS reflection (source ports 123 and 53, large), an ICMP echo flood from one
           source, a flood from --blocked, floods from 203.0.113.10 and 2001:db8:bad::7
           (deny prefixes), SYNs to telnet, a UDP flood to port 9000 from one source (rate
           limited), and IPv4 frames with a header length of 4 (malformed)
  stream   a steady legitimate stream from 198.51.100.1 (--count udp datagrams, half as many
           tcp segments to port 22, up to 40 ICMP echo requests) with attacks mixed in (a
           quarter as many each from a deny-prefix source and NTP reflectors)
  udp      --count UDP datagrams to --dport from each source of --src (a comma-separated
           list); each source is a class, named after its address
"""

import argparse
import array
import ipaddress
import json
import os
import socket
import struct
import sys
import time

TAG = b"RPMX"
TAG_LEN = len(TAG) + 5

PROTECTED4 = "198.51.100.2"
PROTECTED6 = "2001:db8:100::2"
UPSTREAM4 = "198.51.100.1"
UPSTREAM6 = "2001:db8:100::1"

TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(array.array("H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    c = (~s) & 0xffff
    # array("H") summed the words in the machine's byte order; callers pack in network order.
    return ((c & 0xff) << 8 | c >> 8) if sys.byteorder == "little" else c


def ip_bytes(addr):
    return ipaddress.ip_address(addr).packed


def pseudo(src, dst, proto, length):
    s, d = ip_bytes(src), ip_bytes(dst)
    if len(s) == 4:
        return s + d + struct.pack("!BBH", 0, proto, length)
    return s + d + struct.pack("!IxxxB", length, proto)


def l4_with_csum(src, dst, proto, hdr, data, off):
    """hdr with its checksum field at @off filled in for the pseudo header and @data."""
    seg = hdr + data
    c = csum(pseudo(src, dst, proto, len(seg)) + seg)
    if proto == socket.IPPROTO_UDP and c == 0:
        c = 0xffff
    return seg[:off] + struct.pack("!H", c) + seg[off + 2:]


def udp(src, dst, sport, dport, data):
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(data), 0)
    return l4_with_csum(src, dst, socket.IPPROTO_UDP, hdr, data, 6)


def tcp(src, dst, sport, dport, flags, seq, ack, data):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                      5 << 4, flags, 65535, 0, 0)
    return l4_with_csum(src, dst, socket.IPPROTO_TCP, hdr, data, 16)


def icmp_echo(ident, seq, data):
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq & 0xffff)
    c = csum(hdr + data)
    return hdr[:2] + struct.pack("!H", c) + hdr[4:] + data


def icmp6_echo(src, dst, ident, seq, data):
    hdr = struct.pack("!BBHHH", 128, 0, 0, ident, seq & 0xffff)
    return l4_with_csum(src, dst, 58, hdr, data, 2)


def ipv4(src, dst, proto, payload, ihl=5, ident=0):
    total = 20 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, ident & 0xffff, 0, 64, proto, 0,
                      ip_bytes(src), ip_bytes(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return 0x0800, hdr + payload


def ipv6(src, dst, nh, payload):
    hdr = struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, 64, ip_bytes(src),
                      ip_bytes(dst))
    return 0x86dd, hdr + payload


def tagged(cid, seq, size):
    """A payload of @size bytes (at least the tag) that starts with the class's tag."""
    head = TAG + struct.pack("!BI", cid, seq)
    return head + bytes(max(0, size - len(head)))


def is_v6(addr):
    return ":" in addr


# ----------------------------------------------------------------------------------------------
# Classes: a name, a count and a function of (class id, sequence number) giving
# (ethertype, L3 packet).

class Cls:
    def __init__(self, name, count, build):
        self.name, self.count, self.build = name, count, build


def udp_cls(name, count, src, dst, sport, dport, size, sport_step=0):
    def build(cid, i):
        sp = sport + (i % sport_step if sport_step else 0)
        data = tagged(cid, i, size)
        seg = udp(src, dst, sp, dport, data)
        if is_v6(src):
            return ipv6(src, dst, socket.IPPROTO_UDP, seg)
        return ipv4(src, dst, socket.IPPROTO_UDP, seg, ident=i)
    return Cls(name, count, build)


def tcp_cls(name, count, src, dst, sport, dport, size, syn_first):
    """TCP segments of one made-up connection: a SYN first when @syn_first, then data."""
    def build(cid, i):
        if syn_first and i == 0:
            flags, data = TCP_SYN, tagged(cid, i, 0)
        else:
            flags, data = TCP_ACK | TCP_PSH, tagged(cid, i, size)
        seg = tcp(src, dst, sport, dport, flags, 1000 + i * size, 1, data)
        return ipv4(src, dst, socket.IPPROTO_TCP, seg, ident=i)
    return Cls(name, count, build)


def syn_flood_cls(name, count, dport, sources):
    """SYNs from @sources spoofed addresses of 198.18.0.0/15, each used in turn."""
    base = int(ipaddress.ip_address("198.18.0.0"))

    def build(cid, i):
        src = str(ipaddress.ip_address(base + 1 + i % sources))
        seg = tcp(src, PROTECTED4, 1024 + i % 60000, dport, TCP_SYN, i * 7919, 0,
                  tagged(cid, i, 0))
        return ipv4(src, PROTECTED4, socket.IPPROTO_TCP, seg, ident=i)
    return Cls(name, count, build)


def reflection_cls(name, count, net, sport, size):
    """Large UDP answers from source port @sport of reflectors in @net (a /24)."""
    base = int(ipaddress.ip_address(net))

    def build(cid, i):
        src = str(ipaddress.ip_address(base + 1 + i % 250))
        seg = udp(src, PROTECTED4, sport, 20000 + i % 40000, tagged(cid, i, size))
        return ipv4(src, PROTECTED4, socket.IPPROTO_UDP, seg, ident=i)
    return Cls(name, count, build)


def icmp_cls(name, count, src, size=56):
    def build(cid, i):
        if is_v6(src):
            return ipv6(src, PROTECTED6, 58, icmp6_echo(src, PROTECTED6, 0x5200 + cid, i,
                                                       tagged(cid, i, size)))
        return ipv4(src, PROTECTED4, socket.IPPROTO_ICMP,
                    icmp_echo(0x5200 + cid, i, tagged(cid, i, size)), ident=i)
    return Cls(name, count, build)


def bad_ihl_cls(name, count, src):
    """IPv4 with a header length of 4 words: malformed, whatever the policy."""
    def build(cid, i):
        ethertype, pkt = ipv4(src, PROTECTED4, socket.IPPROTO_UDP,
                              udp(src, PROTECTED4, 4000, 4000, tagged(cid, i, 32)), ihl=4)
        return ethertype, pkt
    return Cls(name, count, build)


def scenario_mix(a):
    n = lambda k: max(1, int(round(k * a.scale)))  # noqa: E731
    return [
        # legitimate
        udp_cls("legit-udp", n(300), UPSTREAM4, PROTECTED4, 40001, 5001, 100),
        tcp_cls("legit-ssh", n(200), UPSTREAM4, PROTECTED4, 40002, 22, 200, True),
        icmp_cls("legit-icmp", 40, UPSTREAM4),
        udp_cls("legit-dns", n(200), "203.0.113.200", PROTECTED4, 53, 33000, 200),
        tcp_cls("legit-web", n(200), "203.0.113.201", PROTECTED4, 40003, 80, 300, False),
        udp_cls("allowed-ntp", n(100), "203.0.113.130", PROTECTED4, 123, 40004, 900),
        udp_cls("legit-udp6", n(100), UPSTREAM6, PROTECTED6, 40005, 5001, 100),
        # attacks
        syn_flood_cls("syn-flood", n(2000), 80, 1000),
        reflection_cls("ntp-refl", n(500), "198.18.64.0", 123, 600),
        reflection_cls("dns-refl", n(500), "198.18.65.0", 53, 1400),
        icmp_cls("icmp-flood", n(600), "198.18.100.100"),
        udp_cls("blocklisted", n(300), a.blocked, PROTECTED4, 40006, 5001, 100),
        udp_cls("denied", n(300), "203.0.113.10", PROTECTED4, 40007, 5001, 100),
        udp_cls("denied6", n(100), "2001:db8:bad::7", PROTECTED6, 40008, 5001, 100),
        tcp_cls("telnet", n(200), "198.18.150.1", PROTECTED4, 40009, 23, 0, True),
        udp_cls("api-flood", n(300), "203.0.113.220", PROTECTED4, 40010, 9000, 64),
        bad_ihl_cls("malformed", n(50), UPSTREAM4),
    ]


def scenario_stream(a):
    icmp = max(1, min(40, a.count // 10))
    return [
        udp_cls("legit-udp", a.count, UPSTREAM4, PROTECTED4, 41001, 5001, 100),
        tcp_cls("legit-ssh", a.count // 2, UPSTREAM4, PROTECTED4, 41002, 22, 200, True),
        icmp_cls("legit-icmp", max(1, icmp), UPSTREAM4),
        udp_cls("denied", a.count // 4, "203.0.113.10", PROTECTED4, 41003, 5001, 100),
        reflection_cls("ntp-refl", a.count // 4, "198.18.64.0", 123, 600),
    ]


def scenario_udp(a):
    out = []
    for src in a.src.split(","):
        dst = PROTECTED6 if is_v6(src) else PROTECTED4
        out.append(udp_cls(src, a.count, src, dst, a.sport, a.dport, a.size))
    return out


SCENARIOS = {"mix": scenario_mix, "stream": scenario_stream, "udp": scenario_udp}


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def iface_mac(iface):
    with open(f"/sys/class/net/{iface}/address", encoding="ascii") as f:
        return f.read().strip()


def schedule(classes):
    """Every frame of every class, in sending order: class k's i-th frame at the fraction
    (i + 0.5) / count of the run, so each class is spread over the whole of it."""
    order = []
    for cid, c in enumerate(classes):
        for i in range(c.count):
            order.append(((i + 0.5) / c.count, cid, i))
    order.sort()
    return [(cid, i) for _, cid, i in order]


def build_round(classes, eth, rnd):
    """The frames of one round of the scenario, in sending order. Round r numbers class c's
    frames from r * c.count on."""
    frames = []
    for cid, i in schedule(classes):
        ethertype, pkt = classes[cid].build(cid, rnd * classes[cid].count + i)
        frames.append((cid, eth + struct.pack("!H", ethertype) + pkt))
    return frames


def send(a):
    classes = SCENARIOS[a.scenario](a)
    if len(classes) > 255:
        raise SystemExit("too many classes")
    eth = mac_bytes(a.dst_mac) + mac_bytes(a.src_mac or iface_mac(a.iface))
    frames = build_round(classes, eth, 0)
    n_round = len(frames)

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    s.bind((a.iface, 0))
    stats = [{"sent": 0, "bytes": 0, "ip_bytes": 0, "first": None, "last": None}
             for _ in classes]
    if a.ready:
        with open(a.ready, "w", encoding="ascii") as f:
            f.write(f"{len(frames)}\n")
    t0 = time.monotonic()
    deadline = t0 + a.timeout
    sent = 0
    k = 0
    rnd = 0
    while True:
        if k == len(frames):
            # The round is over: with --until, another one until the file appears.
            if not a.until or os.path.exists(a.until):
                break
            rnd += 1
            frames += build_round(classes, eth, rnd)
        if a.until and k > 0 and k % 50 == 0 and os.path.exists(a.until):
            break
        cid, frame = frames[k]
        due = t0 + k / a.pps
        now = time.monotonic()
        if now > deadline:
            break
        if due > now:
            time.sleep(due - now)
        tries = 0
        while True:
            try:
                s.send(frame)
                break
            except OSError as e:  # ENOBUFS: the device queue is full for a moment
                tries += 1
                if tries > 100 or time.monotonic() > deadline:
                    raise SystemExit(f"send failed after {sent} frames: {e}")
                time.sleep(0.001)
        t = time.monotonic() - t0
        st = stats[cid]
        st["sent"] += 1
        st["bytes"] += len(frame)
        st["ip_bytes"] += len(frame) - 14
        if st["first"] is None:
            st["first"] = t
        st["last"] = t
        sent += 1
        k += 1
    end = time.monotonic() - t0
    s.close()
    # The frames meant to be sent: every frame built, unless --until ended the run (on time).
    stopped = bool(a.until) and os.path.exists(a.until)
    manifest = {
        "scenario": a.scenario,
        "pps": a.pps,
        "frames": sent if stopped else len(frames),
        "rounds": rnd + 1,
        "sent": sent,
        "duration": end,
        "classes": {},
    }
    for cid, c in enumerate(classes):
        st = stats[cid]
        span = (st["last"] - st["first"]) if st["sent"] else 0.0
        manifest["classes"][c.name] = {"id": cid, "sent": st["sent"], "bytes": st["bytes"],
                                       "ip_bytes": st["ip_bytes"], "first": st["first"],
                                       "last": st["last"], "span": span}
    text = json.dumps(manifest, indent=1, sort_keys=True)
    if a.manifest:
        tmp = a.manifest + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(text + "\n")
        os.replace(tmp, a.manifest)
    print(f"{sent} of {manifest['frames']} frames sent in {end:.2f} s ({rnd + 1} rounds of "
          f"{n_round})")
    return 0 if sent == manifest["frames"] else 1


# ----------------------------------------------------------------------------------------------
# Counting a capture

def pcap_frames(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        raise SystemExit(f"{path}: not a pcap file (tcpdump -w writes one)")
    rec = struct.Struct(endian + "IIII")
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = rec.unpack_from(data, off)
        off += 16
        yield data[off:off + incl]
        off += incl


def count(a):
    names = {}
    if a.manifest:
        with open(a.manifest, encoding="ascii") as f:
            for name, c in json.load(f)["classes"].items():
                names[c["id"]] = name
    frames = tagged_n = 0
    seen = {}
    got = {}
    for fr in pcap_frames(a.pcap):
        frames += 1
        p = fr.find(TAG)
        if p < 0 or p + TAG_LEN > len(fr):
            continue
        tagged_n += 1
        cid, seq = struct.unpack_from("!BI", fr, p + len(TAG))
        key = names.get(cid, str(cid))
        got[key] = got.get(key, 0) + 1
        seen.setdefault(key, set()).add(seq)
    out = {"frames": frames, "tagged": tagged_n, "classes": {}}
    for key in sorted(set(names.values()) | set(got)):
        out["classes"][key] = {"got": got.get(key, 0), "distinct": len(seen.get(key, ()))}
    print(json.dumps(out, indent=1, sort_keys=True))
    return 0


# ----------------------------------------------------------------------------------------------
# Checking a run against the policy's expected effect

PARSER_REASONS = ("truncated", "vlan_depth", "ip_version", "ipv4_ihl", "ipv4_length",
                  "ipv4_options", "ipv6_length", "ipv6_ext", "fragment_bad", "l4_header")


def load_json(arg):
    if arg.lstrip().startswith("{"):
        return json.loads(arg)
    with open(arg, encoding="utf-8") as f:
        return json.load(f)


def unwrap(d):
    return d["data"] if isinstance(d, dict) and "ok" in d and "data" in d else d


def port_of(stats, name):
    return [p for p in stats["ports"] if p["name"] == name][0]


def check(a):
    man = load_json(a.manifest)
    counts = load_json(a.counts)["classes"]
    before, after = load_json(a.before), load_json(a.after)
    exp = load_json(a.expect)
    mode = a.mode_override or exp.get("mode", "enforce")
    slack = float(exp.get("slack", 1.0))
    monitor = mode == "monitor"
    d0, d1 = unwrap(before["drops"]), unwrap(after["drops"])
    t0, t1 = d0["totals"], d1["totals"]
    bad = []

    def expect(what, want, got):
        if want != got:
            bad.append(f"{what}: expected {want}, got {got}")

    def delta(key):
        return t1[key] - t0[key]

    def reason(key):
        return t1["drops"][key] - t0["drops"][key]

    if d1["mode"] != mode:
        bad.append(f"the running policy's mode is {d1['mode']}, not {mode}")
    expect("frames sent", man["frames"], man["sent"])

    # Per class: what reached the protected host, and what each reason should have counted.
    want_reason = {}      # reason -> [low, high] drops expected
    rows = []
    for name, c in man["classes"].items():
        sent = c["sent"]
        got = counts.get(name, {"got": 0, "distinct": 0})
        arrived = got["got"]
        if got["distinct"] != arrived:
            bad.append(f"{name}: {arrived - got['distinct']} frames arrived more than once")
        fate = exp["classes"].get(name)
        if fate is None:
            bad.append(f"{name}: no expectation given for this class")
            continue
        words = fate.split()
        if words[0] == "pass":
            text = "all arrive"
            lo = hi = sent
        elif words[0] == "drop":
            r = words[1]
            text = f"none arrive ({r})"
            lo = hi = 0
            if monitor:
                text = f"all arrive (monitor: {r})"
                lo = hi = sent
            w = want_reason.setdefault(r, [0, 0])
            w[0] += sent
            w[1] += sent
        elif words[0] in ("limit", "limit-bytes"):
            r, rate = words[1], int(words[2])
            if words[0] == "limit":
                unit = f"{rate}/s"
                cap = min(sent, int(rate + rate * (c["span"] + slack)))
                burst = min(sent, rate)
            else:
                unit = f"{rate} bit/s"
                size = c["ip_bytes"] / sent
                tau = max(rate / 8, 65535)
                cap = min(sent, int((tau + rate / 8 * (c["span"] + slack)) / size))
                burst = min(sent, int(tau / size))
            w = want_reason.setdefault(r, [0, 0])
            if monitor:
                text = f"all arrive (monitor: {r} over {unit})"
                lo = hi = sent
                w[0] += sent - cap
                w[1] += sent - burst
            else:
                text = f"{burst} to {cap} arrive ({r}, {unit} over {c['span']:.2f} s)"
                lo, hi = burst, cap
                w[0] += sent - arrived
                w[1] += sent - arrived
        else:
            raise SystemExit(f"{name}: unknown expectation {fate!r}")
        if not lo <= arrived <= hi:
            bad.append(f"{name}: {arrived} of {sent} arrived; expected "
                       + (f"{lo}" if lo == hi else f"{lo} to {hi}"))
        rows.append((name, sent, arrived, text))

    # Every drop reason: exactly what the classes account for, 0 for the others. In monitor
    # mode "monitored" counts them all, the parser's included: nothing is dropped.
    policy_drops = all_drops = 0
    for r in sorted(t1["drops"]):
        got = reason(r)
        lo, hi = want_reason.get(r, [0, 0])
        if not lo <= got <= hi:
            bad.append(f"drops {r}: counted {got}, expected "
                       + (f"{lo}" if lo == hi else f"{lo} to {hi}"))
        all_drops += got
        if r not in PARSER_REASONS:
            policy_drops += got
    expect("drops monitored", all_drops if monitor else 0, delta("monitored"))
    expect("drops allow_prefix",
           sum(man["classes"][k]["sent"] for k in exp.get("allow_prefix", [])),
           delta("allow_prefix"))
    for k in ("offenders", "offenders_lost", "rate_evictions"):
        expect(f"drops {k}", int(exp.get(k, 0)), delta(k))
    # The workers' columns add up to the totals.
    for k in ("inspected", "monitored"):
        expect(f"drops {k}: sum of the workers", t1[k], sum(w[k] for w in d1["workers"]))

    # Rules: matched packets and bytes of exactly their classes.
    r0 = {r["name"]: r for r in unwrap(before["rules"]).get("rules", [])}
    r1 = {r["name"]: r for r in unwrap(after["rules"]).get("rules", [])}
    same = unwrap(before["rules"]).get("policy_version") == unwrap(after["rules"]).get(
        "policy_version")
    for rule, want in exp.get("rules", {}).items():
        if rule not in r1:
            bad.append(f"rule {rule}: not in the running policy")
            continue
        base = r0.get(rule) if same else None
        dp = r1[rule]["packets"] - (base["packets"] if base else 0)
        db = r1[rule]["bytes"] - (base["bytes"] if base else 0)
        dd = r1[rule]["dropped"] - (base["dropped"] if base else 0)
        expect(f"rule {rule}: packets", sum(man["classes"][k]["sent"] for k in want["classes"]),
               dp)
        expect(f"rule {rule}: bytes", sum(man["classes"][k]["bytes"] for k in want["classes"]),
               db)
        wd = want.get("dropped", 0)
        if wd == "all":
            wd = dp
        elif isinstance(wd, str):
            wd = reason(wd)
        expect(f"rule {rule}: dropped", wd, dd)

    # The node: every frame received was parsed and either inspected or passed as non-IP or
    # refused by the parser; what came in upstream went out on the protected side unless
    # dropped.
    s0, s1 = unwrap(before["stats"]), unwrap(after["stats"])
    rx = {n: port_of(s1, n)["rx_packets"] - port_of(s0, n)["rx_packets"] for n in ("up0", "down0")}
    tx = {n: port_of(s1, n)["tx_packets"] - port_of(s0, n)["tx_packets"] for n in ("up0", "down0")}
    txd = {n: port_of(s1, n)["tx_drops"] - port_of(s0, n)["tx_drops"] for n in ("up0", "down0")}
    parser = sum(reason(r) for r in PARSER_REASONS)
    expect("inspected + non_ip + malformed = frames received on both ports",
           rx["up0"] + rx["down0"], delta("inspected") + delta("non_ip") + parser)
    dropped = 0 if monitor else all_drops
    expect("down0 tx_packets = up0 rx_packets - drops", rx["up0"] - dropped, tx["down0"])
    expect("up0 tx_packets = down0 rx_packets", rx["down0"], tx["up0"])
    expect("tx_drops", {"up0": 0, "down0": 0}, txd)

    width = max([len("CLASS")] + [len(r[0]) for r in rows])
    print(f"{'CLASS':<{width}} {'SENT':>5} {'ARRIVED':>7}  EXPECTED")
    for name, sent, arrived, text in rows:
        print(f"{name:<{width}} {sent:>5} {arrived:>7}  {text}")
    print(f"sent {man['sent']} frames in {man['duration']:.2f} s; node: up0 rx {rx['up0']}, "
          f"down0 tx {tx['down0']}, inspected {delta('inspected')}, policy drops "
          f"{policy_drops}, monitored {delta('monitored')}, malformed {parser}")
    nonzero = {r: reason(r) for r in sorted(t1["drops"]) if reason(r)}
    print("drops by reason: " + (", ".join(f"{r} {n}" for r, n in nonzero.items()) or "none"))
    if a.deltas:
        with open(a.deltas, "w", encoding="ascii") as f:
            json.dump({"drops": {r: reason(r) for r in t1["drops"]},
                       "monitored": delta("monitored")}, f, sort_keys=True)
    for b in bad:
        print("MISMATCH: " + b)
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="mode", required=True)

    s = sub.add_parser("send")
    s.add_argument("--iface", required=True)
    s.add_argument("--dst-mac", required=True)
    s.add_argument("--src-mac")
    s.add_argument("--scenario", choices=sorted(SCENARIOS), required=True)
    s.add_argument("--pps", type=float, default=4000.0)
    s.add_argument("--timeout", type=float, default=60.0)
    s.add_argument("--manifest")
    s.add_argument("--ready", help="file written once the frames are built")
    s.add_argument("--until", help="repeat the scenario (sequence numbers going on) until this "
                   "file exists, within --timeout")
    s.add_argument("--scale", type=float, default=1.0)
    s.add_argument("--blocked", default="198.18.200.1")
    s.add_argument("--count", type=int, default=1000)
    s.add_argument("--src", default=UPSTREAM4)
    s.add_argument("--sport", type=int, default=42000)
    s.add_argument("--dport", type=int, default=5001)
    s.add_argument("--size", type=int, default=64)

    c = sub.add_parser("count")
    c.add_argument("--pcap", required=True)
    c.add_argument("--manifest")

    k = sub.add_parser("check")
    k.add_argument("--manifest", required=True)
    k.add_argument("--counts", required=True)
    k.add_argument("--before", required=True)
    k.add_argument("--after", required=True)
    k.add_argument("--expect", required=True)
    k.add_argument("--deltas", help="write the drop counters' deltas here (JSON)")
    k.add_argument("--mode", dest="mode_override", choices=("enforce", "monitor"),
                   help="the policy's mode, instead of the expectations' \"mode\"")

    a = p.parse_args()
    if a.mode == "check":
        return check(a)
    if a.mode == "send":
        if a.pps <= 0:
            raise SystemExit("--pps must be positive")
        return send(a)
    return count(a)


if __name__ == "__main__":
    sys.exit(main())
