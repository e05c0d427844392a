/*
 * dnsmsg.h: a bounded reader for DNS messages (RFC 1035 section 4).
 *
 * Both resolver backends hand over the wire-format reply they validated;
 * reading it in one place means both are interpreted the same way.
 */
#ifndef DP_DNSMSG_H
#define DP_DNSMSG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "name.h"

/*
 * Records kept per section.  A TLSA or address RRset of more than a few
 * dozen records is already absurd; the bound keeps a hostile reply from
 * costing more than a few hundred kilobytes.
 */
#define DP_MSG_MAX_RRS		256
/* RFC 1035 section 4.1.4: compression pointers may chain; a loop must not hang us. */
#define DP_MSG_MAX_POINTERS	64

#define DP_TYPE_A	1
#define DP_TYPE_NS	2
#define DP_TYPE_CNAME	5
#define DP_TYPE_SOA	6
#define DP_TYPE_MX	15
#define DP_TYPE_TXT	16
#define DP_TYPE_AAAA	28
#define DP_TYPE_DS	43
#define DP_TYPE_RRSIG	46
#define DP_TYPE_NSEC	47
#define DP_TYPE_DNSKEY	48
#define DP_TYPE_NSEC3	50
#define DP_TYPE_TLSA	52

#define DP_RCODE_NOERROR	0
#define DP_RCODE_SERVFAIL	2
#define DP_RCODE_NXDOMAIN	3

struct dp_rr {
	uint8_t		 owner[DP_NAME_WIRE_MAX];	/* uncompressed wire */
	uint16_t	 type;
	uint16_t	 class;
	uint32_t	 ttl;
	uint16_t	 rdlen;
	size_t		 rdoff;		/* rdata offset in the message */
};

#define DP_MSG_QR	0x8000

struct dp_msg {
	uint8_t		*wire;		/* owned copy */
	size_t		 len;
	uint16_t	 flags;		/* DP_MSG_QR: a reply, not a query */
	int		 rcode;
	bool		 has_question;	/* exactly one question, in qname/qtype */
	uint8_t		 qname[DP_NAME_WIRE_MAX];
	uint16_t	 qtype;
	struct dp_rr	*an, *ns;	/* answer, authority */
	size_t		 nan, nns;
};

/* Parses wire into a new message.  Returns 0, or -1 with err set on a malformed message. */
int	dp_msg_parse(const uint8_t *wire, size_t len, struct dp_msg **out,
	    struct dp_err *err);
void	dp_msg_free(struct dp_msg *msg);

/*
 * Reads a possibly compressed name at *off into out (uncompressed wire)
 * and advances *off past it.  Returns 0 or -1 on a malformed name.
 */
int	dp_msg_read_name(const uint8_t *wire, size_t len, size_t *off,
	    uint8_t out[DP_NAME_WIRE_MAX]);

/* The rdata of rr inside msg. */
const uint8_t	*dp_rr_rdata(const struct dp_msg *msg, const struct dp_rr *rr);

/*
 * RFC 4034 section 3.1.5: RRSIG times are serial numbers (RFC 1982), so
 * 32 bits are read as the time nearest to now.
 */
time_t	dp_rrsig_time(uint32_t t, time_t now);

/* "2026-12-23T11:50:00Z" into buf. */
void	dp_format_time_utc(time_t t, char *buf, size_t len);

const char	*dp_rcode_name(int rcode);
const char	*dp_type_name(uint16_t type);

#endif
