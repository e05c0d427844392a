/*
 * tlsaset.h: a TLSA RRset as looked up (or given out of band), with the
 * verdict on it.  Shared by "lookup" and "check".
 */
#ifndef DP_TLSASET_H
#define DP_TLSASET_H

#include <stdbool.h>
#include <stddef.h>

#include "name.h"
#include "resolver.h"
#include "tlsa.h"
#include "verdict.h"

struct dp_tlsaset {
	char		 owner[DP_NAME_TEXT_MAX];	/* name asked for */
	struct dp_answer *ans;		/* NULL when out of band */
	struct dp_tlsa	*recs;
	size_t		 nrecs;
	size_t		 nusable;
	enum dp_reason	 reason;
	char		 detail[512];	/* backend's reason, rcode, ...; may be empty */
	bool		 out_of_band;	/* --tlsa, --tlsa-file: owner is no DNS name */
};

/*
 * Takes ownership of ans, reads its records and classifies it (fail
 * closed: only a secure answer with usable records is DP_R_TLSA_SECURE).
 * Returns 0 or -1 (memory).
 */
int	dp_tlsaset_from_answer(struct dp_tlsaset *set, struct dp_answer *ans,
	    bool smtp);
/* Adds an out-of-band record (--tlsa, --tlsa-file); reason becomes TLSA_OUT_OF_BAND or NONE_USABLE. */
int	dp_tlsaset_add_text(struct dp_tlsaset *set, const char *text, bool smtp,
	    struct dp_err *err);
/* Reads zone-file lines with TLSA records from file. */
int	dp_tlsaset_add_file(struct dp_tlsaset *set, const char *file, bool smtp,
	    struct dp_err *err);
/*
 * For a target without a reference identifier: marks every usage but
 * DANE-EE(3) unusable (DP_TLSA_NO_REFNAME) and classifies set again.
 */
void	dp_tlsaset_require_refname(struct dp_tlsaset *set);
/* Copies out-of-band src (no answer) into dst, which is empty.  Returns 0 or -1 (memory). */
int	dp_tlsaset_copy(struct dp_tlsaset *dst, const struct dp_tlsaset *src,
	    struct dp_err *err);
void	dp_tlsaset_clear(struct dp_tlsaset *set);

#endif
