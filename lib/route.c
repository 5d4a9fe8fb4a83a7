/*
 * lib/route.c — group keys and service names (see route.h). Which
 * service an alert goes to is decided here too once routes exist; how
 * the store turns a group key into an incident is daemon/store_lua.c.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"

/* A label's value, or "" when the alert does not carry it. */
static const char *
label_value(const struct alert *a, const char *name)
{
	size_t	 lo = 0, hi = a->nlabels, mid;
	int	 c;

	/* Labels are sorted by name (struct alert promises it). */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(a->labels[mid].name, name);
		if (c == 0)
			return a->labels[mid].value;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return "";
}

/* Write s to fp with ", \ and newline escaped, as matchers write them. */
static void
put_escaped(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
}

char *
route_group_key(const struct service *svc, const struct alert *a)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0, i;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		return NULL;
	fputs(svc->name, fp);
	if (svc->n_group_by == 1 &&
	    strcmp(svc->group_by[0], ROUTE_GROUP_EACH) == 0) {
		fputc(':', fp);
		fputs(a->fingerprint != NULL ? a->fingerprint : "", fp);
	} else {
		fputc('{', fp);
		for (i = 0; i < svc->n_group_by; i++) {
			if (i > 0)
				fputc(',', fp);
			put_escaped(fp, svc->group_by[i]);
			fputs("=\"", fp);
			put_escaped(fp, label_value(a, svc->group_by[i]));
			fputc('"', fp);
		}
		fputc('}', fp);
	}
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * Service names go into group keys (where ':' and '{' end them), Redis
 * keys, metric labels and, later, SMS texts: keep them plain.
 */
const char *
route_check_service_name(const char *name)
{
	size_t	 n = strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

	if (name[n] != '\0')
		return "must be letters, digits, '_', '.' and '-' only";
	return NULL;
}
