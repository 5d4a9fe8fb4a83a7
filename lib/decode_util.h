/*
 * lib/decode_util.h — the small pieces the wire-format decoders share:
 * filling a struct decode_err, making text safe to echo back to a
 * sender, counting and cutting UTF-8. Internal to lib/decode_*.c; the
 * daemon has no use for it. Pure: no I/O, no allocation but where said.
 */
#ifndef PAGERD_DECODE_UTIL_H
#define PAGERD_DECODE_UTIL_H

#include <stddef.h>

#include "decode_generic.h"

/* Bytes of a sender's field or label name echoed back in an error. */
#define DECODE_NAME_SHOWN	64

/*
 * Replace every byte of s that is not valid UTF-8, and every control
 * character, with '?', so that s can go into a JSON answer whatever the
 * sender put in it.
 */
void	decode_sanitize(char *s);

/*
 * Fill err (the message is sanitized) and return -1, so that callers can
 * write "return decode_set_err(...)". reason is a short token the daemon
 * counts by; see decode_generic.c for the set.
 */
int	decode_set_err(struct decode_err *err, int status, long index,
	    const char *reason, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* decode_set_err() for a failed allocation: 500, "nomem". */
int	decode_nomem(struct decode_err *err, long index);

/*
 * prefix + name (len bytes) into dst, the name cut to DECODE_NAME_SHOWN
 * bytes on a character boundary with "..." when cut, so a 100 KB key
 * does not push the reason out of a message.
 */
void	decode_field_name(char *dst, size_t size, const char *prefix,
	    const char *name, size_t len);

/* Code points in s (len bytes of valid UTF-8, as jansson hands them). */
size_t	decode_utf8_chars(const char *s, size_t len);

/*
 * Cut s (len bytes of valid UTF-8) in place to at most max bytes: when it
 * does not fit, on a character boundary, ending in U+2026 (three bytes,
 * counted in max), as Alertmanager's notify.Truncate() does. Returns the
 * new length (<= len); no NUL is written. Allocates nothing.
 */
size_t	decode_cut(char *s, size_t len, size_t max);

#endif /* PAGERD_DECODE_UTIL_H */
