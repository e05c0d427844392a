/*
 * test_unit.c: unit tests for the pure logic: names, TLSA records and
 * their RFC 7218 names and usability, the DNS message reader, verdict
 * classes and option parsing.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "cli_opts.h"
#include "dnsmsg.h"
#include "name.h"
#include "plugin.h"
#include "plugin_opts.h"
#include "resolver.h"
#include "tlsa.h"
#include "tlsaset.h"
#include "verdict.h"

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

int
main(void)
{
	test_names();
	test_tlsa();
	test_dnsmsg();
	test_classify();
	test_options();
	test_plugin();
	test_ds_rrset();
	return tap_done();
}
