/*
 * lib/backoff.c — full-jitter exponential backoff.
 */
#include "autoconf.h"

#include "backoff.h"

int64_t
backoff_ceiling_ms(int64_t base_ms, int64_t cap_ms, int attempt)
{
	int64_t	 c = base_ms;
	int	 i;

	if (base_ms <= 0 || cap_ms <= 0)
		return 0;
	if (cap_ms < base_ms)
		return cap_ms;
	/* Double until the cap; stop early so c never overflows. */
	for (i = 1; i < attempt && c < cap_ms; i++)
		c = c > cap_ms / 2 ? cap_ms : c * 2;
	return c < cap_ms ? c : cap_ms;
}

int64_t
backoff_delay_ms(int64_t base_ms, int64_t cap_ms, int attempt, uint64_t rnd)
{
	uint64_t	 span = (uint64_t)backoff_ceiling_ms(base_ms, cap_ms,
			    attempt) + 1;

	/* The modulo bias is at most span / 2^64: nothing at these sizes. */
	return (int64_t)(rnd % span);
}
