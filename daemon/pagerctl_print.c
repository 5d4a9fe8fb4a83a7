/*
 * daemon/pagerctl_print.c — pagerctl's output: text from the server made
 * safe for a terminal, JSON values as table cells, --json documents, and
 * the tables themselves, fitted to the terminal's width.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "pagerctl.h"

/* ------------------------------------------------------------ text */

/*
 * Everything printed comes from the server, and titles, labels and
 * summaries come from whoever could send an alert: an escape sequence in
 * one must not drive the admin's terminal. Returns a malloc'd copy with
 * control characters (C0, DEL, and C1 as UTF-8) and invalid UTF-8 bytes
 * replaced by '?', and tabs and newlines by spaces. NULL when out of
 * memory.
 */
char *
clean(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out, *o;
	size_t			 i, n, k;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	for (i = 0, o = out; i < len; ) {
		if (p[i] == '\t' || p[i] == '\n' || p[i] == '\r') {
			*o++ = ' ';
			i++;
			continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7f) {
			*o++ = '?';
			i++;
			continue;
		}
		if (p[i] < 0x80) {
			*o++ = (char)p[i++];
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			n = 2;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			n = 3;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			n = 4;
		else
			n = 0;
		for (k = 1; n != 0 && k < n; k++)
			if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
				n = 0;
		/* U+0080..U+009F are the C1 controls (0xc2 0x80..0x9f). */
		if (n == 0) {
			*o++ = '?';
			i++;
			continue;
		}
		if (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0) {
			*o++ = '?';
			i += 2;
			continue;
		}
		memcpy(o, p + i, n);
		o += n;
		i += n;
	}
	*o = '\0';
	return out;
}

/* Display columns of clean UTF-8 text: one per character. */
size_t
cols(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Cut clean UTF-8 text in place to at most max columns, marking the cut. */
void
fit(char *s, size_t max)
{
	size_t	 n = 0, keep;
	char	*p;

	if (cols(s) <= max)
		return;
	keep = max > 3 ? max - 3 : max;
	for (p = s; *p != '\0'; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && n++ == keep)
			break;
	}
	*p = '\0';
	if (max > 3)
		strcat(s, "...");
}

void
put_padded(const char *s, size_t width)
{
	size_t	 n;

	fputs(s, stdout);
	for (n = cols(s); n < width; n++)
		putchar(' ');
}

/* ------------------------------------------------------------ JSON */

/*
 * An integer from a JSON number or a numeric string: pagerd sends Redis
 * hash fields, which are strings to Redis, and either form is fine.
 */
int
jint(const json_t *v, long long *out)
{
	const char	*s;
	char		*end;
	double		 d;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (!(d >= -9e18 && d <= 9e18))
			return -1;
		*out = (long long)d;
		return 0;
	}
	if (json_is_string(v)) {
		s = json_string_value(v);
		errno = 0;
		*out = strtoll(s, &end, 10);
		if (end == s || *end != '\0' || errno != 0)
			return -1;
		return 0;
	}
	return -1;
}

/*
 * Text for any JSON value, so an unexpected type still shows what is
 * there: strings as they are, missing and null as "-", objects and
 * arrays as compact JSON. Clean (see clean()); malloc'd; NULL when out of
 * memory.
 */
char *
jtext(const json_t *v)
{
	char	 buf[64];
	char	*dump, *s;

	switch (v == NULL ? JSON_NULL : json_typeof(v)) {
	case JSON_STRING:
		if (json_string_length(v) == 0)
			return strdup("-");
		return clean(json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return strdup(buf);
	case JSON_REAL:
		snprintf(buf, sizeof(buf), "%.15g", json_real_value(v));
		return strdup(buf);
	case JSON_TRUE:
		return strdup("true");
	case JSON_FALSE:
		return strdup("false");
	case JSON_NULL:
		return strdup("-");
	default:
		if ((dump = json_dumps(v, JSON_COMPACT |
		    JSON_REAL_PRECISION(15))) == NULL)
			return NULL;
		s = clean(dump, strlen(dump));
		free(dump);
		return s;
	}
}

/* A string member, or NULL when missing or not a string. */
const char *
jstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/*
 * A time in milliseconds since the epoch as local time ("2026-11-25
 * 17:03"); with_age adds seconds and how long ago. 0 is "-" (pagerd's
 * "never", e.g. resolved while still open). A value that is no such
 * number is shown as it is.
 */
char *
jtime(const struct ctl *ctl, const json_t *v, int with_age)
{
	long long	 ms, ago;
	time_t		 t;
	struct tm	 tm;
	char		 buf[96];
	size_t		 n;

	if (v == NULL || jint(v, &ms) == -1)
		return jtext(v);
	if (ms == 0)
		return strdup("-");
	/* Up to year 9999: beyond it the number is more honest. */
	if (ms < 0 || ms > 253402300799999LL)
		return jtext(v);
	t = (time_t)(ms / 1000);
	if (localtime_r(&t, &tm) == NULL)
		return jtext(v);
	n = strftime(buf, sizeof(buf), with_age ? "%Y-%m-%d %H:%M:%S" :
	    "%Y-%m-%d %H:%M", &tm);
	if (with_age && (ago = (long long)(ctl->now - t)) >= 0) {
		if (ago < 60)
			snprintf(buf + n, sizeof(buf) - n, " (%llds ago)", ago);
		else if (ago < 3600)
			snprintf(buf + n, sizeof(buf) - n, " (%lldm ago)",
			    ago / 60);
		else if (ago < 86400)
			snprintf(buf + n, sizeof(buf) - n, " (%lldh%lldm ago)",
			    ago / 3600, ago % 3600 / 60);
		else
			snprintf(buf + n, sizeof(buf) - n, " (%lldd%lldh ago)",
			    ago / 86400, ago % 86400 / 3600);
	}
	return strdup(buf);
}

/* A string member as a clean cell; "-" for null or missing. */
char *
jcell(const json_t *obj, const char *key)
{
	const json_t	*v = json_object_get(obj, key);

	return json_is_string(v) ? jtext(v) : strdup("-");
}

/*
 * --json: the server's document, pretty and otherwise as it is. JSON
 * escapes C0 controls but not C1 (U+0080..U+009F, which some terminals
 * obey) or DEL; escaping those too keeps the document's meaning and the
 * terminal safe. Returns 0, or -1 when the body is not JSON.
 */
int
print_json_doc(const json_t *root)
{
	char		*dump;
	unsigned char	*p;

	if ((dump = json_dumps(root, JSON_INDENT(2))) == NULL) {
		fprintf(stderr, "pagerctl: out of memory\n");
		return -1;
	}
	for (p = (unsigned char *)dump; *p != '\0'; p++) {
		if (*p == 0x7f)
			fputs("\\u007f", stdout);
		else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0) {
			printf("\\u%04x", p[1]);
			p++;
		} else
			putchar(*p);
	}
	putchar('\n');
	free(dump);
	return 0;
}

int
print_json(const struct resp *r)
{
	json_t	*root;
	int	 ret;

	if ((root = parse_body(r, 0)) == NULL)
		return -1;
	ret = print_json_doc(root);
	json_decref(root);
	return ret;
}

/* ------------------------------------------------------------ tables */

/* ncol: 1..TABLE_MAXCOL. */
void
table_init(struct table *t, const char **head, size_t ncol)
{
	memset(t, 0, sizeof(*t));
	t->head = head;
	t->ncol = ncol;
}

/*
 * Add a row. Takes ownership of the ncol malloc'd cells and the note
 * (may be NULL), even on failure. A NULL cell means out of memory. A
 * row that could not be added is remembered: the rows after it are
 * dropped too, and table_done() says so.
 */
int
table_add(struct table *t, char **cells, char *note)
{
	char	**c, **nt;
	size_t	  i, cap;

	if (t->failed)
		goto fail;
	for (i = 0; i < t->ncol; i++)
		if (cells[i] == NULL)
			goto fail;
	if (t->nrow == t->cap) {
		cap = t->cap ? t->cap * 2 : 16;
		if ((c = reallocarray(t->cell, cap * t->ncol,
		    sizeof(*c))) == NULL)
			goto fail;
		t->cell = c;
		if ((nt = reallocarray(t->note, cap, sizeof(*nt))) == NULL)
			goto fail;
		t->note = nt;
		t->cap = cap;
	}
	memcpy(t->cell + t->nrow * t->ncol, cells, t->ncol * sizeof(*cells));
	t->note[t->nrow++] = note;
	return 0;
fail:
	t->failed = 1;
	for (i = 0; i < t->ncol; i++)
		free(cells[i]);
	free(note);
	return -1;
}

/*
 * Print the rows that made it and free the table. Returns ret, or
 * PCTL_FAIL when a row was lost (out of memory, said on stderr).
 */
int
table_done(struct table *t, const struct ctl *ctl, int ret)
{
	table_print(t, ctl);
	if (t->failed) {
		fprintf(stderr, "pagerctl: out of memory\n");
		ret = PCTL_FAIL;
	}
	table_free(t);
	return ret;
}

void
table_print(struct table *t, const struct ctl *ctl)
{
	size_t	 w[TABLE_MAXCOL], used = 0, last, r, c;
	char	*s, *line;

	last = t->ncol - 1;
	for (c = 0; c < t->ncol; c++) {
		w[c] = cols(t->head[c]);
		for (r = 0; r < t->nrow; r++)
			if (cols(t->cell[r * t->ncol + c]) > w[c])
				w[c] = cols(t->cell[r * t->ncol + c]);
		if (c < last)
			used += w[c] + 2;
	}
	if (ctl->width == 0)
		w[last] = TITLE_COLS_NOTTY;
	else if ((size_t)ctl->width > used + TITLE_COLS_MIN)
		w[last] = (size_t)ctl->width - used - 1;
	else
		w[last] = TITLE_COLS_MIN;

	for (c = 0; c < last; c++)
		put_padded(t->head[c], w[c] + 2);
	puts(t->head[last]);
	for (r = 0; r < t->nrow; r++) {
		for (c = 0; c < t->ncol; c++) {
			s = t->cell[r * t->ncol + c];
			if (c < last)
				put_padded(s, w[c] + 2);
			else {
				fit(s, w[last]);
				puts(s);
			}
		}
		for (line = t->note[r]; line != NULL && *line != '\0'; ) {
			s = strchr(line, '\n');
			printf("    %.*s\n", s ? (int)(s - line) :
			    (int)strlen(line), line);
			line = s ? s + 1 : NULL;
		}
	}
}

void
table_free(struct table *t)
{
	size_t	 i;

	for (i = 0; i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	for (i = 0; i < t->nrow; i++)
		free(t->note[i]);
	free(t->cell);
	free(t->note);
	memset(t, 0, sizeof(*t));
}

char *
fitted(char *s, size_t max)
{
	if (s != NULL)
		fit(s, max);
	return s;
}
