/*
 * zonefile.c: the one reader of the zone-file files we are given: the
 * trust anchor, the root hints and --tlsa-file.
 *
 * Policy: a file is read whole, before anything is made of it, and only a
 * regular file of bounded size.  A FIFO, /dev/zero or a directory is
 * refused right after the open, which itself never blocks (O_NONBLOCK),
 * so a wrong path can neither hang us past -t nor make us hold more than
 * the bound.  The file must be text: a NUL or another control byte is an
 * error, never a line end (a sum of line lengths does not grow on NUL
 * lines, a byte count does).  Records are cut as RFC 1035 section 5.1
 * says (comments, parentheses, quotes, escapes); what a record means is
 * the caller's to judge.  Only $ORIGIN and $TTL are followed: $INCLUDE
 * would read a file that was never checked.
 *
 * Failure: -1 with one line naming the file and, once it is read, the
 * line; the path is shown without control bytes and the file's content is
 * never echoed from here.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "zonefile.h"

/* The largest TTL, RFC 2181 section 8. */
#define ZONE_TTL_MAX	2147483647UL
/* A path in a message; longer ones are cut. */
#define ZONE_NAME_SHOWN	256

/* Copies s for a message, control bytes made '?'.  Returns out. */
static const char *
printable(const char *s, char *out, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	out[i] = '\0';
	return out;
}

static unsigned
line_at(const char *buf, size_t off)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		line += buf[i] == '\n';
	return line;
}

/*
 * Reads fd to its end into a new buffer with room for a NUL, but never
 * more than max + 1 bytes: one more than allowed tells "too large" from
 * "exactly max".  hint (the size fstat gave) only sizes the first buffer.
 * Returns 0, or -1 with errno set.
 */
static int
read_bounded(int fd, size_t hint, size_t max, char **out, size_t *outlen)
{
	char *buf = NULL, *nbuf;
	size_t cap = 0, len = 0, limit = max + 1;
	ssize_t n;

	for (;;) {
		if (len == cap) {
			if (cap == limit)
				break;
			cap = cap == 0 ? hint + 1 : cap * 2;
			if (cap < 4096)
				cap = 4096;
			if (cap > limit)
				cap = limit;
			if ((nbuf = realloc(buf, cap + 1)) == NULL)
				goto fail;
			buf = nbuf;
		}
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
fail:
	free(buf);
	return -1;
}

int
dp_file_slurp(const char *path, size_t max, char **buf, size_t *len,
    struct dp_err *err)
{
	char name[ZONE_NAME_SHOWN], *nul;
	struct stat st;
	int fd, rc = -1;

	*buf = NULL;
	*len = 0;
	printable(path, name, sizeof(name));
	/* O_NONBLOCK: opening a FIFO with no writer must not wait for one. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1)
		return dp_err_set(err, "%s: cannot open: %s", name, strerror(errno));
	if (fstat(fd, &st) == -1) {
		dp_err_set(err, "%s: %s", name, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		dp_err_set(err, "%s: not a regular file", name);
		goto out;
	}
	if ((uintmax_t)st.st_size > max) {
		dp_err_set(err, "%s: larger than %zu bytes", name, max);
		goto out;
	}
	if (read_bounded(fd, (size_t)st.st_size, max, buf, len) == -1) {
		dp_err_set(err, "%s: read error: %s", name, strerror(errno));
		goto out;
	}
	if (*len > max) {
		dp_err_set(err, "%s: larger than %zu bytes", name, max);
		goto out;
	}
	if ((nul = memchr(*buf, '\0', *len)) != NULL) {
		dp_err_set(err, "%s:%u: contains a NUL byte", name,
		    line_at(*buf, (size_t)(nul - *buf)));
		goto out;
	}
	rc = 0;
out:
	if (rc == -1) {
		free(*buf);
		*buf = NULL;
		*len = 0;
	}
	close(fd);
	return rc;
}

int
dp_zone_error(const struct dp_zone_reader *zr, unsigned line,
    struct dp_err *err, const char *fmt, ...)
{
	char name[ZONE_NAME_SHOWN], msg[256];
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printable(zr->path, name, sizeof(name));
	if (line == 0)
		return dp_err_set(err, "%.64s%s%s: %s", zr->what ? zr->what : "",
		    zr->what ? " " : "", name, msg);
	return dp_err_set(err, "%.64s%s%s:%u: %s", zr->what ? zr->what : "",
	    zr->what ? " " : "", name, line, msg);
}

void
dp_zone_init(struct dp_zone_reader *zr, const char *what, const char *path,
    char *text, size_t len, size_t max_record)
{
	memset(zr, 0, sizeof(*zr));
	zr->what = what;
	zr->path = path;
	zr->buf = text;
	zr->len = len;
	zr->line = 1;
	zr->max_record = max_record;
	zr->origin = ".";
	zr->ttl = 3600;
}

int
dp_zone_open(struct dp_zone_reader *zr, const char *what, const char *path,
    size_t max, size_t max_record, struct dp_err *err)
{
	char old[sizeof(err->msg)], *buf;
	size_t len;

	dp_zone_init(zr, what, path, NULL, 0, max_record);
	if (dp_file_slurp(path, max, &buf, &len, err) == -1) {
		if (what != NULL && err != NULL) {
			memcpy(old, err->msg, sizeof(old));
			dp_err_set(err, "%.64s %.400s", what, old);
		}
		return -1;
	}
	dp_zone_init(zr, what, path, buf, len, max_record);
	zr->owned = 1;
	return 0;
}

void
dp_zone_close(struct dp_zone_reader *zr)
{
	if (zr->owned)
		free(zr->buf);
	zr->buf = NULL;
	zr->len = zr->pos = 0;
	zr->owned = 0;
}

static int
is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
}

/*
 * Cuts the next record (maybe blank) at zr->pos and copies it down in
 * place: comments dropped, line ends inside parentheses and the
 * parentheses made blanks, so that it is one line.  The copy never
 * outruns the reading, so the buffer is its own output.  Returns 1 with
 * rec->text and rec->line set, 0 at the end, -1 with err set.
 */
static int
cut_record(struct dp_zone_reader *zr, struct dp_zone_record *rec,
    struct dp_err *err)
{
	char *b = zr->buf;
	size_t r, w, start = zr->pos;
	unsigned open_line = 0;
	int depth = 0, quoted = 0, escaped = 0, comment = 0;

	if (zr->pos >= zr->len)
		return 0;
	rec->line = zr->line;
	for (r = w = start; r < zr->len; r++) {
		unsigned char c = (unsigned char)b[r];

		if (c == '\0')
			return dp_zone_error(zr, zr->line, err, "contains a NUL byte");
		if (is_control(c))
			return dp_zone_error(zr, zr->line, err, "contains control byte 0x%02x", c);
		if (c == '\n') {
			if (quoted)
				return dp_zone_error(zr, zr->line, err,
				    "unterminated quoted string");
			zr->line++;
			comment = escaped = 0;
			if (depth == 0) {
				r++;
				break;
			}
			b[w++] = ' ';
		} else if (comment) {
			continue;
		} else if (escaped) {
			escaped = 0;
			b[w++] = (char)c;
		} else if (c == '\\') {
			escaped = 1;
			b[w++] = (char)c;
		} else if (quoted) {
			quoted = c != '"';
			b[w++] = (char)c;
		} else if (c == '"') {
			quoted = 1;
			b[w++] = (char)c;
		} else if (c == ';') {
			comment = 1;
		} else if (c == '(') {
			if (depth++ == 0)
				open_line = zr->line;
			b[w++] = ' ';
		} else if (c == ')') {
			if (depth == 0)
				return dp_zone_error(zr, zr->line, err, "unbalanced ')'");
			depth--;
			b[w++] = ' ';
		} else
			b[w++] = c == '\r' ? ' ' : (char)c;
		if (w - start > zr->max_record)
			return dp_zone_error(zr, rec->line, err,
			    "record longer than %zu bytes", zr->max_record);
	}
	if (quoted)
		return dp_zone_error(zr, zr->line, err, "unterminated quoted string");
	if (depth > 0)
		return dp_zone_error(zr, open_line, err, "'(' without ')'");
	b[w] = '\0';
	zr->pos = r;
	rec->text = b + start;
	return 1;
}

/* A TTL in seconds, or with BIND's units (1h30m), as unbound reads it. */
static int
parse_ttl(const char *s, uint32_t *out)
{
	unsigned long total = 0, n;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	while (*s != '\0') {
		unsigned long unit = 1;

		if (!isdigit((unsigned char)*s))
			return -1;
		errno = 0;
		n = strtoul(s, &end, 10);
		if (errno != 0 || n > ZONE_TTL_MAX)
			return -1;
		switch (tolower((unsigned char)*end)) {
		case 's': unit = 1; end++; break;
		case 'm': unit = 60; end++; break;
		case 'h': unit = 3600; end++; break;
		case 'd': unit = 86400; end++; break;
		case 'w': unit = 604800; end++; break;
		case '\0': break;
		default: return -1;
		}
		if (n > (ZONE_TTL_MAX - total) / unit)
			return -1;
		total += n * unit;
		s = end;
	}
	*out = (uint32_t)total;
	return 0;
}

/* $ORIGIN and $TTL change what follows; any other directive is refused. */
static int
directive(struct dp_zone_reader *zr, const struct dp_zone_record *rec,
    struct dp_err *err)
{
	char *save = NULL, *name, *arg, *extra;

	name = strtok_r(rec->text, " \t", &save);
	arg = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (strcasecmp(name, "$ORIGIN") == 0) {
		if (arg == NULL || extra != NULL || arg[strlen(arg) - 1] != '.')
			return dp_zone_error(zr, rec->line, err,
			    "$ORIGIN needs one absolute name");
		zr->origin = arg;	/* in the buffer, which later records do not overwrite */
		return 0;
	}
	if (strcasecmp(name, "$TTL") == 0) {
		if (arg == NULL || extra != NULL || parse_ttl(arg, &zr->ttl) == -1)
			return dp_zone_error(zr, rec->line, err,
			    "$TTL needs one TTL (at most %lu seconds)", ZONE_TTL_MAX);
		return 0;
	}
	if (strcasecmp(name, "$INCLUDE") == 0)
		return dp_zone_error(zr, rec->line, err, "$INCLUDE is not supported");
	return dp_zone_error(zr, rec->line, err, "unknown directive");
}

int
dp_zone_next(struct dp_zone_reader *zr, struct dp_zone_record *rec,
    struct dp_err *err)
{
	int rc;

	while ((rc = cut_record(zr, rec, err)) == 1) {
		if (rec->text[strspn(rec->text, " \t")] == '\0')
			continue;
		if (rec->text[0] != '$') {
			rec->origin = zr->origin;
			rec->ttl = zr->ttl;
			return 1;
		}
		if (directive(zr, rec, err) == -1) {
			rc = -1;
			break;
		}
	}
	if (rc == -1)
		zr->pos = zr->len;
	return rc;
}
