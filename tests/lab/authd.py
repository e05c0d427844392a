#!/usr/bin/env python3
"""Scripted authoritative name servers that misbehave (see SPEC.md).

Usage: authd.py [--ready FILE] [--lifetime SECONDS] ADDR:MODE...

Each ADDR gets port 53 on UDP and TCP (RFC 1035 section 4.2.2 framing,
several queries a connection).  Whatever the question, by MODE:
  refused   REFUSED, the question echoed, no records (UDP and TCP)
  wrongid   an authoritative empty NOERROR reply with the question echoed,
            but the message ID is the query's plus one (UDP and TCP)
  wrongq    that reply with the right ID but another question name:
            wrong-question.invalid. (hostile-ns.invalid. if that was asked)
  truncate  UDP: TC set, the question echoed, no records; TCP: each
            connection is accepted and closed at once
  oversize  UDP: the reply (question echoed, no records) padded with an
            EDNS Padding option (RFC 7830) to max(4000, the query's EDNS
            buffer size + 512) octets, at most 65000; TCP: a length
            prefix of 65535, that same message (fewer octets), then close
  garbage   the query's ID, QR set, TC clear, then random octets (100 to
            500 in all): UDP, and TCP with a correct length prefix
  silent    UDP: nothing; TCP: read, never answered
Queries that are responses (QR set), shorter than a header or without
exactly one question get nothing at all.  FILE is created once every
socket is bound.  SIGTERM/SIGINT end it at once (exit 0); it exits by
itself after SECONDS (default 3600).  Only errors are logged (stderr).
"""

import asyncio
import logging
import os
import random
import signal
import struct
import sys

# A TCP client that sends nothing this long is dropped.
IDLE_TIMEOUT = 30
MODES = ("refused", "wrongid", "wrongq", "truncate", "oversize", "garbage", "silent")
QR, AA, TC = 0x8000, 0x0400, 0x0200
REFUSED = 5
WRONG_NAME = b"\x0ewrong-question\x07invalid\x00"
WRONG_NAME2 = b"\x0ahostile-ns\x07invalid\x00"

log = logging.getLogger("authd")


def parse(query):
    """(id, flags, question, EDNS buffer size or 512) of QUERY, or None."""
    if len(query) < 12:
        return None
    ident, flags, qd, an, ns, ar = struct.unpack("!6H", query[:12])
    if flags & QR or qd != 1:
        return None
    off = 12
    while off < len(query) and query[off] != 0:
        if query[off] & 0xC0:
            return None
        off += query[off] + 1
    end = off + 5
    if end > len(query):
        return None
    bufsize = 512
    # A query's OPT record is the first record after the question.
    if an == 0 and ns == 0 and ar and query[end:end + 3] == b"\x00\x00\x29" \
            and len(query) >= end + 5:
        bufsize = max(512, struct.unpack("!H", query[end + 3:end + 5])[0])
    return ident, flags, query[12:end], bufsize


def header(ident, flags, arcount=0):
    return struct.pack("!6H", ident, flags, 1, 0, 0, arcount)


def reply(mode, query, tcp):
    """MODE's reply to QUERY (bytes), or None for no reply."""
    q = parse(query)
    if q is None or mode == "silent":
        return None
    ident, flags, question, bufsize = q
    # QR, opcode and RD copied, rcode NOERROR unless said otherwise.
    base = QR | (flags & 0x7900)
    if mode == "refused":
        return header(ident, base | REFUSED) + question
    if mode == "wrongid":
        return header((ident + 1) & 0xFFFF, base | AA) + question
    if mode == "wrongq":
        name = WRONG_NAME if question[:-4].lower() != WRONG_NAME else WRONG_NAME2
        return header(ident, base | AA) + name + question[-4:]
    if mode == "truncate":
        return header(ident, base | AA | TC) + question
    if mode == "oversize":
        msg = header(ident, base | AA, 1) + question
        size = min(max(4000, bufsize + 512), 65000)
        pad = size - len(msg) - 15  # OPT RR 11 octets, option header 4
        # OPT: root owner, type 41, our buffer size 1232, TTL 0 (no DO).
        return msg + struct.pack("!BHHIHHH", 0, 41, 1232, 0, pad + 4, 12, pad) + bytes(pad)
    if mode == "garbage":
        junk = bytearray(os.urandom(random.randint(98, 498)))
        junk[0] = (junk[0] | 0x80) & ~0x02  # QR set, TC clear
        return query[:2] + bytes(junk)
    raise ValueError(mode)


class UDP(asyncio.DatagramProtocol):
    def __init__(self, mode):
        self.mode = mode

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        try:
            out = reply(self.mode, data, False)
        except Exception:
            log.exception("udp %s", self.mode)
            return
        if out is not None:
            self.transport.sendto(out, addr)

    def error_received(self, exc):
        pass  # an ICMP error for an earlier reply: nothing to do


async def serve_tcp(mode, reader, writer):
    try:
        if mode == "truncate":
            return  # accepted, closed at once
        while True:
            hdr = await asyncio.wait_for(reader.readexactly(2), IDLE_TIMEOUT)
            (n,) = struct.unpack("!H", hdr)
            msg = await asyncio.wait_for(reader.readexactly(n), IDLE_TIMEOUT)
            out = reply(mode, msg, True)
            if out is None:
                continue  # silent (or not a query): keep reading
            if mode == "oversize":
                # Promise 65535 octets, send fewer, hang up.
                writer.write(b"\xff\xff" + out)
                await writer.drain()
                return
            writer.write(struct.pack("!H", len(out)) + out)
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
        pass  # the client went away or stalled: end quietly
    except asyncio.CancelledError:
        # Shutdown with the connection open: end normally, or Python 3.11's
        # stream callback logs the cancelled task as an error.
        pass
    except Exception:
        log.exception("tcp %s", mode)
    finally:
        writer.close()


async def listen(loop, spec):
    addr, _, mode = spec.rpartition(":")
    if mode not in MODES or not addr:
        raise SystemExit("authd: bad ADDR:MODE %r (modes: %s)" % (spec, " ".join(MODES)))
    udp, _ = await loop.create_datagram_endpoint(lambda: UDP(mode), local_addr=(addr, 53))
    tcp = await asyncio.start_server(lambda r, w: serve_tcp(mode, r, w), addr, 53)
    return udp, tcp


USAGE = "usage: authd.py [--ready FILE] [--lifetime SECONDS] ADDR:MODE..."


async def main(argv):
    ready, lifetime = None, 3600
    while len(argv) >= 2 and argv[0] in ("--ready", "--lifetime"):
        if argv[0] == "--ready":
            ready = argv[1]
        else:
            lifetime = float(argv[1])
        argv = argv[2:]
    if not argv or argv[0].startswith("-"):
        raise SystemExit(USAGE)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(0))
    socks = [await listen(loop, spec) for spec in argv]
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
                        format="authd: %(levelname)s: %(message)s")
    sys.exit(asyncio.run(main(sys.argv[1:])))
