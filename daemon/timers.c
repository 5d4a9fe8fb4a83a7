/*
 * daemon/timers.c — claim due timers from Redis and fire them (see
 * timers.h). What a timer does is a Lua script in store_lua.c; this file
 * paces the claims, counts what fired, and tells the claim script (which
 * does the notify timers itself) which services are in a maintenance
 * window now (the windows live in the config, which Redis cannot read).
 */
#include "autoconf.h"

#include <stdlib.h>

#include <event2/event.h>

#include "config.h"
#include "escalation.h"
#include "log.h"
#include "maint.h"
#include "metrics.h"
#include "pagerd.h"
#include "store.h"
#include "timers.h"

#define TIMERS_TICK_MS		250	/* how late a timer may fire */
#define TIMERS_LEASE_MS		30000	/* a dead instance's work waits this */
#define TIMERS_CLAIM_MAX	200	/* per timer set and claim */

struct timers {
	struct pagerd	*pd;
	struct event	*ev;
	int		 claiming;	/* a claim is in flight */
	size_t		 firing;	/* handlers in flight */
	int		 more;		/* the last claim was full */
	int		 kicked;	/* claim again as soon as this round ends */
	int		 stopped;
};

static void	tick(evutil_socket_t, short, void *);

static void
arm(struct timers *t, int now)
{
	struct timeval	 tv = { 0, now ? 0 : TIMERS_TICK_MS * 1000 };

	if (!t->stopped)
		evtimer_add(t->ev, &tv);
}

/* A round is over when its claim and every handler have answered. */
static void
round_done(struct timers *t)
{
	if (t->claiming || t->firing > 0)
		return;
	/*
	 * A full claim means a backlog (after downtime): go on at once. So
	 * does a kick: something fell due now while this round ran.
	 */
	arm(t, t->more || t->kicked);
	t->more = t->kicked = 0;
}

static void
fired(struct timers *t, int ok, int acted, const char *kind)
{
	const char	*kv[2] = { "kind", kind };

	t->firing--;
	if (ok && acted) {
		metrics_add(t->pd->metrics, "pagerd_timers_fired_total", 1, 1,
		    kv);
		log_debug("timers: %s fired", kind);
	}
	round_done(t);
}

static void
fired_ends(void *arg, int ok, int acted)
{
	fired(arg, ok, acted, "ends");
}

static void
fired_escalation(void *arg, int ok, int acted)
{
	fired(arg, ok, acted, "escalation");
}

/*
 * The services in maintenance at now, into a new array (free it); *n is
 * 0 and NULL returned when none is, or when out of memory, so a lost
 * allocation pages rather than silently holds.
 */
static struct store_maint *
maint_now(const struct config *cfg, int64_t now, size_t *n)
{
	struct store_maint	*v = NULL;
	struct maint_answer	 a;
	size_t			 i;

	*n = 0;
	for (i = 0; i < cfg->n_services; i++) {
		if (!maint_active(cfg->services[i].maint, now, &a))
			continue;
		if (v == NULL && (v = calloc(cfg->n_services,
		    sizeof(*v))) == NULL) {
			log_warn("timers: maintenance windows");
			return NULL;
		}
		v[*n].service = cfg->services[i].name;
		v[*n].owner = a.owner;
		v[*n].until_ms = a.end_ms;
		(*n)++;
	}
	return v;
}

static void
claimed(void *arg, int ok, const struct store_timer *v, size_t n)
{
	struct timers	*t = arg;
	const char	*kv[2] = { "kind", "notify" };
	int64_t		 now = pagerd_now_ms();
	size_t		 i;

	t->claiming = 0;
	if (ok && n >= TIMERS_CLAIM_MAX)
		t->more = 1;
	/* Held while handlers start: one that fails at once ends none. */
	t->firing++;
	for (i = 0; ok && !t->stopped && i < n; i++) {
		switch (v[i].kind) {
		case STORE_TIMER_NOTIFY:
			/* Done by the claim; its first step follows in v. */
			if (v[i].result != 0) {
				metrics_add(t->pd->metrics,
				    "pagerd_timers_fired_total", 1, 1, kv);
				log_debug("timers: notify fired");
			}
			break;
		case STORE_TIMER_ENDS:
			t->firing++;
			store_fire_timer(t->pd->page_store, &v[i], now,
			    fired_ends, t);
			break;
		case STORE_TIMER_ESCALATION:
			t->firing++;
			escalation_fire(t->pd->escalation, v[i].member,
			    v[i].has_incident ? v[i].incident : NULL, now,
			    fired_escalation, t);
			break;
		case STORE_TIMER_UNKNOWN:
			/* A newer pagerd's; its lease lapses for it. */
			log_debug("timers: leaving %s alone", v[i].member);
			break;
		}
	}
	t->firing--;
	round_done(t);
}

/*
 * One round at a time: the next claim waits for the handlers of this
 * one, so a slow Redis gets fewer, not more, script calls.
 */
static void
tick(evutil_socket_t fd, short what, void *arg)
{
	struct timers		*t = arg;
	struct store_maint	*mv;
	int64_t			 now = pagerd_now_ms();
	size_t			 nm;

	if (t->stopped)
		return;
	if (!store_ready(t->pd->page_store)) {
		arm(t, 0);
		return;
	}
	t->claiming = 1;
	if ((mv = maint_now(t->pd->cfg, now, &nm)) == NULL)
		nm = 0;
	store_claim_timers(t->pd->page_store, now, TIMERS_LEASE_MS,
	    TIMERS_CLAIM_MAX, mv, nm, claimed, t);
	free(mv);
}

void
timers_kick(struct timers *t)
{
	if (t == NULL || t->stopped)
		return;
	if (t->claiming || t->firing > 0)
		t->kicked = 1;
	else {
		evtimer_del(t->ev);
		arm(t, 1);
	}
}

int
timers_pages_now(const struct alert *a)
{
	return a->group_wait_ms == 0 && a->policy != NULL;
}

void
timers_ingested(struct timers *t, const unsigned char *pages_now,
    const struct store_result *res, size_t n)
{
	size_t	 i;

	for (i = 0; pages_now != NULL && i < n; i++)
		if (res[i].outcome == STORE_NEW && pages_now[i] &&
		    !res[i].stepped) {
			timers_kick(t);
			return;
		}
}

struct timers *
timers_start(struct pagerd *pd)
{
	struct timers	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->pd = pd;
	if ((t->ev = evtimer_new(pd->base, tick, t)) == NULL) {
		free(t);
		return NULL;
	}
	metrics_declare(pd->metrics, "pagerd_timers_fired_total",
	    METRIC_COUNTER, "Timers fired from Redis, by kind (notify: an "
	    "incident's group_wait ended; ends: the endsAt of one or more "
	    "of an incident's alerts passed; "
	    "escalation: a step, a later contact rule, a retry or the end of "
	    "a timed ack)");
	arm(t, 0);
	return t;
}

void
timers_stop(struct timers *t)
{
	if (t == NULL)
		return;
	t->stopped = 1;
	evtimer_del(t->ev);
}

void
timers_free(struct timers *t)
{
	if (t == NULL)
		return;
	event_free(t->ev);
	free(t);
}
