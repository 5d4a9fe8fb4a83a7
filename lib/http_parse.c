/*
 * lib/http_parse.c — request line, header line and chunked body parsing.
 * Strict where a lenient parser would let two HTTP implementations
 * disagree about where a request ends (RFC 9112 section 11.2): no bare
 * CR, no blanks before a header's colon, no hex size without its CRLF.
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "http_parse.h"

static int
fail(char *msg, size_t msglen, const char *why, int rc)
{
	if (msg != NULL && msglen > 0)
		snprintf(msg, msglen, "%s", why);
	return rc;
}

/* RFC 9110 5.6.2 tchar. */
static int
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static const struct {
	const char		*name;
	size_t			 len;
	enum http_method	 m;
} methods[] = {
	{ "GET", 3, HTTP_M_GET },
	{ "POST", 4, HTTP_M_POST },
	{ "HEAD", 4, HTTP_M_HEAD },
	{ "PUT", 3, HTTP_M_PUT },
	{ "DELETE", 6, HTTP_M_DELETE },
	{ "OPTIONS", 7, HTTP_M_OPTIONS },
	{ "TRACE", 5, HTTP_M_TRACE },
	{ "CONNECT", 7, HTTP_M_CONNECT },
	{ "PATCH", 5, HTTP_M_PATCH },
};

int
http_parse_reqline(const char *line, size_t len, struct http_reqline *rl,
    char *msg, size_t msglen)
{
	const char	*sp1, *sp2, *v;
	size_t		 i, mlen;

	if ((sp1 = memchr(line, ' ', len)) == NULL || sp1 == line)
		return fail(msg, msglen, "bad request line", -1);
	mlen = (size_t)(sp1 - line);
	for (i = 0; i < mlen; i++)
		if (!is_tchar((unsigned char)line[i]))
			return fail(msg, msglen, "bad request line", -1);
	rl->target = sp1 + 1;
	for (sp2 = rl->target; sp2 < line + len && *sp2 != ' '; sp2++)
		if ((unsigned char)*sp2 <= 0x20 || (unsigned char)*sp2 >= 0x7f)
			return fail(msg, msglen, "bad request target", -1);
	rl->target_len = (size_t)(sp2 - rl->target);
	if (sp2 == line + len || rl->target_len == 0)
		return fail(msg, msglen, "bad request line", -1);
	v = sp2 + 1;
	if ((size_t)(line + len - v) != 8 || memcmp(v, "HTTP/", 5) != 0 ||
	    v[5] < '0' || v[5] > '9' || v[6] != '.' || v[7] < '0' ||
	    v[7] > '9')
		return fail(msg, msglen, "bad HTTP version", -1);
	if (v[5] != '1')
		return fail(msg, msglen, "HTTP version not supported", -3);
	rl->minor = v[7] - '0';
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].len == mlen &&
		    memcmp(methods[i].name, line, mlen) == 0) {
			rl->method = methods[i].m;
			return 0;
		}
	return fail(msg, msglen, "method not implemented", -2);
}

int
http_parse_header(const char *line, size_t len, const char **name,
    size_t *nlen, const char **value, size_t *vlen, char *msg,
    size_t msglen)
{
	const char	*colon, *v, *end, *p;

	if ((colon = memchr(line, ':', len)) == NULL || colon == line)
		return fail(msg, msglen, "bad header line", -1);
	for (p = line; p < colon; p++)
		if (!is_tchar((unsigned char)*p))
			return fail(msg, msglen, "bad header name", -1);
	v = colon + 1;
	end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (p = v; p < end; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') ||
		    (unsigned char)*p == 0x7f)
			return fail(msg, msglen, "control character in a "
			    "header value", -1);
	*name = line;
	*nlen = (size_t)(colon - line);
	*value = v;
	*vlen = (size_t)(end - v);
	return 0;
}

enum {
	CK_SIZE,	/* hex digits */
	CK_EXT,		/* ";ext" up to CR */
	CK_SIZE_LF,	/* LF after the size line's CR */
	CK_DATA,
	CK_DATA_CR,
	CK_DATA_LF,
	CK_TRAILER,	/* a trailer line, or the empty line that ends all */
	CK_TRAILER_LF,
	CK_DONE
};

void
http_chunked_init(struct http_chunked *c, size_t max)
{
	memset(c, 0, sizeof(*c));
	c->state = CK_SIZE;
	c->max = max;
}

int
http_chunked_feed(struct http_chunked *c, const char *p, size_t n,
    size_t *used, void (*out)(void *, const char *, size_t), void *arg)
{
	size_t	 i = 0, take;
	int	 h;

	*used = 0;
	while (i < n && c->state != CK_DONE) {
		unsigned char ch = (unsigned char)p[i];

		switch (c->state) {
		case CK_SIZE:
			if ((h = hex_value(ch)) >= 0) {
				if (++c->digits > 15)
					goto toolong;
				c->size = c->size * 16 + (size_t)h;
				i++;
				break;
			}
			if (c->digits == 0)
				goto bad;
			if (c->size > c->max - c->total) {
				*used = i;
				return fail(c->msg, sizeof(c->msg),
				    "request body too large", -2);
			}
			if (ch == '\r') {
				c->state = CK_SIZE_LF;
			} else if (ch == ';' || ch == ' ' || ch == '\t') {
				c->state = CK_EXT;
				c->line = c->digits;
			} else
				goto bad;
			i++;
			break;
		case CK_EXT:
			if (ch == '\r')
				c->state = CK_SIZE_LF;
			else if (ch == '\n' || ch == '\0')
				goto bad;
			else if (++c->line > HTTP_CHUNK_LINE)
				goto toolong;
			i++;
			break;
		case CK_SIZE_LF:
			if (ch != '\n')
				goto bad;
			i++;
			c->digits = 0;
			c->line = 0;
			c->state = c->size == 0 ? CK_TRAILER : CK_DATA;
			break;
		case CK_DATA:
			take = n - i < c->size ? n - i : c->size;
			if (out != NULL)
				out(arg, p + i, take);
			c->size -= take;
			c->total += take;
			i += take;
			if (c->size == 0)
				c->state = CK_DATA_CR;
			break;
		case CK_DATA_CR:
			if (ch != '\r')
				goto bad;
			c->state = CK_DATA_LF;
			i++;
			break;
		case CK_DATA_LF:
			if (ch != '\n')
				goto bad;
			c->state = CK_SIZE;
			i++;
			break;
		case CK_TRAILER:
			if (ch == '\r') {
				c->state = CK_TRAILER_LF;
			} else if (ch == '\n' || ch == '\0') {
				goto bad;
			} else {
				c->line++;
				if (++c->trailers > HTTP_CHUNK_TRAILERS)
					goto toolong;
			}
			i++;
			break;
		case CK_TRAILER_LF:
			if (ch != '\n')
				goto bad;
			i++;
			if (c->line == 0)
				c->state = CK_DONE;
			else {
				c->line = 0;
				c->state = CK_TRAILER;
			}
			break;
		}
	}
	*used = i;
	return c->state == CK_DONE ? 1 : 0;
bad:
	*used = i;
	return fail(c->msg, sizeof(c->msg), "malformed chunked body", -1);
toolong:
	*used = i;
	return fail(c->msg, sizeof(c->msg), "chunk size or trailer line too "
	    "long", -1);
}
