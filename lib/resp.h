/*
 * lib/resp.h — a Redis command in RESP, the bytes hiredis's
 * redisFormatCommandArgv() writes, formatted in one pass into one block.
 * The store sends every alert of a group commit as ~21 arguments of one
 * EVALSHA; hiredis 0.14 formats each with sdscatfmt(), which cost more
 * than the rest of building the call.
 */
#ifndef PAGERD_RESP_H
#define PAGERD_RESP_H

#include <stddef.h>

/* The bytes resp_format() writes for these arguments. */
size_t	resp_size(int argc, const size_t *argvlen);

/*
 * "*argc\r\n" then "$len\r\nARG\r\n" per argument into a new malloc'd
 * block of resp_size() bytes (not NUL-terminated). Returns NULL when out
 * of memory or argc < 1.
 */
char	*resp_format(int argc, const char *const *argv,
	    const size_t *argvlen, size_t *len);

#endif /* PAGERD_RESP_H */
