/*
 * starttls.c: the table of dialects and what they share: bounded line
 * taking, quoting of what the peer said, and the check that no plaintext
 * follows the server's go-ahead (the STARTTLS command injection class of
 * bugs, CVE-2011-0411 and kin).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "starttls.h"

static const struct dp_dialect *const dialects[] = {
	&dp_dialect_smtp, &dp_dialect_lmtp, &dp_dialect_imap, &dp_dialect_pop3,
	&dp_dialect_ftp, &dp_dialect_xmpp, &dp_dialect_xmpp_server,
	&dp_dialect_ldap, &dp_dialect_postgres, &dp_dialect_sieve,
	&dp_dialect_nntp,
};

const struct dp_dialect *
dp_dialect_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(dialects) / sizeof(dialects[0]); i++)
		if (strcmp(dialects[i]->name, name) == 0)
			return dialects[i];
	return NULL;
}

const char *
dp_dialect_names(void)
{
	return "smtp, lmtp, imap, pop3, ftp, xmpp, xmpp-server, ldap, postgres, "
	    "sieve, nntp";
}

enum dp_step
dp_starttls_fail(struct dp_starttls *s, const char *phase, const char *fmt, ...)
{
	va_list ap;

	s->phase = phase;
	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
	return DP_STEP_FAIL;
}

enum dp_step
dp_starttls_say(struct dp_starttls *s, const char *text)
{
	if (dp_io_append(&s->out, text, strlen(text)) == -1)
		return dp_starttls_fail(s, s->phase, "internal: output buffer full");
	return DP_STEP_MORE;
}

const char *
dp_starttls_quote(const char *line, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; line[i] != '\0' && o + 4 < len && i < 120; i++)
		buf[o++] = line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '?';
	if (line[i] != '\0' && o + 4 < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

ssize_t
dp_starttls_line(struct dp_starttls *s, char *line, size_t len)
{
	ssize_t n = dp_io_take_line(&s->in, line, len);

	if (n == -2) {
		dp_starttls_fail(s, s->phase, "a line longer than %d octets", DP_IO_MAX_LINE);
		return -2;
	}
	if (n >= 0 && ++s->lines > DP_MAX_REPLY_LINES) {
		dp_starttls_fail(s, s->phase, "a reply of more than %d lines",
		    DP_MAX_REPLY_LINES);
		return -2;
	}
	return n;
}

enum dp_step
dp_starttls_go(struct dp_starttls *s)
{
	if (s->in.len > 0)
		return dp_starttls_fail(s, "command",
		    "the server sent %zu octets after its go-ahead, before TLS", s->in.len);
	return DP_STEP_TLS;
}

int
dp_reply_code(const char *line, bool *last)
{
	int code;

	if (line[0] < '1' || line[0] > '5' || line[1] < '0' || line[1] > '9' ||
	    line[2] < '0' || line[2] > '9' ||
	    (line[3] != '\0' && line[3] != ' ' && line[3] != '-'))
		return -1;
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	*last = line[3] != '-';
	return code;
}

enum dp_step
dp_starttls_lines(struct dp_starttls *s,
    enum dp_step (*fn)(struct dp_starttls *, const char *))
{
	char line[DP_IO_MAX_LINE + 1];
	ssize_t n;

	while ((n = dp_starttls_line(s, line, sizeof(line))) >= 0) {
		enum dp_step st = fn(s, line);

		if (st != DP_STEP_MORE)
			return st;
	}
	return n == -2 ? DP_STEP_FAIL : DP_STEP_MORE;
}
