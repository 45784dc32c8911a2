--[[
  The person's records one settlement reads, in one call (one command for
  the client to build and answer instead of eight): nothing is written.
  Accumulators, idempotency record and stays are read from the person's hash
  and from the earlier layout's keys, whichever holds them (include/person.lua).

  Input:
    KEYS[1]  enrollee:{card}
    KEYS[2]  filings-active:{card}
    KEYS[3]  acc:{card}:<year>                          (earlier layout)
    KEYS[4]  filings-version:{card}
    KEYS[5]  idem:{card}                                (earlier layout)
    KEYS[6]  coverage:{card}
    KEYS[7]  idem-void:{card}:<hospitalId>:<requestId>
    KEYS[8]  filings:{card}
    KEYS[9]  stays:{card}:<first year looked back over> (earlier layout)
    KEYS[10] stays:{card}:<second year looked back over> (earlier layout)
    KEYS[11] acc:{card}:<year - 1>                      (earlier layout)
    KEYS[12] person:{card}
    ARGV[1]  discharge day number (active filings ending on or after it)
    ARGV[2]  idempotency field "<hospitalId>:<requestId>"
    ARGV[3]  referral id to read from the filings hash ('' for none)
    ARGV[4]  stays keys to read: 0, 1 (KEYS[9]) or 2 (KEYS[9], KEYS[10])
    ARGV[5]  first day of the stays look-back
    ARGV[6]  last day of the stays look-back
    ARGV[7]  '1': read last year's accumulators too
    ARGV[8]  the benefit year
    ARGV[9]  the year of KEYS[9]
    ARGV[10] the year of KEYS[10]

  Output:
    {enrollee, active filings, accumulators (field, value, …), filings version,
     idempotency record, coverage entry, void claim, named filing,
     stays of the first year, stays of the second year, last year's accumulators (field, value, …)}
    (a missing string is nil; what was not asked for is nil or an empty list)
]]
--#include person.lua
local person, year = KEYS[12], tonumber(ARGV[8])
local stays = tonumber(ARGV[4])
local from, to = tonumber(ARGV[5]), tonumber(ARGV[6])
local empty = {}
-- Either part is empty: a year's accumulators, or stays, are in one layout.
local function both(first, second)
  for _, value in ipairs(second) do first[#first + 1] = value end
  return first
end
local function staysOfYear(i)
  return both(staysOf(person, ARGV[8 + i], from, to), redis.call('ZRANGEBYSCORE', KEYS[8 + i], from, to))
end
return {
  redis.call('GET', KEYS[1]),
  redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], '+inf'),
  both(accumulatorsOf(person, year), redis.call('HGETALL', KEYS[3])),
  redis.call('GET', KEYS[4]),
  redis.call('HGET', person, ARGV[2]) or redis.call('HGET', KEYS[5], ARGV[2]),
  redis.call('GET', KEYS[6]),
  redis.call('GET', KEYS[7]),
  ARGV[3] ~= '' and redis.call('HGET', KEYS[8], ARGV[3]) or false,
  stays >= 1 and staysOfYear(1) or empty,
  stays >= 2 and staysOfYear(2) or empty,
  ARGV[7] == '1' and both(accumulatorsOf(person, year - 1), redis.call('HGETALL', KEYS[11])) or empty,
}
