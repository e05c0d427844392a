/*
 * cli_opts.h: the command line of daneprobe, parsed into one const
 * struct dp_config (options.h, shared with check_dane).  The only mutable
 * global state is the option table.
 */
#ifndef DP_CLI_OPTS_H
#define DP_CLI_OPTS_H

#include <stdio.h>

#include "err.h"
#include "options.h"

/* Returns the action, or -1 with err set for a usage error. */
int	dp_config_parse(int argc, char **argv, struct dp_config *cfg,
	    struct dp_err *err);
void	dp_usage(FILE *fp);

#endif
