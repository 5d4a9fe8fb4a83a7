/*
 * daemon/pagerctl.c — pagerctl, the admin CLI: asks pagerd's HTTP API
 * whether it is healthy and what incidents it holds, and prints readable
 * tables (or the server's JSON). Blocking libcurl easy calls are fine
 * here: a CLI has nothing else to do while it waits. It shares no state
 * with the daemon: the incident commands speak only the HTTP API, and
 * the rota commands (oncall, schedule) also read the config files with
 * lib/ so that an edit can be seen before the reload.
 */
#include "autoconf.h"

#include <sys/ioctl.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "config.h"
#include "perr.h"
#include "rota.h"
#include "rota_check.h"
#include "rota_diff.h"
#include "rota_json.h"
#include "timefmt.h"
#include "tz.h"

#define DEFAULT_URL	"http://127.0.0.1:8080"
#define DEFAULT_TIMEOUT_MS 10000

/* Exit statuses, documented in --help and docs/PAGERCTL.md. */
#define PCTL_OK		0	/* done; pagerd is healthy */
#define PCTL_FAIL	1	/* the server answered: error, 404, unhealthy */
#define PCTL_NOANSWER	2	/* no usable answer: connect, timeout, junk */
#define PCTL_USAGE	64	/* bad command line (EX_USAGE) */

/*
 * Far above what pagerd sends for a page of incidents or one incident's
 * alerts, so a bigger body means a wrong URL or a hostile peer: refuse it
 * instead of eating memory.
 */
#define RESP_MAX	(16L * 1024 * 1024)

/* Longest token we accept, from any source. */
#define TOKEN_MAX	4096

/* Column budgets for the tables. */
#define TITLE_COLS_NOTTY 60	/* not a terminal: fixed, for scripts */
#define TITLE_COLS_MIN	20	/* a narrow terminal still gets this */
#define SOURCE_COLS	24

struct ctl {
	char		*url;		/* base, no trailing '/' */
	char		*token;		/* NULL: send no Authorization */
	int		 json;
	long		 timeout_ms;
	int		 width;		/* terminal columns; 0: not a tty */
	time_t		 now;
};

static void	 usage_error(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

/* ----------------------------------------------------------------- HTTP */

struct resp {
	long	 status;	/* HTTP status */
	char	*body;		/* NUL-terminated, len bytes; NULL if empty */
	size_t	 len;
	size_t	 cap;
	int	 too_big;
	int	 oom;
};

static size_t
resp_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct resp	*r = arg;
	size_t		 n = size * nmemb, cap;
	char		*p;

	if (n > (size_t)RESP_MAX - r->len) {
		r->too_big = 1;
		return 0;		/* curl stops with CURLE_WRITE_ERROR */
	}
	if (r->len + n + 1 > r->cap) {
		cap = r->cap ? r->cap : 16384;
		while (cap < r->len + n + 1)
			cap *= 2;
		if ((p = realloc(r->body, cap)) == NULL) {
			r->oom = 1;
			return 0;
		}
		r->body = p;
		r->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

static void
resp_free(struct resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/*
 * GET base URL + path. Returns 0 when the server answered (any status,
 * in r->status; the body in r, to be freed with resp_free()), or -1 with
 * a one-line reason in err when no answer came.
 */
/*
 * method: "GET", "POST" or "DELETE"; body: JSON sent with POST (NULL:
 * none). 0 with the answer in r (any status), or -1 with err filled.
 */
static int
http_call(const struct ctl *ctl, const char *method, const char *path,
    const char *body, struct resp *r, char *err, size_t errlen)
{
	CURL			*h;
	CURLcode		 rc;
	struct curl_slist	*hdrs = NULL, *l;
	char			 cerr[CURL_ERROR_SIZE] = "";
	char			*url = NULL, *auth = NULL;
	long			 oserr = 0;
	int			 ret = -1;

	memset(r, 0, sizeof(*r));
	if ((h = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "cannot initialise libcurl");
		return -1;
	}
	if (asprintf(&url, "%s%s", ctl->url, path) == -1) {
		url = NULL;
		goto oom;
	}
	if ((l = curl_slist_append(hdrs, "Accept: application/json")) == NULL)
		goto oom;
	hdrs = l;
	if (ctl->token != NULL) {
		if (asprintf(&auth, "Authorization: Bearer %s",
		    ctl->token) == -1) {
			auth = NULL;
			goto oom;
		}
		if ((l = curl_slist_append(hdrs, auth)) == NULL)
			goto oom;
		hdrs = l;
	}

	if (body != NULL) {
		if ((l = curl_slist_append(hdrs,
		    "Content-Type: application/json")) == NULL)
			goto oom;
		hdrs = l;
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	}
	if (strcmp(method, "GET") != 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ctl->timeout_ms);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "pagerctl/" PACKAGE_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, resp_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	/* A Content-Length over the limit is refused before any byte. */
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)RESP_MAX);
	/* The token must not follow a redirect or leave over another scheme. */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif

	rc = curl_easy_perform(h);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
		ret = 0;
		goto done;
	}
	curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oserr);
	if (r->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(err, errlen, "%s: answer larger than %ld MiB refused",
		    url, RESP_MAX / (1024 * 1024));
	else if (r->oom)
		snprintf(err, errlen, "out of memory");
	else if (rc == CURLE_COULDNT_CONNECT && oserr != 0)
		/* "Connection refused" says more than curl's summary. */
		snprintf(err, errlen, "cannot connect to %s: %s", ctl->url,
		    strerror((int)oserr));
	else if (rc == CURLE_COULDNT_CONNECT ||
	    rc == CURLE_COULDNT_RESOLVE_HOST)
		snprintf(err, errlen, "cannot connect to %s: %s", ctl->url,
		    cerr[0] ? cerr : curl_easy_strerror(rc));
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(err, errlen, "%s: no answer within %g s", url,
		    ctl->timeout_ms / 1000.0);
	else
		snprintf(err, errlen, "%s: %s", url,
		    cerr[0] ? cerr : curl_easy_strerror(rc));
	resp_free(r);
	goto done;

oom:
	snprintf(err, errlen, "out of memory");
done:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	free(auth);
	free(url);
	return ret;
}

static int
http_get(const struct ctl *ctl, const char *path, struct resp *r,
    char *err, size_t errlen)
{
	return http_call(ctl, "GET", path, NULL, r, err, errlen);
}

/* ------------------------------------------------------------ text */

/*
 * Everything printed comes from the server, and titles, labels and
 * summaries come from whoever could send an alert: an escape sequence in
 * one must not drive the admin's terminal. Returns a malloc'd copy with
 * control characters (C0, DEL, and C1 as UTF-8) and invalid UTF-8 bytes
 * replaced by '?', and tabs and newlines by spaces. NULL when out of
 * memory.
 */
static char *
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
static size_t
cols(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Cut clean UTF-8 text in place to at most max columns, marking the cut. */
static void
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

static void
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
static int
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
static char *
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
static const char *
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
static char *
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

/*
 * Parse a whole body; NULL (with a message printed) when it is not JSON.
 * for_table: an integer too big for jansson is read as a real rather than
 * refusing the whole answer, since a table only has to show it.
 */
static json_t *
parse_body(const struct resp *r, int for_table)
{
	json_error_t	 e;
	json_t		*root;
	const char	*body = r->body ? r->body : "";

	root = json_loadb(body, r->len, 0, &e);
	if (root == NULL && for_table &&
	    json_error_code(&e) == json_error_numeric_overflow)
		root = json_loadb(body, r->len, JSON_DECODE_INT_AS_REAL, &e);
	if (root == NULL)
		fprintf(stderr, "pagerctl: the answer is not JSON: %s "
		    "(line %d)\n", e.text, e.line);
	return root;
}

/*
 * --json: the server's document, pretty and otherwise as it is. JSON
 * escapes C0 controls but not C1 (U+0080..U+009F, which some terminals
 * obey) or DEL; escaping those too keeps the document's meaning and the
 * terminal safe. Returns 0, or -1 when the body is not JSON.
 */
static int
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

static int
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

/*
 * The answer to show: with --json the body is printed as it came and
 * *root stays NULL; otherwise *root is the parsed body (for a table).
 * Frees r. Returns PCTL_OK, or the exit code when nothing can be shown.
 */
static int
answer_body(struct ctl *ctl, struct resp *r, json_t **root)
{
	int	 ret = PCTL_OK;

	*root = NULL;
	if (ctl->json)
		ret = print_json(r) == 0 ? PCTL_OK : PCTL_NOANSWER;
	else if ((*root = parse_body(r, 1)) == NULL)
		ret = PCTL_NOANSWER;
	resp_free(r);
	return ret;
}

/*
 * A non-2xx answer: pagerd's errors are {"error": "..."}; a proxy in
 * between may answer HTML, so fall back to the body's first line.
 */
static void
print_http_error(const struct resp *r)
{
	json_t		*root;
	const char	*msg = NULL;
	char		*text = NULL;
	size_t		 n;

	root = json_loadb(r->body ? r->body : "", r->len, 0, NULL);
	if (root != NULL && (msg = jstr(root, "error")) != NULL)
		text = clean(msg, strlen(msg));
	else if (r->len > 0) {
		n = strcspn(r->body, "\r\n");
		text = clean(r->body, n);
		if (text != NULL)
			fit(text, 200);
	}
	fprintf(stderr, "pagerctl: HTTP %ld: %s\n", r->status,
	    text != NULL && *text != '\0' ? text : "(no details)");
	free(text);
	json_decref(root);
}

/* ------------------------------------------------------------ tables */

/*
 * A table of clean cells, printed with columns as wide as their widest
 * cell, except the last, which is cut to what the screen has left.
 * A row may carry a note: lines printed indented under it.
 */
#define TABLE_MAXCOL	8

struct table {
	size_t		  ncol;
	const char	**head;
	char		**cell;		/* nrow * ncol */
	char		**note;		/* nrow; NULL when none */
	size_t		  nrow;
	size_t		  cap;
};

/* ncol: 1..TABLE_MAXCOL. */
static void
table_init(struct table *t, const char **head, size_t ncol)
{
	memset(t, 0, sizeof(*t));
	t->head = head;
	t->ncol = ncol;
}

/*
 * Add a row. Takes ownership of the ncol malloc'd cells and the note
 * (may be NULL), even on failure. A NULL cell means out of memory.
 */
static int
table_add(struct table *t, char **cells, char *note)
{
	char	**c, **nt;
	size_t	  i, cap;

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
	for (i = 0; i < t->ncol; i++)
		free(cells[i]);
	free(note);
	return -1;
}

static void
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

static void
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

static char *
fitted(char *s, size_t max)
{
	if (s != NULL)
		fit(s, max);
	return s;
}

/* ------------------------------------------------------------ commands */

/*
 * /healthz answers 200 {"status":"ok","redis":"up"} or 503
 * {"status":"unavailable","redis":"down","reason":"..."}; any member may
 * be missing, and "redis" may be a boolean.
 */
static int
cmd_status(struct ctl *ctl)
{
	struct resp	 r;
	char		 err[CURL_ERROR_SIZE + 256];
	json_t		*root = NULL, *redis;
	const char	*state, *reason;
	char		*s_state = NULL, *s_redis = NULL, *s_reason = NULL;
	int		 ret;

	if (http_get(ctl, "/healthz", &r, err, sizeof(err)) == -1) {
		fprintf(stderr, "pagerctl: %s\n", err);
		return PCTL_NOANSWER;
	}
	if (r.status != 200 && r.status != 503) {
		print_http_error(&r);
		resp_free(&r);
		return PCTL_FAIL;
	}
	ret = r.status == 200 ? PCTL_OK : PCTL_FAIL;
	if (ctl->json) {
		if (print_json(&r) == -1)
			ret = PCTL_NOANSWER;
		resp_free(&r);
		return ret;
	}

	root = json_loadb(r.body ? r.body : "", r.len, 0, NULL);
	if ((state = jstr(root, "status")) == NULL)
		state = r.status == 200 ? "ok" : "unavailable";
	s_state = clean(state, strlen(state));
	redis = json_object_get(root, "redis");
	if (json_is_boolean(redis))
		s_redis = strdup(json_is_true(redis) ? "up" : "down");
	else if (redis != NULL)
		s_redis = jtext(redis);
	if ((reason = jstr(root, "reason")) == NULL)
		reason = jstr(root, "error");
	if (reason != NULL)
		s_reason = clean(reason, strlen(reason));

	printf("pagerd at %s: %s", ctl->url, s_state ? s_state : state);
	if (s_redis != NULL)
		printf(" (redis %s)", s_redis);
	if (r.status != 200 && s_reason != NULL)
		printf(": %s", s_reason);
	putchar('\n');

	free(s_state);
	free(s_redis);
	free(s_reason);
	json_decref(root);
	resp_free(&r);
	return ret;
}

/*
 * Call the API, report failures; 0 with a 2xx answer in r, else an exit
 * code.
 */
static int
api_call(struct ctl *ctl, const char *method, const char *path,
    const char *body, struct resp *r)
{
	char	 err[CURL_ERROR_SIZE + 256];

	if (http_call(ctl, method, path, body, r, err, sizeof(err)) == -1) {
		fprintf(stderr, "pagerctl: %s\n", err);
		return PCTL_NOANSWER;
	}
	if (r->status < 200 || r->status > 299) {
		print_http_error(r);
		resp_free(r);
		return PCTL_FAIL;
	}
	return 0;
}

static int
api_get(struct ctl *ctl, const char *path, struct resp *r)
{
	return api_call(ctl, "GET", path, NULL, r);
}

static const char *incidents_head[] = {
	"ID", "STATUS", "SEV", "ALERTS", "CREATED", "SOURCE", "TITLE"
};

static int
cmd_incidents(struct ctl *ctl, const char *status, long limit)
{
	struct resp	 r;
	struct table	 t;
	json_t		*root, *list, *inc;
	char		 path[128];
	char		*cells[7];
	size_t		 i;
	int		 ret;

	snprintf(path, sizeof(path), "/api/v1/incidents?status=%s&limit=%ld",
	    status, limit);
	if ((ret = api_get(ctl, path, &r)) != 0)
		return ret;
	if ((ret = answer_body(ctl, &r, &root)) != PCTL_OK || root == NULL)
		return ret;
	if (!json_is_array(list = json_object_get(root, "incidents"))) {
		fprintf(stderr, "pagerctl: unexpected answer: no \"incidents\" "
		    "list (try --json)\n");
		json_decref(root);
		return PCTL_NOANSWER;
	}
	if (json_array_size(list) == 0) {
		puts("No incidents.");
		json_decref(root);
		return PCTL_OK;
	}

	table_init(&t, incidents_head, 7);
	ret = PCTL_OK;
	json_array_foreach(list, i, inc) {
		if (!json_is_object(inc)) {
			fprintf(stderr, "pagerctl: incident #%zu in the answer "
			    "is not an object; skipped\n", i + 1);
			continue;
		}
		cells[0] = jtext(json_object_get(inc, "id"));
		cells[1] = jtext(json_object_get(inc, "status"));
		cells[2] = jtext(json_object_get(inc, "severity"));
		cells[3] = jtext(json_object_get(inc, "alert_count"));
		cells[4] = jtime(ctl, json_object_get(inc, "created"), 0);
		cells[5] = fitted(jtext(json_object_get(inc, "source")),
		    SOURCE_COLS);
		cells[6] = jtext(json_object_get(inc, "title"));
		if (table_add(&t, cells, NULL) == -1) {
			fprintf(stderr, "pagerctl: out of memory\n");
			ret = PCTL_FAIL;
			break;
		}
	}
	table_print(&t, ctl);
	table_free(&t);
	json_decref(root);
	return ret;
}

/* "k=v k2=v2", quoting values that would be ambiguous. Clean; malloc'd. */
static char *
labels_text(json_t *labels)
{
	const char	*k;
	json_t		*v;
	char		*buf = NULL, *ck, *cv, *p;
	size_t		 len = 0;
	FILE		*f;
	int		 first = 1;

	if (!json_is_object(labels))
		return jtext(labels);
	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	json_object_foreach(labels, k, v) {
		ck = clean(k, strlen(k));
		/* An empty value is a value here, not "missing". */
		cv = json_is_string(v) ? clean(json_string_value(v),
		    json_string_length(v)) : jtext(v);
		if (ck != NULL && cv != NULL) {
			fprintf(f, "%s%s=", first ? "" : " ", ck);
			if (*cv != '\0' && strpbrk(cv, " ,=\"\\") == NULL)
				fputs(cv, f);
			else {
				fputc('"', f);
				for (p = cv; *p != '\0'; p++) {
					if (*p == '"' || *p == '\\')
						fputc('\\', f);
					fputc(*p, f);
				}
				fputc('"', f);
			}
			first = 0;
		}
		free(ck);
		free(cv);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Absent, null, {} and [] say nothing worth a line of their own. */
static int
worth_a_line(const json_t *v)
{
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_object(v))
		return json_object_size(v) != 0;
	if (json_is_array(v))
		return json_array_size(v) != 0;
	return 1;
}

static const char *alerts_head[] = {
	"FINGERPRINT", "STATUS", "COUNT", "SEV", "FIRST SEEN", "LAST SEEN",
	"SOURCE", "SUMMARY"
};

static int
print_alerts(const struct ctl *ctl, json_t *alerts)
{
	struct table	 t;
	json_t		*a, *v;
	char		*cells[8], *labels, *details, *note;
	size_t		 i;

	if (!json_is_array(alerts)) {
		if (alerts != NULL && (note = jtext(alerts)) != NULL) {
			printf("\nalerts: %s\n", note);
			free(note);
		}
		return 0;
	}
	printf("\nALERTS (%zu)\n", json_array_size(alerts));
	if (json_array_size(alerts) == 0)
		return 0;
	table_init(&t, alerts_head, 8);
	json_array_foreach(alerts, i, a) {
		if (!json_is_object(a)) {
			fprintf(stderr, "pagerctl: alert #%zu in the answer is "
			    "not an object; skipped\n", i + 1);
			continue;
		}
		cells[0] = jtext(json_object_get(a, "fingerprint"));
		cells[1] = jtext(json_object_get(a, "status"));
		cells[2] = jtext(json_object_get(a, "count"));
		cells[3] = jtext(json_object_get(a, "severity"));
		cells[4] = jtime(ctl, json_object_get(a, "first_seen"), 0);
		cells[5] = jtime(ctl, json_object_get(a, "last_seen"), 0);
		cells[6] = fitted(jtext(json_object_get(a, "source")),
		    SOURCE_COLS);
		cells[7] = jtext(json_object_get(a, "summary"));

		v = json_object_get(a, "labels");
		labels = worth_a_line(v) ? labels_text(v) : NULL;
		v = json_object_get(a, "details");
		details = worth_a_line(v) ? jtext(v) : NULL;
		if (asprintf(&note, "%s%s%s%s%s",
		    labels ? "labels: " : "", labels ? labels : "",
		    labels && details ? "\n" : "",
		    details ? "details: " : "", details ? details : "") == -1)
			note = NULL;
		free(labels);
		free(details);
		if (table_add(&t, cells, note) == -1) {
			table_free(&t);
			return -1;
		}
	}
	table_print(&t, ctl);
	table_free(&t);
	return 0;
}

/* The incident's fields shown first, in this order, with their labels. */
static const struct field {
	const char	*key;
	const char	*label;
	int		 is_time;
} incident_fields[] = {
	{ "status",		"status",	0 },
	{ "severity",		"severity",	0 },
	{ "source",		"source",	0 },
	{ "alert_count",	"alerts",	0 },
	{ "created",		"created",	1 },
	{ "updated",		"updated",	1 },
	{ "resolved",		"resolved",	1 },
};
#define NFIELDS (sizeof(incident_fields) / sizeof(incident_fields[0]))

static int
known_field(const char *key)
{
	size_t	 i;

	if (strcmp(key, "id") == 0 || strcmp(key, "title") == 0 ||
	    strcmp(key, "alerts") == 0 || strcmp(key, "timeline") == 0)
		return 1;
	for (i = 0; i < NFIELDS; i++)
		if (strcmp(key, incident_fields[i].key) == 0)
			return 1;
	return 0;
}

/*
 * The timeline, one event a line: its time, its name, then every other
 * field as name=value (values cleaned: they may come from alerts).
 */
static int
print_timeline(const struct ctl *ctl, json_t *tl)
{
	const char	*k;
	json_t		*e, *v;
	char		*at, *ev, *val, *ck;
	size_t		 i;

	if (!json_is_array(tl) || json_array_size(tl) == 0)
		return 0;
	printf("timeline:\n");
	json_array_foreach(tl, i, e) {
		at = jtime(ctl, json_object_get(e, "at"), 0);
		ev = jtext(json_object_get(e, "event"));
		printf("  %s  %s", at ? at : "?", ev ? ev : "?");
		free(at);
		free(ev);
		json_object_foreach(e, k, v) {
			if (json_is_null(v) || strcmp(k, "at") == 0 ||
			    strcmp(k, "event") == 0)
				continue;
			ck = clean(k, strlen(k));
			val = strcmp(k, "until") == 0 ? jtime(ctl, v, 0) :
			    jtext(v);
			printf(" %s=%s", ck ? ck : "?", val ? val : "?");
			free(ck);
			free(val);
		}
		printf("\n");
	}
	return 0;
}

static int
print_incident(const struct ctl *ctl, json_t *inc)
{
	const char	*k;
	json_t		*v;
	char		*id, *title, *val, *ck;
	size_t		 i, w = 9;

	id = jtext(json_object_get(inc, "id"));
	title = jtext(json_object_get(inc, "title"));
	printf("incident %s: %s\n", id ? id : "?", title ? title : "?");
	free(id);
	free(title);

	/* Fields this version does not know about still get shown. */
	json_object_foreach(inc, k, v)
		if (!known_field(k) && cols(k) + 1 > w)
			w = cols(k) + 1;
	for (i = 0; i < NFIELDS; i++) {
		v = json_object_get(inc, incident_fields[i].key);
		val = incident_fields[i].is_time ? jtime(ctl, v, 1) : jtext(v);
		printf("  %s:", incident_fields[i].label);
		put_padded("", w - cols(incident_fields[i].label));
		printf("%s\n", val ? val : "?");
		free(val);
	}
	json_object_foreach(inc, k, v) {
		if (known_field(k))
			continue;
		ck = clean(k, strlen(k));
		val = jtext(v);
		printf("  %s:", ck ? ck : "?");
		put_padded("", w - (ck ? cols(ck) : 1));
		printf("%s\n", val ? val : "?");
		free(ck);
		free(val);
	}
	if (print_alerts(ctl, json_object_get(inc, "alerts")) != 0)
		return -1;
	return print_timeline(ctl, json_object_get(inc, "timeline"));
}

static int
cmd_incident(struct ctl *ctl, const char *arg)
{
	struct resp	 r;
	json_t		*root, *inc;
	char		 path[64], err[CURL_ERROR_SIZE + 256];
	char		*end;
	long long	 id;
	int		 ret;

	errno = 0;
	id = strtoll(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    id <= 0)
		usage_error("incident: \"%s\" is not an incident number",
		    arg);
	snprintf(path, sizeof(path), "/api/v1/incidents/%lld", id);

	if (http_get(ctl, path, &r, err, sizeof(err)) == -1) {
		fprintf(stderr, "pagerctl: %s\n", err);
		return PCTL_NOANSWER;
	}
	if (r.status == 404) {
		fprintf(stderr, "pagerctl: incident %lld not found\n", id);
		resp_free(&r);
		return PCTL_FAIL;
	}
	if (r.status < 200 || r.status > 299) {
		print_http_error(&r);
		resp_free(&r);
		return PCTL_FAIL;
	}
	if ((ret = answer_body(ctl, &r, &root)) != PCTL_OK || root == NULL)
		return ret;
	if (!json_is_object(inc = json_object_get(root, "incident"))) {
		fprintf(stderr, "pagerctl: unexpected answer: no \"incident\" "
		    "object (try --json)\n");
		json_decref(root);
		return PCTL_NOANSWER;
	}
	ret = print_incident(ctl, inc) == 0 ? PCTL_OK : PCTL_FAIL;
	if (ret != PCTL_OK)
		fprintf(stderr, "pagerctl: out of memory\n");
	json_decref(root);
	return ret;
}

/*
 * ack | resolve | escalate ID: POST /api/v1/incidents/ID/ACTION with
 * {"by": NAME, "for": D}. A 409 (already acknowledged ...) is exit 1.
 */
static int
cmd_act(struct ctl *ctl, const char *action, const char *arg,
    const char *dur, const char *author)
{
	struct resp	 r;
	json_t		*body;
	char		 path[96], *text, *end;
	long long	 id;
	int64_t		 ms;
	int		 ret;

	errno = 0;
	id = strtoll(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 ||
	    id <= 0)
		usage_error("%s: \"%s\" is not an incident number", action,
		    arg);
	if (dur != NULL && (duration_parse(dur, &ms) == -1 || ms <= 0))
		usage_error("ack: --for takes a duration: e.g. 2h, 30m");
	if (author == NULL && (author = getenv("USER")) != NULL &&
	    *author == '\0')
		author = NULL;
	if ((body = json_object()) == NULL ||
	    (author != NULL && json_object_set_new(body, "by",
	    json_string(author)) == -1) ||
	    (dur != NULL && json_object_set_new(body, "for",
	    json_string(dur)) == -1) ||
	    (text = json_dumps(body, JSON_COMPACT)) == NULL)
		usage_error("%s: arguments are not valid UTF-8", action);
	json_decref(body);
	snprintf(path, sizeof(path), "/api/v1/incidents/%lld/%s", id, action);
	ret = api_call(ctl, "POST", path, text, &r);
	free(text);
	if (ret != 0)
		return ret;
	if (ctl->json)
		ret = print_json(&r) == 0 ? PCTL_OK : PCTL_NOANSWER;
	else
		printf("%s incident %lld\n", strcmp(action, "ack") == 0 ?
		    "Acknowledged" : strcmp(action, "resolve") == 0 ?
		    "Resolved" : "Escalated", id);
	resp_free(&r);
	return ret;
}

/* ------------------------------------------------------------ main */

/* ------------------------------------------------------------ silences */

struct silence_opts {
	const char	*duration;	/* "2h" */
	const char	*comment;
	const char	*author;	/* NULL: $USER */
	int		 all;
};

/*
 * silence add MATCHER...: the matchers go to the server in the text
 * syntax, which it parses and checks (its errors name the matcher).
 */
static int
cmd_silence_add(struct ctl *ctl, const struct silence_opts *o, int argc,
    char **argv)
{
	struct resp	 r;
	json_t		*body, *root;
	char		*text = NULL, *p, ends[40];
	const char	*author = o->author;
	int64_t		 dur;
	size_t		 len = 2;
	int		 i, ret;

	if (argc == 0)
		usage_error("silence add: give at least one matcher, e.g. "
		    "'alertname=\"DiskFull\"'");
	if (o->duration == NULL || duration_parse(o->duration, &dur) == -1 ||
	    dur <= 0)
		usage_error("silence add: --duration is required: e.g. 2h, "
		    "30m, 1d");
	if (o->comment == NULL || *o->comment == '\0')
		usage_error("silence add: --comment is required: say why");
	if (author == NULL && ((author = getenv("USER")) == NULL ||
	    *author == '\0'))
		usage_error("silence add: give --author (no $USER)");
	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((text = malloc(len + 1)) == NULL)
		usage_error("out of memory");
	p = text;
	*p++ = '{';
	for (i = 0; i < argc; i++)
		p += sprintf(p, "%s%s", i > 0 ? "," : "", argv[i]);
	*p++ = '}';
	*p = '\0';
	time_format_rfc3339((int64_t)ctl->now * 1000 + dur, ends,
	    sizeof(ends));
	body = json_pack("{s:s, s:s, s:s, s:s}", "matchers", text,
	    "ends_at", ends, "created_by", author, "comment", o->comment);
	free(text);
	if (body == NULL || (text = json_dumps(body, JSON_COMPACT)) == NULL)
		usage_error("silence add: arguments are not valid UTF-8");
	json_decref(body);
	ret = api_call(ctl, "POST", "/api/v1/silences", text, &r);
	free(text);
	if (ret != 0)
		return ret;
	if (ctl->json)
		ret = print_json(&r) == 0 ? PCTL_OK : PCTL_NOANSWER;
	else if ((root = parse_body(&r, 0)) == NULL)
		ret = PCTL_NOANSWER;
	else {
		text = jtext(json_object_get(root, "id"));
		printf("Created silence %s\n", text ? text : "?");
		free(text);
		json_decref(root);
	}
	resp_free(&r);
	return ret;
}

/* The API v2 matchers as text: alertname="X", env=~"prod.*". Clean. */
static char *
matchers_text(json_t *arr)
{
	json_t		*m;
	size_t		 i, len = 0;
	char		*buf = NULL, *p, *out;
	const char	*name, *value, *op;
	int		 n;

	json_array_foreach(arr, i, m) {
		name = jstr(m, "name");
		value = jstr(m, "value");
		if (name == NULL || value == NULL)
			continue;
		op = json_is_true(json_object_get(m, "isRegex")) ?
		    (json_is_false(json_object_get(m, "isEqual")) ? "!~" :
		    "=~") : (json_is_false(json_object_get(m, "isEqual")) ?
		    "!=" : "=");
		n = snprintf(NULL, 0, "%s%s%s\"%s\"", len ? ", " : "", name,
		    op, value);
		if ((p = realloc(buf, len + n + 1)) == NULL) {
			free(buf);
			return NULL;
		}
		buf = p;
		snprintf(buf + len, n + 1, "%s%s%s\"%s\"", len ? ", " : "",
		    name, op, value);
		len += n;
	}
	if (buf == NULL)
		return strdup("");
	out = clean(buf, len);
	free(buf);
	return out;
}

static const char *silences_head[] = {
	"ID", "STATE", "ENDS", "BY", "COMMENT", "MATCHERS"
};

/*
 * GET path and find the array key in the answer for a table. With
 * --json the answer is printed and *list is NULL; an empty array prints
 * empty and leaves *list NULL. Otherwise the caller owns *root.
 */
static int
api_list(struct ctl *ctl, const char *path, const char *key,
    const char *empty, json_t **root, json_t **list)
{
	struct resp	 r;
	int		 ret;

	*list = NULL;
	if ((ret = api_get(ctl, path, &r)) != 0)
		return ret;
	if ((ret = answer_body(ctl, &r, root)) != PCTL_OK || *root == NULL)
		return ret;
	if (!json_is_array(*list = json_object_get(*root, key))) {
		fprintf(stderr, "pagerctl: unexpected answer: no \"%s\" "
		    "list (try --json)\n", key);
		json_decref(*root);
		*list = NULL;
		return PCTL_NOANSWER;
	}
	if (json_array_size(*list) == 0) {
		puts(empty);
		json_decref(*root);
		*list = NULL;
	}
	return PCTL_OK;
}

static int
cmd_silence_list(struct ctl *ctl, const struct silence_opts *o)
{
	struct table	 t;
	json_t		*root, *list, *s;
	char		*cells[6];
	size_t		 i;
	int		 ret;

	if ((ret = api_list(ctl, o->all ? "/api/v1/silences?all=1" :
	    "/api/v1/silences", "silences", "No silences.", &root, &list)) !=
	    PCTL_OK || list == NULL)
		return ret;
	table_init(&t, silences_head, 6);
	json_array_foreach(list, i, s) {
		cells[0] = jtext(json_object_get(s, "id"));
		cells[1] = jtext(json_object_get(json_object_get(s, "status"),
		    "state"));
		cells[2] = jtext(json_object_get(s, "ends_at"));
		cells[3] = fitted(jtext(json_object_get(s, "created_by")),
		    SOURCE_COLS);
		cells[4] = fitted(jtext(json_object_get(s, "comment")),
		    SOURCE_COLS);
		cells[5] = matchers_text(json_object_get(s, "matchers"));
		if (table_add(&t, cells, NULL) == -1) {
			fprintf(stderr, "pagerctl: out of memory\n");
			ret = PCTL_FAIL;
			break;
		}
	}
	table_print(&t, ctl);
	table_free(&t);
	json_decref(root);
	return ret;
}

static int
cmd_silence_expire(struct ctl *ctl, const char *id)
{
	struct resp	 r;
	char		 path[64];
	int		 ret;

	if (*id == '\0' || strlen(id) > 20 ||
	    strspn(id, "0123456789") != strlen(id))
		usage_error("silence expire: ID is a number");
	snprintf(path, sizeof(path), "/api/v1/silences/%s", id);
	if ((ret = api_call(ctl, "DELETE", path, NULL, &r)) != 0)
		return ret;
	if (ctl->json)
		ret = print_json(&r) == 0 ? PCTL_OK : PCTL_NOANSWER;
	else
		printf("Expired silence %s\n", id);
	resp_free(&r);
	return ret;
}

static int
cmd_silence(struct ctl *ctl, const struct silence_opts *o, int argc,
    char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "add") == 0)
		return cmd_silence_add(ctl, o, argc - 1, argv + 1);
	if (argc == 1 && strcmp(argv[0], "list") == 0)
		return cmd_silence_list(ctl, o);
	if (argc == 2 && strcmp(argv[0], "expire") == 0)
		return cmd_silence_expire(ctl, argv[1]);
	usage_error("silence: use add MATCHER... --duration D --comment C, "
	    "list [--all], or expire ID");
}

/* ------------------------------------------------------------ rotas */

/*
 * oncall and schedule read the config files themselves (lib/ answers
 * them), so an admin can see what an edit does before the reload; with
 * -u and no -c, oncall asks the running daemon instead. Both print the
 * JSON of lib/rota_json.h, and the tables are drawn from that JSON, so
 * the file and the API cannot disagree about what is shown.
 */
struct rota_opts {
	const char	*config;	/* -c; NULL: not given */
	const char	*at;		/* --at */
	const char	*from;		/* --from */
	long		 days;		/* --days */
	int		 api;		/* -u given without -c */
};

#define DEFAULT_CONFIG	SYSCONFDIR "/pagerd/pagerd.conf"
#define SCHEDULE_DAYS	14	/* --days when not given */

static struct config *
load_config(const char *path)
{
	struct perr_list	 errs = { NULL, 0, 0 };
	struct config		*cfg;
	char			 line[700];
	size_t			 i;

	if ((cfg = config_load(path, NULL, 0, NULL, &errs)) != NULL)
		return cfg;
	for (i = 0; i < errs.n && i < errs.cap; i++) {
		perr_format(&errs.v[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	fprintf(stderr, "%s: %zu error%s\n", path, errs.n,
	    errs.n == 1 ? "" : "s");
	perr_list_clear(&errs);
	return NULL;
}

/* A string member as a clean cell; "-" for null or missing. */
static char *
jcell(const json_t *obj, const char *key)
{
	const json_t	*v = json_object_get(obj, key);

	return json_is_string(v) ? jtext(v) : strdup("-");
}

static const char *oncall_head[] = {
	"LEVEL", "PERSON", "REASON", "LAYER", "UNTIL"
};

static int
print_oncall(const struct ctl *ctl, const json_t *root)
{
	struct table	 t;
	const json_t	*rotas, *r, *levels, *lv;
	const char	*s;
	char		*cells[5], *note, *tmp;
	size_t		 i, j;
	int		 ret = PCTL_OK;

	if (!json_is_array(rotas = json_object_get(root, "rotas"))) {
		fprintf(stderr, "pagerctl: unexpected answer: no \"rotas\" "
		    "list (try --json)\n");
		return PCTL_NOANSWER;
	}
	if (json_array_size(rotas) == 0)
		puts("No rotas.");
	json_array_foreach(rotas, i, r) {
		levels = json_object_get(r, "levels");
		if (!json_is_object(r) || !json_is_array(levels))
			continue;
		printf("%s%s (%s) at %s\n", i > 0 ? "\n" : "",
		    jstr(r, "rota") ? jstr(r, "rota") : "?",
		    jstr(r, "time_zone") ? jstr(r, "time_zone") : "?",
		    jstr(r, "at_local") ? jstr(r, "at_local") : "?");
		table_init(&t, oncall_head, 5);
		json_array_foreach(levels, j, lv) {
			cells[0] = jcell(lv, "name");
			if (asprintf(&tmp, "%s",
			    jstr(lv, "person") ? jstr(lv, "person") :
			    "(nobody)") == -1)
				tmp = NULL;
			cells[1] = tmp;
			cells[2] = jcell(lv, "reason");
			cells[3] = jcell(lv, "layer");
			cells[4] = jcell(lv, "until_local");
			note = NULL;
			if ((s = jstr(lv, "reason")) != NULL &&
			    strcmp(s, "override") == 0 &&
			    jstr(lv, "scheduled") != NULL) {
				if (asprintf(&tmp, "instead of %s%s%s",
				    jstr(lv, "scheduled"),
				    jstr(lv, "note") ? ": " : "",
				    jstr(lv, "note") ? jstr(lv, "note") :
				    "") != -1) {
					note = clean(tmp, strlen(tmp));
					free(tmp);
				}
			} else if (s != NULL && strcmp(s, "holiday") == 0 &&
			    (s = jstr(lv, "holiday")) != NULL) {
				if (asprintf(&tmp, "holiday: %s", s) != -1) {
					note = clean(tmp, strlen(tmp));
					free(tmp);
				}
			}
			if (table_add(&t, cells, note) == -1) {
				fprintf(stderr, "pagerctl: out of memory\n");
				ret = PCTL_FAIL;
				break;
			}
		}
		table_print(&t, ctl);
		table_free(&t);
	}
	return ret;
}

/* The URL-encoded form of s; malloc'd, or NULL when out of memory. */
static char *
url_escape(const char *s)
{
	char	*e, *out;

	if ((e = curl_easy_escape(NULL, s, 0)) == NULL)
		return NULL;
	out = strdup(e);
	curl_free(e);
	return out;
}

static int
oncall_api(struct ctl *ctl, const struct rota_opts *o, const char *rota)
{
	struct resp	 r;
	json_t		*root;
	char		*path = NULL, *er = NULL, *ea = NULL;
	int		 ret;

	if ((rota != NULL && (er = url_escape(rota)) == NULL) ||
	    (o->at != NULL && (ea = url_escape(o->at)) == NULL) ||
	    asprintf(&path, "/api/v1/oncall%s%s%s%s%s",
	    er || ea ? "?" : "", er ? "rota=" : "", er ? er : "",
	    er && ea ? "&" : "", ea ? "at=" : "") == -1) {
		free(er);
		free(ea);
		fprintf(stderr, "pagerctl: out of memory\n");
		return PCTL_FAIL;
	}
	free(er);
	if (ea != NULL) {
		er = path;
		ret = asprintf(&path, "%s%s", er, ea);
		free(er);
		free(ea);
		if (ret == -1) {
			fprintf(stderr, "pagerctl: out of memory\n");
			return PCTL_FAIL;
		}
	}
	ret = api_get(ctl, path, &r);
	free(path);
	if (ret != 0)
		return ret;
	if ((ret = answer_body(ctl, &r, &root)) != PCTL_OK || root == NULL)
		return ret;
	ret = print_oncall(ctl, root);
	json_decref(root);
	return ret;
}

static int
cmd_oncall(struct ctl *ctl, const struct rota_opts *o, const char *rota)
{
	struct config	*cfg;
	json_t		*root;
	const char	*err;
	int		 ret;

	if (o->api)
		return oncall_api(ctl, o, rota);
	if ((cfg = load_config(o->config)) == NULL)
		return PCTL_FAIL;
	root = rota_json_oncall(cfg->rotas, rota, o->at,
	    (int64_t)ctl->now * 1000, &err);
	if (root == NULL) {
		if (rota != NULL && (cfg->rotas == NULL ||
		    rota_set_find(cfg->rotas, rota) == NULL))
			fprintf(stderr, "pagerctl: %s: no rota \"%s\"\n",
			    o->config, rota);
		else
			fprintf(stderr, "pagerctl: --%s\n", err);
		config_free(cfg);
		return PCTL_FAIL;
	}
	ret = ctl->json ? (print_json_doc(root) == 0 ? PCTL_OK : PCTL_FAIL) :
	    print_oncall(ctl, root);
	json_decref(root);
	config_free(cfg);
	return ret;
}

static int	 print_fairness(const struct ctl *, const json_t *);

static const char *schedule_head[] = {
	"LEVEL", "START", "END", "PERSON", "REASON", "LAYER"
};

static int
print_schedule(const struct ctl *ctl, const json_t *root)
{
	struct table	 t;
	const json_t	*list, *s;
	char		*cells[6];
	size_t		 i;
	int		 ret = PCTL_OK;

	list = json_object_get(root, "shifts");
	printf("%s (%s) from %s to %s\n", jstr(root, "rota"),
	    jstr(root, "time_zone"), jstr(root, "from_local"),
	    jstr(root, "to_local"));
	table_init(&t, schedule_head, 6);
	json_array_foreach(list, i, s) {
		cells[0] = jcell(s, "level_name");
		cells[1] = jcell(s, "start_local");
		cells[2] = jcell(s, "end_local");
		cells[3] = jstr(s, "person") ? jcell(s, "person") :
		    strdup("(nobody)");
		cells[4] = jcell(s, "reason");
		cells[5] = jcell(s, "layer");
		if (table_add(&t, cells, NULL) == -1) {
			fprintf(stderr, "pagerctl: out of memory\n");
			ret = PCTL_FAIL;
			break;
		}
	}
	table_print(&t, ctl);
	table_free(&t);
	return ret;
}

/*
 * The window [from, from + days) of rota id on its wall clock: from
 * --from (default: today 00:00 there) for --days days. 0, or PCTL_*.
 */
static int
rota_window(const struct ctl *ctl, const struct rota_opts *o,
    const struct rota *r, int64_t *from_ms, int64_t *to_ms)
{
	if (rota_json_window(r, o->from, o->days, (int64_t)ctl->now * 1000,
	    from_ms, to_ms) == -1) {
		fprintf(stderr, "pagerctl: --from must be \"YYYY-MM-DD\" or "
		    "\"YYYY-MM-DD HH:MM\" on the rota's wall clock, or RFC "
		    "3339\n");
		return PCTL_USAGE;
	}
	return 0;
}

/* schedule (fairness) with -u and no -c: the daemon's GET .../schedule
 * (.../fairness). */
static int
schedule_api(struct ctl *ctl, const struct rota_opts *o, const char *rota,
    int fairness)
{
	struct resp	 r;
	json_t		*root;
	char		*path = NULL, *er, *ef = NULL;
	int		 ret;

	er = url_escape(rota);
	if (o->from != NULL)
		ef = url_escape(o->from);
	if (er == NULL || (o->from != NULL && ef == NULL) ||
	    asprintf(&path, "/api/v1/rotas/%s/%s?days=%ld%s%s", er,
	    fairness ? "fairness" : "schedule", o->days, ef ? "&from=" : "",
	    ef ? ef : "") == -1) {
		free(er);
		free(ef);
		fprintf(stderr, "pagerctl: out of memory\n");
		return PCTL_FAIL;
	}
	free(er);
	free(ef);
	ret = api_get(ctl, path, &r);
	free(path);
	if (ret != 0)
		return ret;
	if ((ret = answer_body(ctl, &r, &root)) != PCTL_OK || root == NULL)
		return ret;
	ret = fairness ? print_fairness(ctl, root) : print_schedule(ctl, root);
	json_decref(root);
	return ret;
}

static int
cmd_schedule(struct ctl *ctl, const struct rota_opts *o, const char *rota,
    int fairness)
{
	struct config		*cfg;
	const struct rota	*r;
	json_t			*root;
	int64_t			 from_ms, to_ms;
	int			 ret;

	if (o->api)
		return schedule_api(ctl, o, rota, fairness);
	if ((cfg = load_config(o->config)) == NULL)
		return PCTL_FAIL;
	if (cfg->rotas == NULL ||
	    (r = rota_set_find(cfg->rotas, rota)) == NULL) {
		fprintf(stderr, "pagerctl: %s: no rota \"%s\"\n", o->config,
		    rota);
		config_free(cfg);
		return PCTL_FAIL;
	}
	if ((ret = rota_window(ctl, o, r, &from_ms, &to_ms)) != 0) {
		config_free(cfg);
		return ret;
	}
	root = fairness ? rota_json_fairness(r, from_ms, to_ms) :
	    rota_json_schedule(r, from_ms, to_ms);
	if (root == NULL) {
		fprintf(stderr, "pagerctl: out of memory\n");
		config_free(cfg);
		return PCTL_FAIL;
	}
	if (ctl->json)
		ret = print_json_doc(root) == 0 ? PCTL_OK : PCTL_FAIL;
	else
		ret = fairness ? print_fairness(ctl, root) :
		    print_schedule(ctl, root);
	json_decref(root);
	config_free(cfg);
	return ret;
}

/*
 * schedule-diff: like diff(1), 0 when the edit changes no shift, 1 when
 * it does, 2 when it cannot tell (a config with errors, no such rota).
 */
#define DIFF_SAME	0
#define DIFF_CHANGED	1
#define DIFF_TROUBLE	2

static int
print_diff(const json_t *root)
{
	const json_t	*list, *c, *people, *p;
	const char	*who;
	size_t		 i;
	long long	 level = 0, l;

	list = json_object_get(root, "changes");
	printf("%s (%s) from %s to %s\n", jstr(root, "rota"),
	    jstr(root, "time_zone"), jstr(root, "from_local"),
	    jstr(root, "to_local"));
	if (json_array_size(list) == 0) {
		printf("no shift changes hands\n");
		return 0;
	}
	json_array_foreach(list, i, c) {
		if (jint(json_object_get(c, "level"), &l) == 0 && l != level) {
			level = l;
			if (jstr(c, "level_name") != NULL)
				printf("level %lld (%s):\n", l,
				    jstr(c, "level_name"));
			else
				printf("level %lld:\n", l);
		}
		who = jstr(c, "person");
		printf("%s %-16s %s – %s\n", jstr(c, "change"),
		    who ? who : "(nobody)", jstr(c, "start_local"),
		    jstr(c, "end_local"));
	}
	printf("hours:\n");
	people = json_object_get(root, "people");
	json_array_foreach(people, i, p) {
		who = jstr(p, "person");
		printf("  %-16s +%.1f -%.1f net %+.1f\n",
		    who ? who : "(nobody)",
		    json_real_value(json_object_get(p, "gained")),
		    json_real_value(json_object_get(p, "lost")),
		    json_real_value(json_object_get(p, "net")));
	}
	return 0;
}

static int
cmd_schedule_diff(struct ctl *ctl, const struct rota_opts *o,
    const char *oldpath, const char *newpath, const char *rota)
{
	struct config		*oc, *nc = NULL;
	const struct rota	*or = NULL, *nr = NULL;
	struct rota_diff	 d;
	json_t			*root = NULL;
	int64_t			 from_ms, to_ms;
	int			 ret = DIFF_TROUBLE;

	oc = load_config(oldpath);
	nc = load_config(newpath);
	if (oc == NULL || nc == NULL)
		goto out;
	if (oc->rotas != NULL)
		or = rota_set_find(oc->rotas, rota);
	if (nc->rotas != NULL)
		nr = rota_set_find(nc->rotas, rota);
	if (or == NULL && nr == NULL) {
		fprintf(stderr, "pagerctl: no rota \"%s\" in %s or %s\n",
		    rota, oldpath, newpath);
		goto out;
	}
	/* The window on the new rota's wall clock: what will be. */
	if (rota_window(ctl, o, nr ? nr : or, &from_ms, &to_ms) != 0)
		goto out;
	if (rota_diff(or, nr, from_ms, to_ms, &d) == -1) {
		fprintf(stderr, "pagerctl: out of memory\n");
		goto out;
	}
	root = rota_diff_json(nr ? nr : or, &d, from_ms, to_ms);
	rota_diff_free(&d);
	if (root == NULL) {
		fprintf(stderr, "pagerctl: out of memory\n");
		goto out;
	}
	if ((ctl->json ? print_json_doc(root) : print_diff(root)) == 0)
		ret = json_array_size(json_object_get(root, "changes")) ?
		    DIFF_CHANGED : DIFF_SAME;
out:
	json_decref(root);
	if (oc != NULL)
		config_free(oc);
	if (nc != NULL)
		config_free(nc);
	return ret;
}

static const char *fairness_head[] = {
	"PERSON", "BUSINESS", "NIGHTS", "WEEKENDS", "HOLIDAYS", "TOTAL"
};

static char *
hours_cell(const json_t *obj, const char *key)
{
	char	*s;

	if (asprintf(&s, "%.1f", json_number_value(json_object_get(obj,
	    key))) == -1)
		return NULL;
	return s;
}

static int
print_fairness(const struct ctl *ctl, const json_t *root)
{
	struct table	 t;
	const json_t	*p;
	char		*cells[6];
	size_t		 i;
	int		 ret = PCTL_OK;

	printf("%s (%s) from %s to %s, hours on call\n", jstr(root, "rota"),
	    jstr(root, "time_zone"), jstr(root, "from_local"),
	    jstr(root, "to_local"));
	table_init(&t, fairness_head, 6);
	json_array_foreach(json_object_get(root, "people"), i, p) {
		cells[0] = jcell(p, "person");
		cells[1] = hours_cell(p, "business");
		cells[2] = hours_cell(p, "nights");
		cells[3] = hours_cell(p, "weekends");
		cells[4] = hours_cell(p, "holidays");
		cells[5] = hours_cell(p, "total");
		if (table_add(&t, cells, NULL) == -1) {
			fprintf(stderr, "pagerctl: out of memory\n");
			ret = PCTL_FAIL;
			break;
		}
	}
	table_print(&t, ctl);
	table_free(&t);
	return ret;
}

/* ------------------------------------------------------------ overrides */

/*
 * override add/list/rm: runtime overrides, kept by the daemon (its API
 * under /api/v1/rotas/R/overrides); the rota files are not touched.
 */
struct override_opts {
	const char	*person;	/* --person */
	const char	*covers;	/* --covers */
	const char	*level;		/* --level: a number or a name */
	const char	*until;		/* --until */
	const char	*note;		/* --note */
};

/* "/api/v1/rotas/ROTA/overrides" + tail; malloc'd (exits when OOM). */
static char *
overrides_path(const char *rota, const char *tail)
{
	char	*er, *path;

	if ((er = url_escape(rota)) == NULL ||
	    asprintf(&path, "/api/v1/rotas/%s/overrides%s", er, tail) == -1)
		usage_error("out of memory");
	free(er);
	return path;
}

/* "chloe" or "level 2 (secondary)": whom an override replaces. */
static char *
covers_text(const json_t *o)
{
	const json_t	*lv = json_object_get(o, "level");
	char		*s;
	int		 n;

	if (jstr(o, "covers") != NULL)
		n = json_is_integer(lv) ? asprintf(&s, "%s on level %lld",
		    jstr(o, "covers"), (long long)json_integer_value(lv)) :
		    asprintf(&s, "%s", jstr(o, "covers"));
	else
		n = asprintf(&s, "level %lld%s%s%s",
		    (long long)json_integer_value(lv),
		    jstr(o, "level_name") ? " (" : "",
		    jstr(o, "level_name") ? jstr(o, "level_name") : "",
		    jstr(o, "level_name") ? ")" : "");
	return n == -1 ? NULL : s;
}

static int
cmd_override_add(struct ctl *ctl, const struct rota_opts *ro,
    const struct override_opts *o, const char *rota)
{
	struct resp	 r;
	json_t		*body, *root;
	char		*text, *path, *end, *who;
	long		 lv;
	int		 ret;

	if (o->person == NULL || o->until == NULL ||
	    (o->covers == NULL && o->level == NULL))
		usage_error("override add: give --person, --covers or "
		    "--level, and --until");
	if ((body = json_pack("{s:s, s:s}", "person", o->person, "until",
	    o->until)) == NULL ||
	    (o->covers != NULL && json_object_set_new(body, "covers",
	    json_string(o->covers)) == -1) ||
	    (ro->from != NULL && json_object_set_new(body, "from",
	    json_string(ro->from)) == -1) ||
	    (o->note != NULL && json_object_set_new(body, "note",
	    json_string(o->note)) == -1))
		usage_error("override add: arguments are not valid UTF-8");
	if (o->level != NULL) {
		errno = 0;
		lv = strtol(o->level, &end, 10);
		if (json_object_set_new(body, "level", *o->level != '\0' &&
		    *end == '\0' && errno == 0 ? json_integer(lv) :
		    json_string(o->level)) == -1)
			usage_error("override add: --level is not valid UTF-8");
	}
	if ((text = json_dumps(body, JSON_COMPACT)) == NULL)
		usage_error("out of memory");
	json_decref(body);
	path = overrides_path(rota, "");
	ret = api_call(ctl, "POST", path, text, &r);
	free(path);
	free(text);
	if (ret != 0)
		return ret;
	if ((ret = answer_body(ctl, &r, &root)) != PCTL_OK || root == NULL)
		return ret;
	who = covers_text(root);
	printf("Created override %s: %s covers %s from %s until %s\n",
	    jstr(root, "id") ? jstr(root, "id") : "?",
	    jstr(root, "person") ? jstr(root, "person") : "?",
	    who ? who : "?", jstr(root, "from_local") ?
	    jstr(root, "from_local") : "?", jstr(root, "until_local") ?
	    jstr(root, "until_local") : "?");
	free(who);
	json_decref(root);
	return PCTL_OK;
}

static const char *overrides_head[] = {
	"ID", "SOURCE", "PERSON", "COVERS", "FROM", "UNTIL", "NOTE"
};

static int
cmd_override_list(struct ctl *ctl, const char *rota)
{
	struct table	 t;
	json_t		*root, *list, *o;
	char		*cells[7], *path, *empty;
	size_t		 i;
	int		 ret;

	if (asprintf(&empty, "No overrides in rota %s.", rota) == -1)
		usage_error("out of memory");
	path = overrides_path(rota, "");
	ret = api_list(ctl, path, "overrides", empty, &root, &list);
	free(path);
	free(empty);
	if (ret != PCTL_OK || list == NULL)
		return ret;
	table_init(&t, overrides_head, 7);
	json_array_foreach(list, i, o) {
		cells[0] = jcell(o, "id");
		cells[1] = jcell(o, "source");
		cells[2] = jcell(o, "person");
		cells[3] = covers_text(o);
		cells[4] = jcell(o, "from_local");
		cells[5] = jcell(o, "until_local");
		cells[6] = fitted(jcell(o, "note"), SOURCE_COLS);
		if (table_add(&t, cells, NULL) == -1) {
			fprintf(stderr, "pagerctl: out of memory\n");
			ret = PCTL_FAIL;
			break;
		}
	}
	table_print(&t, ctl);
	table_free(&t);
	json_decref(root);
	return ret;
}

static int
cmd_override_rm(struct ctl *ctl, const char *rota, const char *id)
{
	struct resp	 r;
	char		*path, tail[32];
	int		 ret;

	if (*id == '\0' || strlen(id) > 20 ||
	    strspn(id, "0123456789") != strlen(id))
		usage_error("override rm: ID is a number (see override list)");
	snprintf(tail, sizeof(tail), "/%s", id);
	path = overrides_path(rota, tail);
	ret = api_call(ctl, "DELETE", path, NULL, &r);
	free(path);
	if (ret != 0)
		return ret;
	if (ctl->json)
		ret = print_json(&r) == 0 ? PCTL_OK : PCTL_NOANSWER;
	else
		printf("Removed override %s from rota %s\n", id, rota);
	resp_free(&r);
	return ret;
}

static int
cmd_override(struct ctl *ctl, const struct rota_opts *ro,
    const struct override_opts *o, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[0], "add") == 0)
		return cmd_override_add(ctl, ro, o, argv[1]);
	if (o->person || o->covers || o->level || o->until || o->note ||
	    ro->from)
		usage_error("--person, --covers, --level, --from, --until and "
		    "--note go with \"override add\"");
	if (argc == 2 && strcmp(argv[0], "list") == 0)
		return cmd_override_list(ctl, argv[1]);
	if (argc == 3 && strcmp(argv[0], "rm") == 0)
		return cmd_override_rm(ctl, argv[1], argv[2]);
	usage_error("override: use add ROTA --person P (--covers Q | --level "
	    "L) [--from T] --until T [--note N], list ROTA, or rm ROTA ID");
}

#define CHECK_ROTA_DAYS	90	/* as pagerd -t */

static void
check_warning(void *arg, enum rota_warning kind, const char *msg)
{
	(void)kind;
	printf("%s: warning: %s\n", (const char *)arg, msg);
}

static void
paging_warning(void *arg, const char *msg)
{
	check_warning(arg, 0, msg);
}

/*
 * check -u without -c: the rota warnings as the daemon sees them, with
 * the overrides made through its API. Findings are advice: exit 0.
 */
static int
check_api(struct ctl *ctl)
{
	struct resp	 r;
	json_t		*root, *list, *w, *m;
	char		*msg;
	size_t		 i;
	int		 ret;

	if ((ret = api_get(ctl, "/api/v1/rotas/check", &r)) != 0)
		return ret;
	if ((ret = answer_body(ctl, &r, &root)) != PCTL_OK || root == NULL)
		return ret;
	if (!json_is_array(list = json_object_get(root, "warnings"))) {
		fprintf(stderr, "pagerctl: %s: answer without \"warnings\"\n",
		    ctl->url);
		json_decref(root);
		return PCTL_NOANSWER;
	}
	json_array_foreach(list, i, w) {
		if (!json_is_string(m = json_object_get(w, "message")))
			continue;
		/* The daemon's words; never let them drive the terminal. */
		if ((msg = clean(json_string_value(m),
		    json_string_length(m))) == NULL) {
			fprintf(stderr, "pagerctl: out of memory\n");
			json_decref(root);
			return PCTL_FAIL;
		}
		printf("%s: warning: %s\n", ctl->url, msg);
		free(msg);
	}
	printf("%s: rotas OK (%zu warning%s)\n", ctl->url,
	    json_array_size(list), json_array_size(list) == 1 ? "" : "s");
	json_decref(root);
	return PCTL_OK;
}

/* The report of pagerd -t, word for word, without needing pagerd. */
static int
cmd_check(struct ctl *ctl, const struct rota_opts *o)
{
	struct config	*cfg;

	if (o->api)
		return check_api(ctl);
	if ((cfg = load_config(o->config)) == NULL)
		return PCTL_FAIL;
	(void)rota_check(cfg->rotas, (int64_t)ctl->now * 1000,
	    CHECK_ROTA_DAYS, check_warning, (void *)o->config);
	config_check_paging(cfg, paging_warning, (void *)o->config);
	printf("%s: configuration OK\n", o->config);
	config_free(cfg);
	return PCTL_OK;
}

/* ------------------------------------------------------------ notifiers */

static const char *notifiers_head[] = { "NAME", "TYPE", "ADDRESS" };

static int
cmd_notifiers(struct ctl *ctl)
{
	struct table	 t;
	json_t		*root, *list, *n;
	char		*cells[3];
	size_t		 i;
	int		 ret;

	if ((ret = api_list(ctl, "/api/v1/notifiers", "notifiers",
	    "No notifiers configured.", &root, &list)) != PCTL_OK ||
	    list == NULL)
		return ret;
	table_init(&t, notifiers_head, 3);
	json_array_foreach(list, i, n) {
		cells[0] = jtext(json_object_get(n, "name"));
		cells[1] = jtext(json_object_get(n, "type"));
		cells[2] = jtext(json_object_get(n, "address"));
		if (table_add(&t, cells, NULL) == -1) {
			fprintf(stderr, "pagerctl: out of memory\n");
			ret = PCTL_FAIL;
			break;
		}
	}
	table_print(&t, ctl);
	table_free(&t);
	json_decref(root);
	return ret;
}

/*
 * notify-test NAME ADDRESS [TITLE]: one test notification; the provider's
 * verdict is the answer (200 delivered, 502 retry or permanent).
 */
static int
cmd_notify_test(struct ctl *ctl, const char *name, const char *address,
    const char *title)
{
	struct resp	 r;
	json_t		*body, *root;
	char		 err[CURL_ERROR_SIZE + 256], path[200];
	char		*text, *reason, *id;
	int		 ret;

	if (*name == '\0' || strlen(name) > 64 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_-") != strlen(name))
		usage_error("notify-test: \"%s\" is not a notifier name", name);
	snprintf(path, sizeof(path), "/api/v1/notifiers/%s/test", name);
	body = json_pack("{s:s, s:s*}", "address", address, "title", title);
	if (body == NULL || (text = json_dumps(body, JSON_COMPACT)) == NULL)
		usage_error("notify-test: arguments are not valid UTF-8");
	json_decref(body);
	ret = http_call(ctl, "POST", path, text, &r, err, sizeof(err));
	free(text);
	if (ret == -1) {
		fprintf(stderr, "pagerctl: %s\n", err);
		return PCTL_NOANSWER;
	}
	if (r.status != 200 && r.status != 502) {
		print_http_error(&r);
		resp_free(&r);
		return PCTL_FAIL;
	}
	ret = r.status == 200 ? PCTL_OK : PCTL_FAIL;
	if (ctl->json) {
		if (print_json(&r) != 0)
			ret = PCTL_NOANSWER;
		resp_free(&r);
		return ret;
	}
	if ((root = parse_body(&r, 0)) == NULL) {
		resp_free(&r);
		return PCTL_NOANSWER;
	}
	resp_free(&r);
	if (ret == PCTL_OK) {
		id = json_is_string(json_object_get(root, "provider_id")) ?
		    jtext(json_object_get(root, "provider_id")) : NULL;
		printf("Delivered through %s%s%s%s.\n", name,
		    id != NULL ? " (provider id " : "", id != NULL ? id : "",
		    id != NULL ? ")" : "");
		free(id);
	} else {
		text = jtext(json_object_get(root, "result"));
		reason = jtext(json_object_get(root, "error"));
		fprintf(stderr, "pagerctl: %s: %s: %s\n", name,
		    text != NULL && strcmp(text, "retry") == 0 ?
		    "failed for now (pagerd would retry)" :
		    "failed for good", reason != NULL ? reason : "?");
		free(text);
		free(reason);
	}
	json_decref(root);
	return ret;
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: pagerctl [-u URL] [-T TOKEN | --token-file FILE] [--json]\n"
"                [--timeout SECS] COMMAND [ARGS]\n"
"\n"
"Commands:\n"
"  status             is pagerd up, and its Redis? (exit 0 ok, 1 unhealthy)\n"
"  incidents [--status triggered|resolved|all] [--limit N]\n"
"                     list incidents, newest first (default: all, 50)\n"
"  incident ID        one incident with its alerts and timeline (pages,\n"
"                     deliveries, skips, acks, escalations, resolves)\n"
"  ack ID [--for D] [--author NAME]\n"
"                     acknowledge: stop paging (--for 2h: page again\n"
"                     then if still open); NAME defaults to $USER\n"
"  resolve ID [--author NAME]  close the incident\n"
"  escalate ID [--author NAME] page the next step now\n"
"  silence add MATCHER... --duration D --comment TEXT [--author NAME]\n"
"                     silence matching alerts, e.g. 'alertname=\"DiskFull\"'\n"
"                     'env=~\"prod.*\"' --duration 2h (author: $USER)\n"
"  silence list [--all]  active and pending silences (--all: expired too)\n"
"  silence expire ID  end a silence now\n"
"  oncall [ROTA] [--at \"YYYY-MM-DD HH:MM\"]\n"
"                     who is on call now or then (on each rota's wall\n"
"                     clock), per level, why, and until when; reads the\n"
"                     config (-c), or asks pagerd when -u is given alone\n"
"  schedule ROTA [--from DATE] [--days N]\n"
"                     the shifts on the rota's wall clock (default: from\n"
"                     today for 14 days); reads the config (-c), or\n"
"                     asks pagerd when -u is given alone\n"
"  schedule-diff OLD.conf NEW.conf ROTA [--from DATE] [--days N]\n"
"                     who gains and who loses which shifts with an edit\n"
"                     (exit 0 no change, 1 changes, 2 trouble)\n"
"  fairness ROTA [--from DATE] [--days N]\n"
"                     hours on call per person: business hours (mon-fri\n"
"                     09-18), nights, weekends, holidays; reads the\n"
"                     config (-c), or asks pagerd when -u is given alone\n"
"  override add ROTA --person P (--covers Q | --level L) [--from T]\n"
"               --until T [--note TEXT]\n"
"                     P takes over from Q (or a whole level, by number\n"
"                     or name) from T (default: now) until T, on the\n"
"                     rota's wall clock or RFC 3339; kept by pagerd\n"
"  override list ROTA the rota's live overrides (files and API)\n"
"  override rm ROTA ID  remove an override made with override add\n"
"  check              the report of pagerd -t for the config (-c): errors\n"
"                     (exit 1) and rota warnings for the next 90 days\n"
"                     with -u and no -c: the daemon's rota warnings,\n"
"                     with the overrides made through its API\n"
"  notifiers          the notifier instances pagerd runs\n"
"  notify-test NAME ADDRESS [TITLE]\n"
"                     send one test notification through notifier NAME\n"
"                     to ADDRESS (a phone number, email or id, as NAME\n"
"                     delivers) and show the provider's verdict\n"
"\n"
"Options:\n"
"  -c, --config FILE  pagerd's config for oncall and schedule (default:\n"
"                     " DEFAULT_CONFIG ")\n"
"  -u, --url URL      pagerd's HTTP API (default: $PAGERD_URL, else\n"
"                     " DEFAULT_URL ")\n"
"  -T, --token TOKEN  API token (default: $PAGERD_TOKEN); others on this\n"
"                     host can see arguments: prefer --token-file\n"
"      --token-file FILE  read the API token from FILE\n"
"  -j, --json         print the server's JSON instead of tables\n"
"      --timeout SECS give up after SECS seconds (default: 10)\n"
"  -h, --help         show this help\n"
"      --version      show the version\n"
"\n"
"Exit status: 0 done; 1 the server answered with an error, \"not found\"\n"
"or unhealthy; 2 no usable answer (cannot connect, timeout); 64 usage.\n");
}

static void
usage_error(const char *fmt, ...)
{
	va_list	 ap;

	fputs("pagerctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'pagerctl --help'.\n", stderr);
	exit(PCTL_USAGE);
}

/*
 * Tokens go into a header line: a CR or LF in one would let it forge
 * headers, so only visible ASCII is accepted.
 */
static int
token_ok(const char *t)
{
	size_t	 n = strlen(t);

	if (n == 0 || n > TOKEN_MAX)
		return 0;
	for (; *t != '\0'; t++)
		if (*t < 0x21 || *t > 0x7e)
			return 0;
	return 1;
}

/* The first line of FILE, trailing whitespace removed; malloc'd. */
static char *
read_token_file(const char *path)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "re")) == NULL)
		usage_error("--token-file %s: %s", path, strerror(errno));
	if ((buf = malloc(TOKEN_MAX + 2)) == NULL)
		usage_error("out of memory");
	n = fread(buf, 1, TOKEN_MAX + 1, f);
	if (ferror(f))
		usage_error("--token-file %s: %s", path, strerror(errno));
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	if (!token_ok(buf))
		usage_error("--token-file %s: no usable token (one line of "
		    "visible ASCII, at most %d bytes)", path, TOKEN_MAX);
	return buf;
}

static char *
base_url(const char *u)
{
	char	*s;
	size_t	 n;

	if (strncasecmp(u, "http://", 7) != 0 &&
	    strncasecmp(u, "https://", 8) != 0)
		usage_error("URL \"%s\" must start with http:// or https://",
		    u);
	if (strpbrk(u, " \t\r\n") != NULL || strlen(u) > 2000)
		usage_error("URL \"%s\" is not usable", u);
	if ((s = strdup(u)) == NULL)
		usage_error("out of memory");
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

static int
terminal_width(void)
{
	struct winsize	 ws;

	if (!isatty(STDOUT_FILENO) ||
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == -1 || ws.ws_col == 0)
		return 0;
	return ws.ws_col;
}

enum {
	OPT_TOKEN_FILE = 256,
	OPT_DURATION,
	OPT_COMMENT,
	OPT_AUTHOR,
	OPT_ALL,
	OPT_TIMEOUT,
	OPT_VERSION,
	OPT_AT,
	OPT_FROM,
	OPT_DAYS,
	OPT_PERSON,
	OPT_COVERS,
	OPT_LEVEL,
	OPT_UNTIL,
	OPT_NOTE,
	OPT_FOR
};

static const struct option longopts[] = {
	{ "all",	no_argument,		NULL, OPT_ALL },
	{ "at",		required_argument,	NULL, OPT_AT },
	{ "author",	required_argument,	NULL, OPT_AUTHOR },
	{ "comment",	required_argument,	NULL, OPT_COMMENT },
	{ "config",	required_argument,	NULL, 'c' },
	{ "covers",	required_argument,	NULL, OPT_COVERS },
	{ "days",	required_argument,	NULL, OPT_DAYS },
	{ "duration",	required_argument,	NULL, OPT_DURATION },
	{ "for",	required_argument,	NULL, OPT_FOR },
	{ "from",	required_argument,	NULL, OPT_FROM },
	{ "help",	no_argument,		NULL, 'h' },
	{ "json",	no_argument,		NULL, 'j' },
	{ "level",	required_argument,	NULL, OPT_LEVEL },
	{ "limit",	required_argument,	NULL, 'n' },
	{ "note",	required_argument,	NULL, OPT_NOTE },
	{ "person",	required_argument,	NULL, OPT_PERSON },
	{ "status",	required_argument,	NULL, 's' },
	{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
	{ "token",	required_argument,	NULL, 'T' },
	{ "token-file",	required_argument,	NULL, OPT_TOKEN_FILE },
	{ "until",	required_argument,	NULL, OPT_UNTIL },
	{ "url",	required_argument,	NULL, 'u' },
	{ "version",	no_argument,		NULL, OPT_VERSION },
	{ NULL,		0,			NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct ctl	 ctl;
	struct silence_opts so;
	struct rota_opts ro;
	struct override_opts oo;
	const char	*url = NULL, *token = NULL, *token_file = NULL;
	const char	*token_src = "-T";
	const char	*status = NULL, *cmd, *e, *ack_for = NULL;
	char		*end;
	double		 secs;
	long		 limit = 50;
	int		 ch, ret, have_limit = 0;

	memset(&ctl, 0, sizeof(ctl));
	memset(&so, 0, sizeof(so));
	memset(&ro, 0, sizeof(ro));
	memset(&oo, 0, sizeof(oo));
	ro.days = SCHEDULE_DAYS;
	ctl.timeout_ms = DEFAULT_TIMEOUT_MS;

	/* Options may come before or after the command ("incidents --json"). */
	opterr = 0;	/* our messages, in our format */
	while ((ch = getopt_long(argc, argv, ":c:hjn:s:T:u:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			ro.config = optarg;
			break;
		case 'h':
			usage(stdout);
			return PCTL_OK;
		case 'j':
			ctl.json = 1;
			break;
		case 'n':
			errno = 0;
			limit = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0 ||
			    limit < 1 || limit > 1000)
				usage_error("--limit must be from 1 to 1000");
			have_limit = 1;
			break;
		case 's':
			if (strcmp(optarg, "triggered") != 0 &&
			    strcmp(optarg, "resolved") != 0 &&
			    strcmp(optarg, "all") != 0)
				usage_error("--status must be triggered, "
				    "resolved or all");
			status = optarg;
			break;
		case 'T':
			token = optarg;
			break;
		case 'u':
			url = optarg;
			break;
		case OPT_TIMEOUT:
			secs = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' ||
			    !(secs > 0 && secs <= 3600))
				usage_error("--timeout must be seconds, more "
				    "than 0 and at most 3600");
			ctl.timeout_ms = (long)(secs * 1000 + 0.5);
			if (ctl.timeout_ms < 1)
				ctl.timeout_ms = 1;
			break;
		case OPT_TOKEN_FILE:
			token_file = optarg;
			break;
		case OPT_FOR:
			ack_for = optarg;
			break;
		case OPT_DURATION:
			so.duration = optarg;
			break;
		case OPT_COMMENT:
			so.comment = optarg;
			break;
		case OPT_AUTHOR:
			so.author = optarg;
			break;
		case OPT_ALL:
			so.all = 1;
			break;
		case OPT_AT:
			ro.at = optarg;
			break;
		case OPT_FROM:
			ro.from = optarg;
			break;
		case OPT_DAYS:
			errno = 0;
			ro.days = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0 ||
			    ro.days < 1 || ro.days > 3660)
				usage_error("--days must be from 1 to 3660");
			break;
		case OPT_PERSON:
			oo.person = optarg;
			break;
		case OPT_COVERS:
			oo.covers = optarg;
			break;
		case OPT_LEVEL:
			oo.level = optarg;
			break;
		case OPT_UNTIL:
			oo.until = optarg;
			break;
		case OPT_NOTE:
			oo.note = optarg;
			break;
		case OPT_VERSION:
			printf("pagerctl (%s) %s\n", PACKAGE_NAME,
			    PACKAGE_VERSION);
			return PCTL_OK;
		case ':':
			usage_error("option %s needs a value",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				usage_error("unknown option -%c", optopt);
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage_error("no command given");
	cmd = argv[0];

	if (token != NULL && token_file != NULL)
		usage_error("give -T or --token-file, not both");
	if (token == NULL && token_file == NULL &&
	    (e = getenv("PAGERD_TOKEN")) != NULL && *e != '\0') {
		token = e;
		token_src = "$PAGERD_TOKEN";
	}
	if (token_file != NULL)
		ctl.token = read_token_file(token_file);
	else if (token != NULL) {
		if (!token_ok(token))
			usage_error("%s: a token is visible ASCII without "
			    "spaces, at most %d bytes", token_src, TOKEN_MAX);
		if ((ctl.token = strdup(token)) == NULL)
			usage_error("out of memory");
	}
	if (url == NULL && ((e = getenv("PAGERD_URL")) == NULL || *e == '\0'))
		e = DEFAULT_URL;
	ctl.url = base_url(url != NULL ? url : e);
	ctl.width = terminal_width();
	ctl.now = time(NULL);
	tzset();

	if (ack_for != NULL && strcmp(cmd, "ack") != 0)
		usage_error("--for goes with \"ack\"");
	if ((status != NULL || have_limit) && strcmp(cmd, "incidents") != 0)
		usage_error("--status and --limit go with \"incidents\"");
	if ((oo.person || oo.covers || oo.level || oo.until || oo.note) &&
	    strcmp(cmd, "override") != 0)
		usage_error("--person, --covers, --level, --until and --note go "
		    "with \"override add\"");
	if (ro.at != NULL && strcmp(cmd, "oncall") != 0)
		usage_error("--at goes with \"oncall\"");
	if ((ro.from != NULL || ro.days != SCHEDULE_DAYS) &&
	    strcmp(cmd, "schedule") != 0 && strcmp(cmd, "fairness") != 0 &&
	    strcmp(cmd, "schedule-diff") != 0 &&
	    (strcmp(cmd, "override") != 0 || ro.days != SCHEDULE_DAYS))
		usage_error("--from and --days go with \"schedule\", "
		    "\"schedule-diff\" and \"fairness\"");
	/* The rota tools can ask the daemon: -u without -c. */
	ro.api = ro.config == NULL && url != NULL &&
	    (strcmp(cmd, "oncall") == 0 || strcmp(cmd, "schedule") == 0 ||
	    strcmp(cmd, "fairness") == 0 || strcmp(cmd, "check") == 0);
	if (ro.config == NULL)
		ro.config = DEFAULT_CONFIG;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "pagerctl: cannot initialise libcurl\n");
		return PCTL_FAIL;
	}

	if (strcmp(cmd, "status") == 0 && argc == 1)
		ret = cmd_status(&ctl);
	else if (strcmp(cmd, "incidents") == 0 && argc == 1)
		ret = cmd_incidents(&ctl, status ? status : "all", limit);
	else if (strcmp(cmd, "incident") == 0 && argc == 2)
		ret = cmd_incident(&ctl, argv[1]);
	else if (strcmp(cmd, "silence") == 0)
		ret = cmd_silence(&ctl, &so, argc - 1, argv + 1);
	else if ((strcmp(cmd, "ack") == 0 || strcmp(cmd, "resolve") == 0 ||
	    strcmp(cmd, "escalate") == 0) && argc == 2)
		ret = cmd_act(&ctl, cmd, argv[1], ack_for, so.author);
	else if (strcmp(cmd, "oncall") == 0 && argc <= 2)
		ret = cmd_oncall(&ctl, &ro, argc == 2 ? argv[1] : NULL);
	else if (strcmp(cmd, "schedule") == 0 && argc == 2)
		ret = cmd_schedule(&ctl, &ro, argv[1], 0);
	else if (strcmp(cmd, "schedule-diff") == 0 && argc == 4)
		ret = cmd_schedule_diff(&ctl, &ro, argv[1], argv[2], argv[3]);
	else if (strcmp(cmd, "fairness") == 0 && argc == 2)
		ret = cmd_schedule(&ctl, &ro, argv[1], 1);
	else if (strcmp(cmd, "override") == 0)
		ret = cmd_override(&ctl, &ro, &oo, argc - 1, argv + 1);
	else if (strcmp(cmd, "check") == 0 && argc == 1)
		ret = cmd_check(&ctl, &ro);
	else if (strcmp(cmd, "notifiers") == 0 && argc == 1)
		ret = cmd_notifiers(&ctl);
	else if (strcmp(cmd, "notify-test") == 0 && (argc == 3 || argc == 4))
		ret = cmd_notify_test(&ctl, argv[1], argv[2],
		    argc == 4 ? argv[3] : NULL);
	else if (strcmp(cmd, "oncall") == 0 || strcmp(cmd, "schedule") == 0 ||
	    strcmp(cmd, "check") == 0 || strcmp(cmd, "fairness") == 0 ||
	    strcmp(cmd, "schedule-diff") == 0)
		usage_error("%s: wrong number of arguments", cmd);
	else if (strcmp(cmd, "status") == 0 ||
	    strcmp(cmd, "incidents") == 0 || strcmp(cmd, "incident") == 0 ||
	    strcmp(cmd, "ack") == 0 || strcmp(cmd, "resolve") == 0 ||
	    strcmp(cmd, "escalate") == 0 || strcmp(cmd, "notifiers") == 0 ||
	    strcmp(cmd, "notify-test") == 0)
		usage_error("%s: wrong number of arguments", cmd);
	else
		usage_error("unknown command \"%s\"", cmd);

	curl_global_cleanup();
	free(ctl.url);
	free(ctl.token);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "pagerctl: writing output: %s\n",
		    strerror(errno));
		return PCTL_FAIL;
	}
	return ret;
}
