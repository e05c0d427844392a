/*
 * output.h: renderers.  One per format, chosen from a table; each shows
 * the same facts.
 */
#ifndef DP_OUTPUT_H
#define DP_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "batch.h"
#include "check.h"
#include "cli_opts.h"
#include "lintcmd.h"
#include "rollover.h"
#include "lookup.h"
#include "smtp.h"
#include "tlsacmd.h"
#include "verify.h"

/*
 * The version of the JSON documents, see daneprobe(1) JSON OUTPUT.  Their
 * schemas (schema/NAME.schema.json) carry it in their $id and "version"; a
 * change to a document or a schema needs a new one, and schema/VERSION
 * records it with the schemas' hash (tests/schema.py --record).
 */
#define DP_JSON_VERSION	2

struct dp_renderer {
	enum dp_format	 format;
	/* Returns 0, or -1 when the output could not be written. */
	int	(*lookup)(FILE *fp, const struct dp_config *cfg,
		    const struct dp_lookup_report *rep);
	int	(*check)(FILE *fp, const struct dp_config *cfg,
		    const struct dp_check_report *rep);
	int	(*smtp)(FILE *fp, const struct dp_config *cfg,
		    const struct dp_smtp_report *rep);
	/* check -f: one target as it is done (JSON: one line), then the summary. */
	int	(*target)(FILE *fp, const struct dp_config *cfg,
		    const struct dp_target_result *r);
	int	(*batch_end)(FILE *fp, const struct dp_config *cfg,
		    const struct dp_batch_summary *sum);
	/* smtp -f: one domain as it is done (JSON: one line). */
	int	(*domain)(FILE *fp, const struct dp_config *cfg,
		    const struct dp_smtp_report *rep);
	int	(*verify)(FILE *fp, const struct dp_config *cfg,
		    const struct dp_verify_report *rep);
	int	(*tlsa)(FILE *fp, const struct dp_config *cfg,
		    const struct dp_gen_report *rep);
	int	(*lint)(FILE *fp, const struct dp_config *cfg,
		    const struct dp_lint_report *rep);
	int	(*rollover)(FILE *fp, const struct dp_config *cfg,
		    const struct dp_rollover_report *rep);
};

const struct dp_renderer	*dp_renderer_for(enum dp_format format);

extern const struct dp_renderer dp_renderer_text;
extern const struct dp_renderer dp_renderer_json;
/* --format openmetrics: check and smtp only (the other entries are NULL). */
extern const struct dp_renderer dp_renderer_metrics;

/*
 * A label value for the metrics: s through the one rule for text we do
 * not control (textsafe.c), then with backslash, double quote and newline
 * escaped as the exposition formats want.  Returns a string to free, or
 * NULL (memory).
 */
char	*dp_metrics_label(const char *s);

/* How record i fared at address a: "matched at depth 0", "not matched", "unusable: why". */
const char	*dp_record_outcome(const struct dp_target_result *r,
		    const struct dp_addr_result *a, size_t i, char *buf, size_t len);
/* One line that sums up a target, e.g. "2 of 2 addresses verified". */
void	dp_target_summary(const struct dp_target_result *r, char *buf, size_t len);

/* verify: the chain's verdict in a line ("DANE-EE(3) ... matched the leaf certificate"). */
void	dp_verify_summary(const struct dp_target_result *r, char *buf, size_t len);
/*
 * verify --at/--in: "as of TIME; ..." saying whether the time takes part
 * (DANE-TA, PKIX) or not (DANE-EE).  Returns false (buf untouched) without a time.
 */
bool	dp_verify_time_note(const struct dp_target_result *r, char *buf, size_t len);

/* A record as text: TLSA and MX in presentation format, others as "\\# LEN HEX". */
const char	*dp_record_text(uint16_t type, const struct dp_record *rec, char *buf,
		    size_t len);
/* lookup --servers in a line: "2 of 4 server addresses differ or are broken". */
void	dp_servers_summary(const struct dp_servers_report *rep, char *buf, size_t len);

/* What became of an MX host: "checked", "not checked: why". */
const char	*dp_mx_host_outcome(const struct dp_mx_host *h, char *buf, size_t len);
/* One line that sums up a mail domain. */
void	dp_smtp_summary(const struct dp_smtp_report *rep, char *buf, size_t len);

/* "2026-12-23T11:50:00Z" into buf. */
void	dp_format_time(time_t t, char *buf, size_t len);

#endif
