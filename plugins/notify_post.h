/*
 * plugins/notify_post.h — one POST per send, for the plugins that deliver
 * by posting to an HTTP endpoint (webhook, slack): keeps the calls in
 * flight so destroy() can cancel them, and turns the answer into the
 * send's result with lib/notify_http.h. Compiled into each plugin; uses
 * only the host table.
 */
#ifndef PAGERD_NOTIFY_POST_H
#define PAGERD_NOTIFY_POST_H

#include <sys/queue.h>

#include <stddef.h>

#include "pagerd_notifier.h"

struct notify_post;

struct notify_posts {
	const struct pagerd_host	*host;
	TAILQ_HEAD(, notify_post)	 calls;
};

void	notify_posts_init(struct notify_posts *, const struct pagerd_host *);

/*
 * POST body (len bytes) to url with the given "Name: value" headers.
 * done(done_arg, status) is called exactly once: with the verdict on the
 * answer, or at once with RETRY when the request cannot start. Copies
 * everything it is given.
 */
void	notify_post(struct notify_posts *, const char *url,
	    const char *const *headers, size_t nheaders, const char *body,
	    size_t len, int timeout_ms, pagerd_notify_done_cb *done,
	    void *done_arg);

/* destroy(): cancel every call in flight; their done is NOT called. */
void	notify_posts_cancel(struct notify_posts *);

/* Fill err for create(); always returns NULL, for "return set_err(...)". */
void	*notify_set_error(struct pagerd_notifier_error *, const char *key,
	    const char *fmt, ...)
#if defined(__GNUC__)
	    __attribute__((format(printf, 3, 4)))
#endif
	    ;

#endif /* PAGERD_NOTIFY_POST_H */
