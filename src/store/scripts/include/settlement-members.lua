-- Included (--#include) by reverse-settlement-6 and archive-settlement-5,
-- after person.lua. A settlement record's meta line (codec/settlement-record.ts)
-- and the stays and occupancy members that are the settlement's own.

-- A meta line: JSON (it starts with '{'), or from version 5 on terse,
-- '<v> [<r>] <delta>…' (r all digits, a delta never; '-' for no r in lines
-- written before). Its `d` stays as written: deltasOf reads it.
local function metaOf(line)
  if string.byte(line, 1) == 123 then return cjson.decode(line) end
  local v, rest = string.match(line, '^(%d+) ?(.*)$')
  local second, after = string.match(rest, '^(%S+) ?(.*)$')
  if second == '-' then return { v = tonumber(v), d = after } end
  if second and string.match(second, '^%d+$') then return { v = tonumber(v), r = tonumber(second), d = after } end
  return { v = tonumber(v), d = rest }
end

-- The deltas by name: a JSON object, or a terse 'a1 be4601567 l:key=-5'
-- (a name of letters only glued to its integer, any other before '=').
local function deltasOf(meta)
  if type(meta.d) == 'table' then return meta.d end
  local deltas = {}
  for token in string.gmatch(meta.d, '%S+') do
    local name, delta = string.match(token, '^(.-)=(-?%d+)$')
    if not name then name, delta = string.match(token, '^(%a+)(-?%d+)$') end
    deltas[name] = delta
  end
  return deltas
end

-- Before version 5 the line names the members: a compact line leaves the
-- settlement id out of both (`st` then starts with '|', and `oc`'s third
-- field is empty); earlier lines hold them whole.
local function stayMemberOf(meta, settlementId)
  if string.sub(meta.st, 1, 1) == '|' then return settlementId .. meta.st end
  return meta.st
end
local function occupancyMemberOf(meta, settlementId)
  local days, rest = string.match(meta.oc, '^(%d+|%d+|)(.*)$')
  if days and string.sub(rest, 1, 1) == '|' then return days .. settlementId .. rest end
  return meta.oc
end

-- Whether the settlement's members in the hash are found by its id: from
-- version 5 on the line names none, and a compact line (4, or 3 written for
-- a sentinel byte) names them without the id, which the hash may keep local
-- or whole (person.lua localId). Whole members of the earlier keys are still
-- dropped as the line names them.
local function membersByIdOf(meta)
  if (tonumber(meta.v) or 0) >= 5 then return true end
  return (type(meta.st) == 'string' and string.sub(meta.st, 1, 1) == '|')
    or (type(meta.oc) == 'string' and string.match(meta.oc, '^%d+|%d+||') ~= nil)
end

-- From version 5 on they are found by the id: a stay member starts with it
-- ('<settlementId>|…', codec/stay.ts), an occupancy member names it third
-- ('<admission>|<discharge>|<settlementId>|<hospitalId>'). Ids hold no '|';
-- either is local or whole (person.lua sameId).
local function isOwnStay(member, settlementId)
  return sameId(string.match(member, '^[^|]*'), settlementId)
end
local function isOwnOccupancy(member, settlementId)
  local _, _, id = string.find(member, '^%d+|%d+|([^|]*)|')
  return id ~= nil and sameId(id, settlementId)
end

-- A version 5 record was written by a commit that writes the person's hash
-- and folds the earlier keys into it first (commit-settlement-13.lua), and
-- whatever writes the person after it writes the hash: its members are the
-- hash's, never in the earlier stays:/occupancy: keys.

-- The year's listed stay of the settlement goes (entries of 't|<year>' are
-- '<discharge day>|<member>').
local function dropOwnStay(person, year, settlementId)
  dropWord(person, 't|' .. year, function(entry)
    return not isOwnStay(string.sub(entry, (string.find(entry, '|', 1, true) or 0) + 1), settlementId)
  end)
end

-- The occupancy member of the settlement goes, expired or not.
local function dropOwnOccupancy(person, settlementId)
  local list, expires = occupancyOf(person, 0)
  for i, member in ipairs(list) do
    if isOwnOccupancy(member, settlementId) then
      table.remove(list, i)
      putOccupancy(person, list, expires)
      return
    end
  end
end
