--[[
  Fence a stale claim on a requestId in the person's slot it names: unless
  that claim already committed there, mark it void so that its commit (if it
  is still on its way) fails instead of settling twice. The mark is a key of
  its own with a short life (a refused request leaves nothing permanent): the
  commit script fences any claim older than its maximum age, so the mark need
  live only that long (VOID_CLAIM_TTL_SECONDS is at least that age).

  Input:
    KEYS[1] idem:{card}                          idempotency records of the claim's person (the earlier layout)
    KEYS[2] idem-void:{card}:<hospitalId>:<requestId>  the void mark of this requestId
    KEYS[3] person:{card}                        the person's hash: its idempotency fields (include/person.lua)
    ARGV[1] idempotency field "<hospitalId>:<requestId>"
    ARGV[2] token of the claim being fenced
    ARGV[3] seconds the void mark lives

  Output:
    {1}          fenced (or already fenced): that claim can never commit
    {0, record}  the claim committed: "<bodyHash> <settlementId>"
]]
local current = redis.call('HGET', KEYS[3], ARGV[1]) or redis.call('HGET', KEYS[1], ARGV[1])
if current and string.sub(current, 1, 5) ~= 'void ' then return {0, current} end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return {1}
