/*
 * daemon/curl_loop.h — outbound HTTP(S) and SMTP(S) transfers on one
 * libcurl multi handle driven by the daemon's libevent loop (the multi
 * socket API), for the notifier plugins. Not a general HTTP client: the
 * safety rules the plugin ABI promises (verified certificates, no
 * redirects, capped time and size, no CR/LF smuggled into a header or an
 * SMTP envelope) are enforced here, for every caller.
 */
#ifndef PAGERD_CURL_LOOP_H
#define PAGERD_CURL_LOOP_H

#include <stddef.h>

#include "pagerd_notifier.h"

struct event_base;
struct curl_loop;
struct curl_call;

#define CURL_LOOP_TIMEOUT_MS		10000	/* timeout_ms 0 */
#define CURL_LOOP_TIMEOUT_MAX_MS	60000
#define CURL_LOOP_BODY_MAX		(1024 * 1024)

/* NULL when libcurl or memory fails; the reason is logged. */
struct curl_loop	*curl_loop_new(struct event_base *);

/*
 * Aborts every transfer still running; no callback is called. Call it
 * before the event base is freed.
 */
void			 curl_loop_free(struct curl_loop *);

/*
 * Start one transfer; req is copied before this returns. owner tags the
 * call for curl_loop_cancel_owner(). cb(arg, resp) runs exactly once,
 * from the loop and never from inside this call, unless the call is
 * cancelled first. Returns NULL with a reason in err (a bad URL or
 * method, CR/LF in a header, no memory): cb is then never called.
 */
struct curl_call	*curl_loop_start(struct curl_loop *, void *owner,
			    const struct pagerd_http_request *req,
			    pagerd_http_cb *cb, void *arg, char *err,
			    size_t errlen);

/*
 * Start now what curl_loop_start() queued, rather than at the next loop
 * turn (a page leaves before the intake's answer is written). From a
 * transfer's cb it leaves them to the loop: libcurl is not entered
 * again from its own turn. The cb of a transfer that ends at once (a
 * refused connection) runs from inside this call.
 */
void			 curl_loop_run(struct curl_loop *);

/* Abort one transfer; its cb is not called. */
void			 curl_loop_cancel(struct curl_loop *,
			    struct curl_call *);

/* Abort every transfer of owner; returns how many there were. */
size_t			 curl_loop_cancel_owner(struct curl_loop *,
			    void *owner);

#endif /* PAGERD_CURL_LOOP_H */
