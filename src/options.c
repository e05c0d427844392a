/*
 * options.c: the option core that daneprobe (cli_opts.c) and check_dane
 * (plugin_opts.c) share, so that the two cannot drift: every default, the
 * options both have (same long names, same parsing, same error texts) and
 * the checks across them.
 *
 * Policy: one default for both front ends, the EHLO name included (RFC
 * 5321 section 4.1.1.1: this host's name when it is a valid one, else
 * "localhost").  Option arguments are checked when they are read; file
 * names are only kept here, their files are checked by the check core
 * before anything goes on the wire.
 *
 * Failures are usage errors in err (dp_err_set, which neutralises what the
 * user typed); nothing here prints or touches the network.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"

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

void
dp_config_defaults(struct dp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	default_helo(cfg->helo, sizeof(cfg->helo));
	cfg->timeout_ms = DP_DEFAULT_TIMEOUT_MS;
	cfg->target_timeout_ms = DP_DEFAULT_TIMEOUT_MS;
	cfg->window = DP_DEFAULT_WINDOW;
	cfg->shard_k = cfg->shard_n = 1;
	cfg->per_addr = DP_DEFAULT_PER_ADDR;
	cfg->max_addrs = DP_DEFAULT_MAX_ADDRS;
	cfg->max_mx = DP_DEFAULT_MAX_MX;
	cfg->proto = "tcp";
	cfg->res.trust_anchor = DP_DEFAULT_TRUST_ANCHOR;
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

/* --helo: a host name, kept without the root dot that EHLO does not have. */
static int
parse_helo(const char *arg, char *helo, size_t len, struct dp_err *err)
{
	if (dp_name_canonical(arg, helo, len, err) == -1) {
		dp_err_prefix(err, "--helo");
		return -1;
	}
	helo[strlen(helo) - 1] = '\0';
	return 0;
}

int
dp_config_common_option(struct dp_config *cfg, int id, const char *arg,
    struct dp_err *err)
{
	switch (id) {
	case '4':
		cfg->only_v4 = true;
		return 0;
	case '6':
		cfg->only_v6 = true;
		return 0;
	case 't':
		cfg->timeout_given = true;
		return dp_parse_timeout(arg, &cfg->timeout_ms, err);
	case 'v':
		cfg->verbose++;
		return 0;
	case DP_OPT_BACKEND:
		return dp_resolver_backend_parse(arg, &cfg->res.backend, err);
	case DP_OPT_TRUST_ANCHOR:
		cfg->res.trust_anchor = arg;
		return 0;
	case DP_OPT_RESOLVER:
		return dp_resolver_config_add(&cfg->res, arg, err);
	case DP_OPT_RECURSIVE:
		cfg->res.recursive = true;
		return 0;
	case DP_OPT_ROOT_HINTS:
		cfg->res.root_hints = arg;
		return 0;
	case DP_OPT_CAFILE:
		cfg->cafile = arg;
		return 0;
	case DP_OPT_CAPATH:
		cfg->capath = arg;
		return 0;
	case DP_OPT_STARTTLS:
		if ((cfg->dialect = dp_dialect_find(arg)) == NULL)
			return dp_err_set(err, "unknown STARTTLS protocol '%s' (%s)", arg,
			    dp_dialect_names());
		return 0;
	case DP_OPT_HELO:
		return parse_helo(arg, cfg->helo, sizeof(cfg->helo), err);
	case DP_OPT_MAX_ADDRS:
		return dp_parse_count(arg, DP_MAX_ADDRS_LIMIT, "--max-addresses",
		    &cfg->max_addrs, err);
	case DP_OPT_MAX_MX:
		return dp_parse_count(arg, DP_MAX_MX_LIMIT, "--max-mx", &cfg->max_mx, err);
	default:
		return 1;
	}
}

int
dp_config_check(const struct dp_config *cfg, struct dp_err *err)
{
	if (cfg->only_v4 && cfg->only_v6)
		return dp_err_set(err, "-4 and -6 exclude each other");
	if (cfg->res.root_hints != NULL && !cfg->res.recursive)
		return dp_err_set(err, "--root-hints needs --recursive");
	if (cfg->res.recursive && cfg->res.nservers > 0)
		return dp_err_set(err, "--recursive and --resolver exclude each other");
	return 0;
}

int
dp_config_finish(struct dp_config *cfg, struct dp_err *err)
{
	if (dp_config_check(cfg, err) == -1)
		return -1;
	/*
	 * Each query may use all the time its target has: the command's timer
	 * (or with -f each target's own) bounds the total.
	 */
	cfg->res.timeout_ms = cfg->target_file != NULL ? cfg->target_timeout_ms :
	    cfg->timeout_ms;
	if (cfg->dns_timeout_ms > 0 && cfg->dns_timeout_ms < cfg->res.timeout_ms)
		cfg->res.timeout_ms = cfg->dns_timeout_ms;
	/*
	 * A list (-f) defaults to libunbound where it is built in: over 1,000
	 * names it is three times as fast as getdns (bench/batch.sh), which
	 * validates the chain again for every query and, sending all over one
	 * TCP connection (resolver_getdns.c), answers them one after another.
	 */
	if (cfg->target_file != NULL && cfg->res.backend == DP_BACKEND_DEFAULT)
		(void)dp_resolver_backend_parse("unbound", &cfg->res.backend, NULL);
	/* A list keeps libunbound's validation on the second core; one check needs no thread. */
	cfg->res.worker_thread = cfg->target_file != NULL;
	return 0;
}
