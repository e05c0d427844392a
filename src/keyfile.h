/*
 * keyfile.h: a public key from a key file (tlsa --key): a public or a
 * private key, PEM or DER; only its public part is kept.
 */
#ifndef DP_KEYFILE_H
#define DP_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "err.h"

/*
 * A key file is a few KB (an RSA-16384 private key in PEM is under 13
 * KB); 64 KiB says "wrong file" beyond that, and bounds what we hold.
 */
#define DP_KEY_FILE_MAX		(64 * 1024)

/*
 * Reads path, a regular file of at most DP_KEY_FILE_MAX bytes, and sets
 * *pub to a new key holding only the public key (EVP_PKEY_free it).
 * Taken: PEM "PUBLIC KEY", "RSA PUBLIC KEY", "PRIVATE KEY", "RSA PRIVATE
 * KEY", "EC PRIVATE KEY" (other PEM blocks, such as a certificate, are
 * skipped), or DER SubjectPublicKeyInfo, PKCS#8 or a traditional private
 * key.  A private key is freed as soon as its public key is copied, and
 * every buffer that held the file is cleansed.  Refused (kind usage): a
 * directory, FIFO, device or socket; a file too large or empty; an
 * encrypted private key (never a passphrase prompt); a certificate ("a
 * certificate, not a key: use --cert"); anything else.  A message names
 * the file, never its bytes.  Returns 0, or -1 with err set.
 */
int	dp_key_load(const char *path, EVP_PKEY **pub, struct dp_err *err);

/*
 * The same over len bytes already read (tests, fuzzers); name is for
 * messages.  buf stays the caller's, to cleanse.  Returns 0 or -1.
 */
int	dp_key_parse(const uint8_t *buf, size_t len, const char *name,
	    EVP_PKEY **pub, struct dp_err *err);

#endif
