/*
 * check.c: the core of "daneprobe check".  Every target is a small job on
 * the one event loop; a single check is a batch of one.
 *
 * Per target, concurrently: the TLSA lookup at _PORT._tcp.HOST, the A
 * and AAAA lookups, and a TCP connect to each address as soon as it is
 * known.  The TLS handshake of an address waits only for the TLSA
 * decision, which waits for the address answers because a secure CNAME
 * chain changes the TLSA base domain (RFC 7671 section 7: the expanded
 * name first, then the original name).  One deadline bounds everything.
 *
 * Fail closed: a bogus or failed TLSA lookup, or records none of which
 * is usable, means no handshake is judged "verified"; bogus address
 * records are a failure too.  Insecure or absent TLSA is "not in force".
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <openssl/pem.h>

#include "check.h"
#include "dnsmsg.h"
#include "outfile.h"
#include "clock.h"
#include "tls.h"

/* One destination address and the connections to it in progress. */
struct dp_dest {
	int	family;
	uint8_t	addr[16];
	size_t	active;
};

/* The live state of one target: private, freed as soon as its result is built. */
struct dp_check_target {
	struct dp_check		*job;
	struct dp_target_result	*res;		/* its slot in the report, filled when done */
	bool			 done;
	struct event		*timer;		/* streaming: the target's own bound */
	struct dp_target	 tg;
	struct dp_target_opts	 opts;
	/* DNS */
	struct dp_query		*q_tlsa, *q_tlsa_exp, *q_addr[2];
	struct dp_answer	*addr_ans[2];	/* A, AAAA (NULL: not asked) */
	struct dp_tlsaset	 tlsa;		/* at the name itself */
	struct dp_tlsaset	 tlsa_exp;	/* at the CNAME-expanded name, if asked */
	bool			 tlsa_done, tlsa_exp_done, tlsa_decided;
	bool			 out_of_band;	/* --tlsa / --tlsa-file */
	bool			 used_expanded;	/* RFC 7671 section 7 base domain */
	char			 expanded[DP_NAME_TEXT_MAX];
	char			 base_domain[DP_NAME_TEXT_MAX];	/* no trailing dot */
	char			 base_host[DP_NAME_TEXT_MAX];	/* the host, no trailing dot */
	const char		*refnames[DP_MAX_REFNAMES];
	char			 refbuf[DP_MAX_REFNAMES][DP_NAME_TEXT_MAX];
	size_t			 nrefnames;
	enum dp_dane_load	 load[DP_TLSA_MAX_RECORDS];
	bool			 load_known;
	/* addresses: IPv4 then IPv6, each sorted, the first max_addrs probed */
	struct dp_probe		*probes;	/* cfg->max_addrs slots */
	size_t			 nprobes;
	size_t			 addrs_dropped;	/* over cfg->max_addrs, named below */
	char			(*left_out)[64];	/* their labels */
	bool			 aaaa_waits;	/* AAAA answered first: after A */
	enum dp_reason		 addr_reason;	/* DP_R_VERIFIED when the lookups were fine */
	char			 addr_detail[256];
	uint64_t		 dns_ms;
};

struct dp_check {
	const struct dp_config	*cfg;
	struct event_base	*base;
	struct dp_resolver	*res;
	SSL_CTX			*ctx_dane, *ctx_pkix;
	struct dp_check_report	*rep;
	struct dp_check_target	*jobs;		/* one per report target */
	struct event		*deadline;
	struct event		*sweeper;	/* builds the results of targets that are done */
	size_t			 cap;		/* slots in jobs and rep->targets */
	/* connections in progress per destination address (--per-address) */
	struct dp_dest		*dests;
	size_t			 ndests;
	bool			 slot_freed;	/* a probe may wait for it */
	/* streaming (dp_check_stream): results go to sink, slots are reused */
	dp_check_sink		*sink;
	dp_check_feed		*feed;
	void			*sink_arg;
	uint64_t		 started_ms;
	int			 holds;		/* the caller's pending work */
	bool			 finished;
	bool			 deadline_passed;
};

/*
 * Event priorities: the deadline, then everything else (libevent gives
 * new events, ours and the resolvers', the middle one: DP_PRIO_WORK).
 */
#define DP_PRIO_DEADLINE	0
#define DP_PRIO_WORK		1
#define DP_NPRIO		2
/* Callbacks run before the loop checks the deadline again. */
#define DP_DISPATCH_BATCH	8

static void	target_progress(struct dp_check_target *t);
static void	probe_release(struct dp_check *c, struct dp_probe *p);
static struct dp_resolver *job_resolver(struct dp_check *c, struct dp_err *err);

static const struct dp_tlsaset *
tlsa_in_force(const struct dp_check_target *t)
{
	return t->used_expanded ? &t->tlsa_exp : &t->tlsa;
}


static bool
target_busy(const struct dp_check_target *t)
{
	size_t i;

	if (t->q_tlsa || t->q_tlsa_exp || t->q_addr[0] || t->q_addr[1] || !t->tlsa_decided)
		return true;
	for (i = 0; i < t->nprobes; i++)
		if (t->probes[i].phase != DP_PHASE_DONE)
			return true;
	return false;
}

static void
job_maybe_done(struct dp_check *job)
{
	size_t i;

	if (job->holds > 0)
		return;
	for (i = 0; i < job->rep->ntargets; i++)
		if (job->jobs[i].job != NULL && !job->jobs[i].done)
			return;
	job->finished = true;
	event_base_loopbreak(job->base);
}

/*
 * A target whose work is over gets its result built from the loop, not
 * from inside the probe or query callback that ended it: building frees
 * the probes, which their callers may still be walking.
 */
static void
target_settle(struct dp_check_target *t)
{
	if (!t->done && !target_busy(t))
		event_active(t->job->sweeper, EV_TIMEOUT, 0);
}

static SSL_CTX *
job_ctx(struct dp_check *job, bool pkix, struct dp_err *err)
{
	SSL_CTX **slot = pkix ? &job->ctx_pkix : &job->ctx_dane;

	if (*slot == NULL)
		*slot = dp_dane_ctx_new(pkix, job->cfg->cafile, job->cfg->capath, err);
	return *slot;
}

static void
probe_start_handshake(struct dp_check_target *t, struct dp_probe *p)
{
	const struct dp_tlsaset *set = tlsa_in_force(t);
	struct dp_err err;
	SSL_CTX *ctx;
	SSL *ssl;
	int n;

	if ((ctx = job_ctx(t->job, dp_dane_needs_pkix(set), &err)) == NULL) {
		dp_probe_finish(p, DP_R_INTERNAL, err.msg);
		return;
	}
	if ((ssl = SSL_new(ctx)) == NULL) {
		dp_probe_finish(p, DP_R_INTERNAL, "cannot create a TLS connection");
		return;
	}
	n = dp_dane_configure(ssl, t->nrefnames > 0 ? t->base_domain : NULL,
	    t->refnames, t->nrefnames, set, t->load, &err);
	t->load_known = n >= 0;
	if (n <= 0) {
		SSL_free(ssl);
		dp_probe_finish(p, n == 0 ? DP_R_TLSA_MISMATCH : DP_R_INTERNAL,
		    n == 0 ? "OpenSSL rejected every TLSA record as unusable" : err.msg);
		return;
	}
	dp_probe_handshake(p, ssl);
}

/* Once the TLSA records are decided: a handshake for a READY probe, or no check at all. */
static void
probe_advance(struct dp_check_target *t, struct dp_probe *p)
{
	const struct dp_tlsaset *set = tlsa_in_force(t);

	if (p->phase == DP_PHASE_DONE)
		return;
	if (!dp_tlsaset_in_force(set))
		dp_probe_finish(p, DP_R_NOT_CHECKED, dp_reason_text(set->reason));
	else if (p->phase == DP_PHASE_READY)
		probe_start_handshake(t, p);
}

static void
probe_event(struct dp_probe *p, void *arg)
{
	struct dp_check_target *t = arg;

	if (p->phase == DP_PHASE_READY && t->tlsa_decided)
		probe_advance(t, p);
	else if (p->phase == DP_PHASE_DONE) {
		probe_release(t->job, p);
		target_settle(t);
	}
}

/* The counter of p's address; NULL when there is no memory for a new one. */
static struct dp_dest *
dest_of(struct dp_check *c, const struct dp_probe *p)
{
	const void *a = p->family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)&p->ss)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)&p->ss)->sin_addr;
	size_t n = p->family == AF_INET6 ? 16 : 4, i;
	struct dp_dest *d;

	for (i = 0; i < c->ndests; i++)
		if (c->dests[i].family == p->family && memcmp(c->dests[i].addr, a, n) == 0)
			return &c->dests[i];
	if ((d = reallocarray(c->dests, c->ndests + 1, sizeof(*d))) == NULL)
		return NULL;
	c->dests = d;
	d = &c->dests[c->ndests++];
	memset(d, 0, sizeof(*d));
	d->family = p->family;
	memcpy(d->addr, a, n);
	return d;
}

/*
 * Connects a QUEUED probe if its address has a free slot (--per-address:
 * a batch of many names on one shared address must not hammer it); it
 * waits otherwise, and the next probe of that address to end wakes it.
 */
static void
probe_try_connect(struct dp_check *c, struct dp_probe *p)
{
	struct dp_dest *d;

	if (p->phase != DP_PHASE_QUEUED)
		return;
	if ((d = dest_of(c, p)) != NULL && d->active >= c->cfg->per_addr)
		return;
	if (d != NULL) {
		d->active++;
		p->slot_held = true;
	}
	if (dp_probe_connect(p) == -1 && p->slot_held) {
		/* Failed at once (DONE, no callback): the slot is free again. */
		d->active--;
		p->slot_held = false;
	}
}

/* A probe has ended: its address's slot is free for one that waits. */
static void
probe_release(struct dp_check *c, struct dp_probe *p)
{
	struct dp_dest *d;

	if (!p->slot_held)
		return;
	p->slot_held = false;
	if ((d = dest_of(c, p)) != NULL && d->active > 0)
		d->active--;
	c->slot_freed = true;
	event_active(c->sweeper, EV_TIMEOUT, 0);
}

/* Starts a probe of sa, or names it as left out when the host's limit is reached. */
static void
target_add_probe(struct dp_check_target *t, const struct sockaddr *sa, socklen_t len)
{
	const char *host = t->job->cfg->name[0] != '\0' ? t->job->cfg->name : t->base_host;
	struct dp_probe *p;

	if (t->nprobes >= t->job->cfg->max_addrs) {
		dp_sockaddr_label((const struct sockaddr_storage *)sa,
		    t->left_out[t->addrs_dropped++], sizeof(t->left_out[0]));
		return;
	}
	p = &t->probes[t->nprobes++];
	dp_probe_prepare(p, t->job->base, sa, len, t->opts.dialect, host,
	    t->job->cfg->helo, t->job->cfg->connect_timeout_ms,
	    t->job->cfg->handshake_timeout_ms, probe_event, t);
	/* A probe that fails at once is DONE with its reason; nothing to undo. */
	probe_try_connect(t->job, p);
}

static int
addr_order(const void *a, const void *b)
{
	const struct dp_record *x = *(const struct dp_record *const *)a;
	const struct dp_record *y = *(const struct dp_record *const *)b;

	return memcmp(x->rdata, y->rdata, x->rdlen);
}

/*
 * Probes the addresses of one answer in address order, so that which
 * ones a limit leaves out does not depend on the order the server chose
 * (round-robin); duplicates in a hostile reply count once.
 */
static void
target_probe_answer(struct dp_check_target *t, const struct dp_answer *ans)
{
	const struct dp_record **rrs;
	char (*left)[64];
	size_t i, n = 0, want;

	if (ans == NULL || ans->status != DP_LOOKUP_ANSWERED ||
	    ans->rcode != DP_RCODE_NOERROR || ans->state == DP_DNSSEC_BOGUS ||
	    ans->nrrs == 0)
		return;
	want = ans->qtype == DP_TYPE_A ? 4 : 16;
	if ((rrs = calloc(ans->nrrs, sizeof(*rrs))) == NULL ||
	    (left = reallocarray(t->left_out, t->addrs_dropped + ans->nrrs,
	    sizeof(*t->left_out))) == NULL) {
		free(rrs);
		t->addr_reason = DP_R_INTERNAL;
		snprintf(t->addr_detail, sizeof(t->addr_detail), "out of memory");
		return;
	}
	t->left_out = left;
	for (i = 0; i < ans->nrrs; i++)
		if (ans->rrs[i].type == ans->qtype && ans->rrs[i].rdlen == want)
			rrs[n++] = &ans->rrs[i];
	qsort(rrs, n, sizeof(*rrs), addr_order);
	for (i = 0; i < n; i++) {
		struct sockaddr_storage ss;

		if (i > 0 && memcmp(rrs[i]->rdata, rrs[i - 1]->rdata, want) == 0)
			continue;
		memset(&ss, 0, sizeof(ss));
		if (want == 4) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)t->tg.port);
			memcpy(&s4->sin_addr, rrs[i]->rdata, 4);
			target_add_probe(t, (struct sockaddr *)&ss, sizeof(*s4));
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)t->tg.port);
			memcpy(&s6->sin6_addr, rrs[i]->rdata, 16);
			target_add_probe(t, (struct sockaddr *)&ss, sizeof(*s6));
		}
	}
	free(rrs);
}

/* Files a TLSA answer in set (which takes it) and moves the target on. */
static void
target_tlsa_answer(struct dp_check_target *t, struct dp_tlsaset *set, bool *done,
    struct dp_answer *ans)
{
	*done = true;
	if (dp_tlsaset_from_answer(set, ans, t->opts.smtp) == -1)
		set->reason = DP_R_INTERNAL;
	target_progress(t);
}

static void
tlsa_exp_answer(struct dp_answer *ans, void *arg)
{
	struct dp_check_target *t = arg;

	t->q_tlsa_exp = NULL;
	target_tlsa_answer(t, &t->tlsa_exp, &t->tlsa_exp_done, ans);
}

/* RFC 7671 section 7: with a secure CNAME chain, also ask at the expanded name. */
static void
target_maybe_expand(struct dp_check_target *t, const struct dp_answer *ans)
{
	char owner[DP_NAME_TEXT_MAX];
	struct dp_err err;

	if (t->expanded[0] != '\0' || t->out_of_band ||
	    ans->ncnames == 0 || ans->state != DP_DNSSEC_SECURE ||
	    ans->final_name == NULL || strcmp(ans->final_name, t->tg.host) == 0)
		return;
	snprintf(t->expanded, sizeof(t->expanded), "%s", ans->final_name);
	if (dp_name_tlsa_owner(owner, sizeof(owner), t->tg.port, "tcp", t->expanded,
	    &err) == -1)
		return;
	t->q_tlsa_exp = dp_resolver_query(t->job->res, owner, DP_TYPE_TLSA,
	    tlsa_exp_answer, t, &err);	/* the address lookup made the resolver */
	if (t->q_tlsa_exp == NULL)
		t->tlsa_exp_done = true;
}

/*
 * IPv4 addresses come first in the order the limit applies to, so an AAAA
 * answer that comes before the A answer waits for it: the addresses
 * probed are then the same whatever order the answers arrive in.
 */
static void
addr_answer(struct dp_check_target *t, int idx, struct dp_answer *ans)
{
	t->q_addr[idx] = NULL;
	t->addr_ans[idx] = ans;
	if (idx == 1 && t->q_addr[0] != NULL)
		t->aaaa_waits = true;
	else {
		target_probe_answer(t, ans);
		if (idx == 0 && t->aaaa_waits) {
			t->aaaa_waits = false;
			target_probe_answer(t, t->addr_ans[1]);
		}
	}
	target_maybe_expand(t, ans);
	target_progress(t);
}

static void
a_answer(struct dp_answer *ans, void *arg)
{
	addr_answer(arg, 0, ans);
}

static void
aaaa_answer(struct dp_answer *ans, void *arg)
{
	addr_answer(arg, 1, ans);
}

static void
tlsa_answer(struct dp_answer *ans, void *arg)
{
	struct dp_check_target *t = arg;

	t->q_tlsa = NULL;
	target_tlsa_answer(t, &t->tlsa, &t->tlsa_done, ans);
}

static void
add_refname(struct dp_check_target *t, const char *name)
{
	size_t i, len = strlen(name);

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (t->nrefnames >= DP_MAX_REFNAMES || len == 0)
		return;
	for (i = 0; i < t->nrefnames; i++)
		if (strlen(t->refnames[i]) == len && strncmp(t->refnames[i], name, len) == 0)
			return;
	snprintf(t->refbuf[t->nrefnames], DP_NAME_TEXT_MAX, "%.*s", (int)len, name);
	t->refnames[t->nrefnames] = t->refbuf[t->nrefnames];
	t->nrefnames++;
}

/*
 * The expanded name's RRset is in force unless DANE is not in force there
 * (insecure or securely absent): then the original name's is.  A bogus or
 * failed lookup at the expanded name stays a failure (fail closed).
 */
static void
target_decide_tlsa(struct dp_check_target *t)
{
	size_t i;

	t->tlsa_decided = true;
	t->dns_ms = dp_now_ms() - t->job->started_ms;
	if (t->expanded[0] != '\0' && t->tlsa_exp_done &&
	    dp_reason_exit(t->tlsa_exp.reason) != DP_EXIT_NOT_IN_FORCE)
		t->used_expanded = true;
	if (!t->tg.is_addr) {
		add_refname(t, t->used_expanded ? t->expanded : t->tg.host);
		add_refname(t, t->tg.host);
		if (t->expanded[0] != '\0')
			add_refname(t, t->expanded);
	} else if (t->job->cfg->name[0] != '\0')
		add_refname(t, t->job->cfg->name);	/* --name: SNI and reference identifier */
	if (t->nrefnames > 0)
		snprintf(t->base_domain, sizeof(t->base_domain), "%s", t->refnames[0]);
	for (i = 0; i < t->nprobes; i++)
		probe_advance(t, &t->probes[i]);
}

static void
target_progress(struct dp_check_target *t)
{
	if (!t->tlsa_decided && t->tlsa_done && t->q_addr[0] == NULL &&
	    t->q_addr[1] == NULL && t->q_tlsa_exp == NULL)
		target_decide_tlsa(t);
	target_settle(t);
}

static int
target_load_out_of_band(struct dp_check_target *t, const struct dp_config *cfg,
    struct dp_err *err)
{
	size_t i;

	snprintf(t->tlsa.owner, sizeof(t->tlsa.owner), "(command line)");
	for (i = 0; i < cfg->ntlsa_text; i++)
		if (dp_tlsaset_add_text(&t->tlsa, cfg->tlsa_text[i], t->opts.smtp, err) == -1)
			return -1;
	if (cfg->tlsa_file != NULL &&
	    dp_tlsaset_add_file(&t->tlsa, cfg->tlsa_file, t->opts.smtp, err) == -1)
		return -1;
	/*
	 * An address gives no name to check a certificate against: without
	 * --name only DANE-EE(3) pins it (RFC 7671 section 5.2: DANE-TA needs
	 * a reference identifier; PKIX usages need one for their name checks).
	 */
	if (t->tg.is_addr && cfg->name[0] == '\0')
		dp_tlsaset_require_refname(&t->tlsa);
	t->tlsa_done = true;
	t->out_of_band = true;
	return 0;
}

static int
target_start(struct dp_check_target *t, struct dp_err *err)
{
	const struct dp_config *cfg = t->job->cfg;
	char owner[DP_NAME_TEXT_MAX];

	t->addr_reason = DP_R_VERIFIED;
	if ((t->probes = calloc(cfg->max_addrs, sizeof(*t->probes))) == NULL)
		return dp_err_set(err, "out of memory");
	if (t->tg.is_addr) {
		target_add_probe(t, (struct sockaddr *)&t->tg.addr, t->tg.addrlen);
		return 0;
	}
	if (job_resolver(t->job, err) == NULL)
		return -1;
	if (!t->tlsa_done) {
		/* dp_check_add has checked the owner name. */
		dp_name_tlsa_owner(owner, sizeof(owner), t->tg.port, "tcp", t->tg.host, NULL);
		if ((t->q_tlsa = dp_resolver_query(t->job->res, owner, DP_TYPE_TLSA,
		    tlsa_answer, t, err)) == NULL)
			return -1;
	}
	if (!cfg->only_v6 && (t->q_addr[0] = dp_resolver_query(t->job->res,
	    t->tg.host, DP_TYPE_A, a_answer, t, err)) == NULL)
		return -1;
	if (!cfg->only_v4 && (t->q_addr[1] = dp_resolver_query(t->job->res,
	    t->tg.host, DP_TYPE_AAAA, aaaa_answer, t, err)) == NULL)
		return -1;
	return 0;
}

/*
 * A target whose lookups could not even be started (no resolver, a query
 * the backend refused) ends at once as an internal error, with the reason.
 */
static void
target_abandon(struct dp_check_target *t, const struct dp_err *err)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		dp_query_cancel(t->q_addr[i]);
		t->q_addr[i] = NULL;
	}
	dp_query_cancel(t->q_tlsa);
	t->q_tlsa = NULL;
	t->tlsa_done = true;
	if (!t->out_of_band) {
		t->tlsa.reason = DP_R_INTERNAL;
		snprintf(t->tlsa.detail, sizeof(t->tlsa.detail), "%s", err->msg);
	}
	t->addr_reason = DP_R_INTERNAL;
	snprintf(t->addr_detail, sizeof(t->addr_detail), "%.250s", err->msg);
}

/*
 * What went wrong with the address lookups, if anything: bogus fails closed;
 * no answer is a failed lookup; an undetermined or insecure answer is used
 * (the TLSA records, not the addresses, authenticate the server).
 */
static void
target_classify_addresses(struct dp_check_target *t)
{
	static const char *fam[2] = { "A", "AAAA" };
	const struct dp_config *cfg = t->job->cfg;
	enum dp_trust trust[2];
	char detail[2][200];
	int i;

	if (t->tg.is_addr || t->addr_reason != DP_R_VERIFIED)
		return;
	for (i = 0; i < 2; i++)
		trust[i] = (i == 0 ? cfg->only_v6 : cfg->only_v4) ? DP_TRUST_SECURE :
		    dp_answer_trust(t->addr_ans[i], detail[i], sizeof(detail[i]));
	for (i = 0; i < 2; i++)
		if (trust[i] == DP_TRUST_BOGUS) {
			t->addr_reason = DP_R_ADDR_BOGUS;
			snprintf(t->addr_detail, sizeof(t->addr_detail), "%s: %.200s", fam[i], detail[i]);
			return;
		}
	for (i = 0; i < 2; i++)
		if (trust[i] == DP_TRUST_TIMEOUT || trust[i] == DP_TRUST_FAILED) {
			t->addr_reason = DP_R_ADDR_LOOKUP_FAILED;
			snprintf(t->addr_detail, sizeof(t->addr_detail), "%s: %.200s", fam[i], detail[i]);
			return;
		}
	if (t->nprobes == 0) {
		t->addr_reason = DP_R_NO_ADDRESS;
		snprintf(t->addr_detail, sizeof(t->addr_detail), "%s", cfg->only_v4 ?
		    "no A record" : cfg->only_v6 ? "no AAAA record" : "no A or AAAA record");
	}
}

/* Reports list IPv4 before IPv6, each in address order, whatever order answers came in. */
static int
probe_order(const void *a, const void *b)
{
	const struct dp_probe *pa = a, *pb = b;

	if (pa->family != pb->family)
		return pa->family == AF_INET ? -1 : 1;
	if (pa->family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)&pa->ss)->sin_addr,
		    &((const struct sockaddr_in *)&pb->ss)->sin_addr, 4);
	return memcmp(&((const struct sockaddr_in6 *)&pa->ss)->sin6_addr,
	    &((const struct sockaddr_in6 *)&pb->ss)->sin6_addr, 16);
}

/* Frees what a job holds (a result has taken what it keeps). */
static void
target_free(struct dp_check_target *t)
{
	size_t i;

	if (t->timer != NULL) {
		event_free(t->timer);
		t->timer = NULL;
	}
	dp_query_cancel(t->q_tlsa);
	dp_query_cancel(t->q_tlsa_exp);
	dp_query_cancel(t->q_addr[0]);
	dp_query_cancel(t->q_addr[1]);
	t->q_tlsa = t->q_tlsa_exp = t->q_addr[0] = t->q_addr[1] = NULL;
	for (i = 0; i < t->nprobes; i++) {
		dp_probe_close(&t->probes[i]);
		dp_tls_facts_clear(&t->probes[i].facts);
	}
	free(t->probes);
	t->probes = NULL;
	t->nprobes = 0;
	free(t->left_out);
	t->left_out = NULL;
	dp_tlsaset_clear(&t->tlsa);
	dp_tlsaset_clear(&t->tlsa_exp);
	dp_answer_free(t->addr_ans[0]);
	dp_answer_free(t->addr_ans[1]);
	t->addr_ans[0] = t->addr_ans[1] = NULL;
}

/* The exit status of a target, from its own facts. */
static int
target_exit(const struct dp_check_target *t)
{
	const struct dp_tlsaset *set = tlsa_in_force(t);
	int code = DP_EXIT_OK;
	size_t i;

	if (t->addr_reason != DP_R_VERIFIED)
		code = dp_exit_worst(code, dp_reason_exit(t->addr_reason));
	if (!dp_tlsaset_in_force(set))
		code = dp_exit_worst(code, dp_reason_exit(set->reason));
	else
		for (i = 0; i < t->nprobes; i++)
			code = dp_exit_worst(code, dp_reason_exit(t->probes[i].facts.reason));
	/* A limit stopped work: never OK over addresses nobody looked at. */
	if (t->addrs_dropped > 0)
		code = dp_exit_worst(code, dp_reason_exit(DP_R_ADDR_LIMIT));
	return code;
}

static bool
record_is_match(const struct dp_tlsa *t, const struct dp_dane_match *m)
{
	return m->depth >= 0 && m->data != NULL && t->usage == m->usage &&
	    t->selector == m->selector && t->mtype == m->mtype &&
	    t->datalen == m->datalen && memcmp(t->data, m->data, t->datalen) == 0;
}

/* How each record of the set in force fared at probe p. */
static enum dp_record_outcome *
record_outcomes(const struct dp_check_target *t, const struct dp_probe *p)
{
	const struct dp_tlsaset *set = tlsa_in_force(t);
	enum dp_record_outcome *out;
	size_t i;

	if ((out = calloc(set->nrecs + 1, sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < set->nrecs; i++) {
		if (set->recs[i].usability != DP_TLSA_USABLE)
			out[i] = DP_REC_UNUSABLE;
		else if (t->load_known && t->load[i] == DP_DANE_REJECTED)
			out[i] = DP_REC_REJECTED;
		else if (p->facts.chain == NULL)
			out[i] = DP_REC_NOT_TRIED;
		else if (record_is_match(&set->recs[i], &p->facts.match))
			out[i] = DP_REC_MATCHED;
		else
			out[i] = DP_REC_NOT_MATCHED;
	}
	return out;
}

/* Moves what probe p found into a (which then owns the chain and match data). */
static void
probe_to_result(const struct dp_check_target *t, struct dp_probe *p,
    struct dp_addr_result *a)
{
	snprintf(a->label, sizeof(a->label), "%s", p->label);
	a->family = p->family;
	a->reason = p->facts.reason;
	snprintf(a->detail, sizeof(a->detail), "%s", p->facts.detail);
	snprintf(a->version, sizeof(a->version), "%s", p->facts.version);
	snprintf(a->cipher, sizeof(a->cipher), "%s", p->facts.cipher);
	a->records = record_outcomes(t, p);
	a->match = p->facts.match;
	a->chain = p->facts.chain;
	p->facts.match.data = NULL;
	p->facts.chain = NULL;
	a->dialect = p->dialect;
	a->starttls_phase = p->starttls_phase;
	a->connected = p->connect_ms > 0 || p->phase > DP_PHASE_CONNECT ||
	    p->facts.version[0] != '\0';
	a->connect_ms = p->connect_ms;
	a->handshake_ms = p->handshake_ms;
}

/*
 * The target is done: its verdict, then its result, built once; the job's
 * state (probes, answers, record sets) moves into the result or is freed.
 */
static void
target_finish(struct dp_check_target *t)
{
	struct dp_target_result *r = t->res;
	size_t i;

	for (i = 0; i < t->nprobes; i++)
		dp_probe_close(&t->probes[i]);
	qsort(t->probes, t->nprobes, sizeof(t->probes[0]), probe_order);
	target_classify_addresses(t);
	r->tg = t->tg;
	r->opts = t->opts;
	r->exit_code = target_exit(t);
	r->dns_ms = t->dns_ms;
	r->addr_reason = t->addr_reason;
	snprintf(r->addr_detail, sizeof(r->addr_detail), "%s", t->addr_detail);
	snprintf(r->expanded, sizeof(r->expanded), "%s", t->expanded);
	snprintf(r->reference, sizeof(r->reference), "%s", t->base_domain);
	if ((r->addrs = calloc(t->nprobes + 1, sizeof(*r->addrs))) != NULL)
		for (i = 0; i < t->nprobes; i++)
			probe_to_result(t, &t->probes[i], &r->addrs[r->naddrs++]);
	r->left_out = t->left_out;
	r->nleft_out = t->addrs_dropped;
	t->left_out = NULL;
	for (i = 0; i < 2; i++) {
		r->addr_ans[i] = t->addr_ans[i];
		t->addr_ans[i] = NULL;
	}
	r->expanded_in_force = t->used_expanded;
	r->tlsa = *tlsa_in_force(t);
	memset(t->used_expanded ? &t->tlsa_exp : &t->tlsa, 0, sizeof(t->tlsa));
	if (t->used_expanded) {
		r->tlsa_original = t->tlsa;
		memset(&t->tlsa, 0, sizeof(t->tlsa));
	}
	target_free(t);
	t->done = true;
}

/*
 * Streaming: the result goes to the sink and is freed, and the slot is
 * free for the next target (the sink may add it at once).
 */
static void
slot_hand_over(struct dp_check *c, struct dp_check_target *t)
{
	struct dp_target_result *r = t->res;

	c->rep->exit_code = dp_exit_worst(c->rep->exit_code, r->exit_code);
	c->sink(r, c->sink_arg);
	dp_target_result_clear(r);
	memset(t, 0, sizeof(*t));
}

/* The sweeper: builds the results of the targets that are done, then maybe ends the loop. */
static void
sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dp_check *job = arg;
	size_t i;

	bool freed = false;
	size_t j;

	if (job->slot_freed) {
		job->slot_freed = false;
		for (i = 0; i < job->rep->ntargets; i++)
			for (j = 0; job->jobs[i].job != NULL && j < job->jobs[i].nprobes; j++)
				probe_try_connect(job, &job->jobs[i].probes[j]);
	}
	for (i = 0; i < job->rep->ntargets; i++) {
		struct dp_check_target *t = &job->jobs[i];

		if (t->job == NULL || t->done || target_busy(t))
			continue;
		target_finish(t);
		if (job->sink != NULL) {
			slot_hand_over(job, t);
			freed = true;
		}
	}
	/* New targets go into the slots only now, with the old results gone. */
	if (freed && !job->deadline_passed)
		job->feed(job, job->sink_arg);
	job_maybe_done(job);
}

/* Ends whatever of t still runs: a bound of bound_ms has passed. */
static void
target_expire(struct dp_check_target *t, unsigned bound_ms)
{
	char detail[128];
	size_t j;

	for (j = 0; j < t->nprobes; j++) {
		struct dp_probe *p = &t->probes[j];

		if (p->phase == DP_PHASE_DONE)
			continue;
		snprintf(detail, sizeof(detail), "during %s, after %.1f s",
		    dp_probe_phase_name(p->phase), bound_ms / 1000.0);
		dp_probe_finish(p, DP_R_TIMEOUT, detail);
	}
	if (t->q_tlsa != NULL) {
		dp_query_cancel(t->q_tlsa);
		t->q_tlsa = NULL;
		t->tlsa_done = true;
		t->tlsa.reason = DP_R_TLSA_TIMEOUT;
		dp_answer_trust(NULL, t->tlsa.detail, sizeof(t->tlsa.detail));
	}
	if (t->q_tlsa_exp != NULL) {
		dp_query_cancel(t->q_tlsa_exp);
		t->q_tlsa_exp = NULL;
		t->tlsa_exp_done = true;
		t->tlsa_exp.reason = DP_R_TLSA_TIMEOUT;
	}
	for (j = 0; j < 2; j++)
		if (t->q_addr[j] != NULL) {
			dp_query_cancel(t->q_addr[j]);
			t->q_addr[j] = NULL;
		}
	if (!t->tlsa_decided)
		target_decide_tlsa(t);
}

/* Streaming: one target's own bound (--target-timeout). */
static void
target_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dp_check_target *t = arg;

	target_expire(t, t->job->cfg->target_timeout_ms);
	target_settle(t);
}

/* The run's deadline (-t): everything still running ends now. */
static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dp_check *job = arg;
	size_t i;

	for (i = 0; i < job->rep->ntargets; i++)
		if (job->jobs[i].job != NULL && !job->jobs[i].done)
			target_expire(&job->jobs[i], job->cfg->timeout_ms);
	job->deadline_passed = true;
	job->finished = true;
	event_base_loopbreak(job->base);
}

/*
 * The loop of a batch.  -t is a hard bound even when hundreds of
 * handshakes are ready at once: the deadline has the highest priority,
 * and after a few callbacks of the others the loop looks again for it,
 * instead of running every ready callback first (libevent's default).
 */
static struct event_base *
loop_new(void)
{
	struct event_config *ec;
	struct event_base *base = NULL;
	struct timeval slice = { 0, 5000 };

	if ((ec = event_config_new()) == NULL)
		return NULL;
	if (event_config_set_max_dispatch_interval(ec, &slice, DP_DISPATCH_BATCH,
	    DP_PRIO_WORK) == 0)
		base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (base != NULL && event_base_priority_init(base, DP_NPRIO) == -1) {
		event_base_free(base);
		base = NULL;
	}
	return base;
}

int
dp_check_open(const struct dp_config *cfg, struct dp_check_report *rep,
    struct dp_check **out, int *exit_code, struct dp_err *err)
{
	struct dp_check *job;
	struct timeval tv;

	*out = NULL;
	*exit_code = DP_EXIT_INTERNAL;
	memset(rep, 0, sizeof(*rep));
	if ((job = calloc(1, sizeof(*job))) == NULL ||
	    (job->jobs = calloc(DP_MAX_TARGETS, sizeof(*job->jobs))) == NULL ||
	    (rep->targets = calloc(DP_MAX_TARGETS, sizeof(*rep->targets))) == NULL) {
		if (job != NULL)
			free(job->jobs);
		free(job);
		return dp_err_set(err, "out of memory");
	}
	job->cfg = cfg;
	job->rep = rep;
	job->cap = DP_MAX_TARGETS;
	job->started_ms = dp_now_ms();
	*out = job;
	if ((job->base = loop_new()) == NULL)
		return dp_err_set(err, "cannot create the event loop");
	/*
	 * The resolver is made when a target first needs DNS: setting one up
	 * costs more than a handshake, and pinned addresses need none.  Its
	 * configuration is checked here all the same, so that a bad trust
	 * anchor is a usage error before anything goes on the wire.
	 */
	if ((cfg->res.trust_anchor != NULL &&
	    dp_trust_anchor_check(cfg->res.trust_anchor, err) == -1) ||
	    (cfg->res.root_hints != NULL &&
	    dp_root_hints_check(cfg->res.root_hints, err) == -1)) {
		*exit_code = DP_EXIT_USAGE;
		return -1;
	}
	if ((job->deadline = evtimer_new(job->base, deadline_cb, job)) == NULL ||
	    event_priority_set(job->deadline, DP_PRIO_DEADLINE) == -1 ||
	    (job->sweeper = evtimer_new(job->base, sweep_cb, job)) == NULL)
		return dp_err_set(err, "out of memory");
	tv.tv_sec = cfg->timeout_ms / 1000;
	tv.tv_usec = (cfg->timeout_ms % 1000) * 1000;
	evtimer_add(job->deadline, &tv);
	return 0;
}

/* The batch's resolver, made on first use.  NULL with err set when it cannot be. */
static struct dp_resolver *
job_resolver(struct dp_check *c, struct dp_err *err)
{
	if (c->res == NULL && dp_resolver_new(c->base, &c->cfg->res, &c->res, err) == 0)
		c->rep->backend = dp_resolver_name(c->res);
	return c->res;
}

struct event_base *
dp_check_base(struct dp_check *c)
{
	return c->base;
}

struct dp_resolver *
dp_check_resolver(struct dp_check *c, struct dp_err *err)
{
	return job_resolver(c, err);
}

void
dp_check_hold(struct dp_check *c, int delta)
{
	c->holds += delta;
	if (delta < 0)
		job_maybe_done(c);
}

static bool
has_out_of_band(const struct dp_config *cfg)
{
	return cfg->ntlsa_text > 0 || cfg->tlsa_file != NULL;
}

/* The first slot without a job (a stored batch never reuses one); cap: none. */
static size_t
free_slot(const struct dp_check *c)
{
	size_t i;

	if (c->sink != NULL)
		for (i = 0; i < c->rep->ntargets; i++)
			if (c->jobs[i].job == NULL)
				return i;
	return c->rep->ntargets < c->cap ? c->rep->ntargets : c->cap;
}

size_t
dp_check_free_slots(const struct dp_check *c)
{
	size_t i, n = c->cap - c->rep->ntargets;

	if (c->sink != NULL)
		for (i = 0; i < c->rep->ntargets; i++)
			if (c->jobs[i].job == NULL)
				n++;
	return n;
}

bool
dp_check_deadline_passed(const struct dp_check *c)
{
	return c->deadline_passed;
}

/* Streaming: each target has its own bound, at the top priority as -t's. */
static int
target_arm_timer(struct dp_check_target *t, struct dp_err *err)
{
	unsigned ms = t->job->cfg->target_timeout_ms;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if ((t->timer = evtimer_new(t->job->base, target_timer_cb, t)) == NULL ||
	    event_priority_set(t->timer, DP_PRIO_DEADLINE) == -1 ||
	    evtimer_add(t->timer, &tv) == -1)
		return dp_err_set(err, "cannot set the target's timer");
	return 0;
}

int
dp_check_stream(struct dp_check *c, unsigned window, dp_check_sink *sink,
    dp_check_feed *feed, void *arg, struct dp_err *err)
{
	struct dp_check_target *jobs;
	struct dp_target_result *res;

	if (c->rep->ntargets > 0)
		return dp_err_set(err, "a batch streams from its start");
	if ((jobs = calloc(window, sizeof(*jobs))) == NULL ||
	    (res = calloc(window, sizeof(*res))) == NULL) {
		free(jobs);
		return dp_err_set(err, "out of memory");
	}
	free(c->jobs);
	free(c->rep->targets);
	c->jobs = jobs;
	c->rep->targets = res;
	c->cap = window;
	c->sink = sink;
	c->feed = feed;
	c->sink_arg = arg;
	/* Without -t the run has no bound of its own: each target has --target-timeout. */
	if (!c->cfg->timeout_given)
		evtimer_del(c->deadline);
	return 0;
}

const struct dp_target_result *
dp_check_add(struct dp_check *c, const struct dp_target *tg,
    const struct dp_target_opts *opts, struct dp_err *err)
{
	const struct dp_config *cfg = c->cfg;
	struct dp_check_target *t;
	char owner[DP_NAME_TEXT_MAX];

	size_t slot;

	if ((slot = free_slot(c)) == c->cap) {
		dp_err_set(err, "at most %zu targets at once", c->cap);
		return NULL;
	}
	/* A name that cannot carry a TLSA owner is no target at all: say so now. */
	if (!tg->is_addr && dp_name_tlsa_owner(owner, sizeof(owner), tg->port, "tcp",
	    tg->host, err) == -1)
		return NULL;
	t = &c->jobs[slot];
	t->res = &c->rep->targets[slot];
	if (slot == c->rep->ntargets)
		c->rep->ntargets++;
	t->job = c;
	t->tg = *tg;
	t->opts = *opts;
	/* The name a dialect announces (XMPP to=): the host without its root dot. */
	snprintf(t->base_host, sizeof(t->base_host), "%.*s",
	    (int)strlen(tg->host) - (tg->is_addr ? 0 : 1), tg->host);
	if (has_out_of_band(cfg) && target_load_out_of_band(t, cfg, err) == -1) {
		if (slot == c->rep->ntargets - 1)
			c->rep->ntargets--;
		dp_tlsaset_clear(&t->tlsa);
		memset(t, 0, sizeof(*t));
		return NULL;
	}
	if (c->sink != NULL && target_arm_timer(t, err) == -1)
		target_abandon(t, err);
	if (target_start(t, err) == -1)
		target_abandon(t, err);
	target_progress(t);
	return t->res;
}

/* Parses a target given on the command line and checks it against the options. */
static int
parse_cli_target(const struct dp_config *cfg, const char *arg, struct dp_target *tg,
    struct dp_err *err)
{
	unsigned port = cfg->dialect != NULL ? cfg->dialect->port : 443;

	if (dp_target_parse(arg, port, tg, err) == -1)
		return -1;
	return dp_check_target_usable(cfg, tg, err);
}

int
dp_check_target_usable(const struct dp_config *cfg, const struct dp_target *tg,
    struct dp_err *err)
{
	char owner[DP_NAME_TEXT_MAX];

	if (!tg->is_addr && dp_name_tlsa_owner(owner, sizeof(owner), tg->port, "tcp",
	    tg->host, err) == -1)
		return -1;
	if (!tg->is_addr && cfg->name[0] != '\0')
		return dp_err_set(err, "'%s': --name is for address targets; a host name "
		    "is its own reference identifier", tg->input);
	if (tg->is_addr && !has_out_of_band(cfg))
		return dp_err_set(err, "'%s': DANE needs a host name for the TLSA "
		    "lookup; give the records with --tlsa or --tlsa-file", tg->input);
	if (tg->is_addr && ((cfg->only_v4 && tg->addr.ss_family != AF_INET) ||
	    (cfg->only_v6 && tg->addr.ss_family != AF_INET6)))
		return dp_err_set(err, "'%s': excluded by -4/-6", tg->input);
	return 0;
}

int
dp_check_wait(struct dp_check *c, struct dp_err *err)
{
	struct dp_check_report *rep = c->rep;
	size_t i;

	job_maybe_done(c);
	while (!c->finished)
		if (event_base_loop(c->base, EVLOOP_ONCE) == -1)
			return dp_err_set(err, "event loop failed");
	for (i = 0; i < rep->ntargets; i++) {
		struct dp_check_target *t = &c->jobs[i];

		if (t->job == NULL)
			continue;
		/* The loop is over (done, or the deadline): no callback holds a job. */
		if (!t->done)
			target_finish(t);
		if (c->sink != NULL)
			slot_hand_over(c, t);
		else
			rep->exit_code = dp_exit_worst(rep->exit_code, rep->targets[i].exit_code);
	}
	rep->elapsed_ms = dp_now_ms() - c->started_ms;
	return 0;
}

void
dp_check_close(struct dp_check *c)
{
	size_t i;

	if (c == NULL)
		return;
	/* Jobs never waited for (an error on the way) have no result: just freed. */
	for (i = 0; c->jobs != NULL && c->rep != NULL && i < c->rep->ntargets; i++)
		if (c->jobs[i].job != NULL && !c->jobs[i].done)
			target_free(&c->jobs[i]);
	free(c->jobs);
	free(c->dests);
	if (c->deadline != NULL)
		event_free(c->deadline);
	if (c->sweeper != NULL)
		event_free(c->sweeper);
	dp_resolver_free(c->res);
	SSL_CTX_free(c->ctx_dane);
	SSL_CTX_free(c->ctx_pkix);
	if (c->base != NULL)
		event_base_free(c->base);
	free(c);
}

int
dp_check_run(const struct dp_config *cfg, struct dp_check_report *rep,
    int *exit_code, struct dp_err *err)
{
	struct dp_target tgs[DP_MAX_TARGETS];
	struct dp_target_opts opts = { cfg->dialect, false, -1 };
	struct dp_check *c = NULL;
	int i, rc = -1;

	memset(rep, 0, sizeof(*rep));
	*exit_code = DP_EXIT_USAGE;
	if (cfg->nargs > DP_MAX_TARGETS)
		return dp_err_set(err, "at most %d targets", DP_MAX_TARGETS);
	/* All operands are checked before anything goes on the wire. */
	for (i = 0; i < cfg->nargs; i++)
		if (parse_cli_target(cfg, cfg->args[i], &tgs[i], err) == -1)
			return -1;
	if (dp_check_open(cfg, rep, &c, exit_code, err) == -1)
		goto out;
	*exit_code = DP_EXIT_INTERNAL;
	dp_check_hold(c, 1);
	for (i = 0; i < cfg->nargs; i++)
		if (dp_check_add(c, &tgs[i], &opts, err) == NULL) {
			*exit_code = DP_EXIT_USAGE;	/* an unreadable --tlsa-file */
			goto out;
		}
	dp_check_hold(c, -1);
	if (dp_check_wait(c, err) == -1)
		goto out;
	*exit_code = rep->exit_code;
	rc = 0;
out:
	dp_check_close(c);
	return rc;
}

void
dp_check_report_clear(struct dp_check_report *rep)
{
	size_t i;

	for (i = 0; i < rep->ntargets; i++)
		dp_target_result_clear(&rep->targets[i]);
	free(rep->targets);
	memset(rep, 0, sizeof(*rep));
}

static bool
report_has_chain(const struct dp_check_report *rep)
{
	size_t i, j;

	for (i = 0; i < rep->ntargets; i++)
		for (j = 0; j < rep->targets[i].naddrs; j++)
			if (rep->targets[i].addrs[j].chain != NULL)
				return true;
	return false;
}

static int
write_chains(FILE *fp, void *arg)
{
	const struct dp_check_report *rep = arg;
	size_t i, j;
	int k;

	for (i = 0; i < rep->ntargets; i++)
		for (j = 0; j < rep->targets[i].naddrs; j++) {
			const struct dp_addr_result *a = &rep->targets[i].addrs[j];

			if (a->chain == NULL)
				continue;
			fprintf(fp, "# %s %s\n", rep->targets[i].tg.display, a->label);
			for (k = 0; k < sk_X509_num(a->chain); k++)
				if (PEM_write_X509(fp, sk_X509_value(a->chain, k)) != 1)
					return -1;
		}
	return 0;
}

int
dp_check_save_chains(const struct dp_check_report *rep, const char *file,
    struct dp_err *err)
{
	if (!report_has_chain(rep))
		return 1;
	return dp_outfile_replace(file, write_chains, (void *)rep, err);
}
