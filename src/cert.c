/*
 * cert.c: reading a certificate for display.  Everything here came from
 * the peer, so names are printed through OpenSSL's RFC 2253 escaping and
 * SAN bytes outside printable ASCII are replaced: the output may go to a
 * terminal or into JSON, and neither may receive raw peer bytes.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "cert.h"

static void
name_text(const X509_NAME *name, char *buf, size_t len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int n;

	buf[0] = '\0';
	if (bio == NULL)
		return;
	if (X509_NAME_print_ex(bio, name, 0,
	    (XN_FLAG_RFC2253 | ASN1_STRFLGS_ESC_MSB) & ~ASN1_STRFLGS_DUMP_UNKNOWN) >= 0 &&
	    (n = BIO_read(bio, buf, (int)len - 1)) > 0)
		buf[n] = '\0';
	BIO_free(bio);
}

static void
printable(const unsigned char *in, size_t inlen, char *out, size_t outlen)
{
	size_t i, o = 0;

	for (i = 0; i < inlen && o + 1 < outlen; i++)
		out[o++] = in[i] >= 0x20 && in[i] < 0x7f ? (char)in[i] : '?';
	out[o] = '\0';
}

static void
read_sans(X509 *x, struct dp_cert_info *info)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	int i;

	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char *slot;

		if (g->type != GEN_DNS && g->type != GEN_IPADD)
			continue;
		if (info->nsans >= DP_CERT_MAX_SANS) {
			info->more_sans++;
			continue;
		}
		slot = info->sans[info->nsans++];
		if (g->type == GEN_DNS)
			printable(ASN1_STRING_get0_data(g->d.dNSName),
			    (size_t)ASN1_STRING_length(g->d.dNSName), slot, 128);
		else {
			const unsigned char *a = ASN1_STRING_get0_data(g->d.iPAddress);
			int alen = ASN1_STRING_length(g->d.iPAddress);

			if (alen == 4)
				snprintf(slot, 128, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
			else
				snprintf(slot, 128, "(IPv6 address)");
		}
	}
	GENERAL_NAMES_free(gens);
}

static void
hex_digest(const unsigned char *der, int len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	out[0] = '\0';
	if (len <= 0 || EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return;
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void
dp_cert_info(X509 *x, struct dp_cert_info *info)
{
	unsigned char *der = NULL;
	struct tm tm;
	int len;

	memset(info, 0, sizeof(*info));
	name_text(X509_get_subject_name(x), info->subject, sizeof(info->subject));
	name_text(X509_get_issuer_name(x), info->issuer, sizeof(info->issuer));
	read_sans(x, info);
	if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
		info->not_after = timegm(&tm);
	/* The digest over the DER SubjectPublicKeyInfo, as TLSA selector 1 uses. */
	len = i2d_PUBKEY(X509_get0_pubkey(x), &der);
	hex_digest(der, len, info->spki_sha256);
	OPENSSL_free(der);
	der = NULL;
	len = i2d_X509(x, &der);
	hex_digest(der, len, info->cert_sha256);
	OPENSSL_free(der);
}
