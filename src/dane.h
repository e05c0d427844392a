/*
 * dane.h: OpenSSL's DANE verifier, configured for one connection and
 * read back into our reasons.
 */
#ifndef DP_DANE_H
#define DP_DANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/ssl.h>

#include "err.h"
#include "tlsaset.h"
#include "verdict.h"

/* Reference identifiers: the host, its CNAME-expanded names (RFC 7671 section 7). */
#define DP_MAX_REFNAMES	(DP_MAX_CNAME_STEPS + 2)

/* SSL_dane_tlsa_add's answer for one record. */
enum dp_dane_load {
	DP_DANE_LOADED = 1,
	DP_DANE_REJECTED = 0,	/* OpenSSL calls it unusable */
	DP_DANE_ERROR = -1,
	DP_DANE_SKIPPED = 2,	/* we already judged it unusable */
};

struct dp_dane_match {
	int		 depth;		/* -1: none */
	uint8_t		 usage, selector, mtype;
	uint8_t		*data;		/* the matched record's data; owned */
	size_t		 datalen;
};

struct dp_tls_facts {
	enum dp_reason		 reason;
	char			 detail[256];
	struct dp_dane_match	 match;
	char			 version[16];
	char			 cipher[64];
	STACK_OF(X509)		*chain;		/* as presented; owned (up-ref'd) */
};

/*
 * A client context for DANE.  With pkix false the trust store stays empty,
 * so that no CA of the system can take part in a DANE-TA/DANE-EE verdict;
 * with pkix true it holds cafile/capath or the system's default store.
 * Returns NULL with err set.
 */
SSL_CTX	*dp_dane_ctx_new(bool pkix, const char *cafile, const char *capath,
	    struct dp_err *err);
/* True when a usable PKIX-TA/PKIX-EE record is in set (then the store must be loaded). */
bool	 dp_dane_needs_pkix(const struct dp_tlsaset *set);

/*
 * Sets SNI (when sni is not NULL), the reference names and the usable
 * records of set on ssl; load[i] gets OpenSSL's answer for set->recs[i].
 * Returns the number of records OpenSSL took (0: none usable), or -1
 * with err set.
 */
int	dp_dane_configure(SSL *ssl, const char *sni, const char *const *refnames,
	    size_t nrefnames, const struct dp_tlsaset *set, enum dp_dane_load *load,
	    struct dp_err *err);

/*
 * Verifies chain (leaf first, as a server sends it: from a handshake or a
 * file) with the DANE state dp_dane_configure gave ssl, as of at (0:
 * now), and fills facts' reason, detail and match (and its chain, if it
 * has none).  Returns 0, or -1 with err set when OpenSSL could not run
 * the verification at all.
 */
int	dp_dane_verify_chain(SSL *ssl, STACK_OF(X509) *chain, time_t at,
	    struct dp_tls_facts *facts, struct dp_err *err);
void	dp_tls_facts_clear(struct dp_tls_facts *facts);

#endif
