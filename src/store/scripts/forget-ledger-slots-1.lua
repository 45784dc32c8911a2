--[[
  Forget slots among a hospital-day's pending ledger slots once their
  outboxes were drained, except a slot a commit noted since `cutoff` (a commit
  in flight may write its entry after the drain: its note is younger than
  cutoff, so the slot stays pending for the next compaction). One call for the
  slots a compaction pass drained together.

  Input:
    KEYS[1] ledger-pending:{<hospitalId>:<date>}  slot → ms of its latest note
    ARGV[1] cutoff: ms (drain start minus the notes' grace)
    ARGV[2..] the slots

  Output:
    how many were forgotten (the others: noted since, or not pending)
]]
local cutoff = tonumber(ARGV[1])
local forgotten = 0
for i = 2, #ARGV do
  local noted = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if noted and tonumber(noted) < cutoff then
    redis.call('ZREM', KEYS[1], ARGV[i])
    forgotten = forgotten + 1
  end
end
return forgotten
