/*
 * tls.c: the per-address probe.  A non-blocking connect, then a TLS
 * handshake driven by SSL_connect's WANT_READ/WANT_WRITE on the loop.
 * The handshake only collects the chain; the verdict on it is the
 * caller's, by the same offline verification that "verify" runs
 * (dp_dane_verify_chain), so that a handshake need not wait for the TLSA
 * records.  That is sound: whatever the verification mode, the handshake
 * itself proves that the server holds the leaf's private key (its
 * CertificateVerify, or the key exchange signed with it, is checked
 * against the leaf's public key by the TLS state machine), and the chain
 * judged afterwards is the one that leaf came with.
 * The probe itself has no timer: the check owns one deadline for all of
 * its probes and ends the stragglers with dp_probe_finish, so that a
 * server that never speaks or drips bytes cannot outlast -t.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/err.h>

#include "clock.h"
#include "tls.h"

const char *
dp_probe_phase_name(enum dp_probe_phase phase)
{
	switch (phase) {
	case DP_PHASE_QUEUED:		return "the wait for a connection slot (--per-address)";
	case DP_PHASE_CONNECT:		return "connect";
	case DP_PHASE_STARTTLS:		return "STARTTLS";
	case DP_PHASE_READY:		return "waiting for TLSA records";
	case DP_PHASE_HANDSHAKE:	return "TLS handshake";
	case DP_PHASE_FETCHED:		return "waiting for TLSA records";
	case DP_PHASE_DONE:		break;
	}
	return "done";
}

void
dp_sockaddr_label(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
		snprintf(buf, len, "[%s]:%u", addr, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
		snprintf(buf, len, "%s:%u", addr, ntohs(s4->sin_port));
	}
}

void
dp_probe_close(struct dp_probe *p)
{
	if (p->phase_timer != NULL) {
		event_free(p->phase_timer);
		p->phase_timer = NULL;
	}
	if (p->ev != NULL) {
		event_free(p->ev);
		p->ev = NULL;
	}
	if (p->ssl != NULL) {
		SSL_free(p->ssl);
		p->ssl = NULL;
	}
	if (p->fd != -1) {
		close(p->fd);
		p->fd = -1;
	}
	free(p->starttls);
	p->starttls = NULL;
}

void
dp_probe_finish(struct dp_probe *p, enum dp_reason reason, const char *detail)
{
	if (p->phase == DP_PHASE_DONE)
		return;
	/* Ended in the prelude (a deadline): say where it was. */
	if (p->phase == DP_PHASE_STARTTLS && p->starttls != NULL && p->starttls_phase == NULL)
		p->starttls_phase = p->starttls->phase;
	/* Past the prelude, a failure is the handshake's (garbage, a close, a stall). */
	if (p->phase == DP_PHASE_HANDSHAKE && p->dialect != NULL)
		p->starttls_phase = "handshake";
	p->facts.reason = reason;
	if (detail != NULL)
		snprintf(p->facts.detail, sizeof(p->facts.detail), "%s", detail);
	p->phase = DP_PHASE_DONE;
	dp_probe_close(p);
	p->cb(p, p->arg);
}

static void
phase_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dp_probe *p = arg;
	char detail[128];
	bool connecting = p->phase == DP_PHASE_CONNECT;

	snprintf(detail, sizeof(detail), "during %s, after %.1f s (%s)",
	    dp_probe_phase_name(p->phase), (connecting ? p->connect_limit_ms :
	    p->handshake_limit_ms) / 1000.0, connecting ? "--connect-timeout" :
	    "--handshake-timeout");
	dp_probe_finish(p, DP_R_TIMEOUT, detail);
}

/*
 * Arms the bound of the phase that starts (limit 0: none), or stops it.
 * The target's and the run's deadlines bound every phase regardless.
 */
static void
phase_limit(struct dp_probe *p, unsigned limit_ms)
{
	struct timeval tv = { limit_ms / 1000, (limit_ms % 1000) * 1000 };

	if (p->phase_timer != NULL)
		evtimer_del(p->phase_timer);
	if (limit_ms == 0)
		return;
	if (p->phase_timer == NULL &&
	    (p->phase_timer = evtimer_new(p->base, phase_timer_cb, p)) == NULL)
		return;		/* without memory, the target's bound still holds */
	evtimer_add(p->phase_timer, &tv);
}

static int
probe_watch(struct dp_probe *p, short what, event_callback_fn fn)
{
	if (p->ev != NULL)
		event_free(p->ev);
	if ((p->ev = event_new(p->base, p->fd, what, fn, p)) == NULL ||
	    event_add(p->ev, NULL) == -1)
		return -1;
	return 0;
}

/* What a finished handshake leaves: the chain as presented, the version and cipher. */
static void
read_session(SSL *ssl, struct dp_tls_facts *facts)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	const char *cipher = SSL_get_cipher_name(ssl);

	snprintf(facts->version, sizeof(facts->version), "%s", SSL_get_version(ssl));
	snprintf(facts->cipher, sizeof(facts->cipher), "%s", cipher ? cipher : "");
	/* Ours after the connection is freed. */
	if (chain != NULL)
		facts->chain = X509_chain_up_ref(chain);
}

static void
handshake_step(evutil_socket_t fd, short what, void *arg)
{
	struct dp_probe *p = arg;
	char buf[256];
	unsigned long e;
	int rc, serr;

	ERR_clear_error();
	if ((rc = SSL_connect(p->ssl)) == 1) {
		p->handshake_ms = dp_now_ms() - p->started_ms - p->connect_ms;
		read_session(p->ssl, &p->facts);
		p->phase = DP_PHASE_FETCHED;
		/* A polite close; nothing more is sent, and the verdict does not depend on it. */
		SSL_shutdown(p->ssl);
		dp_probe_close(p);
		p->cb(p, p->arg);
		return;
	}
	serr = SSL_get_error(p->ssl, rc);
	if (serr == SSL_ERROR_WANT_READ || serr == SSL_ERROR_WANT_WRITE) {
		if (probe_watch(p, serr == SSL_ERROR_WANT_READ ? EV_READ : EV_WRITE,
		    handshake_step) == -1)
			dp_probe_finish(p, DP_R_INTERNAL, "cannot watch the socket");
		return;
	}
	if ((e = ERR_peek_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		dp_probe_finish(p, DP_R_HANDSHAKE_FAILED, ERR_reason_error_string(e) ?
		    ERR_reason_error_string(e) : buf);
	} else if (serr == SSL_ERROR_SYSCALL && errno != 0) {
		snprintf(buf, sizeof(buf), "%s", strerror(errno));
		dp_probe_finish(p, DP_R_HANDSHAKE_FAILED, buf);
	} else
		dp_probe_finish(p, DP_R_HANDSHAKE_FAILED,
		    "the server closed the connection during the handshake");
	ERR_clear_error();
}

void
dp_probe_handshake(struct dp_probe *p, SSL *ssl)
{
	const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

	snprintf(p->sni, sizeof(p->sni), "%s", sni != NULL ? sni : "");
	p->ssl = ssl;
	p->phase = DP_PHASE_HANDSHAKE;
	phase_limit(p, p->handshake_limit_ms);
	if (SSL_set_fd(ssl, p->fd) != 1) {
		dp_probe_finish(p, DP_R_INTERNAL, "cannot attach TLS to the socket");
		return;
	}
	handshake_step(p->fd, 0, p);
}

void
dp_probe_judged(struct dp_probe *p)
{
	if (p->phase != DP_PHASE_FETCHED)
		return;
	p->phase = DP_PHASE_DONE;
	p->cb(p, p->arg);
}

int
dp_probe_reconnect(struct dp_probe *p)
{
	dp_tls_facts_clear(&p->facts);
	p->sni[0] = '\0';
	p->connect_ms = p->handshake_ms = 0;
	if (p->starttls_dialect != NULL) {
		/* The prelude runs again from its start. */
		const struct dp_dialect *d = p->starttls_dialect;

		free(p->starttls);
		if ((p->starttls = calloc(1, sizeof(*p->starttls))) == NULL) {
			p->facts.reason = DP_R_INTERNAL;
			p->phase = DP_PHASE_DONE;
			return -1;
		}
		p->starttls->dialect = d;
		p->starttls->host = p->starttls_host;
		p->starttls->helo = p->starttls_helo;
		p->starttls->phase = "banner";
		p->starttls_phase = NULL;
	}
	p->phase = DP_PHASE_QUEUED;
	return dp_probe_connect(p);
}

static void	starttls_io(evutil_socket_t fd, short what, void *arg);

static void
starttls_failed(struct dp_probe *p, const char *phase, const char *detail)
{
	char buf[sizeof(p->facts.detail)];

	p->starttls_phase = phase;
	snprintf(buf, sizeof(buf), "%s %s: %.200s", p->starttls->dialect->name, phase, detail);
	dp_probe_finish(p, DP_R_STARTTLS_FAILED, buf);
}

/* Acts on what the dialect said: wait for more, fail, or hand over to TLS. */
static void
starttls_advance(struct dp_probe *p, enum dp_step step)
{
	struct dp_starttls *st = p->starttls;
	enum dp_io_status ws;

	if (step == DP_STEP_FAIL) {
		starttls_failed(p, st->phase, st->detail);
		return;
	}
	if ((ws = dp_io_flush(p->fd, &st->out)) == DP_IO_ERROR) {
		starttls_failed(p, st->phase, strerror(errno));
		return;
	}
	if (step == DP_STEP_TLS && st->out.len == 0) {
		p->starttls_phase = "done";
		if (p->ev != NULL) {
			event_free(p->ev);
			p->ev = NULL;
		}
		p->phase = DP_PHASE_READY;
		phase_limit(p, 0);	/* waiting for the TLSA records is the target's */
		p->cb(p, p->arg);
		return;
	}
	if (probe_watch(p, st->out.len > 0 ? EV_WRITE : EV_READ, starttls_io) == -1)
		dp_probe_finish(p, DP_R_INTERNAL, "cannot watch the socket");
}

static void
starttls_io(evutil_socket_t fd, short what, void *arg)
{
	struct dp_probe *p = arg;
	struct dp_starttls *st = p->starttls;

	if (st->out.len > 0) {
		starttls_advance(p, DP_STEP_MORE);
		return;
	}
	switch (dp_io_fill(p->fd, &st->in)) {
	case DP_IO_OK:
		starttls_advance(p, st->dialect->input(st));
		return;
	case DP_IO_AGAIN:
		starttls_advance(p, DP_STEP_MORE);
		return;
	case DP_IO_EOF:
		starttls_failed(p, st->phase, "the server closed the connection");
		return;
	case DP_IO_FULL:
		starttls_failed(p, st->phase, "the server sent too much without an answer");
		return;
	default:
		starttls_failed(p, st->phase, strerror(errno));
		return;
	}
}

static void
connect_done(evutil_socket_t fd, short what, void *arg)
{
	struct dp_probe *p = arg;
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1)
		soerr = errno;
	if (soerr != 0) {
		/* "connection refused" says it all; other errors need their errno text. */
		dp_probe_finish(p, soerr == ECONNREFUSED ? DP_R_CONNECT_REFUSED :
		    DP_R_CONNECT_FAILED, soerr == ECONNREFUSED ? NULL : strerror(soerr));
		return;
	}
	event_free(p->ev);
	p->ev = NULL;
	p->connect_ms = dp_now_ms() - p->started_ms;
	phase_limit(p, 0);
	if (p->starttls != NULL) {
		p->phase = DP_PHASE_STARTTLS;
		phase_limit(p, p->handshake_limit_ms);
		starttls_advance(p, p->starttls->dialect->start(p->starttls));
		return;
	}
	p->phase = DP_PHASE_READY;
	p->cb(p, p->arg);
}

void
dp_probe_prepare(struct dp_probe *p, struct event_base *base,
    const struct sockaddr *sa, socklen_t salen,
    const struct dp_dialect *dialect, const char *host, const char *helo,
    unsigned connect_limit_ms, unsigned handshake_limit_ms,
    dp_probe_cb *cb, void *arg)
{
	memset(p, 0, sizeof(*p));
	p->base = base;
	p->fd = -1;
	p->connect_limit_ms = connect_limit_ms;
	p->handshake_limit_ms = handshake_limit_ms;
	p->cb = cb;
	p->arg = arg;
	p->facts.match.depth = -1;
	p->family = sa->sa_family;
	memcpy(&p->ss, sa, salen);
	p->sslen = salen;
	p->started_ms = dp_now_ms();
	dp_sockaddr_label(&p->ss, p->label, sizeof(p->label));
	p->phase = DP_PHASE_QUEUED;
	if (dialect == NULL)
		return;
	if ((p->starttls = calloc(1, sizeof(*p->starttls))) == NULL) {
		p->facts.reason = DP_R_INTERNAL;
		p->phase = DP_PHASE_DONE;
		return;
	}
	p->starttls->dialect = dialect;
	p->dialect = dialect->name;
	p->starttls->host = host;
	p->starttls->helo = helo;
	p->starttls->phase = "banner";
	/* Kept for a second connection (dp_probe_reconnect), as dp_probe_close frees starttls. */
	p->starttls_dialect = dialect;
	p->starttls_host = host;
	p->starttls_helo = helo;
}

int
dp_probe_connect(struct dp_probe *p)
{
	if (p->phase != DP_PHASE_QUEUED)
		return -1;
	p->phase = DP_PHASE_CONNECT;
	/* Its time counts from the connect, not from the wait for a slot. */
	p->started_ms = dp_now_ms();
	p->fd = socket(p->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd == -1) {
		snprintf(p->facts.detail, sizeof(p->facts.detail), "socket: %s",
		    strerror(errno));
		p->facts.reason = DP_R_CONNECT_FAILED;
		p->phase = DP_PHASE_DONE;
		return -1;
	}
	if (connect(p->fd, (struct sockaddr *)&p->ss, p->sslen) == -1 &&
	    errno != EINPROGRESS) {
		p->facts.reason = errno == ECONNREFUSED ? DP_R_CONNECT_REFUSED :
		    DP_R_CONNECT_FAILED;
		if (errno != ECONNREFUSED)
			snprintf(p->facts.detail, sizeof(p->facts.detail), "%s",
			    strerror(errno));
		p->phase = DP_PHASE_DONE;
		dp_probe_close(p);
		return -1;
	}
	if (probe_watch(p, EV_WRITE, connect_done) == -1) {
		p->facts.reason = DP_R_INTERNAL;
		p->phase = DP_PHASE_DONE;
		dp_probe_close(p);
		return -1;
	}
	phase_limit(p, p->connect_limit_ms);
	return 0;
}
