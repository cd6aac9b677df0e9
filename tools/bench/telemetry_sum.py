#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sum one ethdev counter over several ports of a running DPDK process, through its telemetry
socket (/var/run/dpdk/<file prefix>/dpdk_telemetry.v2).

    telemetry_sum.py SOCKET FIELD PORT...
    telemetry_sum.py /var/run/dpdk/PREFIX/dpdk_telemetry.v2 opackets 0 1

Prints "TIME SUM": TIME is the midpoint (seconds since the epoch, the clock `date +%s.%N`
reads) between sending the first query and receiving the last reply, so that a rate taken
between two calls does not include this program's start-up. Exits 1 with a message on stderr
when the socket does not answer or a reply lacks the field. dpdk-telemetry.py does the same
job interactively but takes half a second to start, too slow to bracket a counter read.
"""
import json
import socket
import sys
import time


def query(sock, cmd, max_len):
    sock.send(cmd.encode())
    reply = json.loads(sock.recv(max_len).decode())
    return reply[cmd.split(",")[0]]


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: telemetry_sum.py SOCKET FIELD PORT...")
    path, field, ports = sys.argv[1], sys.argv[2], sys.argv[3:]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sock.settimeout(5)
    try:
        sock.connect(path)
        hello = json.loads(sock.recv(1024).decode())
        max_len = int(hello.get("max_output_len", 16384))
        t0 = time.time()
        stats = [query(sock, "/ethdev/stats,%d" % int(p), max_len) for p in ports]
        t1 = time.time()
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.exit("telemetry_sum.py: %s: %s" % (path, e))
    finally:
        sock.close()
    try:
        total = sum(int(s[field]) for s in stats)
    except (KeyError, TypeError, ValueError):
        sys.exit("telemetry_sum.py: %s: no counter %r in %r" % (path, field, stats))
    print("%.6f %d" % ((t0 + t1) / 2, total))


if __name__ == "__main__":
    main()
