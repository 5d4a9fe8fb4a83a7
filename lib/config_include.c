/*
 * lib/config_include.c — check the main config file and every file its
 * @include directives reach before libconfig reads them. libconfig 1.5
 * exit()s the whole process when it is handed a directory, and says only
 * "cannot open include file" for a missing one; here each problem gets
 * its FILE:LINE. Settings are not parsed here: libconfig does that.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_schema.h"

/* libconfig's own MAX_INCLUDE_DEPTH: deeper nesting is its parse error. */
#define INCLUDE_MAX_DEPTH	10

/* The chain of files being included, for cycle detection. */
struct incframe {
	dev_t			 dev;
	ino_t			 ino;
	const struct incframe	*up;
};

struct incscan {
	const char		*dir;
	struct perr_list	*errs;
	size_t			 nerr;
};

char *
config_file_name(const char *dir, const char *name)
{
	char	*s;
	size_t	 dl = strlen(dir);

	if (name[0] == '/' || strcmp(dir, ".") == 0)
		return strdup(name);
	if (asprintf(&s, "%s%s%s", dir, dl > 0 && dir[dl - 1] == '/' ?
	    "" : "/", name) == -1)
		return NULL;
	return s;
}

/*
 * Report a problem with a file: for the main file (written is NULL) as
 * "PATH: msg", for an included one at the directive that names it.
 */
static void
inc_error(struct incscan *sc, const char *from, int line,
    const char *written, const char *msg, const char *detail)
{
	sc->nerr++;
	if (written == NULL)
		perr_add(sc->errs, from, 0, NULL, "%s%s%s", msg,
		    detail ? ": " : "", detail ? detail : "");
	else
		perr_add(sc->errs, from, line, NULL, "@include \"%s\": %s%s%s",
		    written, msg, detail ? ": " : "", detail ? detail : "");
}

/* Read all of fd; NUL-terminated, *len bytes. NULL with errno set. */
static char *
read_all(int fd, size_t *len)
{
	char	*buf = NULL, *nb;
	size_t	 cap = 0, n = 0;
	ssize_t	 r;

	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void	scan_file(struct incscan *, const char *name, const char *from,
		    int from_line, const char *written,
		    const struct incframe *up, int depth);

/*
 * One directive found at line of file name: resolve and follow it.
 * libconfig 1.5 pastes its include directory in front of every path, an
 * absolute one too, so absolute paths can never work and are refused
 * with a hint instead of libconfig's "cannot open include file".
 */
static void
follow(struct incscan *sc, const char *name, int line, const char *written,
    const struct incframe *frame, int depth)
{
	char	*child;

	if (written[0] == '/') {
		inc_error(sc, name, line, written, "absolute paths do not "
		    "work with libconfig 1.5; write it relative to", sc->dir);
		return;
	}
	if ((child = config_file_name(sc->dir, written)) == NULL) {
		inc_error(sc, name, line, written, "out of memory", NULL);
		return;
	}
	scan_file(sc, child, name, line, written, frame, depth + 1);
	free(child);
}

/*
 * Whether p (at the start of a line) is `@include "path"`. Returns 1
 * with the malloc'd path in *path and *pp past the closing quote (*line
 * counts newlines inside it), 0 when it is not a directive, -1 when out
 * of memory. In the path, \\ and \" are escapes, as in libconfig 1.5.
 */
static int
directive(const char **pp, const char *end, int *line, char **path)
{
	const char	*q = *pp;
	size_t		 n = 0;

	if (end - q < 9 || memcmp(q, "@include", 8) != 0 ||
	    (q[8] != ' ' && q[8] != '\t'))
		return 0;
	for (q += 8; q < end && (*q == ' ' || *q == '\t'); q++)
		;
	if (q == end || *q != '"')
		return 0;
	if ((*path = malloc((size_t)(end - q))) == NULL)
		return -1;
	for (q++; q < end && *q != '"'; q++) {
		if (*q == '\\' && q + 1 < end && (q[1] == '\\' || q[1] == '"'))
			q++;
		else if (*q == '\n')
			(*line)++;
		(*path)[n++] = *q;
	}
	(*path)[n] = '\0';
	if (q == end) {		/* unterminated: libconfig's syntax error */
		free(*path);
		return 0;
	}
	*pp = q + 1;
	return 1;
}

/*
 * Find the @include directives of text the way libconfig 1.5's scanner
 * does: only where a line starts (after blanks), outside comments and
 * strings.
 */
static void
scan_text(struct incscan *sc, const char *name, const char *p,
    const char *end, const struct incframe *frame, int depth)
{
	char	*path;
	int	 line = 1, dline, bol = 1;

	while (p < end) {
		if (*p == '\n') {
			line++;
			bol = 1;
			p++;
			continue;
		}
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		dline = line;
		switch (bol ? directive(&p, end, &line, &path) : 0) {
		case 1:
			follow(sc, name, dline, path, frame, depth);
			free(path);
			bol = 0;
			continue;
		case -1:
			inc_error(sc, name, line, "", "out of memory", NULL);
			return;
		}
		bol = 0;
		if (*p == '#' || (*p == '/' && p + 1 < end && p[1] == '/')) {
			while (p < end && *p != '\n')
				p++;
		} else if (*p == '/' && p + 1 < end && p[1] == '*') {
			for (p += 2; p < end; p++) {
				if (*p == '\n')
					line++;
				else if (*p == '*' && p + 1 < end &&
				    p[1] == '/')
					break;
			}
			p += 2;
		} else if (*p == '"') {
			for (p++; p < end && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < end)
					p++;
				if (*p == '\n')
					line++;
			}
			p++;
		} else
			p++;
	}
}

static void
scan_file(struct incscan *sc, const char *name, const char *from,
    int from_line, const char *written, const struct incframe *up,
    int depth)
{
	struct incframe		 frame;
	const struct incframe	*f;
	struct stat		 st;
	char			*text;
	size_t			 len;
	int			 fd;

	/* O_NONBLOCK: opening a FIFO must not hang the daemon. */
	fd = open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		if (written != NULL && errno == ENOENT)
			inc_error(sc, from, from_line, written, "no such file",
			    NULL);
		else
			inc_error(sc, from, from_line, written, "not readable",
			    strerror(errno));
		return;
	}
	if (fstat(fd, &st) == -1) {
		inc_error(sc, from, from_line, written, "not readable",
		    strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		inc_error(sc, from, from_line, written, "is a directory", NULL);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		inc_error(sc, from, from_line, written, "is not a regular file",
		    NULL);
		goto out;
	}
	for (f = up; f != NULL; f = f->up) {
		if (f->dev == st.st_dev && f->ino == st.st_ino) {
			inc_error(sc, from, from_line, written,
			    "includes itself (an @include cycle)", NULL);
			goto out;
		}
	}
	if (depth > INCLUDE_MAX_DEPTH) {
		inc_error(sc, from, from_line, written,
		    "nested more than 10 @include levels deep", NULL);
		goto out;
	}
	if ((text = read_all(fd, &len)) == NULL) {
		inc_error(sc, from, from_line, written, "not readable",
		    strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;

	frame.dev = st.st_dev;
	frame.ino = st.st_ino;
	frame.up = up;
	scan_text(sc, name, text, text + len, &frame, depth);
	free(text);
out:
	if (fd != -1)
		close(fd);
}

int
config_include_check(const char *path, const char *dir,
    struct perr_list *errs)
{
	struct incscan	sc;

	sc.dir = dir;
	sc.errs = errs;
	sc.nerr = 0;
	scan_file(&sc, path, path, 0, NULL, NULL, 0);
	return sc.nerr > 0 ? -1 : 0;
}
