#!/usr/bin/env python3
"""Scripted and hostile plaintext servers of the daneprobe lab (see SPEC.md,
"Mail and STARTTLS part").  One process, many listeners, stdlib only.

Usage: hostile.py [--ready FILE] CHAINFILE KEYFILE CONFIG

CONFIG has one listener per line: ADDR PORT MODE NAME
(NAME is the host name the server greets with).  SMTP modes, each a
mostly well-behaved RFC 5321 server with one fault:
  nostarttls  EHLO does not offer STARTTLS
  refused     STARTTLS is offered, then answered 454
  longline    the banner is one line of 1 MiB
  endless     the EHLO reply never ends ("250-" lines)
  drip        the banner arrives one byte a second
  close       after STARTTLS's "220 ready" the connection is closed
  garbage     after STARTTLS's "220 ready" comes garbage, not TLS
  injection   STARTTLS's "220 ready" comes with plaintext after it in the
              same segment (a response injected ahead of the TLS session);
              a real TLS handshake follows, so only a client that notices
              the injection fails
  pipebanner  the banner is a refusal whose text carries a '|' and fake
              plugin perfdata, then the server closes
and one well-behaved scripted server:
  nntp        RFC 3977 and RFC 4642: banner, CAPABILITIES with STARTTLS,
              STARTTLS (382) and a real TLS handshake
Every hostile behaviour is bounded in time (see the constants below).
FILE is created once every listener is bound.  SIGTERM or SIGINT stop the
process cleanly (exit 0).  Only errors are logged (to stderr).
"""

import asyncio
import logging
import os
import signal
import ssl
import sys

# Bounds: nothing here keeps a connection open for long, whatever the client.
IDLE = 30            # waiting for the client's next command
DRIP_HOLD = 120      # one byte a second, at most this long
ENDLESS_HOLD = 60    # an endless reply stops after this long
LONGLINE = 1 << 20   # octets in the long banner line
HOLD = 10            # after TLS, or after a hostile act: wait for the close
HANDSHAKE_TIMEOUT = 10
SESSION_MAX = 180    # no session lasts longer, whatever either side does

log = logging.getLogger("hostile")

MODES = ("nostarttls", "refused", "longline", "endless", "drip", "close",
         "garbage", "injection", "pipebanner", "nntp")


class Conn:
    def __init__(self, reader, writer, name, ctx):
        self.r, self.w, self.name, self.ctx = reader, writer, name, ctx

    async def send(self, data):
        self.w.write(data)
        await self.w.drain()

    async def line(self, limit=IDLE):
        """The client's next line, or None on EOF, timeout or garbage."""
        try:
            data = await asyncio.wait_for(self.r.readline(), limit)
        except (asyncio.TimeoutError, asyncio.LimitOverrunError, ValueError):
            return None
        return data.decode("latin-1").rstrip("\r\n") if data else None

    async def hold(self, limit=HOLD):
        """Swallow what the client sends until it closes or LIMIT seconds."""
        async def drain():
            while await self.r.read(65536):
                pass
        try:
            await asyncio.wait_for(drain(), limit)
        except (asyncio.TimeoutError, OSError):
            pass

    async def tls(self):
        """Upgrade to TLS (server side) and hold the session a while."""
        try:
            await self.w.start_tls(self.ctx, ssl_handshake_timeout=HANDSHAKE_TIMEOUT)
        except (ssl.SSLError, OSError, asyncio.TimeoutError, ConnectionError):
            return
        await self.hold()


async def smtp(c, mode):
    """An RFC 5321 server (banner 220, EHLO/HELO 250, STARTTLS per RFC 3207,
    NOOP/RSET 250, QUIT 221, anything else 502) with MODE's one fault."""
    if mode == "drip":
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DRIP_HOLD
        for b in b"220 %s ESMTP\r\n" % c.name.encode():
            await asyncio.sleep(1)
            if loop.time() >= deadline:
                return
            await c.send(bytes([b]))
        await c.hold(max(1, deadline - loop.time()))
        return
    if mode == "pipebanner":
        await c.send(b"554 go away | 'verified'=1;;;0;1\r\n")
        await c.hold()
        return
    if mode == "longline":
        await c.send(b"220 " + b"x" * LONGLINE + b"\r\n")
        await c.hold(ENDLESS_HOLD)
        return
    await c.send(b"220 %s ESMTP ready\r\n" % c.name.encode())
    while True:
        line = await c.line()
        if line is None:
            return
        verb = line.split(" ", 1)[0].upper()
        if verb == "EHLO":
            if mode == "endless":
                await endless(c)
                return
            caps = [c.name, "PIPELINING", "SIZE 10240000", "8BITMIME"]
            if mode != "nostarttls":
                caps.append("STARTTLS")
            caps.append("ENHANCEDSTATUSCODES")
            reply = "".join("250-%s\r\n" % x for x in caps[:-1]) + "250 %s\r\n" % caps[-1]
            await c.send(reply.encode())
        elif verb == "HELO":
            await c.send(b"250 %s\r\n" % c.name.encode())
        elif verb in ("NOOP", "RSET"):
            await c.send(b"250 2.0.0 OK\r\n")
        elif verb == "QUIT":
            await c.send(b"221 2.0.0 Bye\r\n")
            return
        elif verb == "STARTTLS" and mode != "nostarttls":
            if mode == "refused":
                await c.send(b"454 4.7.0 TLS not available due to temporary reason\r\n")
                continue
            if mode == "close":
                await c.send(b"220 2.0.0 Ready to start TLS\r\n")
                return
            if mode == "garbage":
                await c.send(b"220 2.0.0 Ready to start TLS\r\n")
                try:   # the ClientHello, then an answer that is not TLS
                    await asyncio.wait_for(c.r.read(65536), HOLD)
                except asyncio.TimeoutError:
                    pass
                await c.send(b"this is not TLS, just garbage\r\n" * 8)
                await c.hold()
                return
            if mode == "injection":
                # One write, one segment: the "go ahead" and a response the
                # client never asked for, which it must not carry into TLS.
                await c.send(b"220 2.0.0 Ready to start TLS\r\n"
                             b"250 2.0.0 injected before the TLS handshake\r\n")
            else:
                await c.send(b"220 2.0.0 Ready to start TLS\r\n")
            await c.tls()
            return
        else:
            await c.send(b"502 5.5.2 Command not recognized\r\n")


async def endless(c):
    """A 250- continuation reply that never ends (for at most ENDLESS_HOLD)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ENDLESS_HOLD
    await c.send(b"250-%s\r\n" % c.name.encode())
    n = 0
    while loop.time() < deadline:
        batch = b"".join(b"250-X-ENDLESS-%d\r\n" % (n + i) for i in range(100))
        n += 100
        await c.send(batch)
        await asyncio.sleep(0.01)


async def nntp(c):
    """RFC 3977 reader dialogue with RFC 4642 STARTTLS: 200 banner,
    CAPABILITIES -> 101 then the list ending in ".", STARTTLS -> 382 and
    TLS, QUIT -> 205, anything else 500."""
    await c.send(b"200 %s NNTP service ready, posting prohibited\r\n" % c.name.encode())
    while True:
        line = await c.line()
        if line is None:
            return
        verb = line.split(" ", 1)[0].upper()
        if verb == "CAPABILITIES":
            await c.send(b"101 Capability list:\r\nVERSION 2\r\nREADER\r\n"
                         b"STARTTLS\r\nLIST ACTIVE NEWSGROUPS\r\n.\r\n")
        elif verb == "STARTTLS":
            await c.send(b"382 Continue with TLS negotiation\r\n")
            await c.tls()
            return
        elif verb == "QUIT":
            await c.send(b"205 Connection closing\r\n")
            return
        else:
            await c.send(b"500 Unknown command\r\n")


def handler(mode, name, ctx):
    async def serve(reader, writer):
        c = Conn(reader, writer, name, ctx)
        try:
            await asyncio.wait_for(nntp(c) if mode == "nntp" else smtp(c, mode), SESSION_MAX)
        except (OSError, ConnectionError, ssl.SSLError, asyncio.TimeoutError):
            pass   # the client going away is what the tests do on purpose
        finally:
            try:
                writer.close()
                await asyncio.wait_for(writer.wait_closed(), 2)
            except (OSError, ConnectionError, ssl.SSLError, asyncio.TimeoutError):
                pass
    return serve


def parse_config(path):
    out = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            fields = line.split("#", 1)[0].split()
            if not fields:
                continue
            if len(fields) != 4 or fields[2] not in MODES:
                raise ValueError("%s:%d: want ADDR PORT MODE NAME, MODE one of %s"
                                 % (path, lineno, ", ".join(MODES)))
            out.append((fields[0], int(fields[1]), fields[2], fields[3]))
    return out


def exception_handler(loop, context):
    exc = context.get("exception")
    if isinstance(exc, (OSError, ConnectionError, ssl.SSLError, asyncio.CancelledError)):
        return
    log.error("%s: %r", context.get("message"), exc)


async def main(chain, key, config, ready):
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(exception_handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    servers = []
    for addr, port, mode, name in parse_config(config):
        servers.append(await asyncio.start_server(
            handler(mode, name, ctx), addr, port, reuse_address=True, backlog=128))
    if ready:
        with open(ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(ready + ".tmp", ready)
    await stop.wait()
    for s in servers:
        s.close()
    # Cancel the open sessions rather than wait out their bounds.
    for t in asyncio.all_tasks():
        if t is not asyncio.current_task():
            t.cancel()


def cli():
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="%(asctime)s hostile[%(process)d]: %(levelname)s %(message)s")
    # asyncio warns that start_tls ignores its reader's half-close: expected.
    logging.getLogger("asyncio").setLevel(logging.ERROR)
    args = sys.argv[1:]
    ready = None
    if len(args) >= 2 and args[0] == "--ready":
        ready, args = args[1], args[2:]
    if len(args) != 3:
        sys.exit("usage: hostile.py [--ready FILE] CHAINFILE KEYFILE CONFIG")
    try:
        asyncio.run(main(args[0], args[1], args[2], ready))
    except (OSError, ValueError, ssl.SSLError) as e:
        log.error("%s", e)
        sys.exit(1)


if __name__ == "__main__":
    cli()
