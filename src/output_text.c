/*
 * output_text.c: text for people.  The first line is the verdict and
 * names what was checked; the lines under it give the evidence.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "dnsmsg.h"
#include "output.h"

/* Full certificates in TLSA data are long; without -v show this many hex digits. */
#define SHORT_HEX	64

/* The first line of every report: "WHAT: STATE: reason[: detail]". */
static void
text_verdict(FILE *fp, const char *what, enum dp_reason reason, const char *detail)
{
	fprintf(fp, "%s: %s: %s%s%s\n", what, dp_exit_word(dp_reason_exit(reason)),
	    dp_reason_text(reason), detail && *detail ? ": " : "", detail ? detail : "");
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

static void
text_match(FILE *fp, const struct dp_dane_match *m)
{
	struct dp_tlsa t = { .usage = m->usage, .selector = m->selector, .mtype = m->mtype };
	char acr[96];

	dp_tlsa_acronyms(&t, acr, sizeof(acr));
	if (m->depth == 0)
		fprintf(fp, ": %s matched the leaf certificate", acr);
	else
		fprintf(fp, ": %s matched the issuer at depth %d", acr, m->depth);
}

static void
text_chain(FILE *fp, const struct dp_probe *p)
{
	struct dp_cert_info ci;
	char when[32];
	int i, j;

	for (i = 0; i < sk_X509_num(p->facts.chain); i++) {
		dp_cert_info(sk_X509_value(p->facts.chain, i), &ci);
		dp_format_time(ci.not_after, when, sizeof(when));
		fprintf(fp, "      [%d] subject %s\n          issuer %s\n          notAfter %s, "
		    "SPKI SHA-256 %s\n", i, ci.subject, ci.issuer, when, ci.spki_sha256);
		if (ci.nsans > 0) {
			fprintf(fp, "          SAN");
			for (j = 0; j < ci.nsans; j++)
				fprintf(fp, " %s", ci.sans[j]);
			if (ci.more_sans)
				fprintf(fp, " (+%d more)", ci.more_sans);
			fprintf(fp, "\n");
		}
	}
}

static void
text_probe_detail(FILE *fp, const struct dp_check_target *t, const struct dp_probe *p)
{
	const struct dp_tlsaset *set = t->used_expanded ? &t->tlsa_exp : &t->tlsa;
	char buf[256], acr[96];
	size_t i;

	if (p->dialect != NULL)
		fprintf(fp, "    STARTTLS %s: %s\n", p->dialect,
		    p->starttls_phase ? p->starttls_phase : "not reached");
	if (p->facts.version[0])
		fprintf(fp, "    %s, %s\n", p->facts.version, p->facts.cipher);
	fprintf(fp, "    timings: connect %llu ms, handshake %llu ms\n",
	    (unsigned long long)p->connect_ms, (unsigned long long)p->handshake_ms);
	if (p->facts.chain != NULL) {
		fprintf(fp, "    chain presented:\n");
		text_chain(fp, p);
	}
	for (i = 0; i < set->nrecs; i++) {
		dp_tlsa_acronyms(&set->recs[i], acr, sizeof(acr));
		fprintf(fp, "    record %zu %s: %s\n", i + 1, acr,
		    dp_record_outcome(t, p, i, buf, sizeof(buf)));
	}
}

static void
text_target(FILE *fp, const struct dp_config *cfg, const struct dp_check_target *t)
{
	const struct dp_tlsaset *set = t->used_expanded ? &t->tlsa_exp : &t->tlsa;
	char summary[768];
	size_t i;

	dp_target_summary(t, summary, sizeof(summary));
	fprintf(fp, "%s%s%s%s: %s: %s\n", t->tg.display, t->opts.dialect ? " (STARTTLS " : "",
	    t->opts.dialect ? t->opts.dialect->name : "", t->opts.dialect ? ")" : "",
	    dp_exit_word(t->exit_code), summary);
	if (set->ans != NULL || set->nrecs > 0) {
		fprintf(fp, "  TLSA %s", set->owner);
		if (set->ans != NULL)
			fprintf(fp, " (DNSSEC %s)", dp_dnssec_name(set->ans->state));
		fprintf(fp, ": %zu record%s, %zu usable%s\n", set->nrecs,
		    set->nrecs == 1 ? "" : "s", set->nusable,
		    t->used_expanded ? ", at the CNAME-expanded name (RFC 7671 section 7)" : "");
	}
	if (t->addr_reason == DP_R_ADDR_LOOKUP_FAILED)
		fprintf(fp, "  %s: %s\n", dp_reason_text(t->addr_reason), t->addr_detail);
	if (t->addrs_dropped > 0)
		fprintf(fp, "  %zu more addresses not checked (at most %d per host)\n",
		    t->addrs_dropped, DP_MAX_ADDRS);
	for (i = 0; i < t->nprobes; i++) {
		const struct dp_probe *p = &t->probes[i];

		fprintf(fp, "  %s: %s", p->label, dp_reason_text(p->facts.reason));
		if (p->facts.reason == DP_R_VERIFIED)
			text_match(fp, &p->facts.match);
		else if (p->facts.detail[0])
			fprintf(fp, " (%s)", p->facts.detail);
		fprintf(fp, "\n");
		if (cfg->verbose)
			text_probe_detail(fp, t, p);
	}
	if (cfg->verbose) {
		text_tlsa_records(fp, set, cfg->verbose > 1);
		if (set->ans != NULL)
			text_answer(fp, set->ans);
	}
}

static int
text_check(FILE *fp, const struct dp_config *cfg, const struct dp_check_report *rep)
{
	size_t i;

	for (i = 0; i < rep->ntargets; i++)
		text_target(fp, cfg, &rep->targets[i]);
	if (cfg->verbose)
		fprintf(fp, "total %llu ms, backend %s\n", (unsigned long long)rep->elapsed_ms,
		    rep->backend ? rep->backend : "none (no DNS needed)");
	return ferror(fp) ? -1 : 0;
}

static int
text_smtp(FILE *fp, const struct dp_config *cfg, const struct dp_smtp_report *rep)
{
	char summary[768];
	size_t i;

	dp_smtp_summary(rep, summary, sizeof(summary));
	fprintf(fp, "%.*s: %s: %s\n", (int)strlen(rep->domain) - 1, rep->domain,
	    dp_exit_word(rep->exit_code), summary);
	for (i = 0; i < rep->nhosts; i++)
		fprintf(fp, "  MX %d %s\n", rep->hosts[i].preference, rep->hosts[i].host);
	if (cfg->verbose && rep->mx != NULL)
		text_answer(fp, rep->mx);
	for (i = 0; i < rep->check.ntargets; i++)
		text_target(fp, cfg, &rep->check.targets[i]);
	return ferror(fp) ? -1 : 0;
}

const struct dp_renderer dp_renderer_text = {
	.format = DP_FMT_TEXT,
	.lookup = text_lookup,
	.check = text_check,
	.smtp = text_smtp,
};
