/*
 * lib/matcher.c — Alertmanager label matchers: the text and JSON forms,
 * the RE2-to-POSIX regex check and rewrite, and matching against a
 * sorted label set. What a matcher is used for (routing, silencing,
 * severity) is decided by the callers.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "matcher.h"
#include "strbuf.h"
#include "utf8.h"

/* RE2's own limit on {n,m}; larger counts are an error there. */
#define REPEAT_MAX	1000

/* Bytes of a sender's field name echoed back in an error. */
#define NAME_SHOWN	32

/*
 * One UTF-8 encoded character of two, three or four bytes. Label values
 * are valid UTF-8 (struct alert), so these lead and continuation byte
 * ranges are exact; they need no finer check.
 */
#define RE_MULTIBYTE							\
	"[\xc2-\xdf][\x80-\xbf]|"					\
	"[\xe0-\xef][\x80-\xbf][\x80-\xbf]|"				\
	"[\xf0-\xf4][\x80-\xbf][\x80-\xbf][\x80-\xbf]"

/* RE2's '.': any one character but a newline (no (?s) flag). */
#define RE_DOT		"([^\n\x80-\xff]|" RE_MULTIBYTE ")"

/* In a bracket expression: every byte that is not ASCII. */
#define RE_HIGH		"\x80-\xff"

static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static char *
dup_str(const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*d;

	if ((d = malloc(n)) != NULL)
		memcpy(d, s, n);
	return d;
}

static int
utf8_valid(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n;

	while (*p != '\0') {
		if ((n = utf8_valid_len(p)) == 0)
			return 0;
		p += n;
	}
	return 1;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Alertmanager's unquoted label name: [a-zA-Z_:][a-zA-Z0-9_:]*. */
static int
is_name_start(int c)
{
	return is_alpha(c) || c == '_' || c == ':';
}

static int
is_name_char(int c)
{
	return is_name_start(c) || is_digit(c);
}

/* Go's \s, which Alertmanager's parser trims: [\t\n\f\r ]. */
static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* ------------------------------------------------------------ regexes */

/*
 * Why a Perl escape is refused, with what to write instead. Letters and
 * digits after '\' are all RE2 escapes (classes, anchors, code points,
 * \Q..\E) that POSIX lacks or, like \w \b \< in glibc, reads differently.
 */
static const char *
escape_hint(int c)
{
	switch (c) {
	case 'd':
		return "use [0-9]";
	case 'D':
		return "use [^0-9]";
	case 'w':
		return "use [[:alnum:]_]";
	case 'W':
		return "use [^[:alnum:]_]";
	case 's':
		return "use [[:space:]]";
	case 'S':
		return "use [^[:space:]]";
	case 'A':
	case 'z':
	case 'b':
	case 'B':
		return "patterns are anchored at both ends already";
	case 'p':
	case 'P':
		return "Unicode classes are not supported";
	case 'x':
		return "write the character itself";
	case 'Q':
	case 'E':
		return "escape each special character with '\\'";
	default:
		return "a letter or digit after '\\' is an RE2 escape";
	}
}

/* Character classes both RE2 and glibc know ([:word:] is RE2 only). */
static const char *const posix_classes[] = {
	"alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower",
	"print", "punct", "space", "upper", "xdigit",
};

static int
is_posix_class(const char *name, size_t n)
{
	size_t	 k;

	for (k = 0; k < sizeof(posix_classes) / sizeof(posix_classes[0]); k++)
		if (strlen(posix_classes[k]) == n &&
		    strncmp(name, posix_classes[k], n) == 0)
			return 1;
	return 0;
}

/*
 * One item of a bracket expression at re[j]: a character, a range or a
 * [:class:]. Returns its length, or 0 with err filled.
 */
static size_t
bracket_item(const char *re, size_t j, char *err, size_t errlen)
{
	const char	*e;
	size_t		 k, n = 1;

	for (k = j; k < j + 3; k += 2) {
		if (re[k] == '\\') {
			set_err(err, errlen, "offset %zu: '\\' inside [...] "
			    "is an escape in RE2 but a plain backslash in "
			    "POSIX; put ']' first or '-' last instead, or use "
			    "a class such as [[:digit:]]", k);
			return 0;
		}
		if ((unsigned char)re[k] >= 0x80) {
			set_err(err, errlen, "offset %zu: non-ASCII character "
			    "inside [...] is matched byte by byte here; use "
			    "alternation such as (é|è)", k);
			return 0;
		}
		if (re[k] == '[' && (re[k + 1] == '.' || re[k + 1] == '=')) {
			set_err(err, errlen, "offset %zu: [%c...%c] is not "
			    "RE2 syntax", k, re[k + 1], re[k + 1]);
			return 0;
		}
		if (re[k] == '[' && re[k + 1] == ':') {
			if (k > j) {
				set_err(err, errlen, "offset %zu: a class "
				    "cannot end a range", k);
				return 0;
			}
			if ((e = strstr(re + k + 2, ":]")) == NULL ||
			    !is_posix_class(re + k + 2,
			    (size_t)(e - re - k - 2))) {
				set_err(err, errlen, "offset %zu: not one of "
				    "the classes [:alnum:] [:alpha:] "
				    "[:blank:] [:cntrl:] [:digit:] [:graph:] "
				    "[:lower:] [:print:] [:punct:] [:space:] "
				    "[:upper:] [:xdigit:]", k);
				return 0;
			}
			return (size_t)(e - re - k) + 2;
		}
		/* A range "x-y" unless the '-' is last, as in "[a-]". */
		if (k > j || re[k + 1] != '-' || re[k + 2] == ']' ||
		    re[k + 2] == '\0')
			break;
		n = 3;
	}
	return n;
}

/*
 * One bracket expression at re[*i] == '['. RE2 and POSIX agree on it
 * when it is ASCII and has no backslash, except that RE2's [^...] takes
 * one whole UTF-8 character where glibc in the C locale takes one byte.
 * So a negated class gets RE_HIGH added (no single non-ASCII byte) and
 * an alternative that takes multibyte characters whole. RE_HIGH goes
 * after the first item, since a ']' leading the list is literal only
 * there, and every lone '-' moves to the end, where it stays literal.
 */
static int
bracket(const char *re, size_t *i, struct strbuf *out, char *err,
    size_t errlen)
{
	struct strbuf	 items = { NULL, 0, 0, 0 };
	size_t		 j = *i + 1, start, n, ndash = 0;
	int		 neg = 0;

	if (re[j] == '^') {
		neg = 1;
		j++;
	}
	start = j;
	while (re[j] != ']' || j == start) {
		if (re[j] == '\0') {
			set_err(err, errlen, "offset %zu: '[' without a "
			    "closing ']'", *i);
			free(items.s);
			return -1;
		}
		if ((n = bracket_item(re, j, err, errlen)) == 0) {
			free(items.s);
			return -1;
		}
		if (n == 1 && re[j] == '-')
			ndash++;
		else {
			strbuf_add(&items, re + j, n);
			if (items.len == n)
				strbuf_str(&items, RE_HIGH);
		}
		j += n;
	}

	if (!neg) {
		strbuf_char(out, '[');
		strbuf_add(out, re + start, j - start);
		strbuf_char(out, ']');
	} else {
		strbuf_str(out, "([^");
		if (items.len > 0)
			strbuf_add(out, items.s, items.len);
		else
			strbuf_str(out, RE_HIGH);
		while (ndash-- > 0)
			strbuf_char(out, '-');
		strbuf_str(out, "]|" RE_MULTIBYTE ")");
	}
	out->oom |= items.oom;
	free(items.s);
	*i = j + 1;
	return 0;
}

/*
 * {n}, {n,} or {n,m} at re[*i] == '{'. RE2 reads any other '{' as a
 * literal and glibc as an error or a different count ({,3}), so only the
 * three forms are taken. Returns the length, or 0 when it is none of them.
 */
static size_t
interval(const char *re, size_t i, long *lo, long *hi)
{
	size_t	 j = i + 1;
	long	 v;

	/* Digits past REPEAT_MAX are read but not added: no overflow. */
	for (v = 0; is_digit((unsigned char)re[j]); j++)
		if (v <= REPEAT_MAX)
			v = v * 10 + (re[j] - '0');
	if (j == i + 1)
		return 0;
	*lo = *hi = v;
	if (re[j] == ',') {
		j++;
		*hi = -1;
		if (is_digit((unsigned char)re[j])) {
			for (v = 0; is_digit((unsigned char)re[j]); j++)
				if (v <= REPEAT_MAX)
					v = v * 10 + (re[j] - '0');
			*hi = v;
		}
	}
	return re[j] == '}' ? j - i + 1 : 0;
}

/*
 * What the pattern costs glibc, which unlike RE2 is not linear-time.
 * regcomp(3) copies a repeated atom once per count, so (.{1000}){1000}
 * takes seconds and hundreds of MB. regexec(3) does work per input byte
 * in proportion to the pattern nodes live at once, and nodes after
 * anything of variable length can be live at many offsets: (a*b|.){121}
 * takes 0.12 s on a 2 KB value, ((b|a){14,}){147} 0.5 s. And a loop over
 * something that can match the empty string compiles in exponential
 * time: ((a?)+(b?)+){11} takes 27 s. A silence posted over HTTP must not
 * stall the one event loop, so a pattern is refused unless, expanded,
 * it has at most RE_SIZE_MAX nodes ('.' is about ten), at most
 * RE_FLEX_MAX of them at a variable offset, and repeats (* + {n}...)
 * nothing that can be empty. The slowest of some 900,000 random patterns
 * within these limits took 5 ms on a 2 KB value; the patterns people
 * write take microseconds. Nesting is bounded as in RE2, since glibc's
 * parser recurses per group.
 */
#define RE_SIZE_MAX	10000	/* .{1000}, or 250 escaped host names */
#define RE_FLEX_MAX	500	/* 50 of .*, or .{0,50} */
#define RE_DEPTH_MAX	1000
#define RE_DOT_SIZE	10

/* What an atom costs: a character, a class, or a group, maybe repeated. */
struct re_atom {
	size_t	 size;	/* nodes once expanded */
	size_t	 flex;	/* of which live at a variable offset */
	size_t	 len;	/* characters matched, when fixed */
	int	 fixed;	/* always matches len characters */
	int	 empty;	/* can match the empty string */
};

/*
 * An open group: its finished branches taken as one alternation, and the
 * branch being read as everything before its last atom, and that atom
 * (which a quantifier may still change).
 */
struct re_group {
	struct re_atom	 done;
	int		 nbranches;
	struct re_atom	 pre;
	struct re_atom	 last;
};

static const struct re_atom re_nothing = { 0, 0, 0, 1, 1 };

/* a then b: once something varies in length, all after it is flexible. */
static struct re_atom
re_seq(struct re_atom a, struct re_atom b)
{
	struct re_atom	 r;

	r.size = a.size + b.size;
	r.flex = a.flex + (a.fixed ? b.flex : b.size);
	r.len = a.len + b.len;
	r.fixed = a.fixed && b.fixed;
	r.empty = a.empty && b.empty;
	return r;
}

/* The group as it stands, read as if it closed here. */
static struct re_atom
re_group_now(const struct re_group *g)
{
	struct re_atom	 br = re_seq(g->pre, g->last), r;

	if (g->nbranches == 0)
		return br;
	r = g->done;
	r.size += br.size;
	r.flex += br.flex;
	r.fixed = r.fixed && br.fixed && r.len == br.len;
	r.empty = r.empty || br.empty;
	return r;
}

static int
re_over(const struct re_group *g)
{
	struct re_atom	 a = re_group_now(g);

	return a.size > RE_SIZE_MAX || a.flex > RE_FLEX_MAX;
}

static void
re_open(struct re_group *g)
{
	g->done = re_nothing;
	g->nbranches = 0;
	g->pre = g->last = re_nothing;
}

/* '|': the branch read so far is finished. */
static void
re_branch(struct re_group *g)
{
	g->done = re_group_now(g);
	g->nbranches++;
	g->pre = g->last = re_nothing;
}

static int
re_add(struct re_group *g, struct re_atom a)
{
	g->pre = re_seq(g->pre, g->last);
	g->last = a;
	return re_over(g) ? -1 : 0;
}

static struct re_atom
re_char(size_t size)
{
	struct re_atom	 a = { size, 0, 1, 1, 0 };

	return a;
}

static int
too_costly(char *err, size_t errlen, size_t i)
{
	set_err(err, errlen, "offset %zu: too costly for POSIX regex once "
	    "repetitions are expanded (limits: %d nodes, '.' counting %d, "
	    "and %d after anything of variable length)", i, RE_SIZE_MAX,
	    RE_DOT_SIZE, RE_FLEX_MAX);
	return -1;
}

/*
 * A quantifier at re[*i] on the group's last atom: * + ? {n} {n,} {n,m}.
 * glibc expands a+ into aa* and a{2,4} into aaa?a?: copies of the atom,
 * of which opt vary. Moves *i past it.
 */
static int
quantifier(const char *re, size_t *i, int can_repeat, struct strbuf *out,
    struct re_group *g, char *err, size_t errlen)
{
	struct re_atom	*a = &g->last;
	size_t		 n = 1, copies = 1, opt = 1;
	long		 lo = re[*i] == '+', hi = -1;

	if (re[*i] == '{' && (n = interval(re, *i, &lo, &hi)) == 0) {
		set_err(err, errlen, "offset %zu: '{' must start {n}, {n,} or "
		    "{n,m}; write \\{ for the character", *i);
		return -1;
	}
	if (!can_repeat) {
		set_err(err, errlen, "offset %zu: '%c' has nothing to repeat",
		    *i, re[*i]);
		return -1;
	}
	if (re[*i] != '?' && a->empty) {
		set_err(err, errlen, "offset %zu: repeating what can match "
		    "the empty string is not supported (POSIX regex); make "
		    "it match at least one character", *i);
		return -1;
	}
	if (re[*i] == '+')
		copies = opt = 2;
	else if (re[*i] == '{') {
		if (lo > REPEAT_MAX || hi > REPEAT_MAX ||
		    (hi >= 0 && hi < lo)) {
			set_err(err, errlen, "offset %zu: bad repetition count "
			    "(0 to %d, min <= max)", *i, REPEAT_MAX);
			return -1;
		}
		if (hi < 0)
			copies = opt = (size_t)lo + 1;
		else {
			copies = hi > 0 ? (size_t)hi : 1;
			opt = (size_t)(hi - lo);
		}
	}
	/* Every count is at most RE_SIZE_MAX: this cannot overflow. */
	if (a->size > RE_SIZE_MAX / copies)
		return too_costly(err, errlen, *i);
	a->flex = a->fixed ? opt * a->size : copies * a->size;
	a->size *= copies;
	a->len *= (size_t)lo;
	a->fixed = a->fixed && opt == 0;
	a->empty = a->empty || lo == 0;
	if (re_over(g))
		return too_costly(err, errlen, *i);
	strbuf_add(out, re + *i, n);
	*i += n;
	if (re[*i] != '\0' && strchr("*+?{", re[*i]) != NULL) {
		set_err(err, errlen, "offset %zu: '%c' after a repetition "
		    "(lazy or nested) is not supported", *i, re[*i]);
		return -1;
	}
	return 0;
}

/*
 * Check re (NUL-terminated UTF-8) against the RE2 subset both engines
 * read alike and write the POSIX ERE for ^(?:re)$ into out. Offsets in
 * errors are 0-based bytes into re.
 */
static int
translate(const char *re, struct strbuf *out, char *err, size_t errlen)
{
	struct re_group	*g;
	struct re_atom	 a;
	size_t		 i = 0, n, depth = 0;
	int		 can_repeat = 0, rc = -1;
	unsigned char	 c;

	if ((g = calloc(RE_DEPTH_MAX + 1, sizeof(*g))) == NULL) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	re_open(&g[0]);
	/*
	 * The group is what keeps the anchors on the whole pattern:
	 * ^a|b$ would match "ab...". That is why an unbalanced ')', which
	 * glibc takes as a literal, is refused below.
	 */
	strbuf_str(out, "^(");
	while ((c = (unsigned char)re[i]) != '\0') {
		a = re_char(1);
		if (c >= 0x80) {
			/* One character, so a quantifier takes all of it. */
			n = utf8_valid_len((const unsigned char *)re + i);
			strbuf_char(out, '(');
			strbuf_add(out, re + i, n);
			strbuf_char(out, ')');
			i += n;
			can_repeat = 1;
			goto add;
		}
		switch (c) {
		case '\\':
			c = (unsigned char)re[i + 1];
			if (c == '\0') {
				set_err(err, errlen, "offset %zu: trailing "
				    "'\\'", i);
				goto out;
			}
			if (c == 'n' || c == 't' || c == 'r')
				strbuf_char(out, c == 'n' ? '\n' :
				    c == 't' ? '\t' : '\r');
			else if (is_alpha(c) || is_digit(c)) {
				set_err(err, errlen, "offset %zu: \\%c is not "
				    "supported (POSIX regex): %s", i, c,
				    escape_hint(c));
				goto out;
			} else if (c >= 0x80) {
				set_err(err, errlen, "offset %zu: '\\' before "
				    "a non-ASCII character", i);
				goto out;
			} else if (strchr(".[]()*+?{}|^$\\", c) != NULL) {
				strbuf_char(out, '\\');
				strbuf_char(out, c);
			} else {
				/*
				 * Other punctuation is literal in RE2;
				 * glibc gives \< \> \` \' meanings, so
				 * the backslash goes.
				 */
				strbuf_char(out, c);
			}
			i += 2;
			can_repeat = 1;
			goto add;
		case '.':
			strbuf_str(out, RE_DOT);
			a = re_char(RE_DOT_SIZE);
			can_repeat = 1;
			break;
		case '[':
			if (re[i + 1] == '^')
				a = re_char(RE_DOT_SIZE);
			if (bracket(re, &i, out, err, errlen) == -1)
				goto out;
			can_repeat = 1;
			goto add;
		case '(':
			if (re[i + 1] == '?') {
				if (re[i + 2] != ':') {
					set_err(err, errlen, "offset %zu: "
					    "(?...) flags and named groups "
					    "are not supported; (?:...) is",
					    i);
					goto out;
				}
				i += 2;
			}
			if (depth == RE_DEPTH_MAX) {
				set_err(err, errlen, "offset %zu: groups "
				    "nested deeper than %d", i, RE_DEPTH_MAX);
				goto out;
			}
			strbuf_char(out, '(');
			re_open(&g[++depth]);
			can_repeat = 0;
			i++;
			continue;
		case ')':
			if (depth == 0) {
				set_err(err, errlen, "offset %zu: ')' without "
				    "'('", i);
				goto out;
			}
			strbuf_char(out, ')');
			a = re_group_now(&g[depth--]);
			a.size++;
			can_repeat = 1;
			break;
		case '|':
			strbuf_char(out, '|');
			re_branch(&g[depth]);
			can_repeat = 0;
			i++;
			continue;
		case '^':
		case '$':
			strbuf_char(out, (char)c);
			a = re_nothing;
			a.size = 1;
			can_repeat = 0;
			break;
		case '*':
		case '+':
		case '?':
		case '{':
			if (quantifier(re, &i, can_repeat, out, &g[depth],
			    err, errlen) == -1)
				goto out;
			can_repeat = 0;
			continue;
		case '}':
			strbuf_str(out, "\\}");
			can_repeat = 1;
			break;
		default:
			strbuf_char(out, (char)c);
			can_repeat = 1;
			break;
		}
		i++;
add:
		if (re_add(&g[depth], a) == -1) {
			too_costly(err, errlen, i);
			goto out;
		}
	}
	if (depth > 0) {
		set_err(err, errlen, "offset %zu: '(' without ')'", i);
		goto out;
	}
	strbuf_str(out, ")$");
	rc = 0;
out:
	free(g);
	return rc;
}

static int
compile(struct matcher *m, char *err, size_t errlen)
{
	struct strbuf	 b = { NULL, 0, 0, 0 };
	char		 msg[128];
	int		 rc;

	if (translate(m->value, &b, err, errlen) == -1)
		goto fail;
	if (b.oom || (m->re = malloc(sizeof(*m->re))) == NULL) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	/*
	 * No REG_NEWLINE: with it ^ and $ would also match around a
	 * newline inside the value, and the anchoring would be lost.
	 */
	if ((rc = regcomp(m->re, b.s, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(rc, m->re, msg, sizeof(msg));
		set_err(err, errlen, "%s", msg);
		free(m->re);
		m->re = NULL;
		goto fail;
	}
	free(b.s);
	return 0;
fail:
	free(b.s);
	return -1;
}

int
matcher_init(struct matcher *m, const char *name, enum matcher_type type,
    const char *value, char *err, size_t errlen)
{
	char	 rerr[256];

	memset(m, 0, sizeof(*m));
	if (*name == '\0') {
		set_err(err, errlen, "empty label name");
		return -1;
	}
	if (!utf8_valid(name)) {
		set_err(err, errlen, "label name is not valid UTF-8");
		return -1;
	}
	if (!utf8_valid(value)) {
		set_err(err, errlen, "value is not valid UTF-8");
		return -1;
	}
	if (type != MATCH_EQ && type != MATCH_NE && type != MATCH_RE &&
	    type != MATCH_NRE) {
		set_err(err, errlen, "bad matcher type %d", (int)type);
		return -1;
	}
	m->type = type;
	if ((m->name = dup_str(name)) == NULL ||
	    (m->value = dup_str(value)) == NULL) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	if ((type == MATCH_RE || type == MATCH_NRE) &&
	    compile(m, rerr, sizeof(rerr)) == -1) {
		set_err(err, errlen, "regex: %s", rerr);
		goto fail;
	}
	return 0;
fail:
	matcher_free(m);
	return -1;
}

void
matcher_free(struct matcher *m)
{
	if (m == NULL)
		return;
	free(m->name);
	free(m->value);
	if (m->re != NULL) {
		regfree(m->re);
		free(m->re);
	}
	memset(m, 0, sizeof(*m));
}

void
matcher_set_free(struct matcher_set *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		matcher_free(&set->v[i]);
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

/* ---------------------------------------------------------- text form */

struct lexer {
	const char	*s;
	size_t		 i;
	size_t		 end;	/* parse s[i .. end) */
	char		*err;
	size_t		 errlen;
};

static int __attribute__((format(printf, 3, 4)))
lex_err(struct lexer *lx, size_t pos, const char *fmt, ...)
{
	char	 msg[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_err(lx->err, lx->errlen, "position %zu: %s", pos + 1, msg);
	return -1;
}

static void
skip_space(struct lexer *lx)
{
	while (lx->i < lx->end && is_space((unsigned char)lx->s[lx->i]))
		lx->i++;
}

/*
 * Decode n bytes of a value as Alertmanager does: \" \\ and \n are
 * escapes, any other backslash is kept with the byte after it (a regex
 * "a\.b" stays a\.b). Returns a malloc'd string, NULL with oom set.
 */
static char *
unescape(const char *p, size_t n, int *oom)
{
	struct strbuf	 b = { NULL, 0, 0, 0 };
	size_t		 i;

	strbuf_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		if (p[i] == '\\' && i + 1 < n) {
			i++;
			if (p[i] == 'n')
				strbuf_char(&b, '\n');
			else if (p[i] == '"' || p[i] == '\\')
				strbuf_char(&b, p[i]);
			else {
				strbuf_char(&b, '\\');
				strbuf_char(&b, p[i]);
			}
		} else
			strbuf_char(&b, p[i]);
	}
	if (b.oom) {
		free(b.s);
		*oom = 1;
		return NULL;
	}
	return b.s;
}

/* A quoted string at s[i] == '"'; *out is malloc'd. */
static int
lex_quoted(struct lexer *lx, char **out)
{
	size_t	 open = lx->i, j;
	int	 oom = 0;

	for (j = open + 1; j < lx->end && lx->s[j] != '"'; j++)
		if (lx->s[j] == '\\' && j + 1 < lx->end)
			j++;
	if (j >= lx->end)
		return lex_err(lx, open, "quoted string has no closing '\"'");
	if ((*out = unescape(lx->s + open + 1, j - open - 1, &oom)) == NULL)
		return lex_err(lx, open, "out of memory");
	lx->i = j + 1;
	return 0;
}

static int
lex_name(struct lexer *lx, char **out)
{
	size_t	 start = lx->i;

	if (lx->i < lx->end && lx->s[lx->i] == '"')
		return lex_quoted(lx, out);
	if (lx->i >= lx->end || !is_name_start((unsigned char)lx->s[lx->i]))
		return lex_err(lx, start, "expected a label name");
	while (lx->i < lx->end && is_name_char((unsigned char)lx->s[lx->i]))
		lx->i++;
	if ((*out = malloc(lx->i - start + 1)) == NULL)
		return lex_err(lx, start, "out of memory");
	memcpy(*out, lx->s + start, lx->i - start);
	(*out)[lx->i - start] = '\0';
	return 0;
}

static int
lex_op(struct lexer *lx, enum matcher_type *type)
{
	const char	*p = lx->s + lx->i;
	size_t		 left = lx->end - lx->i;

	if (left >= 2 && p[0] == '=' && p[1] == '~') {
		*type = MATCH_RE;
		lx->i += 2;
	} else if (left >= 2 && p[0] == '!' && p[1] == '~') {
		*type = MATCH_NRE;
		lx->i += 2;
	} else if (left >= 2 && p[0] == '!' && p[1] == '=') {
		*type = MATCH_NE;
		lx->i += 2;
	} else if (left >= 1 && p[0] == '=') {
		*type = MATCH_EQ;
		lx->i += 1;
	} else
		return lex_err(lx, lx->i, "expected '=', '!=', '=~' or '!~'");
	return 0;
}

/*
 * An unquoted value: up to ',' when in a list, else to the end; trailing
 * space is not part of it.
 */
static int
lex_bare(struct lexer *lx, int in_list, char **out)
{
	size_t	 start = lx->i, e, j;
	int	 oom = 0;

	for (e = start; e < lx->end && !(in_list && lx->s[e] == ','); e++)
		;
	lx->i = e;
	while (e > start && is_space((unsigned char)lx->s[e - 1]))
		e--;
	for (j = start; j < e; j++) {
		if (lx->s[j] == '\\' && j + 1 < e)
			j++;
		else if (lx->s[j] == '"')
			return lex_err(lx, j, "'\"' in an unquoted value; "
			    "quote the whole value");
	}
	if ((*out = unescape(lx->s + start, e - start, &oom)) == NULL)
		return lex_err(lx, start, "out of memory");
	return 0;
}

static int
lex_matcher(struct lexer *lx, int in_list, struct matcher *m)
{
	enum matcher_type	 type = MATCH_EQ;
	char			*name = NULL, *value = NULL, rerr[256];
	size_t			 npos, vpos;
	int			 rc = -1;

	skip_space(lx);
	npos = lx->i;
	if (lex_name(lx, &name) == -1)
		return -1;
	if (*name == '\0' || !utf8_valid(name)) {
		lex_err(lx, npos, *name == '\0' ? "empty label name" :
		    "label name is not valid UTF-8");
		goto out;
	}
	skip_space(lx);
	if (lex_op(lx, &type) == -1)
		goto out;
	skip_space(lx);
	vpos = lx->i;
	if (lx->i < lx->end && lx->s[lx->i] == '"') {
		if (lex_quoted(lx, &value) == -1)
			goto out;
		skip_space(lx);
		if (lx->i < lx->end && !(in_list && lx->s[lx->i] == ',')) {
			lex_err(lx, lx->i, in_list ? "expected ',' after the "
			    "value" : "unexpected text after the value");
			goto out;
		}
	} else if (lex_bare(lx, in_list, &value) == -1)
		goto out;
	if (matcher_init(m, name, type, value, rerr, sizeof(rerr)) == -1) {
		lex_err(lx, vpos, "%s", rerr);
		goto out;
	}
	rc = 0;
out:
	free(name);
	free(value);
	return rc;
}

int
matcher_parse(const char *s, struct matcher *m, char *err, size_t errlen)
{
	struct lexer	 lx = { s, 0, strlen(s), err, errlen };

	memset(m, 0, sizeof(*m));
	return lex_matcher(&lx, 0, m);
}

int
matcher_set_parse(const char *s, struct matcher_set *set, char *err,
    size_t errlen)
{
	struct lexer	 lx = { s, 0, strlen(s), err, errlen };
	struct matcher	*nv;
	size_t		 cap = 0;

	set->v = NULL;
	set->n = 0;
	while (lx.end > 0 && is_space((unsigned char)s[lx.end - 1]))
		lx.end--;
	skip_space(&lx);
	/*
	 * Braces are stripped as a pair, like Alertmanager's TrimPrefix and
	 * TrimSuffix, so an unquoted regex may still hold a '}'.
	 */
	if (lx.i < lx.end && s[lx.i] == '{') {
		if (s[lx.end - 1] != '}')
			return lex_err(&lx, lx.i, "'{' without a closing '}'");
		lx.i++;
		lx.end--;
	}
	for (;;) {
		skip_space(&lx);
		if (lx.i >= lx.end)
			return 0;
		if (set->n == cap) {
			cap = cap ? cap * 2 : 4;
			if ((nv = realloc(set->v, cap * sizeof(*nv))) == NULL) {
				lex_err(&lx, lx.i, "out of memory");
				goto fail;
			}
			set->v = nv;
		}
		if (lex_matcher(&lx, 1, &set->v[set->n]) == -1)
			goto fail;
		set->n++;
		if (lx.i < lx.end)
			lx.i++;		/* the ',' lex_matcher stopped at */
	}
fail:
	matcher_set_free(set);
	return -1;
}

/* ---------------------------------------------------------- JSON form */

static int
json_matcher(json_t *obj, const char *prefix, struct matcher *m, char *err,
    size_t errlen)
{
	json_t		*name, *value, *isregex, *isequal, *v;
	const char	*key;
	char		 rerr[256];
	enum matcher_type type;

	memset(m, 0, sizeof(*m));
	if (!json_is_object(obj)) {
		set_err(err, errlen, "%smust be an object", prefix);
		return -1;
	}
	json_object_foreach(obj, key, v) {
		if (strcmp(key, "name") != 0 && strcmp(key, "value") != 0 &&
		    strcmp(key, "isRegex") != 0 &&
		    strcmp(key, "isEqual") != 0) {
			set_err(err, errlen, "%s%.*s%s: unknown field", prefix,
			    NAME_SHOWN, key,
			    strlen(key) > NAME_SHOWN ? "..." : "");
			return -1;
		}
	}
	name = json_object_get(obj, "name");
	value = json_object_get(obj, "value");
	isregex = json_object_get(obj, "isRegex");
	isequal = json_object_get(obj, "isEqual");
	if (!json_is_string(name) || json_string_length(name) == 0) {
		set_err(err, errlen, "%sname: must be a non-empty string",
		    prefix);
		return -1;
	}
	if (!json_is_string(value)) {
		set_err(err, errlen, "%svalue: must be a string", prefix);
		return -1;
	}
	if (!json_is_boolean(isregex)) {
		set_err(err, errlen, "%sisRegex: must be true or false",
		    prefix);
		return -1;
	}
	if (isequal != NULL && !json_is_boolean(isequal)) {
		set_err(err, errlen, "%sisEqual: must be true or false",
		    prefix);
		return -1;
	}
	/* jansson lets "\u0000" through only with JSON_ALLOW_NUL. */
	if (strlen(json_string_value(name)) != json_string_length(name) ||
	    strlen(json_string_value(value)) != json_string_length(value)) {
		set_err(err, errlen, "%s%s: must not contain NUL", prefix,
		    strlen(json_string_value(name)) !=
		    json_string_length(name) ? "name" : "value");
		return -1;
	}
	if (json_is_true(isregex))
		type = isequal == NULL || json_is_true(isequal) ? MATCH_RE :
		    MATCH_NRE;
	else
		type = isequal == NULL || json_is_true(isequal) ? MATCH_EQ :
		    MATCH_NE;
	if (matcher_init(m, json_string_value(name), type,
	    json_string_value(value), rerr, sizeof(rerr)) == -1) {
		/* jansson strings are UTF-8: only the regex can be wrong. */
		set_err(err, errlen, "%s%s%s", prefix,
		    type == MATCH_RE || type == MATCH_NRE ? "value: " : "",
		    rerr);
		return -1;
	}
	return 0;
}

int
matcher_from_json(json_t *obj, struct matcher *m, char *err, size_t errlen)
{
	return json_matcher(obj, "", m, err, errlen);
}

int
matcher_set_from_json(json_t *arr, struct matcher_set *set, char *err,
    size_t errlen)
{
	char	 prefix[32];
	size_t	 i, n;

	set->v = NULL;
	set->n = 0;
	if (!json_is_array(arr)) {
		set_err(err, errlen, "must be an array of matchers");
		return -1;
	}
	if ((n = json_array_size(arr)) == 0)
		return 0;
	if ((set->v = calloc(n, sizeof(*set->v))) == NULL) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(prefix, sizeof(prefix), "[%zu].", i);
		if (json_matcher(json_array_get(arr, i), prefix, &set->v[i],
		    err, errlen) == -1) {
			matcher_set_free(set);
			return -1;
		}
		set->n++;
	}
	return 0;
}

/* ----------------------------------------------------------- matching */

/* The value of label name, or "" when the set does not have it. */
static const char *
label_value(const struct label *labels, size_t n, const char *name)
{
	size_t	 lo = 0, hi = n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, labels[mid].name);
		if (c == 0)
			return labels[mid].value;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return "";
}

int
matcher_match(const struct matcher *m, const struct label *labels,
    size_t nlabels)
{
	const char	*v = label_value(labels, nlabels, m->name);
	int		 rc;

	switch (m->type) {
	case MATCH_EQ:
		return strcmp(v, m->value) == 0;
	case MATCH_NE:
		return strcmp(v, m->value) != 0;
	case MATCH_RE:
	case MATCH_NRE:
		rc = regexec(m->re, v, 0, NULL, 0);
		if (rc != 0 && rc != REG_NOMATCH)
			return 0;	/* REG_ESPACE: decide nothing */
		return (rc == 0) == (m->type == MATCH_RE);
	}
	return 0;
}

int
matchers_match_all(const struct matcher *v, size_t n,
    const struct label *labels, size_t nlabels)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!matcher_match(&v[i], labels, nlabels))
			return 0;
	return 1;
}

/* ----------------------------------------------------------- printing */

struct out {
	char	*buf;
	size_t	 len;
	size_t	 n;	/* bytes the whole text needs */
};

static void
out_char(struct out *o, char c)
{
	if (o->n + 1 < o->len)
		o->buf[o->n] = c;
	o->n++;
}

static void
out_quoted(struct out *o, const char *s)
{
	out_char(o, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			out_char(o, '\\');
		if (*s == '\n') {
			out_char(o, '\\');
			out_char(o, 'n');
		} else
			out_char(o, *s);
	}
	out_char(o, '"');
}

size_t
matcher_format(const struct matcher *m, char *buf, size_t len)
{
	static const char *const ops[] = { "=", "!=", "=~", "!~" };
	struct out	 o = { buf, len, 0 };
	const char	*p;
	int		 bare;

	bare = is_name_start((unsigned char)m->name[0]);
	for (p = m->name; *p != '\0' && bare; p++)
		bare = is_name_char((unsigned char)*p);
	if (bare)
		for (p = m->name; *p != '\0'; p++)
			out_char(&o, *p);
	else
		out_quoted(&o, m->name);
	for (p = ops[m->type]; *p != '\0'; p++)
		out_char(&o, *p);
	out_quoted(&o, m->value);
	if (len > 0)
		buf[o.n < len ? o.n : len - 1] = '\0';
	return o.n;
}
