/*
 * lintcmd.h: "daneprobe lint": check the targets (or a mail domain's MX
 * hosts) as check and smtp do, then judge the results by lint.c's rules.
 */
#ifndef DP_LINTCMD_H
#define DP_LINTCMD_H

#include <stdbool.h>

#include "check.h"
#include "lint.h"
#include "smtp.h"

struct dp_lint_report {
	bool			 is_smtp;	/* lint --smtp DOMAIN */
	struct dp_check_report	 check;		/* lint TARGET...: the checks */
	struct dp_smtp_report	 smtp;		/* lint --smtp: the domain (its check inside) */
	struct dp_lint_findings	 findings;
	int			 exit_code;
};

/* The checks, then the rules.  Returns 0 with rep filled, or -1 with err set. */
int	dp_lint_run(const struct dp_config *cfg, struct dp_lint_report *rep,
	    struct dp_err *err);
void	dp_lint_report_clear(struct dp_lint_report *rep);

/* The check report the findings are about (the domain's for --smtp). */
const struct dp_check_report	*dp_lint_checks(const struct dp_lint_report *rep);

#endif
