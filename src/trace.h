/*
 * trace.h: the chain of trust of one answer, link by link (--trace), and
 * the broken link in words an operator acts on.
 *
 * A trace is computed from records alone: the reply and the validation
 * chain (DS, DNSKEY, NSEC/NSEC3 and their RRSIGs) that getdns collected
 * for it (resolver_chain.c), checked one link at a time by libldns (key
 * tags, DS digests, RRSIG verification, denial of existence).  So it is
 * the same whichever backend answered.  Built once, then read only.
 */
#ifndef DP_TRACE_H
#define DP_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

/* A zone cut, an RRset: what its link says. */
/* The zero value of each enum is the one that claims nothing: never secure by default. */
enum dp_link {
	DP_LINK_UNCHECKED = 0,	/* below a broken or missing link */
	DP_LINK_SECURE,
	DP_LINK_INSECURE,	/* proven unsigned, or no DS algorithm supported */
	DP_LINK_BOGUS,		/* the broken link */
	DP_LINK_MISSING,	/* the records to judge it are not in the chain (the last) */
};

/* One RRSIG, as checked against the keys that should have made it. */
enum dp_sig_status {
	DP_SIG_UNTRUSTED = 0,	/* the signer's keys are not validated: not checked */
	DP_SIG_VALID,
	DP_SIG_EXPIRED,
	DP_SIG_NOT_YET_VALID,
	DP_SIG_INVALID,		/* the signature does not verify */
	DP_SIG_NO_KEY,		/* no key with its tag and algorithm in the signer's set */
	DP_SIG_UNSUPPORTED,	/* an algorithm libldns does not verify (the last) */
};

struct dp_trace_sig {
	char			*signer;
	uint16_t		 covered;	/* the RR type signed */
	uint16_t		 tag;
	uint8_t			 alg;
	time_t			 inception;
	time_t			 expiration;
	enum dp_sig_status	 status;
};

enum dp_ds_status {
	DP_DSREC_NO_MATCH = 0,
	DP_DSREC_MATCH,		/* digests a DNSKEY of the child (tag in match) */
	DP_DSREC_ALG_UNSUPPORTED,
	DP_DSREC_DIGEST_UNSUPPORTED,
};

/* A DS record at the parent, or a trust anchor (DS or DNSKEY). */
struct dp_trace_ds {
	uint16_t		 tag;
	uint8_t			 alg;
	uint8_t			 digest;	/* 0 for a DNSKEY anchor */
	bool			 anchor;
	enum dp_ds_status	 status;
	uint16_t		 match;		/* the matched key's tag */
};

struct dp_trace_key {
	uint16_t		 tag;
	uint16_t		 flags;
	uint8_t			 alg;
	bool			 vouched;	/* a DS or an anchor matches it */
	bool			 signs_keys;	/* a valid RRSIG of it covers the DNSKEY RRset */
};

/* One zone cut, from the trust anchor down. */
struct dp_trace_zone {
	char			*name;
	enum dp_link		 link;
	bool			 anchored;	/* a trust anchor, not a parent's DS, vouches */
	struct dp_trace_ds	*ds;
	size_t			 nds;
	struct dp_trace_sig	*ds_sigs;	/* over the DS RRset, by the parent */
	size_t			 nds_sigs;
	struct dp_trace_key	*keys;
	size_t			 nkeys;
	struct dp_trace_sig	*key_sigs;	/* over the DNSKEY RRset */
	size_t			 nkey_sigs;
	/* Insecure by proof: "NSEC" or "NSEC3" of the parent, signatures in denial_sigs. */
	const char		*denial;
	struct dp_trace_sig	*denial_sigs;
	size_t			 ndenial_sigs;
	char			*why;		/* the link's verdict in words */
	bool			 broken;	/* the link the trace's verdict names */
};

/* An RRset of the answer (a CNAME, the records asked, a denial's NSEC/NSEC3/SOA). */
struct dp_trace_rrset {
	char			*owner;
	uint16_t		 type;
	size_t			 nrrs;
	char			*zone;		/* the zone that signs it, or encloses it */
	enum dp_link		 link;
	struct dp_trace_sig	*sigs;
	size_t			 nsigs;
	char			*why;
	bool			 broken;
};

struct dp_trace {
	char			*qname;
	uint16_t		 qtype;
	time_t			 at;		/* the time signatures were judged at */
	enum dp_link		 verdict;	/* SECURE, INSECURE, BOGUS or MISSING */
	char			*why;		/* the one line: the broken link, or why insecure */
	struct dp_trace_zone	*zones;
	size_t			 nzones;
	struct dp_trace_rrset	*rrsets;
	size_t			 nrrsets;
};

/* Bounds: a chain deeper than this is not a real one. */
#define DP_TRACE_MAX_ZONES	32
#define DP_TRACE_MAX_RRSETS	32
#define DP_TRACE_MAX_RECORDS	1024
/* RFC 9276 section 3.2 (and unbound's default): NSEC3 past this is not used. */
#define DP_TRACE_MAX_NSEC3_ITERATIONS	150

/* The trust anchors, read once (DS or DNSKEY records). */
struct dp_trace_anchors;

/* Reads the anchor file (already checked by dp_trust_anchor_check).  0 or -1. */
int	dp_trace_anchors_load(const char *file, struct dp_trace_anchors **out,
	    struct dp_err *err);
void	dp_trace_anchors_free(struct dp_trace_anchors *a);

/*
 * Builds the trace of the question (qname, qtype) from reply (a DNS
 * message) and chain (uncompressed records back to back, as getdns's
 * validation chain gives them), judging signatures at now.  Returns 0
 * with *out set, or -1 with err set (records that cannot be read, memory).
 */
int	dp_trace_build(const struct dp_trace_anchors *anchors, const char *qname,
	    uint16_t qtype, const uint8_t *reply, size_t reply_len, const uint8_t *chain,
	    size_t chain_len, time_t now, struct dp_trace **out, struct dp_err *err);
void	dp_trace_free(struct dp_trace *t);

const char	*dp_link_name(enum dp_link link);
const char	*dp_sig_status_name(enum dp_sig_status status);
const char	*dp_ds_status_name(enum dp_ds_status status);

#endif
