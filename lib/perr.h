/*
 * lib/perr.h — error records that name where the problem is: a config
 * file and line with the key, or an alert's position in a request.
 * Pure: no I/O. Used by the config loader and the decoders.
 */
#ifndef PAGERD_PERR_H
#define PAGERD_PERR_H

#include <stddef.h>

struct perr {
	char	 file[256];	/* "" when not from a file */
	int	 line;		/* 0 when unknown */
	char	 key[64];	/* setting path ("http.listen"), "" when none */
	char	 msg[256];
};

struct perr_list {
	struct perr	*v;
	size_t		 n;
	size_t		 cap;
};

/*
 * Append one error. file may be NULL, key may be NULL. Never fails: on
 * allocation failure the error is dropped but n still counts it (so a
 * caller that checks n > 0 still sees "invalid"). The records kept are
 * v[0 .. min(n, cap)): iterate with both bounds.
 */
void	perr_add(struct perr_list *, const char *file, int line,
	    const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/*
 * Format one error as "FILE:LINE: KEY: MSG". With a file the line is
 * always printed (0 = the file as a whole, or "-s" overrides); without
 * one, "KEY: MSG". Returns the snprintf result.
 */
int	perr_format(const struct perr *, char *buf, size_t len);

/* Free the list's storage; the list is empty and reusable afterwards. */
void	perr_list_clear(struct perr_list *);

#endif /* PAGERD_PERR_H */
