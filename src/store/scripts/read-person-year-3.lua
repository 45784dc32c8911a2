--[[
  A person's accumulators and settlement ids of one benefit year, from the
  person's hash and from the earlier layout's keys, whichever holds them
  (include/person.lua): nothing is written.

  Input:
    KEYS[1] person:{card}
    KEYS[2] acc:{card}:<year>   (earlier layout)
    KEYS[3] stls:{card}:<year>  (earlier layout)
    ARGV[1] the benefit year

  Output:
    {accumulators (field, value, …), settlement ids in commit order}
]]
--#include person.lua
local accumulators = accumulatorsOf(KEYS[1], ARGV[1])
for _, value in ipairs(redis.call('HGETALL', KEYS[2])) do accumulators[#accumulators + 1] = value end
local ids = words(redis.call('HGET', KEYS[1], 's|' .. ARGV[1]))
for _, id in ipairs(redis.call('LRANGE', KEYS[3], 0, -1)) do ids[#ids + 1] = id end
return { accumulators, ids }
