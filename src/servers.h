/*
 * servers.h: "lookup --servers": what every authoritative server of the
 * zone that holds a TLSA owner says, side by side.  A secondary that
 * missed the new zone serves a stale TLSA RRset to part of the world;
 * this names it.
 */
#ifndef DP_SERVERS_H
#define DP_SERVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "name.h"
#include "resolver.h"
#include "verdict.h"

struct dp_check;

/* A zone's NS RRset holds a handful of names; a hostile one could list hundreds. */
#define DP_SERVERS_MAX_NS	16
/* Addresses asked in all (each costs a connection and two questions). */
#define DP_SERVERS_MAX_ADDRS	32

/* What one server address said about the TLSA RRset and the zone's SOA. */
struct dp_server_result {
	char			 ns[DP_NAME_TEXT_MAX];	/* its NS name */
	char			 address[64];	/* as text; the same in family and addr */
	int			 family;	/* AF_INET, AF_INET6 */
	uint8_t			 addr[16];
	enum dp_lookup_status	 status;	/* of the TLSA question */
	char			 why[160];
	int			 rcode;		/* -1: no reply */
	bool			 authoritative;	/* AA set */
	bool			 has_serial;
	uint32_t		 serial;
	struct dp_record	*rrs;		/* the records it serves (of rep qtype); owned */
	size_t			 nrrs;
	time_t			 sig_expires;	/* earliest RRSIG expiration over them; 0: none */
	enum dp_dnssec		 sigs;		/* SECURE: valid against the zone keys */
	/* the comparison (dp_servers_run) */
	bool			*only_here;	/* per rrs[i]: not in the newest version */
	size_t			 nonly_here, nmissing;	/* missing: newest's records not here */
	bool			 older;		/* serial behind the newest */
	bool			 sigs_sooner;	/* its signatures expire before the newest's */
	int			 exit_code;	/* 0 same, 1 differs or broken */
	char			 summary[256];	/* "same", "REFUSED", "older serial 5 (newest 6)" */
};

struct dp_servers_report {
	char			 owner[DP_NAME_TEXT_MAX];
	uint16_t		 qtype;		/* the RRset compared: TLSA, or MX (smtp) */
	char			 zone[DP_NAME_TEXT_MAX];	/* the apex; "" not found */
	enum dp_dnssec		 zone_state;	/* of the zone's NS RRset on the validated path */
	char			 detail[256];	/* why the survey could not be made, or "" */
	struct dp_server_result	*servers;	/* NS name order, then address order */
	size_t			 nservers;
	size_t			 left_out;	/* addresses over DP_SERVERS_MAX_ADDRS or names over DP_SERVERS_MAX_NS */
	size_t			 newest;	/* index of the reference server (newest serial) */
	bool			 has_newest;
	int			 exit_code;	/* 0 consistent, 1 a server differs or is broken, 3 could not check */
};

struct dp_survey;

/*
 * Starts the survey of the servers of owner's zone on the batch c (its
 * loop, deadline and resolver): the apex (SOA, walking up from owner),
 * its NS and DNSKEY RRsets and the NS names' addresses through the
 * validating resolver, then the TLSA RRset and the SOA from each address
 * directly, each question bounded by timeout_ms.  The caller runs the
 * batch (dp_check_wait), then dp_servers_finish fills rep (failures are
 * verdicts in it) and frees the survey.  NULL with err set: it could not
 * start (memory, the resolver).
 */
struct dp_survey	*dp_servers_start(struct dp_check *c, const char *owner, uint16_t qtype,
		    unsigned timeout_ms, struct dp_servers_report *rep, struct dp_err *err);
void	dp_servers_finish(struct dp_survey *s);
/*
 * The comparison, on the facts gathered (dp_servers_finish calls it; a
 * pure function, for the unit tests): the newest version, each server's
 * verdict and summary, the report's exit status.
 */
void	dp_servers_judge(struct dp_servers_report *rep);
void	dp_servers_report_clear(struct dp_servers_report *rep);

#endif
