/* daemon/store_lua.h */
#ifndef PAGERD_STORE_LUA_H
#define PAGERD_STORE_LUA_H
#endif
