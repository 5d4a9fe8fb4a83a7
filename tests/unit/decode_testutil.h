/*
 * tests/unit/decode_testutil.h — what the decoder tests share: a string
 * builder for hostile bodies, a check that an error message is clean
 * UTF-8, and fixtures read from tests/unit/fixtures. Failures abort the
 * running cmocka test. Include after <cmocka.h>.
 */
#ifndef PAGERD_DECODE_TESTUTIL_H
#define PAGERD_DECODE_TESTUTIL_H

#include <stddef.h>

/* A growable string; s is freed by the test. */
struct sb {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

void	sb_add(struct sb *, const char *p, size_t n);
void	sb_str(struct sb *, const char *s);
void	sb_repeat(struct sb *, const char *s, size_t times);
void	sb_printf(struct sb *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Is s valid UTF-8 without control characters? */
int	clean_utf8(const char *s);

/* A fixture's bytes, NUL-terminated, malloc'd; *len without the NUL. */
char	*read_fixture(const char *name, size_t *len);

#endif /* PAGERD_DECODE_TESTUTIL_H */
