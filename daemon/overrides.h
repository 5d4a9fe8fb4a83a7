/*
 * daemon/overrides.h — overrides made at run time through the HTTP API
 * ("bram covers chloe from T1 to T2"): kept in Redis, so they survive
 * reloads and restarts and expire by themselves, and copied into memory
 * per rota, so that resolving who is on call never waits on Redis and
 * allocates nothing. The copy is refreshed at start, after every change
 * this instance makes, after a reload, and every OVERRIDES_POLL_MS (a
 * change made through another instance on the same Redis shows up
 * within that). Checks live in lib/override.c; the scripts in
 * daemon/overrides_lua.c.
 *
 * Key layout (P is the configured prefix, e.g. "pagerd:"):
 *
 *   P override:seq            string  INCR: override ids
 *   P override:ID             hash    id, rota, person, covers (a person
 *                                     id, "" for a whole level), level
 *                                     (0: every level), from, until (ms),
 *                                     note, created_by (the API token's
 *                                     name), created_at (ms). Expires
 *                                     OVERRIDES_GRACE_MS after until.
 *   P rota:R:overrides        zset    ids of rota R's overrides, score =
 *                                     until; expired members are pruned
 *                                     by every script that reads it
 */
#ifndef PAGERD_OVERRIDES_H
#define PAGERD_OVERRIDES_H

#include <stddef.h>
#include <stdint.h>

struct http_req;
struct pagerd;
struct overrides;
struct rota_extra;
struct rota_override;

#define OVERRIDES_POLL_MS	5000
#define OVERRIDES_RETRY_MS	100		/* while Redis is away */
#define OVERRIDES_GRACE_MS	3600000		/* hash kept past until */
#define OVERRIDES_MAX		1000		/* live ones per rota */

/* Start refreshing on pd->base through pd->store. NULL: out of memory. */
struct overrides *overrides_start(struct pagerd *);

/*
 * After pd->cfg was swapped (SIGHUP): recompile the copy against the
 * new rotas at once (people are indexes into the running rota set) and
 * refresh it from Redis (the rotas may have changed).
 */
void		 overrides_reconfigure(struct overrides *);

/* Refresh no more (a stopping daemon); free after store_free(). */
void		 overrides_stop(struct overrides *);
void		 overrides_free(struct overrides *);

/*
 * The live runtime overrides of rota_id, compiled against pd->cfg->rotas,
 * for rota_resolve_with() and rota_iter_init(); *n set (NULL and 0 when
 * none, or ov is NULL). Some may already have expired: resolution skips
 * them. No allocation, no I/O. The array stays valid until control
 * returns to the event loop (a refresh or reload replaces it).
 */
const struct rota_override *overrides_for(struct overrides *ov,
		    const char *rota_id, size_t *n);

/* The same as a struct rota_extra for lib/rota_json.h and lib/ics.h
 * (NULL when ov is NULL). Lives as long as ov. */
const struct rota_extra *overrides_extra(struct overrides *ov);

/*
 * Refresh the copy from Redis now and call done(arg) once the new copy
 * is in place (or Redis failed: the old one stays). done may be NULL.
 */
void		 overrides_refresh(struct overrides *ov,
		    void (*done)(void *), void *arg);

/*
 * The HTTP API (daemon/overrides_api.c). path is what follows
 * "/api/v1/rotas/": handles "R/overrides" (GET, HEAD, POST) and
 * "R/overrides/ID" (DELETE), returning 1 (answered, or answering once
 * Redis replies); 0 for any other path (the caller routes it on).
 */
int		 http_api_overrides(struct pagerd *, struct http_req *,
		    const char *path);

#endif /* PAGERD_OVERRIDES_H */
