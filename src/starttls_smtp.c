/*
 * starttls_smtp.c: SMTP (RFC 3207) and LMTP (RFC 2033) STARTTLS.
 *
 *   S: 220 banner          (multi-line "220-" allowed)
 *   C: EHLO name / LHLO name
 *   S: 250-... 250 ...     STARTTLS must be among the keywords
 *   C: STARTTLS
 *   S: 220 ready           anything else (454, 5xx) is a refusal
 *
 * A server without the keyword, or one that refuses, fails the address:
 * RFC 7672 section 2.2 forbids going on in plaintext when TLSA records exist.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "starttls.h"

enum { SMTP_BANNER, SMTP_EHLO, SMTP_STARTTLS };

static enum dp_step
smtp_start(struct dp_starttls *s)
{
	s->state = SMTP_BANNER;
	s->phase = "banner";
	return DP_STEP_MORE;
}

static bool
is_starttls_keyword(const char *line)
{
	const char *kw = line + 4;

	return strlen(line) >= 12 && strncasecmp(kw, "STARTTLS", 8) == 0 &&
	    (kw[8] == '\0' || kw[8] == ' ');
}

static enum dp_step
smtp_reply_line(struct dp_starttls *s, const char *line)
{
	bool lmtp = s->dialect == &dp_dialect_lmtp;
	char q[160], hello[300];
	bool last;
	int code = dp_reply_code(line, &last);

	if (code < 0)
		return dp_starttls_fail(s, s->phase, "not an SMTP reply: '%s'",
		    dp_starttls_quote(line, q, sizeof(q)));
	switch (s->state) {
	case SMTP_BANNER:
		if (code != 220)
			return dp_starttls_fail(s, "banner", "the server said '%s'",
			    dp_starttls_quote(line, q, sizeof(q)));
		if (!last)
			return DP_STEP_MORE;
		s->state = SMTP_EHLO;
		s->phase = "capability";
		s->lines = 0;
		snprintf(hello, sizeof(hello), "%s %s\r\n", lmtp ? "LHLO" : "EHLO", s->helo);
		return dp_starttls_say(s, hello);
	case SMTP_EHLO:
		if (code != 250)
			return dp_starttls_fail(s, "capability", "%s refused: '%s'",
			    lmtp ? "LHLO" : "EHLO", dp_starttls_quote(line, q, sizeof(q)));
		if (is_starttls_keyword(line))
			s->offered = true;
		if (!last)
			return DP_STEP_MORE;
		if (!s->offered)
			return dp_starttls_fail(s, "capability", "the server does not offer STARTTLS");
		s->state = SMTP_STARTTLS;
		s->phase = "command";
		s->lines = 0;
		return dp_starttls_say(s, "STARTTLS\r\n");
	default:
		if (code != 220)
			return dp_starttls_fail(s, "command", "STARTTLS refused: '%s'",
			    dp_starttls_quote(line, q, sizeof(q)));
		if (!last)
			return dp_starttls_fail(s, "command", "a multi-line reply to STARTTLS");
		return dp_starttls_go(s);
	}
}

static enum dp_step
smtp_input(struct dp_starttls *s)
{
	return dp_starttls_lines(s, smtp_reply_line);
}

const struct dp_dialect dp_dialect_smtp = { "smtp", 25, smtp_start, smtp_input };
const struct dp_dialect dp_dialect_lmtp = { "lmtp", 24, smtp_start, smtp_input };
