/*
 * resolver_unbound.c: the libunbound backend.
 *
 * libunbound validates locally from the trust anchor we load; in stub mode
 * it forwards to the given servers (or the system's) but still checks every
 * signature itself.  Two ways to run it, chosen by the caller
 * (worker_thread): on our own libevent base (ub_ctx_create_event, for a
 * single check: no thread to start and seed, nothing to hand across), or
 * in a thread of its own whose results are picked up from the loop when
 * ub_fd() becomes readable (a batch: it validates on the second core).
 * Either way nothing here blocks.  A result that libunbound calls neither secure nor bogus is
 * insecure only when it came with an answer (it says so for unsigned
 * zones); without rcode and data it is indeterminate.
 */
#include "config.h"

#ifdef HAVE_LIBUNBOUND

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <unbound.h>
#include <unbound-event.h>

#include "dnsmsg.h"
#include "resolver_impl.h"

struct ub_backend {
	struct ub_ctx	*ctx;
	bool		 threaded;	/* a worker thread; else on our base */
	struct event_base *base;
	struct event	*ev;		/* threaded: ub_fd readable */
	FILE		*devnull;	/* libunbound's own log: errors reach the user through us */
};

struct ub_query {
	struct dp_query	*q;
	int		 async_id;
	bool		 pending;
	/* event mode: an answer that came while ub_resolve_event still ran */
	bool		 submitting;
	struct event	*later;
	int		 rcode, sec;
	uint8_t		*packet;
	size_t		 packet_len;
	char		*why;
};

static int
ub_check(int rc, const char *what, struct dp_err *err)
{
	if (rc == 0)
		return 0;
	return dp_err_set(err, "%s: %s", what, ub_strerror(rc));
}

static void
ub_readable_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ub_backend *ub = arg;

	ub_process(ub->ctx);
}

/* "ADDR@PORT" (the canonical text dp_resolver_addr_parse made) is ub_ctx_set_fwd's syntax. */
static int
ub_configure(struct ub_ctx *ctx, const struct dp_resolver_config *cfg,
    struct dp_err *err)
{
	size_t i;

	if (ub_check(ub_ctx_set_option(ctx, "do-not-query-localhost:", "no"),
	    "do-not-query-localhost", err) == -1)
		return -1;
	if (ub_check(ub_ctx_add_ta_file(ctx, cfg->trust_anchor),
	    cfg->trust_anchor, err) == -1)
		return -1;
	/* Queries are ours to time out; let unbound keep trying meanwhile. */
	if (cfg->recursive) {
		if (cfg->root_hints != NULL &&
		    ub_check(ub_ctx_set_option(ctx, "root-hints:", cfg->root_hints),
		    cfg->root_hints, err) == -1)
			return -1;
		return 0;
	}
	if (cfg->nservers == 0)
		return ub_check(ub_ctx_resolvconf(ctx, NULL), "system resolvers", err);
	for (i = 0; i < cfg->nservers; i++)
		if (ub_check(ub_ctx_set_fwd(ctx, cfg->servers[i].text), cfg->servers[i].text,
		    err) == -1)
			return -1;
	return 0;
}

static int
ub_init(struct dp_resolver *res, struct dp_err *err)
{
	struct ub_backend *ub;

	if ((ub = calloc(1, sizeof(*ub))) == NULL)
		return dp_err_set(err, "out of memory");
	ub->threaded = res->cfg.worker_thread;
	ub->base = res->base;
	ub->ctx = ub->threaded ? ub_ctx_create() : ub_ctx_create_event(res->base);
	if (ub->ctx == NULL) {
		free(ub);
		return dp_err_set(err, "cannot create context");
	}
	if ((ub->devnull = fopen("/dev/null", "w")) != NULL)
		ub_ctx_debugout(ub->ctx, ub->devnull);
	if (ub_configure(ub->ctx, &res->cfg, err) == -1)
		goto fail;
	if (!ub->threaded) {
		res->impl = ub;
		return 0;
	}
	if (ub_check(ub_ctx_async(ub->ctx, 1), "async", err) == -1)
		goto fail;
	ub->ev = event_new(res->base, ub_fd(ub->ctx), EV_READ | EV_PERSIST,
	    ub_readable_cb, ub);
	if (ub->ev == NULL || event_add(ub->ev, NULL) == -1) {
		dp_err_set(err, "cannot watch the result pipe");
		goto fail;
	}
	res->impl = ub;
	return 0;
fail:
	if (ub->ev != NULL)
		if (ub->ev != NULL)
		event_free(ub->ev);
	ub_ctx_delete(ub->ctx);
	if (ub->devnull != NULL)
		fclose(ub->devnull);
	free(ub);
	return -1;
}

static void
ub_result_cb(void *arg, int rc, struct ub_result *result)
{
	struct dp_query *q = arg;
	struct ub_query *uq = q->impl;
	enum dp_dnssec state = DP_DNSSEC_INDETERMINATE;

	uq->pending = false;
	if (rc != 0 || result == NULL) {
		dp_query_complete(q, DP_LOOKUP_FAILED, DP_DNSSEC_INDETERMINATE,
		    ub_strerror(rc), -1, NULL, 0);
		goto out;
	}
	if (result->secure)
		state = DP_DNSSEC_SECURE;
	else if (result->bogus)
		state = DP_DNSSEC_BOGUS;
	else if (result->answer_packet != NULL && result->rcode != DP_RCODE_SERVFAIL)
		state = DP_DNSSEC_INSECURE;
	dp_query_complete(q, DP_LOOKUP_ANSWERED, state, result->why_bogus,
	    result->rcode, result->answer_packet,
	    result->answer_len > 0 ? (size_t)result->answer_len : 0);
out:
	ub_resolve_free(result);
}

/* The reply's RCODE (RFC 1035 section 4.1.1), or -1 for no header. */
static int
packet_rcode(const uint8_t *p, size_t len)
{
	return len >= 12 ? p[3] & 0x0f : -1;
}

/* An answer in event mode, handed on as the threaded mode's are. */
static void
ub_event_deliver(struct ub_query *uq)
{
	struct dp_query *q = uq->q;
	enum dp_dnssec state = DP_DNSSEC_INDETERMINATE;

	uq->pending = false;
	/* A non-zero rcode here is libunbound's failure (mostly SERVFAIL), with no packet. */
	if (uq->rcode != 0 || uq->packet == NULL) {
		dp_query_complete(q, DP_LOOKUP_FAILED, DP_DNSSEC_INDETERMINATE,
		    uq->why != NULL ? uq->why : "the lookup failed (SERVFAIL)",
		    uq->rcode != 0 ? uq->rcode : -1, NULL, 0);
		return;
	}
	if (uq->sec == 2)
		state = DP_DNSSEC_SECURE;
	else if (uq->sec == 1)
		state = DP_DNSSEC_BOGUS;
	else if (packet_rcode(uq->packet, uq->packet_len) != DP_RCODE_SERVFAIL)
		state = DP_DNSSEC_INSECURE;
	dp_query_complete(q, DP_LOOKUP_ANSWERED, state, uq->why,
	    packet_rcode(uq->packet, uq->packet_len), uq->packet, uq->packet_len);
}

static void
ub_event_later_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ub_event_deliver(arg);
}

/*
 * libunbound's answer in event mode.  Its packet and reason live in
 * libunbound's buffers until we return, so they are copied; an answer that
 * comes before ub_resolve_event returns (from its cache) is delivered from
 * the loop, never from inside our own submit.
 */
static void
ub_event_cb(void *arg, int rcode, void *packet, int packet_len, int sec, char *why,
    int ratelimited)
{
	struct ub_query *uq = arg;
	struct timeval now = { 0, 0 };

	(void)ratelimited;
	uq->rcode = rcode;
	uq->sec = sec;
	if (why != NULL)
		uq->why = strdup(why);
	if (rcode == 0 && packet != NULL && packet_len > 0 &&
	    (uq->packet = malloc((size_t)packet_len)) != NULL) {
		memcpy(uq->packet, packet, (size_t)packet_len);
		uq->packet_len = (size_t)packet_len;
	}
	if (!uq->submitting) {
		ub_event_deliver(uq);
		return;
	}
	/*
	 * Without memory for the timer the answer is dropped, never delivered
	 * from inside submit: the query then ends at its deadline, a timeout.
	 */
	if ((uq->later = evtimer_new(((struct ub_backend *)uq->q->res->impl)->base,
	    ub_event_later_cb, uq)) != NULL && evtimer_add(uq->later, &now) == -1) {
		event_free(uq->later);
		uq->later = NULL;
	}
}

static int
ub_submit(struct dp_query *q, struct dp_err *err)
{
	struct ub_backend *ub = q->res->impl;
	struct ub_query *uq;
	int rc;

	if ((uq = calloc(1, sizeof(*uq))) == NULL)
		return dp_err_set(err, "out of memory");
	uq->q = q;
	q->impl = uq;
	uq->pending = true;
	if (ub->threaded)
		rc = ub_resolve_async(ub->ctx, q->qname, q->qtype, 1, q, ub_result_cb,
		    &uq->async_id);
	else {
		uq->submitting = true;
		rc = ub_resolve_event(ub->ctx, q->qname, q->qtype, 1, uq, ub_event_cb,
		    &uq->async_id);
		uq->submitting = false;
	}
	if (rc != 0) {
		if (uq->later != NULL)
			event_free(uq->later);
		free(uq->packet);
		free(uq->why);
		free(uq);
		q->impl = NULL;
		return dp_err_set(err, "%s", ub_strerror(rc));
	}
	return 0;
}

static void
ub_cancel_query(struct dp_query *q)
{
	struct ub_backend *ub = q->res->impl;
	struct ub_query *uq = q->impl;

	if (uq == NULL)
		return;
	if (uq->pending && uq->later == NULL)
		ub_cancel(ub->ctx, uq->async_id);
	if (uq->later != NULL)
		event_free(uq->later);
	free(uq->packet);
	free(uq->why);
	free(uq);
	q->impl = NULL;
}

static void
ub_fini(struct dp_resolver *res)
{
	struct ub_backend *ub = res->impl;

	if (ub == NULL)
		return;
	if (ub->ev != NULL)
		event_free(ub->ev);
	ub_ctx_delete(ub->ctx);
	if (ub->devnull != NULL)
		fclose(ub->devnull);
	free(ub);
}

const struct dp_backend_ops dp_backend_unbound = {
	.name = "libunbound",
	.id = DP_BACKEND_UNBOUND,
	.init = ub_init,
	.submit = ub_submit,
	.cancel = ub_cancel_query,
	.fini = ub_fini,
	.key_cache = true,
};

#endif /* HAVE_LIBUNBOUND */
