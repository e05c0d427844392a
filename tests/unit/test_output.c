/*
 * test_output.c: the neutralising of text we do not control, and the
 * renderers over results built by hand (no lab): hostile bytes in a
 * result never reach the output raw and never make data disappear.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/pem.h>

#include "dnsmsg.h"
#include "output.h"
#include "tap.h"
#include "textsafe.h"
#include "tlsagen.h"
#include "trace.h"

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
	t->tlsa.out_of_band = true;
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

/*
 * A report of one target as a check would leave it: two records (one
 * matched), one address verified, one mismatched, one left out by the
 * limit.  No times, chains or answers: the output is the same every run.
 */
static void
golden_report(struct dp_check_report *rep, struct dp_config *cfg)
{
	static const char *const recs[] = {
		"3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6",
		"2 0 1 8a2f7ac4b7b39b7d3e0db5f7d4b7b4c1f4f2b7d9a9f7c6e5d4c3b2a190807f6e",
	};
	struct dp_target_result *t;
	struct dp_err err;
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	memset(rep, 0, sizeof(*rep));
	rep->targets = calloc(1, sizeof(*rep->targets));
	rep->ntargets = 1;
	rep->exit_code = DP_EXIT_FAIL;
	t = &rep->targets[0];
	dp_target_parse("www.example.com", 443, &t->tg, &err);
	t->exit_code = DP_EXIT_FAIL;
	t->addr_reason = DP_R_VERIFIED;
	snprintf(t->reference, sizeof(t->reference), "www.example.com");
	for (i = 0; i < 2; i++)
		dp_tlsaset_add_text(&t->tlsa, recs[i], false, &err);
	snprintf(t->tlsa.owner, sizeof(t->tlsa.owner), "(command line)");
	t->addrs = calloc(2, sizeof(*t->addrs));
	t->naddrs = 2;
	snprintf(t->addrs[0].label, sizeof(t->addrs[0].label), "192.0.2.1:443");
	t->addrs[0].family = AF_INET;
	t->addrs[0].reason = DP_R_VERIFIED;
	t->addrs[0].match.depth = 0;
	t->addrs[0].match.usage = 3;
	t->addrs[0].match.selector = 1;
	t->addrs[0].match.mtype = 1;
	snprintf(t->addrs[0].version, sizeof(t->addrs[0].version), "TLSv1.3");
	snprintf(t->addrs[0].cipher, sizeof(t->addrs[0].cipher), "TLS_AES_256_GCM_SHA384");
	t->addrs[0].records = calloc(2, sizeof(*t->addrs[0].records));
	t->addrs[0].records[0] = DP_REC_MATCHED;
	t->addrs[0].records[1] = DP_REC_NOT_MATCHED;
	snprintf(t->addrs[1].label, sizeof(t->addrs[1].label), "[2001:db8::1]:443");
	t->addrs[1].family = AF_INET6;
	t->addrs[1].reason = DP_R_TLSA_MISMATCH;
	t->addrs[1].match.depth = -1;
	snprintf(t->addrs[1].detail, sizeof(t->addrs[1].detail), "no matching DANE TLSA records");
	t->addrs[1].records = calloc(2, sizeof(*t->addrs[1].records));
	t->addrs[1].records[0] = DP_REC_NOT_MATCHED;
	t->addrs[1].records[1] = DP_REC_NOT_MATCHED;
	t->left_out = calloc(1, sizeof(*t->left_out));
	snprintf(t->left_out[0], sizeof(t->left_out[0]), "192.0.2.9:443");
	t->nleft_out = 1;
}

/* Compares text with tests/golden/NAME (DP_GOLDEN_UPDATE=1 writes it instead). */
static void
golden(const char *name, const char *text)
{
	const char *top = getenv("top_srcdir");
	char path[4096], *want = NULL;
	size_t len = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/tests/golden/%s", top ? top : ".", name);
	if (getenv("DP_GOLDEN_UPDATE") != NULL && (fp = fopen(path, "w")) != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
	if ((fp = fopen(path, "r")) != NULL) {
		want = calloc(1, 1 << 16);
		len = fread(want, 1, (1 << 16) - 1, fp);
		fclose(fp);
	}
	ok(want != NULL && strlen(text) == len && memcmp(want, text, len) == 0,
	    "golden %s", name);
	if (want == NULL || strcmp(want, text) != 0)
		printf("# got:\n%s", text);
	free(want);
}

static void
test_golden(void)
{
	struct dp_check_report rep;
	struct dp_config cfg;
	char *out;
	int rc;

	golden_report(&rep, &cfg);
	out = render(&dp_renderer_text, &cfg, &rep, &rc);
	golden("check.txt", out);
	free(out);
	cfg.verbose = 1;
	out = render(&dp_renderer_text, &cfg, &rep, &rc);
	golden("check-v.txt", out);
	free(out);
	out = render(&dp_renderer_json, &cfg, &rep, &rc);
	golden("check.json", out);
	free(out);
	out = render(&dp_renderer_metrics, &cfg, &rep, &rc);
	is_int(rc, 0, "openmetrics: renders");
	golden("check.prom", out);
	free(out);
	dp_check_report_clear(&rep);
}

/*
 * True when s is a label value as the exposition formats want it, and
 * neutral: a backslash only before a backslash, a double quote or n; no
 * bare double quote; no control byte; UTF-8.
 */
static int
label_ok(const char *s)
{
	size_t i;

	if (!dp_text_is_safe(s, DP_TEXT_JSON))
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '"')
			return 0;
		if (s[i] == '\\' && s[++i] != '\\' && s[i] != '"' && s[i] != 'n')
			return 0;
	}
	return 1;
}

/* --format openmetrics: every label value through one function, fed hostile text. */
static void
test_metrics_label(void)
{
	static const struct {
		const char *in, *want, *what;
	} cases[] = {
		{ "www.example.com:443", "www.example.com:443", "plain text unchanged" },
		{ "a\"b", "a\\\"b", "a double quote escaped" },
		{ "a\\b", "a\\\\b", "a backslash doubled" },
		{ "a\nb", "a\\\\x0ab", "a newline neutralised, and its backslash escaped" },
		{ "\x1b[2J\r\t\x7f", "\\\\x1b[2J\\\\x0d\\\\x09\\\\x7f",
		    "control bytes neutralised" },
		{ "\xff\xfe x", "\\\\xff\\\\xfe x", "octets that are not UTF-8" },
		{ "\xc3", "\\\\xc3", "a sequence cut short" },
		{ "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac", "UTF-8 kept" },
		{ "\xc2\x9b" "2J", "\\\\xc2\\\\x9b2J", "a C1 control (CSI)" },
		{ "x\"} 1\n# EOF\n", "x\\\"} 1\\\\x0a# EOF\\\\x0a",
		    "text that would close the label and end the scrape stays inside" },
		{ "\\\"", "\\\\\\\"", "a backslash before a quote: both escaped" },
		{ "", "", "empty" },
	};
	char in[64], *out;
	size_t i, j, bad = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = dp_metrics_label(cases[i].in);
		is_str(out, cases[i].want, "metrics label: %s", cases[i].what);
		ok(out != NULL && label_ok(out), "metrics label: %s: well-formed", cases[i].what);
		free(out);
	}
	/* Every octet, in every position a few at a time. */
	srand(7);
	for (i = 0; i < 20000; i++) {
		size_t n = (size_t)rand() % (sizeof(in) - 1);

		for (j = 0; j < n; j++)
			in[j] = (char)(1 + rand() % 255);
		in[n] = '\0';
		if ((out = dp_metrics_label(in)) == NULL || !label_ok(out))
			bad++;
		free(out);
	}
	is_int(bad, 0, "metrics label: 20000 random strings give well-formed labels");
}

/* A minimal target: given as input, one address, exit status code. */
static void
metrics_target(struct dp_target_result *t, const char *input, const char *addr, int code)
{
	struct dp_err err;

	dp_target_parse("www.example.com", 443, &t->tg, &err);
	snprintf(t->tg.input, sizeof(t->tg.input), "%s", input);
	t->exit_code = code;
	t->addr_reason = DP_R_VERIFIED;
	t->addrs = calloc(1, sizeof(*t->addrs));
	t->naddrs = 1;
	snprintf(t->addrs[0].label, sizeof(t->addrs[0].label), "%s", addr);
	t->addrs[0].family = AF_INET;
	t->addrs[0].reason = code == DP_EXIT_OK ? DP_R_VERIFIED : DP_R_TLSA_MISMATCH;
	t->addrs[0].match.depth = -1;
}

/* Counts the lines of text that begin with prefix. */
static size_t
count_lines(const char *text, const char *prefix)
{
	const char *p;
	size_t n = 0;

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

/* A hostile target name stays inside its label; a target given twice is one series. */
static void
test_metrics_render(void)
{
	struct dp_check_report rep;
	struct dp_config cfg;
	const char *p;
	char *out;
	int rc, lines_ok = 1;

	memset(&cfg, 0, sizeof(cfg));
	memset(&rep, 0, sizeof(rep));
	rep.targets = calloc(3, sizeof(*rep.targets));
	rep.ntargets = 3;
	metrics_target(&rep.targets[0], "https://www.example.com/\"}\n# EOF\n\\\xff\x1b",
	    "192.0.2.1:443", DP_EXIT_OK);
	metrics_target(&rep.targets[1], "www.example.com", "[2001:db8::1]:443", DP_EXIT_FAIL);
	metrics_target(&rep.targets[2], "www.example.com", "[2001:db8::1]:443", DP_EXIT_FAIL);
	out = render(&dp_renderer_metrics, &cfg, &rep, &rc);
	is_int(rc, 0, "openmetrics: a hostile target renders");
	for (p = out; *p != '\0'; p = strchr(p, '\n') + 1) {
		char line[1024];
		size_t len = (size_t)(strchr(p, '\n') - p);

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		if ((strncmp(line, "# ", 2) != 0 && strncmp(line, "daneprobe_", 10) != 0) ||
		    !dp_text_is_safe(line, DP_TEXT_JSON))
			lines_ok = 0;
	}
	ok(lines_ok, "openmetrics: every line a comment or a sample, with no raw control byte");
	is_int(count_lines(out, "# EOF"), 1, "openmetrics: one # EOF");
	ok(strlen(out) >= 6 && strcmp(out + strlen(out) - 6, "# EOF\n") == 0,
	    "openmetrics: # EOF last");
	ok(strstr(out, "daneprobe_exit_status{target=\"https://www.example.com/\\\"}"
	    "\\\\x0a# EOF\\\\x0a\\\\\\\\xff\\\\x1b\"} 0\n") != NULL,
	    "openmetrics: the hostile target escaped in its label");
	is_int(count_lines(out, "daneprobe_exit_status{"), 2,
	    "openmetrics: a target given twice is written once");
	ok(strstr(out, "daneprobe_verified{target=\"www.example.com\",address=\"2001:db8::1\","
	    "port=\"443\"} 0\n") != NULL, "openmetrics: an IPv6 address without brackets or port");
	free(out);
	dp_check_report_clear(&rep);
}

/* The chain tests/chains/chain.pem (leaf first), or NULL. */
static STACK_OF(X509) *
test_chain(void)
{
	const char *top = getenv("top_srcdir");
	STACK_OF(X509) *chain = sk_X509_new_null();
	char path[4096];
	X509 *x;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/tests/chains/chain.pem", top ? top : ".");
	if (chain == NULL || (fp = fopen(path, "r")) == NULL)
		return chain;
	while ((x = PEM_read_X509(fp, NULL, NULL, NULL)) != NULL)
		sk_X509_push(chain, x);
	fclose(fp);
	return chain;
}

/*
 * smtp as metrics: a mail domain with two MX hosts, one checked (a secure
 * TLSA answer, an address that verified with a chain and timings), one
 * that could not be.
 */
static void
test_golden_smtp_metrics(void)
{
	struct dp_smtp_report rep;
	struct dp_target_result *t;
	struct dp_addr_result *a;
	struct dp_config cfg;
	struct dp_err err;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	memset(&cfg, 0, sizeof(cfg));
	memset(&rep, 0, sizeof(rep));
	snprintf(rep.domain, sizeof(rep.domain), "example.org.");
	rep.mx_reason = DP_R_MX_SECURE;
	rep.exit_code = DP_EXIT_UNCHECKED;
	rep.hosts = calloc(2, sizeof(*rep.hosts));
	rep.nhosts = 2;
	snprintf(rep.hosts[0].host, sizeof(rep.hosts[0].host), "mx1.example.org.");
	rep.hosts[0].preference = 10;
	snprintf(rep.hosts[1].host, sizeof(rep.hosts[1].host), "192.0.2.99.");
	rep.hosts[1].preference = 20;
	rep.hosts[1].state = DP_MX_UNUSABLE;
	rep.nunusable = 1;
	rep.check.targets = calloc(1, sizeof(*rep.check.targets));
	rep.check.ntargets = 1;
	rep.check.exit_code = DP_EXIT_OK;
	t = &rep.check.targets[0];
	dp_target_parse("mx1.example.org.", 25, &t->tg, &err);
	t->opts.smtp = true;
	t->opts.mx_pref = 10;
	t->exit_code = DP_EXIT_OK;
	t->addr_reason = DP_R_VERIFIED;
	t->dns_ms = 1234;
	dp_tlsaset_add_text(&t->tlsa,
	    "3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6", true, &err);
	snprintf(t->tlsa.owner, sizeof(t->tlsa.owner), "_25._tcp.mx1.example.org.");
	t->tlsa.reason = DP_R_TLSA_SECURE;
	t->tlsa.ans = calloc(1, sizeof(*t->tlsa.ans));
	t->tlsa.ans->qname = strdup("_25._tcp.mx1.example.org.");
	t->tlsa.ans->status = DP_LOOKUP_ANSWERED;
	t->tlsa.ans->state = DP_DNSSEC_SECURE;
	t->tlsa.ans->sig_expires = 1893456000;	/* 2030-01-01 */
	t->addrs = calloc(1, sizeof(*t->addrs));
	t->naddrs = 1;
	a = &t->addrs[0];
	snprintf(a->label, sizeof(a->label), "192.0.2.25:25");
	a->family = AF_INET;
	a->reason = DP_R_VERIFIED;
	a->match.depth = 0;
	a->chain = test_chain();
	a->connected = true;
	a->connect_ms = 12;
	a->handshake_ms = 3456;
	snprintf(a->version, sizeof(a->version), "TLSv1.3");
	ok(a->chain != NULL && sk_X509_num(a->chain) == 2, "the test chain reads");
	fp = open_memstream(&text, &len);
	is_int(dp_renderer_metrics.smtp(fp, &cfg, &rep), 0, "openmetrics: smtp renders");
	fclose(fp);
	golden("smtp.prom", text);
	free(text);
	dp_smtp_report_clear(&rep);
}

/* verify: a DANE-TA match at depth 1 as of a given time; a file, not an address. */
static void
golden_verify(struct dp_verify_report *rep, struct dp_config *cfg)
{
	struct dp_target_result *t;
	struct dp_err err;

	memset(cfg, 0, sizeof(*cfg));
	memset(rep, 0, sizeof(*rep));
	rep->offline.source = "new-chain.pem";
	rep->offline.at = 1893456000;	/* 2030-01-01 */
	rep->check.targets = calloc(1, sizeof(*rep->check.targets));
	rep->check.ntargets = 1;
	t = &rep->check.targets[0];
	dp_target_parse("www.example.com", 443, &t->tg, &err);
	t->opts.offline = &rep->offline;
	t->addr_reason = DP_R_VERIFIED;
	snprintf(t->reference, sizeof(t->reference), "www.example.com");
	dp_tlsaset_add_text(&t->tlsa,
	    "2 0 1 8a2f7ac4b7b39b7d3e0db5f7d4b7b4c1f4f2b7d9a9f7c6e5d4c3b2a190807f6e", false, &err);
	snprintf(t->tlsa.owner, sizeof(t->tlsa.owner), "(command line)");
	t->addrs = calloc(1, sizeof(*t->addrs));
	t->naddrs = 1;
	snprintf(t->addrs[0].label, sizeof(t->addrs[0].label), "new-chain.pem");
	t->addrs[0].reason = DP_R_VERIFIED;
	t->addrs[0].match.depth = 1;
	t->addrs[0].match.usage = 2;
	t->addrs[0].match.mtype = 1;
	t->addrs[0].records = calloc(1, sizeof(*t->addrs[0].records));
	t->addrs[0].records[0] = DP_REC_MATCHED;
}

/* tlsa: two addresses with different chains, one with none. */
static void
golden_gen(struct dp_gen_report *rep, struct dp_config *cfg)
{
	static const char *const recs[] = {
		"3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6",
		"3 1 1 8a2f7ac4b7b39b7d3e0db5f7d4b7b4c1f4f2b7d9a9f7c6e5d4c3b2a190807f6e",
	};
	static const char *const srcs[] = { "192.0.2.1:443", "192.0.2.2:443", "192.0.2.3:443" };
	struct dp_err err;
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	memset(rep, 0, sizeof(*rep));
	snprintf(rep->owner, sizeof(rep->owner), "_443._tcp.www.example.com.");
	rep->ttl = 3600;
	rep->exit_code = DP_EXIT_UNCHECKED;
	rep->ngroups = 2;
	rep->sources = calloc(3, sizeof(*rep->sources));
	rep->nsources = 3;
	for (i = 0; i < 3; i++) {
		snprintf(rep->sources[i].label, sizeof(rep->sources[i].label), "%s", srcs[i]);
		rep->sources[i].reason = i < 2 ? DP_R_CHAIN_FETCHED : DP_R_CONNECT_REFUSED;
		rep->sources[i].group = i < 2 ? (int)i : -1;
	}
	rep->records = calloc(2, sizeof(*rep->records));
	rep->nrecords = 2;
	for (i = 0; i < 2; i++) {
		dp_tlsa_parse_text(recs[i], false, &rep->records[i].rec, &err);
		rep->records[i].group = (int)i;
		snprintf(rep->records[i].subject, sizeof(rep->records[i].subject),
		    "CN=www.example.com");
		rep->records[i].zone_line = dp_tlsagen_zone_line(rep->owner, rep->ttl,
		    &rep->records[i].rec, false);
	}
}

/* The output of a verify or tlsa renderer (one of the two reports, the other NULL). */
static char *
render_deploy(const struct dp_renderer *r, const struct dp_config *cfg,
    const struct dp_verify_report *vrep, const struct dp_gen_report *grep)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	if (vrep != NULL)
		r->verify(fp, cfg, vrep);
	else
		r->tlsa(fp, cfg, grep);
	fclose(fp);
	return text;
}

static void
test_golden_deploy(void)
{
	struct dp_verify_report vrep;
	struct dp_gen_report grep;
	struct dp_config cfg;
	char *out;

	golden_verify(&vrep, &cfg);
	out = render_deploy(&dp_renderer_text, &cfg, &vrep, NULL);
	golden("verify.txt", out);
	free(out);
	cfg.verbose = 1;
	out = render_deploy(&dp_renderer_text, &cfg, &vrep, NULL);
	golden("verify-v.txt", out);
	free(out);
	out = render_deploy(&dp_renderer_json, &cfg, &vrep, NULL);
	golden("verify.json", out);
	free(out);
	dp_check_report_clear(&vrep.check);

	golden_gen(&grep, &cfg);
	out = render_deploy(&dp_renderer_text, &cfg, NULL, &grep);
	golden("tlsa.txt", out);
	free(out);
	out = render_deploy(&dp_renderer_json, &cfg, NULL, &grep);
	golden("tlsa.json", out);
	free(out);
	dp_gen_report_clear(&grep);
}

/* A lookup report against its text and JSON goldens. */
static void
golden_lookup(const struct dp_config *cfg, const struct dp_lookup_report *rep,
    const char *text_name, const char *json_name)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	fp = open_memstream(&text, &len);
	dp_renderer_text.lookup(fp, cfg, rep);
	fclose(fp);
	golden(text_name, text);
	free(text);
	text = NULL;
	fp = open_memstream(&text, &len);
	dp_renderer_json.lookup(fp, cfg, rep);
	fclose(fp);
	golden(json_name, text);
	free(text);
}

/* lookup --servers: a stale server beside a current one, and a REFUSED one. */
static void
test_golden_servers(void)
{
	static const uint8_t cur[35] = { 3, 1, 1, 0xaa }, old[35] = { 3, 1, 1, 0xbb };
	struct dp_lookup_report rep;
	struct dp_config cfg;
	struct dp_err err;
	size_t i;

	memset(&cfg, 0, sizeof(cfg));
	memset(&rep, 0, sizeof(rep));
	snprintf(rep.set.owner, sizeof(rep.set.owner), "_443._tcp.www.example.com.");
	dp_tlsaset_add_text(&rep.set, "3 1 1 aa00000000000000000000000000000000000000000000000000000000000000",
	    false, &err);
	rep.set.out_of_band = false;	/* the record stands for the DNS answer's */
	rep.has_servers = true;
	snprintf(rep.servers.owner, sizeof(rep.servers.owner), "_443._tcp.www.example.com.");
	snprintf(rep.servers.zone, sizeof(rep.servers.zone), "example.com.");
	rep.servers.qtype = DP_TYPE_TLSA;
	rep.servers.zone_state = DP_DNSSEC_SECURE;
	rep.servers.servers = calloc(3, sizeof(*rep.servers.servers));
	rep.servers.nservers = 3;
	for (i = 0; i < 3; i++) {
		struct dp_server_result *srv = &rep.servers.servers[i];

		snprintf(srv->ns, sizeof(srv->ns), "ns%zu.example.com.", i + 1);
		snprintf(srv->address, sizeof(srv->address), "192.0.2.%zu", i + 1);
		srv->status = DP_LOOKUP_ANSWERED;
		srv->rcode = i == 2 ? 5 : DP_RCODE_NOERROR;
		srv->authoritative = i < 2;
		srv->has_serial = i < 2;
		srv->serial = i == 0 ? 2026120102 : 2026120101;
		srv->sigs = DP_DNSSEC_SECURE;
		if (i == 2)
			continue;	/* REFUSED: nothing served */
		srv->sig_expires = i == 0 ? 1893456000 : 1890000000;
		srv->rrs = calloc(1, sizeof(*srv->rrs));
		srv->nrrs = 1;
		srv->rrs[0].rdata = malloc(35);
		memcpy(srv->rrs[0].rdata, i == 0 ? cur : old, 35);
		srv->rrs[0].rdlen = 35;
	}
	dp_servers_judge(&rep.servers);
	rep.exit_code = rep.servers.exit_code;
	cfg.verbose = 1;
	golden_lookup(&cfg, &rep, "servers-v.txt", "servers.json");
	dp_lookup_report_clear(&rep);
}

static struct dp_trace_sig *
trace_sig(const char *signer, uint16_t covered, uint16_t tag, enum dp_sig_status st)
{
	struct dp_trace_sig *s = calloc(1, sizeof(*s));

	s->signer = strdup(signer);
	s->covered = covered;
	s->tag = tag;
	s->alg = 13;
	s->inception = 1796083200;	/* 2026-12-01T00:00:00Z */
	s->expiration = 1798675200;	/* 2026-12-31T00:00:00Z */
	s->status = st;
	return s;
}

/* A cut whose DS vouches for its one key, which signs the DNSKEY RRset. */
static void
trace_zone(struct dp_trace_zone *z, const char *name, const char *parent, uint16_t ds_tag,
    uint16_t key_tag, enum dp_link link)
{
	z->name = strdup(name);
	z->link = link;
	z->anchored = parent == NULL;
	z->ds = calloc(1, sizeof(*z->ds));
	z->nds = 1;
	z->ds[0] = (struct dp_trace_ds){ .tag = ds_tag, .alg = 13, .digest = 2,
	    .anchor = parent == NULL, .status = ds_tag == key_tag ? DP_DSREC_MATCH :
	    DP_DSREC_NO_MATCH, .match = ds_tag == key_tag ? key_tag : 0 };
	if (parent != NULL) {
		z->ds_sigs = trace_sig(parent, DP_TYPE_DS, 100, DP_SIG_VALID);
		z->nds_sigs = 1;
	}
	z->keys = calloc(1, sizeof(*z->keys));
	z->nkeys = 1;
	z->keys[0] = (struct dp_trace_key){ .tag = key_tag, .flags = 257, .alg = 13,
	    .vouched = ds_tag == key_tag, .signs_keys = ds_tag == key_tag };
	if (ds_tag == key_tag) {
		z->key_sigs = trace_sig(name, DP_TYPE_DNSKEY, key_tag, DP_SIG_VALID);
		z->nkey_sigs = 1;
	}
}

/* lookup --trace: a DS at the parent that matches no key of the child. */
static void
test_golden_trace(void)
{
	struct dp_lookup_report rep;
	struct dp_config cfg;
	struct dp_answer *ans;
	struct dp_trace *t;
	struct dp_err err;

	memset(&cfg, 0, sizeof(cfg));
	memset(&rep, 0, sizeof(rep));
	snprintf(rep.set.owner, sizeof(rep.set.owner), "_443._tcp.www.bogus.example.");
	dp_tlsaset_add_text(&rep.set, "3 1 1 aa00000000000000000000000000000000000000000000000000000000000000",
	    false, &err);
	rep.set.out_of_band = false;	/* the record stands for the DNS answer's */
	ans = calloc(1, sizeof(*ans));
	ans->qname = strdup("_443._tcp.www.bogus.example.");
	ans->final_name = strdup(ans->qname);
	ans->qtype = DP_TYPE_TLSA;
	ans->status = DP_LOOKUP_ANSWERED;
	ans->rcode = DP_RCODE_NOERROR;
	ans->state = DP_DNSSEC_BOGUS;
	ans->backend = "libunbound";
	ans->why = strdup("validation failure <_443._tcp.www.bogus.example. TLSA IN>: no keys "
	    "have a DS with algorithm ECDSAP256SHA256");
	t = ans->trace = calloc(1, sizeof(*t));
	t->qname = strdup(ans->qname);
	t->qtype = DP_TYPE_TLSA;
	t->at = 1796126400;
	t->verdict = DP_LINK_BOGUS;
	t->why = strdup("DS 34039/13/2 in example. matches no DNSKEY of bogus.example. (it has 50844)");
	t->zones = calloc(3, sizeof(*t->zones));
	t->nzones = 3;
	trace_zone(&t->zones[0], ".", NULL, 20326, 20326, DP_LINK_SECURE);
	trace_zone(&t->zones[1], "example.", ".", 100, 100, DP_LINK_SECURE);
	trace_zone(&t->zones[2], "bogus.example.", "example.", 34039, 50844, DP_LINK_BOGUS);
	t->zones[2].why = strdup(t->why);
	t->zones[2].broken = true;
	t->rrsets = calloc(1, sizeof(*t->rrsets));
	t->nrrsets = 1;
	t->rrsets[0] = (struct dp_trace_rrset){ .owner = strdup(ans->qname), .type = DP_TYPE_TLSA,
	    .nrrs = 1, .zone = strdup("bogus.example."), .link = DP_LINK_UNCHECKED,
	    .sigs = trace_sig("bogus.example.", DP_TYPE_TLSA, 50844, DP_SIG_UNTRUSTED),
	    .nsigs = 1, .why = strdup("_443._tcp.www.bogus.example. TLSA not checked: the "
	    "chain to bogus.example. is broken") };
	rep.set.ans = ans;
	rep.set.reason = DP_R_TLSA_BOGUS;
	snprintf(rep.set.detail, sizeof(rep.set.detail), "%s", ans->why);
	rep.exit_code = 1;
	golden_lookup(&cfg, &rep, "trace.txt", "trace.json");
	dp_lookup_report_clear(&rep);
}

/* Records as text: TLSA and MX in presentation format, others in RFC 3597's. */
static void
test_record_text(void)
{
	uint8_t mx[] = { 0, 10, 3, 'm', 'x', '1', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };
	uint8_t raw[] = { 1, 2, 0xff };
	struct dp_record r = { DP_TYPE_MX, 0, mx, sizeof(mx) };
	char buf[128];

	is_str(dp_record_text(DP_TYPE_MX, &r, buf, sizeof(buf)), "10 mx1.example.",
	    "record text: MX");
	r.rdata = raw;
	r.rdlen = sizeof(raw);
	is_str(dp_record_text(DP_TYPE_TXT, &r, buf, sizeof(buf)), "\\# 3 0102ff",
	    "record text: another type in RFC 3597's form");
}

int
main(void)
{
	test_textsafe();
	test_renderers();
	test_golden();
	test_metrics_label();
	test_metrics_render();
	test_golden_smtp_metrics();
	test_golden_deploy();
	test_golden_servers();
	test_golden_trace();
	test_record_text();
	return tap_done();
}
