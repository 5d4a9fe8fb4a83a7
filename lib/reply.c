/*
 * lib/reply.c — the SMS reply parser. A reply is cut into words and
 * numbers ("3a2h" is 3, a, 2, h), politeness is dropped, and what is
 * left must match one of a few shapes exactly; anything else is help.
 * Keyword tables are sorted for bsearch(); keep them sorted.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "reply.h"

/* A reply longer than this many words is a conversation, not a command. */
#define MAX_TOKENS	16
#define WORD_MAX	16

enum tok_kind { TOK_NUM, TOK_WORD };

struct tok {
	enum tok_kind	 kind;
	int		 num;		/* TOK_NUM; -1 when too long */
	/* TOK_WORD, lower case; "" when too long to be a keyword. */
	char		 word[WORD_MAX];
};

struct kw {
	const char	*word;
	int		 val;
};

enum { K_ACK, K_RESOLVE, K_ESCALATE, K_ACK_ALL };

static const struct kw verbs[] = {
	{ "a",			K_ACK },
	{ "aa",			K_ACK_ALL },
	{ "ack",		K_ACK },
	{ "ackd",		K_ACK },
	{ "acked",		K_ACK },
	{ "acknowledge",	K_ACK },
	{ "acknowledged",	K_ACK },
	{ "e",			K_ESCALATE },
	{ "esc",		K_ESCALATE },
	{ "escalate",		K_ESCALATE },
	{ "r",			K_RESOLVE },
	{ "res",		K_RESOLVE },
	{ "resolve",		K_RESOLVE },
	{ "resolved",		K_RESOLVE },
};

/* Seconds per unit of a timed ack. */
static const struct kw units[] = {
	{ "d",		86400 },
	{ "day",	86400 },
	{ "days",	86400 },
	{ "h",		3600 },
	{ "hour",	3600 },
	{ "hours",	3600 },
	{ "hr",		3600 },
	{ "hrs",	3600 },
	{ "m",		60 },
	{ "min",	60 },
	{ "mins",	60 },
	{ "minute",	60 },
	{ "minutes",	60 },
};

/*
 * Twilio's default opt-out and opt-in keywords
 * (https://help.twilio.com/articles/223134027), plus help.
 */
static const struct kw whole[] = {
	{ "cancel",	REPLY_STOP },
	{ "end",	REPLY_STOP },
	{ "help",	REPLY_HELP },
	{ "info",	REPLY_HELP },
	{ "quit",	REPLY_STOP },
	{ "start",	REPLY_START },
	{ "stop",	REPLY_STOP },
	{ "stopall",	REPLY_STOP },
	{ "unstop",	REPLY_START },
	{ "unsubscribe", REPLY_STOP },
	{ "yes",	REPLY_START },
};

/*
 * Words people add around a command ("3a thanks", "pls ack 3", "ack
 * incident 3 for 2h", "on it, 3a"). None of them may be a verb, unit or
 * keyword above.
 */
static const char *const filler[] = {
	"alert", "am", "cheers", "for", "got", "i", "im", "inc", "incident",
	"it", "k", "kk", "now", "ok", "okay", "on", "page", "please", "pls",
	"plz", "the", "thank", "thanks", "thankyou", "thx", "tks", "tnx",
	"ty", "u", "you",
};

static int
kw_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct kw *)elem)->word);
}

static int
str_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* The keyword's value, or -1. */
static int
kw_find(const struct kw *tab, size_t n, const char *word)
{
	const struct kw	*k;

	k = bsearch(word, tab, n, sizeof(*tab), kw_cmp);
	return k != NULL ? k->val : -1;
}

#define KW_FIND(tab, w)	kw_find((tab), sizeof(tab) / sizeof((tab)[0]), (w))

static int
is_filler(const struct tok *t)
{
	return t->kind == TOK_WORD && bsearch(t->word, filler,
	    sizeof(filler) / sizeof(filler[0]), sizeof(filler[0]),
	    str_cmp) != NULL;
}

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Cut body into runs of digits and runs of ASCII letters; everything
 * else (spaces, punctuation, emoji, other scripts) separates them.
 * Returns the number of tokens, or -1 when there are too many.
 */
static int
lex(const char *body, size_t len, struct tok *toks)
{
	const unsigned char	*p = (const unsigned char *)body;
	size_t			 i = 0, j;
	int			 n = 0;

	while (i < len) {
		struct tok	*t;

		if (!is_alpha(p[i]) && !is_digit(p[i])) {
			i++;
			continue;
		}
		if (n == MAX_TOKENS)
			return -1;
		t = &toks[n++];
		memset(t, 0, sizeof(*t));
		if (is_digit(p[i])) {
			t->kind = TOK_NUM;
			for (; i < len && is_digit(p[i]); i++) {
				/* Leading zeros are fine: "03a". */
				if (t->num >= 0 && t->num <= REPLY_CODE_MAX)
					t->num = t->num * 10 + (p[i] - '0');
				if (t->num > REPLY_CODE_MAX)
					t->num = -1;
			}
		} else {
			t->kind = TOK_WORD;
			for (j = 0; i < len && is_alpha(p[i]); i++, j++)
				if (j < WORD_MAX - 1)
					t->word[j] = (char)(p[i] | 0x20);
			if (j >= WORD_MAX)
				t->word[0] = '\0';	/* matches nothing */
		}
	}
	return n;
}

/*
 * A duration: one or more <number><unit> pairs ("2h", "1h30m", "90 min").
 * Returns the tokens used (0 when t does not start with a pair) and adds
 * the seconds to *secs, or -1 when it is over REPLY_ACK_MAX_S.
 */
static int
duration(const struct tok *t, int n, int64_t *secs)
{
	int	 i = 0, unit;

	while (i + 1 < n && t[i].kind == TOK_NUM && t[i + 1].kind ==
	    TOK_WORD && (unit = KW_FIND(units, t[i + 1].word)) != -1) {
		if (t[i].num < 0)
			return -1;
		*secs += (int64_t)t[i].num * unit;
		if (*secs > REPLY_ACK_MAX_S)
			return -1;
		i += 2;
	}
	return i;
}

int
reply_parse(const char *body, size_t len, struct reply *out)
{
	struct tok	 all[MAX_TOKENS], t[MAX_TOKENS];
	int		 nall, n = 0, i = 0, k, v;

	memset(out, 0, sizeof(*out));
	out->verb = REPLY_HELP;
	if ((nall = lex(body, len, all)) == -1)
		return -1;
	/* "who's on call?", "who is on call today": the first word says it. */
	if (nall > 0 && all[0].kind == TOK_WORD &&
	    (strcmp(all[0].word, "who") == 0 ||
	    strcmp(all[0].word, "whos") == 0 ||
	    strcmp(all[0].word, "oncall") == 0 ||
	    (nall > 1 && strcmp(all[0].word, "on") == 0 &&
	    strcmp(all[1].word, "call") == 0))) {
		out->verb = REPLY_WHO;
		return 0;
	}
	for (i = 0; i < nall; i++)
		if (!is_filler(&all[i]))
			t[n++] = all[i];
	if (n == 0) {
		/* A bare "?" asks for help; "thanks" alone is not a command. */
		return len > 0 && memchr(body, '?', len) != NULL ? 0 : -1;
	}
	if (n == 1 && t[0].kind == TOK_WORD &&
	    (v = KW_FIND(whole, t[0].word)) != -1) {
		out->verb = (enum reply_verb)v;
		return 0;
	}

	/* [code] verb [all] [code] [duration] */
	i = 0;
	if (t[i].kind == TOK_NUM) {
		if (t[i].num <= 0)
			return -1;
		out->code = t[i++].num;
	}
	if (i == n || t[i].kind != TOK_WORD ||
	    (v = KW_FIND(verbs, t[i].word)) == -1)
		goto fail;
	i++;
	if (v == K_ACK && i < n && t[i].kind == TOK_WORD &&
	    strcmp(t[i].word, "all") == 0) {
		v = K_ACK_ALL;
		i++;
	}
	/* "ack 3", "resolve #3": the code after the verb, unless a unit
	 * follows it ("ack 2h" is the latest page for two hours). */
	if (out->code == 0 && i < n && t[i].kind == TOK_NUM &&
	    (i + 1 == n || t[i + 1].kind != TOK_WORD ||
	    KW_FIND(units, t[i + 1].word) == -1)) {
		if (t[i].num <= 0)
			goto fail;
		out->code = t[i++].num;
	}
	if ((k = duration(t + i, n - i, &out->ack_for_s)) == -1 ||
	    (k > 0 && out->ack_for_s == 0))
		goto fail;
	i += k;
	if (i != n)
		goto fail;
	switch (v) {
	case K_ACK:
		out->verb = REPLY_ACK;
		break;
	case K_ACK_ALL:
		if (out->code != 0)
			goto fail;
		out->verb = REPLY_ACK_ALL;
		break;
	case K_RESOLVE:
		out->verb = REPLY_RESOLVE;
		break;
	case K_ESCALATE:
		out->verb = REPLY_ESCALATE;
		break;
	}
	if (out->ack_for_s != 0 && out->verb != REPLY_ACK &&
	    out->verb != REPLY_ACK_ALL)
		goto fail;
	return 0;
fail:
	memset(out, 0, sizeof(*out));
	out->verb = REPLY_HELP;
	return -1;
}

const char *
reply_verb_name(enum reply_verb v)
{
	switch (v) {
	case REPLY_HELP:
		return "help";
	case REPLY_ACK:
		return "ack";
	case REPLY_RESOLVE:
		return "resolve";
	case REPLY_ESCALATE:
		return "escalate";
	case REPLY_ACK_ALL:
		return "ack_all";
	case REPLY_WHO:
		return "who";
	case REPLY_STOP:
		return "stop";
	case REPLY_START:
		return "start";
	}
	return "unknown";
}
