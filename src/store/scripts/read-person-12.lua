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
     stays of KEYS[9], stays of KEYS[10], last year's accumulators (field, value, …),
     the person's hash (field, value, …)}
    (a missing string is nil; what was not asked for is nil or an empty list)
    The earlier layout's parts come as read; the person's hash comes whole
    but its settlement records ('r|' fields: ~0.5 kB each, not read here)
    while it has at most 16 fields (cheaper to send than to pick from in
    Lua), else only the fields this read needs; the client picks
    (src/store/codec/person-hash.ts).
]]
--#include person.lua
local person = KEYS[12]
local RECORD = recordField('')
local stays = tonumber(ARGV[4])
local empty = {}

local function personFields()
  -- Past ~2 settlements the records dominate: picking costs less than copying them into Lua.
  if redis.call('HLEN', person) <= 16 then
    local all, flat = redis.call('HGETALL', person), {}
    for i = 1, #all, 2 do
      if string.sub(all[i], 1, #RECORD) ~= RECORD then
        flat[#flat + 1] = all[i]
        flat[#flat + 1] = all[i + 1]
      end
    end
    return flat
  end
  -- More fields (records, a heavy user's years of idempotency records): the year's fields only.
  local flat = {}
  local function add(field)
    local value = redis.call('HGET', person, field)
    if value then
      flat[#flat + 1] = field
      flat[#flat + 1] = value
    end
  end
  local function scan(prefix)
    local cursor = '0'
    repeat
      local reply = redis.call('HSCAN', person, cursor, 'MATCH', prefix .. '*', 'COUNT', 1000)
      cursor = reply[1]
      for _, item in ipairs(reply[2]) do flat[#flat + 1] = item end
    until cursor == '0'
  end
  scan(ARGV[8] .. '|')
  if ARGV[7] == '1' then scan((tonumber(ARGV[8]) - 1) .. '|') end
  add(ARGV[2])
  if stays >= 1 then add('t|' .. ARGV[9]) end
  if stays >= 2 then add('t|' .. ARGV[10]) end
  return flat
end

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
  personFields(),
}
