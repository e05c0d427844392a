/*
 * resolver.c: the backend-independent half of the resolver layer.
 *
 * It owns each query's deadline and delivery, and reads the validated
 * reply (dnsmsg.c) into a struct dp_answer, so that both backends give
 * the same answer for the same reply.  Policy: a query ends once; a
 * reply that cannot be read is a failure, never an empty answer; the
 * DNSSEC state comes only from the backend's own validation.
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
#include "resolver_impl.h"
#include "zonefile.h"

static const struct dp_backend_ops *const backends[] = {
#ifdef HAVE_GETDNS
	&dp_backend_getdns,
#endif
#ifdef HAVE_LIBUNBOUND
	&dp_backend_unbound,
#endif
};
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

uint64_t
dp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

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

const char *
dp_dnssec_name(enum dp_dnssec state)
{
	switch (state) {
	case DP_DNSSEC_SECURE:		return "secure";
	case DP_DNSSEC_INSECURE:	return "insecure";
	case DP_DNSSEC_BOGUS:		return "bogus";
	case DP_DNSSEC_INDETERMINATE:	break;
	}
	return "indeterminate";
}

/*
 * A trust anchor record: OWNER [TTL] [CLASS] DS|DNSKEY RDATA..., where
 * RDATA has at least four fields (key tag/flags, algorithm, digest
 * type/protocol, digest/key).  rec is one line (zonefile.c joined it and
 * made its parentheses blanks).  Returns 1 for an anchor, 0 for another
 * type, -1 for a malformed record.
 */
static int
anchor_record(char *rec)
{
	char *tok[64], *save = NULL, *p;
	int n = 0, i;

	for (p = strtok_r(rec, " \t", &save); p != NULL && n < 64;
	    p = strtok_r(NULL, " \t", &save))
		tok[n++] = p;
	for (i = 1; i < n && i <= 3; i++) {
		if (strcasecmp(tok[i], "DS") == 0 || strcasecmp(tok[i], "DNSKEY") == 0)
			return n - i - 1 >= 4 ? 1 : -1;
	}
	return n >= 3 ? 0 : -1;
}

enum dp_trust
dp_answer_trust(const struct dp_answer *ans, char *detail, size_t len)
{
	char scratch[8];

	if (detail == NULL) {
		detail = scratch;
		len = sizeof(scratch);
	}
	if (ans == NULL || ans->status == DP_LOOKUP_TIMEOUT) {
		snprintf(detail, len, "no answer within the timeout");
		return DP_TRUST_TIMEOUT;
	}
	if (ans->status != DP_LOOKUP_ANSWERED) {
		snprintf(detail, len, "%s", ans->why ? ans->why : "resolver error");
		return DP_TRUST_FAILED;
	}
	if (ans->state == DP_DNSSEC_BOGUS) {
		snprintf(detail, len, "%s", ans->why ? ans->why : "no reason given");
		return DP_TRUST_BOGUS;
	}
	if (ans->rcode != DP_RCODE_NOERROR && ans->rcode != DP_RCODE_NXDOMAIN) {
		snprintf(detail, len, "%s", ans->rcode < 0 ? "no reply" : dp_rcode_name(ans->rcode));
		return DP_TRUST_FAILED;
	}
	if (ans->state == DP_DNSSEC_INSECURE)
		return DP_TRUST_INSECURE;
	if (ans->state != DP_DNSSEC_SECURE) {
		snprintf(detail, len, "the DNSSEC state could not be determined");
		return DP_TRUST_UNDETERMINED;
	}
	return DP_TRUST_SECURE;
}

int
dp_trust_anchor_check(const char *file, struct dp_err *err)
{
	struct dp_zone_reader zr;
	struct dp_zone_record rec;
	int anchors = 0, rc;

	if (dp_zone_open(&zr, "trust anchor", file, DP_ZONE_FILE_MAX,
	    DP_ZONE_RECORD_MAX, err) == -1)
		return -1;
	while ((rc = dp_zone_next(&zr, &rec, err)) == 1) {
		if ((rc = anchor_record(rec.text)) == -1) {
			dp_zone_error(&zr, rec.line, err, "not a DS or DNSKEY record");
			break;
		}
		anchors += rc;
	}
	if (rc == 0 && anchors == 0)
		rc = dp_zone_error(&zr, 0, err, "no DS or DNSKEY record in file");
	dp_zone_close(&zr);
	return rc == -1 ? -1 : 0;
}

/*
 * A root hint: OWNER [TTL] [CLASS] NS|A|AAAA RDATA, the types of IANA's
 * named.root, with one rdata field, an address for A and AAAA.  Returns 1
 * for NS, 0 for an address, -1 for anything else.
 */
static int
hint_record(char *rec)
{
	char *tok[8], *save = NULL, *p;
	unsigned char addr[16];
	int n = 0, i, first = rec[0] == ' ' || rec[0] == '\t' ? 0 : 1;

	for (p = strtok_r(rec, " \t", &save); p != NULL && n < 8;
	    p = strtok_r(NULL, " \t", &save))
		tok[n++] = p;
	/* With no owner (a leading blank) the type can be the first field. */
	for (i = first; i < n && i <= 3; i++) {
		if (i + 2 != n)
			continue;
		if (strcasecmp(tok[i], "NS") == 0)
			return 1;
		if (strcasecmp(tok[i], "A") == 0)
			return inet_pton(AF_INET, tok[i + 1], addr) == 1 ? 0 : -1;
		if (strcasecmp(tok[i], "AAAA") == 0)
			return inet_pton(AF_INET6, tok[i + 1], addr) == 1 ? 0 : -1;
	}
	return -1;
}

int
dp_root_hints_check(const char *file, struct dp_err *err)
{
	struct dp_zone_reader zr;
	struct dp_zone_record rec;
	int servers = 0, rc;

	if (dp_zone_open(&zr, "root hints", file, DP_ZONE_FILE_MAX,
	    DP_ZONE_RECORD_MAX, err) == -1)
		return -1;
	while ((rc = dp_zone_next(&zr, &rec, err)) == 1) {
		if ((rc = hint_record(rec.text)) == -1) {
			dp_zone_error(&zr, rec.line, err, "not an NS, A or AAAA record");
			break;
		}
		servers += rc;
	}
	if (rc == 0 && servers == 0)
		rc = dp_zone_error(&zr, 0, err, "no NS record in file");
	dp_zone_close(&zr);
	return rc == -1 ? -1 : 0;
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
	if (dp_trust_anchor_check(cfg->trust_anchor, err) == -1)
		return -1;
	if (cfg->root_hints != NULL && dp_root_hints_check(cfg->root_hints, err) == -1)
		return -1;
	if ((res = calloc(1, sizeof(*res))) == NULL)
		return dp_err_set(err, "out of memory");
	res->base = base;
	res->cfg = *cfg;
	res->ops = ops;
	if (ops->init(res, err) == -1) {
		dp_err_prefix(err, "%s", ops->name);
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
	res->ops->fini(res);
	free(res);
}

const char *
dp_resolver_name(const struct dp_resolver *res)
{
	return res->ops->name;
}

static void
query_cancel_steps(struct dp_query *q)
{
	size_t i;

	for (i = 0; i < DP_MAX_CNAME_STEPS; i++)
		if (q->steps[i] != NULL) {
			dp_query_cancel(q->steps[i]);
			q->steps[i] = NULL;
		}
	q->steps_pending = 0;
}

static void
query_free(struct dp_query *q)
{
	if (q == NULL)
		return;
	query_cancel_steps(q);
	q->res->ops->cancel(q);	/* frees the backend's part; a no-op once ended */
	if (q->timer != NULL)
		event_free(q->timer);
	dp_answer_free(q->answer);
	free(q->qname);
	free(q);
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
	/* Steps still unanswered at the deadline stay indeterminate. */
	query_cancel_steps(q);
	ans = q->answer;
	q->answer = NULL;
	ans->elapsed_ms = dp_now_ms() - q->started_ms;
	q->cb(ans, q->arg);
	query_free(q);
}

static struct dp_answer *
answer_new(const char *qname, uint16_t qtype, const char *backend)
{
	struct dp_answer *ans;

	if ((ans = calloc(1, sizeof(*ans))) == NULL)
		return NULL;
	if ((ans->qname = strdup(qname)) == NULL) {
		free(ans);
		return NULL;
	}
	ans->qtype = qtype;
	ans->rcode = -1;
	ans->backend = backend;
	return ans;
}

static void
step_answer(struct dp_answer *sub, void *arg)
{
	struct dp_query *q = arg;
	struct timeval now = { 0, 0 };
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
	if (q->steps_pending == 0)
		evtimer_add(q->timer, &now);
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
	    q->qtype == DP_TYPE_CNAME)
		return;
	for (i = 0; i < ans->ncnames; i++) {
		ans->cnames[i].state = DP_DNSSEC_INDETERMINATE;
		q->steps[i] = dp_resolver_query(q->res, ans->cnames[i].owner,
		    DP_TYPE_CNAME, step_answer, q, NULL);
		if (q->steps[i] != NULL)
			q->steps_pending++;
	}
}

void
dp_query_complete(struct dp_query *q, enum dp_lookup_status status,
    enum dp_dnssec state, const char *why, int rcode, const uint8_t *wire,
    size_t len)
{
	struct dp_answer *ans;
	struct dp_err err;
	struct timeval now = { 0, 0 };

	if (q->answer != NULL)
		return;
	if ((ans = answer_new(q->qname, q->qtype, q->res->ops->name)) == NULL)
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
	if (q->steps_pending == 0)
		evtimer_add(q->timer, &now);
}

struct dp_query *
dp_resolver_query(struct dp_resolver *res, const char *name, uint16_t type,
    dp_resolve_cb *cb, void *arg, struct dp_err *err)
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

void
dp_query_cancel(struct dp_query *q)
{
	query_free(q);
}

void
dp_answer_free(struct dp_answer *ans)
{
	size_t i;

	if (ans == NULL)
		return;
	for (i = 0; i < ans->nrrs; i++)
		free(ans->rrs[i].rdata);
	free(ans->rrs);
	for (i = 0; i < ans->ncnames; i++) {
		free(ans->cnames[i].owner);
		free(ans->cnames[i].target);
	}
	free(ans->cnames);
	free(ans->qname);
	free(ans->why);
	free(ans->final_name);
	free(ans);
}

static const struct dp_rr *
find_cname(const struct dp_msg *msg, const uint8_t *owner)
{
	size_t i;

	for (i = 0; i < msg->nan; i++)
		if (msg->an[i].type == DP_TYPE_CNAME &&
		    dp_name_wire_equal(msg->an[i].owner, owner))
			return &msg->an[i];
	return NULL;
}

static int
add_cname_step(struct dp_answer *ans, const uint8_t *owner,
    const uint8_t *target, uint32_t ttl)
{
	char text[DP_NAME_TEXT_MAX];
	struct dp_cname_step *step;

	if (ans->ncnames == 0 &&
	    (ans->cnames = calloc(DP_MAX_CNAME_STEPS, sizeof(*ans->cnames))) == NULL)
		return -1;
	step = &ans->cnames[ans->ncnames++];
	dp_name_wire_to_text(owner, text, sizeof(text));
	step->owner = strdup(text);
	dp_name_wire_to_text(target, text, sizeof(text));
	step->target = strdup(text);
	step->ttl = ttl;
	/* Refined by the caller where the chain's steps differ (see lookup). */
	step->state = ans->state;
	return step->owner && step->target ? 0 : -1;
}

/* RFC 2308 section 5: the negative TTL is the SOA's TTL capped by its MINIMUM. */
static void
negative_ttl(struct dp_answer *ans, const struct dp_msg *msg)
{
	uint8_t name[DP_NAME_WIRE_MAX];
	size_t i, off;

	for (i = 0; i < msg->nns; i++) {
		const struct dp_rr *rr = &msg->ns[i];
		uint32_t min;

		if (rr->type != DP_TYPE_SOA)
			continue;
		off = rr->rdoff;
		if (dp_msg_read_name(msg->wire, msg->len, &off, name) == -1 ||
		    dp_msg_read_name(msg->wire, msg->len, &off, name) == -1 ||
		    off + 20 > rr->rdoff + rr->rdlen)
			return;
		min = ((uint32_t)msg->wire[off + 16] << 24) |
		    ((uint32_t)msg->wire[off + 17] << 16) |
		    ((uint32_t)msg->wire[off + 18] << 8) | msg->wire[off + 19];
		ans->ttl = rr->ttl < min ? rr->ttl : min;
		ans->has_ttl = true;
		return;
	}
}

/*
 * Copies rr's rdata.  MX rdata may hold a compressed name (RFC 3597
 * section 4), meaningless outside the message, so it is stored
 * uncompressed; malformed MX rdata is dropped (-2).  Returns 0, -1 (memory).
 */
static int
copy_rdata(struct dp_record *out, const struct dp_msg *msg, const struct dp_rr *rr)
{
	uint8_t name[DP_NAME_WIRE_MAX];
	size_t off = rr->rdoff + 2, nlen;

	if (rr->type != DP_TYPE_MX) {
		out->rdlen = rr->rdlen;
		if ((out->rdata = malloc(rr->rdlen + 1)) == NULL)
			return -1;
		memcpy(out->rdata, dp_rr_rdata(msg, rr), rr->rdlen);
		return 0;
	}
	if (rr->rdlen < 3 || dp_msg_read_name(msg->wire, msg->len, &off, name) == -1 ||
	    off != rr->rdoff + rr->rdlen) {
		out->rdlen = 0;		/* malformed: kept empty, ignored by readers */
		out->rdata = malloc(1);
		return out->rdata == NULL ? -1 : 0;
	}
	nlen = dp_name_wire_len(name);
	if ((out->rdata = malloc(2 + nlen)) == NULL)
		return -1;
	memcpy(out->rdata, dp_rr_rdata(msg, rr), 2);
	memcpy(out->rdata + 2, name, nlen);
	out->rdlen = 2 + nlen;
	return 0;
}

static int
collect_rrset(struct dp_answer *ans, const struct dp_msg *msg,
    const uint8_t *owner, time_t now)
{
	size_t i;

	for (i = 0; i < msg->nan; i++) {
		const struct dp_rr *rr = &msg->an[i];
		const uint8_t *rd = dp_rr_rdata(msg, rr);

		if (!dp_name_wire_equal(rr->owner, owner))
			continue;
		if (rr->type == DP_TYPE_RRSIG && rr->rdlen >= 18 &&
		    ((rd[0] << 8) | rd[1]) == ans->qtype) {
			uint32_t raw = ((uint32_t)rd[8] << 24) |
			    ((uint32_t)rd[9] << 16) | ((uint32_t)rd[10] << 8) | rd[11];
			time_t exp = dp_rrsig_time(raw, now);

			if (ans->sig_expires == 0 || exp < ans->sig_expires)
				ans->sig_expires = exp;
			continue;
		}
		if (rr->type != ans->qtype)
			continue;
		if (ans->rrs == NULL &&
		    (ans->rrs = calloc(msg->nan, sizeof(*ans->rrs))) == NULL)
			return -1;
		ans->rrs[ans->nrrs].type = rr->type;
		ans->rrs[ans->nrrs].ttl = rr->ttl;
		if (copy_rdata(&ans->rrs[ans->nrrs], msg, rr) == -1)
			return -1;
		if (!ans->has_ttl || rr->ttl < ans->ttl)
			ans->ttl = rr->ttl;
		ans->has_ttl = true;
		ans->nrrs++;
	}
	return 0;
}

int
dp_answer_fill(struct dp_answer *ans, const uint8_t *wire, size_t len,
    time_t now, struct dp_err *err)
{
	struct dp_msg *msg;
	uint8_t cur[DP_NAME_WIRE_MAX], target[DP_NAME_WIRE_MAX];
	char text[DP_NAME_TEXT_MAX];
	const struct dp_rr *cname;
	int rc = -1;

	if (dp_msg_parse(wire, len, &msg, err) == -1)
		return -1;
	if (dp_name_text_to_wire(ans->qname, cur) == -1) {
		dp_err_set(err, "cannot encode %s", ans->qname);
		goto out;
	}
	ans->rcode = msg->rcode;
	while (ans->qtype != DP_TYPE_CNAME && (cname = find_cname(msg, cur)) != NULL) {
		size_t off = cname->rdoff;

		if (ans->ncnames >= DP_MAX_CNAME_STEPS) {
			dp_err_set(err, "CNAME chain longer than %d steps", DP_MAX_CNAME_STEPS);
			goto out;
		}
		if (dp_msg_read_name(msg->wire, msg->len, &off, target) == -1 ||
		    off != cname->rdoff + cname->rdlen) {
			dp_err_set(err, "malformed CNAME target in reply");
			goto out;
		}
		if (add_cname_step(ans, cur, target, cname->ttl) == -1) {
			dp_err_set(err, "out of memory");
			goto out;
		}
		memcpy(cur, target, sizeof(cur));
	}
	dp_name_wire_to_text(cur, text, sizeof(text));
	if ((ans->final_name = strdup(text)) == NULL ||
	    collect_rrset(ans, msg, cur, now) == -1) {
		dp_err_set(err, "out of memory");
		goto out;
	}
	if (ans->nrrs == 0)
		negative_ttl(ans, msg);
	rc = 0;
out:
	dp_msg_free(msg);
	return rc;
}
