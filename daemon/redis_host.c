/*
 * daemon/redis_host.c — renice a local Redis's fork children and drop
 * its AOF files' page cache (redis_host.h says why). One look every
 * 100 ms: a fork is seen through /proc/PID/task/PID/children of the
 * redis-server's main thread, which is the thread that forks (one small
 * read). Every tenth look, each .aof and .rdb file in the directory of
 * the AOF Redis holds open (found once per Redis through /proc/PID/fd)
 * gets POSIX_FADV_DONTNEED over its whole length: the base, the
 * increments, a rewrite's temporary file. The kernel keeps dirty pages
 * (it starts writing them out, as Redis's own fsync does each second)
 * and a later look drops them. While redis.quiet_rewrite is on, each
 * look also notes how many alerts intake has taken, and once intake has
 * been quiet, once a second an INFO persistence says whether the AOF
 * has grown enough for pagerd to ask for a rewrite (BGREWRITEAOF).
 */
#include "autoconf.h"

#include <sys/resource.h>
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
#include <hiredis/hiredis.h>

#include "aof_quiet.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "mono_clock.h"
#include "pagerd.h"
#include "redis_host.h"
#include "store.h"

#define LOOK_MS		100
#define KIDS_MAX	8	/* Redis runs one fork at a time */
#define DROP_LOOKS	10	/* the AOF's cache: once a second */
#define INFO_LOOKS	10	/* INFO persistence: once a second, if quiet */
/*
 * A Redis with no AOF open (appendonly no) is looked for again after
 * this many drops: its fds are read one readlink() each, and a shared
 * Redis may have thousands of clients.
 */
#define RETRY_DROPS	30

struct redis_host {
	struct pagerd	*pd;
	struct event	*ev;
	pid_t		 redis;		/* the Redis the state below is of */
	pid_t		 told;		/* the Redis we logged we skip */
	pid_t		 kids[KIDS_MAX]; /* seen at the last look */
	int		 nkids;
	int		 looks;		/* to the next drop */
	char		 dir[PATH_MAX];	/* its AOF's; "": none found */
	int		 wait;		/* drops until the next search */
	/* redis.quiet_rewrite (aof_quiet.h) */
	struct aof_quiet quiet;
	int		 quiet_on;	/* quiet is being watched */
	int		 asking;	/* its INFO or BGREWRITEAOF in flight */
	int		 info_looks;	/* to the next INFO */
	long long	 asked_size, asked_base; /* for the log line */
};

/* Up to max pids of a children file ("12 345 ") into out; how many. */
static int
read_children(pid_t pid, pid_t *out, int max)
{
	char	 path[64], buf[256], *p, *end;
	ssize_t	 n;
	long	 v;
	int	 fd, k = 0;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/children",
	    (long)pid, (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; k < max; p = end) {
		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno != 0 || v <= 0)
			break;
		out[k++] = (pid_t)v;
	}
	return k;
}

static int
known_kid(const struct redis_host *rh, pid_t kid)
{
	int	 i;

	for (i = 0; i < rh->nkids; i++)
		if (rh->kids[i] == kid)
			return 1;
	return 0;
}

static void
renice(struct redis_host *rh, pid_t kid, int nice)
{
	int	 cur;

	errno = 0;
	cur = getpriority(PRIO_PROCESS, kid);
	if (cur == -1 && errno != 0)
		return;		/* gone already */
	if (cur >= nice)
		return;
	if (setpriority(PRIO_PROCESS, kid, nice) == -1) {
		if (errno != ESRCH)
			log_warnx("redis: cannot renice redis-server's child "
			    "%ld: %s", (long)kid, strerror(errno));
		return;
	}
	metrics_add(rh->pd->metrics, "pagerd_redis_children_reniced_total",
	    1, 0, NULL);
	log_info("redis: redis-server %ld forked %ld (AOF rewrite or "
	    "snapshot): now at nice %d (redis.child_nice)", (long)rh->redis,
	    (long)kid, nice);
}

/* Once per Redis: why pagerd leaves it (or part of it) alone. */
static void
skip(struct redis_host *rh, pid_t pid, const char *why, const char *what)
{
	if (rh->told == pid)
		return;
	rh->told = pid;
	log_info("redis: %s: %s", why, what);
}

static void
renice_kids(struct redis_host *rh, int nice)
{
	pid_t	 kids[KIDS_MAX];
	int	 n, i;

	if ((n = read_children(rh->redis, kids, KIDS_MAX)) == -1) {
		skip(rh, rh->redis, "cannot read redis-server's children in "
		    "/proc", "redis.child_nice does not apply");
		return;
	}
	for (i = 0; i < n; i++)
		if (!known_kid(rh, kids[i]))
			renice(rh, kids[i], nice);
	memcpy(rh->kids, kids, n * sizeof(kids[0]));
	rh->nkids = n;
}

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

/* Drop what the page cache holds of the AOF directory's files. */
static void
drop_aof_cache(struct redis_host *rh)
{
	struct dirent	*e;
	struct stat	 st;
	DIR		*d;
	int		 dfd, fd, files = 0;

	if (rh->dir[0] == '\0') {
		if (rh->wait > 0) {
			rh->wait--;
			return;
		}
		if (find_aof_dir(rh->redis, rh->dir, sizeof(rh->dir)) == -1) {
			/* appendonly no, or turned on later: looked at again. */
			rh->dir[0] = '\0';
			rh->wait = RETRY_DROPS;
			return;
		}
		log_info("redis: keeping redis-server %ld's AOF files in %s "
		    "out of the page cache (redis.drop_aof_cache)",
		    (long)rh->redis, rh->dir);
	}
	if ((d = opendir(rh->dir)) == NULL) {
		rh->dir[0] = '\0';	/* look for it again */
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
		metrics_add(rh->pd->metrics,
		    "pagerd_redis_aof_cache_drops_total", files, 0, NULL);
}

static void
got_rewrite(void *arg, const struct redisReply *r)
{
	struct redis_host	*rh = arg;
	long double		 pct;

	rh->asking = 0;
	/* An error reply is logged by the store; NULL: Redis went away. */
	if (r == NULL || r->type == REDIS_REPLY_ERROR)
		return;
	metrics_add(rh->pd->metrics, "pagerd_redis_quiet_rewrites_total", 1,
	    0, NULL);
	pct = rh->asked_base > 0 ? (long double)(rh->asked_size -
	    rh->asked_base) * 100 / rh->asked_base : 0;
	log_info("redis: intake is quiet and redis-server %ld's AOF is %lld "
	    "MB, %s%.0Lf%% over its last rewrite's %lld MB: asked for a "
	    "rewrite now, not in the next alert storm (redis.quiet_rewrite)",
	    (long)rh->redis, rh->asked_size >> 20,
	    rh->asked_base > 0 ? "" : "all new, ", pct, rh->asked_base >> 20);
}

static void
got_info(void *arg, const struct redisReply *r)
{
	struct redis_host	*rh = arg;
	const struct config	*cfg = rh->pd->cfg;
	const char		*argv[] = { "BGREWRITEAOF" };
	struct aof_info		 ai;

	rh->asking = 0;
	if (r == NULL || r->type != REDIS_REPLY_STRING)
		return;
	if (aof_info_parse(r->str, r->len, &ai) == -1) {
		skip(rh, rh->redis, "INFO persistence of redis-server says "
		    "no AOF sizes pagerd can read",
		    "redis.quiet_rewrite does not apply");
		return;
	}
	if (!aof_rewrite_due(&ai, cfg->redis_quiet_rewrite))
		return;
	aof_quiet_asked(&rh->quiet, mono_ms());
	rh->asked_size = ai.current;
	rh->asked_base = ai.base;
	if (store_command(rh->pd->store, 1, argv, NULL, got_rewrite, rh) == 0)
		rh->asking = 1;
}

/*
 * redis.quiet_rewrite: note intake, and once it has been quiet ask Redis
 * (once a second at most) whether its AOF has grown enough to rewrite.
 */
static void
quiet_look(struct redis_host *rh, const struct config *cfg)
{
	const char	*argv[] = { "INFO", "persistence" };
	int64_t		 now = mono_ms();

	if (!rh->quiet_on) {
		aof_quiet_init(&rh->quiet, now, cfg->redis_quiet_for_ms);
		rh->quiet_on = 1;
	}
	/* Intake as Redis took it: the alerts the ingest committed. */
	aof_quiet_note(&rh->quiet, now, (uint64_t)metrics_get(rh->pd->metrics,
	    "pagerd_store_commit_alerts_total", 0, NULL),
	    cfg->redis_quiet_rate, cfg->redis_quiet_for_ms);
	if (rh->asking)
		return;
	if (!aof_quiet_may_ask(&rh->quiet, now)) {
		rh->info_looks = INFO_LOOKS - 1;	/* the first quiet look asks */
		return;
	}
	if (++rh->info_looks < INFO_LOOKS)
		return;
	rh->info_looks = 0;
	if (store_command(rh->pd->store, 2, argv, NULL, got_info, rh) == 0)
		rh->asking = 1;
}

static void
look(evutil_socket_t fd, short ev, void *arg)
{
	struct redis_host	*rh = arg;
	const struct config	*cfg = rh->pd->cfg;
	pid_t			 pid;
	uid_t			 uid;
	int			 drop, quiet;

	drop = cfg->redis_drop_aof_cache && ++rh->looks >= DROP_LOOKS;
	if (drop)
		rh->looks = 0;
	quiet = cfg->redis_quiet_rewrite > 0;
	if (!quiet)
		rh->quiet_on = 0;	/* turned on again: starts over */
	if ((cfg->redis_child_nice <= 0 && !drop && !quiet) ||
	    store_peer(rh->pd->store, &pid, &uid) == -1)
		return;
	if (uid != geteuid()) {
		skip(rh, pid, "redis-server runs as another user",
		    "redis.child_nice, redis.drop_aof_cache and "
		    "redis.quiet_rewrite do not apply");
		return;
	}
	if (pid != rh->redis) {
		rh->redis = pid;
		rh->nkids = 0;
		rh->dir[0] = '\0';
		rh->wait = 0;
	}
	if (cfg->redis_child_nice > 0)
		renice_kids(rh, cfg->redis_child_nice);
	if (drop)
		drop_aof_cache(rh);
	if (quiet)
		quiet_look(rh, cfg);
}

struct redis_host *
redis_host_start(struct pagerd *pd)
{
	struct redis_host	*rh;
	struct timeval		 tv = { 0, LOOK_MS * 1000 };

	if ((rh = calloc(1, sizeof(*rh))) == NULL)
		return NULL;
	rh->pd = pd;
	rh->redis = rh->told = -1;
	metrics_declare(pd->metrics, "pagerd_redis_children_reniced_total",
	    METRIC_COUNTER, "Redis fork children (AOF rewrite, snapshot) "
	    "given the priority redis.child_nice.");
	metrics_declare(pd->metrics, "pagerd_redis_aof_cache_drops_total",
	    METRIC_COUNTER, "Times an AOF or RDB file of Redis had its "
	    "page cache dropped (redis.drop_aof_cache).");
	metrics_declare(pd->metrics, "pagerd_redis_quiet_rewrites_total",
	    METRIC_COUNTER, "AOF rewrites pagerd asked Redis for while "
	    "intake was quiet (redis.quiet_rewrite).");
	if ((rh->ev = event_new(pd->base, -1, EV_PERSIST, look, rh)) ==
	    NULL || event_add(rh->ev, &tv) == -1) {
		redis_host_free(rh);
		return NULL;
	}
	return rh;
}

void
redis_host_free(struct redis_host *rh)
{
	if (rh == NULL)
		return;
	if (rh->ev != NULL)
		event_free(rh->ev);
	free(rh);
}
