/*
 * lib/rota_diff.c — see rota_diff.h.
 */
#include "autoconf.h"

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rota.h"
#include "rota_diff.h"
#include "rota_json.h"
#include "timefmt.h"
#include "tz.h"

/* Ids equal, NULL (nobody) equal only to NULL. */
static int
same_person(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Append a change, or extend *last when it is the same person's and ends
 * where this one starts (one shift cut by an unrelated boundary on the
 * other side must read as one line). 0, or -1 when out of memory.
 */
static int
add(struct rota_diff *d, ssize_t *last, int level, const char *person,
    int gained, int64_t start, int64_t end)
{
	struct rota_change	*c;
	size_t			 cap;

	if (*last >= 0) {
		c = &d->v[*last];
		if (c->end_ms == start && same_person(c->person, person)) {
			c->end_ms = end;
			return 0;
		}
	}
	if (d->n == d->cap) {
		cap = d->cap ? d->cap * 2 : 16;
		if ((c = reallocarray(d->v, cap, sizeof(*c))) == NULL)
			return -1;
		d->v = c;
		d->cap = cap;
	}
	c = &d->v[d->n];
	c->level = level;
	c->person = person;
	c->gained = gained;
	c->start_ms = start;
	c->end_ms = end;
	*last = (ssize_t)d->n++;
	return 0;
}

/*
 * The next span of a side, or one span of nobody over the whole window
 * when that side has no such level.
 */
static void
side_next(struct rota_iter *it, int have, int64_t at, int64_t to,
    struct rota_span *sp)
{
	if (!have || !rota_iter_next(it, sp)) {
		memset(sp, 0, sizeof(*sp));
		sp->start_ms = at;
		sp->end_ms = to;
	}
}

static int
diff_level(const struct rota *old, const struct rota *new, int level,
    int64_t from_ms, int64_t to_ms, struct rota_diff *d)
{
	struct rota_iter	 io, in;
	struct rota_span	 so, sn;
	const char		*po, *pn;
	ssize_t			 last_lost = -1, last_gained = -1;
	int64_t			 t, end;
	int			 ho, hn;

	ho = old != NULL && level <= rota_levels(old);
	hn = new != NULL && level <= rota_levels(new);
	if (ho)
		rota_iter_init(&io, old, NULL, 0, level, from_ms, to_ms);
	if (hn)
		rota_iter_init(&in, new, NULL, 0, level, from_ms, to_ms);
	so.end_ms = sn.end_ms = from_ms;
	for (t = from_ms; t < to_ms; t = end) {
		if (so.end_ms <= t)
			side_next(&io, ho, t, to_ms, &so);
		if (sn.end_ms <= t)
			side_next(&in, hn, t, to_ms, &sn);
		end = so.end_ms < sn.end_ms ? so.end_ms : sn.end_ms;
		if (end <= t)	/* a stalled iterator: cannot happen */
			break;
		po = so.answer.who ? so.answer.who->id : NULL;
		pn = sn.answer.who ? sn.answer.who->id : NULL;
		if (same_person(po, pn))
			continue;
		if (add(d, &last_lost, level, po, 0, t, end) == -1 ||
		    add(d, &last_gained, level, pn, 1, t, end) == -1)
			return -1;
	}
	return 0;
}

int
rota_diff(const struct rota *old, const struct rota *new, int64_t from_ms,
    int64_t to_ms, struct rota_diff *d)
{
	int	 i, n = 0;

	memset(d, 0, sizeof(*d));
	if (old != NULL)
		n = rota_levels(old);
	if (new != NULL && rota_levels(new) > n)
		n = rota_levels(new);
	for (i = 1; i <= n; i++)
		if (diff_level(old, new, i, from_ms, to_ms, d) == -1) {
			rota_diff_free(d);
			return -1;
		}
	return 0;
}

void
rota_diff_free(struct rota_diff *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static int
set_time(json_t *o, const struct rota *r, const char *key,
    const char *lkey, int64_t ms)
{
	char	 buf[64];

	time_format_rfc3339(ms, buf, sizeof(buf));
	if (json_object_set_new(o, key, json_string(buf)) == -1)
		return -1;
	rota_json_local(r, ms, buf, sizeof(buf));
	return json_object_set_new(o, lkey, json_string(buf));
}

static json_t *
str_or_null(const char *s)
{
	json_t	*v;

	if (s == NULL || (v = json_string(s)) == NULL)
		return json_null();
	return v;
}

/* The people entry of id (NULL: nobody), added when new; NULL on OOM. */
static json_t *
person_entry(json_t *people, const char *id)
{
	json_t	*p;
	size_t	 i;

	json_array_foreach(people, i, p)
		if (same_person(json_string_value(json_object_get(p,
		    "person")), id))
			return p;
	if ((p = json_object()) == NULL ||
	    json_array_append_new(people, p) == -1)
		return NULL;
	if ((json_object_set_new(p, "person", str_or_null(id)) |
	    json_object_set_new(p, "gained", json_real(0)) |
	    json_object_set_new(p, "lost", json_real(0)) |
	    json_object_set_new(p, "net", json_real(0))) != 0)
		return NULL;
	return p;
}

static int
add_hours(json_t *p, const char *key, double h)
{
	double	 v = json_real_value(json_object_get(p, key));

	return json_object_set_new(p, key, json_real(v + h));
}

json_t *
rota_diff_json(const struct rota *r, const struct rota_diff *d,
    int64_t from_ms, int64_t to_ms)
{
	const struct rota_change *c;
	json_t			*o, *list, *people, *s, *p;
	double			 h;
	size_t			 i;
	int			 rc = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	rc |= json_object_set_new(o, "rota", json_string(rota_id(r)));
	rc |= json_object_set_new(o, "time_zone",
	    json_string(tz_name(rota_tz(r))));
	rc |= set_time(o, r, "from", "from_local", from_ms);
	rc |= set_time(o, r, "to", "to_local", to_ms);
	if ((list = json_array()) == NULL ||
	    json_object_set_new(o, "changes", list) == -1 ||
	    (people = json_array()) == NULL ||
	    json_object_set_new(o, "people", people) == -1)
		goto fail;
	for (i = 0; i < d->n; i++) {
		c = &d->v[i];
		h = (double)(c->end_ms - c->start_ms) / 3600000.0;
		if ((s = json_object()) == NULL ||
		    json_array_append_new(list, s) == -1 ||
		    (p = person_entry(people, c->person)) == NULL)
			goto fail;
		rc |= json_object_set_new(s, "level", json_integer(c->level));
		rc |= json_object_set_new(s, "level_name",
		    str_or_null(c->level <= rota_levels(r) ?
		    rota_level_name(r, c->level) : NULL));
		rc |= json_object_set_new(s, "change",
		    json_string(c->gained ? "+" : "-"));
		rc |= json_object_set_new(s, "person", str_or_null(c->person));
		rc |= set_time(s, r, "start", "start_local", c->start_ms);
		rc |= set_time(s, r, "end", "end_local", c->end_ms);
		rc |= json_object_set_new(s, "hours", json_real(h));
		rc |= add_hours(p, c->gained ? "gained" : "lost", h);
		rc |= add_hours(p, "net", c->gained ? h : -h);
	}
	if (rc != 0)
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}
