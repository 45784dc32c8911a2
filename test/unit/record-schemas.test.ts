import { describe, expect, it } from 'vitest';
import { CorruptRecordError, parseEnrollee, parseFiling, parseHospital } from '../../src/store/record-schemas.js';

describe('records read back from Redis are parsed with their schema', () => {
  const enrollee = {
    card: 'C1',
    region: 'pingyang',
    sex: 'M',
    birthDate: '1970-01-01',
    coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
    categories: [],
    specialDiseases: [],
    maternityInsured: false,
  };

  it('a well-formed record comes back whole (fields the schema does not name included)', () => {
    expect(parseEnrollee(JSON.stringify(enrollee))).toEqual(enrollee);
  });

  it('a corrupt or foreign value is a CorruptRecordError naming the record and the field, never a silent cast', () => {
    expect(() => parseEnrollee('{"card":"C1"')).toThrow(CorruptRecordError);
    expect(() => parseEnrollee(JSON.stringify({ ...enrollee, coverage: 'all year' }))).toThrow(/stored enrollee is corrupt: coverage/);
    expect(() => parseFiling(JSON.stringify({ referralId: 'R', card: 'C1', kind: 'transfer', validFrom: 'x', validTo: 'y', status: 'gone' }))).toThrow(
      /stored filing is corrupt: status/,
    );
    expect(() => parseHospital('"PY-COUNTY"')).toThrow(/stored hospital is corrupt/);
  });
});
