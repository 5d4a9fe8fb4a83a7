/*
 * daemon/pagerctl_incidents.c — the incident commands of pagerctl:
 * status (is pagerd healthy), incidents (the list), incident (one, with
 * its alerts and timeline), and ack, resolve and escalate.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "pagerctl.h"
#include "timefmt.h"

/*
 * /healthz answers 200 {"status":"ok","redis":"up"} or 503
 * {"status":"unavailable","redis":"down","reason":"..."}; any member may
 * be missing, and "redis" may be a boolean.
 */
int
cmd_status(struct ctl *ctl)
{
	struct resp	 r;
	char		 err[CURL_ERROR_SIZE + 256];
	json_t		*root = NULL, *redis;
	const char	*state, *reason;
	char		*s_state = NULL, *s_redis = NULL, *s_reason = NULL;
	int		 ret;

	if (http_get(ctl, "/healthz", &r, err, sizeof(err)) == -1) {
		fprintf(stderr, "pagerctl: %s\n", err);
		return PCTL_NOANSWER;
	}
	if (r.status != 200 && r.status != 503) {
		print_http_error(&r);
		resp_free(&r);
		return PCTL_FAIL;
	}
	ret = r.status == 200 ? PCTL_OK : PCTL_FAIL;
	if (ctl->json) {
		if (print_json(&r) == -1)
			ret = PCTL_NOANSWER;
		resp_free(&r);
		return ret;
	}

	root = json_loadb(r.body ? r.body : "", r.len, 0, NULL);
	if ((state = jstr(root, "status")) == NULL)
		state = r.status == 200 ? "ok" : "unavailable";
	s_state = clean(state, strlen(state));
	redis = json_object_get(root, "redis");
	if (json_is_boolean(redis))
		s_redis = strdup(json_is_true(redis) ? "up" : "down");
	else if (redis != NULL)
		s_redis = jtext(redis);
	if ((reason = jstr(root, "reason")) == NULL)
		reason = jstr(root, "error");
	if (reason != NULL)
		s_reason = clean(reason, strlen(reason));

	printf("pagerd at %s: %s", ctl->url, s_state ? s_state : state);
	if (s_redis != NULL)
		printf(" (redis %s)", s_redis);
	if (r.status != 200 && s_reason != NULL)
		printf(": %s", s_reason);
	putchar('\n');

	free(s_state);
	free(s_redis);
	free(s_reason);
	json_decref(root);
	resp_free(&r);
	return ret;
}

static const char *incidents_head[] = {
	"ID", "STATUS", "SEV", "ALERTS", "CREATED", "SOURCE", "TITLE"
};

int
cmd_incidents(struct ctl *ctl, const char *status, long limit)
{
	struct resp	 r;
	struct table	 t;
	json_t		*root, *list, *inc;
	char		 path[128];
	char		*cells[7];
	size_t		 i;
	int		 ret;

	snprintf(path, sizeof(path), "/api/v1/incidents?status=%s&limit=%ld",
	    status, limit);
	if ((ret = api_get(ctl, path, &r)) != 0)
		return ret;
	if ((ret = answer_body(ctl, &r, &root)) != PCTL_OK || root == NULL)
		return ret;
	if (!json_is_array(list = json_object_get(root, "incidents"))) {
		fprintf(stderr, "pagerctl: unexpected answer: no \"incidents\" "
		    "list (try --json)\n");
		json_decref(root);
		return PCTL_NOANSWER;
	}
	if (json_array_size(list) == 0) {
		puts("No incidents.");
		json_decref(root);
		return PCTL_OK;
	}

	table_init(&t, incidents_head, 7);
	ret = PCTL_OK;
	json_array_foreach(list, i, inc) {
		if (!json_is_object(inc)) {
			fprintf(stderr, "pagerctl: incident #%zu in the answer "
			    "is not an object; skipped\n", i + 1);
			continue;
		}
		cells[0] = jtext(json_object_get(inc, "id"));
		cells[1] = jtext(json_object_get(inc, "status"));
		cells[2] = jtext(json_object_get(inc, "severity"));
		cells[3] = jtext(json_object_get(inc, "alert_count"));
		cells[4] = jtime(ctl, json_object_get(inc, "created"), 0);
		cells[5] = fitted(jtext(json_object_get(inc, "source")),
		    SOURCE_COLS);
		cells[6] = jtext(json_object_get(inc, "title"));
		(void)table_add(&t, cells, NULL);
	}
	ret = table_done(&t, ctl, ret);
	json_decref(root);
	return ret;
}

/* "k=v k2=v2", quoting values that would be ambiguous. Clean; malloc'd. */
static char *
labels_text(json_t *labels)
{
	const char	*k;
	json_t		*v;
	char		*buf = NULL, *ck, *cv, *p;
	size_t		 len = 0;
	FILE		*f;
	int		 first = 1;

	if (!json_is_object(labels))
		return jtext(labels);
	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	json_object_foreach(labels, k, v) {
		ck = clean(k, strlen(k));
		/* An empty value is a value here, not "missing". */
		cv = json_is_string(v) ? clean(json_string_value(v),
		    json_string_length(v)) : jtext(v);
		if (ck != NULL && cv != NULL) {
			fprintf(f, "%s%s=", first ? "" : " ", ck);
			if (*cv != '\0' && strpbrk(cv, " ,=\"\\") == NULL)
				fputs(cv, f);
			else {
				fputc('"', f);
				for (p = cv; *p != '\0'; p++) {
					if (*p == '"' || *p == '\\')
						fputc('\\', f);
					fputc(*p, f);
				}
				fputc('"', f);
			}
			first = 0;
		}
		free(ck);
		free(cv);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Absent, null, {} and [] say nothing worth a line of their own. */
static int
worth_a_line(const json_t *v)
{
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_object(v))
		return json_object_size(v) != 0;
	if (json_is_array(v))
		return json_array_size(v) != 0;
	return 1;
}

static const char *alerts_head[] = {
	"FINGERPRINT", "STATUS", "COUNT", "SEV", "FIRST SEEN", "LAST SEEN",
	"SOURCE", "SUMMARY"
};

static int
print_alerts(const struct ctl *ctl, json_t *alerts)
{
	struct table	 t;
	json_t		*a, *v;
	char		*cells[8], *labels, *details, *note;
	size_t		 i;

	if (!json_is_array(alerts)) {
		if (alerts != NULL && (note = jtext(alerts)) != NULL) {
			printf("\nalerts: %s\n", note);
			free(note);
		}
		return 0;
	}
	printf("\nALERTS (%zu)\n", json_array_size(alerts));
	if (json_array_size(alerts) == 0)
		return 0;
	table_init(&t, alerts_head, 8);
	json_array_foreach(alerts, i, a) {
		if (!json_is_object(a)) {
			fprintf(stderr, "pagerctl: alert #%zu in the answer is "
			    "not an object; skipped\n", i + 1);
			continue;
		}
		cells[0] = jtext(json_object_get(a, "fingerprint"));
		cells[1] = jtext(json_object_get(a, "status"));
		cells[2] = jtext(json_object_get(a, "count"));
		cells[3] = jtext(json_object_get(a, "severity"));
		cells[4] = jtime(ctl, json_object_get(a, "first_seen"), 0);
		cells[5] = jtime(ctl, json_object_get(a, "last_seen"), 0);
		cells[6] = fitted(jtext(json_object_get(a, "source")),
		    SOURCE_COLS);
		cells[7] = jtext(json_object_get(a, "summary"));

		v = json_object_get(a, "labels");
		labels = worth_a_line(v) ? labels_text(v) : NULL;
		v = json_object_get(a, "details");
		details = worth_a_line(v) ? jtext(v) : NULL;
		if (asprintf(&note, "%s%s%s%s%s",
		    labels ? "labels: " : "", labels ? labels : "",
		    labels && details ? "\n" : "",
		    details ? "details: " : "", details ? details : "") == -1)
			note = NULL;
		free(labels);
		free(details);
		if (table_add(&t, cells, note) == -1) {
			table_free(&t);
			return -1;
		}
	}
	table_print(&t, ctl);
	table_free(&t);
	return 0;
}

/* The incident's fields shown first, in this order, with their labels. */
static const struct field {
	const char	*key;
	const char	*label;
	int		 is_time;
} incident_fields[] = {
	{ "status",		"status",	0 },
	{ "severity",		"severity",	0 },
	{ "source",		"source",	0 },
	{ "alert_count",	"alerts",	0 },
	{ "created",		"created",	1 },
	{ "updated",		"updated",	1 },
	{ "resolved",		"resolved",	1 },
};
#define NFIELDS (sizeof(incident_fields) / sizeof(incident_fields[0]))

static int
known_field(const char *key)
{
	size_t	 i;

	if (strcmp(key, "id") == 0 || strcmp(key, "title") == 0 ||
	    strcmp(key, "alerts") == 0 || strcmp(key, "timeline") == 0)
		return 1;
	for (i = 0; i < NFIELDS; i++)
		if (strcmp(key, incident_fields[i].key) == 0)
			return 1;
	return 0;
}

/*
 * The timeline, one event a line: its time, its name, then every other
 * field as name=value (values cleaned: they may come from alerts).
 */
static int
print_timeline(const struct ctl *ctl, json_t *tl)
{
	const char	*k;
	json_t		*e, *v;
	char		*at, *ev, *val, *ck;
	size_t		 i;

	if (!json_is_array(tl) || json_array_size(tl) == 0)
		return 0;
	printf("timeline:\n");
	json_array_foreach(tl, i, e) {
		at = jtime(ctl, json_object_get(e, "at"), 0);
		ev = jtext(json_object_get(e, "event"));
		printf("  %s  %s", at ? at : "?", ev ? ev : "?");
		free(at);
		free(ev);
		json_object_foreach(e, k, v) {
			if (json_is_null(v) || strcmp(k, "at") == 0 ||
			    strcmp(k, "event") == 0)
				continue;
			ck = clean(k, strlen(k));
			val = strcmp(k, "until") == 0 ? jtime(ctl, v, 0) :
			    jtext(v);
			printf(" %s=%s", ck ? ck : "?", val ? val : "?");
			free(ck);
			free(val);
		}
		printf("\n");
	}
	return 0;
}

static int
print_incident(const struct ctl *ctl, json_t *inc)
{
	const char	*k;
	json_t		*v;
	char		*id, *title, *val, *ck;
	size_t		 i, w = 9;

	id = jtext(json_object_get(inc, "id"));
	title = jtext(json_object_get(inc, "title"));
	printf("incident %s: %s\n", id ? id : "?", title ? title : "?");
	free(id);
	free(title);

	/* Fields this version does not know about still get shown. */
	json_object_foreach(inc, k, v)
		if (!known_field(k) && cols(k) + 1 > w)
			w = cols(k) + 1;
	for (i = 0; i < NFIELDS; i++) {
		v = json_object_get(inc, incident_fields[i].key);
		val = incident_fields[i].is_time ? jtime(ctl, v, 1) : jtext(v);
		printf("  %s:", incident_fields[i].label);
		put_padded("", w - cols(incident_fields[i].label));
		printf("%s\n", val ? val : "?");
		free(val);
	}
	json_object_foreach(inc, k, v) {
		if (known_field(k))
			continue;
		ck = clean(k, strlen(k));
		val = jtext(v);
		printf("  %s:", ck ? ck : "?");
		put_padded("", w - (ck ? cols(ck) : 1));
		printf("%s\n", val ? val : "?");
		free(ck);
		free(val);
	}
	if (print_alerts(ctl, json_object_get(inc, "alerts")) != 0)
		return -1;
	return print_timeline(ctl, json_object_get(inc, "timeline"));
}

int
cmd_incident(struct ctl *ctl, const char *arg)
{
	struct resp	 r;
	json_t		*root, *inc;
	char		 path[64], err[CURL_ERROR_SIZE + 256];
	char		*end;
	long long	 id;
	int		 ret;

	errno = 0;
	id = strtoll(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    id <= 0)
		usage_error("incident: \"%s\" is not an incident number",
		    arg);
	snprintf(path, sizeof(path), "/api/v1/incidents/%lld", id);

	if (http_get(ctl, path, &r, err, sizeof(err)) == -1) {
		fprintf(stderr, "pagerctl: %s\n", err);
		return PCTL_NOANSWER;
	}
	if (r.status == 404) {
		fprintf(stderr, "pagerctl: incident %lld not found\n", id);
		resp_free(&r);
		return PCTL_FAIL;
	}
	if (r.status < 200 || r.status > 299) {
		print_http_error(&r);
		resp_free(&r);
		return PCTL_FAIL;
	}
	if ((ret = answer_body(ctl, &r, &root)) != PCTL_OK || root == NULL)
		return ret;
	if (!json_is_object(inc = json_object_get(root, "incident"))) {
		fprintf(stderr, "pagerctl: unexpected answer: no \"incident\" "
		    "object (try --json)\n");
		json_decref(root);
		return PCTL_NOANSWER;
	}
	ret = print_incident(ctl, inc) == 0 ? PCTL_OK : PCTL_FAIL;
	if (ret != PCTL_OK)
		fprintf(stderr, "pagerctl: out of memory\n");
	json_decref(root);
	return ret;
}

/*
 * ack | resolve | escalate ID: POST /api/v1/incidents/ID/ACTION with
 * {"by": NAME, "for": D}. A 409 (already acknowledged ...) is exit 1.
 */
int
cmd_act(struct ctl *ctl, const char *action, const char *arg,
    const char *dur, const char *author)
{
	struct resp	 r;
	json_t		*body;
	char		 path[96], *text, *end;
	long long	 id;
	int64_t		 ms;
	int		 ret;

	errno = 0;
	id = strtoll(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    id <= 0)
		usage_error("%s: \"%s\" is not an incident number", action,
		    arg);
	if (dur != NULL && (duration_parse(dur, &ms) == -1 || ms <= 0))
		usage_error("ack: --for takes a duration: e.g. 2h, 30m");
	if (author == NULL && (author = getenv("USER")) != NULL &&
	    *author == '\0')
		author = NULL;
	if ((body = json_object()) == NULL ||
	    (author != NULL && json_object_set_new(body, "by",
	    json_string(author)) == -1) ||
	    (dur != NULL && json_object_set_new(body, "for",
	    json_string(dur)) == -1) ||
	    (text = json_dumps(body, JSON_COMPACT)) == NULL)
		usage_error("%s: arguments are not valid UTF-8", action);
	json_decref(body);
	snprintf(path, sizeof(path), "/api/v1/incidents/%lld/%s", id, action);
	ret = api_call(ctl, "POST", path, text, &r);
	free(text);
	if (ret != 0)
		return ret;
	if (ctl->json)
		ret = print_json(&r) == 0 ? PCTL_OK : PCTL_NOANSWER;
	else
		printf("%s incident %lld\n", strcmp(action, "ack") == 0 ?
		    "Acknowledged" : strcmp(action, "resolve") == 0 ?
		    "Resolved" : "Escalated", id);
	resp_free(&r);
	return ret;
}
