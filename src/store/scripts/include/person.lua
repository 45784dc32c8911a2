-- Included (--#include) by the scripts that read or write a person's hash
-- person:{card} (src/store/keys.ts). Its fields:
--   '<hospitalId>:<requestId>'  idempotency record (the only fields without '|': ids hold no '|')
--   '<year>|<name>'             an accumulator of a benefit year ('<year>|v' its version), named as accumulatorField says
--   's|<year>'                  the year's settlement ids in commit order, ' '-joined
--   't|<year>'                  the year's listed stays, '<discharge day>|<stay member>', ' '-joined
--                               (a member's discharge date left out: the day gives it, codec/stay.ts)
--   'o|'                        the day it expires, then the settled stays' occupancy members, ' '-joined
--   'r|<settlementId>'          a settlement's record (codec/settlement-record.ts), as recordField names it
-- Settlement ids in it are local (localId), or whole when written before.
-- Members and ids hold no ' ' (src/contract/fields.ts). A person's data of a
-- year, and its idempotency and occupancy, are either here or in the earlier
-- layout's keys, never both: a script that writes the hash folds them first.
-- Short names for the fixed accumulators: their bytes count in every
-- person-year. src/store/codec/person-hash.ts maps them back (keep the two
-- tables alike); a policy's own ledgers ('l:<key>') keep their names.
local SHORT = {
  version = 'v', admissions = 'a', specialOutpatientCounted = 'so', basicEligible = 'be', basicPaid = 'bp',
  compliantSelfBurden = 'cs', criticalIllnessPaid = 'ci', outpatientPaid = 'op', retiredCadreSpousePaid = 'rs',
}
local function accumulatorField(year, name)
  return year .. '|' .. (SHORT[name] or name)
end
-- The earlier acc:{card}:<year> hash keeps whole names: a short one made whole.
local LONG = {}
for name, short in pairs(SHORT) do LONG[short] = name end
local function wholeName(name)
  return LONG[name] or name
end

-- A settlement id as the hash keeps it: without 'S-<slot hex>-', which every
-- id of the person shares (localSettlementId in src/store/keys.ts: keep the
-- two alike). Any other id, and a local one, as it is: so two ids name the
-- same settlement when their localId are equal, whichever form was stored.
local function localId(id)
  local rest = string.match(id, '^S%-[%da-f][%da-f][%da-f][%da-f]%-(.*)$')
  -- ID_TAIL in keys.ts: 32 hex, or the year's 2 digits and 13 (20 before 2026-12-03) base32
  if rest and (((#rest == 15 or #rest == 22) and string.match(rest, '^%d%d[%da-hjkmnp-tv-z]+$')) or (#rest == 32 and string.match(rest, '^[%da-f]+$'))) then return rest end
  return id
end
local function sameId(a, b)
  return a == b or localId(a) == localId(b)
end

-- keys.settlementField in src/store/keys.ts: keep the two alike.
local function recordField(settlementId)
  return 'r|' .. localId(settlementId)
end

-- A settlement's record: the hash's field (under the whole id when written
-- before ids were local), else the earlier layout's key (records stay where
-- they were written). Also says where: the field's name, or false.
local function recordOf(person, settlementId, settlementKey)
  local field = recordField(settlementId)
  local record = redis.call('HGET', person, field)
  if record then return record, field end
  if field ~= 'r|' .. settlementId then
    record = redis.call('HGET', person, 'r|' .. settlementId)
    if record then return record, 'r|' .. settlementId end
  end
  return redis.call('GET', settlementKey), false
end

local function words(text)
  local list = {}
  if text then
    for word in string.gmatch(text, '[^ ]+') do list[#list + 1] = word end
  end
  return list
end

-- An emptied list field goes (and an emptied hash with it).
local function putWords(person, field, list)
  if #list == 0 then
    redis.call('HDEL', person, field)
  else
    redis.call('HSET', person, field, table.concat(list, ' '))
  end
end

-- Drops the first word `keep` says no to; true when one went.
local function dropWord(person, field, keep)
  local list = words(redis.call('HGET', person, field))
  for i, word in ipairs(list) do
    if not keep(word) then
      table.remove(list, i)
      putWords(person, field, list)
      return true
    end
  end
  return false
end

-- Takes a listed stay out of the year's stays, wherever it is: the earlier
-- layout's zset (staysKey) or the hash's 't|<year>' field.
local function dropListedStay(person, year, staysKey, member)
  if redis.call('ZREM', staysKey, member) == 0 then
    dropWord(person, 't|' .. year, function(entry) return string.match(entry, '^%d+|(.*)$') ~= member end)
  end
end

-- The occupancy members and the day they expire (none once that day is past:
-- the earlier zset expired as a whole, OCCUPANCY_SECONDS after a commit).
local function occupancyOf(person, today)
  local list = words(redis.call('HGET', person, 'o|'))
  if #list == 0 then return list, 0 end
  local expires = tonumber(table.remove(list, 1))
  if expires < today then return {}, 0 end
  return list, expires
end

local function putOccupancy(person, list, expires)
  if #list == 0 then
    redis.call('HDEL', person, 'o|')
  else
    redis.call('HSET', person, 'o|', expires .. ' ' .. table.concat(list, ' '))
  end
end

-- The year's accumulators as HGETALL answers them (field, value, …), short names as stored.
local function accumulatorsOf(person, year)
  local flat, cursor, prefix = {}, '0', year .. '|'
  repeat
    local reply = redis.call('HSCAN', person, cursor, 'MATCH', prefix .. '*', 'COUNT', 1000)
    cursor = reply[1]
    for i = 1, #reply[2], 2 do
      flat[#flat + 1] = string.sub(reply[2][i], #prefix + 1)
      flat[#flat + 1] = reply[2][i + 1]
    end
  until cursor == '0'
  return flat
end

-- Moves the earlier layout's keys of a person (and of one year) into the hash
-- and deletes them. old: acc, stls, stays (of `year`), idem, occupancy keys.
local function fold(person, year, old, nowMs, occupancySeconds)
  -- Once folded, one command: none of them exists.
  if redis.call('EXISTS', old.idem, old.acc, old.stls, old.stays, old.occupancy) == 0 then return end
  local flat = redis.call('HGETALL', old.idem)
  -- HSETNX: a record the hash holds already is the later one.
  for i = 1, #flat, 2 do redis.call('HSETNX', person, flat[i], flat[i + 1]) end
  flat = redis.call('HGETALL', old.acc)
  for i = 1, #flat, 2 do redis.call('HINCRBY', person, accumulatorField(year, flat[i]), flat[i + 1]) end
  -- HINCRBY and appending: keys written beside the hash (by a process of the
  -- release before it) hold only what came after it.
  local ids = redis.call('LRANGE', old.stls, 0, -1)
  if #ids > 0 then
    local list = words(redis.call('HGET', person, 's|' .. year))
    for _, id in ipairs(ids) do list[#list + 1] = id end
    putWords(person, 's|' .. year, list)
  end
  flat = redis.call('ZRANGE', old.stays, 0, -1, 'WITHSCORES')
  if #flat > 0 then
    local list = words(redis.call('HGET', person, 't|' .. year))
    for i = 1, #flat, 2 do list[#list + 1] = flat[i + 1] .. '|' .. flat[i] end
    putWords(person, 't|' .. year, list)
  end
  local members = redis.call('ZRANGE', old.occupancy, 0, -1)
  if #members > 0 then
    local left = redis.call('PTTL', old.occupancy)
    if left < 0 then left = occupancySeconds * 1000 end
    local list, expires = occupancyOf(person, math.floor(nowMs / 86400000))
    for _, member in ipairs(members) do list[#list + 1] = member end
    putOccupancy(person, list, math.max(expires, math.floor((nowMs + left) / 86400000)))
  end
  redis.call('DEL', old.idem, old.acc, old.stls, old.stays, old.occupancy)
end
