/*
 * verify.c: a chain from a file, judged by the check core exactly as the
 * chain a server presents: the same TLSA lookups and CNAME rules (RFC 7671
 * section 7), the same DANE set-up (dane.c), OpenSSL's verifier over the
 * chain (dp_dane_verify_chain) in place of a handshake.
 */
#include "config.h"

#include <string.h>

#include "chainfile.h"
#include "clock.h"
#include "verify.h"

int
dp_verify_run(const struct dp_config *cfg, struct dp_verify_report *rep, struct dp_err *err)
{
	uint64_t started = dp_now_ms(), spent;
	STACK_OF(X509) *chain;
	struct dp_config run;

	memset(rep, 0, sizeof(*rep));
	/* A chain on a pipe is waited for within -t, like everything else. */
	if (dp_chain_load(cfg->chain_file, started + cfg->timeout_ms, &chain, err) == -1)
		return -1;
	rep->offline.chain = chain;
	rep->offline.source = strcmp(cfg->chain_file, "-") == 0 ? "standard input" :
	    cfg->chain_file;
	rep->offline.at = cfg->at_given ? cfg->verify_at : 0;
	/* -t bounds the whole command: what the reading took is off the check's share. */
	run = *cfg;
	spent = dp_now_ms() - started;
	run.timeout_ms = spent < cfg->timeout_ms ? cfg->timeout_ms - (unsigned)spent : 1;
	/*
	 * With the records given nothing is looked up: the default trust
	 * anchor need not even exist (a build machine without dns-root-data).
	 * One named with --trust-anchor is still checked.
	 */
	if ((cfg->ntlsa_text > 0 || cfg->tlsa_file != NULL) && cfg->res.trust_anchor != NULL &&
	    strcmp(cfg->res.trust_anchor, DP_DEFAULT_TRUST_ANCHOR) == 0)
		run.res.trust_anchor = NULL;
	return dp_check_run_as(&run, &rep->offline, false, &rep->check, err);
}

void
dp_verify_report_clear(struct dp_verify_report *rep)
{
	dp_check_report_clear(&rep->check);
	dp_chain_free(rep->offline.chain);
	memset(rep, 0, sizeof(*rep));
}
