/*
 * fuzz_parse.c: the parsers of what a user types, fed hostile words.  The
 * first byte picks the parser: '0' --resolver addresses, '1' thresholds,
 * '2' host names, '3' check targets, '4' daneprobe's argv and '5'
 * check_dane's (words split on newlines).  Beyond not crashing, each
 * accepted input must keep its parser's promises: a canonical text that
 * parses to itself, a threshold carried whole into perfdata, a name with
 * no empty or '-'-edged label, an error message with no control byte.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_opts.h"
#include "name.h"
#include "plugin.h"
#include "plugin_opts.h"
#include "resolver.h"
#include "target.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_WORDS	32

static void
check_msg(const struct dp_err *err)
{
	const unsigned char *p;

	for (p = (const unsigned char *)err->msg; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
}

static void
fuzz_resolver(const char *s)
{
	struct dp_resolver_addr a, b;
	struct dp_err err;

	if (dp_resolver_addr_parse(s, &a, &err) == -1) {
		check_msg(&err);
		return;
	}
	if (a.port == 0 || (a.family != AF_INET && a.family != AF_INET6) ||
	    dp_resolver_addr_parse(a.text, &b, &err) == -1 || strcmp(a.text, b.text) != 0)
		abort();
}

static void
fuzz_range(const char *s)
{
	struct dp_range r;
	struct dp_err err;
	char item[DP_PERF_ITEM_MAX];
	size_t n = strlen(s);

	if (dp_range_parse(s, &r, &err) == -1) {
		check_msg(&err);
		return;
	}
	/* Perfdata carries the threshold as given ("N" as "N:"), never cut. */
	if (strncmp(r.text, s, n) != 0 || (r.text[n] != '\0' && strcmp(r.text + n, ":") != 0))
		abort();
	dp_perf_item(item, sizeof(item), "tlsa_sig_days", -12345678.5, NULL, r.text,
	    r.text, r.text, r.text);
	if (strstr(item, r.text) == NULL || strlen(item) + 1 >= sizeof(item))
		abort();
	(void)dp_range_alert(&r, 0);
	(void)dp_range_alert(&r, -1e9);
	(void)dp_range_alert(&r, 1e9);
}

static void
check_canonical(const char *name)
{
	char again[DP_NAME_TEXT_MAX];
	uint8_t wire[DP_NAME_WIRE_MAX];
	size_t n = strlen(name);

	if (n < 2 || name[n - 1] != '.' || name[0] == '-' || strstr(name, "..") != NULL ||
	    strstr(name, "-.") != NULL || strstr(name, ".-") != NULL)
		abort();
	if (dp_name_canonical(name, again, sizeof(again), NULL) == -1 ||
	    strcmp(name, again) != 0 || dp_name_text_to_wire(name, wire) == -1)
		abort();
}

static void
fuzz_name(const char *s)
{
	char out[DP_NAME_TEXT_MAX];
	struct dp_err err;

	if (dp_name_canonical(s, out, sizeof(out), &err) == -1) {
		check_msg(&err);
		return;
	}
	check_canonical(out);
}

static void
fuzz_target(const char *s)
{
	struct dp_target t;
	struct dp_err err;

	if (dp_target_parse(s, 443, &t, &err) == -1) {
		check_msg(&err);
		return;
	}
	if (t.port < 1 || t.port > 65535 || t.display[0] == '\0')
		abort();
	if (!t.is_addr)
		check_canonical(t.host);
}

/* Splits s on newlines into argv after argv0; returns argc. */
static int
split_words(char *s, const char *argv0, char *argv[MAX_WORDS + 2])
{
	int argc = 0;
	char *p;

	argv[argc++] = (char *)argv0;
	while (argc <= MAX_WORDS) {
		argv[argc++] = s;
		if ((p = strchr(s, '\n')) == NULL)
			break;
		*p = '\0';
		s = p + 1;
	}
	argv[argc] = NULL;
	return argc;
}

static void
fuzz_argv(char *s, bool plugin)
{
	char *argv[MAX_WORDS + 2];
	struct dp_plugin_config pc;
	struct dp_config cfg;
	struct dp_err err;
	int argc = split_words(s, plugin ? "check_dane" : "daneprobe", argv);

	if (plugin) {
		if (dp_plugin_config_parse(argc, argv, &pc, &err) == -1)
			check_msg(&err);
	} else if (dp_config_parse(argc, argv, &cfg, &err) == -1)
		check_msg(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size == 0 || (s = malloc(size)) == NULL)
		return 0;
	/* The rest as a C string: a word from argv ends at its first NUL. */
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 6) {
	case 0:
		fuzz_resolver(s);
		break;
	case 1:
		fuzz_range(s);
		break;
	case 2:
		fuzz_name(s);
		break;
	case 3:
		fuzz_target(s);
		break;
	default:
		fuzz_argv(s, data[0] % 6 == 5);
		break;
	}
	free(s);
	return 0;
}
