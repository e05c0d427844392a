/*
 * starttls_postgres.c: PostgreSQL SSLRequest (protocol 3, "SSL Session
 * Encryption").
 *
 *   C: Int32 8, Int32 80877103
 *   S: 'S'          'N': the server does not do TLS; 'E': an error message
 */
#include "config.h"

#include "starttls.h"

static const unsigned char ssl_request[] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };

static enum dp_step
pg_start(struct dp_starttls *s)
{
	s->phase = "command";
	if (dp_io_append(&s->out, ssl_request, sizeof(ssl_request)) == -1)
		return dp_starttls_fail(s, s->phase, "internal: output buffer full");
	return DP_STEP_MORE;
}

static enum dp_step
pg_input(struct dp_starttls *s)
{
	char answer = s->in.data[0];

	if (answer == 'N')
		return dp_starttls_fail(s, "command", "the server does not offer TLS ('N')");
	if (answer != 'S')
		return dp_starttls_fail(s, "command", "SSLRequest refused (reply '%c')",
		    answer >= 0x20 && answer < 0x7f ? answer : '?');
	dp_io_consume(&s->in, 1);
	return dp_starttls_go(s);
}

const struct dp_dialect dp_dialect_postgres = { "postgres", 5432, pg_start, pg_input };
