/*
 * daemon/log.h — the daemon's logging: to stderr (systemd's journal picks
 * it up) or syslog. OpenBSD style: log_warn appends strerror(errno);
 * fatal/fatalx only before the loop starts or for impossible states.
 */
#ifndef PAGERD_LOG_H
#define PAGERD_LOG_H

#include <stdarg.h>
#include <stdint.h>
#include <syslog.h>

/* level: LOG_ERR .. LOG_DEBUG; use_syslog: 0 = stderr. Callable again. */
void	log_init(int level, int use_syslog, const char *ident);
void	log_setlevel(int level);
int	log_getlevel(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * A limit for one noisy message (a flood of bad datagrams must not flood
 * the journal): at most burst messages per second; the rest are counted
 * and their number is logged with the next message let through.
 */
struct log_limit {
	int64_t		 window_s;
	int		 count;
	int		 burst;
	long		 suppressed;
};

#define LOG_LIMIT_INIT(burst)	{ 0, 0, (burst), 0 }

/* Log at warning level through the limit. */
void	log_warnx_limited(struct log_limit *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif /* PAGERD_LOG_H */
