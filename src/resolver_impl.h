/*
 * resolver_impl.h: what a resolver backend implements and may call.
 * Only resolver.c and resolver_*.c include this.
 */
#ifndef DP_RESOLVER_IMPL_H
#define DP_RESOLVER_IMPL_H

#include "clock.h"
#include "resolver.h"

struct event;

struct dp_backend_ops {
	const char		*name;
	enum dp_backend_id	 id;
	/* Sets res->impl from res->cfg.  Returns 0 or -1 with err set. */
	int	(*init)(struct dp_resolver *res, struct dp_err *err);
	/* Starts q (q->qname, q->qtype); sets q->impl.  Returns 0 or -1. */
	int	(*submit)(struct dp_query *q, struct dp_err *err);
	/* Stops q; its completion must not be reported afterwards. */
	void	(*cancel)(struct dp_query *q);
	void	(*fini)(struct dp_resolver *res);
	/*
	 * The backend calls a zone bogus whose parent's DS RRset names no
	 * algorithm or digest type it supports (getdns 1.6), where RFC 4035
	 * section 5.2 says insecure: resolver.c checks such DS RRsets itself.
	 */
	bool	recheck_bogus_ds;
	/*
	 * The validator keeps the keys it validated for later answers
	 * (libunbound's key cache); getdns validates every answer's chain
	 * from the anchor again.  See dp_resolver_caches_keys.
	 */
	bool	key_cache;
	/* No reason text for a bogus answer: the trace gives one (resolver_chain.c). */
	bool	no_reasons;
};

/* Owner names of the trust anchors kept for the DS recheck, at most. */
#define DP_MAX_ANCHOR_NAMES	16
/* Ancestors whose DS RRsets the recheck of a bogus answer asks, at most. */
#define DP_MAX_DS_WALK		16

/* What one ancestor's DS answer says (see ds_verdict in resolver.c). */
enum dp_ds_verdict {
	DP_DS_UNKNOWN = 0,	/* no answer (yet), or none that can be judged */
	DP_DS_NONE,		/* a real answer, but no secure DS RRset: not a cut we trust */
	DP_DS_SUPPORTED,	/* a secure DS RRset with a supported algorithm and digest */
	DP_DS_UNSUPPORTED,	/* a secure DS RRset with none: the zone is insecure */
};

struct dp_resolver {
	struct event_base		*base;
	struct dp_resolver_config	 cfg;
	const struct dp_backend_ops	*ops;
	void				*impl;
	/* Trust anchor owners; unclear when one could not be read as a name. */
	char				*anchors[DP_MAX_ANCHOR_NAMES];
	size_t				 nanchors;
	bool				 anchors_unclear;
	/* Validation chains (resolver_chain.c), made when first needed. */
	struct dp_valchain		*valchain;
	bool				 valchain_failed;
};

struct dp_query {
	struct dp_resolver	*res;
	char			*qname;
	uint16_t		 qtype;
	dp_resolve_cb		*cb;
	void			*arg;
	struct event		*timer;		/* deadline, then delivery */
	struct dp_answer	*answer;	/* set once complete, until delivered */
	uint64_t		 started_ms;
	void			*impl;
	/* CNAME steps whose own security is being asked (see dp_query_complete). */
	struct dp_query		*steps[DP_MAX_CNAME_STEPS];
	size_t			 steps_pending;
	/* The DS recheck of a bogus answer: ds[i] asks the i-th ancestor. */
	bool			 inner;		/* a query of that recheck: never rechecks */
	bool			 ds_walked;
	struct dp_query		*ds[DP_MAX_DS_WALK];
	enum dp_ds_verdict	 ds_verdict[DP_MAX_DS_WALK];
	size_t			 nds;
	size_t			 ds_pending;
	/* Its validation chain, for the trace (see query_trace_start). */
	struct dp_valchain_query	*vq;
	bool			 vq_pending;
};

/*
 * Called by a backend when q has ended.  wire/len is the reply (may be
 * NULL for failures); state and why are the backend's validation result.
 * The answer is delivered from the event loop, never from inside.
 */
void	dp_query_complete(struct dp_query *q, enum dp_lookup_status status,
	    enum dp_dnssec state, const char *why, int rcode,
	    const uint8_t *wire, size_t len);


extern const struct dp_backend_ops dp_backend_getdns;
extern const struct dp_backend_ops dp_backend_unbound;

/* The files of the resolver layer, to each other. */
/* answer.c */
struct dp_answer *dp_answer_new(const char *qname, uint16_t qtype, const char *backend);
/* anchors.c: checks file; with res, keeps the anchors' owners. */
int	dp_anchor_scan(const char *file, struct dp_resolver *res, struct dp_err *err);
void	dp_anchors_free(struct dp_resolver *res);
/* resolver.c: a query (inner: a sub-query of the resolver's own). */
struct dp_query	*dp_query_start(struct dp_resolver *res, const char *name, uint16_t type,
		    dp_resolve_cb *cb, void *arg, bool inner, struct dp_err *err);
void	dp_query_cancel_ds(struct dp_query *q);
void	dp_query_deliver_when_done(struct dp_query *q);
/* resolver_ds.c: the DS recheck of a bogus answer, then the judgement. */
void	dp_ds_walk_start(struct dp_query *q);
void	dp_query_judge(struct dp_query *q);

#ifdef HAVE_GETDNS
struct getdns_eventloop;
/*
 * resolver_getdns_loop.c: getdns's event loop on base (with TCP_NODELAY
 * on its sockets), for getdns_context_set_eventloop.  Free it after the
 * context.  NULL: no memory.
 */
struct getdns_eventloop	*dp_getdns_loop_new(struct event_base *base);
void	dp_getdns_loop_free(struct getdns_eventloop *loop);
struct getdns_context;
/*
 * resolver_getdns.c: a getdns context set up from cfg as the getdns
 * backend's (anchors, stub over TCP or recursive, timeout) on base, for
 * the backend and for the validation chains of resolver_chain.c.  Free
 * the context, then the loop.  Returns 0 or -1 with err set.
 */
int	dp_getdns_context_new(struct event_base *base, const struct dp_resolver_config *cfg,
	    struct getdns_context **ctx, struct getdns_eventloop **loop, struct dp_err *err);
#endif

#endif
