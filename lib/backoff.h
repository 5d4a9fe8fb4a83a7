/*
 * lib/backoff.h — how long to wait before retrying a notification that
 * failed for now (timeout, 429, 5xx). Exponential with "full jitter"
 * (Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog,
 * 2015): after the n-th failed attempt, wait a uniformly random time in
 * [0, min(cap, base * 2^(n-1))]. The randomness spreads the retries of
 * many pages that failed together (a provider outage) instead of
 * sending them back in one burst. Pure: the random number is a
 * parameter, so tests choose it.
 */
#ifndef PAGERD_BACKOFF_H
#define PAGERD_BACKOFF_H

#include <stdint.h>

/*
 * The upper bound of the wait after failed attempt number attempt (1
 * for the first try): min(cap_ms, base_ms * 2^(attempt-1)), without
 * overflow however large attempt is. attempt < 1 counts as 1; base_ms
 * <= 0 gives 0; cap_ms < base_ms caps at cap_ms.
 */
int64_t	backoff_ceiling_ms(int64_t base_ms, int64_t cap_ms, int attempt);

/*
 * The wait itself: rnd (uniform over all 64-bit values, from the
 * caller's generator) mapped onto [0, backoff_ceiling_ms()]. A wait of 0
 * is possible and fine: the caller's own minimum (a provider's
 * Retry-After, the loop's next iteration) still applies.
 */
int64_t	backoff_delay_ms(int64_t base_ms, int64_t cap_ms, int attempt,
	    uint64_t rnd);

#endif /* PAGERD_BACKOFF_H */
