/**
 * What a settlement reads beyond its stay, through HTTP against a real Redis,
 * with a policy directory of one made-up region (test/fixtures/policies/ytd-*):
 * a readmission window (earlier stays, across the year's start too), the
 * policy's own year-to-date ledgers (accumulated, reversed, shown on GET
 * accumulators) and an outpatient cap carrying last year's unused room. The
 * what-if replay settles the same stays to the same fen.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/money.js';
import type { SettlementRequest } from '../../src/domain/types.js';
import { freshYearToDate, loadPolicies, replayStay } from '../../src/simulate/engine-adapter.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { CATALOGUE_DIR } from '../helpers/worked-examples.js';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'policies');
const HOSPITAL = { name: '示例医院', admdvs: '449901', level: 2 as const, kind: 'general' as const, countyRun: false };
const covered = (from: string, to: string) => ({
  region: 'ytd',
  sex: 'M',
  birthDate: '1980-01-01',
  coverage: [{ from, to }],
  categories: [],
  specialDiseases: [],
  maternityInsured: false,
});

let t: TestService;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ytd-policies-'));
  for (const file of ['ytd-2024.yaml', 'ytd-2025.yaml']) copyFileSync(path.join(FIXTURES, file), path.join(dir, file));
  t = await startTestService({ policyDir: dir });
  await t.http.put('/v1/hospitals/OTHER').set(t.auth(t.keys.admin)).send(HOSPITAL).expect(201);
  const people: Record<string, ReturnType<typeof covered>> = {
    YTD0001: covered('2024-01-01', '2025-12-31'),
    YTD0002: covered('2024-01-01', '2025-12-31'),
    YTD0003: covered('2024-01-01', '2025-12-31'),
    YTD0004: covered('2025-01-01', '2025-12-31'),
    YTD0005: covered('2024-01-01', '2025-12-31'),
  };
  for (const [card, enrollee] of Object.entries(people)) await t.http.put(`/v1/enrollees/${card}`).set(t.auth(t.keys.admin)).send(enrollee).expect(201);
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

let sequence = 0;
function bill(card: string, visitType: 'inpatient' | 'outpatient', admissionDate: string, dischargeDate: string, total: string) {
  sequence += 1;
  return {
    requestId: `YTD-${sequence}`,
    card,
    hospitalId: 'OTHER',
    visitType,
    admissionDate,
    dischargeDate,
    charges: { total, fullSelfPay: '0.00', overLimitSelfPay: '0.00', preSelfPay: '0.00' },
  };
}

async function settle(body: ReturnType<typeof bill>) {
  const res = await t.http.post('/v1/settlements').set(t.auth(t.keys.billing.OTHER!)).send(body);
  expect(res.status, res.text).toBe(201);
  return res.body as { settlementId: string; payments: Record<string, string>; patientTotal: string; steps: { rule: string; text: string; amount: string | null }[] };
}

async function accumulators(card: string, year: number) {
  return (await t.http.get(`/v1/enrollees/${card}/accumulators/${year}`).set(t.auth(t.keys.admin)).expect(200)).body as {
    ledgers?: Record<string, string>;
  };
}

const deductibleOf = (answer: Awaited<ReturnType<typeof settle>>) => answer.steps.find((s) => s.rule.endsWith('/deductible'));

describe('a readmission window reads the earlier stays', () => {
  const stays = [
    bill('YTD0001', 'inpatient', '2024-03-01', '2024-03-05', '5000.00'),
    // admitted 15 days after the 03-05 discharge: within the window
    bill('YTD0001', 'inpatient', '2024-03-20', '2024-03-22', '3000.00'),
    // 19 days after 03-22: outside
    bill('YTD0001', 'inpatient', '2024-04-10', '2024-04-12', '3000.00'),
  ];
  const answers: Awaited<ReturnType<typeof settle>>[] = [];

  it('first stay pays the deductible, the readmission none, a stay outside the window pays it again', async () => {
    for (const body of stays) answers.push(await settle(body));
    // (5000 − 1000) × 0.60; 3000 × 0.60; (3000 − 1000) × 0.60
    expect(answers.map((a) => a.payments.basic)).toEqual(['2400.00', '1800.00', '1200.00']);
    expect(answers.map((a) => deductibleOf(a)?.amount)).toEqual(['1000.00', '0.00', '1000.00']);
    expect(deductibleOf(answers[1]!)!.text).toContain(answers[0]!.settlementId);
  });

  it("a window across the year start reads last year's stays", async () => {
    const december = await settle(bill('YTD0002', 'inpatient', '2024-12-20', '2024-12-30', '5000.00'));
    const january = await settle(bill('YTD0002', 'inpatient', '2025-01-05', '2025-01-08', '3000.00'));
    expect(december.payments.basic).toBe('2400.00');
    expect(january.payments.basic).toBe('1800.00');
    expect(deductibleOf(january)!.text).toContain(december.settlementId);
  });

  it('the what-if replay settles the same stays to the same fen', async () => {
    const load = await loadPolicies(dir, CATALOGUE_DIR);
    if (!load.ok) throw new Error(load.reason);
    const hospital = { hospitalId: 'OTHER', ...HOSPITAL, kind: 'general' as const, consortium: null, designation: null };
    const enrollee = { card: 'YTD0001', ...covered('2024-01-01', '2025-12-31'), sex: 'M' as const };
    const ytd = freshYearToDate();
    const replayed: string[] = [];
    for (const [i, body] of stays.entries()) {
      const request = {
        ...body,
        charges: { total: new Decimal(body.charges.total), fullSelfPay: new Decimal(0), overLimitSelfPay: new Decimal(0), preSelfPay: new Decimal(0) },
      } as unknown as SettlementRequest;
      const outcome = replayStay(load.policies, { request, hospital, enrollee, filings: [] }, answers[i]!.settlementId, ytd);
      if (!outcome.ok) throw new Error(outcome.message);
      replayed.push(outcome.computation.payments.basic!.toFixed(2));
    }
    expect(replayed).toEqual(answers.map((a) => a.payments.basic));
  });

  it("the policy's own ledger accumulates across settlements, is reversed by a reversal and shows on GET accumulators", async () => {
    // 2400 + 1800 + 1200
    expect((await accumulators('YTD0001', 2024)).ledgers).toEqual({ inpatientPaid: '5400.00' });
    await t.http.post(`/v1/settlements/${answers[2]!.settlementId}/reversal`).set(t.auth(t.keys.billing.OTHER!)).expect(200);
    const after = await accumulators('YTD0001', 2024);
    expect(after.ledgers).toEqual({ inpatientPaid: '4200.00' });
    // the ledger's cap reads it: the next stay settles from 4200 (far below 100000, so it pays in full)
    const again = await settle(bill('YTD0001', 'inpatient', '2024-05-10', '2024-05-12', '3000.00'));
    expect(again.payments.basic).toBe('1200.00');
    expect((await accumulators('YTD0001', 2024)).ledgers).toEqual({ inpatientPaid: '5400.00' });
    // a person with no settlement has no ledgers
    expect((await accumulators('YTD0005', 2024)).ledgers).toBeUndefined();
  });
});

describe("an outpatient cap carries last year's unused room", () => {
  it('300 a year grows by what last year left, at most 200', async () => {
    // 2024: 360 × 0.50 = 180 of 300 used
    expect((await settle(bill('YTD0003', 'outpatient', '2024-06-01', '2024-06-01', '360.00'))).payments.basic).toBe('180.00');
    // 2025: 300 + (300 − 180 = 120) = 420; 1200 × 0.50 = 600 → 420
    const carried = await settle(bill('YTD0003', 'outpatient', '2025-05-01', '2025-05-01', '1200.00'));
    expect(carried.payments.basic).toBe('420.00');
    expect(carried.steps.some((s) => s.rule.endsWith('/carry-over') && s.amount === '120.00')).toBe(true);
    expect((await accumulators('YTD0003', 2025)).ledgers).toEqual({ outpatientPool: '420.00' });
    // nothing used in 2024, covered then: 300 + min(300, 200) = 500
    expect((await settle(bill('YTD0005', 'outpatient', '2025-05-01', '2025-05-01', '1200.00'))).payments.basic).toBe('500.00');
    // not covered on 2024-12-31: no allowance of 2024 to carry
    expect((await settle(bill('YTD0004', 'outpatient', '2025-05-01', '2025-05-01', '1200.00'))).payments.basic).toBe('300.00');
  });
});
