#!/usr/bin/python3
"""Failover probe, run in the client namespace. Sends a UDP datagram to VIP:7777 every 1 ms;
each node's responder answers with its name. Once the old master answers, it waits for the next
VRRP advert from --advert-src on --dev (raw socket), signals PIDS with SIG right after it (so
every daemon is stopped at the same phase of its advert interval), and prints three numbers:
ms from the signal to the first answer from --want, ms from that last advert to the answer, and
ms from the advert to the signal. Bounded by --timeout."""
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
p.add_argument("--advert-src", required=True)
p.add_argument("--dev", default="eth0")
p.add_argument("--timeout", type=float, default=20)
a = p.parse_args()

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)
raw = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
raw.bind((a.dev, 0))
raw.setblocking(False)
src = socket.inet_aton(a.advert_src)


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


def drain():
    while True:
        try:
            raw.recv(2048)
        except BlockingIOError:
            return


def next_advert(until):
    drain()
    while time.monotonic() < until:
        r, _, _ = select.select([raw], [], [], 0.05)
        if not r:
            continue
        pkt = raw.recv(2048)
        if len(pkt) >= 20 and pkt[9] == 112 and pkt[12:16] == src:
            return time.monotonic()
    return None


if ask(time.monotonic() + 10, a.old) is None:
    raise SystemExit("old master %s never answered" % a.old)
tadv = next_advert(time.monotonic() + 10)
if tadv is None:
    raise SystemExit("no advert from %s" % a.advert_src)
t0 = time.monotonic()
for pid in a.pids:
    os.kill(pid, a.sig)
t1 = ask(t0 + a.timeout, a.want)
if t1 is None:
    print("timeout timeout %.1f" % ((t0 - tadv) * 1000))
else:
    print("%.1f %.1f %.1f" % ((t1 - t0) * 1000, (t1 - tadv) * 1000, (t0 - tadv) * 1000))
