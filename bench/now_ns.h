/*
 * bench/now_ns.h — the monotonic clock in nanoseconds, for the bench
 * programs that time a loop of their own (decode_bench, first_touch,
 * rota_bench). Include <stdint.h> and <time.h> first.
 */
#ifndef PAGERD_BENCH_NOW_NS_H
#define PAGERD_BENCH_NOW_NS_H

static inline int64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif /* PAGERD_BENCH_NOW_NS_H */
