/*
 * resolver_chain.c: getdns asked for an answer and its validation chain
 * (dnssec_return_validation_chain, dnssec_return_all_statuses: a bogus
 * answer's chain too), the chain's records turned to wire one by one
 * (getdns_rr_dict2wire) and handed with the reply to trace.c.  The
 * callback is delivered from a zero timer, never from inside a call, so
 * that getdns answering at once (a cached chain) changes nothing for the
 * caller; a cancelled question is forgotten (getdns's CANCEL frees it).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "resolver_chain.h"
#include "resolver_impl.h"

#ifdef HAVE_GETDNS

#include <getdns/getdns.h>
#include <getdns/getdns_extra.h>

struct dp_valchain_query {
	struct dp_valchain		*c;
	struct dp_valchain_query	*next;
	getdns_transaction_t	 tid;
	bool			 asked;		/* getdns still has it */
	bool			 cancelled;
	char			*qname;
	uint16_t		 qtype;
	dp_valchain_cb		*cb;
	void			*arg;
	struct event		*deliver;
	struct dp_trace		*trace;
	char			 why[600];
};

struct dp_valchain {
	struct event_base	*base;
	getdns_context		*ctx;
	getdns_eventloop	*loop;
	getdns_dict		*ext;
	struct dp_trace_anchors	*anchors;
	struct dp_valchain_query	*queries;	/* every question not yet delivered or freed */
};

bool
dp_valchain_available(void)
{
	return true;
}

static void
unlink_query(struct dp_valchain_query *cq)
{
	struct dp_valchain_query **pp;

	for (pp = &cq->c->queries; *pp != NULL; pp = &(*pp)->next)
		if (*pp == cq) {
			*pp = cq->next;
			return;
		}
}

static void
query_free(struct dp_valchain_query *cq)
{
	if (cq == NULL)
		return;
	if (cq->deliver != NULL)
		event_free(cq->deliver);
	dp_trace_free(cq->trace);
	free(cq->qname);
	free(cq);
}

static void
deliver_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dp_valchain_query *cq = arg;
	struct dp_trace *trace = cq->trace;

	(void)fd;
	(void)what;
	unlink_query(cq);
	cq->trace = NULL;
	cq->cb(trace, cq->why, cq->arg);
	query_free(cq);
}

/* The chain's records back to back in wire form; NULL with *len 0 when there is none. */
static uint8_t *
chain_wire(getdns_dict *resp, size_t *len)
{
	getdns_list *chain = NULL;
	uint8_t *buf = NULL, *nb;
	size_t n = 0, i, used = 0;

	*len = 0;
	if (getdns_dict_get_list(resp, "validation_chain", &chain) != GETDNS_RETURN_GOOD ||
	    getdns_list_get_length(chain, &n) != GETDNS_RETURN_GOOD)
		return NULL;
	for (i = 0; i < n && i < DP_TRACE_MAX_RECORDS; i++) {
		getdns_dict *rr = NULL;
		uint8_t *w = NULL;
		size_t wlen = 0;

		if (getdns_list_get_dict(chain, i, &rr) != GETDNS_RETURN_GOOD ||
		    getdns_rr_dict2wire(rr, &w, &wlen) != GETDNS_RETURN_GOOD)
			continue;
		if ((nb = realloc(buf, used + wlen)) == NULL) {
			free(w);
			break;
		}
		buf = nb;
		memcpy(buf + used, w, wlen);
		used += wlen;
		free(w);
	}
	*len = used;
	return buf;
}

static void
chain_answered(struct dp_valchain_query *cq, getdns_dict *resp)
{
	getdns_bindata *reply = NULL;
	uint8_t *chain;
	size_t chain_len;
	struct dp_err err;

	if (getdns_dict_get_bindata(resp, "/replies_full/0", &reply) != GETDNS_RETURN_GOOD ||
	    reply == NULL || reply->size == 0) {
		snprintf(cq->why, sizeof(cq->why), "getdns gave no reply to trace");
		return;
	}
	chain = chain_wire(resp, &chain_len);
	if (dp_trace_build(cq->c->anchors, cq->qname, cq->qtype, reply->data, reply->size,
	    chain, chain_len, time(NULL), &cq->trace, &err) == -1)
		snprintf(cq->why, sizeof(cq->why), "%s", err.msg);
	free(chain);
}

static void
chain_cb(getdns_context *ctx, getdns_callback_type_t type, getdns_dict *resp, void *arg,
    getdns_transaction_t tid)
{
	struct dp_valchain_query *cq = arg;
	struct timeval now = { 0, 0 };

	(void)ctx;
	(void)tid;
	cq->asked = false;
	if (cq->cancelled || type == GETDNS_CALLBACK_CANCEL) {
		/* dp_valchain_cancel or dp_valchain_free left it to us. */
		if (cq->cancelled)
			query_free(cq);
		getdns_dict_destroy(resp);
		return;
	}
	if (type == GETDNS_CALLBACK_COMPLETE)
		chain_answered(cq, resp);
	else
		snprintf(cq->why, sizeof(cq->why), "%s", type == GETDNS_CALLBACK_TIMEOUT ?
		    "the validation chain did not come in time" :
		    "the validation chain could not be fetched");
	getdns_dict_destroy(resp);
	evtimer_add(cq->deliver, &now);
}

int
dp_valchain_new(struct event_base *base, const struct dp_resolver_config *cfg,
    struct dp_valchain **out, struct dp_err *err)
{
	struct dp_valchain *c;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return dp_err_set(err, "out of memory");
	c->base = base;
	if (dp_trace_anchors_load(cfg->trust_anchor, &c->anchors, err) == -1 ||
	    dp_getdns_context_new(base, cfg, &c->ctx, &c->loop, err) == -1) {
		dp_valchain_free(c);
		return -1;
	}
	if ((c->ext = getdns_dict_create()) == NULL ||
	    getdns_dict_set_int(c->ext, "dnssec_return_validation_chain",
	    GETDNS_EXTENSION_TRUE) != GETDNS_RETURN_GOOD ||
	    getdns_dict_set_int(c->ext, "dnssec_return_all_statuses",
	    GETDNS_EXTENSION_TRUE) != GETDNS_RETURN_GOOD) {
		dp_valchain_free(c);
		return dp_err_set(err, "out of memory");
	}
	*out = c;
	return 0;
}

struct dp_valchain_query *
dp_valchain_query(struct dp_valchain *c, const char *name, uint16_t type, dp_valchain_cb *cb,
    void *arg, struct dp_err *err)
{
	struct dp_valchain_query *cq;

	if ((cq = calloc(1, sizeof(*cq))) == NULL || (cq->qname = strdup(name)) == NULL ||
	    (cq->deliver = evtimer_new(c->base, deliver_cb, cq)) == NULL) {
		query_free(cq);
		dp_err_set(err, "out of memory");
		return NULL;
	}
	cq->c = c;
	cq->qtype = type;
	cq->cb = cb;
	cq->arg = arg;
	cq->next = c->queries;
	c->queries = cq;
	cq->asked = true;
	if (getdns_general(c->ctx, name, type, c->ext, cq, &cq->tid, chain_cb) !=
	    GETDNS_RETURN_GOOD) {
		unlink_query(cq);
		query_free(cq);
		dp_err_set(err, "getdns refused the question %.300s", name);
		return NULL;
	}
	return cq;
}

void
dp_valchain_cancel(struct dp_valchain_query *cq)
{
	if (cq == NULL)
		return;
	unlink_query(cq);
	if (!cq->asked) {
		query_free(cq);
		return;
	}
	/* getdns calls back with CANCEL (then chain_cb frees it). */
	cq->cancelled = true;
	event_del(cq->deliver);
	getdns_cancel_callback(cq->c->ctx, cq->tid);
}

void
dp_valchain_free(struct dp_valchain *c)
{
	if (c == NULL)
		return;
	while (c->queries != NULL)
		dp_valchain_cancel(c->queries);
	getdns_dict_destroy(c->ext);
	if (c->ctx != NULL)
		getdns_context_destroy(c->ctx);
	dp_getdns_loop_free(c->loop);
	dp_trace_anchors_free(c->anchors);
	free(c);
}

#else /* !HAVE_GETDNS */

bool
dp_valchain_available(void)
{
	return false;
}

int
dp_valchain_new(struct event_base *base, const struct dp_resolver_config *cfg,
    struct dp_valchain **out, struct dp_err *err)
{
	(void)base;
	(void)cfg;
	*out = NULL;
	return dp_err_set(err, "tracing the chain of trust needs getdns, which is not built in");
}

struct dp_valchain_query *
dp_valchain_query(struct dp_valchain *c, const char *name, uint16_t type, dp_valchain_cb *cb,
    void *arg, struct dp_err *err)
{
	(void)c; (void)name; (void)type; (void)cb; (void)arg;
	dp_err_set(err, "no getdns");
	return NULL;
}

void
dp_valchain_cancel(struct dp_valchain_query *q)
{
	(void)q;
}

void
dp_valchain_free(struct dp_valchain *c)
{
	(void)c;
}

#endif /* HAVE_GETDNS */
