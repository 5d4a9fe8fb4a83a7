/*
 * lib/jscan.h — a strict JSON scanner for the intake's hot path: one pass
 * over the body fills a flat array of tokens (no tree, no string copies),
 * and helpers read strings out of it, unescaping only those that have
 * escapes. It accepts exactly what jansson's json_loadb() accepts with
 * JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, and the helpers measure and
 * write values as json_dumps(JSON_COMPACT) would. Not a general JSON
 * library: nothing is built or modified. Pure: no I/O.
 */
#ifndef PAGERD_JSCAN_H
#define PAGERD_JSCAN_H

#include <stddef.h>
#include <stdint.h>

/* jansson's JSON_PARSER_MAX_DEPTH: values nested deeper are refused. */
#define JSCAN_MAX_DEPTH	2048

enum jtok_type {
	JTOK_OBJECT = 1,
	JTOK_ARRAY,
	JTOK_STRING,
	JTOK_NUMBER,
	JTOK_TRUE,
	JTOK_FALSE,
	JTOK_NULL
};

#define JTOK_ESCAPED	0x01	/* a string with backslash escapes */
#define JTOK_REAL	0x02	/* a number with a fraction or exponent */

/*
 * One value, or one object key (a JTOK_STRING). An object's tokens are
 * the object, then key, value, key, value... in body order; a value's
 * subtree is the tokens from it up to next.
 */
struct jtok {
	uint8_t		 type;	/* enum jtok_type */
	uint8_t		 flags;
	uint32_t	 start;	/* offset of the first byte; a string's
				 * is after the quote */
	uint32_t	 len;	/* bytes; a string's without quotes */
	uint32_t	 next;	/* the token after the subtree */
	uint32_t	 count;	/* members / elements of a container */
};

struct jscan {
	const char	*body;	/* borrowed: must outlive the scan */
	size_t		 len;
	struct jtok	*tok;	/* tok[0] is the document's value */
	size_t		 ntok;
	size_t		 cap;
	int		 heap;	/* tok was malloc'd by jscan_parse() */
};

struct jscan_err {
	int	 line;		/* 1-based */
	int	 column;	/* characters before the error */
	int	 nomem;		/* not the body's fault: no memory */
	char	 text[128];
};

/*
 * Scan body (len bytes, need not be NUL-terminated) into js. The tokens
 * go into buf (nbuf entries, may be 0) while they fit, then into one
 * malloc'd array grown as needed. RFC 8259 strictly: no trailing commas,
 * no leading zeros, no comments, no NaN; strings valid UTF-8 without raw
 * control characters, \u0000 or lone surrogates; integers within
 * int64_t and reals within double (as jansson); duplicate keys in any
 * object and nesting past JSCAN_MAX_DEPTH refused. A duplicate is found
 * when its object closes.
 *
 * Returns 0, or -1 with err filled (and nothing left to free).
 * jscan_free() after success.
 */
int	jscan_parse(struct jscan *js, const char *body, size_t len,
	    struct jtok *buf, size_t nbuf, struct jscan_err *err);
void	jscan_free(struct jscan *js);

/* Member iteration: for (k = jscan_first(js, o); k != 0;
 * k = jscan_next_member(js, o, k)) with key k and value k + 1. */
uint32_t	jscan_first(const struct jscan *js, uint32_t obj);
uint32_t	jscan_next_member(const struct jscan *js, uint32_t obj,
		    uint32_t key);

/* The value of key (len bytes) in object obj, or 0 when absent. */
uint32_t	jscan_get(const struct jscan *js, uint32_t obj,
		    const char *key, size_t len);

/* Is string token t, unescaped, the len bytes of s? */
int	jscan_str_eq(const struct jscan *js, uint32_t t, const char *s,
	    size_t len);

/* strcmp() order of two string tokens' unescaped contents. */
int	jscan_str_cmp(const struct jscan *js, uint32_t a, uint32_t b);

/* Bytes of string token t unescaped (without a NUL). */
size_t	jscan_str_len(const struct jscan *js, uint32_t t);

/* Unescape string token t into dst, at most max bytes (no NUL added;
 * may stop inside a character). Returns the bytes written. */
size_t	jscan_str_copy(const struct jscan *js, uint32_t t, char *dst,
	    size_t max);

/*
 * The length json_dumpb(v, JSON_COMPACT) gives for token t's value, or
 * anything above max once it is past max. 0 only when out of memory
 * (formatting a very long real).
 */
size_t	jscan_dump_size(const struct jscan *js, uint32_t t, size_t max);

/* String token t as jansson's compact dump writes it, quotes included:
 * its length, and the text written at dst (returns the end). */
size_t	jscan_dump_str_len(const struct jscan *js, uint32_t t);
char	*jscan_dump_str(const struct jscan *js, uint32_t t, char *dst);

#endif /* PAGERD_JSCAN_H */
