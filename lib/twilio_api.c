/*
 * lib/twilio_api.c — Messages API request bodies, answer classification
 * (jansson for the JSON error body) and TwiML.
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "notify_http.h"
#include "strbuf.h"
#include "twilio_api.h"
#include "utf8.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

void
twilio_form_add(struct strbuf *b, const char *name, const char *value)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const char		*parts[2] = { name, value };
	int			 i;

	if (b->len > 0)
		strbuf_char(b, '&');
	for (i = 0; i < 2; i++) {
		const unsigned char	*p;

		if (i == 1)
			strbuf_char(b, '=');
		for (p = (const unsigned char *)parts[i]; *p != '\0'; p++) {
			char	 enc[3];

			if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' &&
			    *p <= 'z') || (*p >= '0' && *p <= '9') ||
			    *p == '*' || *p == '-' || *p == '.' || *p == '_')
				strbuf_char(b, (char)*p);
			else if (*p == ' ')
				strbuf_char(b, '+');
			else {
				enc[0] = '%';
				enc[1] = hex[*p >> 4];
				enc[2] = hex[*p & 0xf];
				strbuf_add(b, enc, 3);
			}
		}
	}
}

/*
 * The error codes pagerd names itself (from Twilio's error dictionary),
 * so the incident timeline says what to fix in words, not a number.
 * Every other code is reported with Twilio's own message.
 */
static const struct known_code {
	int			 code;
	enum twilio_outcome	 outcome;
	const char		*text;
} known_codes[] = {
	{ 20003, TWILIO_PERMANENT,
	  "authentication failed (check account_sid and auth_token)" },
	{ 20404, TWILIO_PERMANENT, "account not found (check account_sid)" },
	{ 20429, TWILIO_RETRY, "too many requests" },
	{ 21211, TWILIO_PERMANENT, "invalid 'To' number" },
	{ 21212, TWILIO_PERMANENT, "invalid 'From' number" },
	{ 21217, TWILIO_PERMANENT, "'To' number does not appear valid" },
	{ 21408, TWILIO_PERMANENT,
	  "sending to this region is not enabled for the account" },
	{ 21602, TWILIO_PERMANENT, "message body is required" },
	{ 21606, TWILIO_PERMANENT, "'From' number cannot send SMS" },
	{ 21608, TWILIO_PERMANENT,
	  "trial account: 'To' number is not verified" },
	{ 21610, TWILIO_PERMANENT,
	  "recipient has opted out (replied STOP; START re-enables)" },
	{ 21611, TWILIO_RETRY, "message queue of the 'From' number is full" },
	{ 21612, TWILIO_PERMANENT,
	  "'To' number cannot be reached from the 'From' number" },
	{ 21614, TWILIO_PERMANENT, "'To' number is not a mobile number" },
	{ 21617, TWILIO_PERMANENT, "message body is too long" },
};

static const struct known_code *
known_code(int code)
{
	size_t	 i;

	for (i = 0; i < NELEM(known_codes); i++)
		if (known_codes[i].code == code)
			return &known_codes[i];
	return NULL;
}

/* Copy s into dst as printable ASCII only: a provider's message goes
 * into log lines and the timeline. */
static void
copy_ascii(char *dst, size_t size, const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0' && n + 1 < size; s++)
		if (*s >= 0x20 && *s < 0x7f)
			dst[n++] = *s;
	dst[n] = '\0';
}

int
twilio_sid_ok(const char *s)
{
	size_t	 n;

	for (n = 0; s[n] != '\0'; n++)
		if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' &&
		    s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9')))
			return 0;
	return n > 0 && n <= TWILIO_SID_MAX;
}

void
twilio_classify(int status, const char *body, size_t len,
    const char *retry_after, struct twilio_result *out)
{
	const struct known_code	*kc;
	json_t			*root = NULL, *v;
	const char		*msg = NULL, *sid = NULL;
	char			 clean[120];

	memset(out, 0, sizeof(*out));
	if (body != NULL && len > 0 &&
	    (root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL)) !=
	    NULL && json_is_object(root)) {
		v = json_object_get(root, "code");
		if (json_is_integer(v) && json_integer_value(v) > 0 &&
		    json_integer_value(v) < 1000000)
			out->code = (int)json_integer_value(v);
		if (json_is_string(v = json_object_get(root, "message")))
			msg = json_string_value(v);
		if (json_is_string(v = json_object_get(root, "sid")))
			sid = json_string_value(v);
	}

	if (status >= 200 && status < 300) {
		if (sid != NULL && twilio_sid_ok(sid)) {
			out->outcome = TWILIO_SENT;
			snprintf(out->sid, sizeof(out->sid), "%s", sid);
		} else {
			out->outcome = TWILIO_RETRY;
			snprintf(out->reason, sizeof(out->reason),
			    "HTTP %d without a message sid", status);
		}
		goto done;
	}

	if (status == 0 || status == 429 || status >= 500)
		out->outcome = TWILIO_RETRY;
	else
		out->outcome = TWILIO_PERMANENT;
	kc = known_code(out->code);
	if (kc != NULL)
		out->outcome = kc->outcome;
	if (out->outcome == TWILIO_RETRY)
		out->retry_after_s = notify_http_retry_after(retry_after);

	if (status == 0)
		snprintf(out->reason, sizeof(out->reason), "no answer");
	else if (kc != NULL)
		snprintf(out->reason, sizeof(out->reason), "Twilio %d: %s",
		    out->code, kc->text);
	else if (out->code != 0 && msg != NULL) {
		copy_ascii(clean, sizeof(clean), msg);
		snprintf(out->reason, sizeof(out->reason), "Twilio %d: %s",
		    out->code, clean);
	} else if (out->code != 0)
		snprintf(out->reason, sizeof(out->reason),
		    "Twilio %d (HTTP %d)", out->code, status);
	else if (status == 401 || status == 403)
		snprintf(out->reason, sizeof(out->reason), "HTTP %d: "
		    "authentication failed (check account_sid and auth_token)",
		    status);
	else
		snprintf(out->reason, sizeof(out->reason), "HTTP %d", status);
done:
	json_decref(root);
}

void
twilio_xml_escape(struct strbuf *b, const char *s)
{
	size_t	 len = strlen(s), i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		switch (cp) {
		case '&':
			strbuf_str(b, "&amp;");
			break;
		case '<':
			strbuf_str(b, "&lt;");
			break;
		case '>':
			strbuf_str(b, "&gt;");
			break;
		case '"':
			strbuf_str(b, "&quot;");
			break;
		case '\'':
			strbuf_str(b, "&apos;");
			break;
		default:
			/* XML 1.0 2.2: no C0 controls but TAB, LF, CR,
			 * and no U+FFFE, U+FFFF. */
			if ((cp < 0x20 && cp != '\t' && cp != '\n' &&
			    cp != '\r') || cp == 0xfffe || cp == 0xffff)
				break;
			if (cp == UTF8_REPLACEMENT)
				strbuf_str(b, "\xef\xbf\xbd");
			else
				strbuf_add(b, s + i, n);
		}
		i += n;
	}
}

void
twilio_twiml_message(struct strbuf *b, const char *answer)
{
	strbuf_str(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
	if (answer == NULL || *answer == '\0') {
		strbuf_str(b, "<Response/>");
		return;
	}
	strbuf_str(b, "<Response><Message>");
	twilio_xml_escape(b, answer);
	strbuf_str(b, "</Message></Response>");
}
