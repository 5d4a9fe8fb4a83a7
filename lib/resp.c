/*
 * lib/resp.c — RESP command formatting (see resp.h).
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "resp.h"

static size_t
digits(size_t v)
{
	size_t	 n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* v in decimal at p, exactly digits(v) bytes; returns the end. */
static char *
put_uint(char *p, size_t v)
{
	size_t	 n = digits(v), i;

	for (i = n; i > 0; i--) {
		p[i - 1] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

size_t
resp_size(int argc, const size_t *argvlen)
{
	size_t	 n;
	int	 i;

	n = 1 + digits((size_t)argc) + 2;
	for (i = 0; i < argc; i++)
		n += 1 + digits(argvlen[i]) + 2 + argvlen[i] + 2;
	return n;
}

char *
resp_format(int argc, const char *const *argv, const size_t *argvlen,
    size_t *len)
{
	char	*buf, *p;
	size_t	 n;
	int	 i;

	if (argc < 1)
		return NULL;
	n = resp_size(argc, argvlen);
	if ((p = buf = malloc(n)) == NULL)
		return NULL;
	*p++ = '*';
	p = put_uint(p, (size_t)argc);
	*p++ = '\r';
	*p++ = '\n';
	for (i = 0; i < argc; i++) {
		*p++ = '$';
		p = put_uint(p, argvlen[i]);
		*p++ = '\r';
		*p++ = '\n';
		if (argvlen[i] > 0)
			memcpy(p, argv[i], argvlen[i]);
		p += argvlen[i];
		*p++ = '\r';
		*p++ = '\n';
	}
	*len = n;
	return buf;
}
