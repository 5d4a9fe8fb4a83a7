/*
 * lib/mail_text.c — build a text/plain RFC 5322 message: header
 * folding, RFC 2047 encoded words, quoted-printable and base64 bodies,
 * and the cleaning that keeps alert text out of the header structure.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "mail_text.h"
#include "strbuf.h"
#include "utf8.h"

#define LINE_MAX_COLS	78	/* RFC 5322 2.1.1: SHOULD */
#define QP_COLS		76	/* RFC 2045 6.7 (5), the '=' included */
/* Raw bytes per encoded word: 42 bytes are 56 base64 characters, so
 * "=?UTF-8?B?...?=" is 68, and "Subject: " plus one still fits 78. */
#define EW_BYTES	42

/* --------------------------------------------------------- buffer */

/* ------------------------------------------------------ addresses */

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* RFC 5322 3.2.3 atext. */
static int
is_atext(int c)
{
	return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~",
	    c) != NULL);
}

/* dot-atom-text of atext (or of the chars ok() allows). */
static int
dot_atom_ok(const char *s, size_t n, int (*ok)(int))
{
	size_t	 i;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return 0;
		} else if (!ok((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/* A host name: LDH labels of 1-63, no '-' at either end. */
static int
host_ok(const char *s, size_t n)
{
	size_t	 i, label = 0;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-' ||
			    s[i - label] == '-')
				return 0;
			label = 0;
		} else if (is_alnum((unsigned char)s[i]) || s[i] == '-')
			label++;
		else
			return 0;
	}
	return 1;
}

int
mail_addr_valid(const char *addr)
{
	const char	*at;
	size_t		 len;

	if (addr == NULL || (len = strlen(addr)) > 254 ||
	    (at = strchr(addr, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return 0;
	if (at - addr > 64 || !dot_atom_ok(addr, (size_t)(at - addr),
	    is_atext))
		return 0;
	return host_ok(at + 1, strlen(at + 1));
}

static int
is_id_char(int c)
{
	return is_alnum(c) || c == '_' || c == '+' || c == '=' || c == '-';
}

int
mail_message_id(char *buf, size_t size, const char *local,
    const char *domain)
{
	size_t	 n = strlen(local), i;
	int	 w;

	if (n == 0 || !host_ok(domain, strlen(domain)))
		return -1;
	w = snprintf(buf, size, "%s@%s", local, domain);
	if (w < 0 || (size_t)w >= size) {
		if (size > 0)
			buf[0] = '\0';
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!is_id_char((unsigned char)buf[i]) && (buf[i] != '.' ||
		    i == 0 || i == n - 1 || buf[i + 1] == '.'))
			buf[i] = '-';
	return 0;
}

/* msg-id without its brackets: dot-atom-text "@" dot-atom-text. */
static int
msgid_ok(const char *id)
{
	const char	*at;

	if (id == NULL || strlen(id) > 250 || (at = strchr(id, '@')) == NULL)
		return 0;
	return dot_atom_ok(id, (size_t)(at - id), is_atext) &&
	    dot_atom_ok(at + 1, strlen(at + 1), is_atext);
}

/* ---------------------------------------------------- header text */

/*
 * Clean alert text for a header: controls dropped, white space runs
 * one space, trimmed, invalid UTF-8 as U+FFFD, at most max characters
 * and an ellipsis when cut. Returns a new string or NULL.
 */
static char *
clean_phrase(const char *s, size_t max)
{
	size_t		 len = s != NULL ? strlen(s) : 0, i, n, chars = 0;
	uint32_t	 cp;
	char		 u8[4];
	int		 space = 0;
	struct strbuf	 b = { 0 };

	strbuf_add(&b, "", 0);
	for (i = 0; i < len; i += n) {
		n = utf8_decode(s + i, len - i, &cp);
		if (utf8_is_space(cp)) {
			space = chars > 0;
			continue;
		}
		if (utf8_is_control(cp))
			continue;
		if (chars + (size_t)space + 1 > max) {
			strbuf_str(&b, "\xe2\x80\xa6");
			break;
		}
		if (space) {
			strbuf_add(&b, " ", 1);
			chars++;
			space = 0;
		}
		strbuf_add(&b, u8, utf8_encode(cp, u8));
		chars++;
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/*
 * A header being written, folded at the spaces between tokens. A
 * token longer than a line goes on a line of its own (RFC 5322 allows
 * 998; what reaches here is capped far below that).
 */
struct hdr {
	struct strbuf	*b;
	size_t		 col;
	int		 fresh;		/* no token on this line yet */
};

static void
hdr_start(struct hdr *h, struct strbuf *b, const char *name)
{
	h->b = b;
	strbuf_str(b, name);
	strbuf_add(b, ":", 1);
	h->col = strlen(name) + 1;
	h->fresh = 1;
}

static void
hdr_token(struct hdr *h, const char *tok, size_t n)
{
	if (h->col + 1 + n > LINE_MAX_COLS && !h->fresh) {
		strbuf_add(h->b, "\r\n", 2);
		h->col = 0;
	}
	strbuf_add(h->b, " ", 1);
	strbuf_add(h->b, tok, n);
	h->col += 1 + n;
	h->fresh = 0;
}

static void
hdr_end(struct hdr *h)
{
	strbuf_add(h->b, "\r\n", 2);
}

/* Printable ASCII, and nothing that a reader would take for an encoded
 * word or a word too long to fold? Then it can go into a header as is. */
static int
plain_ok(const char *s)
{
	size_t	 run = 0;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
		if (s[0] == '=' && s[1] == '?')
			return 0;
		run = *s == ' ' ? 0 : run + 1;
		if (run > LINE_MAX_COLS - 20)
			return 0;
	}
	return 1;
}

/* Words of s (already clean: single spaces) as header tokens. */
static void
hdr_words(struct hdr *h, const char *s)
{
	const char	*sp;

	while (*s != '\0') {
		if ((sp = strchr(s, ' ')) == NULL)
			sp = s + strlen(s);
		hdr_token(h, s, (size_t)(sp - s));
		s = *sp == ' ' ? sp + 1 : sp;
	}
}

/*
 * s (valid UTF-8) as RFC 2047 encoded words, each EW_BYTES at most and
 * whole characters only (RFC 2047 section 5: a word may not split one).
 */
static void
hdr_encoded(struct hdr *h, const char *s)
{
	char		 tok[16 + 4 * ((EW_BYTES + 2) / 3) + 1];
	size_t		 len = strlen(s), i = 0, j, n;
	uint32_t	 cp;

	while (i < len) {
		for (j = i; j < len; j += n) {
			n = utf8_decode(s + j, len - j, &cp);
			if (j + n - i > EW_BYTES)
				break;
		}
		memcpy(tok, "=?UTF-8?B?", 10);
		n = (size_t)EVP_EncodeBlock((unsigned char *)tok + 10,
		    (const unsigned char *)s + i, (int)(j - i));
		memcpy(tok + 10 + n, "?=", 3);
		hdr_token(h, tok, 12 + n);
		i = j;
	}
}

/* A phrase (subject, display name): plain words or encoded words. */
static void
hdr_phrase(struct hdr *h, const char *clean, int quote)
{
	struct strbuf	 q = { 0 };
	const char	*p;

	if (!plain_ok(clean)) {
		hdr_encoded(h, clean);
		return;
	}
	if (!quote) {
		hdr_words(h, clean);
		return;
	}
	/* A display name is a quoted-string: escape '"' and '\'. */
	strbuf_add(&q, "\"", 1);
	for (p = clean; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_add(&q, "\\", 1);
		strbuf_add(&q, p, 1);
	}
	strbuf_add(&q, "\"", 1);
	if (!q.oom)
		hdr_token(h, q.s, q.len);
	else
		h->b->oom = 1;
	free(q.s);
}

static int
hdr_mailbox(struct strbuf *b, const char *name, const char *dname,
    const char *addr)
{
	struct hdr	 h;
	char		*clean = NULL, *angle;

	hdr_start(&h, b, name);
	if (dname != NULL) {
		if ((clean = clean_phrase(dname, MAIL_NAME_MAX)) == NULL)
			return -1;
		if (*clean != '\0')
			hdr_phrase(&h, clean, 1);
		free(clean);
	}
	if ((angle = malloc(strlen(addr) + 3)) == NULL)
		return -1;
	sprintf(angle, "<%s>", addr);
	hdr_token(&h, angle, strlen(angle));
	free(angle);
	hdr_end(&h);
	return 0;
}

static void
hdr_simple(struct strbuf *b, const char *name, const char *value)
{
	struct hdr	 h;

	hdr_start(&h, b, name);
	hdr_token(&h, value, strlen(value));
	hdr_end(&h);
}

/* ----------------------------------------------------------- body */

/*
 * The body as lines ending in CRLF: any of CRLF, CR, LF ends a line;
 * controls but TAB dropped, invalid UTF-8 as U+FFFD, cut at
 * MAIL_BODY_MAX bytes on a character boundary. Counts the non-ASCII
 * bytes into *high.
 */
static int
clean_body(const char *s, struct strbuf *b, size_t *high)
{
	size_t		 len = s != NULL ? strlen(s) : 0, i, n, w;
	uint32_t	 cp;
	char		 u8[4];

	*high = 0;
	for (i = 0; i < len; i += n) {
		n = utf8_decode(s + i, len - i, &cp);
		if (b->len + 4 > MAIL_BODY_MAX) {
			strbuf_str(b, "\xe2\x80\xa6");
			*high += 3;
			break;
		}
		if (cp == '\r' || cp == '\n') {
			if (cp == '\r' && i + 1 < len && s[i + 1] == '\n')
				n = 2;
			strbuf_add(b, "\r\n", 2);
			continue;
		}
		if (cp != '\t' && utf8_is_control(cp))
			continue;
		w = utf8_encode(cp, u8);
		strbuf_add(b, u8, w);
		if (cp >= 0x80)
			*high += w;
	}
	/* End with a line break: a message without one is not a text. */
	if (b->len < 2 || memcmp(b->s + b->len - 2, "\r\n", 2) != 0)
		strbuf_add(b, "\r\n", 2);
	return b->oom ? -1 : 0;
}

/* RFC 2045 6.7 quoted-printable of text whose lines end in CRLF. */
static void
qp_encode(struct strbuf *out, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i, col = 0;

	for (i = 0; i < len; i++) {
		unsigned char	 c = (unsigned char)s[i];
		char		 tok[3];
		size_t		 n = 1;
		int		 eol = i + 1 < len && s[i + 1] == '\r';

		if (c == '\r' && i + 1 < len && s[i + 1] == '\n') {
			strbuf_add(out, "\r\n", 2);
			col = 0;
			i++;
			continue;
		}
		tok[0] = (char)c;
		/* Encode: non-printables, '=', white space before a line
		 * break, and a line-leading '.' (SMTP) or "From " (mbox). */
		if (c > 126 || (c < 33 && c != ' ' && c != '\t') || c == '=' ||
		    ((c == ' ' || c == '\t') && eol) ||
		    (col == 0 && c == '.') ||
		    (col == 0 && c == 'F' && len - i >= 5 &&
		    memcmp(s + i, "From ", 5) == 0)) {
			tok[0] = '=';
			tok[1] = hex[c >> 4];
			tok[2] = hex[c & 15];
			n = 3;
		}
		if (col + n > QP_COLS - 1) {
			strbuf_add(out, "=\r\n", 3);
			col = 0;
		}
		strbuf_add(out, tok, n);
		col += n;
	}
}

static void
b64_encode(struct strbuf *out, const char *s, size_t len)
{
	unsigned char	 line[80];
	size_t		 i, n;
	int		 w;

	/* 57 bytes are 76 characters, the line length of RFC 2045 6.8. */
	for (i = 0; i < len; i += n) {
		n = len - i < 57 ? len - i : 57;
		w = EVP_EncodeBlock(line, (const unsigned char *)s + i, (int)n);
		strbuf_add(out, (const char *)line, (size_t)w);
		strbuf_add(out, "\r\n", 2);
	}
}

/* ---------------------------------------------------------- build */

static char *
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return NULL;
}

char *
mail_build(const struct mail_msg *m, size_t *lenp, char *err,
    size_t errlen)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct strbuf	 b = { 0 }, body = { 0 };
	struct hdr	 h;
	struct tm	 tm;
	time_t		 t = (time_t)m->date;
	char		 date[64], id[256], *subject = NULL;
	size_t		 high;

	if (!mail_addr_valid(m->from))
		return fail(err, errlen, "from: not a valid address");
	if (!mail_addr_valid(m->to))
		return fail(err, errlen, "to: not a valid address");
	if (!msgid_ok(m->message_id))
		return fail(err, errlen, "message_id: not a valid msg-id");
	if (m->in_reply_to != NULL && !msgid_ok(m->in_reply_to))
		return fail(err, errlen, "in_reply_to: not a valid msg-id");
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 1900)
		return fail(err, errlen, "date: out of range");
	snprintf(date, sizeof(date), "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);

	hdr_simple(&b, "Date", date);
	if (hdr_mailbox(&b, "From", m->from_name, m->from) == -1 ||
	    hdr_mailbox(&b, "To", m->to_name, m->to) == -1 ||
	    (subject = clean_phrase(m->subject, MAIL_SUBJECT_MAX)) == NULL)
		goto nomem;
	hdr_start(&h, &b, "Subject");
	if (*subject != '\0')
		hdr_phrase(&h, subject, 0);
	hdr_end(&h);
	free(subject);
	snprintf(id, sizeof(id), "<%s>", m->message_id);
	hdr_simple(&b, "Message-ID", id);
	if (m->in_reply_to != NULL) {
		snprintf(id, sizeof(id), "<%s>", m->in_reply_to);
		hdr_simple(&b, "In-Reply-To", id);
		hdr_simple(&b, "References", id);
	}
	strbuf_str(&b, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n");
	if (clean_body(m->body, &body, &high) == -1)
		goto nomem;
	if (high * 3 > body.len) {
		strbuf_str(&b, "Content-Transfer-Encoding: base64\r\n"
		    "Auto-Submitted: auto-generated\r\n\r\n");
		b64_encode(&b, body.s, body.len);
	} else {
		strbuf_str(&b, "Content-Transfer-Encoding: quoted-printable\r\n"
		    "Auto-Submitted: auto-generated\r\n\r\n");
		qp_encode(&b, body.s, body.len);
	}
	free(body.s);
	if (b.oom)
		goto nomem;
	if (lenp != NULL)
		*lenp = b.len;
	return b.s;
nomem:
	free(body.s);
	free(b.s);
	return fail(err, errlen, "out of memory");
}
