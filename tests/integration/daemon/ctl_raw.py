#!/usr/bin/env python3
"""Sends raw bytes to the lvsd control socket and prints what comes back.

ctl_raw.py SOCKET MODE
  MODE garbage     binary garbage + newline
  MODE truncated   half a JSON request, then shutdown(SHUT_WR)
  MODE oversized   70 KiB without newline
  MODE text:...    the given text + newline
Prints each response line; exits 0 when every line is a JSON object with "v" and "ok".
"""
import json
import socket
import sys

sock_path, mode = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sock_path)
if mode == "garbage":
    s.sendall(bytes(range(256)).replace(b"\n", b"") + b"\n")
elif mode == "truncated":
    s.sendall(b'{"v":1,"cmd":"sta')
    s.shutdown(socket.SHUT_WR)
elif mode == "oversized":
    try:
        s.sendall(b'{"v":1,"cmd":"status","args":{"x":"' + b"a" * (70 * 1024))
    except (BrokenPipeError, ConnectionResetError):
        pass
elif mode.startswith("text:"):
    s.sendall(mode[5:].encode() + b"\n")
    s.shutdown(socket.SHUT_WR)
else:
    sys.exit("unknown mode")
data = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
except (ConnectionResetError, socket.timeout):
    pass
lines = [l for l in data.split(b"\n") if l]
if not lines:
    print("no response")
    sys.exit(1)
for l in lines:
    obj = json.loads(l)
    if not isinstance(obj, dict) or "v" not in obj or "ok" not in obj:
        print("not a protocol response:", l)
        sys.exit(1)
    print(json.dumps(obj, sort_keys=True))
