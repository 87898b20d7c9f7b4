#!/usr/bin/python3
"""Crafts VRRP adverts (IPv4, v2/v3) and sends them as Ethernet frames on an interface, for the
hostile-input tests. Bounded: at most --count frames. With --replay SRC it first captures one
real advert from SRC and re-sends that unchanged."""
import argparse
import os
import socket
import struct
import sys
import time


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def vrrp(a, src: bytes, dst: bytes) -> bytes:
    addrs = b"".join(socket.inet_aton(x) for x in a.addrs)
    if a.version == 2:
        hdr = struct.pack("!BBBBBBH", 0x21, a.vrid, a.prio, len(a.addrs), 0, a.interval, 0)
        body = hdr + addrs + b"\0" * 8
        c = csum(body)
    else:
        hdr = struct.pack("!BBBBHH", 0x31, a.vrid, a.prio, len(a.addrs), a.interval & 0x0FFF, 0)
        body = hdr + addrs
        pseudo = src + dst + struct.pack("!BBH", 0, 112, len(body))
        c = csum(pseudo + body)
    if a.bad_checksum:
        c ^= 0x5A5A
    body = body[:6] + struct.pack("!H", c) + body[8:]
    if a.trailer == "random":
        body += bytes([1, 1, 0, 0]) + struct.pack("!I", int(time.time())) + os.urandom(20)
    if a.truncate:
        body = body[: a.truncate]
    return body


def ipv4(a, payload: bytes, src: bytes, dst: bytes) -> bytes:
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(payload), 0, 0, a.ttl, 112, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", default="eth0")
    p.add_argument("--src", default="10.77.0.9")
    p.add_argument("--dst", default="224.0.0.18")
    p.add_argument("--dst-mac", default="01:00:5e:00:00:12")
    p.add_argument("--ttl", type=int, default=255)
    p.add_argument("--version", type=int, default=3)
    p.add_argument("--vrid", type=int, default=51)
    p.add_argument("--prio", type=int, default=254)
    p.add_argument("--interval", type=int, default=10)
    p.add_argument("--addrs", nargs="*", default=["10.77.0.100"])
    p.add_argument("--bad-checksum", action="store_true")
    p.add_argument("--trailer", choices=["none", "random"], default="none")
    p.add_argument("--truncate", type=int, default=0)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--duration", type=float, default=0, help="spread --count over this many s")
    p.add_argument("--replay", metavar="SRC", help="capture one advert from SRC and resend it")
    a = p.parse_args()
    a.count = min(a.count, 200000)

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.bind((a.iface, 0))
    my_mac = s.getsockname()[4][:6]
    if a.replay:
        want = socket.inet_aton(a.replay)
        s.settimeout(5)
        deadline = time.time() + 5
        while True:
            if time.time() > deadline:
                sys.exit("no advert captured from " + a.replay)
            frame = s.recv(2048)
            if frame[23] == 112 and frame[26:30] == want:
                break
        for _ in range(a.count):
            s.send(frame)
        return
    src = socket.inet_aton(a.src)
    dst = socket.inet_aton(a.dst)
    dmac = bytes(int(x, 16) for x in a.dst_mac.split(":"))
    frame = dmac + my_mac + b"\x08\x00" + ipv4(a, vrrp(a, src, dst), src, dst)
    start = time.monotonic()
    for i in range(a.count):
        s.send(frame)
        if a.duration and i % 500 == 499:
            ahead = start + a.duration * (i + 1) / a.count - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)


if __name__ == "__main__":
    main()
