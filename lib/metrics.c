/*
 * lib/metrics.c — a small registry of counters and gauges and its
 * Prometheus text rendering (exposition format 0.0.4). Families and
 * samples are kept sorted so /metrics reads the same from one scrape to
 * the next. Not a client library: no histograms, no clock, no I/O.
 */
#include "autoconf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "strbuf.h"

/*
 * Label pairs per sample. pagerd's own series carry two or three; the
 * bound lets the canonical order live on the stack.
 */
#define METRICS_MAX_LABELS	16

struct sample {
	char	**kv;		/* 2 * n strings, sorted by label name */
	size_t	  n;
	double	  v;
};

struct family {
	char		*name;
	char		*help;		/* NULL: no # HELP line */
	enum metric_type type;
	struct sample	*s;		/* sorted by labels, see cmp_labels */
	size_t		 ns;
	size_t		 cap;
};

struct metrics {
	struct family	*f;		/* sorted by name */
	size_t		 nf;
	size_t		 cap;
};

struct metrics *
metrics_new(void)
{
	return calloc(1, sizeof(struct metrics));
}

static void
sample_free(struct sample *s)
{
	size_t	 i;

	for (i = 0; i < 2 * s->n; i++)
		free(s->kv[i]);
	free(s->kv);
}

void
metrics_free(struct metrics *m)
{
	size_t	 i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->nf; i++) {
		for (j = 0; j < m->f[i].ns; j++)
			sample_free(&m->f[i].s[j]);
		free(m->f[i].s);
		free(m->f[i].name);
		free(m->f[i].help);
	}
	free(m->f);
	free(m);
}

static int
valid_name(const char *s, int colon)
{
	const char	*p;

	if (s == NULL || *s == '\0' || (*s >= '0' && *s <= '9'))
		return 0;
	for (p = s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' ||
		    (colon && *p == ':'))
			continue;
		return 0;
	}
	return 1;
}

/* Index of the family called name, or where it would go (*found = 0). */
static size_t
family_pos(const struct metrics *m, const char *name, int *found)
{
	size_t	 lo = 0, hi = m->nf, mid;
	int	 c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, m->f[mid].name);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static struct family *
family_find(const struct metrics *m, const char *name)
{
	size_t	 i;
	int	 found;

	if (name == NULL)
		return NULL;
	i = family_pos(m, name, &found);
	return found ? &m->f[i] : NULL;
}

int
metrics_declare(struct metrics *m, const char *name, enum metric_type type,
    const char *help)
{
	struct family	*nf, *f;
	size_t		 i, len, ncap;
	int		 found;

	if (!valid_name(name, 1))
		return -1;
	/* Prometheus convention, checked so a typo is caught at start-up. */
	len = strlen(name);
	if (type == METRIC_COUNTER &&
	    (len < 6 || strcmp(name + len - 6, "_total") != 0))
		return -1;

	i = family_pos(m, name, &found);
	if (found)
		return m->f[i].type == type ? 0 : -1;

	if (m->nf == m->cap) {
		ncap = m->cap ? m->cap * 2 : 16;
		if ((nf = realloc(m->f, ncap * sizeof(*nf))) == NULL)
			return -1;
		m->f = nf;
		m->cap = ncap;
	}
	f = &m->f[i];
	memmove(f + 1, f, (m->nf - i) * sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->type = type;
	f->name = strdup(name);
	f->help = help != NULL ? strdup(help) : NULL;
	if (f->name == NULL || (help != NULL && f->help == NULL)) {
		free(f->name);
		free(f->help);
		memmove(f, f + 1, (m->nf - i) * sizeof(*f));
		return -1;
	}
	m->nf++;
	return 0;
}

/*
 * Put the caller's pairs in canonical order (by label name) in ord[], so
 * {a,b} and {b,a} are the same series. Refuses bad or repeated names.
 */
static int
canon(size_t n, const char *const *kv, size_t *ord)
{
	size_t	 i, j, t;

	if (n > METRICS_MAX_LABELS || (n > 0 && kv == NULL))
		return -1;
	for (i = 0; i < n; i++) {
		if (!valid_name(kv[2 * i], 0) || kv[2 * i + 1] == NULL)
			return -1;
		ord[i] = i;
	}
	/* Insertion sort: n is tiny. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 &&
		    strcmp(kv[2 * ord[j - 1]], kv[2 * ord[j]]) > 0; j--) {
			t = ord[j];
			ord[j] = ord[j - 1];
			ord[j - 1] = t;
		}
	for (i = 1; i < n; i++)
		if (strcmp(kv[2 * ord[i - 1]], kv[2 * ord[i]]) == 0)
			return -1;
	return 0;
}

/* Order of series within a family: pair by pair, then fewer first. */
static int
cmp_labels(const struct sample *s, size_t n, const char *const *kv,
    const size_t *ord)
{
	size_t	 i;
	int	 c;

	for (i = 0; i < s->n && i < n; i++) {
		if ((c = strcmp(s->kv[2 * i], kv[2 * ord[i]])) != 0 ||
		    (c = strcmp(s->kv[2 * i + 1], kv[2 * ord[i] + 1])) != 0)
			return c;
	}
	return s->n < n ? -1 : s->n > n ? 1 : 0;
}

static size_t
sample_pos(const struct family *f, size_t n, const char *const *kv,
    const size_t *ord, int *found)
{
	size_t	 lo = 0, hi = f->ns, mid;
	int	 c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = cmp_labels(&f->s[mid], n, kv, ord);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c > 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The sample for these labels, created at 0 when new; NULL on error. */
static struct sample *
sample_get(struct family *f, size_t n, const char *const *kv)
{
	struct sample	*ns, *s;
	size_t		 ord[METRICS_MAX_LABELS], i, ncap;
	int		 found;

	if (canon(n, kv, ord) == -1)
		return NULL;
	i = sample_pos(f, n, kv, ord, &found);
	if (found)
		return &f->s[i];

	if (f->ns == f->cap) {
		ncap = f->cap ? f->cap * 2 : 4;
		if ((ns = realloc(f->s, ncap * sizeof(*ns))) == NULL)
			return NULL;
		f->s = ns;
		f->cap = ncap;
	}
	s = &f->s[i];
	memmove(s + 1, s, (f->ns - i) * sizeof(*s));
	memset(s, 0, sizeof(*s));
	f->ns++;
	if (n > 0 && (s->kv = calloc(2 * n, sizeof(*s->kv))) == NULL)
		goto fail;
	for (s->n = 0; s->n < n; s->n++) {
		s->kv[2 * s->n] = strdup(kv[2 * ord[s->n]]);
		s->kv[2 * s->n + 1] = strdup(kv[2 * ord[s->n] + 1]);
		if (s->kv[2 * s->n] == NULL || s->kv[2 * s->n + 1] == NULL) {
			s->n++;
			goto fail;
		}
	}
	return s;

fail:
	sample_free(s);
	f->ns--;
	memmove(s, s + 1, (f->ns - i) * sizeof(*s));
	return NULL;
}

int
metrics_add(struct metrics *m, const char *name, double v, size_t nlabels,
    const char *const *kv)
{
	struct family	*f;
	struct sample	*s;

	if ((f = family_find(m, name)) == NULL || isnan(v))
		return -1;
	/* A counter that goes down reads as a restart to rate(). */
	if (f->type == METRIC_COUNTER && v < 0)
		return -1;
	if ((s = sample_get(f, nlabels, kv)) == NULL)
		return -1;
	s->v += v;
	return 0;
}

int
metrics_set(struct metrics *m, const char *name, double v, size_t nlabels,
    const char *const *kv)
{
	struct family	*f;
	struct sample	*s;

	if ((f = family_find(m, name)) == NULL)
		return -1;
	if (f->type == METRIC_COUNTER && (isnan(v) || v < 0))
		return -1;
	if ((s = sample_get(f, nlabels, kv)) == NULL)
		return -1;
	s->v = v;
	return 0;
}

double
metrics_get(const struct metrics *m, const char *name, size_t nlabels,
    const char *const *kv)
{
	struct family	*f;
	size_t		 ord[METRICS_MAX_LABELS], i;
	int		 found;

	if ((f = family_find(m, name)) == NULL ||
	    canon(nlabels, kv, ord) == -1)
		return 0;
	i = sample_pos(f, nlabels, kv, ord, &found);
	return found ? f->s[i].v : 0;
}

/*
 * Escapes of the text format: HELP text escapes backslash and newline,
 * label values also the double quote.
 */
static void
buf_escaped(struct strbuf *b, const char *s, int quote)
{
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '\\')
			strbuf_str(b, "\\\\");
		else if (*p == '\n')
			strbuf_str(b, "\\n");
		else if (quote && *p == '"')
			strbuf_str(b, "\\\"");
		else
			strbuf_add(b, p, 1);
	}
}

/*
 * Integral values print as plain integers: "%g" would turn a counter of
 * 1e6 alerts into "1e+06", which parses but reads badly and diffs worse.
 * Others get the shortest "%g" that reads back to the same double.
 */
static void
format_value(double v, char *out, size_t len)
{
	int	 prec;

	if (isnan(v))
		snprintf(out, len, "NaN");
	else if (isinf(v))
		snprintf(out, len, v > 0 ? "+Inf" : "-Inf");
	else if (v > -9.2e18 && v < 9.2e18 && (double)(long long)v == v)
		snprintf(out, len, "%lld", (long long)v);
	else if (v <= -9.2e18 || v >= 9.2e18)
		/* Beyond 2^53 every double is an integer. */
		snprintf(out, len, "%.0f", v);
	else {
		for (prec = 1; prec < 17; prec++) {
			snprintf(out, len, "%.*g", prec, v);
			if (strtod(out, NULL) == v)
				return;
		}
		snprintf(out, len, "%.17g", v);
	}
}

char *
metrics_render(const struct metrics *m, size_t *len)
{
	struct strbuf		 b = { 0 };
	const struct family	*f;
	const struct sample	*s;
	char			 num[400];
	size_t			 i, j, k;

	strbuf_add(&b, "", 0);
	for (i = 0; i < m->nf; i++) {
		f = &m->f[i];
		if (f->help != NULL) {
			strbuf_str(&b, "# HELP ");
			strbuf_str(&b, f->name);
			strbuf_str(&b, " ");
			buf_escaped(&b, f->help, 0);
			strbuf_str(&b, "\n");
		}
		strbuf_str(&b, "# TYPE ");
		strbuf_str(&b, f->name);
		strbuf_str(&b, f->type == METRIC_COUNTER ? " counter\n" :
		    " gauge\n");
		/* Declared but never touched: a zero, so graphs start at 0. */
		if (f->ns == 0) {
			strbuf_str(&b, f->name);
			strbuf_str(&b, " 0\n");
		}
		for (j = 0; j < f->ns; j++) {
			s = &f->s[j];
			strbuf_str(&b, f->name);
			for (k = 0; k < s->n; k++) {
				strbuf_str(&b, k == 0 ? "{" : ",");
				strbuf_str(&b, s->kv[2 * k]);
				strbuf_str(&b, "=\"");
				buf_escaped(&b, s->kv[2 * k + 1], 1);
				strbuf_str(&b, "\"");
			}
			if (s->n > 0)
				strbuf_str(&b, "}");
			format_value(s->v, num, sizeof(num));
			strbuf_str(&b, " ");
			strbuf_str(&b, num);
			strbuf_str(&b, "\n");
		}
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	if (len != NULL)
		*len = b.len;
	return b.s;
}
