/*
 * plugins/notify_exec.c — pages by running a program: a local script
 * that drives a siren, a modem or a ticket system. The one plugin that
 * spawns a process, so it bends the "never fork" rule in the one way
 * that keeps the loop healthy:
 *
 *   - posix_spawn() (vfork-like: the loop is stopped for microseconds,
 *     no copy of the daemon's memory, no code of ours runs in the child),
 *     argv from the config, no shell, so alert text is never parsed as
 *     a command line; alert fields reach the program in environment
 *     variables only, which it must treat as data;
 *   - no SIGCHLD handler and no blocking wait: a 20 ms host timer polls
 *     waitpid(pid, WNOHANG) for this child's pid only (never -1: the
 *     daemon reaps its own redis-server child by pid), and drains the
 *     child's stderr from a non-blocking pipe;
 *   - the child gets its own process group, so a timeout SIGKILLs the
 *     program and whatever it started.
 *
 * Config keys:
 *	command = [ "/usr/local/bin/page-siren", "--loud" ];	# required
 *	timeout = "10s";
 *	env = [ "HOME", "HTTPS_PROXY" ];	# daemon variables passed on
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "notify_http.h"
#include "notify_post.h"
#include "notify_util.h"
#include "pagerd_notifier.h"

#define EXEC_TIMEOUT_MAX_S	600
#define EXEC_POLL_MS		20
#define EXEC_ARGS_MAX		64
#define EXEC_ENV_MAX		32
#define EXEC_VALUE_MAX		1024	/* bytes of one PAGERD_* value */
#define EXEC_SUMMARY_MAX	8192	/* PAGERD_SUMMARY may be longer */
#define EXEC_STDERR_MAX		512	/* kept for the reason */
#define EXEC_EX_TEMPFAIL	75	/* <sysexits.h> */

struct exec_run {
	struct exec			*ex;
	pid_t				 pid;
	int				 errfd;		/* or -1 */
	int64_t				 deadline_ms;
	int				 killed;	/* timed out */
	struct pagerd_timer		*timer;
	pagerd_notify_done_cb		*done;
	void				*done_arg;
	char				 err[EXEC_STDERR_MAX + 1];
	size_t				 errlen;
	struct exec_run			*prev, *next;
};

struct exec {
	const struct pagerd_host	*host;
	char				*argv[EXEC_ARGS_MAX + 1];
	int				 argc;
	/* "NAME=value" of the allowed daemon variables, PATH and LANG,
	 * captured at create(). */
	char				*env[EXEC_ENV_MAX + 2];
	int				 nenv;
	int				 timeout_ms;
	struct exec_run			*runs;
};

static void
exec_free(struct exec *ex)
{
	int	 i;

	if (ex == NULL)
		return;
	for (i = 0; i < ex->argc; i++)
		free(ex->argv[i]);
	for (i = 0; i < ex->nenv; i++)
		free(ex->env[i]);
	free(ex);
}

static int
env_name_ok(const char *s)
{
	size_t	 n;

	if ((s[0] < 'A' || s[0] > 'Z') && (s[0] < 'a' || s[0] > 'z') &&
	    s[0] != '_')
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' &&
		    s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
		    s[n] == '_'))
			return 0;
	return n <= 64 && strncmp(s, "PAGERD_", 7) != 0;
}

/* Add NAME=value of the daemon's environment (or dflt) to ex->env. */
static int
exec_env_pass(struct exec *ex, const char *name, const char *dflt)
{
	const char	*v = getenv(name);
	int		 i;

	for (i = 0; i < ex->nenv; i++)
		if (strncmp(ex->env[i], name, strlen(name)) == 0 &&
		    ex->env[i][strlen(name)] == '=')
			return 0;
	if (v == NULL && (v = dflt) == NULL)
		return 0;
	if ((ex->env[ex->nenv] = nu_strf("%s=%s", name, v)) == NULL)
		return -1;
	ex->nenv++;
	return 0;
}

static void *
exec_create(const char *instance, const struct pagerd_kv *cfg, size_t ncfg,
    const struct pagerd_host *host, struct pagerd_notifier_error *err)
{
	struct exec	*ex;
	size_t		 i;
	int		 have_timeout = 0;

	if ((ex = calloc(1, sizeof(*ex))) == NULL)
		return notify_set_error(err, "", "out of memory");
	ex->host = host;
	ex->timeout_ms = 10000;

	for (i = 0; i < ncfg; i++) {
		const char	*k = cfg[i].key, *v = cfg[i].value;

		if (strcmp(k, "command") == 0) {
			if (ex->argc == EXEC_ARGS_MAX) {
				notify_set_error(err, k, "more than %d words",
				    EXEC_ARGS_MAX);
				goto fail;
			}
			if (ex->argc == 0 && v[0] != '/') {
				notify_set_error(err, k,
				    "the program must be an "
				    "absolute path (no shell, no PATH "
				    "search)");
				goto fail;
			}
			if ((ex->argv[ex->argc] = strdup(v)) == NULL) {
				notify_set_error(err, k, "out of memory");
				goto fail;
			}
			ex->argc++;
		} else if (strcmp(k, "timeout") == 0) {
			if (have_timeout++) {
				notify_set_error(err, k, "given twice");
				goto fail;
			}
			if (nu_timeout(k, v, EXEC_TIMEOUT_MAX_S,
			    &ex->timeout_ms, err) == -1)
				goto fail;
		} else if (strcmp(k, "env") == 0) {
			if (!env_name_ok(v)) {
				notify_set_error(err, k,
				    "\"%.64s\" is not a variable "
				    "name (letters, digits, '_'; not "
				    "PAGERD_*)", v);
				goto fail;
			}
			if (ex->nenv == EXEC_ENV_MAX) {
				notify_set_error(err, k, "more than %d names",
				    EXEC_ENV_MAX);
				goto fail;
			}
			if (exec_env_pass(ex, v, NULL) == -1) {
				notify_set_error(err, k, "out of memory");
				goto fail;
			}
		} else {
			notify_set_error(err, k, "unknown key (known: command, "
			    "timeout, env)");
			goto fail;
		}
	}
	if (ex->argc == 0) {
		notify_set_error(err, "command",
		    "is required: [ \"/path/to/program\", "
		    "\"arg\", ... ]");
		goto fail;
	}
	/* create() may touch files: say now that the program cannot run,
	 * not at 3 a.m. when the first page fails. */
	if (access(ex->argv[0], X_OK) == -1) {
		notify_set_error(err, "command", "%.200s: %s", ex->argv[0],
		    strerror(errno));
		goto fail;
	}
	if (exec_env_pass(ex, "PATH", "/usr/local/bin:/usr/bin:/bin") == -1 ||
	    exec_env_pass(ex, "LANG", "C.UTF-8") == -1) {
		notify_set_error(err, "", "out of memory");
		goto fail;
	}
	host->log(host->ctx, PAGERD_LOG_DEBUG, "instance %s runs %s",
	    instance, ex->argv[0]);
	return ex;

fail:
	exec_free(ex);
	return NULL;
}

/*
 * "NAME=value" with value cut at max bytes on a UTF-8 character
 * boundary (a C string holds no NUL, so none reaches the program).
 */
static char *
env_var(const char *name, const char *value, size_t max)
{
	size_t	 n;

	if (value == NULL)
		value = "";
	n = strlen(value);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)value[n] & 0xc0) == 0x80)
			n--;
	}
	return nu_strf("%s=%.*s", name, (int)n, value);
}

/* The child's environment: the captured variables, then PAGERD_*. */
static char **
exec_envp(const struct exec *ex, const struct pagerd_notification *n)
{
	char		**envp, num[3][32];
	int		  i, k = 0;
	const struct {
		const char	*name;
		const char	*value;
		size_t		 max;
	} vars[] = {
		{ "PAGERD_KIND", n->kind == PAGERD_NOTIFY_PAGE ? "page" :
		  "update", EXEC_VALUE_MAX },
		{ "PAGERD_INCIDENT_ID", num[0], EXEC_VALUE_MAX },
		{ "PAGERD_SEVERITY", n->severity, EXEC_VALUE_MAX },
		{ "PAGERD_TITLE", n->title, EXEC_VALUE_MAX },
		{ "PAGERD_SUMMARY", n->summary, EXEC_SUMMARY_MAX },
		{ "PAGERD_STATUS", n->status, EXEC_VALUE_MAX },
		{ "PAGERD_SERVICE", n->service, EXEC_VALUE_MAX },
		{ "PAGERD_URL", n->url, EXEC_VALUE_MAX },
		{ "PAGERD_RECIPIENT_ID", n->recipient.id, EXEC_VALUE_MAX },
		{ "PAGERD_RECIPIENT_NAME", n->recipient.name, EXEC_VALUE_MAX },
		{ "PAGERD_ADDRESS", n->recipient.address, EXEC_VALUE_MAX },
		{ "PAGERD_REPLY_CODE", num[1], EXEC_VALUE_MAX },
		{ "PAGERD_IDEMPOTENCY_KEY", n->idempotency_key,
		  EXEC_VALUE_MAX },
		{ "PAGERD_ATTEMPT", num[2], EXEC_VALUE_MAX },
	};
	const int	  nvars = (int)(sizeof(vars) / sizeof(vars[0]));

	snprintf(num[0], sizeof(num[0]), "%lld", n->incident_id);
	snprintf(num[1], sizeof(num[1]), "%d", n->reply_code);
	snprintf(num[2], sizeof(num[2]), "%d", n->attempt);
	if ((envp = calloc((size_t)(ex->nenv + nvars + 1),
	    sizeof(*envp))) == NULL)
		return NULL;
	for (i = 0; i < ex->nenv; i++)
		if ((envp[k++] = strdup(ex->env[i])) == NULL)
			goto fail;
	for (i = 0; i < nvars; i++)
		if ((envp[k++] = env_var(vars[i].name, vars[i].value,
		    vars[i].max)) == NULL)
			goto fail;
	return envp;
fail:
	for (i = 0; i < k; i++)
		free(envp[i]);
	free(envp);
	return NULL;
}

static void
envp_free(char **envp)
{
	int	 i;

	for (i = 0; envp[i] != NULL; i++)
		free(envp[i]);
	free(envp);
}

/* Read what stderr has now; keep the first EXEC_STDERR_MAX bytes, drop
 * the rest (a chatty program must not fill the pipe and hang). */
static void
exec_drain(struct exec_run *r)
{
	char	 buf[4096];
	ssize_t	 got;
	size_t	 take;

	while (r->errfd != -1) {
		got = read(r->errfd, buf, sizeof(buf));
		if (got > 0) {
			take = EXEC_STDERR_MAX - r->errlen;
			if (take > (size_t)got)
				take = (size_t)got;
			memcpy(r->err + r->errlen, buf, take);
			r->errlen += take;
			continue;
		}
		if (got == -1 && errno == EINTR)
			continue;
		if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
			close(r->errfd);
			r->errfd = -1;
		}
		break;
	}
}

static void
exec_unlink(struct exec_run *r)
{
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		r->ex->runs = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	if (r->errfd != -1)
		close(r->errfd);
}

/* Report how the program ended: status from waitpid(), or -1 when it
 * is not known. */
static void
exec_done(struct exec_run *r, int status)
{
	const struct pagerd_host	*host = r->ex->host;
	struct pagerd_notify_status	 st;
	char				 reason[300], line[200];
	size_t				 i;

	/* The first line of stderr, log-safe. */
	r->err[r->errlen] = '\0';
	for (i = 0; i < r->errlen && r->err[i] != '\n'; i++)
		;
	r->err[i] = '\0';
	nu_clean(r->err, line, sizeof(line));

	memset(&st, 0, sizeof(st));
	if (status == -1) {
		/* Someone else reaped it (SIGCHLD ignored?): we cannot
		 * tell, and a page must go at least once. */
		st.result = PAGERD_NOTIFY_RETRY;
		snprintf(reason, sizeof(reason), "exit status lost");
	} else if (r->killed) {
		st.result = PAGERD_NOTIFY_RETRY;
		snprintf(reason, sizeof(reason), "timed out after %d ms, "
		    "killed", r->ex->timeout_ms);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		st.result = PAGERD_NOTIFY_DELIVERED;
	else if (WIFEXITED(status)) {
		st.result = WEXITSTATUS(status) == EXEC_EX_TEMPFAIL ?
		    PAGERD_NOTIFY_RETRY : PAGERD_NOTIFY_PERMANENT;
		snprintf(reason, sizeof(reason), "exit %d%s%s",
		    WEXITSTATUS(status), *line ? ": " : "", line);
	} else {
		st.result = PAGERD_NOTIFY_PERMANENT;
		snprintf(reason, sizeof(reason), "killed by signal %d%s%s",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0,
		    *line ? ": " : "", line);
	}
	if (st.result != PAGERD_NOTIFY_DELIVERED) {
		st.reason = reason;
		host->log(host->ctx, PAGERD_LOG_WARNING, "%s (pid %ld): %s",
		    r->ex->argv[0], (long)r->pid, reason);
	}
	exec_unlink(r);
	r->done(r->done_arg, &st);
	free(r);
}

/* The whole process group: what the program started, too. */
static void
exec_kill(struct exec_run *r)
{
	kill(-r->pid, SIGKILL);
	kill(r->pid, SIGKILL);
	r->killed = 1;
}

static void	exec_poll(void *);

/* Look again in EXEC_POLL_MS. */
static void
exec_watch(struct exec_run *r)
{
	const struct pagerd_host	*host = r->ex->host;

	if ((r->timer = host->timer_add(host->ctx, EXEC_POLL_MS, exec_poll,
	    r)) == NULL) {
		/* Cannot wait any more: do not leave it running unwatched. */
		exec_kill(r);
		exec_done(r, 0);
	}
}

static void
exec_poll(void *arg)
{
	struct exec_run			*r = arg;
	const struct pagerd_host	*host = r->ex->host;
	pid_t				 w;
	int				 status;

	r->timer = NULL;
	exec_drain(r);
	while ((w = waitpid(r->pid, &status, WNOHANG)) == -1 && errno == EINTR)
		;
	if (w == r->pid || (w == -1 && errno == ECHILD)) {
		/* Whatever it wrote before exiting is in the pipe still. */
		exec_drain(r);
		exec_done(r, w == -1 ? -1 : status);
		return;
	}
	if (!r->killed && host->now_ms(host->ctx) >= r->deadline_ms)
		exec_kill(r);
	exec_watch(r);
}

static void
exec_send(void *inst, const struct pagerd_notification *n,
    pagerd_notify_done_cb *done, void *done_arg)
{
	struct exec			*ex = inst;
	const struct pagerd_host	*host = ex->host;
	struct pagerd_notify_status	 st;
	struct exec_run			*r = NULL;
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 sa;
	sigset_t			 none, all;
	char				**envp = NULL, reason[300];
	int				 pfd[2] = { -1, -1 }, rc;
	int				 fa_ok = 0, sa_ok = 0;

	memset(&st, 0, sizeof(st));
	st.result = PAGERD_NOTIFY_RETRY;
	st.reason = "out of memory";
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (envp = exec_envp(ex, n)) == NULL)
		goto fail;
	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK) == -1) {
		snprintf(reason, sizeof(reason), "pipe: %s", strerror(errno));
		st.reason = reason;
		goto fail;
	}
	/* The child's end blocks: a program need not cope with EAGAIN. */
	fcntl(pfd[1], F_SETFL, 0);

	if ((rc = posix_spawn_file_actions_init(&fa)) != 0)
		goto spawn_fail;
	fa_ok = 1;
	if ((rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
	    O_RDONLY, 0)) != 0 ||
	    (rc = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
	    O_WRONLY, 0)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, pfd[1], 2)) != 0)
		goto spawn_fail;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	/* No descriptor of the daemon (sockets, Redis) leaks into it, even
	 * one opened without O_CLOEXEC by a library. */
	if ((rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) != 0)
		goto spawn_fail;
#endif
	if ((rc = posix_spawnattr_init(&sa)) != 0)
		goto spawn_fail;
	sa_ok = 1;
	/* Default signal actions (the daemon ignores SIGPIPE), nothing
	 * blocked, and a process group of its own for the timeout kill. */
	sigemptyset(&none);
	sigfillset(&all);
	if ((rc = posix_spawnattr_setsigmask(&sa, &none)) != 0 ||
	    (rc = posix_spawnattr_setsigdefault(&sa, &all)) != 0 ||
	    (rc = posix_spawnattr_setpgroup(&sa, 0)) != 0 ||
	    (rc = posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP)) != 0)
		goto spawn_fail;
	rc = posix_spawn(&r->pid, ex->argv[0], &fa, &sa, ex->argv, envp);
	if (rc != 0)
		goto spawn_fail;
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&sa);
	close(pfd[1]);
	envp_free(envp);

	r->ex = ex;
	r->errfd = pfd[0];
	r->done = done;
	r->done_arg = done_arg;
	r->deadline_ms = host->now_ms(host->ctx) + ex->timeout_ms;
	if ((r->next = ex->runs) != NULL)
		r->next->prev = r;
	ex->runs = r;
	exec_watch(r);
	return;

spawn_fail:
	/* A missing or unrunnable program will not heal by retrying;
	 * running out of processes or memory may. */
	st.result = rc == EAGAIN || rc == ENOMEM ? PAGERD_NOTIFY_RETRY :
	    PAGERD_NOTIFY_PERMANENT;
	snprintf(reason, sizeof(reason), "cannot run %.200s: %s",
	    ex->argv[0], strerror(rc));
	st.reason = reason;
	host->log(host->ctx, PAGERD_LOG_WARNING, "%s", reason);
fail:
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	if (sa_ok)
		posix_spawnattr_destroy(&sa);
	if (pfd[0] != -1) {
		close(pfd[0]);
		close(pfd[1]);
	}
	if (envp != NULL)
		envp_free(envp);
	free(r);
	done(done_arg, &st);
}

static void
exec_destroy(void *inst)
{
	struct exec	*ex = inst;
	struct exec_run	*r, *next;
	int		 status;

	/*
	 * Only at shutdown can programs still run here (a reload waits for
	 * them): kill them and reap what is already gone without waiting;
	 * the rest is reaped by init when the daemon exits.
	 */
	for (r = ex->runs; r != NULL; r = next) {
		next = r->next;
		if (r->timer != NULL)
			ex->host->timer_cancel(ex->host->ctx, r->timer);
		exec_kill(r);
		(void)waitpid(r->pid, &status, WNOHANG);
		if (r->errfd != -1)
			close(r->errfd);
		free(r);
	}
	exec_free(ex);
}

const struct pagerd_notifier pagerd_notifier_v1 = {
	.abi = PAGERD_NOTIFIER_ABI,
	.name = "exec",
	.description = "run a program, alert fields in its environment",
	.create = exec_create,
	.send = exec_send,
	.destroy = exec_destroy,
};
