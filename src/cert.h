/*
 * cert.h: the facts of a presented certificate that a person checks:
 * subject, issuer, names, expiry and the SPKI digest a TLSA 3 1 1 pins.
 */
#ifndef DP_CERT_H
#define DP_CERT_H

#include <time.h>

#include <openssl/x509.h>

/* SANs shown per certificate; a certificate can carry thousands. */
#define DP_CERT_MAX_SANS	32

struct dp_cert_info {
	char	subject[256];
	char	issuer[256];
	char	sans[DP_CERT_MAX_SANS][128];
	int	nsans;
	int	more_sans;		/* SANs beyond DP_CERT_MAX_SANS */
	time_t	not_after;		/* 0: unreadable */
	char	spki_sha256[65];
	char	cert_sha256[65];
};

/* Fills info from x; every string is printable ASCII (peer bytes are escaped). */
void	dp_cert_info(X509 *x, struct dp_cert_info *info);

#endif
