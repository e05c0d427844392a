/*
 * fuzz_key.c: any bytes as a key file (tlsa --key).  Beyond not crashing:
 * an accepted key holds no private key (only its public part is kept) and
 * makes a DANE-EE SPKI record; every error is one line with no control
 * byte.  The seeds are throwaway keys made for this corpus.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "keyfile.h"
#include "tlsagen.h"

#include "fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The key is public only: OpenSSL has no private key to encode. */
static void
public_only(EVP_PKEY *pub)
{
	if (i2d_PrivateKey(pub, NULL) > 0)
		abort();
	ERR_clear_error();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dp_tlsagen_spec spec = { DP_TLSA_DANE_EE, DP_TLSA_SEL_SPKI,
	    DP_TLSA_MT_SHA256, DP_TLSAGEN_DEPTH_DEFAULT };
	struct dp_tlsa rec;
	struct dp_err err;
	EVP_PKEY *pub;

	if (dp_key_parse(data, size, "input", &pub, &err) == -1) {
		fuzz_no_ctl(err.msg);
		if (pub != NULL)
			abort();
		return 0;
	}
	public_only(pub);
	if (dp_tlsagen_from_key(pub, &spec, true, &rec, &err) == -1 ||
	    rec.datalen != 32 || rec.usability != DP_TLSA_USABLE)
		abort();
	dp_tlsa_clear(&rec);
	EVP_PKEY_free(pub);
	return 0;
}
