--[[
  Replace a requestId's claim if it is still the one the caller read
  (compare-and-set), after that claim was fenced.

  Input:
    KEYS[1] req:{<hospitalId>:<requestId>}   the claim
    ARGV[1] the claim as read
    ARGV[2] the new claim

  Output:
    {1}           replaced
    {0, current}  the claim changed meanwhile (current value, or false if absent)
]]
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] then return {0, current} end
redis.call('SET', KEYS[1], ARGV[2])
return {1}
