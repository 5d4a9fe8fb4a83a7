/*
 * lib/override.c — runtime overrides: request checks, the overlap rule,
 * compiling the stored form, and the API's JSON (see override.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "override.h"
#include "rota.h"
#include "rota_json.h"
#include "utf8.h"

/* A string field: NULL when absent; err set when present but no string. */
static const char *
field_str(const json_t *body, const char *key, char *err, size_t errlen)
{
	const json_t	*v = json_object_get(body, key);

	if (v == NULL)
		return NULL;
	if (!json_is_string(v)) {
		snprintf(err, errlen, "%s: must be a string", key);
		return NULL;
	}
	return json_string_value(v);
}

/* A person id of set into buf; -1 with err when unknown or not one. */
static int
person_field(const json_t *body, const char *key, const struct rota_set *set,
    char *buf, size_t len, char *err, size_t errlen)
{
	const char	*s;

	err[0] = '\0';
	if ((s = field_str(body, key, err, errlen)) == NULL) {
		if (err[0] == '\0')
			return 1;	/* absent */
		return -1;
	}
	if (strlen(s) >= len || rota_set_person_index(set, s) == -1) {
		snprintf(err, errlen, "%s: no person \"%.64s\" in people", key,
		    s);
		return -1;
	}
	snprintf(buf, len, "%s", s);
	return 0;
}

/* "level": 2 or "secondary" (a level's name) of r. */
static int
level_field(const json_t *v, const struct rota *r, int *level, char *err,
    size_t errlen)
{
	const char	*name;
	int		 i;

	if (json_is_integer(v)) {
		if (json_integer_value(v) >= 1 &&
		    json_integer_value(v) <= rota_levels(r)) {
			*level = (int)json_integer_value(v);
			return 0;
		}
	} else if (json_is_string(v)) {
		for (i = 1; i <= rota_levels(r); i++) {
			name = rota_level_name(r, i);
			if (name != NULL &&
			    strcmp(name, json_string_value(v)) == 0) {
				*level = i;
				return 0;
			}
		}
	}
	snprintf(err, errlen, "level: the rota \"%s\" has levels 1..%d (by "
	    "number or name)", rota_id(r), rota_levels(r));
	return -1;
}

/* "from"/"until": "now", a wall-clock time of r, or RFC 3339. */
static int
time_field(const json_t *body, const char *key, const struct rota *r,
    int64_t now_ms, int64_t *ms, char *err, size_t errlen)
{
	const char	*s;

	err[0] = '\0';
	if ((s = field_str(body, key, err, errlen)) == NULL) {
		if (err[0] == '\0')
			return 1;
		return -1;
	}
	if (strcmp(s, "now") == 0) {
		*ms = now_ms;
		return 0;
	}
	if (rota_when(r, s, ms) == -1) {
		snprintf(err, errlen, "%s: \"%.64s\" must be \"now\", "
		    "\"YYYY-MM-DD HH:MM\" on the rota's wall clock, or RFC "
		    "3339 with an offset", key, s);
		return -1;
	}
	return 0;
}

static int
note_ok(const char *s)
{
	size_t		 len = strlen(s), n;
	uint32_t	 cp;

	for (; len > 0; s += n, len -= n) {
		n = utf8_decode(s, len, &cp);
		if (utf8_is_control(cp))
			return 0;
	}
	return 1;
}

int
override_parse(const json_t *body, const struct rota_set *set,
    const struct rota *r, int64_t now_ms, struct override_req *out,
    char *err, size_t errlen)
{
	static const char *keys[] = { "person", "covers", "level", "from",
	    "until", "note" };
	const char	*key, *note;
	const json_t	*v;
	size_t		 i;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(body)) {
		snprintf(err, errlen, "body: must be a JSON object");
		return -1;
	}
	json_object_foreach((json_t *)body, key, v) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(key, keys[i]) == 0)
				break;
		if (i == sizeof(keys) / sizeof(keys[0])) {
			snprintf(err, errlen, "%.64s: unknown field (person, "
			    "covers, level, from, until, note)", key);
			return -1;
		}
	}
	if ((rc = person_field(body, "person", set, out->person,
	    sizeof(out->person), err, errlen)) != 0) {
		if (rc == 1)
			snprintf(err, errlen, "person: required (who takes "
			    "over)");
		return -1;
	}
	if (person_field(body, "covers", set, out->covers,
	    sizeof(out->covers), err, errlen) == -1)
		return -1;
	if ((v = json_object_get(body, "level")) != NULL &&
	    level_field(v, r, &out->level, err, errlen) == -1)
		return -1;
	if (out->covers[0] == '\0' && out->level == 0) {
		snprintf(err, errlen, "covers: give covers (a person) or level "
		    "(1..%d) to say whom %s replaces", rota_levels(r),
		    out->person);
		return -1;
	}
	if (strcmp(out->covers, out->person) == 0) {
		snprintf(err, errlen, "covers: %s cannot cover for themself",
		    out->person);
		return -1;
	}
	if ((rc = time_field(body, "from", r, now_ms, &out->from_ms, err,
	    errlen)) == -1)
		return -1;
	if (rc == 1)
		out->from_ms = now_ms;
	if ((rc = time_field(body, "until", r, now_ms, &out->until_ms, err,
	    errlen)) != 0) {
		if (rc == 1)
			snprintf(err, errlen, "until: required (when it ends)");
		return -1;
	}
	if (out->until_ms <= out->from_ms) {
		snprintf(err, errlen, "until: must be after from");
		return -1;
	}
	if (out->until_ms <= now_ms) {
		snprintf(err, errlen, "until: is in the past");
		return -1;
	}
	if (out->until_ms - out->from_ms > OVERRIDE_MAX_MS) {
		snprintf(err, errlen, "until: an override lasts at most %lld "
		    "days (longer: edit the rota file)",
		    OVERRIDE_MAX_MS / 86400000);
		return -1;
	}
	if (out->from_ms - now_ms > OVERRIDE_AHEAD_MS) {
		snprintf(err, errlen, "from: at most %lld days ahead",
		    OVERRIDE_AHEAD_MS / 86400000);
		return -1;
	}
	err[0] = '\0';
	if ((note = field_str(body, "note", err, errlen)) == NULL &&
	    err[0] != '\0')
		return -1;
	if (note != NULL) {
		if (strlen(note) > OVERRIDE_NOTE_MAX || !note_ok(note)) {
			snprintf(err, errlen, "note: at most %d bytes, without "
			    "control characters", OVERRIDE_NOTE_MAX);
			return -1;
		}
		snprintf(out->note, sizeof(out->note), "%s", note);
	}
	return 0;
}

int
override_overlaps(const struct rota_override *a, const struct rota_override *b)
{
	if (a->from_ms >= b->until_ms || b->from_ms >= a->until_ms)
		return 0;
	if (a->covers == -1 && b->covers == -1)
		return a->level == b->level;
	if (a->covers == -1 || b->covers == -1)
		return 0;
	return a->covers == b->covers &&
	    (a->level == 0 || b->level == 0 || a->level == b->level);
}

int
override_compile(const struct rota_set *set, const char *person,
    const char *covers, int level, int64_t from_ms, int64_t until_ms,
    const char *note, struct rota_override *out)
{
	memset(out, 0, sizeof(*out));
	out->covers = -1;
	if ((out->person = rota_set_person_index(set, person)) == -1)
		return -1;
	if (covers != NULL && covers[0] != '\0' &&
	    (out->covers = rota_set_person_index(set, covers)) == -1)
		return -1;
	if (out->covers == -1 && level == 0)
		return -1;
	out->level = level;
	out->from_ms = from_ms;
	out->until_ms = until_ms;
	out->note = note != NULL && note[0] != '\0' ? note : NULL;
	return 0;
}

static json_t *
str_or_null(const char *s)
{
	json_t	*v;

	if (s == NULL || s[0] == '\0' || (v = json_string(s)) == NULL)
		return json_null();
	return v;
}

json_t *
override_json(const struct rota *r, const char *id, const char *source,
    const char *person, const char *covers, int level, int64_t from_ms,
    int64_t until_ms, const char *note)
{
	json_t	*o;
	int	 rc = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	rc |= json_object_set_new(o, "id", str_or_null(id));
	rc |= json_object_set_new(o, "source", json_string(source));
	rc |= json_object_set_new(o, "rota", json_string(rota_id(r)));
	rc |= json_object_set_new(o, "person", json_string(person));
	rc |= json_object_set_new(o, "covers", str_or_null(covers));
	rc |= json_object_set_new(o, "level", level > 0 ?
	    json_integer(level) : json_null());
	rc |= json_object_set_new(o, "level_name",
	    str_or_null(level > 0 ? rota_level_name(r, level) : NULL));
	rc |= rota_json_set_time(o, r, "from", "from_local", from_ms);
	rc |= rota_json_set_time(o, r, "until", "until_local", until_ms);
	rc |= json_object_set_new(o, "note", str_or_null(note));
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}
