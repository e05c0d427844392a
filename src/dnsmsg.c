/*
 * dnsmsg.c: reading DNS messages from the wire.
 *
 * Every length and offset in the message comes from a peer, so every read
 * is checked against the buffer, compression pointers may only point
 * backwards and are counted, and record counts are bounded
 * (DP_MSG_MAX_RRS).  A message that breaks any rule is rejected whole:
 * a partial read of a DNSSEC answer must not look like a complete one.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"

#define HEADER_LEN	12

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

int
dp_msg_read_name(const uint8_t *wire, size_t len, size_t *off,
    uint8_t out[DP_NAME_WIRE_MAX])
{
	size_t pos = *off, o = 0, end = 0;
	int pointers = 0;

	for (;;) {
		uint8_t c;

		if (pos >= len)
			return -1;
		c = wire[pos];
		if ((c & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 1 >= len || ++pointers > DP_MSG_MAX_POINTERS)
				return -1;
			target = ((size_t)(c & 0x3f) << 8) | wire[pos + 1];
			if (target >= pos)	/* only backwards: no loops */
				return -1;
			if (end == 0)
				end = pos + 2;
			pos = target;
			continue;
		}
		if ((c & 0xc0) != 0)	/* RFC 6891 extended labels: not valid here */
			return -1;
		if (pos + 1 + c > len || o + 1 + c > DP_NAME_WIRE_MAX)
			return -1;
		memcpy(out + o, wire + pos, (size_t)c + 1);
		o += (size_t)c + 1;
		pos += (size_t)c + 1;
		if (c == 0)
			break;
	}
	*off = end != 0 ? end : pos;
	return 0;
}

static int
read_section(const uint8_t *wire, size_t len, size_t *off, size_t count,
    struct dp_rr **rrs, size_t *nrrs, struct dp_err *err)
{
	size_t i;

	if (count > DP_MSG_MAX_RRS)
		return dp_err_set(err, "reply has %zu records in a section (at most %d)",
		    count, DP_MSG_MAX_RRS);
	if (count == 0)
		return 0;
	if ((*rrs = calloc(count, sizeof(**rrs))) == NULL)
		return dp_err_set(err, "out of memory");
	for (i = 0; i < count; i++) {
		struct dp_rr *rr = &(*rrs)[i];

		if (dp_msg_read_name(wire, len, off, rr->owner) == -1)
			return dp_err_set(err, "malformed owner name in reply");
		if (*off + 10 > len)
			return dp_err_set(err, "truncated record in reply");
		rr->type = get16(wire + *off);
		rr->class = get16(wire + *off + 2);
		rr->ttl = get32(wire + *off + 4);
		rr->rdlen = get16(wire + *off + 8);
		*off += 10;
		if (*off + rr->rdlen > len)
			return dp_err_set(err, "truncated rdata in reply");
		rr->rdoff = *off;
		*off += rr->rdlen;
		*nrrs = i + 1;
	}
	return 0;
}

int
dp_msg_parse(const uint8_t *wire, size_t len, struct dp_msg **out,
    struct dp_err *err)
{
	struct dp_msg *msg;
	uint8_t name[DP_NAME_WIRE_MAX];
	size_t off = HEADER_LEN, i, qd, an, ns;

	*out = NULL;
	if (len < HEADER_LEN)
		return dp_err_set(err, "reply shorter than a DNS header");
	if ((msg = calloc(1, sizeof(*msg))) == NULL ||
	    (msg->wire = malloc(len)) == NULL) {
		free(msg);
		return dp_err_set(err, "out of memory");
	}
	memcpy(msg->wire, wire, len);
	msg->len = len;
	msg->flags = get16(wire + 2);
	msg->rcode = msg->flags & 0x0f;
	qd = get16(wire + 4);
	an = get16(wire + 6);
	ns = get16(wire + 8);
	for (i = 0; i < qd; i++) {
		if (i > 0 || dp_msg_read_name(wire, len, &off, name) == -1 ||
		    off + 4 > len) {
			dp_err_set(err, "malformed question section in reply");
			goto fail;
		}
		memcpy(msg->qname, name, sizeof(msg->qname));
		msg->qtype = get16(wire + off);
		msg->has_question = true;
		off += 4;
	}
	if (read_section(wire, len, &off, an, &msg->an, &msg->nan, err) == -1 ||
	    read_section(wire, len, &off, ns, &msg->ns, &msg->nns, err) == -1)
		goto fail;
	*out = msg;
	return 0;
fail:
	dp_msg_free(msg);
	return -1;
}

void
dp_msg_free(struct dp_msg *msg)
{
	if (msg == NULL)
		return;
	free(msg->wire);
	free(msg->an);
	free(msg->ns);
	free(msg);
}

const uint8_t *
dp_rr_rdata(const struct dp_msg *msg, const struct dp_rr *rr)
{
	return msg->wire + rr->rdoff;
}

time_t
dp_rrsig_time(uint32_t t, time_t now)
{
	int64_t base = (int64_t)now - ((int64_t)now & 0xffffffffLL);
	int64_t cand = base + t;

	/* Pick the wrap-around of t nearest to now. */
	if (cand - (int64_t)now > 0x7fffffffLL)
		cand -= 0x100000000LL;
	else if ((int64_t)now - cand > 0x7fffffffLL)
		cand += 0x100000000LL;
	return (time_t)cand;
}

void
dp_format_time_utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
}

const char *
dp_rcode_name(int rcode)
{
	static const char *names[] = { "NOERROR", "FORMERR", "SERVFAIL",
	    "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET",
	    "NOTAUTH", "NOTZONE" };

	if (rcode >= 0 && (size_t)rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	return "RCODE?";
}

const char *
dp_type_name(uint16_t type)
{
	switch (type) {
	case DP_TYPE_A:		return "A";
	case DP_TYPE_NS:	return "NS";
	case DP_TYPE_CNAME:	return "CNAME";
	case DP_TYPE_SOA:	return "SOA";
	case DP_TYPE_MX:	return "MX";
	case DP_TYPE_TXT:	return "TXT";
	case DP_TYPE_AAAA:	return "AAAA";
	case DP_TYPE_DS:	return "DS";
	case DP_TYPE_RRSIG:	return "RRSIG";
	case DP_TYPE_NSEC:	return "NSEC";
	case DP_TYPE_DNSKEY:	return "DNSKEY";
	case DP_TYPE_NSEC3:	return "NSEC3";
	case DP_TYPE_TLSA:	return "TLSA";
	default:		return "TYPE?";
	}
}
