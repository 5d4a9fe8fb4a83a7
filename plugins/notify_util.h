/*
 * plugins/notify_util.h — small pieces the sms, email and exec notifiers
 * share: settings, calls in flight with their own answer handling, and
 * log-safe copies of alert text. Linked into each module with
 * plugins/notify_post.c (notify_set_error) and lib/notify_http.c, which
 * the webhook and slack plugins share.
 */
#ifndef PAGERD_NOTIFY_UTIL_H
#define PAGERD_NOTIFY_UTIL_H

#include <stddef.h>

#include "pagerd_notifier.h"

/*
 * A timeout setting: a duration ("10s", "1500ms", "1m") or bare seconds,
 * from 1 s to max_s. Returns 0 with *ms set, or -1 with err filled in
 * for key.
 */
int	nu_timeout(const char *key, const char *value, int max_s, int *ms,
	    struct pagerd_notifier_error *err);

/*
 * An http:// or https:// URL as notify_http_check_url() takes it, and
 * without a query or fragment, as a configured base for the plugin to
 * append paths to. Returns a copy without trailing slashes (the caller frees),
 * or NULL with err filled in for key (also when out of memory).
 */
char	*nu_base_url(const char *key, const char *value,
	    struct pagerd_notifier_error *err);

/*
 * Set a string setting once: a copy of value in *slot. Returns 0, or -1
 * with err filled in when *slot was set already ("given twice") or out
 * of memory.
 */
int	nu_set(char **slot, const char *key, const char *value,
	    struct pagerd_notifier_error *err);

/*
 * One send() waiting for an HTTP or SMTP answer, on its instance's list
 * of calls in flight, so destroy() can cancel them all. Its address is
 * the arg of the plugin's pagerd_http_cb.
 */
struct nu_call {
	const struct pagerd_host	*host;
	struct pagerd_http_call		*call;
	pagerd_notify_done_cb		*done;
	void				*done_arg;
	char				 to[256];	/* for log lines */
	char				 id[256];	/* or "" */
	struct nu_call			**head;
	struct nu_call			*prev, *next;
};

/*
 * Start req through host->http_request with cb(call, response) and put
 * the call on *head; to and id (a message id known before sending, or
 * NULL) are kept in the call for cb. Returns 0; or -1 when out of memory or the request
 * cannot start: then nothing is on the list and cb never runs (the
 * caller reports the failure through done).
 */
int	nu_call_start(struct nu_call **head, const struct pagerd_host *host,
	    const struct pagerd_http_request *req, pagerd_http_cb *cb,
	    const char *to, const char *id, pagerd_notify_done_cb *done,
	    void *done_arg);

/* From cb: take the call off its list, report st, free it. */
void	nu_call_finish(struct nu_call *, const struct pagerd_notify_status *st);

/* From destroy(): cancel and free every call on *head, calling no done
 * (the host has written those sends off). */
void	nu_call_cancel_all(struct nu_call **head);

/* E.164: '+', a non-zero digit, up to 14 more digits. */
int	nu_e164(const char *s);

/*
 * Copy s into buf for a log line: control bytes become '?' (a newline
 * in an alert title must not forge a second line), cut at len - 1 bytes
 * on a UTF-8 character boundary. NULL gives "-". Returns buf.
 */
const char	*nu_clean(const char *s, char *buf, size_t len);

/* asprintf() that returns the string, or NULL when out of memory. */
char	*nu_strf(const char *fmt, ...)
#if defined(__GNUC__)
	    __attribute__((format(printf, 1, 2)))
#endif
	    ;

#endif /* PAGERD_NOTIFY_UTIL_H */
