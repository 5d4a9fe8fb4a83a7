/*
 * lib/silence.c — validation and matching of silences (see silence.h).
 * The matchers themselves are matcher.c's; this file adds the time
 * window and the fields a person must fill in.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "matcher.h"
#include "silence.h"
#include "strbuf.h"
#include "timefmt.h"

static int
fail(struct silence *s, char *err, size_t errlen, const char *msg)
{
	if (errlen > 0)
		snprintf(err, errlen, "%s", msg);
	silence_clear(s);
	return -1;
}

/* The value of key or of its Alertmanager spelling alt (may be NULL). */
static json_t *
field(json_t *o, const char *key, const char *alt)
{
	json_t	*v;

	if ((v = json_object_get(o, key)) == NULL && alt != NULL)
		v = json_object_get(o, alt);
	return v;
}

static int
get_time(json_t *o, const char *key, const char *alt, int64_t *ms)
{
	json_t		*v = field(o, key, alt);
	const char	*str;

	if (v == NULL)
		return 1;
	if (!json_is_string(v))
		return -1;
	str = json_string_value(v);
	return time_parse_rfc3339(str, strlen(str), ms) == -1 ? -1 : 0;
}

/* A required non-empty string, copied into *out. */
static int
get_text(json_t *o, const char *key, const char *alt, char **out)
{
	json_t	*v = field(o, key, alt);

	if (!json_is_string(v) || json_string_length(v) == 0)
		return -1;
	return (*out = strdup(json_string_value(v))) == NULL ? -1 : 0;
}

static int
get_matchers(json_t *v, struct matcher_set *set, char *err, size_t errlen)
{
	char	 msg[200];
	int	 rv;

	if (json_is_array(v))
		rv = matcher_set_from_json(v, set, msg, sizeof(msg));
	else if (json_is_string(v))
		rv = matcher_set_parse(json_string_value(v), set, msg,
		    sizeof(msg));
	else {
		snprintf(err, errlen, "matchers: required: a list of "
		    "{name, value, isRegex, isEqual} or a string such as "
		    "'{alertname=\"DiskFull\"}'");
		return -1;
	}
	if (rv == -1) {
		snprintf(err, errlen, "matchers%s%s",
		    msg[0] == '[' ? "" : ": ", msg);
		return -1;
	}
	if (set->n == 0) {
		snprintf(err, errlen, "matchers: must not be empty (a silence "
		    "without matchers would silence everything)");
		return -1;
	}
	return 0;
}

static const char *const known_fields[] = {
	"matchers", "starts_at", "startsAt", "ends_at", "endsAt",
	"created_by", "createdBy", "comment"
};

int
silence_from_request(json_t *body, int64_t now_ms, int64_t max_ms,
    struct silence *s, char *err, size_t errlen)
{
	const char	*key;
	json_t		*v;
	size_t		 i;
	int		 rv;
	char		 msg[160];

	memset(s, 0, sizeof(*s));
	if (!json_is_object(body))
		return fail(s, err, errlen, "body: must be a JSON object");
	json_object_foreach(body, key, v) {
		for (i = 0; i < sizeof(known_fields) / sizeof(known_fields[0]);
		    i++)
			if (strcmp(key, known_fields[i]) == 0)
				break;
		if (i == sizeof(known_fields) / sizeof(known_fields[0])) {
			snprintf(msg, sizeof(msg), "%.64s: unknown field",
			    key);
			return fail(s, err, errlen, msg);
		}
	}
	if (get_matchers(json_object_get(body, "matchers"), &s->matchers,
	    err, errlen) == -1) {
		silence_clear(s);
		return -1;
	}
	if ((rv = get_time(body, "starts_at", "startsAt",
	    &s->starts_at_ms)) == -1)
		return fail(s, err, errlen, "starts_at: must be an RFC 3339 "
		    "time such as \"2026-01-02T15:04:05Z\"");
	if (rv == 1)
		s->starts_at_ms = now_ms;
	if ((rv = get_time(body, "ends_at", "endsAt", &s->ends_at_ms)) == 1)
		return fail(s, err, errlen, "ends_at: required");
	if (rv == -1)
		return fail(s, err, errlen, "ends_at: must be an RFC 3339 "
		    "time such as \"2026-01-02T15:04:05Z\"");
	if (s->ends_at_ms <= s->starts_at_ms)
		return fail(s, err, errlen, "ends_at: must be after starts_at");
	if (s->ends_at_ms <= now_ms)
		return fail(s, err, errlen, "ends_at: must be in the future");
	if (s->ends_at_ms - s->starts_at_ms > max_ms) {
		char d[32];

		duration_format(max_ms, d, sizeof(d));
		snprintf(msg, sizeof(msg), "ends_at: at most %s after "
		    "starts_at (silences.max_duration)", d);
		return fail(s, err, errlen, msg);
	}
	if (get_text(body, "created_by", "createdBy", &s->created_by) == -1)
		return fail(s, err, errlen, "created_by: required: a "
		    "non-empty string");
	if (get_text(body, "comment", NULL, &s->comment) == -1)
		return fail(s, err, errlen, "comment: required: a non-empty "
		    "string");
	return 0;
}

int
silence_from_stored(json_t *obj, struct silence *s, char *err,
    size_t errlen)
{
	json_t	*id;

	memset(s, 0, sizeof(*s));
	id = json_object_get(obj, "id");
	if (!json_is_string(id) ||
	    !json_is_integer(json_object_get(obj, "starts_at")) ||
	    !json_is_integer(json_object_get(obj, "ends_at")))
		return fail(s, err, errlen, "stored silence: bad fields");
	if (get_matchers(json_object_get(obj, "matchers"), &s->matchers,
	    err, errlen) == -1) {
		silence_clear(s);
		return -1;
	}
	s->starts_at_ms = json_integer_value(json_object_get(obj,
	    "starts_at"));
	s->ends_at_ms = json_integer_value(json_object_get(obj, "ends_at"));
	if ((s->id = strdup(json_string_value(id))) == NULL ||
	    get_text(obj, "created_by", NULL, &s->created_by) == -1 ||
	    get_text(obj, "comment", NULL, &s->comment) == -1)
		return fail(s, err, errlen, "stored silence: bad fields");
	return 0;
}

json_t *
silence_matchers_json(const struct matcher_set *set)
{
	json_t		*a, *o;
	size_t		 i;
	enum matcher_type t;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < set->n; i++) {
		t = set->v[i].type;
		o = json_pack("{s:s, s:s, s:b, s:b}",
		    "name", set->v[i].name, "value", set->v[i].value,
		    "isRegex", t == MATCH_RE || t == MATCH_NRE,
		    "isEqual", t == MATCH_EQ || t == MATCH_RE);
		if (o == NULL || json_array_append_new(a, o) == -1) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

const char *
silence_state(const struct silence *s, int64_t now_ms)
{
	if (now_ms < s->starts_at_ms)
		return "pending";
	if (now_ms < s->ends_at_ms)
		return "active";
	return "expired";
}

int
silence_matches(const struct silence *s, const struct label *labels,
    size_t nlabels, int64_t now_ms)
{
	if (now_ms < s->starts_at_ms || now_ms >= s->ends_at_ms)
		return 0;
	return matchers_match_all(s->matchers.v, s->matchers.n, labels,
	    nlabels);
}

void
silence_clear(struct silence *s)
{
	if (s == NULL)
		return;
	free(s->id);
	matcher_set_free(&s->matchers);
	free(s->created_by);
	free(s->comment);
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ inhibition */

/* A separator byte between strings, so ["ab"] and ["a", "b"] differ. */
static uint64_t
fnv1a_sep(uint64_t h)
{
	return (h ^ 0xff) * 1099511628211ULL;
}

static uint64_t
fnv1a(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return fnv1a_sep(h);
}

void
inhibit_rule_set_id(struct inhibit_rule *r)
{
	uint64_t	 h = 14695981039346656037ULL;
	size_t		 i;

	for (i = 0; i < r->n_source; i++)
		h = fnv1a(h, r->source[i] != NULL ? r->source[i] : "");
	h = fnv1a_sep(fnv1a_sep(h));
	for (i = 0; i < r->n_target; i++)
		h = fnv1a(h, r->target[i] != NULL ? r->target[i] : "");
	h = fnv1a_sep(fnv1a_sep(h));
	for (i = 0; i < r->n_equal; i++)
		h = fnv1a(h, r->equal[i] != NULL ? r->equal[i] : "");
	snprintf(r->id, sizeof(r->id), "%016llx", (unsigned long long)h);
}

static int
label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct label *)a)->name,
	    ((const struct label *)b)->name);
}

/*
 * Put name=value into the sorted v[0..*n) at its place (v has room).
 * An alert's labels are sorted already (alert.h): a qsort per alert, of
 * a copy that was sorted but for two entries, showed in the dedup
 * path's profile.
 */
static void
insert_label(struct label *v, size_t *n, char *name, char *value)
{
	size_t	 i = *n;

	while (i > 0 && strcmp(v[i - 1].name, name) > 0) {
		v[i] = v[i - 1];
		i--;
	}
	v[i].name = name;
	v[i].value = value;
	(*n)++;
}

/*
 * a's labels plus level and service, sorted; the strings are borrowed
 * from a and lvl. Returns a new array (free() only) or NULL.
 */
static struct label *
rule_labels(const struct alert *a, char *lvl, size_t *np)
{
	struct label	*v;
	size_t		 i, n = 0;

	if ((v = calloc(a->nlabels + 2, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < a->nlabels; i++)
		if (strcmp(a->labels[i].name, "level") != 0 &&
		    strcmp(a->labels[i].name, "service") != 0)
			v[n++] = a->labels[i];
	if (a->level >= 1 && a->level <= 3) {
		snprintf(lvl, 8, "sev%d", a->level);
		insert_label(v, &n, "level", lvl);
	}
	if (a->service != NULL)
		insert_label(v, &n, "service", a->service);
	*np = n;
	return v;
}

/*
 * Append "ID KEY\n" to *out, KEY being the equal labels' values as the
 * compact JSON array json_dumps() would write (strbuf_json_string() is
 * byte for byte the same): every firing alert of a rule's source or
 * target comes through here, and a json_t array per alert cost more than
 * the rest of the routing.
 */
static int
add_line(char **out, const struct inhibit_rule *r, const struct label *l,
    size_t nl)
{
	struct strbuf	 sb = STRBUF_INIT;
	const struct label *f;
	struct label	 probe;
	size_t		 i;

	if (*out != NULL) {
		sb.s = *out;
		sb.len = strlen(*out);
		sb.cap = sb.len + 1;
		strbuf_char(&sb, '\n');
	}
	strbuf_str(&sb, r->id);
	strbuf_add(&sb, " [", 2);
	for (i = 0; i < r->n_equal; i++) {
		probe.name = r->equal[i];
		f = bsearch(&probe, l, nl, sizeof(*l), label_cmp);
		if (i > 0)
			strbuf_char(&sb, ',');
		strbuf_json_string(&sb, f != NULL ? f->value : "",
		    f != NULL ? strlen(f->value) : 0);
	}
	strbuf_char(&sb, ']');
	if (sb.oom) {
		/* sb.s is the one live block, *out's or its realloc(). */
		free(sb.s);
		*out = NULL;
		return -1;
	}
	*out = sb.s;
	return 0;
}

int
inhibit_mark(const struct inhibit_rule *rules, size_t n,
    const struct alert *a, char **src, char **tgt)
{
	struct label	*l;
	const struct matcher_set *m;
	char		 lvl[8];
	size_t		 i, nl;

	*src = *tgt = NULL;
	if (n == 0)
		return 0;
	if ((l = rule_labels(a, lvl, &nl)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		m = rules[i].source_m;
		if (m != NULL && matchers_match_all(m->v, m->n, l, nl) &&
		    add_line(src, &rules[i], l, nl) == -1)
			goto fail;
		m = rules[i].target_m;
		if (m != NULL && matchers_match_all(m->v, m->n, l, nl) &&
		    add_line(tgt, &rules[i], l, nl) == -1)
			goto fail;
	}
	free(l);
	return 0;
fail:
	free(l);
	free(*src);
	free(*tgt);
	*src = *tgt = NULL;
	return -1;
}
