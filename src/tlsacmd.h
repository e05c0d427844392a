/*
 * tlsacmd.h: "daneprobe tlsa": the TLSA records to publish for a
 * certificate, a chain, a key or what a live server presents, with the
 * owner name they go under, ready for a zone file.
 */
#ifndef DP_TLSACMD_H
#define DP_TLSACMD_H

#include <stdbool.h>
#include <stddef.h>

#include "check.h"
#include "tlsa.h"

/* Records a run prints: a record or two for each distinct chain of a target's addresses. */
#define DP_GEN_MAX_RECORDS	(2 * DP_MAX_ADDRS_LIMIT)

/* Where a chain came from: a file, or one address of a live target. */
struct dp_gen_source {
	char		 label[256];	/* "cert.pem", "192.0.2.1:443" */
	enum dp_reason	 reason;	/* DP_R_CHAIN_FETCHED, or why there is no chain */
	char		 detail[256];
	int		 group;		/* sources with the same chain share it; -1: no chain */
};

struct dp_gen_record {
	struct dp_tlsa	 rec;		/* data owned */
	int		 depth;		/* of the certificate in its chain; -1: a key */
	char		 subject[256];	/* that certificate's; "" for a key */
	int		 group;		/* the chain it is for */
	char		*zone_line;	/* owned */
};

struct dp_gen_report {
	char			 owner[DP_NAME_TEXT_MAX + 32];	/* "_443._tcp.www.example.com." */
	char			 owner_note[128];	/* how the owner was chosen, or "" */
	unsigned		 ttl;
	struct dp_gen_source	*sources;
	size_t			 nsources;
	int			 ngroups;	/* distinct chains; > 1: the addresses differ */
	struct dp_gen_record	*records;
	size_t			 nrecords;
	int			 exit_code;	/* 0, or 3 when an address gave no chain */
	struct dp_check_report	 check;		/* a live target's result */
};

/*
 * Makes the records cfg asks for.  Returns 0 with rep filled, or -1 with
 * err set (kind usage: a file, a record that would not work and why).
 * Clear rep in either case.
 */
int	dp_gen_run(const struct dp_config *cfg, struct dp_gen_report *rep, struct dp_err *err);
void	dp_gen_report_clear(struct dp_gen_report *rep);

#endif
