/*
 * fuzz_dnsmsg.c: any bytes as a DNS reply to a TLSA, MX or A query, then
 * classified as a TLSA RRset: must never crash, hang or read out of bounds.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsmsg.h"
#include "resolver.h"
#include "tlsaset.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t types[] = { DP_TYPE_TLSA, DP_TYPE_MX, DP_TYPE_A };
	struct dp_err err;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct dp_answer *ans = calloc(1, sizeof(*ans));
		struct dp_tlsaset set;

		if (ans == NULL)
			return 0;
		ans->qname = strdup("_443._tcp.a.example.");
		ans->qtype = types[i];
		ans->state = DP_DNSSEC_SECURE;
		if (dp_answer_fill(ans, data, size, 1700000000, &err) == -1) {
			dp_answer_free(ans);
			continue;
		}
		memset(&set, 0, sizeof(set));
		dp_tlsaset_from_answer(&set, ans, i == 1);
		dp_tlsaset_clear(&set);
	}
	return 0;
}
