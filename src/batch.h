/*
 * batch.h: "daneprobe check -f FILE": a list of any length, checked a
 * window at a time, each result handed on as soon as it is built.
 */
#ifndef DP_BATCH_H
#define DP_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "check.h"

/* What a batch found, counted as the results went by. */
struct dp_batch_summary {
	size_t		 results;	/* every line that was a target or claimed to be */
	size_t		 ok, fail, not_in_force, unchecked, bad;	/* by exit class */
	int		 exit_code;	/* the worst */
	uint64_t	 elapsed_ms;
	const char	*backend;	/* NULL: none was needed */
};

/* Counts one result of exit status exit_code in s. */
void	dp_batch_count(struct dp_batch_summary *s, int exit_code);

/*
 * The number of results cfg's list (check -f or smtp -f) will give, read
 * ahead for a progress line.  Returns 0, or -1 when that is not known
 * before the end (standard input, a pipe).
 */
int	dp_batch_total(const struct dp_config *cfg, size_t *total);

/* Called for each result, in the order they are done. */
typedef void dp_batch_emit(const struct dp_target_result *r, void *arg);

/*
 * Checks the targets of cfg->target_file (this shard's), cfg->window at a
 * time, calling emit for each result, and fills sum (sum->exit_code: the
 * worst).  Lines that are no target, and targets the run's deadline (-t)
 * left unstarted, are results too (bad-target, not-started): nothing in
 * the list goes unreported.  Returns 0, or -1 with err set (kind usage:
 * the list cannot be read, or holds no target at all; else internal).
 */
int	dp_batch_run(const struct dp_config *cfg, dp_batch_emit *emit, void *arg,
	    struct dp_batch_summary *sum, struct dp_err *err);

#endif
