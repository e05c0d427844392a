/*
 * lintcmd.c: "daneprobe lint".  The looking up and connecting is check's
 * and smtp's (one core: the same batch, the same limits, the same -t);
 * what is added is the judgement of their results (lint.c) and the rules
 * that need more than one target: the authoritative servers' agreement
 * (--servers) and, for a mail domain, MX hosts with and without TLSA, or
 * in insecure zones (RFC 7672 section 2.2: a downgrade an attacker picks).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dnsmsg.h"
#include "lintcmd.h"
#include "output.h"

const struct dp_check_report *
dp_lint_checks(const struct dp_lint_report *rep)
{
	return rep->is_smtp ? &rep->smtp.check : &rep->check;
}

/* --servers: a survey that found a server differing is an error; one that could not check, incomplete. */
static int
lint_servers(const struct dp_servers_report *s, struct dp_lint_findings *f)
{
	char summary[512];

	if (s == NULL || s->owner[0] == '\0')
		return 0;
	dp_servers_summary(s, summary, sizeof(summary));
	if (s->exit_code == 1)
		return dp_lint_add(f, "servers-disagree", DP_LINT_ERROR, s->owner,
		    "RFC 1996, RFC 7671 section 8", "bring every authoritative server to the "
		    "newest version of the zone (check its transfers and NOTIFY) before "
		    "relying on the records", "the authoritative servers of %s do not agree on "
		    "%s %s: %s", s->zone, s->owner, dp_type_name(s->qtype), summary);
	if (s->exit_code != 0) {
		f->incomplete = true;
		snprintf(f->incomplete_why, sizeof(f->incomplete_why), "the servers of %.100s: %.100s",
		    s->owner, summary);
	}
	return 0;
}

/* An MX host in an insecure zone without records: mx-insecure says all there is. */
static bool
mx_host_insecure(const struct dp_target_result *r)
{
	return r->tlsa.ans != NULL && r->tlsa.ans->state == DP_DNSSEC_INSECURE &&
	    r->tlsa.nrecs == 0;
}

/* A mail domain's hosts: some with TLSA and some without, or in an insecure zone. */
static int
lint_mx_hosts(const struct dp_smtp_report *s, struct dp_lint_findings *f)
{
	const struct dp_check_report *c = &s->check;
	char with[512] = "", without[512] = "";
	size_t i, nwith = 0, nwithout = 0, uw = 0, uwo = 0;

	for (i = 0; i < c->ntargets; i++) {
		const struct dp_target_result *r = &c->targets[i];
		const struct dp_answer *ans = r->tlsa.ans;

		if (mx_host_insecure(r) && dp_lint_add(f, "mx-insecure", DP_LINT_WARNING, r->tg.display,
		    "RFC 7672 section 2.2", "move the MX host into a signed zone (with a DS at "
		    "its parent) and publish its TLSA records", "MX host %s is in an insecure "
		    "zone: senders cannot use DANE with it, and an attacker who can pick the "
		    "MX host can pick this one", r->tg.display) == -1)
			return -1;
		if (ans == NULL || ans->state != DP_DNSSEC_SECURE)
			continue;
		if (r->tlsa.nrecs > 0) {
			nwith++;
			if (uw < sizeof(with))
				uw += (size_t)snprintf(with + uw, sizeof(with) - uw, "%s%s",
				    uw ? ", " : "", r->tg.display);
		} else {
			nwithout++;
			if (uwo < sizeof(without))
				uwo += (size_t)snprintf(without + uwo, sizeof(without) - uwo, "%s%s",
				    uwo ? ", " : "", r->tg.display);
		}
	}
	if (nwith == 0 || nwithout == 0)
		return 0;
	return dp_lint_add(f, "mx-mixed-tlsa", DP_LINT_WARNING, s->domain,
	    "RFC 7672 section 2.2", "publish TLSA records for every MX host (daneprobe tlsa "
	    "--starttls smtp HOST prints them), or none", "MX hosts with TLSA (%s) and without "
	    "(%s): a sender that reaches only those without delivers without DANE", with,
	    without);
}

/* Drops the no-TLSA note of an MX host the mixed-TLSA warning names. */
static void
drop_mx_notes(struct dp_lint_findings *f)
{
	size_t i, j;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->items[i].id, "mx-mixed-tlsa") == 0)
			break;
	if (i == f->n)
		return;
	for (i = 0, j = 0; i < f->n; i++) {
		if (strcmp(f->items[i].id, "no-tlsa") == 0) {
			free(f->items[i].about);
			free(f->items[i].text);
			continue;
		}
		f->items[j++] = f->items[i];
	}
	f->n = j;
}

int
dp_lint_run(const struct dp_config *cfg, struct dp_lint_report *rep, struct dp_err *err)
{
	const struct dp_check_report *c;
	struct dp_lint_opts o;
	size_t i;

	memset(rep, 0, sizeof(*rep));
	memset(&o, 0, sizeof(o));
	o.sig_warning_days = cfg->sig_warning_days;
	o.now = time(NULL);
	rep->is_smtp = cfg->smtp_rules;
	if (rep->is_smtp) {
		o.smtp = true;
		if (dp_smtp_run(cfg, &rep->smtp, err) == -1)
			return -1;
		if (rep->smtp.mx_reason != DP_R_MX_SECURE && rep->smtp.check.ntargets == 0) {
			rep->findings.incomplete = true;
			snprintf(rep->findings.incomplete_why, sizeof(rep->findings.incomplete_why),
			    "%.200s", dp_reason_text(rep->smtp.mx_reason));
		}
	} else if (dp_check_run(cfg, &rep->check, err) == -1)
		return -1;
	c = dp_lint_checks(rep);
	for (i = 0; i < c->ntargets; i++)
		if (((!rep->is_smtp || !mx_host_insecure(&c->targets[i])) &&
		    dp_lint_target(&c->targets[i], &o, &rep->findings) == -1) ||
		    (c->servers != NULL && lint_servers(&c->servers[i], &rep->findings) == -1))
			return dp_err_set(err, "out of memory");
	if (rep->is_smtp) {
		if ((rep->smtp.has_servers &&
		    lint_servers(&rep->smtp.mx_servers, &rep->findings) == -1) ||
		    lint_mx_hosts(&rep->smtp, &rep->findings) == -1)
			return dp_err_set(err, "out of memory");
		drop_mx_notes(&rep->findings);
	}
	rep->exit_code = dp_lint_exit(&rep->findings, cfg->lint_strict);
	return 0;
}

void
dp_lint_report_clear(struct dp_lint_report *rep)
{
	if (rep->is_smtp)
		dp_smtp_report_clear(&rep->smtp);
	else
		dp_check_report_clear(&rep->check);
	dp_lint_findings_clear(&rep->findings);
}
