/*
 * daemon/replies.c — the SMS reply handler (see replies.h): one job per
 * reply, moved along by Redis and escalation callbacks, answered once.
 * The texts are lib/reply_answer.c's; what an ack does is the engine's.
 */
#include "autoconf.h"

#include <sys/queue.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "config.h"
#include "escalation.h"
#include "log.h"
#include "metrics.h"
#include "notifier_host.h"
#include "overrides.h"
#include "pagerd.h"
#include "replies.h"
#include "reply.h"
#include "reply_answer.h"
#include "store.h"

#define DEDUP_TTL_S		"86400"
/*
 * How long a claim lasts before the answer replaces it. Acting takes
 * milliseconds; a pagerd that dies in between must not make the
 * provider's retry a no-op for a day (an ack lost), so the claim lapses.
 */
#define CLAIM_TTL_S		"15"
#define MSGID_MAX		64	/* Twilio's are 34 */
#define DUP_POLL_MS		250	/* a retry waits for the first... */
#define DUP_POLLS		12	/* ... this many times */
#define ALL_MAX			50	/* "aa" acts on at most this many */
#define OPTOUT_LOG_MAX		"1000"

struct replies {
	struct pagerd		*pd;
	TAILQ_HEAD(, job)	 jobs;
	int			 stopped;
};

struct job {
	TAILQ_ENTRY(job)	 entry;
	struct replies		*rp;
	pagerd_reply_cb		*cb;
	void			*cbarg;
	struct event		*ev;		/* deliver, or poll a dup */

	char			 instance[64];
	char			 via[32];
	char			 masked[REPLY_MASK_SIZE];
	char			 person[64];
	char			 phone[40];	/* as configured */
	char			 msgid[MSGID_MAX + 1]; /* "" = none */
	struct reply		 r;
	int			 understood;
	int			 owns_key;	/* we set P reply:MSGID */
	int			 polls;

	long long		 ids[ALL_MAX];	/* incidents to act on */
	char			 status[ALL_MAX][16];
	size_t			 nids, next;
	long long		 done[ALL_MAX];
	size_t			 ndone, nalready, nfailed;

	const char		*result;	/* the metric's label */
	int			 has_answer;
	char			 answer[REPLY_ANSWER_SIZE];
};

/*
 * ARGV: prefix, person id, what: a code, "0" (the latest open page) or
 * "all" (every open page, newest first). Returns {id, status, ...}: for
 * a code its incident whatever its status (to say "already resolved"),
 * else only incidents not resolved.
 */
static struct store_lua find_lua = { "reply find",
	"local p, pid, what = ARGV[1], ARGV[2], ARGV[3]\n"
	"local out = {}\n"
	"if what ~= '0' and what ~= 'all' then\n"
	"  local id = redis.call('HGET', p..'person:'..pid..':codes', what)\n"
	"  if not id then return out end\n"
	"  local st = redis.call('HGET', p..'incident:'..id, 'status')\n"
	"  if st then out = { id, st } end\n"
	"  return out\n"
	"end\n"
	"local ids = redis.call('ZREVRANGE', p..'person:'..pid..':pages',"
	" 0, 499)\n"
	"for _, id in ipairs(ids) do\n"
	"  local st = redis.call('HGET', p..'incident:'..id, 'status')\n"
	"  if st and st ~= 'resolved' then\n"
	"    out[#out + 1] = id\n"
	"    out[#out + 1] = st\n"
	"    if what == '0' or #out >= 100 then break end\n"
	"  end\n"
	"end\n"
	"return out\n", "" };

/* ARGV: key, window ms. Counts one answer; returns the count. */
static struct store_lua rate_lua = { "reply rate",
	"local n = redis.call('INCR', ARGV[1])\n"
	"if n == 1 or redis.call('PTTL', ARGV[1]) < 0 then\n"
	"  redis.call('PEXPIRE', ARGV[1], ARGV[2])\n"
	"end\n"
	"return n\n", "" };

static void	act_next(struct job *);

static void
count(struct replies *rp, const char *result)
{
	const char	*kv[2] = { "result", result };

	metrics_add(rp->pd->metrics, "pagerd_sms_replies_total", 1, 1, kv);
}

static void
job_free(struct job *j)
{
	TAILQ_REMOVE(&j->rp->jobs, j, entry);
	if (j->ev != NULL)
		event_free(j->ev);
	free(j);
}

static void
ignore_reply(void *arg, const struct redisReply *r)
{
	(void)arg;
	(void)r;
}

/* Remember the answer for the provider's retries of this message. */
static void
remember(struct job *j)
{
	struct store	*s = j->rp->pd->store;
	char		 key[256], val[REPLY_ANSWER_SIZE + 1];
	const char	*del[2] = { "DEL", key };
	const char	*set[6] = { "SET", key, val, "XX", "EX", DEDUP_TTL_S };

	if (!j->owns_key)
		return;
	snprintf(key, sizeof(key), "%sreply:%s", store_prefix(s), j->msgid);
	/* A failure must not be replayed: the retry should act. */
	if (strcmp(j->result, "failed") == 0) {
		(void)store_command(s, 2, del, NULL, ignore_reply, NULL);
		return;
	}
	snprintf(val, sizeof(val), "%s%s", j->has_answer ? "A" : "N",
	    j->has_answer ? j->answer : "");
	(void)store_command(s, 6, set, NULL, ignore_reply, NULL);
}

static void
deliver(evutil_socket_t fd, short what, void *arg)
{
	struct job	*j = arg;
	char		 verb[48], shown[REPLY_ANSWER_SIZE], *nl;

	(void)fd;
	(void)what;
	if (!j->understood)
		snprintf(verb, sizeof(verb), "not understood");
	else if (j->r.code > 0)
		snprintf(verb, sizeof(verb), "%s %d",
		    reply_verb_name(j->r.verb), j->r.code);
	else
		snprintf(verb, sizeof(verb), "%s", reply_verb_name(j->r.verb));
	/* One line: "who" answers have several. */
	snprintf(shown, sizeof(shown), "%s", j->has_answer ? j->answer : "");
	while ((nl = strchr(shown, '\n')) != NULL)
		*nl = '|';
	/* The text itself is not logged: it is anyone's. */
	log_info("sms reply %s from %s (%s) via %s: %s: %s%s%s",
	    j->msgid[0] ? j->msgid : "-", j->masked,
	    j->person[0] ? j->person : "unknown sender", j->instance, verb,
	    j->result, j->has_answer ? " -> " : ", no answer",
	    shown);
	count(j->rp, j->result);
	remember(j);
	j->cb(j->cbarg, j->has_answer ? j->answer : NULL);
	job_free(j);
}

/*
 * The end of a job: answer (NULL: say nothing) on the next loop turn,
 * so the handler never answers from inside its own call.
 */
static void
finish(struct job *j, const char *result, const char *answer)
{
	struct timeval	 now = { 0, 0 };

	j->result = result;
	j->has_answer = answer != NULL;
	if (answer != NULL && answer != j->answer)
		snprintf(j->answer, sizeof(j->answer), "%s", answer);
	evtimer_assign(j->ev, j->rp->pd->base, deliver, j);
	evtimer_add(j->ev, &now);
}

/* ------------------------------------------------------------ acting */

static enum reply_result
result_of(enum escalation_outcome o)
{
	switch (o) {
	case ESC_DONE:
		return REPLY_RES_DONE;
	case ESC_ALREADY:
		return REPLY_RES_ALREADY;
	case ESC_NOT_FOUND:
		return REPLY_RES_NOT_FOUND;
	case ESC_FAILED:
		break;
	}
	return REPLY_RES_FAILED;
}

static const char *
label_of(enum reply_verb v, enum reply_result res)
{
	switch (res) {
	case REPLY_RES_ALREADY:
		return "already";
	case REPLY_RES_NOT_FOUND:
		return "not_found";
	case REPLY_RES_FAILED:
		return "failed";
	case REPLY_RES_DONE:
		break;
	}
	return v == REPLY_RESOLVE ? "resolved" : v == REPLY_ESCALATE ?
	    "escalated" : "acknowledged";
}

static void
acted_one(void *arg, enum escalation_outcome o, const char *title)
{
	struct job		*j = arg;
	enum reply_result	 res = result_of(o);

	if (reply_answer_act(j->answer, sizeof(j->answer), j->r.verb, res,
	    j->ids[0], j->r.code, title, j->status[0], j->r.ack_for_s) == -1)
		snprintf(j->answer, sizeof(j->answer), "%s",
		    REPLY_FAILED_TEXT);
	finish(j, label_of(j->r.verb, res), j->answer);
}

static void
acted_all(void *arg, enum escalation_outcome o, const char *title)
{
	struct job	*j = arg;

	(void)title;
	if (o == ESC_DONE)
		j->done[j->ndone++] = j->ids[j->next];
	else if (o == ESC_ALREADY)
		j->nalready++;
	else if (o == ESC_FAILED)
		j->nfailed++;
	/* ESC_NOT_FOUND: resolved and gone meanwhile; nothing to say. */
	j->next++;
	act_next(j);
}

static void
act_next(struct job *j)
{
	struct pagerd	*pd = j->rp->pd;

	if (j->next < j->nids) {
		escalation_act(pd->escalation, j->ids[j->next], ESC_ACK,
		    j->person, j->via, j->r.ack_for_s * 1000, acted_all, j);
		return;
	}
	(void)reply_answer_ack_all(j->answer, sizeof(j->answer), j->done,
	    j->ndone, j->nalready, j->nfailed, j->r.ack_for_s);
	finish(j, j->ndone > 0 ? "acknowledged" : j->nfailed > 0 ?
	    "failed" : j->nalready > 0 ? "already" : "not_found", j->answer);
}

static void
found(void *arg, const struct redisReply *r)
{
	struct job		*j = arg;
	struct pagerd		*pd = j->rp->pd;
	enum escalation_action	 act;
	size_t			 i;
	char			*end;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
		finish(j, "failed", REPLY_FAILED_TEXT);
		return;
	}
	for (i = 0; i + 1 < r->elements && j->nids < ALL_MAX; i += 2) {
		const redisReply *id = r->element[i], *st = r->element[i + 1];
		long long	 v;

		if (id->type != REDIS_REPLY_STRING ||
		    st->type != REDIS_REPLY_STRING)
			continue;
		v = strtoll(id->str, &end, 10);
		if (*end != '\0' || v <= 0)
			continue;
		/* "aa" is about what still pages: acked ones stay acked. */
		if (j->r.verb == REPLY_ACK_ALL &&
		    strcmp(st->str, "acknowledged") == 0) {
			j->nalready++;
			continue;
		}
		j->ids[j->nids] = v;
		snprintf(j->status[j->nids], sizeof(j->status[0]), "%s",
		    st->str);
		j->nids++;
	}
	if (j->r.verb == REPLY_ACK_ALL) {
		act_next(j);
		return;
	}
	if (j->nids == 0) {
		(void)reply_answer_act(j->answer, sizeof(j->answer), j->r.verb,
		    REPLY_RES_NOT_FOUND, 0, j->r.code, NULL, NULL, 0);
		finish(j, "not_found", j->answer);
		return;
	}
	/* A code of a resolved incident: nothing to ask the engine. */
	if (strcmp(j->status[0], "resolved") == 0) {
		(void)reply_answer_act(j->answer, sizeof(j->answer), j->r.verb,
		    REPLY_RES_ALREADY, j->ids[0], j->r.code, NULL, "resolved",
		    0);
		finish(j, "already", j->answer);
		return;
	}
	act = j->r.verb == REPLY_RESOLVE ? ESC_RESOLVE :
	    j->r.verb == REPLY_ESCALATE ? ESC_ESCALATE : ESC_ACK;
	escalation_act(pd->escalation, j->ids[0], act, j->person, j->via,
	    act == ESC_ACK ? j->r.ack_for_s * 1000 : 0, acted_one, j);
}

static void
find(struct job *j)
{
	struct store	*s = j->rp->pd->store;
	char		 what[16];
	const char	*argv[3] = { store_prefix(s), j->person, what };

	if (j->r.verb == REPLY_ACK_ALL)
		snprintf(what, sizeof(what), "all");
	else
		snprintf(what, sizeof(what), "%d", j->r.code);
	if (store_eval(s, &find_lua, 3, argv, NULL, found, j) == -1)
		finish(j, "failed", REPLY_FAILED_TEXT);
}

/* ------------------------------------------------- help, who: passive */

static void
rated(void *arg, const struct redisReply *r)
{
	struct job	*j = arg;
	struct pagerd	*pd = j->rp->pd;

	/* Redis down: answer anyway; the limit guards cost, not safety. */
	if (r != NULL && r->type == REDIS_REPLY_INTEGER &&
	    r->integer > REPLIES_RATE_MAX) {
		finish(j, "rate_limited", NULL);
		return;
	}
	if (j->r.verb == REPLY_WHO) {
		if (reply_answer_who(j->answer, sizeof(j->answer),
		    &pd->cfg->oncall, pd->cfg->rotas,
		    overrides_extra(pd->rota_overrides), j->person,
		    pagerd_now_ms()) == -1)
			snprintf(j->answer, sizeof(j->answer), "%s",
			    REPLY_FAILED_TEXT);
		finish(j, "who", j->answer);
	} else
		finish(j, "help", REPLY_HELP_TEXT);
}

static void
passive(struct job *j)
{
	struct store	*s = j->rp->pd->store;
	char		 key[256], win[24];
	const char	*argv[2] = { key, win };

	/* Per number, so every instance counts against the same limit. */
	snprintf(key, sizeof(key), "%sreply:rate:%s", store_prefix(s),
	    j->phone[0] != '\0' ? j->phone : j->person);
	snprintf(win, sizeof(win), "%d", REPLIES_RATE_WINDOW_MS);
	if (store_eval(s, &rate_lua, 2, argv, NULL, rated, j) == -1)
		finish(j, "failed", NULL);
}

/* ----------------------------------------------------- STOP and START */

/*
 * The rotas the person is on, for the log and the record: "db,web".
 */
static void
rotas_of(const struct config *cfg, const char *person, char *buf,
    size_t size)
{
	size_t	 i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < cfg->oncall.n_rotas && len < size; i++)
		if (cfg->oncall.rotas[i].id != NULL &&
		    reply_rota_has(&cfg->oncall.rotas[i], person))
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
			    len > 0 ? "," : "", cfg->oncall.rotas[i].id);
}

/*
 * Tell the owner of each rota the person is on (other than the person):
 * they must know a member's phone no longer gets pages. One message per
 * owner, keyed by the reply's message id, so a provider's retry of the
 * same STOP tells nobody twice.
 */
static void
tell_owners(struct job *j, int stop)
{
	const struct config		*cfg = j->rp->pd->cfg;
	const struct rota_person_spec	*p = config_find_person(cfg,
					    j->person);
	const char			*owner, *name;
	char				 text[320], idem[200];
	size_t				 i;

	name = p != NULL && p->name != NULL ? p->name : j->person;
	if (stop)
		snprintf(text, sizeof(text), "%s (%s) opted out of SMS (STOP): "
		    "pages to their phone are dropped until they reply START",
		    name, j->person);
	else
		snprintf(text, sizeof(text), "%s (%s) opted in to SMS again "
		    "(START): pages reach their phone again", name, j->person);
	for (i = 0; i < cfg->oncall.n_rotas; i++) {
		owner = cfg->oncall.rotas[i].owner;
		if (owner == NULL || cfg->oncall.rotas[i].id == NULL ||
		    strcmp(owner, j->person) == 0 ||
		    !reply_rota_has(&cfg->oncall.rotas[i], j->person))
			continue;
		/* The owner of several of them: the same idem, told once. */
		if (j->msgid[0] != '\0')
			snprintf(idem, sizeof(idem), "optout:%s:%s", j->msgid,
			    owner);
		else
			snprintf(idem, sizeof(idem), "optout:%s:%lld:%s",
			    j->person, (long long)pagerd_now_ms(), owner);
		escalation_inform(j->rp->pd->escalation, owner, text, idem);
	}
}

static void
opted(void *arg, const struct redisReply *r)
{
	struct job	*j = arg;
	struct pagerd	*pd = j->rp->pd;
	struct store	*s = pd->store;
	char		 key[256], rotas[256], at[24];
	int		 stop = j->r.verb == REPLY_STOP;
	const char	*argv[14] = { "XADD", key, "MAXLEN", "~",
	    OPTOUT_LOG_MAX, "*", "type", stop ? "stop" : "start", "person",
	    j->person, "rotas", rotas, "at", at };

	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		finish(j, "failed", REPLY_FAILED_TEXT);
		return;
	}
	rotas_of(pd->cfg, j->person, rotas, sizeof(rotas));
	/*
	 * The rotas' owners are told (a rota without one: nobody is); the
	 * warning also goes to the journal and the record to P optout:log.
	 */
	if (pd->escalation != NULL)
		tell_owners(j, stop);
	if (stop)
		log_warnx("sms: %s (%s) sent STOP: no more SMS to them; "
		    "their rotas (%s) lose SMS paging for them", j->person,
		    j->masked, rotas[0] ? rotas : "none");
	else
		log_warnx("sms: %s (%s) sent START: SMS to them again",
		    j->person, j->masked);
	snprintf(key, sizeof(key), "%soptout:log", store_prefix(s));
	snprintf(at, sizeof(at), "%lld", (long long)pagerd_now_ms());
	(void)store_command(s, 14, argv, NULL, ignore_reply, NULL);
	finish(j, stop ? "stop" : "start", stop ? REPLY_STOP_TEXT :
	    REPLY_START_TEXT);
}

static void
opt(struct job *j)
{
	struct store	*s = j->rp->pd->store;
	char		 key[256];
	const char	*argv[3] = { j->r.verb == REPLY_STOP ? "SADD" : "SREM",
	    key, j->phone };

	snprintf(key, sizeof(key), "%soptout", store_prefix(s));
	if (store_command(s, 3, argv, NULL, opted, j) == -1)
		finish(j, "failed", REPLY_FAILED_TEXT);
}

/* ------------------------------------------------------------ dispatch */

static void
start(struct job *j)
{
	switch (j->r.verb) {
	case REPLY_HELP:
	case REPLY_WHO:
		passive(j);
		break;
	case REPLY_STOP:
	case REPLY_START:
		opt(j);
		break;
	case REPLY_ACK:
	case REPLY_RESOLVE:
	case REPLY_ESCALATE:
	case REPLY_ACK_ALL:
		find(j);
		break;
	}
}

static void	poll_dup(evutil_socket_t, short, void *);

/* A retry of a message seen before: the first one's answer. */
static void
seen(void *arg, const struct redisReply *r)
{
	struct job	*j = arg;
	struct timeval	 tv = { 0, DUP_POLL_MS * 1000 };

	if (r != NULL && r->type == REDIS_REPLY_STRING && r->len > 0 &&
	    r->str[0] == 'A') {
		finish(j, "duplicate", r->str + 1);
		return;
	}
	if (r != NULL && r->type == REDIS_REPLY_STRING && r->len == 1 &&
	    r->str[0] == 'P' && ++j->polls < DUP_POLLS) {
		/* The first is still being handled, maybe elsewhere. */
		evtimer_assign(j->ev, j->rp->pd->base, poll_dup, j);
		evtimer_add(j->ev, &tv);
		return;
	}
	/* "N", expired meanwhile, or still pending: nothing to say. */
	finish(j, "duplicate", NULL);
}

static void
poll_dup(evutil_socket_t fd, short what, void *arg)
{
	struct job	*j = arg;
	struct store	*s = j->rp->pd->store;
	char		 key[256];
	const char	*argv[2] = { "GET", key };

	(void)fd;
	(void)what;
	snprintf(key, sizeof(key), "%sreply:%s", store_prefix(s), j->msgid);
	if (store_command(s, 2, argv, NULL, seen, j) == -1)
		finish(j, "duplicate", NULL);
}

static void
claimed(void *arg, const struct redisReply *r)
{
	struct job	*j = arg;

	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		finish(j, "failed", REPLY_FAILED_TEXT);
		return;
	}
	if (r->type == REDIS_REPLY_NIL) {
		poll_dup(-1, 0, j);
		return;
	}
	j->owns_key = 1;
	start(j);
}

static void
claim(struct job *j)
{
	struct store	*s = j->rp->pd->store;
	char		 key[256];
	const char	*argv[6] = { "SET", key, "P", "NX", "EX",
	    CLAIM_TTL_S };

	snprintf(key, sizeof(key), "%sreply:%s", store_prefix(s), j->msgid);
	if (store_command(s, 6, argv, NULL, claimed, j) == -1)
		finish(j, "failed", REPLY_FAILED_TEXT);
}

/* ------------------------------------------------------------ entry */

/* The configured person whose phone (or email) sent this; NULL if none. */
static const struct rota_person_spec *
sender(const struct config *cfg, enum notifier_address kind,
    const char *from)
{
	const struct rota_person_spec	*p;
	char				 a[64], b[64];
	size_t				 i;

	if (kind == NOTIFIER_ADDRESS_EMAIL) {
		for (i = 0; i < cfg->oncall.n_people; i++) {
			p = &cfg->oncall.people[i];
			if (p->email != NULL && strcasecmp(p->email, from) == 0)
				return p;
		}
		return NULL;
	}
	if (kind != NOTIFIER_ADDRESS_PHONE ||
	    reply_phone_norm(from, a, sizeof(a)) == -1)
		return NULL;
	for (i = 0; i < cfg->oncall.n_people; i++) {
		p = &cfg->oncall.people[i];
		if (p->phone != NULL && p->id != NULL &&
		    reply_phone_norm(p->phone, b, sizeof(b)) == 0 &&
		    strcmp(a, b) == 0)
			return p;
	}
	return NULL;
}

/* Provider message ids become part of a key: [A-Za-z0-9_-], short. */
static int
msgid_ok(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++, n++)
		if (n >= MSGID_MAX || !(isalnum((unsigned char)*s) ||
		    *s == '_' || *s == '-'))
			return 0;
	return n > 0;
}

static void
handle(void *arg, const char *instance, const char *from, const char *text,
    const char *message_id, pagerd_reply_cb *cb, void *cbarg)
{
	struct replies			*rp = arg;
	struct pagerd			*pd = rp->pd;
	const struct rota_person_spec	*p;
	const char			*type;
	struct job			*j;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->ev = evtimer_new(pd->base, deliver, j)) == NULL) {
		/* Nothing to defer with: the host copes with "never". */
		log_warnx("sms reply: out of memory, dropped");
		free(j);
		return;
	}
	j->rp = rp;
	j->cb = cb;
	j->cbarg = cbarg;
	TAILQ_INSERT_TAIL(&rp->jobs, j, entry);
	snprintf(j->instance, sizeof(j->instance), "%s", instance);
	type = notifier_type(pd->notifiers, instance);
	snprintf(j->via, sizeof(j->via), "%s", type != NULL ? type : "sms");
	reply_phone_mask(from, j->masked, sizeof(j->masked));
	j->understood = reply_parse(text, strlen(text), &j->r) == 0;

	if (rp->stopped) {
		finish(j, "failed", NULL);
		return;
	}
	p = sender(pd->cfg, notifier_address_of(pd->notifiers, instance),
	    from);
	if (p == NULL) {
		/* No answer: the number must not learn it reached pagerd. */
		finish(j, "unknown_sender", NULL);
		return;
	}
	snprintf(j->person, sizeof(j->person), "%s", p->id);
	snprintf(j->phone, sizeof(j->phone), "%s",
	    p->phone != NULL ? p->phone : "");
	if ((j->r.verb == REPLY_STOP || j->r.verb == REPLY_START) &&
	    j->phone[0] == '\0') {
		finish(j, "help", REPLY_HELP_TEXT);
		return;
	}
	if (message_id != NULL && msgid_ok(message_id)) {
		snprintf(j->msgid, sizeof(j->msgid), "%s", message_id);
		claim(j);
	} else {
		if (message_id != NULL)
			log_warnx("sms reply from %s: message id not usable "
			    "as a key; not deduplicated", j->masked);
		start(j);
	}
}

struct replies *
replies_start(struct pagerd *pd)
{
	struct replies	*rp;

	if ((rp = calloc(1, sizeof(*rp))) == NULL)
		return NULL;
	rp->pd = pd;
	TAILQ_INIT(&rp->jobs);
	metrics_declare(pd->metrics, "pagerd_sms_replies_total",
	    METRIC_COUNTER,
	    "Replies from people (SMS), by result: acknowledged, resolved, "
	    "escalated, already, not_found, help, who, stop, start, "
	    "duplicate, rate_limited, unknown_sender, failed.");
	notifier_host_set_reply_handler(pd->notifiers, handle, rp);
	return rp;
}

void
replies_stop(struct replies *rp)
{
	if (rp != NULL)
		rp->stopped = 1;
}

void
replies_free(struct replies *rp)
{
	struct job	*j;

	if (rp == NULL)
		return;
	while ((j = TAILQ_FIRST(&rp->jobs)) != NULL) {
		j->cb(j->cbarg, NULL);
		job_free(j);
	}
	free(rp);
}
