/*
 * batchfloor: the least work a batch of DANE checks can do.
 *
 *   batchfloor LIST "U S M HEX" [CONCURRENCY [TIMEOUT]]
 *
 * LIST has one endpoint a line, "ADDRESS PORT [SNI]" (numeric address and
 * port; "-" reads stdin). For each endpoint: a non-blocking connect and ONE
 * TLS handshake with OpenSSL's DANE verification against the single TLSA
 * record given (DANE_FLAG_NO_DANE_EE_NAMECHECKS; SNI when given), then
 * close_notify and close. CONCURRENCY (default 64) handshakes are in flight
 * at a time, one poll(2) loop, one process; the list is read as slots free
 * up, so memory does not grow with it. No DNS, no sessions resumed, no
 * output per endpoint. It prints "batchfloor: V of T verified" and exits 0
 * if all T verified, 1 otherwise (the first few failures go to stderr), 2 on
 * bad arguments. Each endpoint gets TIMEOUT seconds (default 10) from its
 * connect.
 *
 * bench/batch.sh uses it as the floor for `daneprobe check -f`: the same
 * handshakes at the same concurrency, without fetching or validating any
 * DNS record.
 *
 * Build: cc -O2 bench/batchfloor.c -o bench/batchfloor -lssl -lcrypto
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#define MAX_FAILS_SHOWN 10

struct endpoint {
	struct sockaddr_storage sa;
	socklen_t salen;
	char label[300]; /* "ADDRESS PORT" for messages */
	char sni[256];   /* "": none */
};

struct list {
	FILE *f;
	const char *path;
	size_t lineno;
};

struct tlsa {
	unsigned u, sel, mt;
	unsigned char *data;
	size_t len;
};

enum cstate { C_FREE, C_CONNECTING, C_HANDSHAKE };

struct conn {
	enum cstate st;
	int fd;
	SSL *ssl;
	struct endpoint ep;
	long long deadline_ms;
};

static size_t nfails;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "3 1 1 ABCD..." -> usage, selector, mtype and the decoded data. */
static int parse_tlsa(const char *s, struct tlsa *t)
{
	int off = 0;
	if (sscanf(s, "%u %u %u %n", &t->u, &t->sel, &t->mt, &off) != 3 || off == 0)
		return -1;
	s += off;
	size_t n = strlen(s);
	if (n == 0 || n % 2 != 0 || t->u > 255 || t->sel > 255 || t->mt > 255)
		return -1;
	if ((t->data = malloc(n / 2)) == NULL)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned b;
		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		t->data[i] = (unsigned char)b;
	}
	t->len = n / 2;
	return 0;
}

/* The next endpoint of the list: 1, 0 at its end, -1 on a bad line. */
static int next_endpoint(struct list *l, struct endpoint *e)
{
	char line[1024], addr[256], port[16];
	while (fgets(line, sizeof line, l->f) != NULL) {
		l->lineno++;
		e->sni[0] = '\0';
		int k = sscanf(line, "%255s %15s %255s", addr, port, e->sni);
		if (k <= 0 || addr[0] == '#')
			continue;
		struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
		                          .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
		struct addrinfo *ai;
		if (k < 2 || getaddrinfo(addr, port, &hints, &ai) != 0) {
			fprintf(stderr, "batchfloor: %s:%zu: want ADDRESS PORT [SNI], numeric\n",
			        l->path, l->lineno);
			return -1;
		}
		memcpy(&e->sa, ai->ai_addr, ai->ai_addrlen);
		e->salen = ai->ai_addrlen;
		freeaddrinfo(ai);
		snprintf(e->label, sizeof e->label, "%s %s", addr, port);
		return 1;
	}
	return 0;
}

static void fail(const struct endpoint *e, const char *why)
{
	if (nfails++ < MAX_FAILS_SHOWN)
		fprintf(stderr, "batchfloor: %s: %s\n", e->label, why);
	ERR_clear_error();
}

static void conn_close(struct conn *c)
{
	if (c->ssl != NULL)
		SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	c->ssl = NULL;
	c->fd = -1;
	c->st = C_FREE;
}

/* Starts a non-blocking connect to c->ep; on failure the slot stays free. */
static void conn_start(struct conn *c, int timeout_s)
{
	const struct endpoint *e = &c->ep;
	c->ssl = NULL;
	c->fd = socket(e->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		fail(e, strerror(errno));
		c->st = C_FREE;
		return;
	}
	c->deadline_ms = now_ms() + 1000LL * timeout_s;
	c->st = C_CONNECTING;
	if (connect(c->fd, (const struct sockaddr *)&e->sa, e->salen) != 0 &&
	    errno != EINPROGRESS) {
		fail(e, strerror(errno));
		conn_close(c);
	}
}

/* The connection is up: a DANE-enabled SSL for it. */
static int tls_start(struct conn *c, SSL_CTX *ctx, const struct endpoint *e,
                     const struct tlsa *t)
{
	const char *base = e->sni[0] != '\0' ? e->sni : e->label;
	c->ssl = SSL_new(ctx);
	if (c->ssl == NULL ||
	    (e->sni[0] != '\0' && !SSL_set_tlsext_host_name(c->ssl, e->sni)) ||
	    SSL_dane_enable(c->ssl, base) <= 0)
		return -1;
	SSL_dane_set_flags(c->ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	if (SSL_dane_tlsa_add(c->ssl, (uint8_t)t->u, (uint8_t)t->sel, (uint8_t)t->mt,
	                      t->data, t->len) <= 0 ||
	    !SSL_set_fd(c->ssl, c->fd))
		return -1;
	SSL_set_connect_state(c->ssl);
	c->st = C_HANDSHAKE;
	return 0;
}

/* One handshake step. Returns 1 verified, 0 in progress, -1 failed. */
static int tls_step(struct conn *c, const struct endpoint *e, short *events)
{
	ERR_clear_error();
	int r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		if (SSL_get_verify_result(c->ssl) != X509_V_OK ||
		    SSL_get0_dane_authority(c->ssl, NULL, NULL) < 0) {
			fail(e, "not DANE-verified");
			return -1;
		}
		/* close_notify, as a polite client would; no waiting for the reply. */
		SSL_shutdown(c->ssl);
		return 1;
	}
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		*events = POLLIN;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		*events = POLLOUT;
		return 0;
	default: {
		long v = SSL_get_verify_result(c->ssl);
		fail(e, v != X509_V_OK ? X509_verify_cert_error_string(v) : "handshake failed");
		return -1;
	}
	}
}

/* The connect finished (or failed): check it, then start TLS. */
static int on_connected(struct conn *c, SSL_CTX *ctx, const struct endpoint *e,
                        const struct tlsa *t, short *events)
{
	int err = 0;
	socklen_t len = sizeof err;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err != 0) {
		fail(e, strerror(err));
		return -1;
	}
	if (tls_start(c, ctx, e, t) != 0) {
		fail(e, "SSL set-up failed");
		return -1;
	}
	return tls_step(c, e, events);
}

static SSL_CTX *make_ctx(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL || SSL_CTX_dane_enable(ctx) <= 0)
		return NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	/* Every handshake a full one, as for independent checks. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	return ctx;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: batchfloor LIST \"U S M HEX\" [CONCURRENCY [TIMEOUT]]\n");
		return 2;
	}
	struct tlsa t;
	if (parse_tlsa(argv[2], &t) != 0) {
		fprintf(stderr, "batchfloor: bad TLSA record \"%s\"\n", argv[2]);
		return 2;
	}
	int conc = argc > 3 ? atoi(argv[3]) : 64;
	int timeout_s = argc > 4 ? atoi(argv[4]) : 10;
	if (conc < 1 || conc > 4096 || timeout_s < 1) {
		fprintf(stderr, "batchfloor: CONCURRENCY 1..4096, TIMEOUT >= 1\n");
		return 2;
	}
	struct list l = { .path = argv[1] };
	l.f = strcmp(l.path, "-") == 0 ? stdin : fopen(l.path, "r");
	if (l.f == NULL) {
		perror(l.path);
		return 2;
	}
	SSL_CTX *ctx = make_ctx();
	if (ctx == NULL) {
		fprintf(stderr, "batchfloor: SSL_CTX set-up failed\n");
		ERR_print_errors_fp(stderr);
		return 2;
	}
	struct conn *cs = calloc((size_t)conc, sizeof *cs);
	struct pollfd *pfd = calloc((size_t)conc, sizeof *pfd);
	if (cs == NULL || pfd == NULL) {
		perror("batchfloor");
		return 2;
	}
	for (int i = 0; i < conc; i++) {
		cs[i].fd = -1;
		pfd[i].fd = -1;
	}

	size_t total = 0, verified = 0, active = 0;
	int more = 1, rc = 0;
	for (;;) {
		/* Fill the free slots from the list. */
		for (int i = 0; i < conc && more; i++) {
			if (cs[i].st != C_FREE)
				continue;
			if ((more = next_endpoint(&l, &cs[i].ep)) < 0) {
				rc = 2;
				goto out;
			}
			if (!more)
				break;
			total++;
			conn_start(&cs[i], timeout_s);
			if (cs[i].st != C_FREE) {
				pfd[i].fd = cs[i].fd;
				pfd[i].events = POLLOUT;
			}
		}
		active = 0;
		long long first = -1;
		for (int i = 0; i < conc; i++) {
			if (cs[i].st == C_FREE) {
				pfd[i].fd = -1;
				continue;
			}
			active++;
			if (first < 0 || cs[i].deadline_ms < first)
				first = cs[i].deadline_ms;
		}
		if (active == 0) {
			if (!more)
				break;
			continue; /* every start failed at once: refill */
		}
		long long wait = first - now_ms();
		int n = poll(pfd, (nfds_t)conc, wait < 0 ? 0 : (int)wait);
		if (n < 0 && errno != EINTR) {
			perror("batchfloor: poll");
			rc = 2;
			goto out;
		}
		long long now = now_ms();
		for (int i = 0; i < conc; i++) {
			struct conn *c = &cs[i];
			const struct endpoint *e = &c->ep;
			int r = 0;
			if (c->st == C_FREE)
				continue;
			if (n > 0 && pfd[i].revents != 0) {
				short ev = pfd[i].events;
				if (c->st == C_CONNECTING)
					r = on_connected(c, ctx, e, &t, &ev);
				else
					r = tls_step(c, e, &ev);
				pfd[i].events = ev;
			} else if (now >= c->deadline_ms) {
				fail(e, "timeout");
				r = -1;
			}
			if (r != 0) {
				verified += r > 0;
				conn_close(c);
				pfd[i].fd = -1;
			}
		}
	}
	if (nfails > MAX_FAILS_SHOWN)
		fprintf(stderr, "batchfloor: ... %zu failures in all\n", nfails);
	printf("batchfloor: %zu of %zu verified\n", verified, total);
	rc = verified == total ? 0 : 1;
out:
	for (int i = 0; i < conc; i++)
		if (cs[i].st != C_FREE)
			conn_close(&cs[i]);
	if (l.f != stdin)
		fclose(l.f);
	SSL_CTX_free(ctx);
	free(cs);
	free(pfd);
	free(t.data);
	return rc;
}
