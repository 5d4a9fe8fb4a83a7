/*
 * pagerd_notifier.h — the notifier plugin ABI: what a plugin .so exports
 * and the services pagerd lends it. This header is the whole contract; a
 * plugin includes nothing else from pagerd. It is not the plugin host:
 * how the daemon loads, configures and drives plugins lives in daemon/.
 */
#ifndef PAGERD_NOTIFIER_H
#define PAGERD_NOTIFIER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * OVERVIEW
 *
 * A notifier plugin is a shared object (built as a libtool module,
 * "-module -avoid-version") that exports exactly one data symbol:
 *
 *	const struct pagerd_notifier pagerd_notifier_v1 = { ... };
 *
 * The host dlopen()s the file, dlsym()s PAGERD_NOTIFIER_SYMBOL, and
 * refuses the plugin (naming the file) unless abi == PAGERD_NOTIFIER_ABI
 * and name, create, send and destroy are all set. A config file then
 * makes any number of instances of one plugin ("twilio" for the on-call
 * team, another for managers), each with its own settings.
 *
 * RULES THAT KEEP ONE EVENT LOOP HEALTHY
 *
 * pagerd runs one thread and one libevent loop for everything: intake,
 * Redis, timers and every plugin. So a plugin:
 *
 *   - never blocks: no sleep(), no blocking connect()/read()/write(), no
 *     synchronous HTTP, no DNS lookups of its own. Network I/O goes
 *     through host->http_request(), waiting through host->timer_add().
 *     The one exception is create(), which runs while a config is loaded
 *     and may read small files (host->read_secret()).
 *   - never creates threads, never forks, never installs signal handlers,
 *     never calls exit().
 *   - never sees Redis. Delivery state (the outbox, retries, who was
 *     paged, acknowledgements) belongs to the host; a plugin only turns
 *     one notification into one delivery attempt and says how it went.
 *   - calls the host only from the loop thread, that is from inside one
 *     of its own callbacks (create, send, destroy, or a completion the
 *     host called).
 *
 * OWNERSHIP, THE SHORT VERSION (hiredis style)
 *
 *   - Everything the host passes in (notifications, config pairs, HTTP
 *     responses, inbound requests) is borrowed: valid until the callback
 *     it was passed to returns. Copy what you need to keep.
 *   - Everything a plugin passes to a host service (request fields,
 *     headers, log text) is copied by the host before the service
 *     returns: the plugin may free or reuse it at once.
 *   - Handles the host returns (struct pagerd_http_call,
 *     struct pagerd_timer) belong to the host. They stay valid until
 *     their callback has returned or they were cancelled, whichever comes
 *     first; never use one after that.
 *   - The instance pointer create() returns belongs to the plugin and is
 *     freed by the plugin in destroy().
 *
 * All strings are NUL-terminated UTF-8. A pointer documented "or NULL"
 * may be NULL; every other pointer is never NULL.
 *
 * COMPATIBILITY
 *
 * Any incompatible change to this header bumps PAGERD_NOTIFIER_ABI and
 * renames the symbol (pagerd_notifier_v2), so an old plugin is refused
 * with a clear message instead of crashing. One compatible change is
 * allowed within an ABI: new services appended to the end of struct
 * pagerd_host. A plugin that uses a service added after ABI 1 first
 * checks PAGERD_HOST_HAS(host, member).
 */

#define PAGERD_NOTIFIER_ABI	1
#define PAGERD_NOTIFIER_SYMBOL	"pagerd_notifier_v1"

/* Same numbers as <syslog.h>, so the host passes them straight through. */
enum pagerd_log_level {
	PAGERD_LOG_ERR = 3,
	PAGERD_LOG_WARNING = 4,
	PAGERD_LOG_NOTICE = 5,
	PAGERD_LOG_INFO = 6,
	PAGERD_LOG_DEBUG = 7
};

/* ------------------------------------------------------------ config */

/*
 * One setting of the instance's config section, as text. The host
 * flattens the section: strings as they are, numbers and booleans as
 * they were written ("30", "true"), durations unparsed ("90s"); nested
 * groups are not allowed in a notifier section, lists become one pair
 * per element with the same key. Pairs come in file order.
 */
struct pagerd_kv {
	const char	*key;		/* "account_sid" */
	const char	*value;		/* "AC123..." */
};

/*
 * What create() fills in when it refuses a config. The host prints it as
 * "FILE:LINE: notifiers.NAME.KEY: MSG" using the line it knows for the
 * key, so a plugin only names the key; key "" means the section as a
 * whole. One error fits: report the first problem found.
 */
struct pagerd_notifier_error {
	char	 key[64];
	char	 msg[256];
};

/* ------------------------------------------------------- what to send */

enum pagerd_notify_kind {
	/* Someone must act: carries a reply code, escalates if unanswered. */
	PAGERD_NOTIFY_PAGE = 0,
	/* For information only (acknowledged, resolved, escalated past you):
	 * reply_code is 0 and no answer is expected. */
	PAGERD_NOTIFY_UPDATE
};

struct pagerd_recipient {
	const char	*id;		/* person id from the rota: "alice" */
	const char	*name;		/* display name: "Alice Smith" */
	/*
	 * Where to deliver, in the form this instance's medium uses, as
	 * chosen by the route: E.164 phone number ("+15551230001") for SMS
	 * and voice, an address ("alice@example.com") for email, a user or
	 * channel id for chat. Plugins validate it and fail PERMANENT when
	 * it is not theirs.
	 */
	const char	*address;
};

/*
 * One delivery attempt. Borrowed: valid until send() returns, even when
 * the attempt completes later, so copy what the completion needs.
 */
struct pagerd_notification {
	enum pagerd_notify_kind	 kind;
	long long		 incident_id;	/* short: fits an SMS reply */
	const char		*severity;	/* "sev1", "sev2", "sev3" */
	const char		*title;		/* incident title, one line */
	const char		*summary;	/* longer text, may hold '\n' */
	const char		*status;	/* "triggered", "acknowledged",
						 * "resolved" */
	struct pagerd_recipient	 recipient;
	/*
	 * The number the recipient puts in front of a reply ("3 ack"), unique
	 * among the pages this person has open; 0 for UPDATE.
	 */
	int			 reply_code;
	/*
	 * Stable across every retry of this notification and unique among
	 * all others (at most 64 bytes, [A-Za-z0-9:_-]). Pass it to providers
	 * that deduplicate (an Idempotency-Key header, a message tag), so a
	 * retry after a timeout that did reach the provider is not sent
	 * twice.
	 */
	const char		*idempotency_key;
	int			 attempt;	/* 1 for the first try */
	/* The incident's details as a compact JSON object, or NULL. */
	const char		*details_json;
	/* The incident's service ("db"), or NULL. */
	const char		*service;
	/*
	 * A link to the incident for people (the daemon's public URL plus
	 * the API path), or NULL when no public URL is configured.
	 */
	const char		*url;
};

/* ----------------------------------------------------------- results */

enum pagerd_notify_result {
	/* The provider accepted it. Not "the person read it". */
	PAGERD_NOTIFY_DELIVERED = 0,
	/* Failed for now (timeout, 5xx, 429): try again after retry_after_s. */
	PAGERD_NOTIFY_RETRY,
	/* Will never work as it is (bad number, 4xx auth failure): stop,
	 * record reason, let escalation go on to the next step. */
	PAGERD_NOTIFY_PERMANENT
};

struct pagerd_notify_status {
	enum pagerd_notify_result	 result;
	/* RETRY only: seconds to wait (a provider's Retry-After), 0 = the
	 * host's own backoff. */
	int				 retry_after_s;
	/* Human text for the incident timeline ("HTTP 400: invalid 'To'
	 * number"), or NULL when DELIVERED. Borrowed for the call. */
	const char			*reason;
	/* The provider's id for the message ("SM2f9..."), or NULL. Recorded
	 * so a person can look the message up at the provider. */
	const char			*provider_id;
};

/*
 * How a plugin reports the end of one send(). Call it exactly once per
 * send(), with the done_arg send() was given. It may be called before
 * send() returns (a plugin with nothing to wait for does) or later from
 * an HTTP or timer completion. st is copied by the host.
 */
typedef void	pagerd_notify_done_cb(void *done_arg,
		    const struct pagerd_notify_status *st);

/* -------------------------------------------------------- host: HTTP */

struct pagerd_http_call;	/* opaque, owned by the host */

struct pagerd_http_request {
	const char		*method;	/* "GET", "POST", ... */
	/*
	 * http:// or https:// (certificates are always verified). smtp://
	 * or smtps:// send body as a complete RFC 5322 message through
	 * libcurl's SMTP client; mail_from and mail_rcpt are then required.
	 */
	const char		*url;
	const char *const	*headers;	/* "Name: value", or NULL */
	size_t			 nheaders;
	const char		*body;		/* or NULL; may hold NULs */
	size_t			 body_len;
	/* "user:password" for HTTP Basic (or SMTP AUTH), or NULL. */
	const char		*userpwd;
	/* Whole transfer, connect included. 0 = the host's default (10 s);
	 * the host caps it at 60 s. */
	int			 timeout_ms;
	/* SMTP only, else NULL: envelope sender and recipients. */
	const char		*mail_from;
	const char *const	*mail_rcpt;
	size_t			 nmail_rcpt;
};

/*
 * Borrowed: valid until the callback returns. The host caps the body it
 * keeps at 1 MiB; a longer one fails the transfer (status 0).
 */
struct pagerd_http_response {
	/* HTTP status (SMTP: the final reply code, 250); 0 when no answer
	 * came: then error says why. */
	int			 status;
	/*
	 * Why the transfer failed, or NULL. Set with status 0 for a
	 * transport failure; for SMTP also with the server's code when it
	 * answered but refused ("RCPT failed: 550": status 550).
	 */
	const char		*error;
	const char *const	*headers;	/* "Name: value", as received */
	size_t			 nheaders;
	const char		*body;		/* NUL-terminated; "" if none */
	size_t			 body_len;
};

/*
 * Called exactly once per started request, from the loop, never from
 * inside http_request() itself. The call handle is gone once this
 * returns.
 */
typedef void	pagerd_http_cb(void *arg, const struct pagerd_http_response *);

/* -------------------------------------------------------- host: timers */

struct pagerd_timer;		/* opaque, owned by the host */

/* Called once, from the loop; the timer handle is gone once it returns. */
typedef void	pagerd_timer_cb(void *arg);

/* ---------------------------------------------------- host: inbound HTTP */

/*
 * A request that reached a route the instance registered (an SMS
 * provider's reply webhook). Borrowed until the handler returns. The
 * host has already enforced its size limits and timeouts; authenticity
 * (a provider signature) is the plugin's job.
 */
struct pagerd_inbound_request {
	const char		*method;
	const char		*path;		/* "/hooks/sms/oncall" */
	const char		*query;		/* raw query string, or NULL */
	const char *const	*headers;	/* "Name: value" */
	size_t			 nheaders;
	const char		*body;		/* NUL-terminated; "" if none */
	size_t			 body_len;
	const char		*peer;		/* "203.0.113.7:51234" */
};

/*
 * How a route handler answers. Call it exactly once per request, now or
 * later (once host->reply_submit() has answered); every argument is
 * copied. content_type and body may be NULL for an empty answer.
 */
typedef void	pagerd_inbound_respond_cb(void *respond_arg, int status,
		    const char *content_type, const char *body,
		    size_t body_len);

typedef void	pagerd_inbound_handler(void *arg,
		    const struct pagerd_inbound_request *req,
		    pagerd_inbound_respond_cb *respond, void *respond_arg);

/*
 * The outcome of a person's reply, for the plugin to send back (TwiML,
 * an email answer). answer is a short human text ("incident 3
 * acknowledged", or help text), or NULL when nothing should be answered
 * (a sender we do not page gets no answer, so the number is not an
 * oracle). Borrowed until the callback returns.
 */
typedef void	pagerd_reply_cb(void *arg, const char *answer);

/* ------------------------------------------------------ the host table */

/*
 * The services the host lends one instance, passed to create(). Each
 * instance gets its own table: ctx identifies the instance to the host
 * (so log lines carry its name and outstanding calls can be reaped), and
 * is the first argument of every service. The table stays valid until
 * destroy() returns.
 */
struct pagerd_host {
	/* sizeof(struct pagerd_host) in the host: see PAGERD_HOST_HAS. */
	size_t		 size;
	unsigned	 abi;		/* PAGERD_NOTIFIER_ABI of the host */
	void		*ctx;

	/*
	 * Log one line at level. The host prefixes "notifier INSTANCE: "
	 * (the section's name) and sends it where the daemon logs (the
	 * journal, syslog). Newlines and control characters in the result
	 * are the plugin's to avoid: strip them from untrusted text (alert
	 * titles) before logging.
	 */
	void		(*log)(void *ctx, enum pagerd_log_level level,
			    const char *fmt, ...)
#if defined(__GNUC__)
			    __attribute__((format(printf, 3, 4)))
#endif
			    ;

	/*
	 * Start an HTTP (or SMTP) transfer on the daemon's shared libcurl
	 * multi handle. Copies req before returning. Returns a handle, or
	 * NULL when the request cannot even start (bad URL, no memory): then
	 * cb is never called.
	 */
	struct pagerd_http_call *(*http_request)(void *ctx,
			    const struct pagerd_http_request *req,
			    pagerd_http_cb *cb, void *arg);

	/* Abort a transfer; its cb is not called. */
	void		(*http_cancel)(void *ctx, struct pagerd_http_call *);

	/*
	 * One-shot timer on the shared loop, after_ms from now (0: on the
	 * next loop iteration). Returns NULL only when out of memory.
	 */
	struct pagerd_timer *(*timer_add)(void *ctx, int64_t after_ms,
			    pagerd_timer_cb *cb, void *arg);

	/* Cancel a timer that has not fired; its cb is not called. */
	void		(*timer_cancel)(void *ctx, struct pagerd_timer *);

	/*
	 * Read a secret (API token, auth key) into buf. A relative name is
	 * looked up in systemd's $CREDENTIALS_DIRECTORY (LoadCredential=),
	 * else relative to the config file's directory. One trailing newline
	 * is removed. Returns the length, or -1 when the file cannot be read,
	 * holds a NUL byte or does not fit in len - 1 bytes; the host has
	 * then logged why. Blocks on the file system: call it only from
	 * create().
	 */
	long		(*read_secret)(void *ctx, const char *name, char *buf,
			    size_t len);

	/* The daemon's wall clock, in milliseconds since the epoch. */
	int64_t		(*now_ms)(void *ctx);

	/*
	 * Serve inbound requests on path, which must start with "/hooks/"
	 * (the host refuses others, so a plugin cannot shadow the API).
	 * Call it only from create(). The route goes live when the config
	 * that created the instance is in force and is removed with it, so a
	 * reload hands the path from the old instance to the new one without
	 * a gap. Returns 0, or -1 when the path is refused or taken.
	 */
	int		(*route_add)(void *ctx, const char *path,
			    pagerd_inbound_handler *handler, void *arg);

	/*
	 * Hand the host a person's reply that arrived on an inbound route
	 * ("3 ack", "resolve"), with the sender's address as the provider
	 * gave it. The host checks that the address belongs to someone who
	 * was paged, parses the reply and applies it; cb then gets the
	 * answer to send back. cb is called exactly once, never from inside
	 * this call.
	 */
	void		(*reply_submit)(void *ctx, const char *from_address,
			    const char *text, pagerd_reply_cb *cb, void *arg);

	/* ---- added within ABI 1: check PAGERD_HOST_HAS() before use ---- */

	/*
	 * reply_submit() with the provider's id for the inbound message
	 * (Twilio's MessageSid), or NULL. A provider retries a webhook it
	 * thinks failed; the host remembers message ids (in Redis, so every
	 * instance does) and answers a repeat with the first answer again
	 * without acting twice.
	 */
	void		(*reply_submit_id)(void *ctx, const char *from_address,
			    const char *text, const char *message_id,
			    pagerd_reply_cb *cb, void *arg);

	/*
	 * Report what became of a message after send() said DELIVERED: a
	 * provider's delivery status callback (Twilio's "undelivered" or
	 * "failed"). provider_id is the id send() reported; result is
	 * PAGERD_NOTIFY_PERMANENT for a message that will never arrive (the
	 * host then moves on to the person's next contact method, as for a
	 * permanent failure at send time) or PAGERD_NOTIFY_DELIVERED for a
	 * confirmed delivery (recorded on the timeline only). reason as in
	 * struct pagerd_notify_status. Unknown ids are ignored. Copies its
	 * arguments; may be called from any callback of the instance.
	 */
	void		(*delivery_update)(void *ctx, const char *provider_id,
			    enum pagerd_notify_result result,
			    const char *reason);
};

/* Does this host provide member (added to struct pagerd_host later)? */
#define PAGERD_HOST_HAS(host, member)					\
	((host)->size >= offsetof(struct pagerd_host, member) +		\
	    sizeof((host)->member))

/* --------------------------------------------------------- the plugin */

struct pagerd_notifier {
	unsigned	 abi;		/* PAGERD_NOTIFIER_ABI */
	/* The value of "type" in a notifier config section: "log",
	 * "twilio". Lower case, [a-z0-9_]. */
	const char	*name;
	const char	*description;	/* one line for listings, or NULL */

	/*
	 * NAME
	 *	create — make one instance from its config section
	 * ARGUMENTS
	 *	instance: the section's name ("oncall_sms"), borrowed.
	 *	cfg, ncfg: the section's settings except "type", borrowed
	 *	    until create() returns.
	 *	host: the services for this instance; valid until destroy()
	 *	    returns, so keep the pointer.
	 *	err: where to say what is wrong.
	 * DESCRIPTION
	 *	Validate every key (unknown keys are errors: a typo must not
	 *	silently disable paging), read secrets, register routes. Runs
	 *	at start and on every reload, before the new config is in
	 *	force: a refused config keeps the old instances running, so
	 *	create() must not disturb them (no shared global state).
	 * RETURNS
	 *	The instance, owned by the plugin until destroy(); or NULL with
	 *	err filled in.
	 */
	void		*(*create)(const char *instance,
			    const struct pagerd_kv *cfg, size_t ncfg,
			    const struct pagerd_host *host,
			    struct pagerd_notifier_error *err);

	/*
	 * NAME
	 *	send — start one delivery attempt
	 * ARGUMENTS
	 *	inst: from create(). n: borrowed until send() returns.
	 *	done, done_arg: the completion; done(done_arg, &status) exactly
	 *	    once, now or later.
	 * DESCRIPTION
	 *	Must not block. Nothing to return: every failure, out of memory
	 *	included, is reported through done (as RETRY when it may pass).
	 *	Several sends may be in flight on one instance; the host bounds
	 *	how many.
	 */
	void		 (*send)(void *inst,
			    const struct pagerd_notification *n,
			    pagerd_notify_done_cb *done, void *done_arg);

	/*
	 * NAME
	 *	destroy — free an instance
	 * DESCRIPTION
	 *	Called when a reload replaced the instance or at shutdown. The
	 *	host normally waits until every send() has completed; at
	 *	shutdown it may stop waiting, and then sends still in flight
	 *	are written off by the host (their outbox entries are sent
	 *	again later, at least once holds): destroy() must NOT call
	 *	their done callbacks. Cancel your HTTP calls and timers (the
	 *	host reaps any left over, so a forgotten one is never called
	 *	back into freed memory), then free everything.
	 */
	void		 (*destroy)(void *inst);
};

/* Every plugin defines this, and only this, with default visibility. */
extern const struct pagerd_notifier pagerd_notifier_v1;

#ifdef __cplusplus
}
#endif

#endif /* PAGERD_NOTIFIER_H */
