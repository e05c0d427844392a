/*
 * starttls_sieve.c: ManageSieve STARTTLS (RFC 5804 sections 1.7, 2.2).
 *
 *   S: "IMPLEMENTATION" "..." / "STARTTLS" / ... / OK     (capabilities on connect)
 *   C: STARTTLS
 *   S: OK                                                  NO: refused
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "starttls.h"

enum { SIEVE_CAPA, SIEVE_STARTTLS };

static enum dp_step
sieve_start(struct dp_starttls *s)
{
	s->state = SIEVE_CAPA;
	s->phase = "capability";
	return DP_STEP_MORE;
}

/* A response line: OK, NO or BYE, alone or followed by a space. */
static bool
is_response(const char *line, const char *word)
{
	size_t n = strlen(word);

	return strncasecmp(line, word, n) == 0 && (line[n] == '\0' || line[n] == ' ');
}

static enum dp_step
sieve_line(struct dp_starttls *s, const char *line)
{
	char q[160];

	if (s->state == SIEVE_CAPA) {
		if (line[0] == '"') {
			if (strncasecmp(line, "\"STARTTLS\"", 10) == 0)
				s->offered = true;
			return DP_STEP_MORE;
		}
		if (!is_response(line, "OK"))
			return dp_starttls_fail(s, "banner", "the server said '%s'",
			    dp_starttls_quote(line, q, sizeof(q)));
		if (!s->offered)
			return dp_starttls_fail(s, "capability", "the server does not offer STARTTLS");
		s->state = SIEVE_STARTTLS;
		s->phase = "command";
		s->lines = 0;
		return dp_starttls_say(s, "STARTTLS\r\n");
	}
	if (!is_response(line, "OK"))
		return dp_starttls_fail(s, "command", "STARTTLS refused: '%s'",
		    dp_starttls_quote(line, q, sizeof(q)));
	return dp_starttls_go(s);
}

static enum dp_step
sieve_input(struct dp_starttls *s)
{
	return dp_starttls_lines(s, sieve_line);
}

const struct dp_dialect dp_dialect_sieve = { "sieve", 4190, sieve_start, sieve_input };
