/*
 * lib/twilio_sig.h — check that an inbound webhook (an SMS reply, a
 * delivery status) really comes from Twilio: parse its form-encoded body
 * and verify X-Twilio-Signature the way Twilio computes it
 * (https://www.twilio.com/docs/usage/security#validating-requests):
 *
 *	base64(HMAC-SHA1(auth token, URL + name1 + value1 + name2 + ...))
 *
 * with the parameters sorted by name (bytewise, case-sensitive), the
 * values of a repeated name sorted too and exact repeats counted once,
 * as Twilio's current helper libraries do (twilio-python >= 8,
 * twilio-node since PR #723). URL is the public URL configured at
 * Twilio, query string included. Pure: no I/O; the token is a parameter.
 */
#ifndef PAGERD_TWILIO_SIG_H
#define PAGERD_TWILIO_SIG_H

#include <stddef.h>

#define TWILIO_SIG_HEADER	"X-Twilio-Signature"
#define TWILIO_SIG_LEN		28	/* base64 of 20 bytes */

/* One parameter, percent-decoded. Both strings are also NUL-terminated,
 * but may hold NUL bytes ("%00"): the lengths are the truth. */
struct twilio_param {
	const char	*name;
	size_t		 name_len;
	const char	*value;
	size_t		 value_len;
};

/* A parsed application/x-www-form-urlencoded body. */
struct twilio_form {
	struct twilio_param	*params;	/* in body order */
	size_t			 nparams;
	char			*buf;		/* holds the strings */
};

/*
 * NAME
 *	twilio_form_parse — split and decode a form body
 * DESCRIPTION
 *	body is len bytes of name=value pairs joined by '&'. '+' is a
 *	space and %XX a byte; a '%' not followed by two hex digits stays
 *	as it is (as browsers and Python do). A pair without '=' has an
 *	empty value; empty pairs ("a=1&&b=2") are skipped. Repeated names
 *	are all kept, in body order.
 * RETURNS
 *	0, or -1 when out of memory. *out owns its strings: free it with
 *	twilio_form_free(), even after -1. body may be freed at once.
 */
int	twilio_form_parse(const char *body, size_t len,
	    struct twilio_form *out);

void	twilio_form_free(struct twilio_form *);

/* The first value of name, or NULL. Valid until twilio_form_free(). */
const char	*twilio_form_get(const struct twilio_form *, const char *name);

/*
 * The signature Twilio sends for a request to url with form's
 * parameters, as TWILIO_SIG_LEN base64 characters and a NUL. Returns 0,
 * or -1 when out of memory.
 */
int	twilio_sig_compute(const char *token, const char *url,
	    const struct twilio_form *form, char out[TWILIO_SIG_LEN + 1]);

/*
 * NAME
 *	twilio_sig_verify — is signature right for this request?
 * ARGUMENTS
 *	url: the URL as configured at Twilio (the public one, not what
 *	    the daemon sees behind a proxy).
 *	signature: the X-Twilio-Signature header value, or NULL when the
 *	    request had none. Surrounding spaces are ignored.
 * DESCRIPTION
 *	Twilio signs with the URL as it was entered in its console, but
 *	has been seen to add or drop the scheme's default port
 *	(https:443, http:80), so both spellings are accepted, as
 *	Twilio's own validators do. Any other port must match. The
 *	comparison is constant-time (CRYPTO_memcmp).
 * RETURNS
 *	0 when it matches; -1 when it does not, is missing or malformed,
 *	or cannot be computed (fail closed).
 */
int	twilio_sig_verify(const char *token, const char *url,
	    const struct twilio_form *form, const char *signature);

#endif /* PAGERD_TWILIO_SIG_H */
