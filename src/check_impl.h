/*
 * check_impl.h: what the files of the check core share and nobody else
 * sees: the live state of a target (its job) and of the batch.  Only
 * check.c, check_target.c and check_result.c include this.
 */
#ifndef DP_CHECK_IMPL_H
#define DP_CHECK_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "check.h"
#include "tls.h"

/* One destination address and the connections to it in progress. */
struct dp_dest {
	int	family;
	uint8_t	addr[16];
	size_t	active;
};

/*
 * Where a target is; ck_target_step is the one place that moves it on.
 * RESOLVING: its TLSA and address lookups are under way; EXPANDING: the
 * address answers came through a secure CNAME chain, and the expanded
 * name's TLSA lookup is under way (RFC 7671 section 7); PROBING: the TLSA
 * records are decided and its addresses' probes run (those that got here
 * first waited, connected, for this); DONE: nothing is left to wait for,
 * the sweeper builds its result; REPORTED: it has one, the job is freed.
 */
enum ck_state {
	CK_RESOLVING = 0,
	CK_EXPANDING,
	CK_PROBING,
	CK_DONE,
	CK_REPORTED,
};

/* The live state of one target: private, freed as soon as its result is built. */
struct dp_check_target {
	struct dp_check		*job;
	struct dp_target_result	*res;		/* its slot in the report, filled when done */
	enum ck_state		 state;
	struct event		*timer;		/* streaming: the target's own bound */
	struct dp_target	 tg;
	struct dp_target_opts	 opts;
	/* DNS */
	struct dp_query		*q_tlsa, *q_tlsa_exp, *q_addr[2];
	struct dp_answer	*addr_ans[2];	/* A, AAAA (NULL: not asked) */
	struct dp_tlsaset	 tlsa;		/* at the name itself */
	struct dp_tlsaset	 tlsa_exp;	/* at the CNAME-expanded name, if asked */
	bool			 tlsa_done, tlsa_exp_done;	/* answered, or given up */
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
	/* a validator with a key cache: one address lookup first (first_family), then the rest */
	bool			 first_alone, rest_asked;
	enum dp_reason		 addr_reason;	/* DP_R_VERIFIED when the lookups were fine */
	char			 addr_detail[256];
	uint64_t		 dns_ms;
	/* verify (opts.offline): the chain's verdict, in place of the probes' */
	struct dp_tls_facts	 offline;
	bool			 offline_done;
};

struct dp_check {
	const struct dp_config	*cfg;
	struct event_base	*base;
	struct dp_resolver	*res;
	SSL_CTX			*ctx_dane, *ctx_pkix;
	struct dp_check_report	*rep;
	struct dp_check_target	*jobs;		/* one per report target */
	struct event		*deadline;
	struct event		*sweeper;	/* builds the results of targets that are done */
	size_t			 cap;		/* slots in jobs and rep->targets */
	/* connections in progress per destination address (--per-address) */
	struct dp_dest		*dests;
	size_t			 ndests;
	bool			 slot_freed;	/* a probe may wait for it */
	/* --tlsa/--tlsa-file, read once per batch; [1]: with RFC 7672's rules */
	struct dp_tlsaset	 oob[2];
	bool			 oob_loaded[2];
	/* streaming (dp_check_stream): results go to sink, slots are reused */
	dp_check_sink		*sink;
	dp_check_feed		*feed;
	void			*sink_arg;
	uint64_t		 started_ms;
	int			 holds;		/* the caller's pending work */
	bool			 finished;
	bool			 deadline_passed;
};

/*
 * Event priorities: the deadline, then everything else (libevent gives
 * new events, ours and the resolvers', the middle one: DP_PRIO_WORK).
 */
#define DP_PRIO_DEADLINE	0
#define DP_PRIO_WORK		1
#define DP_NPRIO		2
/* Callbacks run before the loop checks the deadline again. */
#define DP_DISPATCH_BATCH	8

/* check.c: the batch's side of a target. */
void	ck_target_settle(struct dp_check_target *t);
void	ck_probe_try_connect(struct dp_check *c, struct dp_probe *p);
void	ck_probe_release(struct dp_check *c, struct dp_probe *p);
struct dp_resolver *ck_job_resolver(struct dp_check *c, struct dp_err *err);

/* check_target.c: one target's lookups, TLSA decision and probes. */
const struct dp_tlsaset *ck_tlsa_in_force(const struct dp_check_target *t);
/* Moves t on as far as what it has lets it (the one transition function). */
void	ck_target_step(struct dp_check_target *t);
int	ck_target_load_out_of_band(struct dp_check_target *t, const struct dp_config *cfg,
	    struct dp_err *err);
/* Starts the lookups (or the probe of an address).  Returns 0 or -1 with err set. */
int	ck_target_start(struct dp_check_target *t, struct dp_err *err);
void	ck_target_abandon(struct dp_check_target *t, const struct dp_err *err);
void	ck_target_classify_addresses(struct dp_check_target *t);
/* Ends whatever of t still runs: a bound of bound_ms has passed. */
void	ck_target_expire(struct dp_check_target *t, unsigned bound_ms);

/* check_result.c: the verdict and the result, built once. */
void	ck_target_free(struct dp_check_target *t);
void	ck_target_finish(struct dp_check_target *t);

#endif
