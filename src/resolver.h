/*
 * resolver.h: one interface to the DNSSEC-validating resolver backends.
 *
 * A backend validates locally from the trust anchor file; no backend
 * trusts an upstream's AD bit.  Every query runs on the caller's libevent
 * base and ends, exactly once, in its callback: with an answer, or with a
 * failure (timeout, network error) that is never mistaken for an answer.
 */
#ifndef DP_RESOLVER_H
#define DP_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

struct event_base;
struct dp_msg;
struct dp_trace;

enum dp_dnssec {
	DP_DNSSEC_INDETERMINATE = 0,	/* the zero value: never secure by default */
	DP_DNSSEC_SECURE,
	DP_DNSSEC_INSECURE,
	DP_DNSSEC_BOGUS,
};

enum dp_lookup_status {
	DP_LOOKUP_ANSWERED = 0,		/* a reply came back; see rcode */
	DP_LOOKUP_TIMEOUT,		/* the deadline passed */
	DP_LOOKUP_FAILED,		/* the backend could not resolve (network, internal) */
};

/* Steps of a CNAME chain are few: RFC 7671 section 7 and unbound cap it near 10. */
#define DP_MAX_CNAME_STEPS	16

struct dp_cname_step {
	char		*owner;
	char		*target;
	uint32_t	 ttl;
	enum dp_dnssec	 state;
};

struct dp_record {
	uint16_t	 type;
	uint32_t	 ttl;
	uint8_t		*rdata;
	size_t		 rdlen;
};

struct dp_answer {
	char			*qname;		/* as asked, canonical */
	uint16_t		 qtype;
	enum dp_lookup_status	 status;
	int			 rcode;		/* -1 when no reply */
	enum dp_dnssec		 state;
	char			*why;		/* backend's reason when not secure, or NULL */
	char			*final_name;	/* owner of the records after CNAMEs */
	struct dp_record	*rrs;		/* records of qtype at final_name */
	size_t			 nrrs;
	bool			 has_ttl;
	uint32_t		 ttl;		/* RRset TTL, or negative-caching TTL */
	time_t			 sig_expires;	/* earliest RRSIG expiration over the RRset; 0: none seen */
	bool			 wildcard;	/* an RRSIG's labels say: synthesized from a wildcard */
	uint32_t		 orig_ttl;	/* the largest original TTL its RRSIGs give; 0: none */
	struct dp_cname_step	*cnames;
	size_t			 ncnames;
	const char		*backend;
	uint64_t		 elapsed_ms;
	/* The chain of trust, link by link (--trace, or a bogus answer's reason). */
	struct dp_trace		*trace;
	char			*trace_error;	/* why there is no trace, when one was asked */
};

enum dp_backend_id {
	DP_BACKEND_DEFAULT = 0,
	DP_BACKEND_GETDNS,
	DP_BACKEND_UNBOUND,
};

#define DP_MAX_RESOLVERS	8

/* The longest address text (IPv6 with an IPv4 tail, 45) with "@65535" and a NUL. */
#define DP_RESOLVER_ADDR_TEXT_MAX	64

/* A resolver to forward to, parsed once (dp_resolver_addr_parse) for both backends. */
struct dp_resolver_addr {
	int		family;		/* AF_INET or AF_INET6 */
	uint8_t		addr[16];	/* 4 or 16 octets, network order */
	uint16_t	port;		/* 53 unless given */
	char		text[DP_RESOLVER_ADDR_TEXT_MAX];	/* canonical "ADDR@PORT" */
};

struct dp_resolver_config {
	enum dp_backend_id	 backend;
	const char		*trust_anchor;	/* DS or DNSKEY zone-file lines */
	bool			 recursive;
	const char		*root_hints;	/* with recursive; NULL: backend's built-in */
	struct dp_resolver_addr	 servers[DP_MAX_RESOLVERS];	/* none: the system's */
	size_t			 nservers;
	unsigned		 timeout_ms;	/* per query */
	/*
	 * libunbound: validate in a worker thread of its own (a batch: the
	 * second core validates while this one handshakes) instead of on our
	 * loop (a single check: no thread to start, one RNG seeding less).
	 */
	bool			 worker_thread;
	/*
	 * --trace: every answer (but a CNAME step's) comes with its chain of
	 * trust checked link by link (trace.h), from getdns's validation chain.
	 */
	bool			 trace;
};

struct dp_resolver;
struct dp_query;

/* Takes ownership of ans (free it with dp_answer_free). */
typedef void dp_resolve_cb(struct dp_answer *ans, void *arg);

/* Returns the names of the backends built in, e.g. "getdns, libunbound". */
const char	*dp_resolver_backends(void);
/* Parses "getdns" or "unbound".  Returns 0 or -1 with err set (unknown or not built in). */
int		 dp_resolver_backend_parse(const char *s, enum dp_backend_id *id,
		    struct dp_err *err);

/*
 * Parses a resolver address as --resolver gives it: ADDR or ADDR@PORT,
 * ADDR an IPv4 or IPv6 literal (no brackets, no scope), PORT decimal
 * 1..65535 and the end of the string; exactly one '@' at most.  The same
 * parse serves both backends.  Returns 0, or -1 with err set.
 */
int	dp_resolver_addr_parse(const char *spec, struct dp_resolver_addr *out,
	    struct dp_err *err);
/* Parses spec and appends it to cfg's servers (at most DP_MAX_RESOLVERS).  0 or -1. */
int	dp_resolver_config_add(struct dp_resolver_config *cfg, const char *spec,
	    struct dp_err *err);

int	dp_resolver_new(struct event_base *base, const struct dp_resolver_config *cfg,
	    struct dp_resolver **out, struct dp_err *err);
void	dp_resolver_free(struct dp_resolver *res);
const char	*dp_resolver_name(const struct dp_resolver *res);
/*
 * True when the backend's validator keeps the zone keys it validated, so
 * that an answer from a zone it has seen costs one signature check instead
 * of the whole chain's: then the first answer of a target is worth waiting
 * for before asking the rest.
 */
bool		 dp_resolver_caches_keys(const struct dp_resolver *res);

/*
 * Starts a query for name (canonical, trailing dot) and type.  The
 * callback runs later from the event loop, never from inside this call.
 * Returns the query (for dp_query_cancel) or NULL with err set.
 */
struct dp_query	*dp_resolver_query(struct dp_resolver *res, const char *name,
		    uint16_t type, dp_resolve_cb *cb, void *arg, struct dp_err *err);
/* Cancels a query whose callback has not run yet; the callback never runs. */
void	dp_query_cancel(struct dp_query *q);

void	dp_answer_free(struct dp_answer *ans);
/* The answer of a query the caller's deadline ended: a timeout, indeterminate.  NULL: memory. */
struct dp_answer *dp_answer_timeout(const char *qname, uint16_t qtype, const char *backend);

/*
 * Fills ans from a validated wire reply: rcode, CNAME chain from qname,
 * the records of qtype at the final name, their TTL and earliest RRSIG
 * expiration.  Returns 0 or -1 with err set when the reply is malformed.
 */
int	dp_answer_fill(struct dp_answer *ans, const uint8_t *wire, size_t len,
	    time_t now, struct dp_err *err);

const char	*dp_dnssec_name(enum dp_dnssec state);

/* What an answer is worth, the first question every user of one asks. */
enum dp_trust {
	DP_TRUST_SECURE = 0,	/* validated NOERROR or NXDOMAIN */
	DP_TRUST_INSECURE,	/* an answer from an unsigned zone */
	DP_TRUST_BOGUS,		/* validation failed */
	DP_TRUST_UNDETERMINED,	/* an answer whose DNSSEC state is unknown */
	DP_TRUST_TIMEOUT,	/* no answer in time (ans NULL: ended at a deadline) */
	DP_TRUST_FAILED,	/* no usable answer: a resolver failure, an error rcode */
};

/*
 * Judges ans (NULL counts as a timeout) and, when detail is not NULL,
 * says why for every value but SECURE and INSECURE.
 */
enum dp_trust	dp_answer_trust(const struct dp_answer *ans, char *detail, size_t len);

/*
 * Whether a DS RRset (the records of a DS answer) can lead to its child
 * zone's keys: true when one record names an algorithm and a digest type
 * the backends validate, or when a record cannot be read or there is no
 * record at all (doubt keeps a zone's state as the backend gave it).
 * False is RFC 4035 section 5.2 and RFC 6840 section 5.2: the child is
 * insecure.
 */
bool	dp_ds_rrset_supported(const struct dp_answer *ds);

/*
 * Checks, before any backend reads them, that file is a regular file of at
 * most DP_ZONE_FILE_MAX bytes of records, at least one of them DS or
 * DNSKEY (RFC 4034 presentation format); for the root hints, NS, A and
 * AAAA records only, at least one NS.  Returns 0, or -1
 * with err set ("trust anchor FILE:LINE: ...").
 */
int	dp_trust_anchor_check(const char *file, struct dp_err *err);
int	dp_root_hints_check(const char *file, struct dp_err *err);

#endif
