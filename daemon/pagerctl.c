/*
 * daemon/pagerctl.c — pagerctl, the admin CLI: asks pagerd's HTTP API
 * whether it is healthy and what incidents it holds, and prints readable
 * tables (or the server's JSON). Blocking libcurl easy calls are fine
 * here: a CLI has nothing else to do while it waits. It shares no state
 * with the daemon: the incident commands speak only the HTTP API, and
 * the rota commands (oncall, schedule) also read the config files with
 * lib/ so that an edit can be seen before the reload.
 *
 * This file reads the command line and calls the command; the commands
 * are in pagerctl_*.c, and pagerctl.h is what those files share.
 */
#include "autoconf.h"

#include <sys/ioctl.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "pagerctl.h"

#define DEFAULT_URL	"http://127.0.0.1:8080"
#define DEFAULT_TIMEOUT_MS 10000

#define DEFAULT_CONFIG	SYSCONFDIR "/pagerd/pagerd.conf"
#define SCHEDULE_DAYS	14	/* --days when not given */

/* Longest token we accept, from any source. */
#define TOKEN_MAX	4096

static void
usage(FILE *f)
{
	fprintf(f,
"usage: pagerctl [-u URL] [-T TOKEN | --token-file FILE] [--json]\n"
"                [--timeout SECS] COMMAND [ARGS]\n"
"\n"
"Commands:\n"
"  status             is pagerd up, and its Redis? (exit 0 ok, 1 unhealthy)\n"
"  incidents [--status triggered|resolved|all] [--limit N]\n"
"                     list incidents, newest first (default: all, 50)\n"
"  incident ID        one incident with its alerts and timeline (pages,\n"
"                     deliveries, skips, acks, escalations, resolves)\n"
"  ack ID [--for D] [--author NAME]\n"
"                     acknowledge: stop paging (--for 2h: page again\n"
"                     then if still open); NAME defaults to $USER\n"
"  resolve ID [--author NAME]  close the incident\n"
"  escalate ID [--author NAME] page the next step now\n"
"  silence add MATCHER... --duration D --comment TEXT [--author NAME]\n"
"                     silence matching alerts, e.g. 'alertname=\"DiskFull\"'\n"
"                     'env=~\"prod.*\"' --duration 2h (author: $USER)\n"
"  silence list [--all]  active and pending silences (--all: expired too)\n"
"  silence expire ID  end a silence now\n"
"  oncall [ROTA] [--at \"YYYY-MM-DD HH:MM\"]\n"
"                     who is on call now or then (on each rota's wall\n"
"                     clock), per level, why, and until when; reads the\n"
"                     config (-c), or asks pagerd when -u is given alone\n"
"  schedule ROTA [--from DATE] [--days N]\n"
"                     the shifts on the rota's wall clock (default: from\n"
"                     today for 14 days); reads the config (-c), or\n"
"                     asks pagerd when -u is given alone\n"
"  schedule-diff OLD.conf NEW.conf ROTA [--from DATE] [--days N]\n"
"                     who gains and who loses which shifts with an edit\n"
"                     (exit 0 no change, 1 changes, 2 trouble)\n"
"  fairness ROTA [--from DATE] [--days N]\n"
"                     hours on call per person: business hours (mon-fri\n"
"                     09-18), nights, weekends, holidays; reads the\n"
"                     config (-c), or asks pagerd when -u is given alone\n"
"  override add ROTA --person P (--covers Q | --level L) [--from T]\n"
"               --until T [--note TEXT]\n"
"                     P takes over from Q (or a whole level, by number\n"
"                     or name) from T (default: now) until T, on the\n"
"                     rota's wall clock or RFC 3339; kept by pagerd\n"
"  override list ROTA the rota's live overrides (files and API)\n"
"  override rm ROTA ID  remove an override made with override add\n"
"  check              the report of pagerd -t for the config (-c): errors\n"
"                     (exit 1) and rota warnings for the next 90 days\n"
"                     with -u and no -c: the daemon's rota warnings,\n"
"                     with the overrides made through its API\n"
"  notifiers          the notifier instances pagerd runs\n"
"  notify-test NAME ADDRESS [TITLE]\n"
"                     send one test notification through notifier NAME\n"
"                     to ADDRESS (a phone number, email or id, as NAME\n"
"                     delivers) and show the provider's verdict\n"
"\n"
"Options:\n"
"  -c, --config FILE  pagerd's config for oncall and schedule (default:\n"
"                     " DEFAULT_CONFIG ")\n"
"  -u, --url URL      pagerd's HTTP API (default: $PAGERD_URL, else\n"
"                     " DEFAULT_URL ")\n"
"  -T, --token TOKEN  API token (default: $PAGERD_TOKEN); others on this\n"
"                     host can see arguments: prefer --token-file\n"
"      --token-file FILE  read the API token from FILE\n"
"  -j, --json         print the server's JSON instead of tables\n"
"      --timeout SECS give up after SECS seconds (default: 10)\n"
"  -h, --help         show this help\n"
"      --version      show the version\n"
"\n"
"Exit status: 0 done; 1 the server answered with an error, \"not found\"\n"
"or unhealthy; 2 no usable answer (cannot connect, timeout); 64 usage.\n");
}

void
usage_error(const char *fmt, ...)
{
	va_list	 ap;

	fputs("pagerctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'pagerctl --help'.\n", stderr);
	exit(PCTL_USAGE);
}

/*
 * Tokens go into a header line: a CR or LF in one would let it forge
 * headers, so only visible ASCII is accepted.
 */
static int
token_ok(const char *t)
{
	size_t	 n = strlen(t);

	if (n == 0 || n > TOKEN_MAX)
		return 0;
	for (; *t != '\0'; t++)
		if (*t < 0x21 || *t > 0x7e)
			return 0;
	return 1;
}

/* The first line of FILE, trailing whitespace removed; malloc'd. */
static char *
read_token_file(const char *path)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "re")) == NULL)
		usage_error("--token-file %s: %s", path, strerror(errno));
	if ((buf = malloc(TOKEN_MAX + 2)) == NULL)
		usage_error("out of memory");
	n = fread(buf, 1, TOKEN_MAX + 1, f);
	if (ferror(f))
		usage_error("--token-file %s: %s", path, strerror(errno));
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	if (!token_ok(buf))
		usage_error("--token-file %s: no usable token (one line of "
		    "visible ASCII, at most %d bytes)", path, TOKEN_MAX);
	return buf;
}

static char *
base_url(const char *u)
{
	char	*s;
	size_t	 n;

	if (strncasecmp(u, "http://", 7) != 0 &&
	    strncasecmp(u, "https://", 8) != 0)
		usage_error("URL \"%s\" must start with http:// or https://",
		    u);
	if (strpbrk(u, " \t\r\n") != NULL || strlen(u) > 2000)
		usage_error("URL \"%s\" is not usable", u);
	if ((s = strdup(u)) == NULL)
		usage_error("out of memory");
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

static int
terminal_width(void)
{
	struct winsize	 ws;

	if (!isatty(STDOUT_FILENO) ||
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == -1 || ws.ws_col == 0)
		return 0;
	return ws.ws_col;
}

enum {
	OPT_TOKEN_FILE = 256,
	OPT_DURATION,
	OPT_COMMENT,
	OPT_AUTHOR,
	OPT_ALL,
	OPT_TIMEOUT,
	OPT_VERSION,
	OPT_AT,
	OPT_FROM,
	OPT_DAYS,
	OPT_PERSON,
	OPT_COVERS,
	OPT_LEVEL,
	OPT_UNTIL,
	OPT_NOTE,
	OPT_FOR
};

static const struct option longopts[] = {
	{ "all",	no_argument,		NULL, OPT_ALL },
	{ "at",		required_argument,	NULL, OPT_AT },
	{ "author",	required_argument,	NULL, OPT_AUTHOR },
	{ "comment",	required_argument,	NULL, OPT_COMMENT },
	{ "config",	required_argument,	NULL, 'c' },
	{ "covers",	required_argument,	NULL, OPT_COVERS },
	{ "days",	required_argument,	NULL, OPT_DAYS },
	{ "duration",	required_argument,	NULL, OPT_DURATION },
	{ "for",	required_argument,	NULL, OPT_FOR },
	{ "from",	required_argument,	NULL, OPT_FROM },
	{ "help",	no_argument,		NULL, 'h' },
	{ "json",	no_argument,		NULL, 'j' },
	{ "level",	required_argument,	NULL, OPT_LEVEL },
	{ "limit",	required_argument,	NULL, 'n' },
	{ "note",	required_argument,	NULL, OPT_NOTE },
	{ "person",	required_argument,	NULL, OPT_PERSON },
	{ "status",	required_argument,	NULL, 's' },
	{ "timeout",	required_argument,	NULL, OPT_TIMEOUT },
	{ "token",	required_argument,	NULL, 'T' },
	{ "token-file",	required_argument,	NULL, OPT_TOKEN_FILE },
	{ "until",	required_argument,	NULL, OPT_UNTIL },
	{ "url",	required_argument,	NULL, 'u' },
	{ "version",	no_argument,		NULL, OPT_VERSION },
	{ NULL,		0,			NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct ctl	 ctl;
	struct silence_opts so;
	struct rota_opts ro;
	struct override_opts oo;
	const char	*url = NULL, *token = NULL, *token_file = NULL;
	const char	*token_src = "-T";
	const char	*status = NULL, *cmd, *e, *ack_for = NULL;
	char		*end;
	double		 secs;
	long		 limit = 50;
	int		 ch, ret, have_limit = 0;

	memset(&ctl, 0, sizeof(ctl));
	memset(&so, 0, sizeof(so));
	memset(&ro, 0, sizeof(ro));
	memset(&oo, 0, sizeof(oo));
	ro.days = SCHEDULE_DAYS;
	ctl.timeout_ms = DEFAULT_TIMEOUT_MS;

	/* Options may come before or after the command ("incidents --json"). */
	opterr = 0;	/* our messages, in our format */
	while ((ch = getopt_long(argc, argv, ":c:hjn:s:T:u:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			ro.config = optarg;
			break;
		case 'h':
			usage(stdout);
			return PCTL_OK;
		case 'j':
			ctl.json = 1;
			break;
		case 'n':
			errno = 0;
			limit = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0 ||
			    limit < 1 || limit > 1000)
				usage_error("--limit must be from 1 to 1000");
			have_limit = 1;
			break;
		case 's':
			if (strcmp(optarg, "triggered") != 0 &&
			    strcmp(optarg, "resolved") != 0 &&
			    strcmp(optarg, "all") != 0)
				usage_error("--status must be triggered, "
				    "resolved or all");
			status = optarg;
			break;
		case 'T':
			token = optarg;
			break;
		case 'u':
			url = optarg;
			break;
		case OPT_TIMEOUT:
			secs = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' ||
			    !(secs > 0 && secs <= 3600))
				usage_error("--timeout must be seconds, more "
				    "than 0 and at most 3600");
			ctl.timeout_ms = (long)(secs * 1000 + 0.5);
			if (ctl.timeout_ms < 1)
				ctl.timeout_ms = 1;
			break;
		case OPT_TOKEN_FILE:
			token_file = optarg;
			break;
		case OPT_FOR:
			ack_for = optarg;
			break;
		case OPT_DURATION:
			so.duration = optarg;
			break;
		case OPT_COMMENT:
			so.comment = optarg;
			break;
		case OPT_AUTHOR:
			so.author = optarg;
			break;
		case OPT_ALL:
			so.all = 1;
			break;
		case OPT_AT:
			ro.at = optarg;
			break;
		case OPT_FROM:
			ro.from = optarg;
			break;
		case OPT_DAYS:
			errno = 0;
			ro.days = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0 ||
			    ro.days < 1 || ro.days > 3660)
				usage_error("--days must be from 1 to 3660");
			break;
		case OPT_PERSON:
			oo.person = optarg;
			break;
		case OPT_COVERS:
			oo.covers = optarg;
			break;
		case OPT_LEVEL:
			oo.level = optarg;
			break;
		case OPT_UNTIL:
			oo.until = optarg;
			break;
		case OPT_NOTE:
			oo.note = optarg;
			break;
		case OPT_VERSION:
			printf("pagerctl (%s) %s\n", PACKAGE_NAME,
			    PACKAGE_VERSION);
			return PCTL_OK;
		case ':':
			usage_error("option %s needs a value",
			    argv[optind - 1]);
		default:
			if (optopt != 0)
				usage_error("unknown option -%c", optopt);
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage_error("no command given");
	cmd = argv[0];

	if (token != NULL && token_file != NULL)
		usage_error("give -T or --token-file, not both");
	if (token == NULL && token_file == NULL &&
	    (e = getenv("PAGERD_TOKEN")) != NULL && *e != '\0') {
		token = e;
		token_src = "$PAGERD_TOKEN";
	}
	if (token_file != NULL)
		ctl.token = read_token_file(token_file);
	else if (token != NULL) {
		if (!token_ok(token))
			usage_error("%s: a token is visible ASCII without "
			    "spaces, at most %d bytes", token_src, TOKEN_MAX);
		if ((ctl.token = strdup(token)) == NULL)
			usage_error("out of memory");
	}
	if (url == NULL && ((e = getenv("PAGERD_URL")) == NULL || *e == '\0'))
		e = DEFAULT_URL;
	ctl.url = base_url(url != NULL ? url : e);
	ctl.width = terminal_width();
	ctl.now = time(NULL);
	tzset();

	if (ack_for != NULL && strcmp(cmd, "ack") != 0)
		usage_error("--for goes with \"ack\"");
	if ((status != NULL || have_limit) && strcmp(cmd, "incidents") != 0)
		usage_error("--status and --limit go with \"incidents\"");
	if ((oo.person || oo.covers || oo.level || oo.until || oo.note) &&
	    strcmp(cmd, "override") != 0)
		usage_error("--person, --covers, --level, --until and --note go "
		    "with \"override add\"");
	if (ro.at != NULL && strcmp(cmd, "oncall") != 0)
		usage_error("--at goes with \"oncall\"");
	if ((ro.from != NULL || ro.days != SCHEDULE_DAYS) &&
	    strcmp(cmd, "schedule") != 0 && strcmp(cmd, "fairness") != 0 &&
	    strcmp(cmd, "schedule-diff") != 0 &&
	    (strcmp(cmd, "override") != 0 || ro.days != SCHEDULE_DAYS))
		usage_error("--from and --days go with \"schedule\", "
		    "\"schedule-diff\" and \"fairness\"");
	/* The rota tools can ask the daemon: -u without -c. */
	ro.api = ro.config == NULL && url != NULL &&
	    (strcmp(cmd, "oncall") == 0 || strcmp(cmd, "schedule") == 0 ||
	    strcmp(cmd, "fairness") == 0 || strcmp(cmd, "check") == 0);
	if (ro.config == NULL)
		ro.config = DEFAULT_CONFIG;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "pagerctl: cannot initialise libcurl\n");
		return PCTL_FAIL;
	}

	if (strcmp(cmd, "status") == 0 && argc == 1)
		ret = cmd_status(&ctl);
	else if (strcmp(cmd, "incidents") == 0 && argc == 1)
		ret = cmd_incidents(&ctl, status ? status : "all", limit);
	else if (strcmp(cmd, "incident") == 0 && argc == 2)
		ret = cmd_incident(&ctl, argv[1]);
	else if (strcmp(cmd, "silence") == 0)
		ret = cmd_silence(&ctl, &so, argc - 1, argv + 1);
	else if ((strcmp(cmd, "ack") == 0 || strcmp(cmd, "resolve") == 0 ||
	    strcmp(cmd, "escalate") == 0) && argc == 2)
		ret = cmd_act(&ctl, cmd, argv[1], ack_for, so.author);
	else if (strcmp(cmd, "oncall") == 0 && argc <= 2)
		ret = cmd_oncall(&ctl, &ro, argc == 2 ? argv[1] : NULL);
	else if (strcmp(cmd, "schedule") == 0 && argc == 2)
		ret = cmd_schedule(&ctl, &ro, argv[1], 0);
	else if (strcmp(cmd, "schedule-diff") == 0 && argc == 4)
		ret = cmd_schedule_diff(&ctl, &ro, argv[1], argv[2], argv[3]);
	else if (strcmp(cmd, "fairness") == 0 && argc == 2)
		ret = cmd_schedule(&ctl, &ro, argv[1], 1);
	else if (strcmp(cmd, "override") == 0)
		ret = cmd_override(&ctl, &ro, &oo, argc - 1, argv + 1);
	else if (strcmp(cmd, "check") == 0 && argc == 1)
		ret = cmd_check(&ctl, &ro);
	else if (strcmp(cmd, "notifiers") == 0 && argc == 1)
		ret = cmd_notifiers(&ctl);
	else if (strcmp(cmd, "notify-test") == 0 && (argc == 3 || argc == 4))
		ret = cmd_notify_test(&ctl, argv[1], argv[2],
		    argc == 4 ? argv[3] : NULL);
	else if (strcmp(cmd, "oncall") == 0 || strcmp(cmd, "schedule") == 0 ||
	    strcmp(cmd, "check") == 0 || strcmp(cmd, "fairness") == 0 ||
	    strcmp(cmd, "schedule-diff") == 0)
		usage_error("%s: wrong number of arguments", cmd);
	else if (strcmp(cmd, "status") == 0 ||
	    strcmp(cmd, "incidents") == 0 || strcmp(cmd, "incident") == 0 ||
	    strcmp(cmd, "ack") == 0 || strcmp(cmd, "resolve") == 0 ||
	    strcmp(cmd, "escalate") == 0 || strcmp(cmd, "notifiers") == 0 ||
	    strcmp(cmd, "notify-test") == 0)
		usage_error("%s: wrong number of arguments", cmd);
	else
		usage_error("unknown command \"%s\"", cmd);

	curl_global_cleanup();
	free(ctl.url);
	free(ctl.token);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "pagerctl: writing output: %s\n",
		    strerror(errno));
		return PCTL_FAIL;
	}
	return ret;
}
