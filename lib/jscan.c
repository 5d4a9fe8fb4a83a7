/*
 * lib/jscan.c — the strict JSON scanner behind lib/jscan.h: one pass, a
 * flat token array, strings left where they are in the body. What it
 * accepts is what jansson's json_loadb() accepts (tests/unit/test_jscan.c
 * holds the two side by side on mutated bodies), so swapping it in for
 * the intake changes no sender's answer, only the CPU it costs.
 */
#include "autoconf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "jscan.h"
#include "utf8.h"

/* Objects with more keys than this are checked for duplicates by
 * sorting their keys instead of comparing every pair. */
#define PAIRWISE_MAX	16

/*
 * Bytes a string takes as they are: printable ASCII but '"' and '\\'.
 * One table lookup per byte is most of what scanning an alert costs.
 */
static const unsigned char plain[256] = {
	[0x20 ... 0x21] = 1,	/* '"' is 0x22 */
	[0x23 ... 0x5b] = 1,	/* '\\' is 0x5c */
	[0x5d ... 0x7f] = 1,
};

struct scanner {
	struct jscan		*js;
	const unsigned char	*b;
	size_t			 len;
	size_t			 p;
	struct jscan_err	*err;
};

static int	scan_err(struct scanner *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * Line and column of offset pos, jansson's way: the column counts the
 * characters (UTF-8 lead bytes) consumed on the line before the error.
 * Computed only for an error, so the scan itself counts nothing.
 */
static int
scan_err(struct scanner *s, size_t pos, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 i;

	s->err->line = 1;
	s->err->column = 0;
	for (i = 0; i < pos && i < s->len; i++) {
		if (s->b[i] == '\n') {
			s->err->line++;
			s->err->column = 0;
		} else if ((s->b[i] & 0xc0) != 0x80)
			s->err->column++;
	}
	va_start(ap, fmt);
	vsnprintf(s->err->text, sizeof(s->err->text), fmt, ap);
	va_end(ap);
	return -1;
}

static int
scan_nomem(struct scanner *s)
{
	s->err->nomem = 1;
	return scan_err(s, s->p, "out of memory");
}

/* What was found where something else was expected. */
static int
scan_unexpected(struct scanner *s, const char *want)
{
	unsigned char	 c;

	if (s->p >= s->len)
		return scan_err(s, s->len, "%s, premature end of input",
		    want);
	c = s->b[s->p];
	if (c > 0x20 && c < 0x7f)
		return scan_err(s, s->p + 1, "%s near '%c'", want, c);
	return scan_err(s, s->p + 1, "%s near byte 0x%02x", want, c);
}

static void
skip_ws(struct scanner *s)
{
	while (s->p < s->len && (s->b[s->p] == ' ' || s->b[s->p] == '\n' ||
	    s->b[s->p] == '\r' || s->b[s->p] == '\t'))
		s->p++;
}

static int
add_tok(struct scanner *s, enum jtok_type type, size_t start,
    uint32_t *idx)
{
	struct jscan	*js = s->js;
	struct jtok	*t;
	size_t		 cap;

	if (js->ntok == js->cap) {
		/* About one token per 16 bytes in alert bodies: grow
		 * once for most, however the first buffer was sized. */
		cap = js->cap < 32 ? 64 : js->cap * 2;
		if (cap < js->len / 16)
			cap = js->len / 16;
		if (js->heap) {
			if ((t = reallocarray(js->tok, cap, sizeof(*t))) ==
			    NULL)
				return scan_nomem(s);
		} else {
			if ((t = reallocarray(NULL, cap, sizeof(*t))) == NULL)
				return scan_nomem(s);
			if (js->ntok > 0)
				memcpy(t, js->tok, js->ntok * sizeof(*t));
			js->heap = 1;
		}
		js->tok = t;
		js->cap = cap;
	}
	t = &js->tok[js->ntok];
	t->type = (uint8_t)type;
	t->flags = 0;
	t->start = (uint32_t)start;
	t->len = 0;
	t->count = 0;
	*idx = (uint32_t)js->ntok++;
	t->next = (uint32_t)js->ntok;
	return 0;
}

/* The 4 hex digits at b (already checked), as a code unit. */
static uint32_t
hex4(const unsigned char *b)
{
	return (uint32_t)(hex_value(b[0]) << 12 | hex_value(b[1]) << 8 |
	    hex_value(b[2]) << 4 | hex_value(b[3]));
}

/* \u followed by 4 hex digits at offset q? */
static int
is_uescape(const struct scanner *s, size_t q)
{
	size_t	 i;

	if (q + 6 > s->len || s->b[q] != '\\' || s->b[q + 1] != 'u')
		return 0;
	for (i = 2; i < 6; i++)
		if (hex_value(s->b[q + i]) < 0)
			return 0;
	return 1;
}

/*
 * An escape at offset q (the backslash). Surrogates must pair, high
 * then low, and \u0000 is refused, since the alert's strings are C
 * strings (jansson refuses it without JSON_ALLOW_NUL for the same
 * reason). Returns the bytes the escape took, or 0 after an error.
 */
static size_t
scan_escape(struct scanner *s, size_t q)
{
	uint32_t	 cp, lo;
	size_t		 i;

	if (q + 1 >= s->len) {
		scan_err(s, s->len, "premature end of input");
		return 0;
	}
	switch (s->b[q + 1]) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n':
	case 'r': case 't':
		return 2;
	case 'u':
		break;
	default:
		scan_err(s, q + 2, "invalid escape");
		return 0;
	}
	for (i = 2; i < 6; i++) {
		if (q + i >= s->len) {
			scan_err(s, s->len, "premature end of input");
			return 0;
		}
		if (hex_value(s->b[q + i]) < 0) {
			scan_err(s, q + i + 1, "invalid escape");
			return 0;
		}
	}
	cp = hex4(s->b + q + 2);
	if (cp == 0) {
		scan_err(s, q + 6, "\\u0000 is not allowed");
		return 0;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		scan_err(s, q + 6, "invalid Unicode '\\u%04X'", cp);
		return 0;
	}
	if (cp < 0xd800 || cp > 0xdbff)
		return 6;
	if (!is_uescape(s, q + 6)) {
		scan_err(s, q + 6, "invalid Unicode '\\u%04X'", cp);
		return 0;
	}
	lo = hex4(s->b + q + 8);
	if (lo < 0xdc00 || lo > 0xdfff) {
		scan_err(s, q + 12, "invalid Unicode '\\u%04X\\u%04X'", cp,
		    lo);
		return 0;
	}
	return 12;
}

/* Valid UTF-8 at offset q (a byte >= 0x80): its length, or 0. */
static size_t
utf8_at(const struct scanner *s, size_t q)
{
	unsigned char	 tail[5] = { 0 };

	/* utf8_valid_len() reads up to 4 bytes and stops at a NUL. */
	if (q + 4 <= s->len)
		return utf8_valid_len(s->b + q);
	memcpy(tail, s->b + q, s->len - q);
	return utf8_valid_len(tail);
}

/* A string at s->p (the opening quote) into token t. */
static int
scan_string(struct scanner *s, uint32_t *idx)
{
	const unsigned char	*b = s->b;
	size_t			 q = s->p + 1, n;
	uint8_t			 flags = 0;
	struct jtok		*t;

	for (;;) {
		/* The common case: printable ASCII. */
		while (q < s->len && plain[b[q]])
			q++;
		if (q >= s->len)
			return scan_err(s, s->len, "premature end of input");
		if (b[q] == '"')
			break;
		if (b[q] == '\\') {
			if ((n = scan_escape(s, q)) == 0)
				return -1;
			flags |= JTOK_ESCAPED;
			q += n;
		} else if (b[q] == '\n')
			return scan_err(s, q, "unexpected newline");
		else if (b[q] < 0x20)
			return scan_err(s, q, "control character 0x%x", b[q]);
		else if ((n = utf8_at(s, q)) == 0)
			return scan_err(s, q, "unable to decode byte 0x%x",
			    b[q]);
		else
			q += n;
	}
	if (add_tok(s, JTOK_STRING, s->p + 1, idx) == -1)
		return -1;
	t = &s->js->tok[*idx];
	t->flags = flags;
	t->len = (uint32_t)(q - s->p - 1);
	s->p = q + 1;
	return 0;
}

static int
is_digit(const struct scanner *s, size_t q)
{
	return q < s->len && s->b[q] >= '0' && s->b[q] <= '9';
}

/*
 * A real's digits as a double, through strtod() as jansson does, on a
 * NUL-terminated copy (the body is not terminated). Returns -1 only
 * when out of memory.
 */
static int
real_value(const char *p, size_t len, double *d)
{
	char	 small[64], *buf = small;

	if (len >= sizeof(small) && (buf = malloc(len + 1)) == NULL)
		return -1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	/* An underflow (ERANGE, a tiny or zero value) is a value: jansson
	 * refuses only an overflow, which the caller tests for. */
	*d = strtod(buf, NULL);
	if (buf != small)
		free(buf);
	return 0;
}

/*
 * An integer must fit jansson's json_int_t (long long) and a real must
 * not overflow a double: jansson refuses both, so we must too.
 */
static int
scan_number(struct scanner *s, uint32_t *idx)
{
	size_t		 q = s->p, start = s->p;
	uint64_t	 v = 0, lim;
	int		 neg = 0, real = 0;
	double		 d;

	if (s->b[q] == '-') {
		neg = 1;
		q++;
	}
	if (!is_digit(s, q)) {
		s->p = q;
		return scan_unexpected(s, "digit expected");
	}
	if (s->b[q] == '0') {
		q++;
		if (is_digit(s, q))
			return scan_err(s, q + 1, "invalid number: leading "
			    "zero");
	} else {
		lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		for (; is_digit(s, q); q++) {
			if (v > (lim - (uint64_t)(s->b[q] - '0')) / 10)
				v = lim + 1;	/* sticks: too big */
			else
				v = v * 10 + (uint64_t)(s->b[q] - '0');
		}
	}
	if (q < s->len && s->b[q] == '.') {
		q++;
		if (!is_digit(s, q)) {
			s->p = q;
			return scan_unexpected(s, "invalid number: digit "
			    "expected after '.'");
		}
		while (is_digit(s, q))
			q++;
		real = 1;
	}
	if (q < s->len && (s->b[q] == 'e' || s->b[q] == 'E')) {
		q++;
		if (q < s->len && (s->b[q] == '+' || s->b[q] == '-'))
			q++;
		if (!is_digit(s, q)) {
			s->p = q;
			return scan_unexpected(s, "invalid number: digit "
			    "expected in exponent");
		}
		while (is_digit(s, q))
			q++;
		real = 1;
	}
	if (!real && v > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
		return scan_err(s, q, neg ? "too big negative integer" :
		    "too big integer");
	if (real) {
		if (real_value((const char *)s->b + start, q - start, &d) ==
		    -1)
			return scan_nomem(s);
		if (d == HUGE_VAL || d == -HUGE_VAL)
			return scan_err(s, q, "real number overflow");
	}
	if (add_tok(s, JTOK_NUMBER, start, idx) == -1)
		return -1;
	s->js->tok[*idx].len = (uint32_t)(q - start);
	s->js->tok[*idx].flags = real ? JTOK_REAL : 0;
	s->p = q;
	return 0;
}

static int
scan_literal(struct scanner *s, uint32_t *idx)
{
	static const struct {
		const char	*word;
		size_t		 len;
		enum jtok_type	 type;
	} lit[] = {
		{ "true", 4, JTOK_TRUE },
		{ "false", 5, JTOK_FALSE },
		{ "null", 4, JTOK_NULL },
	};
	size_t	 i;

	for (i = 0; i < 3; i++)
		if (s->len - s->p >= lit[i].len &&
		    memcmp(s->b + s->p, lit[i].word, lit[i].len) == 0) {
			if (add_tok(s, lit[i].type, s->p, idx) == -1)
				return -1;
			s->js->tok[*idx].len = (uint32_t)lit[i].len;
			s->p += lit[i].len;
			return 0;
		}
	return scan_unexpected(s, "invalid token");
}

/* For the sort of a big object's keys: name order, then body order. */
static int
cmp_keys(const void *a, const void *b, void *arg)
{
	uint32_t	 ka = *(const uint32_t *)a, kb = *(const uint32_t *)b;
	int		 r;

	if ((r = jscan_str_cmp(arg, ka, kb)) != 0)
		return r;
	return ka < kb ? -1 : 1;
}

/*
 * JSON_REJECT_DUPLICATES: a key that names two members would mean
 * whichever one a reader kept. Reported at the second one.
 */
static int
check_dups(struct scanner *s, uint32_t obj)
{
	struct jscan	*js = s->js;
	uint32_t	*keys, k, j, dup = 0;
	size_t		 n = js->tok[obj].count, i;

	if (n < 2)
		return 0;
	if (n <= PAIRWISE_MAX) {
		for (k = jscan_first(js, obj); k != 0 && dup == 0;
		    k = jscan_next_member(js, obj, k))
			for (j = jscan_first(js, obj); j != k;
			    j = jscan_next_member(js, obj, j)) {
				if (!((js->tok[j].flags | js->tok[k].flags) &
				    JTOK_ESCAPED) &&
				    js->tok[j].len != js->tok[k].len)
					continue;
				if (jscan_str_cmp(js, j, k) == 0) {
					dup = k;
					break;
				}
			}
	} else {
		if ((keys = reallocarray(NULL, n, sizeof(*keys))) == NULL)
			return scan_nomem(s);
		i = 0;
		for (k = jscan_first(js, obj); k != 0;
		    k = jscan_next_member(js, obj, k))
			keys[i++] = k;
		qsort_r(keys, n, sizeof(*keys), cmp_keys, js);
		for (i = 1; i < n; i++)
			if (jscan_str_cmp(js, keys[i - 1], keys[i]) == 0 &&
			    (dup == 0 || keys[i] < dup))
				dup = keys[i];
		free(keys);
	}
	if (dup == 0)
		return 0;
	return scan_err(s, js->tok[dup].start + js->tok[dup].len + 1,
	    "duplicate object key");
}

/*
 * A loop of four states instead of recursion, so that depth costs a
 * slot of stack[] rather than a C frame: value (one is due), after (one
 * ended: a comma, a close or the end), key (an object member is due)
 * and close (a container ended). stack[] holds the open containers.
 */
int
jscan_parse(struct jscan *js, const char *body, size_t len,
    struct jtok *buf, size_t nbuf, struct jscan_err *err)
{
	struct scanner	 s;
	uint32_t	 stack[JSCAN_MAX_DEPTH], idx, top;
	size_t		 depth = 0;
	struct jtok	*t;

	memset(js, 0, sizeof(*js));
	memset(err, 0, sizeof(*err));
	js->body = body;
	js->len = len;
	js->tok = buf;
	js->cap = nbuf;
	s.js = js;
	s.b = (const unsigned char *)body;
	s.len = len;
	s.p = 0;
	s.err = err;

	/* Offsets are 32 bits; bodies are bounded far below that. */
	if (len >= UINT32_MAX) {
		scan_err(&s, 0, "body too large");
		goto fail;
	}

value:
	skip_ws(&s);
	if (s.p >= len) {
		scan_unexpected(&s, "value expected");
		goto fail;
	}
	/* jansson counts every value, scalars too, against its limit. */
	if (depth + 1 > JSCAN_MAX_DEPTH) {
		scan_err(&s, s.p + 1, "maximum parsing depth reached");
		goto fail;
	}
	switch (s.b[s.p]) {
	case '{':
	case '[':
		if (add_tok(&s, s.b[s.p] == '{' ? JTOK_OBJECT : JTOK_ARRAY,
		    s.p, &idx) == -1)
			goto fail;
		stack[depth++] = idx;
		s.p++;
		skip_ws(&s);
		if (s.p < len && s.b[s.p] == (s.b[js->tok[idx].start] == '{' ?
		    '}' : ']'))
			goto close;
		if (js->tok[idx].type == JTOK_OBJECT)
			goto key;
		goto value;
	case '"':
		if (scan_string(&s, &idx) == -1)
			goto fail;
		break;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		if (scan_number(&s, &idx) == -1)
			goto fail;
		break;
	case ']': case '}': case ',': case ':':
		scan_unexpected(&s, "value expected");
		goto fail;
	default:
		if (scan_literal(&s, &idx) == -1)
			goto fail;
	}

after:
	if (depth == 0) {
		skip_ws(&s);
		if (s.p < len) {
			scan_unexpected(&s, "end of file expected");
			goto fail;
		}
		return 0;
	}
	top = stack[depth - 1];
	js->tok[top].count++;
	skip_ws(&s);
	if (s.p < len && s.b[s.p] == ',') {
		s.p++;
		if (js->tok[top].type == JTOK_OBJECT)
			goto key;
		goto value;
	}
	if (s.p < len && s.b[s.p] ==
	    (js->tok[top].type == JTOK_OBJECT ? '}' : ']'))
		goto close;
	scan_unexpected(&s, js->tok[top].type == JTOK_OBJECT ?
	    "',' or '}' expected" : "',' or ']' expected");
	goto fail;

key:
	skip_ws(&s);
	if (s.p >= len || s.b[s.p] != '"') {
		scan_unexpected(&s, "string expected as object key");
		goto fail;
	}
	if (scan_string(&s, &idx) == -1)
		goto fail;
	skip_ws(&s);
	if (s.p >= len || s.b[s.p] != ':') {
		scan_unexpected(&s, "':' expected");
		goto fail;
	}
	s.p++;
	goto value;

close:
	top = stack[--depth];
	t = &js->tok[top];
	t->next = (uint32_t)js->ntok;
	t->len = (uint32_t)(s.p + 1 - t->start);
	s.p++;
	if (t->type == JTOK_OBJECT && check_dups(&s, top) == -1)
		goto fail;
	goto after;

fail:
	jscan_free(js);
	return -1;
}

void
jscan_free(struct jscan *js)
{
	if (js->heap)
		free(js->tok);
	js->tok = NULL;
	js->ntok = js->cap = 0;
	js->heap = 0;
}

uint32_t
jscan_first(const struct jscan *js, uint32_t obj)
{
	return js->tok[obj].count > 0 ? obj + 1 : 0;
}

uint32_t
jscan_next_member(const struct jscan *js, uint32_t obj, uint32_t key)
{
	uint32_t	 n = js->tok[key + 1].next;

	return n < js->tok[obj].next ? n : 0;
}

uint32_t
jscan_get(const struct jscan *js, uint32_t obj, const char *key,
    size_t len)
{
	uint32_t	 k;

	for (k = jscan_first(js, obj); k != 0;
	    k = jscan_next_member(js, obj, k))
		if (jscan_str_eq(js, k, key, len))
			return k + 1;
	return 0;
}

/*
 * Unescaping one byte at a time, for the rare escaped string: the scan
 * has checked every escape, so this trusts them.
 */
struct unesc {
	const unsigned char	*p, *end;
	char			 pend[4];
	size_t			 npend, ipend;
};

static void
unesc_init(struct unesc *u, const struct jscan *js, uint32_t t)
{
	u->p = (const unsigned char *)js->body + js->tok[t].start;
	u->end = u->p + js->tok[t].len;
	u->npend = u->ipend = 0;
}

/* The next byte, or -1 at the end. */
static int
unesc_next(struct unesc *u)
{
	uint32_t	 cp;
	unsigned char	 c;

	if (u->ipend < u->npend)
		return (unsigned char)u->pend[u->ipend++];
	if (u->p >= u->end)
		return -1;
	if ((c = *u->p++) != '\\')
		return c;
	c = *u->p++;
	switch (c) {
	case 'b':	return '\b';
	case 'f':	return '\f';
	case 'n':	return '\n';
	case 'r':	return '\r';
	case 't':	return '\t';
	case 'u':	break;
	default:	return c;	/* " \ / */
	}
	cp = hex4(u->p);
	u->p += 4;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (hex4(u->p + 2) -
		    0xdc00);
		u->p += 6;
	}
	u->npend = utf8_encode(cp, u->pend);
	u->ipend = 1;
	return (unsigned char)u->pend[0];
}

int
jscan_str_eq(const struct jscan *js, uint32_t t, const char *s,
    size_t len)
{
	const struct jtok	*k = &js->tok[t];
	struct unesc		 u;
	size_t			 i;
	int			 c;

	if (!(k->flags & JTOK_ESCAPED))
		return k->len == len &&
		    memcmp(js->body + k->start, s, len) == 0;
	unesc_init(&u, js, t);
	for (i = 0; (c = unesc_next(&u)) != -1; i++)
		if (i >= len || (unsigned char)s[i] != c)
			return 0;
	return i == len;
}

int
jscan_str_cmp(const struct jscan *js, uint32_t a, uint32_t b)
{
	const struct jtok	*ta = &js->tok[a], *tb = &js->tok[b];
	struct unesc		 ua, ub;
	size_t			 n;
	int			 r, ca, cb;

	if (!((ta->flags | tb->flags) & JTOK_ESCAPED)) {
		n = ta->len < tb->len ? ta->len : tb->len;
		if ((r = memcmp(js->body + ta->start, js->body + tb->start,
		    n)) != 0)
			return r;
		return ta->len < tb->len ? -1 : ta->len > tb->len;
	}
	unesc_init(&ua, js, a);
	unesc_init(&ub, js, b);
	do {
		ca = unesc_next(&ua);
		cb = unesc_next(&ub);
	} while (ca == cb && ca != -1);
	return ca < cb ? -1 : ca > cb;
}

size_t
jscan_str_len(const struct jscan *js, uint32_t t)
{
	struct unesc	 u;
	size_t		 n = 0;

	if (!(js->tok[t].flags & JTOK_ESCAPED))
		return js->tok[t].len;
	unesc_init(&u, js, t);
	while (unesc_next(&u) != -1)
		n++;
	return n;
}

size_t
jscan_str_copy(const struct jscan *js, uint32_t t, char *dst, size_t max)
{
	struct unesc	 u;
	size_t		 n = 0;
	int		 c;

	if (!(js->tok[t].flags & JTOK_ESCAPED)) {
		n = js->tok[t].len < max ? js->tok[t].len : max;
		memcpy(dst, js->body + js->tok[t].start, n);
		return n;
	}
	unesc_init(&u, js, t);
	while (n < max && (c = unesc_next(&u)) != -1)
		dst[n++] = (char)c;
	return n;
}

/*
 * jansson's dump_string() without JSON_ENSURE_ASCII or
 * JSON_ESCAPE_SLASH, as lib/strbuf.c strbuf_json_string() writes it: '"'
 * and '\\' and the short escapes in two bytes, other control
 * characters as \u00XX, everything else (DEL, '/', UTF-8) as it is.
 */
static size_t
dump_byte(int c, char *dst)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const char		*e = NULL;

	switch (c) {
	case '"':	e = "\\\""; break;
	case '\\':	e = "\\\\"; break;
	case '\b':	e = "\\b"; break;
	case '\f':	e = "\\f"; break;
	case '\n':	e = "\\n"; break;
	case '\r':	e = "\\r"; break;
	case '\t':	e = "\\t"; break;
	}
	if (e != NULL) {
		if (dst != NULL)
			memcpy(dst, e, 2);
		return 2;
	}
	if (c >= 0x20) {
		if (dst != NULL)
			*dst = (char)c;
		return 1;
	}
	if (dst != NULL) {
		memcpy(dst, "\\u00", 4);
		dst[4] = hex[c >> 4];
		dst[5] = hex[c & 0xf];
	}
	return 6;
}

size_t
jscan_dump_str_len(const struct jscan *js, uint32_t t)
{
	struct unesc	 u;
	size_t		 n = 2;
	int		 c;

	/* Unescaped, nothing in it needs escaping: the scan refused raw
	 * control characters, and '"' and '\\' would be escapes. */
	if (!(js->tok[t].flags & JTOK_ESCAPED))
		return js->tok[t].len + 2;
	unesc_init(&u, js, t);
	while ((c = unesc_next(&u)) != -1)
		n += dump_byte(c, NULL);
	return n;
}

char *
jscan_dump_str(const struct jscan *js, uint32_t t, char *dst)
{
	struct unesc	 u;
	int		 c;

	*dst++ = '"';
	if (!(js->tok[t].flags & JTOK_ESCAPED)) {
		memcpy(dst, js->body + js->tok[t].start, js->tok[t].len);
		dst += js->tok[t].len;
	} else {
		unesc_init(&u, js, t);
		while ((c = unesc_next(&u)) != -1)
			dst += dump_byte(c, dst);
	}
	*dst++ = '"';
	return dst;
}

/*
 * A real as jansson's jsonp_dtostr() writes it: "%.17g", ".0" added
 * when that looks like an integer, the exponent without '+' or leading
 * zeros. 0 when out of memory.
 */
static size_t
real_size(const struct jscan *js, const struct jtok *t)
{
	char	 out[64], *e, *end;
	double	 d;
	size_t	 n;

	if (real_value(js->body + t->start, t->len, &d) == -1)
		return 0;
	n = (size_t)snprintf(out, sizeof(out), "%.17g", d);
	if (strchr(out, '.') == NULL && strchr(out, 'e') == NULL)
		n += 2;
	if ((e = strchr(out, 'e')) != NULL) {
		e++;
		end = e + 1;
		if (*e == '-')
			e++;
		while (*end == '0')
			end++;
		n -= (size_t)(end - e);
	}
	return n;
}

size_t
jscan_dump_size(const struct jscan *js, uint32_t t, size_t max)
{
	const struct jtok	*k;
	size_t			 n = 0, sub;
	uint32_t		 i;

	/* Every token of the subtree adds its own bytes; a container its
	 * brackets, commas and (an object) colons. */
	for (i = t; i < js->tok[t].next; i++) {
		k = &js->tok[i];
		switch (k->type) {
		case JTOK_OBJECT:
			n += 2 + (k->count > 0 ? k->count - 1 : 0) + k->count;
			break;
		case JTOK_ARRAY:
			n += 2 + (k->count > 0 ? k->count - 1 : 0);
			break;
		case JTOK_STRING:
			n += jscan_dump_str_len(js, i);
			break;
		case JTOK_NUMBER:
			if (k->flags & JTOK_REAL) {
				if ((sub = real_size(js, k)) == 0)
					return 0;
				n += sub;
			} else if (k->len == 2 && js->body[k->start] == '-' &&
			    js->body[k->start + 1] == '0')
				n += 1;		/* -0 is the integer 0 */
			else
				n += k->len;
			break;
		case JTOK_FALSE:
			n += 5;
			break;
		default:
			n += 4;
		}
		if (n > max)
			return max + 1;
	}
	return n;
}
