/*
 * lib/strbuf.c — the growable string the text builders share.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void
strbuf_add(struct strbuf *b, const char *p, size_t n)
{
	char	*ns;
	size_t	 ncap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap ? b->cap : 256;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		if ((ns = realloc(b->s, ncap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	if (n > 0)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
strbuf_str(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}

void
strbuf_json_string(struct strbuf *b, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 esc[6] = { '\\', 'u', '0', '0', 0, 0 };
	size_t			 i, run = 0;
	unsigned char		 c;

	strbuf_char(b, '"');
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':	strbuf_add(b, "\\\"", 2); break;
		case '\\':	strbuf_add(b, "\\\\", 2); break;
		case '\b':	strbuf_add(b, "\\b", 2); break;
		case '\f':	strbuf_add(b, "\\f", 2); break;
		case '\n':	strbuf_add(b, "\\n", 2); break;
		case '\r':	strbuf_add(b, "\\r", 2); break;
		case '\t':	strbuf_add(b, "\\t", 2); break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			strbuf_add(b, esc, sizeof(esc));
		}
	}
	strbuf_add(b, s + run, len - run);
	strbuf_char(b, '"');
}
