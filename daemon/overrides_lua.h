/*
 * daemon/overrides_lua.h — the scripts of runtime overrides, for
 * daemon/overrides*.c only. Key layout and fields: daemon/overrides.h.
 */
#ifndef PAGERD_OVERRIDES_LUA_H
#define PAGERD_OVERRIDES_LUA_H

#include "store.h"

/* The fields every script answers with, in this order (Lua FIELDS). */
enum {
	OVF_ID, OVF_PERSON, OVF_COVERS, OVF_LEVEL, OVF_FROM, OVF_UNTIL,
	OVF_NOTE, OVF_CREATED_BY, OVF_CREATED_AT, OVF_N
};

extern struct store_lua	overrides_lua_list;
extern struct store_lua	overrides_lua_add;
extern struct store_lua	overrides_lua_delete;

#endif /* PAGERD_OVERRIDES_LUA_H */
