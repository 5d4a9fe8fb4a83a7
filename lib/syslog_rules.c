/*
 * lib/syslog_rules.c — match parsed syslog messages against the configured
 * rules and build an alert from the first rule that matches.
 */
#include "autoconf.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fingerprint.h"
#include "syslog_rules.h"

#define NCAPS	10	/* {0} is the whole match, {1}..{9} groups */

/* The parts of one message, as NUL-terminated valid UTF-8 copies. */
struct parts {
	char		*host, *app, *procid, *msgid, *message;
	const char	*facility, *severity, *rule;
	regmatch_t	 caps[NCAPS];
	int		 ncaps;
};

static const char *const placeholders[] = {
	"host", "app", "procid", "msgid", "facility", "severity", "message",
	"rule"
};
#define NPLACE	(sizeof(placeholders) / sizeof(placeholders[0]))

static int
placeholder(const char *p, size_t len)
{
	size_t	 i;

	if (len == 1 && p[0] >= '0' && p[0] <= '9')
		return 100 + (p[0] - '0');
	for (i = 0; i < NPLACE; i++)
		if (strlen(placeholders[i]) == len &&
		    memcmp(placeholders[i], p, len) == 0)
			return (int)i;
	return -1;
}

int
syslog_template_check(const char *tpl, char *err, size_t errlen)
{
	const char	*p, *close;

	for (p = tpl; *p != '\0'; p++) {
		if (*p != '{')
			continue;
		if (p[1] == '{') {
			p++;
			continue;
		}
		if ((close = strchr(p, '}')) == NULL) {
			snprintf(err, errlen, "\"{\" at offset %d is not closed "
			    "(write \"{{\" for a literal one)", (int)(p - tpl));
			return -1;
		}
		if (placeholder(p + 1, close - p - 1) == -1) {
			snprintf(err, errlen, "unknown placeholder {%.*s}: use "
			    "{host} {app} {procid} {msgid} {facility} "
			    "{severity} {message} {rule} or {1}..{9}",
			    (int)(close - p - 1 > 32 ? 32 : close - p - 1),
			    p + 1);
			return -1;
		}
		p = close;
	}
	return 0;
}

int
syslog_regex_check(const char *re, char *err, size_t errlen)
{
	regex_t	 r;
	int	 rc;

	if ((rc = regcomp(&r, re, REG_EXTENDED)) != 0) {
		regerror(rc, &r, err, errlen);
		return -1;
	}
	regfree(&r);
	return 0;
}

static regex_t *
compile(const char *re, char *err, size_t errlen)
{
	regex_t	*r;
	int	 rc;

	if (re == NULL || *re == '\0')
		return NULL;
	if ((r = malloc(sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if ((rc = regcomp(r, re, REG_EXTENDED)) != 0) {
		regerror(rc, r, err, errlen);
		free(r);
		return NULL;
	}
	return r;
}

static void
rule_free(struct syslog_rule *r)
{
	size_t	 i;

	free(r->name);
	if (r->host != NULL) {
		regfree(r->host);
		free(r->host);
	}
	if (r->app != NULL) {
		regfree(r->app);
		free(r->app);
	}
	if (r->message != NULL) {
		regfree(r->message);
		free(r->message);
	}
	free(r->summary);
	free(r->dedup_key);
	for (i = 0; i < r->nlabels; i++) {
		free(r->labels[i].name);
		free(r->labels[i].value);
	}
	free(r->labels);
	memset(r, 0, sizeof(*r));
}

int
syslog_rules_add(struct syslog_rules *rs, const char *name,
    const char *const *facilities, size_t nfacilities, int max_severity,
    const char *host, const char *app, const char *message,
    const char *summary, const char *dedup_key, const char *const *labels,
    size_t nlabels, char *err, size_t errlen)
{
	struct syslog_rule	 r, *nv;
	size_t			 i;
	int			 f;

	memset(&r, 0, sizeof(r));
	snprintf(err, errlen, "out of memory");
	for (i = 0; i < nfacilities; i++) {
		if ((f = syslog_facility_parse(facilities[i])) < 0) {
			snprintf(err, errlen, "unknown facility \"%s\"",
			    facilities[i]);
			return -1;
		}
		r.facilities |= 1u << f;
	}
	r.max_severity = max_severity;
	if ((host != NULL && *host && (r.host = compile(host, err, errlen)) ==
	    NULL) || (app != NULL && *app &&
	    (r.app = compile(app, err, errlen)) == NULL) ||
	    (message != NULL && *message &&
	    (r.message = compile(message, err, errlen)) == NULL))
		goto fail;
	if (syslog_template_check(summary, err, errlen) == -1 ||
	    (dedup_key != NULL &&
	    syslog_template_check(dedup_key, err, errlen) == -1))
		goto fail;
	snprintf(err, errlen, "out of memory");
	if ((r.name = strdup(name)) == NULL ||
	    (r.summary = strdup(summary)) == NULL ||
	    (dedup_key != NULL && *dedup_key &&
	    (r.dedup_key = strdup(dedup_key)) == NULL))
		goto fail;
	if (nlabels > 0 &&
	    (r.labels = calloc(nlabels, sizeof(*r.labels))) == NULL)
		goto fail;
	for (i = 0; i < nlabels; i++) {
		const char *eq = strchr(labels[i], '=');

		if (eq == NULL || eq == labels[i]) {
			snprintf(err, errlen, "label \"%s\": write name=value",
			    labels[i]);
			goto fail;
		}
		if (syslog_template_check(eq + 1, err, errlen) == -1)
			goto fail;
		snprintf(err, errlen, "out of memory");
		r.labels[i].name = strndup(labels[i], eq - labels[i]);
		r.labels[i].value = strdup(eq + 1);
		r.nlabels++;
		if (r.labels[i].name == NULL || r.labels[i].value == NULL)
			goto fail;
	}
	if ((nv = realloc(rs->v, (rs->n + 1) * sizeof(*nv))) == NULL)
		goto fail;
	rs->v = nv;
	rs->v[rs->n++] = r;
	err[0] = '\0';
	return 0;
fail:
	rule_free(&r);
	return -1;
}

void
syslog_rules_free(struct syslog_rules *rs)
{
	size_t	 i;

	for (i = 0; i < rs->n; i++)
		rule_free(&rs->v[i]);
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}

static int
rule_regex_match(const regex_t *re, const char *s, regmatch_t *caps, int ncaps)
{
	if (re == NULL)
		return 1;
	return regexec(re, s, (size_t)ncaps, caps, 0) == 0;
}

/* A buffer that never exceeds max bytes and cuts on a UTF-8 boundary. */
struct sbuf {
	char	*s;
	size_t	 len, cap, max;
	int	 nomem;
};

static void
sbuf_add(struct sbuf *b, const char *p, size_t n)
{
	char	*ns;

	if (b->len + n > b->max) {
		n = b->max - b->len;
		/* Do not end inside a multi-byte character. */
		while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
			n--;
	}
	if (n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = (b->len + n + 1) * 2;

		if ((ns = realloc(b->s, ncap)) == NULL) {
			b->nomem = 1;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static char *
expand(const char *tpl, const struct parts *pt, size_t max, int *nomem)
{
	struct sbuf	 b = { NULL, 0, 0, max, 0 };
	const char	*p, *close, *v;
	int		 ph;

	for (p = tpl; *p != '\0'; p++) {
		if (*p != '{' || (close = strchr(p, '}')) == NULL) {
			sbuf_add(&b, p, 1);
			continue;
		}
		if (p[1] == '{') {
			sbuf_add(&b, "{", 1);
			p++;
			continue;
		}
		ph = placeholder(p + 1, close - p - 1);
		p = close;
		if (ph >= 100) {
			int g = ph - 100;

			if (g < pt->ncaps && pt->caps[g].rm_so >= 0)
				sbuf_add(&b, pt->message + pt->caps[g].rm_so,
				    (size_t)(pt->caps[g].rm_eo -
				    pt->caps[g].rm_so));
			continue;
		}
		switch (ph) {
		case 0: v = pt->host; break;
		case 1: v = pt->app; break;
		case 2: v = pt->procid; break;
		case 3: v = pt->msgid; break;
		case 4: v = pt->facility; break;
		case 5: v = pt->severity; break;
		case 6: v = pt->message; break;
		case 7: v = pt->rule; break;
		default: v = ""; break;
		}
		sbuf_add(&b, v, strlen(v));
	}
	if (b.nomem) {
		free(b.s);
		*nomem = 1;
		return NULL;
	}
	if (b.s == NULL && (b.s = strdup("")) == NULL)
		*nomem = 1;
	return b.s;
}

static int
label_cmp(const void *a, const void *b)
{
	return strcmp(((const struct label *)a)->name,
	    ((const struct label *)b)->name);
}

static int
add_label(struct alert *a, const char *name, char *value)
{
	size_t	 i;

	if (value == NULL)
		return -1;
	if (*value == '\0') {
		free(value);
		return 0;
	}
	/* A rule's own label wins over the automatic one of that name. */
	for (i = 0; i < a->nlabels; i++)
		if (strcmp(a->labels[i].name, name) == 0) {
			free(value);
			return 0;
		}
	if ((a->labels[a->nlabels].name = strdup(name)) == NULL) {
		free(value);
		return -1;
	}
	a->labels[a->nlabels++].value = value;
	return 0;
}

static char *
field_dup(struct syslog_field f)
{
	size_t	 nrep;

	return syslog_utf8_dup(f.p != NULL ? f.p : "", f.p != NULL ? f.len : 0,
	    &nrep);
}

static int
build(const struct syslog_rule *r, struct parts *pt,
    const struct syslog_msg *m, const struct alert_limits *lim,
    const char *source, struct alert *a)
{
	json_t	*d;
	size_t	 i;
	int	 nomem = 0;
	char	 fpbuf[17];

	memset(a, 0, sizeof(*a));
	a->status = ALERT_FIRING;
	a->timestamp_ms = m->timestamp_ms;
	if ((a->labels = calloc(r->nlabels + 5, sizeof(*a->labels))) == NULL)
		return -1;
	for (i = 0; i < r->nlabels; i++)
		if (add_label(a, r->labels[i].name, expand(r->labels[i].value,
		    pt, lim->max_label_value, &nomem)) == -1)
			goto fail;
	if (add_label(a, "host", expand("{host}", pt, lim->max_label_value,
	    &nomem)) == -1 || add_label(a, "app", expand("{app}", pt,
	    lim->max_label_value, &nomem)) == -1 || add_label(a, "facility", strdup(pt->facility)) == -1 ||
	    add_label(a, "severity", strdup(pt->severity)) == -1 ||
	    add_label(a, "rule", strdup(r->name)) == -1)
		goto fail;
	if (a->nlabels > lim->max_labels)
		a->nlabels = lim->max_labels;	/* never: rules are short */
	qsort(a->labels, a->nlabels, sizeof(*a->labels), label_cmp);

	a->summary = expand(r->summary, pt, lim->max_summary, &nomem);
	if (a->summary != NULL && *a->summary == '\0') {
		free(a->summary);
		a->summary = NULL;
		if (asprintf(&a->summary, "syslog rule %s", r->name) == -1)
			a->summary = NULL;
	}
	if (a->summary == NULL)
		goto fail;
	if (r->dedup_key != NULL) {
		a->dedup_key = expand(r->dedup_key, pt, lim->max_dedup_key,
		    &nomem);
		if (a->dedup_key == NULL)
			goto fail;
	}
	if (a->dedup_key != NULL && *a->dedup_key != '\0')
		a->fingerprint = strdup(a->dedup_key);
	else {
		fp_format(fp_labels(a->labels, a->nlabels), fpbuf);
		a->fingerprint = strdup(fpbuf);
	}
	a->source = strdup(source != NULL ? source : "syslog");
	a->severity = strdup(pt->severity);
	d = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "facility", pt->facility, "severity", pt->severity,
	    "host", pt->host, "app", pt->app, "procid", pt->procid,
	    "msgid", pt->msgid, "message", pt->message);
	if (d != NULL) {
		a->details_json = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(d);
	}
	if (a->fingerprint == NULL || a->source == NULL ||
	    a->severity == NULL || a->details_json == NULL || nomem)
		goto fail;
	return 1;
fail:
	alert_clear(a);
	return -1;
}

int
syslog_rules_apply(const struct syslog_rules *rs, const struct syslog_msg *m,
    const struct alert_limits *lim, const char *source, struct alert *a)
{
	struct parts	 pt;
	size_t		 i;
	int		 rc = 0;

	memset(&pt, 0, sizeof(pt));
	pt.host = field_dup(m->hostname);
	pt.app = field_dup(m->app_name);
	pt.procid = field_dup(m->procid);
	pt.msgid = field_dup(m->msgid);
	pt.message = field_dup(m->msg);
	pt.facility = syslog_facility_name(m->facility);
	pt.severity = syslog_severity_name(m->severity);
	if (pt.host == NULL || pt.app == NULL || pt.procid == NULL ||
	    pt.msgid == NULL || pt.message == NULL || pt.facility == NULL ||
	    pt.severity == NULL) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < rs->n; i++) {
		const struct syslog_rule *r = &rs->v[i];

		if (r->facilities != 0 &&
		    !(r->facilities & (1u << m->facility)))
			continue;
		if (m->severity > r->max_severity)
			continue;
		if (!rule_regex_match(r->host, pt.host, NULL, 0) ||
		    !rule_regex_match(r->app, pt.app, NULL, 0))
			continue;
		memset(pt.caps, -1, sizeof(pt.caps));
		pt.ncaps = r->message != NULL ? NCAPS : 0;
		if (!rule_regex_match(r->message, pt.message, pt.caps, pt.ncaps))
			continue;
		pt.rule = r->name;
		rc = build(r, &pt, m, lim, source, a);
		break;
	}
out:
	free(pt.host);
	free(pt.app);
	free(pt.procid);
	free(pt.msgid);
	free(pt.message);
	return rc;
}
