/*
 * lib/http_check.c — request framing and Content-Type checks that evhttp
 * leaves out. Framing is where request smuggling lives: when two parsers
 * (a proxy and evhttp) could disagree on where a body ends, the request
 * is refused rather than guessed at (RFC 9112 sections 6.1 and 6.3).
 */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http_check.h"

/*
 * At most 18 digits: fits int64 without overflow checks, and is far
 * beyond any body the daemon would read anyway.
 */
#define CL_MAX_DIGITS	18

static int
fail(char *msg, size_t msglen, const char *why)
{
	if (msg != NULL && msglen > 0)
		snprintf(msg, msglen, "%s", why);
	return -1;
}

int
http_check_framing(const struct http_header *h, size_t n, char *msg,
    size_t msglen)
{
	const char	*cl = NULL, *te = NULL, *p;
	size_t		 i, ncl = 0, nte = 0;

	for (i = 0; i < n; i++) {
		if (h[i].name == NULL)
			continue;
		if (strcasecmp(h[i].name, "Content-Length") == 0) {
			ncl++;
			cl = h[i].value != NULL ? h[i].value : "";
		} else if (strcasecmp(h[i].name, "Transfer-Encoding") == 0) {
			nte++;
			te = h[i].value != NULL ? h[i].value : "";
		}
	}

	/* Two proxies may pick different ones, even when they look equal. */
	if (ncl > 1)
		return fail(msg, msglen, "more than one Content-Length");
	if (nte > 1)
		return fail(msg, msglen, "more than one Transfer-Encoding");
	if (ncl == 1 && nte == 1)
		return fail(msg, msglen,
		    "both Transfer-Encoding and Content-Length");
	if (cl != NULL) {
		/* No sign, no blanks, no list ("5, 5"), no hex. */
		for (p = cl; *p >= '0' && *p <= '9'; p++)
			;
		if (p == cl || *p != '\0' || p - cl > CL_MAX_DIGITS)
			return fail(msg, msglen, "invalid Content-Length");
	}
	/*
	 * evhttp compares the value with "chunked" ignoring case and treats
	 * anything else ("gzip, chunked", "chunked, chunked", "xchunked")
	 * as no body at all, while a proxy may see a chunked body: refuse.
	 */
	if (te != NULL && strcasecmp(te, "chunked") != 0)
		return fail(msg, msglen, "unsupported Transfer-Encoding");
	return 0;
}

/* Skip optional whitespace (RFC 9110 5.6.3: SP / HTAB). */
static const char *
ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * RFC 9110 8.3.1: media-type = type "/" subtype parameters, with
 * parameters = *( OWS ";" OWS [ name "=" value ] ), all names and the
 * charset value case-insensitive. JSON is UTF-8 (RFC 8259 section 8.1),
 * so the only parameter worth accepting is charset=utf-8.
 */
int
http_check_json_type(const char *ct)
{
	static const char	 mt[] = "application/json";
	static const char	 cs[] = "charset=";
	const char		*p, *v;
	size_t			 vlen;

	if (ct == NULL)
		return 0;
	p = ows(ct);
	if (strncasecmp(p, mt, sizeof(mt) - 1) != 0)
		return 0;
	p = ows(p + sizeof(mt) - 1);
	while (*p != '\0') {
		if (*p++ != ';')
			return 0;
		p = ows(p);
		if (*p == ';' || *p == '\0')
			continue;		/* empty parameter */
		if (strncasecmp(p, cs, sizeof(cs) - 1) != 0)
			return 0;
		v = p + sizeof(cs) - 1;
		if (*v == '"') {
			v++;
			vlen = strcspn(v, "\"");
			if (v[vlen] != '"')
				return 0;
			p = v + vlen + 1;
		} else {
			vlen = strcspn(v, " \t;");
			p = v + vlen;
		}
		if (vlen != 5 || strncasecmp(v, "utf-8", 5) != 0)
			return 0;
		p = ows(p);
	}
	return 1;
}

void
http_scan_reset(struct http_scan *s)
{
	s->state = 0;
	s->len = 0;
	s->overflow = 0;
	s->nfr = 0;
	s->msg[0] = '\0';
}

/* One complete header line (CR stripped); 0, or -1 with s->msg. */
static int
scan_line(struct http_scan *s)
{
	const char	*colon, *v, *end;
	size_t		 nlen;

	if (s->state == 0) {
		/* Request line. Empty lines before it are allowed (RFC 9112
		 * 2.2); evhttp judges the line itself. */
		if (s->len > 0)
			s->state = 1;
		return 0;
	}
	if (s->line[0] == ' ' || s->line[0] == '\t') {
		snprintf(s->msg, sizeof(s->msg), "obsolete line folding in the "
		    "request header");
		return -1;
	}
	if ((colon = memchr(s->line, ':', s->len)) == NULL)
		return 0;	/* evhttp refuses it */
	nlen = (size_t)(colon - s->line);
	if (!((nlen == 14 && strncasecmp(s->line, "Content-Length", 14) ==
	    0) || (nlen == 17 && strncasecmp(s->line, "Transfer-Encoding",
	    17) == 0)))
		return 0;
	if (s->overflow) {
		snprintf(s->msg, sizeof(s->msg), "%.*s header too long",
		    (int)nlen, s->line);
		return -1;
	}
	if (s->nfr == HTTP_SCAN_FRAMING) {
		snprintf(s->msg, sizeof(s->msg), "too many framing headers");
		return -1;
	}
	v = colon + 1;
	end = s->line + s->len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if ((size_t)(end - v) >= sizeof(s->values[0])) {
		snprintf(s->msg, sizeof(s->msg), "%.*s value too long",
		    (int)nlen, s->line);
		return -1;
	}
	snprintf(s->names[s->nfr], sizeof(s->names[0]), "%.*s", (int)nlen,
	    s->line);
	snprintf(s->values[s->nfr], sizeof(s->values[0]), "%.*s",
	    (int)(end - v), v);
	s->nfr++;
	return 0;
}

int
http_scan_feed(struct http_scan *s, const char *p, size_t n, size_t *used)
{
	struct http_header	 h[HTTP_SCAN_FRAMING];
	size_t			 i, k, end;

	*used = 0;
	if (s->state == 2)
		return 1;
	/* A line at a time: memchr() instead of a test per byte. */
	for (i = 0; i < n; i = end + 1) {
		const char	*nl = memchr(p + i, '\n', n - i), *nul;
		size_t		 seg, room = sizeof(s->line) - s->len;

		end = nl != NULL ? (size_t)(nl - p) : n;
		seg = end - i;

		if ((nul = memchr(p + i, '\0', seg)) != NULL) {
			*used = (size_t)(nul - p) + 1;
			snprintf(s->msg, sizeof(s->msg), "NUL byte in the "
			    "request header");
			return -1;
		}
		if (seg > room) {
			s->overflow = 1;
			seg = room;
		}
		memcpy(s->line + s->len, p + i, seg);
		s->len += seg;
		if (nl == NULL)
			break;
		if (s->len > 0 && s->line[s->len - 1] == '\r')
			s->len--;
		if (s->len == 0 && !s->overflow && s->state == 1) {
			/* The blank line: the header block is complete. */
			*used = end + 1;
			s->state = 2;
			for (k = 0; k < s->nfr; k++) {
				h[k].name = s->names[k];
				h[k].value = s->values[k];
			}
			if (http_check_framing(h, s->nfr, s->msg,
			    sizeof(s->msg)) == -1)
				return -1;
			return 1;
		}
		if (scan_line(s) == -1) {
			*used = end + 1;
			return -1;
		}
		s->len = 0;
		s->overflow = 0;
	}
	*used = n;
	return 0;
}
