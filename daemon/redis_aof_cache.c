/*
 * daemon/redis_aof_cache.c — drop the page cache of Redis's AOF files
 * (redis_aof_cache.h says why). The AOF's directory is found once per
 * Redis through /proc/PID/fd (the incremental .aof it appends to);
 * every second each .aof and .rdb file there (the base, the increments,
 * a rewrite's temporary file) gets POSIX_FADV_DONTNEED over its whole
 * length. The kernel keeps dirty pages (it starts writing them out, as
 * Redis's own fsync does each second) and the next look drops them.
 */
#include "autoconf.h"

#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "log.h"
#include "metrics.h"
#include "pagerd.h"
#include "redis_aof_cache.h"
#include "store.h"

#define LOOK_MS		1000
/*
 * A Redis with no AOF open (appendonly no) is looked for again after
 * this many looks: its fds are read one readlink() each, and a shared
 * Redis may have thousands of clients.
 */
#define RETRY_LOOKS	30

struct redis_aof_cache {
	struct pagerd	*pd;
	struct event	*ev;
	pid_t		 redis;		/* whose AOF directory dir is */
	char		 dir[PATH_MAX];	/* "": none found */
	pid_t		 told;		/* the Redis we logged we skip */
	int		 wait;		/* looks until the next search */
};

static int
ends_with(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/*
 * The directory of the first .aof file pid holds open, into dir; -1
 * when it holds none (appendonly no) or /proc does not say.
 */
static int
find_aof_dir(pid_t pid, char *dir, size_t len)
{
	char		 path[320], link[PATH_MAX], *slash;
	struct dirent	*e;
	DIR		*d;
	ssize_t		 n;
	int		 found = -1;

	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while (found == -1 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/fd/%s", (long)pid,
		    e->d_name);
		if ((n = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (link[0] != '/' || !ends_with(link, ".aof") ||
		    (slash = strrchr(link, '/')) == NULL ||
		    (size_t)(slash - link) >= len)
			continue;
		*slash = '\0';
		snprintf(dir, len, "%s", slash == link ? "/" : link);
		found = 0;
	}
	closedir(d);
	return found;
}

/* Drop what the page cache holds of dir's .aof and .rdb files. */
static void
drop_dir(struct redis_aof_cache *ac)
{
	struct dirent	*e;
	struct stat	 st;
	DIR		*d;
	int		 dfd, fd, files = 0;

	if ((d = opendir(ac->dir)) == NULL) {
		ac->dir[0] = '\0';	/* look for it again */
		return;
	}
	dfd = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		if (!ends_with(e->d_name, ".aof") &&
		    !ends_with(e->d_name, ".rdb"))
			continue;
		/* Not a FIFO planted there, nor a link out of it. */
		fd = openat(dfd, e->d_name, O_RDONLY | O_NONBLOCK |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1)
			continue;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_uid == geteuid() &&
		    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0)
			files++;
		close(fd);
	}
	closedir(d);
	if (files > 0)
		metrics_add(ac->pd->metrics,
		    "pagerd_redis_aof_cache_drops_total", files, 0, NULL);
}

/* Once per Redis: why its AOF stays cached. */
static void
skip(struct redis_aof_cache *ac, pid_t pid, const char *why)
{
	if (ac->told == pid)
		return;
	ac->told = pid;
	log_info("redis: %s: redis.drop_aof_cache does not apply", why);
}

static void
look(evutil_socket_t fd, short ev, void *arg)
{
	struct redis_aof_cache	*ac = arg;
	pid_t			 pid;
	uid_t			 uid;

	if (!ac->pd->cfg->redis_drop_aof_cache ||
	    store_peer(ac->pd->store, &pid, &uid) == -1)
		return;
	if (uid != geteuid()) {
		skip(ac, pid, "redis-server runs as another user");
		return;
	}
	if (pid != ac->redis)
		ac->wait = 0;
	if (pid != ac->redis || ac->dir[0] == '\0') {
		ac->redis = pid;
		ac->dir[0] = '\0';
		if (ac->wait > 0) {
			ac->wait--;
			return;
		}
		if (find_aof_dir(pid, ac->dir, sizeof(ac->dir)) == -1) {
			/* appendonly no, or turned on later: looked at again. */
			ac->dir[0] = '\0';
			ac->wait = RETRY_LOOKS;
			return;
		}
		log_info("redis: keeping redis-server %ld's AOF files in %s "
		    "out of the page cache (redis.drop_aof_cache)", (long)pid,
		    ac->dir);
	}
	drop_dir(ac);
}

struct redis_aof_cache *
redis_aof_cache_start(struct pagerd *pd)
{
	struct redis_aof_cache	*ac;
	struct timeval		 tv = { LOOK_MS / 1000, 0 };

	if ((ac = calloc(1, sizeof(*ac))) == NULL)
		return NULL;
	ac->pd = pd;
	ac->redis = ac->told = -1;
	metrics_declare(pd->metrics, "pagerd_redis_aof_cache_drops_total",
	    METRIC_COUNTER, "Times an AOF or RDB file of Redis had its "
	    "page cache dropped (redis.drop_aof_cache).");
	if ((ac->ev = event_new(pd->base, -1, EV_PERSIST, look, ac)) ==
	    NULL || event_add(ac->ev, &tv) == -1) {
		redis_aof_cache_free(ac);
		return NULL;
	}
	return ac;
}

void
redis_aof_cache_free(struct redis_aof_cache *ac)
{
	if (ac == NULL)
		return;
	if (ac->ev != NULL)
		event_free(ac->ev);
	free(ac);
}
