--[[
  Revoke a referral filing: it is kept, never erased, with status 'revoked'.
  Repeating the call changes nothing.

  Input:
    KEYS[1] filings:{card}   hash referralId → filing JSON
    ARGV[1] referral id
    ARGV[2] the filing JSON with status 'revoked' (written only if still active)
    ARGV[3] the filing JSON as read by the caller (compare-and-set)

  Output:
    0  no such filing
    1  revoked now
    2  already changed since it was read (caller re-reads)
]]
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
if current ~= ARGV[3] then return 2 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
