/*
 * tests/unit/fake_host.h — a pagerd_host for driving a notifier plugin
 * through its ABI in a unit test: it records what the plugin asks for
 * (one HTTP request at a time, routes, replies, delivery updates) and
 * lets the test answer, without a loop, sockets or a daemon.
 */
#ifndef PAGERD_FAKE_HOST_H
#define PAGERD_FAKE_HOST_H

#include <stddef.h>

#include "pagerd_notifier.h"

#define FH_MAX		8

struct fake_host {
	struct pagerd_host		 host;

	/* The last http_request, copied. */
	int				 nrequests;
	char				*url, *body, *userpwd, *mail_from;
	size_t				 body_len;
	char				*headers[FH_MAX], *rcpt[FH_MAX];
	size_t				 nheaders, nrcpt;
	pagerd_http_cb			*http_cb;
	void				*http_arg;

	/* route_add */
	char				*route_path[FH_MAX];
	pagerd_inbound_handler		*route_handler[FH_MAX];
	void				*route_arg[FH_MAX];
	size_t				 nroutes;

	/* The last reply_submit(_id): with_id says which. */
	int				 nreplies, reply_with_id;
	char				*reply_from, *reply_text, *reply_id;
	pagerd_reply_cb			*reply_cb;
	void				*reply_arg;

	/* The last delivery_update. */
	int				 nupdates;
	char				*update_id, *update_reason;
	enum pagerd_notify_result	 update_result;

	/* The last done() of a send, reason copied. */
	int				 ndone;
	struct pagerd_notify_status	 st;
	char				 reason[300], provider_id[80];

	/* The last inbound answer. */
	int				 nresponses, resp_status;
	char				*resp_type, *resp_body;
};

/* The host whose services record into fh (all of them when size is 0,
 * else a host of that sizeof, as an older daemon would lend). */
const struct pagerd_host	*fake_host_init(struct fake_host *fh,
				    size_t size);

/* Free what was recorded and start over (keeps the routes). */
void	fake_host_forget(struct fake_host *fh);
void	fake_host_free(struct fake_host *fh);

/* A done callback for send(): arg is the struct fake_host. */
void	fake_host_done(void *arg, const struct pagerd_notify_status *st);

/* Answer the recorded request. */
void	fake_host_answer(struct fake_host *fh, int status, const char *error,
	    const char *body, const char *const *headers, size_t nheaders);

/*
 * Deliver an inbound request to the route at path: method POST, headers
 * "Name: value" (NULL-terminated list), body. Returns -1 when no route
 * matches. The answer is recorded in fh->resp_*.
 */
int	fake_host_inbound(struct fake_host *fh, const char *path,
	    const char *query, const char *const *headers, const char *body);

/* Assert that plugin's create() refuses cfg, naming key in its error. */
void	fake_host_create_error(const struct pagerd_notifier *plugin,
	    const struct pagerd_kv *cfg, size_t ncfg, const char *key);

#endif /* PAGERD_FAKE_HOST_H */
