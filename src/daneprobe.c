/*
 * daneprobe.c: the command line program.  Parse, run, render, exit; the
 * work is in the library, and only this file prints errors or picks the
 * exit status (see EXIT STATUS in daneprobe(1)).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/opensslv.h>

#include "cli_opts.h"
#include "clock.h"
#include "lintcmd.h"
#include "lookup.h"
#include "outfile.h"
#include "output.h"
#include "rollover.h"
#include "smtp.h"
#include "tlsacmd.h"
#include "verify.h"
#include "textsafe.h"
#include "verdict.h"

static int	run(const struct dp_config *cfg);

/* Errors can quote file content and peer text: neutralised for a terminal. */
static void
print_error(const char *msg)
{
	char safe[4 * sizeof(((struct dp_err *)0)->msg)];

	fprintf(stderr, "daneprobe: %s\n", dp_text_safe(safe, sizeof(safe), msg,
	    DP_TEXT_TERMINAL));
}

/* The end every command shares: the rendering's result, the chains, the status. */
static int
finish(const struct dp_config *cfg, int rendered, const struct dp_check_report *chains,
    int code)
{
	struct dp_err err;

	if (rendered == -1 || dp_stdout_finish() == -1) {
		fprintf(stderr, "daneprobe: cannot write output: %m\n");
		code = DP_EXIT_INTERNAL;
	}
	if (chains != NULL && cfg->save_chain != NULL) {
		switch (dp_check_save_chains(chains, cfg->save_chain, &err)) {
		case -1:
			print_error(err.msg);
			code = DP_EXIT_INTERNAL;
			break;
		case 1:
			dp_err_set(&err, "--save-chain: no address presented a chain; %s "
			    "not written", cfg->save_chain);
			print_error(err.msg);
			break;
		}
	}
	return code;
}

/* An error that stopped a command: said on stderr; its kind is the exit status. */
static int
fail(const struct dp_err *err)
{
	print_error(err->msg);
	return err->kind == DP_ERR_USAGE ? DP_EXIT_USAGE : DP_EXIT_INTERNAL;
}

static int
run_lookup(const struct dp_config *cfg)
{
	struct dp_lookup_report rep;
	struct dp_err err;
	int code;

	if (dp_lookup_run(cfg, &rep, &err) == -1)
		return fail(&err);
	code = finish(cfg, dp_renderer_for(cfg->format)->lookup(stdout, cfg, &rep), NULL,
	    rep.exit_code);
	dp_lookup_report_clear(&rep);
	return code;
}

static int
run_check(const struct dp_config *cfg)
{
	struct dp_check_report rep;
	struct dp_err err;
	int code;

	if (dp_check_run(cfg, &rep, &err) == -1) {
		dp_check_report_clear(&rep);
		return fail(&err);
	}
	code = finish(cfg, dp_renderer_for(cfg->format)->check(stdout, cfg, &rep), &rep,
	    rep.exit_code);
	dp_check_report_clear(&rep);
	return code;
}

/* A progress line at most this often: a person reads it, a terminal draws it. */
#define PROGRESS_EVERY_MS	250

struct stream_out {
	const struct dp_config	*cfg;
	int			 failed;	/* the output could not be written */
	bool			 progress;	/* stderr is a terminal, and no -q */
	bool			 total_known;	/* a regular file: counted ahead */
	size_t			 done, bad, total;	/* results; of them not OK; expected */
	uint64_t		 started_ms, shown_ms;
};

static void
stream_out_init(struct stream_out *so, const struct dp_config *cfg)
{
	memset(so, 0, sizeof(*so));
	so->cfg = cfg;
	so->progress = !cfg->quiet && isatty(STDERR_FILENO);
	/* Only a person reads the total: no second reading of the list otherwise. */
	if (so->progress)
		so->total_known = dp_batch_total(cfg, &so->total) == 0;
	so->started_ms = dp_now_ms();
}

/*
 * "1234/10000 done, 210/s, 17 not OK" on stderr ("1234 done" when the
 * list is a pipe), rewritten in place; only on a terminal (a log or a
 * pipe gets none), and after the line the results go on as they were.
 */
static void
show_progress(struct stream_out *so, bool last)
{
	uint64_t now = dp_now_ms();
	double secs = (now - so->started_ms) / 1000.0;

	if (!so->progress || (!last && now - so->shown_ms < PROGRESS_EVERY_MS))
		return;
	so->shown_ms = now;
	fprintf(stderr, "\r\033[K%zu", so->done);
	if (so->total_known)
		fprintf(stderr, "/%zu", so->total);
	fprintf(stderr, " done, %.0f/s, %zu not OK", secs > 0 ? so->done / secs : 0.0, so->bad);
	if (last)
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

/* One result more, of exit status exit_code. */
static void
count_result(struct stream_out *so, int exit_code)
{
	so->done++;
	if (exit_code != DP_EXIT_OK)
		so->bad++;
	show_progress(so, false);
}

/* Each result as it is done, flushed, so that a reader sees it at once. */
static void
stream_emit(const struct dp_target_result *r, void *arg)
{
	struct stream_out *so = arg;

	if (dp_renderer_for(so->cfg->format)->target(stdout, so->cfg, r) == -1 ||
	    fflush(stdout) != 0)
		so->failed = 1;
	count_result(so, r->exit_code);
}

static int
run_batch(const struct dp_config *cfg)
{
	struct stream_out so;
	struct dp_batch_summary sum;
	struct dp_err err;

	stream_out_init(&so, cfg);
	if (dp_batch_run(cfg, stream_emit, &so, &sum, &err) == -1) {
		show_progress(&so, true);
		return fail(&err);
	}
	show_progress(&so, true);
	return finish(cfg, so.failed ? -1 :
	    dp_renderer_for(cfg->format)->batch_end(stdout, cfg, &sum), NULL, sum.exit_code);
}

static void
domain_emit(const struct dp_smtp_report *rep, void *arg)
{
	struct stream_out *so = arg;

	if (dp_renderer_for(so->cfg->format)->domain(stdout, so->cfg, rep) == -1 ||
	    fflush(stdout) != 0)
		so->failed = 1;
	count_result(so, rep->exit_code);
}

static int
run_smtp_batch(const struct dp_config *cfg)
{
	struct stream_out so;
	struct dp_batch_summary sum;
	struct dp_err err;

	stream_out_init(&so, cfg);
	if (dp_smtp_batch_run(cfg, domain_emit, &so, &sum, &err) == -1) {
		show_progress(&so, true);
		return fail(&err);
	}
	show_progress(&so, true);
	return finish(cfg, so.failed ? -1 :
	    dp_renderer_for(cfg->format)->batch_end(stdout, cfg, &sum), NULL, sum.exit_code);
}

static int
run_smtp(const struct dp_config *cfg)
{
	struct dp_smtp_report rep;
	struct dp_err err;
	int code;

	if (dp_smtp_run(cfg, &rep, &err) == -1) {
		dp_smtp_report_clear(&rep);
		return fail(&err);
	}
	code = finish(cfg, dp_renderer_for(cfg->format)->smtp(stdout, cfg, &rep), &rep.check,
	    rep.exit_code);
	dp_smtp_report_clear(&rep);
	return code;
}

static int
run_verify(const struct dp_config *cfg)
{
	struct dp_verify_report rep;
	struct dp_err err;
	int code;

	if (dp_verify_run(cfg, &rep, &err) == -1) {
		dp_verify_report_clear(&rep);
		return fail(&err);
	}
	code = finish(cfg, dp_renderer_for(cfg->format)->verify(stdout, cfg, &rep), NULL,
	    rep.check.exit_code);
	dp_verify_report_clear(&rep);
	return code;
}

static int
run_tlsa(const struct dp_config *cfg)
{
	struct dp_gen_report rep;
	struct dp_err err;
	int code;

	if (dp_gen_run(cfg, &rep, &err) == -1) {
		dp_gen_report_clear(&rep);
		return fail(&err);
	}
	code = finish(cfg, dp_renderer_for(cfg->format)->tlsa(stdout, cfg, &rep), NULL,
	    rep.exit_code);
	dp_gen_report_clear(&rep);
	return code;
}

static int
run_lint(const struct dp_config *cfg)
{
	struct dp_lint_report rep;
	struct dp_err err;
	int code;

	if (dp_lint_run(cfg, &rep, &err) == -1) {
		dp_lint_report_clear(&rep);
		return fail(&err);
	}
	code = finish(cfg, dp_renderer_for(cfg->format)->lint(stdout, cfg, &rep), NULL,
	    rep.exit_code);
	dp_lint_report_clear(&rep);
	return code;
}

static int
run_rollover(const struct dp_config *cfg)
{
	struct dp_rollover_report rep;
	struct dp_err err;
	int code;

	if (dp_rollover_run(cfg, &rep, &err) == -1) {
		dp_rollover_report_clear(&rep);
		return fail(&err);
	}
	code = finish(cfg, dp_renderer_for(cfg->format)->rollover(stdout, cfg, &rep), NULL,
	    rep.exit_code);
	dp_rollover_report_clear(&rep);
	return code;
}

/* --save-chain is checked before anything goes on the wire (outfile.c). */
static int
check_save_chain(const struct dp_config *cfg)
{
	const char *inputs[] = { cfg->tlsa_file, cfg->res.trust_anchor, cfg->res.root_hints,
	    cfg->cafile };
	struct dp_err err;

	if (dp_outfile_check(cfg->save_chain, inputs, sizeof(inputs) / sizeof(inputs[0]),
	    &err) == -1) {
		print_error(err.msg);
		return -1;
	}
	return 0;
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
	if (dp_stdio_guard() == -1) {
		fprintf(stderr, "daneprobe: standard output is closed\n");
		return DP_EXIT_INTERNAL;
	}
	switch (dp_config_parse(argc, argv, &cfg, &err)) {
	case DP_ACT_HELP:
		dp_usage(stdout);
		return dp_stdout_finish() == -1 ? DP_EXIT_INTERNAL : DP_EXIT_OK;
	case DP_ACT_VERSION:
		printf("daneprobe %s (backends: %s; %s)\n", PACKAGE_VERSION,
		    dp_resolver_backends(), OPENSSL_VERSION_TEXT);
		return dp_stdout_finish() == -1 ? DP_EXIT_INTERNAL : DP_EXIT_OK;
	case DP_ACT_RUN:
		break;
	default:
		print_error(err.msg);
		fprintf(stderr, "usage: daneprobe lookup|check|smtp|verify|tlsa|lint|rollover [options] ... "
		    "(daneprobe -h for help)\n");
		return DP_EXIT_USAGE;
	}
	if (cfg.save_chain != NULL && check_save_chain(&cfg) == -1)
		return DP_EXIT_USAGE;
	dp_exit_now(run(&cfg));
}

static int
run(const struct dp_config *cfg)
{
	switch (cfg->cmd) {
	case DP_CMD_LOOKUP:
		return run_lookup(cfg);
	case DP_CMD_CHECK:
		return cfg->target_file != NULL ? run_batch(cfg) : run_check(cfg);
	case DP_CMD_SMTP:
		return cfg->target_file != NULL ? run_smtp_batch(cfg) : run_smtp(cfg);
	case DP_CMD_VERIFY:
		return run_verify(cfg);
	case DP_CMD_TLSA:
		return run_tlsa(cfg);
	case DP_CMD_LINT:
		return run_lint(cfg);
	case DP_CMD_ROLLOVER:
		return run_rollover(cfg);
	default:
		return DP_EXIT_USAGE;
	}
}
