--[[
  Withdraw fee lines of one encounter (2302): one line (with its refund, or,
  for a refund line, leaving its original charged again), or all ('0000').

  Input:
    KEYS[1] enc-lines:{card}:<mdtrtId>  (see put-fee-lines-2.lua)
    ARGV[1] sn, or '0000' for every line

  Output:
    {n}  the number of lines withdrawn (0: none such)
]]
if ARGV[1] == '0000' then
  local count = tonumber(redis.call('HGET', KEYS[1], 'count') or '0')
  redis.call('DEL', KEYS[1])
  return {count}
end
local json = redis.call('HGET', KEYS[1], 'l:' .. ARGV[1])
if not json then return {0} end
local removed = 1
redis.call('HDEL', KEYS[1], 'l:' .. ARGV[1])
local line = cjson.decode(json)
if line.refundOf ~= cjson.null and line.refundOf ~= nil then
  redis.call('HDEL', KEYS[1], 'r:' .. line.refundOf)
else
  local refund = redis.call('HGET', KEYS[1], 'r:' .. ARGV[1])
  if refund then
    redis.call('HDEL', KEYS[1], 'l:' .. refund, 'r:' .. ARGV[1])
    removed = 2
  end
end
redis.call('HINCRBY', KEYS[1], 'count', -removed)
return {removed}
