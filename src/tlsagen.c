/* placeholder until the tlsagen branch lands */
#include "config.h"
#include <stdlib.h>
#include "tlsagen.h"
int
dp_tlsagen_parse_field(const char *opt, const char *text, int field, uint8_t *out, struct dp_err *err)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);
	(void)field;
	if (*end != '\0' || v > 3)
		return dp_err_set(err, "invalid %s", opt);
	*out = (uint8_t)v;
	return 0;
}
