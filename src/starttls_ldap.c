/*
 * starttls_ldap.c: LDAP StartTLS (RFC 4511 section 4.14).
 *
 *   C: ExtendedRequest, requestName 1.3.6.1.4.1.1466.20037
 *   S: ExtendedResponse, resultCode 0 (success); anything else: refused
 *
 * The response is read with a minimal BER reader that checks every length
 * against the bytes received: SEQUENCE { INTEGER messageID,
 * [APPLICATION 24] { ENUMERATED resultCode, ... } }.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "starttls.h"

static const unsigned char starttls_request[] = {
	0x30, 0x1d,			/* LDAPMessage SEQUENCE */
	0x02, 0x01, 0x01,		/* messageID 1 */
	0x77, 0x18,			/* [APPLICATION 23] ExtendedRequest */
	0x80, 0x16,			/* [0] requestName, 22 octets */
	'1', '.', '3', '.', '6', '.', '1', '.', '4', '.', '1', '.',
	'1', '4', '6', '6', '.', '2', '0', '0', '3', '7',
};

/* Reads a tag and definite length at *off; returns the content length or -1 (-2: need more). */
static long
ber_header(const unsigned char *p, size_t len, size_t *off, unsigned char *tag)
{
	size_t n, i;
	long v = 0;

	if (*off + 2 > len)
		return -2;
	*tag = p[(*off)++];
	n = p[(*off)++];
	if (n < 0x80)
		return (long)n;
	n &= 0x7f;
	if (n == 0 || n > 3)	/* indefinite, or more than 16 MB: not a StartTLS reply */
		return -1;
	if (*off + n > len)
		return -2;
	for (i = 0; i < n; i++)
		v = (v << 8) | p[(*off)++];
	return v;
}

static enum dp_step
ldap_start(struct dp_starttls *s)
{
	s->phase = "command";
	if (dp_io_append(&s->out, starttls_request, sizeof(starttls_request)) == -1)
		return dp_starttls_fail(s, s->phase, "internal: output buffer full");
	return DP_STEP_MORE;
}

static enum dp_step
ldap_input(struct dp_starttls *s)
{
	const unsigned char *p = (const unsigned char *)s->in.data;
	size_t off = 0, total;
	unsigned char tag;
	long n;

	if ((n = ber_header(p, s->in.len, &off, &tag)) == -2)
		return DP_STEP_MORE;
	if (n < 0 || tag != 0x30)
		return dp_starttls_fail(s, "command", "not an LDAP message");
	total = off + (size_t)n;
	if (total > sizeof(s->in.data))
		return dp_starttls_fail(s, "command", "an LDAP reply too large for StartTLS");
	if (s->in.len < total)
		return DP_STEP_MORE;
	if ((n = ber_header(p, total, &off, &tag)) < 0 || tag != 0x02 ||
	    off + (size_t)n > total)
		return dp_starttls_fail(s, "command", "malformed LDAP messageID");
	off += (size_t)n;
	if ((n = ber_header(p, total, &off, &tag)) < 0 || tag != 0x78 ||
	    off + (size_t)n > total)
		return dp_starttls_fail(s, "command", "not an LDAP ExtendedResponse");
	if ((n = ber_header(p, total, &off, &tag)) != 1 || tag != 0x0a || off >= total)
		return dp_starttls_fail(s, "command", "malformed LDAP resultCode");
	if (p[off] != 0)
		return dp_starttls_fail(s, "command", "StartTLS refused: LDAP resultCode %u",
		    p[off]);
	dp_io_consume(&s->in, total);
	return dp_starttls_go(s);
}

const struct dp_dialect dp_dialect_ldap = { "ldap", 389, ldap_start, ldap_input };
