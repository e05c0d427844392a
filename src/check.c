/*
 * check.c: the batch of "daneprobe check": the one event loop and its
 * deadlines, the slots of the targets in flight (all of them, or a
 * window of a streamed list), connections per address, and handing each
 * result on when its target is done; a single check is a batch of one.
 * The targets' own work is check_target.c, their results check_result.c.
 *
 * Policy: every wait is bounded (-t for the run; with a list, each
 * target's own bound too), the deadline has the loop's top priority, and
 * a target that could not be started is reported, never dropped.
 */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <openssl/pem.h>

#include "check_impl.h"
#include "clock.h"
#include "dnsmsg.h"
#include "outfile.h"

static void
job_maybe_done(struct dp_check *job)
{
	size_t i;

	if (job->holds > 0)
		return;
	for (i = 0; i < job->rep->ntargets; i++)
		if (job->jobs[i].job != NULL && job->jobs[i].state != CK_REPORTED)
			return;
	job->finished = true;
	event_base_loopbreak(job->base);
}

/*
 * A target whose work is over gets its result built from the loop, not
 * from inside the probe or query callback that ended it: building frees
 * the probes, which their callers may still be walking.
 */
void
ck_target_settle(struct dp_check_target *t)
{
	if (t->state == CK_DONE)
		event_active(t->job->sweeper, EV_TIMEOUT, 0);
}

/* The counter of p's address; NULL when there is no memory for a new one. */
static struct dp_dest *
dest_of(struct dp_check *c, const struct dp_probe *p)
{
	const void *a = p->family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)&p->ss)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)&p->ss)->sin_addr;
	size_t n = p->family == AF_INET6 ? 16 : 4, i;
	struct dp_dest *d;

	for (i = 0; i < c->ndests; i++)
		if (c->dests[i].family == p->family && memcmp(c->dests[i].addr, a, n) == 0)
			return &c->dests[i];
	if ((d = reallocarray(c->dests, c->ndests + 1, sizeof(*d))) == NULL)
		return NULL;
	c->dests = d;
	d = &c->dests[c->ndests++];
	memset(d, 0, sizeof(*d));
	d->family = p->family;
	memcpy(d->addr, a, n);
	return d;
}

/*
 * Connects a QUEUED probe if its address has a free slot (--per-address:
 * a batch of many names on one shared address must not hammer it); it
 * waits otherwise, and the next probe of that address to end wakes it.
 */
void
ck_probe_try_connect(struct dp_check *c, struct dp_probe *p)
{
	struct dp_dest *d;

	if (p->phase != DP_PHASE_QUEUED)
		return;
	if ((d = dest_of(c, p)) != NULL && d->active >= c->cfg->per_addr)
		return;
	if (d != NULL) {
		d->active++;
		p->slot_held = true;
	}
	if (dp_probe_connect(p) == -1 && p->slot_held) {
		/* Failed at once (DONE, no callback): the slot is free again. */
		d->active--;
		p->slot_held = false;
	}
}

/* A probe has ended: its address's slot is free for one that waits. */
void
ck_probe_release(struct dp_check *c, struct dp_probe *p)
{
	struct dp_dest *d;

	if (!p->slot_held)
		return;
	p->slot_held = false;
	if ((d = dest_of(c, p)) != NULL && d->active > 0)
		d->active--;
	c->slot_freed = true;
	event_active(c->sweeper, EV_TIMEOUT, 0);
}

/*
 * Streaming: the result goes to the sink and is freed, and the slot is
 * free for the next target (the sink may add it at once).
 */
static void
slot_hand_over(struct dp_check *c, struct dp_check_target *t)
{
	struct dp_target_result *r = t->res;

	c->rep->exit_code = dp_exit_worst(c->rep->exit_code, r->exit_code);
	c->sink(r, c->sink_arg);
	dp_target_result_clear(r);
	memset(t, 0, sizeof(*t));
}

/* The sweeper: builds the results of the targets that are done, then maybe ends the loop. */
static void
sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dp_check *job = arg;
	size_t i;

	bool freed = false;
	size_t j;

	if (job->slot_freed) {
		job->slot_freed = false;
		for (i = 0; i < job->rep->ntargets; i++)
			for (j = 0; job->jobs[i].job != NULL && j < job->jobs[i].nprobes; j++)
				ck_probe_try_connect(job, &job->jobs[i].probes[j]);
	}
	for (i = 0; i < job->rep->ntargets; i++) {
		struct dp_check_target *t = &job->jobs[i];

		if (t->job == NULL || t->state != CK_DONE)
			continue;
		ck_target_finish(t);
		if (job->sink != NULL) {
			slot_hand_over(job, t);
			freed = true;
		}
	}
	/* New targets go into the slots only now, with the old results gone. */
	if (freed && !job->deadline_passed)
		job->feed(job, job->sink_arg);
	job_maybe_done(job);
}

/* Streaming: one target's own bound (--target-timeout). */
static void
target_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dp_check_target *t = arg;

	ck_target_expire(t, t->job->cfg->target_timeout_ms);
	ck_target_settle(t);
}

/* The run's deadline (-t): everything still running ends now. */
static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dp_check *job = arg;
	size_t i;

	for (i = 0; i < job->rep->ntargets; i++)
		if (job->jobs[i].job != NULL && job->jobs[i].state != CK_REPORTED)
			ck_target_expire(&job->jobs[i], job->cfg->timeout_ms);
	job->deadline_passed = true;
	job->finished = true;
	event_base_loopbreak(job->base);
}

/*
 * The loop of a batch.  -t is a hard bound even when hundreds of
 * handshakes are ready at once: the deadline has the highest priority,
 * and after a few callbacks of the others the loop looks again for it,
 * instead of running every ready callback first (libevent's default).
 */
static struct event_base *
loop_new(void)
{
	struct event_config *ec;
	struct event_base *base = NULL;
	struct timeval slice = { 0, 5000 };

	if ((ec = event_config_new()) == NULL)
		return NULL;
	if (event_config_set_max_dispatch_interval(ec, &slice, DP_DISPATCH_BATCH,
	    DP_PRIO_WORK) == 0)
		base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (base != NULL && event_base_priority_init(base, DP_NPRIO) == -1) {
		event_base_free(base);
		base = NULL;
	}
	return base;
}

int
dp_check_open(const struct dp_config *cfg, struct dp_check_report *rep,
    struct dp_check **out, struct dp_err *err)
{
	struct dp_check *job;
	struct timeval tv;

	*out = NULL;
	memset(rep, 0, sizeof(*rep));
	if ((job = calloc(1, sizeof(*job))) == NULL ||
	    (job->jobs = calloc(DP_MAX_TARGETS, sizeof(*job->jobs))) == NULL ||
	    (rep->targets = calloc(DP_MAX_TARGETS, sizeof(*rep->targets))) == NULL) {
		if (job != NULL)
			free(job->jobs);
		free(job);
		return dp_err_set(err, "out of memory");
	}
	job->cfg = cfg;
	job->rep = rep;
	job->cap = DP_MAX_TARGETS;
	job->started_ms = dp_now_ms();
	*out = job;
	if ((job->base = loop_new()) == NULL)
		return dp_err_set(err, "cannot create the event loop");
	/*
	 * The resolver is made when a target first needs DNS: setting one up
	 * costs more than a handshake, and pinned addresses need none.  Its
	 * configuration is checked here all the same, so that a bad trust
	 * anchor is a usage error before anything goes on the wire.
	 */
	if ((cfg->res.trust_anchor != NULL &&
	    dp_trust_anchor_check(cfg->res.trust_anchor, err) == -1) ||
	    (cfg->res.root_hints != NULL &&
	    dp_root_hints_check(cfg->res.root_hints, err) == -1))
		return dp_err_kind(err, DP_ERR_USAGE);
	if ((job->deadline = evtimer_new(job->base, deadline_cb, job)) == NULL ||
	    event_priority_set(job->deadline, DP_PRIO_DEADLINE) == -1 ||
	    (job->sweeper = evtimer_new(job->base, sweep_cb, job)) == NULL)
		return dp_err_set(err, "out of memory");
	tv.tv_sec = cfg->timeout_ms / 1000;
	tv.tv_usec = (cfg->timeout_ms % 1000) * 1000;
	evtimer_add(job->deadline, &tv);
	return 0;
}

/* The batch's resolver, made on first use.  NULL with err set when it cannot be. */
struct dp_resolver *
ck_job_resolver(struct dp_check *c, struct dp_err *err)
{
	if (c->res == NULL && dp_resolver_new(c->base, &c->cfg->res, &c->res, err) == 0)
		c->rep->backend = dp_resolver_name(c->res);
	return c->res;
}

struct event_base *
dp_check_base(struct dp_check *c)
{
	return c->base;
}

struct dp_resolver *
dp_check_resolver(struct dp_check *c, struct dp_err *err)
{
	return ck_job_resolver(c, err);
}

void
dp_check_hold(struct dp_check *c, int delta)
{
	c->holds += delta;
	if (delta < 0)
		job_maybe_done(c);
}

static bool
has_out_of_band(const struct dp_config *cfg)
{
	return cfg->ntlsa_text > 0 || cfg->tlsa_file != NULL;
}

/* The first slot without a job (a stored batch never reuses one); cap: none. */
static size_t
free_slot(const struct dp_check *c)
{
	size_t i;

	if (c->sink != NULL)
		for (i = 0; i < c->rep->ntargets; i++)
			if (c->jobs[i].job == NULL)
				return i;
	return c->rep->ntargets < c->cap ? c->rep->ntargets : c->cap;
}

size_t
dp_check_free_slots(const struct dp_check *c)
{
	size_t i, n = c->cap - c->rep->ntargets;

	if (c->sink != NULL)
		for (i = 0; i < c->rep->ntargets; i++)
			if (c->jobs[i].job == NULL)
				n++;
	return n;
}

bool
dp_check_deadline_passed(const struct dp_check *c)
{
	return c->deadline_passed;
}

/* Streaming: each target has its own bound, at the top priority as -t's. */
static int
target_arm_timer(struct dp_check_target *t, struct dp_err *err)
{
	unsigned ms = t->job->cfg->target_timeout_ms;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if ((t->timer = evtimer_new(t->job->base, target_timer_cb, t)) == NULL ||
	    event_priority_set(t->timer, DP_PRIO_DEADLINE) == -1 ||
	    evtimer_add(t->timer, &tv) == -1)
		return dp_err_set(err, "cannot set the target's timer");
	return 0;
}

int
dp_check_stream(struct dp_check *c, unsigned window, dp_check_sink *sink,
    dp_check_feed *feed, void *arg, struct dp_err *err)
{
	struct dp_check_target *jobs;
	struct dp_target_result *res;

	if (c->rep->ntargets > 0)
		return dp_err_set(err, "a batch streams from its start");
	if ((jobs = calloc(window, sizeof(*jobs))) == NULL ||
	    (res = calloc(window, sizeof(*res))) == NULL) {
		free(jobs);
		return dp_err_set(err, "out of memory");
	}
	free(c->jobs);
	free(c->rep->targets);
	c->jobs = jobs;
	c->rep->targets = res;
	c->cap = window;
	c->sink = sink;
	c->feed = feed;
	c->sink_arg = arg;
	/* Without -t the run has no bound of its own: each target has --target-timeout. */
	if (!c->cfg->timeout_given)
		evtimer_del(c->deadline);
	return 0;
}

const struct dp_target_result *
dp_check_add(struct dp_check *c, const struct dp_target *tg,
    const struct dp_target_opts *opts, struct dp_err *err)
{
	const struct dp_config *cfg = c->cfg;
	struct dp_check_target *t;
	char owner[DP_NAME_TEXT_MAX];

	size_t slot;

	if ((slot = free_slot(c)) == c->cap) {
		dp_err_set(err, "at most %zu targets at once", c->cap);
		return NULL;
	}
	/* A name that cannot carry a TLSA owner is no target at all: say so now. */
	if (!tg->is_addr && dp_name_tlsa_owner(owner, sizeof(owner), tg->port, "tcp",
	    tg->host, err) == -1)
		return NULL;
	t = &c->jobs[slot];
	t->res = &c->rep->targets[slot];
	if (slot == c->rep->ntargets)
		c->rep->ntargets++;
	t->job = c;
	t->tg = *tg;
	t->opts = *opts;
	/* The name a dialect announces (XMPP to=): the host without its root dot. */
	snprintf(t->base_host, sizeof(t->base_host), "%.*s",
	    (int)strlen(tg->host) - (tg->is_addr ? 0 : 1), tg->host);
	if (has_out_of_band(cfg) && ck_target_load_out_of_band(t, cfg, err) == -1) {
		if (slot == c->rep->ntargets - 1)
			c->rep->ntargets--;
		dp_tlsaset_clear(&t->tlsa);
		memset(t, 0, sizeof(*t));
		return NULL;
	}
	if (c->sink != NULL && target_arm_timer(t, err) == -1)
		ck_target_abandon(t, err);
	if (ck_target_start(t, err) == -1)
		ck_target_abandon(t, err);
	ck_target_step(t);
	return t->res;
}

/* Parses a target given on the command line and checks it against the options. */
static int
parse_cli_target(const struct dp_config *cfg, const char *arg, bool fetch_chain,
    struct dp_target *tg, struct dp_err *err)
{
	unsigned port = cfg->dialect != NULL ? cfg->dialect->port : 443;

	if (dp_target_parse(arg, port, tg, err) == -1)
		return -1;
	/* Fetching a chain needs no TLSA records: an address will do. */
	if (fetch_chain)
		return 0;
	return dp_check_target_usable(cfg, tg, err);
}

int
dp_check_target_usable(const struct dp_config *cfg, const struct dp_target *tg,
    struct dp_err *err)
{
	char owner[DP_NAME_TEXT_MAX];

	if (!tg->is_addr && dp_name_tlsa_owner(owner, sizeof(owner), tg->port, "tcp",
	    tg->host, err) == -1)
		return -1;
	if (!tg->is_addr && cfg->name[0] != '\0')
		return dp_err_set(err, "'%s': --name is for address targets; a host name "
		    "is its own reference identifier", tg->input);
	if (tg->is_addr && !has_out_of_band(cfg))
		return dp_err_set(err, "'%s': DANE needs a host name for the TLSA "
		    "lookup; give the records with --tlsa or --tlsa-file", tg->input);
	if (tg->is_addr && ((cfg->only_v4 && tg->addr.ss_family != AF_INET) ||
	    (cfg->only_v6 && tg->addr.ss_family != AF_INET6)))
		return dp_err_set(err, "'%s': excluded by -4/-6", tg->input);
	return 0;
}

int
dp_check_wait(struct dp_check *c, struct dp_err *err)
{
	struct dp_check_report *rep = c->rep;
	size_t i;

	job_maybe_done(c);
	while (!c->finished)
		if (event_base_loop(c->base, EVLOOP_ONCE) == -1)
			return dp_err_set(err, "event loop failed");
	for (i = 0; i < rep->ntargets; i++) {
		struct dp_check_target *t = &c->jobs[i];

		if (t->job == NULL)
			continue;
		/* The loop is over (done, or the deadline): no callback holds a job. */
		if (t->state != CK_REPORTED)
			ck_target_finish(t);
		if (c->sink != NULL)
			slot_hand_over(c, t);
		else
			rep->exit_code = dp_exit_worst(rep->exit_code, rep->targets[i].exit_code);
	}
	rep->elapsed_ms = dp_now_ms() - c->started_ms;
	return 0;
}

void
dp_check_close(struct dp_check *c)
{
	size_t i;

	if (c == NULL)
		return;
	/* Jobs never waited for (an error on the way) have no result: just freed. */
	for (i = 0; c->jobs != NULL && c->rep != NULL && i < c->rep->ntargets; i++)
		if (c->jobs[i].job != NULL && c->jobs[i].state != CK_REPORTED)
			ck_target_free(&c->jobs[i]);
	free(c->jobs);
	free(c->dests);
	dp_tlsaset_clear(&c->oob[0]);
	dp_tlsaset_clear(&c->oob[1]);
	if (c->deadline != NULL)
		event_free(c->deadline);
	if (c->sweeper != NULL)
		event_free(c->sweeper);
	dp_resolver_free(c->res);
	SSL_CTX_free(c->ctx_dane);
	SSL_CTX_free(c->ctx_pkix);
	if (c->base != NULL)
		event_base_free(c->base);
	free(c);
}

/* check --servers: a survey of each host target's TLSA owner, on the same batch. */
static int
start_surveys(struct dp_check *c, const struct dp_config *cfg, const struct dp_target *tgs,
    struct dp_survey **surveys, struct dp_check_report *rep, struct dp_err *err)
{
	char owner[DP_NAME_TEXT_MAX];
	int i;

	if ((rep->servers = calloc((size_t)cfg->nargs, sizeof(*rep->servers))) == NULL)
		return dp_err_set(err, "out of memory");
	for (i = 0; i < cfg->nargs; i++) {
		if (tgs[i].is_addr)
			continue;	/* no zone to ask about */
		if (dp_name_tlsa_owner(owner, sizeof(owner), tgs[i].port, "tcp", tgs[i].host,
		    err) == -1 ||
		    (surveys[i] = dp_servers_start(c, owner, DP_TYPE_TLSA, cfg->res.timeout_ms,
		    &rep->servers[i], err)) == NULL)
			return -1;
	}
	return 0;
}

int
dp_check_run(const struct dp_config *cfg, struct dp_check_report *rep,
    struct dp_err *err)
{
	return dp_check_run_as(cfg, NULL, false, rep, err);
}

int
dp_check_run_as(const struct dp_config *cfg, const struct dp_offline *offline,
    bool fetch_chain, struct dp_check_report *rep, struct dp_err *err)
{
	struct dp_target tgs[DP_MAX_TARGETS];
	/*
	 * RFC 7672 rules with --smtp; verify --starttls smtp is about a mail
	 * server's chain too.  (check --starttls smtp may be submission, which
	 * RFC 7672 does not cover: it keeps RFC 7671's rules.)
	 */
	struct dp_target_opts opts = { .dialect = cfg->dialect, .mx_pref = -1,
	    .smtp = cfg->smtp_rules || (offline != NULL && cfg->dialect == &dp_dialect_smtp),
	    .offline = offline, .fetch_chain = fetch_chain };
	struct dp_survey *surveys[DP_MAX_TARGETS] = { NULL };
	struct dp_check *c = NULL;
	int i, rc = -1;

	memset(rep, 0, sizeof(*rep));
	if (cfg->nargs > DP_MAX_TARGETS) {
		dp_err_set(err, "at most %d targets", DP_MAX_TARGETS);
		return dp_err_kind(err, DP_ERR_USAGE);
	}
	/* All operands are checked before anything goes on the wire. */
	for (i = 0; i < cfg->nargs; i++)
		if (parse_cli_target(cfg, cfg->args[i], fetch_chain, &tgs[i], err) == -1)
			return dp_err_kind(err, DP_ERR_USAGE);
	if (dp_check_open(cfg, rep, &c, err) == -1)
		goto out;
	dp_check_hold(c, 1);
	for (i = 0; i < cfg->nargs; i++)
		if (dp_check_add(c, &tgs[i], &opts, err) == NULL) {
			dp_err_kind(err, DP_ERR_USAGE);	/* an unreadable --tlsa-file */
			goto out;
		}
	if (cfg->servers && start_surveys(c, cfg, tgs, surveys, rep, err) == -1)
		goto out;
	dp_check_hold(c, -1);
	if (dp_check_wait(c, err) == -1)
		goto out;
	for (i = 0; i < cfg->nargs; i++)
		if (surveys[i] != NULL) {
			dp_servers_finish(surveys[i]);
			surveys[i] = NULL;
			rep->exit_code = dp_exit_worst(rep->exit_code, rep->servers[i].exit_code);
		}
	rc = 0;
out:
	for (i = 0; i < cfg->nargs; i++)
		dp_servers_finish(surveys[i]);	/* an error on the way: freed, not judged */
	dp_check_close(c);
	return rc;
}

void
dp_check_report_clear(struct dp_check_report *rep)
{
	size_t i;

	for (i = 0; i < rep->ntargets; i++) {
		dp_target_result_clear(&rep->targets[i]);
		if (rep->servers != NULL)
			dp_servers_report_clear(&rep->servers[i]);
	}
	free(rep->targets);
	free(rep->servers);
	memset(rep, 0, sizeof(*rep));
}

static bool
report_has_chain(const struct dp_check_report *rep)
{
	size_t i, j;

	for (i = 0; i < rep->ntargets; i++)
		for (j = 0; j < rep->targets[i].naddrs; j++)
			if (rep->targets[i].addrs[j].chain != NULL)
				return true;
	return false;
}

static int
write_chains(FILE *fp, void *arg)
{
	const struct dp_check_report *rep = arg;
	size_t i, j;
	int k;

	for (i = 0; i < rep->ntargets; i++)
		for (j = 0; j < rep->targets[i].naddrs; j++) {
			const struct dp_addr_result *a = &rep->targets[i].addrs[j];

			if (a->chain == NULL)
				continue;
			fprintf(fp, "# %s %s\n", rep->targets[i].tg.display, a->label);
			for (k = 0; k < sk_X509_num(a->chain); k++)
				if (PEM_write_X509(fp, sk_X509_value(a->chain, k)) != 1)
					return -1;
		}
	return 0;
}

int
dp_check_save_chains(const struct dp_check_report *rep, const char *file,
    struct dp_err *err)
{
	if (!report_has_chain(rep))
		return 1;
	return dp_outfile_replace(file, write_chains, (void *)rep, err);
}