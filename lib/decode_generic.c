/*
 * lib/decode_generic.c — pagerd's own alert JSON into struct alert.
 * Strict on purpose: unknown fields, wrong types and oversize values are
 * refused with a message naming the field and the alert's position, so a
 * sender finds its bug from the 400 alone. No I/O; the daemon decides
 * what to do with the result.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "decode_generic.h"
#include "decode_util.h"
#include "fingerprint.h"
#include "timefmt.h"

/* How deep "details" may nest: the details object itself is level 1. */
#define DETAILS_MAX_DEPTH	64

/* Bytes of a sender's field or label name echoed back in an error. */
#define NAME_SHOWN		DECODE_NAME_SHOWN

/* Fields of one alert, sorted for bsearch(). */
static const char *const fields[] = {
	"dedup_key",
	"details",
	"key",
	"labels",
	"severity",
	"source",
	"status",
	"summary",
	"timestamp",
};
#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

/* The helpers every decoder shares (lib/decode_util.h), by local names. */
#define set_err		decode_set_err
#define set_nomem	decode_nomem
#define field_name	decode_field_name

/*
 * One pass over the raw body before jansson builds anything, for the two
 * limits that protect memory and stack rather than meaning: nesting depth
 * (jansson recurses per level) and the byte size of each alert (so one
 * huge alert in a batch is refused without building its tree). The scan
 * only tracks brackets, strings and commas; when the text is not JSON it
 * stops quietly and leaves the precise error to jansson.
 */
static int
prescan(const char *b, size_t len, const struct alert_limits *lim,
    struct decode_err *err)
{
	const char	*str = NULL, *key = NULL;
	size_t		 i, j, tstart, tend, depth = 0, d0, alert_depth = 1;
	size_t		 start = 0, slen = 0, keylen = 0;
	long		 index = 0;
	int		 top_array = 0, in_alert = 0, part;
	char		 c;

	for (i = 0; i < len; i++) {
		c = b[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		/* A scalar body, or junk after the top value: jansson's. */
		if (depth == 0 && c != '{' && c != '[')
			return 0;
		d0 = depth;
		tstart = i;
		tend = i + 1;

		switch (c) {
		case '"':
			for (j = i + 1; j < len && b[j] != '"'; j++)
				if (b[j] == '\\')
					j++;
			if (j >= len)
				return 0;
			if (depth == alert_depth) {
				str = b + i + 1;
				slen = j - i - 1;
			}
			tend = j + 1;
			i = j;
			break;
		case ':':
			if (depth == alert_depth && str != NULL) {
				key = str;
				keylen = slen;
			}
			break;
		case '{':
		case '[':
			if (depth == 0) {
				top_array = c == '[';
				alert_depth = top_array ? 2 : 1;
			}
			depth++;
			if (depth == alert_depth)
				key = str = NULL;
			if (depth > alert_depth + DETAILS_MAX_DEPTH) {
				char	 name[NAME_SHOWN + 8];

				if (key != NULL)
					field_name(name, sizeof(name), "", key,
					    keylen);
				else
					snprintf(name, sizeof(name), "alert");
				return set_err(err, 400, index, "too_deep",
				    "%s: nested deeper than %d", name,
				    DETAILS_MAX_DEPTH);
			}
			break;
		case '}':
		case ']':
			depth--;
			break;
		case ',':
			if (top_array && depth == 1) {
				in_alert = 0;
				index++;
				continue;
			}
			break;
		default:
			break;
		}

		/* Does this token belong to an alert's own text? */
		if (top_array)
			part = d0 >= 2 || (d0 == 1 && depth != 0);
		else
			part = 1;
		if (part && !in_alert) {
			in_alert = 1;
			start = tstart;
		}
		if (part && tend - start > lim->max_alert_size)
			return set_err(err, 413, index, "too_large",
			    "alert: larger than %zu bytes",
			    lim->max_alert_size);
		if (depth == 0)
			return 0;
	}
	return 0;
}

static int
cmp_field(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
cmp_label(const void *a, const void *b)
{
	return strcmp(((const struct label *)a)->name,
	    ((const struct label *)b)->name);
}

/*
 * Optional string field: *out is NULL when absent, else a copy. The
 * length is checked before anything is copied.
 */
static int
get_string(json_t *o, const char *field, size_t max, int nonempty,
    long index, char **out, struct decode_err *err)
{
	json_t	*v;
	size_t	 len;

	*out = NULL;
	if ((v = json_object_get(o, field)) == NULL)
		return 0;
	if (!json_is_string(v))
		return set_err(err, 400, index, "type",
		    "%s: must be a string", field);
	len = json_string_length(v);
	if (len > max)
		return set_err(err, 400, index, "too_large",
		    "%s: longer than %zu bytes", field, max);
	if (nonempty && len == 0)
		return set_err(err, 400, index, "invalid_value",
		    "%s: must not be empty", field);
	/* jansson refused \u0000, so the value has no inner NUL. */
	if ((*out = strdup(json_string_value(v))) == NULL)
		return set_nomem(err, index);
	return 0;
}

static int
decode_labels(json_t *o, const struct alert_limits *lim, long index,
    struct alert *a, struct decode_err *err)
{
	json_t		*v, *val;
	const char	*name;
	char		 fname[NAME_SHOWN + 16];
	size_t		 n, i, nlen;

	if ((v = json_object_get(o, "labels")) == NULL)
		return 0;
	if (!json_is_object(v))
		return set_err(err, 400, index, "type",
		    "labels: must be an object");
	/* Before looking at any label: 100,000 of them fail right here. */
	if ((n = json_object_size(v)) > lim->max_labels)
		return set_err(err, 400, index, "too_many_labels",
		    "labels: more than %zu labels", lim->max_labels);
	if (n == 0)
		return 0;

	json_object_foreach(v, name, val) {
		nlen = strlen(name);
		field_name(fname, sizeof(fname), "labels.", name, nlen);
		if (nlen == 0)
			return set_err(err, 400, index, "invalid_value",
			    "labels: empty label name");
		if (!json_is_string(val))
			return set_err(err, 400, index, "type",
			    "%s: must be a string", fname);
		if (nlen > lim->max_label_name)
			return set_err(err, 400, index, "label_too_long",
			    "%s: name longer than %zu bytes", fname,
			    lim->max_label_name);
		if (json_string_length(val) > lim->max_label_value)
			return set_err(err, 400, index, "label_too_long",
			    "%s: longer than %zu bytes", fname,
			    lim->max_label_value);
	}

	if ((a->labels = calloc(n, sizeof(*a->labels))) == NULL)
		return set_nomem(err, index);
	i = 0;
	json_object_foreach(v, name, val) {
		a->labels[i].name = strdup(name);
		a->labels[i].value = strdup(json_string_value(val));
		/* Count it first so alert_clear() frees a half-made pair. */
		a->nlabels = ++i;
		if (a->labels[i - 1].name == NULL ||
		    a->labels[i - 1].value == NULL)
			return set_nomem(err, index);
	}
	/* jansson refused duplicate keys, so names are unique. */
	qsort(a->labels, a->nlabels, sizeof(*a->labels), cmp_label);
	return 0;
}

/*
 * Alerts without labels get {source, summary} as their identity: hashing
 * the empty set would give every label-less alert the same fingerprint
 * and fold unrelated problems into one incident.
 */
static int
set_fingerprint(struct alert *a)
{
	struct label	 pseudo[2];
	uint64_t	 h;
	size_t		 n = 0;

	if (a->dedup_key != NULL) {
		a->fingerprint = strdup(a->dedup_key);
		return a->fingerprint == NULL ? -1 : 0;
	}
	if (a->nlabels > 0)
		h = fp_labels(a->labels, a->nlabels);
	else {
		/* Sorted by name: "source" < "summary". */
		if (a->source != NULL) {
			pseudo[n].name = (char *)"source";
			pseudo[n++].value = a->source;
		}
		pseudo[n].name = (char *)"summary";
		pseudo[n++].value = a->summary;
		h = fp_labels(pseudo, n);
	}
	if ((a->fingerprint = malloc(17)) == NULL)
		return -1;
	fp_format(h, a->fingerprint);
	return 0;
}

static int
decode_one(json_t *o, long index, int flags, const struct alert_limits *lim,
    const char *default_source, struct alert *a, char **key,
    struct decode_err *err)
{
	json_t		*v;
	const char	*k, *s;
	char		 fname[NAME_SHOWN + 8];

	if (!json_is_object(o))
		return set_err(err, 400, index, "type",
		    "alert: must be an object");

	/* Unknown fields first, so a typo is named as one. */
	json_object_foreach(o, k, v) {
		if (bsearch(&k, fields, NFIELDS, sizeof(fields[0]),
		    cmp_field) == NULL ||
		    (strcmp(k, "key") == 0 &&
		    (flags & (DECODE_UDP | DECODE_SIGNED)) != DECODE_UDP)) {
			field_name(fname, sizeof(fname), "", k, strlen(k));
			return set_err(err, 400, index, "unknown_field",
			    "%s: unknown field", fname);
		}
	}

	if (json_object_get(o, "summary") == NULL)
		return set_err(err, 400, index, "missing_field",
		    "summary: required");
	/*
	 * source and severity have no limit of their own; they are stored
	 * and matched like label values, so they get the label value bound.
	 */
	if (get_string(o, "summary", lim->max_summary, 1, index,
	    &a->summary, err) == -1 ||
	    get_string(o, "dedup_key", lim->max_dedup_key, 1, index,
	    &a->dedup_key, err) == -1 ||
	    get_string(o, "source", lim->max_label_value, 0, index,
	    &a->source, err) == -1 ||
	    get_string(o, "severity", lim->max_label_value, 0, index,
	    &a->severity, err) == -1)
		return -1;

	if (a->source == NULL && default_source != NULL &&
	    (a->source = strdup(default_source)) == NULL)
		return set_nomem(err, index);

	a->status = ALERT_FIRING;
	if ((v = json_object_get(o, "status")) != NULL) {
		s = json_string_value(v);
		if (s != NULL && strcmp(s, "firing") == 0)
			a->status = ALERT_FIRING;
		else if (s != NULL && strcmp(s, "resolved") == 0)
			a->status = ALERT_RESOLVED;
		else
			return set_err(err, 400, index,
			    s == NULL ? "type" : "invalid_value",
			    "status: must be \"firing\" or \"resolved\"");
	}

	if ((v = json_object_get(o, "timestamp")) != NULL) {
		if (!json_is_string(v))
			return set_err(err, 400, index, "type",
			    "timestamp: must be a string");
		if (time_parse_rfc3339(json_string_value(v),
		    json_string_length(v), &a->timestamp_ms) == -1)
			return set_err(err, 400, index, "invalid_value",
			    "timestamp: not an RFC 3339 time");
	}

	if (decode_labels(o, lim, index, a, err) == -1)
		return -1;

	if ((v = json_object_get(o, "details")) != NULL) {
		if (!json_is_object(v))
			return set_err(err, 400, index, "type",
			    "details: must be an object");
		/* Sorted keys: the same details always store the same. */
		a->details_json = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
		if (a->details_json == NULL)
			return set_nomem(err, index);
	}

	if ((flags & (DECODE_UDP | DECODE_SIGNED)) == DECODE_UDP) {
		if (json_object_get(o, "key") == NULL)
			return set_err(err, 400, index, "missing_field",
			    "key: required");
		if (get_string(o, "key", SIZE_MAX, 1, index, key, err) == -1)
			return -1;
	}

	if (set_fingerprint(a) == -1)
		return set_nomem(err, index);
	return 0;
}

int
decode_generic(const char *body, size_t len, int flags,
    const struct alert_limits *lim, const char *default_source,
    struct alert **out, size_t *n, char **key, struct decode_err *err)
{
	json_t		*root = NULL;
	json_error_t	 jerr;
	struct alert	*v = NULL;
	char		*k = NULL;
	size_t		 count = 0, i;

	memset(err, 0, sizeof(*err));
	err->index = -1;
	*out = NULL;
	*n = 0;
	if (key != NULL)
		*key = NULL;

	if (prescan(body, len, lim, err) == -1)
		return -1;

	/*
	 * jansson already refuses invalid UTF-8 and \u0000 unless told
	 * otherwise (JSON_ALLOW_NUL, which we never pass). Duplicate keys
	 * are refused too: two "summary" fields would otherwise mean
	 * whichever one the parser happened to keep.
	 */
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &jerr);
	if (root == NULL)
		return set_err(err, 400, -1, "json",
		    "invalid JSON at line %d column %d: %s", jerr.line,
		    jerr.column, jerr.text);

	if (json_is_object(root))
		count = 1;
	else if (json_is_array(root) && !(flags & DECODE_UDP)) {
		count = json_array_size(root);
		if (count == 0) {
			set_err(err, 400, -1, "invalid_value",
			    "body: empty array, send at least one alert");
			goto fail;
		}
		if (count > lim->max_batch) {
			set_err(err, 413, -1, "batch_too_large",
			    "body: more than %zu alerts", lim->max_batch);
			goto fail;
		}
	} else {
		set_err(err, 400, -1, "type", (flags & DECODE_UDP) ?
		    "body: must be one object" :
		    "body: must be an object or an array of objects");
		goto fail;
	}

	if ((v = calloc(count, sizeof(*v))) == NULL) {
		set_nomem(err, -1);
		goto fail;
	}
	for (i = 0; i < count; i++) {
		json_t	*o = json_is_array(root) ? json_array_get(root, i) :
		    root;

		if (decode_one(o, (long)i, flags, lim, default_source, &v[i],
		    &k, err) == -1)
			goto fail;
	}

	json_decref(root);
	*out = v;
	*n = count;
	if (key != NULL)
		*key = k;
	else
		free(k);
	return 0;

fail:
	alert_array_free(v, count);
	free(k);
	json_decref(root);
	return -1;
}
