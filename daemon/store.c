/*
 * daemon/store.c — the Redis store: one hiredis async connection on the
 * libevent loop (connect, AUTH/SELECT, SCRIPT LOAD, reconnect with
 * backoff, a watchdog for a Redis that stops answering) and group commit
 * of alerts through the ingest script. What the scripts do is in
 * store_lua.c; starting a private Redis is redis_spawn.c.
 */
#include "autoconf.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <jansson.h>
#include <openssl/sha.h>

#include "argv.h"
#include "decimal.h"
#include "fingerprint.h"
#include "log.h"
#include "metrics.h"
#include "mono_clock.h"
#include "redis_event.h"
#include "resp.h"
#include "seen.h"
#include "store.h"
#include "store_lua.h"
#include "strbuf.h"

#define BATCH_MAX		5000	/* alerts per script call */
/*
 * Argument bytes per script call, about 360 of loadgen's alerts. hiredis
 * writes what the socket takes and moves the rest of its output buffer
 * to the front (sdsrange): a batch of megabytes was copied again at each
 * partial write, ~8 % of pagerd's time in figure 3. A batch of this size
 * goes in one or two writes with the socket's default send buffer, and
 * Redis, which runs a script to its end, holds the paging connection's
 * commands for a few milliseconds at most (docs/BENCHMARKS.md). 128 KB
 * did ~3 % fewer alerts/s (more script calls).
 */
#define BATCH_BYTES		(256 * 1024)
#define BATCHES_INFLIGHT	2	/* see flush_cb() */
#define ALERT_ARGS		6	/* ingest ARGV per alert (store_lua.h) */
#define INGEST_HDR		8	/* EVALSHA sha 0 prefix now ret N resend */
/*
 * Repeated alerts whose content digest the store remembers (lib/seen.h):
 * 16 bytes each, 512 KB, paged in only as alerts repeat.
 */
#define SEEN_SLOTS		32768
/* The ingest script's outcome for an alert it sent back (store_lua.h). */
#define OUTCOME_BACK		4
#define BACKOFF_MIN_MS		100
#define LIST_LIMIT_MAX		1000
#define QUERY_ARGS		6	/* script arguments after the prefix */

enum store_state {
	ST_IDLE,		/* never configured */
	ST_WAIT,		/* backing off before the next connect */
	ST_CONNECTING,		/* connect(2) in progress */
	ST_SETUP,		/* connected: AUTH, SELECT, SCRIPT LOAD */
	ST_READY,
	ST_CLOSED		/* shut down or being freed */
};

enum cmd_kind {
	CMD_SETUP,		/* AUTH, SELECT, SCRIPT LOAD at connect */
	CMD_RELOAD,		/* SCRIPT LOAD after a NOSCRIPT */
	CMD_BATCH,
	CMD_QUERY,
	CMD_RAW			/* store_command(), store_eval() */
};

/*
 * Every command we send is one of these (the first member of a larger
 * struct), on the in-flight queue oldest first until its reply callback
 * runs. hiredis calls each callback exactly once: with the reply, or
 * with NULL when the context goes away, so the queue always empties.
 */
struct cmd {
	TAILQ_ENTRY(cmd)	 entry;
	struct store		*s;
	enum cmd_kind		 kind;
	int64_t			 sent_ms;	/* monotonic */
};
TAILQ_HEAD(cmdq, cmd);

struct setup {
	struct cmd		 cmd;
	int			 script;	/* -1: AUTH or SELECT */
};

/* One store_submit() call; freed after its callback. */
struct submit {
	store_submit_cb		*cb;
	void			*arg;
	size_t			 n;
	int			 parts;	/* batches to answer */
	int			 failed;
	struct store_result	 res[];
};

/* The alerts [first, first + n) of sub that travel in one batch. */
struct slice {
	struct submit		*sub;
	size_t			 first;
	size_t			 n;
};

/* Bytes appended back to back, grown as needed. */
struct bytes {
	char			*p;
	size_t			 len, cap;
};

/*
 * What a batch keeps of each of its alerts for the reply: the digest
 * (lib/seen.h remembers it when the reply says Redis holds it), and
 * for a repeat sent without its content, where that content is, in
 * case the script sends the alert back (store_lua.h: outcome 4).
 */
struct sent {
	uint64_t		 dg;
	size_t			 side;		/* offset in the batch's side */
	size_t			 side_len;	/* 0: sent with its content */
};

/*
 * One ingest script call. The alert fields are copied back to back into
 * args; argument i is args.p[off[i] .. off[i + 1]). The bytes stay until
 * the reply, so a NOSCRIPT can be answered by sending the same batch
 * again with EVAL. A resend batch carries alerts an earlier call sent
 * back; nothing else joins it.
 */
struct batch {
	struct cmd		 cmd;
	struct bytes		 args;
	size_t			*off;
	size_t			 noff, offcap;
	size_t			 nalerts;
	struct sent		*sent;		/* nalerts of them */
	size_t			 sentcap;
	struct bytes		 side;		/* content not sent */
	struct slice		*slices;
	size_t			 nslices, slicecap;
	int64_t			 now_ms;
	int			 evaled;
	int			 resend;
	int			 planned;	/* a first step's plan in args:
						 * the outbox is read too */
	char			 hdr[3][24];	/* now, retention, N */
};

/*
 * A script call other than ingest: an API read (answered with JSON), a
 * timer claim or a timer's handler, each with its own callback.
 */
enum query_kind {
	Q_JSON,
	Q_CLAIM,
	Q_FIRE
};

struct query {
	struct cmd		 cmd;
	enum store_script	 script;
	enum query_kind		 qk;
	union {
		store_json_cb	*json;
		store_claim_cb	*claim;
		store_fire_cb	*fire;
	}			 cb;
	void			*arg;
	int			 evaled;
	int			 nargs;		/* after the prefix */
	char			*a[QUERY_ARGS];	/* owned */
	int			 answer;	/* deferred: its status */
	const char		*canned;	/* deferred: its body */
};

/*
 * A command or script of another module (store_command(), store_eval()).
 * The arguments are owned copies: a NOSCRIPT is answered by sending the
 * same arguments again with EVAL.
 */
struct raw {
	struct cmd		 cmd;
	store_reply_cb		*cb;
	void			*arg;
	struct store_lua	*lua;		/* NULL: a plain command */
	int			 evaled;
	int			 argc;		/* in a[], after EVALSHA sha 0 */
	char			**a;
	size_t			*len;
};

struct store {
	struct event_base	*base;
	struct metrics		*metrics;
	char			 name[32];	/* CLIENT SETNAME */

	/* Settings, owned copies. */
	char			*address;
	char			*password;
	char			*prefix;
	int			 db;
	int64_t			 connect_timeout_ms;
	int64_t			 reconnect_max_ms;
	int64_t			 command_timeout_ms;
	int64_t			 retention_ms;
	char			*host;	/* parsed: TCP */
	int			 port;
	char			*path;	/* or unix socket */

	enum store_state	 state;
	redisAsyncContext	*ac;
	char			 sha[STORE_SCRIPT_COUNT][41];
	struct seen		*seen;		/* digests of repeats */
	struct store_first_step	 first_step;	/* plan NULL: none */
	int			 setup_left;
	int			 setup_failed;
	int			 migrating;	/* logged */
	int			 reloading[STORE_SCRIPT_COUNT];
	int64_t			 backoff_ms;
	int			 failing;	/* logged: quiet */
	long			 attempts;
	char			 reason[256];

	struct event		*ev_timer;	/* backoff, connect */
	struct event		*ev_watchdog;
	struct event		*ev_flush;

	struct cmdq		 inflight;	/* sent, oldest first */
	int64_t			 progress_ms;	/* last reply */
	struct cmdq		 pending;	/* unsent batches */
	struct cmdq		 deferred;	/* answers due */
	size_t			 batches_inflight;
	size_t			 since_trim;	/* alerts committed */
	int			 hold;	/* NOSCRIPT */

	int			 shutting;
	void			(*done)(void *);
	void			*done_arg;
	int			 freeing;
};

static void	conn_start(struct store *);
static void	conn_lost(struct store *, const char *, int);
static void	flush_schedule(struct store *);
static void	query_send(struct store *, struct query *);
static void	deferred_answer(struct cmd *);

static void
timer_arm(struct event *ev, int64_t ms)
{
	struct timeval	 tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(ev, &tv);
}

static void set_reason(struct store *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_reason(struct store *s, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof(s->reason), fmt, ap);
	va_end(ap);
}

static void
count(struct store *s, const char *name, double v)
{
	if (s->metrics != NULL)
		metrics_add(s->metrics, name, v, 0, NULL);
}

static void
count_error(struct store *s, const char *kind)
{
	const char	*kv[2] = { "kind", kind };

	if (s->metrics != NULL)
		metrics_add(s->metrics, "pagerd_redis_errors_total", 1, 1, kv);
}

static const char *
ac_error(const redisAsyncContext *ac)
{
	if (ac->err != 0 && ac->errstr != NULL && ac->errstr[0] != '\0')
		return ac->errstr;
	return "connection closed";
}

/* ------------------------------------------------------------ in flight */

/*
 * The watchdog: when the oldest command has had no reply for
 * command_timeout_ms, Redis is stuck (a long script, a full disk under
 * appendfsync always, a network that eats packets without a RST) and
 * everything behind it waits too. Dropping the connection fails those
 * senders at once (503: they retry) instead of leaving them hanging.
 * The clock starts when the command is sent or when the reply before it
 * arrives, whichever is later: Redis answers in order, so time spent
 * queued behind other commands that are being answered is progress,
 * not a hang.
 */
static void
inflight_add(struct store *s, struct cmd *c)
{
	c->sent_ms = mono_ms();
	TAILQ_INSERT_TAIL(&s->inflight, c, entry);
	if (s->command_timeout_ms > 0 &&
	    !evtimer_pending(s->ev_watchdog, NULL))
		timer_arm(s->ev_watchdog, s->command_timeout_ms);
}

static void
inflight_remove(struct store *s, struct cmd *c)
{
	s->progress_ms = mono_ms();
	TAILQ_REMOVE(&s->inflight, c, entry);
	if (TAILQ_EMPTY(&s->inflight)) {
		evtimer_del(s->ev_watchdog);
		if (s->shutting)
			flush_schedule(s);	/* shutdown_step() */
	}
}

static void
watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store	*s = arg;
	struct cmd	*c;
	int64_t		 age;

	if ((c = TAILQ_FIRST(&s->inflight)) == NULL ||
	    s->command_timeout_ms <= 0)
		return;
	age = mono_ms() - (c->sent_ms > s->progress_ms ? c->sent_ms :
	    s->progress_ms);
	if (age < s->command_timeout_ms) {
		timer_arm(s->ev_watchdog, s->command_timeout_ms - age);
		return;
	}
	count_error(s, "timeout");
	log_warnx("redis: no reply for %" PRId64 " ms, dropping the "
	    "connection", age);
	conn_lost(s, "no reply within command_timeout", 1);
}

/*
 * Send one script call. argv[0..2] are filled in here (EVALSHA sha 0, or
 * EVAL text 0 when Redis has lost the script); the caller fills the rest.
 */
static int
script_call(struct store *s, enum store_script sc, int eval,
    redisCallbackFn *fn, struct cmd *c, int argc, const char **argv,
    size_t *argvlen)
{
	char	*cmd;
	size_t	 len;
	int	 rc;

	if (s->ac == NULL || s->state != ST_READY)
		return -1;
	argv[0] = eval ? "EVAL" : "EVALSHA";
	argv[1] = eval ? store_scripts[sc].text : s->sha[sc];
	argv[2] = "0";
	argvlen[0] = strlen(argv[0]);
	argvlen[1] = strlen(argv[1]);
	argvlen[2] = 1;
	/*
	 * Formatted here, in one pass (lib/resp.c): hiredis's own
	 * formatting of a group commit's ~1,000 arguments cost more
	 * than building them.
	 */
	if ((cmd = resp_format(argc, argv, argvlen, &len)) == NULL)
		return -1;
	rc = redisAsyncFormattedCommand(s->ac, fn, c, cmd, len);
	free(cmd);
	if (rc != REDIS_OK)
		return -1;
	inflight_add(s, c);
	return 0;
}

static int
is_noscript(const redisReply *r)
{
	return r->type == REDIS_REPLY_ERROR && r->str != NULL &&
	    strncmp(r->str, "NOSCRIPT", 8) == 0;
}

/* ------------------------------------------------------- connection */

static void	setup_done(struct store *);
static int	migrate_send(struct store *, const char *);

/*
 * The one-time migration of alert hashes to the short field names
 * (store_lua.c, LUA_MIGRATE), one SCAN step per call, before the store
 * is ready: no ingest runs on an old-shaped hash. After the first run
 * each connect costs one call that answers "0" at once.
 */
static void
migrate_reply(redisAsyncContext *ac, void *r, void *priv)
{
	struct setup	*su = priv;
	struct store	*s = su->cmd.s;
	redisReply	*reply = r;

	inflight_remove(s, &su->cmd);
	free(su);
	if (s->ac != ac)
		return;
	if (reply == NULL) {
		conn_lost(s, ac_error(ac), 0);
		return;
	}
	if (reply->type != REDIS_REPLY_STRING) {
		count_error(s, "connect");
		log_warnx("redis: migrating alerts: %s",
		    reply->type == REDIS_REPLY_ERROR ? reply->str :
		    "unexpected reply");
		conn_lost(s, "alert migration failed", 1);
		return;
	}
	if (strcmp(reply->str, "0") == 0) {
		if (s->migrating)
			log_info("redis: alert hashes migrated to short "
			    "field names");
		s->migrating = 0;
		setup_done(s);
		return;
	}
	if (!s->migrating)
		log_info("redis: migrating alert hashes to short field "
		    "names");
	s->migrating = 1;
	set_reason(s, "migrating alerts");
	if (migrate_send(s, reply->str) == -1) {
		count_error(s, "connect");
		conn_lost(s, "cannot send the migration", 1);
	}
}

static int
migrate_send(struct store *s, const char *cursor)
{
	struct setup	*su;
	const char	*argv[5] = { "EVALSHA", s->sha[STORE_SCRIPT_MIGRATE],
			    "0", s->prefix, cursor };
	size_t		 argvlen[5];
	int		 i;

	if ((su = calloc(1, sizeof(*su))) == NULL)
		return -1;
	su->cmd.s = s;
	su->cmd.kind = CMD_SETUP;
	su->script = STORE_SCRIPT_MIGRATE;
	for (i = 0; i < 5; i++)
		argvlen[i] = strlen(argv[i]);
	if (redisAsyncCommandArgv(s->ac, migrate_reply, su, 5, argv,
	    argvlen) != REDIS_OK) {
		free(su);
		return -1;
	}
	inflight_add(s, &su->cmd);
	return 0;
}

static void
setup_reply(redisAsyncContext *ac, void *r, void *priv)
{
	struct setup	*su = priv;
	struct store	*s = su->cmd.s;
	redisReply	*reply = r;
	enum cmd_kind	 kind = su->cmd.kind;
	int		 script = su->script;

	inflight_remove(s, &su->cmd);
	free(su);
	if (s->ac != ac)
		return;		/* a connection we already dropped */
	if (reply == NULL) {
		conn_lost(s, ac_error(ac), 0);
		return;
	}
	if (reply->type == REDIS_REPLY_ERROR) {
		if (kind == CMD_RELOAD) {
			s->reloading[script] = 0;
			count_error(s, "reply");
			log_warnx("redis: SCRIPT LOAD %s: %s",
			    store_scripts[script].name, reply->str);
			return;
		}
		/* Wrong password, LOADING the AOF after a restart, ... */
		count_error(s, "connect");
		conn_lost(s, reply->str, 1);
		return;
	}
	if (script >= 0) {
		if (reply->type != REDIS_REPLY_STRING || reply->len != 40) {
			count_error(s, "connect");
			conn_lost(s, "unexpected SCRIPT LOAD reply", 1);
			return;
		}
		memcpy(s->sha[script], reply->str, 40);
		s->sha[script][40] = '\0';
	}
	if (kind == CMD_RELOAD) {
		s->reloading[script] = 0;
		return;
	}
	if (--s->setup_left > 0)
		return;
	if (migrate_send(s, "0") == -1) {
		count_error(s, "connect");
		conn_lost(s, "cannot send the migration", 1);
	}
}

/*
 * Connected and the scripts loaded: ready. Batches and queries that
 * waited go out now.
 */
static void
setup_done(struct store *s)
{
	evtimer_del(s->ev_timer);
	s->state = ST_READY;
	s->backoff_ms = BACKOFF_MIN_MS;
	s->hold = 0;
	if (s->failing)
		log_info("redis: %s connected to %s again", s->name,
		    s->address);
	else
		log_info("redis: %s connected to %s", s->name, s->address);
	s->failing = 0;
	set_reason(s, "ready");
	if (!TAILQ_EMPTY(&s->pending) || s->shutting)
		flush_schedule(s);
}

static int
setup_send(struct store *s, enum cmd_kind kind, int script, int argc,
    const char **argv, const size_t *argvlen)
{
	struct setup	*su;

	if ((su = calloc(1, sizeof(*su))) == NULL)
		return -1;
	su->cmd.s = s;
	su->cmd.kind = kind;
	su->script = script;
	if (redisAsyncCommandArgv(s->ac, setup_reply, su, argc, argv,
	    argvlen) != REDIS_OK) {
		free(su);
		return -1;
	}
	inflight_add(s, &su->cmd);
	return 0;
}

static int
script_load(struct store *s, enum cmd_kind kind, int script)
{
	const char	*argv[3] = { "SCRIPT", "LOAD",
			    store_scripts[script].text };
	size_t		 argvlen[3] = { 6, 4, strlen(argv[2]) };

	return setup_send(s, kind, script, 3, argv, argvlen);
}

/* Redis lost a script (SCRIPT FLUSH, a restart we did not see): load it. */
static void
script_reload(struct store *s, enum store_script sc)
{
	if (s->ac == NULL || s->reloading[sc])
		return;
	if (script_load(s, CMD_RELOAD, sc) == 0)
		s->reloading[sc] = 1;
}

/*
 * Connected: queue AUTH, SELECT and one SCRIPT LOAD per script at once
 * (pipelined: one round trip); ready when the last reply is in. This runs
 * inside hiredis's connect callback, where freeing the context would pull
 * it from under hiredis: a failure here drops it from the timer instead.
 */
static void
on_connect(const redisAsyncContext *cac, int status)
{
	struct store	*s = cac->data;
	char		 db[16];
	const char	*argv[3];
	size_t		 argvlen[2];
	int		 i;

	if (s == NULL)
		return;
	if (status != REDIS_OK) {
		count_error(s, "connect");
		conn_lost(s, ac_error(cac), 0);
		return;
	}
	s->state = ST_SETUP;
	s->setup_left = 0;
	set_reason(s, "loading scripts");
	if (s->password != NULL) {
		argv[0] = "AUTH";
		argv[1] = s->password;
		argvlen[0] = 4;
		argvlen[1] = strlen(s->password);
		if (setup_send(s, CMD_SETUP, -1, 2, argv, argvlen) == -1)
			goto fail;
		s->setup_left++;
	}
	/* So that CLIENT LIST tells the connections apart. */
	argv[0] = "CLIENT";
	argv[1] = "SETNAME";
	argv[2] = s->name;
	if (setup_send(s, CMD_SETUP, -1, 3, argv, NULL) == -1)
		goto fail;
	s->setup_left++;
	if (s->db != 0) {
		snprintf(db, sizeof(db), "%d", s->db);
		argv[0] = "SELECT";
		argv[1] = db;
		argvlen[0] = 6;
		argvlen[1] = strlen(db);
		if (setup_send(s, CMD_SETUP, -1, 2, argv, argvlen) == -1)
			goto fail;
		s->setup_left++;
	}
	for (i = 0; i < STORE_SCRIPT_COUNT; i++) {
		if (script_load(s, CMD_SETUP, i) == -1)
			goto fail;
		s->setup_left++;
	}
	return;
fail:
	s->setup_failed = 1;
	timer_arm(s->ev_timer, 0);
}

static void
on_disconnect(const redisAsyncContext *cac, int status)
{
	struct store	*s = cac->data;

	if (s != NULL) {
		count_error(s, "connect");
		conn_lost(s, ac_error(cac), 0);
	}
}

static void
conn_retry(struct store *s)
{
	s->state = ST_WAIT;
	if (s->shutting) {
		flush_schedule(s);
		return;
	}
	timer_arm(s->ev_timer, s->backoff_ms);
	s->backoff_ms *= 2;
	if (s->backoff_ms > s->reconnect_max_ms)
		s->backoff_ms = s->reconnect_max_ms;
}

/*
 * Forget the context. With do_free we tear it down ourselves, and
 * hiredis calls every pending callback with a NULL reply before
 * redisAsyncFree returns (or, inside a reply callback, right after it
 * returns). Without it hiredis is already tearing it down (we were called
 * from its connect, disconnect or NULL-reply callback). ac->data = NULL
 * makes its later callbacks for this context no-ops.
 */
static void
conn_detach(struct store *s, int do_free)
{
	redisAsyncContext	*ac = s->ac;

	if (ac == NULL)
		return;
	s->ac = NULL;
	ac->data = NULL;
	if (do_free)
		redisAsyncFree(ac);
}

/*
 * The connection failed or went away: say why, fail what was in flight
 * (their callbacks run from conn_detach, or from hiredis right after
 * us), and try again after the backoff.
 */
static void
conn_lost(struct store *s, const char *why, int do_free)
{
	int	 was_ready = s->state == ST_READY;

	if (s->ac == NULL)
		return;
	evtimer_del(s->ev_timer);
	s->state = ST_WAIT;
	set_reason(s, "redis: %s", why);
	if (was_ready)
		log_warnx("redis: lost %s: %s", s->address, why);
	else if (!s->failing)
		log_warnx("redis: cannot connect to %s: %s (retrying)",
		    s->address, why);
	else
		log_debug("redis: cannot connect to %s: %s", s->address, why);
	s->failing = 1;
	/* The next Redis may not hold what this one did. */
	seen_clear(s->seen);
	conn_detach(s, do_free);
	if (s->state == ST_WAIT && s->ac == NULL)
		conn_retry(s);
}

static void
conn_start(struct store *s)
{
	redisAsyncContext	*ac;
	const char		*why;

	if (s->attempts++ > 0)
		count(s, "pagerd_redis_reconnects_total", 1);
	if (!s->failing)
		set_reason(s, "connecting to %s", s->address);
	s->state = ST_CONNECTING;
	s->setup_failed = 0;
	memset(s->reloading, 0, sizeof(s->reloading));
	if (s->path != NULL)
		ac = redisAsyncConnectUnix(s->path);
	else
		ac = redisAsyncConnect(s->host, s->port);
	if (ac == NULL || ac->err) {
		/* A unix socket that is missing or refused fails at once. */
		why = ac != NULL ? ac_error(ac) : "out of memory";
		count_error(s, "connect");
		set_reason(s, "redis: %s", why);
		if (!s->failing)
			log_warnx("redis: cannot connect to %s: %s "
			    "(retrying)", s->address, why);
		else
			log_debug("redis: cannot connect to %s: %s",
			    s->address, why);
		s->failing = 1;
		if (ac != NULL)
			redisAsyncFree(ac);
		conn_retry(s);
		return;
	}
	ac->data = s;
	s->ac = ac;
	if (redis_event_attach(ac, s->base) == -1) {
		conn_lost(s, "cannot attach to the event loop", 1);
		return;
	}
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);
	if (s->connect_timeout_ms > 0)
		timer_arm(s->ev_timer, s->connect_timeout_ms);
}

/* Backoff over (ST_WAIT), or connect timeout / setup failure. */
static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store	*s = arg;

	switch (s->state) {
	case ST_WAIT:
		if (!s->shutting)
			conn_start(s);
		break;
	case ST_CONNECTING:
	case ST_SETUP:
		count_error(s, "connect");
		conn_lost(s, s->setup_failed ? "cannot queue setup commands" :
		    "connect timed out", 1);
		break;
	default:
		break;
	}
}

/* Take the connection down now and connect again (new address). */
static void
conn_drop(struct store *s)
{
	evtimer_del(s->ev_timer);
	s->state = ST_WAIT;
	conn_detach(s, 1);
}

/* -------------------------------------------------------------- batches */

/*
 * Room for need elements of size in the array p of *cap elements:
 * returns the (maybe moved) array, or NULL with p untouched.
 */
static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t	 ncap;

	if (need <= *cap)
		return p;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	if ((p = reallocarray(p, ncap, size)) != NULL)
		*cap = ncap;
	return p;
}

static void
batch_free(struct batch *b)
{
	free(b->args.p);
	free(b->side.p);
	free(b->off);
	free(b->sent);
	free(b->slices);
	free(b);
}

static struct batch *
batch_new(void)
{
	struct batch	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->cmd.kind = CMD_BATCH;
	b->off = grow(NULL, &b->offcap, 1 + 16 * ALERT_ARGS, sizeof(*b->off));
	b->args.p = grow(NULL, &b->args.cap, 32 * 1024, 1);
	if (b->off == NULL || b->args.p == NULL) {
		batch_free(b);
		return NULL;
	}
	b->off[0] = 0;
	b->noff = 1;
	return b;
}

/* Close the argument being written at the end of args. */
static int
arg_end(struct batch *b)
{
	size_t	*off;

	off = grow(b->off, &b->offcap, b->noff + 1, sizeof(*b->off));
	if (off == NULL)
		return -1;
	b->off = off;
	b->off[b->noff++] = b->args.len;
	return 0;
}

/* Append n bytes at p, plus a NUL when nul. */
static int
bytes_add(struct bytes *o, const char *p, size_t n, int nul)
{
	char	*buf;

	if ((buf = grow(o->p, &o->cap, o->len + n + 1, 1)) == NULL)
		return -1;
	o->p = buf;
	if (n > 0)
		memcpy(o->p + o->len, p, n);
	o->len += n;
	if (nul)
		o->p[o->len++] = '\0';
	return 0;
}

/* p's bytes, plus its NUL when nul. NULL is "". */
static int
buf_add(struct bytes *o, const char *p, int nul)
{
	return bytes_add(o, p, p != NULL ? strlen(p) : 0, nul);
}

/* A NULL string (no severity, no dedup key) is sent as "". */
static int
arg_add(struct batch *b, const char *p)
{
	if (buf_add(&b->args, p, 0) == -1)
		return -1;
	return arg_end(b);
}

/* Argument j of alert k of b, and its length. */
static const char *
alert_arg(const struct batch *b, size_t k, size_t j, size_t *len)
{
	size_t	 i = k * ALERT_ARGS + j;

	*len = b->off[i + 1] - b->off[i];
	return b->args.p + b->off[i];
}

/*
 * Labels as one compact JSON object sorted by name, so the same label set
 * is always the same text (the API shows it; tools may compare it): what
 * json_dumps(JSON_COMPACT | JSON_SORT_KEYS) gives, written directly, as
 * struct alert keeps its labels sorted and unique.
 */
static int
rest_labels(struct bytes *o, const struct alert *a)
{
	struct strbuf	 sb = STRBUF_INIT;
	size_t		 i;
	int		 rv = -1;

	strbuf_char(&sb, '{');
	for (i = 0; i < a->nlabels; i++) {
		if (i > 0)
			strbuf_char(&sb, ',');
		strbuf_json_string(&sb, a->labels[i].name,
		    strlen(a->labels[i].name));
		strbuf_char(&sb, ':');
		strbuf_json_string(&sb, a->labels[i].value,
		    strlen(a->labels[i].value));
	}
	strbuf_char(&sb, '}');
	if (!sb.oom)
		rv = buf_add(o, sb.s, 1);
	free(sb.s);
	return rv;
}

/*
 * The content of a firing alert: its 17 other fields, each followed by
 * a NUL (store_lua.h). num: level, group_wait, group_interval,
 * repeat_interval as text.
 */
static int
rest_add(struct bytes *o, const struct alert *a, char num[][DECIMAL_LEN])
{
	if (buf_add(o, a->summary, 1) == -1 ||
	    buf_add(o, a->source, 1) == -1 ||
	    buf_add(o, a->severity, 1) == -1 ||
	    rest_labels(o, a) == -1 ||
	    buf_add(o, a->details_json, 1) == -1 ||
	    buf_add(o, a->dedup_key, 1) == -1 ||
	    buf_add(o, num[0], 1) == -1 ||
	    buf_add(o, a->service, 1) == -1 ||
	    buf_add(o, a->group_key, 1) == -1 ||
	    buf_add(o, num[1], 1) == -1 ||
	    buf_add(o, num[2], 1) == -1 ||
	    buf_add(o, num[3], 1) == -1 ||
	    buf_add(o, a->service == NULL || a->auto_resolve ? "1" : "0",
	    1) == -1 ||
	    buf_add(o, a->policy, 1) == -1 ||
	    buf_add(o, a->silenced, 1) == -1 ||
	    buf_add(o, a->inhibit_src, 1) == -1 ||
	    buf_add(o, a->inhibit_tgt, 1) == -1)
		return -1;
	return 0;
}

/*
 * After the content, the plan of the first escalation step for an
 * incident the alert would open (store_first_step): only where the
 * content goes out now, as a repeat the store has seen opens nothing
 * (sent back for its content, it goes by the notify timer). A plan
 * that does not fit in memory is left out: the notify timer pages.
 */
static int
first_step_add(struct store *s, struct batch *b, const struct alert *a)
{
	struct argv	 pa = { 0 };
	size_t		 i;
	int		 rv = 0;

	s->first_step.plan(s->first_step.arg, a, b->now_ms, &pa);
	for (i = 0; !pa.oom && i < pa.n && rv == 0; i++)
		rv = buf_add(&b->args, pa.v[i], 1);
	if (!pa.oom && pa.n > 0)
		b->planned = 1;
	argv_free(&pa);
	return rv;
}

/* Room for one more struct sent. */
static int
sent_reserve(struct batch *b)
{
	struct sent	*v;

	v = grow(b->sent, &b->sentcap, b->nalerts + 1, sizeof(*b->sent));
	if (v == NULL)
		return -1;
	b->sent = v;
	return 0;
}

/*
 * Append one alert's ALERT_ARGS ingest arguments (store_lua.h), all or
 * none: what a repeat needs as arguments of their own, the rest (its
 * content) as one argument of NUL-terminated strings. Redis turns each
 * argument of a script call into a Lua string: 22 per alert cost it
 * ~2.8 usec, this ~1.9 (docs/BENCHMARKS.md), and a repeat whose digest
 * matches never unpacks the content. So the content is left out (an
 * empty argument) where the script will not read it: in a resolve, and
 * in a firing repeat whose digest is the one seen says Redis holds
 * (~1.5 usec less of Redis per repeat, bench-ingest's dedup_short). The
 * script sends back what it cannot apply without the content, and the
 * store sends that again with the content kept in side. An alert that
 * routing did not see (level 0, no service) goes out with empty routing
 * fields: the script gives it an incident of its own in the default
 * service.
 */
static int
batch_add_alert(struct store *s, struct batch *b, const struct alert *a)
{
	size_t		 len = b->args.len, noff = b->noff;
	size_t		 side = b->side.len, flen;
	char		 ts[DECIMAL_LEN], num[5][DECIMAL_LEN], dg[FP_DIGEST_LEN];
	const char	*content[7];
	struct bytes	*rest;
	uint64_t	 dg64;
	int		 firing = a->status != ALERT_RESOLVED;

	(void)decimal_i64(ts, a->timestamp_ms);	/* 0: absent */
	(void)decimal_i64(num[0], a->level);
	(void)decimal_i64(num[1], a->group_wait_ms);
	(void)decimal_i64(num[2], a->group_interval_ms);
	(void)decimal_i64(num[3], a->repeat_interval_ms);
	(void)decimal_i64(num[4], a->ends_at_ms > 0 ? a->ends_at_ms : 0);
	/*
	 * What a repeat may change but its times: when the stored digest
	 * is this one, the script writes count and times only and never
	 * reads the rest back (store_lua.c, LUA_INGEST).
	 */
	content[0] = a->summary;
	content[1] = a->severity;
	content[2] = a->details_json;
	content[3] = num[0];
	content[4] = a->silenced;
	content[5] = a->inhibit_src;
	content[6] = a->inhibit_tgt;
	dg64 = fp_digest(content, 7, dg);
	flen = strlen(a->fingerprint);
	rest = firing && seen_match(s->seen, a->fingerprint, flen, dg64) ?
	    &b->side : &b->args;
	if (sent_reserve(b) == -1 ||
	    arg_add(b, a->fingerprint) == -1 ||
	    arg_add(b, firing ? "firing" : "resolved") == -1 ||
	    arg_add(b, ts) == -1 ||
	    arg_add(b, num[4]) == -1 ||
	    arg_add(b, dg) == -1 ||
	    (firing && rest_add(rest, a, num) == -1) ||
	    (firing && rest == &b->args && s->first_step.plan != NULL &&
	    first_step_add(s, b, a) == -1) ||
	    arg_end(b) == -1) {
		b->args.len = len;
		b->side.len = side;
		b->noff = noff;
		return -1;
	}
	b->sent[b->nalerts].dg = dg64;
	b->sent[b->nalerts].side = side;
	b->sent[b->nalerts].side_len = b->side.len - side;
	b->nalerts++;
	return 0;
}

/*
 * Answer every submit with alerts in this batch; a submit split over
 * several batches is answered with the last of them. Redis answers in
 * order, so callbacks run in the order of the store_submit() calls.
 */
static void
batch_complete(struct batch *b, int ok)
{
	struct submit	*sub;
	size_t		 i;

	for (i = 0; i < b->nslices; i++) {
		sub = b->slices[i].sub;
		if (!ok)
			sub->failed = 1;
		if (--sub->parts > 0)
			continue;
		if (sub->failed)
			sub->cb(sub->arg, 0, NULL, 0);
		else
			sub->cb(sub->arg, 1, sub->res, sub->n);
		free(sub);
	}
	batch_free(b);
}

/* The result of the batch's k-th alert. */
static struct store_result *
batch_res(struct batch *b, size_t k)
{
	size_t	 i;

	for (i = 0; i < b->nslices; i++) {
		if (k < b->slices[i].n)
			return &b->slices[i].sub->res[b->slices[i].first + k];
		k -= b->slices[i].n;
	}
	return NULL;
}

/*
 * The reply's integers: outcome and incident of each alert, then index,
 * what and result of each first step done (store_first_step); after
 * them maybe one array, the outbox read's answer.
 */
static size_t
batch_ints(const redisReply *r, size_t n2)
{
	if (r->elements > n2 && (r->elements - n2) % 3 == 1 &&
	    r->element[r->elements - 1]->type == REDIS_REPLY_ARRAY)
		return r->elements - 1;
	return r->elements;
}

static int
batch_parse(struct batch *b, const redisReply *r)
{
	const struct slice	*sl;
	const redisReply	*o, *inc;
	size_t			 i, j, k, n2 = 2 * b->nalerts, ni;
	long long		 x, w;

	if (r->type != REDIS_REPLY_ARRAY || r->elements < n2)
		return -1;
	ni = batch_ints(r, n2);
	if ((ni - n2) % 3 != 0)
		return -1;
	for (i = 0; i < ni; i++)
		if (r->element[i]->type != REDIS_REPLY_INTEGER)
			return -1;
	k = 0;
	for (i = 0; i < b->nslices; i++) {
		sl = &b->slices[i];
		for (j = 0; j < sl->n; j++, k++) {
			o = r->element[2 * k];
			inc = r->element[2 * k + 1];
			if (o->integer < STORE_NEW ||
			    o->integer > OUTCOME_BACK ||
			    (o->integer == OUTCOME_BACK && b->resend))
				return -1;
			sl->sub->res[sl->first + j].outcome =
			    (enum store_outcome)o->integer;
			sl->sub->res[sl->first + j].incident = inc->integer;
		}
	}
	for (i = n2; i < ni; i += 3) {
		x = r->element[i]->integer;
		w = r->element[i + 1]->integer;
		if (x < 0 || (size_t)x >= b->nalerts || w < 0 || w > 3)
			return -1;
		batch_res(b, (size_t)x)->stepped = 1;
	}
	return 0;
}

/*
 * Tell the escalation engine of the first steps the script did, then
 * hand it the pages they queued (as the script read them, or NULL).
 */
static void
first_steps_done(struct store *s, struct batch *b, const redisReply *r)
{
	const struct store_result	*res;
	size_t				 i, ni = batch_ints(r, 2 * b->nalerts);
	int				 queued = 0;

	for (i = 2 * b->nalerts; i + 2 < ni; i += 3) {
		res = batch_res(b, (size_t)r->element[i]->integer);
		if (r->element[i + 2]->integer > 0)
			queued = 1;
		if (s->first_step.done != NULL)
			s->first_step.done(s->first_step.arg, res->incident,
			    (int)r->element[i + 1]->integer,
			    r->element[i + 2]->integer);
	}
	if (s->first_step.pages != NULL && queued)
		s->first_step.pages(s->first_step.arg, ni < r->elements ?
		    r->element[ni] : NULL);
}

static void	batch_reply(redisAsyncContext *, void *, void *);
static void	idle_trim(struct store *);

/*
 * A batch for alerts the script sent back: ahead of every batch not
 * sent yet but behind the resend batches already waiting, so that
 * alerts go back to Redis in the order they came.
 */
static struct batch *
resend_open(struct store *s, int64_t now_ms)
{
	struct batch	*b;
	struct cmd	*c, *after = NULL;

	if ((b = batch_new()) == NULL)
		return NULL;
	b->cmd.s = s;
	b->resend = 1;
	b->now_ms = now_ms;
	TAILQ_FOREACH(c, &s->pending, entry) {
		if (!((struct batch *)c)->resend)
			break;
		after = c;
	}
	if (after != NULL)
		TAILQ_INSERT_AFTER(&s->pending, after, &b->cmd, entry);
	else
		TAILQ_INSERT_HEAD(&s->pending, &b->cmd, entry);
	return b;
}

/*
 * Alert k of b, sent back, into resend batch rb with its content, for
 * result idx of sub (which is answered when rb is).
 */
static int
resend_add(struct batch *rb, const struct batch *b, size_t k,
    struct submit *sub, size_t idx)
{
	struct slice	*sl;
	const char	*p;
	size_t		 len = rb->args.len, noff = rb->noff, n, j;

	if (sent_reserve(rb) == -1 ||
	    (sl = grow(rb->slices, &rb->slicecap, rb->nslices + 1,
	    sizeof(*rb->slices))) == NULL)
		return -1;
	rb->slices = sl;
	for (j = 0; j < ALERT_ARGS - 1; j++) {
		p = alert_arg(b, k, j, &n);
		if (bytes_add(&rb->args, p, n, 0) == -1 || arg_end(rb) == -1)
			goto fail;
	}
	if (b->sent[k].side_len > 0)
		p = b->side.p + b->sent[k].side, n = b->sent[k].side_len;
	else
		p = alert_arg(b, k, ALERT_ARGS - 1, &n);
	if (bytes_add(&rb->args, p, n, 0) == -1 || arg_end(rb) == -1)
		goto fail;
	rb->planned |= b->planned;	/* its plan may be among them */
	rb->sent[rb->nalerts].dg = b->sent[k].dg;
	rb->sent[rb->nalerts].side = 0;
	rb->sent[rb->nalerts].side_len = 0;
	rb->nalerts++;
	sl = rb->nslices > 0 ? &rb->slices[rb->nslices - 1] : NULL;
	if (sl == NULL || sl->sub != sub || sl->first + sl->n != idx) {
		sl = &rb->slices[rb->nslices++];
		sl->sub = sub;
		sl->first = idx;
		sl->n = 0;
		sub->parts++;
	}
	sl->n++;
	return 0;
fail:
	rb->args.len = len;
	rb->noff = noff;
	return -1;
}

/*
 * After a batch's reply (parsed): remember the digest Redis now holds
 * for each firing repeat and forget the others, and send the alerts the
 * script sent back again with their content. A submit whose alert
 * cannot be resent fails (its sender is told to retry). Returns the
 * number sent back; *shorts, those sent without their content.
 */
static size_t
batch_settle(struct store *s, struct batch *b, const redisReply *r,
    size_t *shorts)
{
	struct batch	*rb = NULL;
	struct slice	*sl;
	const char	*fp, *st;
	size_t		 i, j, k = 0, flen, slen, back = 0;
	long long	 o;

	*shorts = 0;
	for (i = 0; i < b->nslices; i++) {
		sl = &b->slices[i];
		for (j = 0; j < sl->n; j++, k++) {
			o = r->element[2 * k]->integer;
			fp = alert_arg(b, k, 0, &flen);
			st = alert_arg(b, k, 1, &slen);
			if (b->sent[k].side_len > 0)
				(*shorts)++;
			if (o == STORE_DEDUP && slen > 0 && st[0] == 'f')
				seen_put(s->seen, fp, flen, b->sent[k].dg);
			else
				seen_forget(s->seen, fp, flen);
			if (o != OUTCOME_BACK)
				continue;
			back++;
			if ((rb == NULL &&
			    (rb = resend_open(s, b->now_ms)) == NULL) ||
			    resend_add(rb, b, k, sl->sub, sl->first + j) == -1)
				sl->sub->failed = 1;
		}
	}
	return back;
}

static int
batch_issue(struct store *s, struct batch *b)
{
	struct argv	  rd = { 0 };
	const char	**argv;
	size_t		 *argvlen;
	size_t		  argc, i, na;
	int		  rv;

	/* The outbox read's, after the alerts (store_first_step read()). */
	if (b->planned && s->first_step.read != NULL)
		s->first_step.read(s->first_step.arg, &rd);
	na = INGEST_HDR + b->noff - 1;
	argc = na + (rd.oom ? 0 : rd.n);
	argv = calloc(argc, sizeof(*argv));
	argvlen = calloc(argc, sizeof(*argvlen));
	if (argv == NULL || argvlen == NULL) {
		free(argv);
		free(argvlen);
		argv_free(&rd);
		return -1;
	}
	snprintf(b->hdr[0], sizeof(b->hdr[0]), "%" PRId64, b->now_ms);
	snprintf(b->hdr[1], sizeof(b->hdr[1]), "%" PRId64, s->retention_ms);
	snprintf(b->hdr[2], sizeof(b->hdr[2]), "%zu", b->nalerts);
	argv[3] = s->prefix;
	argvlen[3] = strlen(s->prefix);
	for (i = 0; i < 3; i++) {
		argv[4 + i] = b->hdr[i];
		argvlen[4 + i] = strlen(b->hdr[i]);
	}
	argv[7] = b->resend ? "1" : "0";
	argvlen[7] = 1;
	for (i = 0; i + 1 < b->noff; i++) {
		argv[INGEST_HDR + i] = b->args.p + b->off[i];
		argvlen[INGEST_HDR + i] = b->off[i + 1] - b->off[i];
	}
	for (i = na; i < argc; i++) {
		argv[i] = rd.v[i - na];
		argvlen[i] = strlen(argv[i]);
	}
	rv = script_call(s, STORE_SCRIPT_INGEST, b->evaled, batch_reply,
	    &b->cmd, (int)argc, argv, argvlen);
	free(argv);
	free(argvlen);
	argv_free(&rd);
	if (rv == 0)
		s->batches_inflight++;
	return rv;
}

static void
batch_send(struct store *s, struct batch *b)
{
	if (b->nalerts == 0) {
		/* Only empty submits (or ones that ran out of memory). */
		batch_complete(b, 1);
		return;
	}
	if (batch_issue(s, b) == -1)
		batch_complete(b, 0);
}

/*
 * The ingest reply. A NOSCRIPT means Redis lost the script (SCRIPT FLUSH,
 * a restart behind a proxy): send the batch again as EVAL, and hold back
 * new batches until every batch sent before is answered, or a batch sent
 * now with EVALSHA could run before an older one resent with EVAL, and a
 * "resolved" could overtake its "firing".
 */
static void
batch_reply(redisAsyncContext *ac, void *r, void *priv)
{
	struct batch	*b = priv;
	struct store	*s = b->cmd.s;
	redisReply	*reply = r;
	size_t		 n = b->nalerts, back, shorts;

	inflight_remove(s, &b->cmd);
	s->batches_inflight--;
	if (reply == NULL) {
		if (s->ac == ac) {
			count_error(s, "connect");
			conn_lost(s, ac_error(ac), 0);
		}
		batch_complete(b, 0);
	} else if (is_noscript(reply) && !b->evaled && s->ac == ac) {
		count_error(s, "noscript");
		if (!s->hold)
			log_warnx("redis: ingest script missing, sending "
			    "it again");
		script_reload(s, STORE_SCRIPT_INGEST);
		s->hold = 1;
		b->evaled = 1;
		if (batch_issue(s, b) == -1)
			batch_complete(b, 0);
	} else if (reply->type == REDIS_REPLY_ERROR) {
		count_error(s, "reply");
		log_warnx("redis: ingest of %zu alerts: %s", n, reply->str);
		batch_complete(b, 0);
	} else if (batch_parse(b, reply) == -1) {
		count_error(s, "reply");
		log_warnx("redis: ingest of %zu alerts: unexpected reply", n);
		batch_complete(b, 0);
	} else {
		back = batch_settle(s, b, reply, &shorts);
		first_steps_done(s, b, reply);
		count(s, "pagerd_store_commits_total", 1);
		count(s, "pagerd_store_commit_alerts_total", (double)(n - back));
		count(s, "pagerd_store_short_repeats_total", (double)shorts);
		count(s, "pagerd_store_sent_back_total", (double)back);
		batch_complete(b, 1);
		s->since_trim += n;
	}
	if (s->hold && s->batches_inflight == 0)
		s->hold = 0;
	if (!s->hold && !TAILQ_EMPTY(&s->pending))
		flush_schedule(s);
	else if (s->batches_inflight == 0 && TAILQ_EMPTY(&s->pending))
		idle_trim(s);
}

/*
 * A storm of alerts in batches has thousands of alerts in flight at
 * once (bodies, decoded alerts, script arguments: tens of MB), all
 * freed when Redis answers; glibc keeps those pages, so pagerd's RSS
 * would stay at the storm's peak although it holds no alert. When
 * nothing is in flight after TRIM_AFTER alerts, hand the free pages
 * back. Not per request: a trim walks the heap (about a millisecond
 * after a storm), and pages handed back fault in again.
 */
#define TRIM_AFTER	4096

static void
idle_trim(struct store *s)
{
	if (s->since_trim < TRIM_AFTER)
		return;
	s->since_trim = 0;
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/* At least one alert goes in a batch, however long it is. */
static int
batch_has_room(const struct batch *b)
{
	return !b->resend && b->nalerts < BATCH_MAX &&
	    b->args.len < BATCH_BYTES;
}

/* The batch the next alert goes into: the last unsent one, if not full. */
static struct batch *
batch_open(struct store *s)
{
	struct cmd	*c;
	struct batch	*b;

	c = TAILQ_LAST(&s->pending, cmdq);
	if (c != NULL && batch_has_room((struct batch *)c))
		return (struct batch *)c;
	if ((b = batch_new()) == NULL)
		return NULL;
	b->cmd.s = s;
	TAILQ_INSERT_TAIL(&s->pending, &b->cmd, entry);
	return b;
}

/* -------------------------------------------------------------- queries */

/*
 * Answer q and free it. status is an HTTP status for API reads; for
 * timer calls 200 means reply holds the script's answer, anything else
 * a failure.
 */
static void
query_answer(struct query *q, int status, const char *json, size_t len)
{
	int	i;

	switch (q->qk) {
	case Q_JSON:
		q->cb.json(q->arg, status, status == 200 ? json : NULL,
		    status == 200 ? len : 0);
		break;
	case Q_CLAIM:
		q->cb.claim(q->arg, 0, NULL, 0);
		break;
	case Q_FIRE:
		q->cb.fire(q->arg, 0, 0);
		break;
	}
	for (i = 0; i < QUERY_ARGS; i++)
		free(q->a[i]);
	free(q);
}

/* The claim script's {zset, member, x, ...} triples as timers. */
static int
claim_parse(struct query *q, const redisReply *r)
{
	struct store_timer	*v;
	const redisReply	*x;
	const char		*z, *m;
	size_t			 i, j, n;

	if (r->type != REDIS_REPLY_ARRAY || r->elements % 3 != 0)
		return -1;
	n = r->elements / 3;
	if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		x = r->element[3 * i + 2];
		if (r->element[3 * i]->type != REDIS_REPLY_STRING ||
		    r->element[3 * i + 1]->type != REDIS_REPLY_STRING) {
			free(v);
			return -1;
		}
		z = r->element[3 * i]->str;
		m = r->element[3 * i + 1]->str;
		v[i].member = m;
		v[i].kind = STORE_TIMER_UNKNOWN;
		v[i].arg = m;
		if (strcmp(z, "alerts:ends") == 0)
			v[i].kind = STORE_TIMER_ENDS;
		else if (strcmp(z, "timers") == 0 &&
		    (strncmp(m, "esc:", 4) == 0 ||
		    strncmp(m, "contact:", 8) == 0 ||
		    strncmp(m, "retry:", 6) == 0 ||
		    strncmp(m, "unack:", 6) == 0))
			v[i].kind = STORE_TIMER_ESCALATION;
		else if (strcmp(z, "timers") == 0 &&
		    strncmp(m, "notify:", 7) == 0) {
			v[i].kind = STORE_TIMER_NOTIFY;
			v[i].arg = m + 7;
		}
		if (x->type == REDIS_REPLY_INTEGER)
			v[i].result = (int)x->integer;
		else if (x->type == REDIS_REPLY_ARRAY &&
		    x->elements == STORE_ESC_FIELDS) {
			for (j = 0; j < STORE_ESC_FIELDS; j++)
				v[i].incident[j] = x->element[j]->type ==
				    REDIS_REPLY_STRING ? x->element[j]->str :
				    NULL;
			v[i].has_incident = 1;
		}
	}
	q->cb.claim(q->arg, 1, v, n);
	free(v);
	return 0;
}

/* A good reply for a query: hand it over. -1 when it is not one. */
static int
query_deliver(struct query *q, const redisReply *r)
{
	int	i;

	switch (q->qk) {
	case Q_JSON:
		if (r->type == REDIS_REPLY_NIL)
			query_answer(q, 404, NULL, 0);
		else if (r->type == REDIS_REPLY_STRING)
			query_answer(q, 200, r->str, r->len);
		else
			return -1;
		return 0;
	case Q_CLAIM:
		if (claim_parse(q, r) == -1)
			return -1;
		break;
	case Q_FIRE:
		if (r->type != REDIS_REPLY_INTEGER)
			return -1;
		q->cb.fire(q->arg, 1, r->integer != 0);
		break;
	}
	for (i = 0; i < QUERY_ARGS; i++)
		free(q->a[i]);
	free(q);
	return 0;
}

static void
query_reply(redisAsyncContext *ac, void *r, void *priv)
{
	struct query	*q = priv;
	struct store	*s = q->cmd.s;
	redisReply	*reply = r;

	inflight_remove(s, &q->cmd);
	if (reply == NULL) {
		if (s->ac == ac) {
			count_error(s, "connect");
			conn_lost(s, ac_error(ac), 0);
		}
		query_answer(q, 503, NULL, 0);
	} else if (is_noscript(reply) && !q->evaled && s->ac == ac) {
		count_error(s, "noscript");
		script_reload(s, q->script);
		q->evaled = 1;
		query_send(s, q);
	} else if (reply->type == REDIS_REPLY_ERROR ||
	    query_deliver(q, reply) == -1) {
		count_error(s, "reply");
		log_warnx("redis: %s script: %s",
		    store_scripts[q->script].name,
		    reply->type == REDIS_REPLY_ERROR ? reply->str :
		    "unexpected reply");
		query_answer(q, 503, NULL, 0);
	}
}

/*
 * Answer from the loop rather than from inside store_list_incidents()
 * or store_get_incident(), like every other answer: callers never see
 * their callback run before the call returns.
 */
static void
query_defer(struct store *s, struct query *q, int status,
    const char *canned)
{
	if (s->freeing) {
		query_answer(q, status, canned,
		    canned != NULL ? strlen(canned) : 0);
		return;
	}
	q->answer = status;
	q->canned = canned;
	TAILQ_INSERT_TAIL(&s->deferred, &q->cmd, entry);
	flush_schedule(s);
}

static void
query_send(struct store *s, struct query *q)
{
	const char	*argv[4 + QUERY_ARGS];
	size_t		 argvlen[4 + QUERY_ARGS];
	int		 i;

	if (s->state == ST_READY && !s->shutting) {
		argv[3] = s->prefix;
		argvlen[3] = strlen(s->prefix);
		for (i = 0; i < q->nargs; i++) {
			argv[4 + i] = q->a[i];
			argvlen[4 + i] = strlen(q->a[i]);
		}
		if (script_call(s, q->script, q->evaled, query_reply,
		    &q->cmd, 4 + q->nargs, argv, argvlen) == 0)
			return;
	}
	query_defer(s, q, 503, NULL);
}

/*
 * A new query of kind qk; the caller sets its callback. NULL when out of
 * memory: the caller must then answer the failure itself, at once, as
 * there is no way to defer it.
 */
static struct query *
query_new(struct store *s, enum store_script sc, enum query_kind qk,
    void *arg)
{
	struct query	*q;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->cmd.s = s;
	q->cmd.kind = CMD_QUERY;
	q->script = sc;
	q->qk = qk;
	q->arg = arg;
	return q;
}

static int	query_arg(struct query *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Append a script argument. Returns 0, or -1 when out of memory. */
static int
query_arg(struct query *q, const char *fmt, ...)
{
	va_list	 ap;
	int	 rv;

	if (q->nargs >= QUERY_ARGS)
		return -1;
	va_start(ap, fmt);
	rv = vasprintf(&q->a[q->nargs], fmt, ap);
	va_end(ap);
	if (rv == -1) {
		q->a[q->nargs] = NULL;
		return -1;
	}
	q->nargs++;
	return 0;
}

/* ---------------------------------------------------------------- flush */

static void
flush_schedule(struct store *s)
{
	struct timeval	 tv = { 0, 0 };

	if (!s->freeing && !evtimer_pending(s->ev_flush, NULL))
		evtimer_add(s->ev_flush, &tv);
}

/*
 * Shutting down: once nothing is queued or in flight, disconnect and
 * tell the caller. done() runs last and may free the store.
 */
static void
shutdown_step(struct store *s)
{
	void	(*done)(void *);

	if (s->state != ST_READY) {
		/* Setup or a retry would only delay the exit. */
		evtimer_del(s->ev_timer);
		if (s->ac != NULL) {
			s->state = ST_WAIT;
			conn_detach(s, 1);
		}
	}
	if (!TAILQ_EMPTY(&s->pending) || !TAILQ_EMPTY(&s->inflight) ||
	    !TAILQ_EMPTY(&s->deferred) || s->state == ST_CLOSED)
		return;
	evtimer_del(s->ev_timer);
	evtimer_del(s->ev_watchdog);
	conn_detach(s, 1);
	s->state = ST_CLOSED;
	set_reason(s, "shut down");
	log_debug("redis: store shut down");
	done = s->done;
	s->done = NULL;
	if (done != NULL)
		done(s->done_arg);
}

/*
 * The group commit: a zero-timeout timer, so it runs after every event
 * of the current loop iteration has been handled and all their submits
 * are in the batch. With BATCHES_INFLIGHT batches already on their way
 * (one running in Redis, one in the socket buffers) the batch waits for
 * a reply and grows meanwhile: under load the batches get bigger, not
 * more numerous, and Redis spends its time on alerts rather than on
 * script calls. An idle store sends at once.
 */
static void
flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store	*s = arg;
	struct cmd	*c;

	while ((c = TAILQ_FIRST(&s->deferred)) != NULL) {
		TAILQ_REMOVE(&s->deferred, c, entry);
		deferred_answer(c);
	}
	while (!s->hold && s->batches_inflight < BATCHES_INFLIGHT &&
	    (c = TAILQ_FIRST(&s->pending)) != NULL) {
		TAILQ_REMOVE(&s->pending, c, entry);
		batch_send(s, (struct batch *)c);
	}
	if (s->hold && !TAILQ_EMPTY(&s->pending))
		log_debug("redis: batches held until the resent ones are in");
	if (s->shutting)
		shutdown_step(s);
}

/* ------------------------------------------------ other modules' commands */

static void
raw_free(struct raw *x)
{
	int	 i;

	for (i = 0; i < x->argc; i++)
		free(x->a[i]);
	free(x->a);
	free(x->len);
	free(x);
}

/* Answer x (reply NULL: failed) and free it. */
static void
raw_answer(struct raw *x, const redisReply *reply)
{
	x->cb(x->arg, reply);
	raw_free(x);
}

static void	raw_send(struct store *, struct raw *);

static void
raw_reply(redisAsyncContext *ac, void *r, void *priv)
{
	struct raw	*x = priv;
	struct store	*s = x->cmd.s;
	redisReply	*reply = r;

	inflight_remove(s, &x->cmd);
	if (reply == NULL) {
		if (s->ac == ac) {
			count_error(s, "connect");
			conn_lost(s, ac_error(ac), 0);
		}
		raw_answer(x, NULL);
		return;
	}
	if (x->lua != NULL && is_noscript(reply) && !x->evaled &&
	    s->ac == ac) {
		count_error(s, "noscript");
		x->evaled = 1;
		raw_send(s, x);
		return;
	}
	if (reply->type == REDIS_REPLY_ERROR) {
		count_error(s, "reply");
		log_warnx("redis: %s: %s", x->lua != NULL ? x->lua->name :
		    x->a[0], reply->str);
	}
	raw_answer(x, reply);
}

/* Not sendable now: fail it from the loop, never inside the caller. */
static void
raw_defer(struct store *s, struct raw *x)
{
	if (s->freeing) {
		raw_answer(x, NULL);
		return;
	}
	TAILQ_INSERT_TAIL(&s->deferred, &x->cmd, entry);
	flush_schedule(s);
}

static void
raw_send(struct store *s, struct raw *x)
{
	const char	**argv;
	size_t		 *argvlen;
	int		  i, off = x->lua != NULL ? 3 : 0;

	if (s->ac == NULL || s->state != ST_READY) {
		raw_defer(s, x);
		return;
	}
	argv = calloc((size_t)(x->argc + off), sizeof(*argv));
	argvlen = calloc((size_t)(x->argc + off), sizeof(*argvlen));
	if (argv == NULL || argvlen == NULL) {
		free(argv);
		free(argvlen);
		raw_defer(s, x);
		return;
	}
	if (x->lua != NULL) {
		argv[0] = x->evaled ? "EVAL" : "EVALSHA";
		argv[1] = x->evaled ? x->lua->text : x->lua->sha;
		argv[2] = "0";
		for (i = 0; i < 3; i++)
			argvlen[i] = strlen(argv[i]);
	}
	for (i = 0; i < x->argc; i++) {
		argv[off + i] = x->a[i];
		argvlen[off + i] = x->len[i];
	}
	if (redisAsyncCommandArgv(s->ac, raw_reply, x, x->argc + off, argv,
	    argvlen) == REDIS_OK)
		inflight_add(s, &x->cmd);
	else
		raw_defer(s, x);
	free(argv);
	free(argvlen);
}

static struct raw *
raw_new(struct store *s, struct store_lua *lua, int argc, const char **argv,
    const size_t *argvlen, store_reply_cb *cb, void *arg)
{
	struct raw	*x;
	size_t		 n;
	int		 i;

	if (argc < (lua != NULL ? 0 : 1) || (x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->cmd.s = s;
	x->cmd.kind = CMD_RAW;
	x->cb = cb;
	x->arg = arg;
	x->lua = lua;
	if (argc > 0 && ((x->a = calloc((size_t)argc, sizeof(*x->a))) ==
	    NULL || (x->len = calloc((size_t)argc, sizeof(*x->len))) ==
	    NULL)) {
		raw_free(x);
		return NULL;
	}
	for (i = 0; i < argc; i++) {
		n = argvlen != NULL ? argvlen[i] : strlen(argv[i]);
		if ((x->a[i] = malloc(n + 1)) == NULL) {
			raw_free(x);
			return NULL;
		}
		memcpy(x->a[i], argv[i], n);
		x->a[i][n] = '\0';
		x->len[i] = n;
		x->argc = i + 1;
	}
	x->argc = argc;
	return x;
}

int
store_command(struct store *s, int argc, const char **argv,
    const size_t *argvlen, store_reply_cb *cb, void *arg)
{
	struct raw	*x;

	if ((x = raw_new(s, NULL, argc, argv, argvlen, cb, arg)) == NULL)
		return -1;
	raw_send(s, x);
	return 0;
}

/* The SCRIPT LOAD ahead of a script's first call: its reply says nothing. */
static void
loaded(void *arg, const redisReply *r)
{
	(void)arg;
	(void)r;
}

int
store_eval(struct store *s, struct store_lua *lua, int argc,
    const char **argv, const size_t *argvlen, store_reply_cb *cb, void *arg)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[SHA_DIGEST_LENGTH];
	const char		*load[3] = { "SCRIPT", "LOAD", lua->text };
	struct raw		*x;
	int			 i;

	if (lua->sha[0] == '\0') {
		SHA1((const unsigned char *)lua->text, strlen(lua->text), md);
		for (i = 0; i < SHA_DIGEST_LENGTH; i++) {
			lua->sha[2 * i] = hex[md[i] >> 4];
			lua->sha[2 * i + 1] = hex[md[i] & 15];
		}
		lua->sha[40] = '\0';
		/*
		 * Its first call in this process: load it just ahead, on
		 * the same connection, so that the EVALSHA finds it. Else
		 * every call sent before the first NOSCRIPT came back (a
		 * burst of new incidents after a start) would go twice,
		 * the second time with the whole text, and count as a
		 * Redis error. (A Redis that lost its scripts since is
		 * answered with EVAL, as before.)
		 */
		if ((x = raw_new(s, NULL, 3, load, NULL, loaded, NULL)) != NULL)
			raw_send(s, x);
	}
	if ((x = raw_new(s, lua, argc, argv, argvlen, cb, arg)) == NULL)
		return -1;
	raw_send(s, x);
	return 0;
}

const char *
store_prefix(const struct store *s)
{
	return s->prefix != NULL ? s->prefix : "";
}

/* Fail a deferred entry of the queue: a query or another module's. */
static void
deferred_answer(struct cmd *c)
{
	struct query	*q;

	if (c->kind == CMD_RAW) {
		raw_answer((struct raw *)c, NULL);
		return;
	}
	q = (struct query *)c;
	query_answer(q, q->answer, q->canned,
	    q->canned != NULL ? strlen(q->canned) : 0);
}

/* ------------------------------------------------------------- public */

struct store *
store_new(struct event_base *base, struct metrics *metrics, const char *name)
{
	struct store	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->base = base;
	s->metrics = metrics;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->state = ST_IDLE;
	s->backoff_ms = BACKOFF_MIN_MS;
	s->reconnect_max_ms = 5000;
	TAILQ_INIT(&s->inflight);
	TAILQ_INIT(&s->pending);
	TAILQ_INIT(&s->deferred);
	set_reason(s, "not configured");
	s->ev_timer = evtimer_new(base, timer_cb, s);
	s->ev_watchdog = evtimer_new(base, watchdog_cb, s);
	s->ev_flush = evtimer_new(base, flush_cb, s);
	s->seen = seen_new(SEEN_SLOTS);
	if (s->ev_timer == NULL || s->ev_watchdog == NULL ||
	    s->ev_flush == NULL || s->seen == NULL) {
		store_free(s);
		return NULL;
	}
	if (metrics != NULL) {
		metrics_declare(metrics, "pagerd_redis_reconnects_total",
		    METRIC_COUNTER, "Connection attempts after the first");
		metrics_declare(metrics, "pagerd_redis_errors_total",
		    METRIC_COUNTER, "Redis errors by kind "
		    "(connect, reply, timeout, noscript)");
		metrics_declare(metrics, "pagerd_store_commits_total",
		    METRIC_COUNTER, "Ingest script calls that succeeded");
		metrics_declare(metrics, "pagerd_store_commit_alerts_total",
		    METRIC_COUNTER, "Alerts written by those calls");
		metrics_declare(metrics, "pagerd_store_short_repeats_total",
		    METRIC_COUNTER, "Repeats sent without their content: "
		    "Redis held the same");
		metrics_declare(metrics, "pagerd_store_sent_back_total",
		    METRIC_COUNTER, "Alerts the ingest script sent back for "
		    "their content, sent again with it");
	}
	return s;
}

/* "unix:/path", "host:port" or "[v6addr]:port". */
static int
parse_address(const char *addr, char **host, int *port, char **path)
{
	const char	*colon, *h = addr;
	size_t		 hlen;
	char		*end;
	long		 p;

	*host = *path = NULL;
	*port = 0;
	if (strncmp(addr, "unix:", 5) == 0) {
		if (addr[5] == '\0')
			return -1;
		return (*path = strdup(addr + 5)) == NULL ? -1 : 0;
	}
	if ((colon = strrchr(addr, ':')) == NULL || colon == addr)
		return -1;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == colon + 1 || p < 1 ||
	    p > 65535)
		return -1;
	hlen = colon - addr;
	if (h[0] == '[') {
		if (hlen < 3 || h[hlen - 1] != ']')
			return -1;
		h++;
		hlen -= 2;
	}
	if ((*host = strndup(h, hlen)) == NULL)
		return -1;
	*port = (int)p;
	return 0;
}

static int
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
store_configure(struct store *s, const struct store_settings *set)
{
	char	*address = NULL, *password = NULL, *prefix = NULL;
	char	*host, *path;
	int	 port, changed;

	if (set == NULL || set->address == NULL ||
	    parse_address(set->address, &host, &port, &path) == -1) {
		log_warnx("redis: bad address \"%s\": want unix:/path or "
		    "host:port", set && set->address ? set->address : "");
		return -1;
	}
	address = strdup(set->address);
	if (set->password != NULL && set->password[0] != '\0')
		password = strdup(set->password);
	prefix = strdup(set->prefix != NULL ? set->prefix : "");
	if (address == NULL || prefix == NULL ||
	    (password == NULL && set->password != NULL &&
	    set->password[0] != '\0')) {
		free(address);
		free(password);
		free(prefix);
		free(host);
		free(path);
		return -1;
	}
	changed = !streq(s->address, address) ||
	    !streq(s->password, password) || s->db != set->db;

	free(s->address);
	free(s->password);
	free(s->prefix);
	free(s->host);
	free(s->path);
	s->address = address;
	s->password = password;
	s->prefix = prefix;
	s->host = host;
	s->port = port;
	s->path = path;
	s->db = set->db;
	s->connect_timeout_ms = set->connect_timeout_ms;
	s->reconnect_max_ms = set->reconnect_max_ms;
	if (s->reconnect_max_ms < BACKOFF_MIN_MS)
		s->reconnect_max_ms = BACKOFF_MIN_MS;
	if (s->backoff_ms > s->reconnect_max_ms)
		s->backoff_ms = s->reconnect_max_ms;
	s->command_timeout_ms = set->command_timeout_ms;
	s->retention_ms = set->retention_ms;

	if (!changed || s->shutting || s->state == ST_CLOSED)
		return 0;
	if (s->state != ST_IDLE) {
		log_info("redis: now %s, reconnecting", s->address);
		conn_drop(s);
	}
	s->backoff_ms = BACKOFF_MIN_MS;
	s->failing = 0;
	conn_start(s);
	return 0;
}

int
store_ready(const struct store *s)
{
	return s->state == ST_READY && !s->shutting;
}

int
store_peer(const struct store *s, pid_t *pid, uid_t *uid)
{
	struct ucred	 cr;
	socklen_t	 len = sizeof(cr);

	if (s->path == NULL || s->state != ST_READY || s->ac == NULL ||
	    getsockopt(s->ac->c.fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) ==
	    -1 || cr.pid <= 0)
		return -1;
	*pid = cr.pid;
	*uid = cr.uid;
	return 0;
}

const char *
store_reason(const struct store *s)
{
	if (s->shutting && s->state != ST_CLOSED)
		return "shutting down";
	return s->reason;
}

int
store_submit(struct store *s, const struct alert *alerts, size_t n,
    int64_t now_ms, store_submit_cb *cb, void *arg)
{
	struct submit	*sub;
	struct batch	*b;
	struct slice	*sl;
	size_t		 i = 0;

	if (!store_ready(s) ||
	    n > (SIZE_MAX - sizeof(*sub)) / sizeof(sub->res[0]))
		return -1;
	if ((sub = calloc(1, sizeof(*sub) + n * sizeof(sub->res[0]))) == NULL)
		return -1;
	sub->cb = cb;
	sub->arg = arg;
	sub->n = n;
	/*
	 * Beyond BATCH_MAX alerts or BATCH_BYTES the submit is split over
	 * script calls.
	 */
	do {
		if ((b = batch_open(s)) == NULL ||
		    (sl = grow(b->slices, &b->slicecap, b->nslices + 1,
		    sizeof(*b->slices))) == NULL) {
			if (sub->parts == 0) {
				free(sub);
				return -1;
			}
			sub->failed = 1;
			break;
		}
		b->slices = sl;
		sl = &b->slices[b->nslices++];
		sl->sub = sub;
		sl->first = i;
		sl->n = 0;
		sub->parts++;
		if (now_ms > b->now_ms)
			b->now_ms = now_ms;
		for (; i < n && batch_has_room(b); i++, sl->n++)
			if (batch_add_alert(s, b, &alerts[i]) == -1) {
				/* Answered ok = 0 with its batch. */
				sub->failed = 1;
				i = n;
				break;
			}
	} while (i < n);
	flush_schedule(s);
	return 0;
}

void
store_set_first_step(struct store *s, const struct store_first_step *fs)
{
	if (fs != NULL)
		s->first_step = *fs;
	else
		memset(&s->first_step, 0, sizeof(s->first_step));
}

void
store_list_incidents(struct store *s, const char *status, long limit,
    store_json_cb *cb, void *arg)
{
	struct query	*q;

	if ((q = query_new(s, STORE_SCRIPT_LIST, Q_JSON, arg)) == NULL) {
		cb(arg, 503, NULL, 0);
		return;
	}
	q->cb.json = cb;
	if (status != NULL && strcmp(status, "triggered") != 0 &&
	    strcmp(status, "resolved") != 0) {
		/* No incident has that status; never build a key from it. */
		query_defer(s, q, 200, "{\"incidents\":[]}");
		return;
	}
	if (limit < 1)
		limit = 1;
	if (limit > LIST_LIMIT_MAX)
		limit = LIST_LIMIT_MAX;
	if (query_arg(q, "%s", status ? status : "") == -1 ||
	    query_arg(q, "%ld", limit) == -1) {
		query_defer(s, q, 503, NULL);
		return;
	}
	query_send(s, q);
}

void
store_get_incident(struct store *s, long long id, store_json_cb *cb,
    void *arg)
{
	struct query	*q;

	if ((q = query_new(s, STORE_SCRIPT_GET, Q_JSON, arg)) == NULL) {
		cb(arg, 503, NULL, 0);
		return;
	}
	q->cb.json = cb;
	if (id <= 0) {
		query_defer(s, q, 404, NULL);
		return;
	}
	if (query_arg(q, "%lld", id) == -1) {
		query_defer(s, q, 503, NULL);
		return;
	}
	query_send(s, q);
}

/*
 * The services in maintenance as one script argument, {"db": ["owner",
 * "until_ms"], ...}: a JSON object because their number has no bound
 * and owners may hold any character. until is a string so that Lua's
 * number formatting cannot turn it into "1.76e+12". None: "".
 */
static int
maint_arg(struct query *q, const struct store_maint *maint, size_t n)
{
	json_t	*o, *e;
	char	*text, until[24];
	size_t	 i;
	int	 rv = -1;

	if (n == 0)
		return query_arg(q, "%s", "");
	if ((o = json_object()) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		snprintf(until, sizeof(until), "%" PRId64, maint[i].until_ms);
		if ((e = json_pack("[ss]", maint[i].owner, until)) == NULL ||
		    json_object_set_new(o, maint[i].service, e) == -1)
			goto out;
	}
	if ((text = json_dumps(o, JSON_COMPACT)) == NULL)
		goto out;
	rv = query_arg(q, "%s", text);
	free(text);
out:
	json_decref(o);
	return rv;
}

void
store_claim_timers(struct store *s, int64_t now_ms, int64_t lease_ms,
    size_t max, const struct store_maint *maint, size_t n_maint,
    store_claim_cb *cb, void *arg)
{
	struct query	*q;

	if ((q = query_new(s, STORE_SCRIPT_CLAIM, Q_CLAIM, arg)) == NULL) {
		cb(arg, 0, NULL, 0);
		return;
	}
	q->cb.claim = cb;
	if (query_arg(q, "%" PRId64, now_ms) == -1 ||
	    query_arg(q, "%" PRId64, lease_ms) == -1 ||
	    query_arg(q, "%zu", max) == -1 ||
	    maint_arg(q, maint, n_maint) == -1) {
		query_defer(s, q, 503, NULL);
		return;
	}
	query_send(s, q);
}

void
store_fire_timer(struct store *s, const struct store_timer *t,
    int64_t now_ms, store_fire_cb *cb, void *arg)
{
	struct query	*q;

	if ((q = query_new(s, STORE_SCRIPT_FIRE_ENDS, Q_FIRE, arg)) == NULL) {
		cb(arg, 0, 0);
		return;
	}
	q->cb.fire = cb;
	/* Only ENDS is fired apart; NOTIFY is the claim's. */
	if (t->kind != STORE_TIMER_ENDS ||
	    query_arg(q, "%" PRId64, now_ms) == -1 ||
	    query_arg(q, "%" PRId64, s->retention_ms) == -1 ||
	    query_arg(q, "%s", t->arg) == -1) {
		query_defer(s, q, 503, NULL);
		return;
	}
	query_send(s, q);
}

/* -------------------------------------------------------------- silences */

/* A silence script with its arguments; answered through cb as JSON. */
static void
silence_query(struct store *s, enum store_script sc, store_json_cb *cb,
    void *arg, int nargs, const char **args)
{
	struct query	*q;
	int		 i;

	if ((q = query_new(s, sc, Q_JSON, arg)) == NULL) {
		cb(arg, 503, NULL, 0);
		return;
	}
	q->cb.json = cb;
	for (i = 0; i < nargs; i++)
		if (query_arg(q, "%s", args[i] != NULL ? args[i] : "") == -1) {
			query_defer(s, q, 503, NULL);
			return;
		}
	query_send(s, q);
}

void
store_silence_add(struct store *s, int64_t now_ms, int64_t starts_at_ms,
    int64_t ends_at_ms, const char *created_by, const char *comment,
    const char *matchers_json, store_json_cb *cb, void *arg)
{
	char		 num[3][24];
	const char	*a[6] = { num[0], num[1], num[2], created_by, comment,
			    matchers_json };

	snprintf(num[0], sizeof(num[0]), "%" PRId64, now_ms);
	snprintf(num[1], sizeof(num[1]), "%" PRId64, starts_at_ms);
	snprintf(num[2], sizeof(num[2]), "%" PRId64, ends_at_ms);
	silence_query(s, STORE_SCRIPT_SILENCE_ADD, cb, arg, 6, a);
}

void
store_silence_list(struct store *s, int64_t now_ms, int all,
    const char *known_version, store_json_cb *cb, void *arg)
{
	char		 num[24];
	const char	*a[3] = { num, all ? "1" : "0", known_version };

	snprintf(num, sizeof(num), "%" PRId64, now_ms);
	silence_query(s, STORE_SCRIPT_SILENCE_LIST, cb, arg, 3, a);
}

void
store_silence_get(struct store *s, const char *id, store_json_cb *cb,
    void *arg)
{
	const char	*a[1] = { id };

	silence_query(s, STORE_SCRIPT_SILENCE_GET, cb, arg, 1, a);
}

void
store_silence_expire(struct store *s, int64_t now_ms, const char *id,
    store_json_cb *cb, void *arg)
{
	char		 num[24];
	const char	*a[2] = { num, id };

	snprintf(num, sizeof(num), "%" PRId64, now_ms);
	silence_query(s, STORE_SCRIPT_SILENCE_EXPIRE, cb, arg, 2, a);
}

void
store_ack_alert(struct store *s, int64_t now_ms, const char *fingerprint,
    const char *by, store_json_cb *cb, void *arg)
{
	char		 num[24];
	const char	*a[3] = { num, fingerprint, by };

	snprintf(num, sizeof(num), "%" PRId64, now_ms);
	silence_query(s, STORE_SCRIPT_ACK_ALERT, cb, arg, 3, a);
}

void
store_shutdown(struct store *s, void (*done)(void *), void *arg)
{
	s->shutting = 1;
	s->done = done;
	s->done_arg = arg;
	flush_schedule(s);
}

/*
 * Not from inside a store callback: the context hiredis is running the
 * callback for would be freed under it.
 */
void
store_free(struct store *s)
{
	struct cmd	*c;

	if (s == NULL)
		return;
	s->freeing = 1;
	s->shutting = 1;
	s->state = ST_CLOSED;
	if (s->ev_timer != NULL)
		evtimer_del(s->ev_timer);
	if (s->ev_flush != NULL)
		evtimer_del(s->ev_flush);
	/* In-flight callbacks get NULL replies: ok = 0 and 503. */
	conn_detach(s, 1);
	while ((c = TAILQ_FIRST(&s->pending)) != NULL) {
		TAILQ_REMOVE(&s->pending, c, entry);
		batch_complete((struct batch *)c, 0);
	}
	while ((c = TAILQ_FIRST(&s->deferred)) != NULL) {
		TAILQ_REMOVE(&s->deferred, c, entry);
		deferred_answer(c);
	}
	if (s->ev_timer != NULL)
		event_free(s->ev_timer);
	if (s->ev_watchdog != NULL)
		event_free(s->ev_watchdog);
	if (s->ev_flush != NULL)
		event_free(s->ev_flush);
	seen_free(s->seen);
	free(s->address);
	free(s->password);
	free(s->prefix);
	free(s->host);
	free(s->path);
	free(s);
}
