/*
 * lib/perr.c — the list of located errors the config loader and the
 * decoders fill, and the one place that decides how an error is printed.
 * Not a logger: nothing here writes anywhere.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perr.h"

/*
 * Copy src into dst (size bytes) without splitting a UTF-8 sequence, so a
 * long key or path cut to fit is still valid text in a JSON answer.
 */
static void
copy_trunc(char *dst, size_t size, const char *src)
{
	size_t	 n;

	n = strlen(src);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
perr_add(struct perr_list *l, const char *file, int line, const char *key,
    const char *fmt, ...)
{
	struct perr	*e, *nv;
	size_t		 ncap;
	va_list		 ap;

	/*
	 * Once an error has been dropped (n > cap), store no more: the
	 * records kept must stay v[0 .. min(n, cap)), so a later success
	 * cannot leave a hole where the dropped one would have been.
	 */
	if (l->n >= l->cap) {
		if (l->n > l->cap)
			goto drop;
		ncap = l->cap ? l->cap * 2 : 8;
		nv = realloc(l->v, ncap * sizeof(*nv));
		if (nv == NULL)
			goto drop;
		l->v = nv;
		l->cap = ncap;
	}

	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	copy_trunc(e->file, sizeof(e->file), file ? file : "");
	e->line = line;
	copy_trunc(e->key, sizeof(e->key), key ? key : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return;

drop:
	l->n++;
}

int
perr_format(const struct perr *e, char *buf, size_t len)
{
	char	 where[300];

	where[0] = '\0';
	/*
	 * Always FILE:LINE when there is a file, so every line parses the
	 * same way (editors, grep); line 0 means the file as a whole.
	 */
	if (e->file[0] != '\0')
		snprintf(where, sizeof(where), "%s:%d: ", e->file,
		    e->line > 0 ? e->line : 0);

	return snprintf(buf, len, "%s%s%s%s", where, e->key,
	    e->key[0] != '\0' ? ": " : "", e->msg);
}

void
perr_list_clear(struct perr_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}
