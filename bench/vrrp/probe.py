#!/usr/bin/python3
"""Failover probe, run in the client namespace. Sends a UDP datagram to VIP:7777 every 1 ms;
each node's responder answers with its name. Once --want answers steadily... no: once the old
master answers, it signals PIDS with SIG, and prints the milliseconds until the first answer
from --want. Bounded by --timeout."""
import argparse
import os
import select
import socket
import time

p = argparse.ArgumentParser()
p.add_argument("--vip", required=True)
p.add_argument("--old", required=True)
p.add_argument("--want", required=True)
p.add_argument("--sig", type=int, required=True)
p.add_argument("--pids", type=int, nargs="+", required=True)
p.add_argument("--timeout", type=float, default=20)
a = p.parse_args()

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)


def ask(until, want):
    last = 0.0
    while time.monotonic() < until:
        now = time.monotonic()
        if now - last >= 0.001:
            s.sendto(b"?", (a.vip, 7777))
            last = now
        r, _, _ = select.select([s], [], [], 0.001)
        if r:
            try:
                data, _ = s.recvfrom(64)
            except BlockingIOError:
                continue
            if data.decode() == want:
                return time.monotonic()
    return None


if ask(time.monotonic() + 10, a.old) is None:
    raise SystemExit("old master %s never answered" % a.old)
t0 = time.monotonic()
for pid in a.pids:
    os.kill(pid, a.sig)
t1 = ask(t0 + a.timeout, a.want)
print("timeout" if t1 is None else "%.1f" % ((t1 - t0) * 1000))
