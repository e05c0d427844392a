/*
 * check.h: "daneprobe check": DANE-verify every address of each target.
 * The report holds results (result.h) only; the jobs that find them are
 * private to check.c.
 */
#ifndef DP_CHECK_H
#define DP_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "cli_opts.h"
#include "result.h"
#include "servers.h"

/* Targets per command: each gets its own lookups and probes on the one loop. */
#define DP_MAX_TARGETS	64

struct dp_check;

struct dp_check_report {
	struct dp_target_result	*targets;	/* in the order they were added */
	size_t			 ntargets;
	/* check --servers: one survey a target (owner "": not surveyed, an address); or NULL */
	struct dp_servers_report *servers;
	const char		*backend;
	int			 exit_code;
	uint64_t		 elapsed_ms;
};

/*
 * Runs all targets of cfg concurrently on one loop within cfg->timeout_ms.
 * Returns 0 with rep filled (failures are verdicts in it, rep->exit_code
 * the worst), or -1 with err set (its kind usage or internal).
 */
int	dp_check_run(const struct dp_config *cfg, struct dp_check_report *rep,
	    struct dp_err *err);

/*
 * The same for the other commands.  verify (offline not NULL): each
 * target's TLSA records (from DNS, or given) judge offline->chain instead
 * of what its addresses present; with the records given no resolver is
 * made and no socket opened.  tlsa TARGET (fetch_chain): no TLSA lookup,
 * and each address's chain is fetched with SNI but no verdict on it.
 */
int	dp_check_run_as(const struct dp_config *cfg, const struct dp_offline *offline,
	    bool fetch_chain, struct dp_check_report *rep, struct dp_err *err);

/*
 * The same in steps, for callers that find their targets on the loop (MX):
 * open (loop, resolver, deadline), add targets (each starts at once), hold
 * the batch open while other work of the caller's is pending, wait (until
 * all is done or the deadline), close.  The report stays valid after close.
 */
int	dp_check_open(const struct dp_config *cfg, struct dp_check_report *rep,
	    struct dp_check **out, struct dp_err *err);
/*
 * Adds a target, which starts at once.  Returns its result, filled in
 * when the target is done (valid until dp_check_report_clear), or NULL
 * with err set when the target cannot be checked at all (its name too
 * long for a TLSA owner, an unreadable --tlsa-file, too many targets).
 */
const struct dp_target_result *dp_check_add(struct dp_check *c, const struct dp_target *tg,
	    const struct dp_target_opts *opts, struct dp_err *err);
/*
 * Streaming, for a list of any length: at most window targets at once,
 * each bounded by cfg->target_timeout_ms (and all by -t if given); each
 * result goes to sink as soon as it is built and is freed after it, and
 * feed is called whenever slots have come free (dp_check_free_slots) to
 * add more.  Call before adding any target.  Returns 0 or -1 with err set.
 */
/* The sink may take r over (copy it, then zero it); what it leaves is freed. */
typedef void dp_check_sink(struct dp_target_result *r, void *arg);
typedef void dp_check_feed(struct dp_check *c, void *arg);
int	dp_check_stream(struct dp_check *c, unsigned window, dp_check_sink *sink,
	    dp_check_feed *feed, void *arg, struct dp_err *err);
size_t	dp_check_free_slots(const struct dp_check *c);
/* True once the run's deadline (-t) has ended it. */
bool	dp_check_deadline_passed(const struct dp_check *c);
void	dp_check_hold(struct dp_check *c, int delta);
struct dp_resolver	*dp_check_resolver(struct dp_check *c, struct dp_err *err);
/* The batch's loop, for callers with events of their own (a list read from a pipe). */
struct event_base	*dp_check_base(struct dp_check *c);
/*
 * Whether a parsed target can be checked with cfg: a TLSA owner name that
 * fits, out-of-band records for an address, --name only with an address,
 * the family -4/-6 allow.  Returns 0, or -1 with err set.
 */
int	dp_check_target_usable(const struct dp_config *cfg, const struct dp_target *tg,
	    struct dp_err *err);
int	dp_check_wait(struct dp_check *c, struct dp_err *err);
void	dp_check_close(struct dp_check *c);
void	dp_check_report_clear(struct dp_check_report *rep);

/*
 * Writes each presented chain as PEM, headed by the address, replacing
 * file whole (outfile.c).  Returns 0, 1 when no address presented a
 * chain (file is left alone), or -1 with err set.
 */
int	dp_check_save_chains(const struct dp_check_report *rep, const char *file,
	    struct dp_err *err);

#endif
