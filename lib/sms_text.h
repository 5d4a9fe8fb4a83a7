/*
 * lib/sms_text.h — the text of a page sent by SMS. An SMS segment holds
 * 160 GSM-7 septets or, as soon as one character is outside GSM 03.38,
 * only 70 UCS-2 units; a longer text is split into 153- or 67-unit
 * parts that cost one message each and may arrive out of order. So the
 * page is built to fit the segments allowed, shortening the summary and
 * never the incident number, severity, reply code or instructions.
 * Pure: no I/O, no allocation.
 */
#ifndef PAGERD_SMS_TEXT_H
#define PAGERD_SMS_TEXT_H

#include <stddef.h>

enum sms_encoding { SMS_GSM7, SMS_UCS2 };

/* Twilio refuses bodies over 1600 characters: ten segments at most. */
#define SMS_MAX_SEGMENTS	10

/* A buffer that holds any page of nseg segments: a GSM-7 septet takes
 * at most 2 bytes of UTF-8, a UCS-2 unit at most 3. */
#define SMS_TEXT_SIZE(nseg)	((size_t)(nseg) * 320 + 1)

struct sms_info {
	enum sms_encoding	 encoding;
	size_t			 units;		/* septets (GSM-7; an
						 * extension character counts
						 * 2) or UTF-16 code units */
	int			 segments;	/* 1 for an empty text */
};

/*
 * What an SMS of text (len bytes of UTF-8) costs. GSM-7 when every
 * character is in the GSM 03.38 basic set or its extension table
 * (^ { } \ [ ~ ] | €, two septets each), else UCS-2 (characters beyond
 * U+FFFF take two units). Invalid UTF-8 counts as U+FFFD, so as UCS-2.
 * Multi-part texts are counted as carriers split them: a two-unit
 * character is never split between parts.
 */
void	sms_measure(const char *text, size_t len, struct sms_info *out);

struct sms_page {
	long long	 incident_id;
	const char	*severity;	/* "sev1", or NULL */
	/* NULL for a page; "acknowledged", "resolved", ... for an update,
	 * shown after the severity. */
	const char	*status;
	const char	*summary;	/* alert text: any bytes, or NULL */
	int		 reply_code;	/* > 0: "Reply 3a ack, 3r resolve" */
	int		 max_segments;	/* 1 .. SMS_MAX_SEGMENTS; 0 means 1 */
};

/*
 * NAME
 *	sms_page_text — "#42 SEV1 db-primary down. Reply 3a ack, 3r resolve"
 * DESCRIPTION
 *	The summary is made safe and short first: control characters and
 *	invisible bidi/zero-width characters are dropped, runs of white
 *	space (newlines included) become one space, invalid UTF-8 becomes
 *	'?', and typographic punctuation that would force UCS-2 for
 *	nothing (curly quotes, dashes, the ellipsis, backquote) becomes
 *	its ASCII look-alike, as Twilio's Smart Encoding does. Severity
 *	and status keep only [A-Za-z0-9_-], upper-cased, 16 at most.
 *
 *	When the text does not fit in max_segments, the summary is cut on
 *	a character boundary (never before a combining mark, variation
 *	selector or after a zero-width joiner) and ends in "..." in
 *	GSM-7 or "…" in UCS-2. Whichever encoding keeps more of the
 *	summary wins: a summary whose only non-GSM character is near its
 *	end is cut before it and sent as 160-septet GSM-7.
 * RETURNS
 *	0 with the NUL-terminated text in buf and its cost in *info
 *	(info may be NULL); -1 when size is too small for the result
 *	(SMS_TEXT_SIZE(max_segments) always suffices) or max_segments is
 *	out of range, with buf set to "" when size > 0.
 */
int	sms_page_text(const struct sms_page *page, char *buf, size_t size,
	    struct sms_info *info);

#endif /* PAGERD_SMS_TEXT_H */
