/*
 * outfile.c: the files and streams daneprobe writes.
 *
 * Policy: a file we write is built beside its final name and renamed
 * over it when complete (never truncated first, never written through a
 * symlink, never a FIFO or device we could block on); it is never one of
 * the files the run reads.  A report that cannot be written (full disk,
 * closed stdout) is an error of the run, not a silent success.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "outfile.h"

/* Attempts at a fresh temporary name before giving up (each is random). */
#define TEMP_TRIES	16

static bool
same_file(const struct stat *a, const char *path)
{
	struct stat b;

	return path != NULL && stat(path, &b) == 0 && a->st_dev == b.st_dev &&
	    a->st_ino == b.st_ino;
}

int
dp_outfile_check(const char *path, const char *const *inputs, size_t ninputs,
    struct dp_err *err)
{
	struct stat st;
	size_t i;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		return dp_err_set(err, "%s: %m", path);
	}
	if (S_ISLNK(st.st_mode))
		return dp_err_set(err, "%s: is a symbolic link; refusing to write through it",
		    path);
	if (!S_ISREG(st.st_mode))
		return dp_err_set(err, "%s: not a regular file; refusing to replace it", path);
	for (i = 0; i < ninputs; i++)
		if (same_file(&st, inputs[i]))
			return dp_err_set(err, "%s: is also an input (%s); refusing to "
			    "overwrite it", path, inputs[i]);
	return 0;
}

/* DIR/.BASE.XXXXXXXXXXXX for path, random, in buf. */
static int
temp_name(const char *path, char *buf, size_t len)
{
	char *a = strdup(path), *b = strdup(path);
	unsigned char rnd[6];
	int n = -1;

	if (a != NULL && b != NULL && RAND_bytes(rnd, sizeof(rnd)) == 1)
		n = snprintf(buf, len, "%s/.%s.%02x%02x%02x%02x%02x%02x", dirname(a),
		    basename(b), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
	free(a);
	free(b);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
dp_outfile_replace(const char *path, dp_outfile_fn *fn, void *arg, struct dp_err *err)
{
	char tmp[4096];
	FILE *fp = NULL;
	int fd = -1, i, rc = -1;

	/* Checked again here: the file may have changed since the start. */
	if (dp_outfile_check(path, NULL, 0, err) == -1)
		return -1;
	for (i = 0; i < TEMP_TRIES && fd == -1; i++) {
		if (temp_name(path, tmp, sizeof(tmp)) == -1)
			return dp_err_set(err, "%s: name too long", path);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd == -1 && errno != EEXIST)
			return dp_err_set(err, "%s: cannot create a file beside it: %m", path);
	}
	if (fd == -1)
		return dp_err_set(err, "%s: cannot create a file beside it", path);
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		dp_err_set(err, "%s: %m", path);
		goto out;
	}
	if (fn(fp, arg) == -1 || fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) == -1) {
		dp_err_set(err, "%s: write error: %m", path);
		goto out;
	}
	if (fclose(fp) != 0) {
		fp = NULL;
		dp_err_set(err, "%s: write error: %m", path);
		goto out;
	}
	fp = NULL;
	if (rename(tmp, path) == -1) {
		dp_err_set(err, "%s: cannot put the file in place: %m", path);
		goto out;
	}
	rc = 0;
out:
	if (fp != NULL)
		fclose(fp);
	if (rc == -1)
		unlink(tmp);
	return rc;
}

int
dp_stdio_guard(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd += 2)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
			int nul = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);

			/* open() takes the lowest free descriptor: fd itself. */
			if (nul != -1 && nul != fd)
				close(nul);
		}
	if (fcntl(1, F_GETFD) == -1 && errno == EBADF)
		return -1;
	return 0;
}

int
dp_stdout_finish(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		return -1;
	return 0;
}

void
dp_exit_now(int code)
{
	fflush(stdout);
	fflush(stderr);
#ifdef DP_FULL_EXIT
	exit(code);
#else
	_exit(code);
#endif
}
