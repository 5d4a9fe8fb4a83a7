/*
 * lib/twilio_api.h — the wire format of Twilio's Messages API as the sms
 * notifier speaks it: the form-encoded request body, what an answer
 * means (sent, try again, never), and the TwiML that answers an inbound
 * SMS. Inbound form parsing and signatures are lib/twilio_sig.h.
 * Pure: no I/O, no clock.
 */
#ifndef PAGERD_TWILIO_API_H
#define PAGERD_TWILIO_API_H

#include <stddef.h>

struct strbuf;

/*
 * Append "name=value" to an application/x-www-form-urlencoded body,
 * with a '&' first unless b is empty. Every byte but [A-Za-z0-9*-._]
 * is percent-encoded and a space becomes '+' (the WHATWG form
 * serialiser, which Twilio's own libraries use).
 */
void	twilio_form_add(struct strbuf *b, const char *name, const char *value);

/*
 * A sid (account, message, messaging service): Twilio's are two letters
 * and 32 hex digits; a compatible gateway may differ, so 1 to
 * TWILIO_SID_MAX letters and digits pass. 1 when s does, else 0.
 */
#define TWILIO_SID_MAX	63
int	twilio_sid_ok(const char *s);

enum twilio_outcome {
	TWILIO_SENT,		/* accepted: sid holds the message id */
	TWILIO_RETRY,		/* may pass: 429, 5xx, no answer */
	TWILIO_PERMANENT	/* will not pass as it is: bad number, auth */
};

struct twilio_result {
	enum twilio_outcome	 outcome;
	int			 code;		/* Twilio error code, or 0 */
	int			 retry_after_s;	/* TWILIO_RETRY: 0 = none
						 * said */
	char			 sid[TWILIO_SID_MAX + 1]; /* TWILIO_SENT:
						 * "SM..." */
	char			 reason[200];	/* else: one line of
						 * printable ASCII */
};

/*
 * NAME
 *	twilio_classify — what did the Messages API answer mean?
 * ARGUMENTS
 *	status: the HTTP status, 0 when no answer came.
 *	body, len: the answer (JSON from Twilio, anything from a proxy).
 *	retry_after: the Retry-After header value, or NULL; read by
 *	    notify_http_retry_after() (delta-seconds, capped; an HTTP-date
 *	    means the host's backoff).
 * DESCRIPTION
 *	2xx with a "sid" is TWILIO_SENT; 2xx without one is TWILIO_RETRY
 *	(we cannot tell what happened, and pages are at least once).
 *	429, 5xx and status 0 are TWILIO_RETRY, as is Twilio's error 20429
 *	(too many requests) and 21611 (queue full) whatever the status.
 *	Other 4xx and 3xx answers are TWILIO_PERMANENT: a wrong number,
 *	an opted-out recipient, a refused account do not heal by waiting.
 *	The reason reads "Twilio 21211: invalid 'To' number" for the codes
 *	pagerd knows, "Twilio CODE: <Twilio's message>" for others, and
 *	"HTTP 502" when no code came; text from the answer is cut to fit
 *	and stripped of anything but printable ASCII, so it can go into a
 *	log line or a timeline as it is.
 */
void	twilio_classify(int status, const char *body, size_t len,
	    const char *retry_after, struct twilio_result *out);

/*
 * Append the TwiML that answers an inbound SMS with answer:
 * <?xml version="1.0" encoding="UTF-8"?><Response><Message>answer
 * </Message></Response>, or an empty <Response/> when answer is NULL or
 * empty. & < > " ' are escaped, characters XML 1.0 forbids (C0 controls
 * but TAB, LF and CR) are dropped and invalid UTF-8 becomes U+FFFD, so
 * any answer gives a well-formed document.
 */
void	twilio_twiml_message(struct strbuf *b, const char *answer);

/* Append s XML-escaped, as twilio_twiml_message does for the answer. */
void	twilio_xml_escape(struct strbuf *b, const char *s);

#endif /* PAGERD_TWILIO_API_H */
