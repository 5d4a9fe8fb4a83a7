/*
 * daemon/sdnotify.c — sd_notify(3) when built with libsystemd.
 */
#include "autoconf.h"

#include "sdnotify.h"

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>

void
sdnotify_ready(void)
{
	sd_notify(0, "READY=1");
}

void
sdnotify_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void
sdnotify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void
sdnotify_status(const char *status)
{
	sd_notifyf(0, "STATUS=%s", status);
}
#else
void sdnotify_ready(void) {}
void sdnotify_reloading(void) {}
void sdnotify_stopping(void) {}
void sdnotify_status(const char *status) { (void)status; }
#endif
