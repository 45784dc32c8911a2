--[[
  The person's records one settlement reads, in one call (one command for
  the client to build and answer instead of eight): nothing is written.

  Input:
    KEYS[1]  enrollee:{card}
    KEYS[2]  filings-active:{card}
    KEYS[3]  acc:{card}:<year>
    KEYS[4]  filings-version:{card}
    KEYS[5]  idem:{card}
    KEYS[6]  coverage:{card}
    KEYS[7]  idem-void:{card}:<hospitalId>:<requestId>
    KEYS[8]  filings:{card}
    KEYS[9]  stays:{card}:<first year looked back over>
    KEYS[10] stays:{card}:<second year looked back over>
    KEYS[11] acc:{card}:<year - 1>
    ARGV[1]  discharge day number (active filings ending on or after it)
    ARGV[2]  idempotency field "<hospitalId>:<requestId>"
    ARGV[3]  referral id to read from the filings hash ('' for none)
    ARGV[4]  stays keys to read: 0, 1 (KEYS[9]) or 2 (KEYS[9], KEYS[10])
    ARGV[5]  first day of the stays look-back
    ARGV[6]  last day of the stays look-back
    ARGV[7]  '1': read last year's accumulators too

  Output:
    {enrollee, active filings, accumulators (field, value, …), filings version,
     idempotency record, coverage entry, void claim, named filing,
     stays of KEYS[9], stays of KEYS[10], last year's accumulators (field, value, …)}
    (a missing string is nil; what was not asked for is nil or an empty list)
]]
local stays = tonumber(ARGV[4])
local empty = {}
return {
  redis.call('GET', KEYS[1]),
  redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], '+inf'),
  redis.call('HGETALL', KEYS[3]),
  redis.call('GET', KEYS[4]),
  redis.call('HGET', KEYS[5], ARGV[2]),
  redis.call('GET', KEYS[6]),
  redis.call('GET', KEYS[7]),
  ARGV[3] ~= '' and redis.call('HGET', KEYS[8], ARGV[3]) or false,
  stays >= 1 and redis.call('ZRANGEBYSCORE', KEYS[9], ARGV[5], ARGV[6]) or empty,
  stays >= 2 and redis.call('ZRANGEBYSCORE', KEYS[10], ARGV[5], ARGV[6]) or empty,
  ARGV[7] == '1' and redis.call('HGETALL', KEYS[11]) or empty,
}
