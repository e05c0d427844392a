/*
 * resolver_unbound.c: the libunbound backend.
 *
 * libunbound validates locally from the trust anchor we load; in stub mode
 * it forwards to the given servers (or the system's) but still checks every
 * signature itself.  It works in a thread of its own; its results are
 * picked up from the loop when ub_fd() becomes readable, so nothing here
 * blocks.  A result that libunbound calls neither secure nor bogus is
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

#include "dnsmsg.h"
#include "resolver_impl.h"

struct ub_backend {
	struct ub_ctx	*ctx;
	struct event	*ev;		/* ub_fd readable */
	FILE		*devnull;	/* libunbound's own log: errors reach the user through us */
};

struct ub_query {
	int	 async_id;
	bool	 pending;
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
	if ((ub->ctx = ub_ctx_create()) == NULL) {
		free(ub);
		return dp_err_set(err, "cannot create context");
	}
	if ((ub->devnull = fopen("/dev/null", "w")) != NULL)
		ub_ctx_debugout(ub->ctx, ub->devnull);
	if (ub_configure(ub->ctx, &res->cfg, err) == -1 ||
	    ub_check(ub_ctx_async(ub->ctx, 1), "async", err) == -1)
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

static int
ub_submit(struct dp_query *q, struct dp_err *err)
{
	struct ub_backend *ub = q->res->impl;
	struct ub_query *uq;
	int rc;

	if ((uq = calloc(1, sizeof(*uq))) == NULL)
		return dp_err_set(err, "out of memory");
	q->impl = uq;
	rc = ub_resolve_async(ub->ctx, q->qname, q->qtype, 1, q, ub_result_cb,
	    &uq->async_id);
	if (rc != 0) {
		free(uq);
		q->impl = NULL;
		return dp_err_set(err, "%s", ub_strerror(rc));
	}
	uq->pending = true;
	return 0;
}

static void
ub_cancel_query(struct dp_query *q)
{
	struct ub_backend *ub = q->res->impl;
	struct ub_query *uq = q->impl;

	if (uq == NULL)
		return;
	if (uq->pending)
		ub_cancel(ub->ctx, uq->async_id);
	free(uq);
	q->impl = NULL;
}

static void
ub_fini(struct dp_resolver *res)
{
	struct ub_backend *ub = res->impl;

	if (ub == NULL)
		return;
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
};

#endif /* HAVE_LIBUNBOUND */
