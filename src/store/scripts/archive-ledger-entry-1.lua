--[[
  Remove one day-ledger entry of a closed, archived benefit year, if it is
  still the entry the archive holds (npm run archive). The hospital-day's
  figures of that year were written to ledger-archived:{…} before, so a
  statement never misses them.

  Input:
    KEYS[1] ledger:{<slot tag>}:<hospitalId>:<date>   the hospital-day's entries in one slot
    ARGV[1] field ("<settlementId>" or "<settlementId>:r")
    ARGV[2] the entry as archived

  Output:
    1   removed now
    0   already removed (a re-run)
    -1  the entry differs from the archived one (nothing changed)
]]
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then return 0 end
if entry ~= ARGV[2] then return -1 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
