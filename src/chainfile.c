/*
 * chainfile.c: a certificate chain from a file.  OpenSSL decodes; this
 * file only finds the certificates and refuses what is not a chain:
 * PEM blocks are walked one by one with PEM_read_bio (so a private key
 * block is seen and refused instead of silently skipped, as
 * PEM_read_bio_X509 would), and a file with no PEM block is one DER
 * certificate, which must be all of the file.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "chainfile.h"
#include "clock.h"

/* The file is the user's to fix: a usage error (exit 64), not ours. */
#define REFUSE(err, ...)	(dp_err_set((err), __VA_ARGS__), dp_err_kind((err), DP_ERR_USAGE))

void
dp_chain_free(STACK_OF(X509) *chain)
{
	if (chain != NULL)
		sk_X509_pop_free(chain, X509_free);
}

/* Waits for fd to be readable until deadline_ms (0: no bound).  Returns 0 or -1 (time is up). */
static int
wait_readable(int fd, uint64_t deadline_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t now;
	int ms, rc;

	for (;;) {
		ms = -1;
		if (deadline_ms != 0) {
			now = dp_now_ms();
			if (now >= deadline_ms)
				return -1;
			ms = deadline_ms - now > 60000 ? 60000 : (int)(deadline_ms - now);
		}
		rc = poll(&pfd, 1, ms);
		if (rc > 0)
			return 0;
		if (rc == -1 && errno != EINTR)
			return 0;	/* read() says what is wrong */
	}
}

/*
 * Reads all of fd, at most DP_CHAIN_MAX_OCTETS.  A pipe or terminal is
 * waited on within the deadline: -t bounds the run, even a slow writer.
 */
static int
read_all(int fd, const char *name, bool waits, uint64_t deadline_ms, uint8_t **out,
    size_t *outlen, struct dp_err *err)
{
	size_t cap = 16384, len = 0;
	uint8_t *buf, *nbuf;
	ssize_t n;

	if ((buf = malloc(cap)) == NULL)
		return dp_err_set(err, "out of memory");
	for (;;) {
		if (len == cap) {
			if (cap > DP_CHAIN_MAX_OCTETS) {
				free(buf);
				return REFUSE(err, "%s: larger than %d octets: not a certificate chain",
				    name, DP_CHAIN_MAX_OCTETS);
			}
			if ((nbuf = realloc(buf, cap * 2)) == NULL) {
				free(buf);
				return dp_err_set(err, "out of memory");
			}
			buf = nbuf;
			cap *= 2;
		}
		if (waits && wait_readable(fd, deadline_ms) == -1) {
			free(buf);
			return REFUSE(err, "%s: not complete before the deadline (-t)", name);
		}
		n = read(fd, buf + len, cap - len);
		if (n == 0)
			break;
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1) {
			free(buf);
			return REFUSE(err, "%s: cannot read: %m", name);
		}
		len += (size_t)n;
	}
	if (len > DP_CHAIN_MAX_OCTETS) {
		free(buf);
		return REFUSE(err, "%s: larger than %d octets: not a certificate chain", name,
		    DP_CHAIN_MAX_OCTETS);
	}
	*out = buf;
	*outlen = len;
	return 0;
}

int
dp_chain_load(const char *path, uint64_t deadline_ms, STACK_OF(X509) **chain,
    struct dp_err *err)
{
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	bool waits;
	int fd, rc = -1;

	*chain = NULL;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1)
		return REFUSE(err, "%s: cannot open: %m", name);
	if (fstat(fd, &st) == -1) {
		REFUSE(err, "%s: %m", name);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		REFUSE(err, "%s: a directory, not a certificate file", name);
		goto out;
	}
	waits = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
	    (S_ISCHR(st.st_mode) && isatty(fd));
	if (!waits && !S_ISREG(st.st_mode)) {
		REFUSE(err, "%s: a device, not a certificate file", name);
		goto out;
	}
	/* A regular file never blocks; a pipe is polled, so the fd may stay non-blocking. */
	if (read_all(fd, name, waits, deadline_ms, &buf, &len, err) == -1)
		goto out;
	rc = dp_chain_parse(buf, len, name, chain, err);
out:
	if (buf != NULL) {
		/* A file that holds a private key is refused, and its bytes kept nowhere. */
		OPENSSL_cleanse(buf, len);
		free(buf);
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

/* The PEM block names of a certificate (RFC 7468 section 5, and OpenSSL's older names). */
static bool
is_cert_label(const char *label)
{
	return strcmp(label, PEM_STRING_X509) == 0 || strcmp(label, PEM_STRING_X509_OLD) == 0 ||
	    strcmp(label, PEM_STRING_X509_TRUSTED) == 0;
}

/* The one DER certificate that makes up the whole of buf. */
static int
parse_der(const uint8_t *buf, size_t len, const char *name, STACK_OF(X509) *chain,
    struct dp_err *err)
{
	const unsigned char *p = buf;
	EVP_PKEY *key;
	X509 *x;

	if (len > LONG_MAX)
		return REFUSE(err, "%s: too large", name);
	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL) {
		p = buf;
		if ((key = d2i_AutoPrivateKey(NULL, &p, (long)len)) != NULL) {
			EVP_PKEY_free(key);
			return REFUSE(err, "%s: a private key, not a certificate", name);
		}
		return REFUSE(err, "%s: no certificate in it (neither PEM nor a DER certificate)",
		    name);
	}
	if (p != buf + len) {
		X509_free(x);
		return REFUSE(err, "%s: a DER certificate followed by %zu octets of something else",
		    name, len - (size_t)(p - buf));
	}
	if (sk_X509_push(chain, x) <= 0) {
		X509_free(x);
		return dp_err_set(err, "out of memory");
	}
	return 0;
}

/* One PEM block's certificate, which must be the whole of the block. */
static int
add_pem_cert(const unsigned char *data, long dlen, const char *name, int nth,
    STACK_OF(X509) *chain, struct dp_err *err)
{
	const unsigned char *p = data;
	X509 *x;

	if (sk_X509_num(chain) >= DP_CHAIN_MAX_CERTS)
		return REFUSE(err, "%s: more than %d certificates: not a chain a server sends",
		    name, DP_CHAIN_MAX_CERTS);
	if ((x = d2i_X509(NULL, &p, dlen)) == NULL || p != data + dlen) {
		X509_free(x);
		return REFUSE(err, "%s: certificate %d is malformed", name, nth);
	}
	if (sk_X509_push(chain, x) <= 0) {
		X509_free(x);
		return dp_err_set(err, "out of memory");
	}
	return 0;
}

static int
parse_pem(const uint8_t *buf, size_t len, const char *name, STACK_OF(X509) *chain,
    struct dp_err *err)
{
	char *label = NULL, *header = NULL;
	unsigned char *data = NULL;
	long dlen = 0;
	BIO *bio;
	int rc = 0, nth = 0;

	if (len > INT_MAX || (bio = BIO_new_mem_buf(buf, (int)len)) == NULL)
		return REFUSE(err, "%s: too large", name);
	for (;;) {
		ERR_clear_error();
		if (PEM_read_bio(bio, &label, &header, &data, &dlen) != 1) {
			/* The end of the blocks, or a block that is broken. */
			if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE)
				rc = REFUSE(err, "%s: PEM block %d is malformed", name, nth + 1);
			break;
		}
		nth++;
		if (strstr(label, "PRIVATE KEY") != NULL)
			rc = REFUSE(err, "%s: PEM block %d is a private key, not a certificate "
			    "(it is not read further)", name, nth);
		else if (is_cert_label(label))
			rc = add_pem_cert(data, dlen, name, sk_X509_num(chain) + 1, chain, err);
		/* Other blocks (parameters, a CSR) are not ours to judge: skipped. */
		OPENSSL_cleanse(data, (size_t)dlen);
		OPENSSL_free(label);
		OPENSSL_free(header);
		OPENSSL_free(data);
		label = header = NULL;
		data = NULL;
		if (rc == -1)
			break;
	}
	ERR_clear_error();
	BIO_free(bio);
	if (rc == 0 && sk_X509_num(chain) == 0)
		rc = REFUSE(err, "%s: no certificate in it%s", name,
		    nth > 0 ? " (its PEM blocks are of other kinds)" : "");
	return rc;
}

/* True when buf holds a PEM start line anywhere (text may come before it). */
static bool
has_pem(const uint8_t *buf, size_t len)
{
	static const char mark[] = "-----BEGIN ";

	return len >= sizeof(mark) - 1 && memmem(buf, len, mark, sizeof(mark) - 1) != NULL;
}

int
dp_chain_parse(const uint8_t *buf, size_t len, const char *name, STACK_OF(X509) **chain,
    struct dp_err *err)
{
	STACK_OF(X509) *sk;
	int rc;

	*chain = NULL;
	if (len == 0)
		return REFUSE(err, "%s: empty: no certificate in it", name);
	if ((sk = sk_X509_new_null()) == NULL)
		return dp_err_set(err, "out of memory");
	rc = has_pem(buf, len) ? parse_pem(buf, len, name, sk, err) :
	    parse_der(buf, len, name, sk, err);
	ERR_clear_error();
	if (rc == -1) {
		dp_chain_free(sk);
		return -1;
	}
	*chain = sk;
	return 0;
}
