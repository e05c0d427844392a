/*
 * tls.h: one probe per address: a non-blocking TCP connect, the STARTTLS
 * prelude if any, then a TLS handshake that collects the chain; the
 * caller judges the chain (dane.c) once it has the TLSA records.
 */
#ifndef DP_TLS_H
#define DP_TLS_H

#include <sys/socket.h>

#include <stdint.h>

#include <openssl/ssl.h>

#include "dane.h"
#include "starttls.h"

struct event_base;
struct event;

enum dp_probe_phase {
	DP_PHASE_QUEUED = 0,	/* prepared, waiting for a connection slot to its address */
	DP_PHASE_CONNECT,
	DP_PHASE_STARTTLS,	/* the plaintext prelude of a STARTTLS dialect */
	DP_PHASE_READY,		/* connected, waiting for the go-ahead */
	DP_PHASE_HANDSHAKE,
	DP_PHASE_FETCHED,	/* handshake done, connection closed: the chain waits for a verdict */
	DP_PHASE_DONE,
};

struct dp_probe;
/* Called when the probe is READY, when it is FETCHED and when it is DONE. */
typedef void dp_probe_cb(struct dp_probe *p, void *arg);

struct dp_probe {
	struct event_base	*base;
	char			 label[64];	/* "192.0.2.1:443", "[2001:db8::1]:443" */
	int			 family;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 fd;
	SSL			*ssl;
	struct event		*ev;
	enum dp_probe_phase	 phase;
	struct dp_tls_facts	 facts;
	uint64_t		 started_ms;
	uint64_t		 connect_ms;	/* time to connect, 0: not connected */
	uint64_t		 handshake_ms;
	dp_probe_cb		*cb;
	void			*arg;
	struct dp_starttls	*starttls;	/* NULL: TLS from the first octet */
	const char		*dialect;	/* its name, kept after close; NULL: none */
	const char		*starttls_phase; /* where the prelude failed, "done", or NULL */
	/* per-phase bounds (0: none but the target's): --connect-timeout, --handshake-timeout */
	unsigned		 connect_limit_ms, handshake_limit_ms;
	struct event		*phase_timer;
	bool			 slot_held;	/* counted against its caller's per-address limit */
	char			 sni[256];	/* the SNI of its handshake; "" none */
	const struct dp_dialect	*starttls_dialect;	/* for a second connection */
	const char		*starttls_host, *starttls_helo;
};

/*
 * A probe in two steps, so that callers can limit connections per
 * address: prepare (QUEUED, nothing open yet; with a dialect, its prelude
 * runs once connected, host and helo as the dialect needs them), then
 * connect when a slot is free.  dp_probe_connect returns 0, or -1 (p is
 * DONE with the reason).
 */
void	dp_probe_prepare(struct dp_probe *p, struct event_base *base,
	    const struct sockaddr *sa, socklen_t salen,
	    const struct dp_dialect *dialect, const char *host, const char *helo,
	    unsigned connect_limit_ms, unsigned handshake_limit_ms,
	    dp_probe_cb *cb, void *arg);
int	dp_probe_connect(struct dp_probe *p);
/*
 * Starts the handshake of a READY probe; takes ownership of ssl (with its
 * SNI set, which is kept in p->sni).  Once done the probe is FETCHED: its
 * facts hold the chain, TLS version and cipher, and no verdict yet.
 */
void	dp_probe_handshake(struct dp_probe *p, SSL *ssl);
/* A FETCHED probe whose facts now hold the verdict: DONE; calls back. */
void	dp_probe_judged(struct dp_probe *p);
/*
 * A FETCHED probe whose handshake must be redone (its SNI turned out
 * wrong): connects again at once, keeping its connection slot.  Returns
 * 0, or -1 (the probe is DONE with the reason; no call back).
 */
int	dp_probe_reconnect(struct dp_probe *p);
/* Ends a probe that is not DONE with reason (timeout, not checked, ...); calls back. */
void	dp_probe_finish(struct dp_probe *p, enum dp_reason reason, const char *detail);
/* Frees what the probe holds; the facts stay until dp_tls_facts_clear. */
void	dp_probe_close(struct dp_probe *p);
const char	*dp_probe_phase_name(enum dp_probe_phase phase);
/* "192.0.2.1:443" or "[2001:db8::1]:443" into buf. */
void	dp_sockaddr_label(const struct sockaddr_storage *ss, char *buf, size_t len);

#endif
