/*
 * resolver.c: the backend-independent half of the resolver layer.
 *
 * It owns each query's deadline and delivery, and reads the validated
 * reply (dnsmsg.c) into a struct dp_answer, so that both backends give
 * the same answer for the same reply.  Policy: a query ends once; a
 * reply that cannot be read is a failure, never an empty answer; the
 * DNSSEC state comes only from the backend's own validation, with one
 * exception: a backend that calls a zone bogus whose parent's secure DS
 * RRset names no algorithm or digest type it supports (getdns 1.6) has
 * that DS RRset read here, and the answer is insecure as RFC 4035
 * section 5.2 says (see ds_walk_start).  That only ever turns bogus
 * into insecure on a secure DS RRset read in full; anything unclear
 * (no answer in time, an unreadable record, a trust anchor below the
 * zone) keeps bogus.  A bogus answer without the backend's reason gets
 * one saying what is known: which answer, below which secure DS RRset.
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
 * Keeps an anchor's owner name for the DS recheck (see anchored_between).
 * A name that cannot be read plainly makes the anchors unclear, and an
 * unclear set of anchors never lets a bogus answer become insecure.
 */
static void
anchor_keep(struct dp_resolver *res, const char *owner)
{
	char name[DP_NAME_TEXT_MAX];
	uint8_t wire[DP_NAME_WIRE_MAX];
	size_t i, n = strlen(owner);

	if (n == 0 || n + 2 > sizeof(name) || strchr(owner, '\\') != NULL) {
		res->anchors_unclear = true;
		return;
	}
	for (i = 0; i < n; i++)
		name[i] = (char)tolower((unsigned char)owner[i]);
	/* Without a trailing dot the name is relative to the root, as both backends read it. */
	if (name[n - 1] != '.')
		name[n++] = '.';
	name[n] = '\0';
	if (dp_name_text_to_wire(name, wire) == -1) {
		res->anchors_unclear = true;
		return;
	}
	for (i = 0; i < res->nanchors; i++)
		if (strcmp(res->anchors[i], name) == 0)
			return;
	if (res->nanchors == DP_MAX_ANCHOR_NAMES ||
	    (res->anchors[res->nanchors] = strdup(name)) == NULL) {
		res->anchors_unclear = true;
		return;
	}
	res->nanchors++;
}

/*
 * A trust anchor record: OWNER [TTL] [CLASS] DS|DNSKEY RDATA..., where
 * RDATA has at least four fields (key tag/flags, algorithm, digest
 * type/protocol, digest/key).  rec is one record on one line (zonefile.c
 * joined it and made its parentheses blanks), origin its $ORIGIN.
 * Returns 1 for an anchor, 0 for another type, -1 for a malformed record.
 * With res, an anchor's owner is kept.
 */
static int
anchor_record(char *rec, struct dp_resolver *res)
{
	/* A record that starts with a blank has the previous record's owner. */
	bool same_owner = rec[0] == ' ' || rec[0] == '\t';
	char *tok[64], *save = NULL, *p;
	int n = 0, i;

	for (p = strtok_r(rec, " \t", &save); p != NULL && n < 64;
	    p = strtok_r(NULL, " \t", &save))
		tok[n++] = p;
	for (i = 1; i < n && i <= 3; i++) {
		if (strcasecmp(tok[i], "DS") != 0 && strcasecmp(tok[i], "DNSKEY") != 0)
			continue;
		if (n - i - 1 < 4)
			return -1;
		if (res != NULL && !same_owner)
			anchor_keep(res, tok[0]);
		else if (res != NULL && res->nanchors == 0)
			res->anchors_unclear = true;
		return 1;
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

/* Checks file (see dp_trust_anchor_check); with res, keeps the anchors' owners. */
static int
anchor_scan(const char *file, struct dp_resolver *res, struct dp_err *err)
{
	struct dp_zone_reader zr;
	struct dp_zone_record rec;
	int anchors = 0, rc;

	if (dp_zone_open(&zr, "trust anchor", file, DP_ZONE_FILE_MAX,
	    DP_ZONE_RECORD_MAX, err) == -1)
		return -1;
	while ((rc = dp_zone_next(&zr, &rec, err)) == 1) {
		/* Owners relative to an $ORIGIN are not read as names here. */
		if (res != NULL && strcmp(rec.origin, ".") != 0)
			res->anchors_unclear = true;
		if ((rc = anchor_record(rec.text, res)) == -1) {
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
dp_trust_anchor_check(const char *file, struct dp_err *err)
{
	return anchor_scan(file, NULL, err);
}

static void
anchors_free(struct dp_resolver *res)
{
	size_t i;

	for (i = 0; i < res->nanchors; i++)
		free(res->anchors[i]);
	res->nanchors = 0;
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
	if (anchor_scan(cfg->trust_anchor, res, err) == -1) {
		anchors_free(res);
		free(res);
		return -1;
	}
	res->base = base;
	res->cfg = *cfg;
	res->ops = ops;
	if (ops->init(res, err) == -1) {
		dp_err_prefix(err, "%s", ops->name);
		anchors_free(res);
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
	anchors_free(res);
	free(res);
}

const char *
dp_resolver_name(const struct dp_resolver *res)
{
	return res->ops->name;
}

static struct dp_query	*query_start(struct dp_resolver *res, const char *name,
			    uint16_t type, dp_resolve_cb *cb, void *arg, bool inner,
			    struct dp_err *err);

static void
query_cancel_ds(struct dp_query *q)
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
	query_cancel_ds(q);
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
static void
query_deliver_when_done(struct dp_query *q)
{
	struct timeval now = { 0, 0 };

	if (q->steps_pending == 0 && q->ds_pending == 0)
		evtimer_add(q->timer, &now);
}

/*
 * RFC 4035 section 5.2 and RFC 6840 section 5.2 ask what the validator
 * supports.  getdns 1.6 validates as unbound's val_secalgo.c does:
 * never RSAMD5 (1, RFC 6725); DSA (3, 6) as Debian builds it; RSA with
 * SHA-1, SHA-256, SHA-512 (5, 7, 8, 10); ECDSA (13, 14); Ed25519 and
 * Ed448 (15, 16); GOST (12, digest type 3) only where OpenSSL loads the
 * GOST engine.  Counting an algorithm as supported that is not keeps a
 * zone bogus, the safe error; the converse would make it insecure, so
 * GOST counts.
 */
static bool
ds_algorithm_supported(uint8_t alg)
{
	switch (alg) {
	case 3: case 5: case 6: case 7: case 8: case 10:
	case 12: case 13: case 14: case 15: case 16:
		return true;
	}
	return false;
}

/* SHA-1, SHA-256, GOST R 34.11-94, SHA-384 (RFC 3658, 4509, 5933, 6605). */
static bool
ds_digest_supported(uint8_t type)
{
	return type >= 1 && type <= 4;
}

bool
dp_ds_rrset_supported(const struct dp_answer *ds)
{
	size_t i;

	if (ds->nrrs == 0)
		return true;
	for (i = 0; i < ds->nrrs; i++) {
		const struct dp_record *rr = &ds->rrs[i];

		/* Key tag (2), algorithm (1), digest type (1), a digest (RFC 4034 section 5.1). */
		if (rr->type != DP_TYPE_DS || rr->rdlen < 5)
			return true;
		if (ds_algorithm_supported(rr->rdata[2]) && ds_digest_supported(rr->rdata[3]))
			return true;
	}
	return false;
}

/*
 * The i-th name whose DS RRset the recheck of a bogus answer at name
 * asks: name itself (its DS, in the parent, decides whether name is the
 * apex of a zone of its own), then each ancestor, closest first, up to
 * but not including the root, which has no DS.  A DS answer comes from
 * the parent, so for one the walk starts there.  NULL past the last.
 */
static const char *
ds_ancestor(const char *name, uint16_t qtype, size_t i)
{
	const char *p = name;

	if (qtype == DP_TYPE_DS)
		i++;
	for (; i > 0; i--) {
		if ((p = strchr(p, '.')) == NULL)
			return NULL;
		p++;
	}
	return *p == '\0' || strcmp(p, ".") == 0 ? NULL : p;
}

/* Whether canonical name is zone or below it (both with the trailing dot). */
static bool
name_under(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);

	if (strcmp(zone, ".") == 0)
		return true;
	if (z > n || strcasecmp(name + n - z, zone) != 0)
		return false;
	return z == n || name[n - z - 1] == '.';
}

/*
 * Whether a trust anchor sits at zone or between it and name: then the
 * parent's DS RRset of zone does not decide, the anchor does.
 */
static bool
anchored_between(const struct dp_resolver *res, const char *name, const char *zone)
{
	size_t i;

	if (res->anchors_unclear)
		return true;
	for (i = 0; i < res->nanchors; i++)
		if (name_under(name, res->anchors[i]) && name_under(res->anchors[i], zone))
			return true;
	return false;
}

static enum dp_ds_verdict
ds_verdict(const struct dp_answer *ds)
{
	if (ds->status != DP_LOOKUP_ANSWERED ||
	    (ds->rcode != DP_RCODE_NOERROR && ds->rcode != DP_RCODE_NXDOMAIN))
		return DP_DS_UNKNOWN;
	/* Bogus or insecure (names inside the broken zone), NODATA, an alias: go on up. */
	if (ds->state != DP_DNSSEC_SECURE || ds->rcode != DP_RCODE_NOERROR ||
	    ds->ncnames > 0 || ds->nrrs == 0)
		return DP_DS_NONE;
	return dp_ds_rrset_supported(ds) ? DP_DS_SUPPORTED : DP_DS_UNSUPPORTED;
}

/*
 * Reads the walk closest ancestor first: the first secure DS RRset
 * decides, and an ancestor without a usable answer stops the walk
 * undecided.  Returns whether no more answers are needed; *v is the
 * verdict (DP_DS_UNKNOWN: undecided, or no secure DS RRset at all) and
 * *at the ancestor it is about.
 */
static bool
ds_decide(const struct dp_query *q, enum dp_ds_verdict *v, size_t *at)
{
	size_t i;

	*v = DP_DS_UNKNOWN;
	for (i = 0; i < q->nds; i++) {
		switch (q->ds_verdict[i]) {
		case DP_DS_NONE:
			continue;
		case DP_DS_UNKNOWN:
			return q->ds[i] == NULL;	/* asked and not yet answered: wait */
		default:
			*v = q->ds_verdict[i];
			*at = i;
			return true;
		}
	}
	return true;
}

static void
ds_answer(struct dp_answer *sub, void *arg)
{
	struct dp_query *q = arg;
	enum dp_ds_verdict v;
	size_t i;

	for (i = 0; i < q->nds; i++)
		if (q->ds[i] != NULL && strcmp(q->ds[i]->qname, sub->qname) == 0) {
			q->ds[i] = NULL;
			q->ds_pending--;
			q->ds_verdict[i] = ds_verdict(sub);
			break;
		}
	dp_answer_free(sub);
	if (ds_decide(q, &v, &i))
		query_cancel_ds(q);
	query_deliver_when_done(q);
}

/*
 * A bogus answer from a backend that may call a zone with unsupported DS
 * algorithms bogus (recheck_bogus_ds): the DS RRsets of the final name
 * and its ancestors are asked, all at once and bounded in number; the
 * answer waits for them as for its CNAME steps, and its own deadline
 * bounds it all.  A name with escapes is not taken apart: bogus stays.
 */
static void
ds_walk_start(struct dp_query *q)
{
	struct dp_answer *ans = q->answer;
	const char *name;
	size_t i;

	if (!q->res->ops->recheck_bogus_ds || q->inner ||
	    ans->status != DP_LOOKUP_ANSWERED || ans->state != DP_DNSSEC_BOGUS ||
	    ans->final_name == NULL || strchr(ans->final_name, '\\') != NULL)
		return;
	q->ds_walked = true;
	for (i = 0; i < DP_MAX_DS_WALK &&
	    (name = ds_ancestor(ans->final_name, q->qtype, i)) != NULL; i++) {
		q->ds_verdict[i] = DP_DS_UNKNOWN;
		q->ds[i] = query_start(q->res, name, DP_TYPE_DS, ds_answer, q, true, NULL);
		if (q->ds[i] != NULL)
			q->ds_pending++;
	}
	q->nds = i;
}

/* Every CNAME step shown secure or insecure by its own answer. */
static bool
cname_steps_sound(const struct dp_answer *ans)
{
	size_t i;

	for (i = 0; i < ans->ncnames; i++)
		if (ans->cnames[i].state != DP_DNSSEC_SECURE &&
		    ans->cnames[i].state != DP_DNSSEC_INSECURE)
			return false;
	return true;
}

static void
answer_set_why(struct dp_answer *ans, const char *why)
{
	char *dup;

	if ((dup = strdup(why)) == NULL)
		return;
	free(ans->why);
	ans->why = dup;
}

/*
 * A bogus answer without the backend's reason: what is known is the
 * answer and, from the walk, the closest secure DS RRset above it.
 */
static void
bogus_why(struct dp_answer *ans, const char *zone)
{
	char why[3 * DP_NAME_TEXT_MAX + 128];
	size_t used;

	used = (size_t)snprintf(why, sizeof(why), "%s %s", ans->qname,
	    dp_type_name(ans->qtype));
	if (used < sizeof(why) && ans->final_name != NULL &&
	    strcmp(ans->final_name, ans->qname) != 0)
		used += (size_t)snprintf(why + used, sizeof(why) - used,
		    " (after CNAMEs, at %s)", ans->final_name);
	if (used < sizeof(why))
		used += (size_t)snprintf(why + used, sizeof(why) - used,
		    " did not validate");
	if (used < sizeof(why) && zone != NULL)
		used += (size_t)snprintf(why + used, sizeof(why) - used,
		    " below the secure DS RRset of %s", zone);
	if (used < sizeof(why))
		snprintf(why + used, sizeof(why) - used, "; %s names no cause",
		    ans->backend);
	answer_set_why(ans, why);
}

/*
 * Before delivery: the DS walk's verdict, then a reason for a bogus
 * answer that has none.  Insecure needs a secure DS RRset with nothing
 * supported at the closest secure cut, every CNAME step sound, a real
 * answer and no trust anchor of its own below that DS.
 */
static void
query_judge(struct dp_query *q)
{
	struct dp_answer *ans = q->answer;
	enum dp_ds_verdict v = DP_DS_UNKNOWN;
	const char *zone = NULL;
	char why[DP_NAME_TEXT_MAX + 256];
	size_t at = 0;

	if (ans->state != DP_DNSSEC_BOGUS)
		return;
	if (q->ds_walked && ds_decide(q, &v, &at) && v != DP_DS_UNKNOWN)
		zone = ds_ancestor(ans->final_name, q->qtype, at);
	if (v == DP_DS_UNSUPPORTED && zone != NULL && cname_steps_sound(ans) &&
	    (ans->rcode == DP_RCODE_NOERROR || ans->rcode == DP_RCODE_NXDOMAIN) &&
	    !anchored_between(q->res, ans->final_name, zone)) {
		ans->state = DP_DNSSEC_INSECURE;
		snprintf(why, sizeof(why), "the DS RRset of %s names no algorithm with a "
		    "digest type that %s supports, so the zone is insecure (RFC 4035 "
		    "section 5.2, RFC 6840 section 5.2)", zone, ans->backend);
		answer_set_why(ans, why);
		return;
	}
	if (ans->why == NULL)
		bogus_why(ans, zone);
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
	query_judge(q);
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

struct dp_answer *
dp_answer_timeout(const char *qname, uint16_t qtype, const char *backend)
{
	struct dp_answer *ans;

	if ((ans = answer_new(qname, qtype, backend)) == NULL)
		return NULL;
	ans->status = DP_LOOKUP_TIMEOUT;
	ans->state = DP_DNSSEC_INDETERMINATE;
	return ans;
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
	query_deliver_when_done(q);
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

void
dp_query_complete(struct dp_query *q, enum dp_lookup_status status,
    enum dp_dnssec state, const char *why, int rcode, const uint8_t *wire,
    size_t len)
{
	struct dp_answer *ans;
	struct dp_err err;

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
	ds_walk_start(q);
	query_deliver_when_done(q);
}

/* inner: a query of a DS walk, which neither walks nor asks CNAME steps itself. */
static struct dp_query *
query_start(struct dp_resolver *res, const char *name, uint16_t type,
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
	return query_start(res, name, type, cb, arg, false, err);
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
	/*
	 * What a backend hands over must be the reply to this question: getdns
	 * 1.6 in recursive mode, with no server reachable, returns its own
	 * query (QR clear, question ". NS") as the "reply", with status
	 * insecure; read as an answer it would be an empty, insecure NOERROR,
	 * "DANE not in force", which is failing open.
	 */
	if (!(msg->flags & DP_MSG_QR) || !msg->has_question ||
	    msg->qtype != ans->qtype || !dp_name_wire_equal(msg->qname, cur)) {
		dp_err_set(err, "the resolver returned no reply to this question");
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
