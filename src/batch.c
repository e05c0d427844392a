/*
 * batch.c: a target list checked as a stream.  The check core holds at
 * most cfg->window targets at once (dp_check_stream); whenever slots come
 * free, the next lines of the list fill them, and every result goes to
 * the caller as soon as it is built and is then freed, so memory and
 * sockets stay bounded whatever the list's length.
 *
 * Policy: every line that names a target, or tries to, gives exactly one
 * result: a verdict, "bad-target" (exit 64) for a line that is none, or
 * "not-started" (could not check) for targets the run's deadline left
 * unstarted; a list that could not be read to its end says so.  A list
 * with no target at all is a usage error, unless --shard gave this share
 * none (a small list over many machines).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "batch.h"
#include "batchfile.h"

struct batch {
	const struct dp_config	*cfg;
	struct dp_check		*check;
	struct dp_batchfile	 bf;
	struct event		*readable;	/* a pipe with no whole line yet */
	bool			 ended;		/* the list is read to its end */
	dp_batch_emit		*emit;
	void			*arg;
	struct dp_batch_summary	*sum;
};

void
dp_batch_count(struct dp_batch_summary *s, int exit_code)
{
	s->results++;
	switch (exit_code) {
	case DP_EXIT_OK:		s->ok++; break;
	case DP_EXIT_FAIL:		s->fail++; break;
	case DP_EXIT_NOT_IN_FORCE:	s->not_in_force++; break;
	case DP_EXIT_UNCHECKED:		s->unchecked++; break;
	default:			s->bad++; break;
	}
	s->exit_code = dp_exit_worst(s->exit_code, exit_code);
}

static void
sink(struct dp_target_result *r, void *arg)
{
	struct batch *b = arg;

	dp_batch_count(b->sum, r->exit_code);
	b->emit(r, b->arg);
}

/* A result for a line that was not checked: reason, and why. */
static void
emit_unchecked(struct batch *b, const struct dp_batch_entry *e, enum dp_reason reason,
    const char *why)
{
	struct dp_target_result r;

	memset(&r, 0, sizeof(r));
	if (e->text[0] != '\0')
		snprintf(r.tg.input, sizeof(r.tg.input), "%.500s", e->text);
	else
		snprintf(r.tg.input, sizeof(r.tg.input), "line %u", e->line);
	snprintf(r.tg.display, sizeof(r.tg.display), "%.200s:%u", b->bf.path, e->line);
	r.tlsa.reason = DP_R_NOT_CHECKED;
	r.addr_reason = reason;
	snprintf(r.addr_detail, sizeof(r.addr_detail), "%.250s", why);
	r.exit_code = dp_reason_exit(reason);
	sink(&r, b);
}

static void	feed(struct dp_check *c, void *arg);

static void
readable_cb(evutil_socket_t fd, short what, void *arg)
{
	struct batch *b = arg;

	feed(b->check, b);
}

static void
list_ended(struct batch *b)
{
	if (b->ended)
		return;
	b->ended = true;
	dp_check_hold(b->check, -1);	/* may end the loop */
}

/* Fills the free slots from the list, as far as it goes now. */
static void
feed(struct dp_check *c, void *arg)
{
	struct batch *b = arg;
	struct dp_batch_entry e;
	struct dp_err err;

	while (!b->ended && dp_check_free_slots(c) > 0) {
		switch (dp_batchfile_next(&b->bf, &e, &err)) {
		case DP_BATCH_TARGET:
			if (dp_check_target_usable(b->cfg, &e.tg, &err) == -1 ||
			    dp_check_add(c, &e.tg, &e.opts, &err) == NULL)
				emit_unchecked(b, &e, DP_R_BAD_TARGET, err.msg);
			break;
		case DP_BATCH_BAD:
			emit_unchecked(b, &e, DP_R_BAD_TARGET, err.msg);
			break;
		case DP_BATCH_WAIT:
			event_add(b->readable, NULL);
			return;
		case DP_BATCH_END:
			list_ended(b);
			return;
		}
	}
}

/* After the run's deadline: the rest of the list is reported, never dropped. */
static void
drain_one(const struct dp_batch_entry *e, enum dp_reason reason, const char *why, void *arg)
{
	emit_unchecked(arg, e, reason, why);
}

/* The port and STARTTLS dialect of a list's lines that name none. */
static void
list_defaults(const struct dp_config *cfg, unsigned *port, const struct dp_dialect **dialect)
{
	if (cfg->cmd == DP_CMD_SMTP) {
		*port = 25;		/* mail domains: their MX hosts decide */
		*dialect = NULL;
		return;
	}
	*port = cfg->dialect != NULL ? cfg->dialect->port : 443;
	*dialect = cfg->dialect;
}

int
dp_batch_total(const struct dp_config *cfg, size_t *total)
{
	const struct dp_dialect *dialect;
	unsigned port;

	list_defaults(cfg, &port, &dialect);
	return dp_batchfile_count(cfg->target_file, port, dialect, cfg->shard_k, cfg->shard_n,
	    total);
}

int
dp_batch_run(const struct dp_config *cfg, dp_batch_emit *emit, void *arg,
    struct dp_batch_summary *sum, struct dp_err *err)
{
	struct dp_check_report rep;
	struct batch b;
	const struct dp_dialect *dialect;
	unsigned port;
	int rc = -1;

	list_defaults(cfg, &port, &dialect);
	memset(&b, 0, sizeof(b));
	memset(sum, 0, sizeof(*sum));
	b.cfg = cfg;
	b.emit = emit;
	b.arg = arg;
	b.sum = sum;
	if (dp_batchfile_open(&b.bf, cfg->target_file, port, dialect, cfg->shard_k,
	    cfg->shard_n, err) == -1)
		return dp_err_kind(err, DP_ERR_USAGE);
	if (dp_check_open(cfg, &rep, &b.check, err) == -1)
		goto out;
	if (dp_check_stream(b.check, cfg->window, sink, feed, &b, err) == -1)
		goto out;
	if ((b.readable = event_new(dp_check_base(b.check), b.bf.fd, EV_READ, readable_cb,
	    &b)) == NULL) {
		dp_err_set(err, "out of memory");
		goto out;
	}
	dp_check_hold(b.check, 1);	/* until the list is read to its end */
	feed(b.check, &b);
	if (dp_check_wait(b.check, err) == -1)
		goto out;
	if (!b.ended)
		dp_batchfile_drain(&b.bf, drain_one, &b);
	b.ended = true;
	sum->backend = rep.backend;
	sum->elapsed_ms = rep.elapsed_ms;
	if (sum->results == 0 && cfg->shard_n == 1) {
		dp_err_set(err, "%s: no targets", b.bf.path);
		dp_err_kind(err, DP_ERR_USAGE);
		goto out;
	}
	rc = 0;
out:
	if (b.readable != NULL)
		event_free(b.readable);
	dp_check_close(b.check);
	dp_check_report_clear(&rep);
	dp_batchfile_close(&b.bf);
	return rc;
}
