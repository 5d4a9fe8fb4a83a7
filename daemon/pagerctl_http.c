/*
 * daemon/pagerctl_http.c — pagerctl's side of pagerd's HTTP API: one
 * blocking libcurl call per request, its answer kept in memory up to a
 * limit, and the errors and bodies that come back turned into messages
 * and exit statuses.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "pagerctl.h"

/*
 * Far above what pagerd sends for a page of incidents or one incident's
 * alerts, so a bigger body means a wrong URL or a hostile peer: refuse it
 * instead of eating memory.
 */
#define RESP_MAX	(16L * 1024 * 1024)

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

void
resp_free(struct resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/*
 * method: "GET", "POST" or "DELETE"; body: JSON sent with POST (NULL:
 * none). 0 with the answer in r (any status), or -1 with err filled.
 */
int
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

/*
 * GET base URL + path. Returns 0 when the server answered (any status,
 * in r->status; the body in r, to be freed with resp_free()), or -1 with
 * a one-line reason in err when no answer came.
 */
int
http_get(const struct ctl *ctl, const char *path, struct resp *r,
    char *err, size_t errlen)
{
	return http_call(ctl, "GET", path, NULL, r, err, errlen);
}

/*
 * Call the API, report failures; 0 with a 2xx answer in r, else an exit
 * code.
 */
int
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

int
api_get(struct ctl *ctl, const char *path, struct resp *r)
{
	return api_call(ctl, "GET", path, NULL, r);
}

/*
 * GET path and find the array key in the answer for a table. With
 * --json the answer is printed and *list is NULL; an empty array prints
 * empty and leaves *list NULL. Otherwise the caller owns *root.
 */
int
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

/* The URL-encoded form of s; malloc'd, or NULL when out of memory. */
char *
url_escape(const char *s)
{
	char	*e, *out;

	if ((e = curl_easy_escape(NULL, s, 0)) == NULL)
		return NULL;
	out = strdup(e);
	curl_free(e);
	return out;
}

/*
 * Parse a whole body; NULL (with a message printed) when it is not JSON.
 * for_table: an integer too big for jansson is read as a real rather than
 * refusing the whole answer, since a table only has to show it.
 */
json_t *
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
 * The answer to show: with --json the body is printed as it came and
 * *root stays NULL; otherwise *root is the parsed body (for a table).
 * Frees r. Returns PCTL_OK, or the exit code when nothing can be shown.
 */
int
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
 * GET path and give the answer's JSON to show() (with --json, print it
 * as it came). Returns show()'s exit code, or why there was nothing to
 * show.
 */
int
api_show(struct ctl *ctl, const char *path,
    int (*show)(const struct ctl *, const json_t *))
{
	struct resp	 r;
	json_t		*root;
	int		 ret;

	if ((ret = api_get(ctl, path, &r)) != 0)
		return ret;
	if ((ret = answer_body(ctl, &r, &root)) != PCTL_OK || root == NULL)
		return ret;
	ret = show(ctl, root);
	json_decref(root);
	return ret;
}

/*
 * A non-2xx answer: pagerd's errors are {"error": "..."}; a proxy in
 * between may answer HTML, so fall back to the body's first line.
 */
void
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
