/*
 * output_text.c: text for people.  The first line is the verdict and
 * names what was checked; the lines under it give the evidence.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "output.h"

/* Full certificates in TLSA data are long; without -v show this many hex digits. */
#define SHORT_HEX	64

static void
text_verdict(FILE *fp, const char *what, enum dp_reason reason, const char *detail)
{
	fprintf(fp, "%s: %s%s%s\n", what, dp_reason_text(reason),
	    detail && *detail ? ": " : "", detail ? detail : "");
}

static void
text_tlsa_records(FILE *fp, const struct dp_tlsaset *set, int verbose)
{
	size_t i;

	for (i = 0; i < set->nrecs; i++) {
		const struct dp_tlsa *t = &set->recs[i];
		char acr[96], more[48] = "", *txt = dp_tlsa_to_text(t);
		int shown = txt != NULL ? (int)strlen(txt) : 0;

		dp_tlsa_acronyms(t, acr, sizeof(acr));
		if (!verbose && shown > SHORT_HEX + 6) {
			shown = SHORT_HEX + 6;
			snprintf(more, sizeof(more), "... (%zu octets)", t->datalen);
		}
		fprintf(fp, "  %.*s%s  %s  %s%s\n", shown, txt ? txt : "", more, acr,
		    t->usability == DP_TLSA_USABLE ? "usable" : "unusable: ",
		    t->usability == DP_TLSA_USABLE ? "" :
		    dp_tlsa_usability_text(t->usability));
		free(txt);
	}
}

static void
text_answer(FILE *fp, const struct dp_answer *ans)
{
	char when[32];
	size_t i;

	fprintf(fp, "  dnssec %s, backend %s", dp_dnssec_name(ans->state), ans->backend);
	if (ans->rcode >= 0)
		fprintf(fp, ", rcode %s", dp_rcode_name(ans->rcode));
	if (ans->has_ttl)
		fprintf(fp, ", ttl %u", ans->ttl);
	if (ans->sig_expires != 0) {
		dp_format_time(ans->sig_expires, when, sizeof(when));
		fprintf(fp, ", signatures expire %s (in %.1f days)", when,
		    difftime(ans->sig_expires, time(NULL)) / 86400.0);
	}
	fprintf(fp, ", %llu ms\n", (unsigned long long)ans->elapsed_ms);
	if (ans->why != NULL && ans->state != DP_DNSSEC_SECURE)
		fprintf(fp, "  why: %s\n", ans->why);
	for (i = 0; i < ans->ncnames; i++)
		fprintf(fp, "  CNAME %s -> %s (%s)\n", ans->cnames[i].owner,
		    ans->cnames[i].target, dp_dnssec_name(ans->cnames[i].state));
}

static int
text_lookup(FILE *fp, const struct dp_config *cfg, const struct dp_lookup_report *rep)
{
	const struct dp_tlsaset *set = &rep->set;
	char what[DP_NAME_TEXT_MAX + 8];

	snprintf(what, sizeof(what), "%s TLSA", set->owner);
	text_verdict(fp, what, set->reason, set->detail);
	if (set->ans != NULL)
		text_answer(fp, set->ans);
	text_tlsa_records(fp, set, cfg->verbose);
	return ferror(fp) ? -1 : 0;
}

const struct dp_renderer dp_renderer_text = {
	.format = DP_FMT_TEXT,
	.lookup = text_lookup,
};
