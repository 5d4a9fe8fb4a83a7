/* daemon/http_api.c — stub, being written. */
#include "config.h"
int http_api_stub_;
