#!/usr/bin/python3
"""Small test servers for the check probes: friendly (TCP banner, UDP echo, agent) and hostile
(silent, garbage, endless body, reset mid-handshake, close after headers). Each binds port 0 on
loopback and writes the port it got to --port-file."""
import argparse
import asyncio
import os
import socket
import struct


def write_port(path, port):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, path)


async def drain_until_eof(reader):
    try:
        while await reader.read(4096):
            pass
    except (ConnectionError, OSError):
        pass


def handler(mode, args):
    async def handle(reader, writer):
        try:
            if mode == "banner":  # TCP: greet, then echo one line
                writer.write(b"LVSD-READY\r\n")
                await writer.drain()
                line = await reader.readline()
                writer.write(b"echo: " + line)
                await writer.drain()
            elif mode == "agent":  # HAProxy agent: one line, then close
                text = args.text
                if args.text_file:
                    with open(args.text_file) as f:
                        text = f.read().strip()
                writer.write(text.encode() + b"\n")
                await writer.drain()
            elif mode == "silent":  # accept, never answer
                await drain_until_eof(reader)
            elif mode == "garbage":  # binary noise instead of HTTP
                await reader.read(4096)
                writer.write(bytes(range(256)) * 4 + b"\r\n\r\n")
                await writer.drain()
            elif mode == "garbage-now":  # noise at once, without waiting for a request
                writer.write(b"\x00\xff garbage \x01" * 10)
                await writer.drain()
            elif mode == "endless":  # 200 OK, body without end
                await reader.read(4096)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
                chunk = b"x" * 16384
                for _ in range(100000):
                    writer.write(chunk)
                    await writer.drain()
            elif mode == "headers-close":  # headers promising a body, then close
                await reader.read(4096)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
                await writer.drain()
            elif mode == "reset":  # read the TLS ClientHello, then RST
                await reader.read(4096)
                sock = writer.get_extra_info("socket")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except (ConnectionError, OSError):
            pass
        finally:
            try:
                writer.close()
            except (ConnectionError, OSError):
                pass
    return handle


class UdpEcho(asyncio.DatagramProtocol):
    def __init__(self, prefix):
        self.prefix = prefix

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(self.prefix + data, addr)


class UdpPeer(asyncio.DatagramProtocol):
    """Answers every datagram with the address it came from: "from ADDR"."""

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        self.transport.sendto(f"from {addr[0]}".encode(), addr)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--text", default="up")
    ap.add_argument("--text-file")
    ap.add_argument("--host", default="127.0.0.1")
    args = ap.parse_args()
    loop = asyncio.get_running_loop()
    if args.mode in ("udp-echo", "udp-silent", "udp-peer"):
        if args.mode == "udp-peer":
            transport, _ = await loop.create_datagram_endpoint(
                UdpPeer, local_addr=(args.host, 0))
        elif args.mode == "udp-echo":
            transport, _ = await loop.create_datagram_endpoint(
                lambda: UdpEcho(b"pong:"), local_addr=(args.host, 0))
        else:
            transport, _ = await loop.create_datagram_endpoint(
                asyncio.DatagramProtocol, local_addr=(args.host, 0))
        write_port(args.port_file, transport.get_extra_info("sockname")[1])
        await asyncio.Event().wait()
    server = await asyncio.start_server(handler(args.mode, args), args.host, 0, backlog=512)
    write_port(args.port_file, server.sockets[0].getsockname()[1])
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
