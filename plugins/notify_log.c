/* plugins/notify_log.c — stub, being written. */
#include "config.h"
int notify_log_stub_;
