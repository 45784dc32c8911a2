--[[
  Withdraw fee lines of one encounter (2302): one line (with its refund, or,
  for a refund line, leaving its original charged again), or all ('0000'),
  while the stay is not settled.

  Input:
    KEYS[1] enc-lines:{card}:<mdtrtId>  (see put-fee-lines-6.lua)
    KEYS[2] enc:{card}:<mdtrtId>         the encounter (JSON)
    KEYS[3] enc-settling:{card}:<mdtrtId> set: a token per settlement of the stay at work (2304/2207)
    KEYS[4] idem:{card}                  the person's idempotency records (the earlier layout)
    KEYS[5] stl:{card}:<settlementId>    the settlement ARGV[4] names, when not KEYS[6]'s field (any key of the slot when none)
    KEYS[6] person:{card}                the person's hash: its idempotency fields and records (include/person.lua)
    ARGV[1] sn, or '0000' for every line
    ARGV[2] the encounter's round as read (its requestId's suffix)
    ARGV[3] the stay's idempotency field ("<hospitalId>:<requestId>")
    ARGV[4] that field's value as read ('' when absent)

  Output:
    {1, n}     the number of lines withdrawn (0: none such)
    {0}        no such encounter
    {9, state} the stay is 'settled', 'settling' (a 2304 at work), 'archived'
               (its settlement moved to an archive) or 'moved' (changed since read: read again)
]]
--#include person.lua
--#include stay-unsettled.lua
local encounter = redis.call('GET', KEYS[2])
if not encounter then return {0} end
if tostring(cjson.decode(encounter).round) ~= ARGV[2] then return {9, 'moved'} end
local state = unsettled()
if state then return {9, state} end

if ARGV[1] == '0000' then
  local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
  redis.call('DEL', KEYS[1])
  return {1, count}
end
local json = redis.call('HGET', KEYS[1], 'l:' .. ARGV[1])
if not json then return {1, 0} end
local removed = 1
redis.call('HDEL', KEYS[1], 'l:' .. ARGV[1])
local line = cjson.decode(json)
if line.refundOf ~= cjson.null and line.refundOf ~= nil then
  redis.call('HDEL', KEYS[1], 'r:' .. line.refundOf)
else
  local refund = redis.call('HGET', KEYS[1], 'r:' .. ARGV[1])
  if refund then
    redis.call('HDEL', KEYS[1], 'l:' .. refund, 'r:' .. ARGV[1])
    removed = 2
  end
end
redis.call('HINCRBY', KEYS[1], 'count', -removed)
return {1, removed}
