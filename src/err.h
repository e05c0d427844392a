/*
 * err.h: how deep code hands an error up to a main.
 *
 * Library functions never print or exit.  They return -1 (or NULL) and
 * fill a struct dp_err with one line a person understands; the caller
 * adds context or prints it.  A message never holds a control byte:
 * dp_err_set and dp_err_prefix escape them (see dp_escape_ctl).
 */
#ifndef DP_ERR_H
#define DP_ERR_H

#include <stddef.h>

struct dp_err {
	char	msg[512];
};

/* Formats into err (if not NULL) and returns -1, so "return dp_err_set()" reads well. */
int	dp_err_set(struct dp_err *err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
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
