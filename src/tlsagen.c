/*
 * tlsagen.c: the TLSA records to publish (daneprobe tlsa): the matching
 * data of a certificate or a public key, and its zone-file line.
 *
 * Policy: a record is made only if a client could match it.  RFC 7671
 * (section 5.1 and 5.3: an EE record pins the leaf; section 5.2 and 5.4:
 * a TA record names a CA above it; section 5.2.2: a DANE-TA digest names
 * a certificate the server sends) and RFC 7672 section 3.1.3 (no PKIX
 * usages for SMTP) decide what is refused, and the refusal says which
 * rule.  Selector 0 is the certificate's DER, selector 1 its
 * SubjectPublicKeyInfo's; matching type 0 is that DER, 1 and 2 its
 * SHA-256 and SHA-512 digest (RFC 6698 section 2.1), all OpenSSL's.
 *
 * Failure: -1 with one line in err, kind usage for a record that would
 * not work, kind internal for memory or OpenSSL.  Nothing is printed.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tlsagen.h"

/* The last assigned value of each field (RFC 6698 sections 7.2 to 7.4). */
#define USAGE_LAST	DP_TLSA_DANE_EE
#define SELECTOR_LAST	DP_TLSA_SEL_SPKI
#define MTYPE_LAST	DP_TLSA_MT_SHA512

/* "DANE-TA(2)" for a message; usage is assigned (checked first). */
static const char *
usage_label(uint8_t usage, char *buf, size_t len)
{
	snprintf(buf, len, "%s(%u)", dp_tlsa_usage_name(usage), usage);
	return buf;
}

static bool
usage_is_ta(uint8_t usage)
{
	return usage == DP_TLSA_PKIX_TA || usage == DP_TLSA_DANE_TA;
}

static int
usage_err(struct dp_err *err)
{
	return dp_err_kind(err, DP_ERR_USAGE);
}

/* The checks that need no certificate: assigned values, SMTP, a depth.  Returns 0 or -1. */
static int
check_spec(const struct dp_tlsagen_spec *spec, bool smtp, struct dp_err *err)
{
	char u[32];

	if (spec->usage > USAGE_LAST) {
		dp_err_set(err, "usage %u is not assigned: PKIX-TA(0), PKIX-EE(1), "
		    "DANE-TA(2) or DANE-EE(3) (RFC 6698 section 7.2)", spec->usage);
		return usage_err(err);
	}
	if (spec->selector > SELECTOR_LAST) {
		dp_err_set(err, "selector %u is not assigned: Cert(0) or SPKI(1) "
		    "(RFC 6698 section 7.3)", spec->selector);
		return usage_err(err);
	}
	if (spec->mtype > MTYPE_LAST) {
		dp_err_set(err, "matching type %u is not assigned: Full(0), "
		    "SHA2-256(1) or SHA2-512(2) (RFC 6698 section 7.4)", spec->mtype);
		return usage_err(err);
	}
	if (smtp && spec->usage <= DP_TLSA_PKIX_EE) {
		dp_err_set(err, "%s is unusable for SMTP: an MX host's records are "
		    "DANE-TA(2) or DANE-EE(3) (RFC 7672 section 3.1.3)",
		    usage_label(spec->usage, u, sizeof(u)));
		return usage_err(err);
	}
	if (spec->depth < DP_TLSAGEN_DEPTH_DEFAULT) {
		dp_err_set(err, "depth %d: a depth is 0 (the leaf) or more", spec->depth);
		return usage_err(err);
	}
	return 0;
}

int
dp_tlsagen_depth(const struct dp_tlsagen_spec *spec, bool chain_is_sent)
{
	if (spec->depth != DP_TLSAGEN_DEPTH_DEFAULT)
		return spec->depth;
	/* A TA record names the leaf's issuer; a lone certificate is that CA. */
	return usage_is_ta(spec->usage) && chain_is_sent ? 1 : 0;
}

/* "the leaf" or "the certificate at depth 2", for messages. */
static const char *
cert_label(int depth, bool chain_is_sent, char *buf, size_t len)
{
	if (depth == 0)
		snprintf(buf, len, chain_is_sent ? "the leaf" : "the certificate");
	else
		snprintf(buf, len, "the certificate at depth %d", depth);
	return buf;
}

/* An EE record pins the leaf (RFC 7671 section 5.1, 5.3).  Returns 0 or -1. */
static int
check_ee_depth(uint8_t usage, int depth, struct dp_err *err)
{
	char u[32];

	if (usage_is_ta(usage) || depth == 0)
		return 0;
	dp_err_set(err, "%s at depth %d: an EE record pins the leaf, depth 0 "
	    "(RFC 7671 section %s)", usage_label(usage, u, sizeof(u)), depth,
	    usage == DP_TLSA_DANE_EE ? "5.1" : "5.3");
	return usage_err(err);
}

/*
 * A TA record names a CA (RFC 7671 section 5.2, 5.4) above the leaf:
 * OpenSSL, like the RFC, matches the leaf against EE records only.  A
 * DANE-TA digest only matches a certificate the server sends (RFC 7671
 * section 5.2.2); a full certificate or key the client can use as it is.
 * Returns 0 or -1.
 */
static int
check_ta(const struct dp_tlsagen_spec *spec, X509 *x, int depth,
    bool chain_is_sent, struct dp_err *err)
{
	const char *sec = spec->usage == DP_TLSA_DANE_TA ? "5.2" : "5.4";
	char u[32], c[64];

	if (!usage_is_ta(spec->usage))
		return 0;
	usage_label(spec->usage, u, sizeof(u));
	cert_label(depth, chain_is_sent, c, sizeof(c));
	if (X509_check_ca(x) == 0) {
		dp_err_set(err, "%s is not a CA: a %.10s record must name a CA "
		    "(RFC 7671 section %s)", c, dp_tlsa_usage_name(spec->usage), sec);
		return usage_err(err);
	}
	if (chain_is_sent && depth == 0) {
		dp_err_set(err, "%s at depth 0: a TA record names an issuer of the "
		    "leaf, depth 1 or more; the leaf is matched by EE records "
		    "only (RFC 7671 section %s)", u, sec);
		return usage_err(err);
	}
	if (spec->usage == DP_TLSA_DANE_TA && !chain_is_sent &&
	    spec->mtype != DP_TLSA_MT_FULL) {
		dp_err_set(err, "%s is not from a chain a server sends: a DANE-TA "
		    "digest only matches a certificate the server sends; give the "
		    "chain (--chain) or make a full 2 %u 0 record "
		    "(RFC 7671 section 5.2.2)", c, spec->selector);
		return usage_err(err);
	}
	return 0;
}

/* DER of the certificate (selector Cert) or its SPKI.  *der is OpenSSL's.  Returns length or -1. */
static int
cert_der(X509 *x, uint8_t selector, unsigned char **der)
{
	*der = NULL;
	if (selector == DP_TLSA_SEL_CERT)
		return i2d_X509(x, der);
	return i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), der);
}

/*
 * Fills out's association data from der by mtype, and its fields from
 * spec.  Returns 0, or -1 with err set.
 */
static int
fill_record(const struct dp_tlsagen_spec *spec, const unsigned char *der,
    int derlen, bool smtp, struct dp_tlsa *out, struct dp_err *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const unsigned char *data = der;
	size_t len = (size_t)derlen;

	if (derlen <= 0)
		return dp_err_set(err, "cannot encode the %s as DER",
		    spec->selector == DP_TLSA_SEL_CERT ? "certificate" : "public key");
	if (spec->mtype != DP_TLSA_MT_FULL) {
		const EVP_MD *alg = spec->mtype == DP_TLSA_MT_SHA256 ?
		    EVP_sha256() : EVP_sha512();

		if (EVP_Digest(der, len, md, &mdlen, alg, NULL) != 1)
			return dp_err_set(err, "OpenSSL cannot compute %s",
			    dp_tlsa_mtype_name(spec->mtype));
		data = md;
		len = mdlen;
	} else if (len > DP_TLSAGEN_DATA_MAX) {
		dp_err_set(err, "the full %s is %zu octets, more than a TLSA record "
		    "holds (%d, RFC 1035 section 3.2.1): use SHA2-256(1)",
		    spec->selector == DP_TLSA_SEL_CERT ? "certificate" : "key",
		    len, DP_TLSAGEN_DATA_MAX);
		return usage_err(err);
	}
	if ((out->data = malloc(len)) == NULL)
		return dp_err_set(err, "out of memory");
	memcpy(out->data, data, len);
	out->datalen = len;
	out->usage = spec->usage;
	out->selector = spec->selector;
	out->mtype = spec->mtype;
	dp_tlsa_check_usability(out, smtp);
	return 0;
}

int
dp_tlsagen_from_chain(const STACK_OF(X509) *chain,
    const struct dp_tlsagen_spec *spec, bool smtp, bool chain_is_sent,
    struct dp_tlsa *out, struct dp_err *err)
{
	unsigned char *der = NULL;
	int n = chain != NULL ? sk_X509_num(chain) : 0, depth, derlen, rc = -1;
	X509 *x;

	memset(out, 0, sizeof(*out));
	if (check_spec(spec, smtp, err) == -1)
		return -1;
	depth = dp_tlsagen_depth(spec, chain_is_sent);
	if (depth >= n) {
		if (n <= 1)
			dp_err_set(err, "depth %d: the chain has %d certificate%s%s",
			    depth, n, n == 1 ? ", depth 0 only" : "s",
			    usage_is_ta(spec->usage) && n == 1 ?
			    ": no issuer of the leaf to name" : "");
		else
			dp_err_set(err, "depth %d: the chain has %d certificates, "
			    "depth 0 to %d", depth, n, n - 1);
		return usage_err(err);
	}
	if (check_ee_depth(spec->usage, depth, err) == -1)
		return -1;
	x = sk_X509_value(chain, depth);
	if (check_ta(spec, x, depth, chain_is_sent, err) == -1)
		return -1;
	derlen = cert_der(x, spec->selector, &der);
	rc = fill_record(spec, der, derlen, smtp, out, err);
	OPENSSL_free(der);
	return rc;
}

int
dp_tlsagen_from_key(const EVP_PKEY *pub, const struct dp_tlsagen_spec *spec,
    bool smtp, struct dp_tlsa *out, struct dp_err *err)
{
	unsigned char *der = NULL;
	char u[32];
	int derlen, rc;

	memset(out, 0, sizeof(*out));
	if (check_spec(spec, smtp, err) == -1)
		return -1;
	if (spec->selector == DP_TLSA_SEL_CERT) {
		dp_err_set(err, "a key has no certificate for selector Cert(0): "
		    "use SPKI(1), or give the certificate (--cert, --chain)");
		return usage_err(err);
	}
	if (usage_is_ta(spec->usage)) {
		dp_err_set(err, "%s needs the CA certificate, to know it is a CA "
		    "(RFC 7671 section %s): use --cert or --chain",
		    usage_label(spec->usage, u, sizeof(u)),
		    spec->usage == DP_TLSA_DANE_TA ? "5.2" : "5.4");
		return usage_err(err);
	}
	if (check_ee_depth(spec->usage, spec->depth == DP_TLSAGEN_DEPTH_DEFAULT ?
	    0 : spec->depth, err) == -1)
		return -1;
	derlen = i2d_PUBKEY(pub, &der);
	rc = fill_record(spec, der, derlen, smtp, out, err);
	OPENSSL_free(der);
	return rc;
}

/* A decimal number of at most three digits, as typed.  Returns 0 or -1. */
static int
parse_small_number(const char *text, unsigned *out)
{
	size_t i, n = strlen(text);

	if (n == 0 || n > 3)
		return -1;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)text[i]))
			return -1;
	*out = (unsigned)strtoul(text, NULL, 10);
	return 0;
}

int
dp_tlsagen_parse_field(const char *opt, const char *text,
    enum dp_tlsagen_field field, uint8_t *out, struct dp_err *err)
{
	static const struct {
		const char	*what;
		const char	*(*name)(uint8_t);
		unsigned	 last;
		const char	*choices;
	} fields[] = {
		[DP_TLSAGEN_USAGE] = { "certificate usage", dp_tlsa_usage_name,
		    USAGE_LAST, "0-3, PKIX-TA, PKIX-EE, DANE-TA or DANE-EE" },
		[DP_TLSAGEN_SELECTOR] = { "selector", dp_tlsa_selector_name,
		    SELECTOR_LAST, "0, 1, Cert or SPKI" },
		[DP_TLSAGEN_MTYPE] = { "matching type", dp_tlsa_mtype_name,
		    MTYPE_LAST, "0-2, Full, SHA2-256 or SHA2-512" },
	};
	unsigned v;

	if ((unsigned)field > DP_TLSAGEN_MTYPE)
		return dp_err_set(err, "%s: no such TLSA field", opt);
	if (parse_small_number(text, &v) == 0 && v <= fields[field].last) {
		*out = (uint8_t)v;
		return 0;
	}
	for (v = 0; v <= fields[field].last; v++) {
		if (strcasecmp(text, fields[field].name((uint8_t)v)) == 0) {
			*out = (uint8_t)v;
			return 0;
		}
	}
	dp_err_set(err, "%s: '%.64s' is not an assigned %s: %s (RFC 7218)", opt,
	    text, fields[field].what, fields[field].choices);
	return usage_err(err);
}

static void
append_hex(char *s, const uint8_t *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		*s++ = digits[data[i] >> 4];
		*s++ = digits[data[i] & 0x0f];
	}
	*s = '\0';
}

char *
dp_tlsagen_zone_line(const char *owner, unsigned ttl,
    const struct dp_tlsa *rec, bool rfc3597)
{
	size_t olen = strlen(owner), cap, o;
	const char *dot = olen > 0 && owner[olen - 1] == '.' ? "" : ".";
	char *s;
	int n;

	/* The owner, the fixed words and numbers (under 64), the hex. */
	cap = olen + 64 + 2 * (rec->datalen + 3) + 1;
	if ((s = malloc(cap)) == NULL)
		return NULL;
	if (rfc3597)
		n = snprintf(s, cap, "%s%s %u IN TYPE52 \\# %zu %02x%02x%02x",
		    owner, dot, ttl, rec->datalen + 3, rec->usage,
		    rec->selector, rec->mtype);
	else
		n = snprintf(s, cap, "%s%s %u IN TLSA %u %u %u%s", owner, dot,
		    ttl, rec->usage, rec->selector, rec->mtype,
		    rec->datalen > 0 ? " " : "");
	if (n < 0 || (size_t)n >= cap) {
		free(s);
		return NULL;
	}
	o = (size_t)n;
	append_hex(s + o, rec->data, rec->datalen);
	return s;
}

/* Whether gen, made for rec's selector and matching type, holds rec's data. */
static bool
same_data(const struct dp_tlsa *gen, const struct dp_tlsa *rec)
{
	return gen->datalen == rec->datalen && memcmp(gen->data, rec->data, gen->datalen) == 0;
}

/*
 * The usage asked of dp_tlsagen_from_chain is the one it allows at that
 * depth (EE for the leaf, TA above it): the data does not depend on the
 * usage, and a record of the wrong usage for its certificate is what
 * lint looks for.
 */
static bool
describes_cert(const struct dp_tlsa *rec, STACK_OF(X509) *chain, int depth)
{
	struct dp_tlsagen_spec spec = { depth == 0 ? DP_TLSA_DANE_EE : DP_TLSA_DANE_TA,
	    rec->selector, rec->mtype, depth };
	struct dp_tlsa gen;
	struct dp_err err;
	bool same;

	memset(&gen, 0, sizeof(gen));
	if (rec->usability != DP_TLSA_USABLE && rec->usability != DP_TLSA_PKIX_FOR_SMTP)
		return false;
	if (dp_tlsagen_from_chain(chain, &spec, false, true, &gen, &err) == -1)
		return false;
	same = same_data(&gen, rec);
	dp_tlsa_clear(&gen);
	return same;
}

unsigned
dp_tlsagen_depths(const struct dp_tlsa *rec, STACK_OF(X509) *chain)
{
	unsigned bits = 0;
	int d, n = chain != NULL ? sk_X509_num(chain) : 0;

	for (d = 0; d < n && d < 32; d++)
		if (describes_cert(rec, chain, d))
			bits |= 1u << d;
	return bits;
}

bool
dp_tlsagen_fits(const struct dp_tlsa *rec, STACK_OF(X509) *chain)
{
	unsigned d = dp_tlsagen_depths(rec, chain);

	if (rec->usage == DP_TLSA_PKIX_EE || rec->usage == DP_TLSA_DANE_EE)
		return (d & 1u) != 0;
	return (d & ~1u) != 0;
}

bool
dp_tlsagen_names_key(const struct dp_tlsa *rec, const EVP_PKEY *key, bool smtp)
{
	struct dp_tlsagen_spec spec = { DP_TLSA_DANE_EE, rec->selector, rec->mtype, 0 };
	struct dp_tlsa gen;
	struct dp_err err;
	bool same;

	if (rec->usability != DP_TLSA_USABLE || rec->usage != DP_TLSA_DANE_EE ||
	    rec->selector != DP_TLSA_SEL_SPKI)
		return false;
	memset(&gen, 0, sizeof(gen));
	if (dp_tlsagen_from_key(key, &spec, smtp, &gen, &err) == -1)
		return false;
	same = same_data(&gen, rec);
	dp_tlsa_clear(&gen);
	return same;
}
