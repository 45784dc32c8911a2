--[[
  Revoke a referral filing: it is kept, never erased, with status 'revoked',
  leaves the active set (the hot read of settlements) and moves the filings
  version, so that a settlement computed with it recomputes.

  Input:
    KEYS[1] filings:{card}          hash referralId → filing JSON
    KEYS[2] filings-active:{card}   zset of active filing JSON
    KEYS[3] filings-version:{card}  counter
    ARGV[1] referral id
    ARGV[2] the filing JSON with status 'revoked' (written only if unchanged since read)
    ARGV[3] the filing JSON as read by the caller (compare-and-set)

  Output:
    0  no such filing
    1  revoked now
    2  changed since it was read (caller re-reads)
]]
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
if current ~= ARGV[3] then return 2 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('INCR', KEYS[3])
return 1
