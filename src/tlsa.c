/*
 * tlsa.c: TLSA records: reading them from DNS or text, naming their fields
 * with the RFC 7218 acronyms, and judging whether a record is usable.
 *
 * Usability follows RFC 6698 section 2.1 and RFC 7671 section 3 (unknown
 * parameters make a record unusable, not the RRset), RFC 6234 digest sizes,
 * and RFC 7672 section 3.1.3 for SMTP (PKIX-TA/PKIX-EE unusable).  The
 * matching itself is OpenSSL's (dane.c); this file never compares digests.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "tlsa.h"

/* The largest TLSA rdata (RFC 1035 rdlength is 16 bits) in hex. */
#define TLSA_HEX_MAX	(2 * 65535)

const char *
dp_tlsa_usage_name(uint8_t u)
{
	static const char *names[] = { "PKIX-TA", "PKIX-EE", "DANE-TA", "DANE-EE" };

	return u < 4 ? names[u] : NULL;
}

const char *
dp_tlsa_selector_name(uint8_t s)
{
	static const char *names[] = { "Cert", "SPKI" };

	return s < 2 ? names[s] : NULL;
}

const char *
dp_tlsa_mtype_name(uint8_t m)
{
	static const char *names[] = { "Full", "SHA2-256", "SHA2-512" };

	return m < 3 ? names[m] : NULL;
}

void
dp_tlsa_acronyms(const struct dp_tlsa *t, char *buf, size_t len)
{
	const char *u = dp_tlsa_usage_name(t->usage);
	const char *s = dp_tlsa_selector_name(t->selector);
	const char *m = dp_tlsa_mtype_name(t->mtype);

	if (t->usability == DP_TLSA_MALFORMED) {
		snprintf(buf, len, "malformed");
		return;
	}
	snprintf(buf, len, "%s(%u) %s(%u) %s(%u)", u ? u : "usage?", t->usage,
	    s ? s : "selector?", t->selector, m ? m : "matching?", t->mtype);
}

const char *
dp_tlsa_usability_text(enum dp_tlsa_usability u)
{
	switch (u) {
	case DP_TLSA_USABLE:		return "usable";
	case DP_TLSA_MALFORMED:		return "malformed rdata (shorter than 3 octets)";
	case DP_TLSA_UNKNOWN_USAGE:	return "unknown certificate usage";
	case DP_TLSA_UNKNOWN_SELECTOR:	return "unknown selector";
	case DP_TLSA_UNKNOWN_MTYPE:	return "unknown matching type";
	case DP_TLSA_BAD_DIGEST_LENGTH:	return "digest of the wrong length for its matching type";
	case DP_TLSA_EMPTY_DATA:	return "empty association data";
	case DP_TLSA_BAD_DER:		return "full data is not a DER certificate or public key";
	case DP_TLSA_PKIX_FOR_SMTP:	return "PKIX-TA/PKIX-EE are unusable for SMTP (RFC 7672 section 3.1.3)";
	case DP_TLSA_NO_REFNAME:	return "an address gives no name to check the certificate against (use --name): only DANE-EE(3) pins an address";
	}
	return "unusable";
}

static bool
der_parses(const struct dp_tlsa *t)
{
	const unsigned char *p = t->data;

	if (t->selector == DP_TLSA_SEL_CERT) {
		X509 *x = d2i_X509(NULL, &p, (long)t->datalen);
		bool ok = x != NULL && p == t->data + t->datalen;

		X509_free(x);
		return ok;
	} else {
		EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long)t->datalen);
		bool ok = k != NULL && p == t->data + t->datalen;

		EVP_PKEY_free(k);
		return ok;
	}
}

void
dp_tlsa_check_usability(struct dp_tlsa *t, bool smtp)
{
	if (t->usability == DP_TLSA_MALFORMED)
		return;
	if (t->usage > DP_TLSA_DANE_EE)
		t->usability = DP_TLSA_UNKNOWN_USAGE;
	else if (t->selector > DP_TLSA_SEL_SPKI)
		t->usability = DP_TLSA_UNKNOWN_SELECTOR;
	else if (t->mtype > DP_TLSA_MT_SHA512)
		t->usability = DP_TLSA_UNKNOWN_MTYPE;
	else if (t->datalen == 0)
		t->usability = DP_TLSA_EMPTY_DATA;
	else if ((t->mtype == DP_TLSA_MT_SHA256 && t->datalen != 32) ||
	    (t->mtype == DP_TLSA_MT_SHA512 && t->datalen != 64))
		t->usability = DP_TLSA_BAD_DIGEST_LENGTH;
	else if (t->mtype == DP_TLSA_MT_FULL && !der_parses(t))
		t->usability = DP_TLSA_BAD_DER;
	else if (smtp && t->usage <= DP_TLSA_PKIX_EE)
		t->usability = DP_TLSA_PKIX_FOR_SMTP;
	else
		t->usability = DP_TLSA_USABLE;
}

int
dp_tlsa_from_rdata(const uint8_t *rd, size_t len, bool smtp, struct dp_tlsa *out)
{
	memset(out, 0, sizeof(*out));
	if (len < 3) {
		out->usability = DP_TLSA_MALFORMED;
		return 0;
	}
	out->usage = rd[0];
	out->selector = rd[1];
	out->mtype = rd[2];
	out->datalen = len - 3;
	if ((out->data = malloc(out->datalen + 1)) == NULL)
		return -1;
	memcpy(out->data, rd + 3, out->datalen);
	dp_tlsa_check_usability(out, smtp);
	return 0;
}

static int
parse_u8(const char *tok, uint8_t *v)
{
	char *end;
	unsigned long n;

	if (tok == NULL || !isdigit((unsigned char)*tok))
		return -1;
	n = strtoul(tok, &end, 10);
	if (*end != '\0' || n > 255)
		return -1;
	*v = (uint8_t)n;
	return 0;
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Skips "[owner] [ttl] [class] TLSA" in front of the three numbers, as in zone files. */
static const char *
skip_zone_prefix(const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		const char *tok = p + strspn(p, " \t");
		size_t n = strcspn(tok, " \t");

		if (n == 4 && strncasecmp(tok, "TLSA", 4) == 0)
			return tok + 4;
		if (n == 0)
			break;
		p = tok + n;
	}
	return text;
}

int
dp_tlsa_parse_text(const char *text, bool smtp, struct dp_tlsa *out,
    struct dp_err *err)
{
	char *copy, *tok[3], *save = NULL, *rest;
	size_t i, n = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if ((copy = strdup(skip_zone_prefix(text))) == NULL)
		return dp_err_set(err, "out of memory");
	tok[0] = strtok_r(copy, " \t\r\n", &save);
	tok[1] = strtok_r(NULL, " \t\r\n", &save);
	tok[2] = strtok_r(NULL, " \t\r\n", &save);
	rest = strtok_r(NULL, "", &save);
	if (parse_u8(tok[0], &out->usage) == -1 ||
	    parse_u8(tok[1], &out->selector) == -1 ||
	    parse_u8(tok[2], &out->mtype) == -1) {
		dp_err_set(err, "'%s': expected 'USAGE SELECTOR MTYPE HEX'", text);
		goto out;
	}
	if (rest == NULL || strlen(rest) > TLSA_HEX_MAX + 1024) {
		dp_err_set(err, "'%s': missing or oversized association data", text);
		goto out;
	}
	if ((out->data = malloc(strlen(rest) / 2 + 1)) == NULL) {
		dp_err_set(err, "out of memory");
		goto out;
	}
	for (i = 0; rest[i] != '\0'; i++) {
		int hi, lo;

		if (isspace((unsigned char)rest[i]) || rest[i] == '(' || rest[i] == ')')
			continue;
		hi = hex_value(rest[i]);
		lo = rest[i + 1] ? hex_value(rest[i + 1]) : -1;
		if (hi < 0 || lo < 0) {
			dp_err_set(err, "association data is not hex (or has an odd number of digits)");
			goto out;
		}
		out->data[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	out->datalen = n;
	dp_tlsa_check_usability(out, smtp);
	rc = 0;
out:
	if (rc == -1)
		dp_tlsa_clear(out);
	free(copy);
	return rc;
}

void
dp_tlsa_clear(struct dp_tlsa *t)
{
	if (t == NULL)
		return;
	free(t->data);
	memset(t, 0, sizeof(*t));
}

char *
dp_tlsa_to_text(const struct dp_tlsa *t)
{
	char *s;
	size_t i, o;

	if ((s = malloc(16 + 2 * t->datalen)) == NULL)
		return NULL;
	if (t->usability == DP_TLSA_MALFORMED) {
		snprintf(s, 16, "(malformed)");
		return s;
	}
	o = (size_t)snprintf(s, 16, "%u %u %u ", t->usage, t->selector, t->mtype);
	for (i = 0; i < t->datalen; i++, o += 2)
		snprintf(s + o, 3, "%02x", t->data[i]);
	if (t->datalen == 0)
		s[o - 1] = '\0';
	return s;
}
