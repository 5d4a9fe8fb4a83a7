/*
 * tests/unit/decode_testutil.c — helpers the decoder tests share.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode_testutil.h"

void
sb_add(struct sb *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sb_str(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void
sb_repeat(struct sb *b, const char *s, size_t times)
{
	while (times-- > 0)
		sb_str(b, s);
}

void
sb_printf(struct sb *b, const char *fmt, ...)
{
	char	 tmp[512];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(tmp));
	sb_add(b, tmp, (size_t)n);
}

/* Is s valid UTF-8 without control characters? */
int
clean_utf8(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, i;

	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (*p < 0x80)
			n = 1;
		else if (*p >= 0xc2 && *p <= 0xdf)
			n = 2;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 3;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 4;
		else
			return 0;
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

/* A fixture's bytes (not NUL-terminated in spirit; len says). */
char *
read_fixture(const char *name, size_t *len)
{
	const char	*dir = getenv("PAGERD_SRCDIR");
	char		 path[1024];
	FILE		*f;
	char		*buf;
	long		 size;

	snprintf(path, sizeof(path), "%s/tests/unit/fixtures/%s",
	    dir != NULL ? dir : ".", name);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("%s: cannot open (is PAGERD_SRCDIR set?)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	buf = malloc((size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = '\0';
	fclose(f);
	*len = (size_t)size;
	return buf;
}
