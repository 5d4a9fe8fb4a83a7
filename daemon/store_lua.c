/*
 * daemon/store_lua.c — the text of the store's Lua scripts (see
 * store_lua.h for the key layout and each script's ARGV). Loaded with
 * SCRIPT LOAD at connect; EVAL'd as they are when Redis has lost them.
 */
#include "autoconf.h"

#include "escalation_shared_lua.h"
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
	"    local a = redis.call('HMGET', P .. 'alert:' .. f, 's', 'v',\n" \
	"        'i')\n" \
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
	"-- Incident id is closed: the reply codes of its pages go back to\n" \
	"-- each paged person's free codes (P person:PID:free; the step\n" \
	"-- script gives the smallest one next, daemon/escalation_lua.c).\n" \
	"-- The code still names the incident until it is given again, so\n" \
	"-- a late 'ack 6' is told #id is resolved. Its own pages leave the\n" \
	"-- person's list of open pages.\n" \
	"local function free_codes(P, id)\n" \
	"  local ids = tostring(id)\n" \
	"  local rk = P .. 'incident:' .. ids .. ':codes'\n" \
	"  for _, pid in ipairs(redis.call('SMEMBERS',\n" \
	"      P .. 'incident:' .. ids .. ':esc_people')) do\n" \
	"    local c = redis.call('HGET', rk, pid)\n" \
	"    local ck = P .. 'person:' .. pid .. ':codes'\n" \
	"    if c and redis.call('HGET', ck, c) == ids then\n" \
	"      local fk = P .. 'person:' .. pid .. ':free'\n" \
	"      redis.call('ZADD', fk, c, c)\n" \
	"      -- Every code is free: the next page starts again at 1.\n" \
	"      -- (No v: not this scheme's codes; the next page sorts\n" \
	"      -- them out, codes_v2 in the step script.)\n" \
	"      local v = tonumber(redis.call('HGET', ck, 'v'))\n" \
	"      if v and redis.call('ZCARD', fk) >= v then\n" \
	"        redis.call('DEL', fk)\n" \
	"        redis.call('HSET', ck, 'v', 0)\n" \
	"      end\n" \
	"    end\n" \
	"    redis.call('ZREM', P .. 'person:' .. pid .. ':pages', ids)\n" \
	"  end\n" \
	"  redis.call('DEL', rk)\n" \
	"end\n" \
	"-- Resolve the firing alert fp of incident inc. The incident\n" \
	"-- resolves with its last firing alert unless its service said\n" \
	"-- auto_resolve = false; its group then forgets it, so the next\n" \
	"-- alert of the group opens a new incident (a resolved one is never\n" \
	"-- reopened), and its pending notification is dropped. batch: the\n" \
	"-- caller resolves several alerts of inc and settles once itself.\n" \
	"local function resolve(P, fp, akey, inc, now, retention, batch)\n" \
	"  redis.call('HSET', akey, 's', 'resolved', 'r', now, 'l', now)\n" \
	"  if retention > 0 then\n" \
	"    redis.call('PEXPIRE', akey, retention)\n" \
	"  end\n" \
	"  redis.call('ZREM', P .. 'alerts:ends', fp)\n" \
	"  sources(P, redis.call('HGET', akey, 'a'), -1, now)\n" \
	"  redis.call('HDEL', akey, 'a')\n" \
	"  local ikey = P .. 'incident:' .. inc\n" \
	"  local h = redis.call('HMGET', ikey, 'status', 'auto_resolve',\n" \
	"      'group_key')\n" \
	"  if not h[1] or h[1] == 'resolved' then return end\n" \
	"  redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"      'event', 'alert_resolved', 'fingerprint', fp, 'at', now)\n" \
	"  local left = redis.call('HINCRBY', ikey, 'firing_count', -1)\n" \
	"  redis.call('HSET', ikey, 'updated', now)\n" \
	"  if left > 0 and not batch then settle(P, inc, ikey, now) end\n" \
	"  if left > 0 or h[2] == '0' then return end\n" \
	"  redis.call('HSET', ikey, 'status', 'resolved', 'resolved_at', now)\n" \
	"  free_codes(P, inc)\n" \
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
 * round): it costs one HMGET and one HSET of what changed; its
 * incident's updated (the incident's last change) is written, once per
 * call, only when the alert's content changed.
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
	"-- Numbers go to Redis as the strings they came as: Lua turns a\n" \
	"-- number into text with sprintf, a visible cost per alert.\n" \
	"local nows = ARGV[2]\n" \
	"local LVL = {['1'] = 1, ['2'] = 2, ['3'] = 3}\n" \
	"-- An alert is 6 arguments: fingerprint, status, timestamp, ends_at,\n" \
	"-- digest, and the rest as NUL-terminated strings (store_lua.h), so\n" \
	"-- that Redis makes 6 Lua strings of it, not 22, and a repeat whose\n" \
	"-- digest matches never unpacks the rest. rest(i) unpacks them into\n" \
	"-- R: 1 summary, 2 source, 3 severity, 4 labels, 5 details,\n" \
	"-- 6 dedup_key, 7 level, 8 service, 9 group_key, 10 group_wait,\n" \
	"-- 11 group_interval, 12 repeat_interval, 13 auto_resolve,\n" \
	"-- 14 policy, 15 silenced, 16 inhibit_src, 17 inhibit_tgt, and\n" \
	"-- 18 the timestamp (in the place of where unpack() ended: a\n" \
	"-- 19th element would grow the table). After the 17 strings the\n" \
	"-- rest may go on with the plan of the first escalation step, for\n" \
	"-- an alert that pages as soon as it opens an incident: the step\n" \
	"-- script's ARGV from 'what' on, each NUL-terminated (first_step()\n" \
	"-- below); pos is where it starts.\n" \
	"local REST = string.rep('s', 17)\n" \
	"local function rest(i)\n" \
	"  local a, b, c, d, e, f, g, h, j, k, l, m, n, o, p, q, r, pos =\n" \
	"      struct.unpack(REST, ARGV[i + 5])\n" \
	"  local R = {a, b, c, d, e, f, g, h, j, k, l, m, n, o, p, q, r,\n" \
	"      ARGV[i + 2]}\n" \
	"  local lvs = R[7]\n" \
	"  local lvl = LVL[lvs]\n" \
	"  if not lvl then lvl, lvs = 3, '3' end\n" \
	"  return R, lvl, lvs, R[15], R[16], R[17], pos\n" \
	"end\n" \
	"-- An incident that alert i opens pages at once, in this call, when\n" \
	"-- its service has no group_wait and pagerd planned the step (not\n" \
	"-- in a maintenance window: daemon/escalation.c), and the alert is\n" \
	"-- neither silenced nor inhibited: the step's ARGV, as the step\n" \
	"-- script would get it for step 1 of incident incs. Otherwise\n" \
	"-- false: a notify timer does it (LUA_NOTIFY_FN, with all its\n" \
	"-- checks), which is what the claim used to do for every incident,\n" \
	"-- and two round trips and two script calls later.\n" \
	"local function first_step(i, pos, incs, wait, sil, isrc, itgt)\n" \
	"  local s = ARGV[i + 5]\n" \
	"  if wait ~= 0 or sil ~= '' or pos > #s or\n" \
	"      (itgt ~= '' and #inhibitors(P, itgt, isrc) > 0) then\n" \
	"    return false\n" \
	"  end\n" \
	"  local A = {P, nows, incs, '0', '0', '0', fresh = true}\n" \
	"  for v in string.gmatch(string.sub(s, pos), '(%Z*)%z') do\n" \
	"    A[#A + 1] = v\n" \
	"  end\n" \
	"  return A\n" \
	"end\n" \
	"-- Steps done in this call: alert index (from 0), what (0 page,\n" \
	"-- 1 skip, 2 defer, 3 stop) and the step's result, appended to the\n" \
	"-- reply after the alerts' pairs.\n" \
	"local WHAT = {page = 0, skip = 1, defer = 2, stop = 3}\n" \
	"local stepped = {}\n" \
	"-- The alert's optional fields: name, index in R, whether a repeat\n" \
	"-- may change it, and the empty value, which is not stored (absent =\n" \
	"-- empty). What a repeat may change (but timestamp) is what pagerd's\n" \
	"-- digest covers (stored as h).\n" \
	"local FIELDS = {{'m', 1, true, ''}, {'y', 3, true, ''},\n" \
	"    {'d', 5, true, ''}, {'t', 18, false, '0'}, {'x', 15, true, ''},\n" \
	"    {'a', 16, true, ''}, {'g', 17, true, ''}, {'k', 6, false, ''}}\n" \
	"-- An incident's updated is written once per call, not once per\n" \
	"-- alert: now is the same for the whole batch, and a batch of\n" \
	"-- repeats is mostly alerts of a few incidents.\n" \
	"local touched = {}\n" \
	"local function touch(ikey)\n" \
	"  if touched[ikey] then return end\n" \
	"  touched[ikey] = true\n" \
	"  redis.call('HSET', ikey, 'updated', nows)\n" \
	"end\n" \
	"-- The open incident of each group that alerts joined in this call,\n" \
	"-- as read at its first join and kept up to date since (the HMGET\n" \
	"-- reply): a second alert of the group reads no GET and no HMGET.\n" \
	"-- Forgotten at a resolve, which changes the incident itself.\n" \
	"-- (Separate tables, not fields of the reply: a hash part added to\n" \
	"-- each reply costs more than the lookups it saves.)\n" \
	"local joined, jinc, unmuted = {}, {}, {}\n" \
	"-- Alerts of an incident that its timeline names (alert_added).\n" \
	"local NAMED = 25\n" \
	"local retention = tonumber(ARGV[3])\n" \
	"local n = tonumber(ARGV[4])\n" \
	"local resend = ARGV[5] == '1'\n" \
	"-- Sent back (outcome 4): a firing alert sent without its content\n" \
	"-- (pagerd thought Redis held the same) that needs it: new, fired\n" \
	"-- again, or changed. Every later alert of that fingerprint goes\n" \
	"-- back too, so that pagerd's resend (resend = '1': all of this\n" \
	"-- call) keeps the order they came in: in this call through back,\n" \
	"-- in calls already on their way through P ingest:deferred\n" \
	"-- (fingerprint -> when), which the resend clears. An entry older\n" \
	"-- than a minute is a pagerd that died first (its sender got no\n" \
	"-- answer and sends again): dropped.\n" \
	"local dkey = P .. 'ingest:deferred'\n" \
	"local back = {}\n" \
	"local dl = redis.call('HGETALL', dkey)\n" \
	"for j = 1, #dl, 2 do\n" \
	"  if (tonumber(dl[j + 1]) or 0) + 60000 > now then\n" \
	"    back[dl[j]] = true\n" \
	"  else\n" \
	"    redis.call('HDEL', dkey, dl[j])\n" \
	"  end\n" \
	"end\n" \
	"local out = {}\n" \
	"local i = 6\n" \
	"for k = 1, n do\n" \
	"  local fp, st = ARGV[i], ARGV[i + 1]\n" \
	"  -- '0' or digits from 1 on (store.c decimal_i64(): no pattern\n" \
	"  -- match here, a visible cost per repeat).\n" \
	"  local ends = ARGV[i + 3]\n" \
	"  local dg = ARGV[i + 4]\n" \
	"  local short = ARGV[i + 5] == ''\n" \
	"  local akey = P .. 'alert:' .. fp\n" \
	"  local cur, incs, inc = false, '0', 0\n" \
	"  if back[fp] and resend then\n" \
	"    back[fp] = nil\n" \
	"    redis.call('HDEL', dkey, fp)\n" \
	"  end\n" \
	"  if not back[fp] then\n" \
	"    cur = redis.call('HMGET', akey, 's', 'i', 'h', 'e', 't', 'c')\n" \
	"    incs = cur[2] or '0'\n" \
	"    inc = tonumber(incs) or 0\n" \
	"  end\n" \
	"  if not cur or (short and st == 'firing' and\n" \
	"      (cur[1] ~= 'firing' or cur[3] ~= dg)) then\n" \
	"    if not back[fp] then\n" \
	"      back[fp] = true\n" \
	"      redis.call('HSET', dkey, fp, nows)\n" \
	"    end\n" \
	"    out[#out + 1] = 4\n" \
	"    inc = 0\n" \
	"  elseif st == 'firing' and cur[1] == 'firing' then\n" \
	"    -- The hot path: a repeat of a firing alert. One short HMGET\n" \
	"    -- (above) and one HSET of the count, last_seen and the times\n" \
	"    -- that moved, when the digest says nothing else changed: the\n" \
	"    -- details (~450 bytes) are neither read back nor written.\n" \
	"    local ts = ARGV[i + 2]\n" \
	"    local moved = (cur[4] or '0') ~= ends\n" \
	"    local c = (tonumber(cur[6]) or 1) + 1\n" \
	"    if cur[3] == dg and (cur[5] or '0') == ts then\n" \
	"      -- The commonest of all: the count, last_seen and maybe the\n" \
	"      -- end (Prometheus moves it at every evaluation), no table.\n" \
	"      if moved then\n" \
	"        redis.call('HSET', akey, 'c', c, 'l', nows, 'e', ends)\n" \
	"      else\n" \
	"        redis.call('HSET', akey, 'c', c, 'l', nows)\n" \
	"      end\n" \
	"    else\n" \
	"      local set = {'c', c, 'l', nows}\n" \
	"      if (cur[5] or '0') ~= ts then\n" \
	"        set[#set + 1] = 't'\n" \
	"        set[#set + 1] = ts\n" \
	"      end\n" \
	"      if moved then\n" \
	"        set[#set + 1] = 'e'\n" \
	"        set[#set + 1] = ends\n" \
	"      end\n" \
	"      local R, lvl, lvs, sil, isrc, itgt, old\n" \
	"      if cur[3] ~= dg then\n" \
	"        R, lvl, lvs, sil, isrc, itgt = rest(i)\n" \
	"        -- No digest yet (its first repeat, or a hash older than\n" \
	"        -- digests): the content as stored decides whether it\n" \
	"        -- changed (with a digest, a different one says so: not\n" \
	"        -- read back).\n" \
	"        if cur[3] then\n" \
	"          old = redis.call('HMGET', akey, 'v', 'x', 'a', 'g')\n" \
	"        else\n" \
	"          old = redis.call('HMGET', akey, 'v', 'x', 'a', 'g', 'm',\n" \
	"              'y', 'd')\n" \
	"        end\n" \
	"        if not cur[3] and (tonumber(old[1]) or 3) == lvl and\n" \
	"            (old[2] or '') == sil and (old[3] or '') == isrc and\n" \
	"            (old[4] or '') == itgt and (old[5] or '') == R[1] and\n" \
	"            (old[6] or '') == R[3] and (old[7] or '') == R[5] then\n" \
	"          set[#set + 1] = 'h'\n" \
	"          set[#set + 1] = dg\n" \
	"          R = false\n" \
	"        end\n" \
	"      end\n" \
	"      if R then\n" \
	"        -- Its content changed (or the hash predates digests and\n" \
	"        -- differs): write what a repeat may change, unread, and\n" \
	"        -- look at what the old level, silences and inhibition\n" \
	"        -- mean now.\n" \
	"        local del = {}\n" \
	"        set[#set + 1] = 'h'\n" \
	"        set[#set + 1] = dg\n" \
	"        for _, f in ipairs(FIELDS) do\n" \
	"          local v = R[f[2]]\n" \
	"          if not f[3] then\n" \
	"          elseif v ~= f[4] then\n" \
	"            set[#set + 1] = f[1]\n" \
	"            set[#set + 1] = v\n" \
	"          else\n" \
	"            del[#del + 1] = f[1]\n" \
	"          end\n" \
	"        end\n" \
	"        -- Level 3 (sev3, the most common) is not stored either.\n" \
	"        local raised = (tonumber(old[1]) or 3) ~= lvl\n" \
	"        if raised and lvl == 3 then\n" \
	"          del[#del + 1] = 'v'\n" \
	"        elseif raised then\n" \
	"          set[#set + 1] = 'v'\n" \
	"          set[#set + 1] = lvs\n" \
	"        end\n" \
	"        redis.call('HSET', akey, unpack(set))\n" \
	"        if #del > 0 then redis.call('HDEL', akey, unpack(del)) end\n" \
	"        if (old[3] or '') ~= isrc then\n" \
	"          -- In before out: a key that stays never drops to 0.\n" \
	"          sources(P, isrc, 1, now)\n" \
	"          sources(P, old[3], -1, now)\n" \
	"        end\n" \
	"        -- No longer silenced, or its inhibit targets changed (a\n" \
	"        -- config reload): it may notify now. An alert whose\n" \
	"        -- targets stay is not looked at again: when the last\n" \
	"        -- source of a key that held its incident goes, sources()\n" \
	"        -- re-arms it.\n" \
	"        if sil == '' and ((old[2] or '') ~= '' or\n" \
	"            (itgt ~= (old[4] or '') and (old[4] or '') ~= '')) and\n" \
	"            #inhibitors(P, itgt, isrc) == 0 then\n" \
	"          unmute(P, inc, now)\n" \
	"        end\n" \
	"        local ikey = P .. 'incident:' .. incs\n" \
	"        if raised then raise(P, inc, ikey, lvl, now) end\n" \
	"        -- The incident's updated is its last change: an alert of\n" \
	"        -- it changed. A repeat that changes nothing leaves it\n" \
	"        -- (the alert's last_seen says when it was last sent).\n" \
	"        touch(ikey)\n" \
	"      else\n" \
	"        redis.call('HSET', akey, unpack(set))\n" \
	"      end\n" \
	"    end\n" \
	"    -- P alerts:ends holds one member per incident, never later\n" \
	"    -- than its alerts' ends_at (LT): an end that moved later, or\n" \
	"    -- went, is found when the member comes due (LUA_FIRE_ENDS).\n" \
	"    -- So only an end that is new or earlier is written: the\n" \
	"    -- member is at or before the old one already. (Prometheus\n" \
	"    -- moves every firing alert's end later at each evaluation.)\n" \
	"    -- (Numbers parsed only when it moved: strtod is a visible\n" \
	"    -- cost per repeat.)\n" \
	"    if moved and ends ~= '0' then\n" \
	"      local was = tonumber(cur[4]) or 0\n" \
	"      if was <= 0 or tonumber(ends) < was then\n" \
	"        redis.call('ZADD', P .. 'alerts:ends', 'LT', ends,\n" \
	"            'incident:' .. incs)\n" \
	"      end\n" \
	"    end\n" \
	"    out[#out + 1] = 1\n" \
	"  elseif st == 'firing' then\n" \
	"    -- New, or firing again after it resolved: join the open\n" \
	"    -- incident of its group, or open one.\n" \
	"    local R, lvl, lvs, sil, isrc, itgt, pos = rest(i)\n" \
	"    local svc, gk = R[8], R[9]\n" \
	"    if svc == '' then svc = 'default' end\n" \
	"    local gkey, h = false, false\n" \
	"    inc = false\n" \
	"    if gk ~= '' then\n" \
	"      gkey = P .. 'group:' .. gk\n" \
	"      h = joined[gk]\n" \
	"      local g = false\n" \
	"      if h then\n" \
	"        incs = jinc[gk]\n" \
	"        inc = tonumber(incs)\n" \
	"      else\n" \
	"        g = redis.call('GET', gkey)\n" \
	"      end\n" \
	"      if g then\n" \
	"        -- All the joining below needs of the incident, at once.\n" \
	"        h = redis.call('HMGET', P .. 'incident:' .. g, 'status',\n" \
	"            'summary', 'alert_count', 'firing_count', 'level',\n" \
	"            'notified_at', 'source', 'service')\n" \
	"        if h[1] and h[1] ~= 'resolved' then\n" \
	"          inc, incs = tonumber(g), g\n" \
	"          joined[gk], jinc[gk] = h, g\n" \
	"        end\n" \
	"      end\n" \
	"    end\n" \
	"    local opened = not inc\n" \
	"    if opened then\n" \
	"      inc = redis.call('INCR', P .. 'incident:seq')\n" \
	"      incs = tostring(inc)\n" \
	"    end\n" \
	"    local ikey = P .. 'incident:' .. incs\n" \
	"    if cur[1] then\n" \
	"      -- Fired again after it resolved: a fresh hash (no TTL, and\n" \
	"      -- no field of its last life left behind by the sparse HSET).\n" \
	"      redis.call('DEL', akey)\n" \
	"    end\n" \
	"    -- Sparse, to keep an alert small (Redis holds ~1 KB per alert;\n" \
	"    -- short field names, store_lua.h): no fingerprint (it is the\n" \
	"    -- key's end), no group_key, no source and service when they\n" \
	"    -- are its incident's (GET takes them from there), no level 3,\n" \
	"    -- no count 1, no last_seen equal to first_seen, no digest (the\n" \
	"    -- first repeat compares the content and writes the digest), an\n" \
	"    -- optional field that is empty, or 0 for timestamp and ends_at,\n" \
	"    -- is left out: absent reads back as empty everywhere, and GET\n" \
	"    -- renders both as null.\n" \
	"    local set = {'s', 'firing', 'L', R[4], 'f', nows,\n" \
	"        'i', incs}\n" \
	"    if lvl ~= 3 then\n" \
	"      set[#set + 1] = 'v'\n" \
	"      set[#set + 1] = lvs\n" \
	"    end\n" \
	"    if not opened and h[7] ~= R[2] then\n" \
	"      set[#set + 1] = 'o'\n" \
	"      set[#set + 1] = R[2]\n" \
	"    end\n" \
	"    if not opened and h[8] ~= svc then\n" \
	"      set[#set + 1] = 'V'\n" \
	"      set[#set + 1] = svc\n" \
	"    end\n" \
	"    for _, f in ipairs(FIELDS) do\n" \
	"      local v = R[f[2]]\n" \
	"      if v ~= f[4] then\n" \
	"        set[#set + 1] = f[1]\n" \
	"        set[#set + 1] = v\n" \
	"      end\n" \
	"    end\n" \
	"    if ends ~= '0' then\n" \
	"      set[#set + 1] = 'e'\n" \
	"      set[#set + 1] = ends\n" \
	"    end\n" \
	"    redis.call('HSET', akey, unpack(set))\n" \
	"    sources(P, isrc, 1, now)\n" \
	"    if ends ~= '0' then\n" \
	"      redis.call('ZADD', P .. 'alerts:ends', 'LT', ends,\n" \
	"          'incident:' .. incs)\n" \
	"    end\n" \
	"    if opened then\n" \
	"      local wait = tonumber(R[10]) or 0\n" \
	"      local A = first_step(i, pos, incs, wait, sil, isrc, itgt)\n" \
	"      local set = {'id', inc, 'title', R[1],\n" \
	"          'summary', R[1], 'status', 'triggered',\n" \
	"          'level', lvl, 'severity', SEV[lvl], 'service', svc,\n" \
	"          'group_key', gk, 'policy', R[14],\n" \
	"          'group_wait', wait, 'group_interval', R[11],\n" \
	"          'repeat_interval', R[12],\n" \
	"          'auto_resolve', R[13], 'notified_at', A and nows or '',\n" \
	"          'source', R[2], 'created', now, 'updated', now,\n" \
	"          'resolved_at', '', 'alert_count', 1, 'firing_count', 1}\n" \
	"      if A then\n" \
	"        -- What notify() writes once group_wait is over, in the\n" \
	"        -- same HSET: step 1 due now.\n" \
	"        for _, v in ipairs({'esc_step', 0, 'esc_round', 0,\n" \
	"            'esc_due', nows, 'esc_epoch', 0}) do\n" \
	"          set[#set + 1] = v\n" \
	"        end\n" \
	"      end\n" \
	"      redis.call('HSET', ikey, unpack(set))\n" \
	"      redis.call('SADD', ikey .. ':alerts', fp)\n" \
	"      redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"          'event', 'created', 'fingerprint', fp, 'at', now)\n" \
	"      redis.call('ZADD', P .. 'incidents', inc, inc)\n" \
	"      redis.call('ZADD', P .. 'incidents:triggered', inc, inc)\n" \
	"      if gkey then redis.call('SET', gkey, inc) end\n" \
	"      if A then\n" \
	"        -- Then step 1 (it arms the next step itself).\n" \
	"        redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"            'event', 'group_wait_elapsed', 'at', nows)\n" \
	"        stepped[#stepped + 1] = k - 1\n" \
	"        stepped[#stepped + 1] = WHAT[A[7]] or 3\n" \
	"        stepped[#stepped + 1] = esc_step(A)\n" \
	"      else\n" \
	"        -- In Redis, not in a libevent timer: it survives a\n" \
	"        -- restart and any instance may fire it (daemon/timers.c).\n" \
	"        redis.call('ZADD', P .. 'timers', now + wait,\n" \
	"            'notify:' .. inc)\n" \
	"      end\n" \
	"      touched[ikey] = true\n" \
	"      if gkey then\n" \
	"        joined[gk] = {'triggered', R[1], '1', '1', lvs,\n" \
	"            A and nows or '',\n" \
	"            R[2], svc}\n" \
	"        jinc[gk] = incs\n" \
	"      end\n" \
	"    else\n" \
	"      -- One HMGET (at the group lookup, above) and one HSET of the\n" \
	"      -- incident: raise() and unmute() are called only when they\n" \
	"      -- have something to do (they read again, rarely).\n" \
	"      local total = tonumber(h[3]) or 0\n" \
	"      local added = redis.call('SADD', ikey .. ':alerts', fp) == 1\n" \
	"      if added then\n" \
	"        total = total + 1\n" \
	"      end\n" \
	"      local title = h[2] or R[1]\n" \
	"      if total > 1 then\n" \
	"        title = title .. ' (+' .. (total - 1) .. ' more)'\n" \
	"      end\n" \
	"      local firing = (tonumber(h[4]) or 0) + 1\n" \
	"      redis.call('HSET', ikey, 'alert_count', total,\n" \
	"          'firing_count', firing, 'title', title, 'updated', nows)\n" \
	"      h[3], h[4] = total, firing\n" \
	"      touched[ikey] = true\n" \
	"      -- The timeline names the first NAMED alerts of an incident;\n" \
	"      -- the next writes one more_alerts, and the rest are in its\n" \
	"      -- alert list (with first_seen) and alert_count only. A storm\n" \
	"      -- of thousands of alerts in one incident would make its\n" \
	"      -- timeline (and the API's answer) that long, at ~3 usec and\n" \
	"      -- ~60 bytes of Redis an entry.\n" \
	"      if total <= NAMED then\n" \
	"        redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"            'event', 'alert_added', 'fingerprint', fp, 'at', nows)\n" \
	"      elseif total == NAMED + 1 and added then\n" \
	"        redis.call('XADD', ikey .. ':timeline', '*',\n" \
	"            'event', 'more_alerts', 'after', NAMED, 'at', nows)\n" \
	"      end\n" \
	"      if (tonumber(h[5]) or 4) > lvl then\n" \
	"        raise(P, inc, ikey, lvl, now)\n" \
	"        h[5] = lvl\n" \
	"      end\n" \
	"      -- unmute() re-arms only a triggered incident whose\n" \
	"      -- notification is still held (notified_at empty).\n" \
	"      if h[1] == 'triggered' and h[6] == '' and not unmuted[incs] and\n" \
	"          sil == '' and\n" \
	"          (itgt == '' or #inhibitors(P, itgt, isrc) == 0) then\n" \
	"        -- unmute(), without reading again what h has; once a call.\n" \
	"        redis.call('ZADD', P .. 'timers', 'NX', nows,\n" \
	"            'notify:' .. incs)\n" \
	"        unmuted[incs] = true\n" \
	"      end\n" \
	"    end\n" \
	"    out[#out + 1] = 0\n" \
	"  elseif cur[1] == 'firing' then\n" \
	"    joined, jinc = {}, {}\n" \
	"    resolve(P, fp, akey, inc, now, retention)\n" \
	"    out[#out + 1] = 2\n" \
	"  else\n" \
	"    out[#out + 1] = 3\n" \
	"  end\n" \
	"  out[#out + 1] = inc\n" \
	"  i = i + 6\n" \
	"end\n" \
	"for _, v in ipairs(stepped) do out[#out + 1] = v end\n" \
	"-- The pages those steps queued leave with this reply: the outbox\n" \
	"-- read of this pagerd (the 'outbox read' script's code and ARGV\n" \
	"-- from its third on, after the alerts: consumer, count, idle 0,\n" \
	"-- the phone notifiers), one last element after the triples, so\n" \
	"-- that the first page of an incident waits for no round trip and\n" \
	"-- no script call more. pcall: a stream without its group (a\n" \
	"-- FLUSHALL) must not fail the alerts stored above; pagerd's own\n" \
	"-- read then makes the group and finds the pages.\n" \
	"local queued = false\n" \
	"for j = 3, #stepped, 3 do\n" \
	"  if stepped[j] > 0 then queued = true end\n" \
	"end\n" \
	"if queued and ARGV[i] then\n" \
	"  local A = {P, nows}\n" \
	"  for j = i, #ARGV do A[#A + 1] = ARGV[j] end\n" \
	"  local ok, list = pcall(esc_read, A)\n" \
	"  if ok then out[#out + 1] = list end\n" \
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
	"  local a = redis.call('HMGET', P .. 'alert:' .. fp, 's', 'i', 'x',\n" \
	"      'a', 'g')\n" \
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
 * A member of P alerts:ends came due. "incident:ID" (what pagerd writes
 * now: one member per incident, its score never later than the ends_at
 * of any of its firing alerts): resolve every alert of the incident
 * whose ends_at has passed, as a "resolved" from the sender would, and
 * put the member back at the next ends_at, or drop it. A re-send that
 * moved an end later leaves the member early; it then only comes back
 * later. A fingerprint (a member an older pagerd wrote, one per alert):
 * resolve that alert, or move its end to its incident's member. Returns
 * 1 when it resolved an alert.
 */
#define LUA_FIRE_ENDS \
	"local P, now = ARGV[1], tonumber(ARGV[2])\n" \
	"local retention, m = tonumber(ARGV[3]), ARGV[4]\n" \
	"local zkey = P .. 'alerts:ends'\n" \
	"-- At most this many alerts per call (each is ~10 usec of Redis);\n" \
	"-- the rest come due again at once.\n" \
	"local MAX = 500\n" \
	"if string.sub(m, 1, 9) ~= 'incident:' then\n" \
	"  local akey = P .. 'alert:' .. m\n" \
	"  local a = redis.call('HMGET', akey, 's', 'e', 'i')\n" \
	"  local ends = tonumber(a[2]) or 0\n" \
	"  redis.call('ZREM', zkey, m)\n" \
	"  if a[1] ~= 'firing' or ends <= 0 then return 0 end\n" \
	"  if ends > now then\n" \
	"    redis.call('ZADD', zkey, 'LT', a[2],\n" \
	"        'incident:' .. (a[3] or '0'))\n" \
	"    return 0\n" \
	"  end\n" \
	"  resolve(P, m, akey, tonumber(a[3]) or 0, now, retention)\n" \
	"  return 1\n" \
	"end\n" \
	"local id = string.sub(m, 10)\n" \
	"local inc = tonumber(id) or 0\n" \
	"local ikey = P .. m\n" \
	"local due, nxt = {}, false\n" \
	"for _, fp in ipairs(redis.call('SMEMBERS', ikey .. ':alerts')) do\n" \
	"  local a = redis.call('HMGET', P .. 'alert:' .. fp, 's', 'e', 'i')\n" \
	"  local ends = tonumber(a[2]) or 0\n" \
	"  if a[1] == 'firing' and a[3] == id and ends > 0 then\n" \
	"    if ends > now then\n" \
	"      if not nxt or ends < nxt then nxt = ends end\n" \
	"    elseif #due < MAX then\n" \
	"      due[#due + 1] = fp\n" \
	"    else\n" \
	"      nxt = now\n" \
	"    end\n" \
	"  end\n" \
	"end\n" \
	"if nxt then\n" \
	"  redis.call('ZADD', zkey, nxt, m)\n" \
	"else\n" \
	"  redis.call('ZREM', zkey, m)\n" \
	"end\n" \
	"if #due == 0 then return 0 end\n" \
	"-- Settled once, not once per alert (that reads every alert).\n" \
	"for _, fp in ipairs(due) do\n" \
	"  resolve(P, fp, P .. 'alert:' .. fp, inc, now, retention, true)\n" \
	"end\n" \
	"local h = redis.call('HMGET', ikey, 'status', 'firing_count')\n" \
	"if h[1] and h[1] ~= 'resolved' and (tonumber(h[2]) or 0) > 0 then\n" \
	"  settle(P, inc, ikey, now)\n" \
	"end\n" \
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
	"-- The alert hash's short field names (store_lua.h).\n" \
	"local ALERT = {\n" \
	"  {'incident', 'n', 'i'}, {'fingerprint', 's', 'i'}, -- (the key's)\n" \
	"  {'summary', 's', 'm'}, {'status', 's', 's'}, {'source', 's', 'o'},\n" \
	"  {'severity', 's', 'y'}, {'count', 'n', 'c'},\n" \
	"  {'first_seen', 'n', 'f'}, {'last_seen', 'n', 'l'},\n" \
	"  {'resolved', 'n', 'r'}, {'labels', 'j', 'L'},\n" \
	"  {'details', 'j', 'd'},\n" \
	"  {'dedup_key', 's', 'k'}, {'timestamp', 'n', 't'},\n" \
	"  {'level', 'l', 'v'}, {'service', 's', 'V'}, {'ends_at', 'n', 'e'}\n" \
	"}\n" \
	"local EVENT = {{'event', 's'}, {'fingerprint', 's'}, {'at', 'n'},\n" \
	"  {'from', 's'}, {'to', 's'}, {'owner', 's'}, {'until', 'n'},\n" \
	"  {'by', 's'}, {'via', 's'}, {'person', 's'}, {'notifier', 's'},\n" \
	"  {'target', 's'}, {'reason', 's'}, {'step', 'n'}, {'round', 'n'},\n" \
	"  {'code', 'n'}, {'attempt', 'n'}, {'provider_id', 's'},\n" \
	"  {'after', 'n'}}\n" \
	"local P, id = ARGV[1], ARGV[2]\n" \
	"local tm = redis.call('TIME')\n" \
	"local now = tonumber(tm[1]) * 1000 + math.floor(tonumber(tm[2]) / 1000)\n" \
	"-- The silences that hold an alert now (its ids, still active).\n" \
	"local function silenced(fp)\n" \
	"  local ids = {}\n" \
	"  local v = redis.call('HGET', P .. 'alert:' .. fp, 'x')\n" \
	"  for sid in string.gmatch(v or '', '[^,]+') do\n" \
	"    local t = redis.call('HMGET', P .. 'silence:' .. sid,\n" \
	"        'starts_at', 'ends_at')\n" \
	"    local st, en = tonumber(t[1]), tonumber(t[2])\n" \
	"    if st and en and st <= now and en > now then\n" \
	"      ids[#ids + 1] = cjson.encode(sid)\n" \
	"    end\n" \
	"  end\n" \
	"  local inh = false\n" \
	"  local r = redis.call('HMGET', P .. 'alert:' .. fp, 's', 'a', 'g')\n" \
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
	"  -- Left out when they are the incident's, or the default.\n" \
	"  a[5] = a[5] or h[5]\n" \
	"  a[16] = a[16] or h[11]\n" \
	"  a[15] = a[15] or '3'\n" \
	"  a[7] = a[7] or '1'\n" \
	"  a[9] = a[9] or a[8]\n" \
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
	"      f.attempt, f.provider_id, f.after}, EVENT)\n" \
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
	"local inc = redis.call('HGET', P .. 'alert:' .. fp, 'i')\n" \
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

/*
 * Alert hashes written by a pagerd from before the short field names
 * (store_lua.h) get them, once: run at connect, before any intake, one
 * SCAN step per call so that Redis answers others in between. Fields
 * no longer stored (fingerprint, group_key, an empty inhibit_src) go.
 * Idempotent: a hash that has no "status" field is left alone, so two
 * instances may run it at once.
 */
#define LUA_MIGRATE \
	"local P, c = ARGV[1], ARGV[2]\n" \
	"local done = P .. 'alerts:shape'\n" \
	"if c == '0' and redis.call('GET', done) == '2' then return '0' end\n" \
	"local MAP = {status = 's', incident = 'i', level = 'v', count = 'c',\n" \
	"  first_seen = 'f', last_seen = 'l', summary = 'm', severity = 'y',\n" \
	"  details = 'd', labels = 'L', source = 'o', service = 'V',\n" \
	"  timestamp = 't', ends_at = 'e', resolved_at = 'r', dedup_key = 'k',\n" \
	"  silenced = 'x', inhibit_src = 'a', inhibit_tgt = 'g', dg = 'h'}\n" \
	"local r = redis.call('SCAN', c, 'MATCH', P .. 'alert:*', 'COUNT',\n" \
	"    1000)\n" \
	"for _, k in ipairs(r[2]) do\n" \
	"  if redis.call('TYPE', k).ok == 'hash' and\n" \
	"      redis.call('HEXISTS', k, 'status') == 1 then\n" \
	"    local kv = redis.call('HGETALL', k)\n" \
	"    local ttl = redis.call('PTTL', k)\n" \
	"    local set = {}\n" \
	"    for j = 1, #kv, 2 do\n" \
	"      local f = MAP[kv[j]]\n" \
	"      if f and kv[j + 1] ~= '' then\n" \
	"        set[#set + 1] = f\n" \
	"        set[#set + 1] = kv[j + 1]\n" \
	"      end\n" \
	"    end\n" \
	"    redis.call('DEL', k)\n" \
	"    redis.call('HSET', k, unpack(set))\n" \
	"    if ttl > 0 then redis.call('PEXPIRE', k, ttl) end\n" \
	"  end\n" \
	"end\n" \
	"if r[1] == '0' then redis.call('SET', done, '2') end\n" \
	"return r[1]\n"

const char store_lua_write_lib[] = LUA_WRITE_LIB;

const struct store_script_def store_scripts[STORE_SCRIPT_COUNT] = {
	[STORE_SCRIPT_INGEST] = { "ingest",
	    LUA_WRITE_LIB ESC_STEP_FN ESC_READ_FN LUA_INGEST },
	[STORE_SCRIPT_LIST] = { "list", LUA_COMMON LUA_LIST },
	[STORE_SCRIPT_GET] = { "get", LUA_COMMON LUA_GET },
	[STORE_SCRIPT_CLAIM] = { "claim",
	    LUA_WRITE_LIB LUA_NOTIFY_FN LUA_CLAIM },
	[STORE_SCRIPT_FIRE_ENDS] = { "fire_ends", LUA_WRITE_LIB LUA_FIRE_ENDS },
	[STORE_SCRIPT_SILENCE_ADD] = { "silence_add", LUA_SILENCE_ADD },
	[STORE_SCRIPT_ACK_ALERT] = { "ack_alert", LUA_ACK_ALERT },
	[STORE_SCRIPT_MIGRATE] = { "migrate", LUA_MIGRATE },
	[STORE_SCRIPT_SILENCE_LIST] = { "silence_list",
	    LUA_SILENCE_COMMON LUA_SILENCE_LIST },
	[STORE_SCRIPT_SILENCE_GET] = { "silence_get",
	    LUA_SILENCE_COMMON LUA_SILENCE_GET },
	[STORE_SCRIPT_SILENCE_EXPIRE] = { "silence_expire",
	    LUA_SILENCE_COMMON LUA_SILENCE_EXPIRE },
};
