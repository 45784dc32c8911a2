import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accumulatorsOfYear, namedAccumulators, SHORT_ACCUMULATOR_NAMES, shortNamed, staysOfYear } from '../../src/store/codec/person-hash.js';
import { keys } from '../../src/store/keys.js';
import { MONEY_ACCUMULATORS } from '../../src/domain/types.js';
import { ROOT } from '../helpers/worked-examples.js';

const fields = {
  'PY-COUNTY:REQ-1': 'hash S-0001-aa',
  '2019|v': '3',
  '2019|bp': '12345',
  '2019|l:dental': '500',
  '2018|v': '9',
  's|2019': 'S-0001-aa S-0001-bb',
  't|2019': '18010|S-0001-bb|PY-TOWN||2019-04-26| 18000|S-0001-aa|PY-COUNTY|C1|2019-04-16|1 18010|S-0001-ab|PY-COUNTY||2019-04-26|',
  'o|': '21000 18000|18005|S-0001-aa|PY-COUNTY',
};

describe("a person's hash as the client reads it", () => {
  it("the short accumulator names are the scripts' (include/person.lua), one for every accumulator, and unlike any other", () => {
    const lua = readFileSync(path.join(ROOT, 'src/store/scripts/include/person.lua'), 'utf8');
    const table = /local SHORT = \{([^}]*)\}/.exec(lua)![1]!;
    expect(Object.fromEntries([...table.matchAll(/(\w+) = '(\w+)'/g)].map((m) => [m[1], m[2]]))).toEqual(SHORT_ACCUMULATOR_NAMES);
    expect(Object.keys(SHORT_ACCUMULATOR_NAMES).sort()).toEqual(['admissions', 'specialOutpatientCounted', 'version', ...MONEY_ACCUMULATORS].sort());
    const shorts = Object.values(SHORT_ACCUMULATOR_NAMES);
    expect(new Set(shorts).size).toBe(shorts.length);
    for (const short of shorts) expect(Object.keys(SHORT_ACCUMULATOR_NAMES)).not.toContain(short);
    expect(namedAccumulators({ bp: '1', basicPaid: '2', 'l:x': '3' })).toEqual({ basicPaid: '2', 'l:x': '3' });
  });

  it("names a settlement's record field as the scripts do (recordField in include/person.lua); deltas go short and come back whole", () => {
    const lua = readFileSync(path.join(ROOT, 'src/store/scripts/include/person.lua'), 'utf8');
    const prefix = /local function recordField\(settlementId\)\s+return '([^']*)' \.\. localId\(settlementId\)/.exec(lua)![1]!;
    expect(keys.settlementField('S-0001-aa')).toBe(`${prefix}S-0001-aa`);
    expect(keys.settlementField('S-0a3b-18rsbf8w3w72208')).toBe(`${prefix}18rsbf8w3w72208`);
    expect(keys.wholeSettlementField('S-0a3b-18rsbf8w3w72208')).toBe(`${prefix}S-0a3b-18rsbf8w3w72208`);
    // No other field of the hash starts so (include/person.lua's list).
    for (const field of Object.keys(fields)) expect(field.startsWith(prefix)).toBe(false);
    const deltas = { admissions: '1', basicPaid: '3007619', 'l:dental': '500' };
    expect(shortNamed(deltas)).toEqual({ a: '1', bp: '3007619', 'l:dental': '500' });
    expect(namedAccumulators(shortNamed(deltas))).toEqual(deltas);
  });

  it('picks one year of accumulators, policy ledgers included, without the year', () => {
    expect(accumulatorsOfYear(fields, 2019)).toEqual({ version: '3', basicPaid: '12345', 'l:dental': '500' });
    expect(accumulatorsOfYear(fields, 2018)).toEqual({ version: '9' });
    expect(accumulatorsOfYear(fields, 2017)).toEqual({});
  });

  it("picks the year's stays of a day range, in a sorted set's order (day, then member)", () => {
    expect(staysOfYear(fields, 2019, 17990, 18020)).toEqual(['S-0001-aa|PY-COUNTY|C1|2019-04-16|1', 'S-0001-ab|PY-COUNTY||2019-04-26|', 'S-0001-bb|PY-TOWN||2019-04-26|']);
    expect(staysOfYear(fields, 2019, 18001, 18010)).toHaveLength(2);
    expect(staysOfYear(fields, 2019, 18011, 18100)).toEqual([]);
    expect(staysOfYear(fields, 2018, 0, 99999)).toEqual([]);
  });
});
