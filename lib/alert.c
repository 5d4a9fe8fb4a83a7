/* lib/alert.c — stub, being written. */
#include "config.h"
int alert_stub_;
