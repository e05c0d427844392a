/*
 * textsafe.c: neutralising text that daneprobe does not control (server
 * banners and replies, certificate names, DNS names, resolver reasons,
 * file content) for the place it is printed.
 *
 * Policy, the same for every renderer: such text may carry anything, so
 * every octet a reader could act on is shown as "\xHH" instead: control
 * bytes (they move a terminal's cursor, start escape sequences or end a
 * plugin's status line), octets that are not well-formed UTF-8 (jansson
 * refuses them, and a document would lose the whole target), the
 * bidirectional overrides (they reorder what a person reads) and, in a
 * plugin's output, '|' (Nagios reads what follows as perfdata).  Nothing
 * is dropped, so the evidence stays readable.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "textsafe.h"

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 section 4), or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	/* The second octet's range excludes overlongs, surrogates, > U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static uint32_t
utf8_code(const unsigned char *s, size_t n)
{
	uint32_t cp = n == 1 ? s[0] : s[0] & (0x7f >> n);
	size_t i;

	for (i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/* Characters a reader acts on rather than reads. */
static bool
is_active(uint32_t cp, enum dp_text_ctx ctx)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return true;
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x2028 || cp == 0x2029)
		return true;
	return ctx == DP_TEXT_PLUGIN && cp == '|';
}

char *
dp_text_safe(char *dst, size_t len, const char *src, enum dp_text_ctx ctx)
{
	const unsigned char *s = (const unsigned char *)(src != NULL ? src : "");
	size_t o = 0, n, i;

	if (len == 0)
		return dst;
	while (*s != '\0') {
		n = utf8_len(s);
		if (n > 0 && !is_active(utf8_code(s, n), ctx)) {
			if (o + n >= len)
				break;
			memcpy(dst + o, s, n);
			o += n;
			s += n;
			continue;
		}
		/* Each octet of a bad or active sequence, as "\xHH". */
		for (i = 0; i < (n > 0 ? n : 1); i++) {
			if (o + 4 >= len)
				goto out;
			snprintf(dst + o, 5, "\\x%02x", s[i]);
			o += 4;
		}
		s += n > 0 ? n : 1;
	}
out:
	dst[o] = '\0';
	return dst;
}

int
dp_text_is_safe(const char *src, enum dp_text_ctx ctx)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n;

	for (; *s != '\0'; s += n)
		if ((n = utf8_len(s)) == 0 || is_active(utf8_code(s, n), ctx))
			return 0;
	return 1;
}
