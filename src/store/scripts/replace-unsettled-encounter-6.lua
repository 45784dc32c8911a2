--[[
  Replace an encounter if it is still as read and its stay is not settled,
  nor being settled (2404 cancels an admission, 2405 a discharge, 2203
  describes a visit): compare-and-set with the settled check in one script.

  Input:
    KEYS[1] (unused: the slot's first key, kept for the common layout) enc-lines:{card}:<mdtrtId>
    KEYS[2] enc:{card}:<mdtrtId>         the encounter (JSON)
    KEYS[3] enc-settling:{card}:<mdtrtId> set: a token per settlement of the stay at work (2304/2207)
    KEYS[4] idem:{card}                  the person's idempotency records (the earlier layout)
    KEYS[5] stl:{card}:<settlementId>    the settlement ARGV[4] names, when not KEYS[6]'s field (any key of the slot when none)
    KEYS[6] person:{card}                the person's hash: its idempotency fields and records (include/person.lua)
    ARGV[1] the encounter's JSON as read
    ARGV[2] the encounter's round as read (its requestId's suffix)
    ARGV[3] the stay's idempotency field ("<hospitalId>:<requestId>")
    ARGV[4] that field's value as read ('' when absent)
    ARGV[5] the encounter's new JSON

  Output:
    {1}        replaced
    {0}        no such encounter
    {9, state} the stay is 'settled', 'settling' (a 2304 at work), 'archived'
               (its settlement moved to an archive) or 'moved' (changed since read: read again)
]]
--#include person.lua
--#include stay-unsettled.lua
local encounter = redis.call('GET', KEYS[2])
if not encounter then return {0} end
if encounter ~= ARGV[1] then return {9, 'moved'} end
local state = unsettled()
if state then return {9, state} end
redis.call('SET', KEYS[2], ARGV[5])
return {1}
