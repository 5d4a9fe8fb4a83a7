/*
 * daemon/notifier_host.h — the plugin host: loads notifier plugins
 * (plugins/pagerd_notifier.h), makes one instance per section of the
 * config's notifiers { }, lends them the host services (log, async HTTP
 * on the shared libcurl multi handle, timers, secrets, inbound /hooks/
 * routes) and hands their results back to whoever sent.
 *
 * The host knows nothing of Redis, incidents or escalation: the
 * escalation engine calls notifier_send() and gets the completion; the
 * SMS reply handler and delivery status updates reach the engine through
 * the two handlers set below. That keeps the plugin side testable with
 * any sender (POST /api/v1/notifiers/NAME/test) and the engine testable
 * with the log plugin.
 */
#ifndef PAGERD_NOTIFIER_HOST_H
#define PAGERD_NOTIFIER_HOST_H

#include <stddef.h>

#include "pagerd_notifier.h"

struct config;
struct http_req;
struct pagerd;
struct perr_list;
struct notifier_host;
struct notifier_set;

/* Which field of a person a notifier instance delivers to. */
enum notifier_address {
	NOTIFIER_ADDRESS_PHONE = 0,	/* E.164 phone (sms, voice) */
	NOTIFIER_ADDRESS_EMAIL,		/* email address */
	NOTIFIER_ADDRESS_ID		/* the person's id (webhook, slack,
					 * exec, log: the plugin's own
					 * config says where it goes) */
};

/* The completion of one notifier_send(): st is borrowed for the call. */
typedef void	notifier_done_cb(void *arg,
		    const struct pagerd_notify_status *st);

/*
 * A person's reply that a plugin handed in (host->reply_submit*):
 * instance is the notifier section's name, message_id may be NULL. The
 * handler must call cb(cbarg, answer) exactly once, answer NULL for "say
 * nothing" (copied); it may do so at once, the host then answers the
 * plugin on the next loop turn. When the instance is destroyed first (a
 * reload) the answer is dropped, but cb must still be called. With no
 * handler set the plugin gets NULL on the next loop turn.
 */
typedef void	notifier_reply_fn(void *arg, const char *instance,
		    const char *from_address, const char *text,
		    const char *message_id, pagerd_reply_cb *cb, void *cbarg);

/* A delivery status update for a message sent earlier (see
 * pagerd_host.delivery_update). */
typedef void	notifier_delivery_fn(void *arg, const char *instance,
		    const char *provider_id, enum pagerd_notify_result result,
		    const char *reason);

struct notifier_host	*notifier_host_new(struct pagerd *);

/*
 * Load the plugins and create the instances a config asks for, without
 * putting them in force. Errors go to errs as FILE:LINE: notifiers.NAME.
 * KEY: message; NULL then. Used at start, on SIGHUP (a failure keeps the
 * old set) and by pagerd -t (pass host NULL: instances are created and
 * destroyed again, no routes go live).
 */
struct notifier_set	*notifier_set_load(struct notifier_host *,
			    const struct config *, struct perr_list *errs);

/*
 * Put set in force (its /hooks/ routes go live), replacing the current
 * one, which is destroyed once its sends in flight have completed.
 */
void			 notifier_set_activate(struct notifier_host *,
			    struct notifier_set *);
void			 notifier_set_free(struct notifier_set *);

/* Is instance configured now? Its type ("sms") and address field. */
int			 notifier_exists(const struct notifier_host *,
			    const char *instance);
const char		*notifier_type(const struct notifier_host *,
			    const char *instance);
enum notifier_address	 notifier_address_of(const struct notifier_host *,
			    const char *instance);

/* The instances in force, in config order (for listings). */
size_t			 notifier_count(const struct notifier_host *);
const char		*notifier_name_at(const struct notifier_host *,
			    size_t i);

/*
 * Start one delivery attempt through instance. n is borrowed until the
 * call returns. done is called exactly once, never from inside this call
 * (a plugin that completes at once is deferred to the next loop turn).
 * When the instance already has max_inflight sends in the plugin, done
 * gets RETRY (retry_after_s 1) without the plugin seeing it. n->url NULL
 * with incident_id > 0 and http.public_url set is filled in as
 * PUBLIC_URL/api/v1/incidents/ID. Returns -1 when there is no such
 * instance (done is then not called).
 */
int			 notifier_send(struct notifier_host *,
			    const char *instance,
			    const struct pagerd_notification *n,
			    notifier_done_cb *done, void *arg);

/*
 * Start now the transfers the sends just made queued (curl_loop_run()),
 * rather than at the next loop turn.
 */
void			 notifier_host_run(struct notifier_host *);

void			 notifier_host_set_reply_handler(struct notifier_host *,
			    notifier_reply_fn *, void *arg);
void			 notifier_host_set_delivery_handler(
			    struct notifier_host *, notifier_delivery_fn *,
			    void *arg);

/*
 * http.c passes every request under /hooks/ here. Returns 1 when a
 * plugin route took it (it answers), 0 when none matches (http.c
 * answers 404).
 */
int			 notifier_host_route(struct notifier_host *,
			    struct http_req *, const char *path);

/*
 * SIGTERM: done(arg) once no send is in flight (on the next loop turn at
 * the earliest); main's stop deadline bounds the wait.
 * notifier_host_free() then destroys every instance: sends still in
 * flight are answered RETRY ("pagerd is stopping") so that their owners
 * can let go (the outbox sends them again: at least once holds). Free the
 * host before whatever those done callbacks touch.
 */
void			 notifier_host_shutdown(struct notifier_host *,
			    void (*done)(void *), void *arg);
void			 notifier_host_free(struct notifier_host *);

#endif /* PAGERD_NOTIFIER_HOST_H */
