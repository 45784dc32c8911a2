--[[
  Commit one settlement of one person, all or nothing.

  Checks the person's idempotency record for this hospital + requestId (same
  body → replay the settlement it names; another body → conflict; voided by a
  takeover of the requestId's claim → fenced), checks that the accumulators
  and the filings are still the versions the engine computed from, applies the
  deltas, stores the settlement, lists it under its year, indexes its id,
  writes its entry into the hospital's day ledger, lists an inpatient stay for
  later consortium transfers and records the idempotency entry.
  Money is integer fen passed as strings to HINCRBY: never a Lua float.

  Input:
    KEYS[1] acc:{card}:<year>                        accumulators hash (+ 'version')
    KEYS[2] idem:{card}                              idempotency records of the person
    KEYS[3] stl:{card}:<settlementId>                the settlement record
    KEYS[4] stls:{card}:<year>                       list of the year's settlement ids
    KEYS[5] idx:{<slot tag>}                         id → card index of the slot
    KEYS[6] filings-version:{card}                   filings version counter
    KEYS[7] ledger:{<slot tag>}:<hospitalId>:<date>  the hospital-day's ledger entries in this slot
    KEYS[8] stays:{card}:<year>                      inpatient stays by discharge day

    ARGV[1] idempotency field "<hospitalId>:<requestId>"
    ARGV[2] body hash of the request
    ARGV[3] claim token of the requestId's hospital-wide claim
    ARGV[4] accumulators version the engine read ('0' when absent)
    ARGV[5] filings version the engine read ('0' when absent)
    ARGV[6] settlement id
    ARGV[7] card
    ARGV[8] settlement record (meta line + deflated response)
    ARGV[9] ledger entry JSON
    ARGV[10] stay's discharge day number ('' when the settlement lists no stay)
    ARGV[11] stay member
    ARGV[12] n = number of accumulator deltas
    ARGV[13 .. 12+2n] field, integer delta (fen or count) pairs

  Output:
    {1}                  committed
    {2, settlementId}    replay: this requestId and body were committed as that settlement
    {3}                  idempotency conflict: same requestId, another body
    {4, version}         accumulators or filings moved on: recompute
    {5}                  fenced: the claim with this token was voided; claim the requestId again
]]
local accKey, idemKey, stlKey, listKey, indexKey, filingsVersionKey, ledgerKey, staysKey =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local field, bodyHash, token = ARGV[1], ARGV[2], ARGV[3]

local previous = redis.call('HGET', idemKey, field)
if previous then
  if previous == 'void ' .. token then return {5} end
  if string.sub(previous, 1, 5) ~= 'void ' then
    local space = string.find(previous, ' ', 1, true)
    if string.sub(previous, 1, space - 1) ~= bodyHash then return {3} end
    return {2, string.sub(previous, space + 1)}
  end
  -- voided for an earlier claim of this requestId: this claim may commit
end

local version = redis.call('HGET', accKey, 'version') or '0'
if version ~= ARGV[4] then return {4, version} end
local filingsVersion = redis.call('GET', filingsVersionKey) or '0'
if filingsVersion ~= ARGV[5] then return {4, 'filings:' .. filingsVersion} end

local n = tonumber(ARGV[12])
for i = 13, 12 + 2 * n, 2 do
  redis.call('HINCRBY', accKey, ARGV[i], ARGV[i + 1])
end
redis.call('HINCRBY', accKey, 'version', 1)

local settlementId = ARGV[6]
redis.call('SET', stlKey, ARGV[8])
redis.call('RPUSH', listKey, settlementId)
redis.call('HSET', indexKey, settlementId, ARGV[7])
redis.call('HSET', ledgerKey, settlementId, ARGV[9])
if ARGV[10] ~= '' then redis.call('ZADD', staysKey, ARGV[10], ARGV[11]) end
redis.call('HSET', idemKey, field, bodyHash .. ' ' .. settlementId)
return {1}
