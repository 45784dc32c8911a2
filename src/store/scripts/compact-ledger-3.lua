--[[
  Move day-ledger entries into their hospital-day (compaction of the outboxes
  the commit and reversal scripts write): each entry is added to the day's
  ordered set once — not if the day holds the member the first format made of
  it, and ZADD NX of the member now (the same entry is the same member: the
  names only grow) — so a move repeated after a crash adds nothing, and only
  an entry added now adds its figures (integer fen and counts, HINCRBY). What
  repeats within the day (domain/ledger.ts toDayMemberDraft) is kept once in
  the day's names: the member holds its index there, or the value inline once
  the names are full. A day this script begins holds no first-format member:
  its names start with the mark 0, and the first-format check is skipped.
  Previous (STORE_WRITE_FORMAT=previous, while processes of the release before
  may still move entries: docs/deploy.md) writes the first-format member and
  no names, so a day has names only once a compact process wrote to it (roll
  step 2, none of the release before left): such a day it writes as compact.

  Input:
    KEYS[1] ledger-day:{<hospitalId>:<date>}      the day's entries, scored by ms of their time
    KEYS[2] ledger-figures:{<hospitalId>:<date>}  the day's totals and groups (integer fen, counts)
    KEYS[3] ledger-names:{<hospitalId>:<date>}    the day's names (a list of JSON literals)
    ARGV[1] how many names the day keeps at most
    ARGV[2] '1': previous (write the first-format member, begin no names); '0': compact
    ARGV    then per entry: score, its first-format member, identity,
            template (byte k stands for the k-th name), n, n names (JSON
            literals), m, then m pairs of figure field and integer delta

  Output:
    the number of entries added now
]]
local bound = tonumber(ARGV[1])
local previous = ARGV[2] == '1' and redis.call('EXISTS', KEYS[3]) == 0
if not previous and redis.call('EXISTS', KEYS[1]) == 0 and redis.call('EXISTS', KEYS[3]) == 0 then redis.call('RPUSH', KEYS[3], '0') end
local fresh = not previous and redis.call('LINDEX', KEYS[3], 0) == '0'
local added = 0
-- literal → its reference, looked up once a call (the entries of a batch share most names)
local refOf = {}
local i = 3
while i <= #ARGV do
  local score, first, identity, template = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local n = tonumber(ARGV[i + 4])
  local m = tonumber(ARGV[i + 5 + n])
  local member
  if previous then
    -- no names: the day holds no member of now's format, so ZADD NX alone dedupes
    member = first
  elseif fresh or not redis.call('ZSCORE', KEYS[1], first) then
    local refs = {}
    for k = 1, n do
      local literal = ARGV[i + 4 + k]
      if not refOf[literal] then
        local index = redis.call('LPOS', KEYS[3], literal)
        if not index and redis.call('LLEN', KEYS[3]) < bound then index = redis.call('RPUSH', KEYS[3], literal) - 1 end
        -- inline (the names full) stays inline for the rest of the call: the names do not shrink
        refOf[literal] = index and tostring(index) or literal
      end
      refs[k] = refOf[literal]
    end
    member = identity .. string.gsub(template, '[\1-\9]', function(slot) return refs[string.byte(slot)] end)
  end
  if member and redis.call('ZADD', KEYS[1], 'NX', score, member) == 1 then
    added = added + 1
    for j = i + 6 + n, i + 5 + n + 2 * m, 2 do
      redis.call('HINCRBY', KEYS[2], ARGV[j], ARGV[j + 1])
    end
  end
  i = i + 6 + n + 2 * m
end
return added
