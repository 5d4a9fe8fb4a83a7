/*
 * daemon/redis_aof_cache.h — keep Redis's append-only files out of the
 * page cache (redis.drop_aof_cache). Every write Redis persists lands in
 * its AOF, and the kernel keeps each written page cached, so a storm of
 * new alerts grows the page cache by ~1.1 KB per alert on top of Redis's
 * own ~0.9 KB. Nothing reads those pages back until a restart reads the
 * file once. Each of them is a page of fresh memory; on a virtual
 * machine whose host backs guest memory on first touch, that costs
 * ~13 usec a page once the guest's recently freed pages run out
 * (docs/BENCHMARKS.md, figure 2). Dropping the cached pages that are
 * already on disk (POSIX_FADV_DONTNEED, as PostgreSQL does for its WAL)
 * hands them straight back to the kernel, where the next AOF write and
 * Redis's own growth find them.
 *
 * Applies where redis.child_nice does (redis_nice.h): the spawned
 * Redis, and one of the same user on a unix socket. Only pages already
 * written to disk go; durability is Redis's appendfsync as before.
 */
#ifndef PAGERD_REDIS_AOF_CACHE_H
#define PAGERD_REDIS_AOF_CACHE_H

struct pagerd;
struct redis_aof_cache;

/*
 * Once a second, while pd->cfg->redis_drop_aof_cache (read at each
 * look, so a reload applies at the next): drops the cached pages of the
 * .aof and .rdb files in the directory of the AOF that pd->store's
 * Redis holds open. NULL when out of memory.
 */
struct redis_aof_cache	*redis_aof_cache_start(struct pagerd *);
void			 redis_aof_cache_free(struct redis_aof_cache *);

#endif /* PAGERD_REDIS_AOF_CACHE_H */
