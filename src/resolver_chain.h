/*
 * resolver_chain.h: an answer with the validation chain behind it, for
 * --trace and for the reason of a bogus answer whose backend gives none.
 * getdns collects the chain (dnssec_return_validation_chain) whichever
 * backend answered the check, set up as the getdns backend is (stub or
 * recursive, the same anchors), on the batch's loop; trace.c reads it.
 */
#ifndef DP_RESOLVER_CHAIN_H
#define DP_RESOLVER_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "resolver.h"
#include "trace.h"

struct event_base;
struct dp_valchain;
struct dp_valchain_query;

/*
 * Called once per question that was not cancelled: with the trace
 * (the callee's, dp_trace_free) or NULL and why it could not be built.
 */
typedef void dp_valchain_cb(struct dp_trace *trace, const char *why, void *arg);

/* Whether chains can be fetched at all (getdns is built in). */
bool	dp_valchain_available(void);
/* Returns 0, or -1 with err set (no getdns, the anchors cannot be read). */
int	dp_valchain_new(struct event_base *base, const struct dp_resolver_config *cfg,
	    struct dp_valchain **out, struct dp_err *err);
/*
 * Asks name/type with its validation chain; the callback never runs
 * from inside this call.  Returns the question, or NULL with err set.
 */
struct dp_valchain_query	*dp_valchain_query(struct dp_valchain *c, const char *name, uint16_t type,
			    dp_valchain_cb *cb, void *arg, struct dp_err *err);
/* The callback will not run. */
void	dp_valchain_cancel(struct dp_valchain_query *q);
/* Cancels what is pending and frees c. */
void	dp_valchain_free(struct dp_valchain *c);

#endif
