/*
 * rollover.h: "daneprobe rollover --next FILE TARGET": is it safe to
 * switch from the chain each address serves now to the one in FILE?
 */
#ifndef DP_ROLLOVER_H
#define DP_ROLLOVER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "check.h"

/* --next may be given twice: a key and a certificate change planned together. */
#define DP_MAX_NEXT	2
/* Reasons a switch is not ready, at most (each one line). */
#define DP_ROLLOVER_MAX_REASONS	8

/* One planned next chain or key, judged against the published RRset. */
struct dp_next_result {
	const char	*source;	/* the file, as given */
	bool		 is_key;	/* a key file: only its DANE-EE SPKI records can match */
	bool		 matches;
	char		 detail[512];	/* how it matched, or why not */
	char		**add;		/* zone-file lines to publish before the switch */
	size_t		 nadd;
};

struct dp_rollover_report {
	struct dp_check_report	 check;		/* the target now, with its servers' survey */
	struct dp_next_result	 next[DP_MAX_NEXT];
	size_t			 nnext;
	char			**remove;	/* records only the current chain needs: after the switch */
	size_t			 nremove;
	bool			 now_ok;	/* every address verifies now */
	bool			 servers_ok;	/* every authoritative server serves the same RRset */
	uint32_t		 ttl;		/* the RRset's TTL (the RRSIG's original TTL if larger) */
	bool			 since_given;
	time_t			 since;		/* --since: published on every server at */
	time_t			 earliest;	/* the switch is known safe from (0: not known) */
	char			 reasons[DP_ROLLOVER_MAX_REASONS][512];
	size_t			 nreasons;
	int			 exit_code;	/* 0 ready, 1 not ready, 3 could not check */
};

/* Returns 0 with rep filled, or -1 with err set (a --next file that cannot be read: usage). */
int	dp_rollover_run(const struct dp_config *cfg, struct dp_rollover_report *rep,
	    struct dp_err *err);
void	dp_rollover_report_clear(struct dp_rollover_report *rep);

#endif
