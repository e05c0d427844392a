/*
 * dane.c: configure OpenSSL's DANE verifier for a connection and read its
 * verdict back.  OpenSSL does all matching and chain building (RFC 6698,
 * RFC 7671); this file chooses the policy:
 *   - DANE-EE(3) ignores names and dates (RFC 7671 section 5.1), so
 *     DANE_FLAG_NO_DANE_EE_NAMECHECKS is set;
 *   - DANE-TA(2) checks the name against the TLSA base domain and the
 *     other reference identifiers (RFC 7671 sections 5.2 and 7);
 *   - PKIX-TA(0)/PKIX-EE(1) need the trust store, which is loaded only
 *     when such a record is usable;
 *   - zero usable records is reported, never verified against the CA store.
 * A handshake runs with SSL_VERIFY_NONE and only collects the chain
 * (tls.c); the chain is then verified here, as one from a file is; the
 * verdict is the verification's result plus SSL_get0_dane_tlsa, and only
 * X509_V_OK with a DANE match passes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "dane.h"

SSL_CTX *
dp_dane_ctx_new(bool pkix, const char *cafile, const char *capath,
    struct dp_err *err)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		dp_err_set(err, "cannot create a TLS context");
		return NULL;
	}
	if (SSL_CTX_dane_enable(ctx) <= 0) {
		dp_err_set(err, "cannot enable DANE in OpenSSL");
		goto fail;
	}
	SSL_CTX_dane_set_flags(ctx, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (!pkix)
		return ctx;
	if (cafile != NULL || capath != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, cafile, capath) != 1) {
			dp_err_set(err, "cannot load the trust store %s",
			    cafile ? cafile : capath);
			goto fail;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		dp_err_set(err, "cannot load the system trust store");
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

bool
dp_dane_needs_pkix(const struct dp_tlsaset *set)
{
	size_t i;

	for (i = 0; i < set->nrecs; i++)
		if (set->recs[i].usability == DP_TLSA_USABLE &&
		    set->recs[i].usage <= DP_TLSA_PKIX_EE)
			return true;
	return false;
}

int
dp_dane_configure(SSL *ssl, const char *sni, const char *const *refnames,
    size_t nrefnames, const struct dp_tlsaset *set, enum dp_dane_load *load,
    struct dp_err *err)
{
	size_t i;
	int taken = 0;

	if (sni != NULL && SSL_set_tlsext_host_name(ssl, sni) != 1)
		return dp_err_set(err, "cannot set SNI");
	/* With no name (an address literal) the base domain is unused: DANE-EE only. */
	if (SSL_dane_enable(ssl, nrefnames > 0 ? refnames[0] : NULL) <= 0)
		return dp_err_set(err, "cannot enable DANE on the connection");
	for (i = 1; i < nrefnames; i++)
		if (SSL_add1_host(ssl, refnames[i]) != 1)
			return dp_err_set(err, "cannot add reference name %s", refnames[i]);
	for (i = 0; i < set->nrecs; i++) {
		const struct dp_tlsa *t = &set->recs[i];
		int rc;

		if (t->usability != DP_TLSA_USABLE) {
			load[i] = DP_DANE_SKIPPED;
			continue;
		}
		rc = SSL_dane_tlsa_add(ssl, t->usage, t->selector, t->mtype,
		    t->data, t->datalen);
		load[i] = rc > 0 ? DP_DANE_LOADED : rc == 0 ? DP_DANE_REJECTED :
		    DP_DANE_ERROR;
		ERR_clear_error();
		/* -1 is OpenSSL failing (memory), not the record: no verdict then. */
		if (rc < 0)
			return dp_err_set(err, "OpenSSL could not load a TLSA record");
		if (rc > 0)
			taken++;
	}
	return taken;
}

static enum dp_reason
reason_from_verify(long code)
{
	switch (code) {
	case X509_V_ERR_DANE_NO_MATCH:
		return DP_R_TLSA_MISMATCH;
	case X509_V_ERR_HOSTNAME_MISMATCH:
		return DP_R_NAME_MISMATCH;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return DP_R_CERT_EXPIRED;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		return DP_R_NO_TA_PATH;
	default:
		return DP_R_PKIX_FAILED;
	}
}

static void
read_match(SSL *ssl, struct dp_dane_match *m)
{
	uint8_t usage, selector, mtype;
	const unsigned char *data;
	size_t dlen;

	m->depth = SSL_get0_dane_tlsa(ssl, &usage, &selector, &mtype, &data, &dlen);
	if (m->depth < 0)
		return;
	m->usage = usage;
	m->selector = selector;
	m->mtype = mtype;
	/* OpenSSL's copy lives as long as the connection; ours as the report. */
	if ((m->data = malloc(dlen + 1)) != NULL) {
		memcpy(m->data, data, dlen);
		m->datalen = dlen;
	}
}

/*
 * The verdict on a verified chain: OpenSSL's result and the DANE match.
 * facts keeps a chain it has (a probe's, the one verified); else gets a copy.
 */
static void
read_verdict(SSL *ssl, const STACK_OF(X509) *chain, struct dp_tls_facts *facts)
{
	long code = SSL_get_verify_result(ssl);

	if (facts->chain == NULL && chain != NULL)
		facts->chain = X509_chain_up_ref((STACK_OF(X509) *)chain);
	read_match(ssl, &facts->match);
	if (code == X509_V_OK && facts->match.depth >= 0) {
		facts->reason = DP_R_VERIFIED;
		return;
	}
	if (code == X509_V_OK) {
		/* Verified, but not by DANE: never a pass for a DANE verifier. */
		facts->reason = DP_R_TLSA_MISMATCH;
		snprintf(facts->detail, sizeof(facts->detail), "no TLSA record took part");
		return;
	}
	facts->reason = reason_from_verify(code);
	snprintf(facts->detail, sizeof(facts->detail), "%s",
	    X509_verify_cert_error_string(code));
}

/*
 * What a client's handshake does with the chain a server sent (OpenSSL's
 * ssl_verify_cert_chain), done here on a chain collected by a handshake
 * (tls.c) or read from a file: the same store, purpose, parameters
 * (reference names, DANE flags, security level) and DANE state.  One
 * path for check and verify, so that the two cannot drift apart.
 */
int
dp_dane_verify_chain(SSL *ssl, STACK_OF(X509) *chain, time_t at, struct dp_tls_facts *facts,
    struct dp_err *err)
{
	X509_STORE_CTX *vctx;
	X509_VERIFY_PARAM *param;
	int rc = -1;

	if (sk_X509_num(chain) < 1)
		return dp_err_set(err, "no certificate to verify");
	if ((vctx = X509_STORE_CTX_new()) == NULL)
		return dp_err_set(err, "out of memory");
	if (X509_STORE_CTX_init(vctx, SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl)),
	    sk_X509_value(chain, 0), chain) != 1 ||
	    X509_STORE_CTX_set_ex_data(vctx, SSL_get_ex_data_X509_STORE_CTX_idx(), ssl) != 1) {
		dp_err_set(err, "cannot set up the verification");
		goto out;
	}
	X509_STORE_CTX_set_default(vctx, "ssl_server");
	param = X509_STORE_CTX_get0_param(vctx);
	if (X509_VERIFY_PARAM_set1(param, SSL_get0_param(ssl)) != 1) {
		dp_err_set(err, "cannot set up the verification");
		goto out;
	}
	X509_VERIFY_PARAM_set_auth_level(param, SSL_get_security_level(ssl));
	if (at != 0)
		X509_VERIFY_PARAM_set_time(param, at);
	X509_STORE_CTX_set0_dane(vctx, SSL_get0_dane(ssl));
	/* 0 is a verdict (its error says which); below 0 OpenSSL failed to run at all. */
	if (X509_verify_cert(vctx) < 0 && X509_STORE_CTX_get_error(vctx) == X509_V_OK) {
		dp_err_set(err, "OpenSSL could not run the verification");
		goto out;
	}
	SSL_set_verify_result(ssl, X509_STORE_CTX_get_error(vctx));
	read_verdict(ssl, chain, facts);
	rc = 0;
out:
	ERR_clear_error();
	X509_STORE_CTX_free(vctx);
	return rc;
}

void
dp_tls_facts_clear(struct dp_tls_facts *facts)
{
	if (facts->chain != NULL)
		sk_X509_pop_free(facts->chain, X509_free);
	free(facts->match.data);
	memset(facts, 0, sizeof(*facts));
	facts->match.depth = -1;
}
