/*
 * lookup.h: "daneprobe lookup": one validated TLSA lookup.
 */
#ifndef DP_LOOKUP_H
#define DP_LOOKUP_H

#include "cli_opts.h"
#include "servers.h"
#include "tlsaset.h"

struct dp_lookup_report {
	struct dp_tlsaset	 set;
	const char		*backend;
	bool			 has_servers;	/* --servers */
	struct dp_servers_report servers;
	int			 exit_code;	/* the worst of the lookup's and the servers' */
};

/*
 * Resolves the TLSA RRset named by cfg->args (HOST [PORT] or
 * _PORT._PROTO.HOST) as a batch of one query (check.c) and classifies it.
 * Returns 0 with *rep filled (even when the lookup failed: that is a
 * verdict), or -1 with err set when it could not run at all (its kind
 * usage for bad operands or options, internal otherwise).
 */
int	dp_lookup_run(const struct dp_config *cfg, struct dp_lookup_report *rep,
	    struct dp_err *err);
void	dp_lookup_report_clear(struct dp_lookup_report *rep);

/* The TLSA owner for HOST [PORT] or _PORT._PROTO.HOST operands. */
int	dp_lookup_owner(const struct dp_config *cfg, char *owner, size_t len,
	    struct dp_err *err);

#endif
