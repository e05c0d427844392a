/*
 * target.c: parsing check targets.  An address literal is accepted (it
 * then needs out-of-band records: DANE needs a name for the TLSA lookup);
 * everything else must be a host name that passes dp_name_canonical, so
 * that "-", "a.." or "--tlsa" where a target belongs is a usage error
 * before any lookup.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "target.h"

static bool
parse_address(const char *s, unsigned port, struct dp_target *t)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&t->addr;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&t->addr;

	memset(&t->addr, 0, sizeof(t->addr));
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		t->addrlen = sizeof(*s4);
		return true;
	}
	if (inet_pton(AF_INET6, s, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		t->addrlen = sizeof(*s6);
		return true;
	}
	return false;
}

int
dp_target_parse(const char *s, unsigned default_port, struct dp_target *t,
    struct dp_err *err)
{
	char buf[512], *host, *port = NULL, *p;

	memset(t, 0, sizeof(*t));
	if (strlen(s) >= sizeof(buf))
		return dp_err_set(err, "target too long");
	snprintf(t->input, sizeof(t->input), "%s", s);
	snprintf(buf, sizeof(buf), "%s", s);
	host = buf;
	t->port = default_port;
	if ((p = strstr(host, "://")) != NULL) {
		if (strncasecmp(host, "https://", 8) != 0)
			return dp_err_set(err, "'%s': only https:// URLs are understood", s);
		host += 8;
		host[strcspn(host, "/?#")] = '\0';
		if (strchr(host, '@') != NULL)
			return dp_err_set(err, "'%s': user information in the URL is not supported", s);
		t->port = 443;
	}
	if (*host == '[') {
		if ((p = strchr(host, ']')) == NULL)
			return dp_err_set(err, "'%s': missing ']'", s);
		*p++ = '\0';
		host++;
		if (*p == ':')
			port = p + 1;
		else if (*p != '\0')
			return dp_err_set(err, "'%s': junk after ']'", s);
		/* Brackets hold an IPv6 address (RFC 3986 section 3.2.2), not a name. */
		if (strchr(host, ':') == NULL)
			return dp_err_set(err, "'%s': brackets are for an IPv6 address", s);
	} else if ((p = strchr(host, ':')) != NULL) {
		if (strchr(p + 1, ':') != NULL)
			return dp_err_set(err, "'%s': put an IPv6 address in brackets: [ADDR]:PORT", s);
		*p = '\0';
		port = p + 1;
	}
	if (port != NULL && dp_parse_port(port, &t->port, err) == -1) {
		dp_err_prefix(err, "'%s'", s);
		return -1;
	}
	if (parse_address(host, t->port, t)) {
		t->is_addr = true;
		snprintf(t->host, sizeof(t->host), "%s", host);
	} else if (dp_name_canonical(host, t->host, sizeof(t->host), err) == -1) {
		dp_err_prefix(err, "'%s'", s);
		return -1;
	}
	if (t->is_addr && strchr(t->host, ':') != NULL)
		snprintf(t->display, sizeof(t->display), "[%s]:%u", t->host, t->port);
	else
		snprintf(t->display, sizeof(t->display), "%.*s:%u",
		    (int)strlen(t->host) - (t->is_addr ? 0 : 1), t->host, t->port);
	return 0;
}
