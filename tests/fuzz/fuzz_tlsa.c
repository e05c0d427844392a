/*
 * fuzz_tlsa.c: any bytes as TLSA rdata and as a --tlsa / zone-file line.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlsa.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_tlsa t;
	struct dp_err err;
	char acr[96], *text, *s;

	if (dp_tlsa_from_rdata(data, size, false, &t) == 0) {
		dp_tlsa_acronyms(&t, acr, sizeof(acr));
		free(dp_tlsa_to_text(&t));
		dp_tlsa_clear(&t);
	}
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (dp_tlsa_parse_text(s, true, &t, &err) == 0) {
		text = dp_tlsa_to_text(&t);
		free(text);
		dp_tlsa_clear(&t);
	}
	free(s);
	return 0;
}
