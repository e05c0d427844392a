/*
 * test_tlsagen.c: the TLSA records daneprobe tlsa makes (tlsagen.c) and
 * the key files it reads (keyfile.c).
 *
 * Every certificate and key is made at test time by the openssl tool in
 * a mkdtemp directory: an EC P-256 root, an intermediate (CA:true) and a
 * leaf (CA:false), an RSA key, the leaf's key in each file format.  Every
 * record made is compared with the one the openssl tool computes from the
 * same file (DER for the full data, "openssl dgst" for the digests), so a
 * wrong selector or digest cannot agree with itself.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tap.h"

#include "keyfile.h"
#include "tlsagen.h"

/* The certificates of the chain, leaf first, by their depth. */
static const char *const cert_names[] = { "leaf", "int", "ca" };
#define NCERTS	3

struct fixture {
	char		 dir[256];
	STACK_OF(X509)	*chain;		/* leaf, int, ca */
	/* What the openssl tool says: [depth][selector][mtype], lower-case hex. */
	char		*want[NCERTS][2][3];
};

/* Runs a shell command in the fixture's directory, openssl's chatter to a log.  Returns its exit status. */
static int __attribute__((format(printf, 2, 3)))
sh(const struct fixture *fx, const char *fmt, ...)
{
	char cmd[4096], body[3800];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && ( %s ) 2>>tool.log </dev/null", fx->dir, body);
	st = system(cmd);
	if (st != 0)
		printf("# command failed (%d): %s\n", st, body);
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

static char *
path_in(const struct fixture *fx, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", fx->dir, name);
	return buf;
}

static char *
hex_of(const uint8_t *data, size_t len)
{
	char *s = malloc(2 * len + 1);
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		snprintf(s + 2 * i, 3, "%02x", data[i]);
	s[2 * len] = '\0';
	return s;
}

/* The hex of a file the tool wrote (the full data of a x x 0 record). */
static char *
file_hex(const struct fixture *fx, const char *name)
{
	uint8_t buf[200000];
	char path[512];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path_in(fx, name, path, sizeof(path)), "rb")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	return hex_of(buf, n);
}

/* "openssl dgst -shaN -r FILE": its first word, the digest in hex. */
static char *
tool_digest(const struct fixture *fx, const char *alg, const char *name)
{
	char cmd[1024], line[512];
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "cd '%s' && openssl dgst -%s -r %s", fx->dir, alg, name);
	if ((fp = popen(cmd, "r")) == NULL)
		return NULL;
	if (fgets(line, sizeof(line), fp) == NULL)
		line[0] = '\0';
	pclose(fp);
	line[strcspn(line, " \n")] = '\0';
	return line[0] != '\0' ? strdup(line) : NULL;
}

/* The expected association data of DER file der for each matching type. */
static void
want_for_der(const struct fixture *fx, const char *der, char *want[3])
{
	want[DP_TLSA_MT_FULL] = file_hex(fx, der);
	want[DP_TLSA_MT_SHA256] = tool_digest(fx, "sha256", der);
	want[DP_TLSA_MT_SHA512] = tool_digest(fx, "sha512", der);
}

static int
write_ext_file(const struct fixture *fx)
{
	char path[512];
	FILE *fp;
	int i;

	if ((fp = fopen(path_in(fx, "ext.cnf", path, sizeof(path)), "w")) == NULL)
		return -1;
	fprintf(fp, "[v_ca]\nbasicConstraints=critical,CA:true\n"
	    "keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n"
	    "[v_int]\nbasicConstraints=critical,CA:true,pathlen:0\n"
	    "keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n"
	    "authorityKeyIdentifier=keyid\n"
	    "[v_leaf]\nbasicConstraints=critical,CA:false\n"
	    "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
	    "subjectAltName=DNS:www.example.com\n"
	    "[v_big]\nbasicConstraints=critical,CA:false\nsubjectAltName=@big\n[big]\n");
	/* 400 names of 190 octets: a certificate over the 65532 a record holds. */
	for (i = 0; i < 400; i++)
		fprintf(fp, "DNS.%d=n%03d%.60s.%.60s.%.60s.example\n", i + 1, i,
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
		    "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc");
	return fclose(fp) == 0 ? 0 : -1;
}

/* Makes the keys, the chain, the key files and the tool's digests.  Returns 0 or -1. */
static int
make_pki(struct fixture *fx)
{
	static const char *const steps[] = {
		"openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key",
		"openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out int.key",
		"openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf.key",
		"openssl req -new -key ca.key -subj '/CN=Test Root' -out ca.csr && "
		"openssl x509 -req -in ca.csr -signkey ca.key -days 30 -set_serial 1 "
		"-extfile ext.cnf -extensions v_ca -out ca.pem",
		"openssl req -new -key int.key -subj '/CN=Test Intermediate' -out int.csr && "
		"openssl x509 -req -in int.csr -CA ca.pem -CAkey ca.key -days 30 -set_serial 2 "
		"-extfile ext.cnf -extensions v_int -out int.pem",
		"openssl req -new -key leaf.key -subj '/CN=www.example.com' -out leaf.csr && "
		"openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -days 30 -set_serial 3 "
		"-extfile ext.cnf -extensions v_leaf -out leaf.pem",
		"openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -days 30 -set_serial 4 "
		"-extfile ext.cnf -extensions v_big -outform DER -out big.der",
		/* The leaf's key in every format a --key file may have. */
		"openssl pkey -in leaf.key -pubout -out leaf-pub.pem",
		"openssl pkey -in leaf.key -pubout -outform DER -out leaf-pub.der",
		"openssl pkey -in leaf.key -out leaf-pkcs8.pem",
		"openssl pkey -in leaf.key -outform DER -out leaf-pkcs8.der",
		"openssl ec -in leaf.key -out leaf-ec.pem",
		"openssl ec -in leaf.key -outform DER -out leaf-ec.der",
		"openssl pkey -in leaf.key -aes256 -passout pass:secret -out enc-pkcs8.pem",
		"openssl ec -in leaf.key -aes256 -passout pass:secret -out enc-ec.pem",
		"openssl pkcs8 -topk8 -in leaf.key -passout pass:secret -outform DER -out enc-pkcs8.der",
		"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key",
		"openssl rsa -in rsa.key -traditional -out rsa-trad.pem",
		"openssl rsa -in rsa.key -RSAPublicKey_out -out rsa-pkcs1pub.pem",
		"openssl pkey -in rsa.key -pubout -outform DER -out rsa.spki.der",
		"cat leaf.pem leaf-pkcs8.pem > cert-then-key.pem",
		"openssl x509 -in leaf.pem -outform DER -out leaf.der",
	};
	char der[64], spki[64];
	size_t i;
	int d;

	if (write_ext_file(fx) == -1)
		return -1;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (sh(fx, "%s", steps[i]) != 0)
			return -1;
	if ((fx->chain = sk_X509_new_null()) == NULL)
		return -1;
	for (d = 0; d < NCERTS; d++) {
		char path[512], pem[64];
		X509 *x;
		FILE *fp;

		snprintf(pem, sizeof(pem), "%s.pem", cert_names[d]);
		snprintf(der, sizeof(der), "%s.cert.der", cert_names[d]);
		snprintf(spki, sizeof(spki), "%s.spki.der", cert_names[d]);
		/* The tool's own way to the DER of each selector. */
		if (sh(fx, "openssl x509 -in %s -outform DER -out %s", pem, der) != 0 ||
		    sh(fx, "openssl x509 -in %s -noout -pubkey | "
		    "openssl pkey -pubin -outform DER -out %s", pem, spki) != 0)
			return -1;
		want_for_der(fx, der, fx->want[d][DP_TLSA_SEL_CERT]);
		want_for_der(fx, spki, fx->want[d][DP_TLSA_SEL_SPKI]);
		if ((fp = fopen(path_in(fx, pem, path, sizeof(path)), "r")) == NULL)
			return -1;
		x = PEM_read_X509(fp, NULL, NULL, NULL);
		fclose(fp);
		if (x == NULL || !sk_X509_push(fx->chain, x)) {
			X509_free(x);
			return -1;
		}
	}
	return 0;
}

static void
free_pki(struct fixture *fx)
{
	int d, s, m;

	for (d = 0; d < NCERTS; d++)
		for (s = 0; s < 2; s++)
			for (m = 0; m < 3; m++)
				free(fx->want[d][s][m]);
	sk_X509_pop_free(fx->chain, X509_free);
}

static struct dp_tlsagen_spec
spec_of(int usage, int selector, int mtype, int depth)
{
	struct dp_tlsagen_spec spec = { (uint8_t)usage, (uint8_t)selector,
	    (uint8_t)mtype, depth };

	return spec;
}

/* Whether rec is "U S M want" in presentation format, and usable. */
static bool
record_is(const struct dp_tlsa *rec, const struct dp_tlsagen_spec *spec,
    const char *want)
{
	char head[16], *text = dp_tlsa_to_text(rec);
	bool same;

	snprintf(head, sizeof(head), "%u %u %u ", spec->usage, spec->selector, spec->mtype);
	same = text != NULL && want != NULL && strncmp(text, head, strlen(head)) == 0 &&
	    strcmp(text + strlen(head), want) == 0 && rec->usability == DP_TLSA_USABLE;
	if (!same)
		printf("#   got '%.80s', want '%s%.64s'\n", text ? text : "(null)", head,
		    want ? want : "(null)");
	free(text);
	return same;
}

/* Every selector and matching type of one usage at one depth of the chain. */
static void
chain_records(const struct fixture *fx, int usage, int depth)
{
	int s, m;

	for (s = 0; s < 2; s++) {
		for (m = 0; m < 3; m++) {
			struct dp_tlsagen_spec spec = spec_of(usage, s, m, depth);
			struct dp_tlsa rec;
			struct dp_err err;

			ok(dp_tlsagen_from_chain(fx->chain, &spec, false, true, &rec, &err) == 0 &&
			    record_is(&rec, &spec, fx->want[depth][s][m]),
			    "chain: %d %d %d at depth %d (%s) is what openssl computes",
			    usage, s, m, depth, cert_names[depth]);
			dp_tlsa_clear(&rec);
		}
	}
}

/* A chain of the fixture's certificates from..to (depths in the fixture). */
static STACK_OF(X509) *
sub_chain(const struct fixture *fx, int from, int to)
{
	STACK_OF(X509) *c = sk_X509_new_null();
	int d;

	for (d = from; c != NULL && d <= to; d++)
		sk_X509_push(c, sk_X509_value(fx->chain, d));
	return c;
}

static void
test_chain(const struct fixture *fx)
{
	struct dp_tlsagen_spec spec;
	struct dp_tlsa rec;
	struct dp_err err;
	STACK_OF(X509) *lone;

	chain_records(fx, DP_TLSA_DANE_EE, 0);
	chain_records(fx, DP_TLSA_PKIX_EE, 0);
	chain_records(fx, DP_TLSA_DANE_TA, 1);
	chain_records(fx, DP_TLSA_DANE_TA, 2);
	chain_records(fx, DP_TLSA_PKIX_TA, 1);
	chain_records(fx, DP_TLSA_PKIX_TA, 2);

	spec = spec_of(3, 1, 1, DP_TLSAGEN_DEPTH_DEFAULT);
	ok(dp_tlsagen_from_chain(fx->chain, &spec, false, true, &rec, &err) == 0 &&
	    record_is(&rec, &spec, fx->want[0][1][1]), "chain: DANE-EE by default pins the leaf");
	dp_tlsa_clear(&rec);
	spec = spec_of(2, 0, 1, DP_TLSAGEN_DEPTH_DEFAULT);
	ok(dp_tlsagen_from_chain(fx->chain, &spec, false, true, &rec, &err) == 0 &&
	    record_is(&rec, &spec, fx->want[1][0][1]),
	    "chain: DANE-TA by default names the leaf's issuer (depth 1)");
	dp_tlsa_clear(&rec);
	spec = spec_of(3, 1, 1, 0);
	ok(dp_tlsagen_from_chain(fx->chain, &spec, true, true, &rec, &err) == 0 &&
	    record_is(&rec, &spec, fx->want[0][1][1]), "chain: DANE-EE for SMTP, usable");
	dp_tlsa_clear(&rec);
	spec = spec_of(2, 1, 2, 2);
	ok(dp_tlsagen_from_chain(fx->chain, &spec, true, true, &rec, &err) == 0 &&
	    record_is(&rec, &spec, fx->want[2][1][2]), "chain: DANE-TA for SMTP, usable");
	dp_tlsa_clear(&rec);

	/* A lone --cert: the certificate is not one the server is known to send. */
	lone = sub_chain(fx, 2, 2);
	spec = spec_of(2, 0, 0, DP_TLSAGEN_DEPTH_DEFAULT);
	ok(dp_tlsagen_from_chain(lone, &spec, false, false, &rec, &err) == 0 &&
	    record_is(&rec, &spec, fx->want[2][0][0]),
	    "lone CA certificate: a full 2 0 0 of it, at depth 0 by default");
	dp_tlsa_clear(&rec);
	spec = spec_of(2, 1, 0, DP_TLSAGEN_DEPTH_DEFAULT);
	ok(dp_tlsagen_from_chain(lone, &spec, false, false, &rec, &err) == 0 &&
	    record_is(&rec, &spec, fx->want[2][1][0]), "lone CA certificate: a full 2 1 0");
	dp_tlsa_clear(&rec);
	spec = spec_of(0, 0, 1, DP_TLSAGEN_DEPTH_DEFAULT);
	ok(dp_tlsagen_from_chain(lone, &spec, false, false, &rec, &err) == 0 &&
	    record_is(&rec, &spec, fx->want[2][0][1]),
	    "lone CA certificate: PKIX-TA digest (the client builds the PKIX path)");
	dp_tlsa_clear(&rec);
	sk_X509_free(lone);
	lone = sub_chain(fx, 0, 0);
	spec = spec_of(3, 1, 1, DP_TLSAGEN_DEPTH_DEFAULT);
	ok(dp_tlsagen_from_chain(lone, &spec, false, false, &rec, &err) == 0 &&
	    record_is(&rec, &spec, fx->want[0][1][1]), "lone leaf certificate: 3 1 1");
	dp_tlsa_clear(&rec);
	sk_X509_free(lone);
}

/* Expects spec refused with kind usage and a message holding want. */
static void
refused(const STACK_OF(X509) *chain, struct dp_tlsagen_spec spec, bool smtp,
    bool sent, const char *want, const char *what)
{
	struct dp_tlsa rec;
	struct dp_err err = { DP_ERR_INTERNAL, "" };
	int rc = dp_tlsagen_from_chain(chain, &spec, smtp, sent, &rec, &err);

	ok(rc == -1 && err.kind == DP_ERR_USAGE && strstr(err.msg, want) != NULL &&
	    rec.data == NULL, "refused: %s", what);
	if (rc != -1 || strstr(err.msg, want) == NULL)
		printf("#   got '%s', want '%s'\n", err.msg, want);
	dp_tlsa_clear(&rec);
}

static void
test_chain_refusals(const struct fixture *fx)
{
	struct dp_tlsagen_spec spec;
	struct dp_tlsa rec;
	struct dp_err err;
	STACK_OF(X509) *c;
	X509 *big;
	FILE *fp;
	char path[512];

	refused(fx->chain, spec_of(2, 0, 1, 0), false, true,
	    "the leaf is not a CA: a DANE-TA record must name a CA (RFC 7671 section 5.2)",
	    "DANE-TA for the leaf");
	refused(fx->chain, spec_of(0, 1, 1, 0), false, true,
	    "the leaf is not a CA: a PKIX-TA record must name a CA (RFC 7671 section 5.4)",
	    "PKIX-TA for the leaf");
	refused(fx->chain, spec_of(3, 1, 1, 1), false, true,
	    "DANE-EE(3) at depth 1: an EE record pins the leaf, depth 0 (RFC 7671 section 5.1)",
	    "DANE-EE at depth 1");
	refused(fx->chain, spec_of(1, 0, 1, 2), false, true,
	    "PKIX-EE(1) at depth 2: an EE record pins the leaf, depth 0 (RFC 7671 section 5.3)",
	    "PKIX-EE at depth 2");
	refused(fx->chain, spec_of(2, 0, 1, 3), false, true,
	    "depth 3: the chain has 3 certificates, depth 0 to 2", "a depth beyond the chain");
	refused(fx->chain, spec_of(3, 1, 1, -2), false, true, "a depth is 0",
	    "a negative depth");
	refused(fx->chain, spec_of(1, 1, 1, 0), true, true,
	    "PKIX-EE(1) is unusable for SMTP", "PKIX-EE for SMTP");
	refused(fx->chain, spec_of(0, 0, 1, 1), true, true, "(RFC 7672 section 3.1.3)",
	    "PKIX-TA for SMTP");
	refused(fx->chain, spec_of(4, 1, 1, 0), false, true,
	    "usage 4 is not assigned", "usage 4");
	refused(fx->chain, spec_of(255, 1, 1, 0), false, true,
	    "usage 255 is not assigned", "usage 255 (PrivCert)");
	refused(fx->chain, spec_of(3, 2, 1, 0), false, true,
	    "selector 2 is not assigned", "selector 2");
	refused(fx->chain, spec_of(3, 1, 3, 0), false, true,
	    "matching type 3 is not assigned", "matching type 3");
	refused(NULL, spec_of(3, 1, 1, 0), false, true,
	    "the chain has 0 certificates", "an empty chain");

	c = sub_chain(fx, 0, 0);
	refused(c, spec_of(2, 0, 1, DP_TLSAGEN_DEPTH_DEFAULT), false, true,
	    "depth 1: the chain has 1 certificate", "DANE-TA when the server sends only its leaf");
	refused(c, spec_of(2, 0, 0, DP_TLSAGEN_DEPTH_DEFAULT), false, false,
	    "the certificate is not a CA: a DANE-TA record must name a CA",
	    "DANE-TA of a lone leaf certificate");
	sk_X509_free(c);
	c = sub_chain(fx, 2, 2);
	refused(c, spec_of(2, 0, 1, DP_TLSAGEN_DEPTH_DEFAULT), false, false,
	    "(RFC 7671 section 5.2.2)", "a DANE-TA 2 0 1 digest of a CA the server does not send");
	refused(c, spec_of(2, 1, 2, 0), false, false, "make a full 2 1 0 record",
	    "a DANE-TA 2 1 2 digest of a CA the server does not send");
	sk_X509_free(c);
	/* A server whose leaf is a CA: a TA record still cannot match the leaf. */
	c = sub_chain(fx, 1, 2);
	refused(c, spec_of(2, 0, 1, 0), false, true,
	    "DANE-TA(2) at depth 0: a TA record names an issuer of the leaf",
	    "DANE-TA at depth 0 of a sent chain whose leaf is a CA");
	sk_X509_free(c);

	if ((fp = fopen(path_in(fx, "big.der", path, sizeof(path)), "rb")) == NULL ||
	    (big = d2i_X509_fp(fp, NULL)) == NULL) {
		ok(0, "the big certificate loads");
		if (fp != NULL)
			fclose(fp);
		return;
	}
	fclose(fp);
	c = sk_X509_new_null();
	sk_X509_push(c, big);
	ok(i2d_X509(big, NULL) > DP_TLSAGEN_DATA_MAX, "the big certificate is over %d octets",
	    DP_TLSAGEN_DATA_MAX);
	refused(c, spec_of(3, 0, 0, 0), false, true, "more than a TLSA record holds (65532",
	    "a full certificate too large for a record");
	spec = spec_of(3, 0, 1, 0);
	ok(dp_tlsagen_from_chain(c, &spec, false, true, &rec, &err) == 0 && rec.datalen == 32,
	    "its digest is fine");
	dp_tlsa_clear(&rec);
	sk_X509_pop_free(c, X509_free);
}

/* Loads name from the fixture.  Returns the result of dp_key_load. */
static int
load_key(const struct fixture *fx, const char *name, EVP_PKEY **pub, struct dp_err *err)
{
	char path[512];

	memset(err, 0, sizeof(*err));
	return dp_key_load(path_in(fx, name, path, sizeof(path)), pub, err);
}

/* 3 1 x and 1 1 1 from key file name match the tool's SPKI of it (want). */
static void
key_records(const struct fixture *fx, const char *name, char *const want[3])
{
	static const int usages[] = { DP_TLSA_DANE_EE, DP_TLSA_DANE_EE, DP_TLSA_DANE_EE,
	    DP_TLSA_PKIX_EE };
	static const int mtypes[] = { 0, 1, 2, 1 };
	struct dp_err err;
	EVP_PKEY *pub = NULL;
	size_t i;

	if (load_key(fx, name, &pub, &err) == -1) {
		ok(0, "key %s loads", name);
		printf("#   %s\n", err.msg);
		return;
	}
	ok(i2d_PrivateKey(pub, NULL) <= 0, "key %s: only the public key is kept", name);
	for (i = 0; i < sizeof(usages) / sizeof(usages[0]); i++) {
		struct dp_tlsagen_spec spec = spec_of(usages[i], 1, mtypes[i],
		    DP_TLSAGEN_DEPTH_DEFAULT);
		struct dp_tlsa rec;

		ok(dp_tlsagen_from_key(pub, &spec, false, &rec, &err) == 0 &&
		    record_is(&rec, &spec, want[mtypes[i]]),
		    "key %s: %d 1 %d is what openssl computes", name, usages[i], mtypes[i]);
		dp_tlsa_clear(&rec);
	}
	EVP_PKEY_free(pub);
}

static void
key_refused(EVP_PKEY *pub, struct dp_tlsagen_spec spec, bool smtp, const char *want,
    const char *what)
{
	struct dp_tlsa rec;
	struct dp_err err = { DP_ERR_INTERNAL, "" };
	int rc = dp_tlsagen_from_key(pub, &spec, smtp, &rec, &err);

	ok(rc == -1 && err.kind == DP_ERR_USAGE && strstr(err.msg, want) != NULL &&
	    rec.data == NULL, "refused for a key: %s", what);
	if (rc != -1 || strstr(err.msg, want) == NULL)
		printf("#   got '%s', want '%s'\n", err.msg, want);
	dp_tlsa_clear(&rec);
}

static void
test_keys(const struct fixture *fx)
{
	static const char *const leaf_files[] = { "leaf-pub.pem", "leaf-pub.der",
	    "leaf-pkcs8.pem", "leaf-pkcs8.der", "leaf-ec.pem", "leaf-ec.der",
	    "cert-then-key.pem" };
	char *rsa_want[3];
	struct dp_err err;
	EVP_PKEY *pub;
	size_t i;

	/* The leaf's key in each format: the leaf certificate's SPKI. */
	for (i = 0; i < sizeof(leaf_files) / sizeof(leaf_files[0]); i++)
		key_records(fx, leaf_files[i], fx->want[0][DP_TLSA_SEL_SPKI]);
	want_for_der(fx, "rsa.spki.der", rsa_want);
	key_records(fx, "rsa.key", rsa_want);
	key_records(fx, "rsa-trad.pem", rsa_want);
	key_records(fx, "rsa-pkcs1pub.pem", rsa_want);
	for (i = 0; i < 3; i++)
		free(rsa_want[i]);

	if (load_key(fx, "leaf-pkcs8.pem", &pub, &err) == -1) {
		ok(0, "leaf key loads: %s", err.msg);
		return;
	}
	key_refused(pub, spec_of(3, 0, 1, DP_TLSAGEN_DEPTH_DEFAULT), false,
	    "a key has no certificate for selector Cert(0)", "selector 0");
	key_refused(pub, spec_of(2, 1, 1, DP_TLSAGEN_DEPTH_DEFAULT), false,
	    "DANE-TA(2) needs the CA certificate, to know it is a CA", "DANE-TA");
	key_refused(pub, spec_of(0, 1, 1, DP_TLSAGEN_DEPTH_DEFAULT), false,
	    "use --cert or --chain", "PKIX-TA");
	key_refused(pub, spec_of(3, 1, 1, 1), false, "an EE record pins the leaf",
	    "DANE-EE at depth 1");
	key_refused(pub, spec_of(1, 1, 1, DP_TLSAGEN_DEPTH_DEFAULT), true,
	    "(RFC 7672 section 3.1.3)", "PKIX-EE for SMTP");
	key_refused(pub, spec_of(3, 1, 7, DP_TLSAGEN_DEPTH_DEFAULT), false,
	    "matching type 7 is not assigned", "matching type 7");
	EVP_PKEY_free(pub);
}

/*
 * Loads an encrypted key in a child with no controlling terminal, stdin
 * from /dev/null and stderr to a file: refused, and nothing asked (a
 * prompt would go to stderr when there is no terminal).
 */
static void
encrypted_refused(const struct fixture *fx, const char *name)
{
	char errpath[512];
	struct stat st;
	pid_t pid;
	int status = -1;

	snprintf(errpath, sizeof(errpath), "%s/prompt-%s.err", fx->dir, name);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		struct dp_err err;
		EVP_PKEY *pub = NULL;
		int rc;

		alarm(60);
		(void)setsid();
		if (freopen("/dev/null", "r", stdin) == NULL ||
		    freopen(errpath, "w", stderr) == NULL)
			_exit(3);
		rc = load_key(fx, name, &pub, &err);
		if (rc == -1 && pub == NULL && err.kind == DP_ERR_USAGE &&
		    strstr(err.msg, "an encrypted private key (no passphrase is asked for)") != NULL)
			_exit(0);
		printf("#   %s: rc %d, '%s'\n", name, rc, err.msg);
		fflush(stdout);
		_exit(1);
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	ok(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "encrypted key %s refused", name);
	ok(stat(errpath, &st) == 0 && st.st_size == 0,
	    "encrypted key %s: no passphrase prompt", name);
}

/* Writes len bytes to a new file name in the fixture. */
static int
write_file(const struct fixture *fx, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *fp;
	size_t n;

	if ((fp = fopen(path_in(fx, name, path, sizeof(path)), "wb")) == NULL)
		return -1;
	n = fwrite(data, 1, len, fp);
	return fclose(fp) == 0 && n == len ? 0 : -1;
}

static void
bad_key(const struct fixture *fx, const char *name, const char *want, const char *what)
{
	struct dp_err err;
	EVP_PKEY *pub = (EVP_PKEY *)1;
	int rc = load_key(fx, name, &pub, &err);

	ok(rc == -1 && pub == NULL && err.kind == DP_ERR_USAGE && strstr(err.msg, want) != NULL,
	    "key file refused: %s", what);
	if (rc != -1 || strstr(err.msg, want) == NULL)
		printf("#   got '%s', want '%s'\n", err.msg, want);
	ok(strstr(err.msg, "SECRET") == NULL,
	    "key file refused: %s: no byte of the file in the message", what);
}

static void
test_bad_keys(const struct fixture *fx)
{
	static const char junk[] = "SECRET junk that is no key\n\x01\x02\xff";
	static const char fake_pem[] = "-----BEGIN PRIVATE KEY-----\nSECRETSECRET\n"
	    "-----END PRIVATE KEY-----\n";
	char *big;

	encrypted_refused(fx, "enc-pkcs8.pem");
	encrypted_refused(fx, "enc-ec.pem");
	encrypted_refused(fx, "enc-pkcs8.der");

	bad_key(fx, "leaf.pem", "a certificate, not a key: use --cert", "a PEM certificate");
	bad_key(fx, "leaf.der", "a certificate, not a key: use --cert", "a DER certificate");
	write_file(fx, "junk.bin", junk, sizeof(junk) - 1);
	bad_key(fx, "junk.bin", "junk.bin: no key: neither PEM nor a DER", "junk");
	write_file(fx, "fake.pem", fake_pem, sizeof(fake_pem) - 1);
	bad_key(fx, "fake.pem", "no key: no readable PUBLIC KEY or PRIVATE KEY block",
	    "a PEM block of junk");
	write_file(fx, "empty.key", "", 0);
	bad_key(fx, "empty.key", "empty: no key in it", "an empty file");
	sh(fx, "head -c 150 leaf-pkcs8.pem > trunc.pem && head -c 60 leaf-pkcs8.der > trunc.der"
	    " && head -c 40 leaf-pub.der > trunc-pub.der");
	bad_key(fx, "trunc.pem", "no readable PUBLIC KEY or PRIVATE KEY block",
	    "a truncated PEM key");
	bad_key(fx, "trunc.der", "no key: neither PEM nor a DER", "a truncated DER private key");
	bad_key(fx, "trunc-pub.der", "no key: neither PEM nor a DER",
	    "a truncated DER public key");
	sh(fx, "cat leaf-pub.der leaf-pub.der > twice.der");
	bad_key(fx, "twice.der", "no key", "a DER key with bytes after it");
	if ((big = malloc(DP_KEY_FILE_MAX + 1)) != NULL) {
		memset(big, 'A', DP_KEY_FILE_MAX + 1);
		write_file(fx, "big.key", big, DP_KEY_FILE_MAX + 1);
		free(big);
	}
	bad_key(fx, "big.key", "larger than 65536 bytes", "a file over 64 KiB");
	sh(fx, "mkdir keydir && mkfifo key.fifo");
	bad_key(fx, "keydir", "keydir: a directory, not a key file", "a directory");
	bad_key(fx, "key.fifo", "a FIFO, not a key file", "a FIFO (not waited on)");
	bad_key(fx, "no-such.key", "cannot open", "a missing file");
	{
		struct dp_err err;
		EVP_PKEY *pub;

		ok(dp_key_load("/dev/null", &pub, &err) == -1 &&
		    strstr(err.msg, "/dev/null: a device, not a key file") != NULL,
		    "key file refused: a device");
		ok(dp_key_parse((const uint8_t *)"", 0, "buf", &pub, &err) == -1 &&
		    pub == NULL && strstr(err.msg, "buf: empty") != NULL,
		    "dp_key_parse: empty buffer named");
	}
}

static void
field_ok(const char *text, enum dp_tlsagen_field f, unsigned want)
{
	struct dp_err err = { DP_ERR_INTERNAL, "" };
	uint8_t v = 99;

	ok(dp_tlsagen_parse_field("--x", text, f, &v, &err) == 0 && v == want,
	    "field '%s' is %u", text, want);
	if (v != want)
		printf("#   got %u (%s)\n", v, err.msg);
}

static void
field_bad(const char *opt, const char *text, enum dp_tlsagen_field f, const char *want)
{
	struct dp_err err = { DP_ERR_INTERNAL, "" };
	uint8_t v = 99;
	int rc = dp_tlsagen_parse_field(opt, text, f, &v, &err);
	char shown[64];

	ok(rc == -1 && v == 99 && err.kind == DP_ERR_USAGE &&
	    strncmp(err.msg, opt, strlen(opt)) == 0 && strstr(err.msg, want) != NULL,
	    "field '%s' refused for %s", dp_escape_ctl(shown, sizeof(shown), text), opt);
	if (rc != -1 || strstr(err.msg, want) == NULL)
		printf("#   got '%s'\n", err.msg);
}

static void
test_parse_field(void)
{
	field_ok("0", DP_TLSAGEN_USAGE, 0);
	field_ok("3", DP_TLSAGEN_USAGE, 3);
	field_ok("03", DP_TLSAGEN_USAGE, 3);
	field_ok("DANE-EE", DP_TLSAGEN_USAGE, 3);
	field_ok("dane-ta", DP_TLSAGEN_USAGE, 2);
	field_ok("Pkix-Ee", DP_TLSAGEN_USAGE, 1);
	field_ok("PKIX-TA", DP_TLSAGEN_USAGE, 0);
	field_ok("0", DP_TLSAGEN_SELECTOR, 0);
	field_ok("Cert", DP_TLSAGEN_SELECTOR, 0);
	field_ok("spki", DP_TLSAGEN_SELECTOR, 1);
	field_ok("SPKI", DP_TLSAGEN_SELECTOR, 1);
	field_ok("1", DP_TLSAGEN_SELECTOR, 1);
	field_ok("full", DP_TLSAGEN_MTYPE, 0);
	field_ok("SHA2-256", DP_TLSAGEN_MTYPE, 1);
	field_ok("sha2-512", DP_TLSAGEN_MTYPE, 2);
	field_ok("2", DP_TLSAGEN_MTYPE, 2);

	field_bad("--usage", "4", DP_TLSAGEN_USAGE,
	    "'4' is not an assigned certificate usage: 0-3, PKIX-TA, PKIX-EE, DANE-TA or DANE-EE");
	field_bad("--usage", "255", DP_TLSAGEN_USAGE, "certificate usage");
	field_bad("--usage", "DANE", DP_TLSAGEN_USAGE, "certificate usage");
	field_bad("--usage", "", DP_TLSAGEN_USAGE, "''");
	field_bad("--usage", " 3", DP_TLSAGEN_USAGE, "' 3'");
	field_bad("--usage", "3 ", DP_TLSAGEN_USAGE, "'3 '");
	field_bad("--usage", "+3", DP_TLSAGEN_USAGE, "'+3'");
	field_bad("--usage", "-1", DP_TLSAGEN_USAGE, "'-1'");
	field_bad("--usage", "0x3", DP_TLSAGEN_USAGE, "'0x3'");
	field_bad("--usage", "0003", DP_TLSAGEN_USAGE, "'0003'");
	field_bad("--usage", "SPKI", DP_TLSAGEN_USAGE, "certificate usage");
	field_bad("--usage", "3\n", DP_TLSAGEN_USAGE, "'3\\n'");
	field_bad("--selector", "2", DP_TLSAGEN_SELECTOR, "not an assigned selector: 0, 1, Cert or SPKI");
	field_bad("--selector", "PrivSel", DP_TLSAGEN_SELECTOR, "selector");
	field_bad("--selector", "DANE-EE", DP_TLSAGEN_SELECTOR, "selector");
	field_bad("--mtype", "3", DP_TLSAGEN_MTYPE,
	    "not an assigned matching type: 0-2, Full, SHA2-256 or SHA2-512");
	field_bad("--mtype", "SHA256", DP_TLSAGEN_MTYPE, "matching type");
	field_bad("--mtype", "sha2-384", DP_TLSAGEN_MTYPE, "matching type");
}

static void
test_zone_line(const struct fixture *fx)
{
	uint8_t digest[32];
	struct dp_tlsa rec = { 3, 1, 1, digest, sizeof(digest), DP_TLSA_USABLE };
	struct dp_tlsagen_spec spec = spec_of(3, 0, 0, 0);
	struct dp_err err;
	char want[256], *line, *p;
	size_t i;

	for (i = 0; i < sizeof(digest); i++)
		digest[i] = (uint8_t)(0xa0 + i);
	line = dp_tlsagen_zone_line("_443._tcp.www.example.com.", 3600, &rec, false);
	snprintf(want, sizeof(want), "_443._tcp.www.example.com. 3600 IN TLSA 3 1 1 %s",
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
	is_str(line, want, "zone line: TLSA presentation form");
	free(line);
	line = dp_tlsagen_zone_line("_25._tcp.mx.example", 300, &rec, true);
	snprintf(want, sizeof(want), "_25._tcp.mx.example. 300 IN TYPE52 \\# 35 030101%s",
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
	is_str(line, want, "zone line: RFC 3597 form, 35 octets, the owner's dot added");
	free(line);

	/* A full certificate: the RFC 3597 length is 3 + its DER, and the hex that long. */
	if (dp_tlsagen_from_chain(fx->chain, &spec, false, true, &rec, &err) == -1) {
		ok(0, "3 0 0 made: %s", err.msg);
		return;
	}
	line = dp_tlsagen_zone_line("_443._tcp.www.example.com.", 60, &rec, true);
	p = line != NULL ? strstr(line, "\\# ") : NULL;
	ok(p != NULL && strtoul(p + 3, &p, 10) == rec.datalen + 3 && *p == ' ' &&
	    strlen(p + 1) == 2 * (rec.datalen + 3) && strncmp(p + 1, "030000", 6) == 0 &&
	    strcmp(p + 7, fx->want[0][0][0]) == 0,
	    "zone line: RFC 3597 length of a full certificate is 3 + %zu", rec.datalen);
	free(line);
	line = dp_tlsagen_zone_line("_443._tcp.www.example.com.", 60, &rec, false);
	ok(line != NULL && strchr(line, '\n') == NULL &&
	    strstr(line, " IN TLSA 3 0 0 ") != NULL &&
	    strcmp(strstr(line, " IN TLSA 3 0 0 ") + 15, fx->want[0][0][0]) == 0,
	    "zone line: a full certificate on one line");
	free(line);
	dp_tlsa_clear(&rec);
}

/* The openssl tool's messages, as TAP comments, when making the fixture failed. */
static void
print_log(const struct fixture *fx)
{
	char path[512], line[512];
	FILE *fp;

	if ((fp = fopen(path_in(fx, "tool.log", path, sizeof(path)), "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL)
		printf("# %s", line);
	fclose(fp);
}

static int
make_dir(struct fixture *fx)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(fx->dir, sizeof(fx->dir), "%s/test_tlsagen.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	return mkdtemp(fx->dir) != NULL ? 0 : -1;
}

int
main(void)
{
	struct fixture fx;
	char cmd[512];
	int rc;

	memset(&fx, 0, sizeof(fx));
	test_parse_field();
	if (make_dir(&fx) == -1) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return tap_done();
	}
	rc = make_pki(&fx);
	ok(rc == 0, "the openssl tool made the chain and the keys in %s", fx.dir);
	if (rc == 0) {
		test_chain(&fx);
		test_chain_refusals(&fx);
		test_keys(&fx);
		test_bad_keys(&fx);
		test_zone_line(&fx);
	} else {
		print_log(&fx);
	}
	free_pki(&fx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.dir);
	ok(system(cmd) == 0 && access(fx.dir, F_OK) == -1, "the temporary directory is removed");
	return tap_done();
}
