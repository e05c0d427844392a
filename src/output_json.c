/*
 * output_json.c: JSON for programs, built with jansson (which does the
 * escaping).  The schema is documented in daneprobe(1), JSON OUTPUT, and
 * in schema/NAME.schema.json (tests/schema.test holds every document the
 * tests make to it); each document carries "version" (DP_JSON_VERSION) so
 * that consumers can tell changes apart.
 *
 * Every string goes in through jstr(), which applies the one rule for
 * text we do not control (textsafe.c): jansson refuses a string that is
 * not UTF-8, and json_pack would then drop the whole object, so octets
 * that are not UTF-8 are shown as "\xHH" and nothing is ever lost.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>

#include "cert.h"
#include "dnsmsg.h"
#include "output.h"
#include "textsafe.h"
#include "trace.h"

/* A JSON string of s, neutralised; never NULL for a non-NULL s (bar memory). */
static json_t *
jstr(const char *s)
{
	size_t len = strlen(s) * 4 + 1;
	json_t *o;
	char *buf;

	if (dp_text_is_safe(s, DP_TEXT_JSON))
		return json_string(s);
	if ((buf = malloc(len)) == NULL)
		return NULL;
	o = json_string(dp_text_safe(buf, len, s, DP_TEXT_JSON));
	free(buf);
	return o;
}

/* A time as "YYYY-MM-DDTHH:MM:SSZ" (UTC), or null: none, or none that can be written. */
static json_t *
json_time_or_null(time_t t)
{
	char buf[32];

	if (t == 0)
		return json_null();
	dp_format_time(t, buf, sizeof(buf));
	return buf[0] != '?' ? jstr(buf) : json_null();
}

static json_t *
json_str_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? jstr(s) : json_null();
}

/* A DNS name as every name in the documents is: absolute, with its final dot; or null. */
static json_t *
json_name_or_null(const char *s)
{
	char buf[DP_NAME_TEXT_MAX + 2];
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0)
		return json_null();
	if (s[n - 1] == '.' || n + 2 > sizeof(buf))
		return jstr(s);
	snprintf(buf, sizeof(buf), "%s.", s);
	return jstr(buf);
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
		json_array_append_new(arr, json_pack("{s:o, s:o, s:I, s:o}",
		    "owner", jstr(ans->cnames[i].owner), "target", jstr(ans->cnames[i].target),
		    "ttl", (json_int_t)ans->cnames[i].ttl,
		    "dnssec", jstr(dp_dnssec_name(ans->cnames[i].state))));
	return arr;
}

static json_t *
json_trace_sigs(const struct dp_trace_sig *sigs, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:o, s:o, s:i, s:i, s:o, s:o, s:o}",
		    "signer", jstr(sigs[i].signer),
		    "type_covered", jstr(dp_type_name(sigs[i].covered)),
		    "key_tag", sigs[i].tag, "algorithm", sigs[i].alg,
		    "inception", json_time_or_null(sigs[i].inception),
		    "expiration", json_time_or_null(sigs[i].expiration),
		    "status", jstr(dp_sig_status_name(sigs[i].status))));
	return arr;
}

static json_t *
json_trace_zone(const struct dp_trace_zone *z)
{
	json_t *ds = json_array(), *keys = json_array();
	size_t i;

	for (i = 0; i < z->nds; i++) {
		const struct dp_trace_ds *d = &z->ds[i];

		json_array_append_new(ds, json_pack("{s:s, s:i, s:i, s:o, s:o, s:o}",
		    "record", d->anchor && d->digest == 0 ? "DNSKEY" : "DS",
		    "key_tag", d->tag, "algorithm", d->alg,
		    "digest_type", d->anchor && d->digest == 0 ? json_null() :
		    json_integer(d->digest),
		    "status", jstr(dp_ds_status_name(d->status)),
		    "matches_key", d->status == DP_DSREC_MATCH ? json_integer(d->match) :
		    json_null()));
	}
	for (i = 0; i < z->nkeys; i++)
		json_array_append_new(keys, json_pack("{s:i, s:i, s:i, s:b, s:b}",
		    "key_tag", z->keys[i].tag, "flags", z->keys[i].flags,
		    "algorithm", z->keys[i].alg, "vouched", z->keys[i].vouched,
		    "signs_dnskey_rrset", z->keys[i].signs_keys));
	return json_pack("{s:o, s:o, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "zone", jstr(z->name), "link", jstr(dp_link_name(z->link)),
	    "trust_anchor", z->anchored, "broken", z->broken,
	    "why", json_str_or_null(z->why),
	    "ds", ds, "ds_signatures", json_trace_sigs(z->ds_sigs, z->nds_sigs),
	    "dnskeys", keys, "dnskey_signatures", json_trace_sigs(z->key_sigs, z->nkey_sigs),
	    "denial", json_str_or_null(z->denial),
	    "denial_signatures", json_trace_sigs(z->denial_sigs, z->ndenial_sigs));
}

/* --trace: one object per zone cut, from the anchor down, then the answer's RRsets. */
static json_t *
json_trace(const struct dp_trace *t)
{
	json_t *zones = json_array(), *rrsets = json_array();
	size_t i;

	for (i = 0; i < t->nzones; i++)
		json_array_append_new(zones, json_trace_zone(&t->zones[i]));
	for (i = 0; i < t->nrrsets; i++) {
		const struct dp_trace_rrset *r = &t->rrsets[i];

		json_array_append_new(rrsets, json_pack("{s:o, s:o, s:I, s:o, s:o, s:b, s:o, s:o}",
		    "owner", jstr(r->owner), "type", jstr(dp_type_name(r->type)),
		    "records", (json_int_t)r->nrrs, "zone", json_str_or_null(r->zone),
		    "link", jstr(dp_link_name(r->link)), "broken", r->broken,
		    "why", json_str_or_null(r->why),
		    "signatures", json_trace_sigs(r->sigs, r->nsigs)));
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:o}",
	    "verdict", jstr(dp_link_name(t->verdict)), "why", json_str_or_null(t->why),
	    "at", json_time_or_null(t->at), "zones", zones, "rrsets", rrsets);
}

/* The facts of one DNS answer, shared by every command's JSON. */
static json_t *
json_answer(const struct dp_answer *ans)
{
	json_t *o;

	if (ans == NULL)
		return json_null();
	o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I}",
	    "name", jstr(ans->qname),
	    "backend", jstr(ans->backend),
	    "status", jstr(lookup_status_name(ans->status)),
	    "rcode", ans->rcode >= 0 ? jstr(dp_rcode_name(ans->rcode)) : json_null(),
	    "dnssec", jstr(dp_dnssec_name(ans->state)),
	    "why", json_str_or_null(ans->why),
	    "ttl", ans->has_ttl ? json_integer(ans->ttl) : json_null(),
	    "signature_expires", json_time_or_null(ans->sig_expires),
	    "cname_chain", json_cnames(ans),
	    "elapsed_ms", (json_int_t)ans->elapsed_ms);
	/* Only when --trace asked for it: the keys of every other run stay as they were. */
	if (o != NULL && ans->trace != NULL)
		json_object_set_new(o, "trace", json_trace(ans->trace));
	else if (o != NULL && ans->trace_error != NULL)
		json_object_set_new(o, "trace", json_pack("{s:s, s:o}", "verdict", "missing",
		    "error", jstr(ans->trace_error)));
	return o;
}

static json_t *
json_tlsa_record(const struct dp_tlsa *t)
{
	char acr[96], *txt = dp_tlsa_to_text(t);
	json_t *o;

	dp_tlsa_acronyms(t, acr, sizeof(acr));
	o = json_pack("{s:i, s:i, s:i, s:o, s:o, s:b, s:o}",
	    "usage", t->usage, "selector", t->selector, "matching_type", t->mtype,
	    "text", jstr(txt ? txt : ""), "acronyms", jstr(acr),
	    "usable", t->usability == DP_TLSA_USABLE,
	    "unusable_reason", t->usability == DP_TLSA_USABLE ? json_null() :
	    jstr(dp_tlsa_usability_text(t->usability)));
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
	return json_pack("{s:o, s:o, s:o, s:o, s:i, s:o, s:o, s:b}",
	    /* Records from the command line or a file have no owner name. */
	    "owner", set->out_of_band ? json_null() : json_str_or_null(set->owner),
	    "code", jstr(dp_reason_code(set->reason)),
	    "text", jstr(dp_reason_text(set->reason)),
	    "detail", json_str_or_null(set->detail),
	    "usable", (int)set->nusable,
	    "records", recs,
	    "dns", json_answer(set->ans),
	    "from_dns", set->ans != NULL);
}

/* Writes doc (freed) with the dump flags; returns 0, or -1 when it could not be written. */
static int
json_write(FILE *fp, json_t *doc, size_t flags)
{
	int rc;

	if (doc == NULL)
		return -1;
	rc = json_dumpf(doc, fp, flags | JSON_PRESERVE_ORDER);
	fputc('\n', fp);
	json_decref(doc);
	return rc == 0 && !ferror(fp) ? 0 : -1;
}

/* One document, indented for people. */
static int
json_emit(FILE *fp, json_t *doc)
{
	return json_write(fp, doc, JSON_INDENT(2));
}

/* lookup --servers: the zone, the verdict and each server address with what it serves. */
static json_t *
json_servers(const struct dp_servers_report *rep)
{
	json_t *arr = json_array();
	char summary[512];
	size_t i, j;

	for (i = 0; i < rep->nservers; i++) {
		const struct dp_server_result *srv = &rep->servers[i];
		json_t *recs = json_array();

		for (j = 0; j < srv->nrrs; j++) {
			size_t tl = 2 * srv->rrs[j].rdlen + 32;
			char *txt = malloc(tl);

			json_array_append_new(recs, json_pack("{s:o, s:b}",
			    "text", txt != NULL ? jstr(dp_record_text(rep->qtype, &srv->rrs[j], txt, tl)) :
			    json_null(),
			    "only_here", srv->only_here != NULL && srv->only_here[j]));
			free(txt);
		}
		json_array_append_new(arr, json_pack("{s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:b, s:o, s:o, s:i, s:b, s:o, s:o, s:b}",
		    "ns", jstr(srv->ns),
		    "address", jstr(srv->address),
		    "summary", jstr(srv->summary),
		    "exit", srv->exit_code,
		    "status", jstr(lookup_status_name(srv->status)),
		    "rcode", srv->rcode >= 0 ? jstr(dp_rcode_name(srv->rcode)) : json_null(),
		    "authoritative", srv->status == DP_LOOKUP_ANSWERED ?
		    json_boolean(srv->authoritative) : json_null(),
		    "older_serial", srv->older,
		    "serial", srv->has_serial ? json_integer(srv->serial) : json_null(),
		    "records", recs,
		    "records_missing_here", (int)srv->nmissing,
		    "signatures_valid", srv->sigs == DP_DNSSEC_SECURE,
		    "signatures_checked", json_boolean(srv->sigs != DP_DNSSEC_INDETERMINATE),
		    "signature_expires", json_time_or_null(srv->sig_expires),
		    "signatures_expire_sooner", srv->sigs_sooner));
	}
	dp_servers_summary(rep, summary, sizeof(summary));
	return json_pack("{s:o, s:o, s:o, s:o, s:i, s:o, s:o, s:i, s:o}",
	    "owner", jstr(rep->owner),
	    "type", jstr(dp_type_name(rep->qtype)),
	    "zone", json_str_or_null(rep->zone),
	    "dnssec", jstr(dp_dnssec_name(rep->zone_state)),
	    "exit", rep->exit_code,
	    "summary", jstr(summary),
	    "detail", json_str_or_null(rep->detail),
	    "not_asked", (int)rep->left_out,
	    "servers", arr);
}

static int
json_lookup(FILE *fp, const struct dp_config *cfg, const struct dp_lookup_report *rep)
{
	return json_emit(fp, json_pack("{s:i, s:o, s:i, s:o, s:o}",
	    "version", DP_JSON_VERSION,
	    "command", jstr("lookup"),
	    "exit", rep->exit_code,
	    "tlsa", json_tlsaset(&rep->set),
	    "servers", rep->has_servers ? json_servers(&rep->servers) : json_null()));
}

static json_t *
json_chain(const STACK_OF(X509) *chain)
{
	json_t *arr = json_array();
	struct dp_cert_info ci;
	int i, j;

	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		json_t *sans = json_array();

		dp_cert_info(sk_X509_value(chain, i), &ci);
		for (j = 0; j < ci.nsans; j++)
			json_array_append_new(sans, jstr(ci.sans[j]));
		json_array_append_new(arr, json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:o}",
		    "depth", i, "subject", jstr(ci.subject), "issuer", jstr(ci.issuer), "san", sans,
		    "not_after", json_time_or_null(ci.not_after),
		    "spki_sha256", jstr(ci.spki_sha256), "cert_sha256", jstr(ci.cert_sha256)));
	}
	return arr;
}

static json_t *
json_match(const struct dp_dane_match *m)
{
	struct dp_tlsa t = { .usage = m->usage, .selector = m->selector, .mtype = m->mtype };
	char acr[96], hex[129];
	size_t i;

	if (m->depth < 0)
		return json_null();
	dp_tlsa_acronyms(&t, acr, sizeof(acr));
	/* A digest whole; full certificates and keys cut to their first 64 octets. */
	for (i = 0; i < m->datalen && i < 64; i++)
		snprintf(hex + 2 * i, 3, "%02x", m->data[i]);
	hex[2 * i] = '\0';
	return json_pack("{s:i, s:i, s:i, s:i, s:o, s:o}", "depth", m->depth,
	    "usage", m->usage, "selector", m->selector, "matching_type", m->mtype,
	    "acronyms", jstr(acr), "data", jstr(hex));
}

static json_t *
json_addr(const struct dp_target_result *r, const struct dp_addr_result *a)
{
	const struct dp_tlsaset *set = &r->tlsa;
	json_t *recs = json_array();
	char buf[256];
	size_t i;

	for (i = 0; i < set->nrecs; i++)
		json_array_append_new(recs, json_pack("{s:i, s:o}", "index", (int)i,
		    "outcome", jstr(dp_record_outcome(r, a, i, buf, sizeof(buf)))));
	return json_pack("{s:o, s:i, s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:o, s:o, s:{s:I, s:I}}",
	    "address", jstr(a->label),
	    "family", a->family == AF_INET6 ? 6 : 4,
	    "code", jstr(dp_reason_code(a->reason)),
	    "text", jstr(dp_reason_text(a->reason)),
	    "detail", json_str_or_null(a->detail),
	    "exit", dp_reason_exit(a->reason),
	    "starttls", a->dialect == NULL ? json_null() : json_pack("{s:o, s:o}",
	    "dialect", jstr(a->dialect), "phase", json_str_or_null(a->starttls_phase)),
	    "match", json_match(&a->match),
	    "tls", a->version[0] ? json_pack("{s:o, s:o}", "version",
	    jstr(a->version), "cipher", jstr(a->cipher)) : json_null(),
	    "chain", json_chain(a->chain),
	    "records", recs,
	    "timings_ms", "connect", (json_int_t)a->connect_ms,
	    "handshake", (json_int_t)a->handshake_ms);
}

static json_t *
json_target(const struct dp_target_result *t)
{
	const struct dp_tlsaset *set = &t->tlsa;
	json_t *addrs = json_array(), *left = json_array();
	char summary[768];
	size_t i;

	for (i = 0; i < t->naddrs; i++)
		json_array_append_new(addrs, json_addr(t, &t->addrs[i]));
	for (i = 0; i < t->nleft_out; i++)
		json_array_append_new(left, jstr(t->left_out[i]));
	dp_target_summary(t, summary, sizeof(summary));
	/* A line of check -f that is no target (or was not started) has no host and port. */
	return json_pack("{s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:o, s:o}, s:o, s:i, s:o, s:I}",
	    "target", jstr(t->tg.input),
	    "host", json_str_or_null(t->tg.host),
	    "port", t->tg.port > 0 ? json_integer(t->tg.port) : json_null(),
	    "exit", t->exit_code,
	    "summary", jstr(summary),
	    "tlsa", json_tlsaset(set),
	    "tlsa_base_domain", json_name_or_null(t->reference),
	    "expanded_name", json_str_or_null(t->expanded),
	    "tlsa_original", t->expanded_in_force ? json_tlsaset(&t->tlsa_original) : json_null(),
	    "address_lookup",
	    "code", jstr(t->addr_reason == DP_R_VERIFIED ? "ok" : dp_reason_code(t->addr_reason)),
	    "detail", json_str_or_null(t->addr_detail),
	    "a", json_answer(t->addr_ans[0]),
	    "aaaa", json_answer(t->addr_ans[1]),
	    "addresses", addrs,
	    "addresses_not_checked", (int)t->nleft_out,
	    "addresses_left_out", left,
	    "dns_ms", (json_int_t)t->dns_ms);
}

/* A check target as JSON, with what the mail front adds. */
static json_t *
json_mx_target(const struct dp_target_result *t)
{
	json_t *o = json_target(t);

	json_object_set_new(o, "mx_preference", t->opts.mx_pref >= 0 ?
	    json_integer(t->opts.mx_pref) : json_null());
	return o;
}

static json_t *
json_mx_host(const struct dp_smtp_report *rep, const struct dp_mx_host *h)
{
	static const char *const states[] = { "checked", "unusable", "left-out",
	    "not-started" };
	bool judged = rep->mx_reason == DP_R_MX_SECURE;

	return json_pack("{s:o, s:i, s:o, s:o}",
	    "host", jstr(h->host),
	    "preference", h->preference,
	    "state", judged ? jstr(states[h->state]) : json_null(),
	    "why", judged && h->state != DP_MX_CHECKED ? jstr(h->state == DP_MX_UNUSABLE ?
	    h->why : dp_reason_text(DP_R_MX_LIMIT)) : json_null());
}

static int
json_check(FILE *fp, const struct dp_config *cfg, const struct dp_check_report *rep)
{
	json_t *targets = json_array();
	size_t i;

	for (i = 0; i < rep->ntargets; i++) {
		json_t *t = json_target(&rep->targets[i]);

		if (t != NULL && rep->servers != NULL)
			json_object_set_new(t, "servers", rep->servers[i].owner[0] != '\0' ?
			    json_servers(&rep->servers[i]) : json_null());
		json_array_append_new(targets, t);
	}
	return json_emit(fp, json_pack("{s:i, s:o, s:i, s:o, s:I, s:o}",
	    "version", DP_JSON_VERSION,
	    "command", jstr("check"),
	    "exit", rep->exit_code,
	    "backend", rep->backend != NULL ? jstr(rep->backend) : json_null(),
	    "elapsed_ms", (json_int_t)rep->elapsed_ms,
	    "targets", targets));
}

/*
 * verify: the target's fields as check has them, and in "result" the
 * chain's, with the fields of an address result that a file can have
 * (code, text, detail, exit, match, chain, records).
 */
static int
json_verify(FILE *fp, const struct dp_config *cfg, const struct dp_verify_report *rep)
{
	const struct dp_target_result *r;
	json_t *doc, *top, *res = NULL, *addrs;
	char summary[768], note[256];
	static const char *const live_only[] = { "address", "family", "starttls", "tls",
	    "timings_ms" };
	size_t i;

	(void)cfg;
	if (rep->check.ntargets == 0)
		return 0;
	r = &rep->check.targets[0];
	if ((doc = json_target(r)) == NULL)
		return -1;
	if ((addrs = json_object_get(doc, "addresses")) != NULL &&
	    (res = json_array_get(addrs, 0)) != NULL) {
		json_incref(res);
		for (i = 0; i < sizeof(live_only) / sizeof(live_only[0]); i++)
			json_object_del(res, live_only[i]);
	}
	json_object_del(doc, "addresses");
	json_object_del(doc, "addresses_not_checked");
	json_object_del(doc, "addresses_left_out");
	dp_verify_summary(r, summary, sizeof(summary));
	json_object_set_new(doc, "summary", jstr(summary));
	top = json_pack("{s:i, s:o, s:i, s:o, s:I, s:o, s:o, s:o}",
	    "version", DP_JSON_VERSION,
	    "command", jstr("verify"),
	    "exit", rep->check.exit_code,
	    "backend", rep->check.backend != NULL ? jstr(rep->check.backend) : json_null(),
	    "elapsed_ms", (json_int_t)rep->check.elapsed_ms,
	    "chain_file", jstr(rep->offline.source),
	    "at", json_time_or_null(rep->offline.at),
	    "time_note", dp_verify_time_note(r, note, sizeof(note)) ? jstr(note) : json_null());
	if (top == NULL || json_object_update(top, doc) == -1) {
		json_decref(top);
		json_decref(doc);
		json_decref(res);
		return -1;
	}
	json_decref(doc);
	json_object_set_new(top, "result", res != NULL ? res : json_null());
	doc = top;
	return json_emit(fp, doc);
}

/* tlsa: the records with their acronyms and zone lines, and where each chain came from. */
static int
json_tlsa(FILE *fp, const struct dp_config *cfg, const struct dp_gen_report *rep)
{
	json_t *recs = json_array(), *srcs = json_array();
	char acr[96], *txt;
	size_t i;

	(void)cfg;
	for (i = 0; i < rep->nsources; i++) {
		const struct dp_gen_source *s = &rep->sources[i];

		json_array_append_new(srcs, json_pack("{s:o, s:o, s:o, s:o}",
		    "source", jstr(s->label),
		    "code", jstr(dp_reason_code(s->reason)),
		    "detail", json_str_or_null(s->detail),
		    "chain", s->group >= 0 ? json_integer(s->group) : json_null()));
	}
	for (i = 0; i < rep->nrecords; i++) {
		const struct dp_gen_record *r = &rep->records[i];

		dp_tlsa_acronyms(&r->rec, acr, sizeof(acr));
		txt = dp_tlsa_to_text(&r->rec);
		json_array_append_new(recs, json_pack("{s:o, s:i, s:i, s:i, s:i, s:o, s:o, s:o, s:o, s:o, s:i}",
		    "owner", jstr(rep->owner),
		    "ttl", (int)rep->ttl,
		    "usage", r->rec.usage,
		    "selector", r->rec.selector,
		    "matching_type", r->rec.mtype,
		    "acronyms", jstr(acr),
		    "text", txt != NULL ? jstr(txt) : json_null(),
		    "zone_line", jstr(r->zone_line),
		    "depth", r->depth >= 0 ? json_integer(r->depth) : json_null(),
		    "subject", json_str_or_null(r->subject),
		    "chain", r->group));
		free(txt);
	}
	return json_emit(fp, json_pack("{s:i, s:o, s:i, s:o, s:o, s:i, s:o, s:o}",
	    "version", DP_JSON_VERSION,
	    "command", jstr("tlsa"),
	    "exit", rep->exit_code,
	    "owner", jstr(rep->owner),
	    "owner_note", json_str_or_null(rep->owner_note),
	    "chains", rep->ngroups,
	    "sources", srcs,
	    "records", recs));
}

static json_t *
json_smtp_doc(const struct dp_smtp_report *rep)
{
	json_t *targets = json_array(), *hosts = json_array(), *doc;
	char summary[1024], given[sizeof(rep->domain)];
	size_t i;

	for (i = 0; i < rep->check.ntargets; i++) {
		json_t *t = json_mx_target(&rep->check.targets[i]);

		if (t != NULL && rep->check.servers != NULL)
			json_object_set_new(t, "servers", rep->check.servers[i].owner[0] != '\0' ?
			    json_servers(&rep->check.servers[i]) : json_null());
		json_array_append_new(targets, t);
	}
	for (i = 0; i < rep->nhosts; i++)
		json_array_append_new(hosts, json_mx_host(rep, &rep->hosts[i]));
	dp_smtp_summary(rep, summary, sizeof(summary));
	/* A line of smtp -f that was not checked: its text as given, without the dot added. */
	snprintf(given, sizeof(given), "%.*s", rep->domain_as_given && rep->domain[0] != '\0' ?
	    (int)strlen(rep->domain) - 1 : (int)strlen(rep->domain), rep->domain);
	doc = json_pack("{s:i, s:o, s:i, s:o, s:o, s:o, s:{s:o, s:o, s:o, s:o, s:o}, s:b, s:b, s:I, s:o}",
	    "version", DP_JSON_VERSION,
	    "command", jstr("smtp"),
	    "exit", rep->exit_code,
	    "backend", rep->check.backend != NULL ? jstr(rep->check.backend) : json_null(),
	    "domain", jstr(given),
	    "summary", jstr(summary),
	    "mx",
	    "code", jstr(dp_reason_code(rep->mx_reason)),
	    "text", jstr(dp_reason_text(rep->mx_reason)),
	    "detail", json_str_or_null(rep->mx_detail),
	    "dns", json_answer(rep->mx),
	    "hosts", hosts,
	    "implicit_mx", rep->implicit_mx,
	    "null_mx", rep->null_mx,
	    "elapsed_ms", (json_int_t)rep->check.elapsed_ms,
	    "targets", targets);
	if (doc != NULL && rep->has_servers)
		json_object_set_new(doc, "mx_servers", json_servers(&rep->mx_servers));
	return doc;
}

static int
json_smtp(FILE *fp, const struct dp_config *cfg, const struct dp_smtp_report *rep)
{
	return json_emit(fp, json_smtp_doc(rep));
}

/* JSON Lines: one compact object a line, so a reader can take each as it comes. */
static int
json_emit_line(FILE *fp, json_t *doc)
{
	return json_write(fp, doc, JSON_COMPACT);
}

static int
json_stream_target(FILE *fp, const struct dp_config *cfg, const struct dp_target_result *r)
{
	return json_emit_line(fp, json_target(r));
}

static int
json_stream_domain(FILE *fp, const struct dp_config *cfg, const struct dp_smtp_report *rep)
{
	return json_emit_line(fp, json_smtp_doc(rep));
}

static int
json_batch_end(FILE *fp, const struct dp_config *cfg, const struct dp_batch_summary *sum)
{
	return json_emit_line(fp, json_pack("{s:i, s:o, s:i, s:o, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I}}",
	    "version", DP_JSON_VERSION,
	    "command", jstr(cfg->cmd == DP_CMD_SMTP ? "smtp" : "check"),
	    "exit", sum->exit_code,
	    "backend", sum->backend != NULL ? jstr(sum->backend) : json_null(),
	    "elapsed_ms", (json_int_t)sum->elapsed_ms,
	    "summary",
	    "targets", (json_int_t)sum->results,
	    "ok", (json_int_t)sum->ok,
	    "fail", (json_int_t)sum->fail,
	    "not_in_force", (json_int_t)sum->not_in_force,
	    "could_not_check", (json_int_t)sum->unchecked,
	    "not_a_target", (json_int_t)sum->bad));
}

/* lint: the findings, then the checks they are about (as check or smtp has them). */
static int
json_lint(FILE *fp, const struct dp_config *cfg, const struct dp_lint_report *rep)
{
	const struct dp_lint_findings *f = &rep->findings;
	const struct dp_check_report *c = dp_lint_checks(rep);
	json_t *findings = json_array(), *targets = json_array();
	size_t i;

	(void)cfg;
	for (i = 0; i < f->n; i++)
		json_array_append_new(findings, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}",
		    "id", f->items[i].id,
		    "severity", dp_lint_severity_name(f->items[i].severity),
		    "about", jstr(f->items[i].about), "text", jstr(f->items[i].text),
		    "rfc", json_str_or_null(f->items[i].rfc), "fix", json_str_or_null(f->items[i].fix)));
	for (i = 0; i < c->ntargets; i++)
		json_array_append_new(targets, rep->is_smtp ? json_mx_target(&c->targets[i]) :
		    json_target(&c->targets[i]));
	return json_emit(fp, json_pack("{s:i, s:o, s:i, s:o, s:o, s:{s:I, s:I, s:I}, s:b, s:o, s:o, s:o}",
	    "version", DP_JSON_VERSION,
	    "command", jstr("lint"),
	    "exit", rep->exit_code,
	    "backend", c->backend != NULL ? jstr(c->backend) : json_null(),
	    "domain", rep->is_smtp ? jstr(rep->smtp.domain) : json_null(),
	    "counts",
	    "errors", (json_int_t)dp_lint_count(f, DP_LINT_ERROR),
	    "warnings", (json_int_t)dp_lint_count(f, DP_LINT_WARNING),
	    "notes", (json_int_t)dp_lint_count(f, DP_LINT_NOTE),
	    "incomplete", f->incomplete,
	    "incomplete_why", f->incomplete ? jstr(f->incomplete_why) : json_null(),
	    "findings", findings,
	    "targets", targets));
}

static json_t *
json_lines(char *const *lines, size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, jstr(lines[i]));
	return arr;
}

/* rollover: ready or not and why, each next source, the lines to add and to remove, when. */
static int
json_rollover(FILE *fp, const struct dp_config *cfg, const struct dp_rollover_report *rep)
{
	const struct dp_target_result *r = rep->check.ntargets > 0 ? &rep->check.targets[0] : NULL;
	json_t *next = json_array(), *reasons = json_array();
	size_t i;

	(void)cfg;
	for (i = 0; i < rep->nreasons; i++)
		json_array_append_new(reasons, jstr(rep->reasons[i]));
	for (i = 0; i < rep->nnext; i++)
		json_array_append_new(next, json_pack("{s:o, s:b, s:b, s:o, s:o}",
		    "source", jstr(rep->next[i].source), "key", rep->next[i].is_key,
		    "matches", rep->next[i].matches, "detail", jstr(rep->next[i].detail),
		    "publish", json_lines(rep->next[i].add, rep->next[i].nadd)));
	return json_emit(fp, json_pack("{s:i, s:o, s:i, s:s, s:o, s:b, s:o, s:o, s:b, s:I, s:o, s:o, s:o, s:o}",
	    "version", DP_JSON_VERSION,
	    "command", jstr("rollover"),
	    "exit", rep->exit_code,
	    "verdict", rep->exit_code == 0 ? "ready" : rep->exit_code == 1 ? "not-ready" :
	    "could-not-check",
	    "reasons", reasons,
	    "now_ok", rep->now_ok,
	    "next", next,
	    "remove_after_switch", json_lines(rep->remove, rep->nremove),
	    "servers_agree", rep->servers_ok,
	    "ttl", (json_int_t)rep->ttl,
	    "since", rep->since_given ? json_time_or_null(rep->since) : json_null(),
	    "earliest_switch", json_time_or_null(rep->earliest),
	    "target", r != NULL ? json_target(r) : json_null(),
	    "servers", rep->check.servers != NULL && rep->check.servers[0].owner[0] != '\0' ?
	    json_servers(&rep->check.servers[0]) : json_null()));
}

const struct dp_renderer dp_renderer_json = {
	.format = DP_FMT_JSON,
	.lookup = json_lookup,
	.check = json_check,
	.smtp = json_smtp,
	.verify = json_verify,
	.tlsa = json_tlsa,
	.target = json_stream_target,
	.batch_end = json_batch_end,
	.domain = json_stream_domain,
	.lint = json_lint,
	.rollover = json_rollover,
};
