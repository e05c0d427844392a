/*
 * smtp.c: DANE for SMTP (RFC 7672).  The MX lookup comes first; each MX
 * host of a secure MX RRset then becomes a check target on the same loop:
 * port 25, STARTTLS, the SMTP usability rules (PKIX-TA/PKIX-EE unusable,
 * section 3.1.3), and the MX host name, not the recipient domain, as the
 * reference identifier for DANE-TA (section 3.2.2).
 *
 * Policy: an insecure MX RRset means DANE is not in force (section 2.2.1:
 * its host names are not authenticated); no MX means the domain itself
 * (implicit MX) when that is securely so; a null MX (RFC 7505) is
 * reported with nothing to check; a bogus or failed MX lookup fails.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dnsmsg.h"
#include "smtp.h"

struct smtp_job {
	const struct dp_config	*cfg;
	struct dp_smtp_report	*rep;
	struct dp_check		*check;
	struct dp_query		*q_mx;
};

static int
mx_order(const void *a, const void *b)
{
	const struct dp_mx_host *x = a, *y = b;

	return x->preference - y->preference;
}

/* Reads the MX records into rep->hosts, sorted by preference, without duplicates. */
static void
read_mx_hosts(struct dp_smtp_report *rep, const struct dp_answer *ans)
{
	size_t i, j;

	for (i = 0; i < ans->nrrs && rep->nhosts < DP_MAX_MX; i++) {
		const struct dp_record *rr = &ans->rrs[i];
		struct dp_mx_host *h = &rep->hosts[rep->nhosts];
		bool dup = false;

		if (rr->rdlen < 3)
			continue;
		h->preference = (rr->rdata[0] << 8) | rr->rdata[1];
		dp_name_wire_to_text(rr->rdata + 2, h->host, sizeof(h->host));
		for (j = 0; j < rep->nhosts; j++)
			dup = dup || strcasecmp(rep->hosts[j].host, h->host) == 0;
		if (!dup)
			rep->nhosts++;
	}
	qsort(rep->hosts, rep->nhosts, sizeof(rep->hosts[0]), mx_order);
}

static enum dp_reason
classify_mx(struct smtp_job *job, const struct dp_answer *ans)
{
	struct dp_smtp_report *rep = job->rep;

	switch (dp_answer_trust(ans, rep->mx_detail, sizeof(rep->mx_detail))) {
	case DP_TRUST_TIMEOUT:
	case DP_TRUST_FAILED:
	case DP_TRUST_UNDETERMINED:
		return DP_R_MX_LOOKUP_FAILED;
	case DP_TRUST_BOGUS:
		return DP_R_MX_BOGUS;
	case DP_TRUST_INSECURE:
		read_mx_hosts(rep, ans);
		return DP_R_MX_INSECURE;
	case DP_TRUST_SECURE:
		break;
	}
	read_mx_hosts(rep, ans);
	if (ans->rcode == DP_RCODE_NXDOMAIN)
		return DP_R_MX_NXDOMAIN;
	if (rep->nhosts == 1 && strcmp(rep->hosts[0].host, ".") == 0) {
		rep->null_mx = true;
		return DP_R_NULL_MX;
	}
	if (rep->nhosts == 0) {
		rep->implicit_mx = true;
		snprintf(rep->mx_detail, sizeof(rep->mx_detail),
		    "no MX records: the domain itself receives mail (implicit MX)");
	}
	return DP_R_MX_SECURE;
}

static void
add_mx_target(struct smtp_job *job, const char *host, int pref)
{
	struct dp_target_opts opts = { &dp_dialect_smtp, true, pref };
	struct dp_target tg;
	struct dp_err err;

	/* "." and names that read as addresses are no MX hosts; skipped. */
	if (strcmp(host, ".") == 0 || dp_target_parse(host, 25, &tg, &err) == -1 || tg.is_addr)
		return;
	dp_check_add(job->check, &tg, &opts, &err);
}

static void
mx_answer(struct dp_answer *ans, void *arg)
{
	struct smtp_job *job = arg;
	struct dp_smtp_report *rep = job->rep;
	size_t i;

	job->q_mx = NULL;
	rep->mx = ans;
	rep->mx_reason = classify_mx(job, ans);
	if (rep->mx_reason == DP_R_MX_SECURE) {
		if (rep->implicit_mx)
			add_mx_target(job, rep->domain, -1);
		for (i = 0; i < rep->nhosts; i++)
			add_mx_target(job, rep->hosts[i].host, rep->hosts[i].preference);
	}
	dp_check_hold(job->check, -1);
}

int
dp_smtp_run(const struct dp_config *cfg, struct dp_smtp_report *rep,
    int *exit_code, struct dp_err *err)
{
	struct smtp_job job = { cfg, rep, NULL, NULL };
	struct dp_resolver *res;
	int rc = -1;

	memset(rep, 0, sizeof(*rep));
	*exit_code = DP_EXIT_USAGE;
	if (dp_name_canonical(cfg->args[0], rep->domain, sizeof(rep->domain), err) == -1) {
		dp_err_prefix(err, "'%s'", cfg->args[0]);
		return -1;
	}
	if (dp_check_open(cfg, &rep->check, &job.check, exit_code, err) == -1)
		goto out;
	*exit_code = DP_EXIT_INTERNAL;
	dp_check_hold(job.check, 1);
	if ((res = dp_check_resolver(job.check, err)) == NULL) {
		*exit_code = DP_EXIT_USAGE;
		goto out;
	}
	if ((job.q_mx = dp_resolver_query(res, rep->domain, DP_TYPE_MX, mx_answer, &job,
	    err)) == NULL)
		goto out;
	if (dp_check_wait(job.check, err) == -1)
		goto out;
	if (job.q_mx != NULL) {		/* the deadline came first */
		dp_query_cancel(job.q_mx);
		job.q_mx = NULL;
		rep->mx_reason = classify_mx(&job, NULL);
	}
	rep->exit_code = dp_exit_worst(dp_reason_exit(rep->mx_reason), rep->check.exit_code);
	*exit_code = rep->exit_code;
	rc = 0;
out:
	dp_query_cancel(job.q_mx);
	dp_check_close(job.check);
	return rc;
}

void
dp_smtp_report_clear(struct dp_smtp_report *rep)
{
	dp_answer_free(rep->mx);
	dp_check_report_clear(&rep->check);
	memset(rep, 0, sizeof(*rep));
}
