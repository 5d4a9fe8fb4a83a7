/*
 * lib/strbuf.h — a growable, always NUL-terminated string for the text
 * builders (metrics, matchers, mail, Slack). Once an allocation fails
 * every later append is a no-op and oom stays set, so a builder checks
 * once at the end instead of after every append.
 */
#ifndef PAGERD_STRBUF_H
#define PAGERD_STRBUF_H

#include <stddef.h>

struct strbuf {
	char	*s;	/* NULL until the first append; owned */
	size_t	 len;
	size_t	 cap;
	int	 oom;
};

#define STRBUF_INIT	{ NULL, 0, 0, 0 }

void	strbuf_add(struct strbuf *, const char *p, size_t n);
void	strbuf_str(struct strbuf *, const char *s);

/* One byte; inline, as the JSON and key builders add many one at a time. */
static inline void
strbuf_char(struct strbuf *b, char c)
{
	if (!b->oom && b->len + 2 <= b->cap) {
		b->s[b->len++] = c;
		b->s[b->len] = '\0';
	} else
		strbuf_add(b, &c, 1);
}

/*
 * s (len bytes of valid UTF-8) as a JSON string, quotes included, byte
 * for byte as jansson's json_dumps() writes it without flags: '"', '\\'
 * and the short escapes, other control characters as \\u00XX, the rest
 * as it is. Lets a hot path write JSON without building json_t objects.
 */
void	strbuf_json_string(struct strbuf *, const char *s, size_t len);

#endif /* PAGERD_STRBUF_H */
