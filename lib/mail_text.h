/*
 * lib/mail_text.h — the RFC 5322 message the email notifier hands to
 * libcurl's SMTP client. Alert text is hostile: libcurl 7.88 sends what
 * it is given, so a CR or LF in a subject would start a new header
 * ("\r\nBcc: victim@example.com"). Every alert-derived field is cleaned
 * here before it reaches a header, and addresses are validated.
 * Pure: the date and the Message-ID are parameters.
 */
#ifndef PAGERD_MAIL_TEXT_H
#define PAGERD_MAIL_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Characters of a subject or display name kept; a longer one is cut
 * there and "…" added. The body is cut at about MAIL_BODY_MAX bytes. */
#define MAIL_SUBJECT_MAX	200
#define MAIL_NAME_MAX		64
#define MAIL_BODY_MAX		65536

struct mail_msg {
	const char	*from;		/* addr-spec: "pagerd@example.com" */
	const char	*from_name;	/* display name, or NULL */
	const char	*to;		/* addr-spec */
	const char	*to_name;	/* display name, or NULL */
	const char	*subject;	/* any bytes, or NULL */
	const char	*body;		/* any bytes, or NULL */
	int64_t		 date;		/* seconds since the epoch */
	/* id-left@id-right without angle brackets (mail_message_id()). */
	const char	*message_id;
	/* The Message-ID this one follows up (an incident's first page),
	 * for In-Reply-To and References, or NULL. */
	const char	*in_reply_to;
};

/*
 * 1 when addr is a plain addr-spec pagerd can hand to SMTP as it is:
 * local@domain, local part of RFC 5322 atext and single dots (at most 64
 * bytes), domain of LDH labels (no IP literal), 254 bytes at most. So
 * never a CR, LF, space, quote, comma or angle bracket. 0 otherwise.
 */
int	mail_addr_valid(const char *addr);

/*
 * Write "local@domain" into buf as a valid msg-id (RFC 5322 3.6.4) for
 * struct mail_msg: characters of local other than [A-Za-z0-9_+=-] and
 * dots in a bad place become '-' (an idempotency key "inc42:s1:alice"
 * gives "inc42-s1-alice"), so a retry carries the same Message-ID.
 * Returns 0, or -1 when local is empty, domain is not a host name or
 * buf is too small.
 */
int	mail_message_id(char *buf, size_t size, const char *local,
	    const char *domain);

/*
 * NAME
 *	mail_build — a complete message, ready for SMTP
 * DESCRIPTION
 *	Headers, in this order and no others: Date, From, To, Subject,
 *	Message-ID, In-Reply-To and References (with in_reply_to),
 *	MIME-Version, Content-Type (text/plain; charset=utf-8),
 *	Content-Transfer-Encoding, Auto-Submitted: auto-generated (RFC
 *	3834, so vacation responders stay quiet). Lines end in CRLF and
 *	are folded at whitespace to 78 columns.
 *
 *	Subject and display names: control and invisible bidi characters
 *	are dropped, white space runs (CR and LF included) become one
 *	space, invalid UTF-8 becomes U+FFFD; then they are written as is
 *	when printable ASCII, else as RFC 2047 encoded words (B, UTF-8,
 *	whole characters per word). Names are always quoted.
 *
 *	Body: CRLF, CR and LF all end a line, other control characters
 *	but TAB are dropped; quoted-printable (RFC 2045 6.7, with "." and
 *	"From " at a line start encoded), or base64 when more than a third
 *	of it is non-ASCII.
 * RETURNS
 *	The message, NUL-terminated, its length in *lenp (lenp may be
 *	NULL); the caller frees it. NULL with a reason in err when from,
 *	to, message_id or in_reply_to is invalid, or when out of memory.
 */
char	*mail_build(const struct mail_msg *m, size_t *lenp, char *err,
	    size_t errlen);

#endif /* PAGERD_MAIL_TEXT_H */
