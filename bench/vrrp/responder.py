#!/usr/bin/python3
"""Answers every UDP datagram on port 7777 with this node's name (runs in a node namespace)."""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7777))
name = sys.argv[1].encode()
while True:
    _, peer = s.recvfrom(64)
    s.sendto(name, peer)
