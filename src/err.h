/*
 * err.h: how deep code hands an error up to a main.
 *
 * Library functions never print or exit.  They return -1 (or NULL) and
 * fill a struct dp_err with one line a person understands; the caller
 * adds context or prints it.
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

#endif
