/*
 * smtp.h: "daneprobe smtp DOMAIN": DANE for mail (RFC 7672).
 */
#ifndef DP_SMTP_H
#define DP_SMTP_H

#include <stdbool.h>

#include "check.h"

/* What became of one MX host (RFC 7672 section 2.2.1: every one counts). */
enum dp_mx_state {
	DP_MX_CHECKED = 0,	/* a check target, in the report's check.targets */
	DP_MX_UNUSABLE,		/* its name cannot be checked: a failure of that host */
	DP_MX_LEFT_OUT,		/* over --max-mx: not checked */
	DP_MX_NOT_STARTED,	/* smtp -f: the run's deadline came first */
};

struct dp_mx_host {
	char			 host[DP_NAME_TEXT_MAX];	/* as the MX record has it, escaped */
	int			 preference;
	enum dp_mx_state	 state;
	char			 why[256];	/* for UNUSABLE */
};

struct dp_smtp_report {
	char			 domain[DP_NAME_TEXT_MAX];
	bool			 domain_as_given; /* smtp -f, a line not checked: its text and "." */
	struct dp_answer	*mx;
	enum dp_reason		 mx_reason;
	char			 mx_detail[256];
	struct dp_mx_host	*hosts;		/* by preference, then name */
	size_t			 nhosts;
	size_t			 nunusable, nleft_out;
	unsigned		 max_mx;
	bool			 implicit_mx;	/* no MX: the domain itself (RFC 5321 section 5.1) */
	bool			 null_mx;	/* RFC 7505 */
	struct dp_check_report	 check;		/* one target per checked MX host */
	/* smtp --servers: the MX RRset's survey (check.servers: each host's TLSA) */
	bool			 has_servers;
	struct dp_servers_report mx_servers;
	int			 exit_code;
};

/* Called for each domain of smtp -f, in the order they are done. */
typedef void dp_smtp_emit(const struct dp_smtp_report *rep, void *arg);

/*
 * smtp -f: the mail domains of cfg->target_file (this shard's), a few at a
 * time on one batch, each report handed to emit when its last MX host is
 * done; counted in sum as dp_batch_run counts targets.  Returns 0, or -1
 * with err set (usage: the list cannot be read or holds no domain).
 */
struct dp_batch_summary;
int	dp_smtp_batch_run(const struct dp_config *cfg, dp_smtp_emit *emit, void *arg,
	    struct dp_batch_summary *sum, struct dp_err *err);

/* As dp_check_run, for the domain in cfg->args[0]. */
int	dp_smtp_run(const struct dp_config *cfg, struct dp_smtp_report *rep,
	    struct dp_err *err);
void	dp_smtp_report_clear(struct dp_smtp_report *rep);

#endif
