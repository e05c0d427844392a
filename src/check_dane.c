/*
 * check_dane.c: the monitoring plugin.  Same core as daneprobe; this main
 * maps the verdict to a plugin state and prints one status line with
 * perfdata (monitoring-plugins development guidelines): 0 OK, 1 WARNING,
 * 2 CRITICAL, 3 UNKNOWN, the last only for bad arguments and internal
 * errors.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <openssl/opensslv.h>

#include "check.h"
#include "outfile.h"
#include "output.h"
#include "plugin_opts.h"
#include "smtp.h"
#include "textsafe.h"

/*
 * Every line of the plugin's output goes out here, neutralised for the
 * plugin context (textsafe.c): server replies, names and reasons in it
 * can hold neither a newline nor the '|' that starts perfdata.
 */
static void
plugin_line(const char *text)
{
	char safe[4 * 2048];

	printf("%s\n", dp_text_safe(safe, sizeof(safe), text, DP_TEXT_PLUGIN));
}

static void
print_detail_lines(const struct dp_check_report *rep, const struct dp_smtp_report *srep)
{
	char buf[2600], why[300];
	size_t i, j;

	for (i = 0; srep != NULL && srep->mx_reason == DP_R_MX_SECURE && i < srep->nhosts; i++)
		if (srep->hosts[i].state != DP_MX_CHECKED) {
			snprintf(buf, sizeof(buf), "MX %d %s: %s", srep->hosts[i].preference,
			    srep->hosts[i].host, dp_mx_host_outcome(&srep->hosts[i], why,
			    sizeof(why)));
			plugin_line(buf);
		}
	for (i = 0; i < rep->ntargets; i++) {
		const struct dp_target_result *t = &rep->targets[i];

		for (j = 0; j < t->naddrs; j++) {
			const struct dp_addr_result *a = &t->addrs[j];

			snprintf(buf, sizeof(buf), "%s %s: %s%s%s", t->tg.display, a->label,
			    dp_reason_text(a->reason), a->detail[0] ? ": " : "", a->detail);
			plugin_line(buf);
		}
		for (j = 0; j < t->nleft_out; j++) {
			snprintf(buf, sizeof(buf), "%s %s: not checked (over --max-addresses)",
			    t->tg.display, t->left_out[j]);
			plugin_line(buf);
		}
	}
}

/*
 * Output that cannot be written is no check result: Nagios would read an
 * empty or cut line.  UNKNOWN, with the reason where someone may see it.
 */
static int
finish_output(int state)
{
	if (dp_stdout_finish() == -1) {
		fprintf(stderr, "check_dane: cannot write output: %m\n");
		return DP_STATE_UNKNOWN;
	}
	return state;
}

static int
unknown(const char *msg)
{
	char buf[700];

	snprintf(buf, sizeof(buf), "DANE UNKNOWN - %s", msg);
	plugin_line(buf);
	return finish_output(DP_STATE_UNKNOWN);
}

int
main(int argc, char *argv[])
{
	struct dp_plugin_config pc;
	struct dp_plugin_facts facts;
	struct dp_check_report crep;
	struct dp_smtp_report srep;
	struct dp_err err;
	enum dp_state st;
	char why[1024], perf[1024], head[2200];

	/*
	 * A peer that closes while we write (a TLS ClientHello after STARTTLS)
	 * must be an error on that connection, not the end of the process.
	 */
	signal(SIGPIPE, SIG_IGN);
	if (dp_stdio_guard() == -1) {
		fprintf(stderr, "check_dane: standard output is closed\n");
		return DP_STATE_UNKNOWN;
	}
	switch (dp_plugin_config_parse(argc, argv, &pc, &err)) {
	case DP_ACT_HELP:
		dp_plugin_usage(stdout);
		return finish_output(DP_STATE_UNKNOWN);	/* as the guidelines have it for -h */
	case DP_ACT_VERSION:
		printf("check_dane (daneprobe) %s (backends: %s; %s)\n", PACKAGE_VERSION,
		    dp_resolver_backends(), OPENSSL_VERSION_TEXT);
		return finish_output(DP_STATE_UNKNOWN);
	case DP_ACT_RUN:
		break;
	default:
		return unknown(err.msg);
	}
	if (pc.mx) {
		if (dp_smtp_run(&pc.core, &srep, &err) == -1) {
			dp_smtp_report_clear(&srep);
			return unknown(err.msg);
		}
		dp_plugin_facts_smtp(&srep, &facts);
	} else {
		if (dp_check_run(&pc.core, &crep, &err) == -1) {
			dp_check_report_clear(&crep);
			return unknown(err.msg);
		}
		dp_plugin_facts_check(&crep, &facts);
	}
	snprintf(why, sizeof(why), "%s", facts.summary);
	if (facts.first_failure[0] != '\0') {
		size_t used = strlen(why);

		snprintf(why + used, sizeof(why) - used, "; %s", facts.first_failure);
	}
	st = dp_plugin_state(&pc, &facts, why, sizeof(why));
	dp_perfdata(&pc, &facts, perf, sizeof(perf));
	/* The text before '|' is neutralised; the perfdata is all ours. */
	dp_text_safe(head, sizeof(head), why, DP_TEXT_PLUGIN);
	printf("DANE %s - %s | %s\n", dp_state_name(st), head, perf);
	if (pc.core.verbose)
		print_detail_lines(pc.mx ? &srep.check : &crep, pc.mx ? &srep : NULL);
	if (pc.mx)
		dp_smtp_report_clear(&srep);
	else
		dp_check_report_clear(&crep);
	/* Run by a scheduler every few minutes, on thousands of endpoints: no teardown. */
	dp_exit_now(finish_output(st));
}
