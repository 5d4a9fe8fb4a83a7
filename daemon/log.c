/*
 * daemon/log.c — stderr or syslog logging with levels, and a rate limit
 * for messages a hostile sender can trigger at will.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int	 log_level = LOG_INFO;
static int	 log_to_syslog;

static const char *
level_name(int pri)
{
	switch (pri) {
	case LOG_CRIT:		return "crit";
	case LOG_ERR:		return "error";
	case LOG_WARNING:	return "warning";
	case LOG_NOTICE:	return "notice";
	case LOG_INFO:		return "info";
	default:		return "debug";
	}
}

void
log_init(int level, int use_syslog, const char *ident)
{
	if (log_to_syslog && !use_syslog)
		closelog();
	log_level = level;
	log_to_syslog = use_syslog;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setlevel(int level)
{
	log_level = level;
}

int
log_getlevel(void)
{
	return log_level;
}

static void
vlog(int pri, const char *fmt, va_list ap)
{
	char	 buf[1024];
	int	 saved = errno;

	if (pri > log_level)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_to_syslog)
		syslog(pri, "%s", buf);
	else {
		/* "<N>" prefixes let journald keep the level (sd-daemon(3)). */
		fprintf(stderr, "<%d>pagerd: %s: %s\n", pri, level_name(pri),
		    buf);
		fflush(stderr);
	}
	errno = saved;
}

static void
vlog_errno(int pri, const char *fmt, va_list ap)
{
	char	 buf[1024];
	int	 saved = errno;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	errno = saved;
	if (pri > log_level)
		return;
	if (log_to_syslog)
		syslog(pri, "%s: %s", buf, strerror(saved));
	else {
		fprintf(stderr, "<%d>pagerd: %s: %s: %s\n", pri,
		    level_name(pri), buf, strerror(saved));
		fflush(stderr);
	}
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_errno(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_warnx_limited(struct log_limit *ll, const char *fmt, ...)
{
	struct timespec	 ts;
	va_list		 ap;

	/* The monotonic clock: a wall-clock step must not open the gate. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (ts.tv_sec != ll->window_s) {
		ll->window_s = ts.tv_sec;
		ll->count = 0;
	}
	if (ll->count >= ll->burst) {
		ll->suppressed++;
		return;
	}
	ll->count++;
	if (ll->suppressed > 0) {
		log_warnx("(%ld similar messages suppressed)", ll->suppressed);
		ll->suppressed = 0;
	}
	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}
