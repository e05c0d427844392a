/*
 * lint.c: the rules over one target's result (lint.h).
 *
 * Which certificate of a served chain a record describes is asked of
 * tlsagen.c (OpenSSL's encodings and digests of each certificate, made
 * into a record of the same usage, selector and matching type, then
 * compared): OpenSSL's DANE verifier says whether a chain matches, but
 * not that a DANE-TA record names the leaf, or a DANE-EE record a CA,
 * which are the mistakes to name here.  The verdict of each address
 * stays the verifier's (the result's record outcomes).
 *
 * Policy, so that a finding says one thing: an address whose failure a
 * rule explains (digest agility, a TA not sent, a TA record for the
 * leaf, an EE record for a CA) gets that finding and not also "matches
 * no record"; the rollover advice is only given to a target without
 * errors, where it is the next thing to fix.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "dnsmsg.h"
#include "lint.h"
#include "tlsagen.h"

/* EDNS buffer size of DNS Flag Day 2020: larger replies fragment or need TCP. */
#define LINT_RRSET_MAX	1232
/* A finding's text: two names, a resolver's reason, our words. */
#define LINT_TEXT_MAX	(3 * DP_NAME_TEXT_MAX + 512)

const char *
dp_lint_severity_name(enum dp_lint_severity s)
{
	switch (s) {
	case DP_LINT_ERROR:	return "error";
	case DP_LINT_WARNING:	return "warning";
	case DP_LINT_NOTE:	return "note";
	}
	return "unknown";
}

int
dp_lint_add(struct dp_lint_findings *f, const char *id, enum dp_lint_severity s,
    const char *about, const char *rfc, const char *fix, const char *fmt, ...)
{
	struct dp_lint_finding *it, *n;
	va_list ap;
	int rc;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;

		if ((n = realloc(f->items, cap * sizeof(*n))) == NULL)
			return -1;
		f->items = n;
		f->cap = cap;
	}
	it = &f->items[f->n];
	memset(it, 0, sizeof(*it));
	it->id = id;
	it->severity = s;
	it->rfc = rfc;
	it->fix = fix;
	va_start(ap, fmt);
	rc = vasprintf(&it->text, fmt, ap);
	va_end(ap);
	if (rc < 0 || (it->about = strdup(about)) == NULL) {
		if (rc >= 0)
			free(it->text);
		return -1;
	}
	f->n++;
	return 0;
}

void
dp_lint_findings_clear(struct dp_lint_findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->items[i].about);
		free(f->items[i].text);
	}
	free(f->items);
	memset(f, 0, sizeof(*f));
}

size_t
dp_lint_count(const struct dp_lint_findings *f, enum dp_lint_severity s)
{
	size_t i, n = 0;

	for (i = 0; i < f->n; i++)
		n += f->items[i].severity == s;
	return n;
}

int
dp_lint_exit(const struct dp_lint_findings *f, bool strict)
{
	if (dp_lint_count(f, DP_LINT_ERROR) > 0)
		return 1;
	if (f->incomplete)
		return 3;
	if (strict && dp_lint_count(f, DP_LINT_WARNING) > 0)
		return 1;
	return 0;
}

/* ---- what a record describes ---- */

static bool
usable(const struct dp_tlsa *rec)
{
	return rec->usability == DP_TLSA_USABLE;
}

/*
 * Whether a full DANE-TA record (2 0 0, 2 1 0) holds the key that signed a
 * certificate of chain: clients take it as the trust anchor without the
 * server sending it (RFC 7671 section 5.2.2), so it is an issuer of the
 * served chain though not in it.  A digest can only name what is sent.
 */
static bool
rec_signed_chain(const struct dp_tlsa *rec, STACK_OF(X509) *chain)
{
	const unsigned char *p = rec->data;
	EVP_PKEY *key = NULL;
	X509 *ta = NULL;
	bool signed_one = false;
	int i;

	if (!usable(rec) || rec->usage != DP_TLSA_DANE_TA || rec->mtype != DP_TLSA_MT_FULL)
		return false;
	/* Keep OpenSSL's error queue as it was: a mismatch here is no error. */
	ERR_set_mark();
	if (rec->selector == DP_TLSA_SEL_CERT) {
		if ((ta = d2i_X509(NULL, &p, (long)rec->datalen)) != NULL)
			key = X509_get_pubkey(ta);
	} else
		key = d2i_PUBKEY(NULL, &p, (long)rec->datalen);
	for (i = 0; key != NULL && i < sk_X509_num(chain) && !signed_one; i++)
		signed_one = X509_verify(sk_X509_value(chain, i), key) == 1;
	ERR_pop_to_mark();
	EVP_PKEY_free(key);
	X509_free(ta);
	return signed_one;
}

/* "record 2 (3 1 1 c17d8c4e86a8...)" */
static void
rec_label(const struct dp_tlsaset *set, size_t i, char *buf, size_t len)
{
	char *txt = dp_tlsa_to_text(&set->recs[i]);

	snprintf(buf, len, "record %zu (%.24s%s)", i + 1, txt != NULL ? txt : "?",
	    txt != NULL && strlen(txt) > 24 ? "..." : "");
	free(txt);
}

/* ---- the rules ---- */

struct lint_ctx {
	const struct dp_target_result	*r;
	const struct dp_tlsaset		*set;
	const struct dp_lint_opts	*o;
	struct dp_lint_findings		*out;
	char				 about[DP_NAME_TEXT_MAX + 128];
	size_t				 first;		/* this target's first finding */
	bool				*explained;	/* per address: a finding explains its failure */
	int				 rc;
};

static void
add(struct lint_ctx *c, const char *id, enum dp_lint_severity s, const char *about,
    const char *rfc, const char *fix, const char *text)
{
	if (dp_lint_add(c->out, id, s, about, rfc, fix, "%s", text) == -1)
		c->rc = -1;
}

static void
about_addr(struct lint_ctx *c, const struct dp_addr_result *a, char *buf, size_t len)
{
	snprintf(buf, len, "%s at %s", c->about, a->label);
}

static void
rule_records(struct lint_ctx *c)
{
	const struct dp_tlsaset *set = c->set;
	char lbl[96], text[LINT_TEXT_MAX];
	size_t i;

	for (i = 0; i < set->nrecs; i++) {
		const struct dp_tlsa *t = &set->recs[i];

		rec_label(set, i, lbl, sizeof(lbl));
		if (t->usability == DP_TLSA_PKIX_FOR_SMTP ||
		    (c->o->smtp && usable(t) && t->usage <= DP_TLSA_PKIX_EE)) {
			snprintf(text, sizeof(text), "%s is PKIX-%s: SMTP clients ignore PKIX usages",
			    lbl, t->usage == DP_TLSA_PKIX_TA ? "TA(0)" : "EE(1)");
			add(c, "pkix-for-smtp", DP_LINT_ERROR, c->about, "RFC 7672 section 3.1.3",
			    "publish DANE-EE(3) records (3 1 1 of the server's key) or DANE-TA(2) "
			    "records instead", text);
		} else if (t->usability == DP_TLSA_NO_REFNAME) {
			/* Not the record's fault: this target gives no name to check it with. */
			c->out->incomplete = true;
			snprintf(c->out->incomplete_why, sizeof(c->out->incomplete_why),
			    "%.60s: %.180s", c->r->tg.display, dp_tlsa_usability_text(t->usability));
		} else if (!usable(t)) {
			snprintf(text, sizeof(text), "%s is unusable: %s", lbl,
			    dp_tlsa_usability_text(t->usability));
			add(c, "unusable-record", DP_LINT_ERROR, c->about,
			    "RFC 6698 section 2.1, RFC 7671 section 4.1",
			    "correct the record's fields or data, or remove it", text);
		} else if (t->usage == DP_TLSA_DANE_EE && t->selector == DP_TLSA_SEL_CERT) {
			snprintf(text, sizeof(text), "%s pins the whole certificate: it breaks at every "
			    "renewal, even one that keeps the key", lbl);
			add(c, "ee-cert-selector", DP_LINT_WARNING, c->about, "RFC 7671 section 5.1",
			    "publish 3 1 1 (the SHA-256 of the key) instead", text);
		}
	}
}

/* The zone's state: records in an unsigned or broken zone do nothing for clients. */
static bool
rule_dnssec(struct lint_ctx *c)
{
	const struct dp_answer *ans = c->set->ans;
	char text[LINT_TEXT_MAX];

	if (ans == NULL)
		return true;
	if (ans->state == DP_DNSSEC_INSECURE) {
		snprintf(text, sizeof(text), "the TLSA records of %s are in an insecure zone, or "
		    "below an insecure delegation: clients ignore them%s%s", c->set->owner,
		    ans->why != NULL ? " (" : "", ans->why != NULL ? ans->why : "");
		if (ans->why != NULL)
			strncat(text, ")", sizeof(text) - strlen(text) - 1);
		add(c, "insecure-zone", DP_LINT_ERROR, c->about, "RFC 6698 section 4.1, "
		    "RFC 7671 section 4", "sign the zone and publish its DS at the parent "
		    "(daneprobe lookup --trace shows where the chain ends)", text);
		return false;
	}
	if (ans->state == DP_DNSSEC_BOGUS) {
		snprintf(text, sizeof(text), "the TLSA records of %s do not validate: %s",
		    c->set->owner, ans->why != NULL ? ans->why : "bogus");
		add(c, "dnssec-bogus", DP_LINT_ERROR, c->about, "RFC 4035 section 5",
		    "repair the chain of trust (daneprobe lookup --trace names the broken link)",
		    text);
		return false;
	}
	return true;
}

/* The signatures: expiring within --sig-warning days, or sooner than the TTL. */
static void
rule_signatures(struct lint_ctx *c)
{
	const struct dp_answer *ans = c->set->ans;
	char when[32], text[LINT_TEXT_MAX];
	double left;

	if (ans == NULL || ans->sig_expires == 0 || ans->state != DP_DNSSEC_SECURE)
		return;
	left = difftime(ans->sig_expires, c->o->now);
	if (left >= (double)c->o->sig_warning_days * 86400 && (!ans->has_ttl || left >= ans->ttl))
		return;
	dp_format_time_utc(ans->sig_expires, when, sizeof(when));
	snprintf(text, sizeof(text), "the RRSIG over %s TLSA expires %s (in %.1f days)%s",
	    c->set->owner, when, left / 86400.0, ans->has_ttl && left < ans->ttl ?
	    ", sooner than the RRset's TTL" : "");
	add(c, "signatures-expiring", DP_LINT_WARNING, c->about, "RFC 4035 section 5.3.1",
	    "re-sign the zone, and check that its signer runs", text);
}

/* The RRset's size in a reply: owner, type, class, TTL, length and data per record. */
static void
rule_size(struct lint_ctx *c)
{
	const struct dp_tlsaset *set = c->set;
	char text[LINT_TEXT_MAX], full[256] = "";
	size_t i, owner = strlen(set->owner) + 1, size = 0, used = 0;

	for (i = 0; i < set->nrecs; i++) {
		size += owner + 10 + 3 + set->recs[i].datalen;
		if (set->recs[i].mtype == DP_TLSA_MT_FULL && used < sizeof(full))
			used += (size_t)snprintf(full + used, sizeof(full) - used, "%s%zu",
			    used > 0 ? ", " : "", i + 1);
	}
	if (size <= LINT_RRSET_MAX)
		return;
	snprintf(text, sizeof(text), "the TLSA RRset is %zu octets, over %d: replies fragment "
	    "or fall back to TCP%s%s", size, LINT_RRSET_MAX, used > 0 ?
	    "; full certificates or keys in records " : "", full);
	add(c, "rrset-large", DP_LINT_WARNING, c->about, "RFC 7671 section 5.1",
	    "publish digests (matching type 1) instead of full certificates", text);
}

static void
rule_wildcard(struct lint_ctx *c)
{
	char text[LINT_TEXT_MAX];

	if (c->set->ans == NULL || !c->set->ans->wildcard)
		return;
	snprintf(text, sizeof(text), "%s is synthesized from a wildcard TLSA owner",
	    c->set->owner);
	add(c, "wildcard-owner", DP_LINT_NOTE, c->about, "RFC 4592, RFC 7671 section 3",
	    "a wildcard owner serves every port and host below it: publish explicit owners "
	    "unless that is meant", text);
}

/*
 * Digest agility: per usage and selector, clients use the strongest
 * matching type present; a chain that matches only a weaker one fails.
 * Whether the weak record fits the chain is asked of the record, not of
 * its outcome: a verifier with agility (OpenSSL) ignores it beside the
 * SHA2-512 record, so it never reports it matched.
 */
static void
rule_agility(struct lint_ctx *c, const struct dp_addr_result *a, size_t ai)
{
	const struct dp_tlsaset *set = c->set;
	char about[DP_NAME_TEXT_MAX + 200], text[LINT_TEXT_MAX];
	size_t i, j;

	for (i = 0; i < set->nrecs; i++) {
		const struct dp_tlsa *weak = &set->recs[i];

		if (!usable(weak) || weak->mtype != DP_TLSA_MT_SHA256 ||
		    (a->records[i] != DP_REC_MATCHED && !dp_tlsagen_fits(weak, a->chain)))
			continue;
		for (j = 0; j < set->nrecs; j++) {
			const struct dp_tlsa *strong = &set->recs[j];
			bool strong_matches = false;
			size_t k;

			if (!usable(strong) || strong->mtype != DP_TLSA_MT_SHA512 ||
			    strong->usage != weak->usage || strong->selector != weak->selector)
				continue;
			for (k = 0; k < set->nrecs; k++)
				strong_matches = strong_matches || (set->recs[k].mtype ==
				    DP_TLSA_MT_SHA512 && set->recs[k].usage == weak->usage &&
				    set->recs[k].selector == weak->selector &&
				    dp_tlsagen_depths(&set->recs[k], a->chain) != 0);
			if (strong_matches)
				continue;
			about_addr(c, a, about, sizeof(about));
			snprintf(text, sizeof(text), "the SHA2-512 record %zu does not match %s's "
			    "chain while the SHA2-256 record %zu does: clients that use the "
			    "strongest digest fail", j + 1, a->label, i + 1);
			add(c, "digest-agility", DP_LINT_ERROR, about, "RFC 7671 section 9",
			    "publish the SHA2-512 digest of the same key, or remove the stale "
			    "SHA2-512 records", text);
			c->explained[ai] = true;
			return;
		}
	}
}

/* DANE-TA and DANE-EE records against the chain one address serves. */
static void
rule_roles(struct lint_ctx *c, const struct dp_addr_result *a, size_t ai, bool any_match)
{
	const struct dp_tlsaset *set = c->set;
	char about[DP_NAME_TEXT_MAX + 200], lbl[96], text[LINT_TEXT_MAX];
	size_t i;

	for (i = 0; i < set->nrecs; i++) {
		const struct dp_tlsa *t = &set->recs[i];
		unsigned d;

		if (!usable(t) || (t->usage != DP_TLSA_DANE_TA && t->usage != DP_TLSA_DANE_EE))
			continue;
		d = dp_tlsagen_depths(t, a->chain);
		rec_label(set, i, lbl, sizeof(lbl));
		about_addr(c, a, about, sizeof(about));
		if (t->usage == DP_TLSA_DANE_TA && (d & 1u)) {
			snprintf(text, sizeof(text), "%s is DANE-TA but describes the leaf "
			    "certificate %s serves, not a CA", lbl, a->label);
			add(c, "ta-matches-leaf", DP_LINT_ERROR, about, "RFC 7671 section 5.2",
			    "publish it as DANE-EE (3 1 1 of the leaf's key), or 2 1 1 of the "
			    "issuer", text);
			c->explained[ai] = true;
		} else if (t->usage == DP_TLSA_DANE_EE && d != 0 && !(d & 1u)) {
			snprintf(text, sizeof(text), "%s is DANE-EE but describes a CA in the chain "
			    "of %s, not the leaf", lbl, a->label);
			add(c, "ee-matches-ca", DP_LINT_ERROR, about, "RFC 7671 section 5.1",
			    "publish it as DANE-TA (2 1 1 of the CA), or 3 1 1 of the leaf's key",
			    text);
			c->explained[ai] = true;
		} else if (t->usage == DP_TLSA_DANE_TA && d == 0 && !any_match &&
		    t->mtype != DP_TLSA_MT_FULL) {
			snprintf(text, sizeof(text), "%s is DANE-TA for a certificate that %s does "
			    "not send", lbl, a->label);
			add(c, "ta-not-sent", DP_LINT_ERROR, about, "RFC 7671 section 5.2.2",
			    "make the server send its whole chain up to that CA, or publish it "
			    "as 2 0 0 (the full certificate)", text);
			c->explained[ai] = true;
		}
	}
}

/* The addresses: the rules on each served chain, then "matches no record" if unexplained. */
static void
rule_addresses(struct lint_ctx *c)
{
	const struct dp_target_result *r = c->r;
	char about[DP_NAME_TEXT_MAX + 200], text[LINT_TEXT_MAX];
	size_t i, j;

	/* No record to try: the addresses were not asked, and need not be. */
	if (!dp_tlsaset_in_force(c->set) || c->set->nusable == 0)
		return;
	for (i = 0; i < r->naddrs; i++) {
		const struct dp_addr_result *a = &r->addrs[i];
		bool any = false;

		if (a->chain == NULL || a->records == NULL) {
			c->out->incomplete = true;
			snprintf(c->out->incomplete_why, sizeof(c->out->incomplete_why),
			    "%.60s: %.180s", a->label, dp_reason_text(a->reason));
			continue;
		}
		for (j = 0; j < c->set->nrecs; j++)
			any = any || a->records[j] == DP_REC_MATCHED;
		rule_agility(c, a, i);
		rule_roles(c, a, i, any);
		if (any || c->explained[i])
			continue;
		about_addr(c, a, about, sizeof(about));
		snprintf(text, sizeof(text), "the chain %s serves matches no TLSA record (%s)",
		    a->label, a->detail[0] ? a->detail : dp_reason_text(a->reason));
		add(c, "address-mismatch", DP_LINT_ERROR, about, "RFC 6698 section 2.1",
		    "publish a record for the chain this address serves (daneprobe tlsa "
		    "TARGET), or deploy the certificate the records name there", text);
	}
	if (r->nleft_out > 0) {
		c->out->incomplete = true;
		snprintf(c->out->incomplete_why, sizeof(c->out->incomplete_why),
		    "%zu addresses over --max-addresses", r->nleft_out);
	}
}

/*
 * RFC 7671 section 8.1: a second record keeps a change from breaking
 * only if it covers another key (a DANE-EE record no served leaf
 * matches) or a CA of the served chain (a DANE-TA record for an issuer
 * or an ancestor in it, or a full one for the key that signed one of
 * it).  Other second records look like a scheme and are not.
 */
static void
rule_rollover(struct lint_ctx *c)
{
	const struct dp_target_result *r = c->r;
	const struct dp_tlsaset *set = c->set;
	char text[LINT_TEXT_MAX];
	size_t i, a;
	bool current = false, scheme = false;

	for (i = 0; i < set->nrecs; i++) {
		const struct dp_tlsa *t = &set->recs[i];
		bool names_leaf = false, names_ca = false, checked = false;

		for (a = 0; a < r->naddrs; a++) {
			unsigned d;

			/* As rule_addresses: without a chain or outcomes it is incomplete. */
			if (r->addrs[a].chain == NULL || r->addrs[a].records == NULL)
				continue;
			checked = true;
			d = dp_tlsagen_depths(t, r->addrs[a].chain);
			names_leaf = names_leaf || (d & 1u);
			names_ca = names_ca || (d & ~1u) ||
			    rec_signed_chain(t, r->addrs[a].chain);
			current = current || r->addrs[a].records[i] == DP_REC_MATCHED;
		}
		if (!checked)
			return;
		/* Unusable records, the current leaf again, a CA not in the path: no scheme. */
		if (usable(t) && t->usage == DP_TLSA_DANE_EE && !names_leaf && !names_ca)
			scheme = true;		/* current + next key */
		else if (usable(t) && t->usage == DP_TLSA_DANE_TA && names_ca)
			scheme = true;		/* current + issuer */
	}
	if (!current || scheme)
		return;
	if (set->nrecs > 1) {
		snprintf(text, sizeof(text), "the %zu records look like a rollover scheme but "
		    "are not one: each describes the certificate served now (or nothing "
		    "served), so a new key or issuer matches none", set->nrecs);
		add(c, "false-rollover-scheme", DP_LINT_WARNING, c->about, "RFC 7671 section 8.1",
		    "add 3 1 1 of the next key (daneprobe tlsa --key NEXT.key) or 2 1 1 of "
		    "the issuer, before the change", text);
		return;
	}
	snprintf(text, sizeof(text), "no rollover scheme: every record describes the "
	    "certificate served now, so the next key or issuer change breaks DANE until "
	    "new records are published and their TTL has passed");
	add(c, "no-rollover-scheme", DP_LINT_NOTE, c->about, "RFC 7671 section 8.1",
	    "publish 3 1 1 of the next key beside the current one (current + next), or "
	    "2 1 1 of the issuer (current + issuer)", text);
}

int
dp_lint_target(const struct dp_target_result *r, const struct dp_lint_opts *o,
    struct dp_lint_findings *out)
{
	struct lint_ctx c;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.r = r;
	c.set = &r->tlsa;
	c.o = o;
	c.out = out;
	c.first = out->n;
	snprintf(c.about, sizeof(c.about), "%s (%s)", r->tg.display, r->tlsa.owner);
	/*
	 * No answer to judge: a timeout, a failure, and also a reply that
	 * came back with SERVFAIL, an undetermined state or too many records
	 * (tlsaset.c classifies those as failed lookups).
	 */
	if (r->tlsa.ans != NULL && (r->tlsa.ans->status != DP_LOOKUP_ANSWERED ||
	    r->tlsa.reason == DP_R_TLSA_LOOKUP_FAILED || r->tlsa.reason == DP_R_TLSA_TIMEOUT)) {
		out->incomplete = true;
		snprintf(out->incomplete_why, sizeof(out->incomplete_why), "%.60s: %.180s",
		    r->tg.display, dp_reason_text(r->tlsa.reason));
		return 0;
	}
	/* A bogus answer has no records to show (libunbound's: SERVFAIL), yet clients fail. */
	if (r->tlsa.nrecs == 0 && (r->tlsa.ans == NULL || r->tlsa.ans->state != DP_DNSSEC_BOGUS)) {
		if (dp_lint_add(out, "no-tlsa", DP_LINT_NOTE, c.about, "RFC 6698 section 1",
		    "publish TLSA records (daneprobe tlsa TARGET prints them) in a signed zone",
		    "%s has no TLSA records: DANE is not in use", r->tlsa.owner) == -1)
			return -1;
		return 0;
	}
	rule_records(&c);
	if (rule_dnssec(&c)) {
		rule_signatures(&c);
		rule_size(&c);
		rule_wildcard(&c);
		if (r->naddrs > 0 && (c.explained = calloc(r->naddrs, sizeof(bool))) == NULL)
			return -1;
		rule_addresses(&c);
		free(c.explained);
		for (i = c.first; i < out->n; i++)
			if (out->items[i].severity == DP_LINT_ERROR)
				break;
		if (i == out->n)
			rule_rollover(&c);
	} else {
		rule_size(&c);
		rule_wildcard(&c);
	}
	return c.rc;
}
