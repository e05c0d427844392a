/*
 * options.h: the one option core of daneprobe and check_dane.  Both front
 * ends fill the same struct dp_config from the same defaults, read the
 * options they share through one table and one function, and check them
 * with the same cross-checks; what only one of them has stays in
 * cli_opts.c or plugin_opts.c.
 */
#ifndef DP_OPTIONS_H
#define DP_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "err.h"
#include "name.h"
#include "resolver.h"
#include "starttls.h"
#include "tlsa.h"

enum dp_command {
	DP_CMD_NONE = 0,
	DP_CMD_LOOKUP,
	DP_CMD_CHECK,
	DP_CMD_SMTP,
	DP_CMD_VERIFY,
	DP_CMD_TLSA,
	DP_CMD_LINT,
	DP_CMD_ROLLOVER,
};

enum dp_format {
	DP_FMT_TEXT = 0,
	DP_FMT_JSON,
	DP_FMT_OPENMETRICS,	/* Prometheus metrics: check and smtp */
};

enum dp_action {
	DP_ACT_RUN = 0,
	DP_ACT_HELP,
	DP_ACT_VERSION,
};

/* Default -t: long enough for a cold recursive lookup, short for a check run every few minutes. */
#define DP_DEFAULT_TIMEOUT_MS	10000
/*
 * Targets at once with -f (-j): enough to keep two cores busy with
 * handshakes while the lookups of the next ones run; each costs a socket
 * per address and about 50 KB of job state.
 */
#define DP_DEFAULT_WINDOW	32
#define DP_MAX_WINDOW		1024
/*
 * Connections at once to one address (--per-address): a batch of many
 * names on one shared address must not hammer it, yet keep it busy.
 */
#define DP_DEFAULT_PER_ADDR	16
#define DP_MAX_PER_ADDR		1024
/* --shard K/N: more shares than a scheduler's array jobs would ever be. */
#define DP_MAX_SHARDS		100000

struct dp_config {
	enum dp_command			 cmd;
	enum dp_format			 format;
	int				 verbose;
	struct dp_resolver_config	 res;
	unsigned			 timeout_ms;	/* whole command */
	bool				 timeout_given;	/* -t was given (a batch has none by default) */
	unsigned			 target_timeout_ms; /* -f: each target's own bound */
	const char			*target_file;	/* -f FILE, "-": standard input */
	unsigned			 window;	/* -j: targets at once with -f */
	unsigned			 shard_k, shard_n;	/* --shard K/N, 1/1: everything */
	bool				 quiet;		/* -q: no progress line */
	unsigned			 connect_timeout_ms;	/* 0: only the target's bound */
	unsigned			 handshake_timeout_ms;	/* STARTTLS prelude, TLS handshake */
	unsigned			 dns_timeout_ms;	/* each query */
	unsigned			 per_addr;	/* --per-address: connections at once to one address */
	const char			*proto;		/* tcp, udp, sctp */
	bool				 only_v4, only_v6;
	const char			*cafile, *capath;
	const char			*tlsa_text[DP_TLSA_MAX_RECORDS];
	size_t				 ntlsa_text;
	const char			*tlsa_file;
	const char			*save_chain;
	const struct dp_dialect		*dialect;	/* --starttls */
	char				 helo[256];	/* our EHLO name */
	char				 name[DP_NAME_TEXT_MAX];	/* --name, no root dot; "" none */
	unsigned			 max_addrs;	/* --max-addresses */
	unsigned			 max_mx;	/* --max-mx */
	bool				 smtp_rules;	/* --smtp: RFC 7672 (verify, tlsa) */
	bool				 servers;	/* lookup --servers: every authoritative server */
	/* lint */
	bool				 lint_strict;	/* --strict: a warning fails too */
	unsigned			 sig_warning_days;	/* --sig-warning */
	bool				 sig_warning_given;
	/* rollover */
	const char			*next_files[2];	/* --next: chains or keys */
	size_t				 nnext;
	time_t				 since;		/* --since: the new records were published at */
	bool				 since_given;
	/* verify */
	const char			*chain_file;	/* --chain (also a tlsa source) */
	time_t				 verify_at;	/* --at / --in; 0: now */
	bool				 at_given;
	/* tlsa */
	const char			*cert_file, *key_file;	/* --cert, --key */
	char				 gen_host[DP_NAME_TEXT_MAX];	/* --host; "" from the target */
	unsigned			 gen_port;	/* --port; 0: from the target or 443 */
	unsigned			 ttl;		/* --ttl */
	int				 gen_usage, gen_selector, gen_mtype;	/* -1: default */
	int				 gen_depth;	/* --depth; -1: by the usage */
	bool				 gen_issuer;	/* --issuer: also 2 1 1 of the leaf's issuer */
	bool				 rfc3597;	/* --rfc3597 */
	char *const			*args;		/* operands after the command */
	int				 nargs;
};

/*
 * Addresses probed per host (--max-addresses).  Real hosts have a handful;
 * a hostile zone could list hundreds, and each costs a socket and a
 * handshake.  Addresses over the limit are named and make the verdict
 * "could not check", never OK.
 */
#define DP_DEFAULT_MAX_ADDRS	32
#define DP_MAX_ADDRS_LIMIT	1024

/* Default and largest --max-mx: real domains have a handful of MX hosts. */
#define DP_DEFAULT_MAX_MX	16
#define DP_MAX_MX_LIMIT		64	/* each MX host is a target: DP_MAX_TARGETS */

/*
 * The ids getopt_long returns for the shared long options that have no
 * short letter.  A front end numbers its own options from DP_OPT_FRONT.
 */
enum {
	DP_OPT_BACKEND = 256,
	DP_OPT_TRUST_ANCHOR,
	DP_OPT_RESOLVER,
	DP_OPT_RECURSIVE,
	DP_OPT_ROOT_HINTS,
	DP_OPT_CAFILE,
	DP_OPT_CAPATH,
	DP_OPT_STARTTLS,
	DP_OPT_HELO,
	DP_OPT_MAX_ADDRS,
	DP_OPT_MAX_MX,
	DP_OPT_FRONT = 512,
};

/* The shared short options, in each front end's optstring. */
#define DP_COMMON_SHORT_OPTIONS	"46t:v"

/*
 * The shared long options, the first entries of each front end's table:
 * one list, so that a name or an argument cannot differ between the two.
 * check_dane also gives --starttls the short -S, which it hands on as
 * DP_OPT_STARTTLS.
 */
#define DP_COMMON_LONG_OPTIONS						\
	{ "timeout",		required_argument,	NULL, 't' },		\
	{ "verbose",		no_argument,		NULL, 'v' },		\
	{ "backend",		required_argument,	NULL, DP_OPT_BACKEND },	\
	{ "trust-anchor",	required_argument,	NULL, DP_OPT_TRUST_ANCHOR }, \
	{ "resolver",		required_argument,	NULL, DP_OPT_RESOLVER },	\
	{ "recursive",		no_argument,		NULL, DP_OPT_RECURSIVE }, \
	{ "root-hints",		required_argument,	NULL, DP_OPT_ROOT_HINTS }, \
	{ "CAfile",		required_argument,	NULL, DP_OPT_CAFILE },	\
	{ "CApath",		required_argument,	NULL, DP_OPT_CAPATH },	\
	{ "starttls",		required_argument,	NULL, DP_OPT_STARTTLS },	\
	{ "helo",		required_argument,	NULL, DP_OPT_HELO },	\
	{ "max-addresses",	required_argument,	NULL, DP_OPT_MAX_ADDRS }, \
	{ "max-mx",		required_argument,	NULL, DP_OPT_MAX_MX }

/*
 * Zeroes cfg and sets every default: timeout, limits, proto "tcp", the
 * trust anchor, and the EHLO name (this host's name, else "localhost").
 */
void	dp_config_defaults(struct dp_config *cfg);

/*
 * Applies one shared option (its getopt_long id and argument) to cfg.
 * Returns 0, -1 with err set for a bad argument, or 1 when id is not a
 * shared option (the front end's own, or unknown).
 */
int	dp_config_common_option(struct dp_config *cfg, int id, const char *arg,
	    struct dp_err *err);

/*
 * The checks across shared options that apply to both front ends: -4 with
 * -6, --root-hints without --recursive, --recursive with --resolver.
 * Returns 0 or -1 with err set.
 */
int	dp_config_check(const struct dp_config *cfg, struct dp_err *err);

/*
 * Ends a parse: dp_config_check, then the values derived from the options
 * (each query may use the whole timeout).  Returns 0 or -1 with err set.
 */
int	dp_config_finish(struct dp_config *cfg, struct dp_err *err);

/* Parses SECONDS (fractions allowed, more than 0, at most 3600) into ms. */
int	dp_parse_timeout(const char *s, unsigned *ms, struct dp_err *err);

/* Parses a count 1..max for option what.  Returns 0 or -1 with err set. */
int	dp_parse_count(const char *s, unsigned max, const char *what, unsigned *v,
	    struct dp_err *err);

#endif
