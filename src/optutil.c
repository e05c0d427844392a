/*
 * optutil.c: naming the option in a usage error, for daneprobe and
 * check_dane alike.
 *
 * getopt_long with opterr = 0 says only '?': optopt holds the short
 * option's letter, or the long option's val (256 and up in our tables),
 * or 0 for a word that matches no long option.  This file turns that into
 * the option's name as the user would type it, looked up in the option
 * table; a word the user typed is quoted through dp_err_set, which
 * escapes control bytes.  It never prints.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "optutil.h"

static const struct option *
find_by_val(const struct option *opts, int val)
{
	for (; opts->name != NULL; opts++)
		if (opts->flag == NULL && opts->val == val)
			return opts;
	return NULL;
}

/* The long options that "--word" (up to any '=') abbreviates, listed in buf. */
static int
prefix_matches(const struct option *opts, const char *word, char *buf, size_t len)
{
	size_t n = strcspn(word, "="), used = 0;
	int count = 0;

	buf[0] = '\0';
	for (; opts->name != NULL; opts++) {
		if (n == 0 || strncmp(opts->name, word, n) != 0)
			continue;
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s--%s",
			    count ? ", " : "", opts->name);
		count++;
	}
	return count;
}

/* A short option letter that optstring takes with an argument. */
static bool
short_needs_arg(const char *optstring, int c)
{
	const char *p;

	if (c <= 0 || c > 255 || c == ':')
		return false;
	p = strchr(optstring, c);
	return p != NULL && p[1] == ':';
}

static bool
is_short(const char *optstring, int c)
{
	return c > 0 && c <= 255 && c != ':' && strchr(optstring, c) != NULL;
}

int
dp_opt_error(char *const argv[], int argc, int ind, int opt, const char *optstring,
    const struct option *opts, struct dp_err *err)
{
	/* For a long option and for a short one that ended its word, getopt has moved past it. */
	const char *word = ind >= 1 && ind <= argc ? argv[ind - 1] : "";
	bool long_word = strncmp(word, "--", 2) == 0;
	const struct option *o;
	char list[256];

	if (opt == 0) {
		/* getopt gives no val for a long word it could not place. */
		if (long_word && prefix_matches(opts, word + 2, list, sizeof(list)) > 1)
			return dp_err_set(err, "ambiguous option '%.*s' (%s)",
			    (int)strcspn(word, "="), word, list);
		return dp_err_set(err, "unknown option '%.*s'", (int)strcspn(word, "="), word);
	}
	if ((long_word || !is_short(optstring, opt)) && (o = find_by_val(opts, opt)) != NULL) {
		if (o->has_arg == no_argument)
			return dp_err_set(err, "option '--%s' takes no argument", o->name);
		return dp_err_set(err, "option '--%s' needs an argument", o->name);
	}
	if (short_needs_arg(optstring, opt))
		return dp_err_set(err, "option '-%c' needs an argument", opt);
	if (opt > 0 && opt <= 255)
		return dp_err_set(err, "unknown option '-%c'", opt);
	return dp_err_set(err, "unknown option '%.*s'", (int)strcspn(word, "="), word);
}
