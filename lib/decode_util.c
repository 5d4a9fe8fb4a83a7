/*
 * lib/decode_util.c — helpers shared by the Alertmanager and PagerDuty
 * decoders: error records whose text is always valid UTF-8, and UTF-8
 * counting and cutting. Not a decoder itself; knows no wire format.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_util.h"
#include "utf8.h"

/* "…", what Alertmanager's notify.Truncate() ends a cut string with. */
#define ELLIPSIS	"\xe2\x80\xa6"
#define ELLIPSIS_LEN	3

void
decode_sanitize(char *s)
{
	unsigned char	*p = (unsigned char *)s;
	size_t		 n;

	while (*p != '\0') {
		n = utf8_valid_len(p);
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f))) {
			*p++ = '?';
			continue;
		}
		p += n;
	}
}

int
decode_set_err(struct decode_err *err, int status, long index,
    const char *reason, const char *fmt, ...)
{
	va_list	 ap;

	err->status = status;
	err->index = index;
	snprintf(err->reason, sizeof(err->reason), "%s", reason);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* vsnprintf may cut a quoted name mid-character: sanitize after. */
	decode_sanitize(err->msg);
	return -1;
}

int
decode_nomem(struct decode_err *err, long index)
{
	return decode_set_err(err, 500, index, "nomem", "out of memory");
}

void
decode_field_name(char *dst, size_t size, const char *prefix,
    const char *name, size_t len)
{
	size_t	 n = len;

	if (n > DECODE_NAME_SHOWN) {
		n = DECODE_NAME_SHOWN;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	snprintf(dst, size, "%s%.*s%s", prefix, (int)n, name,
	    n < len ? "..." : "");
}

size_t
decode_utf8_chars(const char *s, size_t len)
{
	size_t	 i, n = 0;

	/* Every byte but a continuation byte starts a character. */
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

size_t
decode_cut(char *s, size_t len, size_t max)
{
	size_t	 keep;

	if (len <= max)
		return len;
	keep = max >= ELLIPSIS_LEN ? max - ELLIPSIS_LEN : max;
	/* s[keep] exists (keep < len): back up to a character start. */
	while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	if (max < ELLIPSIS_LEN)
		return keep;
	memcpy(s + keep, ELLIPSIS, ELLIPSIS_LEN);
	return keep + ELLIPSIS_LEN;
}
