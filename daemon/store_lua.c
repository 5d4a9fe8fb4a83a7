/* daemon/store_lua.c — stub, being written. */
#include "config.h"
int store_lua_stub_;
