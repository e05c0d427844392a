/*
 * output.c: the table of renderers and what they share.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dnsmsg.h"
#include "output.h"

static const struct dp_renderer *const renderers[] = {
	&dp_renderer_text,
	&dp_renderer_json,
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

static bool
record_is_match(const struct dp_tlsa *t, const struct dp_dane_match *m)
{
	return m->depth >= 0 && m->data != NULL && t->usage == m->usage &&
	    t->selector == m->selector && t->mtype == m->mtype &&
	    t->datalen == m->datalen && memcmp(t->data, m->data, t->datalen) == 0;
}

const char *
dp_record_outcome(const struct dp_check_target *t, const struct dp_probe *p,
    size_t i, char *buf, size_t len)
{
	const struct dp_tlsaset *set = t->used_expanded ? &t->tlsa_exp : &t->tlsa;
	const struct dp_tlsa *rec = &set->recs[i];

	if (rec->usability != DP_TLSA_USABLE)
		snprintf(buf, len, "unusable: %s", dp_tlsa_usability_text(rec->usability));
	else if (t->load_known && t->load[i] == DP_DANE_REJECTED)
		snprintf(buf, len, "unusable: OpenSSL rejected it");
	else if (p->facts.chain == NULL)
		snprintf(buf, len, "not tried");
	else if (record_is_match(rec, &p->facts.match))
		snprintf(buf, len, "matched at depth %d", p->facts.match.depth);
	else
		snprintf(buf, len, "not matched");
	return buf;
}

void
dp_target_summary(const struct dp_check_target *t, char *buf, size_t len)
{
	const struct dp_tlsaset *set = t->used_expanded ? &t->tlsa_exp : &t->tlsa;
	size_t i, ok = 0, total = t->nprobes + t->addrs_dropped;
	char cut[96] = "";

	for (i = 0; i < t->nprobes; i++)
		if (t->probes[i].facts.reason == DP_R_VERIFIED)
			ok++;
	if (t->addrs_dropped > 0)
		snprintf(cut, sizeof(cut), ", %zu not checked (over --max-addresses %zu)",
		    t->addrs_dropped, t->nprobes);
	if (t->addr_reason == DP_R_ADDR_BOGUS || t->addr_reason == DP_R_NO_ADDRESS ||
	    t->addr_reason == DP_R_INTERNAL)
		snprintf(buf, len, "%s: %s", dp_reason_text(t->addr_reason), t->addr_detail);
	else if (set->reason != DP_R_TLSA_SECURE && set->reason != DP_R_TLSA_OUT_OF_BAND)
		snprintf(buf, len, "%s%s%s", dp_reason_text(set->reason),
		    set->detail[0] ? ": " : "", set->detail);
	else
		snprintf(buf, len, "%zu of %zu address%s verified%s%s%s", ok, total,
		    total == 1 ? "" : "es", cut,
		    set->reason == DP_R_TLSA_OUT_OF_BAND ? " against records from the command line (not DNSSEC)" : "",
		    t->addr_reason == DP_R_ADDR_LOOKUP_FAILED ? "; an address lookup failed" : "");
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
		for (j = 0; j < rep->check.targets[i].nprobes; j++, total++)
			if (rep->check.targets[i].probes[j].facts.reason == DP_R_VERIFIED)
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
