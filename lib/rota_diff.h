/*
 * lib/rota_diff.h — what an edit of the rota config does to the
 * schedule: walk the old and the new rota over one window and name, per
 * level, who loses and who gains which stretch of time. pagerctl
 * schedule-diff prints it before the reload, so an admin sees "bram
 * gains Christmas" instead of finding out from bram. Pure: the window is
 * a parameter.
 *
 * People are compared by id, not by pointer: the two rotas come from two
 * rota sets (two config loads).
 */
#ifndef PAGERD_ROTA_DIFF_H
#define PAGERD_ROTA_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct rota;

/*
 * One change: on level (1-based) person (an id; NULL: nobody, a gap)
 * gains (gained 1) or loses (gained 0) [start_ms, end_ms). person points
 * into the old or the new rota's set and lives as long as that set.
 */
struct rota_change {
	int		 level;
	const char	*person;
	int		 gained;
	int64_t		 start_ms, end_ms;
};

struct rota_diff {
	struct rota_change	*v;
	size_t			 n, cap;
};

/*
 * Compare old and new over [from_ms, to_ms). Either rota may be NULL (a
 * rota added or removed: nobody is on call on its side); a level that
 * exists on one side only counts as nobody on the other. Adjacent
 * stretches of one person merge. Changes are ordered by level, then
 * start, a loss before the gain that replaces it. Returns 0 with *d
 * filled (free with rota_diff_free()), -1 when out of memory.
 */
int		 rota_diff(const struct rota *old, const struct rota *new,
		    int64_t from_ms, int64_t to_ms, struct rota_diff *d);
void		 rota_diff_free(struct rota_diff *);

/*
 * As JSON, times on r's wall clock (r: the new rota, else the old):
 *   { "rota", "time_zone", "from", "to", "changes": [ { "level",
 *     "level_name", "change": "+" | "-", "person" | null, "start",
 *     "end", "start_local", "end_local", "hours" } ], "people": [ {
 *     "person" | null, "gained", "lost", "net" } ] }
 * people in order of first appearance; hours as reals. New reference,
 * or NULL (out of memory).
 */
json_t		*rota_diff_json(const struct rota *r,
		    const struct rota_diff *,
		    int64_t from_ms, int64_t to_ms);

#endif /* PAGERD_ROTA_DIFF_H */
