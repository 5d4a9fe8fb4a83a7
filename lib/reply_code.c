/*
 * lib/reply_code.c — smallest free reply code, without allocating and
 * without sorting the caller's array.
 */
#include "autoconf.h"

#include <stdint.h>
#include <string.h>

#include "reply_code.h"

/*
 * Mark the codes that fall in a window of WINDOW candidates on a bitmap
 * on the stack and take its first clear bit. The answer is at most
 * nused + 1, so one window settles it for anyone with fewer than WINDOW
 * pages open; only a pathological backlog needs more passes.
 */
#define WINDOW	256

int
reply_code_pick(const int *used, size_t nused)
{
	uint64_t	 bits[WINDOW / 64];
	long long	 base;
	size_t		 i;
	int		 b;

	for (base = 1; ; base += WINDOW) {
		memset(bits, 0, sizeof(bits));
		for (i = 0; i < nused; i++) {
			long long	 off = (long long)used[i] - base;

			if (off >= 0 && off < WINDOW)
				bits[off / 64] |= (uint64_t)1 << (off % 64);
		}
		for (b = 0; b < WINDOW; b++)
			if ((bits[b / 64] >> (b % 64) & 1) == 0)
				return (int)(base + b);
	}
}
