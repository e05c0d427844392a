/*
 * result.c: the life of a result after it is built: what counts as a
 * record set in force, and freeing.  Results are built in check.c, the
 * one place that sees both the job and its result.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "result.h"

bool
dp_tlsaset_in_force(const struct dp_tlsaset *set)
{
	return set->reason == DP_R_TLSA_SECURE || set->reason == DP_R_TLSA_OUT_OF_BAND;
}

void
dp_addr_result_clear(struct dp_addr_result *a)
{
	if (a->chain != NULL)
		sk_X509_pop_free(a->chain, X509_free);
	free(a->match.data);
	free(a->records);
	memset(a, 0, sizeof(*a));
	a->match.depth = -1;
}

void
dp_target_result_clear(struct dp_target_result *r)
{
	size_t i;

	for (i = 0; i < r->naddrs; i++)
		dp_addr_result_clear(&r->addrs[i]);
	free(r->addrs);
	free(r->left_out);
	dp_tlsaset_clear(&r->tlsa);
	dp_tlsaset_clear(&r->tlsa_original);
	dp_answer_free(r->addr_ans[0]);
	dp_answer_free(r->addr_ans[1]);
	memset(r, 0, sizeof(*r));
}
