/*
 * check.h: "daneprobe check": DANE-verify every address of each target.
 * The structures here are also the report the renderers read.
 */
#ifndef DP_CHECK_H
#define DP_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "cli_opts.h"
#include "dane.h"
#include "resolver.h"
#include "target.h"
#include "tls.h"
#include "tlsaset.h"

/* Targets per command: each gets its own lookups and probes on the one loop. */
#define DP_MAX_TARGETS	64

struct dp_check;

/* How to check a target beyond its name and port. */
struct dp_target_opts {
	const struct dp_dialect	*dialect;	/* STARTTLS prelude, or NULL */
	bool			 smtp;		/* RFC 7672 rules: PKIX usages unusable */
	int			 mx_pref;	/* MX preference, -1: not from MX */
};

struct dp_check_target {
	struct dp_check		*job;
	struct dp_target	 tg;
	struct dp_target_opts	 opts;
	/* DNS */
	struct dp_query		*q_tlsa, *q_tlsa_exp, *q_addr[2];
	struct dp_answer	*addr_ans[2];	/* A, AAAA (NULL: not asked) */
	struct dp_tlsaset	 tlsa;		/* the RRset in force for the verdict */
	struct dp_tlsaset	 tlsa_exp;	/* at the CNAME-expanded name, if asked */
	bool			 tlsa_done, tlsa_exp_done, tlsa_decided;
	bool			 out_of_band;	/* --tlsa / --tlsa-file */
	bool			 used_expanded;	/* RFC 7671 section 7 base domain */
	char			 expanded[DP_NAME_TEXT_MAX];
	char			 base_domain[DP_NAME_TEXT_MAX];	/* no trailing dot */
	char			 base_host[DP_NAME_TEXT_MAX];	/* the host, no trailing dot */
	const char		*refnames[DP_MAX_REFNAMES];
	char			 refbuf[DP_MAX_REFNAMES][DP_NAME_TEXT_MAX];
	size_t			 nrefnames;
	enum dp_dane_load	 load[DP_TLSA_MAX_RECORDS];
	bool			 load_known;
	/* addresses: IPv4 then IPv6, each sorted, the first max_addrs probed */
	struct dp_probe		*probes;	/* cfg->max_addrs slots */
	size_t			 nprobes;
	size_t			 addrs_dropped;	/* over cfg->max_addrs, named below */
	char			(*left_out)[64];	/* their labels */
	bool			 aaaa_waits;	/* AAAA answered first: after A */
	enum dp_reason		 addr_reason;	/* DP_R_VERIFIED when the lookups were fine */
	char			 addr_detail[256];
	int			 exit_code;
	uint64_t		 dns_ms;
};

struct dp_check_report {
	struct dp_check_target	*targets;
	size_t			 ntargets;
	const char		*backend;
	int			 exit_code;
	uint64_t		 elapsed_ms;
};

/*
 * Runs all targets of cfg concurrently on one loop within cfg->timeout_ms.
 * Returns 0 with rep filled (failures are verdicts in it), or -1 with err
 * set and *exit_code DP_EXIT_USAGE or DP_EXIT_INTERNAL.
 */
int	dp_check_run(const struct dp_config *cfg, struct dp_check_report *rep,
	    int *exit_code, struct dp_err *err);

/*
 * The same in steps, for callers that find their targets on the loop (MX):
 * open (loop, resolver, deadline), add targets (each starts at once), hold
 * the batch open while other work of the caller's is pending, wait (until
 * all is done or the deadline), close.  The report stays valid after close.
 */
int	dp_check_open(const struct dp_config *cfg, struct dp_check_report *rep,
	    struct dp_check **out, int *exit_code, struct dp_err *err);
struct dp_check_target *dp_check_add(struct dp_check *c, const struct dp_target *tg,
	    const struct dp_target_opts *opts, struct dp_err *err);
void	dp_check_hold(struct dp_check *c, int delta);
struct dp_resolver	*dp_check_resolver(struct dp_check *c, struct dp_err *err);
int	dp_check_wait(struct dp_check *c, struct dp_err *err);
void	dp_check_close(struct dp_check *c);
void	dp_check_report_clear(struct dp_check_report *rep);

/*
 * Writes each presented chain as PEM, headed by the address, replacing
 * file whole (outfile.c).  Returns 0, 1 when no address presented a
 * chain (file is left alone), or -1 with err set.
 */
int	dp_check_save_chains(const struct dp_check_report *rep, const char *file,
	    struct dp_err *err);

#endif
