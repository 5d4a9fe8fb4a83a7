/*
 * lib/rota_check.c — warnings about rotas for pagerd -t: walks each
 * level's schedule for the coming days and each rota's overrides, using
 * only the public rota API. It never decides validity: the config loader
 * does that; everything here is advice.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "rota.h"
#include "rota_check.h"
#include "tz.h"

#define MAX_LAYERS	32	/* lib/rota.c's bound */
/* Gaps told one by one per level; a gappy-by-design level says more. */
#define GAPS_SHOWN	10

/* "2026-12-24 09:00" on z's wall clock. */
static const char *
wall(const struct tz *z, int64_t ms, char *buf, size_t len)
{
	struct tz_tm	 tm;

	tz_localtime(z, ms, &tm);
	snprintf(buf, len, "%04lld-%02d-%02d %02d:%02d", (long long)tm.year,
	    tm.mon, tm.mday, tm.hour, tm.min);
	return buf;
}

/* "bram for chloe" or "bram for level 2" (or "for every level"). */
static const char *
who_for(const struct rota_set *set, const struct rota_override *o,
    char *buf, size_t len)
{
	const struct rota_person	*p = rota_set_person(set, o->person);
	const struct rota_person	*c = rota_set_person(set, o->covers);

	if (c != NULL)
		snprintf(buf, len, "%s for %s", p ? p->id : "?", c->id);
	else if (o->level > 0)
		snprintf(buf, len, "%s for level %d", p ? p->id : "?",
		    o->level);
	else
		snprintf(buf, len, "%s for every level", p ? p->id : "?");
	return buf;
}

/* Whether a and b replace the same people at the same time. */
static int
same_target(const struct rota_override *a, const struct rota_override *b)
{
	return a->covers == b->covers &&
	    (a->level == 0 || b->level == 0 || a->level == b->level);
}

typedef void found_fn(void *, const struct rota_finding *);

static void
tell(found_fn *found, void *arg, const struct rota *r, int level,
    enum rota_warning kind, int64_t from, int64_t until, const char *msg)
{
	struct rota_finding	 f;

	f.rota = rota_id(r);
	f.level = level;
	f.kind = kind;
	f.from_ms = from;
	f.until_ms = until;
	f.msg = msg;
	found(arg, &f);
}

/* The k-th of the config's n overrides v followed by the extra x. */
static const struct rota_override *
nth(const struct rota_override *v, size_t n, const struct rota_override *x,
    size_t k)
{
	return k < n ? &v[k] : &x[k - n];
}

static size_t
check_overrides(const struct rota_set *set, const struct rota *r,
    const struct rota_override *x, size_t nx, int64_t now, found_fn *found,
    void *arg)
{
	const struct rota_override	*v, *a, *b;
	const struct tz			*z = rota_tz(r);
	char				 msg[512], w1[32], w2[32], wa[96], wb[96];
	size_t				 n, i, j, count = 0;
	int64_t				 start, end;

	v = rota_overrides(r, &n);
	for (i = 0; i < n; i++) {
		if (v[i].until_ms > now)
			continue;
		snprintf(msg, sizeof(msg), "rota %s: the override %s ended "
		    "%s %s; it does nothing now", rota_id(r),
		    who_for(set, &v[i], wa, sizeof(wa)),
		    wall(z, v[i].until_ms, w1, sizeof(w1)), tz_name(z));
		tell(found, arg, r, 0, ROTA_WARN_OVERRIDE_EXPIRED,
		    v[i].from_ms, v[i].until_ms, msg);
		count++;
	}
	/*
	 * Every pair, config's first (sorted by start) then the extra ones
	 * (in no order): those scanned later win ties, as in rota.c.
	 */
	for (i = 0; i < n + nx; i++) {
		a = nth(v, n, x, i);
		for (j = i + 1; j < n + nx; j++) {
			b = nth(v, n, x, j);
			start = a->from_ms > b->from_ms ? a->from_ms :
			    b->from_ms;
			end = a->until_ms < b->until_ms ? a->until_ms :
			    b->until_ms;
			if (start >= end || !same_target(a, b) || end <= now)
				continue;
			snprintf(msg, sizeof(msg), "rota %s: overrides %s and "
			    "%s overlap %s \xe2\x80\x93 %s %s; the later one "
			    "wins", rota_id(r),
			    who_for(set, a, wa, sizeof(wa)),
			    who_for(set, b, wb, sizeof(wb)),
			    wall(z, start, w1, sizeof(w1)),
			    wall(z, end, w2, sizeof(w2)), tz_name(z));
			tell(found, arg, r, 0, ROTA_WARN_OVERRIDE_OVERLAP,
			    start, end, msg);
			count++;
		}
	}
	return count;
}

/* "1h", "30m", "1h30m". */
static void
span_text(int64_t s, char *buf, size_t len)
{
	if (s % 3600 == 0)
		snprintf(buf, len, "%lldh", (long long)(s / 3600));
	else if (s < 3600)
		snprintf(buf, len, "%lldm", (long long)(s / 60));
	else
		snprintf(buf, len, "%lldh%02lldm", (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
}

static size_t
check_level(const struct rota *r, const struct rota_override *x, size_t nx,
    int level, int64_t now, int64_t end, found_fn *found, void *arg)
{
	const struct tz		*z = rota_tz(r);
	struct rota_iter	 it;
	struct rota_span	 sp;
	int64_t			 seen[MAX_LAYERS], d;
	char			 msg[512], w1[32], w2[32], dt[16];
	size_t			 count = 0, gaps = 0;
	int			 i;

	for (i = 0; i < MAX_LAYERS; i++)
		seen[i] = INT64_MIN;
	rota_iter_init(&it, r, x, nx, level, now, end);
	while (rota_iter_next(&it, &sp)) {
		if (sp.answer.who == NULL) {
			if (gaps++ >= GAPS_SHOWN)
				continue;
			rota_gap_format(r, level, &sp, msg, sizeof(msg));
			tell(found, arg, r, level, ROTA_WARN_GAP, sp.start_ms,
			    sp.end_ms, msg);
			count++;
			continue;
		}
		i = sp.answer.layer;
		if (i < 0 || i >= MAX_LAYERS ||
		    sp.answer.shift_start_ms == seen[i])
			continue;
		seen[i] = sp.answer.shift_start_ms;
		/* Offsets differ at the ends: the wall clock moved. */
		d = (int64_t)tz_utoff(z, sp.answer.shift_end_ms) -
		    tz_utoff(z, sp.answer.shift_start_ms);
		if (d == 0 || sp.answer.shift_start_ms == INT64_MIN ||
		    sp.answer.shift_end_ms == INT64_MAX)
			continue;
		span_text(d < 0 ? -d : d, dt, sizeof(dt));
		snprintf(msg, sizeof(msg), "rota %s level %d (%s): the shift "
		    "%s \xe2\x80\x93 %s %s is %s %s, as the clocks change",
		    rota_id(r), level, sp.answer.layer_name,
		    wall(z, sp.answer.shift_start_ms, w1, sizeof(w1)),
		    wall(z, sp.answer.shift_end_ms, w2, sizeof(w2)),
		    tz_name(z), dt, d > 0 ? "shorter" : "longer");
		tell(found, arg, r, level, ROTA_WARN_DST_SHIFT,
		    sp.answer.shift_start_ms, sp.answer.shift_end_ms, msg);
		count++;
	}
	if (gaps > GAPS_SHOWN) {
		snprintf(msg, sizeof(msg), "rota %s level %d: %zu more gaps "
		    "until %s %s", rota_id(r), level, gaps - GAPS_SHOWN,
		    wall(z, end, w1, sizeof(w1)), tz_name(z));
		tell(found, arg, r, level, ROTA_WARN_GAP, INT64_MIN,
		    INT64_MAX, msg);
		count++;
	}
	return count;
}

size_t
rota_check_with(const struct rota_set *set, const struct rota_extra *ex,
    const char *only, int64_t now_ms, int days, found_fn *found, void *arg)
{
	const struct rota		*r;
	const struct rota_override	*x;
	size_t				 i, nx, count = 0;
	int				 level;

	for (i = 0; i < rota_set_count(set); i++) {
		r = rota_set_get(set, i);
		if (only != NULL && strcmp(rota_id(r), only) != 0)
			continue;
		x = rota_extra_of(ex, r, &nx);
		count += check_overrides(set, r, x, nx, now_ms, found, arg);
		for (level = 1; level <= rota_levels(r); level++)
			count += check_level(r, x, nx, level, now_ms,
			    now_ms + (int64_t)days * 86400000, found, arg);
	}
	return count;
}

/* rota_check()'s callback and its argument, for the adapter below. */
struct plain {
	void	(*warn)(void *, enum rota_warning, const char *);
	void	*arg;
};

static void
plain_found(void *arg, const struct rota_finding *f)
{
	const struct plain	*p = arg;

	p->warn(p->arg, f->kind, f->msg);
}

size_t
rota_check(const struct rota_set *set, int64_t now_ms, int days,
    void (*warn)(void *, enum rota_warning, const char *), void *arg)
{
	struct plain	 p = { warn, arg };

	return rota_check_with(set, NULL, NULL, now_ms, days, plain_found,
	    &p);
}
