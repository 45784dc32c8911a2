/** The stored day-ledger entry is positional and leaves out what can be derived; reading it gives the entry back exactly. */
import { describe, expect, it } from 'vitest';
import { fromStoredLedgerEntry, toStoredLedgerEntry, type LedgerEntry } from '../../src/domain/ledger.js';

const settlement: LedgerEntry = {
  kind: 'settlement',
  settlementId: 'S-2a79-e7670be0b6254b94ae1510e4df201996',
  requestId: 'HIS-000123',
  hospitalId: 'JJ-CITY',
  card: '350582198001010001',
  at: '2018-06-10T16:30:00.000Z', // 00:30 on the 11th in Asia/Shanghai
  date: '2018-06-11',
  policyId: 'jinjiang-2018',
  benefitYear: 2018,
  visitType: 'inpatient',
  total: '20000.00',
  fundTotal: '14955.00',
  patientTotal: '5045.00',
  funds: { basic: '9970.00', criticalIllness: '0.00', majorDiseaseReferral: '0.00', specialGroup: '4985.00', retiredCadreSpouse: '0.00' },
  operator: { id: '0123', name: '张三', keyId: 'billing-JJ-CITY' },
  reason: null,
};
const reversal: LedgerEntry = {
  ...settlement,
  kind: 'reversal',
  at: '2018-06-12T02:00:00.000Z',
  date: '2018-06-12',
  total: '-20000.00',
  fundTotal: '-14955.00',
  patientTotal: '-5045.00',
  funds: { basic: '-9970.00', criticalIllness: '0.00', majorDiseaseReferral: '0.00', specialGroup: '-4985.00', retiredCadreSpouse: '0.00' },
  operator: { id: null, name: null, keyId: 'ops' },
  reason: '重复结算',
};
const outpatient: LedgerEntry = {
  ...settlement,
  policyId: 'pingyang-2019',
  visitType: 'outpatient',
  total: '100.00',
  fundTotal: '100.00',
  patientTotal: '0.00',
  funds: { basic: '100.00' },
  operator: { id: null, name: null, keyId: null },
};

describe('stored day-ledger entries', () => {
  for (const [name, entry] of [
    ['a settlement', settlement],
    ['a reversal (negated amounts, reason)', reversal],
    ['an outpatient visit (one fund line, no operator)', outpatient],
  ] as const) {
    it(`${name} reads back exactly, funds in their order`, () => {
      const stored = toStoredLedgerEntry(entry);
      const read = fromStoredLedgerEntry(stored);
      expect(read).toEqual(entry);
      expect(Object.keys(read.funds)).toEqual(Object.keys(entry.funds));
    });
  }

  it('is a fraction of the keyed JSON it replaced', () => {
    expect(toStoredLedgerEntry(settlement).length).toBeLessThan(0.6 * JSON.stringify(settlement).length);
  });
});
