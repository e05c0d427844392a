/*
 * output_json.c: JSON for programs, built with jansson (which does the
 * escaping).  The schema is documented in daneprobe(1), JSON OUTPUT, and
 * carries "version" so that consumers can tell changes apart.
 */
#include "config.h"

#include <stdlib.h>

#include <jansson.h>

#include "dnsmsg.h"
#include "output.h"

static json_t *
json_time_or_null(time_t t)
{
	char buf[32];

	if (t == 0)
		return json_null();
	dp_format_time(t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *
json_str_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? json_string(s) : json_null();
}

static const char *
lookup_status_name(enum dp_lookup_status st)
{
	switch (st) {
	case DP_LOOKUP_ANSWERED:	return "answered";
	case DP_LOOKUP_TIMEOUT:		return "timeout";
	case DP_LOOKUP_FAILED:		break;
	}
	return "failed";
}

static json_t *
json_cnames(const struct dp_answer *ans)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < ans->ncnames; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:s}",
		    "owner", ans->cnames[i].owner, "target", ans->cnames[i].target,
		    "ttl", (json_int_t)ans->cnames[i].ttl,
		    "dnssec", dp_dnssec_name(ans->cnames[i].state)));
	return arr;
}

/* The facts of one DNS answer, shared by every command's JSON. */
static json_t *
json_answer(const struct dp_answer *ans)
{
	if (ans == NULL)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:I}",
	    "name", ans->qname,
	    "backend", ans->backend,
	    "status", lookup_status_name(ans->status),
	    "rcode", ans->rcode >= 0 ? json_string(dp_rcode_name(ans->rcode)) : json_null(),
	    "dnssec", json_string(dp_dnssec_name(ans->state)),
	    "why", json_str_or_null(ans->why),
	    "ttl", ans->has_ttl ? json_integer(ans->ttl) : json_null(),
	    "signature_expires", json_time_or_null(ans->sig_expires),
	    "cname_chain", json_cnames(ans),
	    "elapsed_ms", (json_int_t)ans->elapsed_ms);
}

static json_t *
json_tlsa_record(const struct dp_tlsa *t)
{
	char acr[96], *txt = dp_tlsa_to_text(t);
	json_t *o;

	dp_tlsa_acronyms(t, acr, sizeof(acr));
	o = json_pack("{s:i, s:i, s:i, s:s, s:s, s:b, s:o}",
	    "usage", t->usage, "selector", t->selector, "matching_type", t->mtype,
	    "text", txt ? txt : "", "acronyms", acr,
	    "usable", t->usability == DP_TLSA_USABLE,
	    "unusable_reason", t->usability == DP_TLSA_USABLE ? json_null() :
	    json_string(dp_tlsa_usability_text(t->usability)));
	free(txt);
	return o;
}

static json_t *
json_tlsaset(const struct dp_tlsaset *set)
{
	json_t *recs = json_array();
	size_t i;

	for (i = 0; i < set->nrecs; i++)
		json_array_append_new(recs, json_tlsa_record(&set->recs[i]));
	return json_pack("{s:s, s:s, s:s, s:o, s:i, s:o, s:o, s:b}",
	    "owner", set->owner,
	    "code", dp_reason_code(set->reason),
	    "text", dp_reason_text(set->reason),
	    "detail", json_str_or_null(set->detail),
	    "usable", (int)set->nusable,
	    "records", recs,
	    "dns", json_answer(set->ans),
	    "from_dns", set->ans != NULL);
}

static int
json_emit(FILE *fp, json_t *doc)
{
	int rc;

	if (doc == NULL)
		return -1;
	rc = json_dumpf(doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', fp);
	json_decref(doc);
	return rc == 0 && !ferror(fp) ? 0 : -1;
}

static int
json_lookup(FILE *fp, const struct dp_config *cfg, const struct dp_lookup_report *rep)
{
	return json_emit(fp, json_pack("{s:i, s:s, s:i, s:o}",
	    "version", DP_JSON_VERSION,
	    "command", "lookup",
	    "exit", rep->exit_code,
	    "tlsa", json_tlsaset(&rep->set)));
}

const struct dp_renderer dp_renderer_json = {
	.format = DP_FMT_JSON,
	.lookup = json_lookup,
};
