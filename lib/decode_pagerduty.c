/*
 * lib/decode_pagerduty.c — PagerDuty Events API v2 events into struct
 * alert, refused in PagerDuty's own words so that a client written
 * against PagerDuty needs no change to page through pagerd. Every field
 * is checked before anything is refused, as PagerDuty lists all of an
 * event's problems in one answer. No I/O, no clock, no randomness.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "decode_pagerduty.h"
#include "decode_util.h"
#include "timefmt.h"

/* How deep custom_details may nest: the value itself is level 1. */
#define DETAILS_MAX_DEPTH	64

/*
 * PagerDuty's wording, as its 400 answers show it ("'payload.severity'
 * is missing or blank", "... is invalid (must be one of the following:
 * ...)"); the messages it has not been seen to send follow the pattern.
 */
#define MSG_MISSING	"'%s' is missing or blank"
#define MSG_TOO_LONG	"'%s' is too long (maximum %zu characters)"
#define MSG_NOT_STRING	"'%s' is invalid (must be a string)"
#define MSG_ACTION	"'event_action' is invalid (must be one of the " \
			"following: 'trigger', 'acknowledge' or 'resolve')"
#define MSG_SEVERITY	"'payload.severity' is invalid (must be one of the " \
			"following: 'critical', 'warning', 'error' or 'info')"

/* The fields of a valid event, borrowed from the JSON tree. */
struct pd_fields {
	json_t	*routing_key;
	json_t	*dedup_key;
	json_t	*summary;
	json_t	*source;
	json_t	*severity;
	json_t	*component;
	json_t	*group;
	json_t	*class;
	json_t	*custom_details;
	json_t	*images;
	json_t	*links;
	json_t	*client;
	json_t	*client_url;
	int64_t	 timestamp_ms;
};

static const char *const actions[] = { "trigger", "acknowledge", "resolve" };

static void __attribute__((format(printf, 2, 3)))
add_err(struct pd_err *err, const char *fmt, ...)
{
	va_list	 ap;

	if (err->n >= PD_ERRORS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(err->errors[err->n], PD_ERROR_LEN, fmt, ap);
	va_end(ap);
	decode_sanitize(err->errors[err->n]);
	err->n++;
}

/* Start over with one error: the refusals of a whole body. */
static int __attribute__((format(printf, 4, 5)))
set_err(struct pd_err *err, int status, const char *reason, const char *fmt,
    ...)
{
	va_list	 ap;

	err->status = status;
	snprintf(err->reason, sizeof(err->reason), "%s", reason);
	va_start(ap, fmt);
	vsnprintf(err->errors[0], PD_ERROR_LEN, fmt, ap);
	va_end(ap);
	decode_sanitize(err->errors[0]);
	err->n = 1;
	return -1;
}

static int
is_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (strchr(" \t\n\r\f\v", *s) == NULL)
			return 0;
	return 1;
}

/*
 * A string field at path. Returns it, or NULL when absent (null counts
 * as absent: client libraries write null for "not set") and when wrong,
 * after adding PagerDuty's error. An empty optional string is absent.
 */
static json_t *
get_string(json_t *o, const char *key, const char *path, size_t max_chars,
    int required, struct pd_err *err)
{
	json_t	*v;

	v = json_object_get(o, key);
	if (v == NULL || json_is_null(v)) {
		if (required)
			add_err(err, MSG_MISSING, path);
		return NULL;
	}
	if (!json_is_string(v)) {
		add_err(err, MSG_NOT_STRING, path);
		return NULL;
	}
	if (is_blank(json_string_value(v))) {
		if (required)
			add_err(err, MSG_MISSING, path);
		return json_string_length(v) == 0 || required ? NULL : v;
	}
	if (max_chars != SIZE_MAX && decode_utf8_chars(json_string_value(v),
	    json_string_length(v)) > max_chars) {
		add_err(err, MSG_TOO_LONG, path, max_chars);
		return NULL;
	}
	return v;
}

static int
digits(const char *s, size_t n)
{
	for (; n > 0; n--, s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/*
 * PagerDuty asks for ISO 8601, and the example in its own API reference
 * ("2015-07-17T08:42:58.315+0000") writes the offset in ISO 8601's basic
 * form, which RFC 3339 does not allow: accept that spelling by putting
 * the colon back, and RFC 3339 as it is.
 */
static int
parse_time(const char *s, size_t len, int64_t *ms)
{
	char	 buf[64];

	if (time_parse_rfc3339(s, len, ms) == 0)
		return 0;
	if (len < 5 || len + 1 > sizeof(buf) ||
	    (s[len - 5] != '+' && s[len - 5] != '-') ||
	    !digits(s + len - 4, 4))
		return -1;
	memcpy(buf, s, len - 2);
	buf[len - 2] = ':';
	memcpy(buf + len - 1, s + len - 2, 2);
	return time_parse_rfc3339(buf, len + 1, ms);
}

/* Does v nest deeper than left levels? Recurses at most left + 1 deep. */
static int
too_deep(json_t *v, int left)
{
	const char	*k;
	json_t		*c;
	size_t		 i;

	if (!json_is_object(v) && !json_is_array(v))
		return 0;
	if (left == 0)
		return 1;
	if (json_is_object(v)) {
		json_object_foreach(v, k, c)
			if (too_deep(c, left - 1))
				return 1;
	} else {
		json_array_foreach(v, i, c)
			if (too_deep(c, left - 1))
				return 1;
	}
	return 0;
}

static void
check_payload(json_t *root, const struct alert_limits *lim,
    struct pd_fields *f, struct pd_err *err)
{
	json_t		*p, *v;
	const char	*s;

	p = json_object_get(root, "payload");
	if (p == NULL || json_is_null(p)) {
		add_err(err, MSG_MISSING, "payload");
		return;
	}
	if (!json_is_object(p)) {
		add_err(err, "'payload' is invalid (must be an object)");
		return;
	}

	f->summary = get_string(p, "summary", "payload.summary",
	    lim->max_summary, 1, err);
	f->source = get_string(p, "source", "payload.source",
	    lim->max_label_value, 1, err);

	v = json_object_get(p, "severity");
	s = json_string_value(v);
	if (v == NULL || json_is_null(v) || (s != NULL && is_blank(s)))
		add_err(err, MSG_MISSING, "payload.severity");
	else if (s != NULL && (strcmp(s, "critical") == 0 ||
	    strcmp(s, "error") == 0 || strcmp(s, "warning") == 0 ||
	    strcmp(s, "info") == 0))
		f->severity = v;
	else
		add_err(err, MSG_SEVERITY);

	v = json_object_get(p, "timestamp");
	if (v != NULL && !json_is_null(v) && (!json_is_string(v) ||
	    parse_time(json_string_value(v), json_string_length(v),
	    &f->timestamp_ms) == -1))
		add_err(err, "'payload.timestamp' is invalid (must be an "
		    "ISO 8601 date-time)");

	f->component = get_string(p, "component", "payload.component",
	    lim->max_label_value, 0, err);
	f->group = get_string(p, "group", "payload.group",
	    lim->max_label_value, 0, err);
	f->class = get_string(p, "class", "payload.class",
	    lim->max_label_value, 0, err);

	v = json_object_get(p, "custom_details");
	if (v != NULL && !json_is_null(v)) {
		if (too_deep(v, DETAILS_MAX_DEPTH))
			add_err(err, "'payload.custom_details' is nested too "
			    "deeply (maximum %d levels)", DETAILS_MAX_DEPTH);
		else
			f->custom_details = v;
	}
}

/*
 * images[] and links[]: arrays of objects whose one required member
 * (src, href) must be a non-blank string and the others strings.
 */
static json_t *
check_list(json_t *root, const char *key, const char *required,
    const char *opt1, const char *opt2, struct pd_err *err)
{
	json_t	*v, *e;
	size_t	 i, n0 = err->n;
	char	 path[64];

	v = json_object_get(root, key);
	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_array(v)) {
		add_err(err, "'%s' is invalid (must be an array)", key);
		return NULL;
	}
	json_array_foreach(v, i, e) {
		if (!json_is_object(e)) {
			add_err(err, "'%s[%zu]' is invalid (must be an "
			    "object)", key, i);
			continue;
		}
		snprintf(path, sizeof(path), "%s[%zu].%s", key, i, required);
		get_string(e, required, path, SIZE_MAX, 1, err);
		snprintf(path, sizeof(path), "%s[%zu].%s", key, i, opt1);
		get_string(e, opt1, path, SIZE_MAX, 0, err);
		if (opt2 != NULL) {
			snprintf(path, sizeof(path), "%s[%zu].%s", key, i,
			    opt2);
			get_string(e, opt2, path, SIZE_MAX, 0, err);
		}
	}
	return err->n == n0 && json_array_size(v) > 0 ? v : NULL;
}

/* Labels from the payload's class, component and group (sorted so). */
static int
add_labels(const struct pd_fields *f, struct alert *a)
{
	const char	*names[] = { "class", "component", "group" };
	json_t		*vals[] = { f->class, f->component, f->group };
	struct label	*l;
	size_t		 i, n = 0;

	for (i = 0; i < 3; i++)
		if (vals[i] != NULL)
			n++;
	if (n == 0)
		return 0;
	if ((a->labels = calloc(n, sizeof(*a->labels))) == NULL)
		return -1;
	for (i = 0; i < 3; i++) {
		if (vals[i] == NULL)
			continue;
		l = &a->labels[a->nlabels];
		l->name = strdup(names[i]);
		l->value = strdup(json_string_value(vals[i]));
		/* Count it first so alert_clear() frees a half-made pair. */
		a->nlabels++;
		if (l->name == NULL || l->value == NULL)
			return -1;
	}
	return 0;
}

/* {custom_details, links, images, client, client_url}, those present. */
static int
add_details(const struct pd_fields *f, struct alert *a)
{
	json_t	*d;
	int	 r = 0;

	if (f->custom_details == NULL && f->links == NULL &&
	    f->images == NULL && f->client == NULL && f->client_url == NULL)
		return 0;
	if ((d = json_object()) == NULL)
		return -1;
	if (f->custom_details != NULL)
		r |= json_object_set(d, "custom_details", f->custom_details);
	if (f->links != NULL)
		r |= json_object_set(d, "links", f->links);
	if (f->images != NULL)
		r |= json_object_set(d, "images", f->images);
	if (f->client != NULL)
		r |= json_object_set(d, "client", f->client);
	if (f->client_url != NULL)
		r |= json_object_set(d, "client_url", f->client_url);
	/* Sorted keys: the same event always stores the same details. */
	if (r == 0)
		a->details_json = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	return a->details_json == NULL ? -1 : 0;
}

static int
build_alert(const struct pd_fields *f, struct pd_event *ev)
{
	struct alert	*a;

	if ((a = ev->alert = calloc(1, sizeof(*a))) == NULL)
		return -1;
	a->fingerprint = strdup(ev->dedup_key);
	a->dedup_key = strdup(ev->dedup_key);
	if (a->fingerprint == NULL || a->dedup_key == NULL)
		return -1;
	if (ev->action == PD_RESOLVE) {
		/*
		 * struct alert needs a summary; a resolve has none worth
		 * keeping (PagerDuty ignores its payload), and the store
		 * keeps the trigger's.
		 */
		a->status = ALERT_RESOLVED;
		a->summary = strdup(ev->dedup_key);
		return a->summary == NULL ? -1 : 0;
	}
	a->status = ALERT_FIRING;
	a->summary = strdup(json_string_value(f->summary));
	a->source = strdup(json_string_value(f->source));
	a->severity = strdup(json_string_value(f->severity));
	if (a->summary == NULL || a->source == NULL || a->severity == NULL)
		return -1;
	a->timestamp_ms = f->timestamp_ms;
	if (add_labels(f, a) == -1 || add_details(f, a) == -1)
		return -1;
	return 0;
}

int
decode_pd_event(const char *body, size_t len,
    const struct alert_limits *lim, const char *new_dedup_key,
    struct pd_event *ev, struct pd_err *err)
{
	struct pd_fields	 f;
	json_t			*root, *v;
	json_error_t		 jerr;
	const char		*s;
	int			 action = -1;
	size_t			 i;

	memset(ev, 0, sizeof(*ev));
	memset(err, 0, sizeof(*err));
	memset(&f, 0, sizeof(f));

	if (len > PD_MAX_BODY)
		return set_err(err, 413, "too_large",
		    "Event object is larger than %d bytes", PD_MAX_BODY);

	/*
	 * jansson refuses invalid UTF-8 and \u0000 (no JSON_ALLOW_NUL),
	 * and duplicate keys: two "event_action" keys would otherwise
	 * mean whichever one it kept. jerr is zeroed because jansson sets
	 * neither code nor text when some of its allocations fail, and
	 * running out of memory is ours to answer, not the sender's.
	 */
	memset(&jerr, 0, sizeof(jerr));
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &jerr);
	if (root == NULL && (json_error_code(&jerr) ==
	    json_error_out_of_memory || jerr.text[0] == '\0'))
		return set_err(err, 500, "nomem", "out of memory");
	if (root == NULL) {
		set_err(err, 400, "json", "JSON parse error");
		add_err(err, "line %d column %d: %s", jerr.line, jerr.column,
		    jerr.text);
		return -1;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return set_err(err, 400, "type",
		    "Event object must be a JSON object");
	}

	f.routing_key = get_string(root, "routing_key", "routing_key",
	    PD_MAX_ROUTING_KEY, 1, err);

	v = json_object_get(root, "event_action");
	s = json_string_value(v);
	if (v == NULL || json_is_null(v) || (s != NULL && is_blank(s)))
		add_err(err, MSG_MISSING, "event_action");
	else {
		for (i = 0; s != NULL && i < 3; i++)
			if (strcmp(s, actions[i]) == 0)
				action = (int)i;
		if (action == -1)
			add_err(err, MSG_ACTION);
	}

	/* Only acknowledge and resolve need one: a trigger gets one. */
	f.dedup_key = get_string(root, "dedup_key", "dedup_key",
	    lim->max_dedup_key, action == PD_ACKNOWLEDGE ||
	    action == PD_RESOLVE, err);

	/* The rest is "only used for trigger events" (PagerDuty). */
	if (action == PD_TRIGGER) {
		check_payload(root, lim, &f, err);
		f.images = check_list(root, "images", "src", "href", "alt",
		    err);
		f.links = check_list(root, "links", "href", "text", NULL,
		    err);
		f.client = get_string(root, "client", "client", SIZE_MAX, 0,
		    err);
		f.client_url = get_string(root, "client_url", "client_url",
		    SIZE_MAX, 0, err);
	}

	if (err->n > 0) {
		err->status = 400;
		snprintf(err->reason, sizeof(err->reason), "invalid_event");
		json_decref(root);
		return -1;
	}

	if (f.dedup_key == NULL && new_dedup_key == NULL) {
		json_decref(root);
		return set_err(err, 500, "internal",
		    "no dedup key to give the event");
	}
	ev->action = (enum pd_action)action;
	ev->routing_key = strdup(json_string_value(f.routing_key));
	ev->dedup_key = strdup(f.dedup_key != NULL ?
	    json_string_value(f.dedup_key) : new_dedup_key);
	if (ev->routing_key == NULL || ev->dedup_key == NULL ||
	    (ev->action != PD_ACKNOWLEDGE && build_alert(&f, ev) == -1)) {
		json_decref(root);
		pd_event_clear(ev);
		return set_err(err, 500, "nomem", "out of memory");
	}
	json_decref(root);
	return 0;
}

void
pd_event_clear(struct pd_event *ev)
{
	if (ev == NULL)
		return;
	free(ev->routing_key);
	free(ev->dedup_key);
	if (ev->alert != NULL) {
		alert_clear(ev->alert);
		free(ev->alert);
	}
	memset(ev, 0, sizeof(*ev));
}

const char *
pd_action_name(enum pd_action a)
{
	return (unsigned)a < 3 ? actions[a] : "trigger";
}

static char *
render(const char *status, const char *message, const char *key,
    json_t *value)
{
	json_t	*o;
	char	*s = NULL;

	/* Insertion order is kept: status, message, then the rest. */
	if ((o = json_object()) != NULL && value != NULL &&
	    json_object_set_new(o, "status", json_string(status)) == 0 &&
	    json_object_set_new(o, "message", json_string(message)) == 0 &&
	    json_object_set(o, key, value) == 0)
		s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	json_decref(value);
	return s;
}

char *
pd_render_error(const struct pd_err *err)
{
	json_t	*a;
	size_t	 i;

	if ((a = json_array()) == NULL)
		return NULL;
	for (i = 0; i < err->n && i < PD_ERRORS_MAX; i++)
		if (json_array_append_new(a, json_string(err->errors[i])) ==
		    -1) {
			json_decref(a);
			return NULL;
		}
	if (err->status == 400 && (strcmp(err->reason, "json") == 0 ||
	    strcmp(err->reason, "type") == 0))
		return render("Unrecognized object",
		    "Event object format is unrecognized", "errors", a);
	if (err->status == 413)
		return render("invalid event", "Event object is too large",
		    "errors", a);
	if (err->status >= 500)
		return render("internal error", "Event was not processed",
		    "errors", a);
	return render("invalid event", "Event object is invalid", "errors",
	    a);
}

char *
pd_render_success(const char *dedup_key)
{
	return render("success", "Event processed", "dedup_key",
	    json_string(dedup_key));
}
