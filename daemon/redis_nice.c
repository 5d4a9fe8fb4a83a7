/*
 * daemon/redis_nice.c — lower the CPU priority of Redis's fork children
 * (redis_nice.h says why). A fork is seen through
 * /proc/PID/task/PID/children of the redis-server's main thread, which
 * is the thread that forks; looking costs one small read every 100 ms.
 */
#include "autoconf.h"

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "log.h"
#include "metrics.h"
#include "pagerd.h"
#include "redis_nice.h"
#include "store.h"

#define LOOK_MS		100
#define KIDS_MAX	8	/* Redis runs one fork at a time */

struct redis_nice {
	struct pagerd	*pd;
	struct event	*ev;
	pid_t		 redis;		/* whose children kids are */
	pid_t		 kids[KIDS_MAX]; /* seen at the last look */
	int		 nkids;
	pid_t		 told;		/* the Redis we logged we skip */
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
known_kid(const struct redis_nice *rn, pid_t kid)
{
	int	 i;

	for (i = 0; i < rn->nkids; i++)
		if (rn->kids[i] == kid)
			return 1;
	return 0;
}

static void
renice(struct redis_nice *rn, pid_t kid, int nice)
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
	metrics_add(rn->pd->metrics, "pagerd_redis_children_reniced_total",
	    1, 0, NULL);
	log_info("redis: redis-server %ld forked %ld (AOF rewrite or "
	    "snapshot): now at nice %d (redis.child_nice)", (long)rn->redis,
	    (long)kid, nice);
}

/* Once per Redis: why its children keep their priority. */
static void
skip(struct redis_nice *rn, pid_t pid, const char *why)
{
	if (rn->told == pid)
		return;
	rn->told = pid;
	log_info("redis: %s: redis.child_nice does not apply", why);
}

static void
look(evutil_socket_t fd, short ev, void *arg)
{
	struct redis_nice	*rn = arg;
	pid_t			 pid, kids[KIDS_MAX];
	uid_t			 uid;
	int			 nice = rn->pd->cfg->redis_child_nice, n, i;

	if (nice <= 0 || store_peer(rn->pd->store, &pid, &uid) == -1)
		return;
	if (uid != geteuid()) {
		skip(rn, pid, "redis-server runs as another user");
		return;
	}
	if ((n = read_children(pid, kids, KIDS_MAX)) == -1) {
		skip(rn, pid, "cannot read redis-server's children in /proc");
		return;
	}
	if (pid != rn->redis) {
		rn->redis = pid;
		rn->nkids = 0;
	}
	for (i = 0; i < n; i++)
		if (!known_kid(rn, kids[i]))
			renice(rn, kids[i], nice);
	memcpy(rn->kids, kids, n * sizeof(kids[0]));
	rn->nkids = n;
}

struct redis_nice *
redis_nice_start(struct pagerd *pd)
{
	struct redis_nice	*rn;
	struct timeval		 tv = { 0, LOOK_MS * 1000 };

	if ((rn = calloc(1, sizeof(*rn))) == NULL)
		return NULL;
	rn->pd = pd;
	rn->redis = rn->told = -1;
	metrics_declare(pd->metrics, "pagerd_redis_children_reniced_total",
	    METRIC_COUNTER, "Redis fork children (AOF rewrite, snapshot) "
	    "given the priority redis.child_nice.");
	if ((rn->ev = event_new(pd->base, -1, EV_PERSIST, look, rn)) ==
	    NULL || event_add(rn->ev, &tv) == -1) {
		redis_nice_free(rn);
		return NULL;
	}
	return rn;
}

void
redis_nice_free(struct redis_nice *rn)
{
	if (rn == NULL)
		return;
	if (rn->ev != NULL)
		event_free(rn->ev);
	free(rn);
}
