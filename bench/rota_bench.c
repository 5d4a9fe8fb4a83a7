/*
 * bench/rota_bench.c — how long rota_resolve() takes: N random instants
 * over two years, on every level of a rota from a real config (default
 * the shipped sample team, etc/rota.d/example.conf), then the same for
 * walking schedules. A program that prints figures, not a timed test.
 *
 *	make bench-rota
 *	bench/rota_bench [-c pagerd.conf] [-r ROTA] [-n QUERIES]
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "rota.h"
#include "tz.h"

#include "now_ns.h"

/* xorshift64*: the same instants on every run. */
static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

int
main(int argc, char *argv[])
{
	const char		*path = "etc/pagerd.conf", *id = "db";
	struct perr_list	 errs = { NULL, 0, 0 };
	struct config		*c;
	const struct rota	*r;
	struct rota_answer	 ans;
	struct rota_iter	 it;
	struct rota_span	 sp;
	int64_t			*at, t0, t1, from, span, nspans = 0;
	uint64_t		 seed = 0x9e3779b97f4a7c15ULL, sum = 0;
	long			 n = 1000000, i;
	int			 ch, level, gaps = 0;

	while ((ch = getopt(argc, argv, "c:n:r:")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			n = atol(optarg);
			break;
		case 'r':
			id = optarg;
			break;
		default:
			fprintf(stderr, "usage: rota_bench [-c FILE] [-r ROTA] "
			    "[-n QUERIES]\n");
			return 2;
		}
	}
	if (n < 1)
		n = 1;
	if ((c = config_load(path, NULL, 0, NULL, &errs)) == NULL) {
		fprintf(stderr, "%s: %zu configuration errors (pagerd -t "
		    "shows them)\n", path, errs.n);
		return 1;
	}
	if ((r = rota_set_find(c->rotas, id)) == NULL) {
		fprintf(stderr, "%s: no rota \"%s\"\n", path, id);
		return 1;
	}
	if ((at = calloc((size_t)n, sizeof(*at))) == NULL)
		return 1;

	/* 2026-01-01 00:00 local, and two years from there. */
	from = tz_mktime(rota_tz(r), 2026, 1, 1, 0, 0, 0, NULL);
	span = 730LL * 86400000;
	for (i = 0; i < n; i++)
		at[i] = from + (int64_t)(next_rand(&seed) % (uint64_t)span);

	printf("rota %s (%s), %d levels, %ld random instants in "
	    "2026-2027\n", id, tz_name(rota_tz(r)), rota_levels(r), n);
	for (level = 1; level <= rota_levels(r); level++) {
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			rota_resolve(r, level, at[i], &ans);
			sum += (uintptr_t)ans.who + (uint64_t)ans.until_ms;
		}
		t1 = now_ns();
		printf("  rota_resolve level %d: %.0f ns/query\n", level,
		    (double)(t1 - t0) / (double)n);
	}

	/* The schedule tools and the gap check walk spans. */
	t0 = now_ns();
	for (level = 1; level <= rota_levels(r); level++) {
		rota_iter_init(&it, r, NULL, 0, level, from, from + span);
		while (rota_iter_next(&it, &sp)) {
			nspans++;
			gaps += sp.answer.who == NULL;
		}
	}
	t1 = now_ns();
	printf("  schedule walk: %lld spans over 2 years, %.0f ns/span, "
	    "%d gaps\n", (long long)nspans,
	    (double)(t1 - t0) / (double)(nspans ? nspans : 1), gaps);
	printf("  (checksum %llx)\n", (unsigned long long)sum);

	free(at);
	config_free(c);
	return 0;
}
