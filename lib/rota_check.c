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

static size_t
check_overrides(const struct rota_set *set, const struct rota *r,
    int64_t now, void (*warn)(void *, enum rota_warning, const char *),
    void *arg)
{
	const struct rota_override	*v;
	const struct tz			*z = rota_tz(r);
	char				 msg[512], w1[32], w2[32], a[96], b[96];
	size_t				 n, i, j, count = 0;
	int64_t				 end;

	v = rota_overrides(r, &n);
	for (i = 0; i < n; i++) {
		if (v[i].until_ms > now)
			continue;
		snprintf(msg, sizeof(msg), "rota %s: the override %s ended "
		    "%s %s; it does nothing now", rota_id(r),
		    who_for(set, &v[i], a, sizeof(a)),
		    wall(z, v[i].until_ms, w1, sizeof(w1)), tz_name(z));
		warn(arg, ROTA_WARN_OVERRIDE_EXPIRED, msg);
		count++;
	}
	/* Sorted by start: j overlaps i when it starts before i ends. */
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n && v[j].from_ms < v[i].until_ms; j++) {
			end = v[i].until_ms < v[j].until_ms ?
			    v[i].until_ms : v[j].until_ms;
			if (!same_target(&v[i], &v[j]) || end <= now)
				continue;
			snprintf(msg, sizeof(msg), "rota %s: overrides %s and "
			    "%s overlap %s \xe2\x80\x93 %s %s; the later one "
			    "wins", rota_id(r),
			    who_for(set, &v[i], a, sizeof(a)),
			    who_for(set, &v[j], b, sizeof(b)),
			    wall(z, v[j].from_ms, w1, sizeof(w1)),
			    wall(z, end, w2, sizeof(w2)), tz_name(z));
			warn(arg, ROTA_WARN_OVERRIDE_OVERLAP, msg);
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
check_level(const struct rota *r, int level, int64_t now, int64_t end,
    void (*warn)(void *, enum rota_warning, const char *), void *arg)
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
	rota_iter_init(&it, r, NULL, 0, level, now, end);
	while (rota_iter_next(&it, &sp)) {
		if (sp.answer.who == NULL) {
			if (gaps++ >= GAPS_SHOWN)
				continue;
			rota_gap_format(r, level, &sp, msg, sizeof(msg));
			warn(arg, ROTA_WARN_GAP, msg);
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
		warn(arg, ROTA_WARN_DST_SHIFT, msg);
		count++;
	}
	if (gaps > GAPS_SHOWN) {
		snprintf(msg, sizeof(msg), "rota %s level %d: %zu more gaps "
		    "until %s %s", rota_id(r), level, gaps - GAPS_SHOWN,
		    wall(z, end, w1, sizeof(w1)), tz_name(z));
		warn(arg, ROTA_WARN_GAP, msg);
		count++;
	}
	return count;
}

size_t
rota_check(const struct rota_set *set, int64_t now_ms, int days,
    void (*warn)(void *, enum rota_warning, const char *), void *arg)
{
	const struct rota	*r;
	size_t			 i, count = 0;
	int			 level;

	for (i = 0; i < rota_set_count(set); i++) {
		r = rota_set_get(set, i);
		count += check_overrides(set, r, now_ms, warn, arg);
		for (level = 1; level <= rota_levels(r); level++)
			count += check_level(r, level, now_ms,
			    now_ms + (int64_t)days * 86400000, warn, arg);
	}
	return count;
}
