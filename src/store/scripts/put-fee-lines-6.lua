--[[
  Upload a batch of fee lines of one encounter (2301), all or nothing, while
  the stay is not settled.
  A line already uploaded with the same content is left as it is (a resent
  batch); with other content it is a conflict. A refund line names the line it
  undoes (init_feedetl_sn), which must exist (uploaded before or earlier in
  this batch), be no refund itself, not be refunded already, and be undone in
  full (the refund's quantity and amount are the original's, negated).

  Input:
    KEYS[1] enc-lines:{card}:<mdtrtId>  hash: 'l:<sn>' → line JSON, 'r:<sn>' → the sn of its refund, 'count'
    KEYS[2] enc:{card}:<mdtrtId>         the encounter (JSON)
    KEYS[3] enc-settling:{card}:<mdtrtId> set: a token per settlement of the stay at work (2304/2207)
    KEYS[4] idem:{card}                  the person's idempotency records (the earlier layout)
    KEYS[5] stl:{card}:<settlementId>    the settlement ARGV[4] names, when not KEYS[6]'s field (any key of the slot when none)
    KEYS[6] person:{card}                the person's hash: its idempotency fields and records (include/person.lua)
    ARGV[1] most lines an encounter may hold
    ARGV[2] the encounter's round as read (its requestId's suffix)
    ARGV[3] the stay's idempotency field ("<hospitalId>:<requestId>")
    ARGV[4] that field's value as read ('' when absent)
    ARGV[5 ..] sn, line JSON, refunded sn ('' for a charge) — triples

  Output:
    {1}        stored
    {0}        no such encounter
    {2, sn}    that sn was uploaded before with other content
    {3, sn}    that refund names a line that does not exist
    {4, sn}    that refund names a refund line
    {5, sn}    that refund names a line refunded already
    {6}        the encounter was cancelled
    {7}        the encounter would hold more lines than allowed
    {8, sn}    that refund does not undo its line in full
    {9, state} the stay is 'settled', 'settling' (a 2304 at work), 'archived'
               (its settlement moved to an archive) or 'moved' (changed since read: read again)
]]
--#include person.lua
--#include stay-unsettled.lua

local encounter = redis.call('GET', KEYS[2])
if not encounter then return {0} end
local decoded = cjson.decode(encounter)
if decoded.status == 'cancelled' then return {6} end
if tostring(decoded.round) ~= ARGV[2] then return {9, 'moved'} end
local state = unsettled()
if state then return {9, state} end

local batch, refundedBy, fresh = {}, {}, 0
local function lineOf(sn)
  if batch[sn] then return cjson.decode(batch[sn]) end
  local stored = redis.call('HGET', KEYS[1], 'l:' .. sn)
  if stored then return cjson.decode(stored) end
  return nil
end
local function negated(text)
  if string.sub(text, 1, 1) == '-' then return string.sub(text, 2) end
  return '-' .. text
end

for i = 5, #ARGV, 3 do
  local sn, json, target = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local existing = redis.call('HGET', KEYS[1], 'l:' .. sn)
  if existing then
    if existing ~= json then return {2, sn} end
  elseif batch[sn] then
    if batch[sn] ~= json then return {2, sn} end
  else
    if target ~= '' then
      local original = lineOf(target)
      if not original then return {3, sn} end
      if original.refundOf ~= cjson.null and original.refundOf ~= nil then return {4, sn} end
      local by = refundedBy[target] or redis.call('HGET', KEYS[1], 'r:' .. target)
      if by and by ~= sn then return {5, sn} end
      local line = cjson.decode(json)
      if line.quantity ~= negated(original.quantity) or line.amount ~= negated(original.amount) then return {8, sn} end
      refundedBy[target] = sn
    end
    batch[sn] = json
    fresh = fresh + 1
  end
end
if tonumber(redis.call('HGET', KEYS[1], 'count') or '0') + fresh > tonumber(ARGV[1]) then return {7} end

for i = 5, #ARGV, 3 do
  local sn, target = ARGV[i], ARGV[i + 2]
  if batch[sn] and redis.call('HSETNX', KEYS[1], 'l:' .. sn, batch[sn]) == 1 then
    redis.call('HINCRBY', KEYS[1], 'count', 1)
    if target ~= '' then redis.call('HSET', KEYS[1], 'r:' .. target, sn) end
  end
end
return {1}
