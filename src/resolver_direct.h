/*
 * resolver_direct.h: questions to one authoritative server, straight to
 * its address (lookup --servers), through getdns on the batch's loop;
 * and the check of a server's RRset against the zone's DNSKEY RRset that
 * the validated path gave, by getdns's validator.
 */
#ifndef DP_RESOLVER_DIRECT_H
#define DP_RESOLVER_DIRECT_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "resolver.h"

struct event_base;
struct dp_direct;

/* What one server said to one question. */
struct dp_direct_reply {
	enum dp_lookup_status	 status;	/* answered, timeout, failed */
	char			 why[160];	/* for timeout and failed */
	uint8_t			*wire;		/* the reply as it came; owned */
	size_t			 len;
	uint64_t		 elapsed_ms;
};

/* Called once per question; the reply is the callee's to free (dp_direct_reply_free). */
typedef void dp_direct_cb(struct dp_direct_reply *reply, void *arg);

/*
 * A client of the server at addr (port 53) on base: queries with the DO
 * bit, over TCP (the getdns backend's rule, resolver_getdns.c), each
 * bounded by timeout_ms.  Returns NULL with err set (no getdns built in).
 */
struct dp_direct	*dp_direct_new(struct event_base *base, int family, const uint8_t *addr,
			    unsigned timeout_ms, struct dp_err *err);
int	dp_direct_query(struct dp_direct *d, const char *name, uint16_t type, dp_direct_cb *cb,
	    void *arg, struct dp_err *err);
/* Cancels what is pending (no callbacks after) and frees d. */
void	dp_direct_free(struct dp_direct *d);
void	dp_direct_reply_free(struct dp_direct_reply *r);

/*
 * Whether the RRset of type at owner in a server's reply (wire), with its
 * RRSIGs, validates against keys (the zone's DNSKEY RRset, validated on
 * the resolver's path) by getdns's validator.  Returns DP_DNSSEC_SECURE,
 * _BOGUS (signatures missing or invalid), or _INDETERMINATE (could not
 * be checked: no getdns, memory).
 */
enum dp_dnssec	dp_direct_validate(const uint8_t *wire, size_t len, const char *owner,
		    uint16_t type, const struct dp_answer *keys, time_t now);

#endif
