--[[
  Store a new referral filing of one person, index its id and move the
  filings version (a settlement computed before must recompute). A person may
  hold at most ARGV[5] active filings.

  Input:
    KEYS[1] filings:{card}          hash referralId → filing JSON (all filings)
    KEYS[2] filings-active:{card}   zset of active filing JSON, scored by validTo day
    KEYS[3] filings-version:{card}  counter
    KEYS[4] idx:{<slot tag>}        id → card index of the slot
    ARGV[1] referral id
    ARGV[2] filing JSON
    ARGV[3] card
    ARGV[4] validTo day number
    ARGV[5] most active filings a person may hold

  Output:
    1   stored
    0   the id exists already (nothing changed)
    -1  the person holds the most active filings allowed (nothing changed)
]]
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])
redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
return 1
