/*
 * verify.h: "daneprobe verify --chain FILE TARGET": will the chain I am
 * about to deploy match the TLSA records that are published (or given)?
 * The check core with the chain from the file in place of connections.
 */
#ifndef DP_VERIFY_H
#define DP_VERIFY_H

#include "check.h"

struct dp_verify_report {
	struct dp_check_report	 check;		/* one target; its one "address" is the file */
	struct dp_offline	 offline;	/* what the result's opts.offline points to */
};

/*
 * Reads cfg->chain_file (within -t), then checks cfg's one target with it.
 * Returns 0 with rep filled (rep->check.exit_code: as for check), or -1
 * with err set (kind usage: the file or the target).  Clear rep in either case.
 */
int	dp_verify_run(const struct dp_config *cfg, struct dp_verify_report *rep,
	    struct dp_err *err);
void	dp_verify_report_clear(struct dp_verify_report *rep);

#endif
