/*
 * chainfile.h: a certificate chain from a file (verify --chain, tlsa
 * --cert/--chain): PEM, leaf first and then the intermediates in the
 * order servers send them, with any text between the blocks (the output
 * of "openssl s_client -showcerts", a --save-chain file); or one DER
 * certificate; "-" is standard input.
 */
#ifndef DP_CHAINFILE_H
#define DP_CHAINFILE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "err.h"

/* Servers send 2 to 4; a bound on what a hostile file makes us parse. */
#define DP_CHAIN_MAX_CERTS	32
/* The file as a whole: 32 certificates of a few KB each, with room for text between. */
#define DP_CHAIN_MAX_OCTETS	(1024 * 1024)

/*
 * Reads path ("-": standard input, waited on at most until deadline_ms of
 * dp_now_ms(), 0: no bound) into a new stack in *chain, leaf first.
 * Refused with a reason (err's kind usage): an unreadable file, a
 * directory or device, more than DP_CHAIN_MAX_OCTETS, no certificate in
 * it, a malformed one, a private key anywhere in it (never copied or
 * echoed), more than DP_CHAIN_MAX_CERTS certificates.  Returns 0 or -1.
 */
int	dp_chain_load(const char *path, uint64_t deadline_ms, STACK_OF(X509) **chain,
	    struct dp_err *err);
/* The same over a buffer already read (the fuzzers, the unit tests); name is for messages. */
int	dp_chain_parse(const uint8_t *buf, size_t len, const char *name,
	    STACK_OF(X509) **chain, struct dp_err *err);
void	dp_chain_free(STACK_OF(X509) *chain);

#endif
