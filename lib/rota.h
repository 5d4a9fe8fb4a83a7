/*
 * lib/rota.h — who is on call: people, rotations, layers with time
 * restrictions, holidays, overrides, several levels per rota, all on the
 * wall clock of the rota's time zone. Building reads zone files once;
 * answering (rota_resolve, the iterators) is pure, allocation-free and
 * safe to call from any callback.
 *
 * Semantics, in the order they apply at an instant T of a level:
 *
 *   Layers. A layer covers the wall-clock times its restrictions allow
 *   (none: always). Of the layers that cover T, the LAST one listed
 *   decides (PagerDuty's precedence). No layer covering: nobody is on
 *   call, a gap.
 *
 *   Rotation. A layer's handoffs are anchor + k * shift on the wall clock
 *   (a "1d" shift handing off at 09:00 does so at 09:00 local on DST days
 *   too, so that shift lasts 23 or 25 hours). The turn advances only
 *   over shifts the layer actually covers: a shift counts when some part
 *   of it lies inside the layer's restrictions and is not hidden by a
 *   later layer. members[0] has the first counted shift from the anchor
 *   on. A weeknights layer thus skips weekends without anyone losing a
 *   turn, and a holiday layer takes turns per holiday. Overrides never
 *   change turns.
 *
 *   Holidays. With a calendar, by the rota's holiday_policy: "layer":
 *   the restriction "holidays" covers each holiday from 00:00 to 24:00;
 *   "weekend": besides, a holiday on a weekday is restricted as if it
 *   were a Saturday (the weekend layer takes it); "ignore": the calendar
 *   is not used. Holidays count for 1970 to 2199.
 *
 *   Overrides. Active from <= T < until. One that covers the whole level
 *   (covers == -1) replaces whoever is on call, and fills gaps; else one
 *   that covers the person on call replaces that person. Among several,
 *   the one that started last wins (then the later in the list).
 *
 *   DST. A wall time inside a spring-forward gap happens at the first
 *   instant after the gap; an ambiguous fall-back time at its first
 *   occurrence, and the repeated hour changes nothing.
 */
#ifndef PAGERD_ROTA_H
#define PAGERD_ROTA_H

#include <stddef.h>
#include <stdint.h>

#include "holiday.h"
#include "perr.h"

struct esc_contact;
struct tz;

/* ------------------------------------------------------------ input */

/*
 * The rota configuration as written (the config walker fills these; a
 * test may fill them by hand). Strings are parsed by rota_set_build().
 */
struct rota_person_spec {
	char		*id;		/* "anna": what rotas name */
	char		*name;
	char		*phone;		/* E.164: "+31612345678" */
	char		*email;
	char		*time_zone;	/* IANA name, for display */
	/* How to reach them when paged (esc_plan.h); none: the
	 * config's contact_defaults. */
	struct esc_contact *contact;
	size_t		 n_contact;
};

/*
 * A layer. shift: "12h", "1d", "3d", "1w", "2w" (wall-clock hours, days
 * or weeks). handoff: "09:00", or "mon 09:00" for whole weeks. anchor: a
 * date "2026-01-05" on which a shift starts at the handoff time. Each
 * restriction is one of
 *   mon-fri 09:00-18:00       daily windows on those days
 *   mon-thu 18:00-09:00       ... crossing midnight into the next day
 *   18:00-09:00               every day
 *   fri 18:00 - mon 09:00     one window across days
 *   sat,sun                   whole days (also "sat-sun")
 *   holidays                  every holiday of the rota's calendar
 */
struct rota_layer_spec {
	char		*name;
	char		**members;	/* person ids, in turn order */
	size_t		 n_members;
	char		*shift;
	char		*handoff;
	char		*anchor;
	char		**restrictions;	/* none: always */
	size_t		 n_restrictions;
};

struct rota_level_spec {
	char			*name;		/* "primary" */
	struct rota_layer_spec	*layers;
	size_t			 n_layers;
};

/*
 * person covers for covers (a person id) or, when covers is NULL, for
 * the whole of level; level 0 with a person: on every level. from and
 * until: "2026-12-24 18:00" on the rota's wall clock, or RFC 3339.
 */
struct rota_override_spec {
	char		*person;
	char		*covers;
	int		 level;
	char		*from;
	char		*until;
	char		*note;
};

struct rota_spec {
	char				*id;		/* "db" */
	char				*time_zone;
	char				*holidays;	/* calendar id */
	char				*holiday_policy; /* layer, ... */
	struct rota_level_spec		*levels;
	size_t				 n_levels;
	struct rota_override_spec	*overrides;
	size_t				 n_overrides;
	char				*owner;		/* a person id */
};

struct rota_set_spec {
	struct rota_person_spec		*people;
	size_t				 n_people;
	struct holiday_cal_spec		*calendars;
	size_t				 n_calendars;
	struct rota_spec		*rotas;
	size_t				 n_rotas;
};

/* Syntax checks of single values: NULL when fine, else why. */
const char	*rota_check_phone(const char *);
const char	*rota_check_email(const char *);
const char	*rota_check_id(const char *);
const char	*rota_check_shift(const char *);
const char	*rota_check_handoff(const char *);
const char	*rota_check_date(const char *);
const char	*rota_check_restriction(const char *);
const char	*rota_check_policy(const char *);
const char	*rota_check_when(const char *);

/*
 * The same restriction syntax for other weekly periods (maintenance
 * windows). A week is ROTA_WEEK_MIN bytes, one per minute from Sunday
 * 00:00 on the wall clock; rota_restriction_week() sets those s covers
 * and returns NULL, or why s is wrong ("holidays" has no calendar
 * here). rota_week_index() is the byte of a local minute (wall-clock
 * minutes since 1970-01-01 00:00). rota_when_parse() reads an override's
 * "from"/"until" on tz's wall clock into *ms; NULL when fine.
 */
#define ROTA_WEEK_MIN	10080
const char	*rota_restriction_week(const char *, uint8_t *week);
size_t		 rota_week_index(int64_t local_min);
const char	*rota_when_parse(const char *, const struct tz *,
		    int64_t *ms);

/* ------------------------------------------------------------ model */

struct rota_person {
	const char	*id, *name, *phone, *email;
	const struct tz	*tz;		/* NULL when none given */
};

/*
 * An override as data: from the config, or from the API (kept in Redis
 * by the daemon). person and covers index rota_set_person(); covers -1
 * means the whole level. level is 1-based; 0 means every level.
 */
struct rota_override {
	int		 person;
	int		 covers;
	int		 level;
	int64_t		 from_ms, until_ms;
	const char	*note;		/* may be NULL */
};

enum rota_reason {
	ROTA_NOBODY,		/* a gap: no layer covers, no override */
	ROTA_ROTATION,		/* a layer's rotation */
	ROTA_HOLIDAY,		/* a layer that covers for a holiday */
	ROTA_OVERRIDE		/* an override replaced the rotation */
};

struct rota_answer {
	const struct rota_person	*who;	/* NULL: nobody (a gap) */
	enum rota_reason		 reason;
	int				 layer;	/* from 0; -1 none */
	const char			*layer_name;	/* or NULL */
	/* The rotation's pick at the instant, before any override. */
	const struct rota_person	*scheduled;
	const struct rota_override	*override;	/* that applied */
	const char			*holiday;	/* or NULL */
	/* The winning layer's shift (INT64_MIN/MAX when no layer). */
	int64_t				 shift_start_ms, shift_end_ms;
	/* The answer stays the same until this instant (INT64_MAX: ever). */
	int64_t				 until_ms;
};

struct rota_set;
struct rota;

/*
 * Compile spec: load each zone from zonedir (NULL: TZ_DEFAULT_DIR),
 * parse every string, resolve every reference. Errors are appended to
 * errs with key paths ("rotas.db.levels[0].layers[1].members[2]") and no
 * file; the config loader adds FILE:LINE. Values left NULL are taken as
 * already reported and skipped. Returns the set (free with
 * rota_set_free(); every pointer an answer holds lives as long as it),
 * or NULL with errors appended.
 */
struct rota_set	*rota_set_build(const struct rota_set_spec *,
		    const char *zonedir, struct perr_list *errs);
void		 rota_set_free(struct rota_set *);

size_t		 rota_set_count(const struct rota_set *);
const struct rota *rota_set_get(const struct rota_set *, size_t i);
const struct rota *rota_set_find(const struct rota_set *, const char *id);

/* People, by index (as overrides name them) or id; -1 / NULL if none. */
size_t		 rota_set_people(const struct rota_set *);
const struct rota_person *rota_set_person(const struct rota_set *, int i);
int		 rota_set_person_index(const struct rota_set *,
		    const char *id);
const struct holiday_cal *rota_set_calendar(const struct rota_set *,
		    const char *id);

const char	*rota_id(const struct rota *);
const struct tz	*rota_tz(const struct rota *);
int		 rota_levels(const struct rota *);
const char	*rota_level_name(const struct rota *, int level);
/*
 * The instant of s on r's wall clock: "2026-12-25 03:00", "2026-12-25"
 * (00:00) or RFC 3339 with an offset, under the DST policy above.
 * Returns 0 with *ms set, -1 when s is malformed.
 */
int		 rota_when(const struct rota *, const char *s, int64_t *ms);

/* The overrides from the config, sorted by from_ms. */
const struct rota_override *rota_overrides(const struct rota *, size_t *n);

/*
 * Who is on call for level (1-based) at instant at_ms. Returns 0 with
 * *out filled, -1 when level does not exist. Pure; allocates nothing.
 * rota_resolve_with() also applies n_extra overrides (e.g. from the
 * API), after the config's: they win ties.
 */
int		 rota_resolve(const struct rota *, int level, int64_t at_ms,
		    struct rota_answer *out);
int		 rota_resolve_with(const struct rota *,
		    const struct rota_override *extra, size_t n_extra,
		    int level, int64_t at_ms, struct rota_answer *out);

/* ------------------------------------------------------------ schedules */

/* A stretch of time with one answer: [start_ms, end_ms). */
struct rota_span {
	int64_t			 start_ms, end_ms;
	struct rota_answer	 answer;
};

/* Iterator state; on the caller's stack, no cleanup. */
struct rota_iter {
	const struct rota		*rota;
	const struct rota_override	*extra;
	size_t				 n_extra;
	int				 level;
	int64_t				 at_ms, end_ms;
};

/*
 * Walk level's schedule from from_ms to to_ms: each call gives the next
 * span with one answer (a person's shift, a gap), cut to the window.
 * extra may be NULL. Returns 1 with *span filled, 0 at the end.
 */
void		 rota_iter_init(struct rota_iter *, const struct rota *,
		    const struct rota_override *extra, size_t n_extra,
		    int level, int64_t from_ms, int64_t to_ms);
int		 rota_iter_next(struct rota_iter *, struct rota_span *);

/*
 * Where overrides beyond the config's come from, per rota: the daemon's
 * copy of those made through the API (daemon/overrides.h). get returns
 * rota_id's array with *n set (NULL and 0: none), valid until the
 * caller returns to the event loop. A NULL struct rota_extra: none.
 */
struct rota_extra {
	const struct rota_override *(*get)(void *arg, const char *rota_id,
			    size_t *n);
	void		*arg;
};

/* ex's overrides of r (NULL, 0 when ex is NULL). */
const struct rota_override *rota_extra_of(const struct rota_extra *ex,
		    const struct rota *r, size_t *n);

/* The same, giving only gaps (nobody on call). */
int		 rota_gap_next(struct rota_iter *, struct rota_span *);

/*
 * Describe a gap for an admin: "rota db level 1: nobody on call
 * 2026-12-25 00:00–09:00 Europe/Amsterdam" (both dates when it spans
 * days). Returns the snprintf result.
 */
int		 rota_gap_format(const struct rota *, int level,
		    const struct rota_span *, char *buf, size_t len);

#endif /* PAGERD_ROTA_H */
