/*
 * lib/civil.h — proleptic Gregorian date arithmetic on day numbers
 * (days since 1970-01-01), for time zones, holidays and rotas. Pure
 * integer code: no libc time functions, so no TZ state and no locale.
 */
#ifndef PAGERD_CIVIL_H
#define PAGERD_CIVIL_H

#include <stdint.h>

#define CIVIL_MIN_PER_DAY	1440
#define CIVIL_S_PER_DAY		86400
#define CIVIL_MS_PER_MIN	60000LL
#define CIVIL_MS_PER_DAY	86400000LL

/* Days since 1970-01-01 of y-m-d; m 1..12, d may run past the month. */
int64_t	civil_days(int64_t y, int m, int d);

/* The date of day number z. */
void	civil_from_days(int64_t z, int64_t *y, int *m, int *d);

/* 0 = Sunday .. 6 = Saturday. */
int	civil_weekday(int64_t z);

int	civil_is_leap(int64_t y);
int	civil_month_days(int64_t y, int m);

/* Floor division and the matching non-negative remainder (b > 0). */
int64_t	civil_fdiv(int64_t a, int64_t b);
int64_t	civil_fmod(int64_t a, int64_t b);

/*
 * Weekday names: "mon" or "monday" (any case) into 0..6 (Sunday 0).
 * Reads the longest name at s; returns the bytes read, 0 when none.
 */
int	civil_weekday_parse(const char *s, int *wday);

/* Three-letter English name of wday ("Mon"). */
const char *civil_weekday_name(int wday);

#endif /* PAGERD_CIVIL_H */
