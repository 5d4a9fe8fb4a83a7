/*
 * lib/severity.c — severity levels and the first-match rules that map
 * an alert to one, including the built-in rules for a config without
 * any. Reading rules from the config file is the config loader's job.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "severity.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ASCII only: "CRITICAL" and "critical" alike in every locale. */
static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
ascii_caseeq(const char *a, const char *b)
{
	while (*a != '\0' && ascii_lower((unsigned char)*a) ==
	    ascii_lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

static int
is_level(enum sev_level l)
{
	return l == SEV_1 || l == SEV_2 || l == SEV_3;
}

const char *
sev_name(enum sev_level l)
{
	switch (l) {
	case SEV_1:
		return "sev1";
	case SEV_2:
		return "sev2";
	case SEV_3:
		return "sev3";
	default:
		return "none";
	}
}

int
sev_parse(const char *s, enum sev_level *out)
{
	if (ascii_lower((unsigned char)s[0]) == 's' &&
	    ascii_lower((unsigned char)s[1]) == 'e' &&
	    ascii_lower((unsigned char)s[2]) == 'v')
		s += 3;
	if (s[0] < '1' || s[0] > '3' || s[1] != '\0')
		return -1;
	*out = (enum sev_level)(SEV_1 + (s[0] - '1'));
	return 0;
}

enum sev_level
sev_max(enum sev_level a, enum sev_level b)
{
	if (!is_level(a))
		return is_level(b) ? b : SEV_NONE;
	if (!is_level(b))
		return a;
	return a < b ? a : b;
}

struct severity_rules *
severity_rules_new(enum sev_level default_level)
{
	struct severity_rules	*r;

	if (default_level != SEV_NONE && !is_level(default_level))
		return NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->default_level = default_level;
	return r;
}

static void
rule_clear(struct severity_rule *rule)
{
	size_t	 i;

	matcher_set_free(&rule->matchers);
	for (i = 0; i < rule->nraw; i++)
		free(rule->raw[i]);
	free(rule->raw);
	memset(rule, 0, sizeof(*rule));
}

int
severity_rule_add(struct severity_rules *rules, struct matcher_set *matchers,
    const char *const *raw, size_t nraw, enum sev_level level, char *err,
    size_t errlen)
{
	struct severity_rule	 rule, *nv;
	size_t			 len;

	if (!is_level(level)) {
		set_err(err, errlen, "level must be sev1, sev2 or sev3");
		return -1;
	}
	if ((matchers == NULL || matchers->n == 0) && nraw == 0) {
		set_err(err, errlen, "a rule needs label matchers or severity "
		    "values; one with neither would match every alert");
		return -1;
	}
	memset(&rule, 0, sizeof(rule));
	rule.level = level;
	if (nraw > 0 && (rule.raw = calloc(nraw, sizeof(*rule.raw))) == NULL)
		goto nomem;
	for (rule.nraw = 0; rule.nraw < nraw; rule.nraw++) {
		len = strlen(raw[rule.nraw]) + 1;
		if ((rule.raw[rule.nraw] = malloc(len)) == NULL)
			goto nomem;
		memcpy(rule.raw[rule.nraw], raw[rule.nraw], len);
	}
	if ((nv = realloc(rules->v, (rules->n + 1) * sizeof(*nv))) == NULL)
		goto nomem;
	rules->v = nv;
	/* Nothing can fail past here: take the matchers over. */
	if (matchers != NULL) {
		rule.matchers = *matchers;
		matchers->v = NULL;
		matchers->n = 0;
	}
	rules->v[rules->n++] = rule;
	return 0;
nomem:
	rule_clear(&rule);
	set_err(err, errlen, "out of memory");
	return -1;
}

/*
 * The built-in rules as data: a NULL label means the raw severity. Label
 * values are matched case-insensitively, as raw ones are, through a
 * regex spelled [Cc][Rr]... since Alertmanager matchers have no flag for
 * it.
 */
static const struct builtin {
	const char	*label;
	const char	*words[8];
	enum sev_level	 level;
} builtins[] = {
	{ NULL, { "critical", "crit", "emerg", "alert", "p1" }, SEV_1 },
	{ NULL, { "error", "err", "p2" }, SEV_2 },
	{ NULL, { "warning", "warn", "info", "notice", "debug", "p3", "p4",
	    "p5" }, SEV_3 },
	{ "priority", { "p1" }, SEV_1 },
	{ "priority", { "p2" }, SEV_2 },
	{ "priority", { "p3", "p4", "p5" }, SEV_3 },
	{ "severity", { "critical", "page" }, SEV_1 },
	{ "severity", { "error", "major" }, SEV_2 },
	{ "severity", { "warning", "info", "minor" }, SEV_3 },
};

/* words[] as one case-insensitive regex: "p1", "p2" -> [Pp]1|[Pp]2. */
static void
ci_regex(const char *const *words, char *buf, size_t len)
{
	const char	*p;
	size_t		 n = 0, w;
	int		 c;

	buf[0] = '\0';
	for (w = 0; w < 8 && words[w] != NULL; w++) {
		if (w > 0)
			n += (size_t)snprintf(buf + n, len - n, "|");
		for (p = words[w]; *p != '\0'; p++) {
			c = (unsigned char)*p;
			if (c >= 'a' && c <= 'z')
				n += (size_t)snprintf(buf + n, len - n,
				    "[%c%c]", c - 'a' + 'A', c);
			else
				n += (size_t)snprintf(buf + n, len - n, "%c",
				    c);
		}
	}
}

struct severity_rules *
severity_rules_builtin(enum sev_level default_level)
{
	struct severity_rules	*r;
	struct matcher_set	 set;
	const struct builtin	*b;
	size_t			 i, nraw;
	char			 re[256];

	if ((r = severity_rules_new(default_level)) == NULL)
		return NULL;
	for (i = 0; i < NELEM(builtins); i++) {
		b = &builtins[i];
		for (nraw = 0; nraw < 8 && b->words[nraw] != NULL; nraw++)
			;
		set.v = NULL;
		set.n = 0;
		if (b->label != NULL) {
			if ((set.v = calloc(1, sizeof(*set.v))) == NULL)
				goto fail;
			ci_regex(b->words, re, sizeof(re));
			if (matcher_init(&set.v[0], b->label, MATCH_RE, re,
			    NULL, 0) == -1) {
				free(set.v);
				goto fail;
			}
			set.n = 1;
			nraw = 0;
		}
		if (severity_rule_add(r, &set, b->words, nraw, b->level,
		    NULL, 0) == -1) {
			matcher_set_free(&set);
			goto fail;
		}
	}
	return r;
fail:
	severity_rules_free(r);
	return NULL;
}

static int
rule_matches(const struct severity_rule *rule, const char *raw,
    const struct alert *a)
{
	size_t	 i;

	if (rule->nraw > 0) {
		for (i = 0; i < rule->nraw; i++)
			if (ascii_caseeq(raw, rule->raw[i]))
				break;
		if (i == rule->nraw)
			return 0;
	}
	return matchers_match_all(rule->matchers.v, rule->matchers.n,
	    a->labels, a->nlabels);
}

enum sev_level
severity_eval(const struct severity_rules *rules, const struct alert *a,
    size_t *rule)
{
	const char	*raw = a->severity != NULL ? a->severity : "";
	size_t		 i;

	for (i = 0; i < rules->n; i++)
		if (rule_matches(&rules->v[i], raw, a))
			break;
	if (rule != NULL)
		*rule = i;
	return i < rules->n ? rules->v[i].level : rules->default_level;
}

void
severity_rules_free(struct severity_rules *rules)
{
	size_t	 i;

	if (rules == NULL)
		return;
	for (i = 0; i < rules->n; i++)
		rule_clear(&rules->v[i]);
	free(rules->v);
	free(rules);
}
