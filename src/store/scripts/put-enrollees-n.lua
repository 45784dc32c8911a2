--[[
  Write enrollees' registry records (PUT semantics, for the bulk import) and
  drop each changed person's cached coverage copy in the same step; a record
  that is already exactly so is left alone (a re-run of a file changes
  nothing). Called with a variable number of keys (the "-n" of the file
  name): two per record, all in one cluster slot (the store groups them).

  Input:
    KEYS[2i-1] enrollee:{card}   registry record JSON of record i
    KEYS[2i]   coverage:{card}   cached copy of the enrollment system's record
    ARGV[i]    record JSON of record i

  Output: one code per record, in order
    1   created
    2   replaced with other content (the cached coverage copy dropped)
    0   the record was already exactly this (nothing changed)
]]
local codes = {}
for i = 1, #ARGV do
  local record = KEYS[2 * i - 1]
  local previous = redis.call('GET', record)
  if previous == ARGV[i] then
    codes[i] = 0
  else
    redis.call('SET', record, ARGV[i])
    redis.call('DEL', KEYS[2 * i])
    codes[i] = previous and 2 or 1
  end
end
return codes
