--[[
  Commit one settlement of one person, all or nothing.

  Checks the person's idempotency record for this hospital + requestId (same
  body → replay the settlement it names; another body → conflict; voided by a
  takeover of the requestId's claim, or a claim older than the maximum claim
  age → fenced), checks that the accumulators
  and the filings are still the versions the engine computed from, applies the
  deltas, stores the settlement, lists it under its year, indexes its id,
  writes its day-ledger entry into the slot's ledger outbox (moved into the
  hospital-day by compaction: src/store/ledger-records.ts), lists an inpatient stay for
  later consortium transfers and records the idempotency entry. A settlement
  through the platform frees the stay it held once it is settled (the stay
  then refuses changes as settled).
  A person is in one hospital at a time: a stay (inpatient, childbirth,
  emergency death) whose days overlap a settled, unreversed stay of the same
  person is refused, naming that settlement (discharge day = next admission
  day is no overlap).
  Money is integer fen passed as strings to HINCRBY: never a Lua float.

  Input (KEYS[1], [2], [4], [8] and [10] are the earlier layout's: folded
  into KEYS[13] and deleted first whenever the hash is written):
    KEYS[1] acc:{card}:<year>                        accumulators hash (+ 'version')
    KEYS[2] idem:{card}                              idempotency records of the person
    KEYS[3] stl:{card}:<settlementId>                the settlement record as the release before reads it
                                                     (written only when ARGV[23+2n] is '0'; else KEYS[13]'s 'r|' field)
    KEYS[4] stls:{card}:<year>                       list of the year's settlement ids
    KEYS[5] idx:{<slot tag>}                         id → card index of the slot
    KEYS[6] filings-version:{card}                   filings version counter
    KEYS[7] ledger-outbox:{<slot tag>}               the slot's day-ledger entries not yet compacted
    KEYS[8] stays:{card}:<year>                      inpatient stays by discharge day
    KEYS[9] hsa-msg:{card}:<hospitalId>:<msgid>      the platform message's record (a placeholder key when none)
    KEYS[10] occupancy:{card}                        the person's settled stays, scored by discharge day
    KEYS[11] idem-void:{card}:<hospitalId>:<requestId>  void mark of this requestId (fence-claim-3.lua)
    KEYS[12] enc-settling:{card}:<mdtrtId>           the hold of the stay this settles (hold-stay-4.lua; a placeholder key when none)
    KEYS[13] person:{card}                           the person's hash: all of KEYS[1], [2], [4], [8], [10] as fields (include/person.lua)

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
    ARGV[11] stay member (its settlement id local when ARGV[23+2n] is '1', as the hash keeps ids)
    ARGV[12] the message's record ('' when no message asked for this settlement)
    ARGV[13] seconds the message's record lives
    ARGV[14] stay's admission day number ('' when the settlement is no stay)
    ARGV[15] stay's discharge day number
    ARGV[16] occupancy member "<admissionDay>|<dischargeDay>|<settlementId>|<hospitalId>" (the id as in ARGV[11])
    ARGV[17] seconds the occupancy set lives after this commit
    ARGV[18] n = number of accumulator deltas
    ARGV[19 .. 18+2n] field, integer delta (fen or count) pairs
    ARGV[19+2n] outbox field "<hospitalId>|<date>|<settlementId>"
    ARGV[20+2n] ms (wall clock) the claim with this token was made
    ARGV[21+2n] ms a claim may commit after it was made: later, it is fenced, so that its void
                mark need live only this long (a resent command may arrive any time later)
    ARGV[22+2n] the token of that hold, taken out when committed ('' when none)
    ARGV[23+2n] '1': write the person's hash, the record as its field; '0' (STORE_WRITE_FORMAT=previous):
                write the earlier keys, as the release before reads them, unless the hash exists
                already, and the record as KEYS[3] whatever the hash (that release reads no field)
    ARGV[24+2n] the benefit year

  Output:
    {1}                  committed
    {2, settlementId}    replay: this requestId and body were committed as that settlement (local or whole, as stored)
    {3}                  idempotency conflict: same requestId, another body
    {4, version}         accumulators or filings moved on: recompute
    {5}                  fenced: the claim with this token was voided or is too old; claim the requestId again
    {6, record}          the message has a record already (nothing written)
    {7, member}          the stay overlaps the settled stay `member` (nothing written; its id local or whole, as stored)
    {8}                  the settlement id is in the slot's index already: name the settlement anew (nothing written)
  "Nothing written" but the fold into the hash, which changes no answer.
]]
--#include person.lua
local field, bodyHash, token = ARGV[1], ARGV[2], ARGV[3]
local n = tonumber(ARGV[18])
local person, year = KEYS[13], ARGV[24 + 2 * n]
local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local current = ARGV[23 + 2 * n] == '1'
local hashed = current or redis.call('EXISTS', person) == 1
local old = { acc = KEYS[1], idem = KEYS[2], stls = KEYS[4], stays = KEYS[8], occupancy = KEYS[10] }
if hashed then fold(person, year, old, nowMs, tonumber(ARGV[17])) end
-- Where each part is: a hash field, or the earlier key.
local idemKey = hashed and person or old.idem
local accKey = hashed and person or old.acc
local function acc(name)
  if hashed then return accumulatorField(year, name) end
  return name
end

local previous = redis.call('HGET', idemKey, field)
if redis.call('GET', KEYS[11]) == token then return {5} end
if previous then
  -- 'void <token>' fields: marks written before they became keys of their own
  if previous == 'void ' .. token then return {5} end
  if string.sub(previous, 1, 5) ~= 'void ' then
    local space = string.find(previous, ' ', 1, true)
    -- A hash whole (as the previous release kept it) or shortened: the same body when the shorter starts the longer.
    local m = math.min(space - 1, #bodyHash)
    if m == 0 or string.sub(previous, 1, m) ~= string.sub(bodyHash, 1, m) then return {3} end
    return {2, string.sub(previous, space + 1)}
  end
  -- voided for an earlier claim of this requestId: this claim may commit
end

-- After the replay check: a resent commit that did commit still answers its settlement.
if nowMs - tonumber(ARGV[20 + 2 * n]) > tonumber(ARGV[21 + 2 * n]) then return {5} end

if ARGV[12] ~= '' then
  local known = redis.call('GET', KEYS[9])
  if known then return {6, known} end
end

local version = redis.call('HGET', accKey, acc('version')) or '0'
if version ~= ARGV[4] then return {4, version} end
local filingsVersion = redis.call('GET', KEYS[6]) or '0'
if filingsVersion ~= ARGV[5] then return {4, 'filings:' .. filingsVersion} end
-- A random id of 65 bits may, once in ~1e9 province-years, meet an id of its slot and year: never overwrite its index entry.
if redis.call('HEXISTS', KEYS[5], ARGV[6]) == 1 then return {8} end

local today = math.floor(nowMs / 86400000)
local occupancy, occupancyExpires = {}, 0
if ARGV[14] ~= '' then
  local admission, discharge = tonumber(ARGV[14]), tonumber(ARGV[15])
  -- Stays discharged on or after this admission day. One overlaps if each is admitted before the
  -- other's discharge, or if it holds the very same days (a same-day stay paid twice).
  local later
  if hashed then
    occupancy, occupancyExpires = occupancyOf(person, today)
    later = occupancy
  else
    later = redis.call('ZRANGEBYSCORE', old.occupancy, admission, '+inf')
  end
  for _, member in ipairs(later) do
    local bar = string.find(member, '|', 1, true)
    local otherAdmission = tonumber(string.sub(member, 1, bar - 1))
    local otherDischarge = tonumber(string.sub(member, bar + 1, string.find(member, '|', bar + 1, true) - 1))
    if (otherAdmission < discharge and admission < otherDischarge) or (otherAdmission == admission and otherDischarge == discharge) then
      return {7, member}
    end
  end
end

for i = 19, 18 + 2 * n, 2 do
  redis.call('HINCRBY', accKey, acc(ARGV[i]), ARGV[i + 1])
end
redis.call('HINCRBY', accKey, acc('version'), 1)

local settlementId = ARGV[6]
-- The person's hash keeps the id local; the earlier keys, and the hash as the release before reads it, whole.
local storedId = current and localId(settlementId) or settlementId
if current then
  redis.call('HSET', person, recordField(settlementId), ARGV[8])
else
  redis.call('SET', KEYS[3], ARGV[8])
end
if hashed then
  local ids = redis.call('HGET', person, 's|' .. year)
  redis.call('HSET', person, 's|' .. year, ids and ids .. ' ' .. storedId or storedId)
else
  redis.call('RPUSH', old.stls, settlementId)
end
redis.call('HSET', KEYS[5], settlementId, ARGV[7])
local ledgerKey = KEYS[7]
redis.call('HSET', ledgerKey, ARGV[19 + 2 * n], ARGV[9])
if ARGV[10] ~= '' then
  if hashed then
    local stays = redis.call('HGET', person, 't|' .. year)
    local entry = ARGV[10] .. '|' .. ARGV[11]
    redis.call('HSET', person, 't|' .. year, stays and stays .. ' ' .. entry or entry)
  else
    redis.call('ZADD', old.stays, ARGV[10], ARGV[11])
  end
end
redis.call('HSET', idemKey, field, bodyHash .. ' ' .. storedId)
redis.call('DEL', KEYS[11])
if ARGV[12] ~= '' then redis.call('SET', KEYS[9], ARGV[12], 'EX', ARGV[13]) end
if ARGV[14] ~= '' then
  if hashed then
    occupancy[#occupancy + 1] = ARGV[16]
    putOccupancy(person, occupancy, math.max(occupancyExpires, math.floor((nowMs + tonumber(ARGV[17]) * 1000) / 86400000)))
  else
    redis.call('ZADD', old.occupancy, ARGV[15], ARGV[16])
    redis.call('EXPIRE', old.occupancy, ARGV[17])
  end
end
if ARGV[22 + 2 * n] ~= '' then redis.call('SREM', KEYS[12], ARGV[22 + 2 * n]) end
return {1}
