/*
 * cli_opts.h: the command line of daneprobe, parsed into one const
 * struct dp_config.  The only mutable global state is the option table.
 */
#ifndef DP_CLI_OPTS_H
#define DP_CLI_OPTS_H

#include <stdbool.h>
#include <stddef.h>

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
};

enum dp_format {
	DP_FMT_TEXT = 0,
	DP_FMT_JSON,
};

enum dp_action {
	DP_ACT_RUN = 0,
	DP_ACT_HELP,
	DP_ACT_VERSION,
};

/* Default -t: long enough for a cold recursive lookup, short for a check run every few minutes. */
#define DP_DEFAULT_TIMEOUT_MS	10000

struct dp_config {
	enum dp_command			 cmd;
	enum dp_format			 format;
	int				 verbose;
	struct dp_resolver_config	 res;
	unsigned			 timeout_ms;	/* whole command */
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

/* Parses SECONDS (fractions allowed, more than 0, at most 3600) into ms. */
int	dp_parse_timeout(const char *s, unsigned *ms, struct dp_err *err);

/* Parses a count 1..max for option what.  Returns 0 or -1 with err set. */
int	dp_parse_count(const char *s, unsigned max, const char *what, unsigned *v,
	    struct dp_err *err);

/* Returns the action, or -1 with err set for a usage error. */
int	dp_config_parse(int argc, char **argv, struct dp_config *cfg,
	    struct dp_err *err);
void	dp_usage(FILE *fp);

#endif
