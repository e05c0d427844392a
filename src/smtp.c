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

#include <event2/event.h>

#include "batch.h"
#include "batchfile.h"
#include "clock.h"
#include "dnsmsg.h"
#include "smtp.h"

struct smtp_batch;

struct smtp_job {
	const struct dp_config	*cfg;
	struct dp_smtp_report	*rep;
	struct dp_check		*check;
	struct dp_query		*q_mx;
	/* smtp -f only: one domain of a list, sharing the batch */
	struct smtp_batch	*b;
	struct dp_smtp_report	 own;		/* rep points here */
	bool			 in_use, mx_done, implicit_done;
	size_t			 next;		/* the next MX host to add */
	size_t			 added, outstanding;	/* targets added, not yet back */
	unsigned		 tag_base;	/* slot << 8: results find their domain */
	uint64_t		 started_ms;	/* smtp -f: the domain's own elapsed time */
	/* smtp --servers (no -f): the MX RRset's survey, then each host's TLSA */
	struct dp_survey	*mx_survey;
	struct dp_survey	*host_surveys[DP_MAX_MX_LIMIT + 1];
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

static void	start_host_survey(struct smtp_job *job, size_t i, const char *owner);

/*
 * Makes host h a check target, or says why it cannot be one: a name that
 * is no host name ("*", escaped octets), an address, a name too long for
 * a TLSA owner, a null MX among real ones (RFC 7505 section 3).
 */
static void
add_mx_target(struct smtp_job *job, struct dp_mx_host *h, const char *host, int pref)
{
	struct dp_target_opts opts = { .dialect = &dp_dialect_smtp, .smtp = true,
	    .mx_pref = pref, .tag = job->tag_base + job->added };
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
	if (dp_check_add(job->check, &tg, &opts, &err) == NULL)
		mx_unusable(job->rep, h, "", err.msg);
	else {
		if (job->b == NULL && job->cfg->servers)
			start_host_survey(job, job->added, owner);
		job->added++;
		job->outstanding++;
	}
}

static void	domain_add_hosts(struct smtp_job *job);

/*
 * smtp --servers: a survey of MX host i's TLSA owner, beside its check
 * (rep->check.servers, one per target).  One that cannot start says so
 * in its report.
 */
static void
start_host_survey(struct smtp_job *job, size_t i, const char *owner)
{
	struct dp_smtp_report *rep = job->rep;
	struct dp_err err;

	if (i > DP_MAX_MX_LIMIT || (rep->check.servers == NULL &&
	    (rep->check.servers = calloc(DP_MAX_MX_LIMIT + 1,
	    sizeof(*rep->check.servers))) == NULL))
		return;
	if ((job->host_surveys[i] = dp_servers_start(job->check, owner, DP_TYPE_TLSA,
	    job->cfg->res.timeout_ms, &rep->check.servers[i], &err)) == NULL) {
		/* Never "consistent" by default: it is said, and could not check. */
		snprintf(rep->check.servers[i].owner, sizeof(rep->check.servers[i].owner), "%s",
		    owner);
		snprintf(rep->check.servers[i].detail, sizeof(rep->check.servers[i].detail),
		    "%.250s", err.msg);
		rep->check.servers[i].exit_code = DP_EXIT_UNCHECKED;
	}
}

/* After the batch: each survey judged; the domain's status the worst of all. */
static void
finish_surveys(struct smtp_job *job)
{
	struct dp_smtp_report *rep = job->rep;
	size_t i;

	if (job->mx_survey != NULL) {
		dp_servers_finish(job->mx_survey);
		job->mx_survey = NULL;
		rep->exit_code = dp_exit_worst(rep->exit_code, rep->mx_servers.exit_code);
	}
	for (i = 0; i <= DP_MAX_MX_LIMIT; i++)
		if (job->host_surveys[i] != NULL) {
			dp_servers_finish(job->host_surveys[i]);
			job->host_surveys[i] = NULL;
		}
	for (i = 0; rep->check.servers != NULL && i < rep->check.ntargets; i++)
		if (rep->check.servers[i].owner[0] != '\0')
			rep->exit_code = dp_exit_worst(rep->exit_code,
			    rep->check.servers[i].exit_code);
}

static void
mx_answer(struct dp_answer *ans, void *arg)
{
	struct smtp_job *job = arg;
	struct dp_smtp_report *rep = job->rep;
	struct dp_check *check = job->check;
	size_t i;

	job->q_mx = NULL;
	rep->mx = ans;
	rep->mx_reason = classify_mx(job, ans);
	job->mx_done = true;
	if (rep->mx_reason == DP_R_MX_SECURE)
		for (i = job->cfg->max_mx; i < rep->nhosts; i++) {
			rep->hosts[i].state = DP_MX_LEFT_OUT;
			rep->nleft_out++;
		}
	/*
	 * The hosts go in as slots allow (a list shares the batch's window);
	 * with a list, that may report the domain and free job at once.
	 */
	domain_add_hosts(job);
	dp_check_hold(check, -1);
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
	struct smtp_job job;
	struct dp_resolver *res;
	int rc = -1;

	memset(&job, 0, sizeof(job));
	job.cfg = cfg;
	job.rep = rep;

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
	/* --servers: the MX RRset at every server of its zone, alongside (RFC 7672 trusts it). */
	if (cfg->servers && (job.mx_survey = dp_servers_start(job.check, rep->domain, DP_TYPE_MX,
	    cfg->res.timeout_ms, &rep->mx_servers, err)) == NULL)
		goto out;
	rep->has_servers = cfg->servers;
	if (dp_check_wait(job.check, err) == -1)
		goto out;
	if (job.q_mx != NULL) {		/* the deadline came first */
		dp_query_cancel(job.q_mx);
		job.q_mx = NULL;
		rep->mx_reason = classify_mx(&job, NULL);
	}
	rep->exit_code = smtp_exit(rep);
	finish_surveys(&job);
	rc = 0;
out:
	finish_surveys(&job);	/* an error on the way: freed (what they judge is not used) */
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
	dp_servers_report_clear(&rep->mx_servers);
	memset(rep, 0, sizeof(*rep));
}

/*
 * smtp -f: a list of mail domains on one batch.  A few domains are in
 * flight at once; each domain's MX hosts become targets of the shared
 * batch as its slots allow, their results come back tagged with the
 * domain, and a domain is reported when its last host is done.  The same
 * accounting as check -f: every line gets a report, a bad one
 * "bad-target", one the deadline left unstarted "not-started".
 */
struct smtp_batch {
	const struct dp_config	*cfg;
	struct dp_check		*check;
	struct dp_resolver	*res;
	struct dp_batchfile	 bf;
	struct event		*readable;
	bool			 ended;
	struct smtp_job		*doms;
	size_t			 ndoms;
	bool			 in_sink;	/* the batch feeds us after its sweep */
	bool			 draining;	/* after the deadline: no new domain */
	bool			 feeding, feed_again;	/* smtp_feed is not re-entered */
	dp_smtp_emit		*emit;
	void			*arg;
	struct dp_batch_summary	*sum;
};

static size_t
host_limit(const struct smtp_job *job)
{
	return job->rep->nhosts < job->cfg->max_mx ? job->rep->nhosts : job->cfg->max_mx;
}

/* Hosts of a secure MX RRset not yet added (waiting for slots). */
static bool
domain_waits(const struct smtp_job *job)
{
	const struct dp_smtp_report *rep = job->rep;

	return job->mx_done && rep->mx_reason == DP_R_MX_SECURE &&
	    ((rep->implicit_mx && !job->implicit_done) || job->next < host_limit(job));
}

static void
emit_report(struct smtp_batch *b, struct dp_smtp_report *rep)
{
	dp_batch_count(b->sum, rep->exit_code);
	b->emit(rep, b->arg);
}

static void	smtp_feed(struct dp_check *c, void *arg);

/* The domain's last host is back: its report, then the slot is free. */
static void
domain_finish(struct smtp_job *job)
{
	struct dp_smtp_report *rep = job->rep;
	size_t i;

	rep->check.ntargets = job->added;
	for (i = 0; i < job->added; i++)
		rep->check.exit_code = dp_exit_worst(rep->check.exit_code,
		    rep->check.targets[i].exit_code);
	struct smtp_batch *b = job->b;

	/* As smtp DOMAIN has them: the batch's resolver, the domain's own time. */
	rep->check.backend = b->res != NULL ? dp_resolver_name(b->res) : NULL;
	rep->check.elapsed_ms = dp_now_ms() - job->started_ms;
	rep->exit_code = smtp_exit(rep);
	emit_report(b, rep);
	dp_smtp_report_clear(rep);
	memset(job, 0, sizeof(*job));
	/*
	 * Its slot in the window is free: the next domain starts now, unless
	 * this is the batch's sweep handing over a result (it feeds after).
	 */
	if (!b->in_sink && !b->draining)
		smtp_feed(b->check, b);
}

static void
domain_maybe_done(struct smtp_job *job)
{
	if (job->in_use && job->mx_done && !domain_waits(job) && job->outstanding == 0)
		domain_finish(job);
}

/* Adds what hosts the batch has slots for; with a list, reports the domain when done. */
static void
domain_add_hosts(struct smtp_job *job)
{
	struct dp_smtp_report *rep = job->rep;
	size_t limit = host_limit(job);

	if (job->mx_done && rep->mx_reason == DP_R_MX_SECURE) {
		if (rep->implicit_mx && !job->implicit_done) {
			if (dp_check_free_slots(job->check) == 0)
				return;
			job->implicit_done = true;
			add_mx_target(job, NULL, rep->domain, -1);
		}
		while (job->next < limit) {
			struct dp_mx_host *h = &rep->hosts[job->next];

			if (dp_check_free_slots(job->check) == 0)
				return;
			job->next++;
			add_mx_target(job, h, h->host, h->preference);
		}
	}
	if (job->b != NULL)
		domain_maybe_done(job);
}

/* A host's result, into its domain's report (the sink takes it over). */
static void
smtp_sink(struct dp_target_result *r, void *arg)
{
	struct smtp_batch *b = arg;
	struct smtp_job *job = &b->doms[r->opts.tag >> 8];
	size_t idx = r->opts.tag & 0xff;

	if (idx <= job->cfg->max_mx) {
		job->rep->check.targets[idx] = *r;
		memset(r, 0, sizeof(*r));
	}
	job->outstanding--;
	b->in_sink = true;
	domain_maybe_done(job);
	b->in_sink = false;
}

/* A report for a line that was not checked: reason, and why. */
static void
emit_unchecked_domain(struct smtp_batch *b, const struct dp_batch_entry *e,
    enum dp_reason reason, const char *why)
{
	struct dp_smtp_report rep;

	memset(&rep, 0, sizeof(rep));
	if (e->text[0] != '\0')
		snprintf(rep.domain, sizeof(rep.domain), "%.500s.", e->text);
	else
		snprintf(rep.domain, sizeof(rep.domain), "line %u.", e->line);
	rep.domain_as_given = true;
	rep.mx_reason = reason;
	snprintf(rep.mx_detail, sizeof(rep.mx_detail), "line %u: %.200s", e->line, why);
	rep.exit_code = dp_reason_exit(reason);
	emit_report(b, &rep);
}

static bool
domain_start(struct smtp_batch *b, struct smtp_job *job, const char *domain,
    struct dp_err *err)
{
	memset(job, 0, sizeof(*job));
	job->cfg = b->cfg;
	job->b = b;
	job->check = b->check;
	job->rep = &job->own;
	job->in_use = true;
	job->tag_base = (unsigned)(job - b->doms) << 8;
	job->started_ms = dp_now_ms();
	job->own.max_mx = b->cfg->max_mx;
	snprintf(job->own.domain, sizeof(job->own.domain), "%s", domain);
	if ((job->own.check.targets = calloc(b->cfg->max_mx + 1,
	    sizeof(*job->own.check.targets))) == NULL) {
		memset(job, 0, sizeof(*job));
		return dp_err_set(err, "out of memory") == 0;
	}
	dp_check_hold(b->check, 1);	/* until its MX answer */
	if ((job->q_mx = dp_resolver_query(b->res, domain, DP_TYPE_MX, mx_answer, job,
	    err)) == NULL) {
		dp_check_hold(b->check, -1);
		job->mx_done = true;
		job->own.mx_reason = DP_R_INTERNAL;
		snprintf(job->own.mx_detail, sizeof(job->own.mx_detail), "%.200s", err->msg);
		domain_maybe_done(job);
	}
	return true;
}

static void
smtp_readable_cb(evutil_socket_t fd, short what, void *arg)
{
	smtp_feed(((struct smtp_batch *)arg)->check, arg);
}

static void	feed_once(struct smtp_batch *b);

/*
 * Domains waiting for slots first, then new domains while there is room.
 * A domain that ends while we feed (no host to check) asks again rather
 * than feeding from inside the feed.
 */
static void
smtp_feed(struct dp_check *c, void *arg)
{
	struct smtp_batch *b = arg;

	if (b->feeding) {
		b->feed_again = true;
		return;
	}
	b->feeding = true;
	do {
		b->feed_again = false;
		feed_once(b);
	} while (b->feed_again);
	b->feeding = false;
}

static void
feed_once(struct smtp_batch *b)
{
	struct dp_check *c = b->check;
	struct dp_batch_entry e;
	struct dp_err err;
	char domain[DP_NAME_TEXT_MAX];
	size_t i, busy = 0;

	for (i = 0; i < b->ndoms; i++)
		if (b->doms[i].in_use && domain_waits(&b->doms[i]))
			domain_add_hosts(&b->doms[i]);
	for (i = 0; i < b->ndoms; i++)
		if (b->doms[i].in_use && (busy++, domain_waits(&b->doms[i])))
			return;		/* the window is full: no new domain yet */
	while (!b->ended && busy < b->ndoms) {
		switch (dp_batchfile_next(&b->bf, &e, &err)) {
		case DP_BATCH_TARGET:
			if (e.tg.is_addr || dp_name_canonical(e.text, domain, sizeof(domain),
			    &err) == -1) {
				emit_unchecked_domain(b, &e, DP_R_BAD_TARGET, e.tg.is_addr ?
				    "an address, not a mail domain" : err.msg);
				break;
			}
			for (i = 0; i < b->ndoms && b->doms[i].in_use; i++)
				;
			if (i == b->ndoms) {	/* cannot be (busy < ndoms); fail closed */
				emit_unchecked_domain(b, &e, DP_R_INTERNAL, "no free slot");
				break;
			}
			if (domain_start(b, &b->doms[i], domain, &err))
				busy++;
			break;
		case DP_BATCH_BAD:
			emit_unchecked_domain(b, &e, DP_R_BAD_TARGET, err.msg);
			break;
		case DP_BATCH_WAIT:
			event_add(b->readable, NULL);
			return;
		case DP_BATCH_END:
			b->ended = true;
			dp_check_hold(c, -1);
			return;
		}
	}
}

static void
drain_domain(const struct dp_batch_entry *e, enum dp_reason reason, const char *why,
    void *arg)
{
	emit_unchecked_domain(arg, e, reason, why);
}

/* After the run's deadline: the domains still open end, the rest of the list is reported. */
static void
smtp_drain(struct smtp_batch *b)
{
	size_t i, j;

	b->draining = true;
	for (i = 0; i < b->ndoms; i++) {
		struct smtp_job *job = &b->doms[i];

		if (!job->in_use)
			continue;
		if (job->q_mx != NULL) {
			dp_query_cancel(job->q_mx);
			job->q_mx = NULL;
			job->rep->mx_reason = classify_mx(job, NULL);
			job->mx_done = true;
		}
		for (j = job->next; job->rep->mx_reason == DP_R_MX_SECURE &&
		    j < host_limit(job); j++) {
			job->rep->hosts[j].state = DP_MX_NOT_STARTED;
			job->rep->nleft_out++;
		}
		job->next = host_limit(job);
		job->implicit_done = true;
		job->outstanding = 0;
		domain_finish(job);
	}
	if (!b->ended)
		dp_batchfile_drain(&b->bf, drain_domain, b);
	b->ended = true;
}

int
dp_smtp_batch_run(const struct dp_config *cfg, dp_smtp_emit *emit, void *arg,
    struct dp_batch_summary *sum, struct dp_err *err)
{
	struct dp_check_report rep;
	struct smtp_batch b;
	size_t i;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	memset(sum, 0, sizeof(*sum));
	b.cfg = cfg;
	b.emit = emit;
	b.arg = arg;
	b.sum = sum;
	/* A domain has a few MX hosts: a quarter of the window's slots each. */
	b.ndoms = cfg->window / 4 > 0 ? cfg->window / 4 : 1;
	if (dp_batchfile_open(&b.bf, cfg->target_file, 25, NULL, cfg->shard_k,
	    cfg->shard_n, err) == -1)
		return dp_err_kind(err, DP_ERR_USAGE);
	if (dp_check_open(cfg, &rep, &b.check, err) == -1)
		goto out;
	if ((b.doms = calloc(b.ndoms, sizeof(*b.doms))) == NULL) {
		dp_err_set(err, "out of memory");
		goto out;
	}
	if (dp_check_stream(b.check, cfg->window, smtp_sink, smtp_feed, &b, err) == -1)
		goto out;
	if ((b.res = dp_check_resolver(b.check, err)) == NULL) {
		dp_err_kind(err, DP_ERR_USAGE);
		goto out;
	}
	if ((b.readable = event_new(dp_check_base(b.check), b.bf.fd, EV_READ,
	    smtp_readable_cb, &b)) == NULL) {
		dp_err_set(err, "out of memory");
		goto out;
	}
	dp_check_hold(b.check, 1);	/* until the list is read to its end */
	smtp_feed(b.check, &b);
	if (dp_check_wait(b.check, err) == -1)
		goto out;
	smtp_drain(&b);
	sum->backend = rep.backend;
	sum->elapsed_ms = rep.elapsed_ms;
	if (sum->results == 0 && cfg->shard_n == 1) {
		dp_err_set(err, "%s: no domains", b.bf.path);
		dp_err_kind(err, DP_ERR_USAGE);
		goto out;
	}
	rc = 0;
out:
	if (b.readable != NULL)
		event_free(b.readable);
	for (i = 0; b.doms != NULL && i < b.ndoms; i++)
		if (b.doms[i].in_use) {
			dp_query_cancel(b.doms[i].q_mx);
			dp_smtp_report_clear(&b.doms[i].own);
		}
	free(b.doms);
	dp_check_close(b.check);
	dp_check_report_clear(&rep);
	dp_batchfile_close(&b.bf);
	return rc;
}
