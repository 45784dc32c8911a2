/** The desk shows people the notes in Chinese (notesZh) on the billing result and the slip; the English notes are for the log. */
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import type { Settlement } from '../../desk/src/wire.js';

// The components are JSX of the desk's own build (desk/tsconfig.json); imported by a path held in a
// variable so that the service's type check (no JSX there) does not compile them.
type Component = (props: Record<string, unknown>) => ReturnType<typeof h>;
const SLIP = '../../desk/src/components/Slip.js';
const WATERFALL = '../../desk/src/components/Waterfall.js';
const { Slip } = (await import(SLIP)) as { Slip: Component };
const { Steps } = (await import(WATERFALL)) as { Steps: Component };

const ZERO = {
  admissions: 0,
  basicEligible: '0.00',
  basicPaid: '0.00',
  compliantSelfBurden: '0.00',
  criticalIllnessPaid: '0.00',
  outpatientPaid: '0.00',
  retiredCadreSpousePaid: '0.00',
};
const BASE = {
  settlementId: 'S-1',
  requestId: 'R-1',
  status: 'settled',
  policyId: 'vocab-2024',
  benefitYear: 2024,
  card: '441700198001010001',
  hospitalId: 'H-1',
  visitType: 'inpatient',
  admissionDate: '2024-03-01',
  dischargeDate: '2024-03-05',
  total: '1000.00',
  policyScope: '1000.00',
  charges: { total: '1000.00', fullSelfPay: '0.00', overLimitSelfPay: '0.00', preSelfPay: '0.00' },
  payments: { basic: '500.00' },
  fundTotal: '500.00',
  patientTotal: '500.00',
  admissionOrdinal: 1,
  lines: [{ fund: 'basic', fundPayType: '390100', amount: '500.00', cite: '第二条' }],
  steps: [{ rule: 'vocab-2024/inpatient/rate', text: '1000.00 × 0.5', amount: '500.00', cite: '第二条' }],
  accumulatorsBefore: ZERO,
  accumulatorsAfter: ZERO,
  notes: ['the rate of tables.rate is assumed (第二条)'],
} as unknown as Settlement;

const WITH_ZH = { ...BASE, notesZh: ['所用的 tables.rate 为假定值（第二条）'] } as Settlement;

describe('notes where people read them', () => {
  it('the billing result shows notesZh, not the English notes', () => {
    const html = renderToString(h(Steps, { settlement: WITH_ZH }));
    expect(html).toContain('所用的 tables.rate 为假定值（第二条）');
    expect(html).not.toContain('is assumed');
  });

  it('the slip shows notesZh, not the English notes', () => {
    const html = renderToString(h(Slip, { settlement: WITH_ZH, hospital: null, enrollee: null, policy: null, reprint: false }));
    expect(html).toContain('所用的 tables.rate 为假定值（第二条）');
    expect(html).not.toContain('is assumed');
  });

  it('a settlement recorded before notesZh was kept shows only its Chinese notes', () => {
    const old = { ...BASE, notes: ['the rate is assumed here', '参保信息系统暂不可用'] } as Settlement;
    for (const html of [
      renderToString(h(Steps, { settlement: old })),
      renderToString(h(Slip, { settlement: old, hospital: null, enrollee: null, policy: null, reprint: false })),
    ]) {
      expect(html).toContain('参保信息系统暂不可用');
      expect(html).not.toContain('is assumed');
    }
  });
});
