/*
 * tlsa.h: the TLSA record model (RFC 6698, RFC 7218 acronyms).
 */
#ifndef DP_TLSA_H
#define DP_TLSA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* RFC 6698 section 7.2-7.4 registries. */
#define DP_TLSA_PKIX_TA		0
#define DP_TLSA_PKIX_EE		1
#define DP_TLSA_DANE_TA		2
#define DP_TLSA_DANE_EE		3
#define DP_TLSA_SEL_CERT	0
#define DP_TLSA_SEL_SPKI	1
#define DP_TLSA_MT_FULL		0
#define DP_TLSA_MT_SHA256	1
#define DP_TLSA_MT_SHA512	2

/*
 * Records per RRset that we look at.  Real RRsets hold two to four (current
 * and next key); a hundred leaves room for any sane rollover.
 */
#define DP_TLSA_MAX_RECORDS	100

enum dp_tlsa_usability {
	DP_TLSA_USABLE = 0,
	DP_TLSA_MALFORMED,		/* rdata shorter than 3 octets */
	DP_TLSA_UNKNOWN_USAGE,
	DP_TLSA_UNKNOWN_SELECTOR,
	DP_TLSA_UNKNOWN_MTYPE,
	DP_TLSA_BAD_DIGEST_LENGTH,
	DP_TLSA_EMPTY_DATA,
	DP_TLSA_BAD_DER,		/* matching type 0 data that is no certificate / SPKI */
	DP_TLSA_PKIX_FOR_SMTP,		/* RFC 7672 section 3.1.3 */
	DP_TLSA_NO_REFNAME,		/* a TA or PKIX usage, and no name to check */
};

struct dp_tlsa {
	uint8_t			 usage;
	uint8_t			 selector;
	uint8_t			 mtype;
	uint8_t			*data;
	size_t			 datalen;
	enum dp_tlsa_usability	 usability;
};

/* Reads wire rdata; always succeeds for len >= 0 (short rdata is marked malformed). Returns 0 or -1 (memory). */
int	dp_tlsa_from_rdata(const uint8_t *rd, size_t len, bool smtp,
	    struct dp_tlsa *out);
/*
 * Parses "U S M HEX" (presentation format; the hex may contain blanks and
 * may be preceded by an owner, class, TTL and "TLSA" as in a zone file).
 * Returns 0, or -1 with err set.
 */
int	dp_tlsa_parse_text(const char *text, bool smtp, struct dp_tlsa *out,
	    struct dp_err *err);
void	dp_tlsa_clear(struct dp_tlsa *t);

/* Sets t->usability by RFC 6698/7671/7672 rules. */
void	dp_tlsa_check_usability(struct dp_tlsa *t, bool smtp);

/* RFC 7218: "DANE-EE", "SPKI", "SHA2-256"; NULL for an unassigned value. */
const char	*dp_tlsa_usage_name(uint8_t u);
const char	*dp_tlsa_selector_name(uint8_t s);
const char	*dp_tlsa_mtype_name(uint8_t m);
/* "DANE-EE(3) SPKI(1) SHA2-256(1)", unknown values as "usage?(7)". */
void	dp_tlsa_acronyms(const struct dp_tlsa *t, char *buf, size_t len);
/* "3 1 1 abcd..." (lower-case hex).  Caller frees.  NULL on no memory. */
char	*dp_tlsa_to_text(const struct dp_tlsa *t);
const char	*dp_tlsa_usability_text(enum dp_tlsa_usability u);

#endif
