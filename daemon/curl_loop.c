/*
 * daemon/curl_loop.c — libcurl's multi socket API on the daemon's
 * libevent loop: libcurl says which sockets to watch and when to wake it
 * (CURLMOPT_SOCKETFUNCTION, CURLMOPT_TIMERFUNCTION); libevent watches and
 * wakes. Completions are read after curl_multi_socket_action() returns,
 * so a caller's callback never runs inside libcurl, and libcurl's first
 * wake-up of a new transfer is a zero timer, so never inside
 * curl_loop_start() either.
 */
#include "autoconf.h"

#include <sys/queue.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "curl_loop.h"
#include "log.h"

#define HEADERS_MAX		100	/* response headers kept */
#define HEADER_LINE_MAX		8192

struct curl_call {
	TAILQ_ENTRY(curl_call)	 entry;
	struct curl_loop	*cl;
	void			*owner;
	CURL			*easy;
	pagerd_http_cb		*cb;
	void			*arg;
	struct curl_slist	*req_headers;
	struct curl_slist	*rcpts;
	char			*body;		/* our copy of req->body */
	size_t			 body_len;
	size_t			 body_off;	/* SMTP upload position */
	char			*resp;		/* NUL-terminated */
	size_t			 resp_len;
	int			 too_big;
	int			 smtp;		/* smtp:// or smtps:// */
	int			 finishing;	/* its callback runs */
	char			**hdrs;		/* response headers */
	size_t			 nhdrs;
	char			 errbuf[CURL_ERROR_SIZE];
};

TAILQ_HEAD(call_list, curl_call);

struct curl_loop {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
	struct call_list	 calls;
	LIST_HEAD(, curl_sock)	 socks;
	int			 due;	/* the timer says now */
	int			 inside; /* libcurl or a cb runs */
};

/* One socket libcurl asked us to watch. */
struct curl_sock {
	LIST_ENTRY(curl_sock)	 entry;
	struct curl_loop	*cl;
	struct event		*ev;
	curl_socket_t		 fd;
};

/* ------------------------------------------------------------ calls */

static void
call_free(struct curl_call *c)
{
	size_t	 i;

	if (c->easy != NULL)
		curl_easy_cleanup(c->easy);
	curl_slist_free_all(c->req_headers);
	curl_slist_free_all(c->rcpts);
	free(c->body);
	free(c->resp);
	for (i = 0; i < c->nhdrs; i++)
		free(c->hdrs[i]);
	free(c->hdrs);
	free(c);
}

/* Take the call out of the multi handle and the list; no callback. */
static void
call_detach(struct curl_call *c)
{
	curl_multi_remove_handle(c->cl->multi, c->easy);
	TAILQ_REMOVE(&c->cl->calls, c, entry);
}

static void
finish(struct curl_loop *cl, struct curl_call *c, CURLcode rc)
{
	struct pagerd_http_response	 resp;
	char				 why[CURL_ERROR_SIZE + 64];
	long				 code = 0;

	memset(&resp, 0, sizeof(resp));
	call_detach(c);
	/* Over the cap by Content-Length (MAXFILESIZE) or while reading. */
	if (rc == CURLE_FILESIZE_EXCEEDED)
		c->too_big = 1;
	if (c->too_big)
		snprintf(why, sizeof(why), "response body larger than %d "
		    "bytes", CURL_LOOP_BODY_MAX);
	else if (rc != CURLE_OK && (c->errbuf[0] == '\0' ||
	    strcmp(c->errbuf, curl_easy_strerror(rc)) == 0))
		snprintf(why, sizeof(why), "%s", curl_easy_strerror(rc));
	else if (rc != CURLE_OK)
		snprintf(why, sizeof(why), "%s: %s", curl_easy_strerror(rc),
		    c->errbuf);
	/*
	 * An SMTP server that refused ("550 no such user" at RCPT) fails
	 * the transfer but did answer: give its code too, so a plugin
	 * tells a permanent refusal from a network failure. Not for HTTP:
	 * a body cut off after a 200 must not look like a delivery.
	 */
	if (!c->too_big && (rc == CURLE_OK || c->smtp))
		curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &code);
	resp.status = (int)code;
	if (c->too_big || rc != CURLE_OK)
		resp.error = why;
	resp.headers = (const char *const *)c->hdrs;
	resp.nheaders = c->nhdrs;
	resp.body = c->resp != NULL && resp.error == NULL ? c->resp : "";
	resp.body_len = resp.error == NULL ? c->resp_len : 0;
	c->finishing = 1;
	c->cb(c->arg, &resp);
	call_free(c);
}

/* Completions, read after libcurl has returned to us. */
static void
check_done(struct curl_loop *cl)
{
	CURLMsg			*msg;
	struct curl_call	*c;
	int			 left;

	while ((msg = curl_multi_info_read(cl->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		c = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    (char **)&c);
		if (c != NULL)
			finish(cl, c, msg->data.result);
	}
}

/* ------------------------------------------------------------ loop glue */

static void
on_event(evutil_socket_t fd, short what, void *arg)
{
	struct curl_loop	*cl = arg;
	int			 running, action = 0;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	cl->inside++;
	curl_multi_socket_action(cl->multi, fd, action, &running);
	check_done(cl);
	cl->inside--;
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct curl_loop	*cl = arg;
	int			 running;

	cl->due = 0;
	cl->inside++;
	curl_multi_socket_action(cl->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(cl);
	cl->inside--;
}

void
curl_loop_run(struct curl_loop *cl)
{
	if (cl == NULL || !cl->due || cl->inside > 0)
		return;
	evtimer_del(cl->timer);
	on_timer(-1, 0, cl);
}

static int
socket_fn(CURL *easy, curl_socket_t fd, int what, void *userp, void *sockp)
{
	struct curl_loop	*cl = userp;
	struct curl_sock	*s = sockp;
	short			 flags = EV_PERSIST;

	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			if (s->ev != NULL)
				event_free(s->ev);
			LIST_REMOVE(s, entry);
			free(s);
			curl_multi_assign(cl->multi, fd, NULL);
		}
		return 0;
	}
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return -1;
		s->cl = cl;
		s->fd = fd;
		LIST_INSERT_HEAD(&cl->socks, s, entry);
		curl_multi_assign(cl->multi, fd, s);
	} else if (s->ev != NULL)
		event_free(s->ev);
	if (what & CURL_POLL_IN)
		flags |= EV_READ;
	if (what & CURL_POLL_OUT)
		flags |= EV_WRITE;
	if ((s->ev = event_new(cl->base, fd, flags, on_event, cl)) == NULL ||
	    event_add(s->ev, NULL) == -1) {
		log_warnx("curl: cannot watch a socket");
		return -1;
	}
	return 0;
}

static int
timer_fn(CURLM *multi, long timeout_ms, void *userp)
{
	struct curl_loop	*cl = userp;
	struct timeval		 tv;

	cl->due = timeout_ms == 0;
	if (timeout_ms < 0) {
		evtimer_del(cl->timer);
		return 0;
	}
	/* 0 means "now": on the next loop turn, never re-entering libcurl. */
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	return evtimer_add(cl->timer, &tv);
}

/* ------------------------------------------------------------ transfers */

static size_t
write_fn(char *p, size_t size, size_t n, void *arg)
{
	struct curl_call	*c = arg;
	size_t			 len = size * n;
	char			*nb;

	if (len > CURL_LOOP_BODY_MAX - c->resp_len) {
		c->too_big = 1;
		return 0;	/* fails the transfer: CURLE_WRITE_ERROR */
	}
	if ((nb = realloc(c->resp, c->resp_len + len + 1)) == NULL)
		return 0;
	memcpy(nb + c->resp_len, p, len);
	c->resp = nb;
	c->resp_len += len;
	c->resp[c->resp_len] = '\0';
	return len;
}

static size_t
header_fn(char *p, size_t size, size_t n, void *arg)
{
	struct curl_call	*c = arg;
	size_t			 len = size * n, l = len, i;
	char			*line;

	while (l > 0 && (p[l - 1] == '\r' || p[l - 1] == '\n'))
		l--;
	/* A new status line: an interim 100 Continue's headers go. */
	if (l >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		for (i = 0; i < c->nhdrs; i++)
			free(c->hdrs[i]);
		c->nhdrs = 0;
		return len;
	}
	if (l == 0 || l > HEADER_LINE_MAX || c->nhdrs >= HEADERS_MAX ||
	    memchr(p, ':', l) == NULL)
		return len;
	if (c->hdrs == NULL &&
	    (c->hdrs = calloc(HEADERS_MAX + 1, sizeof(*c->hdrs))) == NULL)
		return len;
	if ((line = strndup(p, l)) != NULL)
		c->hdrs[c->nhdrs++] = line;
	return len;
}

/* SMTP: the message is uploaded from our copy of the body. */
static size_t
read_fn(char *p, size_t size, size_t n, void *arg)
{
	struct curl_call	*c = arg;
	size_t			 len = size * n;

	if (len > c->body_len - c->body_off)
		len = c->body_len - c->body_off;
	memcpy(p, c->body + c->body_off, len);
	c->body_off += len;
	return len;
}

/* Text that goes into a request line or header: no CR, LF or NUL tricks. */
static int
clean_line(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\r' || *s == '\n')
			return 0;
	return 1;
}

static int
scheme_is(const char *url, const char *scheme)
{
	size_t	 n = strlen(scheme);

	return strncasecmp(url, scheme, n) == 0 && strncmp(url + n, "://", 3)
	    == 0;
}

/* Check what a plugin asked for before any of it reaches libcurl. */
static const char *
check_request(const struct pagerd_http_request *req, int *smtp)
{
	const char	*p;
	size_t		 i;

	if (req->url == NULL)
		return "url is required";
	for (p = req->url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return "url contains a space or a control character";
	*smtp = scheme_is(req->url, "smtp") || scheme_is(req->url, "smtps");
	if (!*smtp && !scheme_is(req->url, "http") &&
	    !scheme_is(req->url, "https"))
		return "url must be http://, https://, smtp:// or smtps://";
	/* SMTP has no method: whatever was passed is not used. */
	if (!*smtp && (req->method == NULL || *req->method == '\0'))
		return "method is required";
	for (p = req->method; !*smtp && *p != '\0'; p++)
		if (!isupper((unsigned char)*p))
			return "method must be upper-case letters";
	if (req->nheaders > 0 && req->headers == NULL)
		return "nheaders without headers";
	for (i = 0; i < req->nheaders; i++) {
		if (req->headers[i] == NULL ||
		    strchr(req->headers[i], ':') == NULL ||
		    req->headers[i][0] == ':')
			return "a header is not \"Name: value\"";
		if (!clean_line(req->headers[i]))
			return "a header contains CR or LF";
	}
	if (req->body_len > 0 && req->body == NULL)
		return "body_len without body";
	if (req->userpwd != NULL && !clean_line(req->userpwd))
		return "userpwd contains CR or LF";
	if (!*smtp)
		return NULL;
	if (req->mail_from == NULL || req->nmail_rcpt == 0 ||
	    req->mail_rcpt == NULL)
		return "smtp needs mail_from and mail_rcpt";
	if (!clean_line(req->mail_from) || strpbrk(req->mail_from, "<>")
	    != NULL)
		return "mail_from contains CR, LF, '<' or '>'";
	for (i = 0; i < req->nmail_rcpt; i++)
		if (req->mail_rcpt[i] == NULL || *req->mail_rcpt[i] == '\0' ||
		    !clean_line(req->mail_rcpt[i]) ||
		    strpbrk(req->mail_rcpt[i], "<>") != NULL)
			return "a mail_rcpt is empty or contains CR, LF, '<' "
			    "or '>'";
	return NULL;
}

static int
append(struct curl_slist **l, const char *s)
{
	struct curl_slist	*n;

	if ((n = curl_slist_append(*l, s)) == NULL)
		return -1;
	*l = n;
	return 0;
}

/* Every option, each checked: a failed setopt must not go unnoticed. */
static int
setup(struct curl_call *c, const struct pagerd_http_request *req, int smtp)
{
	CURL		*e = c->easy;
	long		 timeout = req->timeout_ms;
	size_t		 i;
	int		 bad = 0, has_expect = 0;

	if (timeout <= 0)
		timeout = CURL_LOOP_TIMEOUT_MS;
	if (timeout > CURL_LOOP_TIMEOUT_MAX_MS)
		timeout = CURL_LOOP_TIMEOUT_MAX_MS;
#define SET(opt, v)	bad |= curl_easy_setopt(e, opt, v) != CURLE_OK
	SET(CURLOPT_PRIVATE, c);
	SET(CURLOPT_URL, req->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https,smtp,smtps");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, timeout);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)CURL_LOOP_BODY_MAX);
	SET(CURLOPT_ERRORBUFFER, c->errbuf);
	SET(CURLOPT_WRITEFUNCTION, write_fn);
	SET(CURLOPT_WRITEDATA, c);
	SET(CURLOPT_HEADERFUNCTION, header_fn);
	SET(CURLOPT_HEADERDATA, c);
	SET(CURLOPT_USERAGENT, "pagerd/" PACKAGE_VERSION);
	if (req->userpwd != NULL)
		SET(CURLOPT_USERPWD, req->userpwd);
	for (i = 0; i < req->nheaders; i++) {
		if (strncasecmp(req->headers[i], "Expect:", 7) == 0)
			has_expect = 1;
		bad |= append(&c->req_headers, req->headers[i]);
	}
	if (smtp) {
		/* Upgrade to TLS when the server offers it (STARTTLS). */
		if (scheme_is(req->url, "smtp"))
			SET(CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
		SET(CURLOPT_MAIL_FROM, req->mail_from);
		for (i = 0; i < req->nmail_rcpt; i++)
			bad |= append(&c->rcpts, req->mail_rcpt[i]);
		SET(CURLOPT_MAIL_RCPT, c->rcpts);
		SET(CURLOPT_UPLOAD, 1L);
		SET(CURLOPT_READFUNCTION, read_fn);
		SET(CURLOPT_READDATA, c);
		SET(CURLOPT_INFILESIZE_LARGE, (curl_off_t)c->body_len);
	} else {
		/* No "Expect: 100-continue" wait before the body. */
		if (!has_expect)
			bad |= append(&c->req_headers, "Expect:");
		if (strcmp(req->method, "HEAD") == 0)
			SET(CURLOPT_NOBODY, 1L);
		else if (strcmp(req->method, "GET") != 0 ||
		    c->body_len > 0) {
			SET(CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)c->body_len);
			SET(CURLOPT_POSTFIELDS, c->body);
			if (strcmp(req->method, "POST") != 0)
				SET(CURLOPT_CUSTOMREQUEST, req->method);
		}
		SET(CURLOPT_HTTPHEADER, c->req_headers);
	}
#undef SET
	return bad ? -1 : 0;
}

struct curl_call *
curl_loop_start(struct curl_loop *cl, void *owner,
    const struct pagerd_http_request *req, pagerd_http_cb *cb, void *arg,
    char *err, size_t errlen)
{
	struct curl_call	*c;
	const char		*why;
	int			 smtp = 0;

	if ((why = check_request(req, &smtp)) != NULL) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto nomem;
	c->cl = cl;
	c->owner = owner;
	c->cb = cb;
	c->arg = arg;
	c->smtp = smtp;
	c->body_len = req->body_len;
	/* One byte more, so an empty body is a valid pointer too. */
	if ((c->body = malloc(req->body_len + 1)) == NULL)
		goto nomem;
	if (req->body_len > 0)
		memcpy(c->body, req->body, req->body_len);
	c->body[req->body_len] = '\0';
	if ((c->easy = curl_easy_init()) == NULL)
		goto nomem;
	if (setup(c, req, smtp) == -1) {
		snprintf(err, errlen, "libcurl refused an option (out of "
		    "memory, or an unsupported URL)");
		call_free(c);
		return NULL;
	}
	if (curl_multi_add_handle(cl->multi, c->easy) != CURLM_OK)
		goto nomem;
	TAILQ_INSERT_TAIL(&cl->calls, c, entry);
	return c;
nomem:
	snprintf(err, errlen, "out of memory");
	if (c != NULL)
		call_free(c);
	return NULL;
}

void
curl_loop_cancel(struct curl_loop *cl, struct curl_call *c)
{
	/* Cancelling a call from its own callback: it is going anyway. */
	if (c == NULL || c->finishing)
		return;
	call_detach(c);
	call_free(c);
}

size_t
curl_loop_cancel_owner(struct curl_loop *cl, void *owner)
{
	struct curl_call	*c, *next;
	size_t			 n = 0;

	for (c = TAILQ_FIRST(&cl->calls); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->owner != owner)
			continue;
		curl_loop_cancel(cl, c);
		n++;
	}
	return n;
}

/* ------------------------------------------------------------ life */

struct curl_loop *
curl_loop_new(struct event_base *base)
{
	struct curl_loop	*cl;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_warnx("curl: global init failed");
		return NULL;
	}
	if ((cl = calloc(1, sizeof(*cl))) == NULL)
		goto fail;
	cl->base = base;
	TAILQ_INIT(&cl->calls);
	LIST_INIT(&cl->socks);
	if ((cl->multi = curl_multi_init()) == NULL ||
	    (cl->timer = evtimer_new(base, on_timer, cl)) == NULL)
		goto fail;
	curl_multi_setopt(cl->multi, CURLMOPT_SOCKETFUNCTION, socket_fn);
	curl_multi_setopt(cl->multi, CURLMOPT_SOCKETDATA, cl);
	curl_multi_setopt(cl->multi, CURLMOPT_TIMERFUNCTION, timer_fn);
	curl_multi_setopt(cl->multi, CURLMOPT_TIMERDATA, cl);
	return cl;
fail:
	log_warnx("curl: out of memory");
	if (cl != NULL)
		curl_loop_free(cl);	/* cleans up the global init too */
	else
		curl_global_cleanup();
	return NULL;
}

void
curl_loop_free(struct curl_loop *cl)
{
	struct curl_call	*c;
	struct curl_sock	*s;

	if (cl == NULL)
		return;
	while ((c = TAILQ_FIRST(&cl->calls)) != NULL)
		curl_loop_cancel(cl, c);
	if (cl->multi != NULL)
		curl_multi_cleanup(cl->multi);
	/* Sockets of cached connections libcurl did not hand back. */
	while ((s = LIST_FIRST(&cl->socks)) != NULL) {
		LIST_REMOVE(s, entry);
		if (s->ev != NULL)
			event_free(s->ev);
		free(s);
	}
	if (cl->timer != NULL)
		event_free(cl->timer);
	free(cl);
	curl_global_cleanup();
}
