/*
 * fuzz.h: what the harnesses assert alike.  A header, not a file of its
 * own, since libFuzzer builds (tools/fuzz.sh) link a harness without
 * driver.c.
 */
#ifndef DP_FUZZ_H
#define DP_FUZZ_H

#include <stdlib.h>

/* An error message or an output line holds no control byte: abort, which the fuzzer reports. */
static inline void
fuzz_no_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort();
}

#endif
