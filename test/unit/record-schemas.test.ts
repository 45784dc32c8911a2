import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { dayNamesOf, fromDayMember, fromStoredLedgerEntry } from '../../src/domain/ledger.js';
import { messageRecordOf } from '../../src/service/national-messages.js';
import { storedView } from '../../src/service/settlement-view.js';
import { decodeSettlementRecord } from '../../src/store/codec/settlement-record.js';
import {
  CorruptRecordError,
  archivedDayFiguresSchema,
  checkStored,
  coverageEntrySchema,
  messageRecordSchema,
  parseEnrollee,
  parseFiling,
  parseHospital,
  reconciliationSchema,
  settlementRecordMetaSchema,
  specialDiseaseFilingSchema,
  storedSettlementViewSchema,
} from '../../src/store/record-schemas.js';

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

describe('records whose type the service owns are checked and handed back as stored', () => {
  const message = { i: 'h', n: '2304', s: 'done', u: { card: 'C1', settlementIds: ['S1'] }, o: '{}', at: '2026-01-02T00:00:00.000Z' };
  const filing = {
    filingId: 'F1',
    card: 'C1',
    disease: 'M03900',
    diseaseName: null,
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    status: 'active',
    createdAt: '2026-01-01T00:00:00.000Z',
    revokedAt: null,
    filedBy: { hospitalId: 'H1', keyId: null },
  };
  const figures = { count: 1, total: '1.00' };
  const archivedDay = { benefitYear: 2025, archive: 'a-2025', figures };
  const reconciliation = {
    reconciliationId: 'R1',
    hospitalId: 'H1',
    date: '2026-01-02',
    to: '2026-01-02',
    clrType: null,
    balanced: true,
    ours: figures,
    theirs: figures,
    difference: figures,
    differences: [],
    differenceCount: 0,
    at: '2026-01-03T00:00:00.000Z',
  };
  const coverage = { fetchedAt: 1, enrollee: null };
  const view = {
    settlementId: 'S1',
    requestId: 'Q1',
    status: 'settled',
    policyId: 'P',
    benefitYear: 2026,
    card: 'C1',
    hospitalId: 'H1',
    visitType: 'outpatient',
    total: '10.00',
    fundTotal: '5.00',
    patientTotal: '5.00',
    payments: { basic: '5.00' },
    steps: [],
  };
  const meta = { v: 1, s: 'settled', h: 'H1', y: 2026, rq: 'Q1', d: { 'basic:paid': '500' } };
  const cases: [string, z.ZodType, Record<string, unknown>, Record<string, unknown>][] = [
    ['message record', messageRecordSchema, message, { s: 'gone' }],
    ['special-disease filing', specialDiseaseFilingSchema, filing, { filedBy: 'H1' }],
    ['archived day figures', archivedDayFiguresSchema, archivedDay, { benefitYear: '2025' }],
    ['reconciliation', reconciliationSchema, reconciliation, { balanced: 'yes' }],
    ['coverage cache entry', coverageEntrySchema, coverage, { enrollee: { card: 'C1' } }],
    ['settlement answer', storedSettlementViewSchema, view, { payments: { basic: 5 } }],
    ['settlement record meta', settlementRecordMetaSchema, meta, { y: '2026' }],
  ];

  for (const [what, schema, good, spoilt] of cases) {
    it(`${what}: a well-formed one comes back as stored (same keys, same order); a corrupt one is a CorruptRecordError`, () => {
      // Keys in another order than the schema's: the value comes back in the stored order.
      const stored = JSON.stringify(Object.fromEntries(Object.entries(good).reverse()));
      expect(JSON.stringify(checkStored(schema, stored, what))).toBe(stored);
      expect(() => checkStored(schema, JSON.stringify({ ...good, ...spoilt }), what)).toThrow(CorruptRecordError);
      expect(() => checkStored(schema, JSON.stringify({ ...good, ...spoilt }), what)).toThrow(new RegExp(`stored ${what} is corrupt: ${Object.keys(spoilt)[0]}`));
      expect(() => checkStored(schema, stored.slice(0, -1), what)).toThrow(CorruptRecordError);
      expect(() => checkStored(schema, '"text"', what)).toThrow(CorruptRecordError);
    });
  }

  it('the service reads stored answers, message records and settlement records through them', () => {
    expect(() => storedView(Buffer.from(JSON.stringify({ ...view, requestId: null })))).toThrow(/stored settlement answer is corrupt: requestId/);
    expect(() => messageRecordOf(JSON.stringify({ ...message, u: { card: 7 } }))).toThrow(CorruptRecordError);
    expect(() => decodeSettlementRecord(Buffer.from('{"v":1,"s":"settled"}\nxx'), { settlementId: 'S-1', card: 'W1' })).toThrow(/stored settlement record meta is corrupt/);
  });

  it('a hospital read from the index is parsed with its schema', () => {
    expect(() => parseHospital(JSON.stringify({ hospitalId: 'H1' }))).toThrow(CorruptRecordError);
  });
});

describe('the ledger positional records are checked by hand as they are read', () => {
  const entry: unknown[] = ['S', 'S-1', 'Q1', 'H', 'C1', '2026-04-01T08:00:00.000Z', 'P', 2026, 'outpatient', '10.00', '6.00', ['6.00'], null];
  const rest: unknown[] = ['Q1', 'C1', null, 'P', 2026, 'outpatient', 1000, 600, [600], null];

  it('a well-formed entry and day member read back; a corrupt one is a CorruptRecordError naming the field', () => {
    expect(fromStoredLedgerEntry(JSON.stringify(entry)).total).toBe('10.00');
    expect(fromDayMember(`S-1|0|${JSON.stringify(rest)}`, Date.parse('2026-04-01T08:00:00.000Z'), 'H').fundTotal).toBe('6.00');
    expect(() => fromStoredLedgerEntry(JSON.stringify(entry.with(7, '2026')))).toThrow(/stored ledger entry is corrupt: field 7/);
    expect(() => fromStoredLedgerEntry(JSON.stringify(entry.with(0, 'X')))).toThrow(CorruptRecordError);
    expect(() => fromStoredLedgerEntry(JSON.stringify(entry.slice(0, 12)))).toThrow(CorruptRecordError);
    expect(() => fromStoredLedgerEntry('{"kind":"S"}')).toThrow(CorruptRecordError);
    expect(() => fromDayMember(`S-1|0|${JSON.stringify(rest.with(8, ['6.00', {}]))}`, 0, 'H')).toThrow(/stored day-ledger member is corrupt: field 8/);
    expect(() => fromDayMember('S-1|0|[', 0, 'H')).toThrow(CorruptRecordError);
  });

  it("a member referring to the day's names reads them; a missing or ill-typed name is a CorruptRecordError", () => {
    const names = dayNamesOf(['["P",2026,"outpatient",2]', '"0101"', '"张三"']);
    const member = 'S-1|0"Q1","C1",0,1000,[600],[1,2,null]';
    const read = fromDayMember(member, Date.parse('2026-04-01T08:00:00.000Z'), 'H', names);
    expect([read.policyId, read.benefitYear, read.visitType, read.fundTotal, read.patientTotal, read.operator]).toEqual([
      'P',
      2026,
      'outpatient',
      '6.00',
      '4.00',
      { id: '0101', name: '张三', keyId: null },
    ]);
    expect(() => fromDayMember(member, 0, 'H', names.slice(0, 2))).toThrow(/no name 2/);
    expect(() => fromDayMember('S-1|0"Q1","C1",1,1000,[600],null', 0, 'H', names)).toThrow(/field 2/);
    expect(() => fromDayMember('S-1|0"Q1","C1",0,1000,["6.00"],null', 0, 'H', names)).toThrow(/field 6/);
    expect(() => fromDayMember('S-1|0"Q1","C1",0,1000,[600],[1.5,2,null]', 0, 'H', names)).toThrow(/field 5/);
    expect(() => fromDayMember('S-1|0"Q1","C1",0,1000,[600,0,5],null', 0, 'H', names)).toThrow(/field 2/);
    expect(fromDayMember('S-1|0"Q1","C1",0,1000,[600],null', 0, 'H', names).funds).toEqual({ basic: '6.00', criticalIllness: '0.00' });
    expect(() => dayNamesOf(['{'])).toThrow(CorruptRecordError);
  });
});
