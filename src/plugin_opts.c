/*
 * plugin_opts.c: check_dane's command line, in the monitoring-plugins
 * conventions (-H -p -t -w -c -v -V -h), into a struct dp_plugin_config
 * whose core is the same struct dp_config daneprobe uses.  The defaults,
 * the options daneprobe has too and the checks across them are
 * options.c's; this file holds the plugin's own: -H, -p, -S (the short
 * name of the shared --starttls), --mx, the thresholds and the states.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "optutil.h"
#include "plugin_opts.h"

enum {
	OPT_MX = DP_OPT_FRONT,
	OPT_SIG_WARN,
	OPT_SIG_CRIT,
	OPT_NO_DANE_STATE,
	OPT_TIMEOUT_STATE,
	OPT_SERVERS,
};

static const char plugin_short_options[] = "H:p:S:" DP_COMMON_SHORT_OPTIONS "w:c:Vh";

static const struct option plugin_options[] = {
	DP_COMMON_LONG_OPTIONS,
	{ "hostname",		required_argument,	NULL, 'H' },
	{ "port",		required_argument,	NULL, 'p' },
	{ "mx",			no_argument,		NULL, OPT_MX },
	{ "warning",		required_argument,	NULL, 'w' },
	{ "critical",		required_argument,	NULL, 'c' },
	{ "sig-warning",	required_argument,	NULL, OPT_SIG_WARN },
	{ "sig-critical",	required_argument,	NULL, OPT_SIG_CRIT },
	{ "no-dane-state",	required_argument,	NULL, OPT_NO_DANE_STATE },
	{ "timeout-state",	required_argument,	NULL, OPT_TIMEOUT_STATE },
	{ "servers",		no_argument,		NULL, OPT_SERVERS },
	{ "version",		no_argument,		NULL, 'V' },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

void
dp_plugin_usage(FILE *fp)
{
	fprintf(fp,
	    "Usage: check_dane -H host [-p port] [-S proto] [--mx] [--helo name] [-4|-6]\n"
	    "       [-t seconds] [-w days] [-c days] [--sig-warning days] [--sig-critical days]\n"
	    "       [--resolver addr[@port]] [--recursive] [--root-hints file]\n"
	    "       [--trust-anchor file] [--CAfile file] [--CApath dir]\n"
	    "       [--backend getdns|unbound] [--no-dane-state state] [--timeout-state state]\n"
	    "       [--max-addresses n] [--max-mx n]\n"
	    "       [-v] [-V] [-h]\n\n"
	    "Checks that every address of host serves a certificate that matches its\n"
	    "DNSSEC-signed TLSA records (DANE, RFC 6698/7671/7672).\n\n"
	    " -H, --hostname HOST     host name (with --mx: mail domain)\n"
	    " -p, --port PORT         port (default 443, or the STARTTLS protocol's)\n"
	    " -S, --starttls PROTO    %s\n"
	    "     --mx                check the MX hosts of HOST on port 25 (RFC 7672)\n"
	    "     --servers           also ask every authoritative server of the zone\n"
	    "                         (one that differs or is broken: CRITICAL)\n"
	    "     --helo NAME         our name in EHLO/LHLO (default: this host's name)\n"
	    " -4, -6                  only IPv4 / IPv6 addresses\n"
	    " -t, --timeout SECONDS   bound the whole check (default %u)\n"
	    " -w, --warning DAYS      certificate expiry warning (default %s)\n"
	    " -c, --critical DAYS     certificate expiry critical (default %s)\n"
	    "     --sig-warning DAYS  RRSIG expiry warning (default %s)\n"
	    "     --sig-critical DAYS RRSIG expiry critical (default %s)\n"
	    "     --resolver ADDR[@PORT]  resolver to forward to (repeatable)\n"
	    "     --recursive         resolve from the root instead\n"
	    "     --root-hints FILE   root hints for --recursive\n"
	    "     --trust-anchor FILE DNSSEC trust anchor (default %s)\n"
	    "     --CAfile FILE       trust store for PKIX-TA/PKIX-EE records\n"
	    "     --CApath DIR        the same, a directory of hashed certificates\n"
	    "     --backend NAME      getdns or unbound\n"
	    "     --no-dane-state S   state when DANE is not in force (default critical)\n"
	    "     --timeout-state S   state on a timeout (default critical)\n"
	    "     --max-addresses N   addresses checked per host (default %d; more: CRITICAL)\n"
	    "     --max-mx N          MX hosts checked with --mx (default %d; more: CRITICAL)\n"
	    " -v, --verbose           one line per address\n"
	    " -V, --version           version\n"
	    " -h, --help              this help\n",
	    dp_dialect_names(), DP_DEFAULT_TIMEOUT_MS / 1000, DP_PLUGIN_CERT_WARN,
	    DP_PLUGIN_CERT_CRIT, DP_PLUGIN_SIG_WARN, DP_PLUGIN_SIG_CRIT,
	    DP_DEFAULT_TRUST_ANCHOR, DP_DEFAULT_MAX_ADDRS, DP_DEFAULT_MAX_MX);
}

/* check_dane's own options; the shared ones are dp_config_common_option's. */
static int
plugin_option(int ch, const char *arg, struct dp_plugin_config *pc, const char **host,
    const char **port, struct dp_err *err)
{
	switch (ch) {
	case 'H':
		*host = arg;
		return 0;
	case 'p':
		*port = arg;
		return 0;
	case OPT_MX:
		pc->mx = true;
		return 0;
	case 'w':
		return dp_range_parse(arg, &pc->cert_warn, err);
	case 'c':
		return dp_range_parse(arg, &pc->cert_crit, err);
	case OPT_SIG_WARN:
		return dp_range_parse(arg, &pc->sig_warn, err);
	case OPT_SIG_CRIT:
		return dp_range_parse(arg, &pc->sig_crit, err);
	case OPT_NO_DANE_STATE:
		return dp_state_parse(arg, &pc->no_dane_state, err);
	case OPT_TIMEOUT_STATE:
		return dp_state_parse(arg, &pc->timeout_state, err);
	case OPT_SERVERS:
		pc->core.servers = true;
		return 0;
	default:
		return dp_err_set(err, "unknown option (see check_dane -h)");
	}
}

/* -H and -p into the one target "host:port" that the check core reads. */
static int
plugin_target(struct dp_plugin_config *pc, const char *host, const char *port,
    struct dp_err *err)
{
	struct dp_config *cfg = &pc->core;
	unsigned p = pc->mx ? 25 : cfg->dialect ? cfg->dialect->port : 443;
	char canon[DP_NAME_TEXT_MAX];

	if (host == NULL)
		return dp_err_set(err, "-H host is required");
	if (port != NULL && dp_parse_port(port, &p, err) == -1)
		return -1;
	if (pc->mx && (port != NULL || cfg->dialect != NULL))
		return dp_err_set(err, "--mx checks port 25 with SMTP STARTTLS; no -p or -S with it");
	if (strchr(host, ':') != NULL || strchr(host, '[') != NULL || strchr(host, '/') != NULL)
		return dp_err_set(err, "-H takes a host name; DANE needs a name for the TLSA lookup");
	/* Checked here too, so that "-H --mx" is a usage error before any lookup. */
	if (dp_name_canonical(host, canon, sizeof(canon), err) == -1) {
		dp_err_prefix(err, "-H '%s'", host);
		return -1;
	}
	if (pc->mx)
		snprintf(pc->target, sizeof(pc->target), "%s", host);
	else
		snprintf(pc->target, sizeof(pc->target), "%s:%u", host, p);
	pc->targetv[0] = pc->target;
	cfg->args = pc->targetv;
	cfg->nargs = 1;
	cfg->cmd = pc->mx ? DP_CMD_SMTP : DP_CMD_CHECK;
	return 0;
}

static int
plugin_defaults(struct dp_plugin_config *pc, struct dp_err *err)
{
	if (!pc->cert_warn.set && dp_range_parse(DP_PLUGIN_CERT_WARN, &pc->cert_warn, err) == -1)
		return -1;
	if (!pc->cert_crit.set && dp_range_parse(DP_PLUGIN_CERT_CRIT, &pc->cert_crit, err) == -1)
		return -1;
	if (!pc->sig_warn.set && dp_range_parse(DP_PLUGIN_SIG_WARN, &pc->sig_warn, err) == -1)
		return -1;
	if (!pc->sig_crit.set && dp_range_parse(DP_PLUGIN_SIG_CRIT, &pc->sig_crit, err) == -1)
		return -1;
	return 0;
}

int
dp_plugin_config_parse(int argc, char **argv, struct dp_plugin_config *pc,
    struct dp_err *err)
{
	const char *host = NULL, *port = NULL;
	struct dp_config *cfg = &pc->core;
	int ch, rc;

	memset(pc, 0, sizeof(*pc));
	dp_config_defaults(cfg);
	pc->no_dane_state = DP_STATE_CRITICAL;
	pc->timeout_state = DP_STATE_CRITICAL;
	opterr = 0;
	/* 0, not 1: getopt starts afresh, keeping nothing of an earlier parse. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, plugin_short_options, plugin_options,
	    NULL)) != -1) {
		if (ch == 'h')
			return DP_ACT_HELP;
		if (ch == 'V')
			return DP_ACT_VERSION;
		if (ch == '?' || ch == ':')
			return dp_opt_error(argv, argc, optind, optopt, plugin_short_options,
			    plugin_options, err);
		/* -S is the plugin's short name for the shared --starttls. */
		if ((rc = dp_config_common_option(cfg, ch == 'S' ? DP_OPT_STARTTLS : ch,
		    optarg, err)) == 1)
			rc = plugin_option(ch, optarg, pc, &host, &port, err);
		if (rc == -1)
			return -1;
	}
	if (optind < argc)
		return dp_err_set(err, "unexpected argument '%s'", argv[optind]);
	if (dp_config_finish(cfg, err) == -1 || plugin_target(pc, host, port, err) == -1 ||
	    plugin_defaults(pc, err) == -1)
		return -1;
	return DP_ACT_RUN;
}
