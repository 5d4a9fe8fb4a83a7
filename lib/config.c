/*
 * lib/config.c — load pagerd.conf into struct config: check @includes,
 * let libconfig parse, put -s overrides and defaults into the parsed
 * tree, then walk the tree against the key tables of config_schema.c so
 * that file values, overrides and defaults all meet the same checks and
 * every problem is reported with FILE:LINE and the key.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libconfig.h>
#include <openssl/crypto.h>

#include "config.h"
#include "config_schema.h"
#include "matcher.h"
#include "timefmt.h"

/* A secret file larger than this is a mistake (a key is a line). */
#define SECRET_FILE_MAX		65536

/* Where errors about -s overrides point instead of FILE. */
#define OVERRIDE_FILE		"-s"

struct loader {
	struct perr_list	*errs;
	const char		*path;		/* the main file as given */
	char			*dir;		/* its directory */
	const char		*cred_dir;	/* NULL: dir */
};

#define FIELD(base, off, type)	((type *)(void *)((char *)(base) + (off)))

/*
 * Print a key's dotted path ("integrations[1].key"). Paths longer than
 * buf are cut: perr keeps 63 bytes of them anyway.
 */
static void	keyf(char *buf, size_t len, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

static void
keyf(char *buf, size_t len, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ errors */

/*
 * The file a setting came from, as the user can open it. Settings that
 * -s overrides or defaults added have no file: only overrides can be
 * wrong, so they are blamed on "-s".
 */
static char *
setting_file(const struct loader *L, const config_setting_t *s)
{
	const char	*f = s ? config_setting_source_file(s) : NULL;

	if (f == NULL)
		return strdup(OVERRIDE_FILE);
	if (strcmp(f, L->path) == 0)
		return strdup(f);
	return config_file_name(L->dir, f);
}

static void	lerr(struct loader *, const config_setting_t *,
		    const char *key, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));

static void
lerr(struct loader *L, const config_setting_t *s, const char *key,
    const char *fmt, ...)
{
	char	 msg[256];
	char	*file;
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	file = setting_file(L, s);
	perr_add(L->errs, file ? file : L->path,
	    s ? config_setting_source_line(s) : 0, key, "%s", msg);
	free(file);
}

/* ------------------------------------------------------------ values */

/* Replace a string field, wiping the old value (it may be a secret). */
static void
set_string(char **field, char *s)
{
	if (*field != NULL) {
		OPENSSL_cleanse(*field, strlen(*field));
		free(*field);
	}
	*field = s;
}

/* A bound of k as a number: milliseconds for durations. */
static long long
bound(const struct ckey *k, const char *text)
{
	long long	v = 0;
	int64_t		ms;

	if (k->type == CK_DURATION) {
		if (duration_parse(text, &ms) == 0)
			v = ms;
	} else
		(void)ckey_parse_int(text, &v);
	return v;
}

/* Whether v is within k's bounds. */
static int
in_bounds(const struct ckey *k, long long v)
{
	return (k->min == NULL || v >= bound(k, k->min)) &&
	    (k->max == NULL || v <= bound(k, k->max));
}

static void
range_error(struct loader *L, const config_setting_t *m, const char *path,
    const struct ckey *k, const char *value)
{
	if (k->max == NULL)
		lerr(L, m, path, "%s is less than %s", value, k->min);
	else
		lerr(L, m, path, "%s is out of range %s..%s", value,
		    k->min ? k->min : "", k->max);
}

/* Length bounds of strings and secrets; 0 when fine. */
static int
check_length(struct loader *L, const config_setting_t *m, const char *path,
    const struct ckey *k, const char *s)
{
	long long	len = (long long)strlen(s);

	if (k->min != NULL && len < bound(k, k->min)) {
		if (len == 0)
			lerr(L, m, path, "must not be empty");
		else
			lerr(L, m, path, "must be at least %s bytes", k->min);
		return -1;
	}
	if (k->max != NULL && len > bound(k, k->max)) {
		lerr(L, m, path, "must be at most %s bytes", k->max);
		return -1;
	}
	return 0;
}

static int
get_int(const config_setting_t *m, long long *v)
{
	switch (config_setting_type(m)) {
	case CONFIG_TYPE_INT:
		*v = config_setting_get_int(m);
		return 0;
	case CONFIG_TYPE_INT64:
		*v = config_setting_get_int64(m);
		return 0;
	}
	return -1;
}

/* A duration string, or an integer meaning seconds. */
static int
get_duration(const config_setting_t *m, int64_t *ms, char *text,
    size_t len)
{
	long long	v;

	if (config_setting_type(m) == CONFIG_TYPE_STRING) {
		snprintf(text, len, "%s", config_setting_get_string(m));
		return duration_parse(config_setting_get_string(m), ms);
	}
	if (get_int(m, &v) == -1)
		return -1;
	snprintf(text, len, "%llds", v);
	*ms = v > INT64_MAX / 1000 ? INT64_MAX : v < 0 ? -1 : v * 1000;
	return 0;
}

static const char *
choice_list(const struct cchoice *c, char *buf, size_t len)
{
	size_t	o = 0;

	buf[0] = '\0';
	for (; c->name != NULL && o < len; c++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s",
		    o ? ", " : "", c->name);
	return buf;
}

static const struct cchoice *
choice_find(const struct cchoice *c, const char *name)
{
	for (; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/*
 * Read a key_file / token_file. Relative paths are looked up in
 * cred_dir ($CREDENTIALS_DIRECTORY, where systemd's LoadCredential= puts
 * them) or beside the config file. Trailing white space goes: editors
 * and `echo` add a newline nobody means as part of the key. Returns the
 * malloc'd secret, or NULL with why filled.
 */
static char *
read_secret(struct loader *L, const char *written, char *why, size_t len)
{
	struct stat	 st;
	char		*path, *buf = NULL, *secret = NULL;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd;

	path = config_file_name(L->cred_dir ? L->cred_dir : L->dir, written);
	if (path == NULL) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1 || fstat(fd, &st) == -1) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "%s: %s", path, S_ISDIR(st.st_mode) ?
		    "is a directory" : "is not a regular file");
		goto fail;
	}
	if (st.st_size > SECRET_FILE_MAX) {
		snprintf(why, len, "%s: larger than %d bytes", path,
		    SECRET_FILE_MAX);
		goto fail;
	}
	if ((buf = malloc(SECRET_FILE_MAX + 1)) == NULL) {
		snprintf(why, len, "out of memory");
		goto fail;
	}
	while (n < SECRET_FILE_MAX) {
		r = read(fd, buf + n, SECRET_FILE_MAX - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(why, len, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		n--;
	buf[n] = '\0';
	if (n == 0) {
		snprintf(why, len, "%s: is empty", path);
		goto fail;
	}
	if (strlen(buf) != n) {
		snprintf(why, len, "%s: contains a NUL byte", path);
		goto fail;
	}
	/* Keep only the secret: the read buffer is wiped below. */
	if ((secret = strdup(buf)) == NULL)
		snprintf(why, len, "out of memory");
fail:
	if (buf != NULL) {
		OPENSSL_cleanse(buf, SECRET_FILE_MAX + 1);
		free(buf);
	}
	if (fd != -1)
		close(fd);
	free(path);
	return secret;
}

/* ------------------------------------------------------------ walker */

static void	walk_group(struct loader *, const config_setting_t *,
		    const struct csection *, void *base, const char *prefix);

static void
store_string(struct loader *L, const struct ckey *k,
    const config_setting_t *m, void *base, const char *path)
{
	const char	*s, *why;
	char		*v, buf[128];

	if (config_setting_type(m) != CONFIG_TYPE_STRING) {
		lerr(L, m, path, "must be a string");
		return;
	}
	s = config_setting_get_string(m);
	if (k->choices != NULL && choice_find(k->choices, s) == NULL) {
		lerr(L, m, path, "\"%s\" is not one of %s", s,
		    choice_list(k->choices, buf, sizeof(buf)));
		return;
	}
	if (check_length(L, m, path, k, s) == -1)
		return;
	if (k->check != NULL && (why = k->check(s)) != NULL) {
		if (k->type == CK_SECRET)	/* never print a secret */
			lerr(L, m, path, "%s", why);
		else
			lerr(L, m, path, "\"%s\" %s", s, why);
		return;
	}
	if ((v = strdup(s)) == NULL) {
		lerr(L, m, path, "out of memory");
		return;
	}
	set_string(FIELD(base, k->off, char *), v);
}

static void
store_secret_file(struct loader *L, const struct ckey *k,
    const config_setting_t *m, void *base, const char *path)
{
	const char	*why;
	char		*v, buf[300];

	if (config_setting_type(m) != CONFIG_TYPE_STRING ||
	    *config_setting_get_string(m) == '\0') {
		lerr(L, m, path, "must be a file name");
		return;
	}
	v = read_secret(L, config_setting_get_string(m), buf, sizeof(buf));
	if (v == NULL) {
		lerr(L, m, path, "%s", buf);
		return;
	}
	set_string(FIELD(base, k->off, char *), v);
	if (check_length(L, m, path, k, v) == -1)
		set_string(FIELD(base, k->off, char *), NULL);
	else if ((why = k->check(v)) != NULL) {
		lerr(L, m, path, "the file's content %s", why);
		set_string(FIELD(base, k->off, char *), NULL);
	}
}

/*
 * CK_LISTEN and CK_STRINGS: an array of strings, each one checked. The
 * messages show the form expected, so a listen address says host:port.
 */
static void
store_strings(struct loader *L, const struct ckey *k,
    const config_setting_t *m, void *base, const char *path)
{
	const config_setting_t	*e;
	const char		*s, *why;
	char			**v, epath[128];
	size_t			 i, n;
	int			 listen = k->type == CK_LISTEN;

	if (!config_setting_is_array(m) && !config_setting_is_list(m)) {
		lerr(L, m, path, listen ? "must be an array of \"host:port\" "
		    "strings: [ \"127.0.0.1:8080\" ]" :
		    "must be an array of strings: [ \"a\", \"b\" ]");
		return;
	}
	n = (size_t)config_setting_length(m);
	if (!in_bounds(k, (long long)n)) {
		lerr(L, m, path, n == 0 ? "must not be empty" : listen ?
		    "has too many addresses" : "has too many elements");
		return;
	}
	if ((v = calloc(n + 1, sizeof(*v))) == NULL) {
		lerr(L, m, path, "out of memory");
		return;
	}
	*FIELD(base, k->off, char **) = v;
	*FIELD(base, k->off_n, size_t) = n;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(m, (unsigned)i);
		keyf(epath, sizeof(epath), "%s[%zu]", path, i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			lerr(L, e, epath, listen ?
			    "must be a \"host:port\" string" :
			    "must be a string");
			continue;
		}
		s = config_setting_get_string(e);
		if (k->check != NULL && (why = k->check(s)) != NULL)
			lerr(L, e, epath, "\"%s\" %s", s, why);
		else if ((v[i] = strdup(s)) == NULL)
			lerr(L, e, epath, "out of memory");
	}
}

/*
 * After an element's keys: exactly one of the secret and its file, and
 * keys that default to the element's name.
 */
static void
finish_element(struct loader *L, const config_setting_t *g,
    const struct csection *sec, void *base, const char *path)
{
	const struct ckey	*k, *secret = NULL, *file = NULL, *name;
	size_t			 i;
	int			 n = 0;
	char			**field, *v;

	for (i = 0; i < sec->nkeys; i++) {
		k = &sec->keys[i];
		if (k->type == CK_SECRET)
			secret = k;
		else if (k->type == CK_SECRET_FILE)
			file = k;
		else
			continue;
		n += config_setting_get_member(g, k->name) != NULL;
	}
	if (secret != NULL && file != NULL && n != 1)
		lerr(L, g, path, n == 0 ? "needs %s or %s" :
		    "has both %s and %s; keep one", secret->name, file->name);

	name = ckey_find(sec, "name");
	for (i = 0; i < sec->nkeys; i++) {
		k = &sec->keys[i];
		field = FIELD(base, k->off, char *);
		if (!(k->flags & CK_NAME_DEFAULT) || *field != NULL ||
		    config_setting_get_member(g, k->name) != NULL ||
		    name == NULL || *FIELD(base, name->off, char *) == NULL)
			continue;
		if ((v = strdup(*FIELD(base, name->off, char *))) == NULL)
			lerr(L, g, path, "out of memory");
		*field = v;
	}
}

/* The member of g that set the field at off: a secret or its file. */
static const config_setting_t *
member_for(const config_setting_t *g, const struct csection *sec,
    size_t off)
{
	const config_setting_t	*m;
	size_t			 i;

	for (i = 0; i < sec->nkeys; i++)
		if (sec->keys[i].off == off && (m =
		    config_setting_get_member(g, sec->keys[i].name)) != NULL)
			return m;
	return g;
}

/* No two elements may share a name or a secret. */
static void
check_unique(struct loader *L, const config_setting_t *m,
    const struct ckey *list, void *v, size_t n, const char *path)
{
	const struct csection	*sec = list->sub;
	const struct ckey	*k;
	const config_setting_t	*blame;
	const char		*a, *b;
	char			 epath[128];
	size_t			 i, j, x;

	for (x = 0; x < sec->nkeys; x++) {
		k = &sec->keys[x];
		if (!(k->flags & CK_UNIQUE))
			continue;
		for (j = 1; j < n; j++) {
			b = *FIELD((char *)v + j * sec->elem_size, k->off,
			    char *);
			for (i = 0; b != NULL && i < j; i++) {
				a = *FIELD((char *)v + i * sec->elem_size,
				    k->off, char *);
				if (a == NULL || strcmp(a, b) != 0)
					continue;
				blame = member_for(config_setting_get_elem(m,
				    (unsigned)j), sec, k->off);
				keyf(epath, sizeof(epath), "%s[%zu].%s",
				    path, j, config_setting_name(blame));
				lerr(L, blame, epath, "%s[%zu] has the same %s",
				    path, i, k->name);
				break;
			}
		}
	}
}

/*
 * A group of named groups, "people: { anna: { ... }; };": each member is
 * one element, its name kept in the element's CK_MAP_NAME key. Unlike a
 * list, files @included inside the group add members without commas.
 */
static void
store_map(struct loader *L, const struct ckey *k, const config_setting_t *m,
    void *base, const char *path)
{
	const struct csection	*sec = k->sub;
	const struct ckey	*nk = NULL;
	const config_setting_t	*e;
	const char		*name, *why;
	char			*v, *elem, prefix[128], dotted[128];
	size_t			 i, n;

	if (!config_setting_is_group(m)) {
		lerr(L, m, path, "must be a group of named groups: "
		    "%s: { NAME: { ... }; };", k->name);
		return;
	}
	for (i = 0; i < sec->nkeys; i++)
		if (sec->keys[i].flags & CK_MAP_NAME)
			nk = &sec->keys[i];
	n = (size_t)config_setting_length(m);
	if ((v = calloc(n ? n : 1, sec->elem_size)) == NULL) {
		lerr(L, m, path, "out of memory");
		return;
	}
	*FIELD(base, k->off, void *) = v;
	*FIELD(base, k->off_n, size_t) = n;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(m, (unsigned)i);
		elem = v + i * sec->elem_size;
		name = config_setting_name(e);
		keyf(prefix, sizeof(prefix), "%s.%s", path, name);
		if (!config_setting_is_group(e)) {
			lerr(L, e, prefix, "must be a group { ... }");
			continue;
		}
		if (nk == NULL)
			;	/* a table without a name key: names unused */
		else if (nk->check != NULL && (why = nk->check(name)) != NULL)
			lerr(L, e, prefix, "\"%s\" %s", name, why);
		else if ((*FIELD(elem, nk->off, char *) = strdup(name)) ==
		    NULL)
			lerr(L, e, prefix, "out of memory");
		keyf(dotted, sizeof(dotted), "%s.", prefix);
		walk_group(L, e, sec, elem, dotted);
	}
}

static void
store_list(struct loader *L, const struct ckey *k, const config_setting_t *m,
    void *base, const char *path)
{
	const struct csection	*sec = k->sub;
	const config_setting_t	*e;
	char			*v, prefix[128], dotted[128];
	size_t			 i, n;

	/* An empty list may be written [] too. */
	if (!config_setting_is_list(m) && !(config_setting_is_array(m) &&
	    config_setting_length(m) == 0)) {
		lerr(L, m, path, "must be a list of groups: ( { ... }, ... )");
		return;
	}
	n = (size_t)config_setting_length(m);
	if ((v = calloc(n ? n : 1, sec->elem_size)) == NULL) {
		lerr(L, m, path, "out of memory");
		return;
	}
	*FIELD(base, k->off, void *) = v;
	*FIELD(base, k->off_n, size_t) = n;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(m, (unsigned)i);
		keyf(prefix, sizeof(prefix), "%s[%zu]", path, i);
		if (!config_setting_is_group(e)) {
			lerr(L, e, prefix, "must be a group { ... }");
			continue;
		}
		keyf(dotted, sizeof(dotted), "%s.", prefix);
		walk_group(L, e, sec, v + i * sec->elem_size, dotted);
		finish_element(L, e, sec, v + i * sec->elem_size, prefix);
	}
	check_unique(L, m, k, v, n, path);
}

/* Check one setting m against its key k and store it under base. */
static void
store(struct loader *L, const struct ckey *k, const config_setting_t *m,
    void *base, const char *path)
{
	const struct cchoice	*c;
	long long		 v;
	int64_t			 ms;
	char			 text[64], buf[128];

	switch (k->type) {
	case CK_GROUP:
		if (!config_setting_is_group(m)) {
			lerr(L, m, path, "must be a group: %s { ... }",
			    k->name);
			break;
		}
		keyf(buf, sizeof(buf), "%s.", path);
		walk_group(L, m, k->sub, base, buf);
		break;
	case CK_LIST:
		store_list(L, k, m, base, path);
		break;
	case CK_MAP:
		store_map(L, k, m, base, path);
		break;
	case CK_STRING:
	case CK_SECRET:
		store_string(L, k, m, base, path);
		break;
	case CK_SECRET_FILE:
		store_secret_file(L, k, m, base, path);
		break;
	case CK_BOOL:
		if (config_setting_type(m) != CONFIG_TYPE_BOOL)
			lerr(L, m, path, "must be true or false");
		else
			*FIELD(base, k->off, int) =
			    config_setting_get_bool(m) ? 1 : 0;
		break;
	case CK_INT:
	case CK_SIZE:
		if (get_int(m, &v) == -1) {
			lerr(L, m, path, "must be an integer");
			break;
		}
		if (!in_bounds(k, v)) {
			snprintf(text, sizeof(text), "%lld", v);
			range_error(L, m, path, k, text);
		} else if (k->type == CK_INT)
			*FIELD(base, k->off, int) = (int)v;
		else
			*FIELD(base, k->off, size_t) = (size_t)v;
		break;
	case CK_DURATION:
		if (get_duration(m, &ms, text, sizeof(text)) == -1)
			lerr(L, m, path, "must be a duration like \"90s\" or "
			    "\"1h30m\" (units ms, s, m, h, d, w)");
		else if (!in_bounds(k, ms))
			range_error(L, m, path, k, text);
		else
			*FIELD(base, k->off, int64_t) = ms;
		break;
	case CK_ENUM:
		if (config_setting_type(m) != CONFIG_TYPE_STRING)
			lerr(L, m, path, "must be a string: one of %s",
			    choice_list(k->choices, buf, sizeof(buf)));
		else if ((c = choice_find(k->choices,
		    config_setting_get_string(m))) == NULL)
			lerr(L, m, path, "\"%s\" is not one of %s",
			    config_setting_get_string(m),
			    choice_list(k->choices, buf, sizeof(buf)));
		else
			*FIELD(base, k->off, int) = c->value;
		break;
	case CK_LISTEN:
	case CK_STRINGS:
		store_strings(L, k, m, base, path);
		break;
	case CK_PAIRS:
		break;		/* walk_group gives it the unknown keys */
	}
}

/* The text of a scalar setting, as a plugin gets it; -1 for others. */
static int
scalar_text(const config_setting_t *m, char *buf, size_t len,
    const char **out)
{
	long long	 v;

	switch (config_setting_type(m)) {
	case CONFIG_TYPE_STRING:
		*out = config_setting_get_string(m);
		return 0;
	case CONFIG_TYPE_BOOL:
		*out = config_setting_get_bool(m) ? "true" : "false";
		return 0;
	case CONFIG_TYPE_FLOAT:
		snprintf(buf, len, "%.17g", config_setting_get_float(m));
		*out = buf;
		return 0;
	}
	if (get_int(m, &v) == -1)
		return -1;
	snprintf(buf, len, "%lld", v);
	*out = buf;
	return 0;
}

static void
add_pair(struct loader *L, const struct ckey *k, const config_setting_t *m,
    const char *name, void *base, const char *path)
{
	struct config_kv	**v = FIELD(base, k->off, struct config_kv *);
	size_t			*n = FIELD(base, k->off_n, size_t);
	struct config_kv	*nv, *kv;
	const char		*text;
	char			 buf[64];

	if (scalar_text(m, buf, sizeof(buf), &text) == -1) {
		lerr(L, m, path, "must be a string, a number, a boolean or an "
		    "array of them (no nested groups)");
		return;
	}
	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL) {
		lerr(L, m, path, "out of memory");
		return;
	}
	*v = nv;
	kv = &nv[*n];
	memset(kv, 0, sizeof(*kv));
	kv->line = config_setting_source_line(m);
	if ((kv->key = strdup(name)) == NULL ||
	    (kv->value = strdup(text)) == NULL ||
	    (kv->file = setting_file(L, m)) == NULL) {
		free(kv->key);
		free(kv->value);
		lerr(L, m, path, "out of memory");
		return;
	}
	(*n)++;
}

/*
 * CK_PAIRS: a key the table does not know, kept as text for a plugin.
 * An array or a list gives one pair per element, in order.
 */
static void
store_pairs(struct loader *L, const struct ckey *k,
    const config_setting_t *m, void *base, const char *path)
{
	const char	*name = config_setting_name(m);
	int		 i;

	if (!config_setting_is_array(m) && !config_setting_is_list(m)) {
		add_pair(L, k, m, name, base, path);
		return;
	}
	for (i = 0; i < config_setting_length(m); i++)
		add_pair(L, k, config_setting_get_elem(m, (unsigned)i), name,
		    base, path);
}

static const struct ckey *
pairs_key(const struct csection *sec)
{
	size_t	i;

	for (i = 0; i < sec->nkeys; i++)
		if (sec->keys[i].type == CK_PAIRS)
			return &sec->keys[i];
	return NULL;
}

/*
 * Every member of g must be a key of sec (so typos surface); each is
 * checked and stored in the file's order, so errors come out in it too.
 * prefix is the dotted path of g for the messages ("redis.").
 */
static void
walk_group(struct loader *L, const config_setting_t *g,
    const struct csection *sec, void *base, const char *prefix)
{
	const config_setting_t	*m;
	const struct ckey	*k;
	const char		*hint;
	char			 path[128];
	size_t			 i;

	for (i = 0; i < (size_t)config_setting_length(g); i++) {
		m = config_setting_get_elem(g, (unsigned)i);
		keyf(path, sizeof(path), "%s%s", prefix,
		    config_setting_name(m));
		if ((k = ckey_find(sec, config_setting_name(m))) != NULL &&
		    (k->flags & CK_MAP_NAME))
			lerr(L, m, path, "is the name of the group, not a key "
			    "inside it");
		else if (k != NULL && k->type != CK_PAIRS)
			store(L, k, m, base, path);
		else if ((k = pairs_key(sec)) != NULL)
			store_pairs(L, k, m, base, path);
		else if ((hint = ckey_suggest(sec,
		    config_setting_name(m))) != NULL)
			lerr(L, m, path, "unknown key; did you mean %s?", hint);
		else
			lerr(L, m, path, "unknown key");
	}
	for (i = 0; i < sec->nkeys; i++) {
		k = &sec->keys[i];
		if ((k->flags & CK_REQUIRED) &&
		    config_setting_get_member(g, k->name) == NULL) {
			keyf(path, sizeof(path), "%s%s", prefix, k->name);
			lerr(L, g, path, "missing");
		}
	}
}

/* ------------------------------------------------------------ overrides */

static int
parse_bool(const char *s, int *b)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t	i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*b = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*b = 0;
			return 0;
		}
	}
	return -1;
}

/* Append the comma-separated items of text to array a, trimmed. */
static int
add_items(config_setting_t *a, const char *text)
{
	const char	*p, *e;
	char		*item;
	size_t		 n;

	p = text + strspn(text, " \t");
	if (*p == '\0')
		return 0;		/* "" is the empty list: UDP off */
	for (;;) {
		n = strcspn(p, ",");
		for (e = p + n; e > p && isspace((unsigned char)e[-1]); e--)
			;
		if ((item = strndup(p, (size_t)(e - p))) == NULL)
			return -1;
		if (config_setting_set_string_elem(a, -1, item) == NULL) {
			free(item);
			return -1;
		}
		free(item);
		if (p[n] == '\0')
			return 0;
		p += n + 1;
		p += strspn(p, " \t");
	}
}

/*
 * Put key k = text into group parent, replacing what the file had. Text
 * is read by k's type just enough to pick libconfig's type (a bool, an
 * integer, a string or an array of strings); ranges and formats are
 * checked later by the walker, as for the file's own values. Returns 0,
 * or -1 with why.
 */
static int
set_from_text(config_setting_t *parent, const struct ckey *k,
    const char *text, const char **why)
{
	config_setting_t	*m;
	long long		 v = 0;
	int			 b = 0, type;

	switch (k->type) {
	case CK_BOOL:
		if (parse_bool(text, &b) == -1) {
			*why = "must be true or false";
			return -1;
		}
		type = CONFIG_TYPE_BOOL;
		break;
	case CK_INT:
	case CK_SIZE:
		if (ckey_parse_int(text, &v) == -1) {
			*why = "must be an integer";
			return -1;
		}
		type = CONFIG_TYPE_INT64;
		break;
	case CK_LISTEN:
	case CK_STRINGS:
		type = CONFIG_TYPE_ARRAY;
		break;
	default:
		type = CONFIG_TYPE_STRING;
		break;
	}
	*why = "out of memory";
	(void)config_setting_remove(parent, k->name);
	if ((m = config_setting_add(parent, k->name, type)) == NULL)
		return -1;
	switch (type) {
	case CONFIG_TYPE_BOOL:
		return config_setting_set_bool(m, b) ? 0 : -1;
	case CONFIG_TYPE_INT64:
		return config_setting_set_int64(m, v) ? 0 : -1;
	case CONFIG_TYPE_ARRAY:
		return add_items(m, text);
	default:
		return config_setting_set_string(m, text) ? 0 : -1;
	}
}

/*
 * Apply "-s path=value": find path in the schema, create the groups on
 * the way if the file has none, and set the key. Keys inside list
 * elements (integrations, api.tokens) have no stable path, so they
 * cannot be overridden.
 */
static void
apply_override(struct loader *L, config_t *cfg,
    const struct config_override *o)
{
	const struct csection	*sec = &config_schema;
	const struct ckey	*k;
	config_setting_t	*parent = config_root_setting(cfg), *m;
	const char		*p = o->path, *dot, *why, *hint;
	char			 name[64];
	size_t			 n;

	if (p == NULL || *p == '\0' || o->value == NULL) {
		perr_add(L->errs, OVERRIDE_FILE, 0, p,
		    "must be written path=value");
		return;
	}
	for (;;) {
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, p, n);
		name[n] = '\0';
		if ((k = ckey_find(sec, name)) == NULL) {
			if ((hint = ckey_suggest(sec, name)) != NULL)
				perr_add(L->errs, OVERRIDE_FILE, 0, o->path,
				    "unknown key; did you mean %s?", hint);
			else
				perr_add(L->errs, OVERRIDE_FILE, 0, o->path,
				    "unknown key");
			return;
		}
		if (k->type == CK_LIST || k->type == CK_MAP) {
			perr_add(L->errs, OVERRIDE_FILE, 0, o->path, "entries "
			    "of %s cannot be overridden; edit the file",
			    k->name);
			return;
		}
		if (k->type != CK_GROUP)
			break;
		if (dot == NULL) {
			perr_add(L->errs, OVERRIDE_FILE, 0, o->path,
			    "is a section; name one of its keys, like %s.%s",
			    k->name, k->sub->keys[0].name);
			return;
		}
		m = config_setting_get_member(parent, name);
		if (m == NULL)
			m = config_setting_add(parent, name,
			    CONFIG_TYPE_GROUP);
		if (m == NULL || !config_setting_is_group(m)) {
			perr_add(L->errs, OVERRIDE_FILE, 0, o->path,
			    "%s is not a group in the file", name);
			return;
		}
		parent = m;
		sec = k->sub;
		p = dot + 1;
	}
	if (dot != NULL) {
		perr_add(L->errs, OVERRIDE_FILE, 0, o->path,
		    "unknown key; %s is not a section", k->name);
		return;
	}
	if (set_from_text(parent, k, o->value, &why) == -1)
		perr_add(L->errs, OVERRIDE_FILE, 0, o->path, "%s", why);
}

/*
 * Add every absent key that has a default, so the walker sees one tree
 * and a default meets the same checks as a value from the file; each
 * element of a list gets its own. A group the file wrote as something
 * else is left for the walker to report.
 */
static void
apply_defaults(struct loader *L, config_setting_t *g,
    const struct csection *sec)
{
	const struct ckey	*k;
	config_setting_t	*m, *e;
	const char		*why;
	size_t			 i;
	int			 j;

	for (i = 0; i < sec->nkeys; i++) {
		k = &sec->keys[i];
		m = config_setting_get_member(g, k->name);
		if (k->type == CK_GROUP) {
			if (m == NULL)
				m = config_setting_add(g, k->name,
				    CONFIG_TYPE_GROUP);
			if (m == NULL)
				perr_add(L->errs, L->path, 0, k->name,
				    "out of memory");
			else if (config_setting_is_group(m))
				apply_defaults(L, m, k->sub);
		} else if (k->type == CK_LIST || k->type == CK_MAP) {
			/* A map's elements get their defaults too. */
			if (m == NULL || (k->type == CK_LIST ?
			    !config_setting_is_list(m) :
			    !config_setting_is_group(m)))
				continue;
			for (j = 0; j < config_setting_length(m); j++)
				if ((e = config_setting_get_elem(m,
				    (unsigned)j)) != NULL &&
				    config_setting_is_group(e))
					apply_defaults(L, e, k->sub);
		} else if (m == NULL && k->def != NULL &&
		    set_from_text(g, k, k->def, &why) == -1)
			perr_add(L->errs, L->path, 0, k->name, "%s", why);
	}
}

/* Checks that involve more than one key. */
static void
check_together(struct loader *L, const config_t *cfg, const struct config *c)
{
	const config_setting_t	*spawn = config_lookup(cfg, "redis.spawn");

	if (spawn != NULL && config_setting_type(spawn) == CONFIG_TYPE_BOOL &&
	    !config_setting_get_bool(spawn) && c->redis_address != NULL &&
	    c->redis_address[0] == '\0')
		lerr(L, spawn, "redis.address",
		    "required when redis.spawn is false");
}

/* The setting key of element i of the list at path; NULL when absent. */
static const config_setting_t *
elem_setting(const config_t *cfg, const char *path, size_t i,
    const char *key)
{
	const config_setting_t	*l = config_lookup(cfg, path), *e;

	if (l == NULL || !config_setting_is_list(l) ||
	    (e = config_setting_get_elem(l, (unsigned)i)) == NULL)
		return NULL;
	return key != NULL ? config_setting_get_member(e, key) : e;
}

/* "a, b, c" of the service names, for "unknown service" messages. */
static const char *
service_names(const struct config *c, char *buf, size_t len)
{
	size_t	i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < c->n_services && o < len; i++)
		if (c->services[i].name != NULL)
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
			    o ? ", " : "", c->services[i].name);
	return buf;
}

/*
 * The service that takes unrouted alerts. Without one in the file it
 * groups nothing and waits for nothing: each new alert opens its own
 * incident at once, as before services existed.
 */
static int
add_default_service(struct config *c)
{
	struct service	*v, *d;

	v = reallocarray(c->services, c->n_services + 1, sizeof(*v));
	if (v == NULL)
		return -1;
	c->services = v;
	d = &v[c->n_services];
	memset(d, 0, sizeof(*d));
	c->n_services++;
	if ((d->name = strdup(ROUTE_DEFAULT_SERVICE)) == NULL ||
	    (d->group_by = calloc(2, sizeof(*d->group_by))) == NULL ||
	    (d->group_by[0] = strdup(ROUTE_GROUP_EACH)) == NULL)
		return -1;
	d->n_group_by = 1;
	d->group_wait_ms = 0;
	d->group_interval_ms = 5 * 60 * 1000;
	d->repeat_interval_ms = 4 * 3600 * 1000;
	d->auto_resolve = 1;
	return 0;
}

/*
 * Compile the match strings of element i of the list at list ("routes",
 * "severity.rules") into one set: each string may hold one matcher or a
 * {...} list of them. A bad one is an error at its own line. NULL when
 * there is nothing to match (the element takes every alert).
 */
static struct matcher_set *
compile_matchers(struct loader *L, const config_t *cfg, const char *list,
    size_t i, const char *field, char **match, size_t n)
{
	const config_setting_t	*m, *e;
	struct matcher_set	*set, one;
	struct matcher		*v;
	char			 err[200], path[128];
	size_t			 j;

	if (n == 0)
		return NULL;
	m = elem_setting(cfg, list, i, field);
	if ((set = calloc(1, sizeof(*set))) == NULL) {
		lerr(L, m, list, "out of memory");
		return NULL;
	}
	for (j = 0; j < n; j++) {
		if (match[j] == NULL)
			continue;	/* the walker said why */
		e = m != NULL ? config_setting_get_elem(m, (unsigned)j) : NULL;
		keyf(path, sizeof(path), "%s[%zu].%s[%zu]", list, i, field,
		    j);
		if (matcher_set_parse(match[j], &one, err, sizeof(err)) == -1) {
			lerr(L, e, path, "%s", err);
			continue;
		}
		if (one.n > 0 && (v = reallocarray(set->v, set->n + one.n,
		    sizeof(*v))) == NULL) {
			matcher_set_free(&one);
			lerr(L, e, path, "out of memory");
			continue;
		}
		if (one.n > 0) {
			/* Matchers may move with memcpy (matcher.h). */
			set->v = v;
			memcpy(set->v + set->n, one.v, one.n * sizeof(*v));
			set->n += one.n;
		}
		free(one.v);
	}
	return set;
}

/*
 * Services and what names them: "..." stands alone in group_by, the
 * default service exists, and every service a route or an integration
 * names is defined (their pointers are set here). A severity rule says
 * when it applies.
 */
static void
finish_routing(struct loader *L, const config_t *cfg, struct config *c)
{
	struct service		*svc;
	struct integration	*in;
	struct route		*rt;
	struct severity_rule	*sr;
	struct inhibit_rule	*ir;
	char			 path[128], names[256];
	size_t			 i, j;

	for (i = 0; i < c->n_services; i++) {
		svc = &c->services[i];
		for (j = 0; svc->n_group_by > 1 && j < svc->n_group_by; j++) {
			if (svc->group_by[j] == NULL ||
			    strcmp(svc->group_by[j], ROUTE_GROUP_EACH) != 0)
				continue;
			keyf(path, sizeof(path), "services[%zu].group_by", i);
			lerr(L, elem_setting(cfg, "services", i, "group_by"),
			    path, "\"...\" must stand alone: it already "
			    "groups by every label");
			break;
		}
	}
	if (config_find_service(c, ROUTE_DEFAULT_SERVICE) == NULL &&
	    add_default_service(c) == -1) {
		perr_add(L->errs, L->path, 0, "services", "out of memory");
		return;
	}
	c->default_service = config_find_service(c, ROUTE_DEFAULT_SERVICE);
	for (i = 0; i < c->n_routes; i++) {
		rt = &c->routes[i];
		rt->matchers = compile_matchers(L, cfg, "routes", i, "match",
		    rt->match, rt->n_match);
		if (rt->service == NULL ||
		    (rt->svc = config_find_service(c, rt->service)) != NULL)
			continue;
		keyf(path, sizeof(path), "routes[%zu].service", i);
		lerr(L, elem_setting(cfg, "routes", i, "service"), path,
		    "unknown service \"%s\" (services: %s)", rt->service,
		    service_names(c, names, sizeof(names)));
	}
	for (i = 0; i < c->n_integrations; i++) {
		in = &c->integrations[i];
		if (in->service == NULL ||
		    (in->svc = config_find_service(c, in->service)) != NULL)
			continue;
		keyf(path, sizeof(path), "integrations[%zu].service", i);
		lerr(L, elem_setting(cfg, "integrations", i, "service"), path,
		    "unknown service \"%s\" (services: %s)", in->service,
		    service_names(c, names, sizeof(names)));
	}
	for (i = 0; i < c->n_inhibit_rules; i++) {
		ir = &c->inhibit_rules[i];
		ir->source_m = compile_matchers(L, cfg, "inhibit_rules", i,
		    "source", ir->source, ir->n_source);
		ir->target_m = compile_matchers(L, cfg, "inhibit_rules", i,
		    "target", ir->target, ir->n_target);
		inhibit_rule_set_id(ir);
		if (ir->n_source > 0 && ir->n_target > 0)
			continue;
		keyf(path, sizeof(path), "inhibit_rules[%zu]", i);
		lerr(L, elem_setting(cfg, "inhibit_rules", i, NULL), path,
		    "source and target each need a matcher: an empty one "
		    "would take every alert");
	}
	for (i = 0; i < c->n_severity_rules; i++) {
		sr = &c->severity_rules[i];
		sr->matchers = compile_matchers(L, cfg, "severity.rules", i,
		    "match", sr->match, sr->n_match);
		if (sr->n_match > 0 || sr->n_raw > 0)
			continue;
		keyf(path, sizeof(path), "severity.rules[%zu]", i);
		lerr(L, elem_setting(cfg, "severity.rules", i, NULL), path,
		    "needs match or raw: a rule without either would take "
		    "every alert (that is severity.default)");
	}
}

/* ------------------------------------------------------------ rotas */

/*
 * Point an error that lib/rota.c made from a key path alone
 * ("rotas.db.levels[0].layers[1].members[2]") at the FILE:LINE of that
 * setting, or of the nearest enclosing one the file has.
 */
static void
locate(struct loader *L, const config_t *cfg, struct perr *e)
{
	const config_setting_t	*s = NULL;
	char			 path[160], *file, *cut;
	size_t			 i, o = 0;

	for (i = 0; e->key[i] != '\0' && o + 2 < sizeof(path); i++) {
		if (e->key[i] == '[')
			path[o++] = '.';	/* libconfig: "levels.[0]" */
		if (e->key[i] != ']')
			path[o++] = e->key[i];
	}
	path[o] = '\0';
	while ((s = config_lookup(cfg, path)) == NULL &&
	    (cut = strrchr(path, '.')) != NULL)
		*cut = '\0';
	file = setting_file(L, s);
	snprintf(e->file, sizeof(e->file), "%s", file ? file : L->path);
	e->line = s ? config_setting_source_line(s) : 0;
	free(file);
}

/*
 * Compile the people, calendars and rotas the walker stored: zones are
 * loaded, references resolved, turn tables built. It runs even after
 * other errors (values the walker refused are NULL and skipped), so one
 * run shows every problem.
 */
static void
build_rotas(struct loader *L, const config_t *cfg, struct config *c)
{
	size_t	 first = L->errs->n, i;

	c->rotas = rota_set_build(&c->oncall, NULL, L->errs);
	for (i = first; i < L->errs->n && i < L->errs->cap; i++)
		if (L->errs->v[i].file[0] == '\0')
			locate(L, cfg, &L->errs->v[i]);
}

/*
 * Compile each service's maintenance windows (lib/maint.c parses their
 * times with the rota restriction parser), errors located like rotas'.
 */
static void
build_maintenance(struct loader *L, const config_t *cfg, struct config *c)
{
	size_t	 first = L->errs->n, i;
	char	 key[64];

	for (i = 0; c->services != NULL && i < c->n_services; i++) {
		snprintf(key, sizeof(key), "services[%zu].maintenance", i);
		c->services[i].maint = maint_build(c->services[i].maintenance,
		    c->services[i].n_maintenance, NULL, key, L->errs);
	}
	for (i = first; i < L->errs->n && i < L->errs->cap; i++)
		if (L->errs->v[i].file[0] == '\0')
			locate(L, cfg, &L->errs->v[i]);
}

/* ------------------------------------------------------------ escalation */

static void
check_contact(struct loader *L, const struct config *c,
    const struct esc_contact *r, const char *path)
{
	if (r->notifier != NULL && config_find_notifier(c, r->notifier) == NULL)
		perr_add(L->errs, NULL, 0, path, "no notifier \"%s\" in "
		    "notifiers", r->notifier);
}

/*
 * Policies name rotas, levels and people; services name policies and
 * holiday calendars: check every reference once the rotas are built.
 */
static void
finish_escalation(struct loader *L, const config_t *cfg, struct config *c)
{
	const config_setting_t	*s;
	struct esc_policy	*p;
	struct service		*svc;
	char			 path[128], why[160];
	size_t			 i, j, k, first = L->errs->n;

	for (i = 0; i < c->n_policies; i++) {
		p = &c->policies[i];
		if (p->n_steps == 0) {
			keyf(path, sizeof(path), "policies[%zu].steps", i);
			lerr(L, elem_setting(cfg, "policies", i, "steps"),
			    path, "needs at least one step: ( { targets = "
			    "[ \"rota:ID\" ]; } )");
		}
		for (j = 0; c->rotas != NULL && j < p->n_steps; j++) {
			for (k = 0; k < p->steps[j].n_targets; k++) {
				if (p->steps[j].targets[k] == NULL ||
				    esc_target_check(c->rotas,
				    p->steps[j].targets[k], why,
				    sizeof(why)) == NULL)
					continue;
				keyf(path, sizeof(path),
				    "policies[%zu].steps[%zu].targets", i, j);
				s = elem_setting(cfg, "policies", i, "steps");
				if (s != NULL)
					s = config_setting_get_elem(s,
					    (unsigned)j);
				if (s != NULL && config_setting_get_member(s,
				    "targets") != NULL)
					s = config_setting_get_member(s,
					    "targets");
				lerr(L, s, path, "%s", why);
			}
		}
	}
	/* Contact rules name notifier instances of the same config. */
	for (i = 0; i < c->n_contact_defaults; i++) {
		keyf(path, sizeof(path), "contact_defaults[%zu].notifier", i);
		check_contact(L, c, &c->contact_defaults[i], path);
	}
	for (i = 0; i < c->oncall.n_people; i++)
		for (j = 0; j < c->oncall.people[i].n_contact; j++) {
			keyf(path, sizeof(path), "people.%s.contact[%zu]."
			    "notifier", c->oncall.people[i].id, j);
			check_contact(L, c, &c->oncall.people[i].contact[j],
			    path);
		}
	for (i = 0; c->services != NULL && i < c->n_services; i++) {
		svc = &c->services[i];
		if (svc->policy != NULL &&
		    config_find_policy(c, svc->policy) == NULL) {
			keyf(path, sizeof(path), "services[%zu].policy", i);
			lerr(L, elem_setting(cfg, "services", i, "policy"),
			    path, "unknown policy \"%s\"", svc->policy);
		}
		if (svc->working_hours.time_zone == NULL &&
		    svc->working_hours.n_restrictions == 0 &&
		    svc->working_hours.holidays == NULL)
			continue;
		keyf(path, sizeof(path), "services[%zu].working_hours", i);
		svc->hours = esc_hours_build(&svc->working_hours, c->rotas,
		    NULL, path, L->errs);
	}
	for (i = first; i < L->errs->n && i < L->errs->cap; i++)
		if (L->errs->v[i].file[0] == '\0')
			locate(L, cfg, &L->errs->v[i]);
}

/* ------------------------------------------------------------ notifiers */

/*
 * What the table cannot say: where each section is (for a plugin's
 * complaint about the section as a whole) and the address field that
 * depends on the type.
 */
static void
finish_notifiers(struct loader *L, const config_t *cfg, struct config *c)
{
	const config_setting_t	*map = config_lookup(cfg, "notifiers"), *g;
	struct notifier_cfg	*n;
	size_t			 i;

	for (i = 0; map != NULL && c->notifiers != NULL &&
	    i < c->n_notifiers; i++) {
		n = &c->notifiers[i];
		if ((g = config_setting_get_elem(map, (unsigned)i)) == NULL)
			continue;
		n->line = config_setting_source_line(g);
		if ((n->file = setting_file(L, g)) == NULL)
			lerr(L, g, "notifiers", "out of memory");
		if (config_setting_get_member(g, "address") != NULL ||
		    n->type == NULL)
			continue;
		if (strcmp(n->type, "sms") == 0)
			n->address = CONFIG_ADDRESS_PHONE;
		else if (strcmp(n->type, "email") == 0)
			n->address = CONFIG_ADDRESS_EMAIL;
		else
			n->address = CONFIG_ADDRESS_ID;
	}
}

/* ------------------------------------------------------------ load */

static char *
dir_of(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

struct config *
config_load(const char *path, const struct config_override *ov, size_t nov,
    const char *cred_dir, struct perr_list *errs)
{
	struct loader	 L;
	struct config	*c = NULL;
	config_t	 cfg;
	size_t		 nerr = errs->n, i;
	char		*file;

	L.errs = errs;
	L.path = path;
	L.cred_dir = cred_dir;
	if ((L.dir = dir_of(path)) == NULL) {
		perr_add(errs, path, 0, NULL, "out of memory");
		return NULL;
	}
	if (config_include_check(path, L.dir, errs) == -1) {
		free(L.dir);
		return NULL;
	}

	config_init(&cfg);
	config_set_include_dir(&cfg, L.dir);
	if (!config_read_file(&cfg, path)) {
		file = config_error_file(&cfg) == NULL ? NULL :
		    strcmp(config_error_file(&cfg), path) == 0 ?
		    strdup(path) : config_file_name(L.dir,
		    config_error_file(&cfg));
		perr_add(errs, file ? file : path, config_error_line(&cfg),
		    NULL, "%s", config_error_text(&cfg));
		free(file);
		goto out;
	}
	for (i = 0; i < nov; i++)
		apply_override(&L, &cfg, &ov[i]);
	apply_defaults(&L, config_root_setting(&cfg), &config_schema);

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->path = strdup(path)) == NULL) {
		perr_add(errs, path, 0, NULL, "out of memory");
		goto out;
	}
	walk_group(&L, config_root_setting(&cfg), &config_schema, c, "");
	check_together(&L, &cfg, c);
	finish_routing(&L, &cfg, c);
	build_rotas(&L, &cfg, c);
	build_maintenance(&L, &cfg, c);
	finish_notifiers(&L, &cfg, c);
	finish_escalation(&L, &cfg, c);
out:
	config_destroy(&cfg);
	free(L.dir);
	if (errs->n > nerr) {
		config_free(c);
		return NULL;
	}
	return c;
}

/* ------------------------------------------------------------ free */

/* Free what the walker stored under base, driven by the same tables. */
static void
free_section(const struct csection *sec, void *base)
{
	const struct ckey	*k;
	char			**v, *e;
	size_t			 i, j, n;

	for (i = 0; i < sec->nkeys; i++) {
		k = &sec->keys[i];
		switch (k->type) {
		case CK_GROUP:
			free_section(k->sub, base);
			break;
		case CK_LIST:
		case CK_MAP:
			e = *FIELD(base, k->off, char *);
			n = *FIELD(base, k->off_n, size_t);
			for (j = 0; e != NULL && j < n; j++)
				free_section(k->sub, e + j * k->sub->elem_size);
			free(e);
			break;
		case CK_STRING:
		case CK_SECRET:
			set_string(FIELD(base, k->off, char *), NULL);
			break;
		case CK_LISTEN:
		case CK_STRINGS:
			v = *FIELD(base, k->off, char **);
			n = *FIELD(base, k->off_n, size_t);
			for (j = 0; v != NULL && j < n; j++)
				free(v[j]);
			free(v);
			break;
		case CK_PAIRS: {
			struct config_kv *kv = *FIELD(base, k->off,
			    struct config_kv *);

			n = *FIELD(base, k->off_n, size_t);
			for (j = 0; kv != NULL && j < n; j++) {
				free(kv[j].key);
				/* A plugin setting may be a password. */
				set_string(&kv[j].value, NULL);
				free(kv[j].file);
			}
			free(kv);
			break;
		}
		default:
			break;	/* CK_SECRET_FILE shares CK_SECRET's field */
		}
	}
}

void
config_free(struct config *c)
{
	size_t	i;

	if (c == NULL)
		return;
	/* What the loader built beyond the tables: compiled matchers. */
	for (i = 0; c->routes != NULL && i < c->n_routes; i++) {
		matcher_set_free(c->routes[i].matchers);
		free(c->routes[i].matchers);
	}
	for (i = 0; c->severity_rules != NULL && i < c->n_severity_rules;
	    i++) {
		matcher_set_free(c->severity_rules[i].matchers);
		free(c->severity_rules[i].matchers);
	}
	for (i = 0; c->inhibit_rules != NULL && i < c->n_inhibit_rules; i++) {
		matcher_set_free(c->inhibit_rules[i].source_m);
		free(c->inhibit_rules[i].source_m);
		matcher_set_free(c->inhibit_rules[i].target_m);
		free(c->inhibit_rules[i].target_m);
	}
	for (i = 0; c->services != NULL && i < c->n_services; i++) {
		maint_free(c->services[i].maint);
		esc_hours_free(c->services[i].hours);
	}
	for (i = 0; c->notifiers != NULL && i < c->n_notifiers; i++)
		free(c->notifiers[i].file);
	free_section(&config_schema, c);
	rota_set_free(c->rotas);
	free(c->path);
	free(c);
}

/* ------------------------------------------------------------ lookup */

/*
 * Whether given (glen bytes) equals want. The bytes compared are always
 * want's, whatever given holds, so the time taken tells an attacker the
 * stored key's length at most, never how much of a guess was right.
 */
static int
secret_equal(const char *want, const char *given, size_t glen)
{
	size_t	wlen = strlen(want);
	int	same_len = glen == wlen;

	return (CRYPTO_memcmp(want, same_len ? given : want, wlen) == 0) &
	    same_len;
}

const struct integration *
config_find_integration(const struct config *c, const char *key)
{
	const struct integration	*found = NULL;
	size_t				 i, len;

	if (c == NULL || key == NULL)
		return NULL;
	len = strlen(key);
	/* No early return: every key is compared on every call. */
	for (i = 0; i < c->n_integrations; i++)
		if (secret_equal(c->integrations[i].key, key, len))
			found = &c->integrations[i];
	return found;
}

void
config_check_paging(const struct config *c,
    void (*warn)(void *, const char *), void *arg)
{
	char	 msg[160];
	size_t	 i;

	for (i = 0; c->n_policies > 0 && i < c->n_services; i++) {
		if (c->services[i].policy != NULL)
			continue;
		snprintf(msg, sizeof(msg), "service %s has no escalation "
		    "policy: its incidents page no one",
		    c->services[i].name);
		warn(arg, msg);
	}
}

const struct esc_policy *
config_find_policy(const struct config *c, const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < c->n_policies; i++)
		if (c->policies[i].name != NULL &&
		    strcmp(c->policies[i].name, name) == 0)
			return &c->policies[i];
	return NULL;
}

const struct rota_person_spec *
config_find_person(const struct config *c, const char *id)
{
	size_t	i;

	for (i = 0; id != NULL && i < c->oncall.n_people; i++)
		if (c->oncall.people[i].id != NULL &&
		    strcmp(c->oncall.people[i].id, id) == 0)
			return &c->oncall.people[i];
	return NULL;
}

const struct service *
config_find_service(const struct config *c, const char *name)
{
	size_t	i;

	if (c == NULL || name == NULL)
		return NULL;
	for (i = 0; i < c->n_services; i++)
		if (c->services[i].name != NULL &&
		    strcmp(c->services[i].name, name) == 0)
			return &c->services[i];
	return NULL;
}

const struct notifier_cfg *
config_find_notifier(const struct config *c, const char *name)
{
	size_t	 i;

	if (c == NULL || name == NULL)
		return NULL;
	for (i = 0; c->notifiers != NULL && i < c->n_notifiers; i++)
		if (c->notifiers[i].name != NULL &&
		    strcmp(c->notifiers[i].name, name) == 0)
			return &c->notifiers[i];
	return NULL;
}

const struct integration *
config_find_integration_by_name(const struct config *c, const char *name)
{
	size_t	 i;

	if (c == NULL || name == NULL)
		return NULL;
	for (i = 0; i < c->n_integrations; i++)
		if (strcmp(c->integrations[i].name, name) == 0)
			return &c->integrations[i];
	return NULL;
}

const struct api_token *
config_find_token(const struct config *c, const char *token)
{
	const struct api_token	*found = NULL;
	size_t			 i, len;

	if (c == NULL || token == NULL)
		return NULL;
	len = strlen(token);
	for (i = 0; i < c->n_tokens; i++)
		if (secret_equal(c->tokens[i].token, token, len))
			found = &c->tokens[i];
	return found;
}
