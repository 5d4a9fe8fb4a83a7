/*
 * lib/route.c — routes, configured severity rules, group keys and
 * service names (see route.h). How the store turns a group key into an
 * incident is daemon/store_lua.c; the matchers are lib/matcher.c.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "matcher.h"
#include "route.h"
#include "strbuf.h"

/* A route or rule without matchers takes every alert. */
static int
set_matches(const struct matcher_set *set, const struct label *labels,
    size_t nlabels)
{
	return set == NULL ||
	    matchers_match_all(set->v, set->n, labels, nlabels);
}

size_t
route_select(const struct route *routes, size_t n,
    const struct label *labels, size_t nlabels,
    const struct service *dflt, const struct service **out, size_t max)
{
	const struct service	*svc;
	size_t			 i, j, k = 0;

	for (i = 0; i < n; i++) {
		if ((svc = routes[i].svc) == NULL ||
		    !set_matches(routes[i].matchers, labels, nlabels))
			continue;
		for (j = 0; j < k && out[j] != svc; j++)
			;
		if (j == k && k < max)
			out[k++] = svc;
		if (!routes[i].cont)
			break;
	}
	if (k == 0 && max > 0)
		out[k++] = dflt;
	return k;
}

int
route_severity(const struct severity_rule *rules, size_t n,
    const struct alert *a)
{
	const struct severity_rule	*r;
	size_t				 i, j;

	for (i = 0; i < n; i++) {
		r = &rules[i];
		if (!set_matches(r->matchers, a->labels, a->nlabels))
			continue;
		if (r->n_raw == 0)
			return r->level;
		/* Senders disagree on case: "CRITICAL", "Critical". */
		for (j = 0; a->severity != NULL && j < r->n_raw; j++)
			if (r->raw[j] != NULL &&
			    strcasecmp(r->raw[j], a->severity) == 0)
				return r->level;
	}
	return 0;
}

/*
 * What monitoring systems send, by family: PagerDuty Events v2 (and
 * Opsgenie-style priorities), syslog's RFC 5424 names with the common
 * spellings, and the levels themselves.
 */
static const struct {
	const char	*name;
	int		 level;
} builtin_levels[] = {
	{ "critical", 1 }, { "error", 2 }, { "warning", 3 }, { "info", 3 },
	{ "p1", 1 }, { "p2", 2 }, { "p3", 3 }, { "p4", 3 }, { "p5", 3 },
	{ "emerg", 1 }, { "emergency", 1 }, { "alert", 1 }, { "crit", 1 },
	{ "err", 2 }, { "warn", 3 }, { "notice", 3 }, { "informational", 3 },
	{ "debug", 3 },
	{ "sev1", 1 }, { "sev2", 2 }, { "sev3", 3 },
	/* Prometheus rule conventions for the severity label. */
	{ "page", 1 }, { "major", 2 }, { "minor", 3 },
};

static int
builtin_level(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL &&
	    i < sizeof(builtin_levels) / sizeof(builtin_levels[0]); i++)
		if (strcasecmp(builtin_levels[i].name, s) == 0)
			return builtin_levels[i].level;
	return 0;
}

/* A label's value, or "" when the alert does not carry it. */
static const char *
label_value(const struct alert *a, const char *name)
{
	size_t	 lo = 0, hi = a->nlabels, mid;
	int	 c;

	/* Labels are sorted by name (struct alert promises it). */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(a->labels[mid].name, name);
		if (c == 0)
			return a->labels[mid].value;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return "";
}

/*
 * Append s with ", \\ and newline escaped, as matchers write them; runs
 * of plain bytes in one append (every alert's group key comes through).
 */
static void
put_escaped(struct strbuf *sb, const char *s)
{
	size_t	 n;

	for (;;) {
		n = strcspn(s, "\"\\\n");
		strbuf_add(sb, s, n);
		s += n;
		if (*s == '\0')
			return;
		strbuf_add(sb, *s == '\n' ? "\\n" : *s == '"' ? "\\\"" :
		    "\\\\", 2);
		s++;
	}
}

int
route_builtin_level(const struct alert *a)
{
	int	level;

	if ((level = builtin_level(a->severity)) != 0)
		return level;
	/* Opsgenie-style senders put P1..P5 in a priority label. */
	if ((level = builtin_level(label_value(a, "priority"))) != 0)
		return level;
	return builtin_level(label_value(a, "severity"));
}

char *
route_group_key(const struct service *svc, const struct alert *a)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;

	strbuf_str(&sb, svc->name);
	if (svc->n_group_by == 1 &&
	    strcmp(svc->group_by[0], ROUTE_GROUP_EACH) == 0) {
		strbuf_char(&sb, ':');
		strbuf_str(&sb, a->fingerprint != NULL ? a->fingerprint : "");
	} else {
		strbuf_char(&sb, '{');
		for (i = 0; i < svc->n_group_by; i++) {
			if (i > 0)
				strbuf_char(&sb, ',');
			put_escaped(&sb, svc->group_by[i]);
			strbuf_str(&sb, "=\"");
			put_escaped(&sb, label_value(a, svc->group_by[i]));
			strbuf_char(&sb, '"');
		}
		strbuf_char(&sb, '}');
	}
	if (sb.oom) {
		free(sb.s);
		return NULL;
	}
	return sb.s;
}

/*
 * Service names go into group keys (where ':' and '{' end them), Redis
 * keys, metric labels and, later, SMS texts: keep them plain.
 */
const char *
route_check_service_name(const char *name)
{
	size_t	 n = strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

	if (name[n] != '\0')
		return "must be letters, digits, '_', '.' and '-' only";
	return NULL;
}
