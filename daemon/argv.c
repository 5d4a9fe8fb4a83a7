/*
 * daemon/argv.c — see argv.h.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argv.h"

static void
push(struct argv *a, char *s)
{
	char	**v;
	size_t	  cap;

	if (s == NULL) {
		a->oom = 1;
		return;
	}
	if (a->n == a->cap) {
		cap = a->cap ? a->cap * 2 : 16;
		if ((v = reallocarray(a->v, cap, sizeof(*v))) == NULL) {
			free(s);
			a->oom = 1;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = s;
}

void
argv_add(struct argv *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		s = NULL;
	va_end(ap);
	push(a, s);
}

void
argv_str(struct argv *a, const char *s)
{
	push(a, strdup(s != NULL ? s : ""));
}

void
argv_free(struct argv *a)
{
	size_t	 i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}
