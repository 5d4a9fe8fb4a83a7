/*
 * daemon/pagerctl.h — what the files of pagerctl share: the exit
 * statuses, the settings every command gets (struct ctl), the options of
 * the command families, an HTTP answer, a table, and the functions one
 * file offers the others.
 */
#ifndef PAGERD_PAGERCTL_H
#define PAGERD_PAGERCTL_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

/* Exit statuses, documented in --help and docs/PAGERCTL.md. */
#define PCTL_OK		0	/* done; pagerd is healthy */
#define PCTL_FAIL	1	/* the server answered: error, 404, unhealthy */
#define PCTL_NOANSWER	2	/* no usable answer: connect, timeout, junk */
#define PCTL_USAGE	64	/* bad command line (EX_USAGE) */

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

struct resp {
	long	 status;	/* HTTP status */
	char	*body;		/* NUL-terminated, len bytes; NULL if empty */
	size_t	 len;
	size_t	 cap;
	int	 too_big;
	int	 oom;
};

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
	int		  failed;	/* a row was lost: out of memory */
};

struct silence_opts {
	const char	*duration;	/* "2h" */
	const char	*comment;
	const char	*author;	/* NULL: $USER */
	int		 all;
};

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

/* pagerctl.c */
void		 usage_error(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

/* pagerctl_http.c */
void		 resp_free(struct resp *);
int		 http_call(const struct ctl *, const char *, const char *,
		    const char *, struct resp *, char *, size_t);
int		 http_get(const struct ctl *, const char *, struct resp *,
		    char *, size_t);
int		 api_call(struct ctl *, const char *, const char *,
		    const char *, struct resp *);
int		 api_get(struct ctl *, const char *, struct resp *);
int		 api_list(struct ctl *, const char *, const char *,
		    const char *, json_t **, json_t **);
char		*url_escape(const char *);
json_t		*parse_body(const struct resp *, int);
int		 answer_body(struct ctl *, struct resp *, json_t **);
int		 api_show(struct ctl *, const char *,
		    int (*)(const struct ctl *, const json_t *));
void		 print_http_error(const struct resp *);

/* pagerctl_print.c */
char		*clean(const char *, size_t);
size_t		 cols(const char *);
void		 fit(char *, size_t);
void		 put_padded(const char *, size_t);
int		 jint(const json_t *, long long *);
char		*jtext(const json_t *);
const char	*jstr(const json_t *, const char *);
char		*jtime(const struct ctl *, const json_t *, int);
char		*jcell(const json_t *, const char *);
int		 print_json_doc(const json_t *);
int		 print_json(const struct resp *);
void		 table_init(struct table *, const char **, size_t);
int		 table_add(struct table *, char **, char *);
void		 table_print(struct table *, const struct ctl *);
void		 table_free(struct table *);
int		 table_done(struct table *, const struct ctl *, int);
char		*fitted(char *, size_t);

/* pagerctl_incidents.c */
int		 cmd_status(struct ctl *);
int		 cmd_incidents(struct ctl *, const char *, long);
int		 cmd_incident(struct ctl *, const char *);
int		 cmd_act(struct ctl *, const char *, const char *, const char *,
		    const char *);

/* pagerctl_silences.c */
int		 cmd_silence(struct ctl *, const struct silence_opts *, int,
		    char **);

/* pagerctl_rota.c */
int		 cmd_oncall(struct ctl *, const struct rota_opts *,
		    const char *);
int		 cmd_schedule(struct ctl *, const struct rota_opts *,
		    const char *, int);
int		 cmd_schedule_diff(struct ctl *, const struct rota_opts *,
		    const char *, const char *, const char *);
int		 cmd_check(struct ctl *, const struct rota_opts *);

/* pagerctl_overrides.c */
int		 cmd_override(struct ctl *, const struct rota_opts *,
		    const struct override_opts *, int, char **);

/* pagerctl_notifiers.c */
int		 cmd_notifiers(struct ctl *);
int		 cmd_notify_test(struct ctl *, const char *, const char *,
		    const char *);

#endif /* PAGERD_PAGERCTL_H */
