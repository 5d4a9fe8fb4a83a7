/*
 * daemon/syslog_in.h — syslog intake: RFC 5424 / RFC 3164 datagrams on
 * syslog.listen. Only lines a syslog.rules entry matches become alerts;
 * the rest are counted and dropped. Syslog carries no credentials: keep
 * the listener on loopback or a trusted network.
 */
#ifndef PAGERD_SYSLOG_IN_H
#define PAGERD_SYSLOG_IN_H

struct pagerd;
struct syslog_in;

/* NULL when listening fails (logged); a server with no sockets when
 * syslog.listen is empty. */
struct syslog_in	*syslog_in_start(struct pagerd *);

/* Rebuild the rules from pd->cfg (after a reload). -1: kept the old. */
int			 syslog_in_reconfigure(struct syslog_in *);

void			 syslog_in_stop(struct syslog_in *);

#endif /* PAGERD_SYSLOG_IN_H */
