/*
 * cli_opts.c: daneprobe's options.  One table, parsed with getopt_long
 * (options may follow the operands), checked for combinations that make
 * no sense, and turned into a struct dp_config.  The defaults, the options
 * check_dane has too and the checks across them are options.c's; this file
 * holds daneprobe's own: the command, --format (--json), --proto, --tlsa,
 * --tlsa-file, --save-chain, --name, and what each command allows.
 * Nothing here touches the network or the file system beyond naming files.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_opts.h"
#include "name.h"
#include "optutil.h"
#include "resolver_chain.h"
#include "tlsagen.h"

enum {
	OPT_JSON = DP_OPT_FRONT,
	OPT_FORMAT,
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
	OPT_SMTP,
	OPT_CHAIN,
	OPT_AT,
	OPT_IN,
	OPT_CERT,
	OPT_KEY,
	OPT_HOST,
	OPT_PORT,
	OPT_TTL,
	OPT_USAGE,
	OPT_SELECTOR,
	OPT_MTYPE,
	OPT_DEPTH,
	OPT_ISSUER,
	OPT_RFC3597,
	OPT_SERVERS,
	OPT_TRACE,
	OPT_STRICT,
	OPT_NEXT,
	OPT_SINCE,
	OPT_SIG_WARNING,
};

/* --ttl's default: an hour, what most zones give their records. */
#define DP_DEFAULT_TTL	3600
/* A week: a signer that stopped is noticed with time to act. */
#define DP_DEFAULT_SIG_WARNING_DAYS	7
/* --in: a century is further than any certificate lives. */
#define MAX_IN_DAYS	36500
/* --ttl: RFC 2181 section 8 caps a TTL at 2^31 - 1. */
#define MAX_TTL		2147483647u
/* --depth: a chain holds at most DP_CHAIN_MAX_CERTS (chainfile.h). */
#define MAX_DEPTH	31

static const char short_options[] = DP_COMMON_SHORT_OPTIONS "f:j:qVh";

static const struct option long_options[] = {
	DP_COMMON_LONG_OPTIONS,
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "format",		required_argument,	NULL, OPT_FORMAT },
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
	{ "smtp",		no_argument,		NULL, OPT_SMTP },
	{ "chain",		required_argument,	NULL, OPT_CHAIN },
	{ "at",			required_argument,	NULL, OPT_AT },
	{ "in",			required_argument,	NULL, OPT_IN },
	{ "cert",		required_argument,	NULL, OPT_CERT },
	{ "key",		required_argument,	NULL, OPT_KEY },
	{ "host",		required_argument,	NULL, OPT_HOST },
	{ "port",		required_argument,	NULL, OPT_PORT },
	{ "ttl",		required_argument,	NULL, OPT_TTL },
	{ "usage",		required_argument,	NULL, OPT_USAGE },
	{ "selector",		required_argument,	NULL, OPT_SELECTOR },
	{ "mtype",		required_argument,	NULL, OPT_MTYPE },
	{ "depth",		required_argument,	NULL, OPT_DEPTH },
	{ "issuer",		no_argument,		NULL, OPT_ISSUER },
	{ "rfc3597",		no_argument,		NULL, OPT_RFC3597 },
	{ "servers",		no_argument,		NULL, OPT_SERVERS },
	{ "trace",		no_argument,		NULL, OPT_TRACE },
	{ "strict",		no_argument,		NULL, OPT_STRICT },
	{ "next",		required_argument,	NULL, OPT_NEXT },
	{ "since",		required_argument,	NULL, OPT_SINCE },
	{ "sig-warning",	required_argument,	NULL, OPT_SIG_WARNING },
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
	    "       daneprobe verify [options] --chain FILE|- TARGET\n"
	    "       daneprobe tlsa [options] --cert FILE | --chain FILE | --key FILE | TARGET\n"
	    "       daneprobe lint [options] TARGET... | --smtp DOMAIN\n"
	    "       daneprobe rollover [options] --next FILE TARGET\n"
	    "options:\n"
	    "  -4, -6                 use only IPv4 / IPv6 addresses\n"
	    "  -t, --timeout SECONDS  bound the whole command (default %u)\n"
	    "  -v, --verbose          more detail (chain, records, timings)\n"
	    "      --format FORMAT    text (the default), json, or openmetrics: metrics\n"
	    "                         for Prometheus (check and smtp, not with -f)\n"
	    "      --json             JSON output (--format json)\n"
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
	    "      --smtp             RFC 7672 rules (SMTP): PKIX-TA/PKIX-EE unusable\n"
	    "      --servers          lookup, check, smtp, lint: ask every authoritative server too\n"
	    "      --trace            lookup, check, smtp: the chain of trust, link by link\n"
	    "lint: are the records fit for today and for the next change?\n"
	    "      --smtp             lint DOMAIN's MX hosts (RFC 7672) instead of TARGETs\n"
	    "      --sig-warning DAYS warn of signatures that expire sooner (default %u)\n"
	    "      --strict           exit 1 on a warning too\n"
	    "rollover: is it safe to switch to the next chain?\n"
	    "      --next FILE        the next chain (or key, for a key-only change); twice at most\n"
	    "      --since TIME       when every server began to serve the new records\n"
	    "verify: judge a chain from a file (PEM or DER) against the TLSA records\n"
	    "      --chain FILE       the chain, leaf first (-: stdin)\n"
	    "      --at TIME          verify as of TIME (YYYY-MM-DD[THH:MM[:SS]Z], UTC)\n"
	    "      --in DAYS          verify as of DAYS days from now\n"
	    "tlsa: print the TLSA records to publish\n"
	    "      --cert FILE, --chain FILE, --key FILE  the source (or a live TARGET)\n"
	    "      --host NAME, --port N  the owner name's host and port (--proto: its protocol)\n"
	    "      --ttl N            the records' TTL (default 3600)\n"
	    "      --usage U, --selector S, --mtype M  numbers or RFC 7218 acronyms\n"
	    "                         (default 3 1 1: DANE-EE SPKI SHA2-256)\n"
	    "      --issuer           also 2 1 1 of the leaf's issuer\n"
	    "      --depth N          the certificate of the chain at depth N\n"
	    "      --rfc3597          the generic form (\\# LEN HEX) for old servers\n"
	    "  -V, --version          show version and backends\n"
	    "  -h, --help             show this help\n",
	    DP_DEFAULT_TIMEOUT_MS / 1000, DP_DEFAULT_TRUST_ANCHOR, dp_dialect_names(),
	    DP_DEFAULT_MAX_ADDRS, DP_DEFAULT_MAX_MX, DP_DEFAULT_WINDOW,
	    DP_DEFAULT_TIMEOUT_MS / 1000, DP_DEFAULT_PER_ADDR, DP_DEFAULT_SIG_WARNING_DAYS);
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
	else if (strcmp(s, "verify") == 0)
		*cmd = DP_CMD_VERIFY;
	else if (strcmp(s, "tlsa") == 0)
		*cmd = DP_CMD_TLSA;
	else if (strcmp(s, "lint") == 0)
		*cmd = DP_CMD_LINT;
	else if (strcmp(s, "rollover") == 0)
		*cmd = DP_CMD_ROLLOVER;
	else
		return dp_err_set(err, "unknown command '%.64s' (lookup, check, smtp, verify, "
		    "tlsa, lint or rollover)", s);
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

/*
 * --at: ISO 8601 in UTC, "2027-01-31", "2027-01-31T12:00Z" or
 * "2027-01-31T12:00:00Z"; a date that does not exist (February 30) is
 * refused, not rolled over.
 */
static int
parse_at(const char *arg, time_t *out, struct dp_err *err)
{
	struct tm tm, back;
	char rest[4] = "";
	int y, mo, d, h = 0, mi = 0, sec = 0, n;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	n = sscanf(arg, "%4d-%2d-%2dT%2d:%2d:%2d%3s", &y, &mo, &d, &h, &mi, &sec, rest);
	if (n == 6 && strchr(arg, 'Z') == NULL)
		n = -1;
	if (n != 3 && n != 7) {
		sec = 0;
		rest[0] = '\0';
		n = sscanf(arg, "%4d-%2d-%2dT%2d:%2d%3s", &y, &mo, &d, &h, &mi, rest);
		if (n == 6 && strcmp(rest, "Z") == 0)
			n = 7;
	}
	if ((n != 3 && n != 7) || (n == 3 && strlen(arg) != 10) ||
	    (n == 7 && strcmp(rest, "Z") != 0) || y < 1970 || y > 9999)
		return dp_err_set(err, "invalid --at '%.40s' (YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM[:SS]Z, in UTC)", arg);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1 || gmtime_r(&t, &back) == NULL ||
	    back.tm_year != y - 1900 || back.tm_mon != mo - 1 || back.tm_mday != d ||
	    back.tm_hour != h || back.tm_min != mi || back.tm_sec != sec)
		return dp_err_set(err, "invalid --at '%.40s': no such time", arg);
	*out = t;
	return 0;
}

/* A number 0..max for option what (--depth, --ttl, --in, --port). */
static int
parse_number(const char *arg, unsigned long max, const char *what, unsigned long *v,
    struct dp_err *err)
{
	char *end;

	errno = 0;
	if (arg[0] < '0' || arg[0] > '9' || (*v = strtoul(arg, &end, 10), errno != 0) ||
	    *end != '\0' || *v > max)
		return dp_err_set(err, "invalid %s '%.40s' (0 to %lu)", what, arg, max);
	return 0;
}

/* --usage, --selector, --mtype: a number or an RFC 7218 acronym. */
static int
parse_field(const char *opt, const char *arg, int field, int *out, struct dp_err *err)
{
	uint8_t v;

	if (dp_tlsagen_parse_field(opt, arg, field, &v, err) == -1)
		return -1;
	*out = v;
	return 0;
}

/* The options of verify and tlsa. */
static int
parse_deploy_option(int ch, const char *arg, struct dp_config *cfg, struct dp_err *err)
{
	unsigned long v;

	switch (ch) {
	case OPT_SMTP:
		cfg->smtp_rules = true;
		return 0;
	case OPT_CHAIN:
		cfg->chain_file = arg;
		return 0;
	case OPT_AT:
		if (cfg->at_given)
			return dp_err_set(err, "--at and --in: one time only");
		cfg->at_given = true;
		return parse_at(arg, &cfg->verify_at, err);
	case OPT_IN:
		if (cfg->at_given)
			return dp_err_set(err, "--at and --in: one time only");
		if (parse_number(arg, MAX_IN_DAYS, "--in", &v, err) == -1)
			return -1;
		cfg->at_given = true;
		cfg->verify_at = time(NULL) + (time_t)v * 86400;
		return 0;
	case OPT_CERT:
		cfg->cert_file = arg;
		return 0;
	case OPT_KEY:
		cfg->key_file = arg;
		return 0;
	case OPT_HOST:
		if (dp_name_canonical(arg, cfg->gen_host, sizeof(cfg->gen_host), err) == -1) {
			dp_err_prefix(err, "--host");
			return -1;
		}
		return 0;
	case OPT_PORT:
		if (parse_number(arg, 65535, "--port", &v, err) == -1)
			return -1;
		if (v == 0)
			return dp_err_set(err, "invalid --port '0' (1 to 65535)");
		cfg->gen_port = (unsigned)v;
		return 0;
	case OPT_TTL:
		if (parse_number(arg, MAX_TTL, "--ttl", &v, err) == -1)
			return -1;
		cfg->ttl = (unsigned)v;
		return 0;
	case OPT_USAGE:
		return parse_field("--usage", arg, 0, &cfg->gen_usage, err);
	case OPT_SELECTOR:
		return parse_field("--selector", arg, 1, &cfg->gen_selector, err);
	case OPT_MTYPE:
		return parse_field("--mtype", arg, 2, &cfg->gen_mtype, err);
	case OPT_DEPTH:
		if (parse_number(arg, MAX_DEPTH, "--depth", &v, err) == -1)
			return -1;
		cfg->gen_depth = (int)v;
		return 0;
	case OPT_ISSUER:
		cfg->gen_issuer = true;
		return 0;
	case OPT_RFC3597:
		cfg->rfc3597 = true;
		return 0;
	case OPT_TRACE:
		cfg->res.trace = true;
		return 0;
	case OPT_STRICT:
		cfg->lint_strict = true;
		return 0;
	case OPT_NEXT:
		if (cfg->nnext == sizeof(cfg->next_files) / sizeof(cfg->next_files[0]))
			return dp_err_set(err, "--next at most twice (a key and a certificate change)");
		cfg->next_files[cfg->nnext++] = arg;
		return 0;
	case OPT_SINCE:
		if (cfg->since_given)
			return dp_err_set(err, "--since once");
		cfg->since_given = true;
		if (parse_at(arg, &cfg->since, err) == -1)
			return -1;
		if (cfg->since > time(NULL))
			return dp_err_set(err, "--since %.40s is in the future", arg);
		return 0;
	case OPT_SIG_WARNING:
		if (parse_number(arg, 3650, "--sig-warning", &v, err) == -1)
			return -1;
		cfg->sig_warning_days = (unsigned)v;
		cfg->sig_warning_given = true;
		return 0;
	case OPT_SERVERS:
		cfg->servers = true;
		return 0;
	default:
		return 1;
	}
}

/* daneprobe's own options; the shared ones are dp_config_common_option's. */
static int
parse_option(int ch, const char *arg, struct dp_config *cfg, struct dp_err *err)
{
	int rc;

	switch (ch) {
	case OPT_JSON:
		cfg->format = DP_FMT_JSON;
		break;
	case OPT_FORMAT:
		if (strcmp(arg, "text") == 0)
			cfg->format = DP_FMT_TEXT;
		else if (strcmp(arg, "json") == 0)
			cfg->format = DP_FMT_JSON;
		else if (strcmp(arg, "openmetrics") == 0)
			cfg->format = DP_FMT_OPENMETRICS;
		else
			return dp_err_set(err, "invalid --format '%.40s' (text, json or "
			    "openmetrics)", arg);
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
		if ((rc = parse_deploy_option(ch, arg, cfg, err)) == 1)
			return dp_err_set(err, "unknown option (see daneprobe -h)");
		return rc;
	}
	return 0;
}

/* What verify and tlsa allow, and the options only they have. */
static int
check_deploy_combinations(const struct dp_config *cfg, struct dp_err *err)
{
	bool gen = cfg->cert_file || cfg->key_file || cfg->gen_host[0] || cfg->gen_port ||
	    cfg->ttl != DP_DEFAULT_TTL || cfg->gen_usage >= 0 || cfg->gen_selector >= 0 ||
	    cfg->gen_mtype >= 0 || cfg->gen_depth >= 0 || cfg->gen_issuer || cfg->rfc3597;
	int sources;

	if (cfg->cmd != DP_CMD_TLSA && gen)
		return dp_err_set(err, "--cert, --key, --host, --port, --ttl, --usage, --selector, "
		    "--mtype, --depth, --issuer and --rfc3597 are for tlsa");
	if (cfg->servers && cfg->cmd != DP_CMD_LOOKUP && cfg->cmd != DP_CMD_CHECK &&
	    cfg->cmd != DP_CMD_SMTP && cfg->cmd != DP_CMD_LINT)
		return dp_err_set(err, "--servers is for lookup, check, smtp and lint");
	if (cfg->res.trace && cfg->cmd != DP_CMD_LOOKUP && cfg->cmd != DP_CMD_CHECK &&
	    cfg->cmd != DP_CMD_SMTP)
		return dp_err_set(err, "--trace is for lookup, check and smtp");
	if (cfg->res.trace && cfg->target_file != NULL)
		return dp_err_set(err, "--trace is not for -f (a trace is for a few targets)");
	if (cfg->res.trace && !dp_valchain_available())
		return dp_err_set(err, "--trace needs getdns, which is not built in");
	if (cfg->servers && cfg->target_file != NULL)
		return dp_err_set(err, "--servers is not for -f (a survey a target is for a few)");
	if (cfg->cmd != DP_CMD_VERIFY && cfg->at_given)
		return dp_err_set(err, "--at and --in are for verify");
	if (cfg->chain_file != NULL && cfg->cmd != DP_CMD_VERIFY && cfg->cmd != DP_CMD_TLSA)
		return dp_err_set(err, "--chain is for verify and tlsa");
	if (cfg->smtp_rules && (cfg->cmd == DP_CMD_LOOKUP || cfg->cmd == DP_CMD_SMTP ||
	    cfg->cmd == DP_CMD_ROLLOVER))
		return dp_err_set(err, "--smtp is for check, verify, tlsa and lint (smtp always "
		    "has RFC 7672's rules)");
	if (cfg->cmd != DP_CMD_LINT && (cfg->lint_strict || cfg->sig_warning_given))
		return dp_err_set(err, "--strict and --sig-warning are for lint");
	if (cfg->cmd != DP_CMD_ROLLOVER && (cfg->nnext > 0 || cfg->since_given))
		return dp_err_set(err, "--next and --since are for rollover");
	if (cfg->cmd == DP_CMD_ROLLOVER) {
		if (cfg->nnext == 0)
			return dp_err_set(err, "rollover needs --next FILE (the next chain or key)");
		if (cfg->nargs != 1)
			return dp_err_set(err, "rollover takes one TARGET");
		if (cfg->target_file != NULL || cfg->save_chain != NULL || cfg->ntlsa_text > 0 ||
		    cfg->tlsa_file != NULL || cfg->res.trace)
			return dp_err_set(err, "-f, --save-chain, --tlsa, --tlsa-file and --trace are "
			    "not for rollover");
	}
	if (cfg->cmd == DP_CMD_LINT) {
		if (cfg->target_file != NULL || cfg->save_chain != NULL || cfg->ntlsa_text > 0 ||
		    cfg->tlsa_file != NULL || cfg->res.trace)
			return dp_err_set(err, "-f, --save-chain, --tlsa, --tlsa-file and --trace are "
			    "not for lint");
		if (cfg->smtp_rules && (cfg->nargs != 1 || cfg->dialect != NULL))
			return dp_err_set(err, "lint --smtp takes one mail DOMAIN (its MX hosts are "
			    "checked with SMTP STARTTLS on port 25)");
		if (cfg->nargs < 1)
			return dp_err_set(err, "lint takes at least one TARGET (or --smtp DOMAIN)");
	}
	if (cfg->cmd == DP_CMD_VERIFY) {
		if (cfg->chain_file == NULL)
			return dp_err_set(err, "verify needs --chain FILE (- for standard input)");
		if (cfg->target_file != NULL || cfg->save_chain != NULL)
			return dp_err_set(err, "-f and --save-chain are not for verify");
		if (cfg->nargs != 1)
			return dp_err_set(err, "verify takes one TARGET");
	}
	if (cfg->cmd != DP_CMD_TLSA)
		return 0;
	sources = (cfg->cert_file != NULL) + (cfg->chain_file != NULL) +
	    (cfg->key_file != NULL) + (cfg->nargs > 0);
	if (sources != 1 || cfg->nargs > 1)
		return dp_err_set(err, "tlsa takes one source: --cert FILE, --chain FILE, "
		    "--key FILE or a TARGET");
	if (cfg->target_file != NULL || cfg->save_chain != NULL || cfg->ntlsa_text > 0 ||
	    cfg->tlsa_file != NULL || cfg->name[0] != '\0')
		return dp_err_set(err, "-f, --save-chain, --tlsa, --tlsa-file and --name are "
		    "not for tlsa");
	if (cfg->gen_issuer && (cfg->key_file != NULL || cfg->cert_file != NULL))
		return dp_err_set(err, "--issuer needs the chain (--chain FILE or a TARGET)");
	if (cfg->gen_issuer && cfg->gen_depth >= 0)
		return dp_err_set(err, "--issuer and --depth: one or the other");
	return 0;
}

/*
 * --format openmetrics: one scrape of check's targets or of a mail
 * domain's MX hosts.  Not with -f: a scrape gives each metric family's
 * samples together, so a stream would have to hold every result to its
 * end, and -f is for lists of any length in bounded memory.
 */
static int
check_metrics(const struct dp_config *cfg, struct dp_err *err)
{
	if (cfg->format != DP_FMT_OPENMETRICS)
		return 0;
	if (cfg->cmd != DP_CMD_CHECK && cfg->cmd != DP_CMD_SMTP)
		return dp_err_set(err, "--format openmetrics is for check and smtp");
	if (cfg->target_file != NULL)
		return dp_err_set(err, "--format openmetrics is not for -f: a scrape gives each "
		    "metric family's samples together, which a stream cannot; give the targets "
		    "as operands (for mail, one run a domain)");
	if (cfg->servers || cfg->res.trace)
		return dp_err_set(err, "--servers and --trace are not for --format openmetrics "
		    "(it has no metrics of theirs)");
	return 0;
}

/* What each command allows; the checks both front ends make are dp_config_check's. */
static int
check_combinations(const struct dp_config *cfg, struct dp_err *err)
{
	if (check_deploy_combinations(cfg, err) == -1 || check_metrics(cfg, err) == -1)
		return -1;
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
	if (cfg->cmd != DP_CMD_CHECK && cfg->cmd != DP_CMD_VERIFY && cfg->name[0] != '\0')
		return dp_err_set(err, "--name is for check and verify (with an address target)");
	return 0;
}

int
dp_config_parse(int argc, char **argv, struct dp_config *cfg, struct dp_err *err)
{
	int ch, rc;

	dp_config_defaults(cfg);
	cfg->ttl = DP_DEFAULT_TTL;
	cfg->sig_warning_days = DP_DEFAULT_SIG_WARNING_DAYS;
	cfg->gen_usage = cfg->gen_selector = cfg->gen_mtype = cfg->gen_depth = -1;
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
