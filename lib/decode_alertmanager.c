/*
 * lib/decode_alertmanager.c — Alertmanager's webhook notification and
 * Prometheus' /api/v2/alerts list into struct alert. Strict on the
 * fields it reads, deaf to the ones it does not, because both peers add
 * fields between releases and must not be refused for it. No I/O, no
 * clock: the caller passes the time. Every alert of every body comes
 * through here, so the body is scanned into flat tokens (lib/jscan.h),
 * never a tree, and each alert's strings go into one allocation.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_alertmanager.h"
#include "decode_util.h"
#include "fingerprint.h"
#include "jscan.h"
#include "timefmt.h"

/*
 * Go's zero time.Time, which encoding/json writes as
 * "0001-01-01T00:00:00Z". Alertmanager sends it for "no time": the
 * webhook's endsAt of a firing alert (types.Alerts() hides an end that
 * has not been reached), and a client may post it for startsAt.
 */
#define GO_ZERO_TIME_MS	(-62135596800000LL)

/* Tokens kept on the stack: a body of a few alerts needs no allocation. */
#define STACK_TOKENS	256

/* One alert's fields: token indices into the scan, 0 when absent. */
struct am_alert {
	uint32_t	 labels;
	uint32_t	 annotations;
	uint32_t	 starts;	/* the string as sent */
	uint32_t	 ends;
	uint32_t	 generator_url;
	uint32_t	 fingerprint;	/* the webhook's own */
	int64_t		 starts_ms;
	int64_t		 ends_ms;
	size_t		 nlabels;	/* with a non-empty value */
	size_t		 label_bytes;	/* names, values, NULs */
};

/* The webhook's group fields every alert of it records in its details. */
struct am_group {
	uint32_t	 receiver;
	uint32_t	 external_url;
	uint32_t	 group_key;
};

static int
cmp_label(const void *a, const void *b)
{
	return strcmp(((const struct label *)a)->name,
	    ((const struct label *)b)->name);
}

/* The scanner's refusal, in the words the API has always used. */
static int
parse_err(const struct jscan_err *jerr, struct decode_err *err)
{
	if (jerr->nomem)
		return decode_nomem(err, -1);
	return decode_set_err(err, 400, -1, "json",
	    "invalid JSON at line %d column %d: %s", jerr->line,
	    jerr->column, jerr->text);
}

/* prefix + string token t into dst for an error message, cut as
 * decode_field_name() cuts. */
static void
field_name(char *dst, size_t size, const char *prefix,
    const struct jscan *js, uint32_t t)
{
	char	 head[DECODE_NAME_SHOWN + 8];

	/* decode_field_name() looks at most one byte past what it shows. */
	jscan_str_copy(js, t, head, sizeof(head));
	decode_field_name(dst, size, prefix, head, jscan_str_len(js, t));
}

static uint32_t
get(const struct jscan *js, uint32_t o, const char *field)
{
	return jscan_get(js, o, field, strlen(field));
}

/* Optional string field: *out is its token, 0 when absent. */
static int
opt_string(const struct jscan *js, uint32_t o, const char *field,
    long index, uint32_t *out, struct decode_err *err)
{
	uint32_t	 v;

	*out = 0;
	if ((v = get(js, o, field)) == 0)
		return 0;
	if (js->tok[v].type != JTOK_STRING)
		return decode_set_err(err, 400, index, "type",
		    "%s: must be a string", field);
	*out = v;
	return 0;
}

/* Optional RFC 3339 time; Go's zero time counts as absent. */
static int
opt_time(const struct jscan *js, uint32_t o, const char *field,
    long index, uint32_t *out, int64_t *ms, struct decode_err *err)
{
	char	 buf[64];
	size_t	 len;

	*ms = 0;
	if (opt_string(js, o, field, index, out, err) == -1)
		return -1;
	if (*out == 0)
		return 0;
	/* No RFC 3339 time is this long (timefmt.c: at most 9 digits of
	 * fraction), so a longer string needs no copy to be refused. */
	len = jscan_str_len(js, *out);
	if (len >= sizeof(buf))
		return decode_set_err(err, 400, index, "invalid_value",
		    "%s: not an RFC 3339 time", field);
	jscan_str_copy(js, *out, buf, len);
	buf[len] = '\0';
	if (time_parse_rfc3339(buf, len, ms) == -1)
		return decode_set_err(err, 400, index, "invalid_value",
		    "%s: not an RFC 3339 time", field);
	if (*ms == GO_ZERO_TIME_MS) {
		*out = 0;
		*ms = 0;
	}
	return 0;
}

/*
 * Labels: an object of strings. Empty values are dropped before
 * anything else looks at the set, as Alertmanager's removeEmptyLabels()
 * does, so the fingerprint is Alertmanager's. Label names may be any
 * UTF-8: Alertmanager accepts them since 0.27 (its default "fallback"
 * mode) and Prometheus 3 sends them; the scanner has checked the
 * encoding. Only checked and measured here: make_alert() copies them.
 */
static int
check_labels(const struct jscan *js, uint32_t o,
    const struct alert_limits *lim, long index, struct am_alert *f,
    struct decode_err *err)
{
	char		 fname[DECODE_NAME_SHOWN + 16];
	uint32_t	 v, k;
	size_t		 n = 0, nlen, vlen;

	if ((v = get(js, o, "labels")) == 0)
		return decode_set_err(err, 400, index, "missing_field",
		    "labels: required");
	if (js->tok[v].type != JTOK_OBJECT)
		return decode_set_err(err, 400, index, "type",
		    "labels: must be an object");

	for (k = jscan_first(js, v); k != 0; k = jscan_next_member(js, v, k)) {
		nlen = jscan_str_len(js, k);
		if (nlen == 0)
			return decode_set_err(err, 400, index,
			    "invalid_value", "labels: empty label name");
		if (js->tok[k + 1].type != JTOK_STRING) {
			field_name(fname, sizeof(fname), "labels.", js, k);
			return decode_set_err(err, 400, index, "type",
			    "%s: must be a string", fname);
		}
		if (nlen > lim->max_label_name) {
			field_name(fname, sizeof(fname), "labels.", js, k);
			return decode_set_err(err, 400, index,
			    "label_too_long", "%s: name longer than %zu bytes",
			    fname, lim->max_label_name);
		}
		vlen = jscan_str_len(js, k + 1);
		if (vlen > lim->max_label_value) {
			field_name(fname, sizeof(fname), "labels.", js, k);
			return decode_set_err(err, 400, index,
			    "label_too_long", "%s: longer than %zu bytes",
			    fname, lim->max_label_value);
		}
		if (vlen == 0)
			continue;
		/* Stops at the first one too many, however many follow. */
		if (++n > lim->max_labels)
			return decode_set_err(err, 400, index,
			    "too_many_labels", "labels: more than %zu labels",
			    lim->max_labels);
		f->label_bytes += nlen + vlen + 2;
	}
	/* Alertmanager's own words for an alert without identity. */
	if (n == 0)
		return decode_set_err(err, 400, index, "invalid_value",
		    "labels: at least one label pair required");
	f->labels = v;
	f->nlabels = n;
	return 0;
}

/* Annotations: an object of strings, kept as sent for the details. */
static int
check_annotations(const struct jscan *js, uint32_t o, long index,
    struct am_alert *f, struct decode_err *err)
{
	char		 fname[DECODE_NAME_SHOWN + 16];
	uint32_t	 v, k;

	if ((v = get(js, o, "annotations")) == 0)
		return 0;
	if (js->tok[v].type != JTOK_OBJECT)
		return decode_set_err(err, 400, index, "type",
		    "annotations: must be an object");
	for (k = jscan_first(js, v); k != 0; k = jscan_next_member(js, v, k)) {
		if (js->tok[k].len == 0)
			return decode_set_err(err, 400, index,
			    "invalid_value", "annotations: empty name");
		if (js->tok[k + 1].type != JTOK_STRING) {
			field_name(fname, sizeof(fname), "annotations.", js,
			    k);
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
check_size(const struct jscan *js, uint32_t o,
    const struct alert_limits *lim, long index, struct decode_err *err)
{
	size_t	 size;

	if ((size = jscan_dump_size(js, o, lim->max_alert_size)) == 0)
		return decode_nomem(err, index);
	if (size > lim->max_alert_size)
		return decode_set_err(err, 413, index, "too_large",
		    "alert: larger than %zu bytes", lim->max_alert_size);
	return 0;
}

/* The fields both formats share, in the order errors are reported. */
static int
decode_common(const struct jscan *js, uint32_t o,
    const struct alert_limits *lim, long index, struct am_alert *f,
    struct decode_err *err)
{
	if (check_labels(js, o, lim, index, f, err) == -1 ||
	    check_annotations(js, o, index, f, err) == -1 ||
	    opt_time(js, o, "startsAt", index, &f->starts, &f->starts_ms,
	    err) == -1 ||
	    opt_time(js, o, "endsAt", index, &f->ends, &f->ends_ms,
	    err) == -1 ||
	    opt_string(js, o, "generatorURL", index, &f->generator_url,
	    err) == -1)
		return -1;
	return 0;
}

/*
 * The line a person is paged with. Prometheus rules conventionally carry
 * it in annotations.summary, older ones in description or message; the
 * alert name is the last word that still means something. 0 when none
 * has any text: then it is "alert <fingerprint>".
 */
static uint32_t
summary_source(const struct jscan *js, const struct am_alert *f)
{
	static const char *const	 keys[] = {
		"summary", "description", "message"
	};
	uint32_t			 v;
	size_t				 i;

	for (i = 0; f->annotations != 0 && i < 3; i++) {
		v = get(js, f->annotations, keys[i]);
		if (v != 0 && js->tok[v].len > 0)
			return v;
	}
	v = get(js, f->labels, "alertname");
	return v != 0 && js->tok[v].len > 0 ? v : 0;
}

/* Where details are written; measures only while p is NULL. */
struct out {
	char	*p;
	size_t	 n;
};

static void
out_raw(struct out *o, const char *s, size_t n)
{
	if (o->p != NULL)
		memcpy(o->p + o->n, s, n);
	o->n += n;
}

static void
out_str(struct out *o, const struct jscan *js, uint32_t t)
{
	if (o->p != NULL)
		o->n = (size_t)(jscan_dump_str(js, t, o->p + o->n) - o->p);
	else
		o->n += jscan_dump_str_len(js, t);
}

/* ,"name":"value" (the comma unless first), when t is there. */
static void
details_field(struct out *o, const struct jscan *js, const char *name,
    uint32_t t)
{
	if (t == 0)
		return;
	if (o->n > 1)
		out_raw(o, ",", 1);
	out_raw(o, "\"", 1);
	out_raw(o, name, strlen(name));
	out_raw(o, "\":", 2);
	out_str(o, js, t);
}

static int
cmp_keys(const void *a, const void *b, void *js)
{
	return jscan_str_cmp(js, *(const uint32_t *)a, *(const uint32_t *)b);
}

/*
 * The annotations with their keys sorted, as
 * json_dumps(JSON_COMPACT | JSON_SORT_KEYS) writes them (names were
 * unique, so the order is total).
 */
static int
details_annotations(struct out *o, const struct jscan *js, uint32_t ann)
{
	uint32_t	 small[32], *keys = small, k;
	size_t		 n = js->tok[ann].count, i = 0;

	if (o->p == NULL) {
		o->n += jscan_dump_size(js, ann, SIZE_MAX - 1);
		return 0;
	}
	if (n > 32 && (keys = reallocarray(NULL, n, sizeof(*keys))) == NULL)
		return -1;
	for (k = jscan_first(js, ann); k != 0;
	    k = jscan_next_member(js, ann, k))
		keys[i++] = k;
	qsort_r(keys, n, sizeof(*keys), cmp_keys, (void *)js);
	out_raw(o, "{", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			out_raw(o, ",", 1);
		out_str(o, js, keys[i]);
		out_raw(o, ":", 1);
		out_str(o, js, keys[i] + 1);
	}
	out_raw(o, "}", 1);
	if (keys != small)
		free(keys);
	return 0;
}

/*
 * Sorted keys, so the same alert always stores the same details: the
 * text json_dumps(JSON_COMPACT | JSON_SORT_KEYS) would give for an
 * object of these fields, written straight from the tokens. Measures
 * when o->p is NULL.
 *
 * A firing alert's endsAt is left out (ends: 0): Prometheus sends a
 * fresh one with every evaluation, and in the details it would make
 * every repeat a change of content, which the store writes again in
 * full and notes as the incident's last change (store_lua.c). The end
 * is kept as the alert's ends_at all the same.
 */
static int
details(struct out *o, const struct jscan *js, const struct am_alert *f,
    const struct am_group *g, int ends)
{
	static const struct am_group	 none;

	if (g == NULL)
		g = &none;
	out_raw(o, "{", 1);
	if (f->annotations != 0) {
		out_raw(o, "\"annotations\":", 14);
		if (details_annotations(o, js, f->annotations) == -1)
			return -1;
	}
	/* In strcmp() order of the names. */
	if (ends)
		details_field(o, js, "endsAt", f->ends);
	details_field(o, js, "externalURL", g->external_url);
	details_field(o, js, "generatorURL", f->generator_url);
	details_field(o, js, "groupKey", g->group_key);
	details_field(o, js, "receiver", g->receiver);
	details_field(o, js, "startsAt", f->starts);
	out_raw(o, "}", 1);
	return 0;
}

/* Copy string token t to *p, NUL-terminated; returns the copy. */
static char *
put_str(const struct jscan *js, uint32_t t, char **p)
{
	char	*s = *p;
	size_t	 n;

	n = jscan_str_copy(js, t, s, SIZE_MAX);
	s[n] = '\0';
	*p = s + n + 1;
	return s;
}

/*
 * Everything the alert owns from the body, in one allocation
 * (a->strings): the label array, then labels, fingerprint, summary and
 * details (with endsAt when ends). Severity is the severity label's
 * value itself. Called once every check has passed, so it fails only
 * for memory.
 */
static int
make_alert(const struct jscan *js, const struct am_alert *f,
    const struct am_group *g, const struct alert_limits *lim, int ends,
    struct alert *a)
{
	struct out	 d = { NULL, 0 };
	uint32_t	 k, sum;
	size_t		 size, fplen, sumlen, i = 0;
	char		*p;

	fplen = f->fingerprint != 0 ? jscan_str_len(js, f->fingerprint) :
	    16;
	sum = summary_source(js, f);
	sumlen = sum != 0 ? jscan_str_len(js, sum) : 6 + fplen;
	if (details(&d, js, f, g, ends) == -1)
		return -1;
	size = f->nlabels * sizeof(*a->labels) + f->label_bytes + fplen + 1 +
	    sumlen + 1 + d.n + 1;
	if ((a->strings = malloc(size)) == NULL)
		return -1;

	a->labels = (struct label *)(void *)a->strings;
	p = a->strings + f->nlabels * sizeof(*a->labels);
	for (k = jscan_first(js, f->labels); k != 0;
	    k = jscan_next_member(js, f->labels, k)) {
		if (js->tok[k + 1].len == 0)
			continue;
		a->labels[i].name = put_str(js, k, &p);
		a->labels[i].value = put_str(js, k + 1, &p);
		i++;
	}
	a->nlabels = i;
	qsort(a->labels, a->nlabels, sizeof(*a->labels), cmp_label);
	for (i = 0; i < a->nlabels; i++)
		if (strcmp(a->labels[i].name, "severity") == 0)
			a->severity = a->labels[i].value;

	a->fingerprint = p;
	if (f->fingerprint != 0)
		put_str(js, f->fingerprint, &p);
	else {
		fp_format(fp_labels(a->labels, a->nlabels), p);
		p += 17;
	}

	/*
	 * A long summary is cut, not refused: it was derived here, the
	 * sender did nothing wrong, and Alertmanager would not retry a 400.
	 */
	a->summary = p;
	if (sum != 0)
		jscan_str_copy(js, sum, p, sumlen);
	else {
		memcpy(p, "alert ", 6);
		memcpy(p + 6, a->fingerprint, fplen);
	}
	p[decode_cut(p, sumlen, lim->max_summary)] = '\0';
	p += sumlen + 1;

	d.p = a->details_json = p;
	d.n = 0;
	if (details(&d, js, f, g, ends) == -1)
		return -1;
	p[d.n] = '\0';
	return 0;
}

static int
webhook_alert(const struct jscan *js, uint32_t o, long index,
    const struct alert_limits *lim, const struct am_group *g,
    struct alert *a, struct decode_err *err)
{
	struct am_alert	 f;
	uint32_t	 v;
	size_t		 len;

	memset(&f, 0, sizeof(f));
	if (js->tok[o].type != JTOK_OBJECT)
		return decode_set_err(err, 400, index, "type",
		    "alert: must be an object");
	if (check_size(js, o, lim, index, err) == -1)
		return -1;

	if ((v = get(js, o, "status")) == 0)
		return decode_set_err(err, 400, index, "missing_field",
		    "status: required");
	if (js->tok[v].type == JTOK_STRING &&
	    jscan_str_eq(js, v, "firing", 6))
		a->status = ALERT_FIRING;
	else if (js->tok[v].type == JTOK_STRING &&
	    jscan_str_eq(js, v, "resolved", 8))
		a->status = ALERT_RESOLVED;
	else
		return decode_set_err(err, 400, index,
		    js->tok[v].type != JTOK_STRING ? "type" : "invalid_value",
		    "status: must be \"firing\" or \"resolved\"");

	if (decode_common(js, o, lim, index, &f, err) == -1 ||
	    opt_string(js, o, "fingerprint", index, &f.fingerprint,
	    err) == -1)
		return -1;

	/*
	 * Alertmanager's own fingerprint (16 hex digits) is kept as it
	 * is: it names the alert in Alertmanager's UI and API, and a
	 * sender that computes it differently still dedups consistently.
	 */
	if (f.fingerprint != 0) {
		len = jscan_str_len(js, f.fingerprint);
		if (len == 0)
			return decode_set_err(err, 400, index,
			    "invalid_value", "fingerprint: must not be empty");
		if (len > lim->max_dedup_key)
			return decode_set_err(err, 400, index, "too_large",
			    "fingerprint: longer than %zu bytes",
			    lim->max_dedup_key);
	}

	if (make_alert(js, &f, g, lim, a->status == ALERT_RESOLVED, a) == -1)
		return decode_nomem(err, index);
	a->timestamp_ms = f.starts_ms;
	/* Alertmanager sends the resolution itself; nothing expires here. */
	a->ends_at_ms = 0;
	return 0;
}

/* jansson's json_integer_value() of an integer token (the scan has
 * checked that it fits). */
static int64_t
int_value(const struct jscan *js, uint32_t t)
{
	const char	*s = js->body + js->tok[t].start;
	size_t		 i = s[0] == '-', n = js->tok[t].len;
	uint64_t	 v = 0;

	for (; i < n; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return s[0] == '-' ? (int64_t)(0 - v) : (int64_t)v;
}

/*
 * The per-alert array for count alerts, or a refusal past max_batch.
 * what names the array in the message.
 */
static int
alloc_alerts(size_t count, const struct alert_limits *lim,
    const char *what, struct alert **vec, struct decode_err *err)
{
	*vec = NULL;
	if (count > lim->max_batch)
		return decode_set_err(err, 413, -1, "batch_too_large",
		    "%s: more than %zu alerts", what, lim->max_batch);
	if (count > 0 && (*vec = calloc(count, sizeof(**vec))) == NULL)
		return decode_nomem(err, -1);
	return 0;
}

int
decode_am_webhook(const char *body, size_t len,
    const struct alert_limits *lim, struct alert **out, size_t *n,
    uint64_t *truncated, struct decode_err *err)
{
	struct jtok		 stack[STACK_TOKENS];
	struct jscan		 js;
	struct jscan_err	 jerr;
	struct am_group		 g;
	struct alert		*vec = NULL;
	char			 shown[DECODE_NAME_SHOWN + 8];
	uint32_t		 v, alerts, k;
	size_t			 count = 0, i;
	int64_t			 tr;

	memset(err, 0, sizeof(*err));
	err->index = -1;
	memset(&g, 0, sizeof(g));
	*out = NULL;
	*n = 0;
	if (truncated != NULL)
		*truncated = 0;

	/*
	 * The scanner refuses invalid UTF-8, \u0000 and duplicate keys
	 * (two "status" keys would otherwise mean whichever one a reader
	 * kept), as jansson did with JSON_REJECT_DUPLICATES.
	 */
	if (jscan_parse(&js, body, len, stack, STACK_TOKENS, &jerr) == -1)
		return parse_err(&jerr, err);
	if (js.tok[0].type != JTOK_OBJECT) {
		decode_set_err(err, 400, -1, "type",
		    "body: must be an Alertmanager webhook object");
		goto fail;
	}

	/*
	 * Alertmanager's webhook notifier always writes "4" (its
	 * notify/webhook Message); another value means another sender or
	 * another format, whose fields we would only be guessing at.
	 */
	if ((v = get(&js, 0, "version")) == 0) {
		decode_set_err(err, 400, -1, "missing_field",
		    "version: required (Alertmanager sends \"4\")");
		goto fail;
	}
	if (js.tok[v].type != JTOK_STRING) {
		decode_set_err(err, 400, -1, "type",
		    "version: must be a string");
		goto fail;
	}
	if (!jscan_str_eq(&js, v, "4", 1)) {
		field_name(shown, sizeof(shown), "", &js, v);
		decode_set_err(err, 400, -1, "invalid_value",
		    "version: \"%s\" is not supported, only \"4\"", shown);
		goto fail;
	}

	if (opt_string(&js, 0, "receiver", -1, &g.receiver, err) == -1 ||
	    opt_string(&js, 0, "externalURL", -1, &g.external_url,
	    err) == -1 ||
	    opt_string(&js, 0, "groupKey", -1, &g.group_key, err) == -1)
		goto fail;

	if ((v = get(&js, 0, "truncatedAlerts")) != 0) {
		if (js.tok[v].type != JTOK_NUMBER ||
		    (js.tok[v].flags & JTOK_REAL) ||
		    (tr = int_value(&js, v)) < 0) {
			decode_set_err(err, 400, -1,
			    js.tok[v].type == JTOK_NUMBER &&
			    !(js.tok[v].flags & JTOK_REAL) ?
			    "invalid_value" : "type",
			    "truncatedAlerts: must be a non-negative integer");
			goto fail;
		}
		if (truncated != NULL)
			*truncated = (uint64_t)tr;
	}

	if ((alerts = get(&js, 0, "alerts")) == 0) {
		decode_set_err(err, 400, -1, "missing_field",
		    "alerts: required");
		goto fail;
	}
	if (js.tok[alerts].type != JTOK_ARRAY) {
		decode_set_err(err, 400, -1, "type",
		    "alerts: must be an array");
		goto fail;
	}
	if (alloc_alerts(js.tok[alerts].count, lim, "alerts", &vec,
	    err) == -1)
		goto fail;
	count = js.tok[alerts].count;
	for (i = 0, k = alerts + 1; i < count; i++, k = js.tok[k].next)
		if (webhook_alert(&js, k, (long)i, lim, &g, &vec[i],
		    err) == -1)
			goto fail;

	jscan_free(&js);
	*out = vec;
	*n = count;
	return 0;

fail:
	alert_array_free(vec, count);
	jscan_free(&js);
	if (truncated != NULL)
		*truncated = 0;
	return -1;
}

static int
api_alert(const struct jscan *js, uint32_t o, long index,
    const struct alert_limits *lim, int64_t now_ms,
    int64_t resolve_timeout_ms, struct alert *a, struct decode_err *err)
{
	struct am_alert	 f;

	memset(&f, 0, sizeof(f));
	if (js->tok[o].type != JTOK_OBJECT)
		return decode_set_err(err, 400, index, "type",
		    "alert: must be an object");
	if (check_size(js, o, lim, index, err) == -1 ||
	    decode_common(js, o, lim, index, &f, err) == -1)
		return -1;
	/* Alertmanager: "start time must be before end time". */
	if (f.starts != 0 && f.ends != 0 && f.ends_ms < f.starts_ms)
		return decode_set_err(err, 400, index, "invalid_value",
		    "endsAt: before startsAt");

	/*
	 * Alertmanager's postAlertsHandler: without an end, the alert ends
	 * resolve_timeout from now unless sent again (Prometheus re-sends
	 * firing alerts with a fresh endsAt every evaluation); an end that
	 * has passed means resolved. A missing start is the end, as there.
	 */
	a->status = f.ends != 0 && f.ends_ms <= now_ms ? ALERT_RESOLVED :
	    ALERT_FIRING;
	if (make_alert(js, &f, NULL, lim, a->status == ALERT_RESOLVED,
	    a) == -1)
		return decode_nomem(err, index);

	a->ends_at_ms = f.ends != 0 ? f.ends_ms :
	    now_ms + resolve_timeout_ms;
	a->timestamp_ms = f.starts != 0 ? f.starts_ms : f.ends_ms;
	return 0;
}

int
decode_am_alerts(const char *body, size_t len,
    const struct alert_limits *lim, int64_t now_ms,
    int64_t resolve_timeout_ms, struct alert **out, size_t *n,
    struct decode_err *err)
{
	struct jtok		 stack[STACK_TOKENS];
	struct jscan		 js;
	struct jscan_err	 jerr;
	struct alert		*vec = NULL;
	size_t			 count = 0, i;
	uint32_t		 k;

	memset(err, 0, sizeof(*err));
	err->index = -1;
	*out = NULL;
	*n = 0;

	if (jscan_parse(&js, body, len, stack, STACK_TOKENS, &jerr) == -1)
		return parse_err(&jerr, err);
	if (js.tok[0].type != JTOK_ARRAY) {
		decode_set_err(err, 400, -1, "type",
		    "body: must be an array of alerts");
		goto fail;
	}
	/*
	 * An empty list is a valid POST (Alertmanager answers 200), and a
	 * 400 would only make the sender log an error about nothing.
	 */
	if (alloc_alerts(js.tok[0].count, lim, "body", &vec, err) == -1)
		goto fail;
	count = js.tok[0].count;
	for (i = 0, k = 1; i < count; i++, k = js.tok[k].next)
		if (api_alert(&js, k, (long)i, lim, now_ms,
		    resolve_timeout_ms, &vec[i], err) == -1)
			goto fail;

	jscan_free(&js);
	*out = vec;
	*n = count;
	return 0;

fail:
	alert_array_free(vec, count);
	jscan_free(&js);
	return -1;
}
