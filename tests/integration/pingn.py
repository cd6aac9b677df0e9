#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""pingn.py DST COUNT [INTERVAL_S] [WAIT_S]: how many of COUNT echo requests DST answers.

Sends COUNT ICMP (or ICMPv6) echo requests to DST, INTERVAL_S apart (0.01), then waits until
every one has been answered or WAIT_S seconds (1) have passed since the last was sent, and
prints the number of distinct requests answered. ping(8) counts the same but, once some
replies came, waits only twice the longest round trip after its last request: on a busy
machine a reply that a short stall held back is then counted lost although nothing dropped
it. Needs a raw socket (root); the tests run it in their own network namespaces.
"""
import os
import select
import socket
import struct
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def main():
    if not 3 <= len(sys.argv) <= 5:
        sys.exit(__doc__.strip().splitlines()[0])
    dst, count = sys.argv[1], int(sys.argv[2])
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.01
    wait = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    v6 = ":" in dst
    family = socket.AF_INET6 if v6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_RAW,
                         socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
    # Only replies: the kernel answers requests to this namespace's addresses itself.
    if v6:
        # ICMP6_FILTER: block every type but 129 (echo reply); a set bit blocks.
        filt = bytearray(b"\xff" * 32)
        filt[129 >> 3] &= ~(1 << (129 & 7)) & 0xFF
        sock.setsockopt(socket.IPPROTO_ICMPV6, 1, bytes(filt))
    addr = socket.getaddrinfo(dst, None, family, socket.SOCK_RAW)[0][4]
    ident = os.getpid() & 0xFFFF
    want_type = 129 if v6 else 0
    answered = set()

    def receive(timeout):
        end = time.monotonic() + timeout
        while len(answered) < count:
            left = end - time.monotonic()
            if left <= 0 or not select.select([sock], [], [], left)[0]:
                return
            data, src = sock.recvfrom(2048)
            if src[0] != addr[0]:
                continue
            if not v6:
                data = data[(data[0] & 0x0F) * 4:]  # IPv4 raw sockets give the IP header
            if len(data) < 8:
                continue
            typ, _, _, rid, seq = struct.unpack("!BBHHH", data[:8])
            if typ == want_type and rid == ident and seq < count:
                answered.add(seq)

    start = time.monotonic()
    for seq in range(count):
        hdr = struct.pack("!BBHHH", 128 if v6 else 8, 0, 0, ident, seq)
        payload = b"rampart-pingn" + struct.pack("!d", time.time())
        msg = hdr + payload
        if not v6:  # the kernel fills in ICMPv6 checksums itself
            msg = hdr[:2] + struct.pack("!H", checksum(msg)) + hdr[4:] + payload
        try:
            sock.sendto(msg, addr)
        except OSError:
            pass  # no route or no neighbour: unanswered, as ping would count it
        receive(max(0.0, start + (seq + 1) * interval - time.monotonic()))
    receive(wait)
    print(len(answered))


if __name__ == "__main__":
    main()
