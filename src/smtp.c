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
mx_by_name(const void *a, const void *b)
{
	const struct dp_mx_host *x = a, *y = b;
	int c = strcasecmp(x->host, y->host);

	return c != 0 ? c : x->preference - y->preference;
}

/* RFC 5321 section 5.1: by preference; equal ones by name, so runs agree. */
static int
mx_by_preference(const void *a, const void *b)
{
	const struct dp_mx_host *x = a, *y = b;

	return x->preference != y->preference ? x->preference - y->preference :
	    strcasecmp(x->host, y->host);
}

/*
 * Reads every MX record into rep->hosts, sorted by preference, a host
 * listed twice once (at its best preference).  All of them: a limit
 * applies only after sorting, so the primary MX is never the one cut.
 * Returns 0 or -1 (memory).
 */
static int
read_mx_hosts(struct dp_smtp_report *rep, const struct dp_answer *ans)
{
	size_t i, n = 0;

	if (ans->nrrs == 0)
		return 0;
	if ((rep->hosts = calloc(ans->nrrs, sizeof(*rep->hosts))) == NULL)
		return -1;
	for (i = 0; i < ans->nrrs; i++) {
		const struct dp_record *rr = &ans->rrs[i];

		if (rr->rdlen < 3)	/* malformed rdata (see copy_rdata) */
			continue;
		rep->hosts[n].preference = (rr->rdata[0] << 8) | rr->rdata[1];
		dp_name_wire_to_text(rr->rdata + 2, rep->hosts[n].host,
		    sizeof(rep->hosts[n].host));
		n++;
	}
	qsort(rep->hosts, n, sizeof(rep->hosts[0]), mx_by_name);
	for (i = 0; i < n; i++)
		if (rep->nhosts == 0 ||
		    strcasecmp(rep->hosts[rep->nhosts - 1].host, rep->hosts[i].host) != 0)
			rep->hosts[rep->nhosts++] = rep->hosts[i];
	qsort(rep->hosts, rep->nhosts, sizeof(rep->hosts[0]), mx_by_preference);
	return 0;
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
		if (read_mx_hosts(rep, ans) == -1)
			return DP_R_INTERNAL;
		return DP_R_MX_INSECURE;
	case DP_TRUST_SECURE:
		break;
	}
	if (read_mx_hosts(rep, ans) == -1)
		return DP_R_INTERNAL;
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
mx_unusable(struct dp_smtp_report *rep, struct dp_mx_host *h, const char *what,
    const char *why)
{
	rep->nunusable++;
	if (h == NULL) {	/* the implicit MX: the domain itself */
		snprintf(rep->mx_detail, sizeof(rep->mx_detail), "%s%.200s", what, why);
		return;
	}
	h->state = DP_MX_UNUSABLE;
	snprintf(h->why, sizeof(h->why), "%s%.200s", what, why);
}

/*
 * Makes host h a check target, or says why it cannot be one: a name that
 * is no host name ("*", escaped octets), an address, a name too long for
 * a TLSA owner, a null MX among real ones (RFC 7505 section 3).
 */
static void
add_mx_target(struct smtp_job *job, struct dp_mx_host *h, const char *host, int pref)
{
	struct dp_target_opts opts = { &dp_dialect_smtp, true, pref };
	const struct dp_target_result *t;
	char owner[DP_NAME_TEXT_MAX];
	struct dp_target tg;
	struct dp_err err;

	if (strcmp(host, ".") == 0) {
		mx_unusable(job->rep, h, "a null MX among other MX records (RFC 7505 "
		    "section 3)", "");
		return;
	}
	if (dp_target_parse(host, 25, &tg, &err) == -1) {
		mx_unusable(job->rep, h, "not a host name: ", err.msg);
		return;
	}
	if (tg.is_addr) {
		mx_unusable(job->rep, h, "an address, not a host name (RFC 5321 "
		    "section 5.1)", "");
		return;
	}
	if (dp_name_tlsa_owner(owner, sizeof(owner), 25, "tcp", tg.host, NULL) == -1) {
		mx_unusable(job->rep, h, "too long for a TLSA owner name (_25._tcp. and "
		    "the host name exceed 255 octets)", "");
		return;
	}
	if ((t = dp_check_add(job->check, &tg, &opts, &err)) == NULL)
		mx_unusable(job->rep, h, "", err.msg);
	else if (h != NULL)
		h->target = t;
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
			add_mx_target(job, NULL, rep->domain, -1);
		for (i = 0; i < rep->nhosts; i++) {
			struct dp_mx_host *h = &rep->hosts[i];

			if (i >= job->cfg->max_mx) {
				h->state = DP_MX_LEFT_OUT;
				rep->nleft_out++;
			} else
				add_mx_target(job, h, h->host, h->preference);
		}
	}
	dp_check_hold(job->check, -1);
}

/*
 * The domain's verdict.  Every MX host counts (RFC 7672 section 2.2.1):
 * one whose name cannot be checked is a failure of that host; hosts over
 * --max-mx are "could not check"; a domain none of whose hosts could be
 * checked is "could not check" whatever else is true.
 */
static int
smtp_exit(const struct dp_smtp_report *rep)
{
	int code = dp_exit_worst(dp_reason_exit(rep->mx_reason), rep->check.exit_code);

	if (rep->mx_reason != DP_R_MX_SECURE)
		return code;
	if (rep->check.ntargets == 0)
		return dp_reason_exit(DP_R_MX_NO_HOST);
	if (rep->nunusable > 0)
		code = dp_exit_worst(code, dp_reason_exit(DP_R_MX_HOST_UNUSABLE));
	if (rep->nleft_out > 0)
		code = dp_exit_worst(code, dp_reason_exit(DP_R_MX_LIMIT));
	return code;
}

int
dp_smtp_run(const struct dp_config *cfg, struct dp_smtp_report *rep,
    struct dp_err *err)
{
	struct smtp_job job = { cfg, rep, NULL, NULL };
	struct dp_resolver *res;
	int rc = -1;

	memset(rep, 0, sizeof(*rep));
	rep->max_mx = cfg->max_mx;
	if (dp_name_canonical(cfg->args[0], rep->domain, sizeof(rep->domain), err) == -1) {
		dp_err_prefix(err, "'%s'", cfg->args[0]);
		return dp_err_kind(err, DP_ERR_USAGE);
	}
	if (dp_check_open(cfg, &rep->check, &job.check, err) == -1)
		goto out;
	dp_check_hold(job.check, 1);
	if ((res = dp_check_resolver(job.check, err)) == NULL) {
		dp_err_kind(err, DP_ERR_USAGE);	/* a resolver the user's options cannot make */
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
	rep->exit_code = smtp_exit(rep);
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
	free(rep->hosts);
	dp_check_report_clear(&rep->check);
	memset(rep, 0, sizeof(*rep));
}
