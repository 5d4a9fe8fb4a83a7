/*
 * daemon/store_lua.c — the text of the store's Lua scripts (see
 * store_lua.h for the key layout and each script's ARGV). Loaded with
 * SCRIPT LOAD at connect; EVAL'd as they are when Redis has lost them.
 */
#include "autoconf.h"

#include "store_lua.h"

/*
 * What the ingest script and the timer scripts share: resolving an alert
 * (a "resolved" from a sender and an Alertmanager endsAt that passed must
 * do exactly the same) and raising an incident's severity.
 */
#define LUA_WRITE_LIB \
	"local SEV = {'sev1', 'sev2', 'sev3'}\n" \
	"-- An incident's severity is the highest level of its firing\n" \
	"-- alerts. A raise is an event the escalation engine consumes; a\n" \
	"-- lower alert joining never lowers it, only the resolve of the\n" \
	"-- higher ones does (settle, below), and that pages no one.\n" \
	"local function raise(P, inc, ikey, lvl, now)\n" \
	"  local h = redis.call('HMGET', ikey, 'level', 'status',\n" \
	"      'esc_epoch', 'notified_at')\n" \
	"  local cur = tonumber(h[1])\n" \
	"  if not h[2] or h[2] == 'resolved' or (cur and lvl >= cur) then\n" \
	"    return\n" \
	"  end\n" \
	"  redis.call('HSET', ikey, 'level', lvl, 'severity', SEV[lvl])\n" \
	"  if not cur then return end\n" \
	"  redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"      'event', 'severity_raised', 'from', SEV[cur], 'to', SEV[lvl],\n" \
	"      'at', now)\n" \
	"  redis.call('XADD', P .. 'events', 'MAXLEN', '~', 100000, '*',\n" \
	"      'type', 'severity_raised', 'incident', inc, 'from', SEV[cur],\n" \
	"      'to', SEV[lvl], 'at', now)\n" \
	"  -- A triggered incident that already paged starts over at step\n" \
	"  -- 1 for its new level (a new epoch: new idempotency keys).\n" \
	"  if h[2] == 'triggered' and h[4] and h[4] ~= '' then\n" \
	"    redis.call('HSET', ikey, 'esc_step', 0, 'esc_round', 0,\n" \
	"        'esc_due', now, 'esc_epoch', (tonumber(h[3]) or 0) + 1)\n" \
	"    redis.call('ZADD', P .. 'timers', now, 'esc:' .. inc)\n" \
	"    redis.call('SADD', ikey .. ':esc_timers', 'esc:' .. inc)\n" \
	"  end\n" \
	"end\n" \
	"-- An alert resolved while others still fire: the incident takes\n" \
	"-- the highest level among those (timeline severity_lowered).\n" \
	"local function settle(P, inc, ikey, now)\n" \
	"  local best = 4\n" \
	"  for _, f in ipairs(redis.call('SMEMBERS', ikey .. ':alerts')) do\n" \
	"    local a = redis.call('HMGET', P .. 'alert:' .. f, 'status',\n" \
	"        'level', 'incident')\n" \
	"    if a[1] == 'firing' and a[3] == tostring(inc) then\n" \
	"      best = math.min(best, tonumber(a[2]) or 3)\n" \
	"    end\n" \
	"  end\n" \
	"  local cur = tonumber(redis.call('HGET', ikey, 'level'))\n" \
	"  if best > 3 or not cur or best <= cur then return end\n" \
	"  redis.call('HSET', ikey, 'level', best, 'severity', SEV[best])\n" \
	"  redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"      'event', 'severity_lowered', 'from', SEV[cur], 'to', SEV[best],\n" \
	"      'at', now)\n" \
	"end\n" \
	"-- An alert of incident inc is no longer silenced: if the incident\n" \
	"-- is open and its notification was held, it goes on at once, as if\n" \
	"-- the alert had just arrived (NX: a pending group_wait stays).\n" \
	"local function unmute(P, inc, now)\n" \
	"  local h = redis.call('HMGET', P .. 'incident:' .. inc, 'status',\n" \
	"      'notified_at')\n" \
	"  if h[1] == 'triggered' and h[2] == '' then\n" \
	"    redis.call('ZADD', P .. 'timers', 'NX', now, 'notify:' .. inc)\n" \
	"  end\n" \
	"end\n" \
	"-- Inhibition: lines 'RULE KEY' (silence.h inhibit_mark()).\n" \
	"local function rule_keys(s)\n" \
	"  local t = {}\n" \
	"  for line in string.gmatch(s or '', '[^\\n]+') do\n" \
	"    local sp = string.find(line, ' ', 1, true)\n" \
	"    if sp then\n" \
	"      t[#t + 1] = {string.sub(line, 1, sp - 1), string.sub(line, sp + 1)}\n" \
	"    end\n" \
	"  end\n" \
	"  return t\n" \
	"end\n" \
	"-- Count a firing source in (d = 1) or out (d = -1). When the last\n" \
	"-- source of a key goes, the incidents it held go on at once.\n" \
	"local function sources(P, s, d, now)\n" \
	"  for _, p in ipairs(rule_keys(s)) do\n" \
	"    local h = P .. 'inhibit:' .. p[1]\n" \
	"    if redis.call('HINCRBY', h, p[2], d) <= 0 then\n" \
	"      redis.call('HDEL', h, p[2])\n" \
	"      local held = h .. ':held:' .. p[2]\n" \
	"      for _, inc in ipairs(redis.call('SMEMBERS', held)) do\n" \
	"        unmute(P, inc, now)\n" \
	"      end\n" \
	"      redis.call('DEL', held)\n" \
	"    end\n" \
	"  end\n" \
	"end\n" \
	"-- The {rule, key} pairs that hold an alert with targets tgt and\n" \
	"-- sources src now: a firing source other than itself exists.\n" \
	"local function inhibitors(P, tgt, src)\n" \
	"  local own, out = {}, {}\n" \
	"  for _, p in ipairs(rule_keys(src)) do own[p[1] .. ' ' .. p[2]] = 1 end\n" \
	"  for _, p in ipairs(rule_keys(tgt)) do\n" \
	"    local c = tonumber(redis.call('HGET', P .. 'inhibit:' .. p[1],\n" \
	"        p[2])) or 0\n" \
	"    if c - (own[p[1] .. ' ' .. p[2]] or 0) > 0 then out[#out + 1] = p end\n" \
	"  end\n" \
	"  return out\n" \
	"end\n" \
	"-- Resolve the firing alert fp of incident inc. The incident\n" \
	"-- resolves with its last firing alert unless its service said\n" \
	"-- auto_resolve = false; its group then forgets it, so the next\n" \
	"-- alert of the group opens a new incident (a resolved one is never\n" \
	"-- reopened), and its pending notification is dropped.\n" \
	"local function resolve(P, fp, akey, inc, now, retention)\n" \
	"  redis.call('HSET', akey, 'status', 'resolved',\n" \
	"      'resolved_at', now, 'last_seen', now)\n" \
	"  if retention > 0 then\n" \
	"    redis.call('PEXPIRE', akey, retention)\n" \
	"  end\n" \
	"  redis.call('ZREM', P .. 'alerts:ends', fp)\n" \
	"  sources(P, redis.call('HGET', akey, 'inhibit_src'), -1, now)\n" \
	"  redis.call('HSET', akey, 'inhibit_src', '')\n" \
	"  local ikey = P .. 'incident:' .. inc\n" \
	"  local h = redis.call('HMGET', ikey, 'status', 'auto_resolve',\n" \
	"      'group_key')\n" \
	"  if not h[1] or h[1] == 'resolved' then return end\n" \
	"  redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"      'event', 'alert_resolved', 'fingerprint', fp, 'at', now)\n" \
	"  local left = redis.call('HINCRBY', ikey, 'firing_count', -1)\n" \
	"  redis.call('HSET', ikey, 'updated', now)\n" \
	"  if left > 0 then settle(P, inc, ikey, now) end\n" \
	"  if left > 0 or h[2] == '0' then return end\n" \
	"  redis.call('HSET', ikey, 'status', 'resolved', 'resolved_at', now)\n" \
	"  redis.call('ZREM', P .. 'incidents:triggered', inc)\n" \
	"  redis.call('ZADD', P .. 'incidents:resolved', inc, inc)\n" \
	"  redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"      'event', 'resolved', 'fingerprint', fp, 'at', now)\n" \
	"  redis.call('ZREM', P .. 'timers', 'notify:' .. inc)\n" \
	"  if h[3] and h[3] ~= '' then\n" \
	"    local gkey = P .. 'group:' .. h[3]\n" \
	"    if redis.call('GET', gkey) == tostring(inc) then\n" \
	"      redis.call('DEL', gkey)\n" \
	"    end\n" \
	"  end\n" \
	"end\n"

/*
 * Ingest a batch: dedup, grouping into incidents and resolution for N
 * alerts, in order, so a fingerprint that appears twice in one batch
 * behaves as if it had been sent twice. The repeat of a firing alert is
 * the hot path (monitoring re-sends every firing alert each evaluation
 * round): it costs one HMGET and one HSET of what changed, plus one
 * HSET of its incident's updated per call.
 *
 * Dedup is by fingerprint alone: a repeat stays in its incident even if
 * the config now routes it elsewhere, and a "resolved" resolves the
 * alert whatever service it would route to today. A new (or re-fired)
 * alert joins the open incident of its group, found through
 * P group:KEY, or opens one. Because all of this runs inside one script,
 * two pagerd instances that post the same new alerts at the same moment
 * still make one incident per group.
 */
#define LUA_INGEST \
	"local P = ARGV[1]\n" \
	"local now = tonumber(ARGV[2])\n" \
	"-- The alert's optional fields: name, offset in its ARGV, index in\n" \
	"-- the HMGET below (false: not read, a repeat never changes it),\n" \
	"-- and the empty value, which is not stored (absent = empty).\n" \
	"local FIELDS = {{'summary', 2, 9, ''}, {'severity', 4, 10, ''},\n" \
	"    {'details', 6, 11, ''}, {'timestamp', 8, 12, '0'},\n" \
	"    {'silenced', 18, 5, ''}, {'inhibit_src', 19, 6, ''},\n" \
	"    {'inhibit_tgt', 20, 7, ''}, {'dedup_key', 7, false, ''}}\n" \
	"-- An incident's updated is written once per call, not once per\n" \
	"-- alert: now is the same for the whole batch, and a batch of\n" \
	"-- repeats is mostly alerts of a few incidents.\n" \
	"local touched = {}\n" \
	"local function touch(ikey)\n" \
	"  if touched[ikey] then return end\n" \
	"  touched[ikey] = true\n" \
	"  redis.call('HSET', ikey, 'updated', now)\n" \
	"end\n" \
	"local retention = tonumber(ARGV[3])\n" \
	"local n = tonumber(ARGV[4])\n" \
	"local out = {}\n" \
	"local i = 5\n" \
	"for _ = 1, n do\n" \
	"  local fp, st = ARGV[i], ARGV[i + 1]\n" \
	"  local lvl = tonumber(ARGV[i + 9])\n" \
	"  if not lvl or lvl < 1 or lvl > 3 then lvl = 3 end\n" \
	"  local ends = tonumber(ARGV[i + 17]) or 0\n" \
	"  local sil = ARGV[i + 18]\n" \
	"  local isrc, itgt = ARGV[i + 19], ARGV[i + 20]\n" \
	"  local akey = P .. 'alert:' .. fp\n" \
	"  local cur = redis.call('HMGET', akey, 'status', 'incident',\n" \
	"      'level', 'ends_at', 'silenced', 'inhibit_src', 'inhibit_tgt',\n" \
	"      'count', 'summary', 'severity', 'details', 'timestamp')\n" \
	"  local inc = tonumber(cur[2]) or 0\n" \
	"  if st == 'firing' and cur[1] == 'firing' then\n" \
	"    -- The hot path: a repeat of a firing alert. One HMGET (above)\n" \
	"    -- and one HSET of the count, last_seen and only the fields\n" \
	"    -- whose value changed: a repeat usually changes nothing else,\n" \
	"    -- and every byte written is copied into the listpack and the\n" \
	"    -- AOF (a repeat's details alone are ~450 bytes).\n" \
	"    local ikey = P .. 'incident:' .. inc\n" \
	"    local set = {'count', (tonumber(cur[8]) or 0) + 1,\n" \
	"        'last_seen', now}\n" \
	"    for _, f in ipairs(FIELDS) do\n" \
	"      local v = ARGV[i + f[2]]\n" \
	"      if f[3] and (cur[f[3]] or f[4]) ~= v then\n" \
	"        set[#set + 1] = f[1]\n" \
	"        set[#set + 1] = v\n" \
	"      end\n" \
	"    end\n" \
	"    local oldends = tonumber(cur[4]) or 0\n" \
	"    if oldends ~= ends then\n" \
	"      set[#set + 1] = 'ends_at'\n" \
	"      set[#set + 1] = ends\n" \
	"    end\n" \
	"    local raised = tonumber(cur[3]) ~= lvl\n" \
	"    if raised then\n" \
	"      set[#set + 1] = 'level'\n" \
	"      set[#set + 1] = lvl\n" \
	"    end\n" \
	"    redis.call('HSET', akey, unpack(set))\n" \
	"    touch(ikey)\n" \
	"    if (cur[6] or '') ~= isrc then\n" \
	"      -- In before out: a key that stays never drops to 0.\n" \
	"      sources(P, isrc, 1, now)\n" \
	"      sources(P, cur[6], -1, now)\n" \
	"    end\n" \
	"    -- No longer silenced, or its inhibit targets changed (a config\n" \
	"    -- reload): it may notify now. An alert whose targets stay is\n" \
	"    -- not looked at again: when the last source of a key that\n" \
	"    -- held its incident goes, sources() re-arms that incident.\n" \
	"    if sil == '' and ((cur[5] or '') ~= '' or\n" \
	"        (itgt ~= (cur[7] or '') and (cur[7] or '') ~= '')) and\n" \
	"        #inhibitors(P, itgt, isrc) == 0 then\n" \
	"      unmute(P, inc, now)\n" \
	"    end\n" \
	"    if raised then raise(P, inc, ikey, lvl, now) end\n" \
	"    if oldends ~= ends then\n" \
	"      if ends > 0 then\n" \
	"        redis.call('ZADD', P .. 'alerts:ends', ends, fp)\n" \
	"      else\n" \
	"        redis.call('ZREM', P .. 'alerts:ends', fp)\n" \
	"      end\n" \
	"    end\n" \
	"    out[#out + 1] = 1\n" \
	"  elseif st == 'firing' then\n" \
	"    -- New, or firing again after it resolved: join the open\n" \
	"    -- incident of its group, or open one.\n" \
	"    local svc, gk = ARGV[i + 10], ARGV[i + 11]\n" \
	"    if svc == '' then svc = 'default' end\n" \
	"    local gkey, h = false, false\n" \
	"    inc = false\n" \
	"    if gk ~= '' then\n" \
	"      gkey = P .. 'group:' .. gk\n" \
	"      local g = redis.call('GET', gkey)\n" \
	"      if g then\n" \
	"        -- All the joining below needs of the incident, at once.\n" \
	"        h = redis.call('HMGET', P .. 'incident:' .. g, 'status',\n" \
	"            'summary', 'alert_count', 'firing_count', 'level',\n" \
	"            'notified_at')\n" \
	"        if h[1] and h[1] ~= 'resolved' then inc = tonumber(g) end\n" \
	"      end\n" \
	"    end\n" \
	"    local opened = not inc\n" \
	"    if opened then inc = redis.call('INCR', P .. 'incident:seq') end\n" \
	"    local ikey = P .. 'incident:' .. inc\n" \
	"    if cur[1] then\n" \
	"      -- Fired again after it resolved: a fresh hash (no TTL, and\n" \
	"      -- no field of its last life left behind by the sparse HSET).\n" \
	"      redis.call('DEL', akey)\n" \
	"    end\n" \
	"    -- Sparse, to keep an alert small (Redis holds ~1 KB per alert):\n" \
	"    -- no fingerprint (it is the key's end) and no group_key (its\n" \
	"    -- incident has it), and an optional field that is empty, or 0\n" \
	"    -- for timestamp and ends_at, is left out: absent reads back as\n" \
	"    -- empty everywhere, and GET renders both as null.\n" \
	"    local set = {'status', 'firing', 'source', ARGV[i + 3],\n" \
	"        'labels', ARGV[i + 5], 'count', 1, 'first_seen', now,\n" \
	"        'last_seen', now, 'incident', inc, 'level', lvl,\n" \
	"        'service', svc}\n" \
	"    for _, f in ipairs(FIELDS) do\n" \
	"      local v = ARGV[i + f[2]]\n" \
	"      if v ~= f[4] then\n" \
	"        set[#set + 1] = f[1]\n" \
	"        set[#set + 1] = v\n" \
	"      end\n" \
	"    end\n" \
	"    if ends > 0 then\n" \
	"      set[#set + 1] = 'ends_at'\n" \
	"      set[#set + 1] = ends\n" \
	"    end\n" \
	"    redis.call('HSET', akey, unpack(set))\n" \
	"    sources(P, isrc, 1, now)\n" \
	"    if ends > 0 then\n" \
	"      redis.call('ZADD', P .. 'alerts:ends', ends, fp)\n" \
	"    end\n" \
	"    if opened then\n" \
	"      local wait = tonumber(ARGV[i + 12]) or 0\n" \
	"      redis.call('HSET', ikey, 'id', inc, 'title', ARGV[i + 2],\n" \
	"          'summary', ARGV[i + 2], 'status', 'triggered',\n" \
	"          'level', lvl, 'severity', SEV[lvl], 'service', svc,\n" \
	"          'group_key', gk, 'policy', ARGV[i + 16],\n" \
	"          'group_wait', wait, 'group_interval', ARGV[i + 13],\n" \
	"          'repeat_interval', ARGV[i + 14],\n" \
	"          'auto_resolve', ARGV[i + 15], 'notified_at', '',\n" \
	"          'source', ARGV[i + 3], 'created', now, 'updated', now,\n" \
	"          'resolved_at', '', 'alert_count', 1, 'firing_count', 1)\n" \
	"      redis.call('SADD', ikey .. ':alerts', fp)\n" \
	"      redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"          'event', 'created', 'fingerprint', fp, 'at', now)\n" \
	"      redis.call('ZADD', P .. 'incidents', inc, inc)\n" \
	"      redis.call('ZADD', P .. 'incidents:triggered', inc, inc)\n" \
	"      if gkey then redis.call('SET', gkey, inc) end\n" \
	"      -- In Redis, not in a libevent timer: it survives a restart\n" \
	"      -- and any instance may fire it (daemon/timers.c).\n" \
	"      redis.call('ZADD', P .. 'timers', now + wait, 'notify:' .. inc)\n" \
	"      touched[ikey] = true\n" \
	"    else\n" \
	"      -- One HMGET (at the group lookup, above) and one HSET of the\n" \
	"      -- incident: raise() and unmute() are called only when they\n" \
	"      -- have something to do (they read again, rarely).\n" \
	"      local total = tonumber(h[3]) or 0\n" \
	"      if redis.call('SADD', ikey .. ':alerts', fp) == 1 then\n" \
	"        total = total + 1\n" \
	"      end\n" \
	"      local title = h[2] or ARGV[i + 2]\n" \
	"      if total > 1 then\n" \
	"        title = title .. ' (+' .. (total - 1) .. ' more)'\n" \
	"      end\n" \
	"      redis.call('HSET', ikey, 'alert_count', total,\n" \
	"          'firing_count', (tonumber(h[4]) or 0) + 1, 'title', title,\n" \
	"          'updated', now)\n" \
	"      touched[ikey] = true\n" \
	"      redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"          'event', 'alert_added', 'fingerprint', fp, 'at', now)\n" \
	"      if (tonumber(h[5]) or 4) > lvl then\n" \
	"        raise(P, inc, ikey, lvl, now)\n" \
	"      end\n" \
	"      -- unmute() re-arms only a triggered incident whose\n" \
	"      -- notification is still held (notified_at empty).\n" \
	"      if h[1] == 'triggered' and h[6] == '' and sil == '' and\n" \
	"          #inhibitors(P, itgt, isrc) == 0 then\n" \
	"        unmute(P, inc, now)\n" \
	"      end\n" \
	"    end\n" \
	"    out[#out + 1] = 0\n" \
	"  elseif cur[1] == 'firing' then\n" \
	"    resolve(P, fp, akey, inc, now, retention)\n" \
	"    out[#out + 1] = 2\n" \
	"  else\n" \
	"    out[#out + 1] = 3\n" \
	"  end\n" \
	"  out[#out + 1] = inc\n" \
	"  i = i + 21\n" \
	"end\n" \
	"return out\n"

/*
 * group_wait is over for incident ID: note it once and drop the timer.
 * The escalation engine will page from here. But while every firing
 * alert of the incident is held by an active silence, record
 * "silenced" instead and come back when the first of them is free (the
 * earliest of each alert's latest silence end); the silences remember
 * the incident so that expiring one early brings it back at once.
 * maint is the claim's ARGV[5]. Returns 1 when it notified, 2 when it
 * held, 0 when it did nothing.
 */
#define LUA_NOTIFY_FN \
	"local function notify(P, now, id, maint)\n" \
	"local ikey = P .. 'incident:' .. id\n" \
	"redis.call('ZREM', P .. 'timers', 'notify:' .. id)\n" \
	"local h = redis.call('HMGET', ikey, 'status', 'notified_at')\n" \
	"if not h[1] or h[1] == 'resolved' or (h[2] and h[2] ~= '') then\n" \
	"  return 0\n" \
	"end\n" \
	"-- maint: {service: [owner, until]} of those in maintenance\n" \
	"-- now (the daemon evaluates the config's windows). Held like a\n" \
	"-- silence: at the window's end it goes on as if just arrived.\n" \
	"if maint ~= '' then\n" \
	"  local svc = redis.call('HGET', ikey, 'service')\n" \
	"  local m = svc and cjson.decode(maint)[svc]\n" \
	"  if m then\n" \
	"    redis.call('ZADD', P .. 'timers', m[2], 'notify:' .. id)\n" \
	"    redis.call('XADD', ikey .. ':timeline', '*', 'event',\n" \
	"        'maintenance', 'at', now, 'owner', m[1], 'until', m[2])\n" \
	"    return 2\n" \
	"  end\n" \
	"end\n" \
	"local free, until_, held, inh = false, false, {}, {}\n" \
	"for _, fp in ipairs(redis.call('SMEMBERS', ikey .. ':alerts')) do\n" \
	"  local a = redis.call('HMGET', P .. 'alert:' .. fp, 'status',\n" \
	"      'incident', 'silenced', 'inhibit_src', 'inhibit_tgt')\n" \
	"  local by = {}\n" \
	"  if a[1] == 'firing' and a[2] == id then\n" \
	"    by = inhibitors(P, a[5], a[4])\n" \
	"  end\n" \
	"  if #by > 0 then\n" \
	"    -- Held until its source resolves (sources() re-arms).\n" \
	"    for _, p in ipairs(by) do inh[#inh + 1] = p end\n" \
	"  elseif a[1] == 'firing' and a[2] == id then\n" \
	"    local best = 0\n" \
	"    for sid in string.gmatch(a[3] or '', '[^,]+') do\n" \
	"      local t = redis.call('HMGET', P .. 'silence:' .. sid,\n" \
	"          'starts_at', 'ends_at')\n" \
	"      local st, en = tonumber(t[1]), tonumber(t[2])\n" \
	"      if st and en and st <= now and en > now then\n" \
	"        held[#held + 1] = sid\n" \
	"        if en > best then best = en end\n" \
	"      end\n" \
	"    end\n" \
	"    if best == 0 then free = true break end\n" \
	"    if not until_ or best < until_ then until_ = best end\n" \
	"  end\n" \
	"end\n" \
	"if not free and (until_ or #inh > 0) then\n" \
	"  for _, sid in ipairs(held) do\n" \
	"    redis.call('SADD', P .. 'silence:' .. sid .. ':incidents', id)\n" \
	"  end\n" \
	"  for _, p in ipairs(inh) do\n" \
	"    redis.call('SADD', P .. 'inhibit:' .. p[1] .. ':held:' .. p[2], id)\n" \
	"  end\n" \
	"  if until_ then\n" \
	"    redis.call('ZADD', P .. 'timers', until_, 'notify:' .. id)\n" \
	"  end\n" \
	"  redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"      'event', #inh > 0 and 'inhibited' or 'silenced', 'at', now)\n" \
	"  return 2\n" \
	"end\n" \
	"redis.call('HSET', ikey, 'notified_at', now)\n" \
	"redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"    'event', 'group_wait_elapsed', 'at', now)\n" \
	"-- The escalation engine (daemon/escalation.h) pages from step 1.\n" \
	"redis.call('HSET', ikey, 'esc_step', 0, 'esc_round', 0,\n" \
	"    'esc_due', now, 'esc_epoch', 0)\n" \
	"redis.call('ZADD', P .. 'timers', now, 'esc:' .. id)\n" \
	"redis.call('SADD', ikey .. ':esc_timers', 'esc:' .. id)\n" \
	"return 1\n" \
	"end\n"

/*
 * Claim the due members of the timer sets with a lease: each one's score
 * moves to now + lease, so no other instance sees it as due meanwhile,
 * and if this instance dies before its handler removes the member, the
 * lease lapses and another instance takes it.
 *
 * A due "notify:ID" is not leased but done here and now (notify()
 * above): it needs nothing from the daemon but the maintenance windows,
 * and doing it in the claim's atomic script is as safe as a lease and
 * saves the page two round trips. The first step it arms, "esc:ID", due
 * now, is claimed at once; a claimed "esc:ID" comes with the incident's
 * fields the step is planned from, which saves one more.
 */
#define LUA_CLAIM \
	"local P, now = ARGV[1], tonumber(ARGV[2])\n" \
	"local lease, limit = tonumber(ARGV[3]), tonumber(ARGV[4])\n" \
	"local out, seen = {}, {}\n" \
	"local function take(z, m, x)\n" \
	"  if seen[z .. ' ' .. m] then return end\n" \
	"  seen[z .. ' ' .. m] = true\n" \
	"  redis.call('ZADD', P .. z, now + lease, m)\n" \
	"  local id = z == 'timers' and string.match(m, '^esc:(%d+)$')\n" \
	"  if id then\n" \
	"    x = redis.call('HMGET', P .. 'incident:' .. id, 'status',\n" \
	"        'level', 'service', 'policy', 'esc_step', 'esc_round',\n" \
	"        'esc_epoch')\n" \
	"  end\n" \
	"  out[#out + 1] = z\n" \
	"  out[#out + 1] = m\n" \
	"  out[#out + 1] = x\n" \
	"end\n" \
	"for _, z in ipairs({'timers', 'alerts:ends'}) do\n" \
	"  local due = redis.call('ZRANGEBYSCORE', P .. z, '-inf', now,\n" \
	"      'LIMIT', 0, limit)\n" \
	"  for _, m in ipairs(due) do\n" \
	"    local id = z == 'timers' and string.match(m, '^notify:(%d+)$')\n" \
	"    if id then\n" \
	"      local x = notify(P, now, id, ARGV[5])\n" \
	"      out[#out + 1] = z\n" \
	"      out[#out + 1] = m\n" \
	"      out[#out + 1] = x\n" \
	"      if x == 1 then take(z, 'esc:' .. id, 0) end\n" \
	"    else\n" \
	"      take(z, m, 0)\n" \
	"    end\n" \
	"  end\n" \
	"end\n" \
	"return out\n"

/*
 * The endsAt of alert FP has passed: resolve it as a "resolved" from the
 * sender would. A re-send may have moved endsAt later since the claim;
 * then the member gets its real score back. Returns 1 when it resolved.
 */
#define LUA_FIRE_ENDS \
	"local P, now = ARGV[1], tonumber(ARGV[2])\n" \
	"local retention, fp = tonumber(ARGV[3]), ARGV[4]\n" \
	"local akey = P .. 'alert:' .. fp\n" \
	"local a = redis.call('HMGET', akey, 'status', 'ends_at', 'incident')\n" \
	"local ends = tonumber(a[2]) or 0\n" \
	"if a[1] ~= 'firing' or ends <= 0 then\n" \
	"  redis.call('ZREM', P .. 'alerts:ends', fp)\n" \
	"  return 0\n" \
	"end\n" \
	"if ends > now then\n" \
	"  redis.call('ZADD', P .. 'alerts:ends', ends, fp)\n" \
	"  return 0\n" \
	"end\n" \
	"resolve(P, fp, akey, tonumber(a[3]) or 0, now, retention)\n" \
	"return 1\n"

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
	"  end,\n" \
	"  l = function(v)\n" \
	"    if v == '1' or v == '2' or v == '3' then\n" \
	"      return '\"sev' .. v .. '\"'\n" \
	"    end\n" \
	"    return 'null'\n" \
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
	"  {'firing_count', 'n'}, {'service', 's'}, {'group_key', 's'},\n" \
	"  {'policy', 's'}, {'notified_at', 'n'}, {'acked_at', 'n'},\n" \
	"  {'acked_by', 's'}, {'acked_via', 's'}, {'ack_until', 'n'},\n" \
	"  {'resolved_by', 's'}\n" \
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
	"  {'details', 'j'}, {'dedup_key', 's'}, {'timestamp', 'n'},\n" \
	"  {'level', 'l'}, {'service', 's'}, {'ends_at', 'n'}\n" \
	"}\n" \
	"local EVENT = {{'event', 's'}, {'fingerprint', 's'}, {'at', 'n'},\n" \
	"  {'from', 's'}, {'to', 's'}, {'owner', 's'}, {'until', 'n'},\n" \
	"  {'by', 's'}, {'via', 's'}, {'person', 's'}, {'notifier', 's'},\n" \
	"  {'target', 's'}, {'reason', 's'}, {'step', 'n'}, {'round', 'n'},\n" \
	"  {'code', 'n'}, {'attempt', 'n'}, {'provider_id', 's'}}\n" \
	"local P, id = ARGV[1], ARGV[2]\n" \
	"local tm = redis.call('TIME')\n" \
	"local now = tonumber(tm[1]) * 1000 + math.floor(tonumber(tm[2]) / 1000)\n" \
	"-- The silences that hold an alert now (its ids, still active).\n" \
	"local function silenced(fp)\n" \
	"  local ids = {}\n" \
	"  local v = redis.call('HGET', P .. 'alert:' .. fp, 'silenced')\n" \
	"  for sid in string.gmatch(v or '', '[^,]+') do\n" \
	"    local t = redis.call('HMGET', P .. 'silence:' .. sid,\n" \
	"        'starts_at', 'ends_at')\n" \
	"    local st, en = tonumber(t[1]), tonumber(t[2])\n" \
	"    if st and en and st <= now and en > now then\n" \
	"      ids[#ids + 1] = cjson.encode(sid)\n" \
	"    end\n" \
	"  end\n" \
	"  local inh = false\n" \
	"  local r = redis.call('HMGET', P .. 'alert:' .. fp, 'status',\n" \
	"      'inhibit_src', 'inhibit_tgt')\n" \
	"  if r[1] == 'firing' then\n" \
	"    local own = {}\n" \
	"    for l in string.gmatch(r[2] or '', '[^\\n]+') do own[l] = 1 end\n" \
	"    for l in string.gmatch(r[3] or '', '[^\\n]+') do\n" \
	"      local sp = string.find(l, ' ', 1, true)\n" \
	"      local c = tonumber(redis.call('HGET', P .. 'inhibit:' ..\n" \
	"          string.sub(l, 1, sp - 1), string.sub(l, sp + 1))) or 0\n" \
	"      if c - (own[l] or 0) > 0 then inh = true end\n" \
	"    end\n" \
	"  end\n" \
	"  return '\"silenced\":' .. (#ids > 0 and 'true' or 'false') ..\n" \
	"      ',\"silenced_by\":[' .. table.concat(ids, ',') .. ']' ..\n" \
	"      ',\"inhibited\":' .. (inh and 'true' or 'false')\n" \
	"end\n" \
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
	"  -- Not stored since the ingest script stores alerts sparse.\n" \
	"  a[2] = fp\n" \
	"  -- Skip alerts that expired after they resolved or fired again\n" \
	"  -- into a newer incident: the timeline keeps their history.\n" \
	"  if a[1] == h[1] then\n" \
	"    if a[14] == '0' then a[14] = false end\n" \
	"    if a[17] == '0' then a[17] = false end\n" \
	"    alerts[#alerts + 1] = render(a, ALERT, silenced(fp))\n" \
	"  end\n" \
	"end\n" \
	"local events = {}\n" \
	"local tl = redis.call('XRANGE', ikey .. ':timeline', '-', '+',\n" \
	"    'COUNT', 1000)\n" \
	"for _, e in ipairs(tl) do\n" \
	"  local f = {}\n" \
	"  for k = 1, #e[2], 2 do f[e[2][k]] = e[2][k + 1] end\n" \
	"  events[#events + 1] = render({f.event, f.fingerprint, f.at,\n" \
	"      f.from, f.to, f.owner, f['until'], f.by, f.via, f.person,\n" \
	"      f.notifier, f.target, f.reason, f.step, f['round'], f.code,\n" \
	"      f.attempt, f.provider_id}, EVENT)\n" \
	"end\n" \
	"return '{\"incident\":' .. render(h, INCIDENT,\n" \
	"    '\"alerts\":[' .. table.concat(alerts, ',') ..\n" \
	"    '],\"timeline\":[' .. table.concat(events, ',') .. ']') .. '}'\n"

/*
 * Silences (daemon/silences.c). A silence is a hash; P silences orders
 * them by ends_at, and P silences:version changes with every write so
 * that each pagerd instance reloads its copy within one poll.
 */
#define LUA_SILENCE_COMMON \
	"local function silence_json(P, id)\n" \
	"  local h = redis.call('HMGET', P .. 'silence:' .. id, 'matchers',\n" \
	"      'starts_at', 'ends_at', 'created_by', 'comment', 'updated_at')\n" \
	"  if not h[1] then return false end\n" \
	"  return '{\"id\":' .. cjson.encode(id) .. ',\"matchers\":' .. h[1] ..\n" \
	"      ',\"starts_at\":' .. h[2] .. ',\"ends_at\":' .. h[3] ..\n" \
	"      ',\"created_by\":' .. cjson.encode(h[4]) ..\n" \
	"      ',\"comment\":' .. cjson.encode(h[5]) ..\n" \
	"      ',\"updated_at\":' .. h[6] .. '}'\n" \
	"end\n"

#define LUA_SILENCE_ADD \
	"local P, now = ARGV[1], ARGV[2]\n" \
	"-- Silences that ended over a week ago are history nobody lists:\n" \
	"-- forget up to 100 of them with each new one, so they never pile up.\n" \
	"local old = redis.call('ZRANGEBYSCORE', P .. 'silences', '-inf',\n" \
	"    '(' .. (tonumber(now) - 7 * 86400000), 'LIMIT', 0, 100)\n" \
	"for _, o in ipairs(old) do\n" \
	"  redis.call('DEL', P .. 'silence:' .. o, P .. 'silence:' .. o ..\n" \
	"      ':incidents')\n" \
	"  redis.call('ZREM', P .. 'silences', o)\n" \
	"end\n" \
	"local id = tostring(redis.call('INCR', P .. 'silence:seq'))\n" \
	"redis.call('HSET', P .. 'silence:' .. id, 'id', id,\n" \
	"    'starts_at', ARGV[3], 'ends_at', ARGV[4], 'created_by', ARGV[5],\n" \
	"    'comment', ARGV[6], 'matchers', ARGV[7], 'created_at', now,\n" \
	"    'updated_at', now)\n" \
	"redis.call('ZADD', P .. 'silences', ARGV[4], id)\n" \
	"redis.call('INCR', P .. 'silences:version')\n" \
	"return '{\"id\":' .. cjson.encode(id) .. '}'\n"

/*
 * ARGV: prefix, now, all, known version. Unchanged since that version:
 * just the version, so the 500 ms poll of each instance costs little.
 */
#define LUA_SILENCE_LIST \
	"local P, now, all, known = ARGV[1], ARGV[2], ARGV[3], ARGV[4]\n" \
	"local ver = redis.call('GET', P .. 'silences:version') or '0'\n" \
	"if known == ver then\n" \
	"  return '{\"version\":\"' .. ver .. '\",\"unchanged\":true}'\n" \
	"end\n" \
	"local min = '(' .. now\n" \
	"if all == '1' then min = '-inf' end\n" \
	"local ids = redis.call('ZREVRANGEBYSCORE', P .. 'silences', '+inf',\n" \
	"    min, 'LIMIT', 0, 1000)\n" \
	"local parts = {}\n" \
	"for _, id in ipairs(ids) do\n" \
	"  local j = silence_json(P, id)\n" \
	"  if j then parts[#parts + 1] = j end\n" \
	"end\n" \
	"return '{\"version\":\"' .. ver .. '\",\"silences\":[' ..\n" \
	"    table.concat(parts, ',') .. ']}'\n"

#define LUA_SILENCE_GET \
	"return silence_json(ARGV[1], ARGV[2])\n"

/*
 * Expire now: ends_at moves to now (a pending one starts and ends now),
 * and the incidents whose notification it held go on at once.
 */
#define LUA_SILENCE_EXPIRE \
	"local P, now, id = ARGV[1], tonumber(ARGV[2]), ARGV[3]\n" \
	"local skey = P .. 'silence:' .. id\n" \
	"local h = redis.call('HMGET', skey, 'starts_at', 'ends_at')\n" \
	"if not h[1] then return false end\n" \
	"if tonumber(h[2]) > now then\n" \
	"  if tonumber(h[1]) > now then\n" \
	"    redis.call('HSET', skey, 'starts_at', now)\n" \
	"  end\n" \
	"  redis.call('HSET', skey, 'ends_at', now, 'updated_at', now)\n" \
	"  redis.call('ZADD', P .. 'silences', now, id)\n" \
	"  redis.call('INCR', P .. 'silences:version')\n" \
	"  for _, inc in ipairs(redis.call('SMEMBERS', skey .. ':incidents')) do\n" \
	"    local n = redis.call('HMGET', P .. 'incident:' .. inc, 'status',\n" \
	"        'notified_at')\n" \
	"    if n[1] == 'triggered' and n[2] == '' then\n" \
	"      redis.call('ZADD', P .. 'timers', now, 'notify:' .. inc)\n" \
	"    end\n" \
	"  end\n" \
	"  redis.call('DEL', skey .. ':incidents')\n" \
	"end\n" \
	"return silence_json(P, id)\n"

/*
 * Acknowledge the open incident of an alert (PagerDuty's event_action
 * acknowledge names the alert by its dedup_key). Its pending notification
 * is dropped; the events stream tells the escalation engine.
 */
#define LUA_ACK_ALERT \
	"local P, now, fp, by = ARGV[1], ARGV[2], ARGV[3], ARGV[4]\n" \
	"local inc = redis.call('HGET', P .. 'alert:' .. fp, 'incident')\n" \
	"if not inc then return false end\n" \
	"local ikey = P .. 'incident:' .. inc\n" \
	"if redis.call('HGET', ikey, 'status') == 'triggered' then\n" \
	"  redis.call('HSET', ikey, 'status', 'acknowledged', 'acked_at', now,\n" \
	"      'acked_by', by, 'acked_via', 'pagerduty', 'updated', now)\n" \
	"  redis.call('ZREM', P .. 'timers', 'notify:' .. inc)\n" \
	"  -- Escalation stops as with any ack (daemon/escalation.h): its\n" \
	"  -- timers go; queued pages are dropped by the outbox.\n" \
	"  local set = ikey .. ':esc_timers'\n" \
	"  for _, m in ipairs(redis.call('SMEMBERS', set)) do\n" \
	"    redis.call('ZREM', P .. 'timers', m)\n" \
	"  end\n" \
	"  redis.call('DEL', set)\n" \
	"  redis.call('XADD', ikey .. ':timeline', '*', 'event',\n" \
	"      'acknowledged', 'fingerprint', fp, 'by', by,\n" \
	"      'via', 'pagerduty', 'at', now)\n" \
	"  redis.call('XADD', P .. 'events', 'MAXLEN', '~', 100000, '*',\n" \
	"      'type', 'acknowledged', 'incident', inc, 'by', by, 'at', now)\n" \
	"end\n" \
	"return '{\"incident\":' .. inc .. ',\"status\":' ..\n" \
	"    cjson.encode(redis.call('HGET', ikey, 'status')) .. '}'\n"

const char store_lua_write_lib[] = LUA_WRITE_LIB;

const struct store_script_def store_scripts[STORE_SCRIPT_COUNT] = {
	[STORE_SCRIPT_INGEST] = { "ingest", LUA_WRITE_LIB LUA_INGEST },
	[STORE_SCRIPT_LIST] = { "list", LUA_COMMON LUA_LIST },
	[STORE_SCRIPT_GET] = { "get", LUA_COMMON LUA_GET },
	[STORE_SCRIPT_CLAIM] = { "claim",
	    LUA_WRITE_LIB LUA_NOTIFY_FN LUA_CLAIM },
	[STORE_SCRIPT_FIRE_ENDS] = { "fire_ends", LUA_WRITE_LIB LUA_FIRE_ENDS },
	[STORE_SCRIPT_SILENCE_ADD] = { "silence_add", LUA_SILENCE_ADD },
	[STORE_SCRIPT_ACK_ALERT] = { "ack_alert", LUA_ACK_ALERT },
	[STORE_SCRIPT_SILENCE_LIST] = { "silence_list",
	    LUA_SILENCE_COMMON LUA_SILENCE_LIST },
	[STORE_SCRIPT_SILENCE_GET] = { "silence_get",
	    LUA_SILENCE_COMMON LUA_SILENCE_GET },
	[STORE_SCRIPT_SILENCE_EXPIRE] = { "silence_expire",
	    LUA_SILENCE_COMMON LUA_SILENCE_EXPIRE },
};
