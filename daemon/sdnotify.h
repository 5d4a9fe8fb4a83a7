/*
 * daemon/sdnotify.h — tell systemd (Type=notify) we are ready, reloading
 * or stopping. Without libsystemd at build time these do nothing.
 */
#ifndef PAGERD_SDNOTIFY_H
#define PAGERD_SDNOTIFY_H

void	sdnotify_ready(void);
void	sdnotify_reloading(void);
void	sdnotify_stopping(void);
void	sdnotify_status(const char *status);

#endif /* PAGERD_SDNOTIFY_H */
