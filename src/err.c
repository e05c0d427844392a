/*
 * err.c: formatting of the one-line errors that struct dp_err carries.
 *
 * Policy: a message is one line of text for a person, so every message is
 * passed through dp_escape_ctl() as it is written: whatever a caller
 * quotes (an argument, a line of a file, a reply from a peer), no control
 * byte reaches the terminal or the plugin's status line raw.  Escaping
 * here, where each message is made, covers every caller and both mains at
 * once.  A message too long for its buffer is cut, never an escape in it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

const char *
dp_escape_ctl(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	if (len == 0)
		return buf;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char tmp[5];
		size_t n;

		if (c == '\n')
			snprintf(tmp, sizeof(tmp), "\\n");
		else if (c == '\r')
			snprintf(tmp, sizeof(tmp), "\\r");
		else if (c == '\t')
			snprintf(tmp, sizeof(tmp), "\\t");
		else if (c < 0x20 || c == 0x7f)
			snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		else {
			tmp[0] = (char)c;
			tmp[1] = '\0';
		}
		n = strlen(tmp);
		if (o + n + 1 > len)
			break;
		memcpy(buf + o, tmp, n);
		o += n;
	}
	buf[o] = '\0';
	return buf;
}

int
dp_err_set(struct dp_err *err, const char *fmt, ...)
{
	char raw[sizeof(err->msg)];
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	dp_escape_ctl(err->msg, sizeof(err->msg), raw);
	err->kind = DP_ERR_INTERNAL;
	return -1;
}

int
dp_err_kind(struct dp_err *err, enum dp_err_kind kind)
{
	if (err != NULL)
		err->kind = kind;
	return -1;
}

void
dp_err_prefix(struct dp_err *err, const char *fmt, ...)
{
	char prefix[256], raw[sizeof(err->msg)];
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	/* Truncating a long message is fine: it is for a person to read. */
	snprintf(raw, sizeof(raw), "%.200s: %.300s", prefix, err->msg);
	dp_escape_ctl(err->msg, sizeof(err->msg), raw);
}
