#!/usr/bin/python3
"""VRRP advert sniffer (bench helper, run in a namespace that sees the adverts): records every
IPv4 VRRP packet (IP protocol 112) on --dev for --seconds and prints, per source address, the
count, the priority-0 count and the largest gap between two adverts (ms), plus the number of
times the sending source changed (a failover shows up as a change), and how many gaps exceeded
20 / 30 / 50 ms. Gaps are measured between the kernel's receive timestamps (SO_TIMESTAMPNS), so
the sniffer's own wake-up latency is not in them; every gap over --log-gap ms is listed with the
CLOCK_MONOTONIC time of its end (to line up with stall_log and the engine's logs). JSON on
stdout."""
import argparse
import json
import socket
import time

p = argparse.ArgumentParser()
p.add_argument("--dev", default="eth0")
p.add_argument("--seconds", type=float, required=True)
p.add_argument("--log-gap", type=float, default=25.0)
a = p.parse_args()

ETH_P_IP = 0x0800
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
s.bind((a.dev, 0))
s.settimeout(0.2)
SO_TIMESTAMPNS = 35
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
# realtime -> monotonic offset (kernel stamps are CLOCK_REALTIME)
offset = time.clock_gettime(time.CLOCK_REALTIME) - time.monotonic()
gaps = []
stats = {}
last_src = None
changes = 0
end = time.monotonic() + a.seconds
while time.monotonic() < end:
    try:
        pkt, anc, _, _ = s.recvmsg(2048, 64)
    except socket.timeout:
        continue
    now = time.monotonic()
    for level, typ, data in anc:
        if level == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS and len(data) >= 16:
            sec = int.from_bytes(data[0:8], "little")
            nsec = int.from_bytes(data[8:16], "little")
            now = sec + nsec / 1e9 - offset
    if len(pkt) < 24 or pkt[9] != 112:
        continue
    ihl = (pkt[0] & 0xF) * 4
    src = socket.inet_ntoa(pkt[12:16])
    prio = pkt[ihl + 2]
    st = stats.setdefault(src, {"count": 0, "prio0": 0, "max_gap_ms": 0.0, "last": None,
                                "gaps_over_ms": {"20": 0, "30": 0, "50": 0}})
    st["count"] += 1
    st["prio0"] += prio == 0
    if st["last"] is not None:
        gap = (now - st["last"]) * 1000
        st["max_gap_ms"] = max(st["max_gap_ms"], gap)
        if gap > a.log_gap:
            gaps.append([src, round(now, 4), round(gap, 1)])
        for k in st["gaps_over_ms"]:
            st["gaps_over_ms"][k] += gap > int(k)
    st["last"] = now
    if last_src is not None and src != last_src:
        changes += 1
        gaps.append([src, round(now, 4), "source change from " + last_src])
    last_src = src
for st in stats.values():
    st.pop("last")
    st["max_gap_ms"] = round(st["max_gap_ms"], 1)
print(json.dumps({"sources": stats, "source_changes": changes, "gaps": gaps}))
