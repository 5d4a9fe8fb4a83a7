/*
 * lib/override.h — runtime overrides, the ones made through the HTTP
 * API and kept in Redis by the daemon (daemon/overrides.h): the request
 * checked against the running rotas, the overlap rule, the stored
 * strings turned back into a struct rota_override, and the JSON the API
 * shows. Pure: the instant is a parameter. Config overrides are
 * lib/rota.c's; this shows them in the same JSON.
 */
#ifndef PAGERD_OVERRIDE_H
#define PAGERD_OVERRIDE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct rota;
struct rota_override;
struct rota_set;

/*
 * Limits of a request. An override is a stop-gap ("I take Chloe's
 * nights while she is ill"); a longer change belongs in the rota file,
 * where schedule-diff shows it and it is reviewed.
 */
#define OVERRIDE_MAX_MS		(90LL * 86400000)	/* until - from */
#define OVERRIDE_AHEAD_MS	(366LL * 86400000)	/* from - now */
#define OVERRIDE_NOTE_MAX	256			/* bytes */
#define OVERRIDE_ID_MAX		64			/* person ids: 63 */

/* One override as stored: strings, so it outlives a reload. */
struct override_req {
	char		 person[OVERRIDE_ID_MAX];
	char		 covers[OVERRIDE_ID_MAX];	/* "": a level */
	int		 level;		/* 0: every level (with covers) */
	int64_t		 from_ms, until_ms;
	char		 note[OVERRIDE_NOTE_MAX + 1];	/* "" none */
};

/*
 * Check a POST body against rota r of set at now_ms and fill *out:
 *   { "person": "bram", "covers": "chloe" | "level": 2 | "secondary",
 *     "from": "2026-12-24 09:00" | RFC 3339 | "now" (default),
 *     "until": ..., "note": "..." }
 * covers and level may come together (that person, on that level only).
 * Times without an offset are on r's wall clock (rota_when()). Unknown
 * keys, unknown people and levels, until not after from, until already
 * past, a window longer than OVERRIDE_MAX_MS or starting more than
 * OVERRIDE_AHEAD_MS ahead, person == covers, and notes with control
 * characters are refused. Returns 0, or -1 with the reason in err
 * ("until: ...", naming the field first).
 */
int	override_parse(const json_t *body, const struct rota_set *set,
	    const struct rota *r, int64_t now_ms, struct override_req *out,
	    char *err, size_t errlen);

/*
 * 1 when a and b replace the same thing at some common instant: both
 * the same person (on a common level; level 0 is every level), or both
 * the same whole level; and their windows intersect. A person override
 * and a level override never clash: the level one wins (lib/rota.h).
 */
int	override_overlaps(const struct rota_override *a,
	    const struct rota_override *b);

/*
 * The stored strings as an override of set: covers NULL or "" for a
 * level; note is pointed to, not copied. Returns 0, or -1 when person
 * or covers is no longer in set (the rota file changed since): the
 * caller skips it.
 */
int	override_compile(const struct rota_set *set, const char *person,
	    const char *covers, int level, int64_t from_ms, int64_t until_ms,
	    const char *note, struct rota_override *out);

/*
 * The JSON of an override for the API: { "id": id | null, "source":
 * source, "rota", "person", "covers": id | null, "level": N | null
 * (null: every level), "level_name", "from", "from_local", "until",
 * "until_local", "note": text | null } (times as rota_json.h shows
 * them). covers and note may be NULL or "". New reference, or NULL
 * when out of memory.
 */
json_t	*override_json(const struct rota *r, const char *id,
	    const char *source, const char *person, const char *covers,
	    int level, int64_t from_ms, int64_t until_ms, const char *note);

#endif /* PAGERD_OVERRIDE_H */
