--[[
  Remove one settlement of a closed, archived benefit year from Redis, once
  the archive holding it is written and verified (npm run archive): its
  record, its place in the year list and its listed stay go; an id without
  its year stays in the index, marked with the year ("<card>:<year>"), so
  reading it answers ARCHIVED (an id carrying its year leaves the index: the
  archive's id set, written first, answers for it); its idempotency record
  stays as '- <settlementId>' (no body hash: the requestId's sealed claim
  keeps it and lets only the same card and body through, to this record and
  ARCHIVED; a fee-line change of its stay still finds it settled and
  archived; a fence still finds it committed), so a late retry can never
  settle it again. The record must still be the one the archive holds (same SHA-1),
  else nothing changes. The record, year list and stays are the person's
  hash fields, or the earlier layout's keys (include/person.lua);
  the hash's occupancy goes too once it has expired (as the earlier zset did).

  Input:
    KEYS[1] stl:{card}:<settlementId>   the settlement record when not KEYS[5]'s field 'r|<settlementId>' (earlier layout)
    KEYS[2] stls:{card}:<year>          the year's settlement ids
    KEYS[3] stays:{card}:<year>         the year's listed stays
    KEYS[4] idx:{<slot tag>}            id → card index of the slot
    KEYS[5] person:{card}               the person's hash
    ARGV[1] settlement id
    ARGV[2] SHA-1 (hex) of the record as archived
    ARGV[3] card
    ARGV[4] benefit year
    ARGV[5] '1' keep a mark in the index, '0' drop the id's entry
    ARGV[6] its idempotency field "<hospitalId>:<requestId>" ('' leaves the record as it is)

  Output:
    1   removed now
    0   already removed (a re-run)
    -1  the record changed since it was archived (nothing changed)
]]
--#include person.lua
--#include settlement-members.lua
local person, year = KEYS[5], ARGV[4]
local record, inHash = recordOf(person, ARGV[1], KEYS[1])
if record and redis.sha1hex(record) ~= ARGV[2] then return -1 end
-- The idempotency record without its body hash (a re-run too): only while it names this settlement.
if ARGV[6] ~= '' then
  local idem = redis.call('HGET', person, ARGV[6])
  local space = idem and string.find(idem, ' ', 1, true)
  if space and string.sub(idem, 1, space) ~= '- ' and string.sub(idem, 1, 5) ~= 'void ' and sameId(string.sub(idem, space + 1), ARGV[1]) then
    redis.call('HSET', person, ARGV[6], '-' .. string.sub(idem, space))
  end
end
if not record then return 0 end
local split = string.find(record, '\n', 1, true)
local meta = metaOf(string.sub(record, 1, split - 1))
-- From version 5 on the line names no stay: the settlement's own is found by its id.
if membersByIdOf(meta) then dropOwnStay(person, year, ARGV[1]) end
if meta.st then dropListedStay(person, year, KEYS[3], stayMemberOf(meta, ARGV[1])) end
if inHash then redis.call('HDEL', person, inHash) else redis.call('DEL', KEYS[1]) end
if redis.call('LREM', KEYS[2], 1, ARGV[1]) == 0 then
  dropWord(person, 's|' .. year, function(id) return not sameId(id, ARGV[1]) end)
end
local time = redis.call('TIME')
if #occupancyOf(person, math.floor(tonumber(time[1]) / 86400)) == 0 then redis.call('HDEL', person, 'o|') end
-- The id index: a mark, or (the id in the archive's id set) no entry at all.
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[4], ARGV[1], ARGV[3] .. ':' .. ARGV[4])
else
  redis.call('HDEL', KEYS[4], ARGV[1])
end
return 1
