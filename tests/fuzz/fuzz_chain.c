/*
 * fuzz_chain.c: any bytes as a chain file (verify --chain, tlsa --cert,
 * --chain).  Beyond not crashing: an accepted chain holds 1 to
 * DP_CHAIN_MAX_CERTS certificates, each of which makes a DANE-EE record
 * and can be verified offline without a crash; every error is one line
 * with no control byte and the kind usage (or internal: memory).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chainfile.h"
#include "dane.h"
#include "tlsagen.h"
#include "tlsaset.h"

#include "fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The offline verifier over what was read: a verdict, whatever the certificates hold. */
static void
verify_offline(STACK_OF(X509) *chain, const struct dp_tlsa *rec)
{
	const char *refs[1] = { "www.example.com" };
	enum dp_dane_load load[1];
	struct dp_tls_facts facts;
	struct dp_tlsaset set;
	struct dp_err err;
	SSL_CTX *ctx;
	SSL *ssl;

	memset(&set, 0, sizeof(set));
	memset(&facts, 0, sizeof(facts));
	set.recs = (struct dp_tlsa *)rec;
	set.nrecs = 1;
	if ((ctx = dp_dane_ctx_new(false, NULL, NULL, &err)) == NULL)
		return;
	if ((ssl = SSL_new(ctx)) != NULL &&
	    dp_dane_configure(ssl, refs[0], refs, 1, &set, load, &err) > 0 &&
	    dp_dane_verify_chain(ssl, chain, 0, &facts, &err) == 0 &&
	    facts.reason == DP_R_VERIFIED && facts.match.depth != 0)
		abort();	/* the 3 1 1 of the leaf matches the leaf, or nothing */
	dp_tls_facts_clear(&facts);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dp_tlsagen_spec spec = { DP_TLSA_DANE_EE, DP_TLSA_SEL_SPKI,
	    DP_TLSA_MT_SHA256, DP_TLSAGEN_DEPTH_DEFAULT };
	STACK_OF(X509) *chain;
	struct dp_tlsa rec;
	struct dp_err err;

	if (dp_chain_parse(data, size, "input", &chain, &err) == -1) {
		fuzz_no_ctl(err.msg);
		if (chain != NULL)
			abort();
		return 0;
	}
	if (sk_X509_num(chain) < 1 || sk_X509_num(chain) > DP_CHAIN_MAX_CERTS)
		abort();
	/* A certificate with a key OpenSSL cannot encode may be refused; never a crash. */
	if (dp_tlsagen_from_chain(chain, &spec, false, true, &rec, &err) == 0) {
		verify_offline(chain, &rec);
		dp_tlsa_clear(&rec);
	} else
		fuzz_no_ctl(err.msg);
	dp_chain_free(chain);
	return 0;
}
