#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Bounded traffic endpoints for the integration tests and the demo.

Every mode ends by itself: by a packet or byte count, or by --timeout seconds,
whichever comes first. Run it inside a host namespace with `ip netns exec`.

  udp-recv   --port P --count N [--timeout T] [--ready FILE] [--linger S]
             bind P, count datagrams until N arrived (then linger S seconds to
             catch extras) or until T; print the count received
  udp-send   --dst ADDR --port P --count N [--size B] [--pps R]
             send exactly N datagrams of B payload bytes, paced at R per second;
             print the count sent
  tcp-echo   --port P [--conns K] [--timeout T] [--ready FILE]
             serve K connections one after the other, echo every byte back
  tcp-send   --dst ADDR --port P --bytes B [--timeout T]
             connect, send B bytes of a known pattern, read the echo back and
             compare; print "bytes=B ok" and exit 0 when it matches, else exit 1
"""

import argparse
import socket
import sys
import time


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def touch(path):
    if path:
        with open(path, "w", encoding="ascii") as f:
            f.write("ready\n")


def pattern(n):
    """n bytes of a pattern that shifts every 251 bytes, so a lost or swapped
    segment changes the stream."""
    block = bytes((i * 7 + i // 251) & 0xff for i in range(65536))
    out = bytearray()
    while len(out) < n:
        out += block
    return bytes(out[:n])


def udp_recv(a):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("::", a.port))
    touch(a.ready)
    got = 0
    deadline = time.monotonic() + a.timeout
    stop_at = deadline
    while True:
        left = stop_at - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            s.recv(65535)
        except socket.timeout:
            break
        got += 1
        if got == a.count:
            stop_at = min(deadline, time.monotonic() + a.linger)
    print(got)
    return 0


def udp_send(a):
    # One socket per flow: each has its own source port, so a receiver that spreads flows
    # over queues (RSS, af_packet fanout) sees --flows different ones, sent round-robin.
    socks = [socket.socket(family_of(a.dst), socket.SOCK_DGRAM) for _ in range(max(1, a.flows))]
    payload = bytes(a.size)
    gap = 1.0 / a.pps if a.pps > 0 else 0.0
    start = time.monotonic()
    sent = 0
    for i in range(a.count):
        if gap:
            delay = start + i * gap - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        socks[i % len(socks)].sendto(payload, (a.dst, a.port))
        sent += 1
    print(sent)
    return 0


def tcp_echo(a):
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", a.port))
    s.listen(4)
    touch(a.ready)
    deadline = time.monotonic() + a.timeout
    served = 0
    while served < a.conns:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            c, _ = s.accept()
        except socket.timeout:
            break
        with c:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                c.settimeout(left)
                try:
                    data = c.recv(65536)
                except socket.timeout:
                    break
                if not data:
                    break
                c.sendall(data)
        served += 1
    print(f"served={served}")
    return 0 if served == a.conns else 1


def tcp_send(a):
    data = pattern(a.bytes)
    deadline = time.monotonic() + a.timeout
    s = socket.create_connection((a.dst, a.port), timeout=a.timeout)
    back = bytearray()
    sent = 0
    s.setblocking(False)
    # Send and read at the same time so neither side's buffers fill up and stall.
    while len(back) < len(data):
        if time.monotonic() > deadline:
            print(f"timeout: sent={sent} echoed={len(back)}", file=sys.stderr)
            return 1
        progressed = False
        if sent < len(data):
            try:
                sent += s.send(data[sent:sent + 16384])
                progressed = True
                if sent == len(data):
                    s.shutdown(socket.SHUT_WR)
            except BlockingIOError:
                pass
        try:
            chunk = s.recv(65536)
            if not chunk:
                break
            back += chunk
            progressed = True
        except BlockingIOError:
            pass
        if not progressed:
            time.sleep(0.001)
    s.close()
    if bytes(back) != data:
        print(f"mismatch: sent={len(data)} echoed={len(back)}", file=sys.stderr)
        return 1
    print(f"bytes={len(data)} ok")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="mode", required=True)

    r = sub.add_parser("udp-recv")
    r.add_argument("--port", type=int, required=True)
    r.add_argument("--count", type=int, required=True)
    r.add_argument("--timeout", type=float, default=10.0)
    r.add_argument("--linger", type=float, default=0.3)
    r.add_argument("--ready")

    s = sub.add_parser("udp-send")
    s.add_argument("--dst", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--size", type=int, default=64)
    s.add_argument("--pps", type=float, default=2000.0)
    s.add_argument("--flows", type=int, default=1)

    e = sub.add_parser("tcp-echo")
    e.add_argument("--port", type=int, required=True)
    e.add_argument("--conns", type=int, default=1)
    e.add_argument("--timeout", type=float, default=20.0)
    e.add_argument("--ready")

    c = sub.add_parser("tcp-send")
    c.add_argument("--dst", required=True)
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--bytes", type=int, default=65536)
    c.add_argument("--timeout", type=float, default=20.0)

    a = p.parse_args()
    if a.mode == "udp-recv":
        return udp_recv(a)
    if a.mode == "udp-send":
        return udp_send(a)
    if a.mode == "tcp-echo":
        return tcp_echo(a)
    return tcp_send(a)


if __name__ == "__main__":
    sys.exit(main())
