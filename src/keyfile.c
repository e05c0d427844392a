/*
 * keyfile.c: the public key of a key file (tlsa --key), which may hold a
 * private key.
 *
 * Policy: a key file is read whole, before the event loop starts, and only
 * a regular file of at most DP_KEY_FILE_MAX bytes (the open never blocks:
 * a FIFO, device or directory is refused right after it).  OpenSSL's
 * decoders read it, never our own ASN.1: PEM (a private key block first,
 * as it may follow a certificate in a combined file, then a public key
 * block) or DER (SubjectPublicKeyInfo, then PKCS#8 or a traditional
 * private key).  An encrypted key is refused: every decoder that could
 * decrypt gets a passphrase callback that fails (a NULL one makes OpenSSL
 * prompt on the terminal), and an encrypted PKCS#8 DER is recognised
 * before any private key decoder sees it.  Of a private key only a new
 * public-only key is kept; the private one is freed at once, and every
 * buffer we filled with the file is cleansed before it is freed.
 *
 * Failure: -1 with one line naming the file (without control bytes) and
 * why; never a byte of its content.  Kind usage for what the user gave,
 * internal for memory and OpenSSL.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "keyfile.h"

/* A path in a message; longer ones are cut. */
#define KEY_NAME_SHOWN	200

/* The tail of the refusal of an encrypted key: what to do instead. */
#define KEY_ENCRYPTED_HINT \
	"an encrypted private key (no passphrase is asked for): give its " \
	"public key (openssl pkey -in KEY -pubout)"

/* Set by the passphrase callback: OpenSSL wanted a passphrase. */
struct passphrase_probe {
	bool	asked;
};

/* PEM's passphrase callback: records the request and refuses it. */
static int
refuse_passphrase(char *buf, int size, int rwflag, void *u)
{
	struct passphrase_probe *probe = u;

	probe->asked = true;
	return -1;
}

static int
usage_err(struct dp_err *err)
{
	return dp_err_kind(err, DP_ERR_USAGE);
}

/*
 * A new key holding only pkey's public key (pkey may hold a private key).
 * Returns it, or NULL.
 */
static EVP_PKEY *
public_only(const EVP_PKEY *pkey)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	EVP_PKEY *pub;
	int len;

	if ((len = i2d_PUBKEY(pkey, &der)) <= 0)
		return NULL;
	p = der;
	pub = d2i_PUBKEY(NULL, &p, len);
	OPENSSL_free(der);
	return pub;
}

/*
 * Hands over the public part of *decoded (freed, private or not) in *pub.
 * Returns 0, or -1 with err set.
 */
static int
keep_public(EVP_PKEY **decoded, const char *name, EVP_PKEY **pub,
    struct dp_err *err)
{
	*pub = public_only(*decoded);
	EVP_PKEY_free(*decoded);
	*decoded = NULL;
	if (*pub == NULL)
		return dp_err_set(err, "%.*s: OpenSSL cannot copy the public key",
		    KEY_NAME_SHOWN, name);
	return 0;
}

static bool
looks_like_pem(const uint8_t *buf, size_t len)
{
	return memmem(buf, len, "-----BEGIN ", 11) != NULL;
}

/*
 * The first private key (private) or public key block of PEM text in
 * *key; other blocks are skipped.  A fresh read-only view of buf each
 * time: OpenSSL makes no copy of it to cleanse.  Both readers get the
 * refusing callback: the public key reader too tries to decrypt an
 * ENCRYPTED PRIVATE KEY block for its public key.  Returns 0 (*key may
 * be NULL), or -1 (no memory).
 */
static int
pem_read_key(const uint8_t *buf, size_t len, bool private,
    struct passphrase_probe *probe, EVP_PKEY **key)
{
	BIO *bio;

	*key = NULL;
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL)
		return -1;
	if (private)
		*key = PEM_read_bio_PrivateKey(bio, NULL, refuse_passphrase, probe);
	else
		*key = PEM_read_bio_PUBKEY(bio, NULL, refuse_passphrase, probe);
	BIO_free(bio);
	return 0;
}

/* Whether PEM text holds a readable certificate (given for a key by mistake). */
static bool
pem_has_cert(const uint8_t *buf, size_t len)
{
	struct passphrase_probe probe = { false };
	X509 *cert = NULL;
	BIO *bio;

	if ((bio = BIO_new_mem_buf(buf, (int)len)) != NULL)
		cert = PEM_read_bio_X509(bio, NULL, refuse_passphrase, &probe);
	BIO_free(bio);
	X509_free(cert);
	return cert != NULL;
}

/* The first private key block, or else the first public key block, of PEM text.  Returns 0 or -1. */
static int
parse_pem(const uint8_t *buf, size_t len, const char *name, EVP_PKEY **pub,
    struct dp_err *err)
{
	struct passphrase_probe probe = { false };
	EVP_PKEY *key = NULL;

	if (pem_read_key(buf, len, true, &probe, &key) == -1 ||
	    (key == NULL && !probe.asked &&
	    pem_read_key(buf, len, false, &probe, &key) == -1))
		return dp_err_set(err, "out of memory");
	if (key != NULL)
		return keep_public(&key, name, pub, err);
	if (probe.asked)
		dp_err_set(err, "%.*s: %s", KEY_NAME_SHOWN, name, KEY_ENCRYPTED_HINT);
	else if (pem_has_cert(buf, len))
		dp_err_set(err, "%.*s: a certificate, not a key: use --cert",
		    KEY_NAME_SHOWN, name);
	else
		dp_err_set(err, "%.*s: no key: no readable PUBLIC KEY or PRIVATE KEY "
		    "block (a truncated or damaged one?)", KEY_NAME_SHOWN, name);
	return usage_err(err);
}

/* Whether all of buf is an EncryptedPrivateKeyInfo (RFC 5958 section 3). */
static bool
der_is_encrypted_pkcs8(const uint8_t *buf, size_t len)
{
	const unsigned char *p = buf;
	X509_SIG *sig = d2i_X509_SIG(NULL, &p, (long)len);
	bool whole = sig != NULL && p == buf + len;

	X509_SIG_free(sig);
	return whole;
}

/* Whether all of buf is a DER certificate. */
static bool
der_is_cert(const uint8_t *buf, size_t len)
{
	const unsigned char *p = buf;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	bool whole = x != NULL && p == buf + len;

	X509_free(x);
	return whole;
}

/*
 * Reads all of buf with d2i into a key.  Returns the key, or NULL (also
 * for a key with bytes after it: a DER file is one object).
 */
static EVP_PKEY *
der_key(EVP_PKEY *(*d2i)(EVP_PKEY **, const unsigned char **, long),
    const uint8_t *buf, size_t len)
{
	const unsigned char *p = buf;
	EVP_PKEY *key = d2i(NULL, &p, (long)len);

	if (key != NULL && p != buf + len) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	return key;
}

/* A DER public or private key.  Returns 0 or -1. */
static int
parse_der(const uint8_t *buf, size_t len, const char *name, EVP_PKEY **pub,
    struct dp_err *err)
{
	EVP_PKEY *key;

	if ((key = der_key(d2i_PUBKEY, buf, len)) != NULL)
		return keep_public(&key, name, pub, err);
	/* Before any private key decoder: one that decrypts might prompt. */
	if (der_is_encrypted_pkcs8(buf, len)) {
		dp_err_set(err, "%.*s: %s", KEY_NAME_SHOWN, name, KEY_ENCRYPTED_HINT);
		return usage_err(err);
	}
	if ((key = der_key(d2i_AutoPrivateKey, buf, len)) != NULL)
		return keep_public(&key, name, pub, err);
	if (der_is_cert(buf, len))
		dp_err_set(err, "%.*s: a certificate, not a key: use --cert",
		    KEY_NAME_SHOWN, name);
	else
		dp_err_set(err, "%.*s: no key: neither PEM nor a DER public key "
		    "(SubjectPublicKeyInfo) or private key (PKCS#8, traditional)",
		    KEY_NAME_SHOWN, name);
	return usage_err(err);
}

int
dp_key_parse(const uint8_t *buf, size_t len, const char *name, EVP_PKEY **pub,
    struct dp_err *err)
{
	int rc;

	*pub = NULL;
	if (len == 0) {
		dp_err_set(err, "%.*s: empty: no key in it", KEY_NAME_SHOWN, name);
		return usage_err(err);
	}
	if (len > DP_KEY_FILE_MAX) {
		dp_err_set(err, "%.*s: larger than %d bytes: not a key file",
		    KEY_NAME_SHOWN, name, DP_KEY_FILE_MAX);
		return usage_err(err);
	}
	if (looks_like_pem(buf, len))
		rc = parse_pem(buf, len, name, pub, err);
	else
		rc = parse_der(buf, len, name, pub, err);
	/* What the decoders tried and failed is no error of the caller's. */
	ERR_clear_error();
	return rc;
}

/* What a file that is not a regular one is, for the message. */
static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/*
 * Reads fd to its end into buf (cap bytes).  Returns the length, at most
 * cap (cap itself: the file may be larger), or -1 with errno set.
 */
static ssize_t
read_all(int fd, uint8_t *buf, size_t cap)
{
	size_t len = 0;
	ssize_t n;

	while (len < cap) {
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

/* Opens path for reading if it is a regular file.  Returns the fd, or -1 with err set. */
static int
open_regular(const char *path, struct dp_err *err)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: opening a FIFO with no writer must not wait for one. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1) {
		dp_err_set(err, "%.*s: cannot open: %s", KEY_NAME_SHOWN, path,
		    strerror(errno));
		return usage_err(err);
	}
	if (fstat(fd, &st) == -1) {
		dp_err_set(err, "%.*s: %s", KEY_NAME_SHOWN, path, strerror(errno));
		close(fd);
		return usage_err(err);
	}
	if (!S_ISREG(st.st_mode)) {
		dp_err_set(err, "%.*s: %s, not a key file", KEY_NAME_SHOWN, path,
		    file_kind(st.st_mode));
		close(fd);
		return usage_err(err);
	}
	return fd;
}

int
dp_key_load(const char *path, EVP_PKEY **pub, struct dp_err *err)
{
	/* One more than allowed tells "too large" from "exactly the bound". */
	const size_t cap = DP_KEY_FILE_MAX + 1;
	uint8_t *buf = NULL;
	ssize_t len;
	int fd, rc = -1;

	*pub = NULL;
	if ((fd = open_regular(path, err)) == -1)
		return -1;
	if ((buf = malloc(cap)) == NULL) {
		dp_err_set(err, "out of memory");
		goto out;
	}
	if ((len = read_all(fd, buf, cap)) == -1) {
		dp_err_set(err, "%.*s: read error: %s", KEY_NAME_SHOWN, path,
		    strerror(errno));
		usage_err(err);
		goto out;
	}
	rc = dp_key_parse(buf, (size_t)len, path, pub, err);
out:
	if (buf != NULL) {
		/* The whole buffer: a private key leaves nothing behind. */
		OPENSSL_cleanse(buf, cap);
		free(buf);
	}
	close(fd);
	return rc;
}
