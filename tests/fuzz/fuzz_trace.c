/*
 * fuzz_trace.c: any bytes as a reply and its validation chain for the
 * chain-of-trust trace (trace.c): the first two bytes are the reply's
 * length (big-endian, cut to what follows; 0: no reply), then the reply,
 * then the chain.  The trust anchor is the DS of the fixed root key that
 * tests/unit/test_trace.c signs its seeds with (DP_TRACE_SEEDS=DIR).
 *
 * Beyond not crashing: dp_trace_build returns 0 or -1; -1 leaves no trace
 * and one line of error; 0 gives a verdict of the four, a reason, the
 * bounds kept, every string terminated, and the promises a verdict makes:
 * one link broken for bogus or missing (but a reply with no records) and
 * none otherwise, and secure only if every link is secure on a valid
 * signature.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace.h"

#include "fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW	((time_t)1796000000)

static const char anchor_text[] =
	". 3600 IN DS 39650 13 2 "
	"2bfd21c152eeb3f831b73782ce896e99c8b3f17476c045fe1fcd293b4e780e19\n";

static struct dp_trace_anchors *anchors;

static void
anchors_free(void)
{
	dp_trace_anchors_free(anchors);
}

/* The anchors are read from a file only: write it once, read it, remove it. */
static const struct dp_trace_anchors *
anchors_get(void)
{
	char path[4096];
	struct dp_err err;
	FILE *fp;
	int fd;

	if (anchors != NULL)
		return anchors;
	snprintf(path, sizeof(path), "%s/fuzz-trace-XXXXXX", getenv("TMPDIR") != NULL ?
	    getenv("TMPDIR") : "/tmp");
	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL)
		abort();
	if (fputs(anchor_text, fp) == EOF || fclose(fp) != 0)
		abort();
	if (dp_trace_anchors_load(path, &anchors, &err) == -1)
		abort();
	unlink(path);
	atexit(anchors_free);
	return anchors;
}

/* A string of the trace: there if required, terminated (strlen reads to the NUL). */
static void
str_check(const char *s, bool required)
{
	if (s == NULL) {
		if (required)
			abort();
		return;
	}
	(void)strlen(s);
	fuzz_no_ctl(s);
}

static void
sigs_check(const struct dp_trace_sig *sigs, size_t n)
{
	size_t i;

	if (n > 0 && sigs == NULL)
		abort();
	for (i = 0; i < n; i++) {
		str_check(sigs[i].signer, true);
		if (sigs[i].status > DP_SIG_UNSUPPORTED)
			abort();
	}
}

static bool
sigs_valid(const struct dp_trace_sig *sigs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sigs[i].status == DP_SIG_VALID)
			return true;
	return false;
}

static void
trace_check(const struct dp_trace *t)
{
	size_t i, broken = 0;
	bool all_secure = true;

	if (t->verdict != DP_LINK_SECURE && t->verdict != DP_LINK_INSECURE &&
	    t->verdict != DP_LINK_BOGUS && t->verdict != DP_LINK_MISSING)
		abort();
	str_check(t->qname, true);
	str_check(t->why, true);
	if (t->nzones > DP_TRACE_MAX_ZONES || t->nrrsets > DP_TRACE_MAX_RRSETS)
		abort();
	for (i = 0; i < t->nzones; i++) {
		const struct dp_trace_zone *z = &t->zones[i];

		str_check(z->name, true);
		str_check(z->why, z->link != DP_LINK_SECURE);
		str_check(z->denial, false);
		if (z->link > DP_LINK_MISSING || (z->nds > 0 && z->ds == NULL) ||
		    (z->nkeys > 0 && z->keys == NULL))
			abort();
		sigs_check(z->ds_sigs, z->nds_sigs);
		sigs_check(z->key_sigs, z->nkey_sigs);
		sigs_check(z->denial_sigs, z->ndenial_sigs);
		/* A zone's keys are secure on a valid RRSIG over them, nothing less. */
		if (z->link == DP_LINK_SECURE && !sigs_valid(z->key_sigs, z->nkey_sigs))
			abort();
		broken += z->broken;
		all_secure = all_secure && z->link == DP_LINK_SECURE;
	}
	for (i = 0; i < t->nrrsets; i++) {
		const struct dp_trace_rrset *r = &t->rrsets[i];

		str_check(r->owner, true);
		str_check(r->zone, false);
		str_check(r->why, r->link != DP_LINK_SECURE);
		if (r->link > DP_LINK_MISSING)
			abort();
		sigs_check(r->sigs, r->nsigs);
		if (r->link == DP_LINK_SECURE && !sigs_valid(r->sigs, r->nsigs))
			abort();
		broken += r->broken;
		all_secure = all_secure && r->link == DP_LINK_SECURE;
	}
	/* The verdict names its link; a reply without records has none to name. */
	if (broken > 1 || (t->verdict == DP_LINK_BOGUS && broken != 1) ||
	    (t->verdict == DP_LINK_MISSING && broken != 1 && t->nrrsets > 0) ||
	    ((t->verdict == DP_LINK_SECURE || t->verdict == DP_LINK_INSECURE) && broken != 0))
		abort();
	if (t->verdict == DP_LINK_SECURE && (!all_secure || t->nrrsets == 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dp_trace_anchors *a = anchors_get();
	struct dp_trace *t = (struct dp_trace *)&t;
	struct dp_err err;
	size_t rlen;
	int rc;

	if (size < 2)
		return 0;
	rlen = (size_t)data[0] << 8 | data[1];
	if (rlen > size - 2)
		rlen = size - 2;
	err.msg[0] = '\0';
	rc = dp_trace_build(a, "_443._tcp.www.example.", 52, rlen > 0 ? data + 2 : NULL, rlen,
	    data + 2 + rlen, size - 2 - rlen, NOW, &t, &err);
	if (rc == -1) {
		if (t != NULL || memchr(err.msg, '\0', sizeof(err.msg)) == NULL ||
		    err.msg[0] == '\0')
			abort();
		fuzz_no_ctl(err.msg);
		return 0;
	}
	if (rc != 0 || t == NULL)
		abort();
	trace_check(t);
	dp_trace_free(t);
	return 0;
}
