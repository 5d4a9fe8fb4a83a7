/*
 * daemon/outbox.c — send what the escalation engine queued (outbox.h).
 * One read cycle at a time: one script reads (or takes over) up to a
 * batch and drops the entries that no longer matter (escalation_lua.c
 * "outbox read"); start the sends of the rest. Each send's result is
 * written back by its own script ("outbox done"), which acks and
 * deletes the entry.
 */
#include "autoconf.h"

#include <sys/queue.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <openssl/rand.h>

#include "argv.h"
#include "backoff.h"
#include "config.h"
#include "escalation_lua.h"
#include "log.h"
#include "metrics.h"
#include "notifier_host.h"
#include "outbox.h"
#include "pagerd.h"
#include "rota.h"
#include "store.h"

#define OUTBOX_POLL_MS		100
#define OUTBOX_CLAIM_MS		5000	/* take-over and gauge period */
/*
 * How long an entry stays with a consumer before another takes it: a
 * send may take the host's 60 s cap, so a live instance is never robbed.
 */
#define OUTBOX_IDLE_MS		90000
#define OUTBOX_BATCH		64
#define OUTBOX_MAX_ATTEMPTS	8
#define OUTBOX_BACKOFF_BASE_MS	2000
#define OUTBOX_BACKOFF_CAP_MS	300000

struct entry {
	TAILQ_ENTRY(entry)	 link;
	struct outbox		*ob;
	char			*eid;
	struct argv		 kv;		/* field, value, ... as read */
	char			*title, *summary, *severity, *status;
	char			*service;
	int			 sending;
};
TAILQ_HEAD(entries, entry);

struct outbox {
	struct pagerd	*pd;
	struct event	*ev;
	char		 consumer[128];
	int64_t		 last_claim;
	int		 group_ok;
	int		 busy;		/* a read cycle is in flight */
	int		 kicked;
	int		 stopped;
	struct entries	 flight;	/* being sent */
};

static void	tick(evutil_socket_t, short, void *);

static void
arm(struct outbox *ob, int64_t ms)
{
	struct timeval	 tv = { 0, (suseconds_t)ms * 1000 };

	if (!ob->stopped)
		evtimer_add(ob->ev, &tv);
}

static void
cycle_done(struct outbox *ob, int full)
{
	ob->busy = 0;
	arm(ob, full || ob->kicked ? 0 : OUTBOX_POLL_MS);
	ob->kicked = 0;
}

static const char *
field(const struct entry *en, const char *name)
{
	size_t	 i;

	for (i = 0; i + 1 < en->kv.n; i += 2)
		if (strcmp(en->kv.v[i], name) == 0)
			return en->kv.v[i + 1];
	return NULL;
}

static void
entry_free(struct entry *en)
{
	argv_free(&en->kv);
	free(en->eid);
	free(en->title);
	free(en->summary);
	free(en->severity);
	free(en->status);
	free(en->service);
	free(en);
}

/* ------------------------------------------------------------ results */

static void
recorded(void *arg, const redisReply *r)
{
	struct entry	*en = arg;

	if (r == NULL || r->type == REDIS_REPLY_ERROR)
		log_warnx("outbox: %s: result not recorded; the entry will be "
		    "taken over and sent again", en->eid);
	TAILQ_REMOVE(&en->ob->flight, en, link);
	entry_free(en);
}

static uint64_t
rnd64(void)
{
	uint64_t	 v = 0;

	if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
		v = (uint64_t)pagerd_now_ms() * 0x9e3779b97f4a7c15ULL;
	return v;
}

static void
sent(void *arg, const struct pagerd_notify_status *st)
{
	static const char *const res[] = { "delivered", "retry", "failed" };
	struct entry	*en = arg;
	struct outbox	*ob = en->ob;
	struct argv	 a = { 0 };
	const char	*nt = field(en, "notifier");
	const char	*kv[4] = { "notifier", nt, "result", NULL };
	const char	*reason = st->reason ? st->reason : "";
	char		 why[320];
	int64_t		 now = pagerd_now_ms(), wait;
	int		 attempt = atoi(field(en, "attempt") ?
			    field(en, "attempt") : "1");
	int		 result = st->result;
	size_t		 i;

	if (result == PAGERD_NOTIFY_RETRY && attempt >= OUTBOX_MAX_ATTEMPTS) {
		snprintf(why, sizeof(why), "gave up after %d attempts: %s",
		    attempt, reason);
		reason = why;
		result = PAGERD_NOTIFY_PERMANENT;
	}
	wait = backoff_delay_ms(OUTBOX_BACKOFF_BASE_MS, OUTBOX_BACKOFF_CAP_MS,
	    attempt, rnd64());
	if (st->retry_after_s > 0 &&
	    (int64_t)st->retry_after_s * 1000 > wait)
		wait = (int64_t)st->retry_after_s * 1000;
	kv[3] = res[result];
	metrics_add(ob->pd->metrics, "pagerd_pages_total", 1, 2, kv);
	argv_str(&a, store_prefix(ob->pd->page_store));
	argv_add(&a, "%" PRId64, now);
	argv_str(&a, en->eid);
	argv_str(&a, res[result]);
	argv_add(&a, "%" PRId64, now + wait);
	argv_str(&a, reason);
	argv_str(&a, st->provider_id);
	for (i = 0; i + 1 < en->kv.n; i += 2) {
		argv_str(&a, en->kv.v[i]);
		if (result == PAGERD_NOTIFY_RETRY &&
		    strcmp(en->kv.v[i], "attempt") == 0)
			argv_add(&a, "%d", attempt + 1);
		else
			argv_str(&a, en->kv.v[i + 1]);
	}
	log_info("outbox: %s%s to %s via %s: %s%s%s",
	    field(en, "incident") ? "incident " : "information",
	    field(en, "incident") ? field(en, "incident") : "",
	    field(en, "person"), nt, res[result], *reason ? ": " : "",
	    reason);
	if (!a.oom && store_eval(ob->pd->page_store, &esc_lua_done, (int)a.n,
	    (const char **)a.v, NULL, recorded, en) == 0) {
		argv_free(&a);
		return;
	}
	argv_free(&a);
	recorded(en, NULL);
}

/* ------------------------------------------------------------ sending */

static void
send_one(struct outbox *ob, struct entry *en)
{
	const struct config		*cfg = ob->pd->cfg;
	const struct rota_person	*who = NULL;
	struct pagerd_notification	 n;
	struct pagerd_notify_status	 st;
	const char			*code = field(en, "reply_code");
	const char			*attempt = field(en, "attempt");
	const char			*inc = field(en, "incident");
	char				*url = NULL, why[160];

	if (cfg->rotas != NULL)
		who = rota_set_person(cfg->rotas, rota_set_person_index(
		    cfg->rotas, field(en, "person")));
	memset(&n, 0, sizeof(n));
	/* No incident: escalation_inform()'s, for information only. */
	n.kind = inc ? PAGERD_NOTIFY_PAGE : PAGERD_NOTIFY_UPDATE;
	n.incident_id = inc ? atoll(inc) : 0;
	n.severity = en->severity;
	n.title = inc || field(en, "title") == NULL ? en->title :
	    field(en, "title");
	n.summary = en->summary;
	n.status = en->status;
	n.recipient.id = field(en, "person");
	n.recipient.name = who != NULL && who->name != NULL ? who->name :
	    n.recipient.id;
	n.recipient.address = field(en, "address");
	n.reply_code = code ? atoi(code) : 0;
	n.idempotency_key = field(en, "idem");
	n.attempt = attempt ? atoi(attempt) : 1;
	n.service = en->service[0] ? en->service : NULL;
	if (inc != NULL && cfg->http_public_url != NULL && asprintf(&url,
	    "%s/api/v1/incidents/%s", cfg->http_public_url, inc) != -1)
		n.url = url;
	en->sending = 1;
	if (n.recipient.id == NULL || n.recipient.address == NULL ||
	    field(en, "notifier") == NULL || n.idempotency_key == NULL ||
	    notifier_send(ob->pd->notifiers, field(en, "notifier"), &n, sent,
	    en) == -1) {
		snprintf(why, sizeof(why), "no notifier \"%s\" configured",
		    field(en, "notifier") ? field(en, "notifier") : "");
		memset(&st, 0, sizeof(st));
		st.result = PAGERD_NOTIFY_PERMANENT;
		st.reason = why;
		sent(en, &st);
	}
	free(url);
}

static char *
dup_str(const redisReply *r)
{
	return strdup(r != NULL && r->type == REDIS_REPLY_STRING ? r->str :
	    "");
}

static int
in_flight(const struct outbox *ob, const char *eid)
{
	const struct entry	*en;

	TAILQ_FOREACH(en, &ob->flight, link)
		if (strcmp(en->eid, eid) == 0)
			return 1;
	return 0;
}

/*
 * One {stream id, {field, value, ...}, info} of the read script into a
 * new entry (NULL: dropped by the script, ours already, or out of
 * memory; an entry left so stays pending and is taken over).
 */
static struct entry *
entry_of(struct outbox *ob, const redisReply *it)
{
	const redisReply	*kv, *info;
	struct entry		*en;
	size_t			 j;

	if (it->type != REDIS_REPLY_ARRAY || it->elements != 3 ||
	    it->element[0]->type != REDIS_REPLY_STRING ||
	    (kv = it->element[1])->type != REDIS_REPLY_ARRAY ||
	    (info = it->element[2])->type != REDIS_REPLY_ARRAY ||
	    info->elements != 5 || in_flight(ob, it->element[0]->str))
		return NULL;
	if ((en = calloc(1, sizeof(*en))) == NULL)
		return NULL;
	en->ob = ob;
	en->eid = strdup(it->element[0]->str);
	for (j = 0; j < kv->elements; j++)
		argv_str(&en->kv, kv->element[j]->type == REDIS_REPLY_STRING ?
		    kv->element[j]->str : "");
	en->title = dup_str(info->element[0]);
	en->summary = dup_str(info->element[1]);
	en->severity = dup_str(info->element[2]);
	en->status = dup_str(info->element[3]);
	en->service = dup_str(info->element[4]);
	if (en->eid == NULL || en->kv.oom || en->title == NULL ||
	    en->summary == NULL || en->severity == NULL ||
	    en->status == NULL || en->service == NULL) {
		entry_free(en);
		return NULL;
	}
	return en;
}

/* The read script's answer (an array): send what still matters. */
static size_t
send_read(struct outbox *ob, const redisReply *r)
{
	struct entry	*en;
	size_t		 i;

	for (i = 0; i < r->elements; i++) {
		if ((en = entry_of(ob, r->element[i])) == NULL)
			continue;
		TAILQ_INSERT_TAIL(&ob->flight, en, link);
		send_one(ob, en);
	}
	/* The pages leave now, not after what else this loop turn does. */
	notifier_host_run(ob->pd->notifiers);
	return r->elements;
}

static void
read_done(void *arg, const redisReply *r)
{
	struct outbox	*ob = arg;
	size_t		 n = 0;

	if (r != NULL && r->type == REDIS_REPLY_ERROR &&
	    strncmp(r->str, "NOGROUP", 7) == 0)
		ob->group_ok = 0;	/* the stream went away (FLUSHALL) */
	if (r != NULL && r->type == REDIS_REPLY_ARRAY)
		n = send_read(ob, r);
	cycle_done(ob, n >= OUTBOX_BATCH);
}

void
outbox_take(struct outbox *ob, const redisReply *r)
{
	if (ob == NULL)
		return;
	/* A full batch may have left more behind. */
	if (r == NULL || r->type != REDIS_REPLY_ARRAY ||
	    send_read(ob, r) >= OUTBOX_BATCH)
		outbox_kick(ob);
}

static void
grouped(void *arg, const redisReply *r)
{
	struct outbox	*ob = arg;

	if (r != NULL && r->type == REDIS_REPLY_INTEGER) {
		ob->group_ok = 1;
		metrics_set(ob->pd->metrics, "pagerd_outbox_pending",
		    (double)r->integer, 0, NULL);
	}
	cycle_done(ob, r != NULL && r->type == REDIS_REPLY_INTEGER);
}

/*
 * The read script's arguments from the third on: idle_ms 0 reads new
 * entries, else takes over those a dead instance left pending that long.
 */
static void
read_tail(const struct outbox *ob, struct argv *a, int idle_ms)
{
	const struct config	*cfg = ob->pd->cfg;
	size_t			 i;

	argv_str(a, ob->consumer);
	argv_add(a, "%d", OUTBOX_BATCH);
	argv_add(a, "%d", idle_ms);
	for (i = 0; i < cfg->n_notifiers; i++)
		if (cfg->notifiers[i].address == CONFIG_ADDRESS_PHONE)
			argv_str(a, cfg->notifiers[i].name);
}

static void
read_args(struct outbox *ob, struct argv *a, int64_t now, int idle_ms)
{
	argv_str(a, store_prefix(ob->pd->page_store));
	argv_add(a, "%" PRId64, now);
	read_tail(ob, a, idle_ms);
}

void
outbox_read_args(const struct outbox *ob, struct argv *a)
{
	if (ob != NULL && !ob->stopped)
		read_tail(ob, a, 0);
}

static void
tick(evutil_socket_t fd, short what, void *arg)
{
	struct outbox	*ob = arg;
	struct argv	 a = { 0 };
	int64_t		 now = pagerd_now_ms();
	int		 rv;

	if (ob->stopped || ob->busy)
		return;
	if (!store_ready(ob->pd->page_store)) {
		arm(ob, OUTBOX_POLL_MS);
		return;
	}
	ob->busy = 1;
	if (!ob->group_ok) {
		argv_str(&a, store_prefix(ob->pd->page_store));
		argv_add(&a, "%" PRId64, now);
		rv = a.oom ? -1 : store_eval(ob->pd->page_store, &esc_lua_group,
		    (int)a.n, (const char **)a.v, NULL, grouped, ob);
		argv_free(&a);
		if (rv == -1)
			cycle_done(ob, 0);
		return;
	}
	if (now - ob->last_claim >= OUTBOX_CLAIM_MS) {
		/* Take over what a dead instance left pending. */
		ob->last_claim = now;
		read_args(ob, &a, now, OUTBOX_IDLE_MS);
		/*
		 * And the group, again: Redis may have lost it. At once,
		 * then the read: a kick may have brought us here, and a
		 * page must not wait a poll for it.
		 */
		ob->group_ok = 0;
		ob->kicked = 1;
	} else
		read_args(ob, &a, now, 0);
	rv = a.oom ? -1 : store_eval(ob->pd->page_store, &esc_lua_read,
	    (int)a.n, (const char **)a.v, NULL, read_done, ob);
	argv_free(&a);
	if (rv == -1)
		cycle_done(ob, 0);
}

void
outbox_kick(struct outbox *ob)
{
	if (ob == NULL || ob->stopped)
		return;
	if (ob->busy)
		ob->kicked = 1;
	else
		arm(ob, 0);
}

struct outbox *
outbox_start(struct pagerd *pd)
{
	struct outbox	*ob;
	char		 host[64];

	if ((ob = calloc(1, sizeof(*ob))) == NULL)
		return NULL;
	ob->pd = pd;
	TAILQ_INIT(&ob->flight);
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "pagerd");
	host[sizeof(host) - 1] = '\0';
	snprintf(ob->consumer, sizeof(ob->consumer), "%s:%ld", host,
	    (long)getpid());
	if ((ob->ev = evtimer_new(pd->base, tick, ob)) == NULL) {
		free(ob);
		return NULL;
	}
	metrics_declare(pd->metrics, "pagerd_pages_total", METRIC_COUNTER,
	    "Notification attempts, by notifier instance and result "
	    "(delivered, retry, failed)");
	metrics_declare(pd->metrics, "pagerd_outbox_pending", METRIC_GAUGE,
	    "Notifications queued in the outbox and not yet done (all "
	    "instances), as of the last check (every 5 s)");
	arm(ob, 0);
	return ob;
}

void
outbox_stop(struct outbox *ob)
{
	if (ob == NULL)
		return;
	ob->stopped = 1;
	evtimer_del(ob->ev);
}

void
outbox_free(struct outbox *ob)
{
	struct entry	*en;

	if (ob == NULL)
		return;
	while ((en = TAILQ_FIRST(&ob->flight)) != NULL) {
		TAILQ_REMOVE(&ob->flight, en, link);
		entry_free(en);
	}
	event_free(ob->ev);
	free(ob);
}
