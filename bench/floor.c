/*
 * floor: the least work a DANE check of one TLS endpoint can do.
 *
 *   floor ADDRESS PORT "U S M HEX" [SNI]
 *
 * Connects (blocking) to ADDRESS:PORT, does ONE TLS handshake with OpenSSL's
 * DANE verification against the single TLSA record given on the command line
 * (DANE_FLAG_NO_DANE_EE_NAMECHECKS), sends close_notify and exits 0 if the
 * handshake verified, 1 otherwise. No DNS at all: ADDRESS must be numeric.
 * The benchmark uses it as the floor that no real DANE checker (which must
 * also fetch and validate the TLSA records) can go below.
 *
 * Build: cc -O2 bench/floor.c -o bench/floor -lssl -lcrypto
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

static int die(const char *what)
{
	fprintf(stderr, "floor: %s\n", what);
	ERR_print_errors_fp(stderr);
	return 1;
}

/* "3 1 1 ABCD..." -> usage, selector, mtype and the decoded data. */
static int parse_tlsa(const char *s, unsigned *u, unsigned *sel, unsigned *mt,
                      unsigned char **data, size_t *len)
{
	int off = 0;
	if (sscanf(s, "%u %u %u %n", u, sel, mt, &off) != 3 || off == 0)
		return -1;
	s += off;
	size_t n = strlen(s);
	if (n == 0 || n % 2 != 0 || *u > 255 || *sel > 255 || *mt > 255)
		return -1;
	*data = malloc(n / 2);
	if (*data == NULL)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned b;
		if (sscanf(s + 2 * i, "%2x", &b) != 1) {
			free(*data);
			return -1;
		}
		(*data)[i] = (unsigned char)b;
	}
	*len = n / 2;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: floor ADDRESS PORT \"U S M HEX\" [SNI]\n");
		return 2;
	}
	const char *addr = argv[1], *port = argv[2];
	const char *sni = argc > 4 ? argv[4] : NULL;
	unsigned u, sel, mt;
	unsigned char *data;
	size_t len;
	if (parse_tlsa(argv[3], &u, &sel, &mt, &data, &len) != 0) {
		fprintf(stderr, "floor: bad TLSA record \"%s\"\n", argv[3]);
		return 2;
	}

	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
	                          .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	if (getaddrinfo(addr, port, &hints, &ai) != 0) {
		fprintf(stderr, "floor: not a numeric address/port: %s %s\n", addr, port);
		return 2;
	}
	int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		perror("floor: connect");
		return 1;
	}
	freeaddrinfo(ai);

	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL || SSL_CTX_dane_enable(ctx) <= 0)
		return die("SSL_CTX_new/SSL_CTX_dane_enable failed");
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

	SSL *ssl = SSL_new(ctx);
	if (ssl == NULL)
		return die("SSL_new failed");
	if (sni != NULL && !SSL_set_tlsext_host_name(ssl, sni))
		return die("SNI failed");
	/* The base domain only matters for name checks, which DANE-EE skips. */
	if (SSL_dane_enable(ssl, sni != NULL ? sni : addr) <= 0)
		return die("SSL_dane_enable failed");
	SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	if (SSL_dane_tlsa_add(ssl, (uint8_t)u, (uint8_t)sel, (uint8_t)mt, data, len) <= 0)
		return die("TLSA record not usable");
	free(data);
	if (!SSL_set_fd(ssl, fd))
		return die("SSL_set_fd failed");

	if (SSL_connect(ssl) != 1) {
		long v = SSL_get_verify_result(ssl);
		fprintf(stderr, "floor: %s:%s: handshake failed: %s\n", addr, port,
		        X509_verify_cert_error_string(v));
		ERR_print_errors_fp(stderr);
		return 1;
	}
	int depth = SSL_get0_dane_authority(ssl, NULL, NULL);
	if (SSL_get_verify_result(ssl) != X509_V_OK || depth < 0) {
		fprintf(stderr, "floor: %s:%s: not DANE-verified\n", addr, port);
		return 1;
	}
	printf("%s:%s: verified (TLSA %u %u %u matched at depth %d)\n", addr, port,
	       u, sel, mt, depth);
	SSL_shutdown(ssl);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	return 0;
}
