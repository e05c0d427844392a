/*
 * smtp.h: "daneprobe smtp DOMAIN": DANE for mail (RFC 7672).
 */
#ifndef DP_SMTP_H
#define DP_SMTP_H

#include <stdbool.h>

#include "check.h"

/* MX hosts checked per domain; real domains have a handful. */
#define DP_MAX_MX	16

struct dp_mx_host {
	char	host[DP_NAME_TEXT_MAX];
	int	preference;
};

struct dp_smtp_report {
	char			 domain[DP_NAME_TEXT_MAX];
	struct dp_answer	*mx;
	enum dp_reason		 mx_reason;
	char			 mx_detail[256];
	struct dp_mx_host	 hosts[DP_MAX_MX];
	size_t			 nhosts;
	bool			 implicit_mx;	/* no MX: the domain itself (RFC 5321 section 5.1) */
	bool			 null_mx;	/* RFC 7505 */
	struct dp_check_report	 check;		/* one target per MX host */
	int			 exit_code;
};

/* As dp_check_run, for the domain in cfg->args[0]. */
int	dp_smtp_run(const struct dp_config *cfg, struct dp_smtp_report *rep,
	    int *exit_code, struct dp_err *err);
void	dp_smtp_report_clear(struct dp_smtp_report *rep);

#endif
