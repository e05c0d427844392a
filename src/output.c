/*
 * output.c: the table of renderers and what they share.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "output.h"

static const struct dp_renderer *const renderers[] = {
	&dp_renderer_text,
	&dp_renderer_json,
	&dp_renderer_metrics,
};

const struct dp_renderer *
dp_renderer_for(enum dp_format format)
{
	size_t i;

	for (i = 0; i < sizeof(renderers) / sizeof(renderers[0]); i++)
		if (renderers[i]->format == format)
			return renderers[i];
	return renderers[0];
}

void
dp_format_time(time_t t, char *buf, size_t len)
{
	dp_format_time_utc(t, buf, len);
}

const char *
dp_record_outcome(const struct dp_target_result *r, const struct dp_addr_result *a,
    size_t i, char *buf, size_t len)
{
	const struct dp_tlsa *rec = &r->tlsa.recs[i];

	switch (a->records != NULL ? a->records[i] : DP_REC_NOT_TRIED) {
	case DP_REC_UNUSABLE:
		snprintf(buf, len, "unusable: %s", dp_tlsa_usability_text(rec->usability));
		break;
	case DP_REC_REJECTED:
		snprintf(buf, len, "unusable: OpenSSL rejected it");
		break;
	case DP_REC_NOT_TRIED:
		snprintf(buf, len, "not tried");
		break;
	case DP_REC_MATCHED:
		snprintf(buf, len, "matched at depth %d", a->match.depth);
		break;
	case DP_REC_NOT_MATCHED:
		snprintf(buf, len, "not matched");
		break;
	}
	return buf;
}

void
dp_target_summary(const struct dp_target_result *r, char *buf, size_t len)
{
	const struct dp_tlsaset *set = &r->tlsa;
	size_t i, ok = 0, total = r->naddrs + r->nleft_out;
	char cut[96] = "";

	for (i = 0; i < r->naddrs; i++)
		if (r->addrs[i].reason == DP_R_VERIFIED)
			ok++;
	if (r->nleft_out > 0)
		snprintf(cut, sizeof(cut), ", %zu not checked (over --max-addresses %zu)",
		    r->nleft_out, r->naddrs);
	if (r->addr_reason == DP_R_ADDR_BOGUS || r->addr_reason == DP_R_NO_ADDRESS ||
	    r->addr_reason == DP_R_INTERNAL || r->addr_reason == DP_R_BAD_TARGET ||
	    r->addr_reason == DP_R_NOT_STARTED)
		snprintf(buf, len, "%s: %s", dp_reason_text(r->addr_reason), r->addr_detail);
	else if (!dp_tlsaset_in_force(set))
		snprintf(buf, len, "%s%s%s", dp_reason_text(set->reason),
		    set->detail[0] ? ": " : "", set->detail);
	else
		snprintf(buf, len, "%zu of %zu address%s verified%s%s%s", ok, total,
		    total == 1 ? "" : "es",
		    set->reason == DP_R_TLSA_OUT_OF_BAND ? " against records from the command line (not DNSSEC)" : "",
		    cut, r->addr_reason == DP_R_ADDR_LOOKUP_FAILED ? "; an address lookup failed" : "");
}

const char *
dp_record_text(uint16_t type, const struct dp_record *rec, char *buf, size_t len)
{
	char name[DP_NAME_TEXT_MAX], *txt;
	struct dp_tlsa t;
	size_t i, o;

	buf[0] = '\0';
	if (type == DP_TYPE_TLSA && dp_tlsa_from_rdata(rec->rdata, rec->rdlen, false, &t) == 0) {
		if ((txt = dp_tlsa_to_text(&t)) != NULL)
			snprintf(buf, len, "%s", txt);
		free(txt);
		dp_tlsa_clear(&t);
		return buf;
	}
	if (type == DP_TYPE_MX && rec->rdlen >= 3) {
		/* Stored uncompressed (answer.c): preference, then the host. */
		dp_name_wire_to_text(rec->rdata + 2, name, sizeof(name));
		snprintf(buf, len, "%u %s", (unsigned)(rec->rdata[0] << 8 | rec->rdata[1]), name);
		return buf;
	}
	o = (size_t)snprintf(buf, len, "\\# %zu ", rec->rdlen);
	for (i = 0; i < rec->rdlen && o + 3 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%02x", rec->rdata[i]);
	return buf;
}

void
dp_servers_summary(const struct dp_servers_report *rep, char *buf, size_t len)
{
	size_t i, bad = 0;

	for (i = 0; i < rep->nservers; i++)
		if (rep->servers[i].exit_code != DP_EXIT_OK)
			bad++;
	if (rep->exit_code == DP_EXIT_UNCHECKED && rep->detail[0] != '\0')
		snprintf(buf, len, "%s", rep->detail);
	else if (rep->exit_code == DP_EXIT_UNCHECKED)
		snprintf(buf, len, "%zu name server%s or address%s over the limits not asked",
		    rep->left_out, rep->left_out == 1 ? "" : "s", rep->left_out == 1 ? "" : "es");
	else if (bad > 0)
		snprintf(buf, len, "%zu of %zu server address%s differ%s or %s broken", bad,
		    rep->nservers, rep->nservers == 1 ? "" : "es", bad == 1 ? "s" : "",
		    bad == 1 ? "is" : "are");
	else
		snprintf(buf, len, "all %zu server address%s agree", rep->nservers,
		    rep->nservers == 1 ? "" : "es");
}

const char *
dp_mx_host_outcome(const struct dp_mx_host *h, char *buf, size_t len)
{
	switch (h->state) {
	case DP_MX_CHECKED:
		snprintf(buf, len, "checked");
		break;
	case DP_MX_UNUSABLE:
		snprintf(buf, len, "not checked: %s", h->why);
		break;
	case DP_MX_LEFT_OUT:
		snprintf(buf, len, "not checked: over --max-mx");
		break;
	case DP_MX_NOT_STARTED:
		snprintf(buf, len, "not checked: the run's deadline (-t) came first");
		break;
	}
	return buf;
}

void
dp_smtp_summary(const struct dp_smtp_report *rep, char *buf, size_t len)
{
	size_t i, j, ok = 0, total = 0, o;

	if (rep->mx_reason != DP_R_MX_SECURE) {
		snprintf(buf, len, "%s%s%s", dp_reason_text(rep->mx_reason),
		    rep->mx_detail[0] ? ": " : "", rep->mx_detail);
		return;
	}
	for (i = 0; i < rep->check.ntargets; i++)
		for (j = 0; j < rep->check.targets[i].naddrs; j++, total++)
			if (rep->check.targets[i].addrs[j].reason == DP_R_VERIFIED)
				ok++;
	if (rep->check.ntargets == 0) {
		snprintf(buf, len, "%s", dp_reason_text(DP_R_MX_NO_HOST));
		o = strlen(buf);
		if (rep->implicit_mx && rep->mx_detail[0] != '\0')
			snprintf(buf + o, len - o, ": implicit MX: %s", rep->mx_detail);
	} else
		snprintf(buf, len, "%s%zu MX host%s, %zu of %zu addresses verified",
		    rep->implicit_mx ? "implicit MX: " : "", rep->check.ntargets,
		    rep->check.ntargets == 1 ? "" : "s", ok, total);
	o = strlen(buf);
	if (rep->nunusable > 0 && !rep->implicit_mx)
		snprintf(buf + o, len - o, "; %zu MX host%s with a name that cannot be checked",
		    rep->nunusable, rep->nunusable == 1 ? "" : "s");
	o = strlen(buf);
	if (rep->nleft_out > 0)
		snprintf(buf + o, len - o, "; %zu MX host%s not checked (over --max-mx %u)",
		    rep->nleft_out, rep->nleft_out == 1 ? "" : "s", rep->max_mx);
}

/* The chain's verdict ("DANE-EE(3) SPKI(1) SHA2-256(1) matched the leaf certificate"). */
static void
verify_why(const struct dp_target_result *r, char *buf, size_t len)
{
	const struct dp_addr_result *a = &r->addrs[0];
	struct dp_tlsa t = { .usage = a->match.usage, .selector = a->match.selector,
	    .mtype = a->match.mtype };
	char acr[96];

	if (a->reason != DP_R_VERIFIED) {
		snprintf(buf, len, "%s%s%s", dp_reason_text(a->reason), a->detail[0] ? ": " : "",
		    a->detail);
		return;
	}
	dp_tlsa_acronyms(&t, acr, sizeof(acr));
	if (a->match.depth == 0)
		snprintf(buf, len, "%s matched the leaf certificate", acr);
	else
		snprintf(buf, len, "%s matched the certificate at depth %d", acr, a->match.depth);
}

void
dp_verify_summary(const struct dp_target_result *r, char *buf, size_t len)
{
	size_t o;

	if (r->naddrs == 0 || r->addr_reason == DP_R_ADDR_BOGUS ||
	    r->addr_reason == DP_R_ADDR_LOOKUP_FAILED || r->addr_reason == DP_R_INTERNAL ||
	    r->addr_reason == DP_R_BAD_TARGET || r->addr_reason == DP_R_NOT_STARTED) {
		dp_target_summary(r, buf, len);
		return;
	}
	if (!dp_tlsaset_in_force(&r->tlsa)) {
		snprintf(buf, len, "%s%s%s", dp_reason_text(r->tlsa.reason),
		    r->tlsa.detail[0] ? ": " : "", r->tlsa.detail);
		return;
	}
	verify_why(r, buf, len);
	o = strlen(buf);
	if (r->tlsa.reason == DP_R_TLSA_OUT_OF_BAND && o < len)
		snprintf(buf + o, len - o, " (records from the command line, not DNSSEC)");
}

/* True when every usable record of set is DANE-EE(3): then no date takes part. */
static bool
only_dane_ee(const struct dp_tlsaset *set)
{
	size_t i, n = 0;

	for (i = 0; i < set->nrecs; i++)
		if (set->recs[i].usability == DP_TLSA_USABLE) {
			if (set->recs[i].usage != DP_TLSA_DANE_EE)
				return false;
			n++;
		}
	return n > 0;
}

bool
dp_verify_time_note(const struct dp_target_result *r, char *buf, size_t len)
{
	const struct dp_offline *off = r->opts.offline;
	const struct dp_addr_result *a = r->naddrs > 0 ? &r->addrs[0] : NULL;
	char when[32];

	if (off == NULL || off->at == 0)
		return false;
	dp_format_time(off->at, when, sizeof(when));
	if ((a != NULL && a->reason == DP_R_VERIFIED && a->match.usage == DP_TLSA_DANE_EE) ||
	    only_dane_ee(&r->tlsa))
		snprintf(buf, len, "as of %s; DANE-EE(3) ignores the certificate's dates "
		    "(RFC 7671 section 5.1), so the time does not change this verdict", when);
	else
		snprintf(buf, len, "as of %s; the dates of the chain are checked as of then "
		    "(DANE-TA and PKIX; DANE-EE(3) would ignore them)", when);
	return true;
}
