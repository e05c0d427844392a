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
	STACK_OF(X509) *chain;

	memset(rep, 0, sizeof(*rep));
	/* A chain on a pipe is waited for within -t, like everything else. */
	if (dp_chain_load(cfg->chain_file, dp_now_ms() + cfg->timeout_ms, &chain, err) == -1)
		return -1;
	rep->offline.chain = chain;
	rep->offline.source = strcmp(cfg->chain_file, "-") == 0 ? "standard input" :
	    cfg->chain_file;
	rep->offline.at = cfg->at_given ? cfg->verify_at : 0;
	return dp_check_run_as(cfg, &rep->offline, false, &rep->check, err);
}

void
dp_verify_report_clear(struct dp_verify_report *rep)
{
	dp_check_report_clear(&rep->check);
	dp_chain_free(rep->offline.chain);
	memset(rep, 0, sizeof(*rep));
}
