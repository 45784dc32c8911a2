--[[
  Store a new referral filing of one person and index its id.

  Input:
    KEYS[1] filings:{card}               hash referralId → filing JSON
    KEYS[2] idx:{<slot tag>}:<referralId> id → card index (same slot)
    ARGV[1] referral id
    ARGV[2] filing JSON
    ARGV[3] card

  Output:
    1  stored
    0  the id exists already (nothing changed)
]]
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[3])
return 1
