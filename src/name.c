/*
 * name.c: checking user-typed names, TLSA owner names (RFC 6698 section 3)
 * and the conversions between wire and presentation format.
 *
 * Policy: a name from the command line is held to host-name syntax (RFC
 * 952 and RFC 1123 section 2.1: letters, digits and '-', no empty label,
 * no label that begins or ends with '-') plus '_' (for "_443._tcp."
 * owners), and a word that begins with '-' is taken for a misplaced
 * option; a name from the wire is never trusted and is escaped when
 * turned into text, so that no byte a server sent can reach a terminal or
 * a JSON consumer raw.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"

static bool
name_char_ok(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_';
}

/* RFC 952, RFC 1123 section 2.1: a host name label neither begins nor ends with '-'. */
static int
label_end_ok(const char *label, size_t n, struct dp_err *err)
{
	if (n == 0)
		return dp_err_set(err, "empty label in name");
	if (label[0] == '-' || label[n - 1] == '-')
		return dp_err_set(err, "a label begins or ends with '-' in name");
	return 0;
}

int
dp_name_canonical(const char *in, char *out, size_t outlen, struct dp_err *err)
{
	size_t len, i, label = 0;

	/* "--tlsa" where a target belongs is an option in the wrong place, not a name. */
	if (in[0] == '-')
		return dp_err_set(err, "not a host name (an option in the wrong place?)");
	len = strlen(in);
	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0)
		return dp_err_set(err, "empty name");
	if (len > 253)
		return dp_err_set(err, "name is longer than 253 characters");
	if (len + 2 > outlen)
		return dp_err_set(err, "name too long");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '.') {
			if (label_end_ok(in + i - label, label, err) == -1)
				return -1;
			label = 0;
			out[i] = '.';
			continue;
		}
		if (!name_char_ok(c) && isprint(c))
			return dp_err_set(err, "invalid character '%c' in name", c);
		if (!name_char_ok(c))
			return dp_err_set(err, "invalid byte 0x%02x in name", c);
		if (++label > 63)
			return dp_err_set(err, "label longer than 63 characters in name");
		out[i] = (char)tolower(c);
	}
	/* The last label too: "a.." is "a." with an empty label, not a name. */
	if (label_end_ok(in + len - label, label, err) == -1)
		return -1;
	out[len] = '.';
	out[len + 1] = '\0';
	return 0;
}

int
dp_name_tlsa_owner(char *out, size_t outlen, unsigned port, const char *proto,
    const char *host, struct dp_err *err)
{
	int n;

	n = snprintf(out, outlen, "_%u._%s.%s", port, proto, host);
	if (n < 0 || (size_t)n >= outlen || n > 254)
		return dp_err_set(err, "TLSA owner name for %s is too long", host);
	return 0;
}

int
dp_parse_port(const char *s, unsigned *port, struct dp_err *err)
{
	char *end;
	long v;

	if (*s == '\0' || !isdigit((unsigned char)*s))
		return dp_err_set(err, "invalid port '%s'", s);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 65535)
		return dp_err_set(err, "invalid port '%s' (1-65535)", s);
	*port = (unsigned)v;
	return 0;
}

int
dp_name_split_tlsa_owner(const char *name, unsigned *port, char *proto,
    size_t protolen, const char **host, struct dp_err *err)
{
	const char *dot1, *dot2;
	char buf[16];
	size_t n;

	if (name[0] != '_')
		return 0;
	dot1 = strchr(name, '.');
	if (dot1 == NULL || dot1[1] != '_')
		return dp_err_set(err, "'%s': expected _PORT._PROTO.host", name);
	n = (size_t)(dot1 - name - 1);
	if (n == 0 || n >= sizeof(buf))
		return dp_err_set(err, "'%s': invalid port label", name);
	memcpy(buf, name + 1, n);
	buf[n] = '\0';
	if (dp_parse_port(buf, port, err) == -1)
		return -1;
	dot2 = strchr(dot1 + 1, '.');
	if (dot2 == NULL || dot2[1] == '\0')
		return dp_err_set(err, "'%s': no host after the protocol label", name);
	n = (size_t)(dot2 - dot1 - 2);
	if (n == 0 || n >= protolen)
		return dp_err_set(err, "'%s': invalid protocol label", name);
	memcpy(proto, dot1 + 2, n);
	proto[n] = '\0';
	*host = dot2 + 1;
	return 1;
}

void
dp_name_wire_to_text(const uint8_t *wire, char *out, size_t outlen)
{
	size_t o = 0, i;
	uint8_t len;

	if (outlen == 0)
		return;
	if (*wire == 0) {
		snprintf(out, outlen, ".");
		return;
	}
	while ((len = *wire++) != 0) {
		for (i = 0; i < len; i++, wire++) {
			unsigned char c = *wire;
			char tmp[5];

			if (c == '.' || c == '\\' || c == '"' || c == ';' ||
			    c == '(' || c == ')' || c == '$' || c == '@')
				snprintf(tmp, sizeof(tmp), "\\%c", c);
			else if (c <= 0x20 || c >= 0x7f)
				snprintf(tmp, sizeof(tmp), "\\%03u", c);
			else
				snprintf(tmp, sizeof(tmp), "%c", c);
			if (o + strlen(tmp) + 2 > outlen)
				goto out;
			memcpy(out + o, tmp, strlen(tmp));
			o += strlen(tmp);
		}
		if (o + 2 > outlen)
			goto out;
		out[o++] = '.';
	}
out:
	out[o] = '\0';
}

int
dp_name_text_to_wire(const char *text, uint8_t out[DP_NAME_WIRE_MAX])
{
	size_t o = 0;
	const char *p = text, *dot;

	if (strcmp(text, ".") == 0) {
		out[0] = 0;
		return 1;
	}
	while (*p != '\0') {
		size_t n;

		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (n == 0 || n > 63 || o + n + 2 > DP_NAME_WIRE_MAX)
			return -1;
		out[o++] = (uint8_t)n;
		memcpy(out + o, p, n);
		o += n;
		p += n;
		if (*p == '.')
			p++;
	}
	out[o++] = 0;
	return (int)o;
}

bool
dp_name_wire_equal(const uint8_t *a, const uint8_t *b)
{
	for (;;) {
		uint8_t n = *a;

		if (n != *b)
			return false;
		if (n == 0)
			return true;
		a++, b++;
		for (; n > 0; n--, a++, b++)
			if (tolower(*a) != tolower(*b))
				return false;
	}
}

size_t
dp_name_wire_len(const uint8_t *wire)
{
	size_t n = 0;

	while (wire[n] != 0)
		n += (size_t)wire[n] + 1;
	return n + 1;
}
