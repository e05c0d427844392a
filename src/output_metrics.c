/*
 * output_metrics.c: metrics for Prometheus (--format openmetrics), one
 * scrape a run of check or smtp, for node_exporter's textfile collector
 * or a push gateway.  The families and their labels are in daneprobe(1),
 * METRICS OUTPUT.
 *
 * What is written is what every reader takes: the Prometheus text format
 * (0.0.4), which the textfile collector, a push gateway and "promtool
 * check metrics" parse, kept within the OpenMetrics text format as well:
 * gauges only, HELP and TYPE (and UNIT, for a name in seconds) before each
 * family, the samples of a family together, each label set once, no
 * timestamps, and last "# EOF", which OpenMetrics requires and the
 * Prometheus format reads as a comment.
 *
 * Every label value goes through dp_metrics_label(): the one rule for
 * text we do not control first (textsafe.c: control bytes, octets that
 * are not UTF-8 and bidirectional overrides as "\xHH"), then the
 * format's escapes of backslash, double quote and newline.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "output.h"
#include "textsafe.h"

char *
dp_metrics_label(const char *s)
{
	size_t len = 4 * strlen(s) + 1, i, o = 0;
	char *safe, *out;

	if ((safe = malloc(len)) == NULL)
		return NULL;
	dp_text_safe(safe, len, s, DP_TEXT_JSON);
	if ((out = malloc(2 * strlen(safe) + 1)) != NULL) {
		for (i = 0; safe[i] != '\0'; i++) {
			/* A newline is "\x0a" by now; the format's escape stays for its rule. */
			if (safe[i] == '\\' || safe[i] == '"' || safe[i] == '\n')
				out[o++] = '\\';
			out[o++] = safe[i] == '\n' ? 'n' : safe[i];
		}
		out[o] = '\0';
	}
	free(safe);
	return out;
}

/* One address of a target: checked (a), or over --max-addresses (a NULL). */
struct m_addr {
	char				*address;	/* label value: no port, no brackets */
	const struct dp_addr_result	*a;
};

struct m_target {
	const struct dp_target_result	*r;
	char				*target;	/* label value: as given */
	char				 port[8];
	struct m_addr			*addrs;
	size_t				 naddrs;
	bool				 repeated;	/* the same label as an earlier target's */
};

/* One scrape: the targets of a check, or a mail domain's MX hosts. */
struct m_run {
	const struct dp_smtp_report	*smtp;		/* NULL for check */
	char				*domain;	/* smtp: label value */
	struct m_target			*t;
	size_t				 n;
};

/* The address of "192.0.2.1:443" or "[2001:db8::1]:443", escaped. */
static char *
address_label(const char *label)
{
	char buf[64], *end;

	snprintf(buf, sizeof(buf), "%s", label[0] == '[' ? label + 1 : label);
	if ((end = strrchr(buf, label[0] == '[' ? ']' : ':')) != NULL)
		*end = '\0';
	return dp_metrics_label(buf);
}

/* A domain name from DNS (a mail domain, an MX host) without the root's dot, escaped. */
static char *
name_label(const char *name)
{
	char buf[DP_NAME_TEXT_MAX];
	size_t len;

	snprintf(buf, sizeof(buf), "%s", name);
	if ((len = strlen(buf)) > 1 && buf[len - 1] == '.')
		buf[len - 1] = '\0';
	return dp_metrics_label(buf);
}

static int
target_prepare(struct m_run *m, struct m_target *mt, const struct dp_target_result *r)
{
	size_t i, j;

	mt->r = r;
	snprintf(mt->port, sizeof(mt->port), "%u", r->tg.port);
	/* check: the target as given; smtp: the MX host as a name. */
	if ((mt->target = m->smtp != NULL ? name_label(r->tg.input) :
	    dp_metrics_label(r->tg.input)) == NULL ||
	    (mt->addrs = calloc(r->naddrs + r->nleft_out + 1, sizeof(*mt->addrs))) == NULL)
		return -1;
	for (i = 0; i < r->naddrs + r->nleft_out; i++) {
		struct m_addr *a = &mt->addrs[mt->naddrs];

		a->a = i < r->naddrs ? &r->addrs[i] : NULL;
		if ((a->address = address_label(a->a != NULL ? a->a->label :
		    r->left_out[i - r->naddrs])) == NULL)
			return -1;
		mt->naddrs++;
	}
	/* A target given twice (or an MX host listed twice) is one set of series. */
	for (j = 0; m->t + j < mt; j++)
		if (!m->t[j].repeated && strcmp(m->t[j].target, mt->target) == 0)
			mt->repeated = true;
	return 0;
}

static void
run_clear(struct m_run *m)
{
	size_t i, j;

	for (i = 0; i < m->n; i++) {
		for (j = 0; j < m->t[i].naddrs; j++)
			free(m->t[i].addrs[j].address);
		free(m->t[i].addrs);
		free(m->t[i].target);
	}
	free(m->t);
	free(m->domain);
}

static int
run_prepare(struct m_run *m, const struct dp_check_report *rep,
    const struct dp_smtp_report *smtp)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->smtp = smtp;
	if (smtp != NULL && (m->domain = name_label(smtp->domain)) == NULL)
		return -1;
	if ((m->t = calloc(rep->ntargets + 1, sizeof(*m->t))) == NULL)
		return -1;
	for (i = 0; i < rep->ntargets; i++) {
		m->n++;		/* first: run_clear frees what a target that failed holds */
		if (target_prepare(m, &m->t[i], &rep->targets[i]) == -1)
			return -1;
	}
	return 0;
}

/* A sample's name and labels, up to its value: domain, target, address and port, phase. */
static void
labels(FILE *fp, const char *name, const struct m_run *m, const struct m_target *t,
    const struct m_addr *a, const char *phase)
{
	const char *sep = "";

	fprintf(fp, "%s{", name);
	if (m->domain != NULL) {
		fprintf(fp, "domain=\"%s\"", m->domain);
		sep = ",";
	}
	if (t != NULL) {
		fprintf(fp, "%starget=\"%s\"", sep, t->target);
		sep = ",";
	}
	if (a != NULL)
		fprintf(fp, "%saddress=\"%s\",port=\"%s\"", sep, a->address, t->port);
	if (phase != NULL)
		fprintf(fp, "%sphase=\"%s\"", sep, phase);
	fputs("} ", fp);
}

static void
sample_int(FILE *fp, const char *name, const struct m_run *m, const struct m_target *t,
    const struct m_addr *a, long long v)
{
	labels(fp, name, m, t, a, NULL);
	fprintf(fp, "%lld\n", v);
}

/* Milliseconds as seconds, exactly ("0.012"). */
static void
sample_ms(FILE *fp, const char *name, const struct m_run *m, const struct m_target *t,
    const struct m_addr *a, const char *phase, uint64_t ms)
{
	labels(fp, name, m, t, a, phase);
	fprintf(fp, "%" PRIu64 ".%03" PRIu64 "\n", ms / 1000, ms % 1000);
}

/*
 * The families.  Each writes its samples of one target (and, for smtp, of
 * the domain); a family with none is left out.
 */
typedef void m_target_fn(FILE *fp, const char *name, const struct m_run *m,
    const struct m_target *t);
typedef void m_domain_fn(FILE *fp, const char *name, const struct m_run *m);

static void
f_exit_domain(FILE *fp, const char *name, const struct m_run *m)
{
	sample_int(fp, name, m, NULL, NULL, m->smtp->exit_code);
}

static void
f_exit(FILE *fp, const char *name, const struct m_run *m, const struct m_target *t)
{
	sample_int(fp, name, m, t, NULL, t->r->exit_code);
}

static void
f_mx_hosts(FILE *fp, const char *name, const struct m_run *m)
{
	sample_int(fp, name, m, NULL, NULL, (long long)m->smtp->nhosts);
}

static void
f_mx_checked(FILE *fp, const char *name, const struct m_run *m)
{
	sample_int(fp, name, m, NULL, NULL, (long long)m->smtp->check.ntargets);
}

static void
f_addresses(FILE *fp, const char *name, const struct m_run *m, const struct m_target *t)
{
	sample_int(fp, name, m, t, NULL, (long long)t->naddrs);
}

static void
f_addresses_verified(FILE *fp, const char *name, const struct m_run *m,
    const struct m_target *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->naddrs; i++)
		if (t->addrs[i].a != NULL && t->addrs[i].a->reason == DP_R_VERIFIED)
			n++;
	sample_int(fp, name, m, t, NULL, (long long)n);
}

static void
f_verified(FILE *fp, const char *name, const struct m_run *m, const struct m_target *t)
{
	size_t i;

	for (i = 0; i < t->naddrs; i++)
		sample_int(fp, name, m, t, &t->addrs[i],
		    t->addrs[i].a != NULL && t->addrs[i].a->reason == DP_R_VERIFIED);
}

static void
f_cert_expiry(FILE *fp, const char *name, const struct m_run *m, const struct m_target *t)
{
	struct dp_cert_info ci;
	size_t i;

	for (i = 0; i < t->naddrs; i++) {
		const struct dp_addr_result *a = t->addrs[i].a;

		if (a == NULL || a->chain == NULL || sk_X509_num(a->chain) == 0)
			continue;
		dp_cert_info(sk_X509_value(a->chain, 0), &ci);
		if (ci.not_after != 0)
			sample_int(fp, name, m, t, &t->addrs[i], (long long)ci.not_after);
	}
}

/* The TLSA records were looked up, or given: then their counts mean something. */
static bool
has_tlsa(const struct m_target *t)
{
	return t->r->tlsa.ans != NULL || t->r->tlsa.nrecs > 0;
}

static void
f_tlsa_records(FILE *fp, const char *name, const struct m_run *m, const struct m_target *t)
{
	if (has_tlsa(t))
		sample_int(fp, name, m, t, NULL, (long long)t->r->tlsa.nrecs);
}

static void
f_tlsa_usable(FILE *fp, const char *name, const struct m_run *m, const struct m_target *t)
{
	if (has_tlsa(t))
		sample_int(fp, name, m, t, NULL, (long long)t->r->tlsa.nusable);
}

static void
f_dnssec_secure(FILE *fp, const char *name, const struct m_run *m, const struct m_target *t)
{
	const struct dp_answer *ans = t->r->tlsa.ans;

	if (ans != NULL)
		sample_int(fp, name, m, t, NULL, ans->state == DP_DNSSEC_SECURE);
}

static void
f_sig_expiry(FILE *fp, const char *name, const struct m_run *m, const struct m_target *t)
{
	const struct dp_answer *ans = t->r->tlsa.ans;

	if (ans != NULL && ans->sig_expires != 0)
		sample_int(fp, name, m, t, NULL, (long long)ans->sig_expires);
}

/* DNS a target, then connect and handshake an address, when each took place (as check_dane's perfdata). */
static void
f_phases(FILE *fp, const char *name, const struct m_run *m, const struct m_target *t)
{
	const struct dp_target_result *r = t->r;
	size_t i;

	if (r->tlsa.ans != NULL || r->addr_ans[0] != NULL || r->addr_ans[1] != NULL)
		sample_ms(fp, name, m, t, NULL, "dns", r->dns_ms);
	for (i = 0; i < t->naddrs; i++) {
		const struct dp_addr_result *a = t->addrs[i].a;

		if (a != NULL && a->connected)
			sample_ms(fp, name, m, t, &t->addrs[i], "connect", a->connect_ms);
		if (a != NULL && a->version[0] != '\0')
			sample_ms(fp, name, m, t, &t->addrs[i], "handshake", a->handshake_ms);
	}
}

static const struct m_family {
	const char	*name;
	const char	*help;
	bool		 seconds;	/* the unit, in the name */
	m_domain_fn	*domain;	/* smtp: the domain's sample, or NULL */
	m_target_fn	*target;	/* each target's, or NULL */
} families[] = {
	{ "daneprobe_exit_status", "The exit status of the check: 0 verified, 1 failed, "
	    "2 DANE not in force, 3 could not check.", false, f_exit_domain, f_exit },
	{ "daneprobe_mx_hosts", "MX hosts of the mail domain.", false, f_mx_hosts, NULL },
	{ "daneprobe_mx_hosts_checked", "MX hosts of the mail domain that were checked.",
	    false, f_mx_checked, NULL },
	{ "daneprobe_addresses", "Addresses of the target, checked or over the limit.",
	    false, NULL, f_addresses },
	{ "daneprobe_addresses_verified", "Addresses of the target that verified.",
	    false, NULL, f_addresses_verified },
	{ "daneprobe_verified", "1 when the address presented a chain that matched the "
	    "TLSA records, else 0.", false, NULL, f_verified },
	{ "daneprobe_certificate_expiry_timestamp_seconds", "The notAfter of the leaf "
	    "certificate the address presented, in seconds since the epoch.", true, NULL,
	    f_cert_expiry },
	{ "daneprobe_tlsa_records", "TLSA records of the target.", false, NULL,
	    f_tlsa_records },
	{ "daneprobe_tlsa_usable_records", "TLSA records of the target that are usable.",
	    false, NULL, f_tlsa_usable },
	{ "daneprobe_dnssec_secure", "1 when the TLSA answer is DNSSEC secure, else 0.",
	    false, NULL, f_dnssec_secure },
	{ "daneprobe_signature_expiry_timestamp_seconds", "The earliest RRSIG expiration "
	    "over the TLSA answer, in seconds since the epoch.", true, NULL, f_sig_expiry },
	{ "daneprobe_phase_duration_seconds", "How long each phase took: dns for the "
	    "target, connect and handshake (with any STARTTLS prelude) for each address.",
	    true, NULL, f_phases },
};

/* One family: its samples gathered first, so that one with none is left out. */
static int
write_family(FILE *fp, const struct m_run *m, const struct m_family *f)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *mem;

	if ((mem = open_memstream(&buf, &len)) == NULL)
		return -1;
	if (m->smtp != NULL && f->domain != NULL)
		f->domain(mem, f->name, m);
	for (i = 0; f->target != NULL && i < m->n; i++)
		if (!m->t[i].repeated)
			f->target(mem, f->name, m, &m->t[i]);
	if (fclose(mem) != 0) {
		free(buf);
		return -1;
	}
	if (len > 0) {
		fprintf(fp, "# HELP %s %s\n# TYPE %s gauge\n", f->name, f->help, f->name);
		if (f->seconds)
			fprintf(fp, "# UNIT %s seconds\n", f->name);
		fwrite(buf, 1, len, fp);
	}
	free(buf);
	return 0;
}

static int
write_run(FILE *fp, const struct dp_check_report *rep, const struct dp_smtp_report *smtp)
{
	struct m_run m;
	size_t i;
	int rc = 0;

	if (run_prepare(&m, rep, smtp) == -1)
		rc = -1;
	for (i = 0; rc == 0 && i < sizeof(families) / sizeof(families[0]); i++)
		rc = write_family(fp, &m, &families[i]);
	run_clear(&m);
	/* Only a whole scrape ends with "# EOF": a reader can tell one that was cut. */
	if (rc == 0)
		fputs("# EOF\n", fp);
	return rc == 0 && !ferror(fp) ? 0 : -1;
}

static int
metrics_check(FILE *fp, const struct dp_config *cfg, const struct dp_check_report *rep)
{
	(void)cfg;
	return write_run(fp, rep, NULL);
}

static int
metrics_smtp(FILE *fp, const struct dp_config *cfg, const struct dp_smtp_report *rep)
{
	(void)cfg;
	return write_run(fp, &rep->check, rep);
}

/*
 * check and smtp only: the option checks (cli_opts.c) refuse the format
 * for the other commands, and for -f (a stream cannot group a family).
 */
const struct dp_renderer dp_renderer_metrics = {
	.format = DP_FMT_OPENMETRICS,
	.check = metrics_check,
	.smtp = metrics_smtp,
};
