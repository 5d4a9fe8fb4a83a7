/*
 * lib/maint.h — recurring maintenance windows of a service: weekly
 * periods in the rota restriction syntax (docs/ROTA.md: "sun
 * 02:00-04:00", "sat,sun", "fri 22:00 - mon 06:00") on the wall clock of
 * a time zone, optionally bounded by dates, each with an owner. While a
 * window covers an instant, the service's incidents page no one.
 * Building reads zone files once; maint_active() is pure and allocates
 * nothing.
 */
#ifndef PAGERD_MAINT_H
#define PAGERD_MAINT_H

#include <stddef.h>
#include <stdint.h>

#include "perr.h"

/* One element of a service's maintenance = ( ... ) as written. */
struct maint_spec {
	char		 *owner;	/* who answers for it: required */
	char		 *time_zone;	/* IANA name; NULL: UTC */
	char		**restrictions;	/* rota syntax, 1 or more */
	size_t		  n_restrictions;
	char		 *from;		/* "2026-12-01 02:00" */
	char		 *until;	/* NULL: unbounded */
};

struct maint;

/*
 * Compile n specs: load zones from zonedir (NULL: TZ_DEFAULT_DIR), parse
 * the restrictions with lib/rota.c's parser. Errors are appended to errs
 * with key paths ("<key>[0].restrictions[1]") and no file, as
 * rota_set_build() does. Returns the windows (free with maint_free()),
 * NULL with errors appended, or NULL with no error when n is 0.
 */
struct maint	*maint_build(const struct maint_spec *, size_t n,
		    const char *zonedir, const char *key,
		    struct perr_list *errs);
void		 maint_free(struct maint *);

/* What maint_active() found: owner lives as long as the maint. */
struct maint_answer {
	const char	*owner;		/* of one covering at_ms */
	int64_t		 end_ms;	/* when it is over */
};

/*
 * Whether a window covers instant at_ms. Returns 1 with *out filled,
 * else 0 (also for m NULL). end_ms is the first instant no window
 * covers: windows that touch or overlap are one maintenance. The end of
 * a wall-clock window follows lib/tz.h's DST policy, and the repeated
 * hour after a fall-back changes nothing (as in rotas).
 */
int		 maint_active(const struct maint *m, int64_t at_ms,
		    struct maint_answer *out);

#endif /* PAGERD_MAINT_H */
