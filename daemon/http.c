/* daemon/http.c — stub, being written. */
#include "config.h"
int http_stub_;
