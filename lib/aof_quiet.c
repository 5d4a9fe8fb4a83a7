/*
 * lib/aof_quiet.c — when pagerd asks its Redis to rewrite the AOF
 * (aof_quiet.h says why).
 */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aof_quiet.h"

/* The INFO persistence fields read, and where each goes. */
enum { F_ENABLED, F_REWRITING, F_SCHEDULED, F_BGSAVE, F_LOADING,
	F_CURRENT, F_BASE, NFIELDS };

static const char *const names[NFIELDS] = {
	"aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled",
	"rdb_bgsave_in_progress", "loading", "aof_current_size",
	"aof_base_size"
};

/* A decimal value of 0..LLONG_MAX filling [p, end); -1 otherwise. */
static long long
value(const char *p, const char *end)
{
	char		 buf[24];
	char		*e;
	size_t		 n = (size_t)(end - p);
	long long	 v;

	if (n == 0 || n >= sizeof(buf) || *p < '0' || *p > '9')
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	errno = 0;
	v = strtoll(buf, &e, 10);
	if (errno != 0 || *e != '\0')
		return -1;
	return v;
}

int
aof_info_parse(const char *text, size_t len, struct aof_info *ai)
{
	const char	*p = text, *end = text + len, *eol, *colon, *vend;
	long long	 v[NFIELDS];
	size_t		 i, n;

	for (i = 0; i < NFIELDS; i++)
		v[i] = -1;
	while (p < end) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		vend = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
		colon = memchr(p, ':', (size_t)(vend - p));
		if (colon != NULL && *p != '#') {
			n = (size_t)(colon - p);
			for (i = 0; i < NFIELDS; i++)
				if (strlen(names[i]) == n &&
				    memcmp(p, names[i], n) == 0) {
					if ((v[i] = value(colon + 1, vend)) ==
					    -1)
						return -1;
					break;
				}
		}
		p = eol < end ? eol + 1 : end;
	}
	for (i = F_ENABLED; i <= F_BGSAVE; i++)
		if (v[i] == -1)
			return -1;
	memset(ai, 0, sizeof(*ai));
	ai->enabled = v[F_ENABLED] == 1;
	/* Redis 7 prints loading here; older ones in another section. */
	ai->busy = v[F_REWRITING] > 0 || v[F_SCHEDULED] > 0 ||
	    v[F_BGSAVE] > 0 || v[F_LOADING] > 0;
	if (ai->enabled) {
		if (v[F_CURRENT] == -1 || v[F_BASE] == -1)
			return -1;
		ai->current = v[F_CURRENT];
		ai->base = v[F_BASE];
	}
	return 0;
}

int
aof_rewrite_due(const struct aof_info *ai, int growth_pct)
{
	if (growth_pct <= 0 || !ai->enabled || ai->busy ||
	    ai->current < AOF_QUIET_MIN_SIZE || ai->current <= ai->base)
		return 0;
	/* (current - base) / base >= pct / 100, exact at these sizes. */
	return (long double)(ai->current - ai->base) * 100 >=
	    (long double)ai->base * growth_pct;
}

void
aof_quiet_init(struct aof_quiet *q, int64_t now_ms, int64_t quiet_for_ms)
{
	q->at_ms = -1;
	q->total = 0;
	q->busy_until_ms = now_ms + quiet_for_ms;
	q->hold_until_ms = now_ms;
}

void
aof_quiet_note(struct aof_quiet *q, int64_t now_ms, uint64_t total,
    long rate, int64_t quiet_for_ms)
{
	uint64_t	 n;
	int64_t		 dt;

	if (q->at_ms < 0 || now_ms < q->at_ms || total < q->total) {
		if (q->at_ms >= 0)	/* a jump: nothing known of the gap */
			q->busy_until_ms = now_ms + quiet_for_ms;
		q->at_ms = now_ms;
		q->total = total;
		return;
	}
	if ((dt = now_ms - q->at_ms) < 1000)
		return;
	n = total - q->total;
	/* More than rate a second on average since the last sample. */
	if (rate < 0 || n > (uint64_t)rate * (uint64_t)dt / 1000)
		q->busy_until_ms = now_ms + quiet_for_ms;
	q->at_ms = now_ms;
	q->total = total;
}

int
aof_quiet_may_ask(const struct aof_quiet *q, int64_t now_ms)
{
	return q->at_ms >= 0 && now_ms >= q->busy_until_ms &&
	    now_ms >= q->hold_until_ms;
}

void
aof_quiet_asked(struct aof_quiet *q, int64_t now_ms)
{
	q->hold_until_ms = now_ms + AOF_QUIET_HOLD_MS;
}
