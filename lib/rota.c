/*
 * lib/rota.c — compile rota specs into per-day coverage patterns and
 * turn-counting tables, then answer "who is on call at T" with a few
 * binary searches and no allocation. Everything is computed on the
 * rota's wall clock ("local minutes" since 1970-01-01 00:00 local) and
 * mapped to instants with lib/tz.c's DST policy. Not the config parser
 * (lib/config.c) nor anything that reads the clock.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "civil.h"
#include "holiday.h"
#include "rota.h"
#include "timefmt.h"
#include "tz.h"

#define DAY		1440		/* minutes */
#define WEEK		10080
#define PAT_MAX		24		/* windows in one day */
#define MAX_LEVELS	16
#define MAX_LAYERS	32
#define MAX_MEMBERS	1000
#define SHIFT_MAX	(52 * WEEK)
#define HOL_FIRST_YEAR	1970
#define HOL_LAST_YEAR	2199
#define REFINE_MAX	16		/* answers compared for a change */
#define SCAN_MAX	1000		/* days searched for an edge */
#define NEVER		INT64_MAX
/* Local minute 0 (1970-01-01) was a Thursday: 4 days after Sunday. */
#define EPOCH_WDAY_MIN	(4 * DAY)

enum policy { POL_LAYER, POL_WEEKEND, POL_IGNORE };

/* Covered minutes of one day: [s[i], e[i]), sorted, apart. */
struct daypat {
	int		 n;
	uint16_t	 s[PAT_MAX], e[PAT_MAX];
};

/* One correction to the weekly turn count: shift s counts delta more. */
struct corr {
	int64_t		 s;
	int64_t		 cum;	/* this and earlier deltas */
};

struct layer {
	char		*name;
	int		*members;	/* person indices */
	int		 n_members;
	int64_t		 anchor;	/* local minute shift 0 starts */
	int64_t		 len;		/* minutes */
	int		 hol_token;	/* "holidays" restriction */
	uint8_t		*week;		/* building: WEEK bytes */
	/* [1 on a holiday][weekday]: own restrictions, and what shows. */
	struct daypat	 own[2][7], eff[2][7];
	int		 const0;	/* plain days: 1 all, 0 no, -1 mix */
	int		 const_all;	/* the same, holidays included */
	/* Counted shifts: per cycle of period shifts, prefix[] of them. */
	int64_t		 period, per_cnt;
	int64_t		*prefix;
	struct corr	*corr;		/* holidays, sorted by s */
	size_t		 ncorr;
	int64_t		 corr_base;	/* cum before shift 0 */
};

struct level {
	char		*name;
	struct layer	*layers;
	int		 n;
};

struct rota {
	char			*id;
	const struct rota_set	*set;
	const struct tz		*tz;
	const struct holiday_cal *cal;
	enum policy		 policy;
	int64_t			*hol;	/* holidays, day numbers */
	size_t			 nhol;
	uint8_t			*holbits;	/* the same as bits */
	struct level		*levels;
	int			 nlevels;
	struct rota_override	*ovr;
	size_t			 novr;
};

struct rota_set {
	struct rota_person	*people;
	size_t			 npeople;
	struct tz		**zones;
	size_t			 nzones;
	struct holiday_cal	**cals;
	size_t			 ncals;
	struct rota		*rotas;
	size_t			 nrotas;
	const char		*zonedir;	/* during the build only */
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
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "H:MM" or "HH:MM"; 24:00 only when end is set. */
static const char *
p_time(const char *p, int *min, int end)
{
	int	 h, m;

	if (!is_digit(p[0]))
		return NULL;
	h = p[0] - '0';
	p++;
	if (is_digit(*p))
		h = h * 10 + (*p++ - '0');
	if (p[0] != ':' || !is_digit(p[1]) || !is_digit(p[2]) ||
	    is_digit(p[3]))
		return NULL;
	m = (p[1] - '0') * 10 + (p[2] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !end)))
		return NULL;
	*min = h * 60 + m;
	return p + 3;
}

/* "YYYY-MM-DD" into a day number. */
static const char *
p_date(const char *p, int64_t *day)
{
	int	 i, y = 0, m, d;

	for (i = 0; i < 4; i++) {
		if (!is_digit(p[i]))
			return NULL;
		y = y * 10 + (p[i] - '0');
	}
	if (p[4] != '-' || !is_digit(p[5]) || !is_digit(p[6]) ||
	    p[7] != '-' || !is_digit(p[8]) || !is_digit(p[9]) ||
	    is_digit(p[10]))
		return NULL;
	m = (p[5] - '0') * 10 + (p[6] - '0');
	d = (p[8] - '0') * 10 + (p[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 ||
	    d > civil_month_days(y, m))
		return NULL;
	*day = civil_days(y, m, d);
	return p + 10;
}

/* "mon", "mon-fri", "sat,sun", "fri-mon" into a weekday bit mask. */
static const char *
p_days(const char *p, int *mask, int *single, int *first)
{
	int	 a, b, n, d;

	*mask = 0;
	*single = 1;
	for (;;) {
		if ((n = civil_weekday_parse(p, &a)) == 0)
			return NULL;
		if (*mask == 0)
			*first = a;
		else
			*single = 0;
		p += n;
		b = a;
		if (p[0] == '-' && (n = civil_weekday_parse(p + 1, &b)) != 0) {
			p += 1 + n;
			*single = 0;
		}
		for (d = a;; d = (d + 1) % 7) {
			*mask |= 1 << d;
			if (d == b)
				break;
		}
		if (*p != ',')
			return p;
		p = skip_ws(p + 1);
	}
}

enum restr_kind { R_HOLIDAYS, R_DAYS, R_DAILY, R_WEEKLY };

struct restr {
	enum restr_kind	 kind;
	int		 mask;		/* R_DAYS, R_DAILY */
	int		 d1, d2;	/* R_WEEKLY */
	int		 s, e;		/* minutes of the day */
};

static const char *
restr_parse(const char *text, struct restr *r)
{
	static const char usage[] = "must be like \"mon-fri 09:00-18:00\", "
	    "\"18:00-09:00\", \"fri 18:00 - mon 09:00\", \"sat,sun\" or "
	    "\"holidays\"";
	const char	*p = skip_ws(text), *q;
	int		 has_days = 0, single = 0, n;

	memset(r, 0, sizeof(*r));
	if (strncasecmp(p, "holidays", 8) == 0 && *skip_ws(p + 8) == '\0') {
		r->kind = R_HOLIDAYS;
		return NULL;
	}
	if ((q = p_days(p, &r->mask, &single, &r->d1)) != NULL) {
		has_days = 1;
		p = skip_ws(q);
	} else
		r->mask = 0x7f;		/* "18:00-09:00": every day */
	if (*p == '\0') {
		if (!has_days)
			return usage;
		r->kind = R_DAYS;
		return NULL;
	}
	if ((q = p_time(p, &r->s, 0)) == NULL)
		return usage;
	p = skip_ws(q);
	if (*p++ != '-')
		return usage;
	p = skip_ws(p);
	if ((n = civil_weekday_parse(p, &r->d2)) != 0) {
		if (!has_days || !single)
			return "a window across days names one day at each "
			    "end: \"fri 18:00 - mon 09:00\"";
		r->kind = R_WEEKLY;
		p = skip_ws(p + n);
		if ((q = p_time(p, &r->e, 1)) == NULL)
			return usage;
		if (r->d1 * DAY + r->s == r->d2 * DAY + r->e)
			return "starts where it ends";
	} else {
		r->kind = R_DAILY;
		if ((q = p_time(p, &r->e, 1)) == NULL)
			return usage;
		if (r->s == r->e)
			return "starts and ends at the same time (a whole "
			    "day is 00:00-24:00)";
	}
	if (*skip_ws(q) != '\0')
		return "has extra text after the times";
	return NULL;
}

/* Mark [a, b) of the week, wrapping at its end. */
static void
week_set(uint8_t *week, int64_t a, int64_t b)
{
	int64_t	 x;

	for (x = a; x < b; x++)
		week[civil_fmod(x, WEEK)] = 1;
}

static void
restr_apply(const struct restr *r, uint8_t *week)
{
	int	 d, e;

	switch (r->kind) {
	case R_HOLIDAYS:
		break;
	case R_DAYS:
		for (d = 0; d < 7; d++)
			if (r->mask & (1 << d))
				week_set(week, d * DAY, (d + 1) * DAY);
		break;
	case R_DAILY:
		e = r->e > r->s ? r->e : r->e + DAY;
		for (d = 0; d < 7; d++)
			if (r->mask & (1 << d))
				week_set(week, d * DAY + r->s, d * DAY + e);
		break;
	case R_WEEKLY:
		e = r->d2 * DAY + r->e;
		if (e <= r->d1 * DAY + r->s)
			e += WEEK;
		week_set(week, r->d1 * DAY + r->s, e);
		break;
	}
}

/* "12h", "1d", "3d", "2w" into minutes. */
static const char *
shift_parse(const char *s, int64_t *min)
{
	const char	*p = skip_ws(s);
	int64_t		 n = 0;
	int		 digits = 0;

	for (; is_digit(*p) && digits < 6; p++, digits++)
		n = n * 10 + (*p - '0');
	if (digits == 0 || n == 0)
		return "must be a count and a unit: \"12h\", \"1d\", \"1w\"";
	switch (*p) {
	case 'h':
		n *= 60;
		break;
	case 'd':
		n *= DAY;
		break;
	case 'w':
		n *= WEEK;
		break;
	default:
		return "must be a count and a unit: \"12h\", \"1d\", \"1w\"";
	}
	if (*skip_ws(p + 1) != '\0')
		return "has extra text after the unit";
	if (n > SHIFT_MAX)
		return "is longer than 52 weeks";
	*min = n;
	return NULL;
}

/* "09:00" or "mon 09:00": wday -1 when no weekday. */
static const char *
handoff_parse(const char *s, int *wday, int *min)
{
	const char	*p = skip_ws(s);
	int		 n;

	*wday = -1;
	if ((n = civil_weekday_parse(p, wday)) != 0)
		p = skip_ws(p + n);
	if ((p = p_time(p, min, 0)) == NULL || *skip_ws(p) != '\0')
		return "must be a wall-clock time \"09:00\" (and a weekday "
		    "for weekly shifts: \"mon 09:00\")";
	return NULL;
}

/*
 * When an override starts or ends: "2026-12-24 18:00" or "2026-12-24"
 * on the rota's wall clock, or RFC 3339 with an offset. With tz NULL
 * only the syntax is checked.
 */
static const char *
when_parse(const char *s, const struct tz *tz, int64_t *ms)
{
	const char	*p;
	int64_t		 day;
	int		 min = 0;

	if (time_parse_rfc3339(s, strlen(s), ms) == 0)
		return NULL;
	if ((p = p_date(s, &day)) == NULL)
		goto bad;
	if (*p == ' ' || *p == 'T') {
		if ((p = p_time(skip_ws(p + 1), &min, 0)) == NULL)
			goto bad;
	}
	if (*skip_ws(p) != '\0')
		goto bad;
	if (tz != NULL)
		*ms = tz_utc_ms(tz, (day * DAY + min) * CIVIL_MS_PER_MIN,
		    NULL);
	return NULL;
bad:
	return "must be \"YYYY-MM-DD HH:MM\" on the rota's wall clock, or "
	    "RFC 3339 with an offset";
}

static const char *
policy_parse(const char *s, enum policy *pol)
{
	if (strcmp(s, "layer") == 0)
		*pol = POL_LAYER;
	else if (strcmp(s, "weekend") == 0)
		*pol = POL_WEEKEND;
	else if (strcmp(s, "ignore") == 0)
		*pol = POL_IGNORE;
	else
		return "must be layer, weekend or ignore";
	return NULL;
}

/* ------------------------------------------------------------ checks */

const char *
rota_check_phone(const char *s)
{
	size_t	 n = 0;

	if (s[0] != '+' || s[1] < '1' || s[1] > '9')
		return "must be E.164: a + and the country code, no spaces "
		    "(+31612345678)";
	for (s++; *s != '\0'; s++, n++)
		if (!is_digit(*s))
			return "must be E.164: + and digits only, no spaces "
			    "or dashes (+31612345678)";
	if (n < 8 || n > 15)
		return "must be E.164: 8 to 15 digits after the +";
	return NULL;
}

const char *
rota_check_email(const char *s)
{
	const char	*at = strchr(s, '@'), *p;

	if (at == NULL || at == s || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL)
		return "must be an address like name@example.com";
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return "must not contain spaces or control characters";
	return NULL;
}

const char *
rota_check_id(const char *s)
{
	const char	*p;

	if (*s == '\0' || strlen(s) > 63)
		return "must be 1 to 63 bytes";
	for (p = s; *p != '\0'; p++)
		if (!is_digit(*p) && !((*p | 0x20) >= 'a' &&
		    (*p | 0x20) <= 'z') && strchr("_-", *p) == NULL)
			return "may only contain letters, digits, _ and -";
	return NULL;
}

const char *
rota_check_shift(const char *s)
{
	int64_t	 min;

	return shift_parse(s, &min);
}

const char *
rota_check_handoff(const char *s)
{
	int	 wday, min;

	return handoff_parse(s, &wday, &min);
}

const char *
rota_check_date(const char *s)
{
	const char	*p;
	int64_t		 day;

	if ((p = p_date(s, &day)) == NULL || *p != '\0')
		return "must be a date YYYY-MM-DD";
	return NULL;
}

const char *
rota_check_restriction(const char *s)
{
	struct restr	 r;

	return restr_parse(s, &r);
}

/*
 * The weekly bitmap behind a layer's restrictions, for other users of
 * the same syntax (maintenance windows): one parser, one meaning.
 */
const char *
rota_restriction_week(const char *s, uint8_t *week)
{
	struct restr	 r;
	const char	*why;

	if ((why = restr_parse(s, &r)) != NULL)
		return why;
	if (r.kind == R_HOLIDAYS)
		return "needs a rota's holiday calendar";
	restr_apply(&r, week);
	return NULL;
}

size_t
rota_week_index(int64_t local_min)
{
	return (size_t)civil_fmod(local_min + EPOCH_WDAY_MIN, WEEK);
}

const char *
rota_when_parse(const char *s, const struct tz *tz, int64_t *ms)
{
	return when_parse(s, tz, ms);
}

const char *
rota_check_policy(const char *s)
{
	enum policy	 pol;

	return policy_parse(s, &pol);
}

const char *
rota_check_when(const char *s)
{
	int64_t	 ms;

	return when_parse(s, NULL, &ms);
}

/* ------------------------------------------------------------ patterns */

static int
covers(const struct daypat *p, int m)
{
	int	 i;

	for (i = 0; i < p->n; i++)
		if (m < p->e[i])
			return m >= p->s[i];
	return 0;
}

/*
 * The first minute x >= p of the day at which coverage is not state
 * (state being what it is just before p); DAY when none.
 */
static int
first_change(const struct daypat *pt, int p, int state)
{
	int	 i;

	for (i = 0; i < pt->n; i++) {
		if (pt->e[i] <= p)
			continue;
		if (pt->s[i] <= p)
			return state ? pt->e[i] : p;
		return state ? p : pt->s[i];
	}
	return state ? p : DAY;
}

/* A day's bitmap as intervals; -1 when it needs more than PAT_MAX. */
static int
pat_from(struct daypat *pt, const uint8_t *day)
{
	int	 m = 0, s;

	pt->n = 0;
	while (m < DAY) {
		if (!day[m]) {
			m++;
			continue;
		}
		for (s = m; m < DAY && day[m]; m++)
			;
		if (pt->n == PAT_MAX)
			return -1;
		pt->s[pt->n] = (uint16_t)s;
		pt->e[pt->n] = (uint16_t)m;
		pt->n++;
	}
	return 0;
}

static void
pat_bits(const struct daypat *pt, uint8_t *day)
{
	int	 i;

	memset(day, 0, DAY);
	for (i = 0; i < pt->n; i++)
		memset(day + pt->s[i], 1, (size_t)(pt->e[i] - pt->s[i]));
}

static int
pat_equal(const struct daypat *a, const struct daypat *b)
{
	return a->n == b->n && memcmp(a->s, b->s, a->n * sizeof(a->s[0])) ==
	    0 && memcmp(a->e, b->e, a->n * sizeof(a->e[0])) == 0;
}

/* ------------------------------------------------------------ holidays */

/* The first index of r->hol not before day. */
static size_t
hol_lower(const struct rota *r, int64_t day)
{
	size_t	 lo = 0, hi = r->nhol, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->hol[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Day numbers the bitmap holds: 1970-01-01 .. 2199-12-31. */
#define HOL_DAYS	84006

static int
is_hol(const struct rota *r, int64_t day)
{
	return r->holbits != NULL && day >= 0 && day < HOL_DAYS &&
	    (r->holbits[day >> 3] >> (day & 7) & 1);
}

/* The first holiday on or after day; NEVER when none. */
static int64_t
next_hol(const struct rota *r, int64_t day)
{
	size_t	 i = hol_lower(r, day);

	return i < r->nhol ? r->hol[i] : NEVER;
}

static int
hol_collect(struct rota *r)
{
	int64_t		*v = NULL, *nv, y;
	size_t		 n = 0, cap = 0, k;

	for (y = HOL_FIRST_YEAR; y <= HOL_LAST_YEAR; y++) {
		for (;;) {
			k = holiday_year(r->cal, y, v + n, cap - n);
			if (k <= cap - n)
				break;
			cap = cap * 2 + k + 64;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				return -1;
			}
			v = nv;
		}
		n += k;
	}
	r->hol = v;
	r->nhol = n;
	if ((r->holbits = calloc(HOL_DAYS / 8 + 1, 1)) == NULL)
		return -1;
	for (k = 0; k < n; k++)
		if (v[k] >= 0 && v[k] < HOL_DAYS)
			r->holbits[v[k] >> 3] |= (uint8_t)(1 << (v[k] & 7));
	return 0;
}

/* ------------------------------------------------------------ turns */

/* Covered minutes of the plain week before local minute x (+ a const). */
static int64_t
week_cum(const int64_t *pre, int64_t x)
{
	int64_t	 w = x + EPOCH_WDAY_MIN, q = civil_fdiv(w, WEEK);

	return q * pre[WEEK] + pre[w - q * WEEK];
}

/* Whether shift s shows the layer, holidays and all. */
static int
shift_shows(const struct rota *r, const struct layer *L, int64_t s)
{
	int64_t	 a = L->anchor + s * L->len, b = a + L->len, d, lo, hi;
	const struct daypat *pt;
	int	 i;

	for (d = civil_fdiv(a, DAY); d * DAY < b; d++) {
		pt = &L->eff[is_hol(r, d)][civil_weekday(d)];
		lo = a > d * DAY ? a - d * DAY : 0;
		hi = b < (d + 1) * DAY ? b - d * DAY : DAY;
		for (i = 0; i < pt->n; i++)
			if (pt->s[i] < hi && pt->e[i] > lo)
				return 1;
	}
	return 0;
}

static int64_t
gcd(int64_t a, int64_t b)
{
	while (b != 0) {
		int64_t	 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Tables for counting shifts the layer shows in. Without holidays that
 * is periodic: a cycle of lcm(shift, week) holds `period` shifts, of
 * which prefix[i] show among the first i. Holidays change single shifts;
 * each such change is a correction, kept sorted with running sums.
 */
static int
turns_build(const struct rota *r, struct layer *L)
{
	int64_t		*pre, i, a, s, delta, c0, cum = 0;
	int64_t		 last = INT64_MIN;
	struct corr	*nc;
	size_t		 h, cap = 0;
	int		 wd, m, dep = 0;

	if ((pre = calloc(WEEK + 1, sizeof(*pre))) == NULL)
		return -1;
	for (wd = 0; wd < 7; wd++)
		for (m = 0; m < DAY; m++)
			pre[wd * DAY + m + 1] = pre[wd * DAY + m] +
			    covers(&L->eff[0][wd], m);
	L->period = WEEK / gcd(L->len, WEEK);
	if ((L->prefix = calloc((size_t)L->period + 1,
	    sizeof(*L->prefix))) == NULL) {
		free(pre);
		return -1;
	}
	for (i = 0; i < L->period; i++) {
		a = L->anchor + i * L->len;
		L->prefix[i + 1] = L->prefix[i] +
		    (week_cum(pre, a + L->len) > week_cum(pre, a));
	}
	L->per_cnt = L->prefix[L->period];

	for (wd = 0; wd < 7; wd++)
		dep |= !pat_equal(&L->eff[0][wd], &L->eff[1][wd]);
	for (h = 0; dep && h < r->nhol; h++) {
		s = civil_fdiv(r->hol[h] * DAY - L->anchor, L->len);
		for (; s * L->len + L->anchor < (r->hol[h] + 1) * DAY; s++) {
			if (s <= last)
				continue;
			last = s;
			i = civil_fmod(s, L->period);
			c0 = L->prefix[i + 1] - L->prefix[i];
			if ((delta = shift_shows(r, L, s) - c0) == 0)
				continue;
			if (L->ncorr == cap) {
				cap = cap ? cap * 2 : 64;
				if ((nc = realloc(L->corr, cap *
				    sizeof(*nc))) == NULL) {
					free(pre);
					return -1;
				}
				L->corr = nc;
			}
			cum += delta;
			L->corr[L->ncorr].s = s;
			L->corr[L->ncorr].cum = cum;
			if (s < 0)
				L->corr_base = cum;
			L->ncorr++;
		}
	}
	free(pre);
	return 0;
}

/* Sum of corrections of shifts before k. */
static int64_t
corr_before(const struct layer *L, int64_t k)
{
	size_t	 lo = 0, hi = L->ncorr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (L->corr[mid].s < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? 0 : L->corr[lo - 1].cum;
}

/* Shifts the layer showed in from shift 0 up to k (negative before). */
static int64_t
turns(const struct layer *L, int64_t k)
{
	int64_t	 q = civil_fdiv(k, L->period);

	return q * L->per_cnt + L->prefix[k - q * L->period] +
	    (L->ncorr ? corr_before(L, k) - L->corr_base : 0);
}

/* ------------------------------------------------------------ building */

static void	keyf(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* A key path; too long ones are cut (perr keeps 63 bytes anyway). */
static void
keyf(char *buf, size_t len, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static const struct tz *
zone_get(struct rota_set *set, const char *name, const char *key,
    struct perr_list *errs)
{
	struct tz	**nz, *z;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < set->nzones; i++)
		if (strcmp(tz_name(set->zones[i]), name) == 0)
			return set->zones[i];
	if ((z = tz_load(set->zonedir, name, err, sizeof(err))) == NULL) {
		perr_add(errs, NULL, 0, key, "%s", err);
		return NULL;
	}
	if ((nz = realloc(set->zones, (set->nzones + 1) *
	    sizeof(*nz))) == NULL) {
		tz_free(z);
		perr_add(errs, NULL, 0, key, "out of memory");
		return NULL;
	}
	set->zones = nz;
	nz[set->nzones++] = z;
	return z;
}

int
rota_set_person_index(const struct rota_set *set, const char *id)
{
	size_t	 i;

	for (i = 0; id != NULL && i < set->npeople; i++)
		if (strcmp(set->people[i].id, id) == 0)
			return (int)i;
	return -1;
}

static int
layer_parse(struct rota *r, struct layer *L, const struct rota_layer_spec *ls,
    int n, const char *key, struct perr_list *errs)
{
	struct restr	 rs;
	const char	*why;
	char		 k[200];
	int64_t		 day;
	size_t		 i;
	int		 wday = -1, hmin = 0, ok = 1, anchor_ok = 0;

	if ((L->name = ls->name ? strdup(ls->name) :
	    (asprintf(&L->name, "layer %d", n + 1) == -1 ? NULL : L->name))
	    == NULL)
		goto nomem;
	if (ls->n_members == 0 && ls->members != NULL) {
		perr_add(errs, NULL, 0, key, "members must name at least one person");
		ok = 0;
	}
	if (ls->n_members > MAX_MEMBERS) {
		perr_add(errs, NULL, 0, key, "has more than %d members", MAX_MEMBERS);
		ok = 0;
	}
	if ((L->members = calloc(ls->n_members + 1, sizeof(int))) == NULL)
		goto nomem;
	for (i = 0; ok && i < ls->n_members; i++) {
		if (ls->members[i] == NULL) {
			ok = 0;
			continue;
		}
		L->members[i] = rota_set_person_index(r->set, ls->members[i]);
		if (L->members[i] == -1) {
			keyf(k, sizeof(k), "%s.members[%zu]", key, i);
			perr_add(errs, NULL, 0, k, "no person \"%s\" in people",
			    ls->members[i]);
			ok = 0;
		}
	}
	L->n_members = (int)ls->n_members;
	if (ls->members == NULL || ls->shift == NULL ||
	    ls->handoff == NULL || ls->anchor == NULL)
		ok = 0;		/* reported as missing or invalid */
	if (ls->shift != NULL && (why = shift_parse(ls->shift,
	    &L->len)) != NULL) {
		keyf(k, sizeof(k), "%s.shift", key);
		perr_add(errs, NULL, 0, k, "\"%s\" %s", ls->shift, why);
		ok = 0;
	}
	if (ls->handoff != NULL && (why = handoff_parse(ls->handoff, &wday,
	    &hmin)) != NULL) {
		keyf(k, sizeof(k), "%s.handoff", key);
		perr_add(errs, NULL, 0, k, "\"%s\" %s", ls->handoff, why);
		ok = 0;
	}
	if (ls->anchor != NULL && ((why = rota_check_date(ls->anchor)) !=
	    NULL || p_date(ls->anchor, &day) == NULL)) {
		keyf(k, sizeof(k), "%s.anchor", key);
		perr_add(errs, NULL, 0, k, "\"%s\" %s", ls->anchor, why ? why :
		    "must be a date YYYY-MM-DD");
		ok = 0;
	} else if (ls->anchor != NULL)
		anchor_ok = 1;
	if (ls->shift != NULL && L->len != 0 && wday != -1 &&
	    L->len % WEEK != 0) {
		keyf(k, sizeof(k), "%s.handoff", key);
		perr_add(errs, NULL, 0, k, "names a weekday, which needs a shift of whole "
		    "weeks (shift is \"%s\")", ls->shift);
		ok = 0;
	}
	if (anchor_ok && wday != -1 && civil_weekday(day) != wday) {
		keyf(k, sizeof(k), "%s.anchor", key);
		perr_add(errs, NULL, 0, k, "%s is a %s, but the handoff is on %ss",
		    ls->anchor, civil_weekday_name(civil_weekday(day)),
		    civil_weekday_name(wday));
		ok = 0;
	}
	if (ok)
		L->anchor = day * DAY + hmin;

	if ((L->week = calloc(WEEK, 1)) == NULL)
		goto nomem;
	if (ls->n_restrictions == 0)
		memset(L->week, 1, WEEK);
	for (i = 0; i < ls->n_restrictions; i++) {
		if (ls->restrictions[i] == NULL)
			continue;
		keyf(k, sizeof(k), "%s.restrictions[%zu]", key, i);
		if ((why = restr_parse(ls->restrictions[i], &rs)) != NULL) {
			perr_add(errs, NULL, 0, k, "\"%s\" %s", ls->restrictions[i], why);
			ok = 0;
			continue;
		}
		if (rs.kind == R_HOLIDAYS) {
			if (r->cal == NULL && r->policy != POL_IGNORE) {
				perr_add(errs, NULL, 0, k, "\"holidays\" needs a calendar: "
				    "set the rota's holidays");
				ok = 0;
			} else if (r->policy == POL_IGNORE) {
				perr_add(errs, NULL, 0, k, "\"holidays\" never applies "
				    "with holiday_policy \"ignore\"");
				ok = 0;
			}
			L->hol_token = 1;
		}
		restr_apply(&rs, L->week);
	}
	return ok ? 0 : 1;
nomem:
	perr_add(errs, NULL, 0, key, "out of memory");
	return -1;
}

/*
 * Per-day patterns of every layer of a level, what each shows under the
 * later ones, and the turn tables that depend on both.
 */
static int
level_finish(struct rota *r, struct level *lv, const char *key,
    struct perr_list *errs)
{
	uint8_t		*bits, *mask, *day, *b;
	struct layer	*L;
	char		 k[200];
	int		 i, j, h, wd, src, m, full, none;

	if ((bits = malloc((size_t)lv->n * 14 * DAY + 2 * DAY)) == NULL) {
		perr_add(errs, NULL, 0, key, "out of memory");
		return -1;
	}
	mask = bits + (size_t)lv->n * 14 * DAY;
	day = mask + DAY;
	for (i = 0; i < lv->n; i++) {
		L = &lv->layers[i];
		for (h = 0; h < 2; h++) {
			for (wd = 0; wd < 7; wd++) {
				src = h && r->policy == POL_WEEKEND &&
				    wd >= 1 && wd <= 5 ? 6 : wd;
				b = bits + ((size_t)i * 14 + h * 7 + wd) * DAY;
				memcpy(b, L->week + src * DAY, DAY);
				if (h && L->hol_token)
					memset(b, 1, DAY);
				if (pat_from(&L->own[h][wd], b) == -1) {
					keyf(k, sizeof(k), "%s.layers[%d]."
					    "restrictions", key, i);
					perr_add(errs, NULL, 0, k, "make more than %d "
					    "separate windows in one day",
					    PAT_MAX);
					free(bits);
					return 1;
				}
			}
		}
	}
	/* What shows of layer i: its own minus every later layer's. */
	for (i = 0; i < lv->n; i++) {
		L = &lv->layers[i];
		for (h = 0; h < 2; h++) {
			for (wd = 0; wd < 7; wd++) {
				memset(mask, 0, DAY);
				for (j = i + 1; j < lv->n; j++) {
					pat_bits(&lv->layers[j].own[h][wd],
					    day);
					for (m = 0; m < DAY; m++)
						mask[m] |= day[m];
				}
				pat_bits(&L->own[h][wd], day);
				for (m = 0; m < DAY; m++)
					day[m] &= !mask[m];
				/* Fewer windows than own: cannot overflow. */
				(void)pat_from(&L->eff[h][wd], day);
			}
		}
		for (h = 1; h >= 0; h--) {
			full = none = 1;
			for (wd = 0; wd < 7; wd++) {
				full &= L->own[h][wd].n == 1 &&
				    L->own[h][wd].s[0] == 0 &&
				    L->own[h][wd].e[0] == DAY;
				none &= L->own[h][wd].n == 0;
			}
			if (h == 1)
				L->const_all = full ? 1 : none ? 0 : -1;
			else
				L->const0 = full ? 1 : none ? 0 : -1;
		}
		if (L->const_all != L->const0)
			L->const_all = -1;
	}
	free(bits);
	for (i = 0; i < lv->n; i++) {
		free(lv->layers[i].week);	/* the patterns have it all */
		lv->layers[i].week = NULL;
		if (turns_build(r, &lv->layers[i]) == -1) {
			perr_add(errs, NULL, 0, key, "out of memory");
			return -1;
		}
	}
	return 0;
}

static void
layer_free(struct layer *L)
{
	free(L->name);
	free(L->members);
	free(L->week);
	free(L->prefix);
	free(L->corr);
}

static int
ovr_cmp(const void *a, const void *b)
{
	const struct rota_override	*x = a, *y = b;

	if (x->from_ms != y->from_ms)
		return x->from_ms < y->from_ms ? -1 : 1;
	/* Keep the list's order for equal starts: later ones win ties. */
	return x < y ? -1 : x > y;
}

static int
overrides_build(struct rota *r, const struct rota_spec *sp, const char *key,
    struct perr_list *errs)
{
	const struct rota_override_spec	*os;
	struct rota_override		*o;
	const char			*why;
	char				 k[200];
	size_t				 i;
	int				 ok = 1, bad;

	if ((r->ovr = calloc(sp->n_overrides + 1, sizeof(*r->ovr))) == NULL)
		return -1;
	for (i = 0; i < sp->n_overrides; i++) {
		os = &sp->overrides[i];
		o = &r->ovr[r->novr];
		keyf(k, sizeof(k), "%s.overrides[%zu]", key, i);
		bad = os->person == NULL || os->from == NULL ||
		    os->until == NULL;
		if (os->person != NULL && (o->person =
		    rota_set_person_index(r->set, os->person)) == -1) {
			perr_add(errs, NULL, 0, k, "person \"%s\" is not in people",
			    os->person);
			bad = 1;
		}
		o->covers = -1;
		if (os->covers != NULL && (o->covers =
		    rota_set_person_index(r->set, os->covers)) == -1) {
			perr_add(errs, NULL, 0, k, "covers \"%s\" is not in people",
			    os->covers);
			bad = 1;
		}
		o->level = os->level;
		if (os->covers == NULL && os->level == 0) {
			perr_add(errs, NULL, 0, k, "needs covers (a person) or level "
			    "(1..%d) to say whom it replaces", r->nlevels);
			bad = 1;
		} else if (os->level < 0 || os->level > r->nlevels) {
			perr_add(errs, NULL, 0, k, "level %d: the rota has levels 1..%d",
			    os->level, r->nlevels);
			bad = 1;
		}
		if (r->tz == NULL)
			bad = 1;	/* no clock to read the times on */
		if (os->from != NULL && (why = when_parse(os->from, r->tz,
		    &o->from_ms)) != NULL) {
			perr_add(errs, NULL, 0, k, "from \"%s\" %s", os->from, why);
			bad = 1;
		}
		if (os->until != NULL && (why = when_parse(os->until, r->tz,
		    &o->until_ms)) != NULL) {
			perr_add(errs, NULL, 0, k, "until \"%s\" %s", os->until, why);
			bad = 1;
		}
		if (!bad && o->until_ms <= o->from_ms) {
			perr_add(errs, NULL, 0, k, "until (%s) is not after from (%s)",
			    os->until, os->from);
			bad = 1;
		}
		if (!bad && os->note != NULL &&
		    (o->note = strdup(os->note)) == NULL)
			return -1;
		if (bad)
			ok = 0;
		else
			r->novr++;
	}
	qsort(r->ovr, r->novr, sizeof(*r->ovr), ovr_cmp);
	return ok ? 0 : 1;
}

static void
rota_free_one(struct rota *r)
{
	int	 i, j;
	size_t	 o;

	for (i = 0; i < r->nlevels; i++) {
		for (j = 0; j < r->levels[i].n; j++)
			layer_free(&r->levels[i].layers[j]);
		free(r->levels[i].layers);
		free(r->levels[i].name);
	}
	free(r->levels);
	for (o = 0; o < r->novr; o++)
		free((char *)r->ovr[o].note);
	free(r->ovr);
	free(r->hol);
	free(r->holbits);
	free(r->id);
}

/* Returns 0, 1 when errors were reported, -1 out of memory. */
static int
rota_build(struct rota_set *set, struct rota *r, const struct rota_spec *sp,
    struct perr_list *errs)
{
	const struct rota_level_spec	*ls;
	struct level			*lv;
	const char			*why;
	char				 key[128], k[200];
	size_t				 i, j;
	int				 ok = 1, rc;

	r->set = set;
	keyf(key, sizeof(key), "rotas.%s", sp->id ? sp->id : "?");
	if ((r->id = strdup(sp->id ? sp->id : "")) == NULL)
		return -1;
	/* Without a zone the rest is still checked, for one full report. */
	keyf(k, sizeof(k), "%s.time_zone", key);
	if (sp->time_zone == NULL ||
	    (r->tz = zone_get(set, sp->time_zone, k, errs)) == NULL)
		ok = 0;
	r->policy = POL_LAYER;
	if (sp->holiday_policy != NULL &&
	    (why = policy_parse(sp->holiday_policy, &r->policy)) != NULL) {
		keyf(k, sizeof(k), "%s.holiday_policy", key);
		perr_add(errs, NULL, 0, k, "\"%s\" %s", sp->holiday_policy, why);
		ok = 0;
	}
	if (sp->holidays != NULL &&
	    (r->cal = rota_set_calendar(set, sp->holidays)) == NULL) {
		keyf(k, sizeof(k), "%s.holidays", key);
		perr_add(errs, NULL, 0, k, "no holiday calendar \"%s\" in holidays",
		    sp->holidays);
		ok = 0;
	}
	if (sp->owner != NULL && rota_set_person_index(set, sp->owner) == -1) {
		keyf(k, sizeof(k), "%s.owner", key);
		perr_add(errs, NULL, 0, k, "owner \"%s\" is not in people",
		    sp->owner);
		ok = 0;
	}
	if (r->cal != NULL && r->policy != POL_IGNORE && hol_collect(r) == -1)
		return -1;
	if (sp->n_levels == 0) {
		perr_add(errs, NULL, 0, key, "needs levels: ( { layers = ( ... ); } )");
		ok = 0;
	}
	if (sp->n_levels > MAX_LEVELS) {
		perr_add(errs, NULL, 0, key, "has more than %d levels", MAX_LEVELS);
		return 1;
	}
	if ((r->levels = calloc(sp->n_levels + 1, sizeof(*r->levels))) ==
	    NULL)
		return -1;
	r->nlevels = (int)sp->n_levels;
	for (i = 0; i < sp->n_levels; i++) {
		ls = &sp->levels[i];
		lv = &r->levels[i];
		keyf(k, sizeof(k), "%s.levels[%zu]", key, i);
		if (ls->name != NULL)
			lv->name = strdup(ls->name);
		else if (asprintf(&lv->name, "level %zu", i + 1) == -1)
			lv->name = NULL;
		if (lv->name == NULL)
			return -1;
		if (ls->n_layers == 0 || ls->n_layers > MAX_LAYERS) {
			perr_add(errs, NULL, 0, k, "needs 1 to %d layers", MAX_LAYERS);
			ok = 0;
			continue;
		}
		if ((lv->layers = calloc(ls->n_layers,
		    sizeof(*lv->layers))) == NULL)
			return -1;
		lv->n = (int)ls->n_layers;
		rc = 0;
		for (j = 0; j < ls->n_layers; j++) {
			char	 lk[200];
			int	 lrc;

			keyf(lk, sizeof(lk), "%s.layers[%zu]", k, j);
			if ((lrc = layer_parse(r, &lv->layers[j],
			    &ls->layers[j], (int)j, lk, errs)) == -1)
				return -1;
			rc |= lrc;
		}
		if (rc != 0) {
			ok = 0;
			continue;
		}
		if ((rc = level_finish(r, lv, k, errs)) == -1)
			return -1;
		if (rc != 0)
			ok = 0;
	}
	if ((rc = overrides_build(r, sp, key, errs)) == -1)
		return -1;
	return ok && rc == 0 ? 0 : 1;
}

void
rota_set_free(struct rota_set *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->nrotas; i++)
		rota_free_one(&set->rotas[i]);
	free(set->rotas);
	for (i = 0; i < set->ncals; i++)
		holiday_cal_free(set->cals[i]);
	free(set->cals);
	for (i = 0; i < set->nzones; i++)
		tz_free(set->zones[i]);
	free(set->zones);
	for (i = 0; i < set->npeople; i++) {
		free((char *)set->people[i].id);
		free((char *)set->people[i].name);
		free((char *)set->people[i].phone);
		free((char *)set->people[i].email);
	}
	free(set->people);
	free(set);
}

static char *
dup_or_empty(const char *s)
{
	return strdup(s != NULL ? s : "");
}

struct rota_set *
rota_set_build(const struct rota_set_spec *sp, const char *zonedir,
    struct perr_list *errs)
{
	const struct rota_person_spec	*ps;
	struct rota_person		*p;
	struct rota_set			*set;
	char				 key[128];
	size_t				 i, nerr = errs->n;
	int				 rc;

	if ((set = calloc(1, sizeof(*set))) == NULL)
		goto nomem;
	set->zonedir = zonedir;
	if ((set->people = calloc(sp->n_people + 1,
	    sizeof(*set->people))) == NULL ||
	    (set->cals = calloc(sp->n_calendars + 1,
	    sizeof(*set->cals))) == NULL ||
	    (set->rotas = calloc(sp->n_rotas + 1,
	    sizeof(*set->rotas))) == NULL)
		goto nomem;
	for (i = 0; i < sp->n_people; i++) {
		ps = &sp->people[i];
		if (ps->id == NULL)
			continue;
		p = &set->people[set->npeople++];
		if ((p->id = dup_or_empty(ps->id)) == NULL ||
		    (p->name = dup_or_empty(ps->name ? ps->name : ps->id)) ==
		    NULL || (p->phone = dup_or_empty(ps->phone)) == NULL ||
		    (p->email = dup_or_empty(ps->email)) == NULL)
			goto nomem;
		if (ps->time_zone != NULL) {
			keyf(key, sizeof(key), "people.%s.time_zone",
			    ps->id);
			p->tz = zone_get(set, ps->time_zone, key, errs);
		}
	}
	for (i = 0; i < sp->n_calendars; i++) {
		if (sp->calendars[i].id == NULL)
			continue;
		keyf(key, sizeof(key), "holidays.%s",
		    sp->calendars[i].id);
		set->cals[set->ncals] = holiday_cal_build(&sp->calendars[i],
		    key, errs);
		if (set->cals[set->ncals] != NULL)
			set->ncals++;
	}
	for (i = 0; i < sp->n_rotas; i++) {
		if ((rc = rota_build(set, &set->rotas[set->nrotas],
		    &sp->rotas[i], errs)) == -1) {
			set->nrotas++;
			goto nomem;
		}
		set->nrotas++;
	}
	set->zonedir = NULL;
	if (errs->n > nerr) {
		rota_set_free(set);
		return NULL;
	}
	return set;
nomem:
	rota_set_free(set);
	perr_add(errs, NULL, 0, "rotas", "out of memory");
	return NULL;
}

/* ------------------------------------------------------------ lookups */

size_t
rota_set_count(const struct rota_set *set)
{
	return set->nrotas;
}

const struct rota *
rota_set_get(const struct rota_set *set, size_t i)
{
	return i < set->nrotas ? &set->rotas[i] : NULL;
}

const struct rota *
rota_set_find(const struct rota_set *set, const char *id)
{
	size_t	 i;

	for (i = 0; i < set->nrotas; i++)
		if (strcmp(set->rotas[i].id, id) == 0)
			return &set->rotas[i];
	return NULL;
}

size_t
rota_set_people(const struct rota_set *set)
{
	return set->npeople;
}

const struct rota_person *
rota_set_person(const struct rota_set *set, int i)
{
	return i >= 0 && (size_t)i < set->npeople ? &set->people[i] : NULL;
}

const struct holiday_cal *
rota_set_calendar(const struct rota_set *set, const char *id)
{
	size_t	 i;

	for (i = 0; i < set->ncals; i++)
		if (strcmp(holiday_cal_id(set->cals[i]), id) == 0)
			return set->cals[i];
	return NULL;
}

const char *
rota_id(const struct rota *r)
{
	return r->id;
}

const struct tz *
rota_tz(const struct rota *r)
{
	return r->tz;
}

int
rota_levels(const struct rota *r)
{
	return r->nlevels;
}

const char *
rota_level_name(const struct rota *r, int level)
{
	return level >= 1 && level <= r->nlevels ?
	    r->levels[level - 1].name : NULL;
}

int
rota_when(const struct rota *r, const char *s, int64_t *ms)
{
	return when_parse(s, r->tz, ms) == NULL ? 0 : -1;
}

const struct rota_override *
rota_overrides(const struct rota *r, size_t *n)
{
	*n = r->novr;
	return r->ovr;
}

/* ------------------------------------------------------------ resolving */

/*
 * The first local minute after now (day, minute mod) at which coverage
 * of a layer from..n-1 changes, or cap if that comes first. Days are
 * walked one by one; plain days on which no layer can change are
 * jumped over to the next holiday.
 */
static int64_t
next_edge(const struct rota *r, const struct level *lv, int from,
    int64_t day, int mod, int h, int64_t cap)
{
	const struct layer	*L;
	int			 cur[MAX_LAYERS], j, x, best, wd, p, idle;
	int64_t			 d = day, nh;
	int			 hd = h, iter;

	wd = civil_weekday(day);
	idle = 1;
	for (j = from; j < lv->n; j++) {
		cur[j] = covers(&lv->layers[j].own[h][wd], mod);
		idle &= lv->layers[j].const_all == cur[j];
	}
	if (idle)
		return cap;	/* on or off for good: no edge ever */
	p = mod + 1;
	for (iter = 0; iter < SCAN_MAX; iter++) {
		if (cap != NEVER && d * DAY >= cap)
			return cap;
		if (p < DAY) {
			wd = civil_weekday(d);
			best = DAY;
			for (j = from; j < lv->n; j++) {
				L = &lv->layers[j];
				x = first_change(&L->own[hd][wd], p, cur[j]);
				if (x < best)
					best = x;
			}
			if (best < DAY)
				return cap != NEVER && d * DAY + best > cap ?
				    cap : d * DAY + best;
		}
		d++;
		p = 0;
		hd = is_hol(r, d);
		if (hd)
			continue;
		idle = 1;
		for (j = from; j < lv->n; j++)
			idle &= lv->layers[j].const0 == cur[j];
		if (idle) {
			if ((nh = next_hol(r, d)) == NEVER)
				return cap;
			d = nh;
			hd = 1;
		}
	}
	return cap;
}

/*
 * The rotation's answer at t, and the next instant it may change. With
 * full unset, the shift's bounds and the holiday's name are left out:
 * enough to compare answers.
 */
static void
resolve_rotation(const struct rota *r, const struct level *lv, int64_t t,
    int full, struct rota_answer *out, int64_t *next)
{
	const struct layer	*L = NULL;
	int64_t			 lmin, day, k, cap = NEVER, x;
	int			 mod, wd, h, i;

	lmin = civil_fdiv(tz_local_max_ms(r->tz, t), CIVIL_MS_PER_MIN);
	day = civil_fdiv(lmin, DAY);
	mod = (int)(lmin - day * DAY);
	wd = civil_weekday(day);
	h = r->nhol > 0 && is_hol(r, day);

	memset(out, 0, sizeof(*out));
	out->layer = -1;
	out->shift_start_ms = INT64_MIN;
	out->shift_end_ms = INT64_MAX;
	out->holiday = h && full ? holiday_on_day(r->cal, day) : NULL;
	for (i = lv->n - 1; i >= 0; i--) {
		if (covers(&lv->layers[i].own[h][wd], mod)) {
			L = &lv->layers[i];
			break;
		}
	}
	if (L != NULL) {
		k = civil_fdiv(lmin - L->anchor, L->len);
		out->who = &r->set->people[L->members[civil_fmod(turns(L, k),
		    L->n_members)]];
		out->reason = h && !covers(&L->own[0][wd], mod) ?
		    ROTA_HOLIDAY : ROTA_ROTATION;
		out->layer = i;
		out->layer_name = L->name;
		cap = L->anchor + (k + 1) * L->len;
		if (full)
			out->shift_start_ms = tz_utc_ms(r->tz, (cap - L->len) *
			    CIVIL_MS_PER_MIN, NULL);
	}
	out->scheduled = out->who;
	x = next_edge(r, lv, i < 0 ? 0 : i, day, mod, h, cap);
	*next = x == NEVER ? NEVER : tz_utc_ms(r->tz, x * CIVIL_MS_PER_MIN,
	    NULL);
	if (L != NULL)
		out->shift_end_ms = x == cap ? *next : full ?
		    tz_utc_ms(r->tz, cap * CIVIL_MS_PER_MIN, NULL) : INT64_MAX;
}

/*
 * Pick the overrides that apply at t from v[0..n), keeping the one that
 * started last of each kind, and lower *next to the first start or end
 * that could change the answer.
 */
static void
overrides_scan(const struct rota_override *v, size_t n, int level, int base,
    int64_t t, const struct rota_override **lvl,
    const struct rota_override **per, int64_t *next)
{
	const struct rota_override	*o, **best;
	size_t				 i;

	for (i = 0; i < n; i++) {
		o = &v[i];
		if ((o->level != 0 && o->level != level) ||
		    (o->covers != -1 && o->covers != base))
			continue;
		if (o->from_ms > t) {
			if (o->from_ms < *next)
				*next = o->from_ms;
			continue;
		}
		if (o->until_ms <= t)
			continue;
		if (o->until_ms < *next)
			*next = o->until_ms;
		best = o->covers == -1 ? lvl : per;
		if (*best == NULL || o->from_ms >= (*best)->from_ms)
			*best = o;
	}
}

static void
resolve_raw(const struct rota *r, const struct rota_override *extra,
    size_t n_extra, int level, int64_t t, int full, struct rota_answer *out,
    int64_t *next)
{
	const struct rota_override	*lvl = NULL, *per = NULL, *o;
	int				 base;

	resolve_rotation(r, &r->levels[level - 1], t, full, out, next);
	base = out->who ? (int)(out->who - r->set->people) : -2;
	overrides_scan(r->ovr, r->novr, level, base, t, &lvl, &per, next);
	if (extra != NULL)
		overrides_scan(extra, n_extra, level, base, t, &lvl, &per,
		    next);
	if ((o = lvl != NULL ? lvl : per) != NULL &&
	    rota_set_person(r->set, o->person) != NULL) {
		out->who = &r->set->people[o->person];
		out->reason = ROTA_OVERRIDE;
		out->override = o;
	}
}

static int
same_answer(const struct rota_answer *a, const struct rota_answer *b)
{
	return a->who == b->who && a->reason == b->reason &&
	    a->layer == b->layer && a->override == b->override;
}

/*
 * The answer at at_ms with until_ms the next instant it really changes.
 * An edge is not always a change (one member, the same person, a lower
 * layer's handoff): later answers are compared until one differs, at
 * most REFINE_MAX; *sure says whether one did.
 */
static void
resolve_until(const struct rota *r, const struct rota_override *extra,
    size_t n_extra, int level, int64_t at_ms, struct rota_answer *out,
    int *sure)
{
	struct rota_answer	 b;
	int64_t			 next, n2;
	int			 i;

	resolve_raw(r, extra, n_extra, level, at_ms, 1, out, &next);
	*sure = 1;
	for (i = 0; next != NEVER; i++) {
		if (i == REFINE_MAX) {
			*sure = 0;
			break;
		}
		resolve_raw(r, extra, n_extra, level, next, 0, &b, &n2);
		if (!same_answer(out, &b))
			break;
		next = n2;
	}
	out->until_ms = next;
}

int
rota_resolve_with(const struct rota *r, const struct rota_override *extra,
    size_t n_extra, int level, int64_t at_ms, struct rota_answer *out)
{
	int	 sure;

	if (level < 1 || level > r->nlevels)
		return -1;
	resolve_until(r, extra, n_extra, level, at_ms, out, &sure);
	return 0;
}

int
rota_resolve(const struct rota *r, int level, int64_t at_ms,
    struct rota_answer *out)
{
	return rota_resolve_with(r, NULL, 0, level, at_ms, out);
}

/* ------------------------------------------------------------ schedules */

const struct rota_override *
rota_extra_of(const struct rota_extra *ex, const struct rota *r, size_t *n)
{
	*n = 0;
	if (ex == NULL || ex->get == NULL)
		return NULL;
	return ex->get(ex->arg, r->id, n);
}

void
rota_iter_init(struct rota_iter *it, const struct rota *r,
    const struct rota_override *extra, size_t n_extra, int level,
    int64_t from_ms, int64_t to_ms)
{
	it->rota = r;
	it->extra = extra;
	it->n_extra = n_extra;
	it->level = level;
	it->at_ms = from_ms;
	it->end_ms = to_ms;
}

int
rota_iter_next(struct rota_iter *it, struct rota_span *span)
{
	struct rota_answer	 b;
	int			 sure;

	if (it->at_ms >= it->end_ms || it->level < 1 ||
	    it->level > it->rota->nlevels)
		return 0;
	resolve_until(it->rota, it->extra, it->n_extra, it->level,
	    it->at_ms, &span->answer, &sure);
	span->start_ms = it->at_ms;
	span->end_ms = span->answer.until_ms;
	/* Past REFINE_MAX same answers: join them here. */
	while (!sure && span->end_ms < it->end_ms) {
		resolve_until(it->rota, it->extra, it->n_extra, it->level,
		    span->end_ms, &b, &sure);
		if (!same_answer(&span->answer, &b))
			break;
		span->end_ms = b.until_ms;
	}
	if (span->end_ms > it->end_ms)
		span->end_ms = it->end_ms;
	it->at_ms = span->end_ms;
	return 1;
}

int
rota_gap_next(struct rota_iter *it, struct rota_span *span)
{
	while (rota_iter_next(it, span))
		if (span->answer.who == NULL)
			return 1;
	return 0;
}

int
rota_gap_format(const struct rota *r, int level, const struct rota_span *sp,
    char *buf, size_t len)
{
	struct tz_tm	 a, b;
	int64_t		 da, db;

	tz_localtime(r->tz, sp->start_ms, &a);
	tz_localtime(r->tz, sp->end_ms, &b);
	da = civil_days(a.year, a.mon, a.mday);
	db = civil_days(b.year, b.mon, b.mday);
	if (db == da || (db == da + 1 && b.hour == 0 && b.min == 0))
		return snprintf(buf, len, "rota %s level %d: nobody on call "
		    "%04lld-%02d-%02d %02d:%02d\xe2\x80\x93%02d:%02d %s",
		    r->id, level, (long long)a.year, a.mon, a.mday, a.hour,
		    a.min, db == da ? b.hour : 24, b.min, tz_name(r->tz));
	return snprintf(buf, len, "rota %s level %d: nobody on call "
	    "%04lld-%02d-%02d %02d:%02d \xe2\x80\x93 %04lld-%02d-%02d "
	    "%02d:%02d %s", r->id, level, (long long)a.year, a.mon, a.mday,
	    a.hour, a.min, (long long)b.year, b.mon, b.mday, b.hour, b.min,
	    tz_name(r->tz));
}
