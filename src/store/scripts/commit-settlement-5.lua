--[[
  Commit one settlement of one person, all or nothing.

  Checks the idempotency record (same body → the stored response; another body
  → conflict), checks that the accumulators are still the version the engine
  computed from, applies the deltas, stores the settlement, lists it under its
  year, indexes its id and records the idempotency entry.
  Money is integer fen passed as strings to HINCRBY: never a Lua float.

  Input:
    KEYS[1] acc:{card}:<year>                     accumulators hash (+ 'version')
    KEYS[2] idem:{card}:<hospitalId>:<requestId>  idempotency record
    KEYS[3] stl:{card}:<settlementId>             settlement hash
    KEYS[4] stls:{card}:<year>                    list of the year's settlement ids
    KEYS[5] idx:{<slot tag>}:<settlementId>       id → card index (same slot)

    ARGV[1] body hash of the request
    ARGV[2] accumulators version the engine read ('0' when the hash is absent)
    ARGV[3] settlement id
    ARGV[4] card
    ARGV[5] n = number of accumulator deltas
    ARGV[6 .. 5+2n]        field, integer delta (fen or count) pairs
    ARGV[6+2n ..]          settlement hash field, value pairs

  Output:
    {1}               committed
    {2, response}     replay: same requestId and body, the stored response JSON
    {3}               idempotency conflict: same requestId, another body
    {4, version}      accumulators moved on: recompute from this version
]]
local accKey, idemKey, stlKey, listKey, indexKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]

local previous = redis.call('HMGET', idemKey, 'bodyHash', 'settlementKey')
if previous[1] then
  if previous[1] ~= ARGV[1] then return {3} end
  return {2, redis.call('HGET', previous[2], 'response')}
end

local version = redis.call('HGET', accKey, 'version') or '0'
if version ~= ARGV[2] then return {4, version} end

local n = tonumber(ARGV[5])
for i = 6, 5 + 2 * n, 2 do
  redis.call('HINCRBY', accKey, ARGV[i], ARGV[i + 1])
end
redis.call('HINCRBY', accKey, 'version', 1)

local record = {}
for i = 6 + 2 * n, #ARGV do record[#record + 1] = ARGV[i] end
redis.call('HSET', stlKey, unpack(record))
redis.call('RPUSH', listKey, ARGV[3])
redis.call('SET', indexKey, ARGV[4])
redis.call('HSET', idemKey, 'bodyHash', ARGV[1], 'settlementKey', stlKey)
return {1}
