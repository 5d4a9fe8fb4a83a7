/*
 * daemon/pagerd.h — the one daemon context main() creates and passes down.
 * No other global state lives in the daemon.
 */
#ifndef PAGERD_PAGERD_H
#define PAGERD_PAGERD_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct config_override;
struct escalation;
struct event;
struct event_base;
struct http_server;
struct metrics;
struct notifier_host;
struct overrides;
struct redis_host;
struct redis_spawn;
struct replies;
struct store;
struct silences;
struct syslog_in;
struct timers;
struct udp_server;

struct pagerd {
	struct event_base	*base;
	struct config		*cfg;		/* swapped whole on reload */
	struct metrics		*metrics;
	struct store		*store;		/* intake, API */
	/*
	 * The same Redis on a connection of its own for the paging path
	 * (timers, escalation, outbox): its commands do not queue behind
	 * the intake's pipelined scripts under load.
	 */
	struct store		*page_store;
	struct redis_spawn	*spawn;		/* NULL unless redis.spawn */
	struct redis_host	*redis_host;	/* its forks, its AOF's cache */
	struct http_server	*http;
	struct udp_server	*udp;
	struct timers		*timers;	/* group_wait, endsAt */
	struct syslog_in	*syslog;
	struct silences		*silences;	/* active ones, for intake */
	struct overrides	*rota_overrides; /* runtime ones, per rota */
	struct notifier_host	*notifiers;	/* plugin instances */
	struct escalation	*escalation;	/* paging, acks */
	struct replies		*replies;	/* SMS replies: ack, who, STOP */

	const char		*config_path;
	struct config_override	*overrides;
	size_t			 n_overrides;
	const char		*cred_dir;	/* $CREDENTIALS_DIRECTORY */

	struct event		*ev_sighup;
	struct event		*ev_sigterm;
	struct event		*ev_sigint;
	struct event		*ev_stop_deadline;
	int			 stopping;
	int			 draining;	/* parts not yet idle */
};

/* Wall-clock milliseconds since the epoch (the daemon owns the clock). */
int64_t	pagerd_now_ms(void);

#endif /* PAGERD_PAGERD_H */
