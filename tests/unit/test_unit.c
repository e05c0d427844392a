/*
 * test_unit.c: unit tests for the pure logic: names, TLSA records and
 * their RFC 7218 names and usability, the DNS message reader, verdict
 * classes and option parsing.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#include "cli_opts.h"
#include "dnsmsg.h"
#include "name.h"
#include "plugin.h"
#include "plugin_opts.h"
#include "resolver.h"
#include "servers.h"
#include "target.h"
#include "tlsa.h"
#include "tlsaset.h"
#include "verdict.h"
#include "zonefile.h"

#include <sys/stat.h>
#include <unistd.h>

static const char *sha256_hex =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void
test_names(void)
{
	char out[DP_NAME_TEXT_MAX], proto[16];
	const char *host;
	unsigned port = 0;
	struct dp_err err;
	uint8_t wire[DP_NAME_WIRE_MAX];

	ok(dp_name_canonical("WWW.Example.", out, sizeof(out), &err) == 0 &&
	    strcmp(out, "www.example.") == 0, "canonical name lower-cased with one dot");
	ok(dp_name_canonical("a..b", out, sizeof(out), &err) == -1, "empty label rejected");
	ok(dp_name_canonical("a b", out, sizeof(out), &err) == -1 &&
	    strstr(err.msg, "' '") != NULL, "space rejected with the character named");
	ok(dp_name_canonical("a\x01z", out, sizeof(out), &err) == -1 &&
	    strstr(err.msg, "0x01") != NULL, "control byte rejected, shown as hex");
	ok(dp_name_canonical("", out, sizeof(out), &err) == -1, "empty name rejected");
	{
		char label[70];

		memset(label, 'a', 64);
		label[64] = '\0';
		ok(dp_name_canonical(label, out, sizeof(out), &err) == -1,
		    "64-octet label rejected");
	}
	ok(dp_parse_port("443", &port, &err) == 0 && port == 443, "port 443");
	ok(dp_parse_port("0", &port, &err) == -1, "port 0 rejected");
	ok(dp_parse_port("65536", &port, &err) == -1, "port 65536 rejected");
	ok(dp_parse_port("44x", &port, &err) == -1, "port with junk rejected");
	ok(dp_parse_port("-1", &port, &err) == -1, "negative port rejected");
	ok(dp_name_split_tlsa_owner("_25._tcp.mx.example", &port, proto,
	    sizeof(proto), &host, &err) == 1 && port == 25 &&
	    strcmp(proto, "tcp") == 0 && strcmp(host, "mx.example") == 0,
	    "_25._tcp.mx.example split");
	ok(dp_name_split_tlsa_owner("www.example", &port, proto, sizeof(proto),
	    &host, &err) == 0, "plain host not split");
	ok(dp_name_split_tlsa_owner("_x._tcp.h", &port, proto, sizeof(proto),
	    &host, &err) == -1, "bad port label rejected");
	ok(dp_name_tlsa_owner(out, sizeof(out), 443, "tcp", "www.example.", &err) == 0 &&
	    strcmp(out, "_443._tcp.www.example.") == 0, "TLSA owner built");
	ok(dp_name_text_to_wire("www.example.", wire) == 13, "text to wire");
	{
		const uint8_t odd[] = { 3, 'a', '.', 0x07, 0 };

		dp_name_wire_to_text(odd, out, sizeof(out));
		is_str(out, "a\\.\\007.", "wire name with dot and control byte escaped");
	}
}

static void
test_tlsa(void)
{
	struct dp_tlsa t;
	struct dp_err err;
	char acr[96], buf[256], *txt;

	snprintf(buf, sizeof(buf), "3 1 1 %s", sha256_hex);
	ok(dp_tlsa_parse_text(buf, false, &t, &err) == 0, "parse 3 1 1");
	is_int(t.usability, DP_TLSA_USABLE, "3 1 1 with 32 octets usable");
	dp_tlsa_acronyms(&t, acr, sizeof(acr));
	is_str(acr, "DANE-EE(3) SPKI(1) SHA2-256(1)", "RFC 7218 acronyms");
	txt = dp_tlsa_to_text(&t);
	is_str(txt, buf, "presentation format round trip");
	free(txt);
	dp_tlsa_clear(&t);

	snprintf(buf, sizeof(buf), "_443._tcp.www.example. 3600 IN TLSA 2 0 1 %s", sha256_hex);
	ok(dp_tlsa_parse_text(buf, false, &t, &err) == 0 && t.usage == 2 &&
	    t.datalen == 32, "zone-file line parsed");
	dp_tlsa_acronyms(&t, acr, sizeof(acr));
	is_str(acr, "DANE-TA(2) Cert(0) SHA2-256(1)", "DANE-TA acronyms");
	dp_tlsa_clear(&t);

	snprintf(buf, sizeof(buf), "3 1 1 %.62s", sha256_hex);
	ok(dp_tlsa_parse_text(buf, false, &t, &err) == 0 &&
	    t.usability == DP_TLSA_BAD_DIGEST_LENGTH, "31-octet SHA2-256 unusable");
	dp_tlsa_clear(&t);
	snprintf(buf, sizeof(buf), "3 1 2 %s", sha256_hex);
	ok(dp_tlsa_parse_text(buf, false, &t, &err) == 0 &&
	    t.usability == DP_TLSA_BAD_DIGEST_LENGTH, "32 octets for SHA2-512 unusable");
	dp_tlsa_clear(&t);
	snprintf(buf, sizeof(buf), "4 1 1 %s", sha256_hex);
	ok(dp_tlsa_parse_text(buf, false, &t, &err) == 0 &&
	    t.usability == DP_TLSA_UNKNOWN_USAGE, "usage 4 unusable");
	dp_tlsa_acronyms(&t, acr, sizeof(acr));
	is_str(acr, "usage?(4) SPKI(1) SHA2-256(1)", "unknown usage shown with its number");
	dp_tlsa_clear(&t);
	snprintf(buf, sizeof(buf), "3 2 1 %s", sha256_hex);
	ok(dp_tlsa_parse_text(buf, false, &t, &err) == 0 &&
	    t.usability == DP_TLSA_UNKNOWN_SELECTOR, "selector 2 unusable");
	dp_tlsa_clear(&t);
	snprintf(buf, sizeof(buf), "3 1 9 %s", sha256_hex);
	ok(dp_tlsa_parse_text(buf, false, &t, &err) == 0 &&
	    t.usability == DP_TLSA_UNKNOWN_MTYPE, "matching type 9 unusable");
	dp_tlsa_clear(&t);
	ok(dp_tlsa_parse_text("3 1 0 0102", false, &t, &err) == 0 &&
	    t.usability == DP_TLSA_BAD_DER, "full SPKI that is not DER unusable");
	dp_tlsa_clear(&t);
	snprintf(buf, sizeof(buf), "1 1 1 %s", sha256_hex);
	ok(dp_tlsa_parse_text(buf, true, &t, &err) == 0 &&
	    t.usability == DP_TLSA_PKIX_FOR_SMTP, "PKIX-EE unusable for SMTP");
	dp_tlsa_clear(&t);
	ok(dp_tlsa_parse_text("3 1 1 zz", false, &t, &err) == -1, "non-hex rejected");
	ok(dp_tlsa_parse_text("3 1 1 abc", false, &t, &err) == -1, "odd hex rejected");
	ok(dp_tlsa_parse_text("3 1", false, &t, &err) == -1, "missing fields rejected");
	ok(dp_tlsa_parse_text("300 1 1 00", false, &t, &err) == -1, "usage 300 rejected");
	{
		const uint8_t rd[] = { 3, 1 };

		ok(dp_tlsa_from_rdata(rd, sizeof(rd), false, &t) == 0 &&
		    t.usability == DP_TLSA_MALFORMED, "2-octet rdata malformed");
		dp_tlsa_acronyms(&t, acr, sizeof(acr));
		is_str(acr, "malformed", "malformed rdata named");
		dp_tlsa_clear(&t);
	}
	is_str(dp_tlsa_usage_name(0), "PKIX-TA", "usage 0 name");
	is_str(dp_tlsa_usage_name(1), "PKIX-EE", "usage 1 name");
	is_str(dp_tlsa_selector_name(0), "Cert", "selector 0 name");
	is_str(dp_tlsa_mtype_name(0), "Full", "matching 0 name");
	is_str(dp_tlsa_mtype_name(2), "SHA2-512", "matching 2 name");
	ok(dp_tlsa_mtype_name(3) == NULL, "matching 3 unassigned");
}

/* A reply: _443._tcp.a.example. CNAME b.example., b.example. TLSA 3 1 1 x*32, RRSIG. */
static size_t
build_reply(uint8_t *buf, int rcode, int with_loop)
{
	size_t o = 0;
	const uint8_t hdr[] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0 };
	const uint8_t qname[] = { 4, '_', '4', '4', '3', 4, '_', 't', 'c', 'p',
	    1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0 };

	memcpy(buf, hdr, sizeof(hdr));
	buf[3] = (uint8_t)(0x80 | rcode);
	o = sizeof(hdr);
	memcpy(buf + o, qname, sizeof(qname));	/* at offset 12 */
	o += sizeof(qname);
	buf[o++] = 0; buf[o++] = 52; buf[o++] = 0; buf[o++] = 1;
	/* CNAME: owner = pointer to qname, target = "b" + pointer to "example" (offset 12+12) */
	buf[o++] = 0xc0; buf[o++] = 12;
	buf[o++] = 0; buf[o++] = 5; buf[o++] = 0; buf[o++] = 1;
	buf[o++] = 0; buf[o++] = 0; buf[o++] = 0x0e; buf[o++] = 0x10;
	buf[o++] = 0; buf[o++] = 4;
	{
		size_t target = o;

		buf[o++] = 1; buf[o++] = 'b';
		buf[o++] = 0xc0; buf[o++] = 24;
		/* TLSA at b.example. */
		buf[o++] = 0xc0; buf[o++] = (uint8_t)target;
		buf[o++] = 0; buf[o++] = 52; buf[o++] = 0; buf[o++] = 1;
		buf[o++] = 0; buf[o++] = 0; buf[o++] = 0x01; buf[o++] = 0x2c;
		buf[o++] = 0; buf[o++] = 35;
		buf[o++] = 3; buf[o++] = 1; buf[o++] = 1;
		memset(buf + o, 0xab, 32);
		o += 32;
		/* RRSIG over TLSA at b.example., expiration 0x70000000 */
		{
			/* with_loop: a pointer to itself, which must be refused */
			uint8_t ptr = (uint8_t)(with_loop ? o : target);

			buf[o++] = 0xc0;
			buf[o++] = ptr;
		}
		buf[o++] = 0; buf[o++] = 46; buf[o++] = 0; buf[o++] = 1;
		buf[o++] = 0; buf[o++] = 0; buf[o++] = 0x01; buf[o++] = 0x2c;
		buf[o++] = 0; buf[o++] = 20;
		buf[o++] = 0; buf[o++] = 52; buf[o++] = 13; buf[o++] = 2;
		buf[o++] = 0; buf[o++] = 0; buf[o++] = 1; buf[o++] = 0x2c;
		buf[o++] = 0x70; buf[o++] = 0; buf[o++] = 0; buf[o++] = 0;
		buf[o++] = 0x60; buf[o++] = 0; buf[o++] = 0; buf[o++] = 0;
		buf[o++] = 0; buf[o++] = 1;
		buf[o++] = 0xc0; buf[o++] = 24;
	}
	return o;
}

static void
test_dnsmsg(void)
{
	uint8_t buf[512];
	size_t len = build_reply(buf, 0, 0), cut;
	struct dp_answer ans;
	struct dp_msg *msg;
	struct dp_err err;
	time_t now = 0x68000000;
	int bad = 0;

	memset(&ans, 0, sizeof(ans));
	ans.qname = strdup("_443._tcp.a.example.");
	ans.qtype = DP_TYPE_TLSA;
	ok(dp_answer_fill(&ans, buf, len, now, &err) == 0, "reply read");
	is_int(ans.ncnames, 1, "one CNAME step");
	is_str(ans.ncnames ? ans.cnames[0].target : NULL, "b.example.", "CNAME target");
	is_str(ans.final_name, "b.example.", "final name");
	is_int(ans.nrrs, 1, "one TLSA record at the final name");
	is_int(ans.ttl, 300, "RRset TTL");
	is_int(ans.sig_expires, 0x70000000, "RRSIG expiration");
	is_int(ans.rcode, 0, "rcode");
	ans.state = DP_DNSSEC_SECURE;
	{
		struct dp_answer *copy = calloc(1, sizeof(*copy));
		struct dp_tlsaset set;

		*copy = ans;
		memset(&set, 0, sizeof(set));
		ok(dp_tlsaset_from_answer(&set, copy, false) == 0 &&
		    set.reason == DP_R_TLSA_SECURE && set.nusable == 1,
		    "secure usable RRset classified");
		dp_tlsaset_clear(&set);
	}

	/* Every truncation of a valid reply is rejected or read, never overrun. */
	for (cut = 0; cut < len; cut++) {
		if (dp_msg_parse(buf, cut, &msg, &err) == 0) {
			if (cut >= 12 && msg->nan == 3)
				bad++;
			dp_msg_free(msg);
		}
	}
	ok(bad == 0, "no truncation reads as the full reply");
	len = build_reply(buf, 0, 1);
	ok(dp_msg_parse(buf, len, &msg, &err) == -1, "forward compression pointer rejected");
	ok(dp_rrsig_time(0x00000010, (time_t)0xfffffff0LL) == (time_t)0x100000010LL,
	    "RRSIG time past 2106 wraps forward (RFC 1982)");
}

static struct dp_tlsaset *
set_with(enum dp_lookup_status st, enum dp_dnssec state, int rcode, int nrecs)
{
	static struct dp_tlsaset set;
	struct dp_answer *ans = calloc(1, sizeof(*ans));
	static uint8_t rd[35] = { 3, 1, 1 };
	int i;

	memset(&set, 0, sizeof(set));
	ans->qname = strdup("_443._tcp.x.example.");
	ans->status = st;
	ans->state = state;
	ans->rcode = rcode;
	if (nrecs > 0) {
		ans->rrs = calloc((size_t)nrecs, sizeof(*ans->rrs));
		for (i = 0; i < nrecs; i++) {
			ans->rrs[i].rdata = malloc(sizeof(rd));
			memcpy(ans->rrs[i].rdata, rd, sizeof(rd));
			ans->rrs[i].rdlen = sizeof(rd);
		}
		ans->nrrs = (size_t)nrecs;
	}
	dp_tlsaset_from_answer(&set, ans, false);
	return &set;
}

static void
test_classify(void)
{
	struct {
		enum dp_lookup_status st;
		enum dp_dnssec state;
		int rcode, nrecs;
		enum dp_reason want;
		int exit;
		const char *name;
	} cases[] = {
		{ DP_LOOKUP_ANSWERED, DP_DNSSEC_SECURE, 0, 1, DP_R_TLSA_SECURE, 0, "secure" },
		{ DP_LOOKUP_ANSWERED, DP_DNSSEC_SECURE, 0, 0, DP_R_TLSA_NODATA, 2, "secure NODATA" },
		{ DP_LOOKUP_ANSWERED, DP_DNSSEC_SECURE, 3, 0, DP_R_TLSA_NXDOMAIN, 2, "secure NXDOMAIN" },
		{ DP_LOOKUP_ANSWERED, DP_DNSSEC_INSECURE, 0, 1, DP_R_TLSA_INSECURE, 2, "insecure" },
		{ DP_LOOKUP_ANSWERED, DP_DNSSEC_BOGUS, 0, 1, DP_R_TLSA_BOGUS, 1, "bogus" },
		{ DP_LOOKUP_ANSWERED, DP_DNSSEC_BOGUS, 2, 0, DP_R_TLSA_BOGUS, 1, "bogus SERVFAIL" },
		{ DP_LOOKUP_ANSWERED, DP_DNSSEC_INDETERMINATE, 2, 0, DP_R_TLSA_LOOKUP_FAILED, 1, "SERVFAIL" },
		{ DP_LOOKUP_ANSWERED, DP_DNSSEC_INDETERMINATE, 0, 1, DP_R_TLSA_LOOKUP_FAILED, 1, "indeterminate is never secure" },
		{ DP_LOOKUP_ANSWERED, DP_DNSSEC_INSECURE, 5, 0, DP_R_TLSA_LOOKUP_FAILED, 1, "REFUSED" },
		{ DP_LOOKUP_TIMEOUT, DP_DNSSEC_INDETERMINATE, -1, 0, DP_R_TLSA_TIMEOUT, 1, "timeout" },
		{ DP_LOOKUP_FAILED, DP_DNSSEC_INDETERMINATE, -1, 0, DP_R_TLSA_LOOKUP_FAILED, 1, "failure" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dp_tlsaset *set = set_with(cases[i].st, cases[i].state,
		    cases[i].rcode, cases[i].nrecs);

		is_int(set->reason, cases[i].want, "classify: %s", cases[i].name);
		is_int(dp_reason_exit(set->reason), cases[i].exit, "exit for %s", cases[i].name);
		dp_tlsaset_clear(set);
	}
	is_int(dp_exit_worst(0, 2), 2, "worst of 0,2 is 2");
	is_int(dp_exit_worst(2, 3), 3, "worst of 2,3 is 3");
	is_int(dp_exit_worst(3, 1), 1, "worst of 3,1 is 1");
	is_int(dp_exit_worst(1, 0), 1, "worst of 1,0 is 1");
}

static int
parse(struct dp_config *cfg, struct dp_err *err, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	va_start(ap, err);
	argv[argc++] = "daneprobe";
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	return dp_config_parse(argc, argv, cfg, err);
}

/* --format text|json|openmetrics; --json is --format json; openmetrics only where it applies. */
static void
test_format_options(void)
{
	static const char *const not_metrics[][5] = {
		{ "lookup", "x", NULL },
		{ "verify", "--chain", "f", "x", NULL },
		{ "tlsa", "--cert", "f", NULL },
		{ "lint", "x", NULL },
		{ "rollover", "--next", "f", "x", NULL },
	};
	struct dp_config cfg;
	struct dp_err err;
	size_t i;

	ok(parse(&cfg, &err, "--format", "json", "lookup", "x", NULL) == DP_ACT_RUN &&
	    cfg.format == DP_FMT_JSON, "--format json");
	ok(parse(&cfg, &err, "--json", "--format", "text", "check", "x", NULL) == DP_ACT_RUN &&
	    cfg.format == DP_FMT_TEXT, "--format text after --json: the last wins");
	ok(parse(&cfg, &err, "check", "x", "--format", "openmetrics", NULL) == DP_ACT_RUN &&
	    cfg.format == DP_FMT_OPENMETRICS, "check --format openmetrics");
	ok(parse(&cfg, &err, "--format=openmetrics", "smtp", "example.org", NULL) == DP_ACT_RUN &&
	    cfg.format == DP_FMT_OPENMETRICS, "smtp --format=openmetrics");
	ok(parse(&cfg, &err, "--format", "yaml", "check", "x", NULL) == -1 &&
	    strstr(err.msg, "text, json or openmetrics") != NULL, "--format yaml: %s", err.msg);
	ok(parse(&cfg, &err, "--format", "check", "x", NULL) == -1, "--format check: no format");
	for (i = 0; i < sizeof(not_metrics) / sizeof(not_metrics[0]); i++) {
		const char *const *a = not_metrics[i];

		ok(parse(&cfg, &err, "--format", "openmetrics", a[0], a[1], a[2], a[3], a[4]) ==
		    -1 && strstr(err.msg, "openmetrics is for check and smtp") != NULL,
		    "%s --format openmetrics refused: %s", a[0], err.msg);
	}
	ok(parse(&cfg, &err, "--format", "openmetrics", "check", "-f", "list", NULL) == -1 &&
	    strstr(err.msg, "not for -f") != NULL, "check -f --format openmetrics: %s", err.msg);
	ok(parse(&cfg, &err, "--format", "openmetrics", "smtp", "-f", "list", NULL) == -1 &&
	    strstr(err.msg, "not for -f") != NULL, "smtp -f --format openmetrics refused");
	ok(parse(&cfg, &err, "--format", "openmetrics", "--servers", "check", "x", NULL) == -1 &&
	    strstr(err.msg, "--servers") != NULL, "--servers with openmetrics: %s", err.msg);
	ok(parse(&cfg, &err, "--format", "openmetrics", "-f", "list", "-j", "4", "check",
	    NULL) == -1, "openmetrics with -f and -j refused");
}

static void
test_options(void)
{
	struct dp_config cfg;
	struct dp_err err;

	ok(parse(&cfg, &err, "lookup", "www.example", NULL) == DP_ACT_RUN &&
	    cfg.cmd == DP_CMD_LOOKUP && cfg.nargs == 1, "lookup HOST");
	ok(parse(&cfg, &err, "lookup", "www.example", "443", "--json", "-t", "2.5", NULL) ==
	    DP_ACT_RUN && cfg.format == DP_FMT_JSON && cfg.timeout_ms == 2500 &&
	    cfg.nargs == 2, "options after operands, fractional timeout");
	ok(parse(&cfg, &err, "lookup", NULL) == -1, "lookup without HOST");
	ok(parse(&cfg, &err, "lookup", "a", "1", "2", NULL) == -1, "lookup with 3 operands");
	ok(parse(&cfg, &err, "frobnicate", NULL) == -1 && strstr(err.msg, "frobnicate"),
	    "unknown command named");
	ok(parse(&cfg, &err, NULL) == -1, "no command");
	ok(parse(&cfg, &err, "-t", "0", "lookup", "x", NULL) == -1, "timeout 0 rejected");
	ok(parse(&cfg, &err, "-t", "abc", "lookup", "x", NULL) == -1, "timeout abc rejected");
	ok(parse(&cfg, &err, "--backend", "bind", "lookup", "x", NULL) == -1, "unknown backend");
	ok(parse(&cfg, &err, "--root-hints", "f", "lookup", "x", NULL) == -1,
	    "--root-hints without --recursive");
	ok(parse(&cfg, &err, "--recursive", "--resolver", "127.0.0.1", "lookup", "x",
	    NULL) == -1, "--recursive with --resolver");
	ok(parse(&cfg, &err, "-4", "-6", "lookup", "x", NULL) == -1, "-4 with -6");
	ok(parse(&cfg, &err, "--proto", "quic", "lookup", "x", NULL) == -1, "bad --proto");
	ok(parse(&cfg, &err, "--bogus-option", "lookup", "x", NULL) == -1, "unknown option");
	ok(parse(&cfg, &err, "-h", NULL) == DP_ACT_HELP, "-h");
	ok(parse(&cfg, &err, "-V", NULL) == DP_ACT_VERSION, "-V");
	ok(parse(&cfg, &err, "--backend", "unbound", "lookup", "x", NULL) == DP_ACT_RUN &&
	    cfg.res.backend == DP_BACKEND_UNBOUND, "--backend unbound");
	test_format_options();
}

static void
test_plugin(void)
{
	struct dp_plugin_config pc;
	struct dp_plugin_facts f;
	struct dp_range r;
	struct dp_err err;
	enum dp_state st;
	char buf[512], why[512];
	char *argv[] = { "check_dane", "-H", "www.example", "-w", "20", NULL };

	ok(dp_range_parse("30", &r, &err) == 0 && dp_range_alert(&r, 29.9) &&
	    !dp_range_alert(&r, 30) && strcmp(r.text, "30:") == 0, "plain days: alert below");
	ok(dp_range_parse("10:20", &r, &err) == 0 && dp_range_alert(&r, 21) &&
	    dp_range_alert(&r, 9) && !dp_range_alert(&r, 15), "range 10:20");
	ok(dp_range_parse("~:5", &r, &err) == 0 && dp_range_alert(&r, 6) &&
	    !dp_range_alert(&r, -100), "range ~:5");
	ok(dp_range_parse("@1:2", &r, &err) == 0 && dp_range_alert(&r, 1.5) &&
	    !dp_range_alert(&r, 3), "range @1:2 alerts inside");
	ok(dp_range_parse("0.5", &r, &err) == 0 && dp_range_alert(&r, 0.4), "fractional days");
	ok(dp_range_parse("abc", &r, &err) == -1, "bad threshold");
	ok(dp_range_parse("20:10", &r, &err) == -1, "start above end");
	ok(dp_range_parse("", &r, &err) == -1, "empty threshold");
	ok(dp_state_parse("Warning", &st, &err) == 0 && st == DP_STATE_WARNING, "state name");
	ok(dp_state_parse("2", &st, &err) == 0 && st == DP_STATE_CRITICAL, "state number");
	ok(dp_state_parse("fine", &st, &err) == -1, "bad state");
	is_int(dp_state_worst(DP_STATE_UNKNOWN, DP_STATE_WARNING), DP_STATE_WARNING, "WARNING over UNKNOWN");
	is_int(dp_state_worst(DP_STATE_CRITICAL, DP_STATE_WARNING), DP_STATE_CRITICAL, "CRITICAL over WARNING");

	dp_perf_item(buf, sizeof(buf), "time", 0.0123, "s", "", "", "0", NULL);
	is_str(buf, "'time'=0.012s;;;0", "perfdata: seconds, trailing fields dropped");
	dp_perf_item(buf, sizeof(buf), "cert_days", 364, NULL, "30:", "14:", NULL, NULL);
	is_str(buf, "'cert_days'=364;30:;14:", "perfdata: whole days with thresholds");
	dp_perf_item(buf, sizeof(buf), "verified", 1, NULL, "", "", "0", "2");
	is_str(buf, "'verified'=1;;;0;2", "perfdata: count with min and max");
	dp_perf_item(buf, sizeof(buf), "tlsa_sig_days", 0.75, NULL, "3:", "1:", NULL, NULL);
	is_str(buf, "'tlsa_sig_days'=0.750;3:;1:", "perfdata: fractional days");

	ok(dp_plugin_config_parse(5, argv, &pc, &err) == DP_ACT_RUN &&
	    strcmp(pc.target, "www.example:443") == 0 && strcmp(pc.cert_warn.text, "20:") == 0 &&
	    strcmp(pc.cert_crit.text, "14:") == 0, "plugin options: -H, -w, defaults");
	memset(&f, 0, sizeof(f));
	f.exit_code = DP_EXIT_OK;
	f.has_cert = true;
	f.cert_days = 10;
	why[0] = '\0';
	is_int(dp_plugin_state(&pc, &f, why, sizeof(why)), DP_STATE_CRITICAL,
	    "10 days left under -c 14: CRITICAL");
	is_str(why, "; the certificate expires in 10 days", "threshold reason");
	f.cert_days = 15;
	why[0] = '\0';
	is_int(dp_plugin_state(&pc, &f, why, sizeof(why)), DP_STATE_WARNING, "15 days: WARNING");
	f.cert_days = 100;
	f.exit_code = DP_EXIT_NOT_IN_FORCE;
	is_int(dp_plugin_state(&pc, &f, why, sizeof(why)), DP_STATE_CRITICAL,
	    "not in force: CRITICAL by default");
	pc.no_dane_state = DP_STATE_OK;
	is_int(dp_plugin_state(&pc, &f, why, sizeof(why)), DP_STATE_OK, "--no-dane-state ok");
	f.exit_code = DP_EXIT_UNCHECKED;
	f.only_timeouts = true;
	pc.timeout_state = DP_STATE_WARNING;
	is_int(dp_plugin_state(&pc, &f, why, sizeof(why)), DP_STATE_WARNING, "--timeout-state warning");
	f.only_timeouts = false;
	is_int(dp_plugin_state(&pc, &f, why, sizeof(why)), DP_STATE_CRITICAL,
	    "connection failures: CRITICAL");
	f.exit_code = DP_EXIT_FAIL;
	is_int(dp_plugin_state(&pc, &f, why, sizeof(why)), DP_STATE_CRITICAL, "DANE failure: CRITICAL");
	{
		char *bad1[] = { "check_dane", NULL };
		char *bad2[] = { "check_dane", "-H", "x.example", "-p", "70000", NULL };
		char *bad3[] = { "check_dane", "-H", "x.example", "--mx", "-p", "25", NULL };
		char *bad4[] = { "check_dane", "-H", "192.0.2.1:443", NULL };
		char *mx[] = { "check_dane", "-H", "example.org", "--mx", NULL };
		char *imap[] = { "check_dane", "-H", "mail.example", "-S", "imap", NULL };

		ok(dp_plugin_config_parse(1, bad1, &pc, &err) == -1, "no -H");
		ok(dp_plugin_config_parse(5, bad2, &pc, &err) == -1, "bad -p");
		ok(dp_plugin_config_parse(6, bad3, &pc, &err) == -1, "--mx with -p");
		ok(dp_plugin_config_parse(3, bad4, &pc, &err) == -1, "-H with a port");
		ok(dp_plugin_config_parse(4, mx, &pc, &err) == DP_ACT_RUN &&
		    pc.core.cmd == DP_CMD_SMTP && strcmp(pc.target, "example.org") == 0, "--mx");
		ok(dp_plugin_config_parse(5, imap, &pc, &err) == DP_ACT_RUN &&
		    strcmp(pc.target, "mail.example:143") == 0, "-S imap takes port 143");
	}
}

/* True when s holds no control byte (what every error message promises). */
static int
no_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int
plugin_parse(struct dp_plugin_config *pc, struct dp_err *err, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	va_start(ap, err);
	argv[argc++] = "check_dane";
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	return dp_plugin_config_parse(argc, argv, pc, err);
}

/* Hostile words where the front ends expect options, addresses, thresholds and names. */
static void
test_hard_parse(void)
{
	static const char *bad_resolvers[] = {
		"::1@53@53", "127.0.0.1@53abc", "@0", "@53", "127.0.0.1@99999",
		"127.0.0.1@0", "127.0.0.1@", "127.0.0.1@+53", "127.0.0.1@ 53", "[::1]@53",
		"fe80::1%eth0", "127.1", " 127.0.0.1", "127.0.0.1 ", "localhost", "",
		"0x7f.0.0.1", "1.2.3.4.5",
	};
	static const char *bad_ranges[] = {
		" 5", "5 ", "0x190", "~", "5:~", "~:~", "1e3", "inf", "nan", "-inf:0", "+",
		"-", ".5", "5.", "@", "@5", "@~", "1:2:3", "5,5", "5|x", "\t5",
		"11111111111111111111111111111111111111111",	/* 41 characters */
	};
	static const char *good_ranges[] = {
		"~:5", "@~:5", "-1.5:2.25", "+3:", "10:", ":10", "0", "-7", "@1:2",
		"@-12345678901234567.5:123456789012345678",	/* 40 characters */
	};
	static const char *bad_names[] = {
		"a..", "-", "--tlsa", "-a.example", "a-.example", "a.-b", "a.b-.", "..", ".",
		"a\nb",
	};
	static const char *good_names[] = {
		"_443._tcp.www.example", "xn--bcher-kva.example", "a-b.example.", "a",
		"_25._tcp.mx-1.example",
	};
	static const char *bad_targets[] = {
		"-", "--tlsa", "-x:443", "a..:443", "[www.example]:443", "https://-x/",
		"https://a../", "a-:443",
	};
	struct dp_resolver_addr a;
	struct dp_resolver_config rc;
	struct dp_range r;
	struct dp_target t;
	struct dp_config cfg;
	struct dp_plugin_config pc;
	struct dp_plugin_facts f;
	struct dp_err err;
	char out[DP_NAME_TEXT_MAX], buf[1024], esc[8];
	size_t i;

	/* --resolver: one parser, a canonical ADDR@PORT for both backends. */
	ok(dp_resolver_addr_parse("127.0.0.1", &a, &err) == 0 && a.family == AF_INET &&
	    a.port == 53 && strcmp(a.text, "127.0.0.1@53") == 0, "resolver: IPv4, port 53");
	ok(dp_resolver_addr_parse("2001:DB8:0::53@5353", &a, &err) == 0 &&
	    a.family == AF_INET6 && a.port == 5353 && strcmp(a.text, "2001:db8::53@5353") == 0,
	    "resolver: IPv6 without brackets, canonical text");
	ok(dp_resolver_addr_parse("::ffff:192.0.2.1@65535", &a, &err) == 0 &&
	    a.port == 65535, "resolver: IPv6 with an IPv4 tail, port 65535");
	for (i = 0; i < sizeof(bad_resolvers) / sizeof(bad_resolvers[0]); i++)
		ok(dp_resolver_addr_parse(bad_resolvers[i], &a, &err) == -1 &&
		    strstr(err.msg, "invalid resolver") != NULL,
		    "resolver '%s' rejected", bad_resolvers[i]);
	memset(&rc, 0, sizeof(rc));
	for (i = 0; i < DP_MAX_RESOLVERS; i++)
		dp_resolver_config_add(&rc, "192.0.2.1", &err);
	ok(rc.nservers == DP_MAX_RESOLVERS && dp_resolver_config_add(&rc, "192.0.2.1",
	    &err) == -1, "at most %d resolvers", DP_MAX_RESOLVERS);
	ok(parse(&cfg, &err, "--resolver", "::1@53@53", "lookup", "x", NULL) == -1 &&
	    plugin_parse(&pc, &err, "-H", "x.example", "--resolver", "127.0.0.1@53abc",
	    NULL) == -1, "bad --resolver: a usage error in both front ends");
	ok(parse(&cfg, &err, "--resolver", "::1@5353", "lookup", "x", NULL) == DP_ACT_RUN &&
	    cfg.res.nservers == 1 && strcmp(cfg.res.servers[0].text, "::1@5353") == 0,
	    "--resolver parsed at option time");

	/* Thresholds: decimal numbers only, whole or refused. */
	for (i = 0; i < sizeof(bad_ranges) / sizeof(bad_ranges[0]); i++)
		ok(dp_range_parse(bad_ranges[i], &r, &err) == -1 && no_ctl(err.msg),
		    "threshold '%s' rejected", bad_ranges[i]);
	for (i = 0; i < sizeof(good_ranges) / sizeof(good_ranges[0]); i++)
		ok(dp_range_parse(good_ranges[i], &r, &err) == 0 &&
		    strncmp(r.text, good_ranges[i], strlen(good_ranges[i])) == 0,
		    "threshold '%s' accepted, kept as given", good_ranges[i]);
	ok(dp_range_parse("-1.5:2.25", &r, &err) == 0 && dp_range_alert(&r, -2) &&
	    dp_range_alert(&r, 2.5) && !dp_range_alert(&r, 0), "range -1.5:2.25");
	ok(dp_range_parse("@~:5", &r, &err) == 0 && dp_range_alert(&r, -1e9) &&
	    !dp_range_alert(&r, 6), "range @~:5 alerts inside");
	ok(plugin_parse(&pc, &err, "-H", "x.example", "-w", " 5", NULL) == -1 &&
	    plugin_parse(&pc, &err, "-H", "x.example", "-c", "0x190", NULL) == -1 &&
	    plugin_parse(&pc, &err, "-H", "x.example", "--sig-warning", "~", NULL) == -1,
	    "plugin: -w ' 5', -c 0x190, --sig-warning ~ rejected");
	ok(plugin_parse(&pc, &err, "-H", "x.example",
	    "-w", "@-12345678901234567.5:123456789012345678",
	    "-c", "-12345678901234567.5:1234567890123456789",
	    "--sig-warning", "@-12345678901234567.5:12345678901234567",
	    "--sig-critical", "123456789012345678901234567890123456789", NULL) == DP_ACT_RUN,
	    "plugin: the longest thresholds accepted");
	memset(&f, 0, sizeof(f));
	f.has_connect = f.has_handshake = f.has_cert = true;
	f.has_tlsa_sig = f.has_addr_sig = f.has_mx_sig = true;
	f.time_s = f.dns_s = f.connect_s = f.handshake_s = 3599.999;
	f.cert_days = -2916000;	/* notAfter in year 0000 */
	f.tlsa_sig_days = f.addr_sig_days = f.mx_sig_days = -49710.5;
	f.verified = f.total = 1000000;
	dp_perfdata(&pc, &f, buf, sizeof(buf));
	ok(strstr(buf, "'cert_days'=-2916000;@-12345678901234567.5:123456789012345678;"
	    "-12345678901234567.5:1234567890123456789") != NULL &&
	    strstr(buf, "'mx_sig_days'=-49710.500;@-12345678901234567.5:12345678901234567;"
	    "123456789012345678901234567890123456789:") != NULL &&
	    strstr(buf, "'verified'=1000000;;;0;1000000") != NULL,
	    "perfdata: the longest thresholds whole, every item in 1024 bytes");
	printf("# %zu bytes of perfdata at the longest\n", strlen(buf));

	/* Host names: RFC 952/1123 label edges, no empty last label, no options. */
	for (i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++)
		ok(dp_name_canonical(bad_names[i], out, sizeof(out), &err) == -1 &&
		    no_ctl(err.msg), "name '%s' rejected", bad_names[i][1] == '\n' ?
		    "a\\nb" : bad_names[i]);
	ok(dp_name_canonical("--tlsa", out, sizeof(out), &err) == -1 &&
	    strstr(err.msg, "an option in the wrong place?") != NULL,
	    "an option-like word is named as such");
	for (i = 0; i < sizeof(good_names) / sizeof(good_names[0]); i++)
		ok(dp_name_canonical(good_names[i], out, sizeof(out), &err) == 0,
		    "name '%s' accepted", good_names[i]);
	for (i = 0; i < sizeof(bad_targets) / sizeof(bad_targets[0]); i++)
		ok(dp_target_parse(bad_targets[i], 443, &t, &err) == -1,
		    "target '%s' rejected", bad_targets[i]);
	ok(dp_target_parse("[::1]:853", 443, &t, &err) == 0 && t.is_addr && t.port == 853,
	    "target [::1]:853");
	ok(dp_target_parse("--tlsa", 443, &t, &err) == -1 &&
	    strcmp(err.msg, "'--tlsa': not a host name (an option in the wrong place?)") == 0,
	    "target '--tlsa': %s", err.msg);
	ok(plugin_parse(&pc, &err, "-H", "--mx", NULL) == -1 &&
	    strstr(err.msg, "option in the wrong place") != NULL, "plugin: -H --mx");

	/* Options named as typed, never as a raw enum value. */
	ok(parse(&cfg, &err, "check", "www.example", "--tlsa", NULL) == -1 &&
	    strcmp(err.msg, "option '--tlsa' needs an argument") == 0, "%s", err.msg);
	ok(parse(&cfg, &err, "lookup", "x", "-t", NULL) == -1 &&
	    strcmp(err.msg, "option '-t' needs an argument") == 0, "%s", err.msg);
	ok(parse(&cfg, &err, "lookup", "x", "--timeout", NULL) == -1 &&
	    strcmp(err.msg, "option '--timeout' needs an argument") == 0, "%s", err.msg);
	ok(parse(&cfg, &err, "--frob=1", "lookup", "x", NULL) == -1 &&
	    strcmp(err.msg, "unknown option '--frob'") == 0, "%s", err.msg);
	ok(parse(&cfg, &err, "--tls", "lookup", "x", NULL) == -1 &&
	    strcmp(err.msg, "ambiguous option '--tls' (--tlsa, --tlsa-file)") == 0,
	    "%s", err.msg);
	ok(parse(&cfg, &err, "--json=yes", "lookup", "x", NULL) == -1 &&
	    strcmp(err.msg, "option '--json' takes no argument") == 0, "%s", err.msg);
	ok(parse(&cfg, &err, "--json", "-vx", "lookup", "x", NULL) == -1 &&
	    strcmp(err.msg, "unknown option '-x'") == 0, "%s", err.msg);
	ok(parse(&cfg, &err, "-\x01", "lookup", "x", NULL) == -1 &&
	    strcmp(err.msg, "unknown option '-\\x01'") == 0, "%s", err.msg);
	ok(parse(&cfg, &err, "--\x1b[2J", "lookup", "x", NULL) == -1 && no_ctl(err.msg),
	    "%s", err.msg);
	ok(plugin_parse(&pc, &err, "-H", "x.example", "--sig-warning", NULL) == -1 &&
	    strcmp(err.msg, "option '--sig-warning' needs an argument") == 0, "%s", err.msg);
	ok(plugin_parse(&pc, &err, "-H", "x.example", "-w", NULL) == -1 &&
	    strcmp(err.msg, "option '-w' needs an argument") == 0, "%s", err.msg);
	ok(plugin_parse(&pc, &err, "-H", "x.example", "--tlsa", "x", NULL) == -1 &&
	    strcmp(err.msg, "unknown option '--tlsa'") == 0, "%s", err.msg);

	/* Control bytes never reach a message raw. */
	is_str(dp_escape_ctl(buf, sizeof(buf), "a\nb\r\t\x1b[0m\x7f"), "a\\nb\\r\\t\\x1b[0m\\x7f",
	    "control bytes escaped");
	is_str(dp_escape_ctl(esc, 6, "ab\x01"), "ab", "a cut falls between escapes");
	dp_err_set(&err, "'%s'", "x\ny");
	is_str(err.msg, "'x\\ny'", "dp_err_set escapes what it quotes");
	{
		char path[] = "/tmp/dp-unit-tlsa-XXXXXX";
		struct dp_tlsaset set;
		int fd = mkstemp(path);
		const char line[] = "x\x1b[2J 1 1 00\r\n";

		memset(&set, 0, sizeof(set));
		ok(fd != -1 && write(fd, line, sizeof(line) - 1) == (ssize_t)sizeof(line) - 1 &&
		    dp_tlsaset_add_file(&set, path, false, &err) == -1 && no_ctl(err.msg) &&
		    strstr(err.msg, ":1: contains control byte 0x1b") != NULL,
		    "a --tlsa-file with a control byte is refused, the byte named, not echoed");
		printf("# %s\n", err.msg);
		dp_tlsaset_clear(&set);
		if (fd != -1) {
			close(fd);
			unlink(path);
		}
	}
}

/* rec's text with each run of blanks made one space, trimmed: what tokenisers see. */
static const char *
squash(const char *text)
{
	static char out[128];
	size_t n = 0;

	for (; *text != '\0' && n + 2 < sizeof(out); text++) {
		if (*text == ' ' || *text == '\t') {
			if (n > 0 && out[n - 1] != ' ')
				out[n++] = ' ';
			continue;
		}
		out[n++] = *text;
	}
	if (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return out;
}

/* Reads all records of text; returns the -1/0 of the end, err filled. */
static int
zone_read_all(const char *text, size_t max_record, char got[][128], unsigned *lines,
    int max, int *n, struct dp_err *err)
{
	static char buf[1024];
	struct dp_zone_reader zr;
	struct dp_zone_record rec;
	int rc;

	snprintf(buf, sizeof(buf), "%s", text);
	dp_zone_init(&zr, "test", "t.zone", buf, strlen(buf), max_record);
	*n = 0;
	err->msg[0] = '\0';
	while ((rc = dp_zone_next(&zr, &rec, err)) == 1 && *n < max) {
		snprintf(got[*n], 128, "%s", squash(rec.text));
		lines[(*n)++] = rec.line;
	}
	/* After the end, or an error, the reader stays at the end. */
	if (rc != 1 && dp_zone_next(&zr, &rec, NULL) != 0)
		rc = 99;
	dp_zone_close(&zr);
	return rc;
}

/* The first field both front ends fill from the shared options where a and b differ, or NULL. */
static const char *
core_differs(const struct dp_config *a, const struct dp_config *b)
{
	size_t i;

#define OC_STR_DIFF(x) ((a->x == NULL) != (b->x == NULL) || \
	(a->x != NULL && strcmp(a->x, b->x) != 0))
	if (strcmp(a->helo, b->helo) != 0)
		return "helo";
	if (a->timeout_ms != b->timeout_ms || a->res.timeout_ms != b->res.timeout_ms)
		return "timeout";
	if (a->max_addrs != b->max_addrs || a->max_mx != b->max_mx)
		return "limits";
	if (OC_STR_DIFF(proto))
		return "proto";
	if (a->only_v4 != b->only_v4 || a->only_v6 != b->only_v6)
		return "-4/-6";
	if (a->verbose != b->verbose)
		return "verbose";
	if (OC_STR_DIFF(cafile) || OC_STR_DIFF(capath))
		return "trust store";
	if (a->dialect != b->dialect)
		return "starttls";
	if (a->res.backend != b->res.backend)
		return "backend";
	if (OC_STR_DIFF(res.trust_anchor))
		return "trust anchor";
	if (a->res.recursive != b->res.recursive || OC_STR_DIFF(res.root_hints))
		return "recursive";
	if (a->res.nservers != b->res.nservers)
		return "resolvers";
	for (i = 0; i < a->res.nservers; i++)
		if (strcmp(a->res.servers[i].text, b->res.servers[i].text) != 0)
			return "resolvers";
#undef OC_STR_DIFF
	return NULL;
}

/*
 * The same shared options (NULL-terminated) through both front ends:
 * "daneprobe OPTIONS check www.example" and "check_dane -H www.example
 * OPTIONS".  Returns the parse results in crc and prc.
 */
static void
parse_both(const char *const *shared, struct dp_config *cfg, struct dp_plugin_config *pc,
    int *crc, struct dp_err *cerr, int *prc, struct dp_err *perr)
{
	char *cargv[40], *pargv[40];
	int cargc = 0, pargc = 0;

	cargv[cargc++] = "daneprobe";
	pargv[pargc++] = "check_dane";
	pargv[pargc++] = "-H";
	pargv[pargc++] = "www.example";
	for (; *shared != NULL; shared++)
		cargv[cargc++] = pargv[pargc++] = (char *)*shared;
	cargv[cargc++] = "check";
	cargv[cargc++] = "www.example";
	cargv[cargc] = pargv[pargc] = NULL;
	*crc = dp_config_parse(cargc, cargv, cfg, cerr);
	*prc = dp_plugin_config_parse(pargc, pargv, pc, perr);
}

/* options.c: one set of defaults, shared options and cross-checks for daneprobe and check_dane. */
static void
test_option_core(void)
{
	static const char *const none[] = { NULL };
	static const char *const set_recursive[] = {
		"-4", "-t", "2.5", "-v", "-v", "--backend", "unbound", "--trust-anchor", "/ta.key",
		"--recursive", "--root-hints", "/root.hints", "--CAfile", "/ca.pem",
		"--CApath", "/ca", "--max-addresses", "5", "--max-mx", "3",
		"--helo", "Client.Example.", "--starttls", "imap", NULL,
	};
	static const char *const set_resolver[] = {
		"-6", "--timeout", "7", "--verbose", "--backend", "getdns",
		"--resolver", "::1@5353", "--resolver", "127.0.0.1", "--helo", "a", NULL,
	};
	const char *const *const bad[] = {
		(const char *const[]){ "-4", "-6", NULL },
		(const char *const[]){ "--root-hints", "/root.hints", NULL },
		(const char *const[]){ "--recursive", "--resolver", "127.0.0.1", NULL },
		(const char *const[]){ "-t", "0", NULL },
		(const char *const[]){ "--timeout", "3601", NULL },
		(const char *const[]){ "--max-addresses", "0", NULL },
		(const char *const[]){ "--max-mx", "65", NULL },
		(const char *const[]){ "--helo", "not a name", NULL },
		(const char *const[]){ "--starttls", "gopher", NULL },
		(const char *const[]){ "--backend", "bind", NULL },
		(const char *const[]){ "--resolver", "@0", NULL },
	};
	struct dp_config cfg, def;
	struct dp_plugin_config pc;
	struct dp_err cerr, perr;
	const char *diff;
	char host[256], canon[DP_NAME_TEXT_MAX], want_helo[DP_NAME_TEXT_MAX];
	int crc, prc;
	size_t i;

	/* The defaults: one EHLO name, timeout, limits and trust anchor for both. */
	dp_config_defaults(&def);
	if (gethostname(host, sizeof(host)) == 0 && (host[sizeof(host) - 1] = '\0',
	    dp_name_canonical(host, canon, sizeof(canon), NULL) == 0)) {
		canon[strlen(canon) - 1] = '\0';
		snprintf(want_helo, sizeof(want_helo), "%s", canon);
	} else
		snprintf(want_helo, sizeof(want_helo), "localhost");
	is_str(def.helo, want_helo, "defaults: EHLO name is this host's name, or localhost");
	ok(def.timeout_ms == DP_DEFAULT_TIMEOUT_MS && def.max_addrs == DP_DEFAULT_MAX_ADDRS &&
	    def.max_mx == DP_DEFAULT_MAX_MX && strcmp(def.proto, "tcp") == 0 &&
	    strcmp(def.res.trust_anchor, DP_DEFAULT_TRUST_ANCHOR) == 0 && !def.res.recursive &&
	    def.res.nservers == 0 && def.cafile == NULL && def.capath == NULL &&
	    def.dialect == NULL && def.verbose == 0,
	    "defaults: timeout, limits, proto, trust anchor, nothing else set");
	parse_both(none, &cfg, &pc, &crc, &cerr, &prc, &perr);
	ok(crc == DP_ACT_RUN && prc == DP_ACT_RUN, "defaults: both front ends parse");
	diff = core_differs(&cfg, &pc.core);
	ok(diff == NULL, "defaults: the same in both front ends (%s)", diff ? diff : "all equal");
	def.res.timeout_ms = def.timeout_ms;	/* what a parse derives */
	diff = core_differs(&cfg, &def);
	ok(diff == NULL, "defaults: the front ends keep dp_config_defaults' (%s)",
	    diff ? diff : "all equal");
	is_str(pc.core.helo, want_helo, "defaults: check_dane's EHLO name is daneprobe's");

	/* The same shared options give the same core. */
	parse_both(set_recursive, &cfg, &pc, &crc, &cerr, &prc, &perr);
	diff = core_differs(&cfg, &pc.core);
	ok(crc == DP_ACT_RUN && prc == DP_ACT_RUN && diff == NULL,
	    "--recursive set: the same core in both (%s)", diff ? diff : "all equal");
	ok(pc.core.only_v4 && pc.core.timeout_ms == 2500 && pc.core.res.timeout_ms == 2500 &&
	    pc.core.verbose == 2 && pc.core.res.backend == DP_BACKEND_UNBOUND &&
	    strcmp(pc.core.res.trust_anchor, "/ta.key") == 0 && pc.core.res.recursive &&
	    strcmp(pc.core.res.root_hints, "/root.hints") == 0 &&
	    strcmp(pc.core.cafile, "/ca.pem") == 0 && strcmp(pc.core.capath, "/ca") == 0 &&
	    pc.core.max_addrs == 5 && pc.core.max_mx == 3 &&
	    strcmp(pc.core.helo, "client.example") == 0 && pc.core.dialect != NULL &&
	    strcmp(pc.core.dialect->name, "imap") == 0,
	    "--recursive set: every shared option applied (check_dane gains --CApath, "
	    "--recursive, --root-hints, --helo)");
	parse_both(set_resolver, &cfg, &pc, &crc, &cerr, &prc, &perr);
	diff = core_differs(&cfg, &pc.core);
	ok(crc == DP_ACT_RUN && prc == DP_ACT_RUN && diff == NULL,
	    "--resolver set: the same core in both (%s)", diff ? diff : "all equal");
	ok(pc.core.only_v6 && pc.core.timeout_ms == 7000 && pc.core.res.nservers == 2 &&
	    strcmp(pc.core.res.servers[0].text, "::1@5353") == 0 &&
	    strcmp(pc.core.helo, "a") == 0, "--resolver set: applied");
	{
		char *sargv[] = { "check_dane", "-H", "mail.example", "-S", "lmtp", NULL };
		char *largv[] = { "check_dane", "-H", "mail.example", "--starttls", "lmtp", NULL };
		const struct dp_dialect *d;

		ok(dp_plugin_config_parse(5, sargv, &pc, &perr) == DP_ACT_RUN &&
		    (d = pc.core.dialect) != NULL && dp_plugin_config_parse(5, largv, &pc,
		    &perr) == DP_ACT_RUN && pc.core.dialect == d,
		    "check_dane: -S is the shared --starttls");
	}

	/* The shared cross-checks and argument errors: errors in both, with the same text. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse_both(bad[i], &cfg, &pc, &crc, &cerr, &prc, &perr);
		ok(crc == -1 && prc == -1 && strcmp(cerr.msg, perr.msg) == 0,
		    "%s %s: the same error in both ('%s')", bad[i][0], bad[i][1],
		    crc == -1 ? cerr.msg : "accepted");
		if (prc != -1 || (crc == -1 && strcmp(cerr.msg, perr.msg) != 0))
			printf("#   check_dane: %s\n", prc == -1 ? perr.msg : "accepted");
	}
	dp_config_defaults(&def);
	def.res.recursive = true;
	ok(dp_config_check(&def, &cerr) == 0, "dp_config_check: --recursive alone is fine");
	def.res.root_hints = "/root.hints";
	def.only_v4 = def.only_v6 = true;
	ok(dp_config_check(&def, &cerr) == -1 && strstr(cerr.msg, "-4 and -6") != NULL,
	    "dp_config_check: -4 with -6");
}

static void
test_zonefile(void)
{
	struct dp_zone_reader zr;
	struct dp_zone_record rec;
	struct dp_err err;
	char got[8][128], dir[] = "/tmp/dp-unit-XXXXXX", path[64], *buf;
	unsigned lines[8];
	size_t len;
	int n, rc;
	FILE *fp;

	rc = zone_read_all("; a comment line\n"
	    "\n"
	    "$ORIGIN example.\n"
	    "$TTL 1h\n"
	    "a 60 IN TXT \"x;y (\" ; a comment\n"
	    "b IN DS ( 1 8 2 ; inside\n"
	    "\t\tABCD )\r\n"
	    "c IN TXT a\\;b\n"
	    "d IN A 192.0.2.1", 16384, got, lines, 8, &n, &err);
	is_int(rc, 0, "zone: reads to the end");
	is_int(n, 4, "zone: four records (comments, blank lines, directives skipped)");
	is_str(got[0], "a 60 IN TXT \"x;y (\"", "zone: ';' and '(' inside quotes are text");
	is_str(got[1], "b IN DS 1 8 2 ABCD", "zone: parentheses join lines");
	is_str(got[2], "c IN TXT a\\;b", "zone: an escaped ';' is no comment");
	is_str(got[3], "d IN A 192.0.2.1", "zone: a last line without a newline");
	ok(lines[0] == 5 && lines[1] == 6 && lines[2] == 8 && lines[3] == 9,
	    "zone: records start at lines 5, 6, 8, 9");

	{
		char text[] = "$ORIGIN example.\n$TTL 120\nwww IN A 192.0.2.1\n";

		dp_zone_init(&zr, NULL, "t.zone", text, strlen(text), 16384);
		ok(dp_zone_next(&zr, &rec, &err) == 1 && strcmp(rec.origin, "example.") == 0 &&
		    rec.ttl == 120, "zone: $ORIGIN and $TTL reach the record");
		dp_zone_close(&zr);
	}

	rc = zone_read_all("a IN A 192.0.2.1\nb ) IN A 192.0.2.2\n", 16384, got, lines, 8,
	    &n, &err);
	ok(rc == -1 && n == 1, "zone: an unbalanced ')' is an error");
	is_str(err.msg, "test t.zone:2: unbalanced ')'", "zone: ... naming file and line");
	rc = zone_read_all("\na IN DS ( 1 8\n2\n", 16384, got, lines, 8, &n, &err);
	ok(rc == -1 && n == 0, "zone: a '(' without ')' is an error");
	is_str(err.msg, "test t.zone:2: '(' without ')'", "zone: ... at the line it opened");
	rc = zone_read_all("a IN TXT \"open\n", 16384, got, lines, 8, &n, &err);
	ok(rc == -1 && strstr(err.msg, ":1: unterminated quoted string") != NULL,
	    "zone: an unterminated quote is an error");
	rc = zone_read_all("x IN A 192.0.2.1\na IN DS ( 1 8 2\n 0123456789 0123456789 )\n",
	    32, got, lines, 8, &n, &err);
	ok(rc == -1 && n == 1, "zone: a record longer than the bound is an error");
	is_str(err.msg, "test t.zone:2: record longer than 32 bytes",
	    "zone: ... at the line it starts");
	rc = zone_read_all("; long comments do not count against the bound"
	    " ......................................\nx IN A 192.0.2.1\n", 32, got, lines, 8,
	    &n, &err);
	ok(rc == 0 && n == 1, "zone: comments do not count against the record bound");
	rc = zone_read_all("$INCLUDE /dev/zero\n", 16384, got, lines, 8, &n, &err);
	is_str(err.msg, "test t.zone:1: $INCLUDE is not supported", "zone: $INCLUDE is refused");
	rc = zone_read_all("$GENERATE 1-2 a A 1.2.3.$\n", 16384, got, lines, 8, &n, &err);
	ok(rc == -1 && strstr(err.msg, "unknown directive") != NULL,
	    "zone: an unknown directive is refused");
	rc = zone_read_all("$ORIGIN example\n", 16384, got, lines, 8, &n, &err);
	ok(rc == -1 && strstr(err.msg, "absolute") != NULL, "zone: a relative $ORIGIN is refused");
	rc = zone_read_all("$TTL soon\n", 16384, got, lines, 8, &n, &err);
	ok(rc == -1, "zone: a $TTL that is not a TTL is refused");
	rc = zone_read_all("a IN TXT x\033[2Jy\n", 16384, got, lines, 8, &n, &err);
	ok(rc == -1 && strchr(err.msg, '\033') == NULL &&
	    strstr(err.msg, ":1: contains control byte 0x1b") != NULL,
	    "zone: a control byte is refused, not echoed");
	{
		char text[] = "a\0b\n";

		dp_zone_init(&zr, NULL, "bad\033name", text, sizeof(text) - 1, 16384);
		ok(dp_zone_next(&zr, &rec, &err) == -1 &&
		    strcmp(err.msg, "bad?name:1: contains a NUL byte") == 0,
		    "zone: a NUL is refused; the path is shown without control bytes");
		dp_zone_close(&zr);
	}

	/* dp_file_slurp: only regular files, bounded, no NUL. */
	ok(dp_file_slurp("/dev/null", 100, &buf, &len, &err) == -1 &&
	    strcmp(err.msg, "/dev/null: not a regular file") == 0, "slurp: a device is refused");
	ok(dp_file_slurp("/", 100, &buf, &len, &err) == -1 &&
	    strstr(err.msg, "not a regular file") != NULL, "slurp: a directory is refused");
	if (mkdtemp(dir) == NULL) {
		ok(0, "slurp: mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ok(mkfifo(path, 0600) == 0 && dp_file_slurp(path, 100, &buf, &len, &err) == -1 &&
	    strstr(err.msg, "not a regular file") != NULL,
	    "slurp: a FIFO nobody writes is refused without blocking");
	unlink(path);
	snprintf(path, sizeof(path), "%s/file", dir);
	if ((fp = fopen(path, "w")) != NULL) {
		fputs("0123456789", fp);
		fclose(fp);
	}
	ok(dp_file_slurp(path, 10, &buf, &len, &err) == 0 && len == 10 && buf[10] == '\0' &&
	    strcmp(buf, "0123456789") == 0, "slurp: a file of exactly the bound is read");
	free(buf);
	ok(dp_file_slurp(path, 9, &buf, &len, &err) == -1 && buf == NULL &&
	    strstr(err.msg, ": larger than 9 bytes") != NULL, "slurp: one byte more is refused");
	if ((fp = fopen(path, "w")) != NULL) {
		fputs("line 1\nline", fp);
		fputc('\0', fp);
		fclose(fp);
	}
	ok(dp_file_slurp(path, 100, &buf, &len, &err) == -1 &&
	    strstr(err.msg, ":2: contains a NUL byte") != NULL, "slurp: a NUL byte is refused");
	if ((fp = fopen(path, "w")) != NULL)
		fclose(fp);
	ok(dp_file_slurp(path, 100, &buf, &len, &err) == 0 && len == 0 && buf[0] == '\0',
	    "slurp: an empty file is empty text");
	free(buf);
	ok(dp_zone_open(&zr, "trust anchor", "/nonexistent/x", 100, 100, &err) == -1 &&
	    strncmp(err.msg, "trust anchor /nonexistent/x: cannot open", 40) == 0,
	    "zone: open names what the file is for");
	dp_zone_close(&zr);
	unlink(path);
	rmdir(dir);
}

/* One DS record: key tag 1182, algorithm alg, digest type dt, a 32-octet digest. */
static void
ds_record(struct dp_record *rr, uint8_t *buf, uint8_t alg, uint8_t dt)
{
	memset(buf, 0xab, 36);
	buf[0] = 0x04, buf[1] = 0x9e, buf[2] = alg, buf[3] = dt;
	rr->type = DP_TYPE_DS;
	rr->ttl = 3600;
	rr->rdata = buf;
	rr->rdlen = 36;
}

/* ds_rrset(a1, d1, a2, d2, ...): whether dp_ds_rrset_supported takes these pairs. */
static bool
ds_rrset(size_t n, ...)
{
	struct dp_record rrs[4];
	uint8_t bufs[4][36];
	struct dp_answer ans;
	va_list ap;
	size_t i;

	memset(&ans, 0, sizeof(ans));
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		int alg = va_arg(ap, int), dt = va_arg(ap, int);

		ds_record(&rrs[i], bufs[i], (uint8_t)alg, (uint8_t)dt);
	}
	va_end(ap);
	ans.qtype = DP_TYPE_DS;
	ans.rrs = rrs;
	ans.nrrs = n;
	return dp_ds_rrset_supported(&ans);
}

static void
test_ds_rrset(void)
{
	struct dp_record rrs[2];
	uint8_t bufs[2][36];
	struct dp_answer ans;

	ok(ds_rrset(1, 13, 2), "DS: ECDSAP256SHA256 with SHA-256 supported");
	ok(ds_rrset(1, 8, 1) && ds_rrset(1, 10, 4) && ds_rrset(1, 15, 2) &&
	    ds_rrset(1, 16, 2) && ds_rrset(1, 14, 4) && ds_rrset(1, 5, 1) &&
	    ds_rrset(1, 7, 2), "DS: RSA, ECDSA and EdDSA algorithms supported");
	ok(ds_rrset(1, 3, 1) && ds_rrset(1, 12, 3),
	    "DS: DSA and GOST count as supported (doubt keeps bogus)");
	ok(!ds_rrset(1, 200, 2), "DS: algorithm 200 not supported (RFC 4035 section 5.2)");
	ok(!ds_rrset(1, 13, 200), "DS: digest type 200 not supported (RFC 6840 section 5.2)");
	ok(!ds_rrset(1, 1, 2), "DS: RSAMD5 not supported (RFC 6725)");
	ok(!ds_rrset(1, 0, 2) && !ds_rrset(1, 13, 0), "DS: algorithm 0, digest type 0 not supported");
	ok(!ds_rrset(1, 13, 5) && !ds_rrset(1, 17, 2), "DS: digest type 5, algorithm 17 not supported");
	ok(ds_rrset(2, 200, 2, 13, 2), "DS: one supported record among unsupported ones suffices");
	ok(!ds_rrset(2, 200, 2, 13, 200),
	    "DS: a supported algorithm and a supported digest in different records do not pair");
	ok(ds_rrset(0), "DS: no records: doubt, counted as supported");

	memset(&ans, 0, sizeof(ans));
	ds_record(&rrs[0], bufs[0], 200, 2);
	ds_record(&rrs[1], bufs[1], 200, 2);
	rrs[1].rdlen = 4;	/* no digest: malformed */
	ans.rrs = rrs;
	ans.nrrs = 2;
	ok(dp_ds_rrset_supported(&ans), "DS: a malformed record is doubt, counted as supported");
	rrs[1].rdlen = 36;
	rrs[1].type = DP_TYPE_CNAME;
	ok(dp_ds_rrset_supported(&ans), "DS: a record of another type is doubt, counted as supported");
	rrs[1].type = DP_TYPE_DS;
	ok(!dp_ds_rrset_supported(&ans), "DS: two readable unsupported records: not supported");
}

/* A server of a hand-built survey: answered, authoritative, serial, one TLSA record. */
static void
survey_server(struct dp_server_result *srv, const char *addr, uint32_t serial, uint8_t rec,
    time_t expires)
{
	memset(srv, 0, sizeof(*srv));
	snprintf(srv->ns, sizeof(srv->ns), "ns.example.");
	snprintf(srv->address, sizeof(srv->address), "%s", addr);
	srv->status = DP_LOOKUP_ANSWERED;
	srv->rcode = DP_RCODE_NOERROR;
	srv->authoritative = true;
	srv->has_serial = true;
	srv->serial = serial;
	srv->rrs = calloc(1, sizeof(*srv->rrs));
	srv->nrrs = 1;
	srv->rrs[0].rdata = calloc(1, 35);
	srv->rrs[0].rdata[0] = 3;
	srv->rrs[0].rdata[1] = 1;
	srv->rrs[0].rdata[2] = 1;
	srv->rrs[0].rdata[3] = rec;
	srv->rrs[0].rdlen = 35;
	srv->sig_expires = expires;
	srv->sigs = DP_DNSSEC_SECURE;
}

static void
test_servers_judge(void)
{
	struct dp_servers_report rep;

	memset(&rep, 0, sizeof(rep));
	snprintf(rep.zone, sizeof(rep.zone), "example.");
	rep.zone_state = DP_DNSSEC_SECURE;
	rep.servers = calloc(5, sizeof(*rep.servers));
	rep.nservers = 5;
	survey_server(&rep.servers[0], "192.0.2.1", 7, 0xaa, 2000000000);
	survey_server(&rep.servers[1], "192.0.2.2", 6, 0xbb, 1900000000);	/* stale */
	survey_server(&rep.servers[2], "192.0.2.3", 7, 0xaa, 2000000000);
	rep.servers[2].rcode = 5;					/* REFUSED */
	survey_server(&rep.servers[3], "192.0.2.4", 7, 0xaa, 2000000000);
	rep.servers[3].authoritative = false;
	survey_server(&rep.servers[4], "192.0.2.5", 7, 0xaa, 2000000000);
	rep.servers[4].sigs = DP_DNSSEC_BOGUS;
	dp_servers_judge(&rep);
	is_int(rep.exit_code, DP_EXIT_FAIL, "servers: one differs: exit 1");
	ok(rep.has_newest && rep.servers[rep.newest].serial == 7, "servers: the newest is serial 7");
	is_str(rep.servers[0].summary, "same", "servers: the current one is the same");
	is_str(rep.servers[1].summary, "older serial 6 (newest 7); 1 record only here, 1 missing "
	    "here; signatures expire sooner (2030-03-17T17:46:40Z)", "servers: the stale one, in full");
	is_str(rep.servers[2].summary, "REFUSED", "servers: REFUSED");
	is_str(rep.servers[3].summary, "not authoritative (no AA bit)", "servers: no AA bit");
	is_str(rep.servers[4].summary, "signatures missing or invalid against the zone's keys",
	    "servers: bad signatures");
	dp_servers_report_clear(&rep);

	/* RFC 1982: 1 is newer than 4294967295. */
	memset(&rep, 0, sizeof(rep));
	snprintf(rep.zone, sizeof(rep.zone), "example.");
	rep.servers = calloc(2, sizeof(*rep.servers));
	rep.nservers = 2;
	survey_server(&rep.servers[0], "192.0.2.1", 4294967295u, 0xaa, 0);
	survey_server(&rep.servers[1], "192.0.2.2", 1, 0xaa, 0);
	dp_servers_judge(&rep);
	ok(rep.newest == 1 && rep.servers[0].older, "servers: serial arithmetic across the wrap");
	dp_servers_report_clear(&rep);

	/* Nobody answered: could not check, never consistent. */
	memset(&rep, 0, sizeof(rep));
	snprintf(rep.zone, sizeof(rep.zone), "example.");
	rep.servers = calloc(1, sizeof(*rep.servers));
	rep.nservers = 1;
	rep.servers[0].status = DP_LOOKUP_TIMEOUT;
	rep.servers[0].rcode = -1;
	snprintf(rep.servers[0].why, sizeof(rep.servers[0].why), "no answer in time");
	dp_servers_judge(&rep);
	is_int(rep.exit_code, DP_EXIT_UNCHECKED, "servers: no answer at all: could not check");
	is_str(rep.servers[0].summary, "no answer: no answer in time", "servers: no answer, said");
	dp_servers_report_clear(&rep);

	/* All agree, but a limit left some out: could not check. */
	memset(&rep, 0, sizeof(rep));
	snprintf(rep.zone, sizeof(rep.zone), "example.");
	rep.servers = calloc(1, sizeof(*rep.servers));
	rep.nservers = 1;
	rep.left_out = 3;
	survey_server(&rep.servers[0], "192.0.2.1", 7, 0xaa, 0);
	dp_servers_judge(&rep);
	is_int(rep.exit_code, DP_EXIT_UNCHECKED, "servers: agreement over a limit: could not check");
	dp_servers_report_clear(&rep);
}

int
main(void)
{
	test_names();
	test_tlsa();
	test_dnsmsg();
	test_classify();
	test_options();
	test_plugin();
	test_hard_parse();
	test_option_core();
	test_zonefile();
	test_ds_rrset();
	test_servers_judge();
	return tap_done();
}
