/*
 * lookup.c: "daneprobe lookup HOST [PORT]".
 *
 * A batch (check.c) with one query and no target: the batch's loop,
 * deadline and resolver serve it, and the batch ends when the answer is
 * delivered or the deadline comes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "check.h"
#include "lookup.h"

int
dp_lookup_owner(const struct dp_config *cfg, char *owner, size_t len,
    struct dp_err *err)
{
	char proto[16], host[DP_NAME_TEXT_MAX];
	const char *hostpart;
	unsigned port = 443;
	int split;

	if ((split = dp_name_split_tlsa_owner(cfg->args[0], &port, proto,
	    sizeof(proto), &hostpart, err)) == -1)
		return -1;
	if (split == 1) {
		if (cfg->nargs > 1)
			return dp_err_set(err, "give either _PORT._PROTO.HOST or HOST PORT, not both");
		if (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0 &&
		    strcmp(proto, "sctp") != 0)
			return dp_err_set(err, "'%s': protocol label must be _tcp, _udp or _sctp",
			    cfg->args[0]);
	} else {
		hostpart = cfg->args[0];
		snprintf(proto, sizeof(proto), "%s", cfg->proto);
		if (cfg->nargs > 1 && dp_parse_port(cfg->args[1], &port, err) == -1)
			return -1;
	}
	if (dp_name_canonical(hostpart, host, sizeof(host), err) == -1) {
		dp_err_prefix(err, "'%s'", hostpart);
		return -1;
	}
	return dp_name_tlsa_owner(owner, len, port, proto, host, err);
}

struct lookup_job {
	struct dp_check		*check;
	struct dp_answer	*ans;
};

static void
lookup_done(struct dp_answer *ans, void *arg)
{
	struct lookup_job *job = arg;

	job->ans = ans;
	dp_check_hold(job->check, -1);	/* the batch may end */
}

int
dp_lookup_run(const struct dp_config *cfg, struct dp_lookup_report *rep,
    struct dp_err *err)
{
	struct lookup_job job = { NULL, NULL };
	struct dp_check_report crep;
	struct dp_survey *survey = NULL;
	struct dp_resolver *res;
	struct dp_query *q = NULL;
	struct dp_answer *ans;
	char owner[DP_NAME_TEXT_MAX];
	int rc = -1;

	memset(rep, 0, sizeof(*rep));
	if (dp_lookup_owner(cfg, owner, sizeof(owner), err) == -1)
		return dp_err_kind(err, DP_ERR_USAGE);
	if (dp_check_open(cfg, &crep, &job.check, err) == -1)
		goto out;
	dp_check_hold(job.check, 1);
	if ((res = dp_check_resolver(job.check, err)) == NULL) {
		/* A bad trust anchor, hints or resolver address is the user's to fix. */
		dp_err_kind(err, DP_ERR_USAGE);
		goto out;
	}
	rep->backend = dp_resolver_name(res);
	if ((q = dp_resolver_query(res, owner, DP_TYPE_TLSA, lookup_done, &job, err)) == NULL)
		goto out;
	/* --servers runs on the same loop, alongside the lookup, within the same -t. */
	if (cfg->servers && (survey = dp_servers_start(job.check, owner, DP_TYPE_TLSA, cfg->res.timeout_ms,
	    &rep->servers, err)) == NULL)
		goto out;
	rep->has_servers = cfg->servers;
	if (dp_check_wait(job.check, err) == -1)
		goto out;
	dp_servers_finish(survey);
	survey = NULL;
	if (job.ans != NULL)
		q = NULL;	/* delivered: the query is gone */
	else if ((job.ans = dp_answer_timeout(owner, DP_TYPE_TLSA, rep->backend)) == NULL) {
		/* The run's deadline came first: a timeout, never "no TLSA". */
		dp_err_set(err, "out of memory");
		goto out;
	}
	ans = job.ans;	/* the set owns it from here, also on failure */
	job.ans = NULL;
	if (dp_tlsaset_from_answer(&rep->set, ans, false) == -1) {
		dp_err_set(err, "out of memory");
		goto out;
	}
	rep->exit_code = dp_reason_exit(rep->set.reason);
	if (rep->has_servers)
		rep->exit_code = dp_exit_worst(rep->exit_code, rep->servers.exit_code);
	rc = 0;
out:
	dp_servers_finish(survey);	/* an error on the way: freed, not judged */
	/* Undelivered (the deadline, an error): cancelled before the resolver goes. */
	if (q != NULL && job.ans == NULL)
		dp_query_cancel(q);
	dp_answer_free(job.ans);
	dp_check_close(job.check);
	dp_check_report_clear(&crep);
	return rc;
}

void
dp_lookup_report_clear(struct dp_lookup_report *rep)
{
	dp_tlsaset_clear(&rep->set);
	dp_servers_report_clear(&rep->servers);
}
