/*
 * resolver_getdns_loop.c: getdns's event loop abstraction on our libevent
 * base, in place of getdns's own libevent extension.
 *
 * Ours for one reason: it sees every socket getdns waits on.  The getdns
 * backend sends stub queries over TCP only (resolver_getdns.c,
 * gd_stub_transport) and pipelines them on one connection, so replies
 * come back to back; a server that writes its second reply while the
 * first is not yet acknowledged holds it back (Nagle's algorithm) until
 * our ACK, which Linux delays by up to 40 ms when we have nothing to send.
 * Most single checks paid that stall once or twice (a check took 50 ms
 * instead of 7).  So after each read on a getdns socket we ask for quick
 * ACKs (TCP_QUICKACK, which the kernel drops again by itself), and our own
 * writes go out at once (TCP_NODELAY).  getdns has no option for either.
 * A side benefit: no need for Debian's libgetdns_ex_event.so (which
 * exports no symbols).
 */
#include "config.h"

#ifdef HAVE_GETDNS

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>

#include <event2/event.h>
#include <getdns/getdns.h>
#include <getdns/getdns_extra.h>

#include "resolver_impl.h"

/* getdns's "no timeout" (TIMEOUT_FOREVER in its source; not in its headers). */
#define GD_FOREVER	UINT64_MAX

struct gd_loop {
	getdns_eventloop	 loop;		/* first: getdns hands it back to us */
	struct event_base	*base;
};

/* libevent fired: the one callback getdns asked for, read before write before timeout. */
static void
gd_loop_fire(evutil_socket_t fd, short what, void *arg)
{
	getdns_eventloop_event *el = arg;

	int one = 1;

	if ((what & EV_READ) && el->read_cb != NULL) {
		el->read_cb(el->userarg);
		/* The next reply must not wait for a delayed ACK (see above). */
		if (fd >= 0)
			(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	}
	else if ((what & EV_WRITE) && el->write_cb != NULL)
		el->write_cb(el->userarg);
	else if ((what & EV_TIMEOUT) && el->timeout_cb != NULL)
		el->timeout_cb(el->userarg);
}

static getdns_return_t
gd_loop_schedule(getdns_eventloop *loop, int fd, uint64_t timeout_ms,
    getdns_eventloop_event *el)
{
	struct gd_loop *gl = (struct gd_loop *)loop;
	struct timeval tv = { (time_t)(timeout_ms / 1000), (suseconds_t)(timeout_ms % 1000) * 1000 };
	short what = 0;
	struct event *ev;
	int one = 1;

	if (el == NULL || (el->read_cb == NULL && el->write_cb == NULL && el->timeout_cb == NULL))
		return GETDNS_RETURN_INVALID_PARAMETER;
	if (el->read_cb != NULL)
		what |= EV_READ | EV_PERSIST;
	if (el->write_cb != NULL)
		what |= EV_WRITE | EV_PERSIST;
	/* Only TCP sockets take these; on a UDP socket they fail, which is fine. */
	if (fd >= 0)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((ev = event_new(gl->base, what != 0 ? fd : -1, what, gd_loop_fire, el)) == NULL)
		return GETDNS_RETURN_MEMORY_ERROR;
	if (event_add(ev, el->timeout_cb != NULL && timeout_ms != GD_FOREVER ? &tv :
	    NULL) == -1) {
		event_free(ev);
		return GETDNS_RETURN_GENERIC_ERROR;
	}
	el->ev = ev;
	return GETDNS_RETURN_GOOD;
}

static getdns_return_t
gd_loop_clear(getdns_eventloop *loop, getdns_eventloop_event *el)
{
	(void)loop;
	if (el == NULL || el->ev == NULL)
		return GETDNS_RETURN_INVALID_PARAMETER;
	event_free(el->ev);
	el->ev = NULL;
	return GETDNS_RETURN_GOOD;
}

/* The loop is ours (check.c runs it); getdns never owns or runs it. */
static void
gd_loop_cleanup(getdns_eventloop *loop)
{
	(void)loop;
}

static void
gd_loop_run(getdns_eventloop *loop)
{
	(void)loop;
}

static void
gd_loop_run_once(getdns_eventloop *loop, int blocking)
{
	(void)loop;
	(void)blocking;
}

static getdns_eventloop_vmt gd_loop_vmt = {
	gd_loop_cleanup, gd_loop_schedule, gd_loop_clear, gd_loop_run, gd_loop_run_once,
};

getdns_eventloop *
dp_getdns_loop_new(struct event_base *base)
{
	struct gd_loop *gl;

	if ((gl = calloc(1, sizeof(*gl))) == NULL)
		return NULL;
	gl->loop.vmt = &gd_loop_vmt;
	gl->base = base;
	return &gl->loop;
}

void
dp_getdns_loop_free(getdns_eventloop *loop)
{
	free(loop);
}

#endif /* HAVE_GETDNS */
