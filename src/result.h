/*
 * result.h: what a check found, apart from how it was found.
 *
 * A result is built once, when its target is done, from the job's state
 * (queries, probes, sockets, SSL handles), which is then freed; from then
 * on nothing changes it.  Renderers, the plugin and the exit status read
 * results only, so they can be tested with results built by hand.
 */
#ifndef DP_RESULT_H
#define DP_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "dane.h"
#include "resolver.h"
#include "starttls.h"
#include "target.h"
#include "tlsaset.h"
#include "verdict.h"

/*
 * verify: a chain from a file, checked against the target's TLSA records
 * instead of the chains its addresses present.  The caller's, kept until
 * the report is cleared.
 */
struct dp_offline {
	STACK_OF(X509)		*chain;		/* leaf first, as a server sends it */
	const char		*source;	/* the file's name, for the verdict line */
	time_t			 at;		/* verify as of this time; 0: now */
};

/* How to check a target beyond its name and port. */
struct dp_target_opts {
	const struct dp_dialect	*dialect;	/* STARTTLS prelude, or NULL */
	bool			 smtp;		/* RFC 7672 rules: PKIX usages unusable */
	int			 mx_pref;	/* MX preference, -1: not from MX */
	unsigned		 tag;		/* the caller's, carried into the result */
	const struct dp_offline	*offline;	/* verify: this chain, no connection */
	bool			 fetch_chain;	/* tlsa TARGET: no TLSA lookup, each chain fetched */
};

/* How one TLSA record fared at one address. */
enum dp_record_outcome {
	DP_REC_UNUSABLE = 0,	/* by our rules: see the record's usability */
	DP_REC_REJECTED,	/* OpenSSL would not take it */
	DP_REC_NOT_TRIED,	/* no chain to try it on */
	DP_REC_NOT_MATCHED,
	DP_REC_MATCHED,		/* at the match's depth */
};

/* One address of a target. */
struct dp_addr_result {
	char			 label[64];	/* "192.0.2.1:443", "[2001:db8::1]:443" */
	int			 family;	/* AF_INET, AF_INET6 */
	enum dp_reason		 reason;
	char			 detail[256];	/* may be empty */
	struct dp_dane_match	 match;		/* depth -1: none; data owned */
	char			 version[16];	/* TLS version, "" before a handshake */
	char			 cipher[64];
	STACK_OF(X509)		*chain;		/* as presented, or NULL; owned */
	const char		*dialect;	/* STARTTLS dialect's name, or NULL */
	const char		*starttls_phase; /* where the prelude ended, or NULL */
	bool			 connected;
	uint64_t		 connect_ms, handshake_ms;
	enum dp_record_outcome	*records;	/* one per record of the set in force; owned */
};

/* One target: the TLSA set in force, the address lookups, every address. */
struct dp_target_result {
	struct dp_target	 tg;
	struct dp_target_opts	 opts;
	struct dp_tlsaset	 tlsa;		/* the RRset in force for the verdict */
	bool			 expanded_in_force; /* tlsa is at the CNAME-expanded name */
	struct dp_tlsaset	 tlsa_original;	/* with expanded_in_force: the original name's */
	char			 expanded[DP_NAME_TEXT_MAX];	/* CNAME-expanded name, or "" */
	char			 reference[DP_NAME_TEXT_MAX];	/* TLSA base domain / --name, or "" */
	struct dp_answer	*addr_ans[2];	/* A, AAAA (NULL: not asked); owned */
	enum dp_reason		 addr_reason;	/* DP_R_VERIFIED when the lookups were fine */
	char			 addr_detail[256];
	struct dp_addr_result	*addrs;		/* IPv4 first, each in address order */
	size_t			 naddrs;
	char			(*left_out)[64];	/* over the limit, not checked */
	size_t			 nleft_out;
	int			 exit_code;
	uint64_t		 dns_ms;
};

/* True when set's records may be tried (secure, or given out of band). */
bool	dp_tlsaset_in_force(const struct dp_tlsaset *set);
void	dp_addr_result_clear(struct dp_addr_result *a);
/* Frees what r owns; r itself is the caller's. */
void	dp_target_result_clear(struct dp_target_result *r);

#endif
