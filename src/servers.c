/*
 * servers.c: lookup --servers.  Through the validating resolver: the zone
 * that holds the owner (the first name, walking up from the owner, with a
 * SOA record of its own), its NS and DNSKEY RRsets, the addresses of its
 * NS names.  Then, straight to each address (resolver_direct.c): the TLSA
 * RRset with its signatures, and the SOA.  Each server is compared with
 * the newest version among them (the highest SOA serial, RFC 1982): the
 * records as a set, the serial, the signatures (valid against the zone's
 * validated keys, and when they expire).  Everything runs on the batch's
 * loop within its deadline; each step holds the batch open
 * (dp_check_hold) until the next has started.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dnsmsg.h"
#include "resolver_direct.h"
#include "servers.h"
#include "tls.h"

/* Labels walked up from the owner to its zone's apex: names have at most 127. */
#define WALK_MAX	128

struct dp_survey;

/* One server address and its two questions. */
struct srv_job {
	struct dp_survey	*s;
	struct dp_direct	*d;
	struct dp_direct_reply	*tlsa, *soa;
};

struct addr_q {
	struct dp_survey		*s;
	size_t			 ns;		/* index into names */
	struct dp_query		*q;
};

struct dp_survey {
	struct dp_check		*c;
	struct dp_resolver	*res;
	struct dp_servers_report *rep;
	unsigned		 timeout_ms;
	char			 walk[DP_NAME_TEXT_MAX];
	unsigned		 steps;
	struct dp_query		*q_walk, *q_ns, *q_keys;
	struct dp_answer	*ns, *keys;
	char			 names[DP_SERVERS_MAX_NS][DP_NAME_TEXT_MAX];
	size_t			 nnames;
	struct addr_q		 addrq[2 * DP_SERVERS_MAX_NS];
	int			 addr_pending;
	struct srv_job		*jobs;
};

static void	start_zone_questions(struct dp_survey *s);
static void	start_addresses(struct dp_survey *s);
static void	start_servers(struct dp_survey *s);

static void	survey_fail(struct dp_survey *s, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* Why the survey could not be made; the first reason stays. */
static void
survey_fail(struct dp_survey *s, const char *fmt, ...)
{
	va_list ap;

	if (s->rep->detail[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(s->rep->detail, sizeof(s->rep->detail), fmt, ap);
	va_end(ap);
}

/* "b.c." for "a.b.c."; false at the root. */
static bool
parent_name(const char *name, char *out, size_t len)
{
	uint8_t wire[DP_NAME_WIRE_MAX];

	if (dp_name_text_to_wire(name, wire) == -1 || wire[0] == 0)
		return false;
	dp_name_wire_to_text(wire + 1 + wire[0], out, len);
	return true;
}

static void
walk_cb(struct dp_answer *ans, void *arg)
{
	struct dp_survey *s = arg;
	char detail[200], parent[DP_NAME_TEXT_MAX];
	enum dp_trust trust = dp_answer_trust(ans, detail, sizeof(detail));

	s->q_walk = NULL;
	if (trust == DP_TRUST_TIMEOUT || trust == DP_TRUST_FAILED || trust == DP_TRUST_BOGUS) {
		survey_fail(s, "the SOA lookup of %.300s failed: %.180s", s->walk, detail);
	} else if (ans->rcode == DP_RCODE_NOERROR && ans->nrrs > 0 && ans->ncnames == 0) {
		snprintf(s->rep->zone, sizeof(s->rep->zone), "%s", s->walk);
		start_zone_questions(s);
	} else if (++s->steps >= WALK_MAX || !parent_name(s->walk, parent, sizeof(parent))) {
		survey_fail(s, "no zone apex found above %s", s->rep->owner);
	} else {
		struct dp_err err;

		snprintf(s->walk, sizeof(s->walk), "%s", parent);
		if ((s->q_walk = dp_resolver_query(s->res, s->walk, DP_TYPE_SOA, walk_cb, s,
		    &err)) != NULL)
			dp_check_hold(s->c, 1);
		else
			survey_fail(s, "%.300s: %.180s", s->walk, err.msg);
	}
	dp_answer_free(ans);
	dp_check_hold(s->c, -1);
}

static void
zone_answer(struct dp_survey *s, struct dp_answer *ans, bool is_ns)
{
	if (is_ns) {
		s->q_ns = NULL;
		s->ns = ans;
	} else {
		s->q_keys = NULL;
		s->keys = ans;
	}
	if (s->q_ns == NULL && s->q_keys == NULL)
		start_addresses(s);
	dp_check_hold(s->c, -1);
}

static void
ns_cb(struct dp_answer *ans, void *arg)
{
	zone_answer(arg, ans, true);
}

static void
keys_cb(struct dp_answer *ans, void *arg)
{
	zone_answer(arg, ans, false);
}

static void
start_zone_questions(struct dp_survey *s)
{
	struct dp_err err;

	if ((s->q_ns = dp_resolver_query(s->res, s->rep->zone, DP_TYPE_NS, ns_cb, s,
	    &err)) == NULL) {
		survey_fail(s, "%.300s NS: %.180s", s->rep->zone, err.msg);
		return;
	}
	dp_check_hold(s->c, 1);
	if ((s->q_keys = dp_resolver_query(s->res, s->rep->zone, DP_TYPE_DNSKEY, keys_cb, s,
	    &err)) == NULL) {
		survey_fail(s, "%.300s DNSKEY: %.180s", s->rep->zone, err.msg);
		return;
	}
	dp_check_hold(s->c, 1);
}

static int
name_order(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The server slot for an address, or NULL when it is there already or over the bound. */
static struct dp_server_result *
add_server(struct dp_survey *s, const char *ns, const struct sockaddr_storage *ss)
{
	struct dp_servers_report *rep = s->rep;
	struct dp_server_result *srv, *grown;
	char label[64];
	size_t i;

	dp_sockaddr_label(ss, label, sizeof(label));
	*strrchr(label, ':') = '\0';	/* the port is always 53 */
	for (i = 0; i < rep->nservers; i++)
		if (strcmp(rep->servers[i].address, label) == 0 &&
		    strcmp(rep->servers[i].ns, ns) == 0)
			return NULL;
	if (rep->nservers >= DP_SERVERS_MAX_ADDRS) {
		rep->left_out++;
		return NULL;
	}
	if ((grown = reallocarray(rep->servers, rep->nservers + 1, sizeof(*grown))) == NULL)
		return NULL;
	rep->servers = grown;
	srv = &rep->servers[rep->nservers++];
	memset(srv, 0, sizeof(*srv));
	snprintf(srv->ns, sizeof(srv->ns), "%s", ns);
	snprintf(srv->address, sizeof(srv->address), "%s", label);
	srv->family = ss->ss_family;
	if (ss->ss_family == AF_INET6)
		memcpy(srv->addr, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	else
		memcpy(srv->addr, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	srv->rcode = -1;
	srv->status = DP_LOOKUP_TIMEOUT;
	snprintf(srv->why, sizeof(srv->why), "no answer before the deadline");
	return srv;
}

static void
addr_cb(struct dp_answer *ans, void *arg)
{
	struct addr_q *aq = arg;
	struct dp_survey *s = aq->s;
	size_t i;

	aq->q = NULL;
	for (i = 0; ans->status == DP_LOOKUP_ANSWERED && ans->state != DP_DNSSEC_BOGUS &&
	    i < ans->nrrs; i++) {
		const struct dp_record *rr = &ans->rrs[i];
		struct sockaddr_storage ss;

		memset(&ss, 0, sizeof(ss));
		if (rr->type == DP_TYPE_A && rr->rdlen == 4) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			s4->sin_port = htons(53);
			memcpy(&s4->sin_addr, rr->rdata, 4);
		} else if (rr->type == DP_TYPE_AAAA && rr->rdlen == 16) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons(53);
			memcpy(&s6->sin6_addr, rr->rdata, 16);
		} else
			continue;
		(void)add_server(s, s->names[aq->ns], &ss);
	}
	dp_answer_free(ans);
	if (--s->addr_pending == 0)
		start_servers(s);
	dp_check_hold(s->c, -1);
}

/* The NS names, sorted and bounded; then the addresses of each. */
static void
start_addresses(struct dp_survey *s)
{
	char detail[200];
	struct dp_err err;
	size_t i, n = 0;
	int t;

	switch (dp_answer_trust(s->ns, detail, sizeof(detail))) {
	case DP_TRUST_SECURE:
	case DP_TRUST_INSECURE:
		break;
	default:
		survey_fail(s, "the NS lookup of %.300s: %.180s", s->rep->zone, detail);
		return;
	}
	s->rep->zone_state = s->ns->state;
	for (i = 0; i < s->ns->nrrs; i++) {
		if (s->ns->rrs[i].type != DP_TYPE_NS || s->ns->rrs[i].rdlen == 0)
			continue;
		if (n >= DP_SERVERS_MAX_NS) {
			s->rep->left_out++;
			continue;
		}
		dp_name_wire_to_text(s->ns->rrs[i].rdata, s->names[n++], DP_NAME_TEXT_MAX);
	}
	if (n == 0) {
		survey_fail(s, "%s has no NS records", s->rep->zone);
		return;
	}
	qsort(s->names, n, sizeof(s->names[0]), name_order);
	s->nnames = n;
	for (i = 0; i < n; i++)
		for (t = 0; t < 2; t++) {
			struct addr_q *aq = &s->addrq[2 * i + (size_t)t];

			aq->s = s;
			aq->ns = i;
			if ((aq->q = dp_resolver_query(s->res, s->names[i], t == 0 ? DP_TYPE_A :
			    DP_TYPE_AAAA, addr_cb, aq, &err)) == NULL)
				continue;
			s->addr_pending++;
			dp_check_hold(s->c, 1);
		}
	if (s->addr_pending == 0)
		survey_fail(s, "the addresses of %s's servers could not be asked", s->rep->zone);
}

static void
job_reply(struct srv_job *j, struct dp_direct_reply *r, bool soa)
{
	if (soa)
		j->soa = r;
	else
		j->tlsa = r;
	dp_check_hold(j->s->c, -1);
}

static void
tlsa_reply_cb(struct dp_direct_reply *r, void *arg)
{
	job_reply(arg, r, false);
}

static void
soa_reply_cb(struct dp_direct_reply *r, void *arg)
{
	job_reply(arg, r, true);
}

static void
start_servers(struct dp_survey *s)
{
	struct dp_servers_report *rep = s->rep;
	struct dp_err err;
	size_t i;

	if (rep->nservers == 0) {
		survey_fail(s, "no address found for the servers of %s", rep->zone);
		return;
	}
	if ((s->jobs = calloc(rep->nservers, sizeof(*s->jobs))) == NULL) {
		survey_fail(s, "out of memory");
		return;
	}
	for (i = 0; i < rep->nservers; i++) {
		struct dp_server_result *srv = &rep->servers[i];
		struct srv_job *j = &s->jobs[i];

		j->s = s;
		if ((j->d = dp_direct_new(dp_check_base(s->c), srv->family, srv->addr,
		    s->timeout_ms, &err)) == NULL) {
			srv->status = DP_LOOKUP_FAILED;
			snprintf(srv->why, sizeof(srv->why), "%.150s", err.msg);
			continue;
		}
		if (dp_direct_query(j->d, rep->owner, rep->qtype, tlsa_reply_cb, j, &err) == 0)
			dp_check_hold(s->c, 1);
		if (dp_direct_query(j->d, rep->zone, DP_TYPE_SOA, soa_reply_cb, j, &err) == 0)
			dp_check_hold(s->c, 1);
	}
}

/* The serial of the SOA at zone in a server's reply, and whether it is authoritative. */
static void
read_soa(struct dp_server_result *srv, const struct dp_direct_reply *r, const char *zone)
{
	struct dp_answer *ans;
	struct dp_err err;
	const uint8_t *rd;

	if (r == NULL || r->status != DP_LOOKUP_ANSWERED ||
	    (ans = dp_answer_timeout(zone, DP_TYPE_SOA, "direct")) == NULL)
		return;
	if (dp_answer_fill(ans, r->wire, r->len, time(NULL), &err) == 0 && ans->nrrs > 0 &&
	    ans->rrs[0].rdlen >= 22) {
		/* Uncompressed (answer.c): MNAME, RNAME, then SERIAL. */
		rd = ans->rrs[0].rdata;
		rd += dp_name_wire_len(rd);
		rd += dp_name_wire_len(rd);
		if (rd + 4 <= ans->rrs[0].rdata + ans->rrs[0].rdlen) {
			srv->serial = (uint32_t)rd[0] << 24 | (uint32_t)rd[1] << 16 |
			    (uint32_t)rd[2] << 8 | rd[3];
			srv->has_serial = true;
		}
	}
	dp_answer_free(ans);
}

/* The reply of one server to the RRset question into its result. */
static void
read_tlsa(struct dp_survey *s, struct dp_server_result *srv, const struct dp_direct_reply *r)
{
	struct dp_answer *ans;
	struct dp_msg *msg;
	struct dp_err err;

	if (r == NULL)
		return;
	srv->status = r->status;
	snprintf(srv->why, sizeof(srv->why), "%.150s", r->why);
	if (r->status != DP_LOOKUP_ANSWERED)
		return;
	if (dp_msg_parse(r->wire, r->len, &msg, &err) == -1) {
		srv->status = DP_LOOKUP_FAILED;
		snprintf(srv->why, sizeof(srv->why), "a malformed reply: %.140s", err.msg);
		return;
	}
	srv->authoritative = (msg->flags & 0x0400) != 0;	/* AA, RFC 1035 section 4.1.1 */
	dp_msg_free(msg);
	if ((ans = dp_answer_timeout(s->rep->owner, s->rep->qtype, "direct")) == NULL)
		return;
	if (dp_answer_fill(ans, r->wire, r->len, time(NULL), &err) == -1) {
		srv->status = DP_LOOKUP_FAILED;
		snprintf(srv->why, sizeof(srv->why), "%.150s", err.msg);
	} else {
		srv->rcode = ans->rcode;
		srv->sig_expires = ans->sig_expires;
		srv->rrs = ans->rrs;
		srv->nrrs = ans->nrrs;
		ans->rrs = NULL;
		ans->nrrs = 0;
		/* Only keys that the validated path vouched for can judge a server's signatures. */
		srv->sigs = srv->nrrs > 0 && s->keys != NULL && s->keys->state == DP_DNSSEC_SECURE ?
		    dp_direct_validate(r->wire, r->len, s->rep->owner, s->rep->qtype, s->keys,
		    time(NULL)) : DP_DNSSEC_INDETERMINATE;
	}
	dp_answer_free(ans);
}

static bool
has_record(const struct dp_server_result *srv, const struct dp_record *rec)
{
	size_t i;

	for (i = 0; i < srv->nrrs; i++)
		if (srv->rrs[i].rdlen == rec->rdlen &&
		    memcmp(srv->rrs[i].rdata, rec->rdata, rec->rdlen) == 0)
			return true;
	return false;
}

/* RFC 1982 serial arithmetic: a is behind b. */
static bool
serial_before(uint32_t a, uint32_t b)
{
	return a != b && (int32_t)(a - b) < 0;
}

/* A server that answered as an authoritative server should. */
static bool
usable(const struct dp_server_result *srv)
{
	return srv->status == DP_LOOKUP_ANSWERED && srv->authoritative &&
	    (srv->rcode == DP_RCODE_NOERROR || srv->rcode == DP_RCODE_NXDOMAIN);
}

static void
judge_server(struct dp_servers_report *rep, struct dp_server_result *srv)
{
	const struct dp_server_result *ref = rep->has_newest ? &rep->servers[rep->newest] : NULL;
	char when[32];
	size_t i, o = 0;

	srv->exit_code = DP_EXIT_FAIL;
	if (srv->status != DP_LOOKUP_ANSWERED) {
		snprintf(srv->summary, sizeof(srv->summary), "no answer: %.150s", srv->why);
		return;
	}
	if (srv->rcode != DP_RCODE_NOERROR && srv->rcode != DP_RCODE_NXDOMAIN) {
		snprintf(srv->summary, sizeof(srv->summary), "%s", dp_rcode_name(srv->rcode));
		return;
	}
	if (!srv->authoritative) {
		snprintf(srv->summary, sizeof(srv->summary), "not authoritative (no AA bit)");
		return;
	}
	if ((srv->only_here = calloc(srv->nrrs + 1, sizeof(bool))) == NULL)
		return;
	for (i = 0; ref != NULL && i < srv->nrrs; i++)
		if (!has_record(ref, &srv->rrs[i])) {
			srv->only_here[i] = true;
			srv->nonly_here++;
		}
	for (i = 0; ref != NULL && i < ref->nrrs; i++)
		if (!has_record(srv, &ref->rrs[i]))
			srv->nmissing++;
	srv->older = ref != NULL && srv->has_serial && serial_before(srv->serial, ref->serial);
	srv->sigs_sooner = ref != NULL && srv->nrrs > 0 && ref->sig_expires != 0 &&
	    srv->sig_expires != 0 && srv->sig_expires < ref->sig_expires;
	if (srv->older)
		o += (size_t)snprintf(srv->summary + o, sizeof(srv->summary) - o,
		    "older serial %u (newest %u); ", srv->serial, ref->serial);
	if (srv->nonly_here > 0 || srv->nmissing > 0)
		o += (size_t)snprintf(srv->summary + o, sizeof(srv->summary) - o,
		    "%zu record%s only here, %zu missing here; ", srv->nonly_here,
		    srv->nonly_here == 1 ? "" : "s", srv->nmissing);
	if (srv->nrrs > 0 && rep->zone_state == DP_DNSSEC_SECURE && srv->sigs != DP_DNSSEC_SECURE)
		o += (size_t)snprintf(srv->summary + o, sizeof(srv->summary) - o,
		    "signatures missing or invalid against the zone's keys; ");
	if (srv->sigs_sooner) {
		dp_format_time_utc(srv->sig_expires, when, sizeof(when));
		o += (size_t)snprintf(srv->summary + o, sizeof(srv->summary) - o,
		    "signatures expire sooner (%s); ", when);
	}
	if (o == 0) {
		srv->exit_code = DP_EXIT_OK;
		snprintf(srv->summary, sizeof(srv->summary), "same");
		return;
	}
	if (o >= 2 && o < sizeof(srv->summary))
		srv->summary[o - 2] = '\0';	/* the last "; " */
}

/* The newest version (highest serial among servers that answered well), then each server's verdict. */
void
dp_servers_judge(struct dp_servers_report *rep)
{
	size_t i, nbad = 0, nusable = 0;

	for (i = 0; i < rep->nservers; i++) {
		const struct dp_server_result *srv = &rep->servers[i];

		if (!usable(srv) || !srv->has_serial)
			continue;
		nusable++;
		if (!rep->has_newest || serial_before(rep->servers[rep->newest].serial, srv->serial)) {
			rep->newest = i;
			rep->has_newest = true;
		}
	}
	for (i = 0; i < rep->nservers; i++) {
		judge_server(rep, &rep->servers[i]);
		if (rep->servers[i].exit_code != DP_EXIT_OK)
			nbad++;
	}
	if (rep->zone[0] == '\0' || rep->detail[0] != '\0' || nusable == 0)
		rep->exit_code = DP_EXIT_UNCHECKED;
	else if (nbad > 0)
		rep->exit_code = DP_EXIT_FAIL;
	else
		rep->exit_code = rep->left_out > 0 ? DP_EXIT_UNCHECKED : DP_EXIT_OK;
	if (nusable == 0 && rep->detail[0] == '\0' && rep->nservers > 0)
		snprintf(rep->detail, sizeof(rep->detail), "no server gave a usable answer");
}

static int
server_order(const void *a, const void *b)
{
	const struct dp_server_result *x = a, *y = b;
	int c = strcmp(x->ns, y->ns);

	return c != 0 ? c : strcmp(x->address, y->address);
}

struct dp_survey *
dp_servers_start(struct dp_check *c, const char *owner, uint16_t qtype, unsigned timeout_ms,
    struct dp_servers_report *rep, struct dp_err *err)
{
	struct dp_survey *s;

	memset(rep, 0, sizeof(*rep));
	snprintf(rep->owner, sizeof(rep->owner), "%s", owner);
	rep->qtype = qtype;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		dp_err_set(err, "out of memory");
		return NULL;
	}
	s->c = c;
	s->rep = rep;
	s->timeout_ms = timeout_ms;
	snprintf(s->walk, sizeof(s->walk), "%s", owner);
	if ((s->res = dp_check_resolver(c, err)) == NULL ||
	    (s->q_walk = dp_resolver_query(s->res, s->walk, DP_TYPE_SOA, walk_cb, s, err)) == NULL) {
		free(s);
		return NULL;
	}
	dp_check_hold(c, 1);
	return s;
}

void
dp_servers_finish(struct dp_survey *s)
{
	struct dp_servers_report *rep;
	size_t i;

	if (s == NULL)
		return;
	rep = s->rep;
	/* Whatever the deadline left: what came in is read, the rest said. */
	for (i = 0; s->jobs != NULL && i < rep->nservers; i++) {
		read_tlsa(s, &rep->servers[i], s->jobs[i].tlsa);
		read_soa(&rep->servers[i], s->jobs[i].soa, rep->zone);
	}
	if (rep->zone[0] == '\0' && rep->detail[0] == '\0')
		snprintf(rep->detail, sizeof(rep->detail), "the zone of %.200s was not found before "
		    "the deadline", rep->owner);
	/* Reported by name, then address, whatever order the answers came in. */
	if (rep->nservers > 1)
		qsort(rep->servers, rep->nservers, sizeof(rep->servers[0]), server_order);
	dp_servers_judge(rep);
	dp_query_cancel(s->q_walk);
	dp_query_cancel(s->q_ns);
	dp_query_cancel(s->q_keys);
	for (i = 0; i < 2 * DP_SERVERS_MAX_NS; i++)
		dp_query_cancel(s->addrq[i].q);
	for (i = 0; s->jobs != NULL && i < rep->nservers; i++) {
		dp_direct_free(s->jobs[i].d);
		dp_direct_reply_free(s->jobs[i].tlsa);
		dp_direct_reply_free(s->jobs[i].soa);
	}
	free(s->jobs);
	dp_answer_free(s->ns);
	dp_answer_free(s->keys);
	free(s);
}

void
dp_servers_report_clear(struct dp_servers_report *rep)
{
	size_t i, j;

	for (i = 0; i < rep->nservers; i++) {
		for (j = 0; j < rep->servers[i].nrrs; j++)
			free(rep->servers[i].rrs[j].rdata);
		free(rep->servers[i].rrs);
		free(rep->servers[i].only_here);
	}
	free(rep->servers);
	memset(rep, 0, sizeof(*rep));
}
