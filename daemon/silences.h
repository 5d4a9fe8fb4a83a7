/*
 * daemon/silences.h — silences in the daemon: the HTTP API
 * (/api/v1/silences) and the copy of the active silences that intake
 * matches alerts against. The copy is reloaded whenever the version
 * counter in Redis changes (polled every 500 ms), so a silence made
 * through any pagerd instance applies everywhere within a second.
 * Validation and matching are lib/silence.c's; storage is the store's.
 */
#ifndef PAGERD_SILENCES_H
#define PAGERD_SILENCES_H

#include <stdint.h>

struct alert;
struct http_req;
struct pagerd;
struct silences;

/* Start polling on pd->base through pd->store. NULL when out of memory. */
struct silences	*silences_start(struct pagerd *);

/* Poll no more (a stopping daemon); free after store_free(). */
void		 silences_stop(struct silences *);
void		 silences_free(struct silences *);

/*
 * Set a->silenced to the ids of the silences active at now_ms whose
 * matchers all match a's labels (NULL when none). Returns 0, or -1 when
 * out of memory. sl may be NULL (nothing is silenced).
 */
int		 silences_mark(struct silences *sl, struct alert *a,
		    int64_t now_ms);

/* /api/v1/silences: GET (list; ?all=1 with expired ones) and POST. */
void		 http_api_silences(struct pagerd *, struct http_req *);

/* /api/v1/silences/ID: GET and DELETE (expire now). */
void		 http_api_silence(struct pagerd *, struct http_req *,
		    const char *id);

#endif /* PAGERD_SILENCES_H */
