/*
 * check_target.c: one target's work.  Concurrently: the TLSA lookup at
 * _PORT._tcp.HOST, the A and AAAA lookups, and a connect to each address
 * as soon as it is known (IPv4 first, each family in address order, at
 * most --max-addresses); the TLS handshake of an address waits only for
 * the TLSA decision, which waits for the address answers because a secure
 * CNAME chain changes the TLSA base domain (RFC 7671 section 7: the
 * expanded name first, then the original name).
 *
 * Fail closed: a bogus or failed TLSA lookup, or records none of which is
 * usable, means no handshake is judged "verified"; bogus address records
 * are a failure too; insecure or absent TLSA is "not in force".
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_impl.h"
#include "clock.h"
#include "dnsmsg.h"

static int	target_ask_rest(struct dp_check_target *t, struct dp_err *err);

/* The address lookup asked first: A, or AAAA with -6 (0 and 1, as q_addr counts them). */
static int
first_family(const struct dp_check_target *t)
{
	return t->job->cfg->only_v6 ? 1 : 0;
}

const struct dp_tlsaset *
ck_tlsa_in_force(const struct dp_check_target *t)
{
	return t->used_expanded ? &t->tlsa_exp : &t->tlsa;
}

static bool
probes_done(const struct dp_check_target *t)
{
	size_t i;

	for (i = 0; i < t->nprobes; i++)
		if (t->probes[i].phase != DP_PHASE_DONE)
			return false;
	return true;
}

static SSL_CTX *
job_ctx(struct dp_check *job, bool pkix, struct dp_err *err)
{
	SSL_CTX **slot = pkix ? &job->ctx_pkix : &job->ctx_dane;

	if (*slot == NULL)
		*slot = dp_dane_ctx_new(pkix, job->cfg->cafile, job->cfg->capath, err);
	return *slot;
}

/*
 * The one DANE set-up of a target, for a handshake and for a chain from a
 * file alike: the context, SNI, the reference names and the records in
 * force.  Returns the SSL handle, or NULL with *reason and detail set.
 */
static SSL *
target_dane_ssl(struct dp_check_target *t, enum dp_reason *reason, char *detail,
    size_t detaillen)
{
	const struct dp_tlsaset *set = ck_tlsa_in_force(t);
	struct dp_err err;
	SSL_CTX *ctx;
	SSL *ssl;
	int n;

	*reason = DP_R_INTERNAL;
	if ((ctx = job_ctx(t->job, dp_dane_needs_pkix(set), &err)) == NULL) {
		snprintf(detail, detaillen, "%.250s", err.msg);
		return NULL;
	}
	if ((ssl = SSL_new(ctx)) == NULL) {
		snprintf(detail, detaillen, "cannot create a TLS connection");
		return NULL;
	}
	n = dp_dane_configure(ssl, t->nrefnames > 0 ? t->base_domain : NULL,
	    t->refnames, t->nrefnames, set, t->load, &err);
	t->load_known = n >= 0;
	if (n <= 0) {
		SSL_free(ssl);
		if (n == 0)
			*reason = DP_R_TLSA_MISMATCH;
		snprintf(detail, detaillen, "%.250s",
		    n == 0 ? "OpenSSL rejected every TLSA record as unusable" : err.msg);
		return NULL;
	}
	return ssl;
}

/*
 * The SNI of a handshake, if it is known before the TLSA records are
 * decided: the TLSA base domain is the host itself unless a secure CNAME
 * chain makes it the expanded name (RFC 7671 section 7), which only the
 * expanded name's TLSA answer decides.  Returns NULL when that must be
 * waited for, "" for none (an address without --name).
 */
static const char *
target_sni(const struct dp_check_target *t)
{
	if (t->state >= CK_PROBING)
		return t->nrefnames > 0 ? t->base_domain : "";
	if (t->tg.is_addr)
		return t->job->cfg->name;
	if (t->opts.fetch_chain || t->expanded[0] == '\0')
		return t->base_host;
	return NULL;
}

/* A handshake with SNI and no DANE: it collects the chain, which is judged once decided. */
static void
probe_start_tls(struct dp_check_target *t, struct dp_probe *p, const char *sni)
{
	struct dp_err err;
	SSL_CTX *ctx;
	SSL *ssl;

	if ((ctx = job_ctx(t->job, false, &err)) == NULL) {
		dp_probe_finish(p, DP_R_INTERNAL, err.msg);
		return;
	}
	if ((ssl = SSL_new(ctx)) == NULL ||
	    (sni[0] != '\0' && SSL_set_tlsext_host_name(ssl, sni) != 1)) {
		SSL_free(ssl);
		dp_probe_finish(p, DP_R_INTERNAL, "cannot create a TLS connection");
		return;
	}
	dp_probe_handshake(p, ssl);
}

/*
 * The one judgement of a chain, from a handshake or a file: the target's
 * DANE set-up (target_dane_ssl), then OpenSSL's verifier over the chain
 * as of at (0: now); the verdict lands in f.
 */
static void
target_judge_chain(struct dp_check_target *t, STACK_OF(X509) *chain, time_t at,
    struct dp_tls_facts *f)
{
	struct dp_err err;
	SSL *ssl;

	if ((ssl = target_dane_ssl(t, &f->reason, f->detail, sizeof(f->detail))) == NULL)
		return;
	if (dp_dane_verify_chain(ssl, chain, at, f, &err) == -1) {
		f->reason = DP_R_INTERNAL;
		snprintf(f->detail, sizeof(f->detail), "%.250s", err.msg);
	}
	SSL_free(ssl);
}

/*
 * The verdict on a FETCHED probe's chain, once the records are decided:
 * OpenSSL's DANE over the chain the handshake collected, set up as for a
 * chain from a file (verify).  A handshake made with an SNI that the
 * decision did not confirm is made again: a server may present another
 * chain for another name.
 */
static void
probe_judge(struct dp_check_target *t, struct dp_probe *p)
{
	const char *sni = target_sni(t);
	struct dp_tls_facts *f = &p->facts;

	if (t->opts.fetch_chain) {
		f->reason = DP_R_CHAIN_FETCHED;
		dp_probe_judged(p);
		return;
	}
	if (strcmp(p->sni, sni) != 0) {
		if (dp_probe_reconnect(p) == -1)
			p->cb(p, p->arg);
		return;
	}
	if (sk_X509_num(f->chain) < 1) {
		f->reason = DP_R_HANDSHAKE_FAILED;
		snprintf(f->detail, sizeof(f->detail), "the server presented no certificate");
	} else
		target_judge_chain(t, f->chain, 0, f);
	dp_probe_judged(p);
}

/* verify: the chain from the file takes the place of a handshake. */
static void
target_verify_offline(struct dp_check_target *t)
{
	const struct dp_tlsaset *set = ck_tlsa_in_force(t);
	struct dp_tls_facts *f = &t->offline;

	t->offline_done = true;
	f->match.depth = -1;
	if (!dp_tlsaset_in_force(set)) {
		f->reason = DP_R_NOT_CHECKED;
		snprintf(f->detail, sizeof(f->detail), "%s", dp_reason_text(set->reason));
		return;
	}
	target_judge_chain(t, t->opts.offline->chain, t->opts.offline->at, f);
}

/*
 * Once the TLSA records are decided: the verdict on a chain already
 * fetched, a handshake for a probe that waited for its SNI, or no check
 * at all (DANE not in force: a chain fetched meanwhile is dropped unseen).
 */
static void
probe_advance(struct dp_check_target *t, struct dp_probe *p)
{
	const struct dp_tlsaset *set = ck_tlsa_in_force(t);

	if (p->phase == DP_PHASE_DONE)
		return;
	if (!t->opts.fetch_chain && !dp_tlsaset_in_force(set)) {
		if (p->phase == DP_PHASE_FETCHED)
			dp_tls_facts_clear(&p->facts);
		dp_probe_finish(p, DP_R_NOT_CHECKED, dp_reason_text(set->reason));
	} else if (p->phase == DP_PHASE_READY)
		probe_start_tls(t, p, target_sni(t));
	else if (p->phase == DP_PHASE_FETCHED)
		probe_judge(t, p);
}

/*
 * A probe moved on.  READY: its handshake starts at once when its SNI is
 * known, so that TLS runs while DNSSEC still validates; FETCHED: its
 * chain is judged if the records are decided, else it waits for them.
 */
static void
probe_event(struct dp_probe *p, void *arg)
{
	struct dp_check_target *t = arg;
	const char *sni;

	if (p->phase == DP_PHASE_READY) {
		if (t->state >= CK_PROBING)
			probe_advance(t, p);
		else if ((sni = target_sni(t)) != NULL)
			probe_start_tls(t, p, sni);
	} else if (p->phase == DP_PHASE_FETCHED) {
		if (t->state >= CK_PROBING)
			probe_advance(t, p);
	} else if (p->phase == DP_PHASE_DONE) {
		ck_probe_release(t->job, p);
		ck_target_step(t);
	}
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
	ck_probe_try_connect(t->job, p);
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

	/* verify asks for the addresses only for their CNAME chain: nothing to connect to. */
	if (ans == NULL || t->opts.offline != NULL || ans->status != DP_LOOKUP_ANSWERED ||
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
	ck_target_step(t);
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

	if (t->expanded[0] != '\0' || t->out_of_band || t->opts.fetch_chain ||
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
	struct dp_err err;

	t->q_addr[idx] = NULL;
	/* The first answer is in, its zone's keys validated: now the rest (ck_target_start). */
	if (t->first_alone && !t->rest_asked && target_ask_rest(t, &err) == -1) {
		t->addr_ans[idx] = ans;
		ck_target_abandon(t, &err);
		ck_target_step(t);
		return;
	}
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
	ck_target_step(t);
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
	if (t->opts.offline != NULL)
		target_verify_offline(t);
}

void
ck_target_step(struct dp_check_target *t)
{
	for (;;)
		switch (t->state) {
		case CK_RESOLVING:
			if (!t->tlsa_done || t->q_addr[0] != NULL || t->q_addr[1] != NULL)
				return;
			/* A secure CNAME chain started a lookup at the expanded name. */
			t->state = t->q_tlsa_exp != NULL ? CK_EXPANDING : CK_PROBING;
			if (t->state == CK_PROBING)
				target_decide_tlsa(t);	/* may end probes, and step again */
			break;
		case CK_EXPANDING:
			if (t->q_tlsa_exp != NULL)
				return;
			t->state = CK_PROBING;
			target_decide_tlsa(t);
			break;
		case CK_PROBING:
			if (!probes_done(t))
				return;
			t->state = CK_DONE;
			ck_target_settle(t);
			return;
		default:
			return;
		}
}

int
ck_target_load_out_of_band(struct dp_check_target *t, const struct dp_config *cfg,
    struct dp_err *err)
{
	struct dp_tlsaset *oob = &t->job->oob[t->opts.smtp];
	size_t i;

	/* Read once per batch, not once per target of a list. */
	if (!t->job->oob_loaded[t->opts.smtp]) {
		snprintf(oob->owner, sizeof(oob->owner), "(command line)");
		for (i = 0; i < cfg->ntlsa_text; i++)
			if (dp_tlsaset_add_text(oob, cfg->tlsa_text[i], t->opts.smtp, err) == -1)
				goto fail;
		if (cfg->tlsa_file != NULL &&
		    dp_tlsaset_add_file(oob, cfg->tlsa_file, t->opts.smtp, err) == -1)
			goto fail;
		t->job->oob_loaded[t->opts.smtp] = true;
	}
	if (dp_tlsaset_copy(&t->tlsa, oob, err) == -1)
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
fail:
	dp_tlsaset_clear(oob);
	return -1;
}

/* Starts the lookup of address family idx (0: A, 1: AAAA).  Returns 0 or -1. */
static int
target_ask(struct dp_check_target *t, int idx, struct dp_err *err)
{
	t->q_addr[idx] = dp_resolver_query(t->job->res, t->tg.host,
	    idx == 0 ? DP_TYPE_A : DP_TYPE_AAAA, idx == 0 ? a_answer : aaaa_answer, t, err);
	return t->q_addr[idx] == NULL ? -1 : 0;
}

/* The TLSA lookup and the address lookups not asked yet. */
static int
target_ask_rest(struct dp_check_target *t, struct dp_err *err)
{
	const struct dp_config *cfg = t->job->cfg;
	char owner[DP_NAME_TEXT_MAX];
	int idx;

	if (!t->tlsa_done) {
		/* dp_check_add has checked the owner name. */
		dp_name_tlsa_owner(owner, sizeof(owner), t->tg.port, "tcp", t->tg.host, NULL);
		if ((t->q_tlsa = dp_resolver_query(t->job->res, owner, DP_TYPE_TLSA,
		    tlsa_answer, t, err)) == NULL)
			return -1;
	}
	t->rest_asked = true;
	for (idx = 0; idx < 2; idx++)
		if (!(idx == 0 ? cfg->only_v6 : cfg->only_v4) &&
		    !(t->first_alone && first_family(t) == idx) && target_ask(t, idx, err) == -1)
			return -1;
	return 0;
}

int
ck_target_start(struct dp_check_target *t, struct dp_err *err)
{
	const struct dp_config *cfg = t->job->cfg;

	t->addr_reason = DP_R_VERIFIED;
	if ((t->probes = calloc(cfg->max_addrs, sizeof(*t->probes))) == NULL)
		return dp_err_set(err, "out of memory");
	if (t->opts.fetch_chain) {
		t->tlsa_done = true;
		t->tlsa.reason = DP_R_TLSA_NOT_ASKED;
	}
	if (t->tg.is_addr) {
		/* verify connects nowhere; its records were given (dp_check_target_usable). */
		if (t->opts.offline == NULL)
			target_add_probe(t, (struct sockaddr *)&t->tg.addr, t->tg.addrlen);
		return 0;
	}
	/* verify with the records given: no resolver, no socket (it runs under unshare -n). */
	if (t->opts.offline != NULL && t->out_of_band)
		return 0;
	if (ck_job_resolver(t->job, err) == NULL)
		return -1;
	/* Fail closed: until an answer says otherwise, the TLSA records are not known. */
	if (!t->tlsa_done)
		t->tlsa.reason = DP_R_TLSA_TIMEOUT;
	/*
	 * With a validator that keeps the keys it validated (libunbound), the
	 * first address lookup goes alone: asked together, all three answers
	 * would validate the zone chain each (13 signature checks for a
	 * two-address check in the lab, against 8 this way), and its address
	 * is the one to connect to first anyway.  getdns validates every
	 * answer's chain again whatever the order, so it asks all at once.
	 */
	t->first_alone = dp_resolver_caches_keys(t->job->res) &&
	    (!t->tlsa_done || (!cfg->only_v4 && !cfg->only_v6));
	if (t->first_alone)
		return target_ask(t, first_family(t), err);
	return target_ask_rest(t, err);
}

/*
 * A target whose lookups could not even be started (no resolver, a query
 * the backend refused) ends at once as an internal error, with the reason.
 */
void
ck_target_abandon(struct dp_check_target *t, const struct dp_err *err)
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
void
ck_target_classify_addresses(struct dp_check_target *t)
{
	static const char *fam[2] = { "A", "AAAA" };
	const struct dp_config *cfg = t->job->cfg;
	enum dp_trust trust[2];
	char detail[2][200];
	int i;

	if (t->tg.is_addr || t->addr_reason != DP_R_VERIFIED ||
	    (t->opts.offline != NULL && t->out_of_band))
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
	/* verify connects nowhere: a name with no address yet is fine before deployment. */
	if (t->nprobes == 0 && t->opts.offline == NULL) {
		t->addr_reason = DP_R_NO_ADDRESS;
		snprintf(t->addr_detail, sizeof(t->addr_detail), "%s", cfg->only_v4 ?
		    "no A record" : cfg->only_v6 ? "no AAAA record" : "no A or AAAA record");
	}
}

/* Ends whatever of t still runs: a bound of bound_ms has passed. */
void
ck_target_expire(struct dp_check_target *t, unsigned bound_ms)
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
	/* Asked, or still to be asked after the first address answer: either way not known. */
	if (!t->tlsa_done) {
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
	ck_target_step(t);
}
