/*
 * resolver_ds.c: the one place a backend's "bogus" is second-guessed.
 *
 * A backend that calls a zone bogus whose parent's secure DS RRset names
 * no algorithm or digest type it supports (getdns 1.6) has that DS RRset
 * read here, and the answer is insecure as RFC 4035 section 5.2 and RFC
 * 6840 section 5.2 say (dp_ds_walk_start).  Policy: it only ever turns
 * bogus into insecure on a secure DS RRset read in full; anything unclear
 * (no answer in time, an unreadable record, a trust anchor below the zone)
 * keeps bogus.  A bogus answer without the backend's reason gets the
 * broken link of its trace (trace.c), or else what is known: which
 * answer, below which secure DS RRset.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "dnsmsg.h"
#include "resolver_impl.h"
#include "trace.h"


/*
 * RFC 4035 section 5.2 and RFC 6840 section 5.2 ask what the validator
 * supports.  getdns 1.6 validates as unbound's val_secalgo.c does:
 * never RSAMD5 (1, RFC 6725); DSA (3, 6) as Debian builds it; RSA with
 * SHA-1, SHA-256, SHA-512 (5, 7, 8, 10); ECDSA (13, 14); Ed25519 and
 * Ed448 (15, 16); GOST (12, digest type 3) only where OpenSSL loads the
 * GOST engine.  Counting an algorithm as supported that is not keeps a
 * zone bogus, the safe error; the converse would make it insecure, so
 * GOST counts.
 */
static bool
ds_algorithm_supported(uint8_t alg)
{
	switch (alg) {
	case 3: case 5: case 6: case 7: case 8: case 10:
	case 12: case 13: case 14: case 15: case 16:
		return true;
	}
	return false;
}

/* SHA-1, SHA-256, GOST R 34.11-94, SHA-384 (RFC 3658, 4509, 5933, 6605). */
static bool
ds_digest_supported(uint8_t type)
{
	return type >= 1 && type <= 4;
}

bool
dp_ds_rrset_supported(const struct dp_answer *ds)
{
	size_t i;

	if (ds->nrrs == 0)
		return true;
	for (i = 0; i < ds->nrrs; i++) {
		const struct dp_record *rr = &ds->rrs[i];

		/* Key tag (2), algorithm (1), digest type (1), a digest (RFC 4034 section 5.1). */
		if (rr->type != DP_TYPE_DS || rr->rdlen < 5)
			return true;
		if (ds_algorithm_supported(rr->rdata[2]) && ds_digest_supported(rr->rdata[3]))
			return true;
	}
	return false;
}

/*
 * The i-th name whose DS RRset the recheck of a bogus answer at name
 * asks: name itself (its DS, in the parent, decides whether name is the
 * apex of a zone of its own), then each ancestor, closest first, up to
 * but not including the root, which has no DS.  A DS answer comes from
 * the parent, so for one the walk starts there.  NULL past the last.
 */
static const char *
ds_ancestor(const char *name, uint16_t qtype, size_t i)
{
	const char *p = name;

	if (qtype == DP_TYPE_DS)
		i++;
	for (; i > 0; i--) {
		if ((p = strchr(p, '.')) == NULL)
			return NULL;
		p++;
	}
	return *p == '\0' || strcmp(p, ".") == 0 ? NULL : p;
}

/* Whether canonical name is zone or below it (both with the trailing dot). */
static bool
name_under(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);

	if (strcmp(zone, ".") == 0)
		return true;
	if (z > n || strcasecmp(name + n - z, zone) != 0)
		return false;
	return z == n || name[n - z - 1] == '.';
}

/*
 * Whether a trust anchor sits at zone or between it and name: then the
 * parent's DS RRset of zone does not decide, the anchor does.
 */
static bool
anchored_between(const struct dp_resolver *res, const char *name, const char *zone)
{
	size_t i;

	if (res->anchors_unclear)
		return true;
	for (i = 0; i < res->nanchors; i++)
		if (name_under(name, res->anchors[i]) && name_under(res->anchors[i], zone))
			return true;
	return false;
}

static enum dp_ds_verdict
ds_verdict(const struct dp_answer *ds)
{
	if (ds->status != DP_LOOKUP_ANSWERED ||
	    (ds->rcode != DP_RCODE_NOERROR && ds->rcode != DP_RCODE_NXDOMAIN))
		return DP_DS_UNKNOWN;
	/* Bogus or insecure (names inside the broken zone), NODATA, an alias: go on up. */
	if (ds->state != DP_DNSSEC_SECURE || ds->rcode != DP_RCODE_NOERROR ||
	    ds->ncnames > 0 || ds->nrrs == 0)
		return DP_DS_NONE;
	return dp_ds_rrset_supported(ds) ? DP_DS_SUPPORTED : DP_DS_UNSUPPORTED;
}

/*
 * Reads the walk closest ancestor first: the first secure DS RRset
 * decides, and an ancestor without a usable answer stops the walk
 * undecided.  Returns whether no more answers are needed; *v is the
 * verdict (DP_DS_UNKNOWN: undecided, or no secure DS RRset at all) and
 * *at the ancestor it is about.
 */
static bool
ds_decide(const struct dp_query *q, enum dp_ds_verdict *v, size_t *at)
{
	size_t i;

	*v = DP_DS_UNKNOWN;
	for (i = 0; i < q->nds; i++) {
		switch (q->ds_verdict[i]) {
		case DP_DS_NONE:
			continue;
		case DP_DS_UNKNOWN:
			return q->ds[i] == NULL;	/* asked and not yet answered: wait */
		default:
			*v = q->ds_verdict[i];
			*at = i;
			return true;
		}
	}
	return true;
}

static void
ds_answer(struct dp_answer *sub, void *arg)
{
	struct dp_query *q = arg;
	enum dp_ds_verdict v;
	size_t i;

	for (i = 0; i < q->nds; i++)
		if (q->ds[i] != NULL && strcmp(q->ds[i]->qname, sub->qname) == 0) {
			q->ds[i] = NULL;
			q->ds_pending--;
			q->ds_verdict[i] = ds_verdict(sub);
			break;
		}
	dp_answer_free(sub);
	if (ds_decide(q, &v, &i))
		dp_query_cancel_ds(q);
	dp_query_deliver_when_done(q);
}

/*
 * A bogus answer from a backend that may call a zone with unsupported DS
 * algorithms bogus (recheck_bogus_ds): the DS RRsets of the final name
 * and its ancestors are asked, all at once and bounded in number; the
 * answer waits for them as for its CNAME steps, and its own deadline
 * bounds it all.  A name with escapes is not taken apart: bogus stays.
 */
void
dp_ds_walk_start(struct dp_query *q)
{
	struct dp_answer *ans = q->answer;
	const char *name;
	size_t i;

	if (!q->res->ops->recheck_bogus_ds || q->inner ||
	    ans->status != DP_LOOKUP_ANSWERED || ans->state != DP_DNSSEC_BOGUS ||
	    ans->final_name == NULL || strchr(ans->final_name, '\\') != NULL)
		return;
	q->ds_walked = true;
	for (i = 0; i < DP_MAX_DS_WALK &&
	    (name = ds_ancestor(ans->final_name, q->qtype, i)) != NULL; i++) {
		q->ds_verdict[i] = DP_DS_UNKNOWN;
		q->ds[i] = dp_query_start(q->res, name, DP_TYPE_DS, ds_answer, q, true, NULL);
		if (q->ds[i] != NULL)
			q->ds_pending++;
	}
	q->nds = i;
}

/* Every CNAME step shown secure or insecure by its own answer. */
static bool
cname_steps_sound(const struct dp_answer *ans)
{
	size_t i;

	for (i = 0; i < ans->ncnames; i++)
		if (ans->cnames[i].state != DP_DNSSEC_SECURE &&
		    ans->cnames[i].state != DP_DNSSEC_INSECURE)
			return false;
	return true;
}

static void
answer_set_why(struct dp_answer *ans, const char *why)
{
	char *dup;

	if ((dup = strdup(why)) == NULL)
		return;
	free(ans->why);
	ans->why = dup;
}

/*
 * A bogus answer without the backend's reason: what is known is the
 * answer and, from the walk, the closest secure DS RRset above it.
 */
static void
bogus_why(struct dp_answer *ans, const char *zone)
{
	char why[3 * DP_NAME_TEXT_MAX + 128];
	size_t used;

	used = (size_t)snprintf(why, sizeof(why), "%s %s", ans->qname,
	    dp_type_name(ans->qtype));
	if (used < sizeof(why) && ans->final_name != NULL &&
	    strcmp(ans->final_name, ans->qname) != 0)
		used += (size_t)snprintf(why + used, sizeof(why) - used,
		    " (after CNAMEs, at %s)", ans->final_name);
	if (used < sizeof(why))
		used += (size_t)snprintf(why + used, sizeof(why) - used,
		    " did not validate");
	if (used < sizeof(why) && zone != NULL)
		snprintf(why + used, sizeof(why) - used, " below the secure DS RRset of %s",
		    zone);
	answer_set_why(ans, why);
}

/*
 * Before delivery: the DS walk's verdict, then a reason for a bogus
 * answer that has none.  Insecure needs a secure DS RRset with nothing
 * supported at the closest secure cut, every CNAME step sound, a real
 * answer and no trust anchor of its own below that DS.
 */
static void
judge_bogus(struct dp_query *q)
{
	struct dp_answer *ans = q->answer;
	enum dp_ds_verdict v = DP_DS_UNKNOWN;
	const char *zone = NULL;
	char why[DP_NAME_TEXT_MAX + 256];
	size_t at = 0;

	if (ans->state != DP_DNSSEC_BOGUS)
		return;
	if (q->ds_walked && ds_decide(q, &v, &at) && v != DP_DS_UNKNOWN)
		zone = ds_ancestor(ans->final_name, q->qtype, at);
	if (v == DP_DS_UNSUPPORTED && zone != NULL && cname_steps_sound(ans) &&
	    (ans->rcode == DP_RCODE_NOERROR || ans->rcode == DP_RCODE_NXDOMAIN) &&
	    !anchored_between(q->res, ans->final_name, zone)) {
		ans->state = DP_DNSSEC_INSECURE;
		snprintf(why, sizeof(why), "the DS RRset of %s names no algorithm with a "
		    "digest type that %s supports, so the zone is insecure (RFC 4035 "
		    "section 5.2, RFC 6840 section 5.2)", zone, ans->backend);
		answer_set_why(ans, why);
		return;
	}
	if (ans->why != NULL)
		return;
	/* The broken link, from the records (trace.c), whatever the backend said. */
	if (ans->trace != NULL && (ans->trace->verdict == DP_LINK_BOGUS ||
	    ans->trace->verdict == DP_LINK_MISSING))
		answer_set_why(ans, ans->trace->why);
	else
		bogus_why(ans, zone);
}

void
dp_query_judge(struct dp_query *q)
{
	struct dp_answer *ans = q->answer;

	judge_bogus(q);
	/* Asked only for the reason: an answer carries a trace only with --trace. */
	if (!q->res->cfg.trace) {
		dp_trace_free(ans->trace);
		ans->trace = NULL;
		free(ans->trace_error);
		ans->trace_error = NULL;
	}
}
