--[[
  Hold a stay for its settlement through the platform (2304/2207) and read
  what that settlement needs of it, in one call: the hold and the read are
  one step, so the lines read are the ones that hold still until the commit
  (put-fee-lines-6, withdraw-fee-lines-6 and replace-unsettled-encounter-6
  refuse while the set holds a token). The commit that settles the stay takes
  its token out (commit-settlement-13); any other end, its holder does. A
  stay that does not exist is not held.

  Input:
    KEYS[1] enc-settling:{card}:<mdtrtId>        set: a token per settlement of the stay at work
    KEYS[2] enc:{card}:<mdtrtId>                 the encounter (JSON)
    KEYS[3] enc-lines:{card}:<mdtrtId>           its fee lines
    KEYS[4] hsa-msg:{card}:<hospitalId>:<msgid>  the asking message's record (any key of the slot when none)
    ARGV[1] this settlement's token
    ARGV[2] ms the hold lives at most (a holder that died frees the stay after it)
    ARGV[3] '1': read the message's record too

  Output:
    {}                                                    no such encounter: nothing held
    {encounter, lines (field, value, …), record or nil}   held
]]
local encounter = redis.call('GET', KEYS[2])
if not encounter then return {} end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return { encounter, redis.call('HGETALL', KEYS[3]), ARGV[3] == '1' and redis.call('GET', KEYS[4]) or false }
