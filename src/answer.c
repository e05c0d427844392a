/*
 * answer.c: what a validated reply says, read into a struct dp_answer by
 * one bounded reader (dnsmsg.c) for both backends, and what an answer is
 * worth (dp_answer_trust).  Policy: a reply that is not the answer to the
 * question asked, or cannot be read, is a failure, never an empty answer;
 * a missing DNSSEC state is never secure.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "resolver_impl.h"
#include "trace.h"


const char *
dp_dnssec_name(enum dp_dnssec state)
{
	switch (state) {
	case DP_DNSSEC_SECURE:		return "secure";
	case DP_DNSSEC_INSECURE:	return "insecure";
	case DP_DNSSEC_BOGUS:		return "bogus";
	case DP_DNSSEC_INDETERMINATE:	break;
	}
	return "indeterminate";
}

enum dp_trust
dp_answer_trust(const struct dp_answer *ans, char *detail, size_t len)
{
	char scratch[8];

	if (detail == NULL) {
		detail = scratch;
		len = sizeof(scratch);
	}
	if (ans == NULL || ans->status == DP_LOOKUP_TIMEOUT) {
		snprintf(detail, len, "no answer within the timeout");
		return DP_TRUST_TIMEOUT;
	}
	if (ans->status != DP_LOOKUP_ANSWERED) {
		snprintf(detail, len, "%s", ans->why ? ans->why : "resolver error");
		return DP_TRUST_FAILED;
	}
	if (ans->state == DP_DNSSEC_BOGUS) {
		snprintf(detail, len, "%s", ans->why ? ans->why : "no reason given");
		return DP_TRUST_BOGUS;
	}
	if (ans->rcode != DP_RCODE_NOERROR && ans->rcode != DP_RCODE_NXDOMAIN) {
		snprintf(detail, len, "%s", ans->rcode < 0 ? "no reply" : dp_rcode_name(ans->rcode));
		return DP_TRUST_FAILED;
	}
	if (ans->state == DP_DNSSEC_INSECURE)
		return DP_TRUST_INSECURE;
	if (ans->state != DP_DNSSEC_SECURE) {
		snprintf(detail, len, "the DNSSEC state could not be determined");
		return DP_TRUST_UNDETERMINED;
	}
	return DP_TRUST_SECURE;
}

struct dp_answer *
dp_answer_new(const char *qname, uint16_t qtype, const char *backend)
{
	struct dp_answer *ans;

	if ((ans = calloc(1, sizeof(*ans))) == NULL)
		return NULL;
	if ((ans->qname = strdup(qname)) == NULL) {
		free(ans);
		return NULL;
	}
	ans->qtype = qtype;
	ans->rcode = -1;
	ans->backend = backend;
	return ans;
}

struct dp_answer *
dp_answer_timeout(const char *qname, uint16_t qtype, const char *backend)
{
	struct dp_answer *ans;

	if ((ans = dp_answer_new(qname, qtype, backend)) == NULL)
		return NULL;
	ans->status = DP_LOOKUP_TIMEOUT;
	ans->state = DP_DNSSEC_INDETERMINATE;
	return ans;
}

void
dp_answer_free(struct dp_answer *ans)
{
	size_t i;

	if (ans == NULL)
		return;
	for (i = 0; i < ans->nrrs; i++)
		free(ans->rrs[i].rdata);
	free(ans->rrs);
	for (i = 0; i < ans->ncnames; i++) {
		free(ans->cnames[i].owner);
		free(ans->cnames[i].target);
	}
	free(ans->cnames);
	free(ans->qname);
	free(ans->why);
	dp_trace_free(ans->trace);
	free(ans->trace_error);
	free(ans->final_name);
	free(ans);
}

static const struct dp_rr *
find_cname(const struct dp_msg *msg, const uint8_t *owner)
{
	size_t i;

	for (i = 0; i < msg->nan; i++)
		if (msg->an[i].type == DP_TYPE_CNAME &&
		    dp_name_wire_equal(msg->an[i].owner, owner))
			return &msg->an[i];
	return NULL;
}

static int
add_cname_step(struct dp_answer *ans, const uint8_t *owner,
    const uint8_t *target, uint32_t ttl)
{
	char text[DP_NAME_TEXT_MAX];
	struct dp_cname_step *step;

	if (ans->ncnames == 0 &&
	    (ans->cnames = calloc(DP_MAX_CNAME_STEPS, sizeof(*ans->cnames))) == NULL)
		return -1;
	step = &ans->cnames[ans->ncnames++];
	dp_name_wire_to_text(owner, text, sizeof(text));
	step->owner = strdup(text);
	dp_name_wire_to_text(target, text, sizeof(text));
	step->target = strdup(text);
	step->ttl = ttl;
	/* Refined by the caller where the chain's steps differ (see lookup). */
	step->state = ans->state;
	return step->owner && step->target ? 0 : -1;
}

/* RFC 2308 section 5: the negative TTL is the SOA's TTL capped by its MINIMUM. */
static void
negative_ttl(struct dp_answer *ans, const struct dp_msg *msg)
{
	uint8_t name[DP_NAME_WIRE_MAX];
	size_t i, off;

	for (i = 0; i < msg->nns; i++) {
		const struct dp_rr *rr = &msg->ns[i];
		uint32_t min;

		if (rr->type != DP_TYPE_SOA)
			continue;
		off = rr->rdoff;
		if (dp_msg_read_name(msg->wire, msg->len, &off, name) == -1 ||
		    dp_msg_read_name(msg->wire, msg->len, &off, name) == -1 ||
		    off + 20 > rr->rdoff + rr->rdlen)
			return;
		min = ((uint32_t)msg->wire[off + 16] << 24) |
		    ((uint32_t)msg->wire[off + 17] << 16) |
		    ((uint32_t)msg->wire[off + 18] << 8) | msg->wire[off + 19];
		ans->ttl = rr->ttl < min ? rr->ttl : min;
		ans->has_ttl = true;
		return;
	}
}

/*
 * Copies rr's rdata.  MX, NS and SOA rdata may hold compressed names
 * (RFC 3597 section 4), meaningless outside the message, so they are
 * stored uncompressed; malformed such rdata is kept empty (readers skip
 * it).  Returns 0, -1 (memory).
 */
static int
copy_rdata(struct dp_record *out, const struct dp_msg *msg, const struct dp_rr *rr)
{
	uint8_t names[2][DP_NAME_WIRE_MAX];
	size_t off = rr->rdoff, len[2] = { 0, 0 }, head = 0, tail = 0, nnames, i, o;
	const uint8_t *rd = dp_rr_rdata(msg, rr);

	switch (rr->type) {
	case DP_TYPE_MX:
		head = 2, nnames = 1;
		break;
	case DP_TYPE_NS:
		nnames = 1;
		break;
	case DP_TYPE_SOA:
		nnames = 2, tail = 20;	/* serial, refresh, retry, expire, minimum */
		break;
	default:
		out->rdlen = rr->rdlen;
		if ((out->rdata = malloc(rr->rdlen + 1)) == NULL)
			return -1;
		memcpy(out->rdata, rd, rr->rdlen);
		return 0;
	}
	off += head;
	for (i = 0; i < nnames; i++) {
		if (off > rr->rdoff + rr->rdlen ||
		    dp_msg_read_name(msg->wire, msg->len, &off, names[i]) == -1)
			goto malformed;
		len[i] = dp_name_wire_len(names[i]);
	}
	if (rr->rdlen < head + 1 || off + tail != rr->rdoff + rr->rdlen)
		goto malformed;
	if ((out->rdata = malloc(head + len[0] + len[1] + tail + 1)) == NULL)
		return -1;
	memcpy(out->rdata, rd, head);
	o = head;
	for (i = 0; i < nnames; i++) {
		memcpy(out->rdata + o, names[i], len[i]);
		o += len[i];
	}
	memcpy(out->rdata + o, msg->wire + off, tail);
	out->rdlen = o + tail;
	return 0;
malformed:
	out->rdlen = 0;
	out->rdata = malloc(1);
	return out->rdata == NULL ? -1 : 0;
}

/* Labels of a wire name, the root's empty one not counted (RFC 4034 section 3.1.3). */
static unsigned
wire_labels(const uint8_t *name)
{
	unsigned n = 0;

	while (*name != 0 && n < 128) {
		name += 1 + *name;
		n++;
	}
	return n;
}

static int
collect_rrset(struct dp_answer *ans, const struct dp_msg *msg,
    const uint8_t *owner, time_t now)
{
	size_t i;

	for (i = 0; i < msg->nan; i++) {
		const struct dp_rr *rr = &msg->an[i];
		const uint8_t *rd = dp_rr_rdata(msg, rr);

		if (!dp_name_wire_equal(rr->owner, owner))
			continue;
		if (rr->type == DP_TYPE_RRSIG && rr->rdlen >= 18 &&
		    ((rd[0] << 8) | rd[1]) == ans->qtype) {
			uint32_t raw = ((uint32_t)rd[8] << 24) |
			    ((uint32_t)rd[9] << 16) | ((uint32_t)rd[10] << 8) | rd[11];
			time_t exp = dp_rrsig_time(raw, now);

			if (ans->sig_expires == 0 || exp < ans->sig_expires)
				ans->sig_expires = exp;
			/* Fewer labels than the owner's: expanded from a wildcard (RFC 4035 5.3.2). */
			if (rd[3] < wire_labels(owner))
				ans->wildcard = true;
			/* A cache counts the TTL down; the signature keeps the zone's (RFC 4034 3.1.4). */
			raw = ((uint32_t)rd[4] << 24) | ((uint32_t)rd[5] << 16) |
			    ((uint32_t)rd[6] << 8) | rd[7];
			if (raw > ans->orig_ttl)
				ans->orig_ttl = raw;
			continue;
		}
		if (rr->type != ans->qtype)
			continue;
		if (ans->rrs == NULL &&
		    (ans->rrs = calloc(msg->nan, sizeof(*ans->rrs))) == NULL)
			return -1;
		ans->rrs[ans->nrrs].type = rr->type;
		ans->rrs[ans->nrrs].ttl = rr->ttl;
		if (copy_rdata(&ans->rrs[ans->nrrs], msg, rr) == -1)
			return -1;
		if (!ans->has_ttl || rr->ttl < ans->ttl)
			ans->ttl = rr->ttl;
		ans->has_ttl = true;
		ans->nrrs++;
	}
	return 0;
}

int
dp_answer_fill(struct dp_answer *ans, const uint8_t *wire, size_t len,
    time_t now, struct dp_err *err)
{
	struct dp_msg *msg;
	uint8_t cur[DP_NAME_WIRE_MAX], target[DP_NAME_WIRE_MAX];
	char text[DP_NAME_TEXT_MAX];
	const struct dp_rr *cname;
	int rc = -1;

	if (dp_msg_parse(wire, len, &msg, err) == -1)
		return -1;
	if (dp_name_text_to_wire(ans->qname, cur) == -1) {
		dp_err_set(err, "cannot encode %s", ans->qname);
		goto out;
	}
	/*
	 * What a backend hands over must be the reply to this question: getdns
	 * 1.6 in recursive mode, with no server reachable, returns its own
	 * query (QR clear, question ". NS") as the "reply", with status
	 * insecure; read as an answer it would be an empty, insecure NOERROR,
	 * "DANE not in force", which is failing open.
	 */
	if (!(msg->flags & DP_MSG_QR) || !msg->has_question ||
	    msg->qtype != ans->qtype || !dp_name_wire_equal(msg->qname, cur)) {
		dp_err_set(err, "the resolver returned no reply to this question");
		goto out;
	}
	ans->rcode = msg->rcode;
	while (ans->qtype != DP_TYPE_CNAME && (cname = find_cname(msg, cur)) != NULL) {
		size_t off = cname->rdoff;

		if (ans->ncnames >= DP_MAX_CNAME_STEPS) {
			dp_err_set(err, "CNAME chain longer than %d steps", DP_MAX_CNAME_STEPS);
			goto out;
		}
		if (dp_msg_read_name(msg->wire, msg->len, &off, target) == -1 ||
		    off != cname->rdoff + cname->rdlen) {
			dp_err_set(err, "malformed CNAME target in reply");
			goto out;
		}
		if (add_cname_step(ans, cur, target, cname->ttl) == -1) {
			dp_err_set(err, "out of memory");
			goto out;
		}
		memcpy(cur, target, sizeof(cur));
	}
	dp_name_wire_to_text(cur, text, sizeof(text));
	if ((ans->final_name = strdup(text)) == NULL ||
	    collect_rrset(ans, msg, cur, now) == -1) {
		dp_err_set(err, "out of memory");
		goto out;
	}
	if (ans->nrrs == 0)
		negative_ttl(ans, msg);
	rc = 0;
out:
	dp_msg_free(msg);
	return rc;
}
