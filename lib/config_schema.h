/*
 * lib/config_schema.h — the config keys as data (nginx's command tables):
 * one table per section giving each key's type, where it lands in struct
 * config, its default, bounds and doc string. The loader walks these
 * tables; config_reference() prints them. Private to lib/config*.c.
 */
#ifndef PAGERD_CONFIG_SCHEMA_H
#define PAGERD_CONFIG_SCHEMA_H

#include <stddef.h>

#include "perr.h"

enum ckey_type {
	CK_GROUP,		/* a section: sub lists its keys */
	CK_LIST,		/* ( { ... }, ... ): sub is one element */
	CK_STRING,		/* char *; with choices: one of them */
	CK_BOOL,		/* int 0/1 */
	CK_INT,			/* int */
	CK_SIZE,		/* size_t */
	CK_DURATION,		/* int64_t ms: "90s", "1h30m", or seconds */
	CK_ENUM,		/* int: the value of the chosen name */
	CK_LISTEN,		/* char ** and size_t: "host:port" strings */
	CK_SECRET,		/* char *: a secret written in the file */
	CK_SECRET_FILE,		/* the same char *, read from a file */
	CK_STRINGS,		/* char ** and size_t: an array of strings */
	CK_MAP,			/* NAME: { ... }; ...: sub is one element */
	CK_PAIRS		/* every key of the section not in the table,
				 * as struct config_kv (a plugin's settings);
				 * its name is "*" */
};

/* Flags. */
#define CK_REQUIRED	0x01	/* absent: error (no default) */
#define CK_UNIQUE	0x02	/* in a list: no two elements share it */
#define CK_NAME_DEFAULT	0x04	/* absent: copy of the element's "name" */
#define CK_MAP_NAME	0x08	/* in a CK_MAP element: the group's name */

struct cchoice {
	const char	*name;
	int		 value;
};

struct csection;

/*
 * One key. def, min and max are text in the key's own syntax ("2s",
 * "1024", "true") so that the reference shows exactly what a user would
 * write; they are parsed with the same code as file values, and a unit
 * test proves every one of them parses. For strings and secrets min/max
 * bound the length in bytes, for lists the number of elements. The
 * default of an array is its elements separated by commas ("" is []).
 * For CK_STRINGS, check applies to each element.
 */
struct ckey {
	const char		*name;
	enum ckey_type		 type;
	size_t			 off;	/* field in the struct being filled */
	size_t			 off_n;	/* CK_LISTEN, CK_STRINGS, CK_LIST:
					 * the count */
	const char		*def;	/* NULL: no default */
	const char		*min;	/* NULL: unbounded */
	const char		*max;
	const struct cchoice	*choices; /* NULL-terminated */
	/* Extra check for strings: NULL when fine, else why not. */
	const char		*(*check)(const char *);
	const struct csection	*sub;	/* CK_GROUP, CK_LIST */
	unsigned		 flags;
	const char		*doc;
};

struct csection {
	const struct ckey	*keys;
	size_t			 nkeys;
	size_t			 elem_size;	/* CK_LIST elements */
};

/* The top level of the file: state_dir and the sections. */
extern const struct csection	config_schema;

/* Find name among sec's keys; NULL when unknown. */
const struct ckey	*ckey_find(const struct csection *, const char *name);

/*
 * The known key in sec closest to an unknown name (a typo at most a
 * third of its length away), or NULL; for "did you mean ...?".
 */
const char		*ckey_suggest(const struct csection *,
			    const char *name);

/*
 * Parse a CK_INT / CK_SIZE bound or an integer value written as text.
 * Returns 0, or -1 when s is not a whole decimal integer.
 */
int			 ckey_parse_int(const char *s, long long *v);

/*
 * Check the @include directives of the main config file path and,
 * recursively, of the files they name, before libconfig sees them:
 * libconfig 1.5 exit()s when an @include (or the main file) is a
 * directory. Relative @include paths are resolved against dir, the main
 * file's directory, which the caller must also give libconfig with
 * config_set_include_dir() so both agree. Appends one error per problem
 * (FILE:LINE of the directive) to errs. Returns 0 when libconfig may read
 * path, -1 otherwise.
 */
int			 config_include_check(const char *path,
			    const char *dir, struct perr_list *errs);

/*
 * The name to show for a file libconfig read: libconfig records an
 * @include'd file as written in the directive, relative to dir. Returns
 * a malloc'd "dir/name" (or a copy of name when it is absolute, or dir
 * is "."), NULL when out of memory.
 */
char			*config_file_name(const char *dir, const char *name);

#endif /* PAGERD_CONFIG_SCHEMA_H */
