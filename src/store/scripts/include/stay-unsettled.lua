-- Included (--#include) by put-fee-lines-6, withdraw-fee-lines-6 and
-- replace-unsettled-encounter-6, which share its KEYS[3..6] and ARGV[3..4]:
--   KEYS[3] enc-settling:{card}:<mdtrtId>  tokens of the settlements of the stay at work (2304/2207)
--   KEYS[4] idem:{card}                    the person's idempotency records (the earlier layout)
--   KEYS[5] stl:{card}:<settlementId>      the settlement ARGV[4] names, when not KEYS[6]'s field (any key of the slot when none)
--   KEYS[6] person:{card}                  the person's hash: its idempotency fields and records (person.lua, included first)
--   ARGV[3] the stay's idempotency field ("<hospitalId>:<requestId>")
--   ARGV[4] that field's value as read ('' when absent)
-- The stay must not be settled, nor being settled, when it changes: checked
-- here, atomically with the change (a check before it leaves a gap a 2304 can
-- take). The caller read the stay's idempotency field first and names it.
-- Returns nil (unsettled), or 'settling', 'moved', 'archived' or 'settled'.
local function unsettled()
  if redis.call('SCARD', KEYS[3]) > 0 then return 'settling' end
  local idem = redis.call('HGET', KEYS[6], ARGV[3]) or redis.call('HGET', KEYS[4], ARGV[3]) or ''
  if idem ~= ARGV[4] then return 'moved' end
  if idem == '' or string.sub(idem, 1, 5) == 'void ' then return nil end
  local record = recordOf(KEYS[6], string.sub(idem, string.find(idem, ' ', 1, true) + 1), KEYS[5])
  if not record then return 'archived' end
  local line = string.sub(record, 1, string.find(record, '\n', 1, true) - 1)
  -- A terse meta line (not '{': codec/settlement-record.ts) is a settled one's; a reversal rewrites it as JSON.
  if string.byte(line, 1) ~= 123 then return 'settled' end
  if cjson.decode(line).s ~= 'reversed' then return 'settled' end
  return nil
end
