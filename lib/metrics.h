/*
 * lib/metrics.h — counters and gauges rendered in the Prometheus text
 * exposition format (version 0.0.4). Pure: the daemon owns the instance and
 * decides when to count; this module only stores and prints.
 */
#ifndef PAGERD_METRICS_H
#define PAGERD_METRICS_H

#include <stddef.h>

struct metrics;

enum metric_type {
	METRIC_COUNTER,
	METRIC_GAUGE
};

/* Returns a new empty registry, or NULL when out of memory. */
struct metrics	*metrics_new(void);
void		 metrics_free(struct metrics *);

/*
 * Declare a family (name must match [a-zA-Z_:][a-zA-Z0-9_:]*, counters end
 * in _total). Declared families are printed even before the first sample,
 * so dashboards see zeros. Returns 0, -1 on a bad name or no memory.
 */
int	metrics_declare(struct metrics *, const char *name,
	    enum metric_type, const char *help);

/*
 * Add v to (counter) or set v on (gauge) the sample of family name with
 * the given label pairs: nlabels pairs in kv as {name0, value0, name1,
 * value1, ...}. Label values are escaped on output (\\, \", \n). An
 * undeclared family is ignored and returns -1. Copies what it keeps.
 */
int	metrics_add(struct metrics *, const char *name, double v,
	    size_t nlabels, const char *const *kv);
int	metrics_set(struct metrics *, const char *name, double v,
	    size_t nlabels, const char *const *kv);

/* Read a sample's value (0 when absent). For tests and /healthz. */
double	metrics_get(const struct metrics *, const char *name,
	    size_t nlabels, const char *const *kv);

/*
 * Render all families, sorted by name, with # HELP and # TYPE lines.
 * Returns a malloc'd NUL-terminated string (caller frees) and its length
 * in *len, or NULL when out of memory.
 */
char	*metrics_render(const struct metrics *, size_t *len);

#endif /* PAGERD_METRICS_H */
