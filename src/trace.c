/*
 * trace.c: the chain of trust of one answer, link by link, from records.
 *
 * The zone cuts are read off the records: every ancestor of an answer's
 * signer (or owner) that is a trust anchor's owner, or has a DNSKEY or a
 * DS RRset in the chain, or whose DS the parent denies (an NSEC or NSEC3
 * with NS and without DS and SOA: an unsigned delegation).  Then each cut
 * is judged from the top, with the keys its parent validated: the DS
 * RRset's signatures, which DS digests which DNSKEY, which key signs the
 * DNSKEY RRset; then each RRset of the answer with its zone's keys.  Every
 * check is libldns's (key tags, DS digests, RRSIG verification with its
 * times, NSEC3 matching); this file only decides the order and the words.
 * The first link that fails is the answer's reason.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "name.h"
#include "trace.h"
#include "zonefile.h"

struct dp_trace_anchors {
	ldns_rr_list	*rrs;	/* DS and DNSKEY records, canonical */
};

/* The records the trace reads: chain, reply sections. */
struct pool {
	ldns_rr_list	*all;
	ldns_rr_list	*answer;
	ldns_rr_list	*authority;
	int		 rcode;
};

/* A zone cut as it is being judged. */
struct cut {
	ldns_rdf	*name;
	int		 parent;	/* index of the enclosing cut, -1 for the top */
	ldns_rr_list	*keys;		/* its DNSKEY RRset (not owned: in the pool) */
	bool		 keys_valid;	/* validated: may judge what is below */
};

const char *
dp_link_name(enum dp_link link)
{
	switch (link) {
	case DP_LINK_SECURE:	return "secure";
	case DP_LINK_INSECURE:	return "insecure";
	case DP_LINK_BOGUS:	return "bogus";
	case DP_LINK_MISSING:	return "missing";
	case DP_LINK_UNCHECKED:	return "unchecked";
	}
	return "unknown";
}

const char *
dp_sig_status_name(enum dp_sig_status status)
{
	switch (status) {
	case DP_SIG_VALID:		return "valid";
	case DP_SIG_EXPIRED:		return "expired";
	case DP_SIG_NOT_YET_VALID:	return "not-yet-valid";
	case DP_SIG_INVALID:		return "invalid";
	case DP_SIG_NO_KEY:		return "no-key";
	case DP_SIG_UNSUPPORTED:	return "unsupported-algorithm";
	case DP_SIG_UNTRUSTED:		return "unchecked";
	}
	return "unknown";
}

const char *
dp_ds_status_name(enum dp_ds_status status)
{
	switch (status) {
	case DP_DSREC_MATCH:			return "matches";
	case DP_DSREC_NO_MATCH:			return "no-match";
	case DP_DSREC_ALG_UNSUPPORTED:		return "unsupported-algorithm";
	case DP_DSREC_DIGEST_UNSUPPORTED:	return "unsupported-digest";
	}
	return "unknown";
}

/* ---- small helpers ---- */

static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

static char *
name_text(const ldns_rdf *name)
{
	return ldns_rdf2str(name);
}

static const char *
type_text(uint16_t type, char *buf, size_t len)
{
	char *s = ldns_rr_type2str((ldns_rr_type)type);

	snprintf(buf, len, "%s", s != NULL ? s : "?");
	free(s);
	return buf;
}

static void
iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* "5 days", "1 hour", "40 seconds": the largest unit that fits, rounded to the nearest. */
static void
span_text(time_t secs, char *buf, size_t len)
{
	static const struct { time_t s; const char *unit; } units[] = {
		{ 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" },
	};
	size_t i;

	if (secs < 1)
		secs = 1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (secs >= units[i].s || units[i].s == 1) {
			long long n = (long long)((secs + units[i].s / 2) / units[i].s);

			snprintf(buf, len, "%lld %s%s", n, units[i].unit, n == 1 ? "" : "s");
			return;
		}
}

static bool
same_name(const ldns_rdf *a, const ldns_rdf *b)
{
	return ldns_dname_compare(a, b) == 0;
}

static uint16_t
rr_type(const ldns_rr *rr)
{
	return (uint16_t)ldns_rr_get_type(rr);
}

static uint16_t
sig_covered(const ldns_rr *sig)
{
	return (uint16_t)ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig));
}

/* The records of type at owner in list (RRSIG: those covering covered); a new list. */
static ldns_rr_list *
select_rrs(const ldns_rr_list *list, const ldns_rdf *owner, uint16_t type, uint16_t covered)
{
	ldns_rr_list *out = ldns_rr_list_new();
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = 0; i < ldns_rr_list_rr_count(list); i++) {
		ldns_rr *rr = ldns_rr_list_rr(list, i);

		if (rr_type(rr) != type || !same_name(ldns_rr_owner(rr), owner))
			continue;
		if (type == LDNS_RR_TYPE_RRSIG && (ldns_rr_rd_count(rr) < 9 ||
		    sig_covered(rr) != covered))
			continue;
		ldns_rr_list_push_rr(out, rr);
	}
	return out;
}

/* Frees a list made by select_rrs (the records are the pool's). */
static void
unselect(ldns_rr_list *l)
{
	ldns_rr_list_free(l);
}

/* ---- the pool ---- */

/* Whether the windows of a type bitmap fit in it (libldns reads past one that does not). */
static bool
bitmap_fits(const ldns_rdf *bm)
{
	const uint8_t *d = ldns_rdf_data(bm);
	size_t n = ldns_rdf_size(bm), i = 0;

	while (i < n) {
		if (n - i < 2 || n - i - 2 < d[i + 1])
			return false;
		i += 2 + (size_t)d[i + 1];
	}
	return true;
}

/*
 * Whether libldns's denial functions can take rr.  They trust the fields
 * of an NSEC or NSEC3: an NSEC3 hash they cannot compute (an algorithm
 * but SHA-1, RFC 5155 section 8.1 says to ignore those), a next hash
 * that is no SHA-1 digest, an NSEC3 at the root (no zone above it) or a
 * bitmap whose windows overrun it crash them or read past the record.
 */
static bool
rr_usable(const ldns_rr *rr)
{
	const ldns_rdf *next;

	switch (rr_type(rr)) {
	case LDNS_RR_TYPE_NSEC:
		return ldns_rr_rd_count(rr) < 2 || bitmap_fits(ldns_rr_rdf(rr, 1));
	case LDNS_RR_TYPE_NSEC3:
		next = ldns_rr_rdf(rr, 4);
		/* RFC 9276 section 3.2: validators may treat more iterations as insecure. */
		return ldns_rr_rd_count(rr) >= 5 && ldns_nsec3_algorithm(rr) == LDNS_SHA1 &&
		    ldns_nsec3_iterations(rr) <= DP_TRACE_MAX_NSEC3_ITERATIONS &&
		    ldns_dname_label_count(ldns_rr_owner(rr)) > 0 && ldns_rdf_size(next) ==
		    1 + LDNS_SHA1_DIGEST_LENGTH && ldns_rdf_data(next)[0] == LDNS_SHA1_DIGEST_LENGTH &&
		    (ldns_rr_rd_count(rr) < 6 || bitmap_fits(ldns_rr_rdf(rr, 5)));
	default:
		return true;
	}
}

static bool
pool_add(ldns_rr_list *l, ldns_rr *rr)
{
	size_t i;

	/* getdns puts an empty DS "\# 0" at an insecure name: no record. */
	if (ldns_rr_rd_count(rr) == 0 || !rr_usable(rr) ||
	    ldns_rr_list_rr_count(l) >= DP_TRACE_MAX_RECORDS) {
		ldns_rr_free(rr);
		return true;
	}
	ldns_rr2canonical(rr);
	for (i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_compare(ldns_rr_list_rr(l, i), rr) == 0) {
			ldns_rr_free(rr);
			return true;
		}
	return ldns_rr_list_push_rr(l, rr);
}

static int
pool_load(struct pool *p, const uint8_t *reply, size_t reply_len, const uint8_t *chain,
    size_t chain_len, struct dp_err *err)
{
	ldns_pkt *pkt = NULL;
	size_t pos = 0, i;

	if ((p->all = ldns_rr_list_new()) == NULL || (p->answer = ldns_rr_list_new()) == NULL ||
	    (p->authority = ldns_rr_list_new()) == NULL)
		return dp_err_set(err, "out of memory");
	while (pos < chain_len) {
		ldns_rr *rr = NULL;

		if (ldns_wire2rr(&rr, chain, chain_len, &pos, LDNS_SECTION_ANSWER) !=
		    LDNS_STATUS_OK)
			return dp_err_set(err, "a record of the validation chain cannot be read");
		if (!pool_add(p->all, rr))
			return dp_err_set(err, "out of memory");
	}
	if (reply == NULL)
		return 0;
	if (ldns_wire2pkt(&pkt, reply, reply_len) != LDNS_STATUS_OK)
		return dp_err_set(err, "the reply cannot be read");
	p->rcode = ldns_pkt_get_rcode(pkt);
	for (i = 0; i < ldns_rr_list_rr_count(ldns_pkt_answer(pkt)); i++) {
		ldns_rr *rr = ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_answer(pkt), i));

		if (rr == NULL || !pool_add(p->answer, rr))
			goto oom;
	}
	for (i = 0; i < ldns_rr_list_rr_count(ldns_pkt_authority(pkt)); i++) {
		ldns_rr *rr = ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_authority(pkt), i));

		if (rr == NULL || !pool_add(p->authority, rr))
			goto oom;
	}
	/* The reply's records can be links too (a DNSKEY or DS question). */
	for (i = 0; i < ldns_rr_list_rr_count(p->answer) + ldns_rr_list_rr_count(p->authority); i++) {
		const ldns_rr *src = i < ldns_rr_list_rr_count(p->answer) ?
		    ldns_rr_list_rr(p->answer, i) :
		    ldns_rr_list_rr(p->authority, i - ldns_rr_list_rr_count(p->answer));
		ldns_rr *rr = ldns_rr_clone(src);

		if (rr == NULL || !pool_add(p->all, rr))
			goto oom;
	}
	ldns_pkt_free(pkt);
	return 0;
oom:
	ldns_pkt_free(pkt);
	return dp_err_set(err, "out of memory");
}

static void
pool_free(struct pool *p)
{
	ldns_rr_list_deep_free(p->all);
	ldns_rr_list_deep_free(p->answer);
	ldns_rr_list_deep_free(p->authority);
}

/* ---- anchors ---- */

int
dp_trace_anchors_load(const char *file, struct dp_trace_anchors **out, struct dp_err *err)
{
	struct dp_trace_anchors *a;
	struct dp_zone_reader zr;
	struct dp_zone_record rec;
	int rc;

	*out = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL || (a->rrs = ldns_rr_list_new()) == NULL) {
		free(a);
		return dp_err_set(err, "out of memory");
	}
	if ((rc = dp_zone_open(&zr, "trust anchor", file, DP_ZONE_FILE_MAX,
	    DP_ZONE_RECORD_MAX, err)) == 0) {
		while ((rc = dp_zone_next(&zr, &rec, err)) == 1) {
			ldns_rdf *origin = ldns_dname_new_frm_str(rec.origin);
			ldns_rr *rr = NULL;
			ldns_status st = ldns_rr_new_frm_str(&rr, rec.text, rec.ttl, origin, NULL);

			ldns_rdf_deep_free(origin);
			if (st != LDNS_STATUS_OK) {
				rc = dp_zone_error(&zr, rec.line, err, "not a record in zone-file format");
				break;
			}
			if (rr_type(rr) != LDNS_RR_TYPE_DS && rr_type(rr) != LDNS_RR_TYPE_DNSKEY) {
				ldns_rr_free(rr);
				continue;
			}
			ldns_rr2canonical(rr);
			ldns_rr_list_push_rr(a->rrs, rr);
		}
	}
	dp_zone_close(&zr);
	if (rc == -1) {
		dp_trace_anchors_free(a);
		return -1;
	}
	*out = a;
	return 0;
}

void
dp_trace_anchors_free(struct dp_trace_anchors *a)
{
	if (a == NULL)
		return;
	ldns_rr_list_deep_free(a->rrs);
	free(a);
}

static bool
anchored_at(const struct dp_trace_anchors *a, const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(a->rrs); i++)
		if (same_name(ldns_rr_owner(ldns_rr_list_rr(a->rrs, i)), name))
			return true;
	return false;
}

/* ---- signatures ---- */

static bool
digest_supported(uint8_t type)
{
	/* SHA-1, SHA-256, SHA-384 (RFC 3658, 4509, 6605); GOST only where built. */
	return type == LDNS_SHA1 || type == LDNS_SHA256 || type == LDNS_SHA384;
}

static enum dp_sig_status
sig_status(ldns_status st)
{
	switch (st) {
	case LDNS_STATUS_OK:				return DP_SIG_VALID;
	case LDNS_STATUS_CRYPTO_SIG_EXPIRED:		return DP_SIG_EXPIRED;
	case LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED:	return DP_SIG_NOT_YET_VALID;
	case LDNS_STATUS_CRYPTO_UNKNOWN_ALGO:
	case LDNS_STATUS_CRYPTO_ALGO_NOT_IMPL:		return DP_SIG_UNSUPPORTED;
	default:					return DP_SIG_INVALID;
	}
}

/*
 * Checks sig over rrset with the keys of its tag and algorithm in keys
 * (NULL: the signer's keys are not validated, nothing is checked).
 */
static enum dp_sig_status
sig_check(ldns_rr_list *rrset, ldns_rr *sig, const ldns_rr_list *keys, time_t now,
    uint16_t *signed_by)
{
	uint16_t tag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig));
	uint8_t alg = ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(sig));
	enum dp_sig_status best = DP_SIG_NO_KEY;
	size_t i;

	if (keys == NULL)
		return DP_SIG_UNTRUSTED;
	if (!ldns_key_algo_supported(alg))
		return DP_SIG_UNSUPPORTED;
	for (i = 0; i < ldns_rr_list_rr_count(keys); i++) {
		ldns_rr *key = ldns_rr_list_rr(keys, i);
		enum dp_sig_status s;

		if (ldns_rr_rd_count(key) < 4 || ldns_calc_keytag(key) != tag ||
		    ldns_rdf2native_int8(ldns_rr_dnskey_algorithm(key)) != alg)
			continue;
		s = sig_status(ldns_verify_rrsig_time(rrset, sig, key, now));
		if (s == DP_SIG_VALID) {
			if (signed_by != NULL)
				*signed_by = tag;
			return s;
		}
		/* A time verdict says more than "does not verify" of a tag twin. */
		if (best == DP_SIG_NO_KEY || best == DP_SIG_INVALID)
			best = s;
	}
	return best;
}

/* Fills out[i] for each RRSIG in sigs; returns how many are valid. */
static size_t
sigs_judge(ldns_rr_list *rrset, const ldns_rr_list *sigs, const ldns_rr_list *keys,
    time_t now, struct dp_trace_sig **out, size_t *nout)
{
	size_t i, n = ldns_rr_list_rr_count(sigs), valid = 0;

	*nout = 0;
	if (n == 0) {
		*out = NULL;
		return 0;
	}
	if ((*out = calloc(n, sizeof(**out))) == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		ldns_rr *sig = ldns_rr_list_rr(sigs, i);
		struct dp_trace_sig *s = &(*out)[i];

		s->signer = name_text(ldns_rr_rrsig_signame(sig));
		s->covered = sig_covered(sig);
		s->tag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig));
		s->alg = ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(sig));
		s->inception = ldns_rdf2native_time_t(ldns_rr_rrsig_inception(sig));
		s->expiration = ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(sig));
		s->status = sig_check(rrset, sig, keys, now, NULL);
		if (s->status == DP_SIG_VALID)
			valid++;
	}
	*nout = n;
	return valid;
}

/* The signature that says most about a failure: a time verdict first. */
static const struct dp_trace_sig *
sig_worst(const struct dp_trace_sig *sigs, size_t n)
{
	static const enum dp_sig_status order[] = {
		DP_SIG_EXPIRED, DP_SIG_NOT_YET_VALID, DP_SIG_INVALID, DP_SIG_UNSUPPORTED,
		DP_SIG_NO_KEY,
	};
	size_t i, j;

	for (j = 0; j < sizeof(order) / sizeof(order[0]); j++)
		for (i = 0; i < n; i++)
			if (sigs[i].status == order[j])
				return &sigs[i];
	return n > 0 ? &sigs[0] : NULL;
}

/* A signature's failure in words, about "the RRSIG over WHAT". */
static char *
sig_why(const char *what, const struct dp_trace_sig *s, time_t now)
{
	char when[32], span[32];

	switch (s->status) {
	case DP_SIG_EXPIRED:
		iso_time(s->expiration, when, sizeof(when));
		span_text(now - s->expiration, span, sizeof(span));
		return xasprintf("the RRSIG over %s (key %u of %s) expired %s ago (%s)",
		    what, s->tag, s->signer, span, when);
	case DP_SIG_NOT_YET_VALID:
		iso_time(s->inception, when, sizeof(when));
		span_text(s->inception - now, span, sizeof(span));
		return xasprintf("the RRSIG over %s (key %u of %s) is not valid yet: its "
		    "inception is %s in the future (%s)", what, s->tag, s->signer, span, when);
	case DP_SIG_INVALID:
		return xasprintf("the RRSIG over %s (key %u of %s) does not verify: the "
		    "records or the signature were changed after signing", what, s->tag,
		    s->signer);
	case DP_SIG_UNSUPPORTED:
		return xasprintf("the RRSIG over %s uses algorithm %u, which cannot be "
		    "checked here", what, s->alg);
	case DP_SIG_NO_KEY:
		return xasprintf("the RRSIG over %s names key %u (algorithm %u) of %s, "
		    "which is not in its DNSKEY RRset", what, s->tag, s->alg, s->signer);
	default:
		return xasprintf("the RRSIG over %s was not checked", what);
	}
}

/* ---- denial of existence ---- */

/*
 * ldns_dnssec_verify_denial_nsec3_match for a NODATA answer (RFC 5155
 * sections 8.5 to 8.7) of type at q's owner, without its leaks: libldns
 * 1.8 loses the hashed name when the NSEC3 at the name's hash proves it,
 * and, for a DS, when no closest encloser is proven.  Those two cases are
 * judged here as libldns would (the first record's parameters and zone),
 * the rest by libldns.
 */
static ldns_status
nsec3_nodata(ldns_rr *q, ldns_rr_list *nsec3s, uint16_t type, ldns_rr **match)
{
	ldns_rr *first = ldns_rr_list_rr(nsec3s, 0);
	ldns_rdf *hashed, *zone = NULL, *ce;
	ldns_rr_list *none;
	ldns_status st;
	size_t i;

	*match = NULL;
	if (first == NULL)
		return LDNS_STATUS_DNSSEC_NSEC_RR_NOT_COVERED;
	if ((hashed = ldns_nsec3_hash_name_frm_nsec3(first, ldns_rr_owner(q))) != NULL &&
	    (zone = ldns_dname_left_chop(ldns_rr_owner(first))) != NULL &&
	    ldns_dname_cat(hashed, zone) == LDNS_STATUS_OK)
		for (i = 0; i < ldns_rr_list_rr_count(nsec3s) && *match == NULL; i++) {
			ldns_rr *n = ldns_rr_list_rr(nsec3s, i);
			ldns_rdf *bm = ldns_nsec3_bitmap(n);

			if (same_name(hashed, ldns_rr_owner(n)) &&
			    !ldns_nsec_bitmap_covers_type(bm, (ldns_rr_type)type) &&
			    !ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_CNAME))
				*match = n;
		}
	ldns_rdf_deep_free(hashed);
	ldns_rdf_deep_free(zone);
	if (*match != NULL)
		return LDNS_STATUS_OK;
	if (type == LDNS_RR_TYPE_DS) {
		if ((ce = ldns_dnssec_nsec3_closest_encloser(ldns_rr_owner(q),
		    (ldns_rr_type)type, nsec3s)) == NULL)
			return LDNS_STATUS_NSEC3_ERR;
		ldns_rdf_deep_free(ce);
	}
	/* Its signatures are judged apart: none are passed (libldns does not read them). */
	if ((none = ldns_rr_list_new()) == NULL)
		return LDNS_STATUS_MEM_ERR;
	st = ldns_dnssec_verify_denial_nsec3_match(q, nsec3s, none, LDNS_RCODE_NOERROR,
	    (ldns_rr_type)type, true, match);
	ldns_rr_list_free(none);
	return st;
}

/* ---- zone cuts ---- */

/* Whether a DS at name is denied by an NSEC or NSEC3 of the parent: "NSEC", "NSEC3", NULL. */
static const char *
ds_denial(const struct pool *p, const ldns_rdf *name, ldns_rr_list **denial)
{
	ldns_rr_list *nsec3s;
	ldns_rr *q, *match = NULL;
	size_t i;

	*denial = NULL;
	for (i = 0; i < ldns_rr_list_rr_count(p->all); i++) {
		ldns_rr *rr = ldns_rr_list_rr(p->all, i);
		ldns_rdf *bm;

		if (rr_type(rr) != LDNS_RR_TYPE_NSEC || !same_name(ldns_rr_owner(rr), name) ||
		    (bm = ldns_nsec_get_bitmap(rr)) == NULL)
			continue;
		if (ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_NS) &&
		    !ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_DS) &&
		    !ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_SOA)) {
			*denial = select_rrs(p->all, name, LDNS_RR_TYPE_NSEC, 0);
			return "NSEC";
		}
	}
	if ((nsec3s = ldns_rr_list_new()) == NULL)
		return NULL;
	for (i = 0; i < ldns_rr_list_rr_count(p->all); i++)
		if (rr_type(ldns_rr_list_rr(p->all, i)) == LDNS_RR_TYPE_NSEC3)
			ldns_rr_list_push_rr(nsec3s, ldns_rr_list_rr(p->all, i));
	if (ldns_rr_list_rr_count(nsec3s) == 0 || (q = ldns_rr_new()) == NULL) {
		ldns_rr_list_free(nsec3s);
		return NULL;
	}
	ldns_rr_set_owner(q, ldns_rdf_clone(name));
	ldns_rr_set_type(q, LDNS_RR_TYPE_DS);
	ldns_rr_set_question(q, true);
	/* The signatures are judged apart (judge_delegation). */
	if (nsec3_nodata(q, nsec3s, LDNS_RR_TYPE_DS, &match) == LDNS_STATUS_OK &&
	    match != NULL) {
		ldns_rdf *bm = ldns_nsec3_bitmap(match);

		if (bm != NULL && ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_NS) &&
		    !ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_SOA))
			*denial = select_rrs(p->all, ldns_rr_owner(match), LDNS_RR_TYPE_NSEC3, 0);
	}
	ldns_rr_free(q);
	ldns_rr_list_free(nsec3s);
	return *denial != NULL ? "NSEC3" : NULL;
}

static bool
is_cut(const struct dp_trace_anchors *a, const struct pool *p, const ldns_rdf *name)
{
	ldns_rr_list *l;
	bool cut;

	if (anchored_at(a, name))
		return true;
	if ((l = select_rrs(p->all, name, LDNS_RR_TYPE_DNSKEY, 0)) == NULL)
		return false;
	cut = ldns_rr_list_rr_count(l) > 0;
	unselect(l);
	if (!cut && (l = select_rrs(p->all, name, LDNS_RR_TYPE_DS, 0)) != NULL) {
		cut = ldns_rr_list_rr_count(l) > 0;
		unselect(l);
	}
	if (!cut && ds_denial(p, name, &l) != NULL) {
		cut = true;
		unselect(l);
	}
	return cut;
}

static int
cut_find(const struct cut *cuts, size_t n, const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (same_name(cuts[i].name, name))
			return (int)i;
	return -1;
}

/* The deepest cut at or above name, or -1. */
static int
cut_enclosing(const struct cut *cuts, size_t n, const ldns_rdf *name)
{
	int best = -1;
	size_t i;

	for (i = 0; i < n; i++)
		if ((same_name(cuts[i].name, name) || ldns_dname_is_subdomain(name, cuts[i].name)) &&
		    (best < 0 || ldns_dname_label_count(cuts[i].name) >
		    ldns_dname_label_count(cuts[best].name)))
			best = (int)i;
	return best;
}

/* Adds the cuts at and above leaf, top first (kept sorted by depth). */
static void
cuts_add_path(struct cut *cuts, size_t *n, const struct dp_trace_anchors *a,
    const struct pool *p, const ldns_rdf *leaf)
{
	uint8_t labels = ldns_dname_label_count(leaf), k;

	for (k = 0; k <= labels && *n < DP_TRACE_MAX_ZONES; k++) {
		ldns_rdf *anc = k == labels ? ldns_rdf_clone(leaf) :
		    ldns_dname_clone_from(leaf, (uint16_t)(labels - k));
		size_t i;

		if (anc == NULL)
			return;
		if (cut_find(cuts, *n, anc) >= 0 || !is_cut(a, p, anc)) {
			ldns_rdf_deep_free(anc);
			continue;
		}
		/* Insert keeping parents before children. */
		for (i = *n; i > 0 && ldns_dname_label_count(cuts[i - 1].name) > k; i--)
			cuts[i] = cuts[i - 1];
		memset(&cuts[i], 0, sizeof(cuts[i]));
		cuts[i].name = anc;
		(*n)++;
	}
}

/* "DS 34039/13/2" for each DS that was tried, in buf. */
static void
ds_list_text(const struct dp_trace_zone *z, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < z->nds && used < len; i++) {
		const struct dp_trace_ds *d = &z->ds[i];

		if (d->status == DP_DSREC_ALG_UNSUPPORTED || d->status == DP_DSREC_DIGEST_UNSUPPORTED)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s %u/%u/%u",
		    used > 0 ? ", " : "", d->anchor && d->digest == 0 ? "DNSKEY" : "DS",
		    d->tag, d->alg, d->digest);
	}
}

static void
key_tags_text(const struct dp_trace_zone *z, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < z->nkeys && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%u", i > 0 ? ", " : "",
		    z->keys[i].tag);
	if (z->nkeys == 0)
		snprintf(buf, len, "none");
}

/* Whether a DNSKEY anchor and a DNSKEY are the same key (flags, protocol, algorithm, key). */
static bool
same_key(const ldns_rr *a, const ldns_rr *b)
{
	size_t i;

	if (ldns_rr_rd_count(a) != ldns_rr_rd_count(b))
		return false;
	for (i = 0; i < ldns_rr_rd_count(a); i++)
		if (ldns_rdf_compare(ldns_rr_rdf(a, i), ldns_rr_rdf(b, i)) != 0)
			return false;
	return true;
}

/* The DS records (or anchors) of z against its DNSKEY RRset: fills z->ds, marks vouched keys. */
static void
ds_match(struct dp_trace_zone *z, const ldns_rr_list *ds, const ldns_rr_list *keys,
    bool anchor)
{
	size_t i, j, n = ldns_rr_list_rr_count(ds);

	if (n == 0 || (z->ds = calloc(n, sizeof(*z->ds))) == NULL)
		return;
	z->nds = n;
	for (i = 0; i < n; i++) {
		ldns_rr *d = ldns_rr_list_rr(ds, i);
		struct dp_trace_ds *o = &z->ds[i];
		bool is_key = rr_type(d) == LDNS_RR_TYPE_DNSKEY;

		o->anchor = anchor;
		if (is_key) {
			o->tag = ldns_calc_keytag(d);
			o->alg = ldns_rdf2native_int8(ldns_rr_dnskey_algorithm(d));
		} else if (ldns_rr_rd_count(d) >= 4) {
			o->tag = ldns_rdf2native_int16(ldns_rr_rdf(d, 0));
			o->alg = ldns_rdf2native_int8(ldns_rr_rdf(d, 1));
			o->digest = ldns_rdf2native_int8(ldns_rr_rdf(d, 2));
		}
		if (!ldns_key_algo_supported(o->alg)) {
			o->status = DP_DSREC_ALG_UNSUPPORTED;
			continue;
		}
		if (!is_key && !digest_supported(o->digest)) {
			o->status = DP_DSREC_DIGEST_UNSUPPORTED;
			continue;
		}
		o->status = DP_DSREC_NO_MATCH;
		for (j = 0; j < ldns_rr_list_rr_count(keys) && j < z->nkeys; j++) {
			ldns_rr *k = ldns_rr_list_rr(keys, j);

			if (is_key ? same_key(d, k) : ldns_rr_compare_ds(d, k)) {
				o->status = DP_DSREC_MATCH;
				o->match = z->keys[j].tag;
				z->keys[j].vouched = true;
			}
		}
	}
}

static bool
ds_any_status(const struct dp_trace_zone *z, enum dp_ds_status st)
{
	size_t i;

	for (i = 0; i < z->nds; i++)
		if (z->ds[i].status == st)
			return true;
	return false;
}

static void
keys_fill(struct dp_trace_zone *z, const ldns_rr_list *keys)
{
	size_t i, n = ldns_rr_list_rr_count(keys);

	if (n == 0 || (z->keys = calloc(n, sizeof(*z->keys))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		ldns_rr *k = ldns_rr_list_rr(keys, i);

		if (ldns_rr_rd_count(k) < 4)
			continue;
		z->keys[i].tag = ldns_calc_keytag(k);
		z->keys[i].flags = ldns_rdf2native_int16(ldns_rr_dnskey_flags(k));
		z->keys[i].alg = ldns_rdf2native_int8(ldns_rr_dnskey_algorithm(k));
	}
	z->nkeys = n;
}

/*
 * Whether one valid RRSIG over the DNSKEY RRset (keys; sigs in the order
 * of z->key_sigs) is by a vouched key.  A signature naming a vouched
 * key's tag and algorithm is checked again with the vouched keys alone:
 * else another key of that tag in the RRset, which anyone can make (tags
 * are 16 bits), would pass for the one the DS or anchor names.
 */
static bool
keys_self_signed(struct dp_trace_zone *z, ldns_rr_list *keys, const ldns_rr_list *sigs,
    time_t now)
{
	ldns_rr_list *vouched;
	size_t i, j;
	bool ok = false;

	if ((vouched = ldns_rr_list_new()) == NULL)
		return false;
	for (j = 0; j < z->nkeys && j < ldns_rr_list_rr_count(keys); j++)
		if (z->keys[j].vouched)
			ldns_rr_list_push_rr(vouched, ldns_rr_list_rr(keys, j));
	for (i = 0; i < z->nkey_sigs && i < ldns_rr_list_rr_count(sigs); i++) {
		struct dp_trace_sig *s = &z->key_sigs[i];
		bool named = false;

		if (s->status != DP_SIG_VALID)
			continue;
		for (j = 0; j < z->nkeys; j++)
			named = named || (z->keys[j].vouched && z->keys[j].tag == s->tag &&
			    z->keys[j].alg == s->alg);
		if (named) {
			s->status = sig_check(keys, ldns_rr_list_rr(sigs, i), vouched, now, NULL);
			ok = ok || s->status == DP_SIG_VALID;
		}
		if (s->status != DP_SIG_VALID)
			continue;
		for (j = 0; j < z->nkeys; j++)
			if (z->keys[j].tag == s->tag && z->keys[j].alg == s->alg &&
			    (z->keys[j].vouched || !named))
				z->keys[j].signs_keys = true;
	}
	ldns_rr_list_free(vouched);
	return ok;
}

/* The DNSKEY RRset's link: DS (or anchor) to key, key to RRset. */
static void
judge_keys(struct dp_trace_zone *z, struct cut *c, const struct pool *p,
    const ldns_rr_list *ds, bool anchor, time_t now)
{
	char dss[512], tags[256], what[DP_NAME_TEXT_MAX + 16];
	ldns_rr_list *sigs;
	size_t i;
	bool ok;

	c->keys = select_rrs(p->all, c->name, LDNS_RR_TYPE_DNSKEY, 0);
	if (c->keys == NULL)
		return;
	keys_fill(z, c->keys);
	ds_match(z, ds, c->keys, anchor);
	if (ldns_rr_list_rr_count(c->keys) == 0) {
		z->link = DP_LINK_MISSING;
		z->why = xasprintf("%s has %s but the chain holds no DNSKEY RRset "
		    "of it (its servers gave none)", z->name, anchor ? "a trust anchor" :
		    "a DS RRset");
		return;
	}
	if (!ds_any_status(z, DP_DSREC_MATCH)) {
		ds_list_text(z, dss, sizeof(dss));
		key_tags_text(z, tags, sizeof(tags));
		z->link = DP_LINK_BOGUS;
		if (anchor)
			z->why = xasprintf("the trust anchor (%s) matches no DNSKEY of %s "
			    "(it has %s)", dss, z->name, tags);
		else
			z->why = xasprintf("%s in %s matches no DNSKEY of %s (it has %s)", dss,
			    z->ds_sigs != NULL && z->nds_sigs > 0 ? z->ds_sigs[0].signer :
			    "the parent", z->name, tags);
		return;
	}
	if ((sigs = select_rrs(p->all, c->name, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_DNSKEY)) == NULL)
		return;
	sigs_judge(c->keys, sigs, c->keys, now, &z->key_sigs, &z->nkey_sigs);
	ok = keys_self_signed(z, c->keys, sigs, now);
	unselect(sigs);
	if (ok) {
		z->link = DP_LINK_SECURE;
		c->keys_valid = true;
		return;
	}
	z->link = DP_LINK_BOGUS;
	snprintf(what, sizeof(what), "%s DNSKEY", z->name);
	if (z->nkey_sigs == 0) {
		z->why = xasprintf("the DNSKEY RRset of %s is not signed", z->name);
		return;
	}
	for (i = 0; i < z->nkey_sigs; i++) {
		size_t j;

		for (j = 0; j < z->nkeys; j++)
			if (z->keys[j].vouched && z->keys[j].tag == z->key_sigs[i].tag &&
			    z->keys[j].alg == z->key_sigs[i].alg) {
				z->why = sig_why(what, &z->key_sigs[i], now);
				return;
			}
	}
	ds_list_text(z, dss, sizeof(dss));
	z->why = xasprintf("no RRSIG over the DNSKEY RRset of %s is made by the key that "
	    "%s names", z->name, dss);
}

/* A cut below a validated parent: its DS RRset or the proof it has none. */
static void
judge_delegation(struct dp_trace_zone *z, struct cut *c, const struct cut *parent,
    const struct dp_trace_zone *pz, const struct pool *p, time_t now)
{
	ldns_rr_list *ds, *sigs, *denial = NULL;
	const char *kind;
	char what[DP_NAME_TEXT_MAX + 16];

	if ((ds = select_rrs(p->all, c->name, LDNS_RR_TYPE_DS, 0)) == NULL)
		return;
	if (ldns_rr_list_rr_count(ds) == 0) {
		unselect(ds);
		if ((kind = ds_denial(p, c->name, &denial)) == NULL) {
			z->link = DP_LINK_MISSING;
			z->why = xasprintf("the chain holds neither the DS RRset of %s nor a "
			    "proof from %s that it has none", z->name, pz->name);
			return;
		}
		z->denial = kind;
		sigs = select_rrs(p->all, ldns_rr_owner(ldns_rr_list_rr(denial, 0)),
		    LDNS_RR_TYPE_RRSIG, strcmp(kind, "NSEC") == 0 ? LDNS_RR_TYPE_NSEC :
		    LDNS_RR_TYPE_NSEC3);
		if (sigs != NULL && sigs_judge(denial, sigs, parent->keys, now, &z->denial_sigs,
		    &z->ndenial_sigs) > 0) {
			z->link = DP_LINK_INSECURE;
			z->why = xasprintf("%s is unsigned: %s proves it has no DS (%s)", z->name,
			    pz->name, kind);
		} else {
			snprintf(what, sizeof(what), "the %s proving %s has no DS", kind, z->name);
			z->link = DP_LINK_BOGUS;
			z->why = z->ndenial_sigs > 0 ? sig_why(what, sig_worst(z->denial_sigs,
			    z->ndenial_sigs), now) : xasprintf("%s is not signed", what);
		}
		unselect(sigs);
		unselect(denial);
		return;
	}
	sigs = select_rrs(p->all, c->name, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_DS);
	if (sigs == NULL || sigs_judge(ds, sigs, parent->keys, now, &z->ds_sigs,
	    &z->nds_sigs) == 0) {
		snprintf(what, sizeof(what), "%s DS", z->name);
		z->link = DP_LINK_BOGUS;
		z->why = z->nds_sigs > 0 ? sig_why(what, sig_worst(z->ds_sigs, z->nds_sigs), now) :
		    xasprintf("the DS RRset of %s in %s is not signed", z->name, pz->name);
		keys_fill(z, c->keys = select_rrs(p->all, c->name, LDNS_RR_TYPE_DNSKEY, 0));
		ds_match(z, ds, c->keys, false);
		unselect(sigs);
		unselect(ds);
		return;
	}
	unselect(sigs);
	judge_keys(z, c, p, ds, false, now);
	/* RFC 4035 section 5.2, RFC 6840 section 5.2: nothing usable is insecure, not bogus. */
	if (!ds_any_status(z, DP_DSREC_MATCH) && !ds_any_status(z, DP_DSREC_NO_MATCH)) {
		free(z->why);
		z->link = DP_LINK_INSECURE;
		c->keys_valid = false;
		z->why = ds_any_status(z, DP_DSREC_DIGEST_UNSUPPORTED) &&
		    !ds_any_status(z, DP_DSREC_ALG_UNSUPPORTED) ?
		    xasprintf("no DS digest type of %s is supported: the zone is treated as "
		    "insecure (RFC 4035 section 5.2, RFC 6840 section 5.2)", z->name) :
		    xasprintf("no DS algorithm of %s is supported: the zone is treated as "
		    "insecure (RFC 4035 section 5.2)", z->name);
	}
	unselect(ds);
}

static void
judge_cut(struct dp_trace *t, struct cut *cuts, size_t i, const struct dp_trace_anchors *a,
    const struct pool *p, time_t now)
{
	struct dp_trace_zone *z = &t->zones[i];
	struct cut *c = &cuts[i];

	if ((z->name = name_text(c->name)) == NULL)
		return;
	z->anchored = anchored_at(a, c->name);
	if (z->anchored) {
		ldns_rr_list *anc = select_rrs(a->rrs, c->name, LDNS_RR_TYPE_DS, 0);
		ldns_rr_list *keys = select_rrs(a->rrs, c->name, LDNS_RR_TYPE_DNSKEY, 0);
		size_t k;

		for (k = 0; anc != NULL && keys != NULL && k < ldns_rr_list_rr_count(keys); k++)
			ldns_rr_list_push_rr(anc, ldns_rr_list_rr(keys, k));
		if (anc != NULL)
			judge_keys(z, c, p, anc, true, now);
		unselect(anc);
		unselect(keys);
		return;
	}
	if (c->parent < 0) {
		z->link = DP_LINK_MISSING;
		z->why = xasprintf("no trust anchor is at or above %s", z->name);
		return;
	}
	switch (t->zones[c->parent].link) {
	case DP_LINK_SECURE:
		judge_delegation(z, c, &cuts[c->parent], &t->zones[c->parent], p, now);
		return;
	case DP_LINK_INSECURE:
		z->link = DP_LINK_INSECURE;
		z->why = xasprintf("%s is below the insecure %s", z->name,
		    t->zones[c->parent].name);
		return;
	default:
		z->link = DP_LINK_UNCHECKED;
		z->why = xasprintf("not checked: the chain above %s is broken", z->name);
		return;
	}
}

/* ---- the answer's RRsets ---- */

static bool
sigs_any_valid(const struct dp_trace_sig *sigs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sigs[i].status == DP_SIG_VALID)
			return true;
	return false;
}

/* Whether an RRSIG over type at owner in list has fewer labels than owner: a wildcard's. */
static bool
expanded(const ldns_rr_list *list, const ldns_rdf *owner, uint16_t type)
{
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(list); i++) {
		ldns_rr *rr = ldns_rr_list_rr(list, i);

		if (rr_type(rr) == LDNS_RR_TYPE_RRSIG && ldns_rr_rd_count(rr) >= 9 &&
		    sig_covered(rr) == type && same_name(ldns_rr_owner(rr), owner) &&
		    ldns_rdf2native_int8(ldns_rr_rrsig_labels(rr)) < ldns_dname_label_count(owner))
			return true;
	}
	return false;
}

/* Whether a signed NSEC (by keys) in the authority section covers name. */
static bool
nsec_proves_absent(const ldns_rr_list *authority, const ldns_rdf *name,
    const ldns_rr_list *keys, time_t now)
{
	size_t k, s;
	bool proven = false;

	for (k = 0; k < ldns_rr_list_rr_count(authority) && !proven; k++) {
		ldns_rr *nsec = ldns_rr_list_rr(authority, k);
		ldns_rr_list *set, *sigs;

		if (rr_type(nsec) != LDNS_RR_TYPE_NSEC || !ldns_nsec_covers_name(nsec, name))
			continue;
		set = select_rrs(authority, ldns_rr_owner(nsec), LDNS_RR_TYPE_NSEC, 0);
		sigs = select_rrs(authority, ldns_rr_owner(nsec), LDNS_RR_TYPE_RRSIG,
		    LDNS_RR_TYPE_NSEC);
		for (s = 0; set != NULL && sigs != NULL && s < ldns_rr_list_rr_count(sigs) &&
		    !proven; s++)
			proven = sig_check(set, ldns_rr_list_rr(sigs, s), keys, now, NULL) ==
			    DP_SIG_VALID;
		unselect(set);
		unselect(sigs);
	}
	return proven;
}

/*
 * RFC 4035 section 5.3.4: an answer expanded from a wildcard is secure
 * only with a signed NSEC proving that the name asked does not exist.
 * The NSEC case is checked (libldns's cover test, the NSEC's signature
 * with the zone's keys); an NSEC3 proof is not, and the trace says so.
 */
static void
judge_expansion(struct dp_trace_rrset *r, const char *what, const ldns_rdf *owner,
    const ldns_rr_list *authority, const ldns_rr_list *keys, time_t now)
{
	if (nsec_proves_absent(authority, owner, keys, now)) {
		r->why = xasprintf("expanded from a wildcard; a signed NSEC proves that %s "
		    "does not exist", r->owner);
		return;
	}
	r->link = DP_LINK_MISSING;
	r->why = xasprintf("%s is expanded from a wildcard, and no signed NSEC in the reply "
	    "proves that %s does not exist (an NSEC3 proof is not checked here)", what,
	    r->owner);
}

static void
judge_rrset(struct dp_trace *t, struct dp_trace_rrset *r, const ldns_rdf *owner, uint16_t type,
    const ldns_rr_list *section, const ldns_rr_list *authority, const struct cut *cuts,
    time_t now)
{
	ldns_rr_list *rrs, *sigs;
	char tbuf[32], what[DP_NAME_TEXT_MAX + 48];
	int zi;

	r->owner = name_text(owner);
	r->type = type;
	rrs = select_rrs(section, owner, type, 0);
	sigs = select_rrs(section, owner, LDNS_RR_TYPE_RRSIG, type);
	if (rrs == NULL || sigs == NULL || r->owner == NULL)
		goto out;
	r->nrrs = ldns_rr_list_rr_count(rrs);
	snprintf(what, sizeof(what), "%s %s", r->owner, type_text(type, tbuf, sizeof(tbuf)));
	zi = -1;
	if (ldns_rr_list_rr_count(sigs) > 0) {
		const ldns_rdf *signer = ldns_rr_rrsig_signame(ldns_rr_list_rr(sigs, 0));

		/* RFC 4035 section 5.3.1: the signer is the owner's zone, at or above it. */
		if (same_name(signer, owner) || ldns_dname_is_subdomain(owner, signer))
			zi = cut_find(cuts, t->nzones, signer);
	}
	if (zi < 0)
		zi = cut_enclosing(cuts, t->nzones, owner);
	if (zi < 0) {
		r->link = DP_LINK_MISSING;
		r->why = xasprintf("no zone above %s is in the chain", what);
		goto out;
	}
	r->zone = strdup(t->zones[zi].name);
	sigs_judge(rrs, sigs, cuts[zi].keys_valid ? cuts[zi].keys : NULL, now, &r->sigs,
	    &r->nsigs);
	switch (t->zones[zi].link) {
	case DP_LINK_SECURE:
		break;
	case DP_LINK_INSECURE:
		r->link = DP_LINK_INSECURE;
		r->why = xasprintf("%s is in the insecure zone %s", what, t->zones[zi].name);
		goto out;
	default:
		r->link = DP_LINK_UNCHECKED;
		r->why = xasprintf("%s not checked: the chain to %s is broken", what,
		    t->zones[zi].name);
		goto out;
	}
	if (r->nsigs == 0) {
		r->link = DP_LINK_BOGUS;
		r->why = xasprintf("%s has no RRSIG, but %s is signed", what, t->zones[zi].name);
	} else if (sigs_any_valid(r->sigs, r->nsigs)) {
		r->link = DP_LINK_SECURE;
		if (authority != NULL && expanded(section, owner, type))
			judge_expansion(r, what, owner, authority, cuts[zi].keys, now);
	} else {
		r->link = DP_LINK_BOGUS;
		r->why = sig_why(what, sig_worst(r->sigs, r->nsigs), now);
	}
out:
	unselect(rrs);
	unselect(sigs);
}

/* Adds the RRsets of section (grouped by owner and type, RRSIGs aside) to t. */
static void
rrsets_add(struct dp_trace *t, const ldns_rr_list *section, const ldns_rr_list *authority,
    const struct cut *cuts, time_t now)
{
	size_t i, j;

	for (i = 0; i < ldns_rr_list_rr_count(section) && t->nrrsets < DP_TRACE_MAX_RRSETS; i++) {
		ldns_rr *rr = ldns_rr_list_rr(section, i);
		bool seen = false;

		if (rr_type(rr) == LDNS_RR_TYPE_RRSIG)
			continue;
		for (j = 0; j < i && !seen; j++) {
			ldns_rr *o = ldns_rr_list_rr(section, j);

			seen = rr_type(o) == rr_type(rr) && same_name(ldns_rr_owner(o),
			    ldns_rr_owner(rr));
		}
		if (!seen)
			judge_rrset(t, &t->rrsets[t->nrrsets++], ldns_rr_owner(rr), rr_type(rr),
			    section, authority, cuts, now);
	}
}

/* The owner of the records asked for: qname, after the answer's CNAMEs. */
static ldns_rdf *
final_name(const struct pool *p, const char *qname)
{
	ldns_rdf *cur = ldns_dname_new_frm_str(qname);
	size_t step, i;

	for (step = 0; cur != NULL && step < 16; step++) {
		ldns_rdf *next = NULL;

		for (i = 0; i < ldns_rr_list_rr_count(p->answer) && next == NULL; i++) {
			ldns_rr *rr = ldns_rr_list_rr(p->answer, i);

			if (rr_type(rr) == LDNS_RR_TYPE_CNAME && ldns_rr_rd_count(rr) == 1 &&
			    same_name(ldns_rr_owner(rr), cur))
				next = ldns_rdf_clone(ldns_rr_rdf(rr, 0));
		}
		if (next == NULL)
			break;
		ldns_rdf_deep_free(cur);
		cur = next;
	}
	if (cur != NULL)
		ldns_dname2canonical(cur);
	return cur;
}

static bool
has_rrset(const ldns_rr_list *list, const ldns_rdf *owner, uint16_t type)
{
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(list); i++)
		if (rr_type(ldns_rr_list_rr(list, i)) == type &&
		    same_name(ldns_rr_owner(ldns_rr_list_rr(list, i)), owner))
			return true;
	return false;
}

/*
 * A negative answer from a signed zone stands only on its NSEC or NSEC3
 * records: with their signatures valid, libldns says whether they prove
 * that name has no records of type (NODATA) or does not exist (NXDOMAIN).
 */
static void
judge_denial(struct dp_trace *t, const struct pool *p, const ldns_rdf *name, uint16_t type,
    size_t first)
{
	struct dp_trace_rrset *proof = NULL;
	ldns_rr_list *nsecs, *sigs;
	ldns_rr *q, *match;
	ldns_status st;
	char *owner, tbuf[32];
	bool nsec3 = false, all_secure = true;
	size_t i;

	for (i = first; i < t->nrrsets; i++) {
		struct dp_trace_rrset *r = &t->rrsets[i];

		if (r->type != LDNS_RR_TYPE_NSEC && r->type != LDNS_RR_TYPE_NSEC3)
			continue;
		if (proof == NULL)
			proof = r;
		nsec3 = r->type == LDNS_RR_TYPE_NSEC3;
		all_secure = all_secure && r->link == DP_LINK_SECURE;
	}
	if (proof == NULL) {
		for (i = first; i < t->nrrsets; i++)
			if (t->rrsets[i].link == DP_LINK_SECURE) {
				t->rrsets[i].link = DP_LINK_BOGUS;
				free(t->rrsets[i].why);
				t->rrsets[i].why = xasprintf("no NSEC or NSEC3 record proves that "
				    "%s has no %s, but %s is signed", t->qname,
				    type_text(type, tbuf, sizeof(tbuf)), t->rrsets[i].zone);
				return;
			}
		return;
	}
	if (!all_secure || (owner = name_text(name)) == NULL)
		return;
	nsecs = ldns_rr_list_new();
	sigs = ldns_rr_list_new();
	for (i = 0; nsecs != NULL && sigs != NULL && i < ldns_rr_list_rr_count(p->authority); i++) {
		ldns_rr *rr = ldns_rr_list_rr(p->authority, i);

		if (rr_type(rr) == (nsec3 ? LDNS_RR_TYPE_NSEC3 : LDNS_RR_TYPE_NSEC))
			ldns_rr_list_push_rr(nsecs, rr);
		else if (rr_type(rr) == LDNS_RR_TYPE_RRSIG)
			ldns_rr_list_push_rr(sigs, rr);
	}
	if (nsecs == NULL || sigs == NULL || (q = ldns_rr_new()) == NULL) {
		ldns_rr_list_free(nsecs);
		ldns_rr_list_free(sigs);
		free(owner);
		return;
	}
	ldns_rr_set_owner(q, ldns_rdf_clone(name));
	ldns_rr_set_type(q, (ldns_rr_type)type);
	ldns_rr_set_question(q, true);
	if (!nsec3)
		st = ldns_dnssec_verify_denial(q, nsecs, sigs);
	else if (p->rcode == LDNS_RCODE_NOERROR)
		st = nsec3_nodata(q, nsecs, type, &match);
	else
		st = ldns_dnssec_verify_denial_nsec3(q, nsecs, sigs, (ldns_pkt_rcode)p->rcode,
		    (ldns_rr_type)type, false);
	free(proof->why);
	if (st == LDNS_STATUS_OK)
		proof->why = p->rcode == LDNS_RCODE_NXDOMAIN ?
		    xasprintf("%s proves that %s does not exist", nsec3 ? "NSEC3" : "NSEC", owner) :
		    xasprintf("%s proves that %s has no %s", nsec3 ? "NSEC3" : "NSEC", owner,
		    type_text(type, tbuf, sizeof(tbuf)));
	else {
		proof->link = DP_LINK_BOGUS;
		proof->why = xasprintf("the %s records do not prove that %s %s", nsec3 ?
		    "NSEC3" : "NSEC", owner, p->rcode == LDNS_RCODE_NXDOMAIN ?
		    "does not exist" : "has no such records");
	}
	ldns_rr_free(q);
	ldns_rr_list_free(nsecs);
	ldns_rr_list_free(sigs);
	free(owner);
}

/* The name each RRset hangs from: its signer, else its owner. */
static void
cuts_for_section(struct cut *cuts, size_t *n, const struct dp_trace_anchors *a,
    const struct pool *p, const ldns_rr_list *section)
{
	const ldns_rdf *leaf, *seen[DP_TRACE_MAX_RRSETS];
	size_t i, j, nseen = 0;

	for (i = 0; i < ldns_rr_list_rr_count(section); i++) {
		ldns_rr *rr = ldns_rr_list_rr(section, i);

		leaf = rr_type(rr) == LDNS_RR_TYPE_RRSIG && ldns_rr_rd_count(rr) >= 9 ?
		    ldns_rr_rrsig_signame(rr) : ldns_rr_owner(rr);
		/* Each name's ancestors once: a reply of many records has few names. */
		for (j = 0; j < nseen && !same_name(seen[j], leaf); j++)
			;
		if (j < nseen)
			continue;
		if (nseen == DP_TRACE_MAX_RRSETS)
			return;
		seen[nseen++] = leaf;
		cuts_add_path(cuts, n, a, p, leaf);
	}
}

/* The first broken link; else the first missing one; else why insecure; else secure. */
static void
trace_conclude(struct dp_trace *t)
{
	static const enum dp_link order[] = { DP_LINK_BOGUS, DP_LINK_MISSING, DP_LINK_INSECURE };
	size_t i, j;

	for (j = 0; j < sizeof(order) / sizeof(order[0]); j++) {
		for (i = 0; i < t->nzones; i++)
			if (t->zones[i].link == order[j] && t->zones[i].why != NULL) {
				t->verdict = order[j];
				t->zones[i].broken = order[j] != DP_LINK_INSECURE;
				t->why = strdup(t->zones[i].why);
				return;
			}
		for (i = 0; i < t->nrrsets; i++)
			if (t->rrsets[i].link == order[j] && t->rrsets[i].why != NULL) {
				t->verdict = order[j];
				t->rrsets[i].broken = order[j] != DP_LINK_INSECURE;
				t->why = strdup(t->rrsets[i].why);
				return;
			}
	}
	t->verdict = t->nrrsets > 0 ? DP_LINK_SECURE : DP_LINK_MISSING;
	t->why = strdup(t->nrrsets > 0 ? "every link validates" : "the reply holds no records");
}

int
dp_trace_build(const struct dp_trace_anchors *anchors, const char *qname, uint16_t qtype,
    const uint8_t *reply, size_t reply_len, const uint8_t *chain, size_t chain_len,
    time_t now, struct dp_trace **out, struct dp_err *err)
{
	struct pool p = { 0 };
	struct cut cuts[DP_TRACE_MAX_ZONES];
	struct dp_trace *t;
	ldns_rdf *root = NULL, *final = NULL;
	bool negative;
	size_t n = 0, i;
	int rc = -1;

	*out = NULL;
	memset(cuts, 0, sizeof(cuts));
	if ((t = calloc(1, sizeof(*t))) == NULL || (t->qname = strdup(qname)) == NULL ||
	    (t->zones = calloc(DP_TRACE_MAX_ZONES, sizeof(*t->zones))) == NULL ||
	    (t->rrsets = calloc(DP_TRACE_MAX_RRSETS, sizeof(*t->rrsets))) == NULL) {
		dp_err_set(err, "out of memory");
		goto out;
	}
	t->qtype = qtype;
	t->at = now;
	if (pool_load(&p, reply, reply_len, chain, chain_len, err) == -1)
		goto out;
	if ((root = ldns_dname_new_frm_str(".")) == NULL) {
		dp_err_set(err, "out of memory");
		goto out;
	}
	/* The authority section matters only to a negative answer (its proof). */
	if ((final = final_name(&p, qname)) == NULL) {
		dp_err_set(err, "the question's name cannot be read");
		goto out;
	}
	negative = !has_rrset(p.answer, final, qtype);
	cuts_add_path(cuts, &n, anchors, &p, root);
	cuts_for_section(cuts, &n, anchors, &p, p.answer);
	if (negative)
		cuts_for_section(cuts, &n, anchors, &p, p.authority);
	for (i = 0; i < n; i++) {
		int j;

		cuts[i].parent = -1;
		for (j = (int)i - 1; j >= 0; j--)
			if (ldns_dname_is_subdomain(cuts[i].name, cuts[j].name)) {
				cuts[i].parent = j;
				break;
			}
	}
	t->nzones = n;
	for (i = 0; i < n; i++)
		judge_cut(t, cuts, i, anchors, &p, now);
	/* An answer's RRsets; the authority section may prove a wildcard expansion. */
	rrsets_add(t, p.answer, p.authority, cuts, now);
	if (negative) {
		size_t first = t->nrrsets;

		rrsets_add(t, p.authority, NULL, cuts, now);
		judge_denial(t, &p, final, qtype, first);
	}
	trace_conclude(t);
	*out = t;
	t = NULL;
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		ldns_rdf_deep_free(cuts[i].name);
		unselect(cuts[i].keys);
	}
	ldns_rdf_deep_free(root);
	ldns_rdf_deep_free(final);
	pool_free(&p);
	dp_trace_free(t);
	return rc;
}

static void
sigs_free(struct dp_trace_sig *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(s[i].signer);
	free(s);
}

void
dp_trace_free(struct dp_trace *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nzones; i++) {
		struct dp_trace_zone *z = &t->zones[i];

		free(z->name);
		free(z->ds);
		sigs_free(z->ds_sigs, z->nds_sigs);
		free(z->keys);
		sigs_free(z->key_sigs, z->nkey_sigs);
		sigs_free(z->denial_sigs, z->ndenial_sigs);
		free(z->why);
	}
	for (i = 0; i < t->nrrsets; i++) {
		free(t->rrsets[i].owner);
		free(t->rrsets[i].zone);
		sigs_free(t->rrsets[i].sigs, t->rrsets[i].nsigs);
		free(t->rrsets[i].why);
	}
	free(t->zones);
	free(t->rrsets);
	free(t->qname);
	free(t->why);
	free(t);
}
