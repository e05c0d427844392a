/*
 * starttls_ftp.c: FTP AUTH TLS (RFC 4217 section 4).
 *
 *   S: 220 banner (multi-line "220-" allowed)
 *   C: AUTH TLS
 *   S: 234 ...     anything else is a refusal (500/502/504: not offered)
 */
#include "config.h"

#include "starttls.h"

enum { FTP_BANNER, FTP_AUTH };

static enum dp_step
ftp_start(struct dp_starttls *s)
{
	s->state = FTP_BANNER;
	s->phase = "banner";
	return DP_STEP_MORE;
}

static enum dp_step
ftp_line(struct dp_starttls *s, const char *line)
{
	char q[160];
	bool last;
	int code = dp_reply_code(line, &last);

	if (code < 0)
		return dp_starttls_fail(s, s->phase, "not an FTP reply: '%s'",
		    dp_starttls_quote(line, q, sizeof(q)));
	if (s->state == FTP_BANNER) {
		if (code != 220)
			return dp_starttls_fail(s, "banner", "the server said '%s'",
			    dp_starttls_quote(line, q, sizeof(q)));
		if (!last)
			return DP_STEP_MORE;
		s->state = FTP_AUTH;
		s->phase = "command";
		s->lines = 0;
		return dp_starttls_say(s, "AUTH TLS\r\n");
	}
	if (code != 234)
		return dp_starttls_fail(s, "command", "AUTH TLS refused: '%s'",
		    dp_starttls_quote(line, q, sizeof(q)));
	if (!last)
		return DP_STEP_MORE;
	return dp_starttls_go(s);
}

static enum dp_step
ftp_input(struct dp_starttls *s)
{
	return dp_starttls_lines(s, ftp_line);
}

const struct dp_dialect dp_dialect_ftp = { "ftp", 21, ftp_start, ftp_input };
