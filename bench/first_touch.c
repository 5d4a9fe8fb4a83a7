/*
 * bench/first_touch.c — what a page of memory the process has never
 * touched costs this machine: maps MB megabytes, writes one byte per
 * 4 KB page, and prints the nanoseconds per page for each STEP MB. On a
 * virtual machine whose host backs guest memory when the guest first
 * touches it, and takes back what the guest frees, pages the guest
 * freed a moment ago are cheap and the rest are not (docs/BENCHMARKS.md,
 * figure 2: a storm of new alerts takes ~2 KB of new memory per alert,
 * Redis's and the AOF's page cache). A program that prints figures,
 * not a timed test.
 *
 *	make bench-first-touch
 *	bench/first_touch [-m MB] [-s STEP_MB]
 */
#include "autoconf.h"

#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "now_ns.h"

#define PAGE	4096

static void
usage(void)
{
	fprintf(stderr, "usage: first_touch [-m MB] [-s STEP_MB]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	size_t		 mb = 4096, step = 256, len, off, i;
	volatile char	*p;
	int64_t		 t0;
	int		 ch;

	while ((ch = getopt(argc, argv, "m:s:")) != -1) {
		switch (ch) {
		case 'm': mb = strtoul(optarg, NULL, 10); break;
		case 's': step = strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (mb == 0 || step == 0 || step > mb || mb > (1u << 20))
		usage();
	len = mb << 20;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("first_touch: mmap");
		return 1;
	}
	/* 4 KB pages, as Redis's heap and the page cache get them. */
	(void)madvise((void *)p, len, MADV_NOHUGEPAGE);
	printf("first touch of %zu MB, one write per 4 KB page\n", mb);
	for (off = 0; off + (step << 20) <= len; off += step << 20) {
		t0 = now_ns();
		for (i = off; i < off + (step << 20); i += PAGE)
			p[i] = 1;
		printf("%6zu MB: %6.0f ns/page\n", (off >> 20) + step,
		    (double)(now_ns() - t0) / (double)((step << 20) / PAGE));
	}
	return 0;
}
