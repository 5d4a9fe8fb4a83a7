/*
 * lib/esc_plan.c — the escalation planner (see esc_plan.h): which people
 * one step of a policy pages at an instant, and what is due next.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "esc_plan.h"
#include "holiday.h"
#include "rota.h"
#include "rota_json.h"
#include "tz.h"

/* Working periods are looked for this far ahead, at most. */
#define HOURS_LOOKAHEAD_MIN	(60 * 24 * 60)

struct esc_hours {
	struct tz			*tz;
	const struct holiday_cal	*cal;	/* the rota set's; or NULL */
	uint8_t				 week[ROTA_WEEK_MIN];
};

void
esc_hours_free(struct esc_hours *h)
{
	if (h == NULL)
		return;
	tz_free(h->tz);
	free(h);
}

struct esc_hours *
esc_hours_build(const struct esc_hours_spec *sp, const struct rota_set *set,
    const char *zonedir, const char *key, struct perr_list *errs)
{
	struct esc_hours	*h;
	const char		*why;
	char			 err[256];
	size_t			 i;
	int			 bad = 0;

	if (sp == NULL)
		return NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		perr_add(errs, NULL, 0, key, "out of memory");
		return NULL;
	}
	h->tz = sp->time_zone != NULL ?
	    tz_load(zonedir, sp->time_zone, err, sizeof(err)) :
	    tz_from_posix("UTC0", err, sizeof(err));
	if (h->tz == NULL) {
		perr_add(errs, NULL, 0, key, "time_zone: %s", err);
		bad = 1;
	}
	/* No restriction: every day, all day (holidays still excluded). */
	if (sp->n_restrictions == 0)
		memset(h->week, 1, sizeof(h->week));
	for (i = 0; i < sp->n_restrictions; i++) {
		if (sp->restrictions[i] == NULL)
			continue;	/* the walker reported it */
		if ((why = rota_restriction_week(sp->restrictions[i],
		    h->week)) != NULL) {
			perr_add(errs, NULL, 0, key, "restrictions[%zu]: "
			    "\"%s\" %s", i, sp->restrictions[i], why);
			bad = 1;
		}
	}
	if (sp->holidays != NULL && (set == NULL ||
	    (h->cal = rota_set_calendar(set, sp->holidays)) == NULL)) {
		perr_add(errs, NULL, 0, key, "holidays: no holiday calendar "
		    "\"%s\" in holidays", sp->holidays);
		bad = 1;
	}
	if (bad) {
		esc_hours_free(h);
		return NULL;
	}
	return h;
}

/* Whether local minute m (wall clock, since 1970) is a working one. */
static int
working_min(const struct esc_hours *h, int64_t m)
{
	if (!h->week[rota_week_index(m)])
		return 0;
	return h->cal == NULL ||
	    holiday_on_day(h->cal, civil_fdiv(m, 24 * 60)) == NULL;
}

int
esc_hours_in(const struct esc_hours *h, int64_t at_ms, int64_t *next_ms)
{
	int64_t	 m, x, t;

	if (h == NULL)
		return 1;
	m = civil_fdiv(tz_local_max_ms(h->tz, at_ms), CIVIL_MS_PER_MIN);
	if (working_min(h, m))
		return 1;
	for (x = m + 1; x <= m + HOURS_LOOKAHEAD_MIN; x++) {
		if (!working_min(h, x))
			continue;
		t = tz_utc_ms(h->tz, x * CIVIL_MS_PER_MIN, NULL);
		*next_ms = t > at_ms ? t : at_ms;
		return 0;
	}
	*next_ms = INT64_MAX;
	return 0;
}

/* ------------------------------------------------------------ targets */

/*
 * Split target into a rota and its level (1.. ; 0 when the level is
 * unknown), or a person index. Returns 'r' (rota), 'p' (person) or 0
 * with why in buf.
 */
static int
target_parse(const struct rota_set *set, const char *t, const struct rota **r,
    int *level, int *person, char *buf, size_t len)
{
	const char	*id, *colon, *lv;
	char		 rid[64], *end;
	long		 n;
	size_t		 idlen;
	int		 i;

	if (strncmp(t, "person:", 7) == 0) {
		if ((*person = rota_set_person_index(set, t + 7)) < 0) {
			snprintf(buf, len, "no person \"%s\" in people", t + 7);
			return 0;
		}
		return 'p';
	}
	if (strncmp(t, "rota:", 5) != 0) {
		snprintf(buf, len, "\"%s\" is neither rota:ID[:LEVEL] nor "
		    "person:ID", t);
		return 0;
	}
	id = t + 5;
	colon = strchr(id, ':');
	idlen = colon ? (size_t)(colon - id) : strlen(id);
	if (idlen == 0 || idlen >= sizeof(rid)) {
		snprintf(buf, len, "\"%s\" names no rota", t);
		return 0;
	}
	memcpy(rid, id, idlen);
	rid[idlen] = '\0';
	if ((*r = rota_set_find(set, rid)) == NULL) {
		snprintf(buf, len, "no rota \"%s\" in rotas", rid);
		return 0;
	}
	*level = 1;
	if (colon == NULL)
		return 'r';
	lv = colon + 1;
	for (i = 1; i <= rota_levels(*r); i++)
		if (rota_level_name(*r, i) != NULL &&
		    strcmp(rota_level_name(*r, i), lv) == 0) {
			*level = i;
			return 'r';
		}
	n = strtol(lv, &end, 10);
	if (*lv >= '1' && *lv <= '9' && *end == '\0' && n >= 1 &&
	    n <= rota_levels(*r)) {
		*level = (int)n;
		return 'r';
	}
	snprintf(buf, len, "rota \"%s\" has no level \"%s\" (%d level%s)",
	    rid, lv, rota_levels(*r), rota_levels(*r) == 1 ? "" : "s");
	return 0;
}

const char *
esc_target_check(const struct rota_set *set, const char *t, char *buf,
    size_t len)
{
	const struct rota	*r;
	int			 level, person;

	if (target_parse(set, t, &r, &level, &person, buf, len) == 0)
		return buf;
	return NULL;
}

static void
add_page(struct esc_plan *out, int person, const char *target,
    const char *reason)
{
	size_t	 i;

	for (i = 0; i < out->n_pages; i++)
		if (out->pages[i].person == person)
			return;
	if (out->n_pages == ESC_MAX_PAGES) {
		out->truncated = 1;
		return;
	}
	out->pages[out->n_pages].person = person;
	out->pages[out->n_pages].target = target;
	out->pages[out->n_pages].reason = reason;
	out->n_pages++;
}

/* ------------------------------------------------------------ plan */

/* Steps in a round, and rounds after the first, for this level. */
static void
shape(const struct esc_policy *p, int level, int *steps, int *repeat)
{
	*steps = (int)p->n_steps;
	*repeat = p->repeat;
	if (level >= 3) {
		if (p->low_urgency_steps < *steps)
			*steps = p->low_urgency_steps;
		*repeat = 0;
	}
}

/* The step after (step, round): *step -1 when there is none. */
static void
advance(const struct esc_policy *p, int level, int *step, int *round)
{
	int	 steps, repeat;

	shape(p, level, &steps, &repeat);
	if (*step + 1 < steps) {
		(*step)++;
	} else if (*round < repeat) {
		*step = 0;
		(*round)++;
	} else {
		*step = -1;
	}
}

void
esc_plan(const struct esc_policy *p, int step, int round, int level,
    int64_t now, const struct rota_set *set, const struct rota_extra *extra,
    const struct esc_hours *hours, struct esc_plan *out)
{
	const struct esc_step		*st;
	const struct rota		*r = NULL;
	const struct rota_override	*ov;
	struct rota_answer		 a;
	char				 why[128];
	size_t				 i, nov;
	int			 steps, repeat, lvl, person;

	memset(out, 0, sizeof(*out));
	out->next_step = -1;
	out->next_ms = INT64_MAX;
	shape(p, level, &steps, &repeat);
	if (step < 0 || step >= steps || round < 0 || round > repeat) {
		out->what = ESC_STOP;
		return;
	}
	if (level >= 3 && !esc_hours_in(hours, now, &out->next_ms)) {
		out->what = ESC_DEFER;
		out->next_step = step;
		out->next_round = round;
		return;
	}
	st = &p->steps[step];
	for (i = 0; i < st->n_targets; i++) {
		switch (target_parse(set, st->targets[i], &r, &lvl, &person,
		    why, sizeof(why))) {
		case 'p':
			add_page(out, person, st->targets[i], "direct");
			break;
		case 'r':
			ov = rota_extra_of(extra, r, &nov);
			if (rota_resolve_with(r, ov, nov, lvl, now, &a) == 0 &&
			    a.who != NULL)
				add_page(out, rota_set_person_index(set,
				    a.who->id), st->targets[i],
				    rota_reason_name(a.reason));
			break;
		default:
			break;	/* gone since the config was checked */
		}
	}
	out->what = out->n_pages > 0 ? ESC_PAGE : ESC_SKIP;
	out->next_step = step;
	out->next_round = round;
	advance(p, level, &out->next_step, &out->next_round);
	if (out->next_step < 0)
		out->next_ms = INT64_MAX;
	else if (out->what == ESC_SKIP)
		out->next_ms = now;
	else
		out->next_ms = now + st->delay_ms;
}

const struct esc_contact *
esc_contact_rules(const struct esc_contact *own, size_t n_own,
    const struct esc_contact *dflt, size_t n_dflt, size_t *n)
{
	if (n_own > 0) {
		*n = n_own;
		return own;
	}
	*n = n_dflt;
	return dflt;
}
