/*
 * lib/notify_http.h — what the HTTP-based notifier plugins (webhook,
 * slack, and any that post to a provider) share: the verdict on a
 * provider's answer (delivered, retry, permanent, with a reason a person
 * can read on the timeline), Retry-After, header lookup, and the plugin
 * config values they have in common. Pure: no I/O, no clock. Plugins
 * link this file itself (they cannot see libpagerd).
 */
#ifndef PAGERD_NOTIFY_HTTP_H
#define PAGERD_NOTIFY_HTTP_H

#include <stddef.h>

#include "pagerd_notifier.h"

/* Bytes of a provider's answer quoted in a reason. */
#define NOTIFY_HTTP_SNIPPET	200
/* Longest reason: "HTTP 400: " and the snippet, or a transport error. */
#define NOTIFY_HTTP_REASON_MAX	300
/* Retry-After beyond this is taken as this (a day). */
#define NOTIFY_HTTP_RETRY_MAX	86400

/*
 * NAME
 *	notify_http_verdict — map a provider's HTTP answer to a result
 * DESCRIPTION
 *	status 0 (no answer: timeout, refused connection, TLS failure,
 *	body over the host's cap) and 408, 429 and 5xx are RETRY, with
 *	the Retry-After header's seconds when one is given; 2xx is
 *	DELIVERED; everything else (other 4xx, 3xx: redirects are not
 *	followed) is PERMANENT. The reason is "HTTP 400: " followed by the
 *	first NOTIFY_HTTP_SNIPPET bytes of the body (control characters
 *	made spaces, cut on a UTF-8 boundary), or the transport error; it
 *	is written to reason (at least NOTIFY_HTTP_REASON_MAX bytes) and
 *	st->reason points there (NULL when DELIVERED). st->provider_id is
 *	left NULL for the caller.
 */
void	notify_http_verdict(const struct pagerd_http_response *resp,
	    struct pagerd_notify_status *st, char *reason);

/*
 * Retry-After in delta-seconds (RFC 9110 section 10.2.3), capped at
 * NOTIFY_HTTP_RETRY_MAX. Returns 0 for NULL, an HTTP-date or anything
 * else that is not digits: the host's own backoff then applies.
 */
int	notify_http_retry_after(const char *value);

/*
 * The value of the first header called name (any case) among "Name:
 * value" lines, leading blanks skipped; NULL when absent. Points into
 * headers.
 */
const char *notify_http_header(const char *const *headers, size_t n,
	    const char *name);

/*
 * An http:// or https:// URL fit to post to: printable ASCII without
 * spaces, a host after the scheme, at most 2000 bytes. Returns NULL, or
 * why not.
 */
const char *notify_http_check_url(const char *url);

/*
 * A timeout setting: whole seconds ("10") or with a unit ("10s",
 * "1500ms"), 1 s to 60 s (the host's cap). Returns the milliseconds, or
 * -1.
 */
int	notify_http_timeout_ms(const char *value);

/*
 * An extra request header a user configured, "Name: value": a token
 * name, no CR, LF or other control characters, and not one the plugin
 * sets itself (reserved, NULL-terminated, compared in any case).
 * Returns NULL, or why not.
 */
const char *notify_http_check_header(const char *line,
	    const char *const *reserved);

#endif /* PAGERD_NOTIFY_HTTP_H */
