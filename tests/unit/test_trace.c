/*
 * test_trace.c: the chain-of-trust trace (trace.c) over a small signed
 * hierarchy made here with libldns: "." (the trust anchor), "example."
 * delegated to with a DS, and _443._tcp.www.example. TLSA signed by
 * example.'s key.  Each case breaks one link (a DS for another key, an
 * RRSIG out of its dates or changed, a DS algorithm or digest type not
 * supported, a DNSKEY RRset absent, no RRSIG), forges one (a key that
 * only shares the vouched key's tag, another zone's key), proves one
 * insecure (a delegation without DS, by NSEC and by NSEC3) or denies the
 * TLSA (NODATA, by NSEC and by NSEC3), and the trace must name that link
 * in the words trace.c gives.  Signatures are judged at a fixed time,
 * their dates relative to it, so the words are the same on every run.
 *
 * With DP_TRACE_SEEDS=DIR in the environment it also writes the replies
 * and chains it builds as seeds for tests/fuzz/fuzz_trace.c (its input:
 * the reply's length in two bytes, the reply, the chain).  The root key
 * is fixed for that (its private half below): fuzz_trace.c holds its DS.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "tap.h"

#include "trace.h"

#define NOW	((time_t)1796000000)	/* 2026-11-30T00:53:20Z */
#define DAY	((time_t)86400)

#define QNAME		"_443._tcp.www.example."
#define QNAME_SUB	"_443._tcp.www.sub.example."
#define QNAME_OTHER	"_443._tcp.www.other."
#define TLSA_DATA	"3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The root's key: fixed, so that the DS in tests/fuzz/fuzz_trace.c matches the seeds. */
static const char root_private[] =
	"Private-key-format: v1.2\n"
	"Algorithm: 13 (ECDSAP256SHA256)\n"
	"PrivateKey: 6D8dPiL4PZJNvXixzmLLbLahXQ7n07tvU/2u+5HkJF4=\n";

static ldns_key *k_root, *k_ex, *k_decoy, *k_twin;
static ldns_rr *dnskey_root, *dnskey_ex, *dnskey_decoy, *dnskey_twin;
static uint16_t tag_root, tag_ex, tag_decoy;

/* How the hierarchy is broken: one field at a time. */
enum ds_kind { DS_GOOD, DS_DECOY, DS_ALG200, DS_DIGEST200 };
enum sig_kind { SIG_GOOD, SIG_EXPIRED, SIG_CORRUPT, SIG_NONE };
enum denial_kind { BY_NONE, BY_NSEC, BY_NSEC3 };

struct opts {
	enum ds_kind	ds;
	bool		keys_future;	/* example.'s DNSKEY RRSIG incepted at now + 2 days */
	bool		no_child_keys;	/* example.'s DNSKEY RRset not in the chain */
	enum sig_kind	tlsa_sig;
	enum denial_kind nodata;	/* no TLSA: SOA and an NSEC(3) in the authority section */
	enum denial_kind unsigned_sub;	/* the TLSA below sub.example., its DS denied */
	bool		twin;		/* a key of example.'s tag, not vouched, signs it all */
	bool		foreign;	/* the TLSA at other., signed by example.'s key */
};

struct world {
	uint8_t		*reply;
	size_t		 reply_len;
	ldns_buffer	*chain;
	const char	*qname;
};

static char anchor_ds[4096], anchor_key[4096];

/* ---- the hierarchy ---- */

static ldns_rr *
rr(const char *text)
{
	ldns_rr *r = NULL;

	if (ldns_rr_new_frm_str(&r, text, 3600, NULL, NULL) != LDNS_STATUS_OK) {
		fprintf(stderr, "bad record in the test: %s\n", text);
		exit(99);
	}
	return r;
}

/* A zone's key (flags 257: it signs everything), owned by owner. */
static ldns_key *
key_named(ldns_key *k, const char *owner, ldns_rr **dnskey)
{
	if (k == NULL)
		exit(99);
	ldns_key_set_flags(k, 257);
	ldns_key_set_pubkey_owner(k, ldns_dname_new_frm_str(owner));
	*dnskey = ldns_key2rr(k);
	ldns_key_set_keytag(k, ldns_calc_keytag(*dnskey));
	return k;
}

/* A new key of example., its tag other than avoid (tags are 16 bits: they collide). */
static ldns_key *
key_other_than(uint16_t avoid, ldns_rr **dnskey)
{
	ldns_key *k;

	for (;;) {
		k = key_named(ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256),
		    "example.", dnskey);
		if (ldns_calc_keytag(*dnskey) != avoid)
			return k;
		ldns_key_deep_free(k);
		ldns_rr_free(*dnskey);
	}
}

/*
 * Another key of example. with the tag of its own key: the flags are
 * summed into the tag, so some flags (with the zone key bit) give it.
 * Anyone can make one; it must not pass for the key the DS vouches for.
 */
static void
twin_make(void)
{
	ldns_rdf *f;
	uint32_t flags;

	for (;;) {
		k_twin = key_other_than(tag_ex, &dnskey_twin);
		for (flags = 0x0100; flags <= 0xffff; flags = (flags + 1) | 0x0100) {
			f = ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, (uint16_t)flags);
			ldns_rdf_deep_free(ldns_rr_set_rdf(dnskey_twin, f, 0));
			if (ldns_calc_keytag(dnskey_twin) == tag_ex) {
				ldns_key_set_flags(k_twin, (uint16_t)flags);
				ldns_key_set_keytag(k_twin, tag_ex);
				return;
			}
		}
		ldns_key_deep_free(k_twin);
		ldns_rr_free(dnskey_twin);
	}
}

static void
keys_make(void)
{
	ldns_key *k = NULL;
	FILE *fp = fmemopen((void *)root_private, strlen(root_private), "r");

	if (fp == NULL || ldns_key_new_frm_fp(&k, fp) != LDNS_STATUS_OK)
		exit(99);
	fclose(fp);
	k_root = key_named(k, ".", &dnskey_root);
	tag_root = ldns_calc_keytag(dnskey_root);
	k_ex = key_other_than(tag_root, &dnskey_ex);
	tag_ex = ldns_calc_keytag(dnskey_ex);
	k_decoy = key_other_than(tag_ex, &dnskey_decoy);
	tag_decoy = ldns_calc_keytag(dnskey_decoy);
	twin_make();
}

static void
keys_free(void)
{
	ldns_key_deep_free(k_root);
	ldns_key_deep_free(k_ex);
	ldns_key_deep_free(k_decoy);
	ldns_key_deep_free(k_twin);
	ldns_rr_free(dnskey_twin);
	ldns_rr_free(dnskey_root);
	ldns_rr_free(dnskey_ex);
	ldns_rr_free(dnskey_decoy);
}

static ldns_rr_list *
set_of(ldns_rr *r)
{
	ldns_rr_list *l = ldns_rr_list_new();

	ldns_rr_list_push_rr(l, r);
	return l;
}

/* The RRSIGs by k over rrset, incepted and expiring at the times given. */
static ldns_rr_list *
sign(ldns_rr_list *rrset, ldns_key *k, time_t inception, time_t expiration)
{
	ldns_key_list *kl = ldns_key_list_new();
	ldns_rr_list *sigs;

	ldns_key_set_inception(k, (uint32_t)inception);
	ldns_key_set_expiration(k, (uint32_t)expiration);
	ldns_key_list_push_key(kl, k);
	sigs = ldns_sign_public(rrset, kl);
	/*
	 * ldns_key_list_free frees the keys it holds, and this one is ours;
	 * ldns_key_list_pop_key of the last key reallocs to 0 bytes (a free
	 * on glibc), then the list frees that again: empty it by its count.
	 */
	ldns_key_list_set_key_count(kl, 0);
	ldns_key_list_free(kl);
	if (sigs == NULL || ldns_rr_list_rr_count(sigs) != 1)
		exit(99);
	return sigs;
}

static ldns_rr_list *
sign_now(ldns_rr_list *rrset, ldns_key *k)
{
	return sign(rrset, k, NOW - DAY, NOW + 30 * DAY);
}

/* Appends the records to the chain, uncompressed, as getdns gives them. */
static void
put(ldns_buffer *b, const ldns_rr_list *l)
{
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr2buffer_wire(b, ldns_rr_list_rr(l, i), LDNS_SECTION_ANSWER) !=
		    LDNS_STATUS_OK)
			exit(99);
}

static void
push(ldns_pkt *pkt, ldns_pkt_section s, const ldns_rr_list *l)
{
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(l); i++)
		ldns_pkt_push_rr(pkt, s, ldns_rr_clone(ldns_rr_list_rr(l, i)));
}

/* Puts rrset and its RRSIGs by k (signed now) into the chain; frees both. */
static void
put_signed(ldns_buffer *b, ldns_rr_list *rrset, ldns_key *k)
{
	ldns_rr_list *sigs = sign_now(rrset, k);

	put(b, rrset);
	put(b, sigs);
	ldns_rr_list_deep_free(rrset);
	ldns_rr_list_deep_free(sigs);
}

static void
rdf_replace(ldns_rr *r, size_t i, uint8_t v)
{
	ldns_rdf *old = ldns_rr_set_rdf(r, ldns_native2rdf_int8(ldns_rdf_get_type(
	    ldns_rr_rdf(r, i)), v), i);

	ldns_rdf_deep_free(old);
}

/*
 * "OWNER NSEC3 1 0 0 - NEXT TYPES" for name in example. (SHA-1, no
 * iterations, no salt): the one NSEC3 of the zone, its next hash its own.
 */
static void
nsec3_text(char *buf, size_t len, const char *name, const char *types)
{
	ldns_rdf *n = ldns_dname_new_frm_str(name);
	ldns_rdf *h = ldns_nsec3_hash_name(n, LDNS_SHA1, 0, 0, NULL);
	char *hs = ldns_rdf2str(h);

	if (hs == NULL || strlen(hs) < 2)
		exit(99);
	hs[strlen(hs) - 1] = '\0';	/* the label, without its dot */
	snprintf(buf, len, "%s.example. NSEC3 1 0 0 - %s %s", hs, hs, types);
	free(hs);
	ldns_rdf_deep_free(h);
	ldns_rdf_deep_free(n);
}

static void
world_build(struct world *w, const struct opts *o)
{
	ldns_rr_list *set, *sigs;
	ldns_rr *ds, *q;
	ldns_pkt *pkt;
	char text[256];

	memset(w, 0, sizeof(*w));
	w->chain = ldns_buffer_new(4096);
	w->qname = o->unsigned_sub ? QNAME_SUB : o->foreign ? QNAME_OTHER : QNAME;

	put_signed(w->chain, set_of(ldns_rr_clone(dnskey_root)), k_root);

	ds = ldns_key_rr2ds(o->ds == DS_DECOY ? dnskey_decoy : dnskey_ex, LDNS_SHA256);
	if (o->ds == DS_ALG200)
		rdf_replace(ds, 1, 200);
	else if (o->ds == DS_DIGEST200)
		rdf_replace(ds, 2, 200);
	put_signed(w->chain, set_of(ds), k_root);

	if (!o->no_child_keys) {
		set = set_of(ldns_rr_clone(dnskey_ex));
		if (o->twin)
			ldns_rr_list_push_rr(set, ldns_rr_clone(dnskey_twin));
		sigs = o->keys_future ? sign(set, k_ex, NOW + 2 * DAY, NOW + 30 * DAY) :
		    sign_now(set, o->twin ? k_twin : k_ex);
		put(w->chain, set);
		put(w->chain, sigs);
		ldns_rr_list_deep_free(set);
		ldns_rr_list_deep_free(sigs);
	}
	if (o->unsigned_sub == BY_NSEC)
		put_signed(w->chain, set_of(rr("sub.example. NSEC zz.example. NS RRSIG NSEC")),
		    k_ex);
	else if (o->unsigned_sub == BY_NSEC3) {
		nsec3_text(text, sizeof(text), "sub.example.", "NS");
		put_signed(w->chain, set_of(rr(text)), k_ex);
	}

	pkt = ldns_pkt_new();
	ldns_pkt_set_id(pkt, 4242);
	ldns_pkt_set_qr(pkt, true);
	ldns_pkt_set_rd(pkt, true);
	ldns_pkt_set_ra(pkt, true);
	snprintf(text, sizeof(text), "%s IN TLSA", w->qname);
	if (ldns_rr_new_question_frm_str(&q, text, NULL, NULL) != LDNS_STATUS_OK)
		exit(99);
	ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, q);
	if (o->nodata) {
		set = set_of(rr("example. SOA ns.example. hostmaster.example. 1 7200 3600 "
		    "1209600 3600"));
		sigs = sign_now(set, k_ex);
		push(pkt, LDNS_SECTION_AUTHORITY, set);
		push(pkt, LDNS_SECTION_AUTHORITY, sigs);
		ldns_rr_list_deep_free(set);
		ldns_rr_list_deep_free(sigs);
		if (o->nodata == BY_NSEC3)
			nsec3_text(text, sizeof(text), w->qname, "A RRSIG");
		else
			snprintf(text, sizeof(text), "%s NSEC zz.example. A RRSIG NSEC",
			    w->qname);
		set = set_of(rr(text));
		sigs = sign_now(set, k_ex);
		push(pkt, LDNS_SECTION_AUTHORITY, set);
		push(pkt, LDNS_SECTION_AUTHORITY, sigs);
		ldns_rr_list_deep_free(set);
		ldns_rr_list_deep_free(sigs);
	} else {
		snprintf(text, sizeof(text), "%s TLSA %s", w->qname, TLSA_DATA);
		set = set_of(rr(text));
		push(pkt, LDNS_SECTION_ANSWER, set);
		sigs = NULL;
		if (o->tlsa_sig == SIG_EXPIRED)
			sigs = sign(set, k_ex, NOW - 30 * DAY, NOW - 5 * DAY);
		else if (o->tlsa_sig != SIG_NONE && !o->unsigned_sub)
			sigs = sign_now(set, o->twin ? k_twin : k_ex);
		if (sigs != NULL && o->tlsa_sig == SIG_CORRUPT) {
			ldns_rdf *sig = ldns_rr_rdf(ldns_rr_list_rr(sigs, 0), 8);

			ldns_rdf_data(sig)[ldns_rdf_size(sig) / 2] ^= 0x5a;
		}
		if (sigs != NULL)
			push(pkt, LDNS_SECTION_ANSWER, sigs);
		ldns_rr_list_deep_free(set);
		ldns_rr_list_deep_free(sigs);
	}
	if (ldns_pkt2wire(&w->reply, pkt, &w->reply_len) != LDNS_STATUS_OK)
		exit(99);
	ldns_pkt_free(pkt);
}

static void
world_free(struct world *w)
{
	free(w->reply);
	ldns_buffer_free(w->chain);
}

/* ---- anchors ---- */

/* Writes text into a new temporary file, its name in path. */
static void
temp_file(char *path, size_t len, const char *text)
{
	FILE *fp;
	int fd;

	snprintf(path, len, "%s/dp-trace-XXXXXX", getenv("TMPDIR") != NULL ?
	    getenv("TMPDIR") : "/tmp");
	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		perror(path);
		exit(99);
	}
	fputs(text, fp);
	if (fclose(fp) != 0)
		exit(99);
}

static void
anchors_write(void)
{
	ldns_rr *ds = ldns_key_rr2ds(dnskey_root, LDNS_SHA256);
	char *s;

	s = ldns_rr2str(ds);
	temp_file(anchor_ds, sizeof(anchor_ds), s);
	free(s);
	ldns_rr_free(ds);
	s = ldns_rr2str(dnskey_root);
	temp_file(anchor_key, sizeof(anchor_key), s);
	free(s);
}

static struct dp_trace_anchors *
anchors(const char *path)
{
	struct dp_trace_anchors *a = NULL;
	struct dp_err err;

	if (dp_trace_anchors_load(path, &a, &err) == -1) {
		fprintf(stderr, "%s\n", err.msg);
		exit(99);
	}
	return a;
}

/* ---- reading a trace ---- */

static const struct dp_trace_zone *
zone(const struct dp_trace *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nzones; i++)
		if (t->zones[i].name != NULL && strcmp(t->zones[i].name, name) == 0)
			return &t->zones[i];
	return NULL;
}

static const struct dp_trace_rrset *
rrset(const struct dp_trace *t, uint16_t type)
{
	size_t i;

	for (i = 0; i < t->nrrsets; i++)
		if (t->rrsets[i].type == type)
			return &t->rrsets[i];
	return NULL;
}

/* The one link marked broken, as "zone NAME" or "rrset OWNER TYPE"; "none"; "several". */
static const char *
broken(const struct dp_trace *t)
{
	static char buf[512];
	size_t i, n = 0;

	snprintf(buf, sizeof(buf), "none");
	for (i = 0; i < t->nzones; i++)
		if (t->zones[i].broken && n++ == 0)
			snprintf(buf, sizeof(buf), "zone %s", t->zones[i].name);
	for (i = 0; i < t->nrrsets; i++)
		if (t->rrsets[i].broken && n++ == 0)
			snprintf(buf, sizeof(buf), "rrset %s %u", t->rrsets[i].owner,
			    t->rrsets[i].type);
	return n > 1 ? "several" : buf;
}

static const char *
link_of_zone(const struct dp_trace *t, const char *name)
{
	const struct dp_trace_zone *z = zone(t, name);

	return z != NULL ? dp_link_name(z->link) : "(no such zone)";
}

static const char *
link_of_rrset(const struct dp_trace *t, uint16_t type)
{
	const struct dp_trace_rrset *r = rrset(t, type);

	return r != NULL ? dp_link_name(r->link) : "(no such rrset)";
}

static const char *
why_of_rrset(const struct dp_trace *t, uint16_t type)
{
	const struct dp_trace_rrset *r = rrset(t, type);

	return r != NULL ? r->why : NULL;
}

/* Builds the world o describes and its trace (NULL if dp_trace_build failed). */
static struct dp_trace *
trace_of(const struct dp_trace_anchors *a, const struct opts *o, const char *seed)
{
	struct world w;
	struct dp_trace *t = NULL;
	struct dp_err err;
	const char *dir = getenv("DP_TRACE_SEEDS");

	world_build(&w, o);
	if (dir != NULL && seed != NULL) {
		char path[4096];
		FILE *fp;
		uint8_t len[2] = { (uint8_t)(w.reply_len >> 8), (uint8_t)w.reply_len };

		snprintf(path, sizeof(path), "%s/%s.bin", dir, seed);
		if ((fp = fopen(path, "wb")) == NULL) {
			perror(path);
			exit(99);
		}
		fwrite(len, 1, 2, fp);
		fwrite(w.reply, 1, w.reply_len, fp);
		fwrite(ldns_buffer_begin(w.chain), 1, ldns_buffer_position(w.chain), fp);
		if (fclose(fp) != 0)
			exit(99);
	}
	if (dp_trace_build(a, w.qname, LDNS_RR_TYPE_TLSA, w.reply, w.reply_len,
	    ldns_buffer_begin(w.chain), ldns_buffer_position(w.chain), NOW, &t, &err) == -1) {
		printf("# dp_trace_build: %s\n", err.msg);
		t = NULL;
	}
	world_free(&w);
	return t;
}

static void
iso(time_t when, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&when, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- the cases ---- */

static void
test_secure(const struct dp_trace_anchors *a, const char *how)
{
	const struct opts o = { 0 };
	struct dp_trace *t = trace_of(a, &o, strcmp(how, "DS") == 0 ? "secure" : NULL);

	ok(t != NULL, "secure chain (%s anchor): a trace", how);
	if (t == NULL)
		return;
	is_int(t->verdict, DP_LINK_SECURE, "secure chain (%s anchor): secure", how);
	is_str(t->why, "every link validates", "secure chain (%s anchor): why", how);
	is_str(broken(t), "none", "secure chain (%s anchor): no link broken", how);
	is_int(t->nzones, 2, "secure chain (%s anchor): two zones", how);
	is_str(link_of_zone(t, "."), "secure", "secure chain (%s anchor): . secure", how);
	ok(zone(t, ".") != NULL && zone(t, ".")->anchored, "secure chain (%s anchor): . anchored",
	    how);
	is_str(link_of_zone(t, "example."), "secure", "secure chain (%s anchor): example. secure",
	    how);
	is_str(link_of_rrset(t, LDNS_RR_TYPE_TLSA), "secure", "secure chain (%s anchor): TLSA "
	    "secure", how);
	ok(rrset(t, LDNS_RR_TYPE_TLSA) != NULL && rrset(t, LDNS_RR_TYPE_TLSA)->nsigs == 1 &&
	    rrset(t, LDNS_RR_TYPE_TLSA)->sigs[0].status == DP_SIG_VALID &&
	    rrset(t, LDNS_RR_TYPE_TLSA)->sigs[0].tag == tag_ex,
	    "secure chain (%s anchor): the TLSA's RRSIG is valid, by example.'s key", how);
	dp_trace_free(t);
}

static void
test_decoy_ds(const struct dp_trace_anchors *a)
{
	const struct opts o = { .ds = DS_DECOY };
	struct dp_trace *t = trace_of(a, &o, "decoy-ds");
	const struct dp_trace_zone *z;
	char want[256];

	ok(t != NULL, "DS of a decoy key: a trace");
	if (t == NULL)
		return;
	snprintf(want, sizeof(want), "DS %u/13/2 in . matches no DNSKEY of example. (it has %u)",
	    tag_decoy, tag_ex);
	is_int(t->verdict, DP_LINK_BOGUS, "DS of a decoy key: bogus");
	is_str(t->why, want, "DS of a decoy key: why");
	is_str(broken(t), "zone example.", "DS of a decoy key: example. broken");
	is_str(link_of_rrset(t, LDNS_RR_TYPE_TLSA), "unchecked",
	    "DS of a decoy key: the TLSA below it unchecked");
	z = zone(t, "example.");
	ok(z != NULL && z->nds == 1 && z->ds[0].status == DP_DSREC_NO_MATCH &&
	    z->ds[0].tag == tag_decoy, "DS of a decoy key: the DS record says no-match");
	dp_trace_free(t);
}

static void
test_tlsa_expired(const struct dp_trace_anchors *a)
{
	const struct opts o = { .tlsa_sig = SIG_EXPIRED };
	struct dp_trace *t = trace_of(a, &o, "tlsa-expired");
	char want[256], when[32];

	ok(t != NULL, "TLSA RRSIG expired: a trace");
	if (t == NULL)
		return;
	iso(NOW - 5 * DAY, when, sizeof(when));
	is_str(when, "2026-11-25T00:53:20Z", "the expiration, 5 days before the fixed now");
	snprintf(want, sizeof(want), "the RRSIG over " QNAME " TLSA (key %u of example.) "
	    "expired 5 days ago (%s)", tag_ex, when);
	is_int(t->verdict, DP_LINK_BOGUS, "TLSA RRSIG expired: bogus");
	is_str(t->why, want, "TLSA RRSIG expired: why");
	is_str(broken(t), "rrset " QNAME " 52", "TLSA RRSIG expired: the TLSA broken");
	is_str(link_of_zone(t, "example."), "secure", "TLSA RRSIG expired: example. secure");
	ok(rrset(t, LDNS_RR_TYPE_TLSA) != NULL && rrset(t, LDNS_RR_TYPE_TLSA)->nsigs == 1 &&
	    rrset(t, LDNS_RR_TYPE_TLSA)->sigs[0].status == DP_SIG_EXPIRED,
	    "TLSA RRSIG expired: the signature says expired");
	dp_trace_free(t);
}

static void
test_keys_future(const struct dp_trace_anchors *a)
{
	const struct opts o = { .keys_future = true };
	struct dp_trace *t = trace_of(a, &o, "keys-future");
	char want[256], when[32];

	ok(t != NULL, "DNSKEY RRSIG not yet valid: a trace");
	if (t == NULL)
		return;
	iso(NOW + 2 * DAY, when, sizeof(when));
	snprintf(want, sizeof(want), "the RRSIG over example. DNSKEY (key %u of example.) is "
	    "not valid yet: its inception is 2 days in the future (%s)", tag_ex, when);
	is_int(t->verdict, DP_LINK_BOGUS, "DNSKEY RRSIG not yet valid: bogus");
	is_str(t->why, want, "DNSKEY RRSIG not yet valid: why");
	is_str(broken(t), "zone example.", "DNSKEY RRSIG not yet valid: example. broken");
	is_str(link_of_rrset(t, LDNS_RR_TYPE_TLSA), "unchecked",
	    "DNSKEY RRSIG not yet valid: the TLSA unchecked");
	dp_trace_free(t);
}

static void
test_tlsa_corrupt(const struct dp_trace_anchors *a)
{
	const struct opts o = { .tlsa_sig = SIG_CORRUPT };
	struct dp_trace *t = trace_of(a, &o, "tlsa-corrupt");
	char want[256];

	ok(t != NULL, "TLSA RRSIG changed: a trace");
	if (t == NULL)
		return;
	snprintf(want, sizeof(want), "the RRSIG over " QNAME " TLSA (key %u of example.) does "
	    "not verify: the records or the signature were changed after signing", tag_ex);
	is_int(t->verdict, DP_LINK_BOGUS, "TLSA RRSIG changed: bogus");
	is_str(t->why, want, "TLSA RRSIG changed: why");
	is_str(broken(t), "rrset " QNAME " 52", "TLSA RRSIG changed: the TLSA broken");
	dp_trace_free(t);
}

static void
test_unsigned_sub(const struct dp_trace_anchors *a, enum denial_kind by)
{
	const struct opts o = { .unsigned_sub = by, .tlsa_sig = SIG_NONE };
	const char *kind = by == BY_NSEC3 ? "NSEC3" : "NSEC";
	struct dp_trace *t = trace_of(a, &o, by == BY_NSEC3 ? "unsigned-sub-nsec3" :
	    "unsigned-sub");
	const struct dp_trace_zone *z;
	char want[256];

	ok(t != NULL, "unsigned delegation (%s): a trace", kind);
	if (t == NULL)
		return;
	snprintf(want, sizeof(want), "sub.example. is unsigned: example. proves it has no DS "
	    "(%s)", kind);
	is_int(t->verdict, DP_LINK_INSECURE, "unsigned delegation (%s): insecure", kind);
	is_str(t->why, want, "unsigned delegation (%s): why", kind);
	is_str(broken(t), "none", "unsigned delegation (%s): nothing broken", kind);
	is_str(link_of_zone(t, "example."), "secure", "unsigned delegation (%s): example. "
	    "secure", kind);
	is_str(link_of_zone(t, "sub.example."), "insecure",
	    "unsigned delegation (%s): sub.example. insecure", kind);
	z = zone(t, "sub.example.");
	ok(z != NULL && z->denial != NULL && strcmp(z->denial, kind) == 0 &&
	    z->ndenial_sigs == 1 && z->denial_sigs[0].status == DP_SIG_VALID,
	    "unsigned delegation (%s): by a validly signed %s", kind, kind);
	is_str(why_of_rrset(t, LDNS_RR_TYPE_TLSA), QNAME_SUB " TLSA is in the insecure zone "
	    "sub.example.", "unsigned delegation (%s): the TLSA insecure, below it", kind);
	dp_trace_free(t);
}

static void
test_ds_unsupported(const struct dp_trace_anchors *a)
{
	const struct opts alg = { .ds = DS_ALG200 }, dig = { .ds = DS_DIGEST200 };
	struct dp_trace *t = trace_of(a, &alg, "ds-alg200");

	ok(t != NULL, "DS algorithm 200: a trace");
	if (t != NULL) {
		is_int(t->verdict, DP_LINK_INSECURE, "DS algorithm 200: insecure");
		is_str(t->why, "no DS algorithm of example. is supported: the zone is treated "
		    "as insecure (RFC 4035 section 5.2)", "DS algorithm 200: why");
		is_str(broken(t), "none", "DS algorithm 200: nothing broken");
		is_str(link_of_rrset(t, LDNS_RR_TYPE_TLSA), "insecure",
		    "DS algorithm 200: the TLSA insecure");
		dp_trace_free(t);
	}
	t = trace_of(a, &dig, "ds-digest200");
	ok(t != NULL, "DS digest type 200: a trace");
	if (t != NULL) {
		is_int(t->verdict, DP_LINK_INSECURE, "DS digest type 200: insecure");
		is_str(t->why, "no DS digest type of example. is supported: the zone is treated "
		    "as insecure (RFC 4035 section 5.2, RFC 6840 section 5.2)",
		    "DS digest type 200: why");
		is_str(broken(t), "none", "DS digest type 200: nothing broken");
		dp_trace_free(t);
	}
}

static void
test_no_child_keys(const struct dp_trace_anchors *a)
{
	const struct opts o = { .no_child_keys = true };
	struct dp_trace *t = trace_of(a, &o, "no-child-keys");

	ok(t != NULL, "no DNSKEY RRset of example.: a trace");
	if (t == NULL)
		return;
	is_int(t->verdict, DP_LINK_MISSING, "no DNSKEY RRset of example.: missing");
	is_str(t->why, "example. has a DS RRset but the chain holds no DNSKEY RRset of it "
	    "(its servers gave none)", "no DNSKEY RRset of example.: why");
	is_str(broken(t), "zone example.", "no DNSKEY RRset of example.: example. broken");
	is_str(link_of_rrset(t, LDNS_RR_TYPE_TLSA), "unchecked",
	    "no DNSKEY RRset of example.: the TLSA unchecked");
	dp_trace_free(t);
}

static void
test_tlsa_unsigned(const struct dp_trace_anchors *a)
{
	const struct opts o = { .tlsa_sig = SIG_NONE };
	struct dp_trace *t = trace_of(a, &o, "tlsa-unsigned");

	ok(t != NULL, "TLSA without RRSIG: a trace");
	if (t == NULL)
		return;
	is_int(t->verdict, DP_LINK_BOGUS, "TLSA without RRSIG: bogus");
	is_str(t->why, QNAME " TLSA has no RRSIG, but example. is signed",
	    "TLSA without RRSIG: why");
	is_str(broken(t), "rrset " QNAME " 52", "TLSA without RRSIG: the TLSA broken");
	dp_trace_free(t);
}

static void
test_nodata(const struct dp_trace_anchors *a, enum denial_kind by)
{
	const struct opts o = { .nodata = by };
	const char *kind = by == BY_NSEC3 ? "NSEC3" : "NSEC";
	uint16_t type = by == BY_NSEC3 ? LDNS_RR_TYPE_NSEC3 : LDNS_RR_TYPE_NSEC;
	struct dp_trace *t = trace_of(a, &o, by == BY_NSEC3 ? "nodata-nsec3" : "nodata");
	char want[256];

	ok(t != NULL, "NODATA (%s): a trace", kind);
	if (t == NULL)
		return;
	snprintf(want, sizeof(want), "%s proves that " QNAME " has no TLSA", kind);
	is_int(t->verdict, DP_LINK_SECURE, "NODATA (%s): secure", kind);
	is_str(t->why, "every link validates", "NODATA (%s): why", kind);
	is_str(broken(t), "none", "NODATA (%s): nothing broken", kind);
	ok(rrset(t, LDNS_RR_TYPE_TLSA) == NULL, "NODATA (%s): no TLSA rrset", kind);
	is_str(link_of_rrset(t, LDNS_RR_TYPE_SOA), "secure", "NODATA (%s): the SOA secure",
	    kind);
	is_str(link_of_rrset(t, type), "secure", "NODATA (%s): the %s secure", kind, kind);
	is_str(why_of_rrset(t, type), want, "NODATA (%s): the %s's why", kind, kind);
	dp_trace_free(t);
}

/*
 * Two ways to sign what a zone's keys do not vouch for: a key that only
 * shares the tag of the key the DS names, and the key of another zone
 * than the owner's (RFC 4035 section 5.3.1: the signer is the owner's zone).
 */
static void
test_forged(const struct dp_trace_anchors *a)
{
	const struct opts twin = { .twin = true }, foreign = { .foreign = true };
	struct dp_trace *t = trace_of(a, &twin, "twin");
	char want[256];

	ok(t != NULL, "DNSKEY RRset signed by a tag twin: a trace");
	if (t != NULL) {
		snprintf(want, sizeof(want), "the RRSIG over example. DNSKEY (key %u of "
		    "example.) does not verify: the records or the signature were changed "
		    "after signing", tag_ex);
		is_int(t->verdict, DP_LINK_BOGUS, "DNSKEY RRset signed by a tag twin: bogus");
		is_str(t->why, want, "DNSKEY RRset signed by a tag twin: why");
		is_str(broken(t), "zone example.", "DNSKEY RRset signed by a tag twin: "
		    "example. broken");
		dp_trace_free(t);
	}
	t = trace_of(a, &foreign, "foreign");
	ok(t != NULL, "TLSA of other. signed by example.: a trace");
	if (t != NULL) {
		snprintf(want, sizeof(want), "the RRSIG over " QNAME_OTHER " TLSA names key %u "
		    "(algorithm 13) of example., which is not in its DNSKEY RRset", tag_ex);
		is_int(t->verdict, DP_LINK_BOGUS, "TLSA of other. signed by example.: bogus");
		is_str(t->why, want, "TLSA of other. signed by example.: why");
		is_str(broken(t), "rrset " QNAME_OTHER " 52", "TLSA of other. signed by "
		    "example.: the TLSA broken");
		ok(rrset(t, LDNS_RR_TYPE_TLSA) != NULL && rrset(t, LDNS_RR_TYPE_TLSA)->zone !=
		    NULL && strcmp(rrset(t, LDNS_RR_TYPE_TLSA)->zone, ".") == 0,
		    "TLSA of other. signed by example.: judged in its zone, .");
		dp_trace_free(t);
	}
}

static void
test_unreadable(const struct dp_trace_anchors *a)
{
	static const uint8_t garbage[] = { 0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0xc0, 0xff,
	    0x00, 0x30, 0x00 };
	const struct opts o = { 0 };
	struct dp_trace *t = (struct dp_trace *)&t;
	struct dp_err err;
	struct world w;
	int rc;

	world_build(&w, &o);
	err.msg[0] = '\0';
	rc = dp_trace_build(a, w.qname, LDNS_RR_TYPE_TLSA, w.reply, w.reply_len, garbage,
	    sizeof(garbage), NOW, &t, &err);
	is_int(rc, -1, "garbage chain: -1");
	ok(t == NULL, "garbage chain: no trace");
	is_str(err.msg, "a record of the validation chain cannot be read", "garbage chain: err");

	t = (struct dp_trace *)&t;
	err.msg[0] = '\0';
	rc = dp_trace_build(a, w.qname, LDNS_RR_TYPE_TLSA, w.reply, w.reply_len / 2,
	    ldns_buffer_begin(w.chain), ldns_buffer_position(w.chain), NOW, &t, &err);
	is_int(rc, -1, "truncated reply: -1");
	ok(t == NULL, "truncated reply: no trace");
	is_str(err.msg, "the reply cannot be read", "truncated reply: err");

	/* A chain cut inside its last record. */
	t = (struct dp_trace *)&t;
	err.msg[0] = '\0';
	rc = dp_trace_build(a, w.qname, LDNS_RR_TYPE_TLSA, w.reply, w.reply_len,
	    ldns_buffer_begin(w.chain), ldns_buffer_position(w.chain) - 3, NOW, &t, &err);
	is_int(rc, -1, "truncated chain: -1");
	ok(t == NULL && err.msg[0] != '\0', "truncated chain: no trace, an error");
	world_free(&w);
}

int
main(void)
{
	struct dp_trace_anchors *a_ds, *a_key;

	keys_make();
	anchors_write();
	a_ds = anchors(anchor_ds);
	a_key = anchors(anchor_key);
	unlink(anchor_ds);
	unlink(anchor_key);

	test_secure(a_ds, "DS");
	test_secure(a_key, "DNSKEY");
	test_decoy_ds(a_ds);
	test_tlsa_expired(a_ds);
	test_keys_future(a_ds);
	test_tlsa_corrupt(a_ds);
	test_unsigned_sub(a_ds, BY_NSEC);
	test_unsigned_sub(a_ds, BY_NSEC3);
	test_ds_unsupported(a_ds);
	test_no_child_keys(a_ds);
	test_tlsa_unsigned(a_ds);
	test_nodata(a_ds, BY_NSEC);
	test_nodata(a_ds, BY_NSEC3);
	test_forged(a_ds);
	test_unreadable(a_ds);

	dp_trace_anchors_free(a_ds);
	dp_trace_anchors_free(a_key);
	keys_free();
	return tap_done();
}
