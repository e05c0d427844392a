/* placeholder until the tlsagen branch lands */
#ifndef DP_TLSAGEN_H
#define DP_TLSAGEN_H
#include <stdint.h>
#include "err.h"
int dp_tlsagen_parse_field(const char *opt, const char *text, int field, uint8_t *out, struct dp_err *err);
#endif
