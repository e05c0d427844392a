/*
 * starttls_pop3.c: POP3 STLS (RFC 2595 section 4, CAPA per RFC 2449).
 *
 *   S: +OK banner
 *   C: CAPA
 *   S: +OK ... lines ... "."     STLS must be listed
 *   C: STLS
 *   S: +OK                       -ERR: refused
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "starttls.h"

enum { POP3_BANNER, POP3_CAPA_HEAD, POP3_CAPA, POP3_STLS };

static enum dp_step
pop3_start(struct dp_starttls *s)
{
	s->state = POP3_BANNER;
	s->phase = "banner";
	return DP_STEP_MORE;
}

static enum dp_step
pop3_line(struct dp_starttls *s, const char *line)
{
	char q[160];

	switch (s->state) {
	case POP3_BANNER:
		if (strncmp(line, "+OK", 3) != 0)
			return dp_starttls_fail(s, "banner", "the server said '%s'",
			    dp_starttls_quote(line, q, sizeof(q)));
		s->state = POP3_CAPA_HEAD;
		s->phase = "capability";
		s->lines = 0;
		return dp_starttls_say(s, "CAPA\r\n");
	case POP3_CAPA_HEAD:
		if (strncmp(line, "+OK", 3) != 0)
			return dp_starttls_fail(s, "capability", "CAPA refused: '%s'",
			    dp_starttls_quote(line, q, sizeof(q)));
		s->state = POP3_CAPA;
		return DP_STEP_MORE;
	case POP3_CAPA:
		if (strcmp(line, ".") != 0) {
			if (strncasecmp(line, "STLS", 4) == 0 && (line[4] == '\0' || line[4] == ' '))
				s->offered = true;
			return DP_STEP_MORE;
		}
		if (!s->offered)
			return dp_starttls_fail(s, "capability", "the server does not offer STLS");
		s->state = POP3_STLS;
		s->phase = "command";
		s->lines = 0;
		return dp_starttls_say(s, "STLS\r\n");
	default:
		if (strncmp(line, "+OK", 3) != 0)
			return dp_starttls_fail(s, "command", "STLS refused: '%s'",
			    dp_starttls_quote(line, q, sizeof(q)));
		return dp_starttls_go(s);
	}
}

static enum dp_step
pop3_input(struct dp_starttls *s)
{
	return dp_starttls_lines(s, pop3_line);
}

const struct dp_dialect dp_dialect_pop3 = { "pop3", 110, pop3_start, pop3_input };
