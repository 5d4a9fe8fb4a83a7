/*
 * lib/maint.c — maintenance windows (maint.h). A window is a weekly
 * minute bitmap built by lib/rota.c from the restriction strings, so
 * "mon-fri 22:00-02:00" means exactly what it means in a rota layer.
 * Reads no clock: the instant is always a parameter.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "maint.h"
#include "rota.h"
#include "tz.h"

/* Windows chained end to start before we give up looking further. */
#define MAINT_CHAIN_MAX	64

struct window {
	const char	*owner;
	struct tz	*tz;
	uint8_t		 week[ROTA_WEEK_MIN];
	int64_t		 from_ms, until_ms;	/* [from, until) */
};

struct maint {
	struct window	*v;
	size_t		 n;
	char		**owners;	/* v[i].owner points here */
};

void
maint_free(struct maint *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		tz_free(m->v[i].tz);
		free(m->owners[i]);
	}
	free(m->v);
	free(m->owners);
	free(m);
}

static void	keyf(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* A key path; too long ones are cut (perr keeps 63 bytes anyway). */
static void
keyf(char *buf, size_t len, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static int
window_build(struct window *w, const struct maint_spec *sp,
    const char *zonedir, const char *key, struct perr_list *errs)
{
	char		 k[128], err[256];
	const char	*why;
	size_t		 i;
	int		 bad = 0;

	if (sp->time_zone != NULL &&
	    (w->tz = tz_load(zonedir, sp->time_zone, err, sizeof(err))) ==
	    NULL) {
		keyf(k, sizeof(k), "%s.time_zone", key);
		perr_add(errs, NULL, 0, k, "%s", err);
		return -1;
	}
	if (sp->time_zone == NULL &&
	    (w->tz = tz_from_posix("UTC0", err, sizeof(err))) == NULL) {
		perr_add(errs, NULL, 0, key, "%s", err);
		return -1;
	}
	if (sp->n_restrictions == 0) {
		keyf(k, sizeof(k), "%s.restrictions", key);
		perr_add(errs, NULL, 0, k, "names no time: a window needs at least one, "
		    "e.g. [ \"sun 02:00-04:00\" ]");
		bad = 1;
	}
	for (i = 0; i < sp->n_restrictions; i++) {
		if (sp->restrictions[i] == NULL)
			continue;	/* already reported */
		keyf(k, sizeof(k), "%s.restrictions[%zu]", key, i);
		if ((why = rota_restriction_week(sp->restrictions[i],
		    w->week)) != NULL) {
			perr_add(errs, NULL, 0, k, "\"%s\" %s", sp->restrictions[i], why);
			bad = 1;
		}
	}
	w->from_ms = INT64_MIN;
	w->until_ms = INT64_MAX;
	if (sp->from != NULL && rota_when_parse(sp->from, w->tz,
	    &w->from_ms) != NULL)
		bad = 1;	/* the walker's check said why */
	if (sp->until != NULL && rota_when_parse(sp->until, w->tz,
	    &w->until_ms) != NULL)
		bad = 1;
	if (!bad && w->from_ms >= w->until_ms) {
		keyf(k, sizeof(k), "%s.until", key);
		perr_add(errs, NULL, 0, k, "is not after from");
		bad = 1;
	}
	return bad ? -1 : 0;
}

struct maint *
maint_build(const struct maint_spec *sp, size_t n, const char *zonedir,
    const char *key, struct perr_list *errs)
{
	struct maint	*m;
	char		 k[128];
	size_t		 i;
	int		 bad = 0;

	if (n == 0)
		return NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->v = calloc(n, sizeof(*m->v))) == NULL ||
	    (m->owners = calloc(n, sizeof(*m->owners))) == NULL) {
		perr_add(errs, NULL, 0, key, "out of memory");
		maint_free(m);
		return NULL;
	}
	for (i = 0; i < n; i++, m->n++) {
		keyf(k, sizeof(k), "%s[%zu]", key, i);
		/* No owner: the walker said so; check the rest anyway. */
		if (sp[i].owner == NULL)
			bad = 1;
		else if ((m->owners[i] = strdup(sp[i].owner)) == NULL) {
			perr_add(errs, NULL, 0, k, "out of memory");
			bad = 1;
		}
		m->v[i].owner = m->owners[i];
		if (window_build(&m->v[i], &sp[i], zonedir, k, errs) == -1)
			bad = 1;
	}
	if (bad) {
		maint_free(m);
		return NULL;
	}
	return m;
}

/*
 * The wall-clock minute already reached at t: tz_local_max_ms(), so that
 * in the repeated hour after a fall-back a window that ended at 03:00
 * the first time does not start again (rotas do the same).
 */
static int64_t
local_min(const struct window *w, int64_t t)
{
	return civil_fdiv(tz_local_max_ms(w->tz, t), CIVIL_MS_PER_MIN);
}

static int
covers(const struct window *w, int64_t t)
{
	return t >= w->from_ms && t < w->until_ms &&
	    w->week[rota_week_index(local_min(w, t))];
}

/* The first instant after t (which w covers) that w does not cover. */
static int64_t
window_end(const struct window *w, int64_t t)
{
	int64_t	 m = local_min(w, t), x, end;

	for (x = m + 1; x <= m + ROTA_WEEK_MIN; x++)
		if (!w->week[rota_week_index(x)])
			break;
	if (x > m + ROTA_WEEK_MIN)
		end = INT64_MAX;	/* every minute of the week */
	else
		end = tz_utc_ms(w->tz, x * CIVIL_MS_PER_MIN, NULL);
	return end < w->until_ms ? end : w->until_ms;
}

int
maint_active(const struct maint *m, int64_t at_ms, struct maint_answer *out)
{
	int64_t		 t = at_ms, best, e;
	size_t		 i, hops;
	int		 found = 0;

	if (m == NULL)
		return 0;
	/* Follow windows that take over where another ends. */
	for (hops = 0; hops < MAINT_CHAIN_MAX && t != INT64_MAX; hops++) {
		best = t;
		for (i = 0; i < m->n; i++) {
			if (!covers(&m->v[i], t))
				continue;
			if (!found) {
				out->owner = m->v[i].owner;
				found = 1;
			}
			e = window_end(&m->v[i], t);
			if (e > best)
				best = e;
		}
		if (best == t)
			break;
		t = best;
	}
	if (found)
		out->end_ms = t;
	return found;
}
