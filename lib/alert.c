/*
 * lib/alert.c — the normalized alert's lifetime helpers and the default
 * limits. Decoding lives in the decode_*.c files, identity in
 * fingerprint.c.
 */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "alert.h"

void
alert_limits_default(struct alert_limits *lim)
{
	/*
	 * Sized for real senders with room to spare: Alertmanager batches
	 * rarely exceed a few hundred alerts, and a summary longer than a
	 * screen is not read by anyone paged at night.
	 */
	lim->max_batch = 1000;
	lim->max_labels = 64;
	lim->max_label_name = 128;
	lim->max_label_value = 2048;
	lim->max_summary = 1024;
	lim->max_dedup_key = 255;
	lim->max_alert_size = 64 * 1024;
}

void
alert_clear(struct alert *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	if (a->strings != NULL)
		free(a->strings);
	else {
		free(a->fingerprint);
		free(a->summary);
		free(a->severity);
		for (i = 0; i < a->nlabels; i++) {
			free(a->labels[i].name);
			free(a->labels[i].value);
		}
		free(a->labels);
		free(a->details_json);
	}
	free(a->dedup_key);
	free(a->source);
	free(a->service);
	free(a->group_key);
	free(a->policy);
	free(a->silenced);
	free(a->inhibit_src);
	free(a->inhibit_tgt);
	memset(a, 0, sizeof(*a));
}

void
alert_array_free(struct alert *v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		alert_clear(&v[i]);
	free(v);
}

const char *
alert_status_name(enum alert_status s)
{
	return s == ALERT_RESOLVED ? "resolved" : "firing";
}
