/*
 * lib/rota_json.h — who is on call and the shifts of a rota as JSON, in
 * one place so that `pagerctl oncall --json` reading the config files and
 * GET /api/v1/oncall in the daemon print the same thing (and pagerctl's
 * tables, which are drawn from this JSON, agree with both). Pure: the
 * instant is a parameter.
 *
 * Times come twice: "until" as RFC 3339 UTC for programs, "until_local"
 * as "2026-12-25 09:00 CET" on the rota's wall clock for people.
 */
#ifndef PAGERD_ROTA_JSON_H
#define PAGERD_ROTA_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct rota;
struct rota_extra;
struct rota_set;

/* "rotation", "override", "holiday" or "nobody". Static. */
const char	*rota_reason_name(int reason);

/*
 * Who is on call on every level of r at at_ms:
 *   { "rota": "db", "time_zone": "Europe/Amsterdam", "at": RFC3339,
 *     "at_local": "...", "levels": [ { "level": 1, "name": "primary",
 *     "person": "bram" | null, "person_name": "Bram", "reason":
 *     "override", "layer": "weekends" | null, "scheduled": "chloe" | null,
 *     "holiday": name | null, "note": override note | null,
 *     "until": RFC3339 | null, "until_local": "..." | null }, ... ] }
 * Returns a new reference (json_decref), or NULL when out of memory.
 */
json_t		*rota_json_oncall_rota(const struct rota *r, int64_t at_ms);

/*
 * { "rotas": [ rota_json_oncall_rota(), ... ] } for the rota named id,
 * or every rota of set when id is NULL. at: the instant, on each rota's
 * own wall clock as rota_when() reads it ("2026-12-25 03:00", or RFC
 * 3339), so one wall time asks each rota about its own 03:00; NULL:
 * now_ms. Returns a new reference, or NULL with *err set to a static
 * reason (no such rota, a malformed at, out of memory).
 */
json_t		*rota_json_oncall(const struct rota_set *set, const char *id,
		    const char *at, int64_t now_ms, const char **err);

/*
 * The shifts of every level of r in [from_ms, to_ms), cut at the window:
 *   { "rota", "time_zone", "from", "to", "shifts": [ { "level",
 *     "level_name", "start", "end", "start_local", "end_local",
 *     "person" | null, "person_name", "reason", "layer" | null } ] }
 * ordered by level, then start. New reference, or NULL (out of memory).
 */
json_t		*rota_json_schedule(const struct rota *r, int64_t from_ms,
		    int64_t to_ms);

/*
 * Hours on call per person on all levels of r in [from_ms, to_ms), split
 * by the rota's wall clock into "holidays" (the calendar's days),
 * "weekends" (Saturday and Sunday), "business" (Monday to Friday
 * 09:00-18:00) and "nights" (the rest), in that order of precedence:
 *   { "rota", "time_zone", "from", "to", "people": [ { "person",
 *     "business", "nights", "weekends", "holidays", "total" } ] }
 * people in order of first appearance; hours as reals. New reference,
 * or NULL (out of memory).
 */
json_t		*rota_json_fairness(const struct rota *r, int64_t from_ms,
		    int64_t to_ms);

/*
 * The same four, also applying the overrides ex gives for each rota
 * (the daemon's from the API; lib/rota.h struct rota_extra), which win
 * ties with the config's. ex may be NULL.
 */
json_t		*rota_json_oncall_rota_with(const struct rota *r,
		    const struct rota_extra *ex, int64_t at_ms);
json_t		*rota_json_oncall_with(const struct rota_set *set,
		    const struct rota_extra *ex, const char *id,
		    const char *at, int64_t now_ms, const char **err);
json_t		*rota_json_schedule_with(const struct rota *r,
		    const struct rota_extra *ex, int64_t from_ms,
		    int64_t to_ms);
json_t		*rota_json_fairness_with(const struct rota *r,
		    const struct rota_extra *ex, int64_t from_ms,
		    int64_t to_ms);

/*
 * The window of days whole days on r's wall clock (a DST day is 23 or 25
 * hours) from from: rota_when()'s syntax, or NULL for today 00:00 there
 * at now_ms. Returns 0 with the window set, -1 when from is malformed.
 */
int		 rota_json_window(const struct rota *r, const char *from,
		    long days, int64_t now_ms, int64_t *from_ms,
		    int64_t *to_ms);

/*
 * Set o[key] to ms as RFC 3339 UTC and o[lkey] as rota_json_local()
 * shows it; INT64_MIN/MAX (never) as null. 0, or -1 when out of memory.
 */
int		 rota_json_set_time(json_t *o, const struct rota *r,
		    const char *key, const char *lkey, int64_t ms);

/* "2026-12-25 09:00 CET": at_ms on r's wall clock, into buf. */
void		 rota_json_local(const struct rota *r, int64_t at_ms,
		    char *buf, size_t len);

#endif /* PAGERD_ROTA_JSON_H */
