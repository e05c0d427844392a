/*
 * plugin.c: the logic of check_dane, apart from its main: Nagios ranges,
 * the mapping from daneprobe's verdict to a plugin state, and perfdata in
 * the monitoring-plugins development guidelines' format.
 *
 * Policy: DANE failures, DNS failures and connection failures are
 * CRITICAL; "DANE not in force" and timeouts take configurable states;
 * thresholds on certificate and signature expiry can only make a state
 * worse.  UNKNOWN is for bad arguments and internal errors (the main's).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/x509.h>

#include "output.h"
#include "plugin.h"

/*
 * A bound is a plain decimal number: an optional sign, digits, and an
 * optional fraction (".5" needs its 0).  No blanks, hex, exponent, inf
 * or nan: strtod takes all of those, and a threshold that means something
 * other than what it shows is worse than one refused.
 */
static bool
decimal_ok(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (digits == 0)
		return false;
	if (i < n && s[i] == '.') {
		for (i++, digits = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (digits == 0)
			return false;
	}
	return i == n;
}

/* Parses s[0..n) as a bound: a number, or (lower only) "~"; empty is 0 or infinity. */
static int
parse_bound(const char *s, size_t n, double *v, bool *inf, bool lower,
    const char *whole, struct dp_err *err)
{
	char buf[DP_RANGE_TEXT_MAX + 1];

	*v = 0;
	*inf = false;
	if (n == 0) {
		/* "10:" has no upper bound; ":10" means 0:10. */
		*inf = !lower;
		return 0;
	}
	if (n == 1 && *s == '~') {
		if (!lower)
			return dp_err_set(err, "invalid threshold '%s': '~' (minus infinity) "
			    "only starts a range, as in ~:10", whole);
		*inf = true;
		return 0;
	}
	if (n >= sizeof(buf) || !decimal_ok(s, n))
		return dp_err_set(err, "invalid threshold '%s': expected a decimal number "
		    "or range [@]START:END", whole);
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = strtod(buf, NULL);
	return 0;
}

int
dp_range_parse(const char *s, struct dp_range *r, struct dp_err *err)
{
	const char *p = s, *colon;
	size_t len = strlen(s);

	memset(r, 0, sizeof(*r));
	if (len > DP_RANGE_TEXT_MAX)
		return dp_err_set(err, "invalid threshold '%.*s...': longer than %d characters",
		    24, s, DP_RANGE_TEXT_MAX);
	if (*p == '@') {
		r->inside = true;
		p++;
	}
	if ((colon = strchr(p, ':')) == NULL) {
		/* A plain number of days: alert below it, the range "N:". */
		if (*p == '\0' || r->inside || (*p == '~' && p[1] == '\0'))
			return dp_err_set(err, "invalid threshold '%s': expected a number of days "
			    "or a range [@]START:END", s);
		if (parse_bound(p, strlen(p), &r->lo, &r->lo_inf, true, s, err) == -1)
			return -1;
		r->hi_inf = true;
		snprintf(r->text, sizeof(r->text), "%s:", p);
	} else {
		if (parse_bound(p, (size_t)(colon - p), &r->lo, &r->lo_inf, true, s, err) == -1 ||
		    parse_bound(colon + 1, strlen(colon + 1), &r->hi, &r->hi_inf, false, s,
		    err) == -1)
			return -1;
		if (!r->lo_inf && !r->hi_inf && r->lo > r->hi)
			return dp_err_set(err, "invalid threshold '%s': start above end", s);
		snprintf(r->text, sizeof(r->text), "%s", s);
	}
	r->set = true;
	return 0;
}

bool
dp_range_alert(const struct dp_range *r, double v)
{
	bool outside;

	if (!r->set)
		return false;
	outside = (!r->lo_inf && v < r->lo) || (!r->hi_inf && v > r->hi);
	return r->inside ? !outside : outside;
}

int
dp_state_parse(const char *s, enum dp_state *st, struct dp_err *err)
{
	static const char *names[] = { "ok", "warning", "critical", "unknown" };
	int i;

	for (i = 0; i < 4; i++)
		if (strcasecmp(s, names[i]) == 0 || (s[0] >= '0' && s[0] <= '3' &&
		    s[1] == '\0' && s[0] - '0' == i)) {
			*st = (enum dp_state)i;
			return 0;
		}
	return dp_err_set(err, "invalid state '%s' (ok, warning, critical, unknown)", s);
}

const char *
dp_state_name(enum dp_state st)
{
	switch (st) {
	case DP_STATE_OK:	return "OK";
	case DP_STATE_WARNING:	return "WARNING";
	case DP_STATE_CRITICAL:	return "CRITICAL";
	default:		return "UNKNOWN";
	}
}

enum dp_state
dp_state_worst(enum dp_state a, enum dp_state b)
{
	static const int rank[] = { 0, 2, 3, 1 };	/* OK, WARNING, CRITICAL, UNKNOWN */

	return rank[a] >= rank[b] ? a : b;
}

static double
days_until(time_t t, time_t now)
{
	return difftime(t, now) / 86400.0;
}

static void
min_days(bool *has, double *days, time_t t, time_t now)
{
	double d;

	if (t == 0)
		return;
	d = days_until(t, now);
	if (!*has || d < *days)
		*days = d;
	*has = true;
}

static bool
is_timeout_reason(enum dp_reason r)
{
	return r == DP_R_TIMEOUT || r == DP_R_TLSA_TIMEOUT;
}

/* Adds one target's facts to f. */
static void
facts_add_target(const struct dp_target_result *t, struct dp_plugin_facts *f, time_t now)
{
	const struct dp_tlsaset *set = &t->tlsa;
	size_t i;

	if (t->dns_ms / 1000.0 > f->dns_s)
		f->dns_s = t->dns_ms / 1000.0;
	if (set->ans != NULL)
		min_days(&f->has_tlsa_sig, &f->tlsa_sig_days, set->ans->sig_expires, now);
	for (i = 0; i < 2; i++)
		if (t->addr_ans[i] != NULL)
			min_days(&f->has_addr_sig, &f->addr_sig_days,
			    t->addr_ans[i]->sig_expires, now);
	if (t->exit_code != DP_EXIT_OK && dp_reason_exit(set->reason) != DP_EXIT_OK &&
	    !is_timeout_reason(set->reason))
		f->only_timeouts = false;
	if (t->addr_reason != DP_R_VERIFIED && !(t->addr_reason == DP_R_ADDR_LOOKUP_FAILED &&
	    dp_answer_trust(t->addr_ans[0], NULL, 0) != DP_TRUST_FAILED &&
	    dp_answer_trust(t->addr_ans[1], NULL, 0) != DP_TRUST_FAILED))
		f->only_timeouts = false;
	/* Addresses a limit left out count against the total and are no timeout. */
	f->total += t->nleft_out;
	if (t->nleft_out > 0)
		f->only_timeouts = false;
	for (i = 0; i < t->naddrs; i++) {
		const struct dp_addr_result *a = &t->addrs[i];

		f->total++;
		if (a->reason == DP_R_VERIFIED)
			f->verified++;
		else if (a->reason != DP_R_NOT_CHECKED) {
			if (!is_timeout_reason(a->reason))
				f->only_timeouts = false;
			if (f->first_failure[0] == '\0')
				snprintf(f->first_failure, sizeof(f->first_failure), "%s: %s%s%.200s",
				    a->label, dp_reason_text(a->reason),
				    a->detail[0] ? ": " : "", a->detail);
		}
		if (a->connected) {
			f->has_connect = true;
			if (a->connect_ms / 1000.0 > f->connect_s)
				f->connect_s = a->connect_ms / 1000.0;
		}
		if (a->version[0] != '\0') {
			f->has_handshake = true;
			if (a->handshake_ms / 1000.0 > f->handshake_s)
				f->handshake_s = a->handshake_ms / 1000.0;
		}
		if (a->chain != NULL && sk_X509_num(a->chain) > 0) {
			const ASN1_TIME *na = X509_get0_notAfter(sk_X509_value(a->chain, 0));
			struct tm tm;

			if (ASN1_TIME_to_tm(na, &tm) == 1)
				min_days(&f->has_cert, &f->cert_days, timegm(&tm), now);
		}
	}
}

/* Where no address said why, the first failing target's own summary does. */
static void
facts_target_failure(const struct dp_target_result *t, struct dp_plugin_facts *f)
{
	char s[300];

	if (f->first_failure[0] != '\0' || t->exit_code == DP_EXIT_OK)
		return;
	dp_target_summary(t, s, sizeof(s));
	snprintf(f->first_failure, sizeof(f->first_failure), "%.100s: %.200s", t->tg.display, s);
}

/* --servers: how many server addresses differ, and the first of them when nothing else failed. */
static void
facts_servers(const struct dp_servers_report *rep, struct dp_plugin_facts *f)
{
	size_t i;

	f->has_servers = true;
	f->servers_total += rep->nservers;
	for (i = 0; i < rep->nservers; i++) {
		const struct dp_server_result *srv = &rep->servers[i];

		if (srv->exit_code == DP_EXIT_OK)
			continue;
		f->servers_bad++;
		/* A server that does not answer is the zone's fault, not our timeout. */
		f->only_timeouts = false;
		if (f->first_failure[0] == '\0')
			snprintf(f->first_failure, sizeof(f->first_failure), "server %.100s %.48s: %.150s",
			    srv->ns, srv->address, srv->summary);
	}
	if (rep->exit_code == DP_EXIT_UNCHECKED && f->first_failure[0] == '\0') {
		f->only_timeouts = false;
		snprintf(f->first_failure, sizeof(f->first_failure), "servers: %.280s",
		    rep->detail[0] != '\0' ? rep->detail : "some not asked (over the limits)");
	}
}

void
dp_plugin_facts_check(const struct dp_check_report *rep, struct dp_plugin_facts *f)
{
	time_t now = time(NULL);
	size_t i;

	memset(f, 0, sizeof(*f));
	f->only_timeouts = true;
	f->exit_code = rep->exit_code;
	f->time_s = rep->elapsed_ms / 1000.0;
	for (i = 0; i < rep->ntargets; i++)
		facts_add_target(&rep->targets[i], f, now);
	for (i = 0; i < rep->ntargets; i++)
		facts_target_failure(&rep->targets[i], f);
	for (i = 0; rep->servers != NULL && i < rep->ntargets; i++)
		if (rep->servers[i].owner[0] != '\0')
			facts_servers(&rep->servers[i], f);
	if (rep->ntargets > 0) {
		char s[480];

		dp_target_summary(&rep->targets[0], s, sizeof(s));
		snprintf(f->summary, sizeof(f->summary), "%.200s: %.300s",
		    rep->targets[0].tg.display, s);
	}
}

/* An MX host that was not checked is a failure to name when no address is one. */
static void
facts_mx_failure(const struct dp_smtp_report *rep, struct dp_plugin_facts *f)
{
	char why[300];
	size_t i;

	if (f->first_failure[0] != '\0' || rep->mx_reason != DP_R_MX_SECURE)
		return;
	for (i = 0; i < rep->nhosts; i++)
		if (rep->hosts[i].state != DP_MX_CHECKED) {
			snprintf(f->first_failure, sizeof(f->first_failure), "MX %.100s: %.200s",
			    rep->hosts[i].host, dp_mx_host_outcome(&rep->hosts[i], why,
			    sizeof(why)));
			return;
		}
}

void
dp_plugin_facts_smtp(const struct dp_smtp_report *rep, struct dp_plugin_facts *f)
{
	char s[480];

	dp_plugin_facts_check(&rep->check, f);
	f->exit_code = rep->exit_code;
	if (rep->mx != NULL)
		min_days(&f->has_mx_sig, &f->mx_sig_days, rep->mx->sig_expires, time(NULL));
	if (rep->mx_reason != DP_R_MX_SECURE && !(rep->mx_reason == DP_R_MX_LOOKUP_FAILED &&
	    dp_answer_trust(rep->mx, NULL, 0) == DP_TRUST_TIMEOUT))
		f->only_timeouts = false;
	if (rep->nunusable > 0 || rep->nleft_out > 0 || (rep->mx_reason == DP_R_MX_SECURE &&
	    rep->check.ntargets == 0))
		f->only_timeouts = false;
	facts_mx_failure(rep, f);
	if (rep->has_servers)
		facts_servers(&rep->mx_servers, f);
	dp_smtp_summary(rep, s, sizeof(s));
	snprintf(f->summary, sizeof(f->summary), "%.*s: %.300s",
	    (int)strlen(rep->domain) - 1 > 200 ? 200 : (int)strlen(rep->domain) - 1, rep->domain, s);
}

static enum dp_state
threshold_state(const struct dp_range *warn, const struct dp_range *crit, bool has,
    double days, const char *what, char *why, size_t len)
{
	enum dp_state st = DP_STATE_OK;

	if (!has)
		return st;
	if (dp_range_alert(crit, days))
		st = DP_STATE_CRITICAL;
	else if (dp_range_alert(warn, days))
		st = DP_STATE_WARNING;
	if (st != DP_STATE_OK) {
		size_t used = strlen(why);

		/* Whole days as in the perfdata; tenths only where less than two remain. */
		if (days < 0)
			snprintf(why + used, len - used, "; %s %.0f days ago", what, floor(-days));
		else if (days < 2)
			snprintf(why + used, len - used, "; %s in %.1f days", what, days);
		else
			snprintf(why + used, len - used, "; %s in %.0f days", what, floor(days));
	}
	return st;
}

enum dp_state
dp_plugin_state(const struct dp_plugin_config *pc, const struct dp_plugin_facts *f,
    char *why, size_t len)
{
	enum dp_state st;
	bool has_sig = f->has_tlsa_sig || f->has_addr_sig || f->has_mx_sig;
	double sig = 1e9;

	switch (f->exit_code) {
	case DP_EXIT_OK:
		st = DP_STATE_OK;
		break;
	case DP_EXIT_NOT_IN_FORCE:
		st = pc->no_dane_state;
		break;
	case DP_EXIT_FAIL:
	case DP_EXIT_UNCHECKED:
		st = f->only_timeouts ? pc->timeout_state : DP_STATE_CRITICAL;
		break;
	default:
		st = DP_STATE_UNKNOWN;
		break;
	}
	if (f->has_tlsa_sig && f->tlsa_sig_days < sig)
		sig = f->tlsa_sig_days;
	if (f->has_addr_sig && f->addr_sig_days < sig)
		sig = f->addr_sig_days;
	if (f->has_mx_sig && f->mx_sig_days < sig)
		sig = f->mx_sig_days;
	st = dp_state_worst(st, threshold_state(&pc->cert_warn, &pc->cert_crit, f->has_cert,
	    f->cert_days, "the certificate expires", why, len));
	st = dp_state_worst(st, threshold_state(&pc->sig_warn, &pc->sig_crit, has_sig, sig,
	    "the DNSSEC signatures expire", why, len));
	return st;
}

void
dp_perf_item(char *buf, size_t len, const char *label, double value, const char *uom,
    const char *warn, const char *crit, const char *min, const char *max)
{
	const char *f[4] = { warn, crit, min, max };
	int last = -1, i;
	size_t o;

	for (i = 0; i < 4; i++)
		if (f[i] != NULL && *f[i] != '\0')
			last = i;
	/* Seconds to the millisecond; whole days and counts without decimals. */
	if ((uom != NULL && strcmp(uom, "s") == 0) || value != floor(value))
		o = (size_t)snprintf(buf, len, "'%s'=%.3f%s", label, value, uom ? uom : "");
	else
		o = (size_t)snprintf(buf, len, "'%s'=%.0f%s", label, value, uom ? uom : "");
	for (i = 0; i <= last && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, ";%s", f[i] ? f[i] : "");
}

/* Appends item whole, or not at all: a cut item would carry another threshold. */
static void
perf_append(char *buf, size_t len, const char *item)
{
	size_t used = strlen(buf);

	if (used + (used ? 1 : 0) + strlen(item) < len)
		snprintf(buf + used, len - used, "%s%s", used ? " " : "", item);
}

void
dp_perfdata(const struct dp_plugin_config *pc, const struct dp_plugin_facts *f,
    char *buf, size_t len)
{
	const struct {
		const char	*label;
		bool		 has;
		double		 days;
	} sigs[] = {
		{ "tlsa_sig_days", f->has_tlsa_sig, f->tlsa_sig_days },
		{ "addr_sig_days", f->has_addr_sig, f->addr_sig_days },
		{ "mx_sig_days", f->has_mx_sig, f->mx_sig_days },
	};
	char item[DP_PERF_ITEM_MAX], total[32];
	size_t i;

	buf[0] = '\0';
	dp_perf_item(item, sizeof(item), "time", f->time_s, "s", "", "", "0", NULL);
	perf_append(buf, len, item);
	dp_perf_item(item, sizeof(item), "dns", f->dns_s, "s", "", "", "0", NULL);
	perf_append(buf, len, item);
	if (f->has_connect) {
		dp_perf_item(item, sizeof(item), "connect", f->connect_s, "s", "", "", "0", NULL);
		perf_append(buf, len, item);
	}
	if (f->has_handshake) {
		dp_perf_item(item, sizeof(item), "handshake", f->handshake_s, "s", "", "", "0", NULL);
		perf_append(buf, len, item);
	}
	if (f->has_cert) {
		dp_perf_item(item, sizeof(item), "cert_days", floor(f->cert_days), NULL,
		    pc->cert_warn.text, pc->cert_crit.text, NULL, NULL);
		perf_append(buf, len, item);
	}
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (!sigs[i].has)
			continue;
		dp_perf_item(item, sizeof(item), sigs[i].label, sigs[i].days, NULL,
		    pc->sig_warn.text, pc->sig_crit.text, NULL, NULL);
		perf_append(buf, len, item);
	}
	snprintf(total, sizeof(total), "%zu", f->total);
	dp_perf_item(item, sizeof(item), "verified", (double)f->verified, NULL, "", "", "0", total);
	perf_append(buf, len, item);
	if (f->has_servers) {
		snprintf(total, sizeof(total), "%zu", f->servers_total);
		dp_perf_item(item, sizeof(item), "servers_differing", (double)f->servers_bad, NULL,
		    "", "", "0", total);
		perf_append(buf, len, item);
	}
}
