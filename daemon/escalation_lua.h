/*
 * daemon/escalation_lua.h — the Lua scripts of the escalation engine and
 * its outbox (keys: daemon/escalation.h). Each runs atomically in Redis,
 * so several instances can share one incident without paging twice.
 * The ARGV of each is documented next to its text in escalation_lua.c.
 */
#ifndef PAGERD_ESCALATION_LUA_H
#define PAGERD_ESCALATION_LUA_H

#include "store.h"

extern struct store_lua	esc_lua_step;		/* a step falls due */
extern struct store_lua	esc_lua_release;	/* contact:/retry: due */
extern struct store_lua	esc_lua_unack;		/* a timed ack ends */
extern struct store_lua	esc_lua_act;		/* ack/resolve/escalate */
extern struct store_lua	esc_lua_group;		/* XGROUP CREATE once */
extern struct store_lua	esc_lua_read;		/* read, drop the moot */
extern struct store_lua	esc_lua_done;		/* a send's result */
extern struct store_lua	esc_lua_delivery;	/* a provider's report */
extern struct store_lua	esc_lua_inform;		/* no incident */

/* Compose the scripts built from several parts; -1 out of memory. */
int			esc_lua_init(void);

#endif /* PAGERD_ESCALATION_LUA_H */
