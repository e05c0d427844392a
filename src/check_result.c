/*
 * check_result.c: a target's verdict and its result, built once when its
 * work is over: what the job found moves into the result (record sets,
 * answers, chains), the rest of the job is freed.  The exit status of a
 * target is the worst of its facts; addresses a limit left out make it
 * "could not check" at best.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_impl.h"


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
void
ck_target_free(struct dp_check_target *t)
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
	dp_tls_facts_clear(&t->offline);
	t->offline_done = false;
}

/* The exit status of a target, from its own facts. */
static int
target_exit(const struct dp_check_target *t)
{
	const struct dp_tlsaset *set = ck_tlsa_in_force(t);
	int code = DP_EXIT_OK;
	size_t i;

	if (t->addr_reason != DP_R_VERIFIED)
		code = dp_exit_worst(code, dp_reason_exit(t->addr_reason));
	if (!dp_tlsaset_in_force(set) && !t->opts.fetch_chain)
		code = dp_exit_worst(code, dp_reason_exit(set->reason));
	else {
		for (i = 0; i < t->nprobes; i++)
			code = dp_exit_worst(code, dp_reason_exit(t->probes[i].facts.reason));
		if (t->offline_done)
			code = dp_exit_worst(code, dp_reason_exit(t->offline.reason));
	}
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

/* How each record of the set in force fared with the chain of facts. */
static enum dp_record_outcome *
record_outcomes(const struct dp_check_target *t, const struct dp_tls_facts *facts)
{
	const struct dp_tlsaset *set = ck_tlsa_in_force(t);
	enum dp_record_outcome *out;
	size_t i;

	if ((out = calloc(set->nrecs + 1, sizeof(*out))) == NULL)
		return NULL;
	for (i = 0; i < set->nrecs; i++) {
		if (set->recs[i].usability != DP_TLSA_USABLE)
			out[i] = DP_REC_UNUSABLE;
		else if (t->load_known && t->load[i] == DP_DANE_REJECTED)
			out[i] = DP_REC_REJECTED;
		else if (facts->chain == NULL)
			out[i] = DP_REC_NOT_TRIED;
		else if (record_is_match(&set->recs[i], &facts->match))
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
	a->records = record_outcomes(t, &p->facts);
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

/* verify: the chain from the file as the one "address" of the result. */
static void
offline_to_result(struct dp_check_target *t, struct dp_addr_result *a)
{
	struct dp_tls_facts *f = &t->offline;

	snprintf(a->label, sizeof(a->label), "%s", t->opts.offline->source);
	a->reason = f->reason;
	snprintf(a->detail, sizeof(a->detail), "%s", f->detail);
	a->records = record_outcomes(t, f);
	a->match = f->match;
	a->chain = f->chain;
	f->match.data = NULL;
	f->chain = NULL;
}

/*
 * The target is done: its verdict, then its result, built once; the job's
 * state (probes, answers, record sets) moves into the result or is freed.
 */
void
ck_target_finish(struct dp_check_target *t)
{
	struct dp_target_result *r = t->res;
	size_t i;

	for (i = 0; i < t->nprobes; i++)
		dp_probe_close(&t->probes[i]);
	qsort(t->probes, t->nprobes, sizeof(t->probes[0]), probe_order);
	ck_target_classify_addresses(t);
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
	if (r->addrs != NULL && t->offline_done)
		offline_to_result(t, &r->addrs[r->naddrs++]);
	r->left_out = t->left_out;
	r->nleft_out = t->addrs_dropped;
	t->left_out = NULL;
	for (i = 0; i < 2; i++) {
		r->addr_ans[i] = t->addr_ans[i];
		t->addr_ans[i] = NULL;
	}
	r->expanded_in_force = t->used_expanded;
	r->tlsa = *ck_tlsa_in_force(t);
	memset(t->used_expanded ? &t->tlsa_exp : &t->tlsa, 0, sizeof(t->tlsa));
	if (t->used_expanded) {
		r->tlsa_original = t->tlsa;
		memset(&t->tlsa, 0, sizeof(t->tlsa));
	}
	ck_target_free(t);
	t->state = CK_REPORTED;
}
