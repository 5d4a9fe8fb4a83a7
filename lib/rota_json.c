/*
 * lib/rota_json.c — rota answers as JSON (see rota_json.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rota.h"
#include "rota_json.h"
#include "timefmt.h"
#include "tz.h"

const char *
rota_reason_name(int reason)
{
	switch (reason) {
	case ROTA_ROTATION:
		return "rotation";
	case ROTA_HOLIDAY:
		return "holiday";
	case ROTA_OVERRIDE:
		return "override";
	default:
		return "nobody";
	}
}

void
rota_json_local(const struct rota *r, int64_t at_ms, char *buf, size_t len)
{
	struct tz_tm	 tm;

	tz_localtime(rota_tz(r), at_ms, &tm);
	snprintf(buf, len, "%04lld-%02d-%02d %02d:%02d %s",
	    (long long)tm.year, tm.mon, tm.mday, tm.hour, tm.min,
	    tm.abbr != NULL ? tm.abbr : "");
}

/* json_string() of s, or null for NULL; never NULL itself. */
static json_t *
str_or_null(const char *s)
{
	json_t	*v;

	if (s == NULL || (v = json_string(s)) == NULL)
		return json_null();
	return v;
}

/*
 * The instant as "utc" and "local" under the two keys; INT64_MIN/MAX
 * (never) as null. 0, or -1 when out of memory.
 */
int
rota_json_set_time(json_t *o, const struct rota *r, const char *key,
    const char *lkey, int64_t ms)
{
	char	 buf[64];

	if (ms == INT64_MAX || ms == INT64_MIN)
		return json_object_set_new(o, key, json_null()) |
		    json_object_set_new(o, lkey, json_null());
	time_format_rfc3339(ms, buf, sizeof(buf));
	if (json_object_set_new(o, key, json_string(buf)) == -1)
		return -1;
	rota_json_local(r, ms, buf, sizeof(buf));
	return json_object_set_new(o, lkey, json_string(buf));
}

/* The fields common to an answer and a shift. */
static int
set_answer(json_t *o, const struct rota_answer *a)
{
	int	 rc = 0;

	rc |= json_object_set_new(o, "person",
	    str_or_null(a->who ? a->who->id : NULL));
	rc |= json_object_set_new(o, "person_name",
	    str_or_null(a->who ? a->who->name : NULL));
	rc |= json_object_set_new(o, "reason",
	    json_string(rota_reason_name(a->reason)));
	rc |= json_object_set_new(o, "layer", str_or_null(a->layer_name));
	return rc;
}

json_t *
rota_json_oncall_rota(const struct rota *r, int64_t at_ms)
{
	return rota_json_oncall_rota_with(r, NULL, at_ms);
}

json_t *
rota_json_oncall_rota_with(const struct rota *r, const struct rota_extra *ex,
    int64_t at_ms)
{
	const struct rota_override *xv;
	struct rota_answer	 a;
	json_t			*o, *levels, *lv;
	size_t			 xn;
	int			 i, rc = 0;

	xv = rota_extra_of(ex, r, &xn);

	if ((o = json_object()) == NULL)
		return NULL;
	rc |= json_object_set_new(o, "rota", json_string(rota_id(r)));
	rc |= json_object_set_new(o, "time_zone",
	    json_string(tz_name(rota_tz(r))));
	rc |= rota_json_set_time(o, r, "at", "at_local", at_ms);
	if ((levels = json_array()) == NULL ||
	    json_object_set_new(o, "levels", levels) == -1)
		goto fail;
	for (i = 1; i <= rota_levels(r); i++) {
		if (rota_resolve_with(r, xv, xn, i, at_ms, &a) == -1)
			continue;
		if ((lv = json_object()) == NULL ||
		    json_array_append_new(levels, lv) == -1)
			goto fail;
		rc |= json_object_set_new(lv, "level", json_integer(i));
		rc |= json_object_set_new(lv, "name",
		    str_or_null(rota_level_name(r, i)));
		rc |= set_answer(lv, &a);
		rc |= json_object_set_new(lv, "scheduled",
		    str_or_null(a.scheduled ? a.scheduled->id : NULL));
		rc |= json_object_set_new(lv, "holiday",
		    str_or_null(a.holiday));
		rc |= json_object_set_new(lv, "note",
		    str_or_null(a.override ? a.override->note : NULL));
		rc |= rota_json_set_time(lv, r, "until", "until_local",
		    a.until_ms);
	}
	if (rc != 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

json_t *
rota_json_oncall(const struct rota_set *set, const char *id, const char *at,
    int64_t now_ms, const char **err)
{
	return rota_json_oncall_with(set, NULL, id, at, now_ms, err);
}

json_t *
rota_json_oncall_with(const struct rota_set *set, const struct rota_extra *ex,
    const char *id, const char *at, int64_t now_ms, const char **err)
{
	const struct rota	*r;
	json_t			*o, *list, *one;
	int64_t			 at_ms;
	size_t			 i;

	*err = "out of memory";
	if (id != NULL && (set == NULL || rota_set_find(set, id) == NULL)) {
		*err = "no such rota";
		return NULL;
	}
	if ((o = json_object()) == NULL)
		return NULL;
	if ((list = json_array()) == NULL ||
	    json_object_set_new(o, "rotas", list) == -1)
		goto fail;
	for (i = 0; set != NULL && i < rota_set_count(set); i++) {
		r = rota_set_get(set, i);
		if (id != NULL && strcmp(rota_id(r), id) != 0)
			continue;
		at_ms = now_ms;
		if (at != NULL && rota_when(r, at, &at_ms) == -1) {
			*err = "at: must be \"YYYY-MM-DD HH:MM\" on the "
			    "rota's wall clock, or RFC 3339 with an offset";
			goto fail;
		}
		if ((one = rota_json_oncall_rota_with(r, ex, at_ms)) == NULL ||
		    json_array_append_new(list, one) == -1)
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

json_t *
rota_json_schedule(const struct rota *r, int64_t from_ms, int64_t to_ms)
{
	return rota_json_schedule_with(r, NULL, from_ms, to_ms);
}

json_t *
rota_json_schedule_with(const struct rota *r, const struct rota_extra *ex,
    int64_t from_ms, int64_t to_ms)
{
	const struct rota_override *xv;
	struct rota_iter	 it;
	struct rota_span	 sp;
	json_t			*o, *list, *s;
	size_t			 xn;
	int			 i, rc = 0;

	xv = rota_extra_of(ex, r, &xn);

	if ((o = json_object()) == NULL)
		return NULL;
	rc |= json_object_set_new(o, "rota", json_string(rota_id(r)));
	rc |= json_object_set_new(o, "time_zone",
	    json_string(tz_name(rota_tz(r))));
	rc |= rota_json_set_time(o, r, "from", "from_local", from_ms);
	rc |= rota_json_set_time(o, r, "to", "to_local", to_ms);
	if ((list = json_array()) == NULL ||
	    json_object_set_new(o, "shifts", list) == -1)
		goto fail;
	for (i = 1; i <= rota_levels(r); i++) {
		rota_iter_init(&it, r, xv, xn, i, from_ms, to_ms);
		while (rota_iter_next(&it, &sp)) {
			if ((s = json_object()) == NULL ||
			    json_array_append_new(list, s) == -1)
				goto fail;
			rc |= json_object_set_new(s, "level", json_integer(i));
			rc |= json_object_set_new(s, "level_name",
			    str_or_null(rota_level_name(r, i)));
			rc |= rota_json_set_time(s, r, "start", "start_local",
			    sp.start_ms);
			rc |= rota_json_set_time(s, r, "end", "end_local",
			    sp.end_ms);
			rc |= set_answer(s, &sp.answer);
		}
	}
	if (rc != 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/*
 * Fairness walks each shift in steps that end on UTC quarter hours (every
 * zone in use changes offset on one) and files each step under the
 * category of its start on the wall clock: exact, and at most 96 steps
 * a day per level.
 */
#define FAIR_STEP	(15 * 60 * 1000)

enum { FAIR_BUSINESS, FAIR_NIGHTS, FAIR_WEEKENDS, FAIR_HOLIDAYS, FAIR_N };

static const char *fair_key[FAIR_N] = {
	"business", "nights", "weekends", "holidays"
};

struct fair {
	const struct rota_person	*who;
	int64_t				 ms[FAIR_N];
};

static int
fair_kind(const struct rota *r, int level, int64_t t)
{
	struct rota_answer	 a;
	struct tz_tm		 tm;

	if (rota_resolve(r, level, t, &a) == 0 && a.holiday != NULL)
		return FAIR_HOLIDAYS;
	tz_localtime(rota_tz(r), t, &tm);
	if (tm.wday == 0 || tm.wday == 6)
		return FAIR_WEEKENDS;
	return tm.hour >= 9 && tm.hour < 18 ? FAIR_BUSINESS : FAIR_NIGHTS;
}

json_t *
rota_json_fairness(const struct rota *r, int64_t from_ms, int64_t to_ms)
{
	return rota_json_fairness_with(r, NULL, from_ms, to_ms);
}

json_t *
rota_json_fairness_with(const struct rota *r, const struct rota_extra *ex,
    int64_t from_ms, int64_t to_ms)
{
	const struct rota_override *xv;
	struct rota_iter	 it;
	struct rota_span	 sp;
	struct fair		*v = NULL, *nv;
	size_t			 n = 0, i;
	json_t			*o = NULL, *list, *p;
	int64_t			 t, next, total;
	size_t			 xn;
	int			 level, k, rc = 0;

	xv = rota_extra_of(ex, r, &xn);
	for (level = 1; level <= rota_levels(r); level++) {
		rota_iter_init(&it, r, xv, xn, level, from_ms, to_ms);
		while (rota_iter_next(&it, &sp)) {
			if (sp.answer.who == NULL)
				continue;
			for (i = 0; i < n && v[i].who != sp.answer.who; i++)
				;
			if (i == n) {
				if ((nv = reallocarray(v, n + 1,
				    sizeof(*v))) == NULL)
					goto fail;
				v = nv;
				memset(&v[n++], 0, sizeof(*v));
				v[i].who = sp.answer.who;
			}
			for (t = sp.start_ms; t < sp.end_ms; t = next) {
				next = (t / FAIR_STEP + 1) * FAIR_STEP;
				if (next > sp.end_ms)
					next = sp.end_ms;
				v[i].ms[fair_kind(r, level, t)] += next - t;
			}
		}
	}
	if ((o = json_object()) == NULL)
		goto fail;
	rc |= json_object_set_new(o, "rota", json_string(rota_id(r)));
	rc |= json_object_set_new(o, "time_zone",
	    json_string(tz_name(rota_tz(r))));
	rc |= rota_json_set_time(o, r, "from", "from_local", from_ms);
	rc |= rota_json_set_time(o, r, "to", "to_local", to_ms);
	if ((list = json_array()) == NULL ||
	    json_object_set_new(o, "people", list) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((p = json_object()) == NULL ||
		    json_array_append_new(list, p) == -1)
			goto fail;
		rc |= json_object_set_new(p, "person",
		    json_string(v[i].who->id));
		for (k = 0, total = 0; k < FAIR_N; k++) {
			rc |= json_object_set_new(p, fair_key[k],
			    json_real(v[i].ms[k] / 3600000.0));
			total += v[i].ms[k];
		}
		rc |= json_object_set_new(p, "total",
		    json_real(total / 3600000.0));
	}
	if (rc != 0)
		goto fail;
	free(v);
	return o;
fail:
	free(v);
	json_decref(o);
	return NULL;
}

int
rota_json_window(const struct rota *r, const char *from, long days,
    int64_t now_ms, int64_t *from_ms, int64_t *to_ms)
{
	const struct tz	*z = rota_tz(r);
	int64_t		 local, day = 86400000;

	if (from == NULL) {
		local = tz_local_ms(z, now_ms);
		local -= ((local % day) + day) % day;
		*from_ms = tz_utc_ms(z, local, NULL);
	} else if (rota_when(r, from, from_ms) == -1)
		return -1;
	*to_ms = tz_utc_ms(z, tz_local_ms(z, *from_ms) + days * day, NULL);
	return 0;
}
