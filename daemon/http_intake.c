/* daemon/http_intake.c — stub, being written. */
#include "config.h"
int http_intake_stub_;
