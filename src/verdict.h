/*
 * verdict.h: the result model: one reason enum, one table of texts and
 * exit classes, shared by every command and every output format.
 */
#ifndef DP_VERDICT_H
#define DP_VERDICT_H

/* Exit statuses, see EXIT STATUS in daneprobe(1). */
#define DP_EXIT_OK		0	/* verified / secure and usable */
#define DP_EXIT_FAIL		1	/* checked and failed; or TLSA not authenticated */
#define DP_EXIT_NOT_IN_FORCE	2	/* insecure zone, or securely no TLSA */
#define DP_EXIT_UNCHECKED	3	/* could not check: connect, timeout, no address */
#define DP_EXIT_USAGE		64	/* EX_USAGE */
#define DP_EXIT_INTERNAL	70	/* EX_SOFTWARE */

enum dp_reason {
	/* lookup and TLSA RRset */
	DP_R_TLSA_SECURE = 0,
	DP_R_TLSA_NONE_USABLE,
	DP_R_TLSA_NXDOMAIN,
	DP_R_TLSA_NODATA,
	DP_R_TLSA_INSECURE,
	DP_R_TLSA_BOGUS,
	DP_R_TLSA_LOOKUP_FAILED,
	DP_R_TLSA_TIMEOUT,
	DP_R_TLSA_OUT_OF_BAND,
	DP_R_TLSA_NOT_ASKED,	/* tlsa TARGET: only the chains were wanted */
	/* mail (RFC 7672) */
	DP_R_MX_SECURE,
	DP_R_MX_INSECURE,
	DP_R_MX_BOGUS,
	DP_R_MX_LOOKUP_FAILED,
	DP_R_MX_NXDOMAIN,
	DP_R_NULL_MX,
	DP_R_MX_HOST_UNUSABLE,
	DP_R_MX_LIMIT,
	DP_R_MX_NO_HOST,
	/* addresses */
	DP_R_ADDR_BOGUS,
	DP_R_ADDR_LOOKUP_FAILED,
	DP_R_NO_ADDRESS,
	DP_R_ADDR_LIMIT,
	DP_R_BAD_TARGET,
	DP_R_NOT_STARTED,
	/* per address */
	DP_R_VERIFIED,
	DP_R_TLSA_MISMATCH,
	DP_R_NAME_MISMATCH,
	DP_R_CERT_EXPIRED,
	DP_R_NO_TA_PATH,
	DP_R_PKIX_FAILED,
	DP_R_CONNECT_REFUSED,
	DP_R_CONNECT_FAILED,
	DP_R_TIMEOUT,
	DP_R_HANDSHAKE_FAILED,
	DP_R_STARTTLS_FAILED,
	DP_R_NOT_CHECKED,
	DP_R_CHAIN_FETCHED,	/* tlsa TARGET: a handshake for the chain, no verdict on it */
	DP_R_INTERNAL,
	DP_R_COUNT
};

/* Short stable identifier for JSON and scripts, e.g. "tlsa-mismatch". */
const char	*dp_reason_code(enum dp_reason r);
/* What a person reads, e.g. "no TLSA record matches the presented chain". */
const char	*dp_reason_text(enum dp_reason r);
/* The exit status class of a reason (DP_EXIT_*). */
int		 dp_reason_exit(enum dp_reason r);
/* "OK", "FAIL", "DANE NOT IN FORCE", "COULD NOT CHECK" for an exit status. */
const char	*dp_exit_word(int code);
/* The worse of two exit statuses in the order 1, 3, 2, 0. */
int		 dp_exit_worst(int a, int b);

#endif
