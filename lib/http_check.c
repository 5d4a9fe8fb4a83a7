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
