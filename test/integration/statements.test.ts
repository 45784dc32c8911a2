/**
 * Day statements and reconciliation (api.md "Day statements and reconciliation"): every settlement and
 * every reversal is an entry of its hospital's business day (Asia/Shanghai),
 * written by the commit itself; a reversal is its own negated entry on the
 * day it happened; statements sum the entries once; a reconciliation sets the
 * hospital's figures beside them and classifies each difference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { money } from '../../src/domain/money.js';
import { nextStayDays } from '../helpers/stay-days.js';
import { startTestService, type TestService } from '../helpers/service.js';

let t: TestService;
/** The service's clock: tests move it to put settlements on chosen business days. */
let clock = new Date('2026-03-10T02:00:00.000Z');

beforeAll(async () => {
  t = await startTestService({ now: () => clock });
  await t.loadWorkedRegistry();
});
afterAll(async () => t?.close());

const PY_CARD = '330326198001010001';
const admin = () => t.auth(t.keys.admin);
const billing = (hospitalId: string) => t.auth(t.keys.billing[hospitalId]!);
let seq = 0;

function stay(overrides: Record<string, unknown> = {}) {
  return {
    requestId: `ST-${++seq}`,
    card: PY_CARD,
    hospitalId: 'PY-COMM',
    visitType: 'inpatient',
    ...nextStayDays(2019, '2019-07-01'),
    charges: { total: '2000.00' },
    ...overrides,
  };
}

async function settle(body: Record<string, unknown>, at: string) {
  clock = new Date(at);
  const res = await t.http
    .post('/v1/settlements')
    .set(billing(String(body.hospitalId)))
    .send(body);
  expect(res.status, res.text).toBe(201);
  return res.body as { settlementId: string; requestId: string; total: string; fundTotal: string; patientTotal: string; payments: Record<string, string> };
}

async function statement(hospitalId: string, date: string, query = '') {
  const res = await t.http.get(`/v1/hospitals/${hospitalId}/statements/${date}${query}`).set(billing(hospitalId));
  expect(res.status, res.text).toBe(200);
  return res.body;
}

describe('the day ledger', () => {
  const day: { settled: Awaited<ReturnType<typeof settle>>[] } = { settled: [] };

  beforeAll(async () => {
    // Three settlements at PY-TOWN on 2026-04-01 (Shanghai), one of them just after midnight
    // Shanghai time (still 03-31 in UTC), and one on 04-02 Shanghai (16:30 UTC on 04-01).
    day.settled.push(await settle(stay({ hospitalId: 'PY-TOWN', operator: { id: '0007', name: '李四' } }), '2026-04-01T01:00:00.000Z'));
    day.settled.push(await settle(stay({ hospitalId: 'PY-TOWN', charges: { total: '3456.78' } }), '2026-03-31T16:30:00.000Z'));
    day.settled.push(await settle(stay({ hospitalId: 'PY-TOWN', visitType: 'outpatient', charges: { total: '120.00' } }), '2026-04-01T09:00:00.000Z'));
    await settle(stay({ hospitalId: 'PY-TOWN', charges: { total: '999.00' } }), '2026-04-01T16:30:00.000Z');
  });

  it('holds each settlement on the Asia/Shanghai date of settledAt, once', async () => {
    const s = await statement('PY-TOWN', '2026-04-01');
    expect(s.timeZone).toBe('Asia/Shanghai');
    expect(s.entries.map((e: { settlementId: string }) => e.settlementId).sort()).toEqual(day.settled.map((x) => x.settlementId).sort());
    expect(s.totals.count).toBe(3);
    expect(s.totals.settlements).toBe(3);
    expect(s.totals.reversals).toBe(0);
    const sum = (field: 'total' | 'fundTotal' | 'patientTotal') => day.settled.reduce((acc, x) => acc.plus(x[field]), money(0)).toFixed(2);
    expect(s.totals.total).toBe(sum('total'));
    expect(s.totals.fundTotal).toBe(sum('fundTotal'));
    expect(s.totals.patientTotal).toBe(sum('patientTotal'));
    expect(s.totals.funds.basic).toBe(day.settled.reduce((acc, x) => acc.plus(x.payments.basic!), money(0)).toFixed(2));
    // The one settled at 16:30 UTC on 04-01 is on 04-02 in Shanghai.
    expect((await statement('PY-TOWN', '2026-04-02')).totals.count).toBe(1);
    expect((await statement('PY-TOWN', '2026-03-31')).totals.count).toBe(0);
  });

  it('groups by insutype, clearing type, policy and visit type; entries carry operator and key', async () => {
    const s = await statement('PY-TOWN', '2026-04-01');
    expect(s.groups).toEqual([
      expect.objectContaining({ insutype: '390', clrType: '11', policyId: 'pingyang-2019', visitType: 'outpatient', count: 1, total: '120.00' }),
      expect.objectContaining({ insutype: '390', clrType: '21', policyId: 'pingyang-2019', visitType: 'inpatient', count: 2, total: '5456.78' }),
    ]);
    const first = s.entries.find((e: { settlementId: string }) => e.settlementId === day.settled[0]!.settlementId);
    expect(first.operator).toEqual({ id: '0007', name: '李四', keyId: 'billing-PY-TOWN' });
    expect(first.kind).toBe('settlement');
    // time order
    const times = s.entries.map((e: { at: string }) => e.at);
    expect(times).toEqual([...times].sort());
  });

  it('pages the entries; totals cover the whole day', async () => {
    const first = await statement('PY-TOWN', '2026-04-01', '?limit=2');
    expect(first.entries).toHaveLength(2);
    expect(first.totals.count).toBe(3);
    const second = await statement('PY-TOWN', '2026-04-01', `?limit=2&cursor=${first.next}`);
    expect(second.entries).toHaveLength(1);
    expect(second.next).toBeNull();
    const ids = [...first.entries, ...second.entries].map((e: { settlementId: string }) => e.settlementId);
    expect(new Set(ids).size).toBe(3);
  });

  it('a reversal is its own negated entry on the day it happened, with its reason and operator', async () => {
    const settled = await settle(stay({ hospitalId: 'PY-COUNTY' }), '2026-05-10T03:00:00.000Z');
    clock = new Date('2026-05-12T03:00:00.000Z');
    const reversed = await t.http
      .post(`/v1/settlements/${settled.settlementId}/reversal`)
      .set(billing('PY-COUNTY'))
      .send({ reason: '患者信息录入错误', operator: { id: '0009', name: '王五' } })
      .expect(200);
    expect(reversed.body.reversal).toEqual({ at: '2026-05-12T03:00:00.000Z', reason: '患者信息录入错误', operator: { id: '0009', name: '王五', keyId: 'billing-PY-COUNTY' } });
    // repeated: nothing more (the first reason stays)
    clock = new Date('2026-05-13T03:00:00.000Z');
    const again = await t.http.post(`/v1/settlements/${settled.settlementId}/reversal`).set(billing('PY-COUNTY')).send({ reason: 'again' }).expect(200);
    expect(again.body.reversal.reason).toBe('患者信息录入错误');

    const settledDay = await statement('PY-COUNTY', '2026-05-10');
    expect(settledDay.entries).toHaveLength(1);
    expect(settledDay.entries[0].kind).toBe('settlement');
    const reversalDay = await statement('PY-COUNTY', '2026-05-12');
    expect(reversalDay.totals).toMatchObject({ count: 1, settlements: 0, reversals: 1, total: `-${settled.total}`, fundTotal: `-${settled.fundTotal}` });
    expect(reversalDay.entries[0]).toMatchObject({ kind: 'reversal', settlementId: settled.settlementId, reason: '患者信息录入错误' });
    expect((await statement('PY-COUNTY', '2026-05-13')).totals.count).toBe(0);
  });

  it('billing keys read their own hospital only; admin any; bad dates 400; unknown hospitals 404', async () => {
    await t.http.get('/v1/hospitals/PY-TOWN/statements/2026-04-01').set(billing('PY-COUNTY')).expect(403);
    await t.http.get('/v1/hospitals/PY-TOWN/statements/2026-04-01').set(admin()).expect(200);
    await t.http.get('/v1/hospitals/PY-TOWN/statements/2026-04-01').set(t.auth(t.keys.referral.pingyang!)).expect(403);
    for (const bad of ['2026-02-30', '20260401', '2026-4-1', 'today']) {
      const res = await t.http.get(`/v1/hospitals/PY-TOWN/statements/${bad}`).set(admin()).expect(400);
      expect(res.body.error.details[0].path).toBe('date');
    }
    await t.http.get('/v1/hospitals/NOWHERE/statements/2026-04-01').set(admin()).expect(404);
    await t.http.get('/v1/hospitals/PY-TOWN/statements/2026-04-01?limit=0').set(admin()).expect(400);
    await t.http.get('/v1/hospitals/PY-TOWN/statements/2026-04-01?cursor=x').set(admin()).expect(400);
  });
});

describe('reconciliation', () => {
  const H = 'JJ-COMM';
  const DATE = '2026-06-01';
  const JJ_CARD = '350582198202020002';
  const settled: Awaited<ReturnType<typeof settle>>[] = [];
  let reversedId: string;

  const jj = () => ({ ...stay({ hospitalId: H, card: JJ_CARD, ...nextStayDays(2018, '2018-05-01') }), charges: { total: '1500.00' } });

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) settled.push(await settle(jj(), `${DATE}T0${i + 1}:00:00.000Z`));
    // A settlement of the day before, reversed on DATE.
    const earlier = await settle(jj(), '2026-05-31T02:00:00.000Z');
    clock = new Date(`${DATE}T05:00:00.000Z`);
    await t.http.post(`/v1/settlements/${earlier.settlementId}/reversal`).set(billing(H)).send({ reason: '重复结算' }).expect(200);
    reversedId = earlier.settlementId;
    settled.push(earlier);
  });

  const row = (s: { settlementId: string; requestId: string; total: string; fundTotal: string }, kind: 'settlement' | 'reversal' = 'settlement') => ({
    settlementId: s.settlementId,
    requestId: s.requestId,
    kind,
    total: kind === 'settlement' ? s.total : `-${s.total}`,
    fundTotal: kind === 'settlement' ? s.fundTotal : `-${s.fundTotal}`,
  });
  const theirRows = () => [...settled.slice(0, 3).map((s) => row(s)), row(settled[3]!, 'reversal')];
  const totalsOf = (rows: { total: string; fundTotal: string }[]) => ({
    count: rows.length,
    total: rows.reduce((a, r) => a.plus(r.total), money(0)).toFixed(2),
    fundTotal: rows.reduce((a, r) => a.plus(r.fundTotal), money(0)).toFixed(2),
  });
  const reconcile = async (body: Record<string, unknown>) => {
    const res = await t.http
      .post(`/v1/hospitals/${H}/reconciliations`)
      .set(billing(H))
      .send({ date: DATE, operator: { id: 'F01', name: '财务' }, ...body });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };

  it('a balanced day: totals and detail agree', async () => {
    const rows = theirRows();
    const r = await reconcile({ totals: totalsOf(rows), entries: rows });
    expect(r.balanced).toBe(true);
    expect(r.differences).toEqual([]);
    expect(r.ours).toEqual(totalsOf(rows));
    expect(r.difference).toEqual({ count: 0, total: '0.00', fundTotal: '0.00' });
    expect(r.by).toEqual({ keyId: `billing-${H}`, operator: { id: 'F01', name: '财务' } });
  });

  it('totals only (对总账): balanced, then a mismatch', async () => {
    expect((await reconcile({ totals: totalsOf(theirRows()) })).balanced).toBe(true);
    const off = { ...totalsOf(theirRows()), fundTotal: '1.00' };
    const r = await reconcile({ totals: off });
    expect(r.balanced).toBe(false);
    expect(r.detail).toBe(false);
    expect(r.differences).toEqual([]);
    expect(money(r.difference.fundTotal).eq(money(r.ours.fundTotal).minus('1.00'))).toBe(true);
  });

  it('a settlement missing in the hospital list (the insurer settled, the HIS never heard)', async () => {
    const rows = theirRows().filter((r) => r.settlementId !== settled[1]!.settlementId);
    const r = await reconcile({ entries: rows });
    expect(r.balanced).toBe(false);
    expect(r.differences).toEqual([
      {
        kind: 'missing-in-hospital',
        settlementId: settled[1]!.settlementId,
        requestId: settled[1]!.requestId,
        ours: { kind: 'settlement', total: '1500.00', fundTotal: settled[1]!.fundTotal },
        theirs: null,
      },
    ]);
    expect(r.difference.count).toBe(1);
  });

  it('one missing on the service side', async () => {
    const ghost = { requestId: 'HIS-GHOST-1', kind: 'settlement', total: '88.00', fundTotal: '40.00' };
    const r = await reconcile({ entries: [...theirRows(), ghost] });
    expect(r.differences).toEqual([
      { kind: 'missing-in-service', settlementId: null, requestId: 'HIS-GHOST-1', ours: null, theirs: { kind: 'settlement', total: '88.00', fundTotal: '40.00' } },
    ]);
  });

  it('an amount mismatch, matched by requestId alone', async () => {
    const rows = theirRows().map((r, i) => (i === 0 ? { requestId: r.requestId, kind: r.kind, total: r.total, fundTotal: '1.23' } : r));
    const r = await reconcile({ entries: rows });
    expect(r.differences).toHaveLength(1);
    expect(r.differences[0]).toMatchObject({ kind: 'amount-mismatch', settlementId: settled[0]!.settlementId, theirs: { fundTotal: '1.23' } });
  });

  it('a reversal the hospital never recorded', async () => {
    const rows = theirRows().filter((r) => r.kind !== 'reversal');
    const r = await reconcile({ entries: rows });
    expect(r.differences).toEqual([
      expect.objectContaining({ kind: 'missing-in-hospital', settlementId: reversedId, ours: expect.objectContaining({ kind: 'reversal', total: '-1500.00' }) }),
    ]);
  });

  it('a reversal booked as a settlement is one kind mismatch', async () => {
    const rows = theirRows().map((r) => (r.kind === 'reversal' ? { ...r, kind: 'settlement' } : r));
    const r = await reconcile({ entries: rows });
    expect(r.differences).toEqual([expect.objectContaining({ kind: 'kind-mismatch', settlementId: reversedId })]);
  });

  it('stored and listed with who ran them; bad bodies are 400 and store nothing', async () => {
    const before = (await t.http.get(`/v1/hospitals/${H}/reconciliations?date=${DATE}`).set(billing(H)).expect(200)).body.reconciliations.length;
    expect(before).toBeGreaterThanOrEqual(7);
    for (const bad of [
      {},
      { date: DATE },
      { date: DATE, totals: { count: 1, total: 12, fundTotal: '1.00' } },
      { date: DATE, entries: [{ kind: 'settlement', total: '1.00', fundTotal: '1.00' }] },
      { date: DATE, entries: [{ settlementId: 'S-1', kind: 'refund', total: '1.00', fundTotal: '1.00' }] },
      { date: '2026-13-01', totals: { count: 0, total: '0', fundTotal: '0' } },
    ]) {
      const res = await t.http.post(`/v1/hospitals/${H}/reconciliations`).set(billing(H)).send(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    await t.http
      .post(`/v1/hospitals/${H}/reconciliations`)
      .set(billing('PY-TOWN'))
      .send({ date: DATE, totals: { count: 0, total: '0', fundTotal: '0' } })
      .expect(403);
    const after = (await t.http.get(`/v1/hospitals/${H}/reconciliations?date=${DATE}`).set(admin()).expect(200)).body.reconciliations;
    expect(after).toHaveLength(before);
    expect(after[0]).toMatchObject({ hospitalId: H, date: DATE, by: { keyId: `billing-${H}` } });
    await t.http.get(`/v1/hospitals/${H}/reconciliations`).set(admin()).expect(400);
  });
});
