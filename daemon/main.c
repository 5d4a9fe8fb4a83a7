/*
 * daemon/main.c — pagerd's entry point: command line, configuration
 * (load, -t check, SIGHUP reload), and the one event loop everything runs
 * on. Graceful stop on SIGTERM/SIGINT: stop accepting, let in-flight Redis
 * writes finish, exit 0 within 5 s.
 */
#include "autoconf.h"

#include <sys/time.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "escalation.h"
#include "notifier_host.h"
#include "pagerd.h"
#include "perr.h"
#include "redis_host.h"
#include "redis_spawn.h"
#include "replies.h"
#include "rota_check.h"
#include "sdnotify.h"
#include "store.h"
#include "syslog_in.h"
#include "silences.h"
#include "overrides.h"
#include "timers.h"
#include "udp.h"

#define STOP_DEADLINE_MS	4500	/* SIGTERM to exit, worst case */
#define CHECK_ROTA_DAYS		90	/* -t looks this far ahead */

int64_t
pagerd_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: pagerd [-t] [-c FILE] [-s path=value]...\n"
	    "  -c FILE        configuration file (default %s/pagerd/pagerd.conf)\n"
	    "  -t             check the configuration and exit: 0 when valid,\n"
	    "                 else 1 and one FILE:LINE: line per problem;\n"
	    "                 warns of rota gaps and the like for 90 days\n"
	    "  -s path=value  override a setting, e.g. -s http.listen=127.0.0.1:9090\n"
	    "                 (repeatable; lists are comma-separated)\n"
	    "  -d             log at debug level (overrides log.level)\n"
	    "  -R             print the configuration reference (Markdown)\n"
	    "  -V             print the version\n"
	    "Signals: HUP reloads the configuration, TERM/INT stop gracefully.\n"
	    "Documentation: README and docs/CONFIG.md.\n", SYSCONFDIR);
}

static void
print_errors(const struct perr_list *errs)
{
	char	 line[700];
	size_t	 i;

	for (i = 0; i < errs->n && i < errs->cap; i++) {
		perr_format(&errs->v[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
}

static void
log_errors(const struct perr_list *errs)
{
	char	 line[700];
	size_t	 i;

	for (i = 0; i < errs->n && i < errs->cap; i++) {
		perr_format(&errs->v[i], line, sizeof(line));
		log_warnx("config: %s", line);
	}
}

/* -t: advice about valid rotas (gaps, stale overrides, DST shifts). */
static void
print_warning(void *arg, enum rota_warning kind, const char *msg)
{
	printf("%s: warning: %s\n", (const char *)arg, msg);
}

/* -t: a service that pages no one. */
static void
print_paging_warning(void *arg, const char *msg)
{
	printf("%s: warning: %s\n", (const char *)arg, msg);
}

static struct config *
load(struct pagerd *pd, struct perr_list *errs)
{
	return config_load(pd->config_path, pd->overrides, pd->n_overrides,
	    pd->cred_dir, errs);
}

static void
declare_metrics(struct metrics *m)
{
	metrics_declare(m, "pagerd_alerts_received_total", METRIC_COUNTER,
	    "Alerts received, by integration source and result.");
	metrics_declare(m, "pagerd_http_requests_total", METRIC_COUNTER,
	    "HTTP requests answered, by status code.");
	metrics_declare(m, "pagerd_http_connections", METRIC_GAUGE,
	    "HTTP connections open.");
	metrics_declare(m, "pagerd_http_connections_rejected_total",
	    METRIC_COUNTER,
	    "HTTP connections refused over http.max_connections.");
	metrics_declare(m, "pagerd_udp_datagrams_total", METRIC_COUNTER,
	    "UDP datagrams read.");
	metrics_declare(m, "pagerd_udp_rejects_total", METRIC_COUNTER,
	    "UDP datagrams rejected, by reason.");
	metrics_declare(m, "pagerd_syslog_messages_total", METRIC_COUNTER,
	    "Syslog datagrams, by result: alert, unmatched, invalid.");
	metrics_declare(m, "pagerd_config_reloads_total", METRIC_COUNTER,
	    "Configuration reloads (SIGHUP), by result.");
	metrics_declare(m, "pagerd_redis_up", METRIC_GAUGE,
	    "1 when both Redis connections (intake and paging) are ready.");
}

static void
store_settings_of(const struct config *cfg, const char *spawned_addr,
    struct store_settings *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->address = spawned_addr != NULL ? spawned_addr : cfg->redis_address;
	ss->password = cfg->redis_password;
	ss->db = cfg->redis_db;
	ss->prefix = cfg->redis_prefix;
	ss->connect_timeout_ms = cfg->redis_connect_timeout_ms;
	ss->reconnect_max_ms = cfg->redis_reconnect_max_ms;
	ss->command_timeout_ms = cfg->redis_command_timeout_ms;
	ss->retention_ms = cfg->store_retention_ms;
}

static char	 spawned_addr[4200];

static int
list_differs(char **a, size_t na, char **b, size_t nb)
{
	size_t	 i;

	if (na != nb)
		return 1;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 1;
	return 0;
}

/*
 * SIGHUP: validate the whole new file first; only a valid one replaces
 * the running configuration, in one pointer swap.
 */
static void
reload(evutil_socket_t sig, short ev, void *arg)
{
	struct pagerd		*pd = arg;
	struct perr_list	 errs = { NULL, 0, 0 };
	struct config		*ncfg, *old = pd->cfg;
	struct notifier_set	*nset = NULL;
	struct store_settings	 ss;
	const char		*kv[2] = { "result", "failure" };

	sdnotify_reloading();
	log_info("reloading %s", pd->config_path);
	/* The notifier instances are part of the config: all or nothing. */
	if ((ncfg = load(pd, &errs)) == NULL ||
	    (nset = notifier_set_load(pd->notifiers, ncfg, &errs)) == NULL) {
		config_free(ncfg);
		log_errors(&errs);
		log_warnx("reload failed (%zu errors): keeping the running "
		    "configuration", errs.n);
		perr_list_clear(&errs);
		metrics_add(pd->metrics, "pagerd_config_reloads_total", 1, 1,
		    kv);
		sdnotify_ready();
		return;
	}
	perr_list_clear(&errs);
	if (list_differs(old->http_listen, old->n_http_listen,
	    ncfg->http_listen, ncfg->n_http_listen) ||
	    list_differs(old->udp_listen, old->n_udp_listen,
	    ncfg->udp_listen, ncfg->n_udp_listen) ||
	    list_differs(old->syslog_listen, old->n_syslog_listen,
	    ncfg->syslog_listen, ncfg->n_syslog_listen))
		log_warnx("reload: listen addresses change only on restart");
	if (old->redis_spawn != ncfg->redis_spawn ||
	    strcmp(old->state_dir, ncfg->state_dir) != 0)
		log_warnx("reload: redis.spawn and state_dir change only on "
		    "restart");
	pd->cfg = ncfg;
	notifier_set_activate(pd->notifiers, nset);
	log_init(ncfg->log_level, ncfg->log_syslog, "pagerd");
	store_settings_of(ncfg, pd->spawn != NULL ? spawned_addr : NULL, &ss);
	store_configure(pd->store, &ss);
	store_configure(pd->page_store, &ss);
	overrides_reconfigure(pd->rota_overrides);
	if (pd->http != NULL)
		http_reconfigure(pd->http);
	if (pd->syslog != NULL && syslog_in_reconfigure(pd->syslog) == -1)
		log_warnx("reload: syslog rules kept from before");
	config_free(old);
	kv[1] = "success";
	metrics_add(pd->metrics, "pagerd_config_reloads_total", 1, 1, kv);
	log_info("configuration reloaded");
	sdnotify_ready();
}

static void
stop_now(evutil_socket_t fd, short ev, void *arg)
{
	struct pagerd	*pd = arg;

	log_warnx("stop deadline passed: exiting with writes in flight");
	event_base_loopexit(pd->base, NULL);
}

/* The store and the notifiers each call this once they are idle. */
static void
drained(void *arg)
{
	struct pagerd	*pd = arg;
	struct timeval	 tv = { 0, 100000 };

	if (--pd->draining > 0)
		return;
	/* Give the last replies a moment to leave the socket buffers. */
	log_info("store and notifiers drained: exiting");
	event_base_loopexit(pd->base, &tv);
}

static void
stop(evutil_socket_t sig, short ev, void *arg)
{
	struct pagerd	*pd = arg;
	struct timeval	 tv = { STOP_DEADLINE_MS / 1000,
	    (STOP_DEADLINE_MS % 1000) * 1000 };

	if (pd->stopping)
		return;
	pd->stopping = 1;
	sdnotify_stopping();
	log_info("signal %d: stopping", (int)sig);
	if (pd->http != NULL)
		http_stop_accepting(pd->http);
	udp_stop(pd->udp);
	pd->udp = NULL;
	timers_stop(pd->timers);
	escalation_stop(pd->escalation);
	silences_stop(pd->silences);
	overrides_stop(pd->rota_overrides);
	replies_stop(pd->replies);
	syslog_in_stop(pd->syslog);
	pd->syslog = NULL;
	pd->ev_stop_deadline = evtimer_new(pd->base, stop_now, pd);
	if (pd->ev_stop_deadline != NULL)
		evtimer_add(pd->ev_stop_deadline, &tv);
	pd->draining = 3;
	notifier_host_shutdown(pd->notifiers, drained, pd);
	store_shutdown(pd->store, drained, pd);
	store_shutdown(pd->page_store, drained, pd);
}

int
main(int argc, char *argv[])
{
	struct pagerd		 pd;
	struct perr_list	 errs = { NULL, 0, 0 };
	struct store_settings	 ss;
	struct notifier_set	*nset;
	int			 ch, check = 0, debug = 0, rc = 0;

	memset(&pd, 0, sizeof(pd));
	pd.config_path = SYSCONFDIR "/pagerd/pagerd.conf";
	pd.cred_dir = getenv("CREDENTIALS_DIRECTORY");
	if ((pd.overrides = calloc(argc, sizeof(*pd.overrides))) == NULL)
		fatal("calloc");

	while ((ch = getopt(argc, argv, "c:dhRs:tV")) != -1) {
		switch (ch) {
		case 'c':
			pd.config_path = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'h':
			usage(stdout);
			free(pd.overrides);
			return 0;
		case 'R': {
			char *ref = config_reference();

			if (ref == NULL)
				fatalx("out of memory");
			fputs(ref, stdout);
			free(ref);
			free(pd.overrides);
			return 0;
		}
		case 's': {
			char *eq = strchr(optarg, '=');

			if (eq == NULL || eq == optarg) {
				fprintf(stderr, "pagerd: -s %s: expected "
				    "path=value\n", optarg);
				free(pd.overrides);
				return 2;
			}
			*eq = '\0';
			pd.overrides[pd.n_overrides].path = optarg;
			pd.overrides[pd.n_overrides].value = eq + 1;
			pd.n_overrides++;
			break;
		}
		case 't':
			check = 1;
			break;
		case 'V':
			printf("pagerd %s\n", PACKAGE_VERSION);
			free(pd.overrides);
			return 0;
		default:
			usage(stderr);
			free(pd.overrides);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		free(pd.overrides);
		return 2;
	}

	pd.cfg = load(&pd, &errs);
	if (check) {
		/* Plugins too: a bad plugin setting shows up here. */
		if (pd.cfg != NULL && (nset = notifier_set_load(NULL, pd.cfg,
		    &errs)) != NULL)
			notifier_set_free(nset);
		else if (pd.cfg != NULL) {
			config_free(pd.cfg);
			pd.cfg = NULL;
		}
		if (pd.cfg == NULL) {
			print_errors(&errs);
			fprintf(stderr, "%s: %zu error%s\n", pd.config_path,
			    errs.n, errs.n == 1 ? "" : "s");
			perr_list_clear(&errs);
			free(pd.overrides);
			return 1;
		}
		(void)rota_check(pd.cfg->rotas, pagerd_now_ms(),
		    CHECK_ROTA_DAYS, print_warning, (void *)pd.config_path);
		config_check_paging(pd.cfg, print_paging_warning,
		    (void *)pd.config_path);
		printf("%s: configuration OK\n", pd.config_path);
		config_free(pd.cfg);
		free(pd.overrides);
		return 0;
	}
	if (pd.cfg == NULL) {
		print_errors(&errs);
		fprintf(stderr, "pagerd: %s: %zu error%s, not starting\n",
		    pd.config_path, errs.n, errs.n == 1 ? "" : "s");
		perr_list_clear(&errs);
		free(pd.overrides);
		return 1;
	}
	log_init(debug ? LOG_DEBUG : pd.cfg->log_level, pd.cfg->log_syslog,
	    "pagerd");

	/* A peer that hangs up mid-reply must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);

	if ((pd.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	if ((pd.metrics = metrics_new()) == NULL)
		fatalx("out of memory");
	declare_metrics(pd.metrics);

	if (pd.cfg->redis_spawn) {
		pd.spawn = redis_spawn_start(pd.base, pd.cfg->redis_server,
		    pd.cfg->state_dir, pd.cfg->redis_appendfsync, pd.metrics,
		    spawned_addr, sizeof(spawned_addr));
		if (pd.spawn == NULL)
			fatalx("cannot start the embedded redis-server (%s)",
			    pd.cfg->redis_server);
	}
	/*
	 * Both count errors and reconnects; pagerd_redis_up (both ready)
	 * is set at each scrape (http_api.c).
	 */
	if ((pd.store = store_new(pd.base, pd.metrics, "pagerd-intake")) ==
	    NULL || (pd.page_store = store_new(pd.base, pd.metrics,
	    "pagerd-page")) == NULL)
		fatalx("out of memory");
	store_settings_of(pd.cfg, pd.spawn != NULL ? spawned_addr : NULL, &ss);
	if (store_configure(pd.store, &ss) == -1 ||
	    store_configure(pd.page_store, &ss) == -1)
		fatalx("redis.address %s is not usable", ss.address);

	if ((pd.notifiers = notifier_host_new(&pd)) == NULL)
		fatalx("cannot start the notifier host");
	if ((nset = notifier_set_load(pd.notifiers, pd.cfg, &errs)) == NULL) {
		print_errors(&errs);
		fprintf(stderr, "pagerd: %s: %zu error%s, not starting\n",
		    pd.config_path, errs.n, errs.n == 1 ? "" : "s");
		perr_list_clear(&errs);
		rc = 1;
		goto out;
	}
	notifier_set_activate(pd.notifiers, nset);
	if ((pd.replies = replies_start(&pd)) == NULL)
		fatalx("out of memory");
	if ((pd.http = http_start(&pd)) == NULL) {
		rc = 1;
		goto out;
	}
	if ((pd.udp = udp_start(&pd)) == NULL ||
	    (pd.syslog = syslog_in_start(&pd)) == NULL) {
		rc = 1;
		goto out;
	}
	if ((pd.escalation = escalation_start(&pd)) == NULL ||
	    (pd.timers = timers_start(&pd)) == NULL ||
	    (pd.silences = silences_start(&pd)) == NULL ||
	    (pd.rota_overrides = overrides_start(&pd)) == NULL ||
	    (pd.redis_host = redis_host_start(&pd)) == NULL)
		fatalx("out of memory");

	pd.ev_sighup = evsignal_new(pd.base, SIGHUP, reload, &pd);
	pd.ev_sigterm = evsignal_new(pd.base, SIGTERM, stop, &pd);
	pd.ev_sigint = evsignal_new(pd.base, SIGINT, stop, &pd);
	if (pd.ev_sighup == NULL || pd.ev_sigterm == NULL ||
	    pd.ev_sigint == NULL || evsignal_add(pd.ev_sighup, NULL) == -1 ||
	    evsignal_add(pd.ev_sigterm, NULL) == -1 ||
	    evsignal_add(pd.ev_sigint, NULL) == -1)
		fatalx("cannot install signal handlers");

	log_info("pagerd %s started (config %s)", PACKAGE_VERSION,
	    pd.config_path);
	sdnotify_ready();
	event_base_dispatch(pd.base);
	log_info("pagerd stopped");

out:
	/*
	 * Notifiers first: sends still in flight are answered (a test
	 * request's HTTP reply, the engine's store work) and inbound hooks
	 * get their 503 while the HTTP server and the store still exist.
	 */
	notifier_host_free(pd.notifiers);
	http_free(pd.http);
	udp_stop(pd.udp);
	syslog_in_stop(pd.syslog);
	store_free(pd.store);
	store_free(pd.page_store); /* answers the timers' calls in flight */
	timers_free(pd.timers);
	silences_free(pd.silences);
	overrides_free(pd.rota_overrides);
	escalation_free(pd.escalation);	/* after the host and the store */
	/* After the store and the engine: their calls have been answered. */
	replies_free(pd.replies);
	redis_host_free(pd.redis_host);
	if (pd.spawn != NULL)
		redis_spawn_stop(pd.spawn);
	if (pd.ev_sighup != NULL)
		event_free(pd.ev_sighup);
	if (pd.ev_sigterm != NULL)
		event_free(pd.ev_sigterm);
	if (pd.ev_sigint != NULL)
		event_free(pd.ev_sigint);
	if (pd.ev_stop_deadline != NULL)
		event_free(pd.ev_stop_deadline);
	metrics_free(pd.metrics);
	config_free(pd.cfg);
	event_base_free(pd.base);
	free(pd.overrides);
	return rc;
}
