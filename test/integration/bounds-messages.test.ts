/**
 * msgids are one hospital's namespace (national-platform.md §5): a 2601 finds
 * the message whatever psn_no it names, never answers success for a msgid it
 * does not know (or whose record expired), and a refused message records
 * nothing, so undoing it undoes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PY1_LINES } from '../helpers/fee-lines.js';
import { hsa, n, text, type Hsa } from '../helpers/hsa.js';
import { admission, admit, discharge, feedetail } from '../helpers/hsa-stay.js';
import { pingyangEnrollee } from '../helpers/load-support.js';
import { settlementRecordCount } from '../helpers/person-records.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { workedExamples } from '../helpers/worked-examples.js';

let t: TestService;
let p: Hsa;
const CODE = 'H33032600001';

beforeAll(async () => {
  t = await startTestService();
  await t.loadWorkedRegistry();
  await t.http
    .put('/v1/hospitals/PY-COUNTY')
    .set(t.auth(t.keys.admin))
    .send({ ...workedExamples.hospitals['PY-COUNTY'], fixmedinsCode: CODE })
    .expect(200);
  for (const card of ['MSGA0001', 'MSGB0001', 'MSGC0001', 'MSGD0001', 'MSGE0001', 'MSGF0001'])
    await t.http.put(`/v1/enrollees/${card}`).set(t.auth(t.keys.admin)).send(pingyangEnrollee()).expect(201);
  p = hsa(t.http, t.keys.billing['PY-COUNTY']!, CODE);
});
afterAll(async () => t?.close());

const lines = (mdtrtId: string, card: string) => PY1_LINES.map((line) => feedetail({ ...line, time: line.time!.replace('2019-03', '2019-05') }, mdtrtId, card));
const settleData = (card: string, mdtrtId: string) => ({ psn_no: card, mdtrt_id: mdtrtId, medfee_sumamt: n('12345.67'), psn_setlway: '01', insutype: '390', mid_setl_flag: '0' });
const errorOf = (answer: { envelope: { err_msg: string | null } }) => answer.envelope.err_msg ?? '';

async function settledStay(card: string): Promise<{ mdtrtId: string; msgid: string; setlId: string }> {
  const mdtrtId = await admit(p, card, '2019-05-01 08:00:00');
  expect((await p.send('2301', { feedetail: lines(mdtrtId, card) })).ok).toBe(true);
  expect((await p.send('2402', discharge(card, mdtrtId, '2019-05-10 10:00:00'))).ok).toBe(true);
  const built = p.envelope('2304', { data: settleData(card, mdtrtId) });
  const settled = await p.resend(built.body);
  expect(settled.ok, settled.text).toBe(true);
  return { mdtrtId, msgid: built.msgid, setlId: text(settled.envelope.output.setlinfo.setl_id) };
}

async function statusOf(card: string, settlementId: string): Promise<string> {
  const res = await t.http.get(`/v1/settlements/${settlementId}`).set(t.auth(t.keys.admin)).expect(200);
  expect(res.body.card).toBe(card);
  return res.body.status;
}

describe('2601 finds the message by the hospital and msgid', () => {
  it('a 2601 naming another person is refused and leaves the settlement in force; naming the right one, it undoes it', async () => {
    const { msgid, setlId } = await settledStay('MSGA0001');
    const wrong = await p.send('2601', { data: { psn_no: 'MSGB0001', omsgid: msgid, oinfno: '2304' } });
    expect(text(wrong.envelope.infcode)).toBe('-1');
    expect(errorOf(wrong)).toMatch(/^IDEMPOTENCY_CONFLICT: /);
    expect(await statusOf('MSGA0001', setlId)).toBe('settled');
    const right = await p.send('2601', { data: { psn_no: 'MSGA0001', omsgid: msgid, oinfno: '2304' } });
    expect(right.ok, right.text).toBe(true);
    expect(await statusOf('MSGA0001', setlId)).toBe('reversed');
  });

  it('one msgid is never a 2401 of two persons', async () => {
    const first = p.envelope('2401', admission('MSGC0001', '2019-06-01 08:00:00'));
    expect((await p.resend(first.body)).ok).toBe(true);
    const second = await p.send('2401', admission('MSGD0001', '2019-06-01 08:00:00'), { msgid: first.msgid });
    expect(text(second.envelope.infcode)).toBe('-1');
    expect(errorOf(second)).toMatch(/^IDEMPOTENCY_CONFLICT: /);
    expect(await t.redis.keys('enc:{MSGD0001}:*')).toEqual([]);
  });

  it('one msgid is never a 2304 of two persons: refused, it settles nothing and leaves the stay unheld; the stay settled leaves no hold either', async () => {
    const other = p.envelope('2401', admission('MSGF0001', '2019-09-01 08:00:00'));
    expect((await p.resend(other.body)).ok).toBe(true);
    const card = 'MSGE0001';
    const mdtrtId = await admit(p, card, '2019-09-01 08:00:00');
    const upload = lines(mdtrtId, card).map((line) => ({ ...line, fee_ocur_time: line.fee_ocur_time.replace('2019-05', '2019-09') }));
    expect((await p.send('2301', { feedetail: upload })).ok).toBe(true);
    expect((await p.send('2402', discharge(card, mdtrtId, '2019-09-10 10:00:00'))).ok).toBe(true);
    const held = () => t.redis.scard(`enc-settling:{${card}}:${mdtrtId}`);
    const refused = await p.send('2304', { data: settleData(card, mdtrtId) }, { msgid: other.msgid });
    expect(errorOf(refused)).toMatch(/^IDEMPOTENCY_CONFLICT: /);
    expect(await settlementRecordCount(t.redis, card)).toBe(0);
    expect(await held()).toBe(0);
    const settled = await p.send('2304', { data: settleData(card, mdtrtId) });
    expect(settled.ok, settled.text).toBe(true);
    expect(await held()).toBe(0);
    // Reversed, the stay changes at once (a hold left behind would refuse it as being settled).
    const setlId = text(settled.envelope.output.setlinfo.setl_id);
    expect((await p.send('2305', { data: { mdtrt_id: mdtrtId, psn_no: card, setl_id: setlId } })).ok).toBe(true);
    const withdrawn = await p.send('2302', { data: { mdtrt_id: mdtrtId, psn_no: card, feedetl_sn: PY1_LINES[0]!.lineId } });
    expect(withdrawn.ok, withdrawn.text).toBe(true);
  });

  it('a 2601 of an unknown msgid, or of one whose record expired, answers NOT_FOUND, never success', async () => {
    const unknown = await p.send('2601', { data: { psn_no: 'MSGA0001', omsgid: `${CODE}209901010000000001`, oinfno: '2304' } });
    expect(text(unknown.envelope.infcode)).toBe('-1');
    expect(errorOf(unknown)).toMatch(/^NOT_FOUND: /);
    const { msgid, setlId } = await settledStay('MSGB0001');
    // Expiry, as Redis does it after HSA_MESSAGE_TTL_DAYS.
    for (const key of [...(await t.redis.keys(`hsa-msg:*${msgid}`)), ...(await t.redis.keys(`hsa-msgid:*${msgid}`))]) await t.redis.del(key);
    const expired = await p.send('2601', { data: { psn_no: 'MSGB0001', omsgid: msgid, oinfno: '2304' } });
    expect(errorOf(expired)).toMatch(/^NOT_FOUND: /);
    expect(await statusOf('MSGB0001', setlId)).toBe('settled');
  });
});

describe('a refused message records nothing and undoes nothing', () => {
  it('a refused 2301 re-sending a line with other content, once undone, leaves the earlier upload standing', async () => {
    const card = 'MSGC0001';
    const mdtrtId = await admit(p, card, '2019-07-01 08:00:00');
    const upload = lines(mdtrtId, card).map((line) => ({ ...line, fee_ocur_time: line.fee_ocur_time.replace('2019-05', '2019-07') }));
    expect((await p.send('2301', { feedetail: upload })).ok).toBe(true);
    const before = (await t.service.repositories.platform.getFeeLines(card, mdtrtId)).length;
    const changed = p.envelope('2301', { feedetail: [{ ...upload[0]!, det_item_fee_sumamt: n('1.00'), cnt: n('1'), pric: n('1.00') }] });
    const refused = await p.resend(changed.body);
    expect(text(refused.envelope.infcode)).toBe('-1');
    const undo = await p.send('2601', { data: { psn_no: card, omsgid: changed.msgid, oinfno: '2301' } });
    expect(errorOf(undo)).toMatch(/^NOT_FOUND: /);
    expect((await t.service.repositories.platform.getFeeLines(card, mdtrtId)).length).toBe(before);
  });

  it('a refused second 2402, once undone, does not reopen the first discharge', async () => {
    const card = 'MSGD0001';
    const mdtrtId = await admit(p, card, '2019-08-01 08:00:00');
    expect((await p.send('2402', discharge(card, mdtrtId, '2019-08-05 10:00:00'))).ok).toBe(true);
    const again = p.envelope('2402', discharge(card, mdtrtId, '2019-08-06 10:00:00'));
    const refused = await p.resend(again.body);
    expect(text(refused.envelope.infcode)).toBe('-1');
    const undo = await p.send('2601', { data: { psn_no: card, omsgid: again.msgid, oinfno: '2402' } });
    expect(text(undo.envelope.infcode)).toBe('-1');
    const stored = await t.service.repositories.platform.getEncounter(card, mdtrtId);
    expect(stored!.encounter.status).toBe('discharged');
    expect(stored!.encounter.dischargedAt).toMatch(/^2019-08-05/);
  });

  it('a refused 2401 leaves no message record behind', async () => {
    const before = (await t.redis.keys('hsa-msg*')).length;
    const refused = await p.send('2401', admission('NOSUCH0001', '2019-06-01 08:00:00'));
    expect(text(refused.envelope.infcode)).toBe('-1');
    expect((await t.redis.keys('hsa-msg*')).length).toBe(before);
  });
});
