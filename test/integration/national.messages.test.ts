/**
 * The national platform's face (national-platform.md), continued: msgid
 * idempotency, 2601, keys and codes, 3201; 2302, 2404, 2405, 2501 / 2502 and
 * 3202 with its detail rows inline. The stays in each region: national.test.ts.
 */
import { LosslessNumber } from 'lossless-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal, type Money } from '../../src/domain/money.js';
import { PY1_LINES } from '../helpers/fee-lines.js';
import { hsa, n, text, type Hsa } from '../helpers/hsa.js';
import { admit, feedetail } from '../helpers/hsa-stays.js';
import { pingyangEnrollee } from '../helpers/load-support.js';
import { CODES, recordTranscript, startNationalService } from '../helpers/national-service.js';
import type { TestService } from '../helpers/service.js';

let t: TestService;
beforeAll(async () => {
  t = await startNationalService();
});
afterAll(async () => t?.close());
recordTranscript('messages');

const platform = (hospitalId: string): Hsa => hsa(t.http, t.keys.billing[hospitalId]!, CODES[hospitalId]!);

describe('msgid, 2601, keys and codes', () => {
  const card = '330326199005010003'; // npm run local loads this person too
  let p: Hsa;
  let mdtrtId: string;
  beforeAll(async () => {
    await t.http
      .put(`/v1/enrollees/${card}`)
      .set(t.auth(t.keys.admin))
      .send(pingyangEnrollee())
      .expect((r) => expect([200, 201]).toContain(r.status));
    p = platform('PY-COUNTY');
    mdtrtId = await admit(p, card, '2019-05-01 08:00:00');
    const up = await p.send('2301', { feedetail: PY1_LINES.map((line) => feedetail({ ...line, time: line.time!.replace('2019-03', '2019-05') }, mdtrtId, card)) });
    expect(up.ok, up.text).toBe(true);
    const out = await p.send('2402', { dscginfo: { mdtrt_id: mdtrtId, psn_no: card, endtime: '2019-05-10 10:00:00', dscg_way: '1' }, diseinfo: [] });
    expect(out.ok, out.text).toBe(true);
  });
  const settleData = () => ({ psn_no: card, mdtrt_id: mdtrtId, medfee_sumamt: n('12345.67'), psn_setlway: '01', insutype: '390', mid_setl_flag: '0' });

  it('the same msgid and input answer the stored output; another input under it fails', async () => {
    const built = p.envelope('2304', { data: settleData() });
    const first = await p.resend(built.body);
    expect(first.ok, first.text).toBe(true);
    const again = await p.resend(built.body);
    expect(again.ok).toBe(true);
    expect(again.envelope.output).toEqual(first.envelope.output);
    const changed = await p.send('2304', { data: { ...settleData(), medfee_sumamt: n('12345.68') } }, { msgid: built.msgid });
    expect(changed.status).toBe(200);
    expect(text(changed.envelope.infcode)).toBe('-1');
    expect(changed.envelope.err_msg).toMatch(/^IDEMPOTENCY_CONFLICT: /);
  });

  it('2601 after a 2304 whose answer was dropped undoes the settlement; repeated, it changes nothing', async () => {
    const settled = await t.http.get(`/v1/enrollees/${card}/settlements?year=2019`).set(t.auth(t.keys.admin)).expect(200);
    const active = settled.body.settlements.find((s: { status: string }) => s.status === 'settled');
    expect(active).toBeTruthy();
    // The HIS never saw the answer of its 2304: it undoes it by msgid.
    const messageOf2304 = (await t.redis.keys('hsa-msg:*')).length;
    expect(messageOf2304).toBeGreaterThan(0);
    const original = p.envelope('2304', { data: settleData() });
    // (a fresh stay for this: reverse the one above first, then settle with a known msgid and drop the answer)
    const reversedFirst = await p.send('2305', { data: { mdtrt_id: mdtrtId, setl_id: active.settlementId, psn_no: card } });
    expect(reversedFirst.ok, reversedFirst.text).toBe(true);
    await p.resend(original.body); // answer dropped
    const undo = await p.send('2601', { data: { psn_no: card, omsgid: original.msgid, oinfno: '2304' } });
    expect(undo.ok, undo.text).toBe(true);
    const acc = (await t.http.get(`/v1/enrollees/${card}/accumulators/2019`).set(t.auth(t.keys.admin)).expect(200)).body;
    expect(acc.admissions).toBe(0);
    const repeated = await p.send('2601', { data: { psn_no: card, omsgid: original.msgid, oinfno: '2304' } });
    expect(repeated.ok).toBe(true);
    // The undone message can never take effect again.
    const resent = await p.resend(original.body);
    expect(resent.envelope.err_msg).toMatch(/^IDEMPOTENCY_CONFLICT: .*冲正/);
  });

  it('2601 of a message never seen answers NOT_FOUND (nothing was undone); the message sent later takes effect', async () => {
    const later = p.envelope('2304', { data: settleData() });
    const undo = await p.send('2601', { data: { psn_no: card, omsgid: later.msgid, oinfno: '2304' } });
    expect(text(undo.envelope.infcode)).toBe('-1');
    expect(undo.envelope.err_msg).toMatch(/^NOT_FOUND: /);
  });

  it('a key of another hospital is 403, a wrong fixmedins_code 403, no key 401 — each with the envelope', async () => {
    const other = hsa(t.http, t.keys.billing['WZ-CITY']!, CODES['PY-COUNTY']!);
    const wrongKey = await other.send('1101', { data: { mdtrt_cert_type: '03', mdtrt_cert_no: card } });
    expect(wrongKey.status).toBe(403);
    expect(text(wrongKey.envelope.infcode)).toBe('-1');
    expect(wrongKey.envelope.err_msg).toMatch(/^FORBIDDEN: /);
    const unknownCode = await hsa(t.http, t.keys.admin, 'H99999999999').send('1101', { data: { mdtrt_cert_type: '03', mdtrt_cert_no: card } });
    expect(unknownCode.status).toBe(403);
    const noKey = await t.http.post('/hsa/v1').set('Content-Type', 'application/json').send(p.envelope('9001', {}).body);
    expect(noKey.status).toBe(401);
    expect(noKey.body.err_msg).toMatch(/^UNAUTHENTICATED: /);
    // Another hospital's encounter is not found from here.
    const peek = await hsa(t.http, t.keys.billing['WZ-CITY']!, CODES['WZ-CITY']!).send('5204', { data: { psn_no: card, mdtrt_id: mdtrtId } });
    expect(peek.envelope.err_msg).toMatch(/^NOT_FOUND: /);
  });

  it('bad input is infcode -1 naming the field, never a 5xx; amounts with too many decimals are errors, not roundings', async () => {
    const missing = await p.send('2401', { mdtrtinfo: { psn_no: card, med_type: '21' } });
    expect(missing.status).toBe(200);
    expect(missing.envelope.err_msg).toMatch(/^VALIDATION_FAILED: .*input\.mdtrtinfo\.begntime/);
    const tooPrecise = await p.send('2303', { data: { ...settleData(), medfee_sumamt: new LosslessNumber('12345.671') } });
    expect(tooPrecise.envelope.err_msg).toMatch(/input\.data\.medfee_sumamt/);
    const unknownInfno = await p.send('9999', {});
    expect(unknownInfno.envelope.err_msg).toMatch(/^VALIDATION_FAILED: 不支持的交易编号 infno/);
    const notJson = await t.http
      .post('/hsa/v1')
      .set('Authorization', `Bearer ${t.keys.billing['PY-COUNTY']}`)
      .set('Content-Type', 'application/json')
      .send('{"infno": 1101, "input": ');
    expect(notJson.status).toBe(200);
    expect(notJson.body.infcode).toBe(-1);
  });

  it('3201: balanced and not', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const statement = (await t.http.get(`/v1/hospitals/PY-COUNTY/statements/${today}`).set(t.auth(t.keys.admin)).expect(200)).body;
    const stays = statement.groups.filter((g: { clrType: string }) => g.clrType === '21');
    const count = stays.reduce((a: number, g: { count: number }) => a + g.count, 0);
    const total = stays.reduce((a: Money, g: { total: string }) => a.plus(g.total), new Decimal(0)).toFixed(2);
    const fund = stays.reduce((a: Money, g: { fundTotal: string }) => a.plus(g.fundTotal), new Decimal(0)).toFixed(2);
    const data = {
      insutype: '390',
      clr_type: '21',
      setl_optins: '330326',
      stmt_begndate: today,
      stmt_enddate: today,
      medfee_sumamt: n(total),
      fund_pay_sumamt: n(fund),
      acct_pay: n('0'),
      fixmedins_setl_cnt: n(String(count)),
      refd_setl_flag: '1',
    };
    const balanced = await p.send('3201', { data });
    expect(balanced.ok, balanced.text).toBe(true);
    expect(balanced.envelope.output.stmtinfo.stmt_rslt).toBe('0');
    const off = await p.send('3201', { data: { ...data, fund_pay_sumamt: n(new Decimal(fund).plus(1).toFixed(2)) } });
    expect(off.envelope.output.stmtinfo.stmt_rslt).toBe('1');
    expect(off.envelope.output.stmtinfo.stmt_rslt_dscr).toMatch(/不平/);
  });
});

describe('2302, 2404, 2405, 2501 / 2502 and 3202 with its detail rows inline', () => {
  const card = '330326198502020002'; // npm run local loads this person too
  let p: Hsa;
  beforeAll(async () => {
    await t.http
      .put(`/v1/enrollees/${card}`)
      .set(t.auth(t.keys.admin))
      .send(pingyangEnrollee())
      .expect((r) => expect([200, 201]).toContain(r.status));
    p = platform('PY-COUNTY');
  });

  it('2404 cancels an admission: its lines are refused after; 2405 reopens a discharge, and 2304 then waits for 2402', async () => {
    const cancelled = await admit(p, card, '2019-08-01 08:00:00');
    const cancel = await p.send('2404', { data: { mdtrt_id: cancelled, psn_no: card } });
    expect(cancel.ok, cancel.text).toBe(true);
    const late = await p.send('2301', { feedetail: PY1_LINES.slice(0, 1).map((line) => feedetail({ ...line, time: '2019-08-02T10:00:00' }, cancelled, card)) });
    expect(late.envelope.err_msg).toMatch(/^VALIDATION_FAILED: .*已撤销.*input\.feedetail/);

    const mdtrtId = await admit(p, card, '2019-08-10 08:00:00');
    const up = await p.send('2301', { feedetail: PY1_LINES.map((line) => feedetail({ ...line, time: '2019-08-11T10:00:00' }, mdtrtId, card)) });
    expect(up.ok, up.text).toBe(true);
    const out = await p.send('2402', { dscginfo: { mdtrt_id: mdtrtId, psn_no: card, endtime: '2019-08-15 10:00:00', dscg_way: '1' }, diseinfo: [] });
    expect(out.ok, out.text).toBe(true);
    const reopened = await p.send('2405', { data: { mdtrt_id: mdtrtId, psn_no: card } });
    expect(reopened.ok, reopened.text).toBe(true);
    const early = await p.send('2304', { data: { psn_no: card, mdtrt_id: mdtrtId, medfee_sumamt: n('12345.67'), psn_setlway: '01', insutype: '390', mid_setl_flag: '0' } });
    expect(text(early.envelope.infcode)).toBe('-1');
    expect(early.envelope.err_msg).toMatch(/2402/);
  });

  it('2302 withdraws one line (or "0000": all) of an unsettled stay; 5204 no longer shows it', async () => {
    const mdtrtId = await admit(p, card, '2019-09-01 08:00:00');
    const up = await p.send('2301', { feedetail: PY1_LINES.map((line) => feedetail({ ...line, time: '2019-09-02T10:00:00' }, mdtrtId, card)) });
    expect(up.ok, up.text).toBe(true);
    const one = await p.send('2302', { data: { mdtrt_id: mdtrtId, psn_no: card, feedetl_sn: PY1_LINES[0]!.lineId } });
    expect(one.ok, one.text).toBe(true);
    expect(text(one.envelope.output.result.withdrawn)).toBe('1');
    const left = await p.send('5204', { data: { psn_no: card, mdtrt_id: mdtrtId } });
    expect(left.envelope.output.result.map((row: { feedetl_sn: string }) => row.feedetl_sn)).not.toContain(PY1_LINES[0]!.lineId);
    expect(left.envelope.output.result).toHaveLength(PY1_LINES.length - 1);
    const all = await p.send('2302', { data: { mdtrt_id: mdtrtId, psn_no: card, feedetl_sn: '0000' } });
    expect(text(all.envelope.output.result.withdrawn)).toBe(String(PY1_LINES.length - 1));
    expect((await p.send('5204', { data: { psn_no: card, mdtrt_id: mdtrtId } })).envelope.output.result).toEqual([]);
  });

  it('2501 files a transfer the native referral desk sees; 2502 revokes it (kept, never erased); another hospital cannot revoke it', async () => {
    const filed = await p.send('2501', {
      refmedin: {
        psn_no: card,
        insutype: '390',
        tel: '13800000000',
        addr: '平阳县',
        insu_optins: '330326',
        diag_code: 'C34.900',
        diag_name: '肺恶性肿瘤',
        dise_cond_dscr: '需上级医院手术',
        reflin_medins_no: CODES['WZ-CITY'],
        reflin_medins_name: '温州市人民医院',
        mdtrtarea_admvs: '330304',
        hosp_agre_refl_flag: '1',
        refl_type: '01',
        refl_date: '2019-10-01 09:00:00',
        refl_rea: '本院无手术条件',
        refl_opnn: '同意转诊',
        begndate: '2019-10-01',
        enddate: '2019-12-31',
      },
    });
    expect(filed.ok, filed.text).toBe(true);
    const referralId = text(filed.envelope.output.result.trt_dcla_detl_sn);
    const native = (await t.http.get(`/v1/referrals/${referralId}`).set(t.auth(t.keys.admin)).expect(200)).body;
    expect(native).toMatchObject({ card, kind: 'referral', toHospitalId: 'WZ-CITY', validFrom: '2019-10-01', validTo: '2019-12-31', status: 'active' });

    const stranger = await hsa(t.http, t.keys.billing['WZ-CITY']!, CODES['WZ-CITY']!).send('2502', { data: { trt_dcla_detl_sn: referralId, psn_no: card, memo: '' } });
    expect(stranger.status).toBe(403);
    const revoked = await p.send('2502', { data: { trt_dcla_detl_sn: referralId, psn_no: card, memo: '患者放弃转诊' } });
    expect(revoked.ok, revoked.text).toBe(true);
    const after = (await t.http.get(`/v1/referrals/${referralId}`).set(t.auth(t.keys.admin)).expect(200)).body;
    expect(after.status).toBe('revoked');
    expect(after.revocation.reason).toBe('患者放弃转诊');
  });

  it("3202 compares the day's detail rows sent inline: balanced, then a row the HIS lacks comes back as a difference", async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const statement = (await t.http.get(`/v1/hospitals/PY-COUNTY/statements/${today}?limit=200`).set(t.auth(t.keys.admin)).expect(200)).body;
    expect(statement.entries.length).toBeGreaterThan(1);
    const rows = statement.entries.map((entry: { settlementId: string; kind: string; total: string; fundTotal: string; card: string }) => ({
      setl_id: entry.settlementId,
      psn_no: entry.card,
      medfee_sumamt: n(entry.total),
      fund_pay_sumamt: n(entry.fundTotal),
      acct_pay: n('0'),
      refd_setl_flag: entry.kind === 'reversal' ? '1' : '0',
    }));
    const sum = (field: 'total' | 'fundTotal') => n(statement.totals[field]);
    const data = (detail: typeof rows, count: number, total = sum('total'), fund = sum('fundTotal')) => ({
      setl_optins: '330326',
      file_qury_no: '',
      stmt_begndate: today,
      stmt_enddate: today,
      medfee_sumamt: total,
      fund_pay_sumamt: fund,
      cash_payamt: n('0'),
      fixmedins_setl_cnt: n(String(count)),
      detail,
    });
    const balanced = await p.send('3202', { data: data(rows, statement.totals.count) });
    expect(balanced.ok, balanced.text).toBe(true);
    expect(balanced.envelope.output.stmtinfo.stmt_rslt).toBe('0');
    expect(balanced.envelope.output.result).toEqual([]);

    const [dropped, ...kept] = rows;
    const totalKept = new Decimal(statement.totals.total).minus(text(dropped.medfee_sumamt)).toFixed(2);
    const fundKept = new Decimal(statement.totals.fundTotal).minus(text(dropped.fund_pay_sumamt)).toFixed(2);
    const off = await p.send('3202', { data: data(kept, statement.totals.count - 1, n(totalKept), n(fundKept)) });
    expect(off.ok, off.text).toBe(true);
    expect(off.envelope.output.stmtinfo.stmt_rslt).toBe('1');
    expect(off.envelope.output.result).toHaveLength(1);
    expect(off.envelope.output.result[0]).toMatchObject({ setl_id: dropped.setl_id, stmt_rslt: '1', memo: 'missing-in-hospital', refd_setl_flag: dropped.refd_setl_flag });
    // Stored like any reconciliation, with who ran it.
    const stored = (await t.http.get(`/v1/hospitals/PY-COUNTY/reconciliations?date=${today}`).set(t.auth(t.keys.admin)).expect(200)).body;
    expect(stored.reconciliations.some((r: { detail: boolean; balanced: boolean }) => r.detail && !r.balanced)).toBe(true);
  });
});
