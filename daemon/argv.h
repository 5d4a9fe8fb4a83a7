/*
 * daemon/argv.h — a growing list of strings for the arguments of one
 * Redis command or script (store_command(), store_eval()). An
 * allocation failure is remembered and reported once, at the end, so
 * building stays a straight run of argv_add() calls.
 */
#ifndef PAGERD_ARGV_H
#define PAGERD_ARGV_H

#include <stddef.h>

struct argv {
	char	**v;
	size_t	  n, cap;
	int	  oom;		/* an add failed: do not send */
};

void	argv_add(struct argv *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* s as it is (may be NULL: ""). */
void	argv_str(struct argv *, const char *s);
void	argv_free(struct argv *);

#endif /* PAGERD_ARGV_H */
