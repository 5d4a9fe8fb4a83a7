/*
 * lib/holiday.c — holiday rules parsed once into small structs, and the
 * date arithmetic that answers "which holiday is observed on this day".
 * Not a calendar of record: the rules come from etc/holidays/.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "civil.h"
#include "holiday.h"

/* Holidays in one calendar; real ones have a dozen. */
#define HOLIDAY_MAX_RULES	256

enum hrule_kind {
	HR_FIXED,		/* m-d every year */
	HR_DATE,		/* once: day a */
	HR_RANGE,		/* days a..b */
	HR_ANNUAL_RANGE,	/* m-d .. m2-d2 every year */
	HR_NTH,			/* nth (or -1: last) wday of month m */
	HR_EASTER		/* Easter + offset */
};

struct hrule {
	char		*name;
	enum hrule_kind	 kind;
	int		 m, d, m2, d2;
	int64_t		 a, b;
	int		 nth, wday, offset;
	int		 shift[7];	/* observed: days to move */
	int		 since, until, every;
};

struct holiday_cal {
	char		*id;
	struct hrule	*rules;
	size_t		 n;
};

static const char *const months[12] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};

/* ------------------------------------------------------------ parsing */

static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Exactly n digits. */
static const char *
digits(const char *p, int n, int *v)
{
	int	 i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return NULL;
		*v = *v * 10 + (p[i] - '0');
	}
	return p + n;
}

/* "MM-DD" (year 0: February 29 allowed) or "YYYY-MM-DD". */
static const char *
p_date(const char *p, int *y, int *m, int *d)
{
	const char	*q;

	*y = 0;
	if ((q = digits(p, 4, y)) != NULL && *q == '-')
		p = q + 1;
	else
		*y = 0;
	if ((p = digits(p, 2, m)) == NULL || *p != '-' ||
	    (p = digits(p + 1, 2, d)) == NULL)
		return NULL;
	if (*m < 1 || *m > 12 || *d < 1 ||
	    *d > (*y == 0 ? (*m == 2 ? 29 : civil_month_days(2001, *m)) :
	    civil_month_days(*y, *m)))
		return NULL;
	if (*y != 0 && (*y < 1900 || *y > 9999))
		return NULL;
	return p;
}

static const char *
p_word(const char *p, const char *const *words, size_t n, size_t minlen,
    int *idx)
{
	size_t	 i, len;

	for (len = 0; is_alpha(p[len]); len++)
		;
	for (i = 0; i < n; i++) {
		if ((len == strlen(words[i]) || (len == minlen &&
		    strlen(words[i]) > minlen)) &&
		    strncasecmp(p, words[i], len) == 0) {
			*idx = (int)i;
			return p + len;
		}
	}
	return NULL;
}

/* "4th thursday of november", "last monday of may". */
static const char *
p_nth(const char *p, struct hrule *r)
{
	static const char *const ord[] = { "1st", "2nd", "3rd", "4th",
	    "5th", "first", "second", "third", "fourth", "fifth", "last" };
	size_t	 i, len;
	int	 n;

	for (i = 0; i < sizeof(ord) / sizeof(ord[0]); i++) {
		len = strlen(ord[i]);
		if (strncasecmp(p, ord[i], len) == 0 &&
		    (p[len] == ' ' || p[len] == '\t'))
			break;
	}
	if (i == sizeof(ord) / sizeof(ord[0]))
		return NULL;
	r->nth = i == 10 ? -1 : (int)(i % 5) + 1;
	p = skip_ws(p + len);
	if ((n = civil_weekday_parse(p, &r->wday)) == 0)
		return NULL;
	p = skip_ws(p + n);
	if (strncasecmp(p, "of", 2) == 0 || strncasecmp(p, "in", 2) == 0)
		p = skip_ws(p + 2);
	else
		return NULL;
	if ((p = p_word(p, months, 12, 3, &n)) == NULL)
		return NULL;
	r->m = n + 1;
	r->kind = HR_NTH;
	return p;
}

/* Parse rule into r; NULL when fine, else why. */
static const char *
rule_parse(const char *s, struct hrule *r)
{
	const char	*p = skip_ws(s), *q;
	int		 y, m, d, y2, m2, d2, sign, n;

	if (strncasecmp(p, "easter", 6) == 0 && !is_alpha(p[6])) {
		r->kind = HR_EASTER;
		r->offset = 0;
		p = skip_ws(p + 6);
		if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			p = skip_ws(p + 1);
			for (n = 0, q = p; *p >= '0' && *p <= '9' && n <= 366;
			    p++)
				n = n * 10 + (*p - '0');
			if (p == q || n > 366)
				return "easter needs an offset in days: "
				    "easter+39, easter-2";
			r->offset = sign * n;
		}
	} else if ((q = p_nth(p, r)) != NULL) {
		p = q;
	} else if ((q = p_date(p, &y, &m, &d)) != NULL) {
		p = skip_ws(q);
		if (p[0] == '.' && p[1] == '.') {
			if ((q = p_date(skip_ws(p + 2), &y2, &m2, &d2)) ==
			    NULL || (y == 0) != (y2 == 0))
				return "a range is YYYY-MM-DD..YYYY-MM-DD or "
				    "MM-DD..MM-DD";
			p = q;
			if (y == 0) {
				if (m2 * 100 + d2 < m * 100 + d)
					return "a yearly range must not run "
					    "past December 31";
				r->kind = HR_ANNUAL_RANGE;
				r->m = m;
				r->d = d;
				r->m2 = m2;
				r->d2 = d2;
			} else {
				r->kind = HR_RANGE;
				r->a = civil_days(y, m, d);
				r->b = civil_days(y2, m2, d2);
				if (r->b < r->a)
					return "the range ends before it "
					    "starts";
				if (r->b - r->a > 366)
					return "the range is longer than a "
					    "year";
			}
		} else if (y == 0) {
			r->kind = HR_FIXED;
			r->m = m;
			r->d = d;
		} else {
			r->kind = HR_DATE;
			r->a = civil_days(y, m, d);
		}
	} else
		return "not a holiday rule: use MM-DD, YYYY-MM-DD, "
		    "YYYY-MM-DD..YYYY-MM-DD, \"last monday of may\", "
		    "\"4th thursday of november\" or easter+N";
	if (*skip_ws(p) != '\0')
		return "has extra text after the rule";
	return NULL;
}

/* "sat->fri, sun->mon" into shift[]; "none" or "" is no shift. */
static const char *
observed_parse(const char *s, int shift[7])
{
	const char	*p = skip_ws(s);
	int		 from, to, n, diff;

	memset(shift, 0, 7 * sizeof(shift[0]));
	if (*p == '\0' || (strncasecmp(p, "none", 4) == 0 &&
	    *skip_ws(p + 4) == '\0'))
		return NULL;
	for (;;) {
		if ((n = civil_weekday_parse(p, &from)) == 0)
			goto bad;
		p = skip_ws(p + n);
		if (p[0] != '-' || p[1] != '>')
			goto bad;
		p = skip_ws(p + 2);
		if ((n = civil_weekday_parse(p, &to)) == 0)
			goto bad;
		p = skip_ws(p + n);
		if (from == to)
			return "moves a day onto itself";
		if (shift[from] != 0)
			return "names a weekday twice";
		/* To the nearest such day, before or after. */
		diff = (int)civil_fmod(to - from, 7);
		shift[from] = diff > 3 ? diff - 7 : diff;
		if (*p == '\0')
			return NULL;
		if (*p != ',')
			goto bad;
		p = skip_ws(p + 1);
	}
bad:
	return "must be weekday moves like \"sat->fri, sun->mon\" or "
	    "\"none\"";
}

const char *
holiday_rule_check(const char *rule)
{
	struct hrule	 r;

	memset(&r, 0, sizeof(r));
	return rule_parse(rule, &r);
}

const char *
holiday_observed_check(const char *observed)
{
	int	 shift[7];

	return observed_parse(observed, shift);
}

/* ------------------------------------------------------------ dates */

int64_t
holiday_easter(int64_t y)
{
	/* Anonymous Gregorian algorithm (Meeus, Astronomical Algorithms). */
	int64_t	 a = y % 19, b = y / 100, c = y % 100, d = b / 4;
	int64_t	 e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int64_t	 h = (19 * a + b - d - g + 15) % 30, i = c / 4;
	int64_t	 k = c % 4;
	int64_t	 l = (32 + 2 * e + 2 * i - h - k) % 7;
	int64_t	 m = (a + 11 * h + 22 * l) / 451;
	int64_t	 month = (h + l - 7 * m + 114) / 31;
	int64_t	 day = (h + l - 7 * m + 114) % 31 + 1;

	return civil_days(y, (int)month, (int)day);
}

static int
applies(const struct hrule *r, int64_t y)
{
	if (r->since != 0 && y < r->since)
		return 0;
	if (r->until != 0 && y > r->until)
		return 0;
	if (r->every > 1 && civil_fmod(y - r->since, r->every) != 0)
		return 0;
	return 1;
}

/*
 * The day a single-day rule observes in year y, or INT64_MIN when it has
 * none that year (February 29, a fifth Monday, a rule out of its years).
 */
static int64_t
observed_day(const struct hrule *r, int64_t y)
{
	int64_t	 day, first, last;

	if (!applies(r, y))
		return INT64_MIN;
	switch (r->kind) {
	case HR_FIXED:
		if (r->d > civil_month_days(y, r->m))
			return INT64_MIN;
		day = civil_days(y, r->m, r->d);
		break;
	case HR_NTH:
		if (r->nth < 0) {
			last = civil_days(y, r->m, civil_month_days(y, r->m));
			day = last - civil_fmod(civil_weekday(last) - r->wday,
			    7);
		} else {
			first = civil_days(y, r->m, 1);
			day = first + civil_fmod(r->wday -
			    civil_weekday(first), 7) + (r->nth - 1) * 7;
			if (day >= first + civil_month_days(y, r->m))
				return INT64_MIN;
		}
		break;
	case HR_EASTER:
		day = holiday_easter(y) + r->offset;
		break;
	default:
		return INT64_MIN;
	}
	return day + r->shift[civil_weekday(day)];
}

static int
rule_on(const struct hrule *r, int64_t day)
{
	int64_t	 y, yy;
	int	 m, d;

	civil_from_days(day, &y, &m, &d);
	switch (r->kind) {
	case HR_DATE:
		return r->a + r->shift[civil_weekday(r->a)] == day;
	case HR_RANGE:
		return day >= r->a && day <= r->b;
	case HR_ANNUAL_RANGE:
		return applies(r, y) && m * 100 + d >= r->m * 100 + r->d &&
		    m * 100 + d <= r->m2 * 100 + r->d2;
	default:
		/* A shift can carry a holiday across New Year. */
		for (yy = y - 1; yy <= y + 1; yy++)
			if (observed_day(r, yy) == day)
				return 1;
		return 0;
	}
}

const char *
holiday_on_day(const struct holiday_cal *cal, int64_t day)
{
	size_t	 i;

	for (i = 0; i < cal->n; i++)
		if (rule_on(&cal->rules[i], day))
			return cal->rules[i].name;
	return NULL;
}

const char *
holiday_on(const struct holiday_cal *cal, int64_t y, int m, int d)
{
	if (m < 1 || m > 12 || d < 1 || d > civil_month_days(y, m))
		return NULL;
	return holiday_on_day(cal, civil_days(y, m, d));
}

static void
add_day(int64_t *days, size_t cap, size_t *n, int64_t day)
{
	size_t	 i, j;

	/* Insertion keeps order and drops repeats: a year has few. */
	for (i = 0; i < *n && i < cap; i++) {
		if (days[i] == day)
			return;
		if (days[i] > day)
			break;
	}
	if (i < cap) {
		for (j = (*n < cap ? *n : cap - 1); j > i; j--)
			days[j] = days[j - 1];
		days[i] = day;
	}
	(*n)++;
}

size_t
holiday_year(const struct holiday_cal *cal, int64_t y, int64_t *days,
    size_t cap)
{
	const struct hrule	*r;
	int64_t			 first = civil_days(y, 1, 1);
	int64_t			 last = civil_days(y, 12, 31), day, yy;
	size_t			 i, n = 0;

	for (i = 0; i < cal->n; i++) {
		r = &cal->rules[i];
		switch (r->kind) {
		case HR_DATE:
		case HR_RANGE:
		case HR_ANNUAL_RANGE:
			for (day = first; day <= last; day++)
				if (rule_on(r, day))
					add_day(days, cap, &n, day);
			break;
		default:
			for (yy = y - 1; yy <= y + 1; yy++) {
				day = observed_day(r, yy);
				if (day >= first && day <= last)
					add_day(days, cap, &n, day);
			}
			break;
		}
	}
	return n;
}

/* ------------------------------------------------------------ building */

const char *
holiday_cal_id(const struct holiday_cal *cal)
{
	return cal->id;
}

void
holiday_cal_free(struct holiday_cal *cal)
{
	size_t	 i;

	if (cal == NULL)
		return;
	for (i = 0; i < cal->n; i++)
		free(cal->rules[i].name);
	free(cal->rules);
	free(cal->id);
	free(cal);
}

struct holiday_cal *
holiday_cal_build(const struct holiday_cal_spec *spec, const char *key,
    struct perr_list *errs)
{
	const struct holiday_day_spec	*ds;
	struct holiday_cal		*cal;
	struct hrule			*r;
	const char			*why;
	char				 k[128];
	size_t				 i, nerr = errs->n;

	if ((cal = calloc(1, sizeof(*cal))) == NULL ||
	    (cal->id = strdup(spec->id ? spec->id : "")) == NULL ||
	    (cal->rules = calloc(spec->n_days ? spec->n_days : 1,
	    sizeof(*cal->rules))) == NULL)
		goto nomem;
	if (spec->n_days > HOLIDAY_MAX_RULES)
		perr_add(errs, NULL, 0, key, "has more than %d holidays",
		    HOLIDAY_MAX_RULES);
	for (i = 0; i < spec->n_days && i < HOLIDAY_MAX_RULES; i++) {
		ds = &spec->days[i];
		if (ds->name == NULL || ds->rule == NULL)
			continue;
		snprintf(k, sizeof(k), "%s.days[%zu]", key, i);
		r = &cal->rules[cal->n];
		memset(r, 0, sizeof(*r));
		if ((why = rule_parse(ds->rule, r)) != NULL) {
			perr_add(errs, NULL, 0, k, "rule \"%s\" %s", ds->rule,
			    why);
			continue;
		}
		if (ds->observed != NULL &&
		    (why = observed_parse(ds->observed, r->shift)) != NULL) {
			perr_add(errs, NULL, 0, k, "observed \"%s\" %s",
			    ds->observed, why);
			continue;
		}
		if (ds->observed != NULL && (r->kind == HR_RANGE ||
		    r->kind == HR_ANNUAL_RANGE)) {
			perr_add(errs, NULL, 0, k, "observed moves single "
			    "days, not ranges");
			continue;
		}
		if (ds->every > 1 && ds->since == 0) {
			perr_add(errs, NULL, 0, k, "every needs since: the "
			    "first year it counts from");
			continue;
		}
		if (ds->until != 0 && ds->since > ds->until) {
			perr_add(errs, NULL, 0, k, "since %d is after until "
			    "%d", ds->since, ds->until);
			continue;
		}
		r->since = ds->since;
		r->until = ds->until;
		r->every = ds->every;
		if ((r->name = strdup(ds->name)) == NULL)
			goto nomem;
		cal->n++;
	}
	if (errs->n > nerr) {
		holiday_cal_free(cal);
		return NULL;
	}
	return cal;
nomem:
	holiday_cal_free(cal);
	perr_add(errs, NULL, 0, key, "out of memory");
	return NULL;
}
