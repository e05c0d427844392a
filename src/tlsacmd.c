/*
 * tlsacmd.c: "daneprobe tlsa".  The source is a certificate, a chain or a
 * key from a file, or a live target whose addresses' chains the check
 * core fetches (every --starttls dialect included).  Addresses that serve
 * the same chain share their records; when they differ, each chain gets
 * its own, and the report says so: publishing one would break the others.
 * The records themselves are tlsagen.c's, which refuses what would not
 * work.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cert.h"
#include "chainfile.h"
#include "clock.h"
#include "keyfile.h"
#include "name.h"
#include "tlsacmd.h"
#include "tlsagen.h"

void
dp_gen_report_clear(struct dp_gen_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nrecords; i++) {
		dp_tlsa_clear(&rep->records[i].rec);
		free(rep->records[i].zone_line);
	}
	free(rep->records);
	free(rep->sources);
	dp_check_report_clear(&rep->check);
	memset(rep, 0, sizeof(*rep));
}

/* The records asked for: --usage/--selector/--mtype/--depth (default 3 1 1), and --issuer's 2 1 1. */
static size_t
wanted_specs(const struct dp_config *cfg, struct dp_tlsagen_spec specs[2])
{
	size_t n = 0;

	specs[n].usage = cfg->gen_usage >= 0 ? (uint8_t)cfg->gen_usage : DP_TLSA_DANE_EE;
	specs[n].selector = cfg->gen_selector >= 0 ? (uint8_t)cfg->gen_selector :
	    DP_TLSA_SEL_SPKI;
	specs[n].mtype = cfg->gen_mtype >= 0 ? (uint8_t)cfg->gen_mtype : DP_TLSA_MT_SHA256;
	specs[n].depth = cfg->gen_depth;
	n++;
	if (cfg->gen_issuer) {
		specs[n].usage = DP_TLSA_DANE_TA;
		specs[n].selector = DP_TLSA_SEL_SPKI;
		specs[n].mtype = DP_TLSA_MT_SHA256;
		specs[n].depth = 1;
		n++;
	}
	return n;
}

static bool
smtp_rules(const struct dp_config *cfg)
{
	return cfg->smtp_rules || cfg->dialect == &dp_dialect_smtp;
}

/* Adds rec (taken over) for group, with its zone line. */
static int
add_record(const struct dp_config *cfg, struct dp_gen_report *rep, struct dp_tlsa *rec,
    int depth, X509 *cert, int group, struct dp_err *err)
{
	struct dp_gen_record *r, *nr;
	struct dp_cert_info ci;

	if (rep->nrecords >= DP_GEN_MAX_RECORDS) {
		dp_tlsa_clear(rec);
		return dp_err_set(err, "more than %d records", DP_GEN_MAX_RECORDS);
	}
	if ((nr = reallocarray(rep->records, rep->nrecords + 1, sizeof(*nr))) == NULL) {
		dp_tlsa_clear(rec);
		return dp_err_set(err, "out of memory");
	}
	rep->records = nr;
	r = &rep->records[rep->nrecords];
	memset(r, 0, sizeof(*r));
	r->rec = *rec;
	memset(rec, 0, sizeof(*rec));
	r->depth = depth;
	r->group = group;
	if (cert != NULL) {
		dp_cert_info(cert, &ci);
		snprintf(r->subject, sizeof(r->subject), "%s", ci.subject);
	}
	rep->nrecords++;
	if ((r->zone_line = dp_tlsagen_zone_line(rep->owner, rep->ttl, &r->rec,
	    cfg->rfc3597)) == NULL)
		return dp_err_set(err, "out of memory");
	return 0;
}

/* The records of every spec for one chain. */
static int
records_for_chain(const struct dp_config *cfg, struct dp_gen_report *rep,
    const STACK_OF(X509) *chain, bool sent, int group, struct dp_err *err)
{
	struct dp_tlsagen_spec specs[2];
	struct dp_tlsa rec;
	size_t i, n = wanted_specs(cfg, specs);

	for (i = 0; i < n; i++) {
		int depth = dp_tlsagen_depth(&specs[i], sent);

		memset(&rec, 0, sizeof(rec));
		if (dp_tlsagen_from_chain(chain, &specs[i], smtp_rules(cfg), sent, &rec, err) == -1)
			return -1;
		if (add_record(cfg, rep, &rec, depth, depth < sk_X509_num(chain) ?
		    sk_X509_value(chain, depth) : NULL, group, err) == -1)
			return -1;
	}
	return 0;
}

static int
add_source(struct dp_gen_report *rep, const char *label, enum dp_reason reason,
    const char *detail, int group, struct dp_err *err)
{
	struct dp_gen_source *ns;

	if ((ns = reallocarray(rep->sources, rep->nsources + 1, sizeof(*ns))) == NULL)
		return dp_err_set(err, "out of memory");
	rep->sources = ns;
	ns = &rep->sources[rep->nsources++];
	snprintf(ns->label, sizeof(ns->label), "%s", label);
	ns->reason = reason;
	snprintf(ns->detail, sizeof(ns->detail), "%s", detail != NULL ? detail : "");
	ns->group = group;
	return 0;
}

/* A SAN of dp_cert_info that is a DNS name, not a wildcard or an address. */
static bool
is_dns_name(const char *san)
{
	return san[0] != '*' && san[0] != '(' && strspn(san, "0123456789.") != strlen(san);
}

/* "_PORT._PROTO.HOST." from --host/--port/--proto, the target, or the leaf's first name. */
static int
make_owner(const struct dp_config *cfg, struct dp_gen_report *rep, const char *target_host,
    unsigned target_port, X509 *leaf, struct dp_err *err)
{
	char host[DP_NAME_TEXT_MAX];
	unsigned port = cfg->gen_port != 0 ? cfg->gen_port : target_port != 0 ? target_port :
	    cfg->dialect != NULL ? cfg->dialect->port : smtp_rules(cfg) ? 25 : 443;
	struct dp_cert_info ci;
	int i;

	if (cfg->gen_host[0] != '\0')
		snprintf(host, sizeof(host), "%s", cfg->gen_host);
	else if (target_host != NULL)
		snprintf(host, sizeof(host), "%s", target_host);
	else {
		/* The first DNS name that is no wildcard: the name a client would look up. */
		host[0] = '\0';
		if (leaf != NULL) {
			dp_cert_info(leaf, &ci);
			for (i = 0; i < ci.nsans && host[0] == '\0'; i++)
				if (is_dns_name(ci.sans[i]) &&
				    dp_name_canonical(ci.sans[i], host, sizeof(host), NULL) == -1)
					host[0] = '\0';
		}
		if (host[0] == '\0') {
			dp_err_set(err, "no host name for the owner: give --host NAME");
			return dp_err_kind(err, DP_ERR_USAGE);
		}
		snprintf(rep->owner_note, sizeof(rep->owner_note),
		    "the owner's host is the certificate's first DNS name; --host names another");
	}
	if (dp_name_tlsa_owner(rep->owner, sizeof(rep->owner), port, cfg->proto, host,
	    err) == -1)
		return dp_err_kind(err, DP_ERR_USAGE);
	return 0;
}

static int
gen_from_key(const struct dp_config *cfg, struct dp_gen_report *rep, struct dp_err *err)
{
	struct dp_tlsagen_spec specs[2];
	struct dp_tlsa rec;
	EVP_PKEY *pub = NULL;
	int rc = -1;

	memset(&rec, 0, sizeof(rec));
	wanted_specs(cfg, specs);
	if (dp_key_load(cfg->key_file, &pub, err) == -1)
		return dp_err_kind(err, DP_ERR_USAGE);
	if (make_owner(cfg, rep, NULL, 0, NULL, err) == -1 ||
	    add_source(rep, cfg->key_file, DP_R_CHAIN_FETCHED, NULL, 0, err) == -1)
		goto out;
	if (dp_tlsagen_from_key(pub, &specs[0], smtp_rules(cfg), &rec, err) == -1) {
		dp_err_kind(err, DP_ERR_USAGE);
		goto out;
	}
	rep->ngroups = 1;
	rc = add_record(cfg, rep, &rec, -1, NULL, 0, err);
out:
	EVP_PKEY_free(pub);
	return rc;
}

static int
gen_from_file(const struct dp_config *cfg, struct dp_gen_report *rep, struct dp_err *err)
{
	const char *path = cfg->cert_file != NULL ? cfg->cert_file : cfg->chain_file;
	STACK_OF(X509) *chain;
	int rc = -1;

	if (dp_chain_load(path, dp_now_ms() + cfg->timeout_ms, &chain, err) == -1)
		return -1;
	if (cfg->cert_file != NULL && sk_X509_num(chain) != 1) {
		dp_err_set(err, "%s: %d certificates; --cert takes one (--chain for a chain)", path,
		    sk_X509_num(chain));
		dp_err_kind(err, DP_ERR_USAGE);
		goto out;
	}
	if (make_owner(cfg, rep, NULL, 0, sk_X509_value(chain, 0), err) == -1 ||
	    add_source(rep, strcmp(path, "-") == 0 ? "standard input" : path,
	    DP_R_CHAIN_FETCHED, NULL, 0, err) == -1)
		goto out;
	rep->ngroups = 1;
	if (records_for_chain(cfg, rep, chain, cfg->chain_file != NULL, 0, err) == -1) {
		dp_err_kind(err, DP_ERR_USAGE);
		goto out;
	}
	rc = 0;
out:
	dp_chain_free(chain);
	return rc;
}

static bool
same_chain(const STACK_OF(X509) *a, const STACK_OF(X509) *b)
{
	int i;

	if (sk_X509_num(a) != sk_X509_num(b))
		return false;
	for (i = 0; i < sk_X509_num(a); i++)
		if (X509_cmp(sk_X509_value(a, i), sk_X509_value(b, i)) != 0)
			return false;
	return true;
}

/* A live target: its addresses' chains, grouped; the records of each distinct one. */
static int
gen_from_target(const struct dp_config *cfg, struct dp_gen_report *rep, struct dp_err *err)
{
	const struct dp_target_result *r;
	size_t i, j;
	int group;

	if (dp_check_run_as(cfg, NULL, true, &rep->check, err) == -1)
		return -1;
	r = &rep->check.targets[0];
	if (make_owner(cfg, rep, r->tg.is_addr ? NULL : r->tg.host, r->tg.port,
	    r->naddrs > 0 && r->addrs[0].chain != NULL ? sk_X509_value(r->addrs[0].chain, 0) :
	    NULL, err) == -1)
		return -1;
	rep->exit_code = r->exit_code;
	if (r->addr_reason != DP_R_VERIFIED && r->naddrs == 0)
		return add_source(rep, r->tg.display, r->addr_reason, r->addr_detail, -1, err);
	for (i = 0; i < r->naddrs; i++) {
		const struct dp_addr_result *a = &r->addrs[i];

		group = -1;
		for (j = 0; a->chain != NULL && j < i; j++)
			if (r->addrs[j].chain != NULL && same_chain(a->chain, r->addrs[j].chain)) {
				group = rep->sources[j].group;
				break;
			}
		if (a->chain != NULL && group == -1) {
			group = rep->ngroups++;
			if (records_for_chain(cfg, rep, a->chain, true, group, err) == -1)
				return dp_err_kind(err, DP_ERR_USAGE);
		}
		if (add_source(rep, a->label, a->reason, a->detail, group, err) == -1)
			return -1;
	}
	for (i = 0; i < r->nleft_out; i++)
		if (add_source(rep, r->left_out[i], DP_R_ADDR_LIMIT, NULL, -1, err) == -1)
			return -1;
	return 0;
}

int
dp_gen_run(const struct dp_config *cfg, struct dp_gen_report *rep, struct dp_err *err)
{
	memset(rep, 0, sizeof(*rep));
	rep->ttl = cfg->ttl;
	if (cfg->key_file != NULL)
		return gen_from_key(cfg, rep, err);
	if (cfg->cert_file != NULL || cfg->chain_file != NULL)
		return gen_from_file(cfg, rep, err);
	return gen_from_target(cfg, rep, err);
}
