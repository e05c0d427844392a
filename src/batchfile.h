/*
 * batchfile.h: a list of targets to check, one a line, read as the batch
 * needs them (check -f FILE, or -f - for standard input).
 */
#ifndef DP_BATCHFILE_H
#define DP_BATCHFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "result.h"

struct event_base;
struct event;

/*
 * A line: an operator's inventory line is a target and a setting or two;
 * 1 KiB is plenty, and bounds what a hostile list makes us hold.
 */
#define DP_BATCH_LINE_MAX	1024

struct dp_batchfile {
	int		 fd;
	bool		 own_fd;	/* opened by us: close it */
	bool		 nonblocking;	/* a pipe or terminal: read when readable */
	bool		 eof;
	char		 buf[4 * DP_BATCH_LINE_MAX];
	size_t		 len;
	bool		 skipping;	/* inside an over-long line */
	unsigned	 line;		/* lines read */
	unsigned	 default_port;
	const struct dp_dialect *dialect;	/* --starttls for lines without one */
	unsigned	 shard_k, shard_n;	/* this shard, of n (1 of 1: all) */
	const char	*path;
};

/* One line's outcome. */
enum dp_batch_item {
	DP_BATCH_TARGET = 0,	/* tg, opts and text filled */
	DP_BATCH_BAD,		/* a line that is no target: err says why, text the line */
	DP_BATCH_WAIT,		/* nothing whole yet (a pipe): dp_batchfile_fd becomes readable */
	DP_BATCH_END,
};

struct dp_batch_entry {
	struct dp_target	 tg;
	struct dp_target_opts	 opts;
	unsigned		 line;
	char			 text[DP_BATCH_LINE_MAX + 1];	/* the target as written */
};

/*
 * Opens path ("-": standard input).  A regular file is read as needed; a
 * pipe or terminal without blocking (the caller waits on its fd).
 * Returns 0, or -1 with err set (cannot open, a directory, a device).
 */
int	dp_batchfile_open(struct dp_batchfile *bf, const char *path, unsigned default_port,
	    const struct dp_dialect *dialect, unsigned shard_k, unsigned shard_n,
	    struct dp_err *err);
/*
 * The next target of this shard, skipping blank lines, '#' comments and
 * other shards' targets.  Lines are "TARGET [starttls=PROTO]".
 */
enum dp_batch_item	dp_batchfile_next(struct dp_batchfile *bf, struct dp_batch_entry *e,
			    struct dp_err *err);
void	dp_batchfile_close(struct dp_batchfile *bf);

/*
 * How many results the list at path will give (this shard's targets and
 * lines that are none), for the progress line's total.  A second reading,
 * so only of a regular file: a pipe's length is known at its end only.
 * Returns 0 with *count set, or -1 (not known).
 */
int	dp_batchfile_count(const char *path, unsigned default_port,
	    const struct dp_dialect *dialect, unsigned shard_k, unsigned shard_n,
	    size_t *count);

/* Called by dp_batchfile_drain for each line left: why it was not checked. */
typedef void dp_batch_unchecked(const struct dp_batch_entry *e, enum dp_reason reason,
	    const char *why, void *arg);
/*
 * After a run's deadline: every line left gets cb, "not-started" for a
 * target, "bad-target" for a line that is none; a pipe whose rest cannot
 * be waited for gets one "not-started" for all of it.
 */
void	dp_batchfile_drain(struct dp_batchfile *bf, dp_batch_unchecked *cb, void *arg);

/* The shard (1..n) a target falls in: FNV-1a of its text, so every run agrees. */
unsigned	dp_shard_of(const char *text, unsigned n);

#endif
