/*
 * daemon/escalation_lua.c — the text of the escalation engine's Lua
 * scripts (keys: daemon/escalation.h). Every script gets P, the key
 * prefix, as ARGV[1] and the time (ms, pagerd's clock) as ARGV[2].
 *
 * Idempotency keys are "ID:EPOCH:STEP:ROUND:PERSON:RULE": EPOCH counts
 * restarts of the incident's escalation (timed ack over, severity
 * raised), so a restarted step gets new keys while a retry of one
 * notification keeps its own.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>

#include "escalation_lua.h"
#include "escalation_shared_lua.h"
#include "store_lua.h"

/*
 * A later contact rule (contact:IDEM) or a retry (retry:IDEM) falls due:
 * its notification goes to the outbox if the incident is still
 * triggered. ARGV: P, now, member. Returns 1 when it queued one.
 */
#define LUA_RELEASE \
	"local m = ARGV[3]\n" \
	"redis.call('ZREM', P .. 'timers', m)\n" \
	"local idem = string.match(m, '^%a+:(.+)$')\n" \
	"if not idem then return 0 end\n" \
	"local kv = redis.call('HGETALL', P .. 'note:' .. idem)\n" \
	"if #kv == 0 then return 0 end\n" \
	"redis.call('DEL', P .. 'note:' .. idem)\n" \
	"local f = fields(kv)\n" \
	"if not f.incident then\n" \
	"  redis.call('XADD', P .. 'outbox', '*', unpack(kv))\n" \
	"  return 1\n" \
	"end\n" \
	"redis.call('SREM',\n" \
	"    P .. 'incident:' .. f.incident .. ':esc_timers', m)\n" \
	"if redis.call('HGET', P .. 'incident:' .. f.incident, 'status') ~=\n" \
	"    'triggered' then\n" \
	"  return 0\n" \
	"end\n" \
	"redis.call('XADD', P .. 'outbox', '*', unpack(kv))\n" \
	"return 1\n"

/*
 * A timed ack ends (unack:ID). ARGV: P, now, id. If the incident is
 * still acknowledged and open, it is triggered again and escalation
 * starts over at step 1. Returns 1 when it did.
 */
#define LUA_UNACK \
	"local id = ARGV[3]\n" \
	"local ikey = P .. 'incident:' .. id\n" \
	"disarm(id, 'unack:' .. id)\n" \
	"local h = redis.call('HMGET', ikey, 'status', 'ack_until',\n" \
	"    'esc_epoch')\n" \
	"if h[1] ~= 'acknowledged' or (tonumber(h[2]) or 0) > now then\n" \
	"  return 0\n" \
	"end\n" \
	"redis.call('HSET', ikey, 'status', 'triggered', 'updated', now,\n" \
	"    'esc_epoch', (tonumber(h[3]) or 0) + 1, 'esc_step', 0,\n" \
	"    'esc_round', 0, 'esc_due', now)\n" \
	"redis.call('HDEL', ikey, 'ack_until')\n" \
	"arm(id, 'esc:' .. id, now)\n" \
	"tl(id, 'event', 'unacknowledged', 'at', now)\n" \
	"return 1\n"

/*
 * ARGV: P, now, id, action ("ack", "resolve", "escalate"), who, via,
 * for_ms, retention_ms. Returns {outcome ("done", "already",
 * "notfound"), title, status}. Runs after store_lua_write_lib (resolve()
 * of an alert): a resolved incident's firing alerts resolve too, so a
 * repeat of one opens a new incident and inhibition counts stay right.
 */
#define LUA_ACT \
	"local id, action, who, via = ARGV[3], ARGV[4], ARGV[5], ARGV[6]\n" \
	"local for_ms = tonumber(ARGV[7]) or 0\n" \
	"local ikey = P .. 'incident:' .. id\n" \
	"local h = redis.call('HMGET', ikey, 'status', 'title',\n" \
	"    'group_key',\n" \
	"    'esc_step')\n" \
	"if not h[1] then return {'notfound', '', ''} end\n" \
	"local st, title = h[1], h[2] or ''\n" \
	"if action == 'ack' then\n" \
	"  if st ~= 'triggered' then return {'already', title, st} end\n" \
	"  redis.call('HSET', ikey, 'status', 'acknowledged', 'acked_by',\n" \
	"      who,\n" \
	"      'acked_via', via, 'acked_at', now, 'updated', now)\n" \
	"  stop_all(id)\n" \
	"  if for_ms > 0 then\n" \
	"    redis.call('HSET', ikey, 'ack_until', now + for_ms)\n" \
	"    arm(id, 'unack:' .. id, now + for_ms)\n" \
	"    tl(id, 'event', 'acknowledged', 'by', who, 'via', via,\n" \
	"        'until', now + for_ms, 'at', now)\n" \
	"  else\n" \
	"    redis.call('HDEL', ikey, 'ack_until')\n" \
	"    tl(id, 'event', 'acknowledged', 'by', who, 'via', via, 'at',\n" \
	"        now)\n" \
	"  end\n" \
	"  redis.call('XADD', P .. 'events', 'MAXLEN', '~', 100000, '*',\n" \
	"      'type', 'acknowledged', 'incident', id, 'by', who, 'at',\n" \
	"          now)\n" \
	"  return {'done', title, 'acknowledged'}\n" \
	"elseif action == 'resolve' then\n" \
	"  if st == 'resolved' then return {'already', title, st} end\n" \
	"  -- As the ingest script closes one: indexes, group, timers.\n" \
	"  redis.call('HSET', ikey, 'status', 'resolved', 'resolved_at',\n" \
	"      now,\n" \
	"      'resolved_by', who, 'updated', now)\n" \
	"  redis.call('ZREM', P .. 'incidents:triggered', id)\n" \
	"  redis.call('ZADD', P .. 'incidents:resolved', id, id)\n" \
	"  redis.call('ZREM', P .. 'timers', 'notify:' .. id)\n" \
	"  if h[3] and h[3] ~= '' then\n" \
	"    local gkey = P .. 'group:' .. h[3]\n" \
	"    if redis.call('GET', gkey) == id then redis.call('DEL',\n" \
	"        gkey) end\n" \
	"  end\n" \
	"  stop_all(id)\n" \
	"  free_codes(P, id)\n" \
	"  tl(id, 'event', 'resolved', 'by', who, 'via', via, 'at', now)\n" \
	"  for _, fp in ipairs(redis.call('SMEMBERS',\n" \
	"      ikey .. ':alerts')) do\n" \
	"    local akey = P .. 'alert:' .. fp\n" \
	"    local a = redis.call('HMGET', akey, 's', 'i')\n" \
	"    if a[1] == 'firing' and a[2] == id then\n" \
	"      resolve(P, fp, akey, id, now, tonumber(ARGV[8]) or 0)\n" \
	"    end\n" \
	"  end\n" \
	"  return {'done', title, 'resolved'}\n" \
	"else\n" \
	"  -- esc_step is the step due next; -1 or none: nothing left.\n" \
	"  if st ~= 'triggered' or (tonumber(h[4]) or -1) < 0 then\n" \
	"    return {'already', title, st}\n" \
	"  end\n" \
	"  redis.call('HSET', ikey, 'esc_due', now)\n" \
	"  arm(id, 'esc:' .. id, now)\n" \
	"  tl(id, 'event', 'escalate_requested', 'by', who, 'via', via,\n" \
	"      'step', tonumber(h[4]) + 1, 'at', now)\n" \
	"  return {'done', title, st}\n" \
	"end\n"

/* ARGV: P, now. The consumer group, from the stream's start: entries
 * queued before any instance made it are sent too. */
#define LUA_GROUP \
	"pcall(redis.call, 'XGROUP', 'CREATE', P .. 'outbox', 'pagerd',\n" \
	"    '0',\n" \
	"    'MKSTREAM')\n" \
	"return redis.call('XLEN', P .. 'outbox')\n"

/*
 * A send's result. ARGV: P, now, stream id, result ("delivered",
 * "retry", "failed"), retry_at, reason, provider_id, then the entry's
 * fields as name, value pairs (attempt already the next one for a
 * retry). Acks and deletes the entry; delivered: timeline and the
 * provider id -> idem map (7 days) for delivery reports; retry: a
 * retry: timer; failed: timeline, and the person's next contact rule
 * now. Returns 0 when the entry was not pending (another instance
 * finished it), else 1.
 */
#define LUA_DONE \
	"local eid, res, retry_at = ARGV[3], ARGV[4], tonumber(ARGV[5])\n" \
	"local reason, prov = ARGV[6], ARGV[7]\n" \
	"local kv = {}\n" \
	"for j = 8, #ARGV do kv[#kv + 1] = ARGV[j] end\n" \
	"local f = fields(kv)\n" \
	"local acked = redis.call('XACK', P .. 'outbox', 'pagerd', eid)\n" \
	"redis.call('XDEL', P .. 'outbox', eid)\n" \
	"if acked == 0 then return 0 end\n" \
	"if not f.incident then\n" \
	"  -- escalation_inform's: no incident, no timeline; retried alone.\n" \
	"  if res == 'retry' then\n" \
	"    redis.call('HSET', P .. 'note:' .. f.idem, unpack(kv))\n" \
	"    redis.call('ZADD', P .. 'timers', retry_at,\n" \
	"        'retry:' .. f.idem)\n" \
	"  end\n" \
	"  return 1\n" \
	"end\n" \
	"local id = f.incident\n" \
	"if res == 'delivered' then\n" \
	"  tl(id, 'event', 'delivered', 'person', f.person, 'notifier',\n" \
	"      f.notifier, 'provider_id', prov, 'attempt', f.attempt, 'at',\n" \
	"          now)\n" \
	"  if prov ~= '' then\n" \
	"    redis.call('SET',\n" \
	"        P .. 'provider:' .. f.notifier .. ':' .. prov,\n" \
	"        f.idem, 'PX', 7 * 86400000)\n" \
	"  end\n" \
	"elseif res == 'retry' then\n" \
	"  -- kv holds the next attempt's number: this one failed.\n" \
	"  tl(id, 'event', 'retry', 'person', f.person, 'notifier',\n" \
	"      f.notifier,\n" \
	"      'reason', reason, 'attempt', (tonumber(f.attempt) or 2) - 1,\n" \
	"      'until', retry_at, 'at', now)\n" \
	"  if redis.call('HGET', P .. 'incident:' .. id, 'status') ==\n" \
	"      'triggered' then\n" \
	"    redis.call('HSET', P .. 'note:' .. f.idem, unpack(kv))\n" \
	"    arm(id, 'retry:' .. f.idem, retry_at)\n" \
	"  end\n" \
	"else\n" \
	"  tl(id, 'event', 'failed', 'person', f.person, 'notifier',\n" \
	"      f.notifier,\n" \
	"      'reason', reason, 'attempt', f.attempt, 'at', now)\n" \
	"  if redis.call('HGET', P .. 'incident:' .. id, 'status') ==\n" \
	"      'triggered' then\n" \
	"    fallback(id, f.idem)\n" \
	"  end\n" \
	"end\n" \
	"return 1\n"

/*
 * escalation_inform(): for information, no incident. ARGV: P, now, idem,
 * person, text, N, then per rule: notifier, address. The first call with
 * an idem queues one entry per rule (idem IDEM:K); later ones nothing
 * (7 days). Returns the number queued, -1 for a repeat.
 */
#define LUA_INFORM \
	"local idem, pid, text = ARGV[3], ARGV[4], ARGV[5]\n" \
	"if not redis.call('SET', P .. 'inform:' .. idem, now, 'NX', 'PX',\n" \
	"    7 * 86400000) then\n" \
	"  return -1\n" \
	"end\n" \
	"local n = tonumber(ARGV[6])\n" \
	"for k = 0, n - 1 do\n" \
	"  redis.call('XADD', P .. 'outbox', '*', 'kind', 'inform',\n" \
	"      'person', pid, 'notifier', ARGV[7 + 2 * k], 'address',\n" \
	"      ARGV[8 + 2 * k], 'title', text, 'reply_code', 0,\n" \
	"      'attempt', 1, 'idem', idem .. ':' .. k)\n" \
	"end\n" \
	"return n\n"

/*
 * A delivery report (e.g. Twilio's status callback). ARGV: P, now,
 * notifier, provider_id, result ("delivered", "failed"), reason. A
 * failure is recorded and brings the person's next contact rule now.
 * Returns 1 when the message was known.
 */
#define LUA_DELIVERY \
	"local idem = redis.call('GET',\n" \
	"    P .. 'provider:' .. ARGV[3] .. ':' ..\n" \
	"    ARGV[4])\n" \
	"if not idem then return 0 end\n" \
	"local id = string.match(idem, '^(%d+):')\n" \
	"local pid = string.match(idem, '^%d+:%d+:%d+:%d+:(.+):%d+$')\n" \
	"if not id or ARGV[5] ~= 'failed' then return 1 end\n" \
	"tl(id, 'event', 'failed', 'person', pid or '', 'notifier',\n" \
	"    ARGV[3],\n" \
	"    'provider_id', ARGV[4], 'reason',\n" \
	"        'delivery report: ' .. ARGV[6],\n" \
	"    'at', now)\n" \
	"if redis.call('HGET', P .. 'incident:' .. id, 'status') ==\n" \
	"    'triggered' then\n" \
	"  fallback(id, idem)\n" \
	"end\n" \
	"return 1\n"

struct store_lua esc_lua_step = { "escalation step", ESC_LIB LUA_STEP, "" };
struct store_lua esc_lua_release = { "escalation release",
    ESC_LIB LUA_RELEASE, "" };
struct store_lua esc_lua_unack = { "escalation unack", ESC_LIB LUA_UNACK, "" };
/* Its text is composed at start (esc_lua_init()). */
struct store_lua esc_lua_act = { "escalation act", NULL, "" };
struct store_lua esc_lua_group = { "outbox group", ESC_LIB LUA_GROUP, "" };
struct store_lua esc_lua_read = { "outbox read", ESC_LIB LUA_READ, "" };
struct store_lua esc_lua_done = { "outbox done", ESC_LIB LUA_DONE, "" };
struct store_lua esc_lua_inform = { "escalation inform", ESC_LIB LUA_INFORM,
    "" };
struct store_lua esc_lua_delivery = { "outbox delivery",
    ESC_LIB LUA_DELIVERY, "" };

int
esc_lua_init(void)
{
	static char	*act;

	if (act == NULL && asprintf(&act, "%s%s%s", store_lua_write_lib,
	    ESC_LIB, LUA_ACT) == -1) {
		act = NULL;
		return -1;
	}
	esc_lua_act.text = act;
	return 0;
}
