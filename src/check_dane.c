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
#include "plugin_opts.h"
#include "smtp.h"

static void
print_address_lines(const struct dp_check_report *rep)
{
	size_t i, j;

	for (i = 0; i < rep->ntargets; i++)
		for (j = 0; j < rep->targets[i].nprobes; j++) {
			const struct dp_probe *p = &rep->targets[i].probes[j];

			printf("%s %s: %s%s%s\n", rep->targets[i].tg.display, p->label,
			    dp_reason_text(p->facts.reason),
			    p->facts.detail[0] ? ": " : "", p->facts.detail);
		}
}

static int
unknown(const char *msg)
{
	printf("DANE UNKNOWN - %s\n", msg);
	return DP_STATE_UNKNOWN;
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
	char why[1024], perf[1024];
	int code;

	/*
	 * A peer that closes while we write (a TLS ClientHello after STARTTLS)
	 * must be an error on that connection, not the end of the process.
	 */
	signal(SIGPIPE, SIG_IGN);
	switch (dp_plugin_config_parse(argc, argv, &pc, &err)) {
	case DP_ACT_HELP:
		dp_plugin_usage(stdout);
		return DP_STATE_UNKNOWN;	/* as the guidelines have it for -h */
	case DP_ACT_VERSION:
		printf("check_dane (daneprobe) %s (backends: %s; %s)\n", PACKAGE_VERSION,
		    dp_resolver_backends(), OPENSSL_VERSION_TEXT);
		return DP_STATE_UNKNOWN;
	case DP_ACT_RUN:
		break;
	default:
		return unknown(err.msg);
	}
	if (pc.mx) {
		if (dp_smtp_run(&pc.core, &srep, &code, &err) == -1) {
			dp_smtp_report_clear(&srep);
			return unknown(err.msg);
		}
		dp_plugin_facts_smtp(&srep, &facts);
	} else {
		if (dp_check_run(&pc.core, &crep, &code, &err) == -1) {
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
	printf("DANE %s - %s | %s\n", dp_state_name(st), why, perf);
	if (pc.core.verbose)
		print_address_lines(pc.mx ? &srep.check : &crep);
	if (pc.mx)
		dp_smtp_report_clear(&srep);
	else
		dp_check_report_clear(&crep);
	return st;
}
