/*
 * daemon/overrides_lua.c — the Lua scripts of runtime overrides (keys in
 * daemon/overrides.h). Checking for a clash and storing happen in one
 * script so that two pagerd instances cannot both accept overlapping
 * overrides. Every script gets its keys through ARGV (ARGV[1] is the
 * prefix) and the clock as an argument: pure scripts replicate safely.
 */
#include "autoconf.h"

#include "overrides_lua.h"

/*
 * The live overrides of one rota, pruning expired ones (until <= now)
 * and members whose hash is gone (deleted through another path). A
 * Lua helper shared by the scripts below.
 */
#define LUA_LIVE \
"local P = ARGV[1]\n" \
"local FIELDS = {'id', 'person', 'covers', 'level', 'from', 'until',\n" \
"    'note', 'created_by', 'created_at'}\n" \
"local function live(rota, now)\n" \
"  local z = P .. 'rota:' .. rota .. ':overrides'\n" \
"  redis.call('ZREMRANGEBYSCORE', z, '-inf', now)\n" \
"  local out = {}\n" \
"  for _, id in ipairs(redis.call('ZRANGE', z, 0, -1)) do\n" \
"    local h = redis.call('HMGET', P .. 'override:' .. id,\n" \
"        unpack(FIELDS))\n" \
"    if h[1] then\n" \
"      table.insert(out, h)\n" \
"    else\n" \
"      redis.call('ZREM', z, id)\n" \
"    end\n" \
"  end\n" \
"  return out\n" \
"end\n"

/*
 * ARGV: prefix, now, rota... Returns one flat array per override:
 * {rota, FIELDS...}.
 */
struct store_lua overrides_lua_list = {
	"overrides list",
	LUA_LIVE
	"local now = tonumber(ARGV[2])\n"
	"local res = {}\n"
	"for i = 3, #ARGV do\n"
	"  for _, h in ipairs(live(ARGV[i], now)) do\n"
	"    table.insert(h, 1, ARGV[i])\n"
	"    table.insert(res, h)\n"
	"  end\n"
	"end\n"
	"return res\n",
	""
};

/*
 * ARGV: prefix, now, rota, person, covers ("" for a level), level (0:
 * every level), from, until, note, created_by, grace_ms, max. Returns
 * {"ok", id}, {"clash", FIELDS of the one in the way...}, or {"full"}
 * when the rota holds max live overrides. The clash rule is
 * override_overlaps() in lib/override.c: keep them the same.
 */
struct store_lua overrides_lua_add = {
	"override add",
	LUA_LIVE
	"local now, rota = tonumber(ARGV[2]), ARGV[3]\n"
	"local person, covers, level = ARGV[4], ARGV[5], tonumber(ARGV[6])\n"
	"local from, untl = tonumber(ARGV[7]), tonumber(ARGV[8])\n"
	"local grace, max = tonumber(ARGV[11]), tonumber(ARGV[12])\n"
	"local all = live(rota, now)\n"
	"for _, h in ipairs(all) do\n"
	"  local oc, ol = h[3], tonumber(h[4])\n"
	"  local of, ou = tonumber(h[5]), tonumber(h[6])\n"
	"  local same\n"
	"  if covers == '' and oc == '' then same = (ol == level)\n"
	"  elseif covers ~= '' and oc ~= '' then\n"
	"    same = (oc == covers) and (level == 0 or ol == 0 or ol == level)\n"
	"  else same = false end\n"
	"  if same and from < ou and of < untl then\n"
	"    local r = {'clash'}\n"
	"    for _, v in ipairs(h) do table.insert(r, v) end\n"
	"    return r\n"
	"  end\n"
	"end\n"
	"if #all >= max then return {'full'} end\n"
	"local id = redis.call('INCR', P .. 'override:seq')\n"
	"local k = P .. 'override:' .. id\n"
	"redis.call('HSET', k, 'id', id, 'rota', rota, 'person', person,\n"
	"    'covers', covers, 'level', level, 'from', ARGV[7],\n"
	"    'until', ARGV[8], 'note', ARGV[9], 'created_by', ARGV[10],\n"
	"    'created_at', ARGV[2])\n"
	"redis.call('PEXPIREAT', k, untl + grace)\n"
	"redis.call('ZADD', P .. 'rota:' .. rota .. ':overrides', untl, id)\n"
	"return {'ok', tostring(id)}\n",
	""
};

/*
 * ARGV: prefix, now, rota, id. Removes the override if it is one of
 * the rota's live ones and returns its FIELDS; {} when there is none.
 */
struct store_lua overrides_lua_delete = {
	"override delete",
	LUA_LIVE
	"local now, rota, id = tonumber(ARGV[2]), ARGV[3], ARGV[4]\n"
	"for _, h in ipairs(live(rota, now)) do\n"
	"  if h[1] == id then\n"
	"    redis.call('ZREM', P .. 'rota:' .. rota .. ':overrides', id)\n"
	"    redis.call('DEL', P .. 'override:' .. id)\n"
	"    return h\n"
	"  end\n"
	"end\n"
	"return {}\n",
	""
};
