/*
 * lib/timefmt.c — RFC 3339 timestamps and "1h30m"-style durations, parsed
 * strictly so that a typo in a request or a config file is an error rather
 * than a silently different time. Never reads the clock.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "civil.h"
#include "timefmt.h"

#define MS_PER_S	1000LL
#define MS_PER_DAY	86400000LL

/* "Over 100 years" is refused: 100 Julian years of 365.25 days. */
#define DURATION_MAX_MS	(36525LL * MS_PER_DAY)

/* Read exactly n ASCII digits (isdigit() would follow the locale). */
static int
read_digits(const char *s, size_t n, int *out)
{
	size_t	 i;
	int	 v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int	 mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/*
 * RFC 3339 section 5.6 date-time:
 *   YYYY-MM-DD "T" HH:MM:SS [ "." 1*DIGIT ] ( "Z" / ("+" / "-") HH:MM )
 * Leap second 60 is refused: POSIX time cannot represent it and no sender
 * we serve (Alertmanager is Go, whose time package refuses it) emits one.
 * The fraction is truncated to milliseconds; more than 9 digits is
 * refused as nobody has a clock finer than a nanosecond.
 */
int
time_parse_rfc3339(const char *s, size_t len, int64_t *ms)
{
	int	 y, mo, d, h, mi, sec, oh, om, frac_ms = 0;
	size_t	 i, nfrac;
	int64_t	 t, off_ms = 0;

	if (len < 20)
		return -1;
	if (read_digits(s, 4, &y) == -1 || s[4] != '-' ||
	    read_digits(s + 5, 2, &mo) == -1 || s[7] != '-' ||
	    read_digits(s + 8, 2, &d) == -1 ||
	    (s[10] != 'T' && s[10] != 't') ||
	    read_digits(s + 11, 2, &h) == -1 || s[13] != ':' ||
	    read_digits(s + 14, 2, &mi) == -1 || s[16] != ':' ||
	    read_digits(s + 17, 2, &sec) == -1)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 59)
		return -1;

	i = 19;
	if (s[i] == '.') {
		i++;
		for (nfrac = 0; i < len && s[i] >= '0' && s[i] <= '9';
		    i++, nfrac++) {
			if (nfrac < 3)
				frac_ms = frac_ms * 10 + (s[i] - '0');
		}
		if (nfrac == 0 || nfrac > 9)
			return -1;
		for (; nfrac < 3; nfrac++)
			frac_ms *= 10;
	}

	if (i >= len)
		return -1;
	if (s[i] == 'Z' || s[i] == 'z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		if (len - i != 6 || read_digits(s + i + 1, 2, &oh) == -1 ||
		    s[i + 3] != ':' || read_digits(s + i + 4, 2, &om) == -1 ||
		    oh > 23 || om > 59)
			return -1;
		off_ms = ((int64_t)oh * 60 + om) * 60 * MS_PER_S;
		if (s[i] == '-')
			off_ms = -off_ms;
		i += 6;
	} else
		return -1;
	if (i != len)
		return -1;

	t = civil_days(y, mo, d) * MS_PER_DAY +
	    (((int64_t)h * 60 + mi) * 60 + sec) * MS_PER_S + frac_ms;
	/* local time = UTC + offset, so UTC = local time - offset */
	*ms = t - off_ms;
	return 0;
}

void
time_format_rfc3339(int64_t ms, char *buf, size_t len)
{
	int64_t	 days, rem, y;
	int	 m, d;

	/* Floor division, so instants before 1970 print the right second. */
	days = ms / MS_PER_DAY;
	rem = ms % MS_PER_DAY;
	if (rem < 0) {
		rem += MS_PER_DAY;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    (long long)y, m, d, (int)(rem / 3600000),
	    (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
	    (int)(rem % 1000));
}

/*
 * Units largest first: a duration must list them in this order, each at
 * most once, as Prometheus' model.ParseDuration does ("1m1h" is a typo,
 * not 61 minutes).
 */
static const struct dur_unit {
	const char	*name;
	int64_t		 ms;
} dur_units[] = {
	{ "w",	7 * MS_PER_DAY },
	{ "d",	MS_PER_DAY },
	{ "h",	3600 * MS_PER_S },
	{ "m",	60 * MS_PER_S },
	{ "s",	MS_PER_S },
	{ "ms",	1 },
};
#define NDUR_UNITS	(sizeof(dur_units) / sizeof(dur_units[0]))
#define DUR_SECONDS	4	/* dur_units[] index of "s" */

int
duration_parse(const char *s, int64_t *ms)
{
	const char	*p = s;
	int64_t		 total = 0, v;
	size_t		 next = 0, u, ulen;
	int		 ndigits;

	if (s == NULL || *s == '\0')
		return -1;

	while (*p != '\0') {
		v = 0;
		ndigits = 0;
		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (*p++ - '0');
			ndigits++;
			if (v > DURATION_MAX_MS)
				return -1;
		}
		if (ndigits == 0)
			return -1;

		/* A bare integer is seconds, but only as the whole string. */
		if (*p == '\0' && p - s == ndigits) {
			u = DUR_SECONDS;
			ulen = 0;
		} else {
			for (u = next; u < NDUR_UNITS; u++) {
				ulen = strlen(dur_units[u].name);
				if (strncmp(p, dur_units[u].name, ulen) == 0 &&
				    !(p[ulen] >= 'a' && p[ulen] <= 'z'))
					break;
			}
			if (u == NDUR_UNITS)
				return -1;
		}
		if (v > (DURATION_MAX_MS - total) / dur_units[u].ms)
			return -1;
		total += v * dur_units[u].ms;
		p += ulen;
		next = u + 1;
	}
	*ms = total;
	return 0;
}

void
duration_format(int64_t ms, char *buf, size_t len)
{
	uint64_t	 v;
	size_t		 u, off = 0;
	int		 r;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (ms == 0) {
		snprintf(buf, len, "0s");
		return;
	}
	/* Negative only by a caller's arithmetic; print it, do not wrap. */
	if (ms < 0) {
		v = (uint64_t)0 - (uint64_t)ms;
		snprintf(buf, len, "-");
		off = 1;
	} else
		v = (uint64_t)ms;

	for (u = 0; u < NDUR_UNITS && off < len; u++) {
		uint64_t	 n = v / (uint64_t)dur_units[u].ms;

		if (n == 0)
			continue;
		v -= n * (uint64_t)dur_units[u].ms;
		r = snprintf(buf + off, len - off, "%llu%s",
		    (unsigned long long)n, dur_units[u].name);
		if (r < 0)
			return;
		off += (size_t)r;
	}
}
