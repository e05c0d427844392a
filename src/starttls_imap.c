/*
 * starttls_imap.c: IMAP STARTTLS (RFC 9051 section 6.2.1, RFC 2595).
 *
 *   S: * OK banner                (PREAUTH or BYE: no STARTTLS possible)
 *   C: a1 CAPABILITY
 *   S: * CAPABILITY ... STARTTLS ...
 *   S: a1 OK
 *   C: a2 STARTTLS
 *   S: a2 OK                      NO or BAD: refused
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "starttls.h"

enum { IMAP_BANNER, IMAP_CAPA, IMAP_STARTTLS };

static enum dp_step
imap_start(struct dp_starttls *s)
{
	s->state = IMAP_BANNER;
	s->phase = "banner";
	return DP_STEP_MORE;
}

/* True when the atom STARTTLS stands in a capability list. */
static bool
has_starttls_atom(const char *line)
{
	const char *p = line;

	while ((p = strcasestr(p, "STARTTLS")) != NULL) {
		if (p > line && (p[-1] == ' ' || p[-1] == '[') &&
		    (p[8] == '\0' || p[8] == ' ' || p[8] == ']'))
			return true;
		p += 8;
	}
	return false;
}

static enum dp_step
imap_line(struct dp_starttls *s, const char *line)
{
	char q[160];

	switch (s->state) {
	case IMAP_BANNER:
		if (strncasecmp(line, "* OK", 4) != 0)
			return dp_starttls_fail(s, "banner", "the server said '%s'",
			    dp_starttls_quote(line, q, sizeof(q)));
		s->state = IMAP_CAPA;
		s->phase = "capability";
		s->lines = 0;
		return dp_starttls_say(s, "a1 CAPABILITY\r\n");
	case IMAP_CAPA:
		if (strncasecmp(line, "* CAPABILITY ", 13) == 0) {
			s->offered = s->offered || has_starttls_atom(line);
			return DP_STEP_MORE;
		}
		if (line[0] == '*')
			return DP_STEP_MORE;
		if (strncasecmp(line, "a1 OK", 5) != 0)
			return dp_starttls_fail(s, "capability", "CAPABILITY refused: '%s'",
			    dp_starttls_quote(line, q, sizeof(q)));
		if (!s->offered)
			return dp_starttls_fail(s, "capability", "the server does not offer STARTTLS");
		s->state = IMAP_STARTTLS;
		s->phase = "command";
		s->lines = 0;
		return dp_starttls_say(s, "a2 STARTTLS\r\n");
	default:
		if (line[0] == '*')
			return DP_STEP_MORE;
		if (strncasecmp(line, "a2 OK", 5) != 0)
			return dp_starttls_fail(s, "command", "STARTTLS refused: '%s'",
			    dp_starttls_quote(line, q, sizeof(q)));
		return dp_starttls_go(s);
	}
}

static enum dp_step
imap_input(struct dp_starttls *s)
{
	return dp_starttls_lines(s, imap_line);
}

const struct dp_dialect dp_dialect_imap = { "imap", 143, imap_start, imap_input };
