/*
 * resolver_impl.h: what a resolver backend implements and may call.
 * Only resolver.c and resolver_*.c include this.
 */
#ifndef DP_RESOLVER_IMPL_H
#define DP_RESOLVER_IMPL_H

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
};

struct dp_resolver {
	struct event_base		*base;
	struct dp_resolver_config	 cfg;
	const struct dp_backend_ops	*ops;
	void				*impl;
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
};

/*
 * Called by a backend when q has ended.  wire/len is the reply (may be
 * NULL for failures); state and why are the backend's validation result.
 * The answer is delivered from the event loop, never from inside.
 */
void	dp_query_complete(struct dp_query *q, enum dp_lookup_status status,
	    enum dp_dnssec state, const char *why, int rcode,
	    const uint8_t *wire, size_t len);

uint64_t	dp_now_ms(void);

extern const struct dp_backend_ops dp_backend_getdns;
extern const struct dp_backend_ops dp_backend_unbound;

#endif
