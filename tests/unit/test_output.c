/*
 * test_output.c: the neutralising of text we do not control, and the
 * renderers over results built by hand (no lab): hostile bytes in a
 * result never reach the output raw and never make data disappear.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "output.h"
#include "tap.h"
#include "textsafe.h"

static void
test_textsafe(void)
{
	char buf[256], small[8];

	is_str(dp_text_safe(buf, sizeof(buf), "plain text", DP_TEXT_TERMINAL), "plain text",
	    "plain text unchanged");
	is_str(dp_text_safe(buf, sizeof(buf), "a\x1b[31mred\r\nb", DP_TEXT_TERMINAL),
	    "a\\x1b[31mred\\x0d\\x0ab", "escape sequences and newlines shown, not acted on");
	is_str(dp_text_safe(buf, sizeof(buf), "go away | 'verified'=1", DP_TEXT_PLUGIN),
	    "go away \\x7c 'verified'=1", "plugin: '|' cannot start perfdata");
	is_str(dp_text_safe(buf, sizeof(buf), "a|b", DP_TEXT_TERMINAL), "a|b",
	    "terminal: '|' is plain text");
	is_str(dp_text_safe(buf, sizeof(buf), "caf\xc3\xa9 \xe2\x82\xac", DP_TEXT_JSON),
	    "caf\xc3\xa9 \xe2\x82\xac", "well-formed UTF-8 kept");
	is_str(dp_text_safe(buf, sizeof(buf), "\xff\xfe", DP_TEXT_JSON), "\\xff\\xfe",
	    "octets that are not UTF-8 shown as \\xHH");
	is_str(dp_text_safe(buf, sizeof(buf), "\xc0\xaf", DP_TEXT_JSON), "\\xc0\\xaf",
	    "an overlong encoding is not UTF-8");
	is_str(dp_text_safe(buf, sizeof(buf), "\xed\xa0\x80", DP_TEXT_JSON), "\\xed\\xa0\\x80",
	    "a surrogate is not UTF-8");
	is_str(dp_text_safe(buf, sizeof(buf), "x\xc3", DP_TEXT_JSON), "x\\xc3",
	    "a sequence cut by the end of the text");
	is_str(dp_text_safe(buf, sizeof(buf), "\xc2\x9b" "2J", DP_TEXT_TERMINAL),
	    "\\xc2\\x9b2J", "a C1 control (CSI) is escaped");
	is_str(dp_text_safe(buf, sizeof(buf), "abc\xe2\x80\xae" "def", DP_TEXT_TERMINAL),
	    "abc\\xe2\\x80\\xaedef", "a bidirectional override is escaped");
	is_str(dp_text_safe(small, sizeof(small), "\x01\x02", DP_TEXT_TERMINAL), "\\x01",
	    "cut at a whole escape, always terminated");
	is_str(dp_text_safe(small, sizeof(small), "abc\xc3\xa9\xe2\x82\xac", DP_TEXT_TERMINAL),
	    "abc\xc3\xa9", "cut at a character boundary");
	ok(dp_text_is_safe("ok text", DP_TEXT_PLUGIN) && !dp_text_is_safe("a|b", DP_TEXT_PLUGIN) &&
	    !dp_text_is_safe("\xff", DP_TEXT_JSON), "dp_text_is_safe agrees");
}

/* One target, one address whose failure detail holds hostile bytes. */
static void
hostile_report(struct dp_check_report *rep, struct dp_config *cfg)
{
	struct dp_target_result *t;
	struct dp_addr_result *a;

	memset(cfg, 0, sizeof(*cfg));
	memset(rep, 0, sizeof(*rep));
	rep->targets = calloc(1, sizeof(*rep->targets));
	rep->ntargets = 1;
	rep->exit_code = DP_EXIT_FAIL;
	t = &rep->targets[0];
	snprintf(t->tg.input, sizeof(t->tg.input), "www.example");
	snprintf(t->tg.host, sizeof(t->tg.host), "www.example.");
	snprintf(t->tg.display, sizeof(t->tg.display), "www.example:443");
	t->tg.port = 443;
	t->exit_code = DP_EXIT_FAIL;
	t->addr_reason = DP_R_VERIFIED;
	t->tlsa.reason = DP_R_TLSA_OUT_OF_BAND;
	snprintf(t->tlsa.owner, sizeof(t->tlsa.owner), "(command line)");
	t->addrs = calloc(1, sizeof(*t->addrs));
	t->naddrs = 1;
	a = &t->addrs[0];
	snprintf(a->label, sizeof(a->label), "192.0.2.1:443");
	a->family = AF_INET;
	a->reason = DP_R_STARTTLS_FAILED;
	a->match.depth = -1;
	snprintf(a->detail, sizeof(a->detail),
	    "smtp banner: the server said '554 \xff\xfe \x1b[2J | x'");
}

static char *
render(const struct dp_renderer *r, const struct dp_config *cfg,
    const struct dp_check_report *rep, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	*rc = r->check(fp, cfg, rep);
	fclose(fp);
	return text;
}

static void
test_renderers(void)
{
	struct dp_check_report rep;
	struct dp_config cfg;
	json_error_t jerr;
	json_t *doc, *targets;
	const char *detail = "";
	char *out;
	int rc;

	hostile_report(&rep, &cfg);
	out = render(&dp_renderer_json, &cfg, &rep, &rc);
	is_int(rc, 0, "json: a detail that is not UTF-8 renders");
	doc = json_loads(out, 0, &jerr);
	ok(doc != NULL, "json: the document parses");
	targets = json_object_get(doc, "targets");
	is_int(json_array_size(targets), 1, "json: the target is not lost");
	json_unpack(json_array_get(json_object_get(json_array_get(targets, 0), "addresses"), 0),
	    "{s:s}", "detail", &detail);
	ok(strstr(detail, "\\xff\\xfe \\x1b[2J | x") != NULL,
	    "json: the bad octets are shown as \\xHH, the rest kept");
	json_decref(doc);
	free(out);

	out = render(&dp_renderer_text, &cfg, &rep, &rc);
	is_int(rc, 0, "text: renders");
	ok(strchr(out, '\x1b') == NULL && strchr(out, '\xff') == NULL,
	    "text: no escape byte or stray octet reaches the terminal");
	ok(strstr(out, "\\x1b[2J") != NULL, "text: the escape is shown");
	free(out);
	dp_check_report_clear(&rep);
}

int
main(void)
{
	test_textsafe();
	test_renderers();
	return tap_done();
}
