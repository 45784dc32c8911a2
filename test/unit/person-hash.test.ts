import { describe, expect, it } from 'vitest';
import { accumulatorsOfYear, staysOfYear } from '../../src/store/codec/person-hash.js';

const fields = {
  'PY-COUNTY:REQ-1': 'hash S-0001-aa',
  '2019|version': '3',
  '2019|basicPaid': '12345',
  '2019|l:dental': '500',
  '2018|version': '9',
  's|2019': 'S-0001-aa S-0001-bb',
  't|2019': '18010|S-0001-bb|PY-TOWN||2019-04-26| 18000|S-0001-aa|PY-COUNTY|C1|2019-04-16|1 18010|S-0001-ab|PY-COUNTY||2019-04-26|',
  'o|': '21000 18000|18005|S-0001-aa|PY-COUNTY',
};

describe("a person's hash as the client reads it", () => {
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
