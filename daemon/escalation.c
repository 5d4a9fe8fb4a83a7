/*
 * daemon/escalation.c — the escalation engine (escalation.h): a step of
 * an incident falls due, the planner (lib/esc_plan.c) says whom to page
 * with the config of now, and one script (escalation_lua.c) checks the
 * step is still due and queues it all atomically; the outbox
 * (outbox.c) sends. The first step of an incident that pages at once
 * (group_wait 0) is planned as its alert is stored and done by the
 * ingest script that opens it (store.h store_first_step). Also the
 * actions people take (ack, resolve, escalate) and the delivery reports
 * the notifiers pass on.
 */
#include "autoconf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include "argv.h"
#include "config.h"
#include "esc_plan.h"
#include "escalation.h"
#include "escalation_lua.h"
#include "log.h"
#include "maint.h"
#include "metrics.h"
#include "notifier_host.h"
#include "outbox.h"
#include "overrides.h"
#include "pagerd.h"
#include "rota.h"
#include "store.h"

struct escalation {
	struct pagerd	*pd;
	struct outbox	*outbox;
};

/* One claimed timer in flight. */
struct fire {
	struct escalation	*e;
	char			*id;		/* the incident, for esc: */
	const char		*what;		/* for the metric */
	int64_t			 now;
	escalation_fire_cb	*cb;
	void			*arg;
};

static void
fire_end(struct fire *f, int ok, int acted)
{
	f->cb(f->arg, ok, acted);
	free(f->id);
	free(f);
}

static int
send_args(struct escalation *e, struct store_lua *lua, struct argv *a,
    store_reply_cb *cb, void *arg)
{
	int	 rv = -1;

	if (!a->oom)
		rv = store_eval(e->pd->page_store, lua, (int)a->n,
		    (const char **)a->v, NULL, cb, arg);
	argv_free(a);
	return rv;
}

static const char *
str_of(const redisReply *r, size_t i)
{
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || i >= r->elements ||
	    r->element[i]->type != REDIS_REPLY_STRING)
		return NULL;
	return r->element[i]->str;
}

/* ------------------------------------------------------------ a step */

static void
stepped(void *arg, const redisReply *r)
{
	struct fire	*f = arg;
	const char	*kv[2] = { "result", f->what };

	if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
		fire_end(f, 0, 0);
		return;
	}
	if (r->integer >= 0) {
		metrics_add(f->e->pd->metrics, "pagerd_escalation_steps_total",
		    1, 1, kv);
		log_info("escalation: incident %s: step %s", f->id, f->what);
	}
	if (r->integer > 0)
		outbox_kick(f->e->outbox);
	fire_end(f, 1, r->integer >= 0);
}

/* enum esc_what as the step script and the metric name it. */
static const char *const what_name[] = { "page", "skip", "defer", "stop" };

/* Where notifier reaches the person: phone, e-mail or the id. */
static const char *
address_of(const struct config *cfg, const char *notifier, const char *id,
    const char *phone, const char *email)
{
	const struct notifier_cfg	*nc;

	nc = config_find_notifier(cfg, notifier);
	if (nc != NULL && nc->address == CONFIG_ADDRESS_PHONE)
		return phone;
	if (nc != NULL && nc->address == CONFIG_ADDRESS_EMAIL)
		return email;
	return id;
}

/* A person's contact rules as ARGV: count, then notifier, address, after. */
static void
add_rules(struct argv *a, const struct config *cfg,
    const struct rota_person *who)
{
	const struct rota_person_spec	*sp = config_find_person(cfg, who->id);
	const struct esc_contact	*rules;
	size_t				 n, i;

	rules = esc_contact_rules(sp ? sp->contact : NULL,
	    sp ? sp->n_contact : 0, cfg->contact_defaults,
	    cfg->n_contact_defaults, &n);
	argv_add(a, "%zu", n);
	for (i = 0; i < n; i++) {
		argv_str(a, rules[i].notifier);
		/* none: the plugin fails for good */
		argv_str(a, address_of(cfg, rules[i].notifier, who->id,
		    who->phone, who->email));
		argv_add(a, "%" PRId64, rules[i].after_ms);
	}
}

/*
 * Plan step (from 0) of round of an incident at level in service svc
 * with policy (NULL or "": the service's) with the config of now, as
 * the step script's ARGV from "what" on (escalation_shared_lua.h); *np:
 * how many people it pages. Returns what.
 */
static enum esc_what
plan_args(struct escalation *e, const char *service, const char *policy,
    int level, int step, int round, int64_t now, struct argv *a,
    size_t *np)
{
	const struct config		*cfg = e->pd->cfg;
	const struct esc_policy		*pol = NULL;
	const struct service		*svc;
	const struct rota_person	*who;
	struct esc_plan			 plan;
	char				 reason[96] = "";
	size_t				 i;

	svc = config_find_service(cfg, service);
	if (policy != NULL && policy[0] != '\0')
		pol = config_find_policy(cfg, policy);
	else if (svc != NULL)
		pol = config_find_policy(cfg, svc->policy);
	memset(&plan, 0, sizeof(plan));
	plan.what = ESC_STOP;
	plan.next_step = -1;
	if (pol == NULL)
		snprintf(reason, sizeof(reason), "no escalation policy%s%s",
		    policy && policy[0] ? ": unknown " : "",
		    policy ? policy : "");
	else if (cfg->rotas == NULL)
		snprintf(reason, sizeof(reason), "no rotas");
	else {
		esc_plan(pol, step, round, level, now, cfg->rotas,
		    overrides_extra(e->pd->rota_overrides),
		    svc ? svc->hours : NULL, &plan);
		if (plan.what == ESC_SKIP)
			snprintf(reason, sizeof(reason), "nobody on call");
		else if (plan.what == ESC_STOP)
			snprintf(reason, sizeof(reason), "policy %s has no "
			    "step %d in round %d for sev%d", pol->name,
			    step + 1, round + 1, level);
	}
	argv_str(a, what_name[plan.what]);
	argv_add(a, "%d", plan.next_step);
	argv_add(a, "%d", plan.next_round);
	argv_add(a, "%" PRId64, plan.next_ms);
	argv_str(a, reason);
	*np = plan.what == ESC_PAGE ? plan.n_pages : 0;
	argv_add(a, "%zu", *np);
	for (i = 0; i < *np; i++) {
		who = rota_set_person(cfg->rotas, plan.pages[i].person);
		argv_str(a, who->id);
		argv_str(a, plan.pages[i].target);
		argv_str(a, plan.pages[i].reason);
		argv_str(a, who->phone);
		add_rules(a, cfg, who);
	}
	if (plan.truncated)
		log_warnx("escalation: policy %s: more than %d people in one "
		    "step; paging the first %d", pol->name, ESC_MAX_PAGES,
		    ESC_MAX_PAGES);
	return plan.what;
}

/*
 * The incident as the claim read it (v: status, level, service, policy,
 * esc_step, esc_round, esc_epoch; NULL for absent): plan the step with
 * the config of now, then let the script check and do it.
 */
static void
plan_step(struct fire *f, const char *const *v)
{
	struct escalation		*e = f->e;
	const char			*st = v[0];
	const char			*step = v[4];
	const char			*round = v[5], *epoch;
	struct argv			 a = { 0 };
	enum esc_what			 w;
	size_t				 np;

	epoch = v[6] ? v[6] : "0";
	if (st == NULL || step == NULL || round == NULL || atoi(step) < 0) {
		/* Not ours to page (gone, or nothing left): drop the timer. */
		argv_str(&a, "ZREM");
		argv_add(&a, "%stimers", store_prefix(e->pd->page_store));
		argv_add(&a, "esc:%s", f->id);
		f->what = "none";
		if (!a.oom && store_command(e->pd->page_store, (int)a.n,
		    (const char **)a.v, NULL, stepped, f) == 0) {
			argv_free(&a);
			return;
		}
		argv_free(&a);
		fire_end(f, 0, 0);
		return;
	}
	argv_str(&a, store_prefix(e->pd->page_store));
	argv_add(&a, "%" PRId64, f->now);
	argv_str(&a, f->id);
	argv_str(&a, step);
	argv_str(&a, round);
	argv_str(&a, epoch);
	w = plan_args(e, v[2], v[3], v[1] ? atoi(v[1]) : 3, atoi(step),
	    atoi(round), f->now, &a, &np);
	f->what = what_name[w];
	if (send_args(e, &esc_lua_step, &a, stepped, f) == -1) {
		fire_end(f, 0, 0);
		return;
	}
	/*
	 * The outbox's read goes down the same connection behind the step
	 * script, so it finds the pages the script queues: a round trip
	 * less to the page. The kick of stepped() stays the guarantee.
	 */
	if (np > 0)
		outbox_kick(e->outbox);
}

/* ------------------------------------------------------- first steps */

/*
 * store_first_step plan(): the first step of the incident alert a
 * opens, when its service has no group_wait and a policy, and is not in
 * a maintenance window (the notify timer holds it then). The ingest
 * script does it as it opens the incident (store.h).
 */
static void
first_step_plan(void *arg, const struct alert *a, int64_t now,
    struct argv *out)
{
	struct escalation	*e = arg;
	const struct service	*svc;
	struct maint_answer	 m;
	size_t			 np;

	if (a->status != ALERT_FIRING || a->group_wait_ms != 0 ||
	    a->policy == NULL || a->policy[0] == '\0' || a->service == NULL)
		return;
	svc = config_find_service(e->pd->cfg, a->service);
	if (svc != NULL && maint_active(svc->maint, now, &m))
		return;
	(void)plan_args(e, a->service, a->policy,
	    a->level >= 1 && a->level <= 3 ? a->level : 3, 0, 0, now, out,
	    &np);
}

/* store_first_step done(): as the notify timer and stepped() count it. */
static void
first_step_done(void *arg, long long incident, int what,
    long long result)
{
	struct escalation	*e = arg;
	const char		*notify[2] = { "kind", "notify" };
	const char		*kv[2] = { "result", what_name[what] };

	metrics_add(e->pd->metrics, "pagerd_timers_fired_total", 1, 1,
	    notify);
	if (result >= 0) {
		metrics_add(e->pd->metrics, "pagerd_escalation_steps_total",
		    1, 1, kv);
		log_info("escalation: incident %lld: step %s", incident,
		    what_name[what]);
	}
}

/* store_first_step read(): this pagerd's outbox reads with the steps. */
static void
first_step_read(void *arg, struct argv *out)
{
	struct escalation	*e = arg;

	outbox_read_args(e->outbox, out);
}

/* store_first_step pages(): what the steps queued, read already. */
static void
first_step_pages(void *arg, const redisReply *list)
{
	struct escalation	*e = arg;

	outbox_take(e->outbox, list);
}

/*
 * The store's hook: with planning, the ingest does first steps and reads
 * their pages; without (stopping), it only reports what calls already
 * on their way did, and hands over the pages they read.
 */
static void
first_step_hook(struct escalation *e, int planning)
{
	struct store_first_step	 fs;

	memset(&fs, 0, sizeof(fs));
	if (planning) {
		fs.plan = first_step_plan;
		fs.read = first_step_read;
	}
	fs.done = first_step_done;
	fs.pages = first_step_pages;
	fs.arg = e;
	store_set_first_step(e->pd->store, &fs);
}

/* ------------------------------------------------------------ timers */

static void
released(void *arg, const redisReply *r)
{
	struct fire	*f = arg;

	if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
		fire_end(f, 0, 0);
		return;
	}
	if (r->integer > 0)
		outbox_kick(f->e->outbox);
	fire_end(f, 1, r->integer > 0);
}

void
escalation_fire(struct escalation *e, const char *member,
    const char *const *incident, int64_t now, escalation_fire_cb *cb,
    void *arg)
{
	struct fire	*f;
	struct argv	 a = { 0 };
	const char	*P = store_prefix(e->pd->page_store);
	int		 rv = -1;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		cb(arg, 0, 0);
		return;
	}
	f->e = e;
	f->now = now;
	f->cb = cb;
	f->arg = arg;
	if (strncmp(member, "esc:", 4) == 0) {
		/* The claim read the incident; the id is digits only. */
		if (incident == NULL || (f->id = strdup(member + 4)) == NULL ||
		    f->id[0] == '\0' ||
		    strspn(f->id, "0123456789") != strlen(f->id))
			goto fail;
		plan_step(f, incident);
		return;
	} else if (strncmp(member, "unack:", 6) == 0) {
		argv_str(&a, P);
		argv_add(&a, "%" PRId64, now);
		argv_str(&a, member + 6);
		rv = send_args(e, &esc_lua_unack, &a, released, f);
	} else {
		/* contact: and retry: */
		argv_str(&a, P);
		argv_add(&a, "%" PRId64, now);
		argv_str(&a, member);
		rv = send_args(e, &esc_lua_release, &a, released, f);
	}
	if (rv == 0)
		return;
fail:
	free(f->id);
	free(f);
	cb(arg, 0, 0);
}

/* ------------------------------------------------------------ actions */

struct act {
	escalation_act_cb	*cb;
	void			*arg;
	enum escalation_outcome	 outcome;
	struct event		*ev;		/* deferred answer */
};

static void
act_deferred(evutil_socket_t fd, short what, void *arg)
{
	struct act	*x = arg;

	x->cb(x->arg, x->outcome, NULL);
	event_free(x->ev);
	free(x);
}

static void
acted(void *arg, const redisReply *r)
{
	struct act			*x = arg;
	const char			*o = str_of(r, 0);
	enum escalation_outcome		 out = ESC_FAILED;

	if (o != NULL && strcmp(o, "done") == 0)
		out = ESC_DONE;
	else if (o != NULL && strcmp(o, "already") == 0)
		out = ESC_ALREADY;
	else if (o != NULL && strcmp(o, "notfound") == 0)
		out = ESC_NOT_FOUND;
	x->cb(x->arg, out, out == ESC_FAILED ? NULL : str_of(r, 1));
	free(x);
}

void
escalation_act(struct escalation *e, long long id,
    enum escalation_action action, const char *who, const char *via,
    int64_t for_ms, escalation_act_cb *cb, void *arg)
{
	static const char *const name[] = { "ack", "resolve", "escalate" };
	struct act	*x;
	struct argv	 a = { 0 };
	struct timeval	 now = { 0, 0 };

	if ((x = calloc(1, sizeof(*x))) == NULL)
		goto fail;
	x->cb = cb;
	x->arg = arg;
	if (store_ready(e->pd->page_store)) {
		argv_str(&a, store_prefix(e->pd->page_store));
		argv_add(&a, "%" PRId64, pagerd_now_ms());
		argv_add(&a, "%lld", id);
		argv_str(&a, name[action]);
		argv_str(&a, who);
		argv_str(&a, via);
		argv_add(&a, "%" PRId64, for_ms > 0 ? for_ms : 0);
		argv_add(&a, "%" PRId64, e->pd->cfg->store_retention_ms);
		if (send_args(e, &esc_lua_act, &a, acted, x) == 0) {
			log_info("escalation: incident %lld: %s by %s via %s",
			    id, name[action], who, via);
			return;
		}
	}
	/* The answer must come from the loop, never from inside this. */
	x->outcome = ESC_FAILED;
	if ((x->ev = evtimer_new(e->pd->base, act_deferred, x)) != NULL &&
	    evtimer_add(x->ev, &now) == 0)
		return;
	if (x->ev != NULL)
		event_free(x->ev);
	free(x);
fail:
	log_warnx("escalation: incident %lld: out of memory", id);
}

/* ------------------------------------------------------------ inform */

static void
informed(void *arg, const redisReply *r)
{
	struct escalation	*e = arg;

	if (r == NULL || r->type != REDIS_REPLY_INTEGER)
		log_warnx("escalation: a notification for information was "
		    "not queued: Redis failed");
	else if (r->integer > 0)
		outbox_kick(e->outbox);
}

void
escalation_inform(struct escalation *e, const char *person_id,
    const char *text, const char *idem)
{
	const struct config		*cfg = e->pd->cfg;
	const struct rota_person_spec	*sp = config_find_person(cfg,
					    person_id);
	const struct esc_contact	*rules;
	struct argv			 a = { 0 };
	size_t				 n, i, first = 0;
	const char			*addr;

	if (sp == NULL) {
		log_warnx("escalation: cannot inform %s: not in people",
		    person_id);
		return;
	}
	rules = esc_contact_rules(sp->contact, sp->n_contact,
	    cfg->contact_defaults, cfg->n_contact_defaults, &n);
	for (i = 0; i < n; i++)
		if (rules[i].after_ms <= 0)
			first++;
	log_info("escalation: informing %s (%zu contact methods): %s",
	    person_id, first, text);
	argv_str(&a, store_prefix(e->pd->page_store));
	argv_add(&a, "%" PRId64, pagerd_now_ms());
	argv_str(&a, idem);
	argv_str(&a, person_id);
	argv_str(&a, text);
	argv_add(&a, "%zu", first);
	for (i = 0; i < n; i++) {
		if (rules[i].after_ms > 0)
			continue;	/* later rules wait for an ack */
		addr = address_of(cfg, rules[i].notifier, sp->id, sp->phone,
		    sp->email);
		argv_str(&a, rules[i].notifier);
		argv_str(&a, addr != NULL ? addr : "");
	}
	if (send_args(e, &esc_lua_inform, &a, informed, e) == -1)
		log_warnx("escalation: cannot inform %s: Redis unavailable",
		    person_id);
}

/* ------------------------------------------------------------ reports */

static void
reported(void *arg, const redisReply *r)
{
	(void)arg;
	(void)r;
}

static void
on_delivery(void *arg, const char *instance, const char *provider_id,
    enum pagerd_notify_result result, const char *reason)
{
	struct escalation	*e = arg;
	struct argv		 a = { 0 };

	if (provider_id == NULL || !store_ready(e->pd->page_store))
		return;
	argv_str(&a, store_prefix(e->pd->page_store));
	argv_add(&a, "%" PRId64, pagerd_now_ms());
	argv_str(&a, instance);
	argv_str(&a, provider_id);
	argv_str(&a, result == PAGERD_NOTIFY_PERMANENT ? "failed" :
	    "delivered");
	argv_str(&a, reason);
	(void)send_args(e, &esc_lua_delivery, &a, reported, NULL);
}

/* ------------------------------------------------------------ life */

struct escalation *
escalation_start(struct pagerd *pd)
{
	struct escalation	*e;

	if (esc_lua_init() == -1 || (e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->pd = pd;
	if ((e->outbox = outbox_start(pd)) == NULL) {
		free(e);
		return NULL;
	}
	metrics_declare(pd->metrics, "pagerd_escalation_steps_total",
	    METRIC_COUNTER, "Escalation steps done, by result (page, skip: "
	    "nobody on call, defer: sev3 outside working hours, stop: "
	    "nothing left to page)");
	if (pd->notifiers != NULL)
		notifier_host_set_delivery_handler(pd->notifiers, on_delivery,
		    e);
	first_step_hook(e, 1);
	return e;
}

void
escalation_reconfigure(struct escalation *e)
{
	(void)e;	/* the config is read afresh at every step */
}

void
escalation_stop(struct escalation *e)
{
	if (e == NULL)
		return;
	/*
	 * No more first steps, and no more reads for this consumer. But
	 * an ingest call already on its way may have read pages into our
	 * consumer: those are still sent (the store drains before the
	 * exit), not left pending for the 90 s of a take-over.
	 */
	first_step_hook(e, 0);
	outbox_stop(e->outbox);
}

void
escalation_free(struct escalation *e)
{
	if (e == NULL)
		return;
	outbox_free(e->outbox);
	free(e);
}
