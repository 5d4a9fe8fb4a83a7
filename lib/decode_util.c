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

char *
decode_strdup_cut(const char *s, size_t len, size_t max)
{
	char	*d;
	size_t	 keep;
	int	 dots;

	if (len <= max)
		return strndup(s, len);
	dots = max >= ELLIPSIS_LEN;
	keep = dots ? max - ELLIPSIS_LEN : max;
	/* s[keep] exists (keep < len): back up to a character start. */
	while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	if ((d = malloc(keep + (dots ? ELLIPSIS_LEN : 0) + 1)) == NULL)
		return NULL;
	memcpy(d, s, keep);
	if (dots)
		memcpy(d + keep, ELLIPSIS, ELLIPSIS_LEN);
	d[keep + (dots ? ELLIPSIS_LEN : 0)] = '\0';
	return d;
}

/*
 * A string as jansson writes it without JSON_ENSURE_ASCII or
 * JSON_ESCAPE_SLASH (dump.c, dump_string()): quotes, then '"' and '\\'
 * and the short escapes in two bytes, other control characters as
 * \\u00XX, everything else as it is.
 */
static size_t
json_string_size(const char *s, size_t len)
{
	size_t	 n = len + 2, i;

	for (i = 0; i < len; i++) {
		unsigned char	 c = (unsigned char)s[i];

		if (c == '"' || c == '\\' || c == '\b' || c == '\f' ||
		    c == '\n' || c == '\r' || c == '\t')
			n += 1;
		else if (c < 0x20)
			n += 5;
	}
	return n;
}

size_t
decode_json_size(const json_t *v, size_t max)
{
	const char	*key;
	json_t		*m;
	size_t		 n, i, sub;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		n = 2 + (json_object_size(v) > 0 ?
		    json_object_size(v) - 1 : 0);
		json_object_foreach((json_t *)v, key, m) {
			if ((sub = decode_json_size(m, max)) == 0)
				return 0;
			/* "key": */
			n += json_string_size(key, strlen(key)) + 1 + sub;
			if (n > max)
				return max + 1;
		}
		return n;
	case JSON_ARRAY:
		n = 2 + (json_array_size(v) > 0 ? json_array_size(v) - 1 : 0);
		for (i = 0; i < json_array_size(v); i++) {
			if ((sub = decode_json_size(json_array_get(v, i),
			    max)) == 0)
				return 0;
			if ((n += sub) > max)
				return max + 1;
		}
		return n;
	case JSON_STRING:
		return json_string_size(json_string_value(v),
		    json_string_length(v));
	case JSON_TRUE:
	case JSON_NULL:
		return 4;
	case JSON_FALSE:
		return 5;
	default:
		/* Numbers are rare in alerts: let jansson format them. */
		return json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
	}
}
