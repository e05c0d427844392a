/*
 * outfile.h: what daneprobe writes besides its report: a file replaced
 * whole (--save-chain), and the standard streams the report goes to.
 */
#ifndef DP_OUTFILE_H
#define DP_OUTFILE_H

#include <stdio.h>

#include "err.h"

/*
 * Checks, before any work, that path may be written: it is absent or a
 * regular file (never a symlink, FIFO or device), and it is none of the
 * ninputs files in inputs (NULL entries are skipped) that the run reads.
 * Returns 0, or -1 with err set.
 */
int	dp_outfile_check(const char *path, const char *const *inputs, size_t ninputs,
	    struct dp_err *err);

/* Writes the content into fp; returns 0 or -1 (the write failed). */
typedef int dp_outfile_fn(FILE *fp, void *arg);

/*
 * Replaces path with what fn writes: into a new file in the same
 * directory (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0644 less the umask), then
 * rename(2) over path once complete, so that path is never seen half
 * written, is never truncated first, and no symlink is followed.
 * Returns 0, or -1 with err set (path is then unchanged).
 */
int	dp_outfile_replace(const char *path, dp_outfile_fn *fn, void *arg,
	    struct dp_err *err);

/*
 * For the mains, at start: makes sure a closed stdin or stderr cannot be
 * taken over by a socket (they get /dev/null).  Returns -1 when stdout
 * is closed: a report would go nowhere, or into a connection.
 */
int	dp_stdio_guard(void);

/* Flushes stdout.  Returns 0, or -1 when the report could not be written. */
int	dp_stdout_finish(void);

/*
 * Ends the process with status code once its output is written and
 * checked (dp_stdout_finish): exit()'s teardown would only undo what the
 * kernel undoes anyway (OpenSSL's and the libraries' atexit work), time a
 * monitoring system pays on every check.  Built with the sanitizers
 * (DP_FULL_EXIT) it exits normally, so that LeakSanitizer sees every leak.
 */
void	dp_exit_now(int code) __attribute__((noreturn));

#endif
