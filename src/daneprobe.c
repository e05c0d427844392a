/*
 * daneprobe.c: the command line program.  Parse, run, render, exit; the
 * work is in the library, and only this file prints errors or picks the
 * exit status (see EXIT STATUS in daneprobe(1)).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/opensslv.h>

#include "cli_opts.h"
#include "lookup.h"
#include "output.h"
#include "smtp.h"
#include "verdict.h"

/* The end every command shares: the rendering's result, the chains, the status. */
static int
finish(const struct dp_config *cfg, int rendered, const struct dp_check_report *chains,
    int code)
{
	struct dp_err err;

	if (rendered == -1) {
		fprintf(stderr, "daneprobe: cannot write output\n");
		code = DP_EXIT_INTERNAL;
	}
	if (chains != NULL && cfg->save_chain != NULL &&
	    dp_check_save_chains(chains, cfg->save_chain, &err) == -1) {
		fprintf(stderr, "daneprobe: %s\n", err.msg);
		code = DP_EXIT_INTERNAL;
	}
	return code;
}

static int
run_lookup(const struct dp_config *cfg)
{
	struct dp_lookup_report rep;
	struct dp_err err;
	int code;

	if (dp_lookup_run(cfg, &rep, &code, &err) == -1) {
		fprintf(stderr, "daneprobe: %s\n", err.msg);
		return code;
	}
	code = finish(cfg, dp_renderer_for(cfg->format)->lookup(stdout, cfg, &rep), NULL, code);
	dp_lookup_report_clear(&rep);
	return code;
}

static int
run_check(const struct dp_config *cfg)
{
	struct dp_check_report rep;
	struct dp_err err;
	int code;

	if (dp_check_run(cfg, &rep, &code, &err) == -1) {
		fprintf(stderr, "daneprobe: %s\n", err.msg);
		dp_check_report_clear(&rep);
		return code;
	}
	code = finish(cfg, dp_renderer_for(cfg->format)->check(stdout, cfg, &rep), &rep, code);
	dp_check_report_clear(&rep);
	return code;
}

static int
run_smtp(const struct dp_config *cfg)
{
	struct dp_smtp_report rep;
	struct dp_err err;
	int code;

	if (dp_smtp_run(cfg, &rep, &code, &err) == -1) {
		fprintf(stderr, "daneprobe: %s\n", err.msg);
		dp_smtp_report_clear(&rep);
		return code;
	}
	code = finish(cfg, dp_renderer_for(cfg->format)->smtp(stdout, cfg, &rep), &rep.check,
	    code);
	dp_smtp_report_clear(&rep);
	return code;
}

int
main(int argc, char *argv[])
{
	struct dp_config cfg;
	struct dp_err err;

	/*
	 * A peer that closes while we write (a TLS ClientHello after STARTTLS)
	 * must be an error on that connection, not the end of the process.
	 */
	signal(SIGPIPE, SIG_IGN);
	switch (dp_config_parse(argc, argv, &cfg, &err)) {
	case DP_ACT_HELP:
		dp_usage(stdout);
		return DP_EXIT_OK;
	case DP_ACT_VERSION:
		printf("daneprobe %s (backends: %s; %s)\n", PACKAGE_VERSION,
		    dp_resolver_backends(), OPENSSL_VERSION_TEXT);
		return DP_EXIT_OK;
	case DP_ACT_RUN:
		break;
	default:
		fprintf(stderr, "daneprobe: %s\n", err.msg);
		fprintf(stderr, "usage: daneprobe lookup|check [options] ... (daneprobe -h for help)\n");
		return DP_EXIT_USAGE;
	}
	switch (cfg.cmd) {
	case DP_CMD_LOOKUP:
		return run_lookup(&cfg);
	case DP_CMD_CHECK:
		return run_check(&cfg);
	case DP_CMD_SMTP:
		return run_smtp(&cfg);
	default:
		return DP_EXIT_USAGE;
	}
}
