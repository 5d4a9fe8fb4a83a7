/*
 * lib/holiday.h — named holiday calendars (etc/holidays/): rules
 * such as "12-25", "last monday of may" or "easter+39" with observed-day
 * shifts, and the question "is this date a holiday?". Pure: building a
 * calendar allocates once; holiday_on() neither allocates nor reads
 * anything but the calendar.
 */
#ifndef PAGERD_HOLIDAY_H
#define PAGERD_HOLIDAY_H

#include <stddef.h>
#include <stdint.h>

#include "perr.h"

/*
 * One holiday as written in a calendar file. rule is one of
 *   MM-DD                     every year ("12-25")
 *   YYYY-MM-DD                once ("2026-12-24")
 *   YYYY-MM-DD..YYYY-MM-DD    every day of a range, both ends included
 *   MM-DD..MM-DD              the same range every year
 *   Nth WEEKDAY of MONTH      "4th thursday of november", "last monday
 *                             of may" (1st..5th, first..fifth, last)
 *   easter[+-N]               Gregorian Easter Sunday plus N days
 * observed moves single-day holidays that fall on given weekdays, to the
 * nearest named day: "sat->fri, sun->mon" (US federal), "sun->sat"
 * (Koningsdag). since/until (years, 0 = open) bound the rule; every = N
 * keeps only every Nth year from since (lustrum holidays).
 */
struct holiday_day_spec {
	char		*name;
	char		*rule;
	char		*observed;	/* NULL: none */
	int		 since, until, every;
};

/* A calendar: its id ("nl") names it in rotas. */
struct holiday_cal_spec {
	char			*id;
	char			*name;	/* description or NULL */
	struct holiday_day_spec	*days;
	size_t			 n_days;
};

struct holiday_cal;

/* Whether rule / observed parse; NULL when they do, else why. */
const char	*holiday_rule_check(const char *rule);
const char	*holiday_observed_check(const char *observed);

/*
 * Compile spec. Errors are appended to errs under key (e.g.
 * "holidays.nl"), without a file: the config loader adds FILE:LINE.
 * Entries whose name or rule is NULL are skipped silently (the config
 * walker has reported them already). Returns a calendar to free with
 * holiday_cal_free(), or NULL (errors appended, or out of memory).
 */
struct holiday_cal *holiday_cal_build(const struct holiday_cal_spec *,
		    const char *key, struct perr_list *errs);

void		 holiday_cal_free(struct holiday_cal *);

const char	*holiday_cal_id(const struct holiday_cal *);

/*
 * The name of the holiday observed on y-m-d, or NULL when it is none.
 * Observed days count, not the nominal ones they were moved from (4 July
 * 2026, a Saturday, is observed on Friday 3 July). The string lives as
 * long as the calendar.
 */
const char	*holiday_on(const struct holiday_cal *, int64_t y, int m,
		    int d);

/* The same by day number (days since 1970-01-01). */
const char	*holiday_on_day(const struct holiday_cal *, int64_t day);

/*
 * The days of year y that are holidays, in order and once each, as day
 * numbers into days[0..cap). Returns how many there are (may exceed
 * cap: then only cap were written).
 */
size_t		 holiday_year(const struct holiday_cal *, int64_t y,
		    int64_t *days, size_t cap);

/* Gregorian Easter Sunday of year y as a day number. */
int64_t		 holiday_easter(int64_t y);

#endif /* PAGERD_HOLIDAY_H */
