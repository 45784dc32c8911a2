/**
 * Itemised bills over HTTP against a real Redis: worked examples reproduced
 * from lines, the response's charges / lines / fee categories, idempotency
 * over the lines, 5,000-line bodies, and attacks as a desk with a real key
 * would make them (unknown and out-of-date codes, another hospital,
 * concurrent retries) — refused with the contract's body, nothing recorded.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amoxicillinLine } from '../../scripts/lib/demo-catalogue.js';
import { ANCHOR, CATALOGUE_OF_REGION, PY1_LINES, demoCatalogues, linesFor, type WireLine } from '../helpers/fee-lines.js';
import { errorShapeProblem, listen, pingyangEnrollee, type ListeningApp } from '../helpers/load-support.js';
import { stayDaysOf } from '../helpers/stay-days.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { CATALOGUE_DIR, expectWorkedOutcome, workedExamples } from '../helpers/worked-examples.js';

let t: TestService;
let api: ListeningApp;
const CARD = 'LINES0001';
const PY1 = workedExamples.cases.find((c) => c.request.requestId === 'P-PY-1')!.request;

const stay = (requestId: string, lines: WireLine[], overrides: Record<string, unknown> = {}) => ({
  requestId,
  card: CARD,
  hospitalId: 'PY-COUNTY',
  visitType: 'inpatient',
  ...stayDaysOf(requestId, 2019, '2019-03-01'),
  charges: { lines },
  ...overrides,
});
const billing = () => t.auth(t.keys.billing['PY-COUNTY']!);

async function recorded(card = CARD) {
  const acc = await t.http.get(`/v1/enrollees/${card}/accumulators/2019`).set(t.auth(t.keys.admin)).expect(200);
  const list = await t.http.get(`/v1/enrollees/${card}/settlements?year=2019`).set(t.auth(t.keys.admin)).expect(200);
  return { acc: acc.body as unknown, count: (list.body as { settlements: unknown[] }).settlements.length };
}

beforeAll(async () => {
  t = await startTestService();
  api = await listen(t.service.app);
  await t.loadWorkedRegistry();
  await t.http.put(`/v1/enrollees/${CARD}`).set(t.auth(t.keys.admin)).send(pingyangEnrollee()).expect(201);
});
afterAll(async () => {
  await api?.close();
  await t?.close();
});

describe('P-PY-1 from a bill of lines', () => {
  it('settles to basic 7717.97 with the derived amounts, each line classified and the slip by category', async () => {
    const res = await t.http
      .post('/v1/settlements')
      .set(billing())
      .send({ ...PY1, charges: { lines: PY1_LINES } });
    expectWorkedOutcome(res, { status: 'settled', payments: { basic: '7717.97', criticalIllness: '0.00' }, fundTotal: '7717.97', patientTotal: '4627.70' });
    const body = res.body as Record<string, any>;
    expect(body.total).toBe('12345.67');
    expect(body.policyScope).toBe('11925.67');
    expect(body.charges).toMatchObject({ total: '12345.67', fullSelfPay: '300.00', overLimitSelfPay: '0.00', preSelfPay: '120.00' });
    expect(body.charges.lines).toHaveLength(6);
    expect(body.charges.lines[0]).toEqual({
      lineId: 'F0001',
      code: ANCHOR.specialWard,
      level: '03',
      category: '01',
      amount: '300.00',
      priceCeiling: null,
      selfPayRatio: null,
      fullSelfPay: '300.00',
      overLimitSelfPay: '0.00',
      preSelfPay: '0.00',
      policyScope: '0.00',
    });
    expect(body.charges.lines[1]).toMatchObject({ lineId: 'F0002', level: '02', selfPayRatio: '0.1', preSelfPay: '120.00', policyScope: '1080.00' });
    expect(body.charges.lines[2]).toMatchObject({ lineId: 'F0003', level: '01', priceCeiling: '50.00', overLimitSelfPay: '0.00', policyScope: '405.00' });
    expect(body.feeCategories).toHaveLength(14);
    expect(body.feeCategories[0]).toEqual({ category: '01', name: '床位费', total: '705.00', levelA: '405.00', levelB: '0.00', levelC: '300.00', policyScope: '405.00' });
    expect(body.feeCategories[8]).toEqual({ category: '09', name: '西药费', total: '1460.67', levelA: '260.67', levelB: '1200.00', levelC: '0.00', policyScope: '1340.67' });
    expect(body.steps[0]).toMatchObject({ rule: 'pingyang-2019/inpatient/fee-lines', amount: '12345.67', cite: 'policies.md Catalogue' });
    expect(body.notes.join(' ')).toMatch(/乙 self-pay ratios of catalogue zhejiang-2019-demo are assumed/);
  });

  it('a four-amount settlement echoes its charges too, without lines or categories', async () => {
    const res = await t.http
      .post('/v1/settlements/preview')
      .set(billing())
      .send({ ...PY1, requestId: 'AMOUNTS-1' })
      .expect(200);
    expect(res.body.charges).toEqual({ total: '12345.67', fullSelfPay: '300.00', overLimitSelfPay: '0.00', preSelfPay: '120.00' });
    expect(res.body.feeCategories).toBeUndefined();
  });
});

describe('every worked example from lines, in order, on a fresh Redis', () => {
  let fresh: TestService;
  beforeAll(async () => {
    fresh = await startTestService();
    await fresh.loadWorkedRegistry();
  });
  afterAll(async () => fresh?.close());

  it('answers exactly as the four amounts do', async () => {
    let fromLines = 0;
    for (const { request, expect: expected } of workedExamples.cases) {
      const region = { P: 'pingyang', J: 'jinjiang', T: 'taiyuan' }[request.requestId[2] as 'P' | 'J' | 'T'];
      const lines = linesFor(request.charges as never, demoCatalogues.get(CATALOGUE_OF_REGION[region]!)!, request.dischargeDate as string);
      const body = lines ? { ...request, charges: { lines } } : request;
      if (lines) fromLines++;
      const res = await fresh.http.post('/v1/settlements').set(fresh.auth(fresh.keys.billing[request.hospitalId]!)).send(body);
      expectWorkedOutcome(res, expected);
      if (lines && res.status === 201) expect(res.body.charges.total).toBe((request.charges as { total: string }).total);
    }
    expect(fromLines).toBeGreaterThanOrEqual(10);
    const acc = await fresh.http.get('/v1/enrollees/330326198001010001/accumulators/2019').set(fresh.auth(fresh.keys.admin)).expect(200);
    expect(acc.body.basicEligible).toBe('150000.00');
    expect(acc.body.basicPaid).toBe('63188.99');
  });
});

describe('idempotency covers the lines', () => {
  const lines = PY1_LINES.map((l) => ({ ...l }));

  it('the same lines in the same order replay, however the numbers and keys are written', async () => {
    const first = await t.http.post('/v1/settlements').set(billing()).send(stay('IDEM-L1', lines)).expect(201);
    const reformatted = lines.map(({ lineId, code, quantity, unitPrice, amount, time, name, hospitalCode }) => ({
      time,
      amount: amount.replace(/\.00$/, ''),
      unitPrice: `${unitPrice}0`,
      quantity: `${quantity}.0000`,
      code,
      lineId,
      name,
      hospitalCode,
    }));
    const again = await t.http.post('/v1/settlements').set(billing()).send(stay('IDEM-L1', reformatted)).expect(200);
    expect(again.headers['idempotent-replay']).toBe('true');
    expect(again.text).toBe(first.text);
  });

  it('a changed line, a line more, or the lines in another order conflict (409)', async () => {
    const changedPrice = lines.map((l, i) => (i === 5 ? { ...l, quantity: '12', unitPrice: '21.7225', amount: '260.67' } : l));
    const changedCode = lines.map((l, i) => (i === 3 ? { ...l, hospitalCode: 'ZC-0002' } : l));
    const extra = [...lines, { lineId: 'F0007', code: ANCHOR.amoxicillin, quantity: '1', unitPrice: '0.01', amount: '0.01' }];
    const reordered = [lines[1]!, lines[0]!, ...lines.slice(2)];
    for (const variant of [changedPrice, changedCode, extra, reordered]) {
      const res = await t.http.post('/v1/settlements').set(billing()).send(stay('IDEM-L1', variant));
      expect(res.status, res.text).toBe(409);
      expect(res.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    }
    // the same request as four amounts is another body too
    const amounts = await t.http
      .post('/v1/settlements')
      .set(billing())
      .send({ ...stay('IDEM-L1', []), charges: PY1.charges });
    expect(amounts.status).toBe(409);
  });

  it('concurrent retries of one bill settle once; every answer is the same body', async () => {
    const before = await recorded();
    const body = stay('IDEM-CONC', lines);
    const answers = await Promise.all(Array.from({ length: 12 }, () => api.http.post('/v1/settlements').set(billing()).send(body)));
    expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(11);
    expect(new Set(answers.map((r) => r.text)).size).toBe(1);
    expect((await recorded()).count).toBe(before.count + 1);
  });
});

describe('large bills', () => {
  const bill = (n: number) => Array.from({ length: n }, (_, i) => amoxicillinLine(i, '2019-03-05T10:00:00'));

  it('5,000 lines settle (2 MB body limit on the settlement routes) and replay', async () => {
    const body = stay('BIG-5000', bill(5000));
    expect(JSON.stringify(body).length).toBeGreaterThan(64 * 1024);
    const res = await t.http.post('/v1/settlements').set(billing()).send(body);
    expect(res.status, res.text.slice(0, 300)).toBe(201);
    expect(res.body.charges.total).toBe('5000.00');
    expect(res.body.charges.lines).toHaveLength(5000);
    const replay = await t.http.post('/v1/settlements').set(billing()).send(body).expect(200);
    expect(replay.text).toBe(res.text);
  });

  it('5,001 lines are a 400 on charges.lines', async () => {
    const res = await t.http
      .post('/v1/settlements/preview')
      .set(billing())
      .send(stay('BIG-5001', bill(5001)))
      .expect(400);
    expect(res.body.error.details[0]).toMatchObject({ path: 'charges.lines' });
  });

  it('a body over 2 MB is a 413; an unauthenticated one is refused before it is read', async () => {
    const padded = bill(5000).map((l) => ({ ...l, name: '阿'.repeat(150) }));
    const res = await t.http.post('/v1/settlements').set(billing()).send(stay('BIG-PAD', padded));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const anon = await t.http.post('/v1/settlements').send(stay('BIG-ANON', padded));
    expect(anon.status).toBe(401);
  });
});

describe('refusals record nothing', () => {
  it('unknown and out-of-date codes → 422 CATALOGUE_CODE_UNKNOWN, one detail per line', async () => {
    const before = await recorded();
    const lines = [
      ...PY1_LINES,
      { lineId: 'U1', code: 'XNOTACODE000', quantity: '1', unitPrice: '1', amount: '1.00' },
      { lineId: 'U2', code: ANCHOR.withdrawnSyrup, quantity: '1', unitPrice: '5', amount: '5.00', time: '2019-04-01T08:00:00' },
    ];
    const res = await t.http.post('/v1/settlements').set(billing()).send(stay('UNK-1', lines));
    expect(res.status).toBe(422);
    expect(errorShapeProblem(422, res.body)).toBeNull();
    expect(res.body.error.code).toBe('CATALOGUE_CODE_UNKNOWN');
    // The clerk reads which line and which code, in Chinese; a developer asking for English gets the catalogue's own words.
    expect(res.body.error.details).toEqual([
      { path: 'charges.lines.6.code', message: '医保编码 XNOTACODE000 不在本统筹区的医保目录（zhejiang-2019-demo）中' },
      { path: 'charges.lines.7.code', message: `医保编码 ${ANCHOR.withdrawnSyrup} 在 2019-04-01 不在医保目录的有效期内` },
    ]);
    const english = await t.http.post('/v1/settlements').set(billing()).set('Accept-Language', 'en').send(stay('UNK-1', lines));
    expect(english.body.error.details).toEqual([
      { path: 'charges.lines.6.code', message: 'code XNOTACODE000 is not in catalogue zhejiang-2019-demo' },
      { path: 'charges.lines.7.code', message: `code ${ANCHOR.withdrawnSyrup} is not valid on 2019-04-01 in catalogue zhejiang-2019-demo (valid (open)..2019-03-31)` },
    ]);
    expect(await recorded()).toEqual(before);
    // the requestId is still free: the corrected bill settles under it
    await t.http.post('/v1/settlements').set(billing()).send(stay('UNK-1', PY1_LINES)).expect(201);
  });

  it('a 5,000-line bill of unknown codes names every line in Chinese, as a short one does (its details are made in turns)', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => ({ lineId: `N${i}`, code: `XNOTACODE${i}`, quantity: '1', unitPrice: '1', amount: '1.00' }));
    const res = await t.http.post('/v1/settlements/preview').set(billing()).send(stay('UNK-5000', lines));
    expect(res.status).toBe(422);
    expect(errorShapeProblem(422, res.body)).toBeNull();
    expect(res.body.error.details).toHaveLength(5000);
    const short = await t.http
      .post('/v1/settlements/preview')
      .set(billing())
      .send(stay('UNK-3', lines.slice(4997)));
    expect(res.body.error.message).toBe(short.body.error.message);
    expect(res.body.error.details.slice(4997)).toEqual(short.body.error.details.map((d: { path: string }, i: number) => ({ ...d, path: `charges.lines.${4997 + i}.code` })));
    expect(res.body.error.details[4999]).toEqual({ path: 'charges.lines.4999.code', message: '医保编码 XNOTACODE4999 不在本统筹区的医保目录（zhejiang-2019-demo）中' });
  });

  it("a code only another policy's catalogue holds is unknown here", async () => {
    const foreign = codeOnlyIn('shanxi-2019-demo', 'zhejiang-2019-demo');
    const res = await t.http
      .post('/v1/settlements/preview')
      .set(billing())
      .send(stay('FOREIGN-1', [{ lineId: 'A', code: foreign, quantity: '1', unitPrice: '1', amount: '1.00' }]));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('CATALOGUE_CODE_UNKNOWN');
  });

  it("another hospital's key cannot settle or preview a bill for this hospital", async () => {
    const res = await t.http.post('/v1/settlements').set(t.auth(t.keys.billing['PY-TOWN']!)).send(stay('OTHER-1', PY1_LINES));
    expect(res.status).toBe(403);
  });
});

/** A code of one demo catalogue that another does not hold. */
function codeOnlyIn(id: string, notIn: string): string {
  const rows = readFileSync(path.join(CATALOGUE_DIR, `${id}.csv`), 'utf8')
    .split('\n')
    .slice(1);
  const code = rows.map((row) => row.split(',')[0]!).find((c) => c && demoCatalogues.get(notIn)!.periodsOf(c).length === 0);
  if (!code) throw new Error(`every code of ${id} is in ${notIn}`);
  return code;
}
