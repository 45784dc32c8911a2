--[[
  Move day-ledger entries into their hospital-day (compaction of the outboxes
  the commit and reversal scripts write): each entry is added to the day's
  ordered set once (ZADD NX: the same entry moved again is the same member,
  so a move repeated after a crash adds nothing), and only an entry added now
  adds its figures (integer fen and counts, HINCRBY).

  Input:
    KEYS[1] ledger-day:{<hospitalId>:<date>}      the day's entries, scored by ms of their time
    KEYS[2] ledger-figures:{<hospitalId>:<date>}  the day's totals and groups (integer fen, counts)
    ARGV    per entry: score, member, m, then m pairs of figure field and integer delta

  Output:
    the number of entries added now
]]
local added = 0
local i = 1
while i <= #ARGV do
  local m = tonumber(ARGV[i + 2])
  if redis.call('ZADD', KEYS[1], 'NX', ARGV[i], ARGV[i + 1]) == 1 then
    added = added + 1
    for j = i + 3, i + 2 + 2 * m, 2 do
      redis.call('HINCRBY', KEYS[2], ARGV[j], ARGV[j + 1])
    end
  end
  i = i + 3 + 2 * m
end
return added
