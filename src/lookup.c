/*
 * lookup.c: "daneprobe lookup HOST [PORT]".
 *
 * A batch of one query on the one event loop: the query's deadline is the
 * command's timeout, and the loop ends when the answer is delivered.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "dnsmsg.h"
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
	struct event_base	*base;
	struct dp_answer	*ans;
};

static void
lookup_done(struct dp_answer *ans, void *arg)
{
	struct lookup_job *job = arg;

	job->ans = ans;
	event_base_loopbreak(job->base);
}

int
dp_lookup_run(const struct dp_config *cfg, struct dp_lookup_report *rep,
    int *exit_code, struct dp_err *err)
{
	struct lookup_job job = { NULL, NULL };
	struct dp_resolver *res = NULL;
	struct dp_query *q;
	struct dp_answer *ans;
	char owner[DP_NAME_TEXT_MAX];
	int rc = -1;

	memset(rep, 0, sizeof(*rep));
	*exit_code = DP_EXIT_USAGE;
	if (dp_lookup_owner(cfg, owner, sizeof(owner), err) == -1)
		return -1;
	*exit_code = DP_EXIT_INTERNAL;
	if ((job.base = event_base_new()) == NULL)
		return dp_err_set(err, "cannot create the event loop");
	if (dp_resolver_new(job.base, &cfg->res, &res, err) == -1) {
		/* A bad trust anchor, hints or resolver address is the user's to fix. */
		*exit_code = DP_EXIT_USAGE;
		goto out;
	}
	rep->backend = dp_resolver_name(res);
	if ((q = dp_resolver_query(res, owner, DP_TYPE_TLSA, lookup_done, &job,
	    err)) == NULL)
		goto out;
	while (job.ans == NULL)
		if (event_base_loop(job.base, EVLOOP_ONCE) == -1) {
			dp_query_cancel(q);
			dp_err_set(err, "event loop failed");
			goto out;
		}
	ans = job.ans;	/* the set owns it from here, also on failure */
	job.ans = NULL;
	if (dp_tlsaset_from_answer(&rep->set, ans, false) == -1) {
		dp_err_set(err, "out of memory");
		goto out;
	}
	rep->exit_code = dp_reason_exit(rep->set.reason);
	*exit_code = rep->exit_code;
	rc = 0;
out:
	dp_answer_free(job.ans);
	dp_resolver_free(res);
	event_base_free(job.base);
	return rc;
}

void
dp_lookup_report_clear(struct dp_lookup_report *rep)
{
	dp_tlsaset_clear(&rep->set);
}
