/*
 * resolver_direct.c: a getdns stub context aimed at one authoritative
 * server, for the questions of lookup --servers.  No validation is asked
 * of getdns here (the server is no resolver: it would be asked for the
 * whole chain); the replies are read by answer.c like any other, and
 * their RRsets are checked against the zone's keys by
 * getdns_validate_dnssec2, one RRset at a time.  Over TCP only, as the
 * getdns backend does (resolver_getdns.c: getdns's UDP-to-TCP fall-back
 * closes sockets it shares), on the batch's loop (resolver_getdns_loop.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "dnsmsg.h"
#include "resolver_direct.h"
#include "resolver_impl.h"

#ifdef HAVE_GETDNS

#include <getdns/getdns.h>
#include <getdns/getdns_extra.h>

/* A question in flight; the list lets dp_direct_free cancel what is pending. */
struct direct_query {
	struct dp_direct	*d;
	struct direct_query	*next;
	getdns_transaction_t	 tid;
	dp_direct_cb		*cb;
	void			*arg;
	uint64_t		 started_ms;
};

struct dp_direct {
	getdns_context		*ctx;
	getdns_eventloop	*loop;
	struct direct_query	*pending;
};

static void
unlink_query(struct direct_query *dq)
{
	struct direct_query **pp;

	for (pp = &dq->d->pending; *pp != NULL; pp = &(*pp)->next)
		if (*pp == dq) {
			*pp = dq->next;
			return;
		}
}

static void
direct_cb(getdns_context *ctx, getdns_callback_type_t type, getdns_dict *resp, void *arg,
    getdns_transaction_t tid)
{
	struct direct_query *dq = arg;
	struct dp_direct_reply *r;
	getdns_bindata *wire = NULL;

	(void)ctx;
	(void)tid;
	if (type == GETDNS_CALLBACK_CANCEL) {
		free(dq);	/* dp_direct_free unlinked it */
		getdns_dict_destroy(resp);
		return;
	}
	unlink_query(dq);
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		free(dq);
		getdns_dict_destroy(resp);
		return;
	}
	r->elapsed_ms = dp_now_ms() - dq->started_ms;
	if (type == GETDNS_CALLBACK_TIMEOUT) {
		r->status = DP_LOOKUP_TIMEOUT;
		snprintf(r->why, sizeof(r->why), "no answer in time");
	} else if (type != GETDNS_CALLBACK_COMPLETE ||
	    getdns_dict_get_bindata(resp, "/replies_full/0", &wire) != GETDNS_RETURN_GOOD ||
	    wire == NULL || wire->size == 0) {
		r->status = DP_LOOKUP_FAILED;
		snprintf(r->why, sizeof(r->why), "no usable reply (connection refused, closed "
		    "or garbage)");
	} else if ((r->wire = malloc(wire->size)) == NULL) {
		r->status = DP_LOOKUP_FAILED;
		snprintf(r->why, sizeof(r->why), "out of memory");
	} else {
		memcpy(r->wire, wire->data, wire->size);
		r->len = wire->size;
		r->status = DP_LOOKUP_ANSWERED;
	}
	getdns_dict_destroy(resp);
	dq->cb(r, dq->arg);
	free(dq);
}

static int
set_server(getdns_context *ctx, int family, const uint8_t *addr, struct dp_err *err)
{
	getdns_bindata bd = { family == AF_INET6 ? 16 : 4, (uint8_t *)addr };
	getdns_list *list = getdns_list_create();
	getdns_dict *d = getdns_dict_create();
	int rc = -1;

	if (list != NULL && d != NULL &&
	    getdns_dict_util_set_string(d, "address_type", family == AF_INET6 ? "IPv6" :
	    "IPv4") == GETDNS_RETURN_GOOD &&
	    getdns_dict_set_bindata(d, "address_data", &bd) == GETDNS_RETURN_GOOD &&
	    getdns_list_set_dict(list, 0, d) == GETDNS_RETURN_GOOD &&
	    getdns_context_set_upstream_recursive_servers(ctx, list) == GETDNS_RETURN_GOOD)
		rc = 0;
	else
		dp_err_set(err, "cannot aim getdns at the server");
	getdns_dict_destroy(d);
	getdns_list_destroy(list);
	return rc;
}

struct dp_direct *
dp_direct_new(struct event_base *base, int family, const uint8_t *addr, unsigned timeout_ms,
    struct dp_err *err)
{
	getdns_transport_list_t tcp = GETDNS_TRANSPORT_TCP;
	struct dp_direct *d;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		dp_err_set(err, "out of memory");
		return NULL;
	}
	/* Not from the OS: no resolv.conf, no /etc/hosts; the one server is ours. */
	if (getdns_context_create(&d->ctx, 0) != GETDNS_RETURN_GOOD) {
		free(d);
		dp_err_set(err, "cannot create a getdns context");
		return NULL;
	}
	if (getdns_context_set_resolution_type(d->ctx, GETDNS_RESOLUTION_STUB) !=
	    GETDNS_RETURN_GOOD ||
	    getdns_context_set_dns_transport_list(d->ctx, 1, &tcp) != GETDNS_RETURN_GOOD ||
	    getdns_context_set_edns_do_bit(d->ctx, 1) != GETDNS_RETURN_GOOD ||
	    getdns_context_set_timeout(d->ctx, timeout_ms) != GETDNS_RETURN_GOOD ||
	    getdns_context_set_trust_anchors_verify_CA(d->ctx, "") != GETDNS_RETURN_GOOD) {
		dp_err_set(err, "cannot configure getdns");
		goto fail;
	}
	if (set_server(d->ctx, family, addr, err) == -1)
		goto fail;
	if ((d->loop = dp_getdns_loop_new(base)) == NULL ||
	    getdns_context_set_eventloop(d->ctx, d->loop) != GETDNS_RETURN_GOOD) {
		dp_err_set(err, "cannot put getdns on the event loop");
		goto fail;
	}
	return d;
fail:
	dp_direct_free(d);
	return NULL;
}

int
dp_direct_query(struct dp_direct *d, const char *name, uint16_t type, dp_direct_cb *cb,
    void *arg, struct dp_err *err)
{
	struct direct_query *dq;

	if ((dq = calloc(1, sizeof(*dq))) == NULL)
		return dp_err_set(err, "out of memory");
	dq->d = d;
	dq->cb = cb;
	dq->arg = arg;
	dq->started_ms = dp_now_ms();
	/* Linked first: should getdns answer from inside the call, the callback unlinks it. */
	dq->next = d->pending;
	d->pending = dq;
	if (getdns_general(d->ctx, name, type, NULL, dq, &dq->tid, direct_cb) !=
	    GETDNS_RETURN_GOOD) {
		unlink_query(dq);
		free(dq);
		return dp_err_set(err, "getdns refused the question %.300s", name);
	}
	return 0;
}

void
dp_direct_free(struct dp_direct *d)
{
	struct direct_query *dq;

	if (d == NULL)
		return;
	/* Each cancel calls back with CANCEL, which frees the query. */
	while ((dq = d->pending) != NULL) {
		d->pending = dq->next;
		getdns_cancel_callback(d->ctx, dq->tid);
	}
	if (d->ctx != NULL)
		getdns_context_destroy(d->ctx);
	dp_getdns_loop_free(d->loop);
	free(d);
}

/* One RR of keys (the DNSKEY RRset at keys->final_name) as a getdns rr dict. */
static getdns_dict *
key_rr_dict(const struct dp_answer *keys, const struct dp_record *rec)
{
	uint8_t buf[DP_NAME_WIRE_MAX + 10 + 65535];
	getdns_dict *rr = NULL;
	int nlen;

	if ((nlen = dp_name_text_to_wire(keys->final_name, buf)) == -1 || rec->rdlen > 65535)
		return NULL;
	buf[nlen] = 0;
	buf[nlen + 1] = DP_TYPE_DNSKEY;
	buf[nlen + 2] = 0;
	buf[nlen + 3] = 1;	/* class IN */
	buf[nlen + 4] = (uint8_t)(rec->ttl >> 24);
	buf[nlen + 5] = (uint8_t)(rec->ttl >> 16);
	buf[nlen + 6] = (uint8_t)(rec->ttl >> 8);
	buf[nlen + 7] = (uint8_t)rec->ttl;
	buf[nlen + 8] = (uint8_t)(rec->rdlen >> 8);
	buf[nlen + 9] = (uint8_t)rec->rdlen;
	memcpy(buf + nlen + 10, rec->rdata, rec->rdlen);
	if (getdns_wire2rr_dict(buf, (size_t)nlen + 10 + rec->rdlen, &rr) != GETDNS_RETURN_GOOD)
		return NULL;
	return rr;
}

/* Whether rr (from a reply) is of the RRset: owner and type, or an RRSIG covering type. */
static bool
of_rrset(getdns_dict *rr, const char *owner, uint16_t type)
{
	getdns_bindata *name = NULL;
	uint32_t t = 0, covered = 0;
	char *text = NULL;
	bool same;

	if (getdns_dict_get_bindata(rr, "name", &name) != GETDNS_RETURN_GOOD ||
	    getdns_dict_get_int(rr, "type", &t) != GETDNS_RETURN_GOOD ||
	    getdns_convert_dns_name_to_fqdn(name, &text) != GETDNS_RETURN_GOOD)
		return false;
	same = strcasecmp(text, owner) == 0;
	free(text);
	if (!same)
		return false;
	if (t == type)
		return true;
	return t == DP_TYPE_RRSIG &&
	    getdns_dict_get_int(rr, "/rdata/type_covered", &covered) == GETDNS_RETURN_GOOD &&
	    covered == type;
}

enum dp_dnssec
dp_direct_validate(const uint8_t *wire, size_t len, const char *owner, uint16_t type,
    const struct dp_answer *keys, time_t now)
{
	getdns_list *answer = NULL, *rrset = getdns_list_create(), *anchors = getdns_list_create(),
	    *support = getdns_list_create();
	enum dp_dnssec state = DP_DNSSEC_INDETERMINATE;
	getdns_dict *msg = NULL, *rr;
	size_t i, n = 0, m = 0, count = 0;
	getdns_return_t rc;

	if (rrset == NULL || anchors == NULL || support == NULL || keys == NULL ||
	    keys->final_name == NULL || keys->nrrs == 0 ||
	    getdns_wire2msg_dict(wire, len, &msg) != GETDNS_RETURN_GOOD ||
	    getdns_dict_get_list(msg, "answer", &answer) != GETDNS_RETURN_GOOD ||
	    getdns_list_get_length(answer, &count) != GETDNS_RETURN_GOOD)
		goto out;
	for (i = 0; i < count; i++)
		if (getdns_list_get_dict(answer, i, &rr) == GETDNS_RETURN_GOOD &&
		    of_rrset(rr, owner, type))
			getdns_list_set_dict(rrset, n++, rr);
	for (i = 0; i < keys->nrrs; i++)
		if ((rr = key_rr_dict(keys, &keys->rrs[i])) != NULL) {
			getdns_list_set_dict(anchors, m++, rr);
			getdns_dict_destroy(rr);
		}
	if (n == 0 || m == 0)
		goto out;
	/* The validated keys are the anchors: only this RRset's signatures are checked. */
	rc = getdns_validate_dnssec2(rrset, support, anchors, now, 0);
	state = rc == GETDNS_DNSSEC_SECURE ? DP_DNSSEC_SECURE : rc == GETDNS_DNSSEC_BOGUS ||
	    rc == GETDNS_DNSSEC_INSECURE ? DP_DNSSEC_BOGUS : DP_DNSSEC_INDETERMINATE;
out:
	getdns_list_destroy(rrset);
	getdns_list_destroy(anchors);
	getdns_list_destroy(support);
	getdns_dict_destroy(msg);
	return state;
}

void
dp_direct_reply_free(struct dp_direct_reply *r)
{
	if (r == NULL)
		return;
	free(r->wire);
	free(r);
}

#else /* !HAVE_GETDNS */

struct dp_direct *
dp_direct_new(struct event_base *base, int family, const uint8_t *addr, unsigned timeout_ms,
    struct dp_err *err)
{
	(void)base;
	(void)family;
	(void)addr;
	(void)timeout_ms;
	dp_err_set(err, "--servers needs the getdns library, which this build lacks");
	return NULL;
}

int
dp_direct_query(struct dp_direct *d, const char *name, uint16_t type, dp_direct_cb *cb,
    void *arg, struct dp_err *err)
{
	(void)d;
	(void)name;
	(void)type;
	(void)cb;
	(void)arg;
	return dp_err_set(err, "no getdns");
}

void
dp_direct_free(struct dp_direct *d)
{
	(void)d;
}

enum dp_dnssec
dp_direct_validate(const uint8_t *wire, size_t len, const char *owner, uint16_t type,
    const struct dp_answer *keys, time_t now)
{
	(void)wire;
	(void)len;
	(void)owner;
	(void)type;
	(void)keys;
	(void)now;
	return DP_DNSSEC_INDETERMINATE;
}

void
dp_direct_reply_free(struct dp_direct_reply *r)
{
	if (r != NULL)
		free(r->wire);
	free(r);
}

#endif /* HAVE_GETDNS */
