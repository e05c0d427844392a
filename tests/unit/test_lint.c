/*
 * test_lint.c: the rules of "daneprobe lint" (lint.c) over results built
 * by hand, as check builds them: the TLSA set in force, the chain each
 * address served (tests/chains/) and each record's outcome there as
 * OpenSSL's verifier reports it.  That verifier names one record, the
 * one it matched; the rest are "not matched" even when they describe a
 * served certificate, and beside a SHA2-512 record of the same usage and
 * selector it ignores the SHA2-256 one (digest agility).  The outcomes
 * here say what daneprobe verify says for the same chain and records.
 *
 * Every case asserts the whole set of finding ids with their severities,
 * so a rule that fires where it should not is caught as surely as one
 * that stays silent, and the exit status with and without --strict.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tap.h"

#include "chainfile.h"
#include "clock.h"
#include "lint.h"
#include "tlsagen.h"

#define OWNER	"_443._tcp.www.example.com."
#define NOW	((time_t)1767225600)	/* 2026-01-01T00:00:00Z */
#define DAY	86400

static char dir[4096];

static struct {
	STACK_OF(X509)	*chain;		/* leaf, int: chain.pem */
	STACK_OF(X509)	*leaf;		/* the leaf alone: a server that sends no intermediate */
	STACK_OF(X509)	*full;		/* leaf, int, root: to make records of the root */
	STACK_OF(X509)	*foreign;	/* leaf, a CA made here that signed nothing of ours */
	STACK_OF(X509)	*stranger;	/* that CA alone: a server with another certificate */
	EVP_PKEY	*next;		/* another key: the next one of a rollover */
} fx;

static STACK_OF(X509) *
load(const char *name)
{
	STACK_OF(X509) *c = NULL;
	struct dp_err err;
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (dp_chain_load(path, dp_now_ms() + 5000, &c, &err) == -1) {
		printf("Bail out! %s: %s\n", path, err.msg);
		exit(1);
	}
	return c;
}

/* A self-signed CA (CA:true) of a fresh key: a CA no chain of ours leads to. */
static X509 *
make_ca(void)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	X509_EXTENSION *bc = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints,
	    "critical,CA:TRUE");

	if (key == NULL || x == NULL || name == NULL || bc == NULL ||
	    X509_set_version(x, 2) != 1 ||
	    ASN1_INTEGER_set(X509_get_serialNumber(x), 7) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"Foreign Test CA", -1, -1, 0) != 1 ||
	    X509_set_subject_name(x, name) != 1 || X509_set_issuer_name(x, name) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), 0) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365) == NULL ||
	    X509_set_pubkey(x, key) != 1 || X509_add_ext(x, bc, -1) != 1 ||
	    X509_sign(x, key, EVP_sha256()) <= 0) {
		printf("Bail out! cannot make a CA certificate\n");
		exit(1);
	}
	X509_EXTENSION_free(bc);
	X509_NAME_free(name);
	EVP_PKEY_free(key);
	return x;
}

static void
fixture(void)
{
	X509 *ca = make_ca();

	fx.chain = load("chain.pem");
	fx.leaf = load("leaf.pem");
	fx.full = load("full.pem");
	fx.foreign = X509_chain_up_ref(fx.leaf);
	fx.stranger = sk_X509_new_null();
	if (fx.foreign == NULL || fx.stranger == NULL || !sk_X509_push(fx.foreign, ca) ||
	    !X509_up_ref(ca) || !sk_X509_push(fx.stranger, ca) ||
	    (fx.next = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL) {
		printf("Bail out! no memory for the fixture\n");
		exit(1);
	}
}

static void
fixture_free(void)
{
	dp_chain_free(fx.chain);
	dp_chain_free(fx.leaf);
	dp_chain_free(fx.full);
	dp_chain_free(fx.foreign);
	dp_chain_free(fx.stranger);
	EVP_PKEY_free(fx.next);
}

/* ---- results by hand ---- */

/* A TLSA answer at OWNER: a signed RRset, TTL an hour, signatures good for a month. */
static void
target(struct dp_target_result *r, enum dp_dnssec state, int rcode)
{
	struct dp_answer *a = calloc(1, sizeof(*a));

	memset(r, 0, sizeof(*r));
	snprintf(r->tg.host, sizeof(r->tg.host), "www.example.com");
	snprintf(r->tg.display, sizeof(r->tg.display), "www.example.com:443");
	r->tg.port = 443;
	snprintf(r->tlsa.owner, sizeof(r->tlsa.owner), OWNER);
	if (a == NULL || (a->qname = strdup(OWNER)) == NULL) {
		printf("Bail out! no memory\n");
		exit(1);
	}
	a->qtype = 52;
	a->status = DP_LOOKUP_ANSWERED;
	a->rcode = rcode;
	a->state = state;
	a->has_ttl = true;
	a->ttl = 3600;
	a->sig_expires = state == DP_DNSSEC_SECURE ? NOW + 30 * DAY : 0;
	r->tlsa.ans = a;
	r->addr_reason = DP_R_VERIFIED;
}

/* The validator's reason, as a backend gives it (ans->why is freed with the answer). */
static void
why(struct dp_target_result *r, const char *text)
{
	r->tlsa.ans->why = strdup(text);
}

/* Appends rec to r's set, which takes its data. */
static void
push(struct dp_target_result *r, const struct dp_tlsa *rec)
{
	struct dp_tlsa *recs = reallocarray(r->tlsa.recs, r->tlsa.nrecs + 1, sizeof(*recs));

	if (recs == NULL) {
		printf("Bail out! no memory\n");
		exit(1);
	}
	r->tlsa.recs = recs;
	recs[r->tlsa.nrecs++] = *rec;
	if (rec->usability == DP_TLSA_USABLE)
		r->tlsa.nusable++;
}

/*
 * The record "u s m" of chain[depth] as "daneprobe tlsa" makes it, then
 * relabelled with usage as (when >= 0), for the records tlsa refuses to
 * make (a TA record of the leaf, an EE record of a CA), and judged as a
 * lookup with smtp would.
 */
static void
add_cert_as(struct dp_target_result *r, int as, STACK_OF(X509) *chain, int depth,
    uint8_t u, uint8_t s, uint8_t m, bool smtp)
{
	struct dp_tlsagen_spec spec = { u, s, m, depth };
	struct dp_tlsa rec;
	struct dp_err err;

	if (dp_tlsagen_from_chain(chain, &spec, false, true, &rec, &err) == -1) {
		printf("Bail out! %u %u %u at depth %d: %s\n", u, s, m, depth, err.msg);
		exit(1);
	}
	if (as >= 0)
		rec.usage = (uint8_t)as;
	dp_tlsa_check_usability(&rec, smtp);
	push(r, &rec);
}

static void
add_cert(struct dp_target_result *r, STACK_OF(X509) *chain, int depth, uint8_t u,
    uint8_t s, uint8_t m)
{
	add_cert_as(r, -1, chain, depth, u, s, m, false);
}

/* 3 1 m of the next key: a key no server serves yet. */
static void
add_next(struct dp_target_result *r, uint8_t m)
{
	struct dp_tlsagen_spec spec = { DP_TLSA_DANE_EE, DP_TLSA_SEL_SPKI, m, 0 };
	struct dp_tlsa rec;
	struct dp_err err;

	if (dp_tlsagen_from_key(fx.next, &spec, false, &rec, &err) == -1) {
		printf("Bail out! 3 1 %u of a key: %s\n", m, err.msg);
		exit(1);
	}
	push(r, &rec);
}

static void
add_text(struct dp_target_result *r, const char *text)
{
	struct dp_tlsa rec;
	struct dp_err err;

	if (dp_tlsa_parse_text(text, false, &rec, &err) == -1) {
		printf("Bail out! '%s': %s\n", text, err.msg);
		exit(1);
	}
	push(r, &rec);
}

/*
 * An address that served chain (NULL: it gave none), with one outcome a
 * record: M matched, N not matched, U unusable, T not tried.  After the
 * records; the result takes a reference to every certificate.
 */
static void
add_addr(struct dp_target_result *r, const char *label, STACK_OF(X509) *chain,
    const char *outcomes)
{
	struct dp_addr_result *a;
	size_t i;

	if (strlen(outcomes) != r->tlsa.nrecs) {
		printf("Bail out! %s: %zu outcomes for %zu records\n", label,
		    strlen(outcomes), r->tlsa.nrecs);
		exit(1);
	}
	if ((a = reallocarray(r->addrs, r->naddrs + 1, sizeof(*a))) == NULL) {
		printf("Bail out! no memory\n");
		exit(1);
	}
	r->addrs = a;
	a = &r->addrs[r->naddrs++];
	memset(a, 0, sizeof(*a));
	snprintf(a->label, sizeof(a->label), "%s", label);
	a->family = label[0] == '[' ? AF_INET6 : AF_INET;
	a->match.depth = -1;
	a->records = calloc(r->tlsa.nrecs + 1, sizeof(*a->records));
	a->chain = chain != NULL ? X509_chain_up_ref(chain) : NULL;
	a->connected = chain != NULL;
	a->reason = chain == NULL ? DP_R_CONNECT_REFUSED : DP_R_TLSA_MISMATCH;
	for (i = 0; i < r->tlsa.nrecs && a->records != NULL; i++) {
		switch (outcomes[i]) {
		case 'M':
			a->records[i] = DP_REC_MATCHED;
			a->reason = DP_R_VERIFIED;
			break;
		case 'N':
			a->records[i] = DP_REC_NOT_MATCHED;
			break;
		case 'U':
			a->records[i] = DP_REC_UNUSABLE;
			break;
		default:
			a->records[i] = DP_REC_NOT_TRIED;
			break;
		}
	}
}

/* The set's reason as tlsaset.c would classify the answer and records. */
static void
settle(struct dp_target_result *r)
{
	const struct dp_answer *ans = r->tlsa.ans;

	switch (dp_answer_trust(ans, NULL, 0)) {
	case DP_TRUST_TIMEOUT:
		r->tlsa.reason = DP_R_TLSA_TIMEOUT;
		return;
	case DP_TRUST_FAILED:
	case DP_TRUST_UNDETERMINED:
		r->tlsa.reason = DP_R_TLSA_LOOKUP_FAILED;
		return;
	case DP_TRUST_BOGUS:
		r->tlsa.reason = DP_R_TLSA_BOGUS;
		return;
	case DP_TRUST_INSECURE:
		r->tlsa.reason = DP_R_TLSA_INSECURE;
		return;
	case DP_TRUST_SECURE:
		break;
	}
	if (ans->rcode == 3)
		r->tlsa.reason = DP_R_TLSA_NXDOMAIN;
	else if (r->tlsa.nrecs == 0)
		r->tlsa.reason = DP_R_TLSA_NODATA;
	else if (r->tlsa.nusable == 0)
		r->tlsa.reason = DP_R_TLSA_NONE_USABLE;
	else
		r->tlsa.reason = DP_R_TLSA_SECURE;
}

/* ---- judging the findings ---- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The n words of w, sorted, joined with blanks into buf. */
static void
join_sorted(char **w, size_t n, char *buf, size_t len)
{
	size_t i, used = 0;

	qsort(w, n, sizeof(*w), cmp_str);
	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i > 0 ? " " : "", w[i]);
}

/* An id is stable text for scripts and the man page: lower case and hyphens. */
static bool
id_ok(const char *id)
{
	size_t i;

	if (id == NULL || id[0] == '\0')
		return false;
	for (i = 0; id[i] != '\0'; i++)
		if ((id[i] < 'a' || id[i] > 'z') && id[i] != '-')
			return false;
	return true;
}

static bool
complete(const struct dp_lint_finding *it)
{
	return id_ok(it->id) && it->about != NULL && it->about[0] != '\0' &&
	    it->text != NULL && it->text[0] != '\0' && it->fix != NULL &&
	    it->fix[0] != '\0' && (it->severity == DP_LINT_ERROR ||
	    it->severity == DP_LINT_WARNING || it->severity == DP_LINT_NOTE);
}

/*
 * Lints r (settled first) into f and compares its findings, as
 * "id:severity" words sorted, with want (any order); then that each is
 * complete, and the exit status without and with --strict.  The caller
 * clears r and f.
 */
static void
expect(const char *name, struct dp_target_result *r, bool smtp, const char *want,
    int exit_plain, int exit_strict, struct dp_lint_findings *f)
{
	struct dp_lint_opts o = { smtp, 7, NOW };
	char *got[64], *exp[64], gbuf[1024], ebuf[1024], wcopy[1024], *save = NULL, *w;
	char words[64][64];
	size_t i, n = 0, ne = 0, bad = 0;
	int rc;

	settle(r);
	memset(f, 0, sizeof(*f));
	rc = dp_lint_target(r, &o, f);
	for (i = 0; i < f->n && n < 64; i++) {
		snprintf(words[n], sizeof(words[n]), "%s:%s", f->items[i].id,
		    dp_lint_severity_name(f->items[i].severity));
		got[n] = words[n];
		n++;
		if (!complete(&f->items[i])) {
			bad++;
			printf("#   incomplete finding %zu: id '%s'\n", i, f->items[i].id);
		}
	}
	join_sorted(got, n, gbuf, sizeof(gbuf));
	snprintf(wcopy, sizeof(wcopy), "%s", want);
	for (w = strtok_r(wcopy, " ", &save); w != NULL && ne < 64; w = strtok_r(NULL, " ", &save))
		exp[ne++] = w;
	join_sorted(exp, ne, ebuf, sizeof(ebuf));
	ok(rc == 0 && strcmp(gbuf, ebuf) == 0, "%s: findings {%s}", name, ebuf);
	if (rc != 0 || strcmp(gbuf, ebuf) != 0) {
		printf("#   got {%s} (rc %d)\n", gbuf, rc);
		for (i = 0; i < f->n; i++)
			printf("#     %s: %s: %s\n", f->items[i].id, f->items[i].about,
			    f->items[i].text);
	}
	ok(bad == 0, "%s: every finding has an id of [a-z-], an about, a text and a fix", name);
	is_int(dp_lint_exit(f, false), exit_plain, "%s: exit %d", name, exit_plain);
	is_int(dp_lint_exit(f, true), exit_strict, "%s: exit %d with --strict", name,
	    exit_strict);
}

/* The finding with id, or NULL. */
static const struct dp_lint_finding *
finding(const struct dp_lint_findings *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->items[i].id, id) == 0)
			return &f->items[i];
	return NULL;
}

static void
done(struct dp_target_result *r, struct dp_lint_findings *f)
{
	dp_target_result_clear(r);
	dp_lint_findings_clear(f);
}

/* ---- the cases ---- */

/* What RFC 7671 section 8.1 advises: nothing to say. */
static void
test_clean(void)
{
	struct dp_target_result r;
	struct dp_lint_findings f;

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_next(&r, DP_TLSA_MT_SHA256);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	add_addr(&r, "[2001:db8::1]:443", fx.chain, "MN");
	expect("current + next (3 1 1 leaf, 3 1 1 next key), two addresses", &r, false, "",
	    0, 0, &f);
	ok(!f.incomplete, "current + next: complete");
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_cert(&r, fx.chain, 1, 2, 1, 1);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	expect("current + issuer (3 1 1 leaf, 2 1 1 int)", &r, false, "", 0, 0, &f);
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 1, 2, 1, 1);
	add_addr(&r, "192.0.2.1:443", fx.chain, "M");
	expect("the issuer alone (2 1 1 int, sent)", &r, false, "", 0, 0, &f);
	done(&r, &f);

	/* The same records for SMTP: DANE usages only, nothing to add. */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_next(&r, DP_TLSA_MT_SHA256);
	add_addr(&r, "192.0.2.25:25", fx.chain, "MN");
	expect("current + next with --smtp", &r, true, "", 0, 0, &f);
	done(&r, &f);
}

static void
test_rollover(void)
{
	struct dp_target_result r;
	struct dp_lint_findings f;

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_addr(&r, "192.0.2.1:443", fx.chain, "M");
	expect("a single 3 1 1 of the leaf", &r, false, "no-rollover-scheme:note", 0, 0, &f);
	done(&r, &f);

	/* OpenSSL takes the SHA2-512 record: the SHA2-256 one is "not matched". */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_cert(&r, fx.chain, 0, 3, 1, 2);
	add_addr(&r, "192.0.2.1:443", fx.chain, "NM");
	expect("3 1 1 and 3 1 2 of the leaf: the same key twice", &r, false,
	    "false-rollover-scheme:warning", 0, 1, &f);
	done(&r, &f);

	/*
	 * A digest of the root, which the server does not send: no client
	 * can match it (RFC 7671 section 5.2.2), so it covers no change.
	 * lint.c asks only the served chain, so the root is no ancestor of it.
	 */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_cert(&r, fx.full, 2, 2, 1, 1);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	expect("3 1 1 leaf + 2 1 1 of the root, not sent", &r, false,
	    "false-rollover-scheme:warning", 0, 1, &f);
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_cert(&r, fx.foreign, 1, 2, 1, 1);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	expect("3 1 1 leaf + 2 1 1 of a foreign CA", &r, false,
	    "false-rollover-scheme:warning", 0, 1, &f);
	done(&r, &f);

	/*
	 * The full root certificate is a trust anchor without being sent: the
	 * intermediate the server sends is signed by it, so a new leaf from
	 * that hierarchy still matches.  A full foreign CA signed nothing here.
	 */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_cert(&r, fx.full, 2, 2, 0, 0);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	expect("3 1 1 leaf + 2 0 0 of the root, not sent", &r, false, "", 0, 0, &f);
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_cert(&r, fx.full, 2, 2, 1, 0);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	expect("3 1 1 leaf + 2 1 0 of the root's key, not sent", &r, false, "", 0, 0, &f);
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_cert(&r, fx.foreign, 1, 2, 0, 0);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	expect("3 1 1 leaf + 2 0 0 of a foreign CA", &r, false,
	    "false-rollover-scheme:warning", 0, 1, &f);
	done(&r, &f);

	/* An error first: the rollover rules wait until it is fixed. */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_cert_as(&r, DP_TLSA_DANE_TA, fx.chain, 0, 3, 1, 1, false);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	expect("3 1 1 leaf + 2 1 1 of the leaf", &r, false, "ta-matches-leaf:error", 1, 1, &f);
	done(&r, &f);
}

static void
test_records(void)
{
	struct dp_target_result r;
	struct dp_lint_findings f;
	const char *hex32 = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	char text[256];

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_text(&r, "3 1 1 00112233445566778899aabbccddeeff00112233445566778899aabbccddee");
	snprintf(text, sizeof(text), "4 1 1 %s", hex32);
	add_text(&r, text);
	snprintf(text, sizeof(text), "3 1 9 %s", hex32);
	add_text(&r, text);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MUUU");
	expect("3 1 1 leaf + a short digest, usage 4, matching type 9", &r, false,
	    "unusable-record:error unusable-record:error unusable-record:error", 1, 1, &f);
	ok(f.n == 3 && strstr(f.items[0].text, "record 2") != NULL &&
	    strstr(f.items[1].text, "record 3") != NULL &&
	    strstr(f.items[2].text, "record 4") != NULL, "each names its record");
	done(&r, &f);

	/* None usable: DANE is not in force, no address is tried (check stops there). */
	target(&r, DP_DNSSEC_SECURE, 0);
	snprintf(text, sizeof(text), "4 1 1 %s", hex32);
	add_text(&r, text);
	snprintf(text, sizeof(text), "3 1 9 %s", hex32);
	add_text(&r, text);
	add_addr(&r, "192.0.2.1:443", NULL, "UU");
	expect("only unusable records", &r, false,
	    "unusable-record:error unusable-record:error", 1, 1, &f);
	ok(!f.incomplete, "only unusable records: the address needed no check");
	done(&r, &f);

	/* An address target without --name: the TA record is fine, but cannot be checked here. */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 1, 2, 1, 1);
	r.tlsa.recs[0].usability = DP_TLSA_NO_REFNAME;
	r.tlsa.nusable = 0;
	add_addr(&r, "192.0.2.1:443", NULL, "U");
	expect("2 1 1 on an address without --name", &r, false, "", 3, 3, &f);
	ok(f.incomplete, "no name to check with: could not check, never OK");
	done(&r, &f);

	/* As an SMTP lookup classifies it (PKIX_FOR_SMTP), and as a usable record with --smtp. */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_cert_as(&r, -1, fx.chain, 0, 1, 1, 1, true);
	add_addr(&r, "192.0.2.25:25", fx.chain, "MU");
	expect("3 1 1 leaf + 1 1 1 (PKIX-EE) for SMTP", &r, true, "pkix-for-smtp:error", 1, 1,
	    &f);
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_cert(&r, fx.chain, 0, 1, 1, 1);
	add_addr(&r, "192.0.2.25:25", fx.chain, "MN");
	expect("3 1 1 leaf + a usable 1 1 1 with --smtp", &r, true, "pkix-for-smtp:error", 1, 1,
	    &f);
	done(&r, &f);

	/* Without --smtp PKIX-EE is fine, but the same key twice is no scheme. */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_cert(&r, fx.chain, 0, 1, 1, 1);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	expect("3 1 1 leaf + 1 1 1 leaf for HTTPS", &r, false, "false-rollover-scheme:warning",
	    0, 1, &f);
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 0, 1);
	add_addr(&r, "192.0.2.1:443", fx.chain, "M");
	expect("3 0 1 of the leaf", &r, false,
	    "ee-cert-selector:warning no-rollover-scheme:note", 0, 1, &f);
	done(&r, &f);
}

static void
test_dnssec(void)
{
	struct dp_target_result r;
	struct dp_lint_findings f;

	target(&r, DP_DNSSEC_INSECURE, 0);
	why(&r, "no DS for example.com.");
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_addr(&r, "192.0.2.1:443", NULL, "T");
	expect("3 1 1 leaf in an insecure zone", &r, false, "insecure-zone:error", 1, 1, &f);
	ok(f.n == 1 && strstr(f.items[0].text, "(no DS for example.com.)") != NULL,
	    "insecure-zone: the validator's reason");
	ok(!f.incomplete, "insecure: the address needed no check");
	done(&r, &f);

	target(&r, DP_DNSSEC_BOGUS, 0);
	why(&r, "signature expired");
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_addr(&r, "192.0.2.1:443", NULL, "T");
	expect("3 1 1 leaf, bogus", &r, false, "dnssec-bogus:error", 1, 1, &f);
	ok(f.n == 1 && strstr(f.items[0].text, "signature expired") != NULL,
	    "dnssec-bogus: the validator's reason");
	done(&r, &f);

	/* libunbound's bogus answer: SERVFAIL, no records. Clients fail, DANE is not "off". */
	target(&r, DP_DNSSEC_BOGUS, 2);
	why(&r, "signature expired");
	expect("a bogus answer without records", &r, false, "dnssec-bogus:error", 1, 1, &f);
	done(&r, &f);

	/* A SERVFAIL of undetermined state: not looked at, not "no TLSA". */
	target(&r, DP_DNSSEC_INDETERMINATE, 2);
	expect("TLSA lookup SERVFAIL", &r, false, "", 3, 3, &f);
	ok(f.incomplete && strstr(f.incomplete_why, "www.example.com:443") != NULL,
	    "SERVFAIL: incomplete, naming the target (%s)", f.incomplete_why);
	done(&r, &f);

	target(&r, DP_DNSSEC_INDETERMINATE, -1);
	r.tlsa.ans->status = DP_LOOKUP_TIMEOUT;
	expect("TLSA lookup timed out", &r, false, "", 3, 3, &f);
	ok(f.incomplete, "timeout: incomplete");
	done(&r, &f);

	/* Signatures: within --sig-warning days, or sooner than the TTL. */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_next(&r, DP_TLSA_MT_SHA256);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	r.tlsa.ans->sig_expires = NOW + DAY;
	expect("RRSIG expires in a day", &r, false, "signatures-expiring:warning", 0, 1, &f);
	ok(f.n == 1 && strstr(f.items[0].text, "in 1.0 days") != NULL &&
	    strstr(f.items[0].text, "TTL") == NULL, "it says when, and not the TTL");
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_next(&r, DP_TLSA_MT_SHA256);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	r.tlsa.ans->sig_expires = NOW + 10 * DAY;
	r.tlsa.ans->ttl = 14 * DAY;
	expect("RRSIG in 10 days, TTL 14 days", &r, false, "signatures-expiring:warning", 0, 1,
	    &f);
	ok(f.n == 1 && strstr(f.items[0].text, "sooner than the RRset's TTL") != NULL,
	    "it names the TTL");
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_next(&r, DP_TLSA_MT_SHA256);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	r.tlsa.ans->sig_expires = NOW + 10 * DAY;
	expect("RRSIG in 10 days, TTL an hour", &r, false, "", 0, 0, &f);
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_next(&r, DP_TLSA_MT_SHA256);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	r.tlsa.ans->wildcard = true;
	expect("synthesized from a wildcard", &r, false, "wildcard-owner:note", 0, 0, &f);
	done(&r, &f);
}

static void
test_addresses(void)
{
	struct dp_target_result r;
	struct dp_lint_findings f;
	const struct dp_lint_finding *it;

	target(&r, DP_DNSSEC_SECURE, 0);
	add_next(&r, DP_TLSA_MT_SHA256);
	add_addr(&r, "192.0.2.1:443", fx.chain, "N");
	expect("only 3 1 1 of another key", &r, false, "address-mismatch:error", 1, 1, &f);
	it = finding(&f, "address-mismatch");
	ok(it != NULL && strstr(it->about, "192.0.2.1:443") != NULL, "it names the address");
	done(&r, &f);

	/* One address of two serves another certificate. */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_next(&r, DP_TLSA_MT_SHA256);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	add_addr(&r, "[2001:db8::1]:443", fx.stranger, "NN");
	expect("one address serves a stranger", &r, false, "address-mismatch:error", 1, 1, &f);
	it = finding(&f, "address-mismatch");
	ok(it != NULL && strstr(it->about, "[2001:db8::1]:443") != NULL &&
	    strstr(it->about, "192.0.2.1") == NULL, "it names that address only");
	done(&r, &f);

	/*
	 * The outcomes of a verifier without digest agility, then OpenSSL's,
	 * which ignores the SHA2-256 record beside a SHA2-512 one.
	 */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_next(&r, DP_TLSA_MT_SHA512);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	expect("3 1 1 leaf (matched) + 3 1 2 of another key", &r, false,
	    "digest-agility:error", 1, 1, &f);
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_next(&r, DP_TLSA_MT_SHA512);
	add_addr(&r, "192.0.2.1:443", fx.chain, "NN");
	expect("3 1 1 leaf + 3 1 2 of another key, as OpenSSL says (neither matched)", &r,
	    false, "digest-agility:error", 1, 1, &f);
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 1, 2, 1, 1);
	add_addr(&r, "192.0.2.1:443", fx.leaf, "N");
	expect("2 1 1 of int, the server sends the leaf only", &r, false, "ta-not-sent:error",
	    1, 1, &f);
	done(&r, &f);

	/* A full TA needs no sending; it is the issuer, so a scheme of its own. */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 1, 2, 0, 0);
	add_addr(&r, "192.0.2.1:443", fx.leaf, "M");
	expect("2 0 0 of int, the server sends the leaf only", &r, false, "", 0, 0, &f);
	ok(finding(&f, "ta-not-sent") == NULL, "2 0 0: no ta-not-sent");
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert_as(&r, DP_TLSA_DANE_TA, fx.chain, 0, 3, 1, 1, false);
	add_addr(&r, "192.0.2.1:443", fx.chain, "N");
	expect("2 1 1 of the leaf", &r, false, "ta-matches-leaf:error", 1, 1, &f);
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert_as(&r, DP_TLSA_DANE_EE, fx.chain, 1, 2, 1, 1, false);
	add_addr(&r, "192.0.2.1:443", fx.chain, "N");
	expect("3 1 1 of int", &r, false, "ee-matches-ca:error", 1, 1, &f);
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 3);
	expect("no TLSA records (secure NXDOMAIN)", &r, false, "no-tlsa:note", 0, 0, &f);
	done(&r, &f);

	/* Could not connect: the rest is judged, the verdict is "could not check". */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_next(&r, DP_TLSA_MT_SHA256);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	add_addr(&r, "[2001:db8::1]:443", NULL, "TT");
	expect("an address gave no chain", &r, false, "", 3, 3, &f);
	ok(f.incomplete && strstr(f.incomplete_why, "[2001:db8::1]:443") != NULL,
	    "incomplete, naming the address (%s)", f.incomplete_why);
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_addr(&r, "192.0.2.1:443", NULL, "T");
	expect("the only address gave no chain", &r, false, "", 3, 3, &f);
	ok(f.incomplete, "incomplete");
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_next(&r, DP_TLSA_MT_SHA256);
	add_addr(&r, "192.0.2.1:443", fx.chain, "N");
	add_addr(&r, "[2001:db8::1]:443", NULL, "T");
	expect("a mismatch and an address without a chain", &r, false, "address-mismatch:error",
	    1, 1, &f);
	ok(f.incomplete, "an error outweighs incomplete, which is still said");
	done(&r, &f);

	/* A chain without outcomes (check ran out of memory there): incomplete, no crash. */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_addr(&r, "192.0.2.1:443", fx.chain, "M");
	free(r.addrs[0].records);
	r.addrs[0].records = NULL;
	expect("a chain without record outcomes", &r, false, "", 3, 3, &f);
	done(&r, &f);

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_next(&r, DP_TLSA_MT_SHA256);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	r.nleft_out = 3;
	expect("addresses over --max-addresses", &r, false, "", 3, 3, &f);
	ok(f.incomplete && strstr(f.incomplete_why, "3 addresses") != NULL,
	    "incomplete: %s", f.incomplete_why);
	done(&r, &f);
}

/* Three full certificates: over the 1232 octets of DNS Flag Day 2020. */
static void
test_size(void)
{
	struct dp_target_result r;
	struct dp_lint_findings f;
	const struct dp_lint_finding *it;

	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 0, 0);
	add_cert(&r, fx.chain, 1, 2, 0, 0);
	add_cert(&r, fx.full, 2, 2, 0, 0);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MNN");
	ok(r.tlsa.recs[0].datalen + r.tlsa.recs[1].datalen + r.tlsa.recs[2].datalen > 1232,
	    "the three certificates are %zu octets",
	    r.tlsa.recs[0].datalen + r.tlsa.recs[1].datalen + r.tlsa.recs[2].datalen);
	/* 3 0 0 pins the whole leaf; 2 0 0 of int is the scheme's issuer. */
	expect("3 0 0 leaf, 2 0 0 int, 2 0 0 root", &r, false,
	    "ee-cert-selector:warning rrset-large:warning", 0, 1, &f);
	it = finding(&f, "rrset-large");
	ok(it != NULL && strstr(it->text, "records 1, 2, 3") != NULL,
	    "it names the full records (%s)", it != NULL ? it->text : "none");
	done(&r, &f);

	/* Two digests and one full int: well under. */
	target(&r, DP_DNSSEC_SECURE, 0);
	add_cert(&r, fx.chain, 0, 3, 1, 1);
	add_cert(&r, fx.chain, 1, 2, 0, 0);
	add_addr(&r, "192.0.2.1:443", fx.chain, "MN");
	expect("3 1 1 leaf, 2 0 0 int", &r, false, "", 0, 0, &f);
	done(&r, &f);
}

int
main(void)
{
	const char *top = getenv("top_srcdir");

	snprintf(dir, sizeof(dir), "%s/tests/chains", top != NULL ? top : ".");
	fixture();
	test_clean();
	test_rollover();
	test_records();
	test_dnssec();
	test_addresses();
	test_size();
	fixture_free();
	return tap_done();
}
