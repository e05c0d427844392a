/*
 * batchfile.c: reading a list of targets, one a line, as the batch
 * needs them, so that a list of any length costs one buffer.
 *
 * Format: "TARGET [starttls=PROTO]", TARGET as on the command line; blank
 * lines and '#' comments (at the start of a line or after a blank) are
 * skipped.  Policy: every line that is not a target is reported with its
 * number and never skipped silently; a line over DP_BATCH_LINE_MAX octets
 * or with a NUL byte is refused whole; a regular file is read as it is
 * consumed, a pipe or terminal only when readable (the loop never blocks
 * on it); devices other than a terminal and /dev/null are refused
 * (/dev/zero never ends).  --shard K/N keeps the targets whose hash falls in shard K, so N
 * machines share a list without talking to each other.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "batchfile.h"

unsigned
dp_shard_of(const char *text, unsigned n)
{
	uint32_t h = 2166136261u;

	for (; *text != '\0'; text++) {
		h ^= (uint8_t)tolower((unsigned char)*text);
		h *= 16777619u;
	}
	return n <= 1 ? 1 : h % n + 1;
}

int
dp_batchfile_open(struct dp_batchfile *bf, const char *path, unsigned default_port,
    const struct dp_dialect *dialect, unsigned shard_k, unsigned shard_n,
    struct dp_err *err)
{
	struct stat st, null;
	int flags;

	memset(bf, 0, sizeof(*bf));
	bf->path = strcmp(path, "-") == 0 ? "standard input" : path;
	bf->default_port = default_port;
	bf->dialect = dialect;
	bf->shard_k = shard_k;
	bf->shard_n = shard_n;
	if (strcmp(path, "-") == 0)
		bf->fd = 0;
	else if ((bf->fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1)
		return dp_err_set(err, "%s: cannot open: %m", path);
	else
		bf->own_fd = true;
	if (fstat(bf->fd, &st) == -1) {
		dp_err_set(err, "%s: %m", bf->path);
		goto fail;
	}
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
	    (S_ISCHR(st.st_mode) && isatty(bf->fd)))
		bf->nonblocking = true;
	else if (S_ISCHR(st.st_mode) && stat("/dev/null", &null) == 0 &&
	    null.st_rdev == st.st_rdev)
		bf->eof = true;		/* /dev/null, or a closed stdin the main replaced: empty */
	else if (!S_ISREG(st.st_mode)) {
		dp_err_set(err, "%s: not a regular file, pipe or terminal", bf->path);
		goto fail;
	}
	flags = fcntl(bf->fd, F_GETFL);
	if (flags == -1 || fcntl(bf->fd, F_SETFL, bf->nonblocking ? flags | O_NONBLOCK :
	    flags & ~O_NONBLOCK) == -1) {
		dp_err_set(err, "%s: %m", bf->path);
		goto fail;
	}
	return 0;
fail:
	if (bf->own_fd)
		close(bf->fd);
	bf->fd = -1;
	return -1;
}

void
dp_batchfile_close(struct dp_batchfile *bf)
{
	if (bf->own_fd && bf->fd != -1)
		close(bf->fd);
	bf->fd = -1;
}

int
dp_batchfile_count(const char *path, unsigned default_port, const struct dp_dialect *dialect,
    unsigned shard_k, unsigned shard_n, size_t *count)
{
	struct dp_batchfile bf;
	struct dp_batch_entry e;
	struct dp_err err;
	enum dp_batch_item it;

	*count = 0;
	if (strcmp(path, "-") == 0 ||
	    dp_batchfile_open(&bf, path, default_port, dialect, shard_k, shard_n, &err) == -1)
		return -1;
	if (bf.nonblocking) {
		dp_batchfile_close(&bf);
		return -1;
	}
	while ((it = dp_batchfile_next(&bf, &e, &err)) == DP_BATCH_TARGET || it == DP_BATCH_BAD)
		(*count)++;
	dp_batchfile_close(&bf);
	return it == DP_BATCH_END ? 0 : -1;
}

/* Reads more into the buffer.  Returns 1 (read), 0 (would block), -1 (EOF), -2 (error). */
static int
fill(struct dp_batchfile *bf, struct dp_err *err)
{
	ssize_t n;

	n = read(bf->fd, bf->buf + bf->len, sizeof(bf->buf) - bf->len);
	if (n > 0) {
		bf->len += (size_t)n;
		return 1;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	bf->eof = true;
	if (n == -1) {
		dp_err_set(err, "%s: read error: %m", bf->path);
		return -2;
	}
	return -1;
}

/* The setting "starttls=PROTO", the only one a line may carry. */
static int
line_setting(const char *word, struct dp_batch_entry *e, struct dp_err *err)
{
	const struct dp_dialect *d;

	if (strncmp(word, "starttls=", 9) != 0)
		return dp_err_set(err, "unknown setting '%.60s' (starttls=PROTO)", word);
	if ((d = dp_dialect_find(word + 9)) == NULL)
		return dp_err_set(err, "unknown STARTTLS protocol '%.40s' (%s)", word + 9,
		    dp_dialect_names());
	e->opts.dialect = d;
	return 0;
}

/*
 * One line, without its ending.  Returns 1 for a target of this shard, 0
 * for nothing (blank, comment, another shard), -1 with err set.
 */
static int
parse_line(struct dp_batchfile *bf, char *line, struct dp_batch_entry *e, struct dp_err *err)
{
	char *word, *save = NULL, *p;
	unsigned port;

	for (p = line; *p != '\0'; p++)
		if (*p == '#' && (p == line || *(p - 1) == ' ' || *(p - 1) == '\t')) {
			*p = '\0';
			break;
		}
	if ((word = strtok_r(line, " \t\r", &save)) == NULL)
		return 0;
	memset(e, 0, sizeof(*e));
	e->line = bf->line;
	e->opts.dialect = bf->dialect;
	e->opts.mx_pref = -1;
	snprintf(e->text, sizeof(e->text), "%s", word);
	if (dp_shard_of(word, bf->shard_n) != bf->shard_k)
		return 0;
	while ((p = strtok_r(NULL, " \t\r", &save)) != NULL)
		if (line_setting(p, e, err) == -1)
			return -1;
	port = e->opts.dialect != NULL ? e->opts.dialect->port : bf->default_port;
	if (dp_target_parse(word, port, &e->tg, err) == -1)
		return -1;
	return 1;
}

enum dp_batch_item
dp_batchfile_next(struct dp_batchfile *bf, struct dp_batch_entry *e, struct dp_err *err)
{
	char line[DP_BATCH_LINE_MAX + 1];
	char *nl;
	size_t n;
	int rc;

	for (;;) {
		nl = memchr(bf->buf, '\n', bf->len);
		if (nl == NULL && bf->len == sizeof(bf->buf)) {
			/* A line longer than the whole buffer: drop it, once reported. */
			bf->len = 0;
			if (!bf->skipping) {
				bf->skipping = true;
				bf->line++;
				memset(e, 0, sizeof(*e));
				e->line = bf->line;
				dp_err_set(err, "longer than %d octets", DP_BATCH_LINE_MAX);
				return DP_BATCH_BAD;
			}
			continue;
		}
		if (nl == NULL && !bf->eof) {
			if ((rc = fill(bf, err)) == 0)
				return DP_BATCH_WAIT;
			if (rc == -2) {
				/* The rest of the list is unknown: that is said, not skipped. */
				memset(e, 0, sizeof(*e));
				e->line = bf->line + 1;
				return DP_BATCH_BAD;
			}
			continue;
		}
		if (nl == NULL && bf->len == 0)
			return DP_BATCH_END;
		/* A whole line, or the last one without its newline. */
		n = nl != NULL ? (size_t)(nl - bf->buf) : bf->len;
		if (bf->skipping) {
			bf->skipping = false;
			memmove(bf->buf, bf->buf + n + (nl != NULL), bf->len - n - (nl != NULL));
			bf->len -= n + (nl != NULL);
			continue;
		}
		bf->line++;
		memset(e, 0, sizeof(*e));
		e->line = bf->line;
		if (n > DP_BATCH_LINE_MAX)
			rc = dp_err_set(err, "longer than %d octets", DP_BATCH_LINE_MAX);
		else if (memchr(bf->buf, '\0', n) != NULL)
			rc = dp_err_set(err, "contains a NUL byte");
		else {
			memcpy(line, bf->buf, n);
			line[n] = '\0';
			rc = parse_line(bf, line, e, err);
		}
		memmove(bf->buf, bf->buf + n + (nl != NULL), bf->len - n - (nl != NULL));
		bf->len -= n + (nl != NULL);
		if (rc == 1)
			return DP_BATCH_TARGET;
		if (rc == -1)
			return DP_BATCH_BAD;
	}
}

void
dp_batchfile_drain(struct dp_batchfile *bf, dp_batch_unchecked *cb, void *arg)
{
	struct dp_batch_entry e;
	struct dp_err err;

	for (;;)
		switch (dp_batchfile_next(bf, &e, &err)) {
		case DP_BATCH_TARGET:
			cb(&e, DP_R_NOT_STARTED, "not started", arg);
			break;
		case DP_BATCH_BAD:
			cb(&e, DP_R_BAD_TARGET, err.msg, arg);
			break;
		case DP_BATCH_WAIT:
			memset(&e, 0, sizeof(e));
			e.line = bf->line + 1;
			cb(&e, DP_R_NOT_STARTED,
			    "the rest of the list was not read before the deadline", arg);
			return;
		case DP_BATCH_END:
			return;
		}
}
