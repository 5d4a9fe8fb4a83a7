/*
 * daemon/notifier_host.c — the notifier plugin host (notifier_host.h):
 * loads notify_TYPE.so files, makes one instance per notifiers section,
 * lends each its services table, tracks every send, timer, HTTP call,
 * inbound request and reply an instance has outstanding so that none is
 * ever called back into freed memory, and swaps whole sets of instances
 * on reload. What to send and when is the escalation engine's business.
 */
#include "autoconf.h"

#include <sys/queue.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "config.h"
#include "curl_loop.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "notifier_host.h"
#include "pagerd.h"
#include "perr.h"

#define NH_LOG_MAX		1024	/* one plugin log line */
#define NH_URL_MAX		300	/* public_url + the API path */
#define NH_SECRET_FILE_MAX	65536

struct nh_instance;

/* One notifier_send() until its done callback has been called. */
struct nh_send {
	TAILQ_ENTRY(nh_send)	 entry;
	struct nh_instance	*ni;
	notifier_done_cb	*done;
	void			*arg;
	int			 in_send;	/* plugin->send() running */
	int			 completed;	/* the plugin called done */
	enum pagerd_notify_result result;
	int			 retry_after_s;
	char			*reason;
	char			*provider_id;
	struct event		*defer;		/* completed inside send() */
};

struct pagerd_timer {
	TAILQ_ENTRY(pagerd_timer) entry;
	struct nh_instance	*ni;
	struct event		*ev;
	pagerd_timer_cb		*cb;
	void			*arg;
};

/* An inbound request a plugin's route handler has not answered yet. */
struct nh_inbound {
	TAILQ_ENTRY(nh_inbound)	 entry;
	struct nh_instance	*ni;
	struct http_req	*req;
};

/* A reply handed to the engine (or answered NULL on the next turn). */
struct nh_reply {
	TAILQ_ENTRY(nh_reply)	 entry;
	struct nh_instance	*ni;		/* NULL once destroyed */
	pagerd_reply_cb		*cb;
	void			*arg;
	struct event		*defer;		/* answered on the next turn */
	char			*answer;	/* the answer being deferred */
	int			 in_submit;	/* the engine's handler runs */
	int			 answered;
};

struct nh_route {
	char			*path;
	pagerd_inbound_handler	*handler;
	void			*arg;
	struct nh_instance	*ni;
};

TAILQ_HEAD(send_list, nh_send);
TAILQ_HEAD(timer_list, pagerd_timer);
TAILQ_HEAD(inbound_list, nh_inbound);
TAILQ_HEAD(reply_list, nh_reply);

struct nh_instance {
	struct notifier_set		*set;
	char				*name;
	char				*type;
	enum notifier_address		 address;
	int				 max_inflight;
	int				 inflight;	/* in plugin->send */
	void				*dl;
	const struct pagerd_notifier	*plugin;
	struct pagerd_host		 host;
	void				*inst;
	int				 creating;
	struct send_list		 sends;
	struct timer_list		 timers;
	struct inbound_list		 inbound;
	struct reply_list		 replies;
};

struct notifier_set {
	TAILQ_ENTRY(notifier_set) entry;	/* in the retired list */
	struct notifier_host	*nh;		/* NULL: pagerd -t */
	struct nh_instance	**v;
	size_t			 n;
	struct nh_route		*routes;
	size_t			 nroutes;
	char			*public_url;	/* no trailing '/' */
	char			*config_dir;
	const char		*cred_dir;
	size_t			 pending;	/* sends not yet answered */
	int			 retired;
};

TAILQ_HEAD(set_list, notifier_set);

struct notifier_host {
	struct pagerd		*pd;
	struct curl_loop	*curl;
	struct notifier_set	*cur;
	struct set_list		 retired;
	struct event		*reap;
	notifier_reply_fn	*reply_fn;
	void			*reply_arg;
	notifier_delivery_fn	*delivery_fn;
	void			*delivery_arg;
	void			(*drained)(void *);
	void			*drained_arg;
	struct event		*drained_ev;
};

static void	instance_free(struct nh_instance *, const char *why);
static void	check_drained(struct notifier_host *);

static const char *
result_name(enum pagerd_notify_result r)
{
	switch (r) {
	case PAGERD_NOTIFY_DELIVERED:	return "delivered";
	case PAGERD_NOTIFY_RETRY:	return "retry";
	case PAGERD_NOTIFY_PERMANENT:	return "permanent";
	}
	return "retry";
}

/* ------------------------------------------------------------ services */

static void
svc_log(void *ctx, enum pagerd_log_level level, const char *fmt, ...)
{
	struct nh_instance	*ni = ctx;
	char			 buf[NH_LOG_MAX];
	va_list			 ap;
	size_t			 i;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* The plugin should have cleaned it; a forged log line costs more. */
	for (i = 0; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	switch (level) {
	case PAGERD_LOG_ERR:
	case PAGERD_LOG_WARNING:
		log_warnx("notifier %s: %s", ni->name, buf);
		break;
	case PAGERD_LOG_NOTICE:
	case PAGERD_LOG_INFO:
		log_info("notifier %s: %s", ni->name, buf);
		break;
	default:
		log_debug("notifier %s: %s", ni->name, buf);
		break;
	}
}

static struct pagerd_http_call *
svc_http_request(void *ctx, const struct pagerd_http_request *req,
    pagerd_http_cb *cb, void *arg)
{
	struct nh_instance	*ni = ctx;
	struct notifier_host	*nh = ni->set->nh;
	struct curl_call	*c;
	char			 err[160];

	if (nh == NULL || nh->curl == NULL) {
		svc_log(ni, PAGERD_LOG_WARNING, "http_request: not while the "
		    "configuration is only checked");
		return NULL;
	}
	if ((c = curl_loop_start(nh->curl, ni, req, cb, arg, err,
	    sizeof(err))) == NULL)
		svc_log(ni, PAGERD_LOG_WARNING, "http_request refused: %s",
		    err);
	/* The handle is opaque to the plugin: it is the curl_loop call. */
	return (struct pagerd_http_call *)(void *)c;
}

static void
svc_http_cancel(void *ctx, struct pagerd_http_call *call)
{
	struct nh_instance	*ni = ctx;

	if (call != NULL && ni->set->nh != NULL)
		curl_loop_cancel(ni->set->nh->curl,
		    (struct curl_call *)(void *)call);
}

static void
timer_fire(evutil_socket_t fd, short what, void *arg)
{
	struct pagerd_timer	*t = arg;

	TAILQ_REMOVE(&t->ni->timers, t, entry);
	event_free(t->ev);
	t->cb(t->arg);
	free(t);
}

static struct pagerd_timer *
svc_timer_add(void *ctx, int64_t after_ms, pagerd_timer_cb *cb, void *arg)
{
	struct nh_instance	*ni = ctx;
	struct pagerd_timer	*t;
	struct timeval		 tv;

	if (ni->set->nh == NULL)
		return NULL;
	if (after_ms < 0)
		after_ms = 0;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->ni = ni;
	t->cb = cb;
	t->arg = arg;
	tv.tv_sec = (time_t)(after_ms / 1000);
	tv.tv_usec = (suseconds_t)(after_ms % 1000) * 1000;
	if ((t->ev = evtimer_new(ni->set->nh->pd->base, timer_fire, t)) ==
	    NULL || evtimer_add(t->ev, &tv) == -1) {
		if (t->ev != NULL)
			event_free(t->ev);
		free(t);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&ni->timers, t, entry);
	return t;
}

static void
svc_timer_cancel(void *ctx, struct pagerd_timer *t)
{
	struct nh_instance	*ni = ctx;

	if (t == NULL)
		return;
	TAILQ_REMOVE(&ni->timers, t, entry);
	event_free(t->ev);
	free(t);
}

/*
 * host->read_secret: a relative name is looked up in systemd's
 * $CREDENTIALS_DIRECTORY, else beside the config file, as key_file is.
 */
static long
svc_read_secret(void *ctx, const char *name, char *buf, size_t len)
{
	struct nh_instance	*ni = ctx;
	struct notifier_set	*set = ni->set;
	struct stat		 st;
	char			 path[PATH_MAX];
	ssize_t			 r;
	size_t			 n = 0;
	int			 fd;

	if (!ni->creating) {
		svc_log(ni, PAGERD_LOG_ERR, "read_secret is only for create()");
		return -1;
	}
	if (name == NULL || *name == '\0' || len < 2) {
		svc_log(ni, PAGERD_LOG_ERR, "read_secret: no file name");
		return -1;
	}
	if (*name == '/')
		r = snprintf(path, sizeof(path), "%s", name);
	else
		r = snprintf(path, sizeof(path), "%s/%s", set->cred_dir ?
		    set->cred_dir : set->config_dir, name);
	if (r < 0 || (size_t)r >= sizeof(path)) {
		svc_log(ni, PAGERD_LOG_ERR, "read_secret: path too long");
		return -1;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1 || fstat(fd, &st) == -1) {
		svc_log(ni, PAGERD_LOG_ERR, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > NH_SECRET_FILE_MAX) {
		svc_log(ni, PAGERD_LOG_ERR, "%s: not a regular file of at "
		    "most %d bytes", path, NH_SECRET_FILE_MAX);
		goto fail;
	}
	for (;;) {
		r = read(fd, buf + n, len - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			svc_log(ni, PAGERD_LOG_ERR, "%s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == len)
			break;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n >= len) {
		svc_log(ni, PAGERD_LOG_ERR, "%s: longer than %zu bytes", path,
		    len - 1);
		goto fail;
	}
	buf[n] = '\0';
	if (strlen(buf) != n) {
		svc_log(ni, PAGERD_LOG_ERR, "%s: contains a NUL byte", path);
		goto fail;
	}
	close(fd);
	return (long)n;
fail:
	memset(buf, 0, len);
	if (fd != -1)
		close(fd);
	return -1;
}

static int64_t
svc_now_ms(void *ctx)
{
	return pagerd_now_ms();
}

static int
svc_route_add(void *ctx, const char *path, pagerd_inbound_handler *handler,
    void *arg)
{
	struct nh_instance	*ni = ctx;
	struct notifier_set	*set = ni->set;
	struct nh_route		*nr;
	const char		*p;
	size_t			 i;

	if (!ni->creating) {
		svc_log(ni, PAGERD_LOG_ERR, "route_add is only for create()");
		return -1;
	}
	if (path == NULL || strncmp(path, "/hooks/", 7) != 0 ||
	    path[7] == '\0' || strlen(path) > 200) {
		svc_log(ni, PAGERD_LOG_ERR, "route_add: a path must start "
		    "with /hooks/ and be at most 200 bytes");
		return -1;
	}
	for (p = path; *p != '\0'; p++)
		if (!isgraph((unsigned char)*p) || (unsigned char)*p > 0x7e ||
		    *p == '?' || *p == '#' || *p == '%')
			break;
	if (*p != '\0' || strstr(path, "/../") != NULL ||
	    strstr(path, "//") != NULL) {
		svc_log(ni, PAGERD_LOG_ERR, "route_add: %s is not a plain "
		    "path", path);
		return -1;
	}
	for (i = 0; i < set->nroutes; i++)
		if (strcmp(set->routes[i].path, path) == 0) {
			svc_log(ni, PAGERD_LOG_ERR, "route_add: %s is taken by "
			    "notifier %s", path, set->routes[i].ni->name);
			return -1;
		}
	if ((nr = realloc(set->routes, (set->nroutes + 1) * sizeof(*nr))) ==
	    NULL)
		return -1;
	set->routes = nr;
	nr = &set->routes[set->nroutes];
	if ((nr->path = strdup(path)) == NULL)
		return -1;
	nr->handler = handler;
	nr->arg = arg;
	nr->ni = ni;
	set->nroutes++;
	return 0;
}

static void
reply_free(struct nh_reply *r)
{
	if (r->defer != NULL)
		event_free(r->defer);
	free(r->answer);
	free(r);
}

/* The deferred answer (no handler, or one that answered at once). */
static void
reply_later(evutil_socket_t fd, short what, void *arg)
{
	struct nh_reply		*r = arg;

	if (r->ni != NULL) {
		TAILQ_REMOVE(&r->ni->replies, r, entry);
		r->cb(r->arg, r->answer);
	}
	reply_free(r);
}

static int
reply_defer(struct nh_reply *r, const char *answer)
{
	struct timeval	 zero = { 0, 0 };

	if (answer != NULL && (r->answer = strdup(answer)) == NULL)
		return -1;
	if ((r->defer = evtimer_new(r->ni->set->nh->pd->base, reply_later,
	    r)) == NULL || evtimer_add(r->defer, &zero) == -1)
		return -1;
	return 0;
}

/* The engine's answer (notifier_reply_fn's cb). */
static void
reply_answer(void *arg, const char *answer)
{
	struct nh_reply		*r = arg;

	if (r->answered) {
		log_warnx("notifier: a reply was answered twice");
		return;
	}
	r->answered = 1;
	/* A plugin is never called back inside reply_submit(). */
	if (r->in_submit && r->ni != NULL) {
		if (reply_defer(r, answer) == -1)
			fatalx("notifier: cannot defer a reply (out of "
			    "memory)");
		return;
	}
	if (r->ni != NULL) {
		TAILQ_REMOVE(&r->ni->replies, r, entry);
		r->cb(r->arg, answer);
	}
	reply_free(r);
}

static void
svc_reply_submit_id(void *ctx, const char *from, const char *text,
    const char *message_id, pagerd_reply_cb *cb, void *arg)
{
	struct nh_instance	*ni = ctx;
	struct notifier_host	*nh = ni->set->nh;
	struct nh_reply		*r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		svc_log(ni, PAGERD_LOG_ERR, "reply dropped: out of memory");
		return;
	}
	r->ni = ni;
	r->cb = cb;
	r->arg = arg;
	TAILQ_INSERT_TAIL(&ni->replies, r, entry);
	if (nh != NULL && nh->reply_fn != NULL && from != NULL &&
	    text != NULL) {
		r->in_submit = 1;
		nh->reply_fn(nh->reply_arg, ni->name, from, text, message_id,
		    reply_answer, r);
		r->in_submit = 0;
		return;
	}
	/* Nobody parses replies (yet): say nothing, on the next turn. */
	r->answered = 1;
	if (nh == NULL || reply_defer(r, NULL) == -1) {
		svc_log(ni, PAGERD_LOG_ERR, "reply dropped: out of memory");
		TAILQ_REMOVE(&ni->replies, r, entry);
		reply_free(r);
	}
}

static void
svc_reply_submit(void *ctx, const char *from, const char *text,
    pagerd_reply_cb *cb, void *arg)
{
	svc_reply_submit_id(ctx, from, text, NULL, cb, arg);
}

static void
svc_delivery_update(void *ctx, const char *provider_id,
    enum pagerd_notify_result result, const char *reason)
{
	struct nh_instance	*ni = ctx;
	struct notifier_host	*nh = ni->set->nh;

	if (provider_id == NULL)
		return;
	if (nh != NULL && nh->delivery_fn != NULL)
		nh->delivery_fn(nh->delivery_arg, ni->name, provider_id,
		    result, reason);
	else
		log_debug("notifier %s: delivery update for a message: %s",
		    ni->name, result_name(result));
}

/* ------------------------------------------------------------ sends */

static void
update_inflight_gauge(struct notifier_host *nh, const char *name)
{
	struct notifier_set	*set;
	const char		*kv[2] = { "notifier", name };
	double			 sum = 0;
	size_t			 i;

	for (set = nh->cur; set != NULL; set = set == nh->cur ?
	    TAILQ_FIRST(&nh->retired) : TAILQ_NEXT(set, entry))
		for (i = 0; i < set->n; i++)
			if (strcmp(set->v[i]->name, name) == 0)
				sum += set->v[i]->inflight;
	metrics_set(nh->pd->metrics, "pagerd_notifier_inflight", sum, 1, kv);
}

/* Hand the result to whoever sent, count it, free the record. */
static void
send_deliver(struct nh_send *s)
{
	struct nh_instance		*ni = s->ni;
	struct notifier_set		*set = ni->set;
	struct notifier_host		*nh = set->nh;
	struct pagerd_notify_status	 st;
	const char			*kv[4] = { "notifier", ni->name,
					    "result", result_name(s->result) };

	TAILQ_REMOVE(&ni->sends, s, entry);
	memset(&st, 0, sizeof(st));
	st.result = s->result;
	st.retry_after_s = s->retry_after_s;
	st.reason = s->reason;
	st.provider_id = s->provider_id;
	metrics_add(nh->pd->metrics, "pagerd_notifications_total", 1, 2, kv);
	if (s->result != PAGERD_NOTIFY_DELIVERED)
		log_info("notifier %s: %s: %s", ni->name, kv[3],
		    s->reason ? s->reason : "(no reason given)");
	s->done(s->arg, &st);
	if (s->defer != NULL)
		event_free(s->defer);
	free(s->reason);
	free(s->provider_id);
	free(s);
	set->pending--;
	if (set->retired && set->pending == 0)
		event_active(nh->reap, EV_TIMEOUT, 1);
	check_drained(nh);
}

static void
send_deferred(evutil_socket_t fd, short what, void *arg)
{
	send_deliver(arg);
}

/* Completed inside send(): the caller hears of it on the next turn. */
static void
send_defer(struct nh_send *s)
{
	struct timeval	 zero = { 0, 0 };

	if ((s->defer = evtimer_new(s->ni->set->nh->pd->base, send_deferred,
	    s)) == NULL || evtimer_add(s->defer, &zero) == -1)
		fatalx("notifier: cannot defer a completion (out of memory)");
}

static char *
clean_dup(const char *s, size_t max)
{
	char	*d;
	size_t	 i;

	if (s == NULL)
		return NULL;
	if ((d = strndup(s, max)) == NULL)
		return NULL;
	for (i = 0; d[i] != '\0'; i++)
		if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f)
			d[i] = ' ';
	return d;
}

static void
send_done(void *arg, const struct pagerd_notify_status *st)
{
	struct nh_send		*s = arg;
	struct nh_instance	*ni = s->ni;

	if (s->completed) {
		log_warnx("notifier %s: a send was completed twice (plugin "
		    "bug): ignored", ni->name);
		return;
	}
	s->completed = 1;
	s->result = st != NULL && (st->result == PAGERD_NOTIFY_DELIVERED ||
	    st->result == PAGERD_NOTIFY_PERMANENT) ? st->result :
	    PAGERD_NOTIFY_RETRY;
	s->retry_after_s = st != NULL && st->result == PAGERD_NOTIFY_RETRY &&
	    st->retry_after_s > 0 ? st->retry_after_s : 0;
	if (st != NULL) {
		s->reason = clean_dup(st->reason, 1000);
		s->provider_id = clean_dup(st->provider_id, 200);
	}
	ni->inflight--;
	update_inflight_gauge(ni->set->nh, ni->name);
	if (s->in_send)
		send_defer(s);
	else
		send_deliver(s);
}

static struct nh_instance *
find_instance(const struct notifier_set *set, const char *name)
{
	size_t	 i;

	for (i = 0; set != NULL && name != NULL && i < set->n; i++)
		if (strcmp(set->v[i]->name, name) == 0)
			return set->v[i];
	return NULL;
}

int
notifier_send(struct notifier_host *nh, const char *instance,
    const struct pagerd_notification *n, notifier_done_cb *done, void *arg)
{
	struct nh_instance		*ni = find_instance(nh->cur, instance);
	struct pagerd_notification	 copy;
	struct nh_send			*s;
	char				 url[NH_URL_MAX];
	char				 why[128];

	if (ni == NULL)
		return -1;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatalx("notifier: out of memory");
	s->ni = ni;
	s->done = done;
	s->arg = arg;
	TAILQ_INSERT_TAIL(&ni->sends, s, entry);
	ni->set->pending++;
	if (ni->inflight >= ni->max_inflight) {
		/* A slow provider must not pile up work: come back later. */
		snprintf(why, sizeof(why), "%d sends in flight "
		    "(max_inflight)", ni->inflight);
		s->completed = 1;
		s->result = PAGERD_NOTIFY_RETRY;
		s->retry_after_s = 1;
		s->reason = strdup(why);
		send_defer(s);
		return 0;
	}
	copy = *n;
	if (copy.url == NULL && ni->set->public_url != NULL &&
	    copy.incident_id > 0) {
		snprintf(url, sizeof(url), "%s/api/v1/incidents/%lld",
		    ni->set->public_url, copy.incident_id);
		copy.url = url;
	}
	ni->inflight++;
	update_inflight_gauge(nh, ni->name);
	s->in_send = 1;
	ni->plugin->send(ni->inst, &copy, send_done, s);
	s->in_send = 0;
	return 0;
}

/* ------------------------------------------------------------ inbound */

static void
inbound_respond(void *arg, int status, const char *ctype, const char *body,
    size_t len)
{
	struct nh_inbound	*ib = arg;
	struct evbuffer		*b = evbuffer_new();
	struct notifier_host	*nh = ib->ni->set->nh;

	if (status < 200 || status > 599)
		status = 500;
	if (b != NULL && body != NULL && len > 0)
		evbuffer_add(b, body, len);
	if (ctype != NULL && strpbrk(ctype, "\r\n") != NULL)
		ctype = NULL;
	http_reply_body(nh->pd, ib->req, status, ctype, b);
	if (b != NULL)
		evbuffer_free(b);
	TAILQ_REMOVE(&ib->ni->inbound, ib, entry);
	free(ib);
}

static const char *
method_name(enum evhttp_cmd_type m)
{
	switch (m) {
	case EVHTTP_REQ_GET:	return "GET";
	case EVHTTP_REQ_POST:	return "POST";
	case EVHTTP_REQ_HEAD:	return "HEAD";
	case EVHTTP_REQ_PUT:	return "PUT";
	case EVHTTP_REQ_DELETE:	return "DELETE";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	case EVHTTP_REQ_PATCH:	return "PATCH";
	default:		return "OTHER";
	}
}

int
notifier_host_route(struct notifier_host *nh, struct http_req *req,
    const char *path)
{
	struct notifier_set		*set = nh != NULL ? nh->cur : NULL;
	struct pagerd_inbound_request	 in;
	struct evkeyvalq		*hq;
	struct evkeyval			*kv;
	struct nh_route			*r = NULL;
	struct nh_inbound		*ib;
	struct evbuffer			*body;
	char				**hdrs = NULL, *text = NULL;
	char				 peer[80];
	const char			*pa;
	unsigned short			 port;
	size_t				 i, nh_ = 0, len;

	for (i = 0; set != NULL && i < set->nroutes; i++)
		if (strcmp(set->routes[i].path, path) == 0)
			r = &set->routes[i];
	if (r == NULL)
		return 0;
	memset(&in, 0, sizeof(in));
	hq = http_req_input_headers(req);
	TAILQ_FOREACH(kv, hq, next)
		nh_++;
	body = http_req_body(req);
	len = evbuffer_get_length(body);
	if ((ib = calloc(1, sizeof(*ib))) == NULL ||
	    (hdrs = calloc(nh_ + 1, sizeof(*hdrs))) == NULL ||
	    (text = malloc(len + 1)) == NULL)
		goto nomem;
	i = 0;
	TAILQ_FOREACH(kv, hq, next)
		if (asprintf(&hdrs[i++], "%s: %s", kv->key, kv->value) == -1) {
			hdrs[--i] = NULL;
			goto nomem;
		}
	evbuffer_copyout(body, text, len);
	text[len] = '\0';
	pa = http_req_peer(req, &port);
	snprintf(peer, sizeof(peer), "%s:%u", pa, (unsigned)port);
	in.method = method_name(http_req_method(req));
	in.path = path;
	in.query = evhttp_uri_get_query(http_req_uri(req));
	in.headers = (const char *const *)hdrs;
	in.nheaders = nh_;
	in.body = text;
	in.body_len = len;
	in.peer = peer;
	ib->ni = r->ni;
	ib->req = req;
	TAILQ_INSERT_TAIL(&r->ni->inbound, ib, entry);
	r->handler(r->arg, &in, inbound_respond, ib);
	for (i = 0; i < nh_; i++)
		free(hdrs[i]);
	free(hdrs);
	free(text);
	return 1;
nomem:
	for (i = 0; hdrs != NULL && i < nh_; i++)
		free(hdrs[i]);
	free(hdrs);
	free(text);
	free(ib);
	http_reply_error(nh->pd, req, 503, "out of memory", -1);
	return 1;
}

/* ------------------------------------------------------------ loading */

/*
 * Where notify_TYPE.so is: plugin_dir when the config sets one; else the
 * build-time PKGLIBDIR, then .libs beside the running binary (libtool's
 * output in a build tree, so ./pagerd runs where it was built).
 */
static int
plugin_path(const struct config *cfg, const char *type, char *path,
    size_t len, char *tried, size_t tlen)
{
	char	 exe[PATH_MAX], *slash;
	ssize_t	 n;

	if (cfg->plugin_dir != NULL) {
		snprintf(path, len, "%s/notify_%s.so", cfg->plugin_dir, type);
		snprintf(tried, tlen, "%s", cfg->plugin_dir);
		return access(path, F_OK) == 0 ? 0 : -1;
	}
	snprintf(path, len, "%s/notify_%s.so", PKGLIBDIR, type);
	if (access(path, F_OK) == 0)
		return 0;
	snprintf(tried, tlen, "%s", PKGLIBDIR);
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return -1;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	snprintf(path, len, "%s/.libs/notify_%s.so", exe, type);
	snprintf(tried, tlen, "%s nor %s/.libs", PKGLIBDIR, exe);
	return access(path, F_OK) == 0 ? 0 : -1;
}

/* Load and check the plugin; NULL with a message naming the file. */
static void *
plugin_open(const char *path, const char *type,
    const struct pagerd_notifier **out, char *why, size_t len)
{
	const struct pagerd_notifier	*p;
	const char			*e;
	void				*dl;

	if ((dl = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(why, len, "cannot load: %s", e ? e : path);
		return NULL;
	}
	if ((p = dlsym(dl, PAGERD_NOTIFIER_SYMBOL)) == NULL) {
		snprintf(why, len, "%s: no %s symbol: not a pagerd notifier "
		    "plugin, or built for another plugin ABI than %d", path,
		    PAGERD_NOTIFIER_SYMBOL, PAGERD_NOTIFIER_ABI);
		goto fail;
	}
	if (p->abi != PAGERD_NOTIFIER_ABI) {
		snprintf(why, len, "%s: built for plugin ABI %u, this pagerd "
		    "speaks ABI %d: rebuild it against this pagerd's "
		    "pagerd_notifier.h", path, p->abi, PAGERD_NOTIFIER_ABI);
		goto fail;
	}
	if (p->name == NULL || p->create == NULL || p->send == NULL ||
	    p->destroy == NULL) {
		snprintf(why, len, "%s: refused: the plugin lacks %s", path,
		    p->name == NULL ? "a name" : p->create == NULL ? "create" :
		    p->send == NULL ? "send" : "destroy");
		goto fail;
	}
	if (strcmp(p->name, type) != 0) {
		snprintf(why, len, "%s: the plugin's name is \"%.64s\", not "
		    "\"%s\"", path, p->name, type);
		goto fail;
	}
	*out = p;
	return dl;
fail:
	dlclose(dl);
	return NULL;
}

static void
set_host_table(struct nh_instance *ni)
{
	struct pagerd_host	*h = &ni->host;

	h->size = sizeof(*h);
	h->abi = PAGERD_NOTIFIER_ABI;
	h->ctx = ni;
	h->log = svc_log;
	h->http_request = svc_http_request;
	h->http_cancel = svc_http_cancel;
	h->timer_add = svc_timer_add;
	h->timer_cancel = svc_timer_cancel;
	h->read_secret = svc_read_secret;
	h->now_ms = svc_now_ms;
	h->route_add = svc_route_add;
	h->reply_submit = svc_reply_submit;
	h->reply_submit_id = svc_reply_submit_id;
	h->delivery_update = svc_delivery_update;
}

/* FILE:LINE of the setting a plugin complained about. */
static void
create_error(const struct notifier_cfg *nc,
    const struct pagerd_notifier_error *err, struct perr_list *errs)
{
	const char	*file = nc->file ? nc->file : "?";
	char		 key[160];
	int		 line = nc->line;
	size_t		 i;

	if (err->key[0] == '\0')
		snprintf(key, sizeof(key), "notifiers.%s", nc->name);
	else {
		snprintf(key, sizeof(key), "notifiers.%s.%s", nc->name,
		    err->key);
		for (i = 0; i < nc->n_settings; i++)
			if (strcmp(nc->settings[i].key, err->key) == 0) {
				file = nc->settings[i].file;
				line = nc->settings[i].line;
				break;
			}
	}
	perr_add(errs, file, line, key, "%s", err->msg[0] != '\0' ? err->msg :
	    "refused (the plugin gave no reason)");
}

static struct nh_instance *
instance_new(struct notifier_set *set, const struct config *cfg,
    const struct notifier_cfg *nc, struct perr_list *errs)
{
	struct nh_instance		*ni;
	struct pagerd_kv		*kv = NULL;
	struct pagerd_notifier_error	 err;
	char				 path[PATH_MAX + 32];
	char				 tried[PATH_MAX * 2];
	char				 why[PATH_MAX + 200], key[100];
	size_t				 i;

	snprintf(key, sizeof(key), "notifiers.%s.type", nc->name);
	if ((ni = calloc(1, sizeof(*ni))) == NULL ||
	    (ni->name = strdup(nc->name)) == NULL ||
	    (ni->type = strdup(nc->type)) == NULL) {
		perr_add(errs, nc->file, nc->line, key, "out of memory");
		goto fail;
	}
	ni->set = set;
	ni->address = (enum notifier_address)nc->address;
	ni->max_inflight = nc->max_inflight > 0 ? nc->max_inflight : 32;
	TAILQ_INIT(&ni->sends);
	TAILQ_INIT(&ni->timers);
	TAILQ_INIT(&ni->inbound);
	TAILQ_INIT(&ni->replies);
	set_host_table(ni);
	if (plugin_path(cfg, nc->type, path, sizeof(path), tried,
	    sizeof(tried)) == -1) {
		perr_add(errs, nc->file, nc->line, key, "unknown notifier type "
		    "\"%s\": no notify_%s.so in %s", nc->type, nc->type, tried);
		goto fail;
	}
	if ((ni->dl = plugin_open(path, nc->type, &ni->plugin, why,
	    sizeof(why))) == NULL) {
		perr_add(errs, nc->file, nc->line, key, "%s", why);
		goto fail;
	}
	if (nc->n_settings > 0 &&
	    (kv = calloc(nc->n_settings, sizeof(*kv))) == NULL) {
		perr_add(errs, nc->file, nc->line, key, "out of memory");
		goto fail;
	}
	for (i = 0; i < nc->n_settings; i++) {
		kv[i].key = nc->settings[i].key;
		kv[i].value = nc->settings[i].value;
	}
	memset(&err, 0, sizeof(err));
	ni->creating = 1;
	ni->inst = ni->plugin->create(ni->name, kv, nc->n_settings, &ni->host,
	    &err);
	ni->creating = 0;
	free(kv);
	if (ni->inst == NULL) {
		err.key[sizeof(err.key) - 1] = '\0';
		err.msg[sizeof(err.msg) - 1] = '\0';
		create_error(nc, &err, errs);
		goto fail;
	}
	return ni;
fail:
	if (ni != NULL)
		instance_free(ni, NULL);
	return NULL;
}

/*
 * Destroy the plugin's instance, then reap what it left: calls and
 * timers are dropped without callbacks, inbound requests answered 503,
 * replies orphaned, sends still outstanding (only at shutdown) answered
 * RETRY so their owners can let go.
 */
static void
instance_free(struct nh_instance *ni, const char *why)
{
	struct notifier_host	*nh = ni->set->nh;
	struct pagerd_timer	*t;
	struct nh_inbound	*ib;
	struct nh_reply		*r;
	struct nh_send		*s;
	size_t			 n = 0;

	if (ni->inst != NULL)
		ni->plugin->destroy(ni->inst);
	ni->inst = NULL;
	if (nh != NULL && nh->curl != NULL)
		n = curl_loop_cancel_owner(nh->curl, ni);
	while ((t = TAILQ_FIRST(&ni->timers)) != NULL) {
		TAILQ_REMOVE(&ni->timers, t, entry);
		event_free(t->ev);
		free(t);
		n++;
	}
	if (n > 0)
		log_debug("notifier %s: reaped %zu calls and timers left at "
		    "destroy", ni->name, n);
	while ((ib = TAILQ_FIRST(&ni->inbound)) != NULL) {
		TAILQ_REMOVE(&ni->inbound, ib, entry);
		http_reply_error(nh->pd, ib->req, 503, "notifier reloaded or "
		    "stopping: try again", -1);
		free(ib);
	}
	/* Replies the engine still holds are freed when it answers. */
	while ((r = TAILQ_FIRST(&ni->replies)) != NULL) {
		TAILQ_REMOVE(&ni->replies, r, entry);
		r->ni = NULL;
		if (r->defer != NULL)
			reply_free(r);
	}
	while ((s = TAILQ_FIRST(&ni->sends)) != NULL) {
		if (!s->completed) {
			s->completed = 1;
			s->result = PAGERD_NOTIFY_RETRY;
			free(s->reason);
			s->reason = strdup(why ? why : "notifier destroyed");
			ni->inflight--;
		}
		send_deliver(s);
	}
	if (ni->dl != NULL)
		dlclose(ni->dl);
	free(ni->name);
	free(ni->type);
	free(ni);
}

struct notifier_set *
notifier_set_load(struct notifier_host *nh, const struct config *cfg,
    struct perr_list *errs)
{
	struct notifier_set	*set;
	const char		*slash;
	size_t			 first = errs->n, i, len;

	if ((set = calloc(1, sizeof(*set))) == NULL ||
	    (cfg->n_notifiers > 0 && (set->v = calloc(cfg->n_notifiers,
	    sizeof(*set->v))) == NULL))
		goto nomem;
	set->nh = nh;
	set->cred_dir = nh != NULL ? nh->pd->cred_dir :
	    getenv("CREDENTIALS_DIRECTORY");
	slash = strrchr(cfg->path, '/');
	set->config_dir = slash == NULL ? strdup(".") : slash == cfg->path ?
	    strdup("/") : strndup(cfg->path, (size_t)(slash - cfg->path));
	if (set->config_dir == NULL)
		goto nomem;
	if (cfg->http_public_url != NULL) {
		len = strlen(cfg->http_public_url);
		while (len > 0 && cfg->http_public_url[len - 1] == '/')
			len--;
		if ((set->public_url = strndup(cfg->http_public_url, len)) ==
		    NULL)
			goto nomem;
	}
	/* Go on after a failure, so that -t shows every broken section. */
	for (i = 0; i < cfg->n_notifiers; i++)
		if ((set->v[set->n] = instance_new(set, cfg,
		    &cfg->notifiers[i], errs)) != NULL)
			set->n++;
	if (errs->n > first) {
		notifier_set_free(set);
		return NULL;
	}
	return set;
nomem:
	perr_add(errs, cfg->path, 0, "notifiers", "out of memory");
	notifier_set_free(set);
	return NULL;
}

void
notifier_set_free(struct notifier_set *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		instance_free(set->v[i], "pagerd is stopping");
	for (i = 0; i < set->nroutes; i++)
		free(set->routes[i].path);
	free(set->routes);
	free(set->v);
	free(set->public_url);
	free(set->config_dir);
	free(set);
}

/* ------------------------------------------------------------ host */

/* Retired sets whose sends have all been answered go, on a fresh turn. */
static void
reap(evutil_socket_t fd, short what, void *arg)
{
	struct notifier_host	*nh = arg;
	struct notifier_set	*set, *next;

	for (set = TAILQ_FIRST(&nh->retired); set != NULL; set = next) {
		next = TAILQ_NEXT(set, entry);
		if (set->pending > 0)
			continue;
		TAILQ_REMOVE(&nh->retired, set, entry);
		log_debug("notifier: old instances destroyed");
		notifier_set_free(set);
	}
}

void
notifier_set_activate(struct notifier_host *nh, struct notifier_set *set)
{
	struct notifier_set	*old = nh->cur;
	size_t			 i;

	nh->cur = set;
	for (i = 0; set != NULL && i < set->n; i++)
		update_inflight_gauge(nh, set->v[i]->name);
	if (old == NULL)
		return;
	old->retired = 1;
	TAILQ_INSERT_TAIL(&nh->retired, old, entry);
	event_active(nh->reap, EV_TIMEOUT, 1);
}

struct notifier_host *
notifier_host_new(struct pagerd *pd)
{
	struct notifier_host	*nh;

	if ((nh = calloc(1, sizeof(*nh))) == NULL)
		return NULL;
	nh->pd = pd;
	TAILQ_INIT(&nh->retired);
	if ((nh->curl = curl_loop_new(pd->base)) == NULL ||
	    (nh->reap = event_new(pd->base, -1, 0, reap, nh)) == NULL) {
		notifier_host_free(nh);
		return NULL;
	}
	metrics_declare(pd->metrics, "pagerd_notifications_total",
	    METRIC_COUNTER, "Notification attempts finished, by notifier "
	    "and result (delivered, retry, permanent).");
	metrics_declare(pd->metrics, "pagerd_notifier_inflight", METRIC_GAUGE,
	    "Notification attempts in flight, by notifier.");
	return nh;
}

int
notifier_exists(const struct notifier_host *nh, const char *instance)
{
	return find_instance(nh->cur, instance) != NULL;
}

const char *
notifier_type(const struct notifier_host *nh, const char *instance)
{
	struct nh_instance	*ni = find_instance(nh->cur, instance);

	return ni != NULL ? ni->type : NULL;
}

enum notifier_address
notifier_address_of(const struct notifier_host *nh, const char *instance)
{
	struct nh_instance	*ni = find_instance(nh->cur, instance);

	return ni != NULL ? ni->address : NOTIFIER_ADDRESS_ID;
}

size_t
notifier_count(const struct notifier_host *nh)
{
	return nh->cur != NULL ? nh->cur->n : 0;
}

const char *
notifier_name_at(const struct notifier_host *nh, size_t i)
{
	return nh->cur != NULL && i < nh->cur->n ? nh->cur->v[i]->name : NULL;
}

void
notifier_host_run(struct notifier_host *nh)
{
	if (nh != NULL)
		curl_loop_run(nh->curl);
}

void
notifier_host_set_reply_handler(struct notifier_host *nh,
    notifier_reply_fn *fn, void *arg)
{
	nh->reply_fn = fn;
	nh->reply_arg = arg;
}

void
notifier_host_set_delivery_handler(struct notifier_host *nh,
    notifier_delivery_fn *fn, void *arg)
{
	nh->delivery_fn = fn;
	nh->delivery_arg = arg;
}

static size_t
pending_sends(const struct notifier_host *nh)
{
	const struct notifier_set	*set;
	size_t				 n = nh->cur ? nh->cur->pending : 0;

	TAILQ_FOREACH(set, &nh->retired, entry)
		n += set->pending;
	return n;
}

static void
drained_now(evutil_socket_t fd, short what, void *arg)
{
	struct notifier_host	*nh = arg;
	void			(*fn)(void *) = nh->drained;

	nh->drained = NULL;
	if (fn != NULL)
		fn(nh->drained_arg);
}

static void
check_drained(struct notifier_host *nh)
{
	if (nh->drained != NULL && nh->drained_ev != NULL &&
	    pending_sends(nh) == 0)
		event_active(nh->drained_ev, EV_TIMEOUT, 1);
}

void
notifier_host_shutdown(struct notifier_host *nh, void (*done)(void *),
    void *arg)
{
	nh->drained = done;
	nh->drained_arg = arg;
	if (nh->drained_ev == NULL &&
	    (nh->drained_ev = event_new(nh->pd->base, -1, 0, drained_now,
	    nh)) == NULL) {
		done(arg);	/* out of memory: do not hold the exit up */
		return;
	}
	if (pending_sends(nh) > 0)
		log_info("notifier: waiting for %zu sends in flight",
		    pending_sends(nh));
	check_drained(nh);
}

void
notifier_host_free(struct notifier_host *nh)
{
	struct notifier_set	*set;

	if (nh == NULL)
		return;
	nh->drained = NULL;
	notifier_set_free(nh->cur);
	nh->cur = NULL;
	while ((set = TAILQ_FIRST(&nh->retired)) != NULL) {
		TAILQ_REMOVE(&nh->retired, set, entry);
		notifier_set_free(set);
	}
	curl_loop_free(nh->curl);
	if (nh->reap != NULL)
		event_free(nh->reap);
	if (nh->drained_ev != NULL)
		event_free(nh->drained_ev);
	free(nh);
}
