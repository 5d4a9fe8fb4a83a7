/*
 * lib/config.h — the typed configuration, loaded from a libconfig file and
 * validated as a whole. Every error is reported as FILE:LINE with the
 * key, and loading goes on so that one run shows all of them. The loader
 * reads files but touches no sockets, clock or environment.
 */
#ifndef PAGERD_CONFIG_H
#define PAGERD_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "esc_plan.h"
#include "perr.h"
#include "route.h"
#include "silence.h"
#include "rota.h"

struct integration {
	char	*name;		/* the group's name, for logs and metrics */
	char	*key;		/* secret: from "key" or read from "key_file" */
	char	*source;	/* source recorded on its alerts */
	char	*service;	/* pinned service name; NULL: routes decide */
	const struct service *svc; /* that service in the same config */
};

struct api_token {
	char	*name;
	char	*token;		/* from "token" or "token_file" */
};

/* syslog.rules = ( { ... } ): which syslog lines become alerts. */
struct syslog_rule_cfg {
	char	*name;
	char	**facility;	/* names; none = any */
	size_t	 n_facility;
	int	 severity;	/* threshold: this or more severe (0 emerg) */
	char	*host;		/* ERE or NULL */
	char	*app;
	char	*message;
	char	*summary;	/* template */
	char	*dedup_key;	/* template or NULL */
	char	**labels;	/* "name=template" */
	size_t	 n_labels;
};

/*
 * One plugin setting of a notifier section, as text (the plugin parses
 * it), with where it was written so the plugin's complaint about it can
 * be printed as FILE:LINE: notifiers.NAME.KEY: message.
 */
struct config_kv {
	char	*key;
	char	*value;		/* strings as written, numbers as digits,
				 * booleans "true"/"false" */
	char	*file;
	int	 line;
};

/* Which field of a person a notifier delivers to. */
enum config_address {
	CONFIG_ADDRESS_PHONE = 0,
	CONFIG_ADDRESS_EMAIL,
	CONFIG_ADDRESS_ID
};

/* notifiers: { NAME: { type = "sms"; ... }; }: one plugin instance. */
struct notifier_cfg {
	char			*name;		/* the group's name */
	char			*type;		/* plugin notify_TYPE.so */
	int			 address;	/* enum config_address */
	int			 max_inflight;	/* sends at once */
	struct config_kv	*settings;	/* every other key, file order */
	size_t			 n_settings;
	char			*file;		/* where the group is */
	int			 line;
};

struct config {
	char			*path;		/* the main file as given */

	/* log { } */
	int			 log_level;	/* syslog(3) LOG_ERR .. LOG_DEBUG */
	int			 log_syslog;	/* 1: syslog, 0: stderr */

	char			*state_dir;	/* top-level "state_dir" */
	char			*plugin_dir;	/* NULL: PKGLIBDIR */

	/* redis { } */
	char			*redis_address;	/* "unix:/path" or "host:port" */
	char			*redis_password; /* NULL when none */
	int			 redis_db;
	char			*redis_prefix;	/* key prefix, e.g. "pagerd:" */
	int			 redis_spawn;	/* run a private redis-server */
	char			*redis_server;	/* its binary */
	char			*redis_appendfsync; /* always|everysec|no */
	int64_t			 redis_connect_timeout_ms;
	int64_t			 redis_reconnect_max_ms;
	int64_t			 redis_command_timeout_ms; /* no reply: reconnect */
	int			 redis_child_nice; /* its forks; 0: as they are */
	int			 redis_drop_aof_cache; /* redis_host.h */
	int			 redis_quiet_rewrite; /* % growth; 0: off (aof_quiet.h) */
	int			 redis_quiet_rate; /* alerts/s still quiet */
	int64_t			 redis_quiet_for_ms; /* quiet this long first */

	/* http { } */
	char			**http_listen;	/* "host:port" each */
	size_t			 n_http_listen;
	size_t			 http_max_body;
	size_t			 http_max_header_size;
	int			 http_max_connections;
	int64_t			 http_request_timeout_ms; /* whole request */
	int64_t			 http_idle_timeout_ms;	  /* keep-alive idle */
	char			*http_public_url; /* "https://x", or NULL */

	/* udp { } */
	char			**udp_listen;
	size_t			 n_udp_listen;
	int			 udp_require_signature; /* refuse unsigned */
	int64_t			 udp_max_skew_ms;	/* signed: clock skew */

	/* syslog { } */
	char			**syslog_listen;
	size_t			 n_syslog_listen;
	char			*syslog_source;
	struct syslog_rule_cfg	*syslog_rules;
	size_t			 n_syslog_rules;

	/* limits { } */
	struct alert_limits	 limits;

	/* store { } */
	int64_t			 store_retention_ms; /* resolved alerts kept */

	/* silences { } */
	int64_t			 silences_max_duration_ms;

	/* inhibit_rules = ( { source, target, equal }, ... ) */
	struct inhibit_rule	*inhibit_rules;
	size_t			 n_inhibit_rules;

	/*
	 * services = ( { name, policy, group_by, ... }, ... ). Always holds
	 * one named "default" (route.h): the loader adds it when the file
	 * does not.
	 */
	struct service		*services;
	size_t			 n_services;
	const struct service	*default_service;

	/* routes = ( { match, service, continue }, ... ), in order */
	struct route		*routes;
	size_t			 n_routes;

	/* severity { default, builtin, rules = ( ... ) } */
	int			 severity_default;	/* 1..3 */
	int			 severity_builtin;	/* built-in mappings too */
	struct severity_rule	*severity_rules;
	size_t			 n_severity_rules;

	/* integrations = ( { name, key | key_file, source, service }, ... ) */
	struct integration	*integrations;
	size_t			 n_integrations;

	/* api { tokens = ( { name, token | token_file }, ... ) } */
	struct api_token	*tokens;
	size_t			 n_tokens;

	/* policies = ( { name, steps, repeat, low_urgency_steps }, ... ) */
	struct esc_policy	*policies;
	size_t			 n_policies;

	/* contact_defaults = ( { notifier, after }, ... ) */
	struct esc_contact	*contact_defaults;
	size_t			 n_contact_defaults;
	/* notifiers: { NAME: { type, address, max_inflight, ... }; } */
	struct notifier_cfg	*notifiers;
	size_t			 n_notifiers;

	/* people { }, holidays { }, rotas { }: as written, and compiled */
	struct rota_set_spec	 oncall;
	struct rota_set		*rotas;
};

/* One "-s path=value" override from the command line. */
struct config_override {
	const char	*path;	/* "http.listen", "redis.spawn", ... */
	const char	*value;	/* parsed by the key's type; lists split on ',' */
};

/*
 * Load and validate path. Overrides are applied on top of the file before
 * validation. cred_dir is where relative key_file / token_file paths are
 * looked up (systemd's $CREDENTIALS_DIRECTORY; NULL: relative to the
 * config file's directory). @include paths are checked before parsing
 * (libconfig 1.5 exit()s on an included directory). Unknown keys, wrong
 * types and out-of-range values are errors naming the key.
 *
 * Returns a new config (free with config_free()) or NULL with every
 * problem appended to errs.
 */
struct config	*config_load(const char *path,
		    const struct config_override *ov, size_t nov,
		    const char *cred_dir, struct perr_list *errs);

void		 config_free(struct config *);

/*
 * Find the integration whose key equals key. Compares in constant time
 * per key so timing does not reveal key prefixes. NULL when none.
 */
const struct integration *config_find_integration(const struct config *,
		    const char *key);

/* The integration named name (not secret: a plain compare). */
const struct integration *config_find_integration_by_name(
		    const struct config *, const char *name);

/* Same for API tokens. */
const struct api_token *config_find_token(const struct config *,
		    const char *token);

/*
 * Warnings for pagerd -t and pagerctl check about paging: once the
 * config has policies, each service without one (its incidents page no
 * one). warn gets each message.
 */
void		 config_check_paging(const struct config *,
		    void (*warn)(void *arg, const char *msg), void *arg);

/* The policy named name; NULL when none. */
const struct esc_policy *config_find_policy(const struct config *,
		    const char *name);

/* The person spec with id (for its contact rules); NULL when none. */
const struct rota_person_spec *config_find_person(const struct config *,
		    const char *id);

/* The notifier section named name; NULL when none. */
const struct notifier_cfg *config_find_notifier(const struct config *,
		    const char *name);

/* The service named name; NULL when none. */
const struct service *config_find_service(const struct config *,
		    const char *name);

/*
 * Print the reference of every key (path, type, default, bounds, doc) as
 * Markdown to buf. Returns a malloc'd string; caller frees.
 */
char		*config_reference(void);

#endif /* PAGERD_CONFIG_H */
