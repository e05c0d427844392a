/*
 * output_text.c: text for people.  The first line is the verdict and
 * names what was checked; the lines under it give the evidence.
 *
 * Every line goes out through line(), which neutralises it for a terminal
 * (textsafe.c): the lines carry server replies, certificate and DNS names
 * and resolver reasons, and none of them may move a cursor or start an
 * escape sequence.  Our own text has no control bytes, so a whole line is
 * passed through the one rule, and only line() writes a newline.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "dnsmsg.h"
#include "output.h"
#include "textsafe.h"
#include "trace.h"

/* Full certificates in TLSA data are long; without -v show this many hex digits. */
#define SHORT_HEX	64

static void	line(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
line(FILE *fp, const char *fmt, ...)
{
	char small[4096], *raw = small, *safe = NULL;
	size_t len;
	va_list ap;
	int n;

	/* Most lines fit on the stack; a full certificate in hex (-vv) does not. */
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		if ((raw = malloc((size_t)n + 1)) == NULL) {
			fputs("(out of memory)\n", fp);
			return;
		}
		va_start(ap, fmt);
		vsnprintf(raw, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	if (dp_text_is_safe(raw, DP_TEXT_TERMINAL))
		fprintf(fp, "%s\n", raw);
	else if ((safe = malloc((len = 4 * (size_t)n + 1))) != NULL)
		fprintf(fp, "%s\n", dp_text_safe(safe, len, raw, DP_TEXT_TERMINAL));
	else
		fputs("(out of memory)\n", fp);
	free(safe);
	if (raw != small)
		free(raw);
}

/* The first line of every report: "WHAT: STATE: reason[: detail]". */
static void
text_verdict(FILE *fp, const char *what, enum dp_reason reason, const char *detail)
{
	line(fp, "%s: %s: %s%s%s", what, dp_exit_word(dp_reason_exit(reason)),
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
		line(fp, "  %.*s%s  %s  %s%s", shown, txt ? txt : "", more, acr,
		    t->usability == DP_TLSA_USABLE ? "usable" : "unusable: ",
		    t->usability == DP_TLSA_USABLE ? "" :
		    dp_tlsa_usability_text(t->usability));
		free(txt);
	}
}

/* "RRSIG DNSKEY 6097/13 by .: valid, 2026-12-01T13:06:28Z to 2026-12-31T14:06:28Z" */
static void
text_trace_sigs(FILE *fp, const struct dp_trace_sig *sigs, size_t n)
{
	char from[32], to[32];
	size_t i;

	for (i = 0; i < n; i++) {
		dp_format_time(sigs[i].inception, from, sizeof(from));
		dp_format_time(sigs[i].expiration, to, sizeof(to));
		line(fp, "      RRSIG %s %u/%u by %s: %s, %s to %s",
		    dp_type_name(sigs[i].covered), sigs[i].tag, sigs[i].alg, sigs[i].signer,
		    dp_sig_status_name(sigs[i].status), from, to);
	}
}

static void
text_trace_zone(FILE *fp, const struct dp_trace_zone *z)
{
	size_t i;

	line(fp, "    %s%s: %s%s%s%s", z->name, z->anchored ? " (trust anchor)" : "",
	    z->broken ? "BROKEN, " : "", dp_link_name(z->link),
	    z->link != DP_LINK_SECURE && z->why != NULL ? ": " : "",
	    z->link != DP_LINK_SECURE && z->why != NULL ? z->why : "");
	for (i = 0; i < z->nds; i++) {
		const struct dp_trace_ds *d = &z->ds[i];
		char match[48] = "";

		if (d->status == DP_DSREC_MATCH)
			snprintf(match, sizeof(match), " DNSKEY %u", d->match);
		if (d->anchor && d->digest == 0)
			line(fp, "      anchor DNSKEY %u/%u: %s%s", d->tag, d->alg,
			    dp_ds_status_name(d->status), match);
		else
			line(fp, "      %sDS %u/%u/%u: %s%s", d->anchor ? "anchor " : "", d->tag,
			    d->alg, d->digest, dp_ds_status_name(d->status), match);
	}
	text_trace_sigs(fp, z->ds_sigs, z->nds_sigs);
	if (z->denial != NULL) {
		line(fp, "      no DS: denied by %s", z->denial);
		text_trace_sigs(fp, z->denial_sigs, z->ndenial_sigs);
	}
	for (i = 0; i < z->nkeys; i++)
		line(fp, "      DNSKEY %u flags %u algorithm %u%s%s", z->keys[i].tag,
		    z->keys[i].flags, z->keys[i].alg, z->keys[i].vouched ? ", vouched for" : "",
		    z->keys[i].signs_keys ? ", signs the DNSKEY RRset" : "");
	text_trace_sigs(fp, z->key_sigs, z->nkey_sigs);
}

/*
 * --trace: the verdict and its reason, each zone cut from the anchor
 * down, then the RRsets of the answer.  Nothing for an answer not traced.
 */
static void
text_trace(FILE *fp, const struct dp_answer *ans)
{
	const struct dp_trace *t;
	size_t i;

	if (ans == NULL)
		return;
	if ((t = ans->trace) == NULL) {
		if (ans->trace_error != NULL)
			line(fp, "  trace of %s %s: could not trace: %s", ans->qname,
			    dp_type_name(ans->qtype), ans->trace_error);
		return;
	}
	line(fp, "  trace of %s %s: %s: %s", t->qname, dp_type_name(t->qtype),
	    dp_link_name(t->verdict), t->why);
	for (i = 0; i < t->nzones; i++)
		text_trace_zone(fp, &t->zones[i]);
	for (i = 0; i < t->nrrsets; i++) {
		const struct dp_trace_rrset *r = &t->rrsets[i];

		line(fp, "    %s %s (%zu record%s%s%s): %s%s%s%s", r->owner, dp_type_name(r->type),
		    r->nrrs, r->nrrs == 1 ? "" : "s", r->zone != NULL ? ", zone " : "",
		    r->zone != NULL ? r->zone : "", r->broken ? "BROKEN, " : "",
		    dp_link_name(r->link), r->why != NULL ? ": " : "", r->why != NULL ? r->why : "");
		text_trace_sigs(fp, r->sigs, r->nsigs);
	}
}

static void
text_answer(FILE *fp, const struct dp_answer *ans)
{
	char when[32], rcode[32] = "", ttl[32] = "", sig[96] = "";
	size_t i;

	if (ans->rcode >= 0)
		snprintf(rcode, sizeof(rcode), ", rcode %s", dp_rcode_name(ans->rcode));
	if (ans->has_ttl)
		snprintf(ttl, sizeof(ttl), ", ttl %u", ans->ttl);
	if (ans->sig_expires != 0) {
		dp_format_time(ans->sig_expires, when, sizeof(when));
		snprintf(sig, sizeof(sig), ", signatures expire %s (in %.1f days)", when,
		    difftime(ans->sig_expires, time(NULL)) / 86400.0);
	}
	line(fp, "  dnssec %s, backend %s%s%s%s, %llu ms", dp_dnssec_name(ans->state),
	    ans->backend, rcode, ttl, sig, (unsigned long long)ans->elapsed_ms);
	if (ans->why != NULL && ans->state != DP_DNSSEC_SECURE)
		line(fp, "  why: %s", ans->why);
	for (i = 0; i < ans->ncnames; i++)
		line(fp, "  CNAME %s -> %s (%s)", ans->cnames[i].owner,
		    ans->cnames[i].target, dp_dnssec_name(ans->cnames[i].state));
}

/* lookup --servers: the zone, the verdict, then a line for each server address. */
static void
text_servers(FILE *fp, const struct dp_config *cfg, const struct dp_servers_report *rep)
{
	char summary[512], when[32], serial[32];
	size_t i, j;

	dp_servers_summary(rep, summary, sizeof(summary));
	line(fp, "  servers of %s (DNSSEC %s), %s %s: %s: %s",
	    rep->zone[0] ? rep->zone : "(not found)", dp_dnssec_name(rep->zone_state),
	    rep->owner, dp_type_name(rep->qtype), dp_exit_word(rep->exit_code), summary);
	for (i = 0; i < rep->nservers; i++) {
		const struct dp_server_result *srv = &rep->servers[i];

		serial[0] = '\0';
		if (srv->has_serial)
			snprintf(serial, sizeof(serial), ", serial %u", srv->serial);
		line(fp, "  %s %s: %s%s", srv->ns, srv->address, srv->summary,
		    srv->exit_code == DP_EXIT_OK || srv->older ? "" : serial);
		if (!cfg->verbose)
			continue;
		for (j = 0; j < srv->nrrs; j++) {
			char *txt = malloc(2 * srv->rrs[j].rdlen + 32);

			if (txt == NULL)
				continue;
			line(fp, "    %s%s", dp_record_text(rep->qtype, &srv->rrs[j], txt,
			    2 * srv->rrs[j].rdlen + 32), srv->only_here != NULL && srv->only_here[j] ?
			    "  (only here)" : "");
			free(txt);
		}
		if (srv->sig_expires != 0) {
			dp_format_time(srv->sig_expires, when, sizeof(when));
			line(fp, "    signatures %s, expire %s", srv->sigs == DP_DNSSEC_SECURE ?
			    "valid" : srv->sigs == DP_DNSSEC_BOGUS ? "invalid" : "not checked", when);
		}
	}
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
	text_trace(fp, set->ans);
	if (rep->has_servers)
		text_servers(fp, cfg, &rep->servers);
	return ferror(fp) ? -1 : 0;
}

static void
match_text(const struct dp_dane_match *m, char *buf, size_t len)
{
	struct dp_tlsa t = { .usage = m->usage, .selector = m->selector, .mtype = m->mtype };
	char acr[96];

	dp_tlsa_acronyms(&t, acr, sizeof(acr));
	if (m->depth == 0)
		snprintf(buf, len, ": %s matched the leaf certificate", acr);
	else
		snprintf(buf, len, ": %s matched the issuer at depth %d", acr, m->depth);
}

static void
text_chain(FILE *fp, const STACK_OF(X509) *chain)
{
	struct dp_cert_info ci;
	char when[32], sans[DP_CERT_MAX_SANS * 130 + 32];
	size_t o;
	int i, j;

	for (i = 0; i < sk_X509_num(chain); i++) {
		dp_cert_info(sk_X509_value(chain, i), &ci);
		dp_format_time(ci.not_after, when, sizeof(when));
		line(fp, "      [%d] subject %s", i, ci.subject);
		line(fp, "          issuer %s", ci.issuer);
		line(fp, "          notAfter %s, SPKI SHA-256 %s", when, ci.spki_sha256);
		if (ci.nsans == 0)
			continue;
		o = 0;
		sans[0] = '\0';
		for (j = 0; j < ci.nsans && o < sizeof(sans); j++)
			o += (size_t)snprintf(sans + o, sizeof(sans) - o, " %s", ci.sans[j]);
		if (ci.more_sans && o < sizeof(sans))
			snprintf(sans + o, sizeof(sans) - o, " (+%d more)", ci.more_sans);
		line(fp, "          SAN%s", sans);
	}
}

static void
text_addr_detail(FILE *fp, const struct dp_target_result *r, const struct dp_addr_result *a)
{
	const struct dp_tlsaset *set = &r->tlsa;
	char buf[256], acr[96];
	size_t i;

	if (a->dialect != NULL)
		line(fp, "    STARTTLS %s: %s", a->dialect,
		    a->starttls_phase ? a->starttls_phase : "not reached");
	if (a->version[0])
		line(fp, "    %s, %s", a->version, a->cipher);
	line(fp, "    timings: connect %llu ms, handshake %llu ms",
	    (unsigned long long)a->connect_ms, (unsigned long long)a->handshake_ms);
	if (a->chain != NULL) {
		line(fp, "    chain presented:");
		text_chain(fp, a->chain);
	}
	for (i = 0; i < set->nrecs; i++) {
		dp_tlsa_acronyms(&set->recs[i], acr, sizeof(acr));
		line(fp, "    record %zu %s: %s", i + 1, acr,
		    dp_record_outcome(r, a, i, buf, sizeof(buf)));
	}
}

/* "  not checked: A, B, ... (N addresses over --max-addresses M)" */
static void
text_left_out(FILE *fp, const struct dp_target_result *r)
{
	char list[1024];
	size_t i, o = 0;

	list[0] = '\0';
	for (i = 0; i < r->nleft_out && o + 80 < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
		    r->left_out[i]);
	if (i < r->nleft_out)
		snprintf(list + o, sizeof(list) - o, ", and %zu more", r->nleft_out - i);
	line(fp, "  not checked: %s (%zu address%s over --max-addresses %zu: could not "
	    "check)", list, r->nleft_out, r->nleft_out == 1 ? "" : "es", r->naddrs);
}

static void
text_target(FILE *fp, const struct dp_config *cfg, const struct dp_target_result *r)
{
	const struct dp_tlsaset *set = &r->tlsa;
	char summary[768], extra[512], dialect[64] = "", name[DP_NAME_TEXT_MAX + 16] = "";
	size_t i;

	dp_target_summary(r, summary, sizeof(summary));
	if (r->opts.dialect != NULL)
		snprintf(dialect, sizeof(dialect), " (STARTTLS %s)", r->opts.dialect->name);
	if (r->tg.is_addr && r->reference[0] != '\0')
		snprintf(name, sizeof(name), " (as %s)", r->reference);
	line(fp, "%s%s%s: %s: %s", r->tg.display, name, dialect, dp_exit_word(r->exit_code),
	    summary);
	if (set->ans != NULL || set->nrecs > 0) {
		snprintf(extra, sizeof(extra), "%s", set->ans == NULL ? "" : " (DNSSEC ");
		line(fp, "  TLSA %s%s%s%s: %zu record%s, %zu usable%s", set->owner, extra,
		    set->ans != NULL ? dp_dnssec_name(set->ans->state) : "",
		    set->ans != NULL ? ")" : "", set->nrecs, set->nrecs == 1 ? "" : "s",
		    set->nusable,
		    r->expanded_in_force ? ", at the CNAME-expanded name (RFC 7671 section 7)" : "");
	}
	if (r->addr_reason == DP_R_ADDR_LOOKUP_FAILED)
		line(fp, "  %s: %s", dp_reason_text(r->addr_reason), r->addr_detail);
	for (i = 0; i < r->naddrs; i++) {
		const struct dp_addr_result *a = &r->addrs[i];

		extra[0] = '\0';
		if (a->reason == DP_R_VERIFIED)
			match_text(&a->match, extra, sizeof(extra));
		else if (a->detail[0])
			snprintf(extra, sizeof(extra), " (%s)", a->detail);
		line(fp, "  %s: %s%s", a->label, dp_reason_text(a->reason), extra);
		if (cfg->verbose)
			text_addr_detail(fp, r, a);
	}
	if (r->nleft_out > 0)
		text_left_out(fp, r);
	if (cfg->verbose) {
		text_tlsa_records(fp, set, cfg->verbose > 1);
		if (set->ans != NULL)
			text_answer(fp, set->ans);
	}
	text_trace(fp, set->ans);
	text_trace(fp, r->addr_ans[0]);
	text_trace(fp, r->addr_ans[1]);
}

static int
text_check(FILE *fp, const struct dp_config *cfg, const struct dp_check_report *rep)
{
	size_t i;

	for (i = 0; i < rep->ntargets; i++) {
		text_target(fp, cfg, &rep->targets[i]);
		if (rep->servers != NULL && rep->servers[i].owner[0] != '\0')
			text_servers(fp, cfg, &rep->servers[i]);
	}
	if (cfg->verbose)
		line(fp, "total %llu ms, backend %s", (unsigned long long)rep->elapsed_ms,
		    rep->backend ? rep->backend : "none (no DNS needed)");
	return ferror(fp) ? -1 : 0;
}

static int
text_smtp(FILE *fp, const struct dp_config *cfg, const struct dp_smtp_report *rep)
{
	char summary[1024], outcome[300];
	size_t i;

	dp_smtp_summary(rep, summary, sizeof(summary));
	line(fp, "%.*s: %s: %s", (int)strlen(rep->domain) - 1, rep->domain,
	    dp_exit_word(rep->exit_code), summary);
	for (i = 0; i < rep->nhosts; i++) {
		const struct dp_mx_host *h = &rep->hosts[i];

		if (rep->mx_reason == DP_R_MX_SECURE && h->state != DP_MX_CHECKED)
			line(fp, "  MX %d %s: %s", h->preference, h->host,
			    dp_mx_host_outcome(h, outcome, sizeof(outcome)));
		else
			line(fp, "  MX %d %s", h->preference, h->host);
	}
	if (cfg->verbose && rep->mx != NULL)
		text_answer(fp, rep->mx);
	text_trace(fp, rep->mx);
	if (rep->has_servers)
		text_servers(fp, cfg, &rep->mx_servers);
	for (i = 0; i < rep->check.ntargets; i++) {
		text_target(fp, cfg, &rep->check.targets[i]);
		if (rep->check.servers != NULL && rep->check.servers[i].owner[0] != '\0')
			text_servers(fp, cfg, &rep->check.servers[i]);
	}
	return ferror(fp) ? -1 : 0;
}

static int
text_stream_target(FILE *fp, const struct dp_config *cfg, const struct dp_target_result *r)
{
	text_target(fp, cfg, r);
	return ferror(fp) ? -1 : 0;
}

static int
text_batch_end(FILE *fp, const struct dp_config *cfg, const struct dp_batch_summary *sum)
{
	const char *what = cfg->cmd == DP_CMD_SMTP ? "domain" : "target";

	line(fp, "%zu %s%s: %zu OK, %zu FAIL, %zu DANE NOT IN FORCE, %zu COULD NOT "
	    "CHECK, %zu not a %s; worst %s (exit %d), %llu ms", sum->results, what,
	    sum->results == 1 ? "" : "s", sum->ok, sum->fail, sum->not_in_force,
	    sum->unchecked, sum->bad, what, dp_exit_word(sum->exit_code), sum->exit_code,
	    (unsigned long long)sum->elapsed_ms);
	return ferror(fp) ? -1 : 0;
}

/*
 * verify: "FILE for TARGET: STATE: why", the TLSA set, the time it was
 * judged as of; with -v the chain and how each record fared.
 */
static int
text_verify(FILE *fp, const struct dp_config *cfg, const struct dp_verify_report *rep)
{
	char summary[768], note[256], acr[96], buf[256], name[DP_NAME_TEXT_MAX + 16] = "";
	const struct dp_target_result *r;
	const struct dp_tlsaset *set;
	size_t i;

	if (rep->check.ntargets == 0)
		return 0;
	r = &rep->check.targets[0];
	set = &r->tlsa;
	dp_verify_summary(r, summary, sizeof(summary));
	if (r->tg.is_addr && r->reference[0] != '\0')
		snprintf(name, sizeof(name), " (as %s)", r->reference);
	line(fp, "%s for %s%s: %s: %s", rep->offline.source, r->tg.display, name,
	    dp_exit_word(r->exit_code), summary);
	if (set->ans != NULL || set->nrecs > 0)
		line(fp, "  TLSA %s%s%s%s: %zu record%s, %zu usable%s", set->owner,
		    set->ans != NULL ? " (DNSSEC " : "",
		    set->ans != NULL ? dp_dnssec_name(set->ans->state) : "",
		    set->ans != NULL ? ")" : "", set->nrecs, set->nrecs == 1 ? "" : "s",
		    set->nusable,
		    r->expanded_in_force ? ", at the CNAME-expanded name (RFC 7671 section 7)" : "");
	if (dp_verify_time_note(r, note, sizeof(note)))
		line(fp, "  %s", note);
	if (!cfg->verbose || r->naddrs == 0)
		return ferror(fp) ? -1 : 0;
	if (r->addrs[0].chain != NULL) {
		line(fp, "  chain in %s:", rep->offline.source);
		text_chain(fp, r->addrs[0].chain);
	}
	for (i = 0; i < set->nrecs; i++) {
		dp_tlsa_acronyms(&set->recs[i], acr, sizeof(acr));
		line(fp, "  record %zu %s: %s", i + 1, acr,
		    dp_record_outcome(r, &r->addrs[0], i, buf, sizeof(buf)));
	}
	text_tlsa_records(fp, set, cfg->verbose > 1);
	if (set->ans != NULL)
		text_answer(fp, set->ans);
	return ferror(fp) ? -1 : 0;
}

/* The sources of one chain: "127.0.1.1:443, [::1]:443". */
static void
group_sources(const struct dp_gen_report *rep, int group, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < rep->nsources && o < len; i++)
		if (rep->sources[i].group == group)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
			    rep->sources[i].label);
}

/*
 * tlsa: the records as zone-file lines, ready to paste; everything else
 * is a ';' comment, so the whole output is a valid zone-file fragment.
 */
static int
text_tlsa(FILE *fp, const struct dp_config *cfg, const struct dp_gen_report *rep)
{
	char from[1024], acr[96];
	size_t i;
	int g;

	if (rep->owner_note[0] != '\0')
		line(fp, "; %s", rep->owner_note);
	for (i = 0; i < rep->nsources; i++)
		if (rep->sources[i].group < 0)
			line(fp, "; %s: no chain: %s%s%s", rep->sources[i].label,
			    dp_reason_text(rep->sources[i].reason),
			    rep->sources[i].detail[0] ? ": " : "", rep->sources[i].detail);
	if (rep->ngroups > 1)
		line(fp, "; the addresses serve %d different chains: the records of each follow; "
		    "publish them all, or make the servers agree", rep->ngroups);
	for (g = 0; g < rep->ngroups; g++) {
		if (rep->ngroups > 1 || cfg->verbose) {
			group_sources(rep, g, from, sizeof(from));
			line(fp, "; %s %s", rep->ngroups > 1 ? "chain served by" : "from", from);
		}
		for (i = 0; i < rep->nrecords; i++) {
			const struct dp_gen_record *r = &rep->records[i];

			if (r->group != g)
				continue;
			if (cfg->verbose) {
				dp_tlsa_acronyms(&r->rec, acr, sizeof(acr));
				if (r->depth >= 0)
					line(fp, "; %s of depth %d: %s", acr, r->depth, r->subject);
				else
					line(fp, "; %s of the key", acr);
			}
			line(fp, "%s", r->zone_line);
		}
	}
	return ferror(fp) ? -1 : 0;
}

/*
 * lint: a verdict line with the counts, then the findings grouped by
 * severity, each with its fix and RFC; with -v the checks they read.
 */
static int
text_lint(FILE *fp, const struct dp_config *cfg, const struct dp_lint_report *rep)
{
	static const enum dp_lint_severity order[] = { DP_LINT_ERROR, DP_LINT_WARNING, DP_LINT_NOTE };
	static const char *const heads[] = { "errors", "warnings", "notes" };
	const struct dp_lint_findings *f = &rep->findings;
	const struct dp_check_report *c = dp_lint_checks(rep);
	char what[DP_NAME_TEXT_MAX + 32];
	size_t i, j;

	if (rep->is_smtp)
		snprintf(what, sizeof(what), "%s (MX)", rep->smtp.domain);
	else
		snprintf(what, sizeof(what), "%.1000s%s", c->ntargets > 0 ? c->targets[0].tg.display : "",
		    c->ntargets > 1 ? " and more" : "");
	line(fp, "lint %s: %s: %zu error%s, %zu warning%s, %zu note%s%s%s", what,
	    dp_exit_word(rep->exit_code), dp_lint_count(f, DP_LINT_ERROR),
	    dp_lint_count(f, DP_LINT_ERROR) == 1 ? "" : "s", dp_lint_count(f, DP_LINT_WARNING),
	    dp_lint_count(f, DP_LINT_WARNING) == 1 ? "" : "s", dp_lint_count(f, DP_LINT_NOTE),
	    dp_lint_count(f, DP_LINT_NOTE) == 1 ? "" : "s",
	    f->incomplete ? "; could not check all: " : "", f->incomplete ? f->incomplete_why : "");
	for (j = 0; j < sizeof(order) / sizeof(order[0]); j++) {
		if (dp_lint_count(f, order[j]) == 0)
			continue;
		line(fp, "%s:", heads[j]);
		for (i = 0; i < f->n; i++) {
			const struct dp_lint_finding *it = &f->items[i];

			if (it->severity != order[j])
				continue;
			line(fp, "  %s: %s: %s", it->id, it->about, it->text);
			line(fp, "    fix: %s%s%s%s", it->fix != NULL ? it->fix : "",
			    it->rfc != NULL ? " (" : "", it->rfc != NULL ? it->rfc : "",
			    it->rfc != NULL ? ")" : "");
		}
	}
	if (cfg->verbose)
		for (i = 0; i < c->ntargets; i++)
			text_target(fp, cfg, &c->targets[i]);
	return ferror(fp) ? -1 : 0;
}

/*
 * rollover: the verdict, each reason it is not ready, what each next
 * chain needs published, what can go after the switch, and when.
 */
static int
text_rollover(FILE *fp, const struct dp_config *cfg, const struct dp_rollover_report *rep)
{
	const struct dp_target_result *r = rep->check.ntargets > 0 ? &rep->check.targets[0] : NULL;
	char when[32];
	size_t i, j;

	if (rep->nreasons == 0)
		line(fp, "rollover %s: READY", r != NULL ? r->tg.display : "?");
	else
		line(fp, "rollover %s: %s: %zu reason%s", r != NULL ? r->tg.display : "?",
		    rep->exit_code == 1 ? "NOT READY" : "COULD NOT CHECK", rep->nreasons,
		    rep->nreasons == 1 ? "" : "s");
	for (i = 0; i < rep->nreasons; i++)
		line(fp, "  %s", rep->reasons[i]);
	line(fp, "  now: %s", rep->now_ok ? "every address verifies with the published records" :
	    "not every address verifies (above)");
	for (i = 0; i < rep->nnext; i++) {
		const struct dp_next_result *n = &rep->next[i];

		line(fp, "  next %s%s: %s: %s", n->source, n->is_key ? " (a key)" : "",
		    n->matches ? "matches" : "does not match", n->detail);
		if (n->nadd > 0)
			line(fp, "    publish before the switch:");
		for (j = 0; j < n->nadd; j++)
			line(fp, "      %s", n->add[j]);
	}
	if (rep->nremove > 0)
		line(fp, "  after the switch and a TTL, these records can go:");
	for (i = 0; i < rep->nremove; i++)
		line(fp, "      %s", rep->remove[i]);
	if (rep->earliest != 0) {
		dp_format_time(rep->earliest, when, sizeof(when));
		line(fp, "  when: TTL %u s; every server serves the records; safe to switch from %s",
		    rep->ttl, when);
	}
	if (cfg->verbose && r != NULL)
		text_target(fp, cfg, r);
	if (cfg->verbose && rep->check.servers != NULL && rep->check.servers[0].owner[0] != '\0')
		text_servers(fp, cfg, &rep->check.servers[0]);
	return ferror(fp) ? -1 : 0;
}

const struct dp_renderer dp_renderer_text = {
	.format = DP_FMT_TEXT,
	.lookup = text_lookup,
	.check = text_check,
	.smtp = text_smtp,
	.target = text_stream_target,
	.batch_end = text_batch_end,
	.domain = text_smtp,
	.verify = text_verify,
	.tlsa = text_tlsa,
	.lint = text_lint,
	.rollover = text_rollover,
};
