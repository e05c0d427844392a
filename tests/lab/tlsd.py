#!/usr/bin/env python3
"""All TLS endpoints of the daneprobe lab in one process (see SPEC.md).

Usage: tlsd.py [--ready FILE] CONFIG

CONFIG has one listener per line: ADDR PORT MODE [CHAINFILE KEYFILE]
  tls     complete the handshake, then read until the client closes or
          TLS_HOLD seconds pass, then close
  silent  accept and never send anything
  http    answer like a plain HTTP server (no TLS) and close
  drip    a real TLS server whose output is sent one byte a second
  blackhole  a listener whose accept queue is full and never drained:
          a connect to it never completes (its SYNs are dropped)
FILE is created once every listener is bound, so the lab can wait on it.
Only errors are logged (to stderr).
"""

import asyncio
import logging
import os
import resource
import socket
import ssl
import sys

TLS_HOLD = 10
# Long enough to outlast any client timeout under test, short enough that
# a forgotten connection does not pin the process for the whole run.
SILENT_HOLD = 120
DRIP_HOLD = 600
HANDSHAKE_TIMEOUT = 10
BACKLOG = 1024

log = logging.getLogger("tlsd")

HTTP_BODY = b"This is a plain HTTP server, not TLS.\n"
HTTP_REPLY = (b"HTTP/1.1 400 Bad Request\r\n"
              b"Content-Type: text/plain\r\n"
              b"Content-Length: " + str(len(HTTP_BODY)).encode() + b"\r\n"
              b"Connection: close\r\n\r\n" + HTTP_BODY)


async def read_until_eof(reader, limit):
    """Swallow client data until EOF or LIMIT seconds; errors just end it."""
    async def drain():
        while await reader.read(65536):
            pass
    try:
        await asyncio.wait_for(drain(), limit)
    except (asyncio.TimeoutError, OSError):
        pass


async def close(writer):
    try:
        writer.close()
        await writer.wait_closed()
    except OSError:
        # The peer going away first is normal here, not an error.
        pass


async def serve_tls(reader, writer):
    await read_until_eof(reader, TLS_HOLD)
    await close(writer)


async def serve_silent(reader, writer):
    await read_until_eof(reader, SILENT_HOLD)
    await close(writer)


async def serve_http(reader, writer):
    # Like a real HTTP server on a TLS port: it answers what it gets
    # (a ClientHello, usually) with a 400 and hangs up.
    try:
        await asyncio.wait_for(reader.read(4096), TLS_HOLD)
    except (asyncio.TimeoutError, OSError):
        pass
    try:
        writer.write(HTTP_REPLY)
        await writer.drain()
    except OSError:
        pass
    await close(writer)


async def serve_drip(reader, writer, ctx):
    # A genuine handshake through memory BIOs, so the client sees valid TLS
    # bytes and only a timeout can save it.
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_side=True)
    pending = bytearray()

    async def pump_in():
        while True:
            data = await reader.read(65536)
            if not data:
                return
            incoming.write(data)
            try:
                tls.do_handshake()
                tls.read(65536)
            except (ssl.SSLWantReadError, ssl.SSLZeroReturnError):
                pass
            pending.extend(outgoing.read())

    async def drip_out():
        while True:
            await asyncio.sleep(1)
            if pending:
                writer.write(bytes(pending[:1]))
                del pending[:1]
                await writer.drain()

    tasks = [asyncio.ensure_future(pump_in()), asyncio.ensure_future(drip_out())]
    try:
        await asyncio.wait(tasks, timeout=DRIP_HOLD, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()
        for t in tasks:
            try:
                await t
            except (asyncio.CancelledError, OSError):
                pass
    await close(writer)


def make_ctx(chain, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    return ctx


def parse_config(path):
    listeners = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            fields = line.split("#", 1)[0].split()
            if not fields:
                continue
            if len(fields) not in (3, 5):
                raise ValueError("%s:%d: want ADDR PORT MODE [CHAIN KEY]" % (path, lineno))
            addr, port, mode = fields[0], int(fields[1]), fields[2]
            needs_cert = mode in ("tls", "drip")
            if mode not in ("tls", "silent", "http", "drip", "blackhole") or \
                    needs_cert != (len(fields) == 5):
                raise ValueError("%s:%d: bad mode or missing/extra cert files" % (path, lineno))
            listeners.append((addr, port, mode, fields[3:]))
    return listeners


def exception_handler(loop, context):
    # Clients aborting handshakes or resetting connections is what the
    # daneprobe tests do on purpose; only report real surprises.
    exc = context.get("exception")
    if isinstance(exc, (OSError, asyncio.CancelledError)):
        return
    log.error("%s: %r", context.get("message"), exc)


def blackhole(addr, port):
    """A listener with a backlog of 0 whose queue two connections of our own
    fill: the kernel then drops every further SYN, so a client's connect
    hangs until its own timeout.  Nothing is ever accepted."""
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(0)
    fill = []
    for _ in range(2):
        c = socket.socket(s.family)
        c.setblocking(False)
        try:
            c.connect((addr, port))
        except BlockingIOError:
            pass
        fill.append(c)
    return s, fill


async def main(config, ready):
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(exception_handler)
    servers = []
    holes = []
    for addr, port, mode, files in parse_config(config):
        if mode == "blackhole":
            holes.append(blackhole(addr, port))
            continue
        kw = {"reuse_address": True, "backlog": BACKLOG}
        if mode == "tls":
            cb = serve_tls
            kw.update(ssl=make_ctx(*files), ssl_handshake_timeout=HANDSHAKE_TIMEOUT)
        elif mode == "drip":
            ctx = make_ctx(*files)
            cb = lambda r, w, ctx=ctx: serve_drip(r, w, ctx)
        elif mode == "silent":
            cb = serve_silent
        else:
            cb = serve_http
        servers.append(await asyncio.start_server(cb, addr, port, **kw))
    if ready:
        with open(ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(ready + ".tmp", ready)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def cli():
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="%(asctime)s tlsd[%(process)d]: %(levelname)s %(message)s")
    args = sys.argv[1:]
    ready = None
    if len(args) == 3 and args[0] == "--ready":
        ready, args = args[1], args[2:]
    if len(args) != 1:
        sys.exit("usage: tlsd.py [--ready FILE] CONFIG")
    # Many concurrent connections are a feature under test.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        asyncio.run(main(args[0], ready))
    except (OSError, ValueError, ssl.SSLError) as e:
        log.error("%s", e)
        sys.exit(1)


if __name__ == "__main__":
    cli()
