/*
 * starttls_nntp.c: NNTP STARTTLS (RFC 4642, capabilities per RFC 3977).
 *
 *   S: 200/201 banner
 *   C: CAPABILITIES
 *   S: 101 ... lines ... "."     STARTTLS must be listed
 *   C: STARTTLS
 *   S: 382 ...                   580 or 502: refused
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "starttls.h"

enum { NNTP_BANNER, NNTP_CAPA_HEAD, NNTP_CAPA, NNTP_STARTTLS };

static enum dp_step
nntp_start(struct dp_starttls *s)
{
	s->state = NNTP_BANNER;
	s->phase = "banner";
	return DP_STEP_MORE;
}

static enum dp_step
nntp_line(struct dp_starttls *s, const char *line)
{
	char q[160];
	bool last;
	int code;

	if (s->state == NNTP_CAPA) {
		if (strcmp(line, ".") != 0) {
			if (strncasecmp(line, "STARTTLS", 8) == 0 &&
			    (line[8] == '\0' || line[8] == ' '))
				s->offered = true;
			return DP_STEP_MORE;
		}
		if (!s->offered)
			return dp_starttls_fail(s, "capability", "the server does not offer STARTTLS");
		s->state = NNTP_STARTTLS;
		s->phase = "command";
		s->lines = 0;
		return dp_starttls_say(s, "STARTTLS\r\n");
	}
	if ((code = dp_reply_code(line, &last)) < 0)
		return dp_starttls_fail(s, s->phase, "not an NNTP reply: '%s'",
		    dp_starttls_quote(line, q, sizeof(q)));
	switch (s->state) {
	case NNTP_BANNER:
		if (code != 200 && code != 201)
			return dp_starttls_fail(s, "banner", "the server said '%s'",
			    dp_starttls_quote(line, q, sizeof(q)));
		s->state = NNTP_CAPA_HEAD;
		s->phase = "capability";
		s->lines = 0;
		return dp_starttls_say(s, "CAPABILITIES\r\n");
	case NNTP_CAPA_HEAD:
		if (code != 101)
			return dp_starttls_fail(s, "capability", "CAPABILITIES refused: '%s'",
			    dp_starttls_quote(line, q, sizeof(q)));
		s->state = NNTP_CAPA;
		return DP_STEP_MORE;
	default:
		if (code != 382)
			return dp_starttls_fail(s, "command", "STARTTLS refused: '%s'",
			    dp_starttls_quote(line, q, sizeof(q)));
		return dp_starttls_go(s);
	}
}

static enum dp_step
nntp_input(struct dp_starttls *s)
{
	return dp_starttls_lines(s, nntp_line);
}

const struct dp_dialect dp_dialect_nntp = { "nntp", 119, nntp_start, nntp_input };
