/*
 * lint.h: the rules of "daneprobe lint", judged over results only.
 *
 * A lint run checks its targets as "check" does (the TLSA RRset, what
 * every address serves, each record's outcome there), then lint.c reads
 * those results and words its findings: each with a stable id, a
 * severity, what it is about, the RFC section and a one-line fix.
 * Nothing here looks anything up; the rules are pure and tested with
 * results built by hand.
 */
#ifndef DP_LINT_H
#define DP_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "result.h"

enum dp_lint_severity {
	DP_LINT_ERROR = 0,	/* a client fails, or DANE is silently off */
	DP_LINT_WARNING,	/* it will break at the next routine change */
	DP_LINT_NOTE,		/* advice */
};

struct dp_lint_finding {
	const char		*id;		/* "digest-agility": stable, in the man page */
	enum dp_lint_severity	 severity;
	char			*about;		/* the target, records and addresses it is about */
	char			*text;		/* what is wrong */
	const char		*rfc;		/* "RFC 7671 section 9", or NULL */
	const char		*fix;		/* one line */
};

struct dp_lint_findings {
	struct dp_lint_finding	*items;
	size_t			 n;
	size_t			 cap;
	bool			 incomplete;	/* a lookup or an address could not be checked */
	char			 incomplete_why[256];
};

/* What the rules are told beyond the results. */
struct dp_lint_opts {
	bool		smtp;		/* RFC 7672 rules (lint --smtp, port 25) */
	unsigned	sig_warning_days;
	time_t		now;
};

/* The rules of one target's result, appended to out.  Returns 0 or -1 (memory). */
int	dp_lint_target(const struct dp_target_result *r, const struct dp_lint_opts *o,
	    struct dp_lint_findings *out);

/* Counts of each severity; the exit status (0, 1; 1 for a warning with strict; 3). */
size_t	dp_lint_count(const struct dp_lint_findings *f, enum dp_lint_severity s);
int	dp_lint_exit(const struct dp_lint_findings *f, bool strict);
/* Adds a finding (the strings about and text are copied).  0 or -1 (memory). */
int	dp_lint_add(struct dp_lint_findings *f, const char *id, enum dp_lint_severity s,
	    const char *about, const char *rfc, const char *fix, const char *fmt, ...)
	    __attribute__((format(printf, 7, 8)));
void	dp_lint_findings_clear(struct dp_lint_findings *f);

const char	*dp_lint_severity_name(enum dp_lint_severity s);

#endif
