/*
 * lib/slack_text.h — the JSON the slack notifier posts to an incoming
 * webhook. Slack reads "<...>" in message text as links and mentions
 * ("<!channel>", "<@U123>", "<https://evil.example|your bank>"), so
 * alert text is escaped before it goes in. Pure: no I/O.
 */
#ifndef PAGERD_SLACK_TEXT_H
#define PAGERD_SLACK_TEXT_H

#include <stddef.h>

/* Slack's limit on a section block's text, in UTF-16 units. */
#define SLACK_TEXT_MAX		3000
#define SLACK_TITLE_MAX		150
#define SLACK_URL_MAX		500

/*
 * NAME
 *	slack_escape — alert text made safe for Slack text
 * DESCRIPTION
 *	'&', '<' and '>' become "&amp;", "&lt;" and "&gt;", the escaping
 *	Slack asks for (api.slack.com, "Formatting text for app
 *	surfaces"); control and invisible bidi characters are dropped and
 *	invalid UTF-8 becomes U+FFFD. With multiline, CRLF, CR and LF
 *	become '\n' and other white space a space; without it, every run
 *	of white space becomes one space and the ends are trimmed. The
 *	result is at most max UTF-16 units long (the unit Slack counts):
 *	longer text is cut on a character boundary, never inside an
 *	entity, and ends in "…" (counted in max).
 * RETURNS
 *	A new string (caller frees with free()), or NULL when out of
 *	memory.
 */
char	*slack_escape(const char *s, int multiline, size_t max);

struct slack_page {
	long long	 incident_id;
	const char	*severity;	/* "sev1", or NULL */
	const char	*status;	/* NULL for a page; "resolved", ... */
	const char	*title;		/* alert text, one line */
	const char	*summary;	/* alert text, may hold '\n'; or NULL */
	const char	*url;		/* the incident's page (http or https),
					 * or NULL */
};

/*
 * NAME
 *	slack_page_json — the incoming-webhook body for one page
 * DESCRIPTION
 *	{"text": "[SEV1] #42 db down",
 *	 "blocks": [{"type": "section", "text": {"type": "mrkdwn",
 *	   "text": "*<URL|[SEV1] #42 db down>*\nsummary"}}],
 *	 "unfurl_links": false, "unfurl_media": false}
 *
 *	"text" is what phones show in the notification; the block is the
 *	message. A status ("RESOLVED") follows the incident number. The
 *	title is cut to SLACK_TITLE_MAX units, the summary to what is left
 *	of SLACK_TEXT_MAX. Severity and status keep [A-Za-z0-9_-] only.
 * RETURNS
 *	Compact JSON text (caller frees with free()); NULL with a reason
 *	in err when url is not an http(s) URL of at most SLACK_URL_MAX
 *	printable ASCII characters without spaces, quotes, '<', '>' or
 *	'|', or when out of memory.
 */
char	*slack_page_json(const struct slack_page *page, char *err,
	    size_t errlen);

#endif /* PAGERD_SLACK_TEXT_H */
