/*
 * starttls.h: the plaintext prelude of STARTTLS protocols.  One small
 * state machine per dialect, behind one table; the probe (tls.c) drives
 * them over non-blocking buffered I/O (io.c) inside the check's deadline.
 */
#ifndef DP_STARTTLS_H
#define DP_STARTTLS_H

#include <stdbool.h>

#include "io.h"

/* Lines in one (multi-line) reply; an endless reply is refused after this many. */
#define DP_MAX_REPLY_LINES	100

enum dp_step {
	DP_STEP_MORE = 0,	/* waiting for input */
	DP_STEP_TLS,		/* the server said go: start the handshake */
	DP_STEP_FAIL,		/* see phase and detail */
};

struct dp_starttls {
	const struct dp_dialect	*dialect;
	const char		*host;		/* the server's name (XMPP to=, ...) */
	const char		*helo;		/* our name for EHLO/LHLO */
	int			 state;		/* the dialect's own */
	const char		*phase;		/* banner, capability, command */
	char			 detail[256];
	unsigned		 lines;		/* lines of the current reply */
	bool			 offered;	/* the capability was seen */
	struct dp_iobuf		 in, out;
};

struct dp_dialect {
	const char	*name;
	unsigned	 port;		/* its usual port */
	/* Connected: queue what we say first.  Returns MORE or FAIL. */
	enum dp_step	(*start)(struct dp_starttls *s);
	/* Input arrived in s->in. */
	enum dp_step	(*input)(struct dp_starttls *s);
};

/* The dialect called name, or NULL. */
const struct dp_dialect	*dp_dialect_find(const char *name);
/* "smtp, lmtp, ..." for messages and -h. */
const char		*dp_dialect_names(void);

/* Sets phase and detail (printf) and returns DP_STEP_FAIL. */
enum dp_step	dp_starttls_fail(struct dp_starttls *s, const char *phase,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Queues text; FAIL if it does not fit. */
enum dp_step	dp_starttls_say(struct dp_starttls *s, const char *text);
/* Copies a peer's line into buf as printable ASCII, cut to fit. */
const char	*dp_starttls_quote(const char *line, char *buf, size_t len);
/*
 * Takes the next line; returns its length, -1 when there is none yet, or
 * -2 after setting FAIL (too long, or too many lines in one reply).
 */
ssize_t		dp_starttls_line(struct dp_starttls *s, char *line, size_t len);
/*
 * The end of the prelude: nothing may follow the server's "go ahead" in
 * plaintext (that would be injected into the TLS session's context).
 */
enum dp_step	dp_starttls_go(struct dp_starttls *s);
/* Feeds each whole line in s->in to fn until fn ends the prelude or input runs out. */
enum dp_step	dp_starttls_lines(struct dp_starttls *s,
		    enum dp_step (*fn)(struct dp_starttls *, const char *));
/*
 * A numeric reply line (SMTP, FTP, NNTP): returns its code, 100-599, and
 * sets *last unless it is a "NNN-" continuation; -1 when malformed.
 */
int		dp_reply_code(const char *line, bool *last);

extern const struct dp_dialect dp_dialect_smtp, dp_dialect_lmtp, dp_dialect_imap,
    dp_dialect_pop3, dp_dialect_ftp, dp_dialect_xmpp, dp_dialect_xmpp_server,
    dp_dialect_ldap, dp_dialect_postgres, dp_dialect_sieve, dp_dialect_nntp;

#endif
