/*
 * daemon/store_lua.c — the text of the store's Lua scripts (see
 * store_lua.h for the key layout and each script's ARGV). Loaded with
 * SCRIPT LOAD at connect; EVAL'd as they are when Redis has lost them.
 */
#include "autoconf.h"

#include "store_lua.h"

/*
 * Ingest a batch: dedup, incident creation and resolution for N alerts,
 * in order, so a fingerprint that appears twice in one batch behaves as
 * if it had been sent twice. The repeat of a firing alert is the hot
 * path (monitoring re-sends every firing alert each evaluation round):
 * it costs one HMGET, one HINCRBY and two HSETs.
 *
 * A new firing alert opens a new incident; grouping several alerts into
 * one incident (and the alert_added timeline event) comes with routing.
 */
#define LUA_INGEST \
	"local P = ARGV[1]\n" \
	"local now = ARGV[2]\n" \
	"local retention = tonumber(ARGV[3])\n" \
	"local n = tonumber(ARGV[4])\n" \
	"local out = {}\n" \
	"local i = 5\n" \
	"for _ = 1, n do\n" \
	"  local fp, st = ARGV[i], ARGV[i + 1]\n" \
	"  local akey = P .. 'alert:' .. fp\n" \
	"  local cur = redis.call('HMGET', akey, 'status', 'incident')\n" \
	"  local inc = tonumber(cur[2]) or 0\n" \
	"  if st == 'firing' and cur[1] == 'firing' then\n" \
	"    -- The hot path: a repeat of a firing alert.\n" \
	"    redis.call('HINCRBY', akey, 'count', 1)\n" \
	"    redis.call('HSET', akey, 'last_seen', now,\n" \
	"        'summary', ARGV[i + 2], 'severity', ARGV[i + 4],\n" \
	"        'details', ARGV[i + 6], 'timestamp', ARGV[i + 8])\n" \
	"    redis.call('HSET', P .. 'incident:' .. inc, 'updated', now)\n" \
	"    out[#out + 1] = 1\n" \
	"  elseif st == 'firing' then\n" \
	"    -- New, or firing again after it resolved: a new incident.\n" \
	"    inc = redis.call('INCR', P .. 'incident:seq')\n" \
	"    local ikey = P .. 'incident:' .. inc\n" \
	"    redis.call('HSET', akey, 'fingerprint', fp,\n" \
	"        'status', 'firing',\n" \
	"        'summary', ARGV[i + 2], 'source', ARGV[i + 3],\n" \
	"        'severity', ARGV[i + 4], 'labels', ARGV[i + 5],\n" \
	"        'details', ARGV[i + 6], 'dedup_key', ARGV[i + 7],\n" \
	"        'timestamp', ARGV[i + 8], 'count', 1, 'first_seen', now,\n" \
	"        'last_seen', now, 'resolved_at', '', 'incident', inc)\n" \
	"    if cur[1] then\n" \
	"      -- Fired again after it resolved: it had a TTL.\n" \
	"      redis.call('PERSIST', akey)\n" \
	"    end\n" \
	"    redis.call('HSET', ikey, 'id', inc, 'title', ARGV[i + 2],\n" \
	"        'status', 'triggered', 'severity', ARGV[i + 4],\n" \
	"        'source', ARGV[i + 3], 'created', now, 'updated', now,\n" \
	"        'resolved_at', '', 'alert_count', 1, 'firing_count', 1)\n" \
	"    redis.call('SADD', ikey .. ':alerts', fp)\n" \
	"    redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"        'event', 'created', 'fingerprint', fp, 'at', now)\n" \
	"    redis.call('ZADD', P .. 'incidents', inc, inc)\n" \
	"    redis.call('ZADD', P .. 'incidents:triggered', inc, inc)\n" \
	"    out[#out + 1] = 0\n" \
	"  elseif cur[1] == 'firing' then\n" \
	"    local ikey = P .. 'incident:' .. inc\n" \
	"    redis.call('HSET', akey, 'status', 'resolved',\n" \
	"        'resolved_at', now,\n" \
	"        'last_seen', now)\n" \
	"    if retention > 0 then\n" \
	"      redis.call('PEXPIRE', akey, retention)\n" \
	"    end\n" \
	"    redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"        'event', 'alert_resolved', 'fingerprint', fp, 'at', now)\n" \
	"    local left = redis.call('HINCRBY', ikey, 'firing_count', -1)\n" \
	"    redis.call('HSET', ikey, 'updated', now)\n" \
	"    if left <= 0 then\n" \
	"      redis.call('HSET', ikey, 'status', 'resolved',\n" \
	"          'resolved_at', now)\n" \
	"      redis.call('ZREM', P .. 'incidents:triggered', inc)\n" \
	"      redis.call('ZADD', P .. 'incidents:resolved', inc, inc)\n" \
	"      redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"          'event', 'resolved', 'fingerprint', fp, 'at', now)\n" \
	"    end\n" \
	"    out[#out + 1] = 2\n" \
	"  else\n" \
	"    out[#out + 1] = 3\n" \
	"  end\n" \
	"  out[#out + 1] = inc\n" \
	"  i = i + 9\n" \
	"end\n" \
	"return out\n"

/*
 * Helpers shared by the read scripts. The JSON is assembled by hand:
 * cjson encodes an empty table as {}, and an API that answers
 * "incidents": {} for an empty list breaks every client.
 */
#define LUA_COMMON \
	"-- Hash values are strings (false when absent), rendered by\n" \
	"-- kind: s string (\"\" = null), n integer, j stored JSON text\n" \
	"-- spliced in as it is (a cjson round trip turns [] into {} and\n" \
	"-- rounds large numbers).\n" \
	"local enc = {\n" \
	"  s = function(v)\n" \
	"    if not v or v == '' then return 'null' end\n" \
	"    return cjson.encode(v)\n" \
	"  end,\n" \
	"  n = function(v)\n" \
	"    if v and string.match(v, '^%-?%d+$') then return v end\n" \
	"    return 'null'\n" \
	"  end,\n" \
	"  j = function(v)\n" \
	"    if not v or v == '' then return 'null' end\n" \
	"    return v\n" \
	"  end\n" \
	"}\n" \
	"-- spec: {{json name, kind, hash field (default: json name)}, ...}\n" \
	"local function hget(key, spec)\n" \
	"  local f = {}\n" \
	"  for k = 1, #spec do f[k] = spec[k][3] or spec[k][1] end\n" \
	"  return redis.call('HMGET', key, unpack(f))\n" \
	"end\n" \
	"local function render(v, spec, extra)\n" \
	"  local t = {}\n" \
	"  for k = 1, #spec do\n" \
	"    t[k] = '\"' .. spec[k][1] .. '\":' .. enc[spec[k][2]](v[k])\n" \
	"  end\n" \
	"  t[#t + 1] = extra\n" \
	"  return '{' .. table.concat(t, ',') .. '}'\n" \
	"end\n" \
	"local INCIDENT = {\n" \
	"  {'id', 'n'}, {'title', 's'}, {'status', 's'}, {'severity', 's'},\n" \
	"  {'source', 's'}, {'created', 'n'}, {'updated', 'n'},\n" \
	"  {'resolved', 'n', 'resolved_at'}, {'alert_count', 'n'},\n" \
	"  {'firing_count', 'n'}\n" \
	"}\n"

/* Incidents, newest first (ids only grow), from the status zset. */
#define LUA_LIST \
	"local P, status, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])\n" \
	"local zkey = P .. 'incidents'\n" \
	"if status ~= '' then zkey = zkey .. ':' .. status end\n" \
	"local parts = {}\n" \
	"local ids = redis.call('ZREVRANGE', zkey, 0, limit - 1)\n" \
	"for _, id in ipairs(ids) do\n" \
	"  local h = hget(P .. 'incident:' .. id, INCIDENT)\n" \
	"  if h[1] then parts[#parts + 1] = render(h, INCIDENT) end\n" \
	"end\n" \
	"-- Built by hand: cjson encodes an empty table as {}, not [].\n" \
	"return '{\"incidents\":[' .. table.concat(parts, ',') .. ']}'\n"

/*
 * One incident with its current alerts and its timeline (capped: an
 * incident that flaps for days must not make a multi-megabyte answer).
 */
#define LUA_GET \
	"local ALERT = {\n" \
	"  {'incident', 'n'}, {'fingerprint', 's'}, {'summary', 's'},\n" \
	"  {'status', 's'}, {'source', 's'}, {'severity', 's'},\n" \
	"  {'count', 'n'}, {'first_seen', 'n'}, {'last_seen', 'n'},\n" \
	"  {'resolved', 'n', 'resolved_at'}, {'labels', 'j'},\n" \
	"  {'details', 'j'}, {'dedup_key', 's'}, {'timestamp', 'n'}\n" \
	"}\n" \
	"local EVENT = {{'event', 's'}, {'fingerprint', 's'}, {'at', 'n'}}\n" \
	"local P, id = ARGV[1], ARGV[2]\n" \
	"local ikey = P .. 'incident:' .. id\n" \
	"local h = hget(ikey, INCIDENT)\n" \
	"if not h[1] then\n" \
	"  return false\n" \
	"end\n" \
	"local fps = redis.call('SMEMBERS', ikey .. ':alerts')\n" \
	"table.sort(fps)\n" \
	"local alerts = {}\n" \
	"for _, fp in ipairs(fps) do\n" \
	"  local a = hget(P .. 'alert:' .. fp, ALERT)\n" \
	"  -- Skip alerts that expired after they resolved or fired again\n" \
	"  -- into a newer incident: the timeline keeps their history.\n" \
	"  if a[1] == h[1] then\n" \
	"    if a[14] == '0' then a[14] = false end\n" \
	"    alerts[#alerts + 1] = render(a, ALERT)\n" \
	"  end\n" \
	"end\n" \
	"local events = {}\n" \
	"local tl = redis.call('XRANGE', ikey .. ':timeline', '-', '+',\n" \
	"    'COUNT', 1000)\n" \
	"for _, e in ipairs(tl) do\n" \
	"  local f = {}\n" \
	"  for k = 1, #e[2], 2 do f[e[2][k]] = e[2][k + 1] end\n" \
	"  events[#events + 1] = render({f.event, f.fingerprint, f.at},\n" \
	"      EVENT)\n" \
	"end\n" \
	"return '{\"incident\":' .. render(h, INCIDENT,\n" \
	"    '\"alerts\":[' .. table.concat(alerts, ',') ..\n" \
	"    '],\"timeline\":[' .. table.concat(events, ',') .. ']') .. '}'\n"

const struct store_script_def store_scripts[STORE_SCRIPT_COUNT] = {
	[STORE_SCRIPT_INGEST] = { "ingest", LUA_INGEST },
	[STORE_SCRIPT_LIST] = { "list", LUA_COMMON LUA_LIST },
	[STORE_SCRIPT_GET] = { "get", LUA_COMMON LUA_GET },
};
