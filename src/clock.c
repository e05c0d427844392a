/*
 * clock.c: the monotonic clock that every deadline and timing reads, so
 * that a change of the system time can neither end a check early nor let
 * it run past -t.
 */
#include "config.h"

#include <time.h>

#include "clock.h"

uint64_t
dp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
