/*
 * tlsagen.h: the TLSA records to publish for a certificate chain or a
 * public key (daneprobe tlsa), and their zone-file lines.
 *
 * Only records that would work are made: what a client would never match
 * (RFC 7671, RFC 7672) is refused with the reason, not printed for a
 * person to publish and find out later.
 */
#ifndef DP_TLSAGEN_H
#define DP_TLSAGEN_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "err.h"
#include "tlsa.h"

/* spec.depth: the usual certificate for the usage (see below). */
#define DP_TLSAGEN_DEPTH_DEFAULT	(-1)

/*
 * The largest association data a record holds: RDLENGTH is 16 bits (RFC
 * 1035 section 3.2.1) and the usage, selector and matching type take 3.
 */
#define DP_TLSAGEN_DATA_MAX		(65535 - 3)

struct dp_tlsagen_spec {
	uint8_t	usage;		/* DP_TLSA_PKIX_TA .. DP_TLSA_DANE_EE */
	uint8_t	selector;	/* DP_TLSA_SEL_CERT, DP_TLSA_SEL_SPKI */
	uint8_t	mtype;		/* DP_TLSA_MT_FULL .. DP_TLSA_MT_SHA512 */
	/*
	 * Which certificate of the chain (0: the leaf), or
	 * DP_TLSAGEN_DEPTH_DEFAULT: 0 for PKIX-EE/DANE-EE, which pin the
	 * leaf; for PKIX-TA/DANE-TA 1, the leaf's issuer, in a chain a
	 * server sends, and 0 in a lone certificate, which is the CA itself.
	 */
	int	depth;
};

/*
 * Fills out with the record for chain[depth] (the chain leaf first, as a
 * server sends it) by spec.  chain_is_sent: the chain is what the server
 * sends (a --chain file, a live server), not a lone --cert certificate;
 * DANE-TA digests only work for a certificate the server sends.  smtp:
 * the record is for an MX host (RFC 7672), where PKIX usages do not work.
 *
 * Refused, with err's kind usage and the reason: an unassigned usage,
 * selector or matching type; PKIX-TA/PKIX-EE with smtp; a depth beyond
 * the chain; PKIX-EE/DANE-EE at a depth other than 0; PKIX-TA/DANE-TA for
 * a certificate that is not a CA, or for the leaf of a sent chain; a
 * DANE-TA digest of a certificate the server does not send (a full
 * "2 x 0" is fine); full data longer than DP_TLSAGEN_DATA_MAX.
 *
 * out->data is the caller's (dp_tlsa_clear); out->usability is set by
 * dp_tlsa_check_usability, so a renderer can show it as for any record.
 * Returns 0, or -1 with err set (memory, OpenSSL: kind internal).
 */
int	dp_tlsagen_from_chain(const STACK_OF(X509) *chain,
	    const struct dp_tlsagen_spec *spec, bool smtp, bool chain_is_sent,
	    struct dp_tlsa *out, struct dp_err *err);

/*
 * The same for a public key (from dp_key_load): the leaf's, so only
 * PKIX-EE/DANE-EE with selector SPKI at depth 0 (or the default).  A
 * key has no certificate for selector Cert, and a TA record needs the CA
 * certificate to know that it is a CA: both refused, naming
 * --cert/--chain.  Returns 0, or -1 with err set.
 */
int	dp_tlsagen_from_key(const EVP_PKEY *pub,
	    const struct dp_tlsagen_spec *spec, bool smtp, struct dp_tlsa *out,
	    struct dp_err *err);

/*
 * The depth of the certificate spec names in a chain: spec.depth, or for
 * DP_TLSAGEN_DEPTH_DEFAULT the usage's default (see the struct).
 */
int	dp_tlsagen_depth(const struct dp_tlsagen_spec *spec, bool chain_is_sent);

enum dp_tlsagen_field {
	DP_TLSAGEN_USAGE = 0,
	DP_TLSAGEN_SELECTOR,
	DP_TLSAGEN_MTYPE,
};

/*
 * Reads one field of a record as typed: a decimal number or its RFC 7218
 * acronym in any case ("3", "dane-ee", "SPKI", "cert", "SHA2-256",
 * "full").  Only assigned values are taken: we make no record that no
 * client would use.  opt names the option in the message ("--usage").
 * Returns 0, or -1 with err (kind usage) naming opt and the choices.
 */
int	dp_tlsagen_parse_field(const char *opt, const char *text,
	    enum dp_tlsagen_field field, uint8_t *out, struct dp_err *err);

/*
 * One zone-file line, no line break:
 *   "_443._tcp.www.example.com. 3600 IN TLSA 3 1 1 <hex>"
 * or with rfc3597 the generic form (RFC 3597 section 5) that servers
 * without TLSA support load:
 *   "_443._tcp.www.example.com. 3600 IN TYPE52 \# 35 030101<hex>"
 * owner as from dp_name_tlsa_owner (a missing trailing dot is added);
 * hex in lower case.  Returns a malloc'd string, or NULL (no memory).
 */
char	*dp_tlsagen_zone_line(const char *owner, unsigned ttl,
	    const struct dp_tlsa *rec, bool rfc3597);

/*
 * What a published record describes, by making the record of the same
 * selector and matching type and comparing the data (lint, rollover):
 * the depths of chain whose certificate it describes, as a bit set (bit
 * d: depth d, up to 31), whatever its usage; whether it describes one its
 * usage can match (the leaf for an EE usage, a CA above it for a TA
 * usage); whether a DANE-EE SPKI record describes key.  Unusable records
 * (but PKIX usages under SMTP's rules) describe nothing.
 */
unsigned	dp_tlsagen_depths(const struct dp_tlsa *rec, STACK_OF(X509) *chain);
bool		dp_tlsagen_fits(const struct dp_tlsa *rec, STACK_OF(X509) *chain);
bool		dp_tlsagen_names_key(const struct dp_tlsa *rec, const EVP_PKEY *key, bool smtp);

#endif
