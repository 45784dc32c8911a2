-- Included (--#include) by reverse-settlement-6 and archive-settlement-5.
-- The stays and occupancy members a settlement record's meta line names. A
-- compact meta line (codec/settlement-record.ts) leaves the settlement id out
-- of both: `st` then starts with '|', and `oc`'s third field is empty. Earlier
-- lines hold the members whole.
local function stayMemberOf(meta, settlementId)
  if string.sub(meta.st, 1, 1) == '|' then return settlementId .. meta.st end
  return meta.st
end
local function occupancyMemberOf(meta, settlementId)
  local days, rest = string.match(meta.oc, '^(%d+|%d+|)(.*)$')
  if days and string.sub(rest, 1, 1) == '|' then return days .. settlementId .. rest end
  return meta.oc
end
