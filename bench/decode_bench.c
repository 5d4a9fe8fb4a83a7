/*
 * bench/decode_bench.c — what decoding one Prometheus /api/v2/alerts
 * body costs pagerd's CPU: the alert bench/loadgen sends (its am_alert()),
 * N bodies of B alerts through decode_am_alerts(), timed, with the heap
 * allocations per alert counted. A program that prints figures, not a
 * timed test; under callgrind it gives machine-independent counts.
 *
 *	make bench-decode
 *	bench/decode_bench [-n BODIES] [-b ALERTS_PER_BODY]
 */
#include "autoconf.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decode_alertmanager.h"

#include "am_alert.h"
#include "now_ns.h"

/*
 * Count allocations by interposing malloc(): the executable's definition
 * wins for every shared library too (jansson, libc's strdup). glibc's
 * __libc_* entry points do the work. Not under the sanitizers, which
 * interpose malloc themselves.
 */
#if !defined(__SANITIZE_ADDRESS__)
#define COUNT_ALLOCS	1
extern void	*__libc_malloc(size_t);
extern void	*__libc_calloc(size_t, size_t);
extern void	*__libc_realloc(void *, size_t);

static uint64_t	 nallocs;

void *
malloc(size_t n)
{
	nallocs++;
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	nallocs++;
	return __libc_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	nallocs++;
	return __libc_realloc(p, n);
}
#endif

int
main(int argc, char *argv[])
{
	struct alert_limits	 lim;
	struct decode_err	 err;
	struct alert		*out;
	char			*body;
	size_t			 cap, len, n, i;
	long			 bodies = 10000, batch = 1, b;
	int64_t			 t0, t1;
	uint64_t		 a0 = 0, a1 = 0;
	int			 ch, k;

	while ((ch = getopt(argc, argv, "b:n:")) != -1) {
		switch (ch) {
		case 'b':
			batch = strtol(optarg, NULL, 10);
			break;
		case 'n':
			bodies = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: decode_bench [-n BODIES] "
			    "[-b ALERTS_PER_BODY]\n");
			return 2;
		}
	}
	if (batch < 1 || batch > 1000 || bodies < 1) {
		fprintf(stderr, "decode_bench: -b 1..1000, -n >= 1\n");
		return 2;
	}

	cap = (size_t)batch * 1024 + 16;
	if ((body = malloc(cap)) == NULL)
		return 1;
	len = 0;
	body[len++] = '[';
	for (b = 0; b < batch; b++) {
		if (b > 0)
			body[len++] = ',';
		k = am_alert_format(body + len, cap - len, (uint64_t)b,
		    "6553f1a2-4242", "2026-11-25T10:00:00Z",
		    "2026-11-25T10:05:00Z");
		len += (size_t)k;
	}
	body[len++] = ']';

	alert_limits_default(&lim);
	t0 = now_ns();
#ifdef COUNT_ALLOCS
	a0 = nallocs;
#endif
	for (b = 0; b < bodies; b++) {
		if (decode_am_alerts(body, len, &lim, 1795600920000LL,
		    AM_RESOLVE_TIMEOUT_MS, &out, &n, &err) == -1) {
			fprintf(stderr, "decode_bench: refused: %s\n",
			    err.msg);
			return 1;
		}
		alert_array_free(out, n);
	}
#ifdef COUNT_ALLOCS
	a1 = nallocs;
#endif
	t1 = now_ns();

	i = (size_t)bodies * (size_t)batch;
	printf("decode_am_alerts: %ld bodies of %ld alert(s), %zu bytes "
	    "each\n", bodies, batch, len);
	printf("%.0f ns/alert", (double)(t1 - t0) / (double)i);
#ifdef COUNT_ALLOCS
	printf(", %.1f allocations/alert", (double)(a1 - a0) / (double)i);
#endif
	printf("\n");
	free(body);
	return 0;
}
