--[[
  Replace (or delete) a string value only if it is still the one the caller
  read (compare-and-set): a requestId's claim after its holder was fenced or
  released, an encounter moving from one status to the next, a message record
  completing.

  Input:
    KEYS[1] the key (req:{…}, enc:{card}:…, hsa-msg:{…})
    ARGV[1] the value as read
    ARGV[2] the new value ('': delete the key)
    ARGV[3] seconds the new value lives ('' or absent: no expiry)

  Output:
    {1}           replaced (or deleted)
    {0, current}  the value changed meanwhile (current value, or false if absent)
]]
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] then return {0, current} end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
elseif ARGV[3] and ARGV[3] ~= '' then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[2])
end
return {1}
