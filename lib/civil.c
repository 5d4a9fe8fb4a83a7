/*
 * lib/civil.c — Gregorian calendar arithmetic on day numbers (Howard
 * Hinnant's "chrono-Compatible Low-Level Date Algorithms"), exact for any
 * year without timegm() or localtime(), which would read the process's
 * TZ state. Not a parser of timestamps: lib/timefmt.c does those.
 */
#include "autoconf.h"

#include <string.h>
#include <strings.h>

#include "civil.h"

int64_t
civil_fdiv(int64_t a, int64_t b)
{
	int64_t	q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

int64_t
civil_fmod(int64_t a, int64_t b)
{
	int64_t	r = a % b;

	return r < 0 ? r + b : r;
}

int64_t
civil_days(int64_t y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = civil_fdiv(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t	 era, doe, yoe, doy, mp;

	z += 719468;
	era = civil_fdiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
civil_weekday(int64_t z)
{
	/* 1970-01-01 was a Thursday. */
	return (int)civil_fmod(z + 4, 7);
}

int
civil_is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
civil_month_days(int64_t y, int m)
{
	static const int	 mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && civil_is_leap(y) ? 29 : mdays[m - 1];
}

static const char *const wday_long[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday"
};

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int
civil_weekday_parse(const char *s, int *wday)
{
	size_t	 i, n;

	/* "monday" or "mon", but not "mond" or "monx". */
	for (i = 0; i < 7; i++) {
		n = strlen(wday_long[i]);
		if (strncasecmp(s, wday_long[i], n) == 0 && !is_alpha(s[n])) {
			*wday = (int)i;
			return (int)n;
		}
		if (strncasecmp(s, wday_long[i], 3) == 0 && !is_alpha(s[3])) {
			*wday = (int)i;
			return 3;
		}
	}
	return 0;
}

const char *
civil_weekday_name(int wday)
{
	static const char *const names[7] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};

	return names[civil_fmod(wday, 7)];
}
