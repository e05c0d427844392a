/*
 * starttls_xmpp.c: XMPP STARTTLS (RFC 6120 section 5.4), client and server.
 *
 *   C: <?xml version='1.0'?><stream:stream to='HOST' version='1.0' ...>
 *   S: <stream:stream ...><stream:features><starttls xmlns=...tls'/>...</stream:features>
 *   C: <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>
 *   S: <proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>     <failure/>: refused
 *
 * XML is not parsed, only scanned within the bounded input buffer: we need
 * three elements and must not be led further by a hostile stream.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "starttls.h"

enum { XMPP_FEATURES, XMPP_PROCEED };

static const char *
find(const struct dp_starttls *s, const char *needle)
{
	return memmem(s->in.data, s->in.len, needle, strlen(needle));
}

static enum dp_step
xmpp_open(struct dp_starttls *s, const char *ns)
{
	char hdr[1024];

	s->state = XMPP_FEATURES;
	s->phase = "capability";
	snprintf(hdr, sizeof(hdr), "<?xml version='1.0'?><stream:stream to='%s' "
	    "version='1.0' xmlns='%s' xmlns:stream='http://etherx.jabber.org/streams'>",
	    s->host, ns);
	return dp_starttls_say(s, hdr);
}

static enum dp_step
xmpp_client_start(struct dp_starttls *s)
{
	return xmpp_open(s, "jabber:client");
}

static enum dp_step
xmpp_server_start(struct dp_starttls *s)
{
	return xmpp_open(s, "jabber:server");
}

/* The end of the element that starts at p: after its "/>" or its end tag. */
static const char *
element_end(const struct dp_starttls *s, const char *p, const char *endtag)
{
	const char *end = s->in.data + s->in.len, *gt = memchr(p, '>', (size_t)(end - p));
	const char *close;

	if (gt == NULL)
		return NULL;
	if (gt[-1] == '/')
		return gt + 1;
	close = memmem(gt, (size_t)(end - gt), endtag, strlen(endtag));
	return close ? close + strlen(endtag) : NULL;
}

static enum dp_step
xmpp_input(struct dp_starttls *s)
{
	const char *p, *end;

	if (find(s, "<stream:error") != NULL)
		return dp_starttls_fail(s, s->phase, "the server sent a stream error");
	if (s->state == XMPP_FEATURES) {
		if ((p = find(s, "<stream:features")) == NULL ||
		    (end = element_end(s, p, "</stream:features>")) == NULL)
			return DP_STEP_MORE;
		s->offered = memmem(p, (size_t)(end - p), "<starttls", 9) != NULL;
		if (!s->offered)
			return dp_starttls_fail(s, "capability", "the server does not offer STARTTLS");
		dp_io_consume(&s->in, (size_t)(end - s->in.data));
		s->state = XMPP_PROCEED;
		s->phase = "command";
		return dp_starttls_say(s, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
	}
	if (find(s, "<failure") != NULL)
		return dp_starttls_fail(s, "command", "STARTTLS refused (<failure/>)");
	if ((p = find(s, "<proceed")) == NULL || (end = element_end(s, p, "</proceed>")) == NULL)
		return DP_STEP_MORE;
	dp_io_consume(&s->in, (size_t)(end - s->in.data));
	return dp_starttls_go(s);
}

const struct dp_dialect dp_dialect_xmpp = { "xmpp", 5222, xmpp_client_start, xmpp_input };
const struct dp_dialect dp_dialect_xmpp_server = { "xmpp-server", 5269, xmpp_server_start,
    xmpp_input };
