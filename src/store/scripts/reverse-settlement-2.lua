--[[
  Reverse one settlement: subtract exactly its own deltas, once.
  Repeating the call changes nothing.

  Input:
    KEYS[1] stl:{card}:<settlementId>   settlement hash; fields 'r:<field>' hold
                                        the negated deltas as integer strings
    KEYS[2] acc:{card}:<year>           accumulators hash of its benefit year
    ARGV[1] reversal timestamp (ISO 8601)

  Output:
    {0}   no such settlement
    {1}   reversed now
    {2}   already reversed (nothing changed)
]]
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {0} end
if status == 'reversed' then return {2} end

local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local name = fields[i]
  if string.sub(name, 1, 2) == 'r:' then
    redis.call('HINCRBY', KEYS[2], string.sub(name, 3), fields[i + 1])
  end
end
redis.call('HINCRBY', KEYS[2], 'version', 1)
redis.call('HSET', KEYS[1], 'status', 'reversed', 'reversedAt', ARGV[1])
return {1}
