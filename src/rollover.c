/*
 * rollover.c: "daneprobe rollover".  One check of the target as it is
 * now (its addresses and the survey of its authoritative servers, on one
 * batch within -t), then each planned chain judged offline against the
 * same published RRset by OpenSSL's DANE verifier (dane.c, as verify
 * does), the records to publish made by tlsagen.c, and the timing rule
 * of RFC 7671 section 8.1: switch once every server serves the records
 * and their TTL has passed since.  When they were published is known
 * only from --since: without it the earliest safe time is a TTL from now
 * and the switch is not ready.  Fail closed: anything unchecked is a
 * reason, never silence.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainfile.h"
#include "clock.h"
#include "dane.h"
#include "keyfile.h"
#include "output.h"
#include "rollover.h"
#include "tlsagen.h"

/* A next source as read: a chain, or a key for a key-only change. */
struct next_src {
	STACK_OF(X509)	*chain;
	EVP_PKEY	*key;
};

static void	reason(struct dp_rollover_report *rep, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

static void
reason(struct dp_rollover_report *rep, const char *fmt, ...)
{
	va_list ap;

	if (rep->nreasons == DP_ROLLOVER_MAX_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(rep->reasons[rep->nreasons++], sizeof(rep->reasons[0]), fmt, ap);
	va_end(ap);
}

/* A chain file, else a key file: both errors when it is neither. */
static int
next_load(const char *path, uint64_t deadline_ms, struct next_src *src, struct dp_err *err)
{
	struct dp_err cerr, kerr;

	memset(src, 0, sizeof(*src));
	if (dp_chain_load(path, deadline_ms, &src->chain, &cerr) == 0)
		return 0;
	if (dp_key_load(path, &src->key, &kerr) == 0)
		return 0;
	return dp_err_set(err, "--next: neither a chain (%.200s) nor a key (%.200s)", cerr.msg,
	    kerr.msg);
}

static void
next_free(struct next_src *src)
{
	dp_chain_free(src->chain);
	EVP_PKEY_free(src->key);
}

static int
lines_add(char ***lines, size_t *n, char *line)
{
	char **nl;

	if (line == NULL || (nl = realloc(*lines, (*n + 1) * sizeof(*nl))) == NULL) {
		free(line);
		return -1;
	}
	nl[(*n)++] = line;
	*lines = nl;
	return 0;
}

/* The record (usage, 1, 1) of next's leaf (depth 0) or issuer (depth 1), as a zone line. */
static int
next_record(const struct dp_target_result *r, const struct next_src *src, uint8_t usage,
    int depth, uint32_t ttl, struct dp_next_result *out)
{
	struct dp_tlsagen_spec spec = { usage, DP_TLSA_SEL_SPKI, DP_TLSA_MT_SHA256, depth };
	struct dp_tlsa rec;
	struct dp_err err;
	int rc;

	memset(&rec, 0, sizeof(rec));
	rc = src->chain != NULL ?
	    dp_tlsagen_from_chain(src->chain, &spec, r->opts.smtp, true, &rec, &err) :
	    dp_tlsagen_from_key(src->key, &spec, r->opts.smtp, &rec, &err);
	if (rc == -1)
		return 0;	/* no such certificate in the next chain: nothing to add */
	rc = lines_add(&out->add, &out->nadd, dp_tlsagen_zone_line(r->tlsa.owner, ttl, &rec,
	    false));
	dp_tlsa_clear(&rec);
	return rc;
}

/* Whether record i serves the next source: by the verifier's rules of usage and depth. */
static bool
rec_serves_next(const struct dp_tlsa *rec, const struct next_src *src, bool smtp)
{
	return src->key != NULL ? dp_tlsagen_names_key(rec, src->key, smtp) :
	    dp_tlsagen_fits(rec, src->chain);
}

/* A DANE-TA record that matched the current chain at some address: it stays if the issuer does. */
static bool
issuer_record_now(const struct dp_target_result *r)
{
	size_t i, a;

	for (i = 0; i < r->tlsa.nrecs; i++)
		for (a = 0; a < r->naddrs; a++)
			if (r->tlsa.recs[i].usage == DP_TLSA_DANE_TA && r->addrs[a].records != NULL &&
			    r->addrs[a].records[i] == DP_REC_MATCHED)
				return true;
	return false;
}

/* The next chain through OpenSSL's DANE verifier, with the published records. */
static void
judge_next_chain(const struct dp_config *cfg, const struct dp_target_result *r,
    STACK_OF(X509) *chain, struct dp_next_result *out)
{
	const char *ref = r->reference[0] != '\0' ? r->reference : r->tg.display;
	enum dp_dane_load load[DP_TLSA_MAX_RECORDS];
	struct dp_tls_facts facts;
	struct dp_err err;
	SSL_CTX *ctx;
	SSL *ssl = NULL;

	memset(&facts, 0, sizeof(facts));
	if ((ctx = dp_dane_ctx_new(dp_dane_needs_pkix(&r->tlsa), cfg->cafile, cfg->capath,
	    &err)) == NULL || (ssl = SSL_new(ctx)) == NULL) {
		snprintf(out->detail, sizeof(out->detail), "%.400s", ctx == NULL ? err.msg :
		    "cannot create a TLS connection");
		goto out;
	}
	if (dp_dane_configure(ssl, ref, &ref, 1, &r->tlsa, load, &err) <= 0) {
		snprintf(out->detail, sizeof(out->detail), "no published record can be used");
		goto out;
	}
	if (dp_dane_verify_chain(ssl, chain, 0, &facts, &err) == -1) {
		snprintf(out->detail, sizeof(out->detail), "%.400s", err.msg);
		goto out;
	}
	out->matches = facts.reason == DP_R_VERIFIED;
	if (out->matches)
		snprintf(out->detail, sizeof(out->detail), "a published %u %u %u record matches "
		    "it at depth %d", facts.match.usage, facts.match.selector, facts.match.mtype,
		    facts.match.depth);
	else
		snprintf(out->detail, sizeof(out->detail), "%.200s%s%.200s",
		    dp_reason_text(facts.reason), facts.detail[0] ? ": " : "", facts.detail);
out:
	dp_tls_facts_clear(&facts);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
}

static int
judge_next(const struct dp_config *cfg, const struct dp_target_result *r,
    const struct next_src *src, uint32_t ttl, struct dp_next_result *out)
{
	size_t i;
	bool ta = false;

	out->is_key = src->key != NULL;
	if (src->chain != NULL)
		judge_next_chain(cfg, r, src->chain, out);
	else {
		for (i = 0; i < r->tlsa.nrecs && !out->matches; i++)
			out->matches = dp_tlsagen_names_key(&r->tlsa.recs[i], src->key, r->opts.smtp);
		if (out->matches)
			snprintf(out->detail, sizeof(out->detail), "a published DANE-EE SPKI "
			    "record names the key");
		else if (issuer_record_now(r)) {
			out->matches = true;
			snprintf(out->detail, sizeof(out->detail), "no record names the key, but a "
			    "DANE-TA record matches the current issuer: it matches if the new "
			    "certificate comes from the same issuer");
		} else
			snprintf(out->detail, sizeof(out->detail), "no published record names "
			    "the key");
	}
	if (out->matches)
		return 0;
	for (i = 0; i < r->tlsa.nrecs; i++)
		ta = ta || (r->tlsa.recs[i].usability == DP_TLSA_USABLE &&
		    r->tlsa.recs[i].usage == DP_TLSA_DANE_TA);
	if (next_record(r, src, DP_TLSA_DANE_EE, 0, ttl, out) == -1 ||
	    (ta && src->chain != NULL && next_record(r, src, DP_TLSA_DANE_TA, 1, ttl, out) == -1))
		return -1;
	return 0;
}

/* Records that the current chain needs and no next source does: to remove after the switch. */
static int
removable(struct dp_rollover_report *rep, const struct dp_target_result *r,
    const struct next_src *srcs, size_t nsrcs, uint32_t ttl)
{
	size_t i, a, s;

	for (i = 0; i < r->tlsa.nrecs; i++) {
		bool now = false, next = false;

		for (a = 0; a < r->naddrs; a++)
			now = now || (r->addrs[a].records != NULL &&
			    r->addrs[a].records[i] == DP_REC_MATCHED);
		for (s = 0; s < nsrcs; s++)
			next = next || rec_serves_next(&r->tlsa.recs[i], &srcs[s], r->opts.smtp);
		if (now && !next && lines_add(&rep->remove, &rep->nremove,
		    dp_tlsagen_zone_line(r->tlsa.owner, ttl, &r->tlsa.recs[i], false)) == -1)
			return -1;
	}
	return 0;
}

/* Now: every address verifies with the published records. */
static bool
judge_now(struct dp_rollover_report *rep, const struct dp_target_result *r, bool *unchecked)
{
	size_t a;
	bool ok = r->naddrs > 0;

	for (a = 0; a < r->naddrs; a++) {
		if (r->addrs[a].reason == DP_R_VERIFIED)
			continue;
		ok = false;
		if (r->addrs[a].chain == NULL)
			*unchecked = true;
		reason(rep, "now: %s: %s%s%.200s", r->addrs[a].label,
		    dp_reason_text(r->addrs[a].reason), r->addrs[a].detail[0] ? ": " : "",
		    r->addrs[a].detail);
	}
	if (r->nleft_out > 0) {
		ok = false;
		*unchecked = true;
		reason(rep, "now: %zu addresses over --max-addresses were not checked", r->nleft_out);
	}
	return ok;
}

/* Every authoritative server serves the same RRset (the survey of --servers). */
static void
judge_servers(struct dp_rollover_report *rep, bool *unchecked)
{
	const struct dp_servers_report *s = rep->check.servers != NULL ? &rep->check.servers[0] :
	    NULL;
	char summary[512];

	rep->servers_ok = s != NULL && s->exit_code == 0;
	if (rep->servers_ok)
		return;
	if (s != NULL)
		dp_servers_summary(s, summary, sizeof(summary));
	else
		snprintf(summary, sizeof(summary), "not surveyed");
	if (s == NULL || s->exit_code != 1)
		*unchecked = true;
	reason(rep, "servers: %s", summary);
}

/* RFC 7671 section 8.1: every server serves the records, and a TTL has passed since. */
static void
judge_when(struct dp_rollover_report *rep, const struct dp_config *cfg)
{
	char when[32];
	time_t now = time(NULL);

	rep->since_given = cfg->since_given;
	rep->since = cfg->since;
	if (!rep->servers_ok)
		return;
	rep->earliest = (cfg->since_given ? cfg->since : now) + (time_t)rep->ttl;
	dp_format_time(rep->earliest, when, sizeof(when));
	if (!cfg->since_given)
		reason(rep, "when: the records' publication time is unknown (--since): every server "
		    "serves them now, so the switch is safe from %s, a TTL (%u s) from now", when,
		    rep->ttl);
	else if (rep->earliest > now)
		reason(rep, "when: the TTL (%u s) since --since has not passed: the switch is safe "
		    "from %s", rep->ttl, when);
}

int
dp_rollover_run(const struct dp_config *cfg, struct dp_rollover_report *rep,
    struct dp_err *err)
{
	struct next_src srcs[DP_MAX_NEXT];
	struct dp_config run = *cfg;
	const struct dp_target_result *r;
	bool unchecked = false;
	size_t i, n = 0;
	int rc = -1;

	memset(rep, 0, sizeof(*rep));
	memset(srcs, 0, sizeof(srcs));
	for (i = 0; i < cfg->nnext; i++, n++)
		if (next_load(cfg->next_files[i], dp_now_ms() + cfg->res.timeout_ms, &srcs[i],
		    err) == -1) {
			dp_err_kind(err, DP_ERR_USAGE);
			goto out;
		}
	run.servers = true;
	if (dp_check_run(&run, &rep->check, err) == -1)
		goto out;
	r = &rep->check.targets[0];
	if (!dp_tlsaset_in_force(&r->tlsa) || r->tlsa.nusable == 0) {
		reason(rep, "the published records cannot be used: %s%s%.300s",
		    dp_reason_text(r->tlsa.reason), r->tlsa.detail[0] ? ": " : "", r->tlsa.detail);
		unchecked = r->tlsa.ans == NULL || r->tlsa.ans->status != DP_LOOKUP_ANSWERED;
		/* What the servers say helps most when the records cannot be used. */
		judge_servers(rep, &unchecked);
	} else {
		const struct dp_answer *ans = r->tlsa.ans;

		rep->ttl = ans->ttl > ans->orig_ttl ? ans->ttl : ans->orig_ttl;
		rep->now_ok = judge_now(rep, r, &unchecked);
		for (i = 0; i < n; i++) {
			rep->next[i].source = cfg->next_files[i];
			if (judge_next(cfg, r, &srcs[i], rep->ttl, &rep->next[i]) == -1) {
				dp_err_set(err, "out of memory");
				goto out;
			}
			if (!rep->next[i].matches)
				reason(rep, "next (%s): %s", rep->next[i].source, rep->next[i].detail);
		}
		rep->nnext = n;
		if (removable(rep, r, srcs, n, rep->ttl) == -1) {
			dp_err_set(err, "out of memory");
			goto out;
		}
		judge_servers(rep, &unchecked);
		judge_when(rep, cfg);
	}
	rep->exit_code = rep->nreasons == 0 ? 0 : unchecked ? 3 : 1;
	rc = 0;
out:
	for (i = 0; i < n; i++)
		next_free(&srcs[i]);
	return rc;
}

void
dp_rollover_report_clear(struct dp_rollover_report *rep)
{
	size_t i, j;

	dp_check_report_clear(&rep->check);
	for (i = 0; i < rep->nnext; i++) {
		for (j = 0; j < rep->next[i].nadd; j++)
			free(rep->next[i].add[j]);
		free(rep->next[i].add);
	}
	for (i = 0; i < rep->nremove; i++)
		free(rep->remove[i]);
	free(rep->remove);
	memset(rep, 0, sizeof(*rep));
}
