/*
 * resolver_getdns.c: the getdns backend.
 *
 * getdns validates locally (as a stub it fetches the DNSKEY/DS chain
 * itself) from the trust anchors we load, and runs on our libevent base
 * through an event loop of ours (resolver_getdns_loop.c).  Zero-configuration DNSSEC
 * (fetching root anchors from the internet) is switched off: the anchors
 * are the ones the user gave, or the system's root key, nothing else.
 * Bogus replies are asked for too (dnssec_return_all_statuses) so that
 * "bogus" is reported as such and not as an empty answer.  getdns has
 * no reason text for a validation failure: resolver.c words one from
 * what it knows.  getdns 1.6 also calls a zone bogus whose DS RRset
 * names no algorithm it supports (RFC 4035 section 5.2: insecure), so
 * resolver.c rechecks such DS RRsets (recheck_bogus_ds).  In stub mode
 * every query goes over TCP (see gd_stub_transport for the getdns bug
 * this avoids); a resolver that refuses TCP is a failed lookup, one that
 * never answers over TCP a timeout at the deadline.
 */
#include "config.h"

#ifdef HAVE_GETDNS

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <getdns/getdns.h>
#include <getdns/getdns_extra.h>

#include "dnsmsg.h"
#include "resolver_impl.h"
#include "zonefile.h"

struct gd_backend {
	getdns_context	*ctx;
	getdns_eventloop *loop;	/* ours, on the batch's base (resolver_getdns_loop.c) */
	getdns_dict	*ext;	/* per-query extensions */
};

struct gd_query {
	getdns_transaction_t	 tid;
	bool			 pending;
};

static int
gd_check(getdns_return_t rc, const char *what, struct dp_err *err)
{
	const char *s;

	if (rc == GETDNS_RETURN_GOOD)
		return 0;
	s = getdns_get_errorstr_by_id(rc);
	return dp_err_set(err, "%s: %s", what, s ? s : "getdns error");
}

/* Appends rec (one line from zonefile.c) to list. */
static int
gd_append_rr(getdns_list *list, const struct dp_zone_record *rec, size_t *n)
{
	getdns_dict *rr = NULL;

	if (getdns_str2rr_dict(rec->text, &rr, rec->origin, rec->ttl) !=
	    GETDNS_RETURN_GOOD)
		return -1;
	getdns_list_set_dict(list, (*n)++, rr);
	getdns_dict_destroy(rr);
	return 0;
}

/*
 * Reads a zone-file list of records (trust anchors, root hints), already
 * checked by dp_trust_anchor_check or dp_root_hints_check.  Debian's
 * getdns 1.6 getdns_fp2rr_list() fails on every input, so zonefile.c cuts
 * the records and getdns_str2rr_dict() converts each.
 */
static int
gd_load_rr_file(const char *file, getdns_list **list, struct dp_err *err)
{
	struct dp_zone_reader zr;
	struct dp_zone_record rec;
	size_t n = 0;
	int rc;

	if ((*list = getdns_list_create()) == NULL)
		return dp_err_set(err, "out of memory");
	if ((rc = dp_zone_open(&zr, NULL, file, DP_ZONE_FILE_MAX,
	    DP_ZONE_RECORD_MAX, err)) == 0) {
		while ((rc = dp_zone_next(&zr, &rec, err)) == 1)
			if (gd_append_rr(*list, &rec, &n) == -1) {
				rc = dp_zone_error(&zr, rec.line, err,
				    "not a record in zone-file format");
				break;
			}
		if (rc == 0 && n == 0)
			rc = dp_zone_error(&zr, 0, err, "no record in file");
	}
	dp_zone_close(&zr);
	if (rc == -1) {
		getdns_list_destroy(*list);
		*list = NULL;
		return -1;
	}
	return 0;
}

/* A --resolver address (parsed once, in dp_resolver_addr_parse) as a getdns address dict. */
static int
gd_address_dict(const struct dp_resolver_addr *a, getdns_dict **out, struct dp_err *err)
{
	getdns_bindata bd;
	getdns_dict *d;
	int v6 = a->family == AF_INET6;

	if ((d = getdns_dict_create()) == NULL)
		return dp_err_set(err, "out of memory");
	bd.size = v6 ? 16 : 4;
	bd.data = (uint8_t *)a->addr;
	if (getdns_dict_util_set_string(d, "address_type", v6 ? "IPv6" : "IPv4") !=
	    GETDNS_RETURN_GOOD ||
	    getdns_dict_set_bindata(d, "address_data", &bd) != GETDNS_RETURN_GOOD ||
	    getdns_dict_set_int(d, "port", a->port) != GETDNS_RETURN_GOOD) {
		getdns_dict_destroy(d);
		return dp_err_set(err, "resolver %s: cannot build the address", a->text);
	}
	*out = d;
	return 0;
}

static int
gd_set_upstreams(getdns_context *ctx, const struct dp_resolver_config *cfg,
    struct dp_err *err)
{
	getdns_list *list;
	size_t i;
	int rc = -1;

	if ((list = getdns_list_create()) == NULL)
		return dp_err_set(err, "out of memory");
	for (i = 0; i < cfg->nservers; i++) {
		getdns_dict *d = NULL;

		if (gd_address_dict(&cfg->servers[i], &d, err) == -1)
			goto out;
		getdns_list_set_dict(list, i, d);
		getdns_dict_destroy(d);
	}
	rc = gd_check(getdns_context_set_upstream_recursive_servers(ctx, list),
	    "resolvers", err);
out:
	getdns_list_destroy(list);
	return rc;
}

/*
 * Stub queries go over TCP only, never UDP first.  getdns 1.6.0 (and its
 * source as of 2023) falls back from a truncated UDP reply by storing the
 * upstream's shared TCP socket as the query's own (stub_udp_read_cb);
 * freeing that query later (its validation chain when the answer is
 * delivered, a cancel, a timeout) closes the socket under the upstream.
 * The upstream's other queries then hang until our deadline, libevent
 * logs "Bad file descriptor", every such query closes the number again
 * (by then perhaps another socket's), and the process can abort with a
 * double free.  DNSSEC answers truncate
 * often (large DNSKEY sets), so that path is avoided altogether: queries
 * sent over TCP from the start leave the socket to the upstream.  A
 * resolver without TCP (RFC 7766 section 5 requires it) fails.  Recursive
 * mode is libunbound inside getdns and keeps its own transport.
 *
 * The cost: a TCP connect per run; and replies pipelined on the
 * connection met the server's Nagle and our delayed ACK (a 40 ms stall in
 * most checks), which the event loop adapter avoids with TCP_QUICKACK
 * (resolver_getdns_loop.c).  Limiting getdns to one outstanding query
 * would avoid it too but deadlocks: the validator's own queries then wait
 * behind the query that needs them.
 */
static int
gd_stub_transport(getdns_context *ctx, struct dp_err *err)
{
	getdns_transport_list_t tcp = GETDNS_TRANSPORT_TCP;

	return gd_check(getdns_context_set_dns_transport_list(ctx, 1, &tcp),
	    "TCP transport", err);
}

static int
gd_configure(getdns_context *ctx, const struct dp_resolver_config *cfg,
    struct dp_err *err)
{
	getdns_list *list = NULL;
	int rc;

	/* "" switches zero-configuration DNSSEC off: no fetching of anchors. */
	if (gd_check(getdns_context_set_trust_anchors_verify_CA(ctx, ""),
	    "trust anchors", err) == -1)
		return -1;
	if (gd_load_rr_file(cfg->trust_anchor, &list, err) == -1)
		return -1;
	rc = gd_check(getdns_context_set_dnssec_trust_anchors(ctx, list),
	    cfg->trust_anchor, err);
	getdns_list_destroy(list);
	if (rc == -1)
		return -1;
	if (gd_check(getdns_context_set_timeout(ctx, cfg->timeout_ms), "timeout",
	    err) == -1)
		return -1;
	if (cfg->recursive) {
		if (gd_check(getdns_context_set_resolution_type(ctx,
		    GETDNS_RESOLUTION_RECURSING), "recursive mode", err) == -1)
			return -1;
		if (cfg->root_hints == NULL)
			return 0;
		if (gd_load_rr_file(cfg->root_hints, &list, err) == -1)
			return -1;
		rc = gd_check(getdns_context_set_dns_root_servers(ctx, list),
		    cfg->root_hints, err);
		getdns_list_destroy(list);
		return rc;
	}
	/* getdns's own default is to recurse from the real root: say stub. */
	if (gd_check(getdns_context_set_resolution_type(ctx, GETDNS_RESOLUTION_STUB),
	    "stub mode", err) == -1)
		return -1;
	if (gd_stub_transport(ctx, err) == -1)
		return -1;
	if (cfg->nservers > 0)
		return gd_set_upstreams(ctx, cfg, err);
	return 0;
}

int
dp_getdns_context_new(struct event_base *base, const struct dp_resolver_config *cfg,
    getdns_context **ctxp, getdns_eventloop **loopp, struct dp_err *err)
{
	getdns_context *ctx = NULL;
	getdns_eventloop *loop = NULL;
	/* System resolvers only in plain stub mode; /etc/hosts must never answer. */
	int from_os = !cfg->recursive && cfg->nservers == 0;

	*ctxp = NULL;
	*loopp = NULL;
	if (gd_check(getdns_context_create(&ctx, from_os), "context", err) == -1)
		return -1;
	if (from_os)
		getdns_context_set_hosts(ctx, "/dev/null");
	if (gd_configure(ctx, cfg, err) == -1)
		goto fail;
	if ((loop = dp_getdns_loop_new(base)) == NULL) {
		dp_err_set(err, "out of memory");
		goto fail;
	}
	if (gd_check(getdns_context_set_eventloop(ctx, loop), "event loop", err) == -1)
		goto fail;
	*ctxp = ctx;
	*loopp = loop;
	return 0;
fail:
	getdns_context_destroy(ctx);
	dp_getdns_loop_free(loop);	/* after the context, which may clear events */
	return -1;
}

static int
gd_init(struct dp_resolver *res, struct dp_err *err)
{
	struct gd_backend *gd;

	if ((gd = calloc(1, sizeof(*gd))) == NULL)
		return dp_err_set(err, "out of memory");
	if (dp_getdns_context_new(res->base, &res->cfg, &gd->ctx, &gd->loop, err) == -1) {
		free(gd);
		return -1;
	}
	if ((gd->ext = getdns_dict_create()) == NULL) {
		dp_err_set(err, "out of memory");
		goto fail;
	}
	getdns_dict_set_int(gd->ext, "dnssec_return_status", GETDNS_EXTENSION_TRUE);
	getdns_dict_set_int(gd->ext, "dnssec_return_all_statuses", GETDNS_EXTENSION_TRUE);
	res->impl = gd;
	return 0;
fail:
	getdns_dict_destroy(gd->ext);
	getdns_context_destroy(gd->ctx);
	dp_getdns_loop_free(gd->loop);	/* after the context, which may clear events */
	free(gd);
	return -1;
}

static enum dp_dnssec
gd_state(uint32_t status)
{
	switch (status) {
	case GETDNS_DNSSEC_SECURE:	return DP_DNSSEC_SECURE;
	case GETDNS_DNSSEC_INSECURE:	return DP_DNSSEC_INSECURE;
	case GETDNS_DNSSEC_BOGUS:	return DP_DNSSEC_BOGUS;
	default:			return DP_DNSSEC_INDETERMINATE;
	}
}

static void
gd_deliver(struct dp_query *q, getdns_dict *resp)
{
	uint32_t status = 0, sec = 0, rcode = 0;
	getdns_bindata *wire = NULL;
	enum dp_dnssec state;

	if (getdns_dict_get_int(resp, "status", &status) == GETDNS_RETURN_GOOD &&
	    status == GETDNS_RESPSTATUS_ALL_TIMEOUT) {
		dp_query_complete(q, DP_LOOKUP_TIMEOUT, DP_DNSSEC_INDETERMINATE,
		    "all queries timed out", -1, NULL, 0);
		return;
	}
	if (getdns_dict_get_bindata(resp, "/replies_full/0", &wire) !=
	    GETDNS_RETURN_GOOD || wire == NULL) {
		dp_query_complete(q, DP_LOOKUP_FAILED, DP_DNSSEC_INDETERMINATE,
		    "no reply", -1, NULL, 0);
		return;
	}
	/* A missing status is indeterminate, never secure. */
	if (getdns_dict_get_int(resp, "/replies_tree/0/dnssec_status", &sec) !=
	    GETDNS_RETURN_GOOD)
		sec = GETDNS_DNSSEC_INDETERMINATE;
	getdns_dict_get_int(resp, "/replies_tree/0/header/rcode", &rcode);
	state = gd_state(sec);
	/* No reason text: resolver.c gives a bogus answer one. */
	dp_query_complete(q, DP_LOOKUP_ANSWERED, state, NULL, (int)rcode,
	    wire->data, wire->size);
}

static void
gd_callback(getdns_context *ctx, getdns_callback_type_t type,
    getdns_dict *resp, void *arg, getdns_transaction_t tid)
{
	struct dp_query *q = arg;
	struct gd_query *gq;

	/* After a cancel the query is ours to free: do not touch it. */
	if (type == GETDNS_CALLBACK_CANCEL)
		goto out;
	gq = q->impl;
	gq->pending = false;
	switch (type) {
	case GETDNS_CALLBACK_COMPLETE:
		gd_deliver(q, resp);
		break;
	case GETDNS_CALLBACK_TIMEOUT:
		dp_query_complete(q, DP_LOOKUP_TIMEOUT, DP_DNSSEC_INDETERMINATE,
		    "getdns timed out", -1, NULL, 0);
		break;
	default:
		dp_query_complete(q, DP_LOOKUP_FAILED, DP_DNSSEC_INDETERMINATE,
		    "getdns could not resolve", -1, NULL, 0);
		break;
	}
out:
	getdns_dict_destroy(resp);
}

static int
gd_submit(struct dp_query *q, struct dp_err *err)
{
	struct gd_backend *gd = q->res->impl;
	struct gd_query *gq;

	if ((gq = calloc(1, sizeof(*gq))) == NULL)
		return dp_err_set(err, "out of memory");
	q->impl = gq;
	gq->pending = true;
	if (gd_check(getdns_general(gd->ctx, q->qname, q->qtype, gd->ext, q,
	    &gq->tid, gd_callback), "query", err) == -1) {
		free(gq);
		q->impl = NULL;
		return -1;
	}
	return 0;
}

static void
gd_cancel(struct dp_query *q)
{
	struct gd_backend *gd = q->res->impl;
	struct gd_query *gq = q->impl;

	if (gq == NULL)
		return;
	q->impl = NULL;
	if (gq->pending)
		getdns_cancel_callback(gd->ctx, gq->tid);
	free(gq);
}

static void
gd_fini(struct dp_resolver *res)
{
	struct gd_backend *gd = res->impl;

	if (gd == NULL)
		return;
	getdns_dict_destroy(gd->ext);
	getdns_context_destroy(gd->ctx);
	dp_getdns_loop_free(gd->loop);	/* after the context, which may clear events */
	free(gd);
}

const struct dp_backend_ops dp_backend_getdns = {
	.name = "getdns",
	.id = DP_BACKEND_GETDNS,
	.init = gd_init,
	.submit = gd_submit,
	.cancel = gd_cancel,
	.fini = gd_fini,
	.recheck_bogus_ds = true,
	.no_reasons = true,
};

#endif /* HAVE_GETDNS */
