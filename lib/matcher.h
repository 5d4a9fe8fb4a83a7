/*
 * lib/matcher.h — label matchers as Prometheus Alertmanager means them:
 * name="v", name!="v", name=~"re", name!~"re", read from Alertmanager's
 * text syntax or its API v2 JSON. Severity rules, routes and silences
 * use them. Pure: no I/O.
 */
#ifndef PAGERD_MATCHER_H
#define PAGERD_MATCHER_H

#include <stddef.h>
#include <regex.h>

#include "alert.h"

struct json_t;

enum matcher_type {
	MATCH_EQ = 0,	/* =  */
	MATCH_NE,	/* != */
	MATCH_RE,	/* =~ */
	MATCH_NRE	/* !~ */
};

/*
 * Everything is owned by the matcher (matcher_free()). A matcher may be
 * moved with memcpy: the compiled regex lives behind a pointer.
 */
struct matcher {
	enum matcher_type	 type;
	char			*name;	/* NUL-terminated UTF-8, not empty */
	char			*value;	/* NUL-terminated UTF-8; for =~ and !~
					 * the regex as the user wrote it */
	regex_t			*re;	/* compiled; NULL for = and != */
};

/* v[0 .. n) all owned by the set (matcher_set_free()). */
struct matcher_set {
	struct matcher	*v;
	size_t		 n;
};

/*
 * MATCHING
 *
 * A label the alert does not have matches as the empty string, as in
 * Alertmanager: foo="" matches alerts without foo, foo!="" needs a
 * non-empty foo, foo=~".*" matches every alert.
 *
 * Regexes match the whole value, as Alertmanager's ^(?:re)$ does:
 * severity=~"crit" does not match "critical". They are POSIX EREs
 * (regcomp(3)) checked and rewritten so that every pattern accepted here
 * means what it means to Go's RE2 in Alertmanager; what would not is
 * refused with a message naming the offset and the alternative:
 *   - no Perl escapes: \d \w \s \b \pL \x41 ... (use [0-9],
 *     [[:alnum:]_], [[:space:]]); \t \n \r and escaped punctuation are
 *     accepted;
 *   - no flags or named groups: (?i) (?s) (?P<n>...); (?:...) is accepted;
 *   - no lazy or nested repetition (a*? a+? a{2}{3}), repetition counts up
 *     to 1000, and '{' must start a repetition or be escaped;
 *   - inside [...]: no backslash (an escape in RE2, a literal in POSIX),
 *     no non-ASCII characters, no [.x.] or [=x=].
 * '.' and [^...] match one UTF-8 character and '.' does not match a
 * newline, as in RE2. Patterns are compiled for the C locale, which is
 * the one pagerd runs in (it never calls setlocale(3)).
 *
 * glibc's regex engine is not linear-time like RE2, so a pattern is also
 * refused when it would be slow to compile or to match (the message says
 * which limit): more than 10000 nodes once {n,m} is expanded ('.'
 * counting 10), more than 500 of them after something of variable length
 * (50 .*, or .{0,50}), a repeated part that can match the empty string
 * ((a?)+, (a*){3}), or groups nested deeper than 1000. Within these a
 * match on a 2 KB value takes at most a few ms.
 */

/*
 * Build *m from its parts (the config loader and the JSON form use this).
 * name must not be empty; name and value must be valid UTF-8. Copies
 * both; value is compiled for MATCH_RE and MATCH_NRE. Returns 0, or -1
 * with err filled (errlen may be 0) and *m zeroed; on out of memory too.
 */
int	matcher_init(struct matcher *m, const char *name,
	    enum matcher_type type, const char *value, char *err,
	    size_t errlen);

/*
 * Parse one matcher in Alertmanager's text syntax: name, then = != =~ or
 * !~, then the value, with spaces allowed between. The name is
 * [a-zA-Z_:][a-zA-Z0-9_:]* or a quoted string. A quoted value may use
 * \" \\ and \n, and any other backslash stays as written (so "a\.b" is
 * the regex a\.b). An unquoted value runs to the end of s, less trailing
 * spaces, and may not contain '"'. Errors name the 1-based byte position
 * in s: "position 5: expected '=', '!=', '=~' or '!~'". Returns as
 * matcher_init() does.
 */
int	matcher_parse(const char *s, struct matcher *m, char *err,
	    size_t errlen);

/*
 * Parse a list: '{alertname="Foo", severity=~"crit.*"}', braces optional,
 * separated by commas, a trailing comma allowed, "" and "{}" giving an
 * empty set. An unquoted value ends at the next ','. Returns 0 with *set
 * filled, or -1 with err filled and *set empty (nothing allocated).
 */
int	matcher_set_parse(const char *s, struct matcher_set *set, char *err,
	    size_t errlen);

/*
 * The Alertmanager API v2 form, as silences carry it:
 * {"name": "...", "value": "...", "isRegex": bool, "isEqual": bool}.
 * isEqual is optional (default true, as in Alertmanager); other fields
 * are refused so that a misspelt one is not silently ignored. Errors name
 * the field: "isRegex: must be true or false". Does not keep obj. Returns
 * as matcher_init() does.
 */
int	matcher_from_json(struct json_t *obj, struct matcher *m, char *err,
	    size_t errlen);

/*
 * An array of the objects above ("matchers" of a silence). Errors start
 * with the index: "[2].name: must be a non-empty string". Returns as
 * matcher_set_parse() does.
 */
int	matcher_set_from_json(struct json_t *arr, struct matcher_set *set,
	    char *err, size_t errlen);

/*
 * Does m match the label set? labels must be sorted by name, bytewise
 * (struct alert keeps them so); lookup is a binary search. Returns 1 or 0.
 * Should regexec(3) run out of memory, both =~ and !~ answer 0.
 */
int	matcher_match(const struct matcher *m, const struct label *labels,
	    size_t nlabels);

/* Do all n matchers match? An empty list matches every label set. */
int	matchers_match_all(const struct matcher *v, size_t n,
	    const struct label *labels, size_t nlabels);

/*
 * Print m in the text syntax, value always quoted, name quoted unless it
 * is [a-zA-Z_:][a-zA-Z0-9_:]*: what it prints parses back to the same
 * matcher. Returns the length the whole text needs, like snprintf(3).
 */
size_t	matcher_format(const struct matcher *m, char *buf, size_t len);

/* Free what m owns and zero it. NULL-safe. */
void	matcher_free(struct matcher *m);

/* matcher_free() each matcher, free the array, and zero set. NULL-safe. */
void	matcher_set_free(struct matcher_set *set);

#endif /* PAGERD_MATCHER_H */
