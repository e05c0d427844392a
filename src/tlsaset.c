/*
 * tlsaset.c: classifying a TLSA lookup.
 *
 * Policy (RFC 6698 section 4.1, RFC 7671 section 4, fail closed):
 *   timeout or failure or SERVFAIL or an undetermined DNSSEC state: the
 *     records could not be authenticated, a failure;
 *   bogus: a failure, with the validator's reason;
 *   insecure: DANE is not in force;
 *   secure NXDOMAIN/NODATA: DANE is not in force, securely;
 *   secure records none of which is usable: a failure of its own, never
 *     a silent fall back to the CA store.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dnsmsg.h"
#include "tlsaset.h"
#include "zonefile.h"

static enum dp_reason
classify(const struct dp_tlsaset *set, char *detail, size_t len)
{
	const struct dp_answer *ans = set->ans;
	char when[32];
	size_t used;

	switch (dp_answer_trust(ans, detail, len)) {
	case DP_TRUST_TIMEOUT:
		return DP_R_TLSA_TIMEOUT;
	case DP_TRUST_FAILED:
	case DP_TRUST_UNDETERMINED:
		return DP_R_TLSA_LOOKUP_FAILED;
	case DP_TRUST_BOGUS:
		/*
		 * The reason is the validator's, or for getdns (which has none)
		 * the answer and zone resolver.c names; an expired signature
		 * over the records we can see ourselves.
		 */
		if (ans->sig_expires != 0 && ans->sig_expires < time(NULL)) {
			dp_format_time_utc(ans->sig_expires, when, sizeof(when));
			used = strlen(detail);
			snprintf(detail + used, len - used, "; the RRSIG expired %s", when);
		}
		return DP_R_TLSA_BOGUS;
	case DP_TRUST_INSECURE:
		return DP_R_TLSA_INSECURE;
	case DP_TRUST_SECURE:
		break;
	}
	if (ans->rcode == DP_RCODE_NXDOMAIN)
		return DP_R_TLSA_NXDOMAIN;
	if (set->nrecs == 0)
		return DP_R_TLSA_NODATA;
	if (set->nusable == 0)
		return DP_R_TLSA_NONE_USABLE;
	return DP_R_TLSA_SECURE;
}

int
dp_tlsaset_from_answer(struct dp_tlsaset *set, struct dp_answer *ans, bool smtp)
{
	size_t i;

	set->ans = ans;
	snprintf(set->owner, sizeof(set->owner), "%s", ans->qname);
	if (ans->nrrs > DP_TLSA_MAX_RECORDS) {
		set->reason = DP_R_TLSA_LOOKUP_FAILED;
		snprintf(set->detail, sizeof(set->detail),
		    "%zu records in the RRset (at most %d)", ans->nrrs,
		    DP_TLSA_MAX_RECORDS);
		return 0;
	}
	if (ans->nrrs > 0 && (set->recs = calloc(ans->nrrs, sizeof(*set->recs))) == NULL)
		return -1;
	for (i = 0; i < ans->nrrs; i++) {
		if (dp_tlsa_from_rdata(ans->rrs[i].rdata, ans->rrs[i].rdlen, smtp,
		    &set->recs[i]) == -1)
			return -1;
		set->nrecs++;
		if (set->recs[i].usability == DP_TLSA_USABLE)
			set->nusable++;
	}
	set->reason = classify(set, set->detail, sizeof(set->detail));
	return 0;
}

int
dp_tlsaset_add_text(struct dp_tlsaset *set, const char *text, bool smtp,
    struct dp_err *err)
{
	struct dp_tlsa *recs;

	if (set->nrecs >= DP_TLSA_MAX_RECORDS)
		return dp_err_set(err, "more than %d TLSA records", DP_TLSA_MAX_RECORDS);
	if ((recs = reallocarray(set->recs, set->nrecs + 1, sizeof(*recs))) == NULL)
		return dp_err_set(err, "out of memory");
	set->recs = recs;
	if (dp_tlsa_parse_text(text, smtp, &set->recs[set->nrecs], err) == -1)
		return -1;
	if (set->recs[set->nrecs].usability == DP_TLSA_USABLE)
		set->nusable++;
	set->nrecs++;
	set->out_of_band = true;
	set->reason = set->nusable > 0 ? DP_R_TLSA_OUT_OF_BAND : DP_R_TLSA_NONE_USABLE;
	snprintf(set->detail, sizeof(set->detail), "records from the command line, not DNSSEC");
	return 0;
}

int
dp_tlsaset_add_file(struct dp_tlsaset *set, const char *file, bool smtp,
    struct dp_err *err)
{
	struct dp_zone_reader zr;
	struct dp_zone_record rec;
	struct dp_err why;
	unsigned added = 0;
	int rc;

	if (dp_zone_open(&zr, "--tlsa-file", file, DP_TLSA_FILE_MAX,
	    DP_TLSA_RECORD_MAX, err) == -1)
		return -1;
	while ((rc = dp_zone_next(&zr, &rec, err)) == 1) {
		if (dp_tlsaset_add_text(set, rec.text, smtp, &why) == -1) {
			rc = dp_zone_error(&zr, rec.line, err, "%s", why.msg);
			break;
		}
		added++;
	}
	if (rc == 0 && added == 0)
		rc = dp_zone_error(&zr, 0, err, "no TLSA records in file");
	dp_zone_close(&zr);
	return rc == -1 ? -1 : 0;
}

void
dp_tlsaset_require_refname(struct dp_tlsaset *set)
{
	size_t i;

	set->nusable = 0;
	for (i = 0; i < set->nrecs; i++) {
		struct dp_tlsa *t = &set->recs[i];

		if (t->usability == DP_TLSA_USABLE && t->usage != DP_TLSA_DANE_EE)
			t->usability = DP_TLSA_NO_REFNAME;
		if (t->usability == DP_TLSA_USABLE)
			set->nusable++;
	}
	if (set->reason == DP_R_TLSA_OUT_OF_BAND && set->nusable == 0) {
		set->reason = DP_R_TLSA_NONE_USABLE;
		snprintf(set->detail, sizeof(set->detail), "an address gives no name to "
		    "check the certificate against: only DANE-EE(3) pins an address "
		    "without --name");
	}
}

int
dp_tlsaset_copy(struct dp_tlsaset *dst, const struct dp_tlsaset *src, struct dp_err *err)
{
	size_t i;

	*dst = *src;
	dst->ans = NULL;
	dst->recs = NULL;
	dst->nrecs = 0;
	if (src->nrecs > 0 && (dst->recs = calloc(src->nrecs, sizeof(*dst->recs))) == NULL)
		return dp_err_set(err, "out of memory");
	for (i = 0; i < src->nrecs; i++) {
		dst->recs[i] = src->recs[i];
		if ((dst->recs[i].data = malloc(src->recs[i].datalen + 1)) == NULL) {
			dp_tlsaset_clear(dst);
			return dp_err_set(err, "out of memory");
		}
		memcpy(dst->recs[i].data, src->recs[i].data, src->recs[i].datalen);
		dst->nrecs++;
	}
	return 0;
}

void
dp_tlsaset_clear(struct dp_tlsaset *set)
{
	size_t i;

	for (i = 0; i < set->nrecs; i++)
		dp_tlsa_clear(&set->recs[i]);
	free(set->recs);
	dp_answer_free(set->ans);
	memset(set, 0, sizeof(*set));
}
