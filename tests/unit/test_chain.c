/*
 * test_chain.c: the chain reader (verify --chain, tlsa --cert/--chain)
 * over the vectors in tests/chains/: PEM in the order servers send it,
 * DER, text between the blocks, and every kind of bad file; then the
 * offline verifier over them (dane.c), which must say what a handshake
 * would.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "tap.h"

#include "chainfile.h"
#include "clock.h"
#include "dane.h"
#include "tlsaset.h"

static char dir[4096];

static const char *
vec(const char *name)
{
	static char path[4][4200];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
	return path[i];
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = malloc(4 << 20);
	size_t n = 0;

	if (fp == NULL || buf == NULL) {
		if (fp)
			fclose(fp);
		free(buf);
		*len = 0;
		return NULL;
	}
	n = fread(buf, 1, 4 << 20, fp);
	fclose(fp);
	*len = n;
	return buf;
}

static char *
subject_cn(X509 *x)
{
	static char buf[256];

	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, buf, sizeof(buf));
	return buf;
}

/* Loads path; returns the number of certificates, or -1 with err. */
static int
load(const char *path, STACK_OF(X509) **chain, struct dp_err *err)
{
	*chain = NULL;
	if (dp_chain_load(path, dp_now_ms() + 5000, chain, err) == -1)
		return -1;
	return sk_X509_num(*chain);
}

/* Parses len bytes; returns as load. */
static int
parse(const void *buf, size_t len, STACK_OF(X509) **chain, struct dp_err *err)
{
	*chain = NULL;
	if (dp_chain_parse(buf, len, "buf", chain, err) == -1)
		return -1;
	return sk_X509_num(*chain);
}

static void
test_good_files(void)
{
	STACK_OF(X509) *c;
	struct dp_err err;

	is_int(load(vec("leaf.pem"), &c, &err), 1, "one PEM certificate");
	dp_chain_free(c);
	is_int(load(vec("chain.pem"), &c, &err), 2, "leaf and intermediate");
	is_str(subject_cn(sk_X509_value(c, 0)), "www.example.com", "the leaf comes first");
	is_str(subject_cn(sk_X509_value(c, 1)), "Test Intermediate CA", "then the intermediate");
	dp_chain_free(c);
	is_int(load(vec("full.pem"), &c, &err), 3, "leaf, intermediate, root");
	dp_chain_free(c);
	is_int(load(vec("showcerts.txt"), &c, &err), 2, "s_client -showcerts output as it is");
	dp_chain_free(c);
	is_int(load(vec("leaf.der"), &c, &err), 1, "one DER certificate");
	is_str(subject_cn(sk_X509_value(c, 0)), "www.example.com", "DER: the leaf");
	dp_chain_free(c);
}

static void
expect_refusal(int n, const struct dp_err *err, const char *want, const char *what)
{
	ok(n == -1 && err->kind == DP_ERR_USAGE && strstr(err->msg, want) != NULL,
	    "%s: refused (%s)", what, want);
	if (n != -1 || strstr(err->msg, want) == NULL)
		printf("#   got %d '%s'\n", n, err->msg);
}

static void
test_bad_buffers(void)
{
	STACK_OF(X509) *c;
	struct dp_err err;
	uint8_t *leaf, *big, *junk;
	size_t len, keylen, i, o;
	char *key;
	int n;

	leaf = slurp(vec("leaf.der"), &len);
	key = (char *)slurp(vec("leaf.key"), &keylen);

	expect_refusal(parse("", 0, &c, &err), &err, "empty", "an empty file");
	expect_refusal(parse("hello\n", 6, &c, &err), &err, "no certificate", "text");
	expect_refusal(parse(key, keylen, &c, &err), &err, "private key", "a PEM private key");
	ok(strstr(err.msg, "PRIVATE") == NULL && strstr(err.msg, "MII") == NULL,
	    "the message quotes nothing of the key");

	/* DER: a private key, and a certificate with more after it. */
	{
		BIO *b = BIO_new_mem_buf(key, (int)keylen);
		EVP_PKEY *pk = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
		unsigned char *der = NULL;
		int dlen = pk ? i2d_PrivateKey(pk, &der) : -1;

		expect_refusal(parse(der, (size_t)(dlen > 0 ? dlen : 0), &c, &err), &err,
		    "private key", "a DER private key");
		OPENSSL_free(der);
		EVP_PKEY_free(pk);
		BIO_free(b);
	}
	junk = malloc(len + 4);
	memcpy(junk, leaf, len);
	memcpy(junk + len, "junk", 4);
	expect_refusal(parse(junk, len + 4, &c, &err), &err, "followed by",
	    "a DER certificate with octets after it");
	expect_refusal(parse(leaf, len - 10, &c, &err), &err, "no certificate",
	    "a truncated DER certificate");
	free(junk);

	/* PEM blocks that are broken, or of other kinds. */
	{
		const char *pub = "-----BEGIN PUBLIC KEY-----\n"
		    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n";
		const char *notcert = "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n"
		    "-----END CERTIFICATE-----\n";
		const char *badb64 = "-----BEGIN CERTIFICATE-----\n!!!!****\n"
		    "-----END CERTIFICATE-----\n";
		const char *noend = "-----BEGIN CERTIFICATE-----\nMIIB\n";

		expect_refusal(parse(pub, strlen(pub), &c, &err), &err, "other kinds",
		    "only a public key block");
		expect_refusal(parse(notcert, strlen(notcert), &c, &err), &err,
		    "certificate 1 is malformed", "a CERTIFICATE block that is none");
		expect_refusal(parse(badb64, strlen(badb64), &c, &err), &err, "malformed",
		    "bad base64");
		expect_refusal(parse(noend, strlen(noend), &c, &err), &err, "malformed",
		    "a block without its end line");
	}

	/* More certificates than a server sends. */
	{
		size_t plen;
		char *pem = (char *)slurp(vec("leaf.pem"), &plen);

		big = malloc(plen * (DP_CHAIN_MAX_CERTS + 1));
		for (i = 0, o = 0; i < DP_CHAIN_MAX_CERTS + 1; i++, o += plen)
			memcpy(big + o, pem, plen);
		n = parse(big, o, &c, &err);
		expect_refusal(n, &err, "more than 32", "33 certificates");
		n = parse(big, plen * DP_CHAIN_MAX_CERTS, &c, &err);
		is_int(n, DP_CHAIN_MAX_CERTS, "32 certificates are taken");
		dp_chain_free(c);
		free(big);
		free(pem);
	}
	free(leaf);
	free(key);
}

static void
test_bad_files(void)
{
	char tmp[] = "/tmp/dp-chain-XXXXXX", path[64];
	STACK_OF(X509) *c;
	struct dp_err err;
	int fds[2], fd;
	char *zeros;
	uint64_t t0;

	expect_refusal(load("/nonexistent/chain.pem", &c, &err), &err, "cannot open",
	    "a file that is not there");
	expect_refusal(load("/", &c, &err), &err, "a directory", "a directory");
	expect_refusal(load("/dev/zero", &c, &err), &err, "a device", "/dev/zero");
	if (mkdtemp(tmp) == NULL) {
		ok(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/big", tmp);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	zeros = calloc(1, DP_CHAIN_MAX_OCTETS + 1);
	if (fd != -1 && zeros != NULL)
		(void)!write(fd, zeros, DP_CHAIN_MAX_OCTETS + 1);
	if (fd != -1)
		close(fd);
	free(zeros);
	expect_refusal(load(path, &c, &err), &err, "larger than", "a file over 1 MiB");
	unlink(path);
	rmdir(tmp);

	/* A pipe whose writer never finishes: the deadline ends the wait. */
	if (pipe(fds) == 0) {
		int saved = dup(0);

		(void)!write(fds[1], "-----BEGIN", 10);
		dup2(fds[0], 0);
		t0 = dp_now_ms();
		ok(dp_chain_load("-", dp_now_ms() + 300, &c, &err) == -1 &&
		    strstr(err.msg, "deadline") != NULL, "a pipe that never ends: bounded (%s)",
		    err.msg);
		ok(dp_now_ms() - t0 < 60000, "and it did not hang");
		dup2(saved, 0);
		close(saved);
		close(fds[0]);
		close(fds[1]);
	}
}

/*
 * The offline verifier over the vectors: DANE-EE, DANE-TA at depths 1
 * and 2, a name mismatch, a date past the leaf's notAfter.
 */
static int
verify(const char *chainfile, const char *name, const char *rec, time_t at,
    struct dp_tls_facts *f)
{
	const char *refs[1] = { name };
	struct dp_tlsaset set;
	enum dp_dane_load loads[4];
	STACK_OF(X509) *chain;
	struct dp_err err;
	SSL_CTX *ctx;
	SSL *ssl;
	int rc = -1;

	memset(&set, 0, sizeof(set));
	memset(f, 0, sizeof(*f));
	f->match.depth = -1;
	if (load(chainfile, &chain, &err) < 0 || dp_tlsaset_add_text(&set, rec, false, &err) == -1)
		return -1;
	ctx = dp_dane_ctx_new(false, NULL, NULL, &err);
	ssl = ctx ? SSL_new(ctx) : NULL;
	if (ssl != NULL && dp_dane_configure(ssl, name, refs, 1, &set, loads, &err) > 0)
		rc = dp_dane_verify_chain(ssl, chain, at, f, &err);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	dp_tlsaset_clear(&set);
	dp_chain_free(chain);
	return rc;
}

static char *
digest_hex(const char *pemfile, bool spki, const EVP_MD *md)
{
	static char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned char *der = NULL, out[EVP_MAX_MD_SIZE];
	unsigned int olen = 0, i;
	FILE *fp = fopen(pemfile, "r");
	X509 *x = fp ? PEM_read_X509(fp, NULL, NULL, NULL) : NULL;
	int len;

	if (fp)
		fclose(fp);
	len = x == NULL ? -1 : spki ? i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der) :
	    i2d_X509(x, &der);
	if (len > 0)
		EVP_Digest(der, (size_t)len, out, &olen, md, NULL);
	for (i = 0; i < olen; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
	hex[2 * olen] = '\0';
	OPENSSL_free(der);
	X509_free(x);
	return hex;
}

static void
test_offline_verify(void)
{
	struct dp_tls_facts f;
	char rec[256];
	time_t past = 5000000000;	/* 2128-06-11, after the vectors expire (2126) */

	snprintf(rec, sizeof(rec), "3 1 1 %s", digest_hex(vec("leaf.pem"), true, EVP_sha256()));
	ok(verify(vec("chain.pem"), "www.example.com", rec, 0, &f) == 0 &&
	    f.reason == DP_R_VERIFIED && f.match.depth == 0, "DANE-EE 3 1 1: verified at depth 0");
	dp_tls_facts_clear(&f);
	ok(verify(vec("leaf.der"), "other.example.org", rec, 0, &f) == 0 &&
	    f.reason == DP_R_VERIFIED, "DANE-EE ignores names (RFC 7671 section 5.1)");
	dp_tls_facts_clear(&f);
	snprintf(rec, sizeof(rec), "2 0 1 %s", digest_hex(vec("int.pem"), false, EVP_sha256()));
	ok(verify(vec("chain.pem"), "www.example.com", rec, 0, &f) == 0 &&
	    f.reason == DP_R_VERIFIED && f.match.depth == 1, "DANE-TA 2 0 1 of the intermediate: depth 1");
	dp_tls_facts_clear(&f);
	ok(verify(vec("chain.pem"), "www.example.org", rec, 0, &f) == 0 &&
	    f.reason == DP_R_NAME_MISMATCH, "DANE-TA checks the name");
	dp_tls_facts_clear(&f);
	ok(verify(vec("chain.pem"), "x.example.net", rec, 0, &f) == 0 &&
	    f.reason == DP_R_VERIFIED, "DANE-TA: a wildcard SAN matches");
	dp_tls_facts_clear(&f);
	snprintf(rec, sizeof(rec), "2 1 2 %s", digest_hex(vec("root.pem"), true, EVP_sha512()));
	ok(verify(vec("full.pem"), "www.example.com", rec, 0, &f) == 0 &&
	    f.reason == DP_R_VERIFIED && f.match.depth == 2, "DANE-TA 2 1 2 of the root: depth 2");
	dp_tls_facts_clear(&f);
	ok(verify(vec("chain.pem"), "www.example.com", rec, 0, &f) == 0 &&
	    f.reason != DP_R_VERIFIED, "DANE-TA of a root the chain does not hold: not verified");
	dp_tls_facts_clear(&f);
	snprintf(rec, sizeof(rec), "2 0 1 %s", digest_hex(vec("int.pem"), false, EVP_sha256()));
	ok(verify(vec("chain.pem"), "www.example.com", rec, past, &f) == 0 &&
	    f.reason == DP_R_CERT_EXPIRED, "DANE-TA as of a time past notAfter: expired");
	dp_tls_facts_clear(&f);
	snprintf(rec, sizeof(rec), "3 1 1 %s", digest_hex(vec("leaf.pem"), true, EVP_sha256()));
	ok(verify(vec("chain.pem"), "www.example.com", rec, past, &f) == 0 &&
	    f.reason == DP_R_VERIFIED, "DANE-EE as of the same time: verified (dates ignored)");
	dp_tls_facts_clear(&f);
	snprintf(rec, sizeof(rec), "3 1 1 %s", digest_hex(vec("int.pem"), true, EVP_sha256()));
	ok(verify(vec("chain.pem"), "www.example.com", rec, 0, &f) == 0 &&
	    f.reason == DP_R_TLSA_MISMATCH, "DANE-EE of another key: no match");
	dp_tls_facts_clear(&f);
}

int
main(void)
{
	const char *top = getenv("top_srcdir");

	snprintf(dir, sizeof(dir), "%s/tests/chains", top != NULL ? top : ".");
	signal(SIGPIPE, SIG_IGN);
	test_good_files();
	test_bad_buffers();
	test_bad_files();
	test_offline_verify();
	return tap_done();
}
