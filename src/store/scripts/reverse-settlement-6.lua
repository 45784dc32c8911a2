--[[
  Reverse one settlement: subtract exactly its own deltas, once, and write the
  reversal's own (negated) entry into the slot's ledger outbox, for the day it
  happened (moved into the hospital-day by compaction). Repeating the call changes nothing.

  The record is `<meta line>\n<deflated response>` (codec/settlement-record.ts),
  the person's hash field 'r|<settlementId>' or, written before, KEYS[1]; it
  is rewritten where it is. Only the meta line is read and rewritten, the
  response bytes are kept as is. A compact meta line gains `s` and `x` here
  and stays compact; a terse one (version 5 on) becomes JSON, its `d` kept
  as written. Its deltas `d` may use the hash's short names
  (include/person.lua's SHORT): they are made whole for the earlier KEYS[2].
  The stay and occupancy members that go are the ones the meta line names,
  and (version 5 on, or a compact line) the ones that name the settlement's
  id, local or whole (include/settlement-members.lua).

  Each part is changed where it is: KEYS[2], [4] and [5] are the earlier
  layout's, folded into KEYS[6] by the next commit (commit-settlement-13.lua).

  Input:
    KEYS[1] stl:{card}:<settlementId>                the settlement record when not a field of KEYS[6] (earlier layout)
    KEYS[2] acc:{card}:<year>                        accumulators of its benefit year
    KEYS[3] ledger-outbox:{<slot tag>}               the slot's day-ledger entries not yet compacted
    KEYS[4] stays:{card}:<year>                      inpatient stays of its benefit year
    KEYS[5] occupancy:{card}                         the person's settled stays (a reversed one no longer occupies its days)
    KEYS[6] person:{card}                            the person's hash (include/person.lua)
    ARGV[1] reversal meta JSON {at, reason, operator}
    ARGV[2] outbox field ("<hospitalId>|<date>|<settlementId>:r")
    ARGV[3] ledger entry JSON (amounts negated)
    ARGV[4] settlement id (a compact meta line's members leave it out; version 5 on, its members are found by it)
    ARGV[5] the settlement's benefit year

  Output:
    {0}   no such settlement
    {1}   reversed now
    {2}   already reversed (nothing changed)
]]
--#include person.lua
--#include settlement-members.lua
local person, year = KEYS[6], ARGV[5]
local record, inHash = recordOf(person, ARGV[4], KEYS[1])
if not record then return {0} end
local split = string.find(record, '\n', 1, true)
local meta = metaOf(string.sub(record, 1, split - 1))
if meta.s == 'reversed' then return {2} end

local hashed = redis.call('EXISTS', KEYS[2]) == 0
local accKey = hashed and person or KEYS[2]
local function acc(name)
  if hashed then return accumulatorField(year, name) end
  return wholeName(name)
end
for name, delta in pairs(deltasOf(meta)) do
  if string.sub(delta, 1, 1) == '-' then
    redis.call('HINCRBY', accKey, acc(name), string.sub(delta, 2))
  else
    redis.call('HINCRBY', accKey, acc(name), '-' .. delta)
  end
end
redis.call('HINCRBY', accKey, acc('version'), 1)
if membersByIdOf(meta) then
  dropOwnStay(person, year, ARGV[4])
  dropOwnOccupancy(person, ARGV[4])
end
if meta.st then dropListedStay(person, year, KEYS[4], stayMemberOf(meta, ARGV[4])) end
if meta.oc then
  local member = occupancyMemberOf(meta, ARGV[4])
  if redis.call('ZREM', KEYS[5], member) == 0 then
    local list, expires = occupancyOf(person, 0)
    for i, other in ipairs(list) do
      if other == member then
        table.remove(list, i)
        putOccupancy(person, list, expires)
        break
      end
    end
  end
end

meta.s = 'reversed'
meta.x = cjson.decode(ARGV[1])
local rewritten = cjson.encode(meta) .. string.sub(record, split)
if inHash then
  redis.call('HSET', person, inHash, rewritten)
else
  redis.call('SET', KEYS[1], rewritten)
end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
return {1}
