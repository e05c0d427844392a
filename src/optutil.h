/*
 * optutil.h: what the two front ends share about getopt_long's errors.
 */
#ifndef DP_OPTUTIL_H
#define DP_OPTUTIL_H

#include <getopt.h>

#include "err.h"

/*
 * Names the option getopt_long (with opterr = 0) just returned '?' or ':'
 * for, from its optind and optopt, in err: "option '--tlsa' needs an
 * argument", "option '--json' takes no argument", "unknown option '-x'",
 * "ambiguous option '--tls' (--tlsa, --tlsa-file)".  Returns -1.
 */
int	dp_opt_error(char *const argv[], int argc, int ind, int opt,
	    const char *optstring, const struct option *opts, struct dp_err *err);

#endif
