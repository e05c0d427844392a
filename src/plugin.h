/*
 * plugin.h: the monitoring-plugin side of daneprobe (check_dane): Nagios
 * thresholds, states, perfdata, and the facts a check report yields.
 */
#ifndef DP_PLUGIN_H
#define DP_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "cli_opts.h"
#include "err.h"
#include "smtp.h"

enum dp_state {
	DP_STATE_OK = 0,
	DP_STATE_WARNING = 1,
	DP_STATE_CRITICAL = 2,
	DP_STATE_UNKNOWN = 3,
};

/*
 * The longest threshold accepted, in characters.  A number of days needs a
 * few digits; 40 leave room for "@START:END" with signed, fractional
 * bounds of 17 digits each.  A longer one is refused, never cut: perfdata
 * carries the threshold exactly as given, and a cut one would be another
 * threshold.
 */
#define DP_RANGE_TEXT_MAX	40

/* A Nagios range ([@]start:end, ~ for minus infinity). */
struct dp_range {
	bool	set;
	bool	inside;		/* '@': alert inside the range */
	bool	lo_inf, hi_inf;
	double	lo, hi;
	char	text[DP_RANGE_TEXT_MAX + 2];	/* as it goes into perfdata ("N" as "N:") */
};

/*
 * One perfdata item at its longest: quoted label, '=' and value (our
 * labels are short and our values bounded: under 64) and four fields,
 * each at most a threshold text and its ';'.
 */
#define DP_PERF_ITEM_MAX	(64 + 4 * (DP_RANGE_TEXT_MAX + 2))

struct dp_plugin_config {
	struct dp_config	 core;
	char			 target[DP_NAME_TEXT_MAX + 16];
	char			*targetv[1];
	bool			 mx;
	struct dp_range		 cert_warn, cert_crit, sig_warn, sig_crit;
	enum dp_state		 no_dane_state, timeout_state;
};

/* What the thresholds and perfdata are made of. */
struct dp_plugin_facts {
	int	exit_code;		/* daneprobe's verdict (DP_EXIT_*) */
	bool	only_timeouts;		/* every failure was a timeout */
	double	time_s, dns_s, connect_s, handshake_s;
	bool	has_cert, has_tlsa_sig, has_addr_sig, has_mx_sig;
	bool	has_connect, has_handshake;	/* an address got that far */
	double	cert_days, tlsa_sig_days, addr_sig_days, mx_sig_days;
	size_t	verified, total;
	bool	has_servers;		/* --servers */
	size_t	servers_bad, servers_total;
	char	summary[512];		/* the report's summary line */
	char	first_failure[320];	/* "192.0.2.1:443: why", or "" */
};

/*
 * Parses a threshold in days.  A plain number N means "alert when fewer
 * than N days remain", the Nagios range "N:"; full range syntax is also
 * accepted: [@]START:END, either bound a decimal number ([+-]D[.D]),
 * START also "~" (minus infinity) or empty (0), END empty (infinity).  At
 * most DP_RANGE_TEXT_MAX characters.  Returns 0 or -1 with err set.
 */
int	dp_range_parse(const char *s, struct dp_range *r, struct dp_err *err);
/* True when value is an alert under r. */
bool	dp_range_alert(const struct dp_range *r, double value);

int		 dp_state_parse(const char *s, enum dp_state *st, struct dp_err *err);
const char	*dp_state_name(enum dp_state st);
/* The worse state: CRITICAL, then WARNING, then UNKNOWN, then OK. */
enum dp_state	 dp_state_worst(enum dp_state a, enum dp_state b);

/* Gathers facts from a check report (target 0) or a mail report. */
void	dp_plugin_facts_check(const struct dp_check_report *rep, struct dp_plugin_facts *f);
void	dp_plugin_facts_smtp(const struct dp_smtp_report *rep, struct dp_plugin_facts *f);

/* The state, with the reason appended to why (thresholds crossed, etc.). */
enum dp_state	dp_plugin_state(const struct dp_plugin_config *pc,
		    const struct dp_plugin_facts *f, char *why, size_t len);

/* One perfdata item: 'label'=value[uom];warn;crit;min;max, trailing empties dropped. */
void	dp_perf_item(char *buf, size_t len, const char *label, double value,
	    const char *uom, const char *warn, const char *crit, const char *min,
	    const char *max);
/*
 * All perfdata for f, separated by spaces; an item that does not fit in
 * len whole is left out, never cut.  1024 bytes (check_dane's buffer)
 * hold every item at its longest: under 600.
 */
void	dp_perfdata(const struct dp_plugin_config *pc, const struct dp_plugin_facts *f,
	    char *buf, size_t len);

#endif
