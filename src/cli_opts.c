/*
 * cli_opts.c: daneprobe's options.  One table, parsed with getopt_long
 * (options may follow the operands), checked for combinations that make
 * no sense, and turned into a struct dp_config.  The defaults, the options
 * check_dane has too and the checks across them are options.c's; this file
 * holds daneprobe's own: the command, --json, --proto, --tlsa,
 * --tlsa-file, --save-chain, --name, and what each command allows.
 * Nothing here touches the network or the file system beyond naming files.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_opts.h"
#include "name.h"
#include "optutil.h"

enum {
	OPT_JSON = DP_OPT_FRONT,
	OPT_PROTO,
	OPT_TLSA,
	OPT_TLSA_FILE,
	OPT_SAVE_CHAIN,
	OPT_NAME,
	OPT_TARGET_TIMEOUT,
	OPT_SHARD,
	OPT_DNS_TIMEOUT,
	OPT_CONNECT_TIMEOUT,
	OPT_HANDSHAKE_TIMEOUT,
	OPT_PER_ADDR,
};

static const char short_options[] = DP_COMMON_SHORT_OPTIONS "f:j:qVh";

static const struct option long_options[] = {
	DP_COMMON_LONG_OPTIONS,
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "proto",		required_argument,	NULL, OPT_PROTO },
	{ "tlsa",		required_argument,	NULL, OPT_TLSA },
	{ "tlsa-file",		required_argument,	NULL, OPT_TLSA_FILE },
	{ "save-chain",		required_argument,	NULL, OPT_SAVE_CHAIN },
	{ "name",		required_argument,	NULL, OPT_NAME },
	{ "file",		required_argument,	NULL, 'f' },
	{ "jobs",		required_argument,	NULL, 'j' },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "target-timeout",	required_argument,	NULL, OPT_TARGET_TIMEOUT },
	{ "shard",		required_argument,	NULL, OPT_SHARD },
	{ "dns-timeout",	required_argument,	NULL, OPT_DNS_TIMEOUT },
	{ "connect-timeout",	required_argument,	NULL, OPT_CONNECT_TIMEOUT },
	{ "handshake-timeout",	required_argument,	NULL, OPT_HANDSHAKE_TIMEOUT },
	{ "per-address",	required_argument,	NULL, OPT_PER_ADDR },
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
	    "       daneprobe check [options] -f FILE|-\n"
	    "       daneprobe smtp [options] -f FILE|-\n"
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
	    "  -f, --file FILE        check the targets in FILE, one a line (-: stdin),\n"
	    "                         streaming one result a target (JSON Lines with --json)\n"
	    "  -j, --jobs N           with -f: targets at once (default %d)\n"
	    "      --target-timeout SECONDS  with -f: each target's bound (default %u)\n"
	    "      --shard K/N        with -f: only the K-th of N shares of the list\n"
	    "  -q, --quiet            with -f: no progress line on a terminal\n"
	    "      --dns-timeout S, --connect-timeout S, --handshake-timeout S\n"
	    "                         bound each query, connect, prelude or handshake\n"
	    "      --per-address N    connections at once to one address (default %d)\n"
	    "  -V, --version          show version and backends\n"
	    "  -h, --help             show this help\n",
	    DP_DEFAULT_TIMEOUT_MS / 1000, DP_DEFAULT_TRUST_ANCHOR, dp_dialect_names(),
	    DP_DEFAULT_MAX_ADDRS, DP_DEFAULT_MAX_MX, DP_DEFAULT_WINDOW,
	    DP_DEFAULT_TIMEOUT_MS / 1000, DP_DEFAULT_PER_ADDR);
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

/* "K/N", 1 <= K <= N <= DP_MAX_SHARDS. */
static int
parse_shard(const char *arg, struct dp_config *cfg, struct dp_err *err)
{
	char buf[32], *slash;

	if (strlen(arg) >= sizeof(buf) || (slash = strchr(strcpy(buf, arg), '/')) == NULL)
		return dp_err_set(err, "invalid --shard '%.40s' (K/N)", arg);
	*slash = '\0';
	if (dp_parse_count(buf, DP_MAX_SHARDS, "--shard", &cfg->shard_k, err) == -1 ||
	    dp_parse_count(slash + 1, DP_MAX_SHARDS, "--shard", &cfg->shard_n, err) == -1)
		return -1;
	if (cfg->shard_k > cfg->shard_n)
		return dp_err_set(err, "invalid --shard '%.40s': K above N", arg);
	return 0;
}

/* daneprobe's own options; the shared ones are dp_config_common_option's. */
static int
parse_option(int ch, const char *arg, struct dp_config *cfg, struct dp_err *err)
{
	switch (ch) {
	case OPT_JSON:
		cfg->format = DP_FMT_JSON;
		break;
	case OPT_PROTO:
		if (strcmp(arg, "tcp") != 0 && strcmp(arg, "udp") != 0 &&
		    strcmp(arg, "sctp") != 0)
			return dp_err_set(err, "invalid --proto '%s' (tcp, udp or sctp)", arg);
		cfg->proto = arg;
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
	case OPT_NAME:
		if (dp_name_canonical(arg, cfg->name, sizeof(cfg->name), err) == -1) {
			dp_err_prefix(err, "--name");
			return -1;
		}
		cfg->name[strlen(cfg->name) - 1] = '\0';	/* as SNI and certificates have it */
		break;
	case 'f':
		cfg->target_file = arg;
		break;
	case 'j':
		return dp_parse_count(arg, DP_MAX_WINDOW, "-j", &cfg->window, err);
	case 'q':
		cfg->quiet = true;
		break;
	case OPT_TARGET_TIMEOUT:
		return dp_parse_timeout(arg, &cfg->target_timeout_ms, err);
	case OPT_SHARD:
		return parse_shard(arg, cfg, err);
	case OPT_DNS_TIMEOUT:
		return dp_parse_timeout(arg, &cfg->dns_timeout_ms, err);
	case OPT_CONNECT_TIMEOUT:
		return dp_parse_timeout(arg, &cfg->connect_timeout_ms, err);
	case OPT_HANDSHAKE_TIMEOUT:
		return dp_parse_timeout(arg, &cfg->handshake_timeout_ms, err);
	case OPT_PER_ADDR:
		return dp_parse_count(arg, DP_MAX_PER_ADDR, "--per-address", &cfg->per_addr, err);
	default:
		return dp_err_set(err, "unknown option (see daneprobe -h)");
	}
	return 0;
}

/* What each command allows; the checks both front ends make are dp_config_check's. */
static int
check_combinations(const struct dp_config *cfg, struct dp_err *err)
{
	if (cfg->cmd == DP_CMD_LOOKUP && (cfg->ntlsa_text > 0 || cfg->tlsa_file))
		return dp_err_set(err, "--tlsa and --tlsa-file are for check, not lookup");
	if (cfg->cmd == DP_CMD_LOOKUP && (cfg->nargs < 1 || cfg->nargs > 2))
		return dp_err_set(err, "lookup takes HOST [PORT]");
	if (cfg->target_file != NULL && cfg->cmd == DP_CMD_LOOKUP)
		return dp_err_set(err, "-f is for check and smtp");
	if (cfg->target_file != NULL && cfg->nargs > 0)
		return dp_err_set(err, "targets come from -f or as operands, not both");
	if (cfg->target_file != NULL && cfg->save_chain != NULL)
		return dp_err_set(err, "--save-chain is not for -f (results are not kept)");
	if (cfg->target_file == NULL && (cfg->shard_n > 1 || cfg->window != DP_DEFAULT_WINDOW ||
	    cfg->target_timeout_ms != DP_DEFAULT_TIMEOUT_MS))
		return dp_err_set(err, "-j, --shard and --target-timeout are for -f");
	if (cfg->cmd == DP_CMD_CHECK && cfg->nargs < 1 && cfg->target_file == NULL)
		return dp_err_set(err, "check takes at least one TARGET (or -f FILE)");
	if (cfg->cmd == DP_CMD_SMTP && cfg->nargs != 1 && cfg->target_file == NULL)
		return dp_err_set(err, "smtp takes one DOMAIN (or -f FILE)");
	if (cfg->cmd == DP_CMD_SMTP && cfg->dialect != NULL)
		return dp_err_set(err, "smtp always speaks SMTP on port 25; --starttls is for check");
	if (cfg->cmd == DP_CMD_LOOKUP && cfg->dialect != NULL)
		return dp_err_set(err, "--starttls is for check");
	if (cfg->cmd != DP_CMD_CHECK && cfg->name[0] != '\0')
		return dp_err_set(err, "--name is for check (with an address target)");
	return 0;
}

int
dp_config_parse(int argc, char **argv, struct dp_config *cfg, struct dp_err *err)
{
	int ch, rc;

	dp_config_defaults(cfg);
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
		if ((rc = dp_config_common_option(cfg, ch, optarg, err)) == 1)
			rc = parse_option(ch, optarg, cfg, err);
		if (rc == -1)
			return -1;
	}
	if (optind >= argc)
		return dp_err_set(err, "no command given (lookup or check)");
	if (parse_command(argv[optind], &cfg->cmd, err) == -1)
		return -1;
	cfg->args = argv + optind + 1;
	cfg->nargs = argc - optind - 1;
	if (dp_config_finish(cfg, err) == -1 || check_combinations(cfg, err) == -1)
		return -1;
	return DP_ACT_RUN;
}
