--[[
  File or revoke a person's special-disease filing (门诊慢特病备案), kept,
  never erased; either moves the filings version, so that a settlement
  computed with the filing as it was recomputes.

  Input:
    KEYS[1] sd-filings:{card}        hash filing id → filing JSON
    KEYS[2] filings-version:{card}   counter (shared with the referral filings)
    ARGV[1] 'put' or 'revoke'
    ARGV[2] filing id
    ARGV[3] put: the filing JSON; revoke: the filing JSON with status 'revoked'
    ARGV[4] put: most filings (active or revoked) a person may hold;
            revoke: the filing JSON as the caller read it (compare-and-set)

  Output:
    put:    1 stored, 2 a filing with this id exists (unchanged), 3 the person holds the most filings
    revoke: 0 no such filing, 1 revoked now, 2 changed since it was read
]]
if ARGV[1] == 'put' then
  if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then return 2 end
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return 3 end
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
  redis.call('INCR', KEYS[2])
  return 1
end
local current = redis.call('HGET', KEYS[1], ARGV[2])
if not current then return 0 end
if current ~= ARGV[4] then return 2 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('INCR', KEYS[2])
return 1
