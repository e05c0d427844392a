/*
 * resolver.c: the backend-independent half of the resolver layer: the
 * registry of backends, the resolver's life, and each query's: its
 * deadline, its CNAME steps, its delivery (always from the loop, exactly
 * once).  What a reply says is answer.c's; the trust anchor and hints
 * files are anchors.c's; the recheck of a getdns "bogus" is
 * resolver_ds.c's.  Policy: a query ends once; a reply that cannot be
 * read is a failure, never an empty answer; the DNSSEC state comes only
 * from the backend's own validation (but see resolver_ds.c).
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "dnsmsg.h"
#include "resolver_chain.h"
#include "resolver_impl.h"
#include "trace.h"

static const struct dp_backend_ops *const backends[] = {
#ifdef HAVE_GETDNS
	&dp_backend_getdns,
#endif
#ifdef HAVE_LIBUNBOUND
	&dp_backend_unbound,
#endif
};
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

const char *
dp_resolver_backends(void)
{
#if defined(HAVE_GETDNS) && defined(HAVE_LIBUNBOUND)
	return "getdns, libunbound";
#elif defined(HAVE_GETDNS)
	return "getdns";
#else
	return "libunbound";
#endif
}

int
dp_resolver_backend_parse(const char *s, enum dp_backend_id *id, struct dp_err *err)
{
	size_t i;

	if (strcmp(s, "unbound") == 0)
		s = "libunbound";
	for (i = 0; i < NBACKENDS; i++)
		if (strcmp(backends[i]->name, s) == 0) {
			*id = backends[i]->id;
			return 0;
		}
	if (strcmp(s, "getdns") == 0 || strcmp(s, "libunbound") == 0)
		return dp_err_set(err, "backend '%s' is not built in (built in: %s)",
		    s, dp_resolver_backends());
	return dp_err_set(err, "unknown backend '%s' (getdns or unbound)", s);
}

/*
 * --resolver: one parser for both backends, so that what one accepts the
 * other does too, and a bad address is a usage error before any resolver
 * is made.  inet_pton takes only full literals (no "127.1", no scope,
 * no brackets); the port is plain decimal with nothing after it.
 */
int
dp_resolver_addr_parse(const char *spec, struct dp_resolver_addr *out,
    struct dp_err *err)
{
	char addr[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN];
	const char *at = strchr(spec, '@');
	size_t len = at != NULL ? (size_t)(at - spec) : strlen(spec);
	unsigned port = 53;

	memset(out, 0, sizeof(*out));
	if (at != NULL && strchr(at + 1, '@') != NULL)
		return dp_err_set(err, "invalid resolver '%.80s': one '@' at most "
		    "(ADDR or ADDR@PORT)", spec);
	if (len == 0 || len >= sizeof(addr))
		return dp_err_set(err, "invalid resolver '%.80s': expected ADDR or ADDR@PORT",
		    spec);
	memcpy(addr, spec, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, out->addr) == 1)
		out->family = AF_INET6;
	else
		return dp_err_set(err, "invalid resolver '%.80s': '%s' is not an IPv4 or "
		    "IPv6 address%s", spec, addr, addr[0] == '[' ? " (no brackets)" : "");
	if (at != NULL && dp_parse_port(at + 1, &port, err) == -1) {
		dp_err_prefix(err, "invalid resolver '%.80s'", spec);
		return -1;
	}
	out->port = (uint16_t)port;
	inet_ntop(out->family, out->addr, text, sizeof(text));
	snprintf(out->text, sizeof(out->text), "%s@%u", text, port);
	return 0;
}

int
dp_resolver_config_add(struct dp_resolver_config *cfg, const char *spec,
    struct dp_err *err)
{
	if (cfg->nservers >= DP_MAX_RESOLVERS)
		return dp_err_set(err, "at most %d --resolver options", DP_MAX_RESOLVERS);
	if (dp_resolver_addr_parse(spec, &cfg->servers[cfg->nservers], err) == -1)
		return -1;
	cfg->nservers++;
	return 0;
}

int
dp_resolver_new(struct event_base *base, const struct dp_resolver_config *cfg,
    struct dp_resolver **out, struct dp_err *err)
{
	struct dp_resolver *res;
	const struct dp_backend_ops *ops = NULL;
	size_t i;

	*out = NULL;
	for (i = 0; i < NBACKENDS; i++)
		if (cfg->backend == DP_BACKEND_DEFAULT || backends[i]->id == cfg->backend) {
			ops = backends[i];
			break;
		}
	if (ops == NULL)
		return dp_err_set(err, "requested backend is not built in");
	if (cfg->trust_anchor == NULL)
		return dp_err_set(err, "no trust anchor file");
	if (cfg->root_hints != NULL && dp_root_hints_check(cfg->root_hints, err) == -1)
		return -1;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		return dp_err_set(err, "out of memory");
	if (dp_anchor_scan(cfg->trust_anchor, res, err) == -1) {
		dp_anchors_free(res);
		free(res);
		return -1;
	}
	res->base = base;
	res->cfg = *cfg;
	res->ops = ops;
	if (ops->init(res, err) == -1) {
		dp_err_prefix(err, "%s", ops->name);
		dp_anchors_free(res);
		free(res);
		return -1;
	}
	*out = res;
	return 0;
}

void
dp_resolver_free(struct dp_resolver *res)
{
	if (res == NULL)
		return;
	dp_valchain_free(res->valchain);
	res->ops->fini(res);
	dp_anchors_free(res);
	free(res);
}

const char *
dp_resolver_name(const struct dp_resolver *res)
{
	return res->ops->name;
}

bool
dp_resolver_caches_keys(const struct dp_resolver *res)
{
	return res->ops->key_cache;
}

void
dp_query_cancel_ds(struct dp_query *q)
{
	size_t i;

	for (i = 0; i < q->nds; i++)
		if (q->ds[i] != NULL) {
			dp_query_cancel(q->ds[i]);
			q->ds[i] = NULL;
		}
	q->ds_pending = 0;
}

static void
query_cancel_subs(struct dp_query *q)
{
	size_t i;

	for (i = 0; i < DP_MAX_CNAME_STEPS; i++)
		if (q->steps[i] != NULL) {
			dp_query_cancel(q->steps[i]);
			q->steps[i] = NULL;
		}
	q->steps_pending = 0;
	dp_query_cancel_ds(q);
	if (q->vq_pending) {
		dp_valchain_cancel(q->vq);
		q->vq = NULL;
		q->vq_pending = false;
		if (q->answer != NULL && q->answer->trace_error == NULL)
			q->answer->trace_error = strdup("the validation chain did not come "
			    "before the deadline");
	}
}

static void
query_free(struct dp_query *q)
{
	if (q == NULL)
		return;
	query_cancel_subs(q);
	q->res->ops->cancel(q);	/* frees the backend's part; a no-op once ended */
	if (q->timer != NULL)
		event_free(q->timer);
	dp_answer_free(q->answer);
	free(q->qname);
	free(q);
}

/* Delivery (the timer at 0 s) once no question about the answer is open. */
void
dp_query_deliver_when_done(struct dp_query *q)
{
	struct timeval now = { 0, 0 };

	if (q->steps_pending == 0 && q->ds_pending == 0 && !q->vq_pending)
		evtimer_add(q->timer, &now);
}

/* The one timer of a query: first its deadline, then (at 0 s) its delivery. */
static void
query_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dp_query *q = arg;
	struct dp_answer *ans;

	if (q->answer == NULL) {
		q->res->ops->cancel(q);
		dp_query_complete(q, DP_LOOKUP_TIMEOUT, DP_DNSSEC_INDETERMINATE,
		    "no answer before the deadline", -1, NULL, 0);
		if (q->answer == NULL)	/* out of memory: nothing to deliver */
			return;
	}
	/* Steps still unanswered at the deadline stay indeterminate; DS walks undecided. */
	query_cancel_subs(q);
	dp_query_judge(q);
	ans = q->answer;
	q->answer = NULL;
	ans->elapsed_ms = dp_now_ms() - q->started_ms;
	q->cb(ans, q->arg);
	query_free(q);
}

static void
step_answer(struct dp_answer *sub, void *arg)
{
	struct dp_query *q = arg;
	size_t i;

	for (i = 0; i < q->answer->ncnames; i++) {
		struct dp_cname_step *step = &q->answer->cnames[i];

		if (q->steps[i] == NULL || strcmp(step->owner, sub->qname) != 0)
			continue;
		q->steps[i] = NULL;
		q->steps_pending--;
		/* The step counts only if its own CNAME RRset came back. */
		step->state = sub->status == DP_LOOKUP_ANSWERED && sub->nrrs > 0 ?
		    sub->state : DP_DNSSEC_INDETERMINATE;
		break;
	}
	dp_answer_free(sub);
	dp_query_deliver_when_done(q);
}

/*
 * A secure answer proves every CNAME step secure.  Otherwise each step's
 * own state is asked (qtype CNAME at its owner), so that a secure alias
 * into an unsigned zone is shown as such; until then a step is
 * indeterminate, never secure.
 */
static void
query_ask_steps(struct dp_query *q)
{
	struct dp_answer *ans = q->answer;
	size_t i;

	if (ans->state == DP_DNSSEC_SECURE || ans->status != DP_LOOKUP_ANSWERED ||
	    q->qtype == DP_TYPE_CNAME || q->inner)
		return;
	for (i = 0; i < ans->ncnames; i++) {
		ans->cnames[i].state = DP_DNSSEC_INDETERMINATE;
		q->steps[i] = dp_resolver_query(q->res, ans->cnames[i].owner,
		    DP_TYPE_CNAME, step_answer, q, NULL);
		if (q->steps[i] != NULL)
			q->steps_pending++;
	}
}

static void
trace_answer(struct dp_trace *trace, const char *why, void *arg)
{
	struct dp_query *q = arg;

	q->vq = NULL;
	q->vq_pending = false;
	if (trace != NULL)
		q->answer->trace = trace;
	else
		q->answer->trace_error = strdup(why != NULL && *why != '\0' ? why :
		    "the chain could not be traced");
	dp_query_deliver_when_done(q);
}

/*
 * The chain of trust behind an answer: always with --trace (but for a
 * CNAME step's own question), and for a bogus answer whose backend gives
 * no reason, which the trace's broken link then gives (dp_query_judge).
 * getdns's context for it is made at the first need, so that a run with
 * nothing to trace pays nothing.
 */
static void
query_trace_start(struct dp_query *q)
{
	struct dp_resolver *res = q->res;
	struct dp_answer *ans = q->answer;
	struct dp_err err;

	if (q->inner || ans->status != DP_LOOKUP_ANSWERED || q->qtype == DP_TYPE_CNAME)
		return;
	if (!res->cfg.trace && !(ans->state == DP_DNSSEC_BOGUS && ans->why == NULL))
		return;
	if (res->valchain == NULL && !res->valchain_failed &&
	    dp_valchain_new(res->base, &res->cfg, &res->valchain, &err) == -1) {
		res->valchain_failed = true;
		ans->trace_error = strdup(err.msg);
	}
	if (res->valchain == NULL)
		return;
	q->vq_pending = true;
	if ((q->vq = dp_valchain_query(res->valchain, q->qname, q->qtype, trace_answer, q,
	    &err)) == NULL) {
		q->vq_pending = false;
		ans->trace_error = strdup(err.msg);
	}
}

void
dp_query_complete(struct dp_query *q, enum dp_lookup_status status,
    enum dp_dnssec state, const char *why, int rcode, const uint8_t *wire,
    size_t len)
{
	struct dp_answer *ans;
	struct dp_err err;

	if (q->answer != NULL)
		return;
	if ((ans = dp_answer_new(q->qname, q->qtype, q->res->ops->name)) == NULL)
		return;
	ans->status = status;
	ans->state = state;
	ans->rcode = rcode;
	if (why != NULL && *why != '\0')
		ans->why = strdup(why);
	if (status == DP_LOOKUP_ANSWERED && wire != NULL &&
	    dp_answer_fill(ans, wire, len, time(NULL), &err) == -1) {
		ans->status = DP_LOOKUP_FAILED;
		ans->state = DP_DNSSEC_INDETERMINATE;
		ans->rcode = -1;	/* no rcode of a reply we could read */
		free(ans->why);
		ans->why = strdup(err.msg);
	}
	if (ans->status == DP_LOOKUP_ANSWERED && wire == NULL && ans->rcode ==
	    DP_RCODE_NOERROR) {
		/* A backend that reports success must hand over the reply. */
		ans->status = DP_LOOKUP_FAILED;
		ans->state = DP_DNSSEC_INDETERMINATE;
	}
	/*
	 * Only a real answer (NOERROR, NXDOMAIN) can be secure or insecure; a
	 * SERVFAIL that a backend calls "insecure" is not an unsigned zone.
	 */
	if (ans->state != DP_DNSSEC_BOGUS && ans->rcode != DP_RCODE_NOERROR &&
	    ans->rcode != DP_RCODE_NXDOMAIN)
		ans->state = DP_DNSSEC_INDETERMINATE;
	q->answer = ans;
	query_ask_steps(q);
	dp_ds_walk_start(q);
	query_trace_start(q);
	dp_query_deliver_when_done(q);
}

/* inner: a query of a DS walk, which neither walks nor asks CNAME steps itself. */
struct dp_query *
dp_query_start(struct dp_resolver *res, const char *name, uint16_t type,
    dp_resolve_cb *cb, void *arg, bool inner, struct dp_err *err)
{
	struct dp_query *q;
	struct timeval tv;

	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->qname = strdup(name)) == NULL ||
	    (q->timer = evtimer_new(res->base, query_timer_cb, q)) == NULL) {
		query_free(q);
		dp_err_set(err, "out of memory");
		return NULL;
	}
	q->res = res;
	q->qtype = type;
	q->cb = cb;
	q->arg = arg;
	q->inner = inner;
	q->started_ms = dp_now_ms();
	tv.tv_sec = res->cfg.timeout_ms / 1000;
	tv.tv_usec = (res->cfg.timeout_ms % 1000) * 1000;
	evtimer_add(q->timer, &tv);
	if (res->ops->submit(q, err) == -1) {
		dp_err_prefix(err, "%s: query %s %s", res->ops->name, name,
		    dp_type_name(type));
		query_free(q);
		return NULL;
	}
	return q;
}

struct dp_query *
dp_resolver_query(struct dp_resolver *res, const char *name, uint16_t type,
    dp_resolve_cb *cb, void *arg, struct dp_err *err)
{
	return dp_query_start(res, name, type, cb, arg, false, err);
}

void
dp_query_cancel(struct dp_query *q)
{
	query_free(q);
}
