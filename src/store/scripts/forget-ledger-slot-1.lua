--[[
  Forget a slot among a hospital-day's pending ledger slots once its outbox
  was drained, unless a commit noted it since `cutoff` (a commit in flight may
  write its entry after the drain: its note is younger than cutoff, so the
  slot stays pending for the next compaction).

  Input:
    KEYS[1] ledger-pending:{<hospitalId>:<date>}  slot → ms of its latest note
    ARGV[1] the slot
    ARGV[2] cutoff: ms (drain start minus the notes' grace)

  Output:
    1 forgotten, 0 kept (noted since, or not pending)
]]
local noted = redis.call('ZSCORE', KEYS[1], ARGV[1])
if noted and tonumber(noted) < tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
