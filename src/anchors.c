/*
 * anchors.c: the trust anchor and root hints files, checked before any
 * backend reads them (zonefile.c reads them, bounded): DS or DNSKEY
 * records for the anchor, NS, A and AAAA for the hints, nothing else.
 * With a resolver, the anchors' owner names are kept, so that resolver_ds.c
 * never second-guesses a zone at or below one.  Errors name the file and
 * line; a bad file is the user's to fix (usage).
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "name.h"
#include "resolver_impl.h"
#include "zonefile.h"


/*
 * Keeps an anchor's owner name for the DS recheck (see anchored_between).
 * A name that cannot be read plainly makes the anchors unclear, and an
 * unclear set of anchors never lets a bogus answer become insecure.
 */
static void
anchor_keep(struct dp_resolver *res, const char *owner)
{
	char name[DP_NAME_TEXT_MAX];
	uint8_t wire[DP_NAME_WIRE_MAX];
	size_t i, n = strlen(owner);

	if (n == 0 || n + 2 > sizeof(name) || strchr(owner, '\\') != NULL) {
		res->anchors_unclear = true;
		return;
	}
	for (i = 0; i < n; i++)
		name[i] = (char)tolower((unsigned char)owner[i]);
	/* Without a trailing dot the name is relative to the root, as both backends read it. */
	if (name[n - 1] != '.')
		name[n++] = '.';
	name[n] = '\0';
	if (dp_name_text_to_wire(name, wire) == -1) {
		res->anchors_unclear = true;
		return;
	}
	for (i = 0; i < res->nanchors; i++)
		if (strcmp(res->anchors[i], name) == 0)
			return;
	if (res->nanchors == DP_MAX_ANCHOR_NAMES ||
	    (res->anchors[res->nanchors] = strdup(name)) == NULL) {
		res->anchors_unclear = true;
		return;
	}
	res->nanchors++;
}

/*
 * A trust anchor record: OWNER [TTL] [CLASS] DS|DNSKEY RDATA..., where
 * RDATA has at least four fields (key tag/flags, algorithm, digest
 * type/protocol, digest/key).  rec is one record on one line (zonefile.c
 * joined it and made its parentheses blanks), origin its $ORIGIN.
 * Returns 1 for an anchor, 0 for another type, -1 for a malformed record.
 * With res, an anchor's owner is kept.
 */
static int
anchor_record(char *rec, struct dp_resolver *res)
{
	/* A record that starts with a blank has the previous record's owner. */
	bool same_owner = rec[0] == ' ' || rec[0] == '\t';
	char *tok[64], *save = NULL, *p;
	int n = 0, i;

	for (p = strtok_r(rec, " \t", &save); p != NULL && n < 64;
	    p = strtok_r(NULL, " \t", &save))
		tok[n++] = p;
	for (i = 1; i < n && i <= 3; i++) {
		if (strcasecmp(tok[i], "DS") != 0 && strcasecmp(tok[i], "DNSKEY") != 0)
			continue;
		if (n - i - 1 < 4)
			return -1;
		if (res != NULL && !same_owner)
			anchor_keep(res, tok[0]);
		else if (res != NULL && res->nanchors == 0)
			res->anchors_unclear = true;
		return 1;
	}
	return n >= 3 ? 0 : -1;
}

/* Checks file (see dp_trust_anchor_check); with res, keeps the anchors' owners. */
int
dp_anchor_scan(const char *file, struct dp_resolver *res, struct dp_err *err)
{
	struct dp_zone_reader zr;
	struct dp_zone_record rec;
	int anchors = 0, rc;

	if (dp_zone_open(&zr, "trust anchor", file, DP_ZONE_FILE_MAX,
	    DP_ZONE_RECORD_MAX, err) == -1)
		return -1;
	while ((rc = dp_zone_next(&zr, &rec, err)) == 1) {
		/* Owners relative to an $ORIGIN are not read as names here. */
		if (res != NULL && strcmp(rec.origin, ".") != 0)
			res->anchors_unclear = true;
		if ((rc = anchor_record(rec.text, res)) == -1) {
			dp_zone_error(&zr, rec.line, err, "not a DS or DNSKEY record");
			break;
		}
		anchors += rc;
	}
	if (rc == 0 && anchors == 0)
		rc = dp_zone_error(&zr, 0, err, "no DS or DNSKEY record in file");
	dp_zone_close(&zr);
	return rc == -1 ? -1 : 0;
}

/*
 * A root hint: OWNER [TTL] [CLASS] NS|A|AAAA RDATA, the types of IANA's
 * named.root, with one rdata field, an address for A and AAAA.  Returns 1
 * for NS, 0 for an address, -1 for anything else.
 */
static int
hint_record(char *rec)
{
	char *tok[8], *save = NULL, *p;
	unsigned char addr[16];
	int n = 0, i, first = rec[0] == ' ' || rec[0] == '\t' ? 0 : 1;

	for (p = strtok_r(rec, " \t", &save); p != NULL && n < 8;
	    p = strtok_r(NULL, " \t", &save))
		tok[n++] = p;
	/* With no owner (a leading blank) the type can be the first field. */
	for (i = first; i < n && i <= 3; i++) {
		if (i + 2 != n)
			continue;
		if (strcasecmp(tok[i], "NS") == 0)
			return 1;
		if (strcasecmp(tok[i], "A") == 0)
			return inet_pton(AF_INET, tok[i + 1], addr) == 1 ? 0 : -1;
		if (strcasecmp(tok[i], "AAAA") == 0)
			return inet_pton(AF_INET6, tok[i + 1], addr) == 1 ? 0 : -1;
	}
	return -1;
}

int
dp_root_hints_check(const char *file, struct dp_err *err)
{
	struct dp_zone_reader zr;
	struct dp_zone_record rec;
	int servers = 0, rc;

	if (dp_zone_open(&zr, "root hints", file, DP_ZONE_FILE_MAX,
	    DP_ZONE_RECORD_MAX, err) == -1)
		return -1;
	while ((rc = dp_zone_next(&zr, &rec, err)) == 1) {
		if ((rc = hint_record(rec.text)) == -1) {
			dp_zone_error(&zr, rec.line, err, "not an NS, A or AAAA record");
			break;
		}
		servers += rc;
	}
	if (rc == 0 && servers == 0)
		rc = dp_zone_error(&zr, 0, err, "no NS record in file");
	dp_zone_close(&zr);
	return rc == -1 ? -1 : 0;
}

int
dp_trust_anchor_check(const char *file, struct dp_err *err)
{
	return dp_anchor_scan(file, NULL, err);
}

void
dp_anchors_free(struct dp_resolver *res)
{
	size_t i;

	for (i = 0; i < res->nanchors; i++)
		free(res->anchors[i]);
	res->nanchors = 0;
}
