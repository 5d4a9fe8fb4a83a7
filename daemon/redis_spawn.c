/*
 * daemon/redis_spawn.c — start, supervise and stop the private
 * redis-server (redis.spawn = true). Only the process: connecting is the
 * store's job, and the store reconnects by itself after a restart.
 */
#include "autoconf.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "metrics.h"
#include "mono_clock.h"
#include "redis_spawn.h"

#define BACKOFF_MIN_MS	250
#define BACKOFF_MAX_MS	5000
#define STABLE_MS	30000	/* up this long: backoff starts over */
#define STOP_WAIT_MS	3000	/* SIGTERM, then SIGKILL */
#define IN_USE_WAIT_MS	3000	/* an old child still shutting down */
#define SOCKET_WAIT_MS	2000	/* a fresh child creating its socket */

extern char **environ;

struct redis_spawn {
	struct event_base	*base;
	struct metrics		*metrics;
	char			*server;
	char			*dir;		/* absolute */
	char			*sock;		/* dir/redis.sock */
	char			*appendfsync;
	pid_t			 pid;		/* -1 while down */
	int64_t			 started_ms;
	int64_t			 backoff_ms;
	struct event		*ev_chld;
	struct event		*ev_restart;
};

static void
sleep_ms(long ms)
{
	struct timespec	 ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
timer_arm(struct event *ev, int64_t ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(ev, &tv);
}

/*
 * Between fork and exec only async-signal-safe calls: a libcurl resolver
 * thread may hold the malloc lock at the moment we fork, and a child
 * calling malloc would wait for it forever. Reports a failure as errno
 * on the close-on-exec pipe wfd, which exec closes on success.
 */
static void __attribute__((noreturn))
child_exec(const char *server, char *const argv[], char *const envp[],
    int wfd, pid_t parent)
{
	sigset_t	 none;
	int		 fd, err, sig;

	/* A ^C on a terminal goes to pagerd, which stops Redis in order. */
	setpgid(0, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
		goto fail;
	/* pagerd died before prctl(): the signal will never come. */
	if (getppid() != parent)
		_exit(0);
	/* Ignored signals and the mask survive exec; handlers do not. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	if ((fd = open("/dev/null", O_RDONLY)) == -1)
		goto fail;
	if (fd != STDIN_FILENO) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	/* Keep stdout/stderr (the journal) and the report pipe only. */
	if (wfd > 3)
		close_range(3, wfd - 1, 0);
	close_range(wfd + 1, ~0U, 0);
	execve(server, argv, envp);
fail:
	err = errno;
	if (write(wfd, &err, sizeof(err)) == -1)
		_exit(126);
	_exit(127);
}

/*
 * Fork and exec redis-server. Returns 0 once exec has succeeded (the
 * server may still exit at once on a bad AOF: SIGCHLD tells), -1 with
 * the reason logged.
 */
static int
spawn_child(struct redis_spawn *rs)
{
	const char	*argv[] = {
		rs->server,
		"--port", "0",		/* no TCP at all */
		"--unixsocket", rs->sock,
		"--unixsocketperm", "700",
		"--dir", rs->dir,
		"--appendonly", "yes",
		"--appendfsync", rs->appendfsync,
		"--save", "",		/* AOF only: no RDB snapshots */
		"--daemonize", "no",
		"--supervised", "no",
		"--loglevel", "warning",
		"--pidfile", "",
		/*
		 * An alert hash holds its details and labels as JSON of a
		 * few hundred bytes: above the default 64 Redis turns the
		 * hash into a dict, about 1 KB more per alert and slower
		 * to write (docs/BENCHMARKS.md). The old name, which Redis
		 * 7 still takes, so Redis 6 starts too.
		 */
		"--hash-max-ziplist-value", "2048",
		/*
		 * An AOF rewrite forks and dumps the whole data set on
		 * the core pagerd shares with Redis, and intake slows
		 * while it runs: at the default 64mb an alert storm
		 * rewrote every few hundred thousand alerts. The rewrite
		 * writes an RDB preamble, a compact dump, and the
		 * percentage is growth over that dump: an alert takes ~4x
		 * the bytes in the AOF (its commands) that it takes in the
		 * dump, so the default 100 % rewrote every time the data
		 * grew by a quarter. 400 % is a rewrite each time it
		 * roughly doubles (docs/BENCHMARKS.md, figure 2).
		 */
		"--auto-aof-rewrite-min-size", "256mb",
		"--auto-aof-rewrite-percentage", "400",
		"--aof-use-rdb-preamble", "yes",
		NULL
	};
	char		**envp;
	size_t		  i, n;
	ssize_t		  r;
	pid_t		  pid, parent = getpid();
	int		  pfd[2], err, status;

	/*
	 * Without NOTIFY_SOCKET: Redis must not tell systemd "READY=1" on
	 * pagerd's behalf (NotifyAccess=all would believe it).
	 */
	for (n = 0; environ[n] != NULL; n++)
		;
	if ((envp = calloc(n + 1, sizeof(*envp))) == NULL) {
		log_warn("redis: spawn");
		return -1;
	}
	for (i = n = 0; environ[i] != NULL; i++)
		if (strncmp(environ[i], "NOTIFY_SOCKET=", 14) != 0)
			envp[n++] = environ[i];

	/* Our child is dead (or was never started): its socket is stale. */
	if (unlink(rs->sock) == -1 && errno != ENOENT)
		log_warn("redis: unlink %s", rs->sock);

	if (pipe2(pfd, O_CLOEXEC) == -1) {
		log_warn("redis: pipe");
		free(envp);
		return -1;
	}
	if ((pid = fork()) == -1) {
		log_warn("redis: fork");
		close(pfd[0]);
		close(pfd[1]);
		free(envp);
		return -1;
	}
	if (pid == 0)
		child_exec(rs->server, (char *const *)argv, envp, pfd[1],
		    parent);
	close(pfd[1]);
	free(envp);
	while ((r = read(pfd[0], &err, sizeof(err))) == -1 && errno == EINTR)
		;
	close(pfd[0]);
	if (r == sizeof(err)) {
		/* Reap it here so SIGCHLD does not count it as a crash. */
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		errno = err;
		log_warn("redis: cannot run %s", rs->server);
		return -1;
	}
	rs->pid = pid;
	rs->started_ms = mono_ms();
	log_info("redis: started %s (pid %ld) on %s", rs->server, (long)pid,
	    rs->sock);
	return 0;
}

static void
restart_cb(evutil_socket_t fd, short what, void *arg)
{
	struct redis_spawn	*rs = arg;

	if (spawn_child(rs) == 0)
		return;
	timer_arm(rs->ev_restart, rs->backoff_ms);
	rs->backoff_ms *= 2;
	if (rs->backoff_ms > BACKOFF_MAX_MS)
		rs->backoff_ms = BACKOFF_MAX_MS;
}

/*
 * SIGCHLD: waitpid on our pid only, never on -1, so we do not reap a
 * child that belongs to someone else (a plugin's helper, say).
 */
static void
chld_cb(evutil_socket_t sig, short what, void *arg)
{
	struct redis_spawn	*rs = arg;
	char			 how[64];
	pid_t			 r;
	int			 status = 0;

	if (rs->pid <= 0)
		return;
	while ((r = waitpid(rs->pid, &status, WNOHANG)) == -1 &&
	    errno == EINTR)
		;
	if (r == 0 || (r == -1 && errno != ECHILD))
		return;
	if (r == -1)
		snprintf(how, sizeof(how), "is gone");
	else if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "was killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(how, sizeof(how), "exited with status %d",
		    WEXITSTATUS(status));
	if (mono_ms() - rs->started_ms >= STABLE_MS)
		rs->backoff_ms = BACKOFF_MIN_MS;
	log_warnx("redis: redis-server (pid %ld) %s; restarting in %lld ms",
	    (long)rs->pid, how, (long long)rs->backoff_ms);
	rs->pid = -1;
	if (rs->metrics != NULL)
		metrics_add(rs->metrics, "pagerd_redis_spawn_restarts_total",
		    1, 0, NULL);
	timer_arm(rs->ev_restart, rs->backoff_ms);
	rs->backoff_ms *= 2;
	if (rs->backoff_ms > BACKOFF_MAX_MS)
		rs->backoff_ms = BACKOFF_MAX_MS;
}

/*
 * A socket left in state_dir. The child of a pagerd killed with -9 gets
 * SIGTERM (PDEATHSIG) and removes its socket as it exits; a child killed
 * with -9 too leaves it behind, and redis-server will not bind over it.
 * Nothing answers on such a socket: remove it. Something that answers is
 * a live Redis on our data (another pagerd, or our old child still
 * flushing its AOF): wait a little for it to go, then refuse to start a
 * second server on the same files.
 */
static int
socket_clear(const char *path)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd, rv, waited;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	for (waited = 0;; waited += 100) {
		if (lstat(path, &st) == -1) {
			if (errno == ENOENT)
				return 0;
			log_warn("redis: %s", path);
			return -1;
		}
		if (!S_ISSOCK(st.st_mode)) {
			log_warnx("redis: %s is not a socket", path);
			return -1;
		}
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
		    -1) {
			log_warn("redis: socket");
			return -1;
		}
		rv = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
		close(fd);
		if (rv == -1)
			break;
		if (waited >= IN_USE_WAIT_MS) {
			log_warnx("redis: %s is served by another "
			    "redis-server (another pagerd on this state_dir?)",
			    path);
			return -1;
		}
		sleep_ms(100);
	}
	log_info("redis: removing stale socket %s", path);
	if (unlink(path) == -1 && errno != ENOENT) {
		log_warn("redis: unlink %s", path);
		return -1;
	}
	return 0;
}

/*
 * At start only: wait for the first child's socket, so the store's first
 * connect finds it (no "No such file" warning at every boot), and so a
 * server that exits at once (an option it does not know, a damaged AOF)
 * fails the start with its exit status instead of looping in restarts.
 * Redis binds before it loads the AOF, so this is quick even for a big
 * data set; while loading it answers LOADING and the store retries.
 */
static int
socket_wait(struct redis_spawn *rs)
{
	struct stat	 st;
	pid_t		 r;
	int		 status, waited;

	for (waited = 0; waited < SOCKET_WAIT_MS; waited += 10) {
		r = waitpid(rs->pid, &status, WNOHANG);
		if (r == rs->pid) {
			if (WIFSIGNALED(status))
				log_warnx("redis: %s was killed by signal %d "
				    "at start", rs->server, WTERMSIG(status));
			else
				log_warnx("redis: %s exited with status %d at "
				    "start (its log above says why)",
				    rs->server, WEXITSTATUS(status));
			rs->pid = -1;
			return -1;
		}
		if (lstat(rs->sock, &st) == 0 && S_ISSOCK(st.st_mode))
			return 0;
		sleep_ms(10);
	}
	log_warnx("redis: no socket %s after %d ms; going on", rs->sock,
	    SOCKET_WAIT_MS);
	return 0;
}

static void
spawn_free(struct redis_spawn *rs)
{
	if (rs->ev_chld != NULL)
		event_free(rs->ev_chld);
	if (rs->ev_restart != NULL)
		event_free(rs->ev_restart);
	free(rs->server);
	free(rs->dir);
	free(rs->sock);
	free(rs->appendfsync);
	free(rs);
}

struct redis_spawn *
redis_spawn_start(struct event_base *base, const char *server,
    const char *state_dir, const char *appendfsync, struct metrics *metrics,
    char *addr, size_t addrlen)
{
	struct redis_spawn	*rs;
	struct sockaddr_un	 sun;
	int			 n;

	if (appendfsync == NULL)
		appendfsync = "everysec";
	if (strcmp(appendfsync, "always") != 0 &&
	    strcmp(appendfsync, "everysec") != 0 &&
	    strcmp(appendfsync, "no") != 0) {
		log_warnx("redis: appendfsync \"%s\": want always, everysec "
		    "or no", appendfsync);
		return NULL;
	}
	if (access(server, X_OK) == -1) {
		log_warn("redis: %s", server);
		return NULL;
	}
	if (mkdir(state_dir, 0700) == -1 && errno != EEXIST) {
		log_warn("redis: cannot create %s", state_dir);
		return NULL;
	}
	if ((rs = calloc(1, sizeof(*rs))) == NULL) {
		log_warn("redis: spawn");
		return NULL;
	}
	rs->base = base;
	rs->metrics = metrics;
	rs->pid = -1;
	rs->backoff_ms = BACKOFF_MIN_MS;
	/*
	 * Absolute: redis-server chdirs to --dir before it binds, so a
	 * relative socket path would land in the wrong place.
	 */
	if ((rs->dir = realpath(state_dir, NULL)) == NULL) {
		log_warn("redis: %s", state_dir);
		goto fail;
	}
	if ((rs->server = strdup(server)) == NULL ||
	    (rs->appendfsync = strdup(appendfsync)) == NULL ||
	    asprintf(&rs->sock, "%s/redis.sock", rs->dir) == -1) {
		rs->sock = NULL;
		log_warn("redis: spawn");
		goto fail;
	}
	if (strlen(rs->sock) >= sizeof(sun.sun_path)) {
		log_warnx("redis: socket path %s is longer than %zu bytes",
		    rs->sock, sizeof(sun.sun_path) - 1);
		goto fail;
	}
	n = snprintf(addr, addrlen, "unix:%s", rs->sock);
	if (n < 0 || (size_t)n >= addrlen) {
		log_warnx("redis: address buffer too small");
		goto fail;
	}
	if (socket_clear(rs->sock) == -1)
		goto fail;

	/* Watch for SIGCHLD before the child exists: a fast exit is seen. */
	rs->ev_chld = evsignal_new(base, SIGCHLD, chld_cb, rs);
	rs->ev_restart = evtimer_new(base, restart_cb, rs);
	if (rs->ev_chld == NULL || rs->ev_restart == NULL ||
	    event_add(rs->ev_chld, NULL) == -1) {
		log_warnx("redis: cannot watch SIGCHLD");
		goto fail;
	}
	if (metrics != NULL)
		metrics_declare(metrics, "pagerd_redis_spawn_restarts_total",
		    METRIC_COUNTER, "Times the embedded redis-server died and "
		    "was started again");
	if (spawn_child(rs) == -1 || socket_wait(rs) == -1)
		goto fail;
	return rs;
fail:
	spawn_free(rs);
	return NULL;
}

pid_t
redis_spawn_pid(const struct redis_spawn *rs)
{
	return rs->pid;
}

/*
 * Blocks for up to STOP_WAIT_MS: it runs once, at exit, after the store
 * has flushed, and Redis needs that moment to fsync its AOF.
 */
void
redis_spawn_stop(struct redis_spawn *rs)
{
	pid_t	 r;
	int	 status, waited;

	if (rs == NULL)
		return;
	evtimer_del(rs->ev_restart);
	if (rs->pid > 0) {
		kill(rs->pid, SIGTERM);
		for (waited = 0;; waited += 10) {
			r = waitpid(rs->pid, &status, WNOHANG);
			if (r == rs->pid || (r == -1 && errno == ECHILD))
				break;
			if (waited >= STOP_WAIT_MS) {
				log_warnx("redis: pid %ld did not stop in %d "
				    "ms, killing it", (long)rs->pid,
				    STOP_WAIT_MS);
				kill(rs->pid, SIGKILL);
				while (waitpid(rs->pid, &status, 0) == -1 &&
				    errno == EINTR)
					;
				break;
			}
			sleep_ms(10);
		}
		log_info("redis: stopped pid %ld", (long)rs->pid);
		rs->pid = -1;
	}
	if (unlink(rs->sock) == -1 && errno != ENOENT)
		log_warn("redis: unlink %s", rs->sock);
	spawn_free(rs);
}
