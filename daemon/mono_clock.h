/*
 * daemon/mono_clock.h — milliseconds of the monotonic clock, for
 * deadlines and rates that a change of the wall clock must not move.
 */
#ifndef PAGERD_MONO_CLOCK_H
#define PAGERD_MONO_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t
mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif /* PAGERD_MONO_CLOCK_H */
