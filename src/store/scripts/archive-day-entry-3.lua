--[[
  Remove one entry of a closed, archived benefit year from its hospital-day
  (npm run archive), taking its figures off the day's figures; the figures
  hash and the day's names go with the day's last entry. The hospital-day's
  figures of that year were written to ledger-archived:{…} before, so a
  statement never misses them.

  Input:
    KEYS[1] ledger-day:{<hospitalId>:<date>}      the day's entries
    KEYS[2] ledger-figures:{<hospitalId>:<date>}  the day's figures
    KEYS[3] ledger-names:{<hospitalId>:<date>}    the day's names (its entries refer to them)
    ARGV[1] the entry (member) as archived
    ARGV[2 ..] pairs of figure field and integer delta (the entry's figures negated)

  Output:
    1   removed now
    0   already removed (a re-run)
]]
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
for i = 2, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1])
end
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('DEL', KEYS[2], KEYS[3]) end
return 1
