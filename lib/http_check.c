/* lib/http_check.c — stub, being written. */
#include "config.h"
int http_check_stub_;
