/*
 * err.h: how deep code hands an error up to a main.
 *
 * Library functions never print or exit.  They return -1 (or NULL) and
 * fill a struct dp_err with one line a person understands; the caller
 * adds context or prints it.  A message never holds a control byte:
 * dp_err_set and dp_err_prefix escape them (see dp_escape_ctl).
 *
 * An error has a kind, which only the mains turn into an exit status:
 * the layer that knows whose fault it is says so (dp_err_kind); anything
 * not said otherwise is internal.
 */
#ifndef DP_ERR_H
#define DP_ERR_H

#include <stddef.h>

enum dp_err_kind {
	DP_ERR_INTERNAL = 0,	/* ours, or the system's: memory, the event loop */
	DP_ERR_USAGE,		/* the user's to fix: arguments, input files */
	DP_ERR_IO,		/* the output could not be written */
};

struct dp_err {
	enum dp_err_kind	kind;
	char			msg[512];
};

/*
 * Formats into err (if not NULL), with the kind internal, and returns -1,
 * so "return dp_err_set()" reads well.
 */
int	dp_err_set(struct dp_err *err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Sets err's kind (err may be NULL).  Returns -1. */
int	dp_err_kind(struct dp_err *err, enum dp_err_kind kind);
/* Puts "prefix: " in front of the message already in err. */
void	dp_err_prefix(struct dp_err *err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Copies s to buf (len bytes, always terminated) with each control byte
 * (below 0x20, and 0x7f) written as \n, \r, \t or \xHH; other bytes,
 * UTF-8 included, are copied.  A copy too long is cut between escapes.
 * Returns buf.
 */
const char	*dp_escape_ctl(char *buf, size_t len, const char *s);

#endif
