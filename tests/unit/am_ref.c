/*
 * tests/unit/am_ref.c — the Alertmanager decoders as they were built on
 * jansson's tree (lib/decode_alertmanager.c before lib/jscan.c), kept
 * as the reference the token-based ones must agree with byte for byte:
 * tests/unit/test_jscan.c feeds both the same mutated bodies. Test code
 * only; the daemon never links it.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "am_ref.h"
#include "decode_util.h"
#include "fingerprint.h"
#include "strbuf.h"
#include "timefmt.h"

/* What lib/decode_util.c offered before decode_cut() took its place. */
static char *
decode_strdup_cut(const char *s, size_t len, size_t max)
{
	char	*d;

	if ((d = strndup(s, len)) != NULL)
		d[decode_cut(d, len, max)] = '\0';
	return d;
}

/*
 * A string as jansson writes it without JSON_ENSURE_ASCII or
 * JSON_ESCAPE_SLASH (dump.c, dump_string()): quotes, then '"' and '\\'
 * and the short escapes in two bytes, other control characters as
 * \\u00XX, everything else as it is.
 */
static size_t
json_string_size(const char *s, size_t len)
{
	size_t	 n = len + 2, i;

	for (i = 0; i < len; i++) {
		unsigned char	 c = (unsigned char)s[i];

		if (c == '"' || c == '\\' || c == '\b' || c == '\f' ||
		    c == '\n' || c == '\r' || c == '\t')
			n += 1;
		else if (c < 0x20)
			n += 5;
	}
	return n;
}

static size_t
decode_json_size(const json_t *v, size_t max)
{
	const char	*key;
	json_t		*m;
	size_t		 n, i, sub;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		n = 2 + (json_object_size(v) > 0 ?
		    json_object_size(v) - 1 : 0);
		json_object_foreach((json_t *)v, key, m) {
			if ((sub = decode_json_size(m, max)) == 0)
				return 0;
			/* "key": */
			n += json_string_size(key, strlen(key)) + 1 + sub;
			if (n > max)
				return max + 1;
		}
		return n;
	case JSON_ARRAY:
		n = 2 + (json_array_size(v) > 0 ? json_array_size(v) - 1 : 0);
		for (i = 0; i < json_array_size(v); i++) {
			if ((sub = decode_json_size(json_array_get(v, i),
			    max)) == 0)
				return 0;
			if ((n += sub) > max)
				return max + 1;
		}
		return n;
	case JSON_STRING:
		return json_string_size(json_string_value(v),
		    json_string_length(v));
	case JSON_TRUE:
	case JSON_NULL:
		return 4;
	case JSON_FALSE:
		return 5;
	default:
		/* Numbers are rare in alerts: let jansson format them. */
		return json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
	}
}

/*
 * Go's zero time.Time, which encoding/json writes as
 * "0001-01-01T00:00:00Z". Alertmanager sends it for "no time": the
 * webhook's endsAt of a firing alert (types.Alerts() hides an end that
 * has not been reached), and a client may post it for startsAt.
 */
#define GO_ZERO_TIME_MS	(-62135596800000LL)

/* One alert's fields, borrowed from the JSON tree. */
struct am_alert {
	json_t	*labels;
	json_t	*annotations;	/* NULL when absent */
	json_t	*starts;	/* the string as sent; NULL when absent */
	json_t	*ends;
	json_t	*generator_url;
	int64_t	 starts_ms;
	int64_t	 ends_ms;
};

/* The webhook's group fields every alert of it records in its details. */
struct am_group {
	json_t	*receiver;
	json_t	*external_url;
	json_t	*group_key;
};

static int
cmp_label(const void *a, const void *b)
{
	return strcmp(((const struct label *)a)->name,
	    ((const struct label *)b)->name);
}

/*
 * jansson's refusal. Running out of memory is ours to answer, not the
 * sender's, when jansson says so: by its error code or, when some of its
 * allocations fail, by setting neither code nor text (a parse error
 * always has text). jerr must have been zeroed before json_loadb().
 */
static int
parse_err(const json_error_t *jerr, struct decode_err *err)
{
	if (json_error_code(jerr) == json_error_out_of_memory ||
	    jerr->text[0] == '\0')
		return decode_nomem(err, -1);
	return decode_set_err(err, 400, -1, "json",
	    "invalid JSON at line %d column %d: %s", jerr->line,
	    jerr->column, jerr->text);
}

/* Optional string field: *out borrows it, NULL when absent. */
static int
opt_string(json_t *o, const char *field, long index, json_t **out,
    struct decode_err *err)
{
	json_t	*v;

	*out = NULL;
	if ((v = json_object_get(o, field)) == NULL)
		return 0;
	if (!json_is_string(v))
		return decode_set_err(err, 400, index, "type",
		    "%s: must be a string", field);
	*out = v;
	return 0;
}

/* Optional RFC 3339 time; Go's zero time counts as absent. */
static int
opt_time(json_t *o, const char *field, long index, json_t **out,
    int64_t *ms, struct decode_err *err)
{
	*ms = 0;
	if (opt_string(o, field, index, out, err) == -1)
		return -1;
	if (*out == NULL)
		return 0;
	if (time_parse_rfc3339(json_string_value(*out),
	    json_string_length(*out), ms) == -1)
		return decode_set_err(err, 400, index, "invalid_value",
		    "%s: not an RFC 3339 time", field);
	if (*ms == GO_ZERO_TIME_MS) {
		*out = NULL;
		*ms = 0;
	}
	return 0;
}

/*
 * Labels: an object of strings. Empty values are dropped before
 * anything else looks at the set, as Alertmanager's removeEmptyLabels()
 * does, so the fingerprint is Alertmanager's. Label names may be any
 * UTF-8: Alertmanager accepts them since 0.27 (its default "fallback"
 * mode) and Prometheus 3 sends them; jansson has checked the encoding.
 */
static int
decode_labels(json_t *o, const struct alert_limits *lim, long index,
    struct am_alert *f, struct alert *a, struct decode_err *err)
{
	json_t		*v, *val;
	const char	*name;
	char		 fname[DECODE_NAME_SHOWN + 16];
	size_t		 n = 0, i, nlen;

	if ((v = json_object_get(o, "labels")) == NULL)
		return decode_set_err(err, 400, index, "missing_field",
		    "labels: required");
	if (!json_is_object(v))
		return decode_set_err(err, 400, index, "type",
		    "labels: must be an object");

	json_object_foreach(v, name, val) {
		nlen = strlen(name);
		decode_field_name(fname, sizeof(fname), "labels.", name, nlen);
		if (nlen == 0)
			return decode_set_err(err, 400, index,
			    "invalid_value", "labels: empty label name");
		if (!json_is_string(val))
			return decode_set_err(err, 400, index, "type",
			    "%s: must be a string", fname);
		if (nlen > lim->max_label_name)
			return decode_set_err(err, 400, index,
			    "label_too_long", "%s: name longer than %zu bytes",
			    fname, lim->max_label_name);
		if (json_string_length(val) > lim->max_label_value)
			return decode_set_err(err, 400, index,
			    "label_too_long", "%s: longer than %zu bytes",
			    fname, lim->max_label_value);
		if (json_string_length(val) == 0)
			continue;
		/* Stops at the first one too many, however many follow. */
		if (++n > lim->max_labels)
			return decode_set_err(err, 400, index,
			    "too_many_labels", "labels: more than %zu labels",
			    lim->max_labels);
	}
	/* Alertmanager's own words for an alert without identity. */
	if (n == 0)
		return decode_set_err(err, 400, index, "invalid_value",
		    "labels: at least one label pair required");

	if ((a->labels = calloc(n, sizeof(*a->labels))) == NULL)
		return decode_nomem(err, index);
	i = 0;
	json_object_foreach(v, name, val) {
		if (json_string_length(val) == 0)
			continue;
		a->labels[i].name = strdup(name);
		a->labels[i].value = strdup(json_string_value(val));
		/* Count it first so alert_clear() frees a half-made pair. */
		a->nlabels = ++i;
		if (a->labels[i - 1].name == NULL ||
		    a->labels[i - 1].value == NULL)
			return decode_nomem(err, index);
	}
	/* jansson refused duplicate keys, so names are unique. */
	qsort(a->labels, a->nlabels, sizeof(*a->labels), cmp_label);
	f->labels = v;
	return 0;
}

/* Annotations: an object of strings, kept as sent for the details. */
static int
check_annotations(json_t *o, long index, struct am_alert *f,
    struct decode_err *err)
{
	json_t		*v, *val;
	const char	*name;
	char		 fname[DECODE_NAME_SHOWN + 16];
	size_t		 nlen;

	if ((v = json_object_get(o, "annotations")) == NULL)
		return 0;
	if (!json_is_object(v))
		return decode_set_err(err, 400, index, "type",
		    "annotations: must be an object");
	json_object_foreach(v, name, val) {
		nlen = strlen(name);
		if (nlen == 0)
			return decode_set_err(err, 400, index,
			    "invalid_value", "annotations: empty name");
		if (!json_is_string(val)) {
			decode_field_name(fname, sizeof(fname),
			    "annotations.", name, nlen);
			return decode_set_err(err, 400, index, "type",
			    "%s: must be a string", fname);
		}
	}
	f->annotations = v;
	return 0;
}

/*
 * The bytes of one alert, measured as compact JSON so that a sender's
 * indentation does not count against it. Measured after parsing: the
 * body as a whole is already bounded by the HTTP layer.
 */
static int
check_size(json_t *o, const struct alert_limits *lim, long index,
    struct decode_err *err)
{
	size_t	 size;

	if ((size = decode_json_size(o, lim->max_alert_size)) == 0)
		return decode_nomem(err, index);
	if (size > lim->max_alert_size)
		return decode_set_err(err, 413, index, "too_large",
		    "alert: larger than %zu bytes", lim->max_alert_size);
	return 0;
}

/* The fields both formats share, in the order errors are reported. */
static int
decode_common(json_t *o, const struct alert_limits *lim, long index,
    struct am_alert *f, struct alert *a, struct decode_err *err)
{
	if (decode_labels(o, lim, index, f, a, err) == -1 ||
	    check_annotations(o, index, f, err) == -1 ||
	    opt_time(o, "startsAt", index, &f->starts, &f->starts_ms,
	    err) == -1 ||
	    opt_time(o, "endsAt", index, &f->ends, &f->ends_ms, err) == -1 ||
	    opt_string(o, "generatorURL", index, &f->generator_url,
	    err) == -1)
		return -1;
	return 0;
}

static int
set_fingerprint(struct alert *a)
{
	if ((a->fingerprint = malloc(17)) == NULL)
		return -1;
	fp_format(fp_labels(a->labels, a->nlabels), a->fingerprint);
	return 0;
}

/*
 * The line a person is paged with. Prometheus rules conventionally carry
 * it in annotations.summary, older ones in description or message; the
 * alert name is the last word that still means something. A long
 * description is cut, not refused: it was derived here, the sender did
 * nothing wrong, and Alertmanager would not retry a 400.
 */
static int
set_summary(const struct am_alert *f, const struct alert_limits *lim,
    struct alert *a)
{
	static const char *const	 keys[] = {
		"summary", "description", "message"
	};
	json_t				*v = NULL;
	size_t				 i, len;
	char				*tmp;

	for (i = 0; f->annotations != NULL && i < 3; i++) {
		v = json_object_get(f->annotations, keys[i]);
		if (v != NULL && json_string_length(v) > 0)
			break;
		v = NULL;
	}
	if (v == NULL)
		v = json_object_get(f->labels, "alertname");
	if (v != NULL && json_string_length(v) > 0) {
		a->summary = decode_strdup_cut(json_string_value(v),
		    json_string_length(v), lim->max_summary);
		return a->summary == NULL ? -1 : 0;
	}

	len = strlen(a->fingerprint) + 6;
	if ((tmp = malloc(len + 1)) == NULL)
		return -1;
	snprintf(tmp, len + 1, "alert %s", a->fingerprint);
	a->summary = decode_strdup_cut(tmp, len, lim->max_summary);
	free(tmp);
	return a->summary == NULL ? -1 : 0;
}

static int
set_severity(const struct am_alert *f, struct alert *a)
{
	json_t	*v;

	v = json_object_get(f->labels, "severity");
	if (v == NULL || json_string_length(v) == 0)
		return 0;
	a->severity = strdup(json_string_value(v));
	return a->severity == NULL ? -1 : 0;
}

static int
dump_to_strbuf(const char *p, size_t n, void *arg)
{
	strbuf_add(arg, p, n);
	return 0;
}

/* ,"name":"value" (the comma unless first), when v is there. */
static void
details_field(struct strbuf *sb, const char *name, const json_t *v)
{
	if (v == NULL)
		return;
	if (sb->len > 1)
		strbuf_char(sb, ',');
	strbuf_json_string(sb, name, strlen(name));
	strbuf_char(sb, ':');
	strbuf_json_string(sb, json_string_value(v), json_string_length(v));
}

/*
 * Sorted keys, so the same alert always stores the same details: the
 * text json_dumps(JSON_COMPACT | JSON_SORT_KEYS) would give for an
 * object of these fields, written directly (every alert of every body
 * comes through here; building a json_t to dump it cost more than
 * parsing the alert). A firing alert's endsAt is left out: it is the
 * alert's ends_at, and Prometheus moves it at every evaluation.
 */
static int
set_details(const struct am_alert *f, const struct am_group *g,
    struct alert *a)
{
	struct strbuf	 sb = STRBUF_INIT;

	strbuf_char(&sb, '{');
	if (f->annotations != NULL) {
		strbuf_str(&sb, "\"annotations\":");
		if (json_dump_callback(f->annotations, dump_to_strbuf, &sb,
		    JSON_COMPACT | JSON_SORT_KEYS) == -1)
			sb.oom = 1;
	}
	/* In strcmp() order of the names. */
	if (a->status == ALERT_RESOLVED)
		details_field(&sb, "endsAt", f->ends);
	details_field(&sb, "externalURL", g != NULL ? g->external_url : NULL);
	details_field(&sb, "generatorURL", f->generator_url);
	details_field(&sb, "groupKey", g != NULL ? g->group_key : NULL);
	details_field(&sb, "receiver", g != NULL ? g->receiver : NULL);
	details_field(&sb, "startsAt", f->starts);
	strbuf_char(&sb, '}');
	if (sb.oom) {
		free(sb.s);
		return -1;
	}
	a->details_json = sb.s;
	return 0;
}

static int
webhook_alert(json_t *o, long index, const struct alert_limits *lim,
    const struct am_group *g, struct alert *a, struct decode_err *err)
{
	struct am_alert	 f;
	json_t		*v, *fp;
	const char	*s;

	memset(&f, 0, sizeof(f));
	if (!json_is_object(o))
		return decode_set_err(err, 400, index, "type",
		    "alert: must be an object");
	if (check_size(o, lim, index, err) == -1)
		return -1;

	if ((v = json_object_get(o, "status")) == NULL)
		return decode_set_err(err, 400, index, "missing_field",
		    "status: required");
	s = json_string_value(v);
	if (s != NULL && strcmp(s, "firing") == 0)
		a->status = ALERT_FIRING;
	else if (s != NULL && strcmp(s, "resolved") == 0)
		a->status = ALERT_RESOLVED;
	else
		return decode_set_err(err, 400, index,
		    s == NULL ? "type" : "invalid_value",
		    "status: must be \"firing\" or \"resolved\"");

	if (decode_common(o, lim, index, &f, a, err) == -1 ||
	    opt_string(o, "fingerprint", index, &fp, err) == -1)
		return -1;

	/*
	 * Alertmanager's own fingerprint (16 hex digits) is kept as it
	 * is: it names the alert in Alertmanager's UI and API, and a
	 * sender that computes it differently still dedups consistently.
	 */
	if (fp != NULL) {
		if (json_string_length(fp) == 0)
			return decode_set_err(err, 400, index,
			    "invalid_value", "fingerprint: must not be empty");
		if (json_string_length(fp) > lim->max_dedup_key)
			return decode_set_err(err, 400, index, "too_large",
			    "fingerprint: longer than %zu bytes",
			    lim->max_dedup_key);
		if ((a->fingerprint = strdup(json_string_value(fp))) == NULL)
			return decode_nomem(err, index);
	} else if (set_fingerprint(a) == -1)
		return decode_nomem(err, index);

	if (set_summary(&f, lim, a) == -1 || set_severity(&f, a) == -1 ||
	    set_details(&f, g, a) == -1)
		return decode_nomem(err, index);
	a->timestamp_ms = f.starts_ms;
	/* Alertmanager sends the resolution itself; nothing expires here. */
	a->ends_at_ms = 0;
	return 0;
}

int
ref_decode_am_webhook(const char *body, size_t len,
    const struct alert_limits *lim, struct alert **out, size_t *n,
    uint64_t *truncated, struct decode_err *err)
{
	json_t		*root, *v, *alerts;
	json_error_t	 jerr;
	struct am_group	 g;
	struct alert	*vec = NULL;
	char		 shown[DECODE_NAME_SHOWN + 8];
	size_t		 count = 0, i;

	memset(err, 0, sizeof(*err));
	err->index = -1;
	memset(&g, 0, sizeof(g));
	*out = NULL;
	*n = 0;
	if (truncated != NULL)
		*truncated = 0;

	/*
	 * jansson refuses invalid UTF-8 and \u0000 (we never pass
	 * JSON_ALLOW_NUL), and with JSON_REJECT_DUPLICATES two "status"
	 * keys, which would otherwise mean whichever one it kept. jerr is
	 * zeroed for parse_err().
	 */
	memset(&jerr, 0, sizeof(jerr));
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &jerr);
	if (root == NULL)
		return parse_err(&jerr, err);
	if (!json_is_object(root)) {
		decode_set_err(err, 400, -1, "type",
		    "body: must be an Alertmanager webhook object");
		goto fail;
	}

	/*
	 * Alertmanager's webhook notifier always writes "4" (its
	 * notify/webhook Message); another value means another sender or
	 * another format, whose fields we would only be guessing at.
	 */
	if ((v = json_object_get(root, "version")) == NULL) {
		decode_set_err(err, 400, -1, "missing_field",
		    "version: required (Alertmanager sends \"4\")");
		goto fail;
	}
	if (!json_is_string(v)) {
		decode_set_err(err, 400, -1, "type",
		    "version: must be a string");
		goto fail;
	}
	if (strcmp(json_string_value(v), "4") != 0) {
		decode_field_name(shown, sizeof(shown), "",
		    json_string_value(v), json_string_length(v));
		decode_set_err(err, 400, -1, "invalid_value",
		    "version: \"%s\" is not supported, only \"4\"", shown);
		goto fail;
	}

	if (opt_string(root, "receiver", -1, &g.receiver, err) == -1 ||
	    opt_string(root, "externalURL", -1, &g.external_url, err) == -1 ||
	    opt_string(root, "groupKey", -1, &g.group_key, err) == -1)
		goto fail;

	if ((v = json_object_get(root, "truncatedAlerts")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			decode_set_err(err, 400, -1, json_is_integer(v) ?
			    "invalid_value" : "type",
			    "truncatedAlerts: must be a non-negative integer");
			goto fail;
		}
		if (truncated != NULL)
			*truncated = (uint64_t)json_integer_value(v);
	}

	if ((alerts = json_object_get(root, "alerts")) == NULL) {
		decode_set_err(err, 400, -1, "missing_field",
		    "alerts: required");
		goto fail;
	}
	if (!json_is_array(alerts)) {
		decode_set_err(err, 400, -1, "type",
		    "alerts: must be an array");
		goto fail;
	}
	count = json_array_size(alerts);
	if (count > lim->max_batch) {
		decode_set_err(err, 413, -1, "batch_too_large",
		    "alerts: more than %zu alerts", lim->max_batch);
		count = 0;
		goto fail;
	}
	if (count > 0 && (vec = calloc(count, sizeof(*vec))) == NULL) {
		decode_nomem(err, -1);
		count = 0;
		goto fail;
	}
	for (i = 0; i < count; i++)
		if (webhook_alert(json_array_get(alerts, i), (long)i, lim, &g,
		    &vec[i], err) == -1)
			goto fail;

	json_decref(root);
	*out = vec;
	*n = count;
	return 0;

fail:
	alert_array_free(vec, count);
	json_decref(root);
	if (truncated != NULL)
		*truncated = 0;
	return -1;
}

static int
api_alert(json_t *o, long index, const struct alert_limits *lim,
    int64_t now_ms, int64_t resolve_timeout_ms, struct alert *a,
    struct decode_err *err)
{
	struct am_alert	 f;

	memset(&f, 0, sizeof(f));
	if (!json_is_object(o))
		return decode_set_err(err, 400, index, "type",
		    "alert: must be an object");
	if (check_size(o, lim, index, err) == -1 ||
	    decode_common(o, lim, index, &f, a, err) == -1)
		return -1;
	/* Alertmanager: "start time must be before end time". */
	if (f.starts != NULL && f.ends != NULL && f.ends_ms < f.starts_ms)
		return decode_set_err(err, 400, index, "invalid_value",
		    "endsAt: before startsAt");

	/*
	 * Alertmanager's postAlertsHandler: without an end, the alert ends
	 * resolve_timeout from now unless sent again (Prometheus re-sends
	 * firing alerts with a fresh endsAt every evaluation); an end that
	 * has passed means resolved. A missing start is the end, as there.
	 */
	a->status = f.ends != NULL && f.ends_ms <= now_ms ? ALERT_RESOLVED :
	    ALERT_FIRING;
	if (set_fingerprint(a) == -1 || set_summary(&f, lim, a) == -1 ||
	    set_severity(&f, a) == -1 || set_details(&f, NULL, a) == -1)
		return decode_nomem(err, index);

	a->ends_at_ms = f.ends != NULL ? f.ends_ms :
	    now_ms + resolve_timeout_ms;
	a->timestamp_ms = f.starts != NULL ? f.starts_ms : f.ends_ms;
	return 0;
}

int
ref_decode_am_alerts(const char *body, size_t len,
    const struct alert_limits *lim, int64_t now_ms,
    int64_t resolve_timeout_ms, struct alert **out, size_t *n,
    struct decode_err *err)
{
	json_t		*root;
	json_error_t	 jerr;
	struct alert	*vec = NULL;
	size_t		 count = 0, i;

	memset(err, 0, sizeof(*err));
	err->index = -1;
	*out = NULL;
	*n = 0;

	memset(&jerr, 0, sizeof(jerr));	/* for parse_err() */
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &jerr);
	if (root == NULL)
		return parse_err(&jerr, err);
	if (!json_is_array(root)) {
		decode_set_err(err, 400, -1, "type",
		    "body: must be an array of alerts");
		goto fail;
	}
	/*
	 * An empty list is a valid POST (Alertmanager answers 200), and a
	 * 400 would only make the sender log an error about nothing.
	 */
	count = json_array_size(root);
	if (count > lim->max_batch) {
		decode_set_err(err, 413, -1, "batch_too_large",
		    "body: more than %zu alerts", lim->max_batch);
		count = 0;
		goto fail;
	}
	if (count > 0 && (vec = calloc(count, sizeof(*vec))) == NULL) {
		decode_nomem(err, -1);
		count = 0;
		goto fail;
	}
	for (i = 0; i < count; i++)
		if (api_alert(json_array_get(root, i), (long)i, lim, now_ms,
		    resolve_timeout_ms, &vec[i], err) == -1)
			goto fail;

	json_decref(root);
	*out = vec;
	*n = count;
	return 0;

fail:
	alert_array_free(vec, count);
	json_decref(root);
	return -1;
}
