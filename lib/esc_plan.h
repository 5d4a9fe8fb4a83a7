/*
 * lib/esc_plan.h — escalation policies as data, and the planner that
 * says what one step of one incident does at an instant: whom to page
 * (resolved through the rotas), when the next step is due, or why the
 * step is skipped or deferred. Pure: the time, the rotas and the
 * runtime overrides are parameters; the daemon (daemon/escalation.c)
 * does the Redis side.
 *
 * Rules, in the order they apply to step S of round R at instant T:
 *
 *   Low urgency (sev3). Only the first low_urgency_steps steps of a
 *   round exist and there are no repeat rounds: no escalation storm.
 *   Outside the service's working hours (holidays count as outside)
 *   the step is deferred to the start of the next working period.
 *
 *   Targets. "rota:ID" is the rota's first level, "rota:ID:LEVEL" a
 *   level by name or number (from 1), "person:ID" that person. Each
 *   person is paged once per step however many targets name them.
 *
 *   Skips. A step whose targets are all nobody (gaps) is skipped: the
 *   next one is due at T itself, not after the delay.
 *
 *   Rounds. After the last step the policy starts over repeat more
 *   times; then escalation stops.
 */
#ifndef PAGERD_ESC_PLAN_H
#define PAGERD_ESC_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "perr.h"

struct rota_set;
struct rota_extra;
struct holiday_cal;

/* contact = ( { notifier = "sms"; after = "5m"; } ) as written. */
struct esc_contact {
	char		*notifier;	/* a notifiers section's name */
	int64_t		 after_ms;	/* after the page */
};

/* One element of a policy's steps. */
struct esc_step {
	char		**targets;
	size_t		  n_targets;
	int64_t		  delay_ms;	/* to the next step */
};

/* One element of policies = ( ... ). */
struct esc_policy {
	char		*name;
	struct esc_step	*steps;
	size_t		 n_steps;
	int		 repeat;		/* more rounds: 0..9 */
	int		 low_urgency_steps;	/* sev3: steps per round */
};

/* A service's working_hours = { ... } as written. */
struct esc_hours_spec {
	char		 *time_zone;	/* NULL: UTC */
	char		**restrictions;	/* rota syntax; none: every day */
	size_t		  n_restrictions;
	char		 *holidays;	/* a calendar id, or NULL */
};

struct esc_hours;

/*
 * Compile working hours: errors under key ("services[0].working_hours")
 * without a file, as rota_set_build() does. cals is the compiled rota
 * set, for the holiday calendar. NULL with errors, or NULL for no spec.
 */
struct esc_hours *esc_hours_build(const struct esc_hours_spec *,
		    const struct rota_set *cals, const char *zonedir,
		    const char *key, struct perr_list *errs);
void		 esc_hours_free(struct esc_hours *);

/*
 * 1 when at_ms lies in working hours (always for h NULL), else 0 with
 * *next_ms the next instant that does (INT64_MAX when none within 60
 * days: a calendar of only holidays).
 */
int		 esc_hours_in(const struct esc_hours *h, int64_t at_ms,
		    int64_t *next_ms);

/*
 * Whether target names something in set: NULL when it does, else why
 * (written to buf).
 */
const char	*esc_target_check(const struct rota_set *, const char *target,
		    char *buf, size_t len);

#define ESC_MAX_PAGES	32	/* persons one step pages, at most */

struct esc_page {
	int		 person;	/* rota_set_person() index */
	const char	*target;	/* the first target naming them */
	const char	*reason;	/* "rotation", "holiday", "override",
					 * "direct" (person:) */
};

enum esc_what {
	ESC_PAGE = 0,		/* page pages[]; next step at next_ms */
	ESC_SKIP,		/* nobody: next step at once (next_ms = T) */
	ESC_DEFER,		/* sev3 outside working hours: this step at
				 * next_ms */
	ESC_STOP		/* no such step: escalation is over */
};

struct esc_plan {
	enum esc_what	 what;
	struct esc_page	 pages[ESC_MAX_PAGES];
	size_t		 n_pages;
	int		 truncated;	/* more than ESC_MAX_PAGES */
	/* What is due next and when; next_step -1: nothing (last). */
	int		 next_step, next_round;
	int64_t		 next_ms;
};

/*
 * Plan step (from 0) of round (from 0) for an incident of level (1..3)
 * at now_ms. extra gives each rota's runtime overrides (the API's),
 * applied over the config's; NULL: none. hours NULL: always working
 * hours.
 */
void		 esc_plan(const struct esc_policy *, int step, int round,
		    int level, int64_t now_ms, const struct rota_set *,
		    const struct rota_extra *extra,
		    const struct esc_hours *hours, struct esc_plan *out);

/*
 * The contact rules that apply to a person: own (n_own > 0) or else the
 * defaults. Returns the array and sets *n.
 */
const struct esc_contact *esc_contact_rules(const struct esc_contact *own,
		    size_t n_own, const struct esc_contact *dflt,
		    size_t n_dflt, size_t *n);

#endif /* PAGERD_ESC_PLAN_H */
