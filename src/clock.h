/*
 * clock.h: the one clock for deadlines and timings.
 */
#ifndef DP_CLOCK_H
#define DP_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock: never steps with the time of day. */
uint64_t	dp_now_ms(void);

#endif
