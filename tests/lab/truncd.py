#!/usr/bin/env python3
"""A resolver that truncates every UDP reply (see SPEC.md, Addresses).

Usage: truncd.py [--ready FILE] [--lifetime SECONDS] UPSTREAM ADDR:MODE...

Each ADDR gets port 53 on UDP and TCP.  On UDP every query gets a reply
with TC=1 and no records: the question echoed, QR and RA set, RD copied,
NOERROR.  On TCP, by MODE:
  relay   each query (RFC 1035 section 4.2.2 framing, several per
          connection) is forwarded over TCP to UPSTREAM port 53 and its
          reply relayed unchanged, so a client that falls back to TCP
          (RFC 7766) gets a real, validatable answer
  silent  connections are accepted and read, never answered
FILE is created once every socket is bound.  SIGTERM/SIGINT end it at
once (exit 0); it exits by itself after SECONDS (default 3600) so that a
forgotten lab cannot pin it.  Only errors are logged (to stderr).
"""

import asyncio
import logging
import signal
import struct
import sys

UPSTREAM_TIMEOUT = 10
# A TCP client that sends nothing this long is dropped.
IDLE_TIMEOUT = 30

log = logging.getLogger("truncd")


def truncated(query):
    """The TC=1 reply to QUERY: header and question only, or None."""
    if len(query) < 12:
        return None
    ident, flags, qdcount = struct.unpack("!HHH", query[:6])
    if flags & 0x8000:
        return None  # a response: never answer those
    # The question ends at the first zero label after the header, plus
    # QTYPE and QCLASS; a malformed one is dropped.
    off = 12
    if qdcount != 1:
        return None
    while off < len(query) and query[off] != 0:
        if query[off] & 0xC0:
            return None
        off += query[off] + 1
    off += 5
    if off > len(query):
        return None
    # QR, opcode copied, TC, RD copied, RA; rcode NOERROR.
    rflags = 0x8000 | (flags & 0x7800) | 0x0200 | (flags & 0x0100) | 0x0080
    return struct.pack("!HHHHHH", ident, rflags, 1, 0, 0, 0) + query[12:off]


class TruncUDP(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        reply = truncated(data)
        if reply is not None:
            self.transport.sendto(reply, addr)


async def read_msg(reader, timeout):
    hdr = await asyncio.wait_for(reader.readexactly(2), timeout)
    (n,) = struct.unpack("!H", hdr)
    return await asyncio.wait_for(reader.readexactly(n), timeout)


async def forward(upstream, msg):
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(upstream, 53), UPSTREAM_TIMEOUT)
    try:
        writer.write(struct.pack("!H", len(msg)) + msg)
        await writer.drain()
        return await read_msg(reader, UPSTREAM_TIMEOUT)
    finally:
        writer.close()


async def serve_tcp(upstream, reader, writer):
    try:
        while True:
            msg = await read_msg(reader, IDLE_TIMEOUT)
            reply = await forward(upstream, msg)
            writer.write(struct.pack("!H", len(reply)) + reply)
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.TimeoutError,
            ConnectionError):
        pass  # the client or upstream went away or stalled: end quietly
    except OSError as e:
        log.error("tcp: %s", e)
    finally:
        writer.close()


async def serve_silent(reader, writer):
    try:
        while await asyncio.wait_for(reader.read(65536), IDLE_TIMEOUT):
            pass
    except (asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


async def listen(loop, upstream, spec):
    addr, mode = spec.rsplit(":", 1)
    if mode == "relay":
        handler = lambda r, w: serve_tcp(upstream, r, w)
    elif mode == "silent":
        handler = serve_silent
    else:
        raise SystemExit("truncd: unknown mode %r" % mode)
    udp, _ = await loop.create_datagram_endpoint(
        TruncUDP, local_addr=(addr, 53))
    tcp = await asyncio.start_server(handler, addr, 53)
    return udp, tcp


USAGE = "usage: truncd.py [--ready FILE] [--lifetime SECONDS] UPSTREAM ADDR:MODE..."


async def main(argv):
    ready, lifetime = None, 3600
    while len(argv) >= 2 and argv[0] in ("--ready", "--lifetime"):
        if argv[0] == "--ready":
            ready = argv[1]
        else:
            lifetime = float(argv[1])
        argv = argv[2:]
    if len(argv) < 2 or argv[0].startswith("-"):
        raise SystemExit(USAGE)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(0))
    socks = [await listen(loop, argv[0], spec) for spec in argv[1:]]
    if ready:
        open(ready, "w").close()
    try:
        await asyncio.wait_for(stop, lifetime)
    except asyncio.TimeoutError:
        pass
    for udp, tcp in socks:
        udp.close()
        tcp.close()
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR,
                        format="truncd: %(levelname)s: %(message)s")
    sys.exit(asyncio.run(main(sys.argv[1:])))
