/**
 * A person is in one hospital at a time: a stay whose days overlap a settled,
 * unreversed stay of the same person is refused (422 STAY_OVERLAPS naming the
 * other settlement), atomically with the commit; discharge day = next
 * admission day is no overlap; a consortium transfer is held to the same rule;
 * a reversed stay frees its days; a refusal records nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PY1_LINES } from '../helpers/fee-lines.js';
import { hsa, n } from '../helpers/hsa.js';
import { admit, discharge, feedetail } from '../helpers/hsa-stay.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { asWrittenWhole, idempotencyCount, occupancyMembers, settlementMeta, settlementRecord, stayMembers, wholeDeltas } from '../helpers/person-records.js';
import { decodeSettlementRecord, encodeSettlementRecord, PREVIOUS_FORMAT_VERSION } from '../../src/store/codec/settlement-record.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await t.loadWorkedRegistry();
});
afterAll(async () => t?.close());

const PY_CARD = '330326198001010001';
let seq = 0;
const stay = (hospitalId: string, admissionDate: string, dischargeDate: string, extra: Record<string, unknown> = {}) => ({
  requestId: `OV-${++seq}`,
  card: PY_CARD,
  hospitalId,
  visitType: 'inpatient',
  admissionDate,
  dischargeDate,
  charges: { total: '20000.00' },
  ...extra,
});
const settle = (body: Record<string, unknown>) =>
  t.http
    .post('/v1/settlements')
    .set(t.auth(t.keys.billing[String(body.hospitalId)]!))
    .send(body);

describe('overlapping stays of one person', () => {
  it('the same stay under a new requestId, or one inside it at another hospital, is refused naming the settlement; nothing is recorded', async () => {
    const first = await settle(stay('PY-COUNTY', '2019-06-01', '2019-06-10'));
    expect(first.status, first.text).toBe(201);
    const idemBefore = await idempotencyCount(t.redis, PY_CARD);
    const again = await settle(stay('PY-COUNTY', '2019-06-01', '2019-06-10'));
    expect(again.status, again.text).toBe(422);
    expect(again.body.error.code).toBe('STAY_OVERLAPS');
    expect(again.text).toContain(first.body.settlementId);
    const inside = await settle(stay('PY-TOWN', '2019-06-03', '2019-06-08'));
    expect(inside.status).toBe(422);
    expect(inside.body.error.code).toBe('STAY_OVERLAPS');
    expect(await idempotencyCount(t.redis, PY_CARD)).toBe(idemBefore);
    const listed = await t.http.get(`/v1/enrollees/${PY_CARD}/settlements?year=2019`).set(t.auth(t.keys.admin)).expect(200);
    expect(listed.body.settlements.filter((s: { status: string }) => s.status === 'settled')).toHaveLength(1);
  });

  it('a stay admitted on the day the other was discharged is no overlap; a consortium transfer a day early is', async () => {
    const next = await settle(stay('PY-TOWN', '2019-06-10', '2019-06-15'));
    expect(next.status, next.text).toBe(201);
    const early = await settle(stay('PY-COMM', '2019-06-14', '2019-06-20'));
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('STAY_OVERLAPS');
  });

  it('an outpatient visit during a stay is not a stay; a reversed stay frees its days', async () => {
    const outpatient = await settle(stay('PY-TOWN', '2019-06-05', '2019-06-05', { visitType: 'outpatient', charges: { total: '100.00' } }));
    expect(outpatient.status, outpatient.text).toBe(201);
    const inside = stay('PY-TOWN', '2019-07-03', '2019-07-08');
    const first = await settle(stay('PY-COUNTY', '2019-07-01', '2019-07-10'));
    expect(first.status).toBe(201);
    expect((await settle(inside)).status).toBe(422);
    await t.http.post(`/v1/settlements/${first.body.settlementId}/reversal`).set(t.auth(t.keys.billing['PY-COUNTY']!)).send({ reason: 'wrong person' }).expect(200);
    const after = await settle(inside);
    expect(after.status, after.text).toBe(201);
  });

  it('a reversal frees the stay and its days whether the record has a compact meta line or one the previous release wrote', async () => {
    const card = PY_CARD;
    const members = async (id: string) => [
      ...(await occupancyMembers(t.redis, card)).filter((m) => m.includes(id)),
      ...(await stayMembers(t.redis, card, 2019)).filter((m) => m.includes(id)),
    ];
    const reverse = (id: string) => t.http.post(`/v1/settlements/${id}/reversal`).set(t.auth(t.keys.billing['PY-COUNTY']!)).send({ reason: 'wrong person' }).expect(200);
    const compact = await settle(stay('PY-COUNTY', '2019-10-01', '2019-10-05'));
    expect(compact.status, compact.text).toBe(201);
    const compactMeta = await settlementMeta(t.redis, card, compact.body.settlementId);
    expect(compactMeta).not.toHaveProperty('h');
    expect(compactMeta).not.toHaveProperty('oc');
    expect(await members(compact.body.settlementId)).toHaveLength(2);
    await reverse(compact.body.settlementId);
    expect(await members(compact.body.settlementId)).toEqual([]);

    // The previous release's line: hospital, year, requestId and status, and the members whole.
    const old = await settle(stay('PY-COUNTY', '2019-10-11', '2019-10-15'));
    expect(old.status, old.text).toBe(201);
    const id = old.body.settlementId as string;
    await asWrittenWhole(t.redis, card, id);
    const key = `stl:{${card}}:${id}`;
    const ids = { settlementId: id, card };
    const { meta, response, inputs } = decodeSettlementRecord((await settlementRecord(t.redis, card, id))!, ids);
    const [stayMember] = await members(id).then((found) => found.filter((m) => m.startsWith(id)));
    const [occupancyMember] = await members(id).then((found) => found.filter((m) => !m.startsWith(id)));
    const previous = { s: 'settled' as const, h: 'PY-COUNTY', y: 2019, rq: old.body.requestId, d: wholeDeltas(meta.d), st: stayMember, oc: occupancyMember };
    // Where that release kept it: a key of its own.
    await t.redis.hdel(`person:{${card}}`, `r|${id}`);
    await t.redis.set(key, encodeSettlementRecord(previous, response, inputs ?? undefined, ids, PREVIOUS_FORMAT_VERSION));
    expect(await settlementMeta(t.redis, card, id)).toMatchObject({ v: PREVIOUS_FORMAT_VERSION, st: stayMember, oc: occupancyMember });
    const read = await t.http.get(`/v1/settlements/${id}`).set(t.auth(t.keys.admin)).expect(200);
    expect(read.body).toEqual(old.body);
    expect((await settle(stay('PY-TOWN', '2019-10-12', '2019-10-14'))).status).toBe(422);
    await reverse(id);
    expect(await members(id)).toEqual([]);
    const after = await settle(stay('PY-TOWN', '2019-10-12', '2019-10-14'));
    expect(after.status, after.text).toBe(201);
  });

  it('a same-day stay sent again under a new requestId is refused; a same-day stay the day after is not', async () => {
    const first = await settle(stay('PY-COUNTY', '2019-09-01', '2019-09-01'));
    expect(first.status, first.text).toBe(201);
    const again = await settle(stay('PY-TOWN', '2019-09-01', '2019-09-01'));
    expect(again.body.error?.code).toBe('STAY_OVERLAPS');
    expect((await settle(stay('PY-TOWN', '2019-09-02', '2019-09-02'))).status).toBe(201);
  });

  it('of two overlapping stays sent at once, exactly one settles', async () => {
    const [a, b] = await Promise.all([settle(stay('PY-COUNTY', '2019-08-01', '2019-08-10')), settle(stay('PY-TOWN', '2019-08-05', '2019-08-12'))]);
    expect([a.status, b.status].sort()).toEqual([201, 422]);
  });

  it('through the national face (2304) the refusal names the other settlement in Chinese, not a field of the native API', async () => {
    const code = 'H33032600002';
    await t.giveNationalCode('PY-TOWN', code);
    const first = await settle(stay('PY-COUNTY', '2019-10-01', '2019-10-10'));
    expect(first.status, first.text).toBe(201);
    const p = hsa(t.http, t.keys.billing['PY-TOWN']!, code);
    const mdtrtId = await admit(p, PY_CARD, '2019-10-03 08:00:00');
    expect((await p.send('2301', { feedetail: PY1_LINES.map((line) => feedetail({ ...line, time: '2019-10-04T10:00:00' }, mdtrtId, PY_CARD)) })).ok).toBe(true);
    expect((await p.send('2402', discharge(PY_CARD, mdtrtId, '2019-10-08 10:00:00'))).ok).toBe(true);
    const refused = await p.send('2304', {
      data: { psn_no: PY_CARD, mdtrt_id: mdtrtId, medfee_sumamt: n('12345.67'), psn_setlway: '01', insutype: '390', mid_setl_flag: '0' },
    });
    expect(refused.ok).toBe(false);
    expect(refused.envelope.err_msg).toMatch(/^STAY_OVERLAPS: .*住院结算/);
    expect(refused.envelope.err_msg).toContain(first.body.settlementId);
    expect(refused.envelope.err_msg).not.toMatch(/admissionDate|格式或取值/);
  });
});
