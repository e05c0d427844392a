/*
 * cli_opts.c: daneprobe's options.  One table, parsed with getopt_long
 * (options may follow the operands), checked for combinations that make
 * no sense, and turned into a struct dp_config.  Nothing here touches the
 * network or the file system beyond naming files.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_opts.h"
#include "name.h"
#include "optutil.h"

enum {
	OPT_BACKEND = 256,
	OPT_TRUST_ANCHOR,
	OPT_RESOLVER,
	OPT_RECURSIVE,
	OPT_ROOT_HINTS,
	OPT_JSON,
	OPT_PROTO,
	OPT_CAFILE,
	OPT_CAPATH,
	OPT_TLSA,
	OPT_TLSA_FILE,
	OPT_SAVE_CHAIN,
	OPT_STARTTLS,
	OPT_HELO,
	OPT_NAME,
	OPT_MAX_ADDRS,
	OPT_MAX_MX,
};

static const char short_options[] = "46t:vVh";

static const struct option long_options[] = {
	{ "backend",		required_argument,	NULL, OPT_BACKEND },
	{ "trust-anchor",	required_argument,	NULL, OPT_TRUST_ANCHOR },
	{ "resolver",		required_argument,	NULL, OPT_RESOLVER },
	{ "recursive",		no_argument,		NULL, OPT_RECURSIVE },
	{ "root-hints",		required_argument,	NULL, OPT_ROOT_HINTS },
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "proto",		required_argument,	NULL, OPT_PROTO },
	{ "CAfile",		required_argument,	NULL, OPT_CAFILE },
	{ "CApath",		required_argument,	NULL, OPT_CAPATH },
	{ "tlsa",		required_argument,	NULL, OPT_TLSA },
	{ "tlsa-file",		required_argument,	NULL, OPT_TLSA_FILE },
	{ "save-chain",		required_argument,	NULL, OPT_SAVE_CHAIN },
	{ "starttls",		required_argument,	NULL, OPT_STARTTLS },
	{ "helo",		required_argument,	NULL, OPT_HELO },
	{ "name",		required_argument,	NULL, OPT_NAME },
	{ "max-addresses",	required_argument,	NULL, OPT_MAX_ADDRS },
	{ "max-mx",		required_argument,	NULL, OPT_MAX_MX },
	{ "timeout",		required_argument,	NULL, 't' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

void
dp_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: daneprobe lookup [options] HOST [PORT]\n"
	    "       daneprobe check [options] TARGET ...\n"
	    "       daneprobe smtp [options] DOMAIN\n"
	    "options:\n"
	    "  -4, -6                 use only IPv4 / IPv6 addresses\n"
	    "  -t, --timeout SECONDS  bound the whole command (default %u)\n"
	    "  -v, --verbose          more detail (chain, records, timings)\n"
	    "      --json             JSON output\n"
	    "      --backend NAME     resolver backend: getdns or unbound\n"
	    "      --trust-anchor FILE  DNSSEC trust anchor, DS or DNSKEY (default %s)\n"
	    "      --resolver ADDR[@PORT]  forward to this resolver (repeatable)\n"
	    "      --recursive        resolve from the root instead\n"
	    "      --root-hints FILE  root hints for --recursive\n"
	    "      --proto PROTO      tcp, udp or sctp (default tcp)\n"
	    "      --CAfile FILE, --CApath DIR  trust store for PKIX-TA/PKIX-EE\n"
	    "      --tlsa \"U S M HEX\"  use this record instead of DNS (repeatable)\n"
	    "      --tlsa-file FILE   read TLSA records from a zone-file\n"
	    "      --save-chain FILE  write each presented chain as PEM\n"
	    "      --starttls PROTO   %s\n"
	    "      --helo NAME        our name in EHLO/LHLO (default: this host's name)\n"
	    "      --name NAME        for an address target: the name for SNI and the\n"
	    "                         certificate (without it only DANE-EE pins an address)\n"
	    "      --max-addresses N  addresses checked per host (default %d)\n"
	    "      --max-mx N         MX hosts checked per domain (default %d)\n"
	    "  -V, --version          show version and backends\n"
	    "  -h, --help             show this help\n",
	    DP_DEFAULT_TIMEOUT_MS / 1000, DP_DEFAULT_TRUST_ANCHOR, dp_dialect_names(),
	    DP_DEFAULT_MAX_ADDRS, DP_DEFAULT_MAX_MX);
}

int
dp_parse_timeout(const char *s, unsigned *ms, struct dp_err *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v > 0) || v > 3600)
		return dp_err_set(err, "invalid timeout '%s' (seconds, more than 0, at most 3600)", s);
	*ms = (unsigned)(v * 1000 + 0.5);
	if (*ms == 0)
		*ms = 1;
	return 0;
}

int
dp_parse_count(const char *s, unsigned max, const char *what, unsigned *v,
    struct dp_err *err)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || errno != 0 || *end != '\0' || n < 1 || n > max)
		return dp_err_set(err, "invalid %s '%.40s' (1-%u)", what, s, max);
	*v = (unsigned)n;
	return 0;
}

static int
parse_command(const char *s, enum dp_command *cmd, struct dp_err *err)
{
	if (strcmp(s, "lookup") == 0)
		*cmd = DP_CMD_LOOKUP;
	else if (strcmp(s, "check") == 0)
		*cmd = DP_CMD_CHECK;
	else if (strcmp(s, "smtp") == 0)
		*cmd = DP_CMD_SMTP;
	else
		return dp_err_set(err, "unknown command '%s' (lookup, check or smtp)", s);
	return 0;
}

static int
parse_option(int ch, const char *arg, struct dp_config *cfg, struct dp_err *err)
{
	switch (ch) {
	case '4':
		cfg->only_v4 = true;
		break;
	case '6':
		cfg->only_v6 = true;
		break;
	case 't':
		return dp_parse_timeout(arg, &cfg->timeout_ms, err);
	case 'v':
		cfg->verbose++;
		break;
	case OPT_JSON:
		cfg->format = DP_FMT_JSON;
		break;
	case OPT_BACKEND:
		return dp_resolver_backend_parse(arg, &cfg->res.backend, err);
	case OPT_TRUST_ANCHOR:
		cfg->res.trust_anchor = arg;
		break;
	case OPT_RESOLVER:
		return dp_resolver_config_add(&cfg->res, arg, err);
	case OPT_RECURSIVE:
		cfg->res.recursive = true;
		break;
	case OPT_ROOT_HINTS:
		cfg->res.root_hints = arg;
		break;
	case OPT_PROTO:
		if (strcmp(arg, "tcp") != 0 && strcmp(arg, "udp") != 0 &&
		    strcmp(arg, "sctp") != 0)
			return dp_err_set(err, "invalid --proto '%s' (tcp, udp or sctp)", arg);
		cfg->proto = arg;
		break;
	case OPT_CAFILE:
		cfg->cafile = arg;
		break;
	case OPT_CAPATH:
		cfg->capath = arg;
		break;
	case OPT_TLSA:
		if (cfg->ntlsa_text >= DP_TLSA_MAX_RECORDS)
			return dp_err_set(err, "at most %d --tlsa options", DP_TLSA_MAX_RECORDS);
		cfg->tlsa_text[cfg->ntlsa_text++] = arg;
		break;
	case OPT_TLSA_FILE:
		cfg->tlsa_file = arg;
		break;
	case OPT_SAVE_CHAIN:
		cfg->save_chain = arg;
		break;
	case OPT_STARTTLS:
		if ((cfg->dialect = dp_dialect_find(arg)) == NULL)
			return dp_err_set(err, "unknown --starttls '%s' (%s)", arg,
			    dp_dialect_names());
		break;
	case OPT_NAME:
		if (dp_name_canonical(arg, cfg->name, sizeof(cfg->name), err) == -1) {
			dp_err_prefix(err, "--name");
			return -1;
		}
		cfg->name[strlen(cfg->name) - 1] = '\0';	/* as SNI and certificates have it */
		break;
	case OPT_MAX_ADDRS:
		return dp_parse_count(arg, DP_MAX_ADDRS_LIMIT, "--max-addresses",
		    &cfg->max_addrs, err);
	case OPT_MAX_MX:
		return dp_parse_count(arg, DP_MAX_MX_LIMIT, "--max-mx", &cfg->max_mx, err);
	case OPT_HELO:
		if (dp_name_canonical(arg, cfg->helo, sizeof(cfg->helo), err) == -1) {
			dp_err_prefix(err, "--helo");
			return -1;
		}
		cfg->helo[strlen(cfg->helo) - 1] = '\0';	/* no root dot in EHLO */
		break;
	default:
		return dp_err_set(err, "unknown option (see daneprobe -h)");
	}
	return 0;
}

static int
check_combinations(const struct dp_config *cfg, struct dp_err *err)
{
	if (cfg->only_v4 && cfg->only_v6)
		return dp_err_set(err, "-4 and -6 exclude each other");
	if (cfg->res.root_hints != NULL && !cfg->res.recursive)
		return dp_err_set(err, "--root-hints needs --recursive");
	if (cfg->res.recursive && cfg->res.nservers > 0)
		return dp_err_set(err, "--recursive and --resolver exclude each other");
	if (cfg->cmd == DP_CMD_LOOKUP && (cfg->ntlsa_text > 0 || cfg->tlsa_file))
		return dp_err_set(err, "--tlsa and --tlsa-file are for check, not lookup");
	if (cfg->cmd == DP_CMD_LOOKUP && (cfg->nargs < 1 || cfg->nargs > 2))
		return dp_err_set(err, "lookup takes HOST [PORT]");
	if (cfg->cmd == DP_CMD_CHECK && cfg->nargs < 1)
		return dp_err_set(err, "check takes at least one TARGET");
	if (cfg->cmd == DP_CMD_SMTP && cfg->nargs != 1)
		return dp_err_set(err, "smtp takes one DOMAIN");
	if (cfg->cmd == DP_CMD_SMTP && cfg->dialect != NULL)
		return dp_err_set(err, "smtp always speaks SMTP on port 25; --starttls is for check");
	if (cfg->cmd == DP_CMD_LOOKUP && cfg->dialect != NULL)
		return dp_err_set(err, "--starttls is for check");
	if (cfg->cmd != DP_CMD_CHECK && cfg->name[0] != '\0')
		return dp_err_set(err, "--name is for check (with an address target)");
	return 0;
}

/* RFC 5321 section 4.1.1.1: EHLO names the client; this host's name if it is one. */
static void
default_helo(char *buf, size_t len)
{
	char host[256], canon[DP_NAME_TEXT_MAX];

	if (gethostname(host, sizeof(host)) == 0 && (host[sizeof(host) - 1] = '\0',
	    dp_name_canonical(host, canon, sizeof(canon), NULL) == 0)) {
		canon[strlen(canon) - 1] = '\0';
		snprintf(buf, len, "%s", canon);
	} else
		snprintf(buf, len, "localhost");
}

int
dp_config_parse(int argc, char **argv, struct dp_config *cfg, struct dp_err *err)
{
	int ch;

	memset(cfg, 0, sizeof(*cfg));
	default_helo(cfg->helo, sizeof(cfg->helo));
	cfg->timeout_ms = DP_DEFAULT_TIMEOUT_MS;
	cfg->max_addrs = DP_DEFAULT_MAX_ADDRS;
	cfg->max_mx = DP_DEFAULT_MAX_MX;
	cfg->proto = "tcp";
	cfg->res.trust_anchor = DP_DEFAULT_TRUST_ANCHOR;
	opterr = 0;
	/* 0, not 1: getopt starts afresh, keeping nothing of an earlier parse. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		if (ch == 'h')
			return DP_ACT_HELP;
		if (ch == 'V')
			return DP_ACT_VERSION;
		if (ch == '?' || ch == ':')
			return dp_opt_error(argv, argc, optind, optopt, short_options,
			    long_options, err);
		if (parse_option(ch, optarg, cfg, err) == -1)
			return -1;
	}
	if (optind >= argc)
		return dp_err_set(err, "no command given (lookup or check)");
	if (parse_command(argv[optind], &cfg->cmd, err) == -1)
		return -1;
	cfg->args = argv + optind + 1;
	cfg->nargs = argc - optind - 1;
	if (check_combinations(cfg, err) == -1)
		return -1;
	/* Each query may use all the time the command has: the command's timer bounds the total. */
	cfg->res.timeout_ms = cfg->timeout_ms;
	return DP_ACT_RUN;
}
