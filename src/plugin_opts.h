/*
 * plugin_opts.h: check_dane's options.
 */
#ifndef DP_PLUGIN_OPTS_H
#define DP_PLUGIN_OPTS_H

#include <stdio.h>

#include "plugin.h"

/*
 * Defaults for a check run every five minutes: a certificate is renewed
 * weeks ahead, so 30/14 days leave time to act; RRSIGs are refreshed daily
 * by a healthy signer, so fewer than 3 days left means the signer stalled.
 */
#define DP_PLUGIN_CERT_WARN	"30"
#define DP_PLUGIN_CERT_CRIT	"14"
#define DP_PLUGIN_SIG_WARN	"3"
#define DP_PLUGIN_SIG_CRIT	"1"

/* Returns DP_ACT_RUN, DP_ACT_HELP, DP_ACT_VERSION, or -1 with err set. */
int	dp_plugin_config_parse(int argc, char **argv, struct dp_plugin_config *pc,
	    struct dp_err *err);
void	dp_plugin_usage(FILE *fp);

#endif
