/*
 * daemon/escalation_shared_lua.h — Lua text shared by the escalation
 * scripts (escalation_lua.c) and the ingest script (store_lua.c): the
 * escalation step and the outbox's read. The ingest script does the
 * first step of an incident that pages at once in the same call that
 * opens it (ESC_STEP_FN), and reads the pages it queued for this
 * pagerd's outbox (ESC_READ_FN), so that they leave with its reply.
 * Only those two files include this.
 */
#ifndef PAGERD_ESCALATION_SHARED_LUA_H
#define PAGERD_ESCALATION_SHARED_LUA_H

/* What every escalation script starts with: P, now and helpers. */
#define ESC_LIB \
	"local P, now = ARGV[1], tonumber(ARGV[2])\n" \
	"local function tl(id, ...)\n" \
	"  redis.call('XADD', P .. 'incident:' .. id .. ':timeline', '*',\n" \
	"      ...)\n" \
	"end\n" \
	"-- Every timer of an incident is also in its esc_timers set, so\n" \
	"-- that an ack removes exactly those.\n" \
	"local function arm(id, m, at)\n" \
	"  redis.call('ZADD', P .. 'timers', at, m)\n" \
	"  redis.call('SADD', P .. 'incident:' .. id .. ':esc_timers', m)\n" \
	"end\n" \
	"local function disarm(id, m)\n" \
	"  redis.call('ZREM', P .. 'timers', m)\n" \
	"  redis.call('SREM', P .. 'incident:' .. id .. ':esc_timers', m)\n" \
	"end\n" \
	"local function stop_all(id)\n" \
	"  local set = P .. 'incident:' .. id .. ':esc_timers'\n" \
	"  for _, m in ipairs(redis.call('SMEMBERS', set)) do\n" \
	"    redis.call('ZREM', P .. 'timers', m)\n" \
	"    local kind, idem = string.match(m, '^(%a+):(.+)$')\n" \
	"    if kind == 'contact' or kind == 'retry' then\n" \
	"      redis.call('DEL', P .. 'note:' .. idem)\n" \
	"    end\n" \
	"  end\n" \
	"  redis.call('DEL', set)\n" \
	"  redis.call('ZREM', P .. 'timers', 'esc:' .. id)\n" \
	"end\n" \
	"-- A contact rule failed for good: the person's next rule that\n" \
	"-- still waits (a later contact:) fires now.\n" \
	"local function fallback(id, idem)\n" \
	"  local prefix, k = string.match(idem, '^(.*:)(%d+)$')\n" \
	"  if not prefix then return false end\n" \
	"  for j = tonumber(k) + 1, 16 do\n" \
	"    if redis.call('EXISTS', P .. 'note:' .. prefix .. j) == 1 then\n" \
	"      arm(id, 'contact:' .. prefix .. j, now)\n" \
	"      return prefix .. j\n" \
	"    end\n" \
	"  end\n" \
	"  return false\n" \
	"end\n" \
	"local function fields(kv)\n" \
	"  local f = {}\n" \
	"  for j = 1, #kv, 2 do f[kv[j]] = kv[j + 1] end\n" \
	"  return f\n" \
	"end\n"

/*
 * A step falls due. ARGV: P, now, id, step, round, epoch (as C read them
 * from the incident: the step must still be the expected one, due, and
 * the incident triggered, or a lapsed lease pages twice), what ("page",
 * "skip", "defer", "stop"), next_step (-1: none), next_round, next_ms,
 * reason (skip/stop), N persons, then per person: id, target, reason,
 * phone (for the optout check), M rules, then per rule: notifier,
 * address, after_ms. Returns the number of outbox entries added, -1
 * when the step was not due (done already, or the incident is not
 * triggered).
 */
#define LUA_STEP \
	"local id, step, round, epoch = ARGV[3], ARGV[4], ARGV[5], ARGV[6]\n" \
	"local what = ARGV[7]\n" \
	"local ikey = P .. 'incident:' .. id\n" \
	"-- ARGV.fresh: the caller opened the incident in this call with\n" \
	"-- this step due now and nothing armed (the ingest script): no\n" \
	"-- need to read it back, or to disarm a timer it never had.\n" \
	"local h = ARGV.fresh and {'triggered', step, round, epoch, ARGV[2]} or\n" \
	"    redis.call('HMGET', ikey, 'status', 'esc_step', 'esc_round',\n" \
	"        'esc_epoch', 'esc_due')\n" \
	"if h[1] ~= 'triggered' then\n" \
	"  disarm(id, 'esc:' .. id)\n" \
	"  return -1\n" \
	"end\n" \
	"if h[2] ~= step or h[3] ~= round or (h[4] or '0') ~= epoch or\n" \
	"    (tonumber(h[5]) or 0) > now then\n" \
	"  return -1\n" \
	"end\n" \
	"local S, R = tonumber(step) + 1, tonumber(round) + 1\n" \
	"if what == 'defer' then\n" \
	"  redis.call('HSET', ikey, 'esc_due', ARGV[10])\n" \
	"  arm(id, 'esc:' .. id, tonumber(ARGV[10]))\n" \
	"  tl(id, 'event', 'deferred', 'step', S, 'until', ARGV[10],\n" \
	"      'reason', 'low urgency: outside working hours', 'at', now)\n" \
	"  return 0\n" \
	"end\n" \
	"-- Reply codes (daemon/escalation.h): codes 1..v of a person\n" \
	"-- (v: field 'v' of P person:PID:codes) are each either held by\n" \
	"-- an open incident that paged them (P incident:ID:codes) or free\n" \
	"-- (P person:PID:free, a zset by code; free_codes() puts them\n" \
	"-- there as the incident resolves). A page takes the smallest free\n" \
	"-- one, else v + 1: a few commands, however many pages the person\n" \
	"-- has open (an alert storm must not make every step slower).\n" \
	"-- A person without v has codes an older pagerd gave (which freed\n" \
	"-- them lazily, here): sorted out once, the old way.\n" \
	"local function codes_v2(pid, ck, fk)\n" \
	"  local kv, ids, codes, used, top = redis.call('HGETALL', ck), {},\n" \
	"      {}, {}, 0\n" \
	"  for j = 1, #kv, 2 do\n" \
	"    if tonumber(kv[j]) then\n" \
	"      codes[#codes + 1], ids[#ids + 1] = kv[j], kv[j + 1]\n" \
	"    end\n" \
	"  end\n" \
	"  for j = 1, #ids, 512 do\n" \
	"    local open = redis.call('ZMSCORE', P .. 'incidents:triggered',\n" \
	"        unpack(ids, j, math.min(j + 511, #ids)))\n" \
	"    for k = 1, #open do\n" \
	"      local c, inc = codes[j + k - 1], ids[j + k - 1]\n" \
	"      if open[k] then\n" \
	"        used[tonumber(c)] = true\n" \
	"        top = math.max(top, tonumber(c))\n" \
	"        redis.call('HSET', P .. 'incident:' .. inc .. ':codes', pid,\n" \
	"            c)\n" \
	"      else\n" \
	"        redis.call('HDEL', ck, c)\n" \
	"        redis.call('ZREM', P .. 'person:' .. pid .. ':pages', inc)\n" \
	"      end\n" \
	"    end\n" \
	"  end\n" \
	"  redis.call('DEL', fk)\n" \
	"  for c = 1, top do\n" \
	"    if not used[c] then redis.call('ZADD', fk, c, c) end\n" \
	"  end\n" \
	"  redis.call('HSET', ck, 'v', top)\n" \
	"end\n" \
	"local function code_for(pid)\n" \
	"  local rk = ikey .. ':codes'\n" \
	"  -- (An incident opened in this call holds no code yet.)\n" \
	"  local c = not ARGV.fresh and redis.call('HGET', rk, pid)\n" \
	"  if c then return tonumber(c) end\n" \
	"  local ck = P .. 'person:' .. pid .. ':codes'\n" \
	"  local fk = P .. 'person:' .. pid .. ':free'\n" \
	"  if not redis.call('HGET', ck, 'v') then codes_v2(pid, ck, fk) end\n" \
	"  c = redis.call('ZPOPMIN', fk)[1] or\n" \
	"      redis.call('HINCRBY', ck, 'v', 1)\n" \
	"  redis.call('HSET', ck, c, id)\n" \
	"  redis.call('HSET', rk, pid, c)\n" \
	"  return tonumber(c)\n" \
	"end\n" \
	"local sent, i = 0, 13\n" \
	"if what == 'page' and (S > 1 or R > 1) then\n" \
	"  tl(id, 'event', 'escalated', 'step', S, 'round', R, 'at', now)\n" \
	"end\n" \
	"for _ = 1, tonumber(ARGV[12]) do\n" \
	"  local pid, target, why = ARGV[i], ARGV[i + 1], ARGV[i + 2]\n" \
	"  local nr = tonumber(ARGV[i + 4])\n" \
	"  i = i + 5\n" \
	"  local code = code_for(pid)\n" \
	"  redis.call('ZADD', P .. 'person:' .. pid .. ':pages', now, id)\n" \
	"  redis.call('SADD', ikey .. ':esc_people', pid)\n" \
	"  tl(id, 'event', 'paged', 'person', pid, 'target', target,\n" \
	"      'reason', why, 'step', S, 'round', R, 'code', code, 'at',\n" \
	"          now)\n" \
	"  if nr == 0 then\n" \
	"    tl(id, 'event', 'skipped', 'person', pid, 'step', S,\n" \
	"        'reason', 'no contact rules', 'at', now)\n" \
	"  end\n" \
	"  for k = 0, nr - 1 do\n" \
	"    local after = tonumber(ARGV[i + 2])\n" \
	"    local idem = id .. ':' .. epoch .. ':' .. step .. ':' ..\n" \
	"        round ..\n" \
	"        ':' .. pid .. ':' .. k\n" \
	"    local f = {'incident', id, 'person', pid, 'notifier', ARGV[i],\n" \
	"        'address', ARGV[i + 1], 'reply_code', code, 'kind',\n" \
	"            'page',\n" \
	"        'attempt', 1, 'idem', idem, 'step', S}\n" \
	"    i = i + 3\n" \
	"    if after <= 0 then\n" \
	"      redis.call('XADD', P .. 'outbox', '*', unpack(f))\n" \
	"      sent = sent + 1\n" \
	"    else\n" \
	"      redis.call('HSET', P .. 'note:' .. idem, unpack(f))\n" \
	"      arm(id, 'contact:' .. idem, now + after)\n" \
	"    end\n" \
	"  end\n" \
	"end\n" \
	"if what == 'skip' or what == 'stop' then\n" \
	"  tl(id, 'event', 'skipped', 'step', S, 'reason', ARGV[11], 'at',\n" \
	"      now)\n" \
	"end\n" \
	"if tonumber(ARGV[8]) >= 0 then\n" \
	"  redis.call('HSET', ikey, 'esc_step', ARGV[8], 'esc_round',\n" \
	"      ARGV[9],\n" \
	"      'esc_due', ARGV[10])\n" \
	"  arm(id, 'esc:' .. id, tonumber(ARGV[10]))\n" \
	"else\n" \
	"  redis.call('HSET', ikey, 'esc_step', -1)\n" \
	"  if not ARGV.fresh then disarm(id, 'esc:' .. id) end\n" \
	"end\n" \
	"return sent\n"

/*
 * The step as a function of its ARGV (the same array as the script's),
 * for a script that has ARGV of its own: esc_step(A) returns what the
 * step script returns.
 */
#define ESC_STEP_FN \
	"local function esc_step(ARGV)\n" \
	ESC_LIB LUA_STEP \
	"end\n"

/*
 * The consumer's read, filtered in the same call so that a page needs
 * one round trip from the queue to its send. ARGV: P, now, consumer,
 * count, idle_ms (0: new entries, XREADGROUP ">"; else take over those
 * pending longer than that, XAUTOCLAIM from the start), then the
 * notifiers that send to phones (for the optout check). An entry whose
 * incident is no longer triggered, or whose phone opted out, is acked
 * and deleted (timeline "dropped"); incident "": an
 * escalation_inform() entry, which only the optout drops. Returns per
 * entry read {stream id, {field, value, ...}, info}, info {} for a
 * dropped one, else {title, summary, severity, status, service}. A
 * missing group is Redis's NOGROUP error.
 */
#define LUA_READ \
	"local me, count, idle = ARGV[3], ARGV[4], tonumber(ARGV[5])\n" \
	"local key, phones, list = P .. 'outbox', {}, {}\n" \
	"for j = 6, #ARGV do phones[ARGV[j]] = true end\n" \
	"if idle > 0 then\n" \
	"  list = redis.call('XAUTOCLAIM', key, 'pagerd', me, idle, '0-0',\n" \
	"      'COUNT', count)[2]\n" \
	"else\n" \
	"  local r = redis.call('XREADGROUP', 'GROUP', 'pagerd', me,\n" \
	"      'COUNT', count, 'STREAMS', key, '>')\n" \
	"  if r then list = r[1][2] end\n" \
	"end\n" \
	"local out = {}\n" \
	"for _, it in ipairs(list) do\n" \
	"  if type(it) == 'table' and type(it[2]) == 'table' then\n" \
	"    local eid, f = it[1], fields(it[2])\n" \
	"    local id = f.incident or ''\n" \
	"    local h = {'triggered'}\n" \
	"    if id ~= '' then\n" \
	"      h = redis.call('HMGET', P .. 'incident:' .. id, 'status',\n" \
	"          'title', 'summary', 'severity', 'service')\n" \
	"    end\n" \
	"    local why = false\n" \
	"    if h[1] ~= 'triggered' then\n" \
	"      why = 'incident ' .. (h[1] or 'gone')\n" \
	"    elseif phones[f.notifier or ''] and f.address and\n" \
	"        redis.call('SISMEMBER', P .. 'optout', f.address) == 1\n" \
	"        then\n" \
	"      why = 'opted out'\n" \
	"    end\n" \
	"    local info = {}\n" \
	"    if why then\n" \
	"      redis.call('XACK', key, 'pagerd', eid)\n" \
	"      redis.call('XDEL', key, eid)\n" \
	"      if h[1] and id ~= '' then\n" \
	"        tl(id, 'event', 'dropped', 'person', f.person or '',\n" \
	"            'notifier', f.notifier or '', 'reason', why,\n" \
	"            'at', now)\n" \
	"      end\n" \
	"    else\n" \
	"      if id == '' then h[1] = '' end\n" \
	"      info = {h[2] or '', h[3] or '', h[4] or '', h[1],\n" \
	"          h[5] or ''}\n" \
	"    end\n" \
	"    out[#out + 1] = {eid, it[2], info}\n" \
	"  end\n" \
	"end\n" \
	"return out\n"

/*
 * LUA_READ as a function, for the ingest script: esc_read(A) with A the
 * read script's ARGV returns what that script returns, and raises
 * Redis's NOGROUP error where that script fails with it.
 */
#define ESC_READ_FN \
	"local function esc_read(ARGV)\n" \
	ESC_LIB LUA_READ \
	"end\n"

#endif /* PAGERD_ESCALATION_SHARED_LUA_H */
