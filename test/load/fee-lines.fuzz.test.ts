/**
 * Fuzzing itemised bills over HTTP (fast-check): a valid bill with one or more
 * defects — wrong types, duplicate lineIds, amount ≠ quantity × unitPrice,
 * too many decimals, huge or non-positive quantities, bad times, unknown and
 * out-of-date codes, lines and the four amounts together, 5,001 lines.
 *
 * Properties: always 400 VALIDATION_FAILED (or 422 CATALOGUE_CODE_UNKNOWN
 * when only codes are at fault) with the contract's error body, never a 5xx;
 * nothing recorded: the person's accumulators and settlements are unchanged,
 * and every requestId used is still free afterwards.
 *
 * FUZZ_SEED=<n> replays a run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANCHOR, PY1_LINES, type WireLine } from '../helpers/fee-lines.js';
import { errorShapeProblem, listen, pingyangEnrollee, type ListeningApp } from '../helpers/load-support.js';
import { startTestService, type TestService } from '../helpers/service.js';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const CARD = 'FUZZLINES1';
const REQUEST_IDS = Array.from({ length: 8 }, (_, i) => `FL-${i}`);

let t: TestService;
let api: ListeningApp;
let billing: Record<string, string>;

beforeAll(async () => {
  t = await startTestService({ redisTimeoutMs: 5000 });
  api = await listen(t.service.app);
  await t.loadWorkedRegistry();
  await api.http.put(`/v1/enrollees/${CARD}`).set(t.auth(t.keys.admin)).send(pingyangEnrollee()).expect(201);
  billing = t.auth(t.keys.billing['PY-COUNTY']!);
});
afterAll(async () => {
  await api?.close();
  await t?.close();
});

/** The line at a position, or a scratch object when an earlier defect replaced it by a non-object (the bill is invalid anyway). */
function lineAt(lines: Record<string, unknown>[], at: number): Record<string, unknown> {
  const line = lines[at % lines.length];
  return line !== null && typeof line === 'object' && !Array.isArray(line) ? line : {};
}

type Defect = { kind: 'invalid' | 'code'; apply: (lines: Record<string, unknown>[], charges: Record<string, unknown>) => void };

const WRONG: Record<string, unknown[]> = {
  lineId: [7, '', 'has space', 'x'.repeat(65), null, true],
  code: [12345, '', 'a b', 'x'.repeat(51), null, ['XJ01']],
  hospitalCode: [3, '', 'x'.repeat(65), {}, 'a\u0001b'],
  name: [3, '', '名'.repeat(201), [], 'a\nb'],
  quantity: [2, '0', '0.0000', '-1', '1.23456', '123456789', '1e3', ' 1', null, '', '0x10', '１'],
  unitPrice: [12.5, '1.1234567', '-1', '1e2', '', null, '1234567890', 'NaN', 'Infinity'],
  amount: [25, '25.001', '-1', null, '1e2', '1000000000.00'],
  time: ['2019-03-02', '2019-03-02 10:00:00', '2019-02-30T10:00:00', '2019-03-02T24:00:00', 5, '2019-03-02T10:00:00Z', '2019-03-02T10:00'],
};

const fieldDefect: fc.Arbitrary<Defect> = fc.record({ field: fc.constantFrom(...Object.keys(WRONG)), pick: fc.nat(), at: fc.nat() }).map(({ field, pick, at }) => ({
  kind: 'invalid',
  apply: (lines) => {
    const values = WRONG[field]!;
    lineAt(lines, at)[field] = values[pick % values.length];
  },
}));

const lineDefect: fc.Arbitrary<Defect> = fc.oneof(
  fc.nat().map((at): Defect => ({ kind: 'invalid', apply: (lines) => void (lineAt(lines, at).extra = 'field') })),
  fc.nat().map((at): Defect => ({ kind: 'invalid', apply: (lines) => void delete lineAt(lines, at)[['lineId', 'code', 'quantity', 'unitPrice', 'amount'][at % 5]!] })),
  fc
    .record({ at: fc.nat(), value: fc.constantFrom<unknown>('line', 3, null, [], true) })
    .map(({ at, value }): Defect => ({ kind: 'invalid', apply: (lines) => void (lines[at % lines.length] = value as Record<string, unknown>) })),
  // duplicate lineId
  fc.nat().map((at): Defect => ({ kind: 'invalid', apply: (lines) => void (lineAt(lines, 1 + (at % (lines.length - 1))).lineId = lineAt(lines, 0).lineId ?? 'F0001') })),
  // amount off by a fen or more
  fc.record({ at: fc.nat(), fen: fc.integer({ min: 1, max: 100_000 }) }).map(
    ({ at, fen }): Defect => ({
      kind: 'invalid',
      apply: (lines) => {
        const line = lineAt(lines, at);
        line.amount = (Math.round(Number(line.amount) * 100 + fen) / 100).toFixed(2);
      },
    }),
  ),
);

const chargesDefect: fc.Arbitrary<Defect> = fc.oneof(
  fc.constantFrom<Defect>(
    { kind: 'invalid', apply: (_l, c) => void (c.total = '12345.67') },
    { kind: 'invalid', apply: (_l, c) => void (c.fullSelfPay = '0.00') },
    { kind: 'invalid', apply: (_l, c) => void (c.preSelfPay = 1) },
    { kind: 'invalid', apply: (_l, c) => void (c.lines = []) },
    { kind: 'invalid', apply: (_l, c) => void (c.lines = {}) },
    { kind: 'invalid', apply: (_l, c) => void (c.lines = 'F0001') },
    { kind: 'invalid', apply: (_l, c) => void (c.lines = null) },
    { kind: 'invalid', apply: (_l, c) => void (c.surprise = true) },
  ),
);

const codeDefect: fc.Arbitrary<Defect> = fc.oneof(
  fc
    .record({ at: fc.nat(), digits: fc.stringMatching(/^[0-9]{6,20}$/) })
    .map(({ at, digits }): Defect => ({ kind: 'code', apply: (lines) => void (lineAt(lines, at).code = `ZZ${digits}`) })),
  fc.nat().map(
    (at): Defect => ({
      kind: 'code',
      apply: (lines) => {
        const line = lineAt(lines, at);
        Object.assign(line, { code: ANCHOR.withdrawnSyrup, time: '2019-04-02T09:00:00' });
      },
    }),
  ),
);

const defectsArb = fc.array(
  fc.oneof({ arbitrary: fieldDefect, weight: 4 }, { arbitrary: lineDefect, weight: 3 }, { arbitrary: chargesDefect, weight: 1 }, { arbitrary: codeDefect, weight: 2 }),
  {
    minLength: 1,
    maxLength: 3,
  },
);

async function snapshot() {
  const acc = await api.http.get(`/v1/enrollees/${CARD}/accumulators/2019`).set(t.auth(t.keys.admin)).expect(200);
  const list = await api.http.get(`/v1/enrollees/${CARD}/settlements?year=2019`).set(t.auth(t.keys.admin)).expect(200);
  return { acc: acc.body as unknown, settlements: (list.body as { settlements: unknown[] }).settlements.length };
}

const bodyOf = (requestId: string, charges: Record<string, unknown>) => ({
  requestId,
  card: CARD,
  hospitalId: 'PY-COUNTY',
  visitType: 'inpatient',
  admissionDate: '2019-03-01',
  dischargeDate: '2019-03-10',
  charges,
});

describe('fuzzing fee lines over HTTP', () => {
  it('every defective bill is a 400 or 422 with the contract body; nothing is recorded', async () => {
    const before = await snapshot();
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(defectsArb, fc.constantFrom(...REQUEST_IDS), fc.boolean(), async (defects, requestId, preview) => {
        const lines = structuredClone(PY1_LINES) as unknown as Record<string, unknown>[];
        const charges: Record<string, unknown> = { lines };
        for (const defect of defects) defect.apply(lines, charges);
        const res = await api.http
          .post(preview ? '/v1/settlements/preview' : '/v1/settlements')
          .set(billing)
          .send(bodyOf(requestId, charges));
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expect(res.status, res.text).toBeLessThan(500);
        expect([400, 422], res.text).toContain(res.status);
        expect(errorShapeProblem(res.status, res.body)).toBeNull();
        if (defects.every((d) => d.kind === 'code')) {
          expect(res.status, res.text).toBe(422);
          expect(res.body.error.code).toBe('CATALOGUE_CODE_UNKNOWN');
          for (const detail of res.body.error.details as { path: string }[]) expect(detail.path).toMatch(/^charges\.lines\.\d+\.code$/);
        }
        if (res.status === 400) for (const detail of res.body.error.details as { path: string }[]) expect(detail.path).toMatch(/^charges/);
      }),
      { numRuns: 400, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    expect(statuses[400]).toBeGreaterThan(100);
    expect(statuses[422]).toBeGreaterThan(20);
    expect(await snapshot()).toEqual(before);
    // No idempotency record was written: each requestId settles a valid bill now.
    // Each is reversed before the next: one person, one stay at a time (a reversed stay frees its days).
    for (const requestId of REQUEST_IDS) {
      const settled = await api.http
        .post('/v1/settlements')
        .set(billing)
        .send(bodyOf(requestId, { lines: PY1_LINES }))
        .expect(201);
      await api.http.post(`/v1/settlements/${settled.body.settlementId}/reversal`).set(billing).expect(200);
    }
  });

  it('5,001 lines, a price with 7 decimals, a huge quantity: 400 with the path', async () => {
    const many = Array.from({ length: 5001 }, (_, i): WireLine => ({ lineId: `M${i}`, code: ANCHOR.amoxicillin, quantity: '1', unitPrice: '0.01', amount: '0.01' }));
    const cases: [Record<string, unknown>, string][] = [
      [{ lines: many }, 'charges.lines'],
      [{ lines: [{ ...PY1_LINES[0], unitPrice: '100.0000001' }] }, 'charges.lines.0.unitPrice'],
      [{ lines: [{ ...PY1_LINES[0], quantity: '999999999', amount: '99999999900.00' }] }, 'charges.lines.0.quantity'],
      [{ lines: [{ ...PY1_LINES[0], quantity: '99999999', unitPrice: '999999999', amount: '999999999.00' }] }, 'charges.lines.0.amount'],
      [{ lines: PY1_LINES, total: '12345.67' }, 'charges.total'],
    ];
    for (const [charges, path] of cases) {
      const res = await api.http.post('/v1/settlements').set(billing).send(bodyOf('FL-EDGE', charges));
      expect(res.status, res.text.slice(0, 300)).toBe(400);
      expect(errorShapeProblem(400, res.body)).toBeNull();
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
  });

  it('lines adding up past 999,999,999.99 are a 400, not a 500', async () => {
    const big = Array.from({ length: 3 }, (_, i) => ({ lineId: `H${i}`, code: ANCHOR.appendectomy, quantity: '1', unitPrice: '400000000', amount: '400000000.00' }));
    const res = await api.http
      .post('/v1/settlements/preview')
      .set(billing)
      .send(bodyOf('FL-HUGE', { lines: big }));
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('charges.lines');
  });
});
