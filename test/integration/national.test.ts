/**
 * The national platform's face (national-platform.md): an inpatient stay through
 * 1101 → 2401 → 2301 (two batches, one refund line) → 2303 → 2402 → 2304 →
 * 5203 → 2305 in each region, with messages built the way vendor code builds
 * them; the amounts equal the native API's for the same bill, and the
 * platform's identities hold. Then msgid idempotency, 2601, keys and codes,
 * reconciliation.
 */
import { LosslessNumber } from 'lossless-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal, type Money } from '../../src/domain/money.js';
import { PY1_LINES, demoCatalogues, linesFor, type WireLine } from '../helpers/fee-lines.js';
import { hsa, n, text, transcript, type Hsa } from '../helpers/hsa.js';
import { admit, feedetail } from '../helpers/hsa-stays.js';
import { jinjiangEnrollee, pingyangEnrollee } from '../helpers/load-support.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { workedExamples } from '../helpers/worked-examples.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await t.loadWorkedRegistry();
  // The registry's hospitals gain their national codes.
  for (const [id, code] of Object.entries(CODES)) {
    await t.http
      .put(`/v1/hospitals/${id}`)
      .set(t.auth(t.keys.admin))
      .send({ ...workedExamples.hospitals[id], fixmedinsCode: code })
      .expect(200);
  }
});
afterAll(async () => t?.close());

const CODES: Record<string, string> = {
  'PY-COUNTY': 'H33032600001',
  'QZ-FIRST': 'H35050200001',
  'TY-L3': 'H14010600001',
  'WZ-CITY': 'H33030400001',
  'JJ-CITY': 'H35058200001',
};
/** Persons of config/demo/enrollees.json (npm run local), one per region's stay. */
const LOCAL_CARDS: Record<string, string> = { 'PY-COUNTY': '330326198001010001', 'QZ-FIRST': '350582198001010001', 'TY-L3': '140105198001010001' };
const taiyuanEnrollee = () => ({ region: 'taiyuan', sex: 'M', birthDate: '1970-01-01', coverage: [{ from: '2019-01-01', to: '2019-12-31' }], categories: [], specialDiseases: [] });

const d = (value: unknown) => new Decimal(text(value));
const platform = (hospitalId: string): Hsa => hsa(t.http, t.keys.billing[hospitalId]!, CODES[hospitalId]!);

interface Region {
  name: string;
  hospitalId: string;
  enrollee: () => Record<string, unknown>;
  admission: string;
  discharge: string;
  lines: WireLine[];
  expectedBasic?: string;
}

const REGIONS: Region[] = [
  { name: 'pingyang (P-PY-1)', hospitalId: 'PY-COUNTY', enrollee: pingyangEnrollee, admission: '2019-03-01', discharge: '2019-03-10', lines: PY1_LINES, expectedBasic: '7717.97' },
  {
    name: 'jinjiang (P-JJ-1)',
    hospitalId: 'QZ-FIRST',
    enrollee: jinjiangEnrollee,
    admission: '2018-02-01',
    discharge: '2018-02-10',
    lines: linesFor({ total: '20000.00', fullSelfPay: '1000.00' }, demoCatalogues.get('quanzhou-2018-demo')!, '2018-02-05')!,
  },
  {
    name: 'taiyuan (P-TY-1)',
    hospitalId: 'TY-L3',
    enrollee: taiyuanEnrollee,
    admission: '2019-03-01',
    discharge: '2019-03-20',
    lines: linesFor({ total: '50000.00', fullSelfPay: '2000.00' }, demoCatalogues.get('shanxi-2019-demo')!, '2019-03-05')!,
  },
];

describe("an inpatient stay through the platform's transactions, in each region", () => {
  for (const region of REGIONS) {
    it(region.name, async () => {
      // Persons npm run local loads, so that the recorded exchange in docs/national-platform.md replays there as printed.
      const card = LOCAL_CARDS[region.hospitalId]!;
      await t.http
        .put(`/v1/enrollees/${card}`)
        .set(t.auth(t.keys.admin))
        .send(region.enrollee())
        .expect((r) => expect([200, 201]).toContain(r.status));
      const p = platform(region.hospitalId);

      expect((await p.send('9001', { signIn: { opter_no: '0123', mac: '00-00-00-00-00-00', ip: '127.0.0.1' } })).envelope.output.signinoutb.sign_no).toBeTruthy();

      const person = await p.send('1101', {
        data: { mdtrt_cert_type: '03', mdtrt_cert_no: card, card_sn: '', begntime: `${region.admission} 08:00:00`, psn_cert_type: '', certno: '', psn_name: '' },
      });
      expect(person.ok, person.text).toBe(true);
      expect(person.envelope.output.baseinfo.psn_no).toBe(card);
      expect(person.envelope.output.insuinfo[0]).toMatchObject({ insutype: '390', psn_insu_stas: '1' });

      const mdtrtId = await admit(p, card, `${region.admission} 08:00:00`);

      // Two batches; the first holds an extra drug that the second refunds.
      const half = Math.ceil(region.lines.length / 2);
      const extra: WireLine = { lineId: 'X1', code: 'XJ01CAA040A001010101445', quantity: '2', unitPrice: '12.50', amount: '25.00', time: `${region.admission}T11:00:00` };
      const first = await p.send('2301', { feedetail: [...region.lines.slice(0, half), extra].map((line) => feedetail(line, mdtrtId, card)) });
      expect(first.ok, first.text).toBe(true);
      const refund = feedetail({ ...extra, lineId: 'R1', quantity: '-2', amount: '-25.00' }, mdtrtId, card, { init_feedetl_sn: 'X1' });
      const second = await p.send('2301', { feedetail: [refund, ...region.lines.slice(half).map((line) => feedetail(line, mdtrtId, card))] });
      expect(second.ok, second.text).toBe(true);
      const results = [...first.envelope.output.result, ...second.envelope.output.result];
      const refundRow = results.find((row: { feedetl_sn: string }) => row.feedetl_sn === 'R1');
      expect(text(refundRow.det_item_fee_sumamt)).toBe('-25.00');
      expect(text(refundRow.inscp_scp_amt)).toBe('-25.00');
      for (const row of results) {
        expect(['01', '02', '03']).toContain(row.chrgitm_lv);
        expect(row.med_chrgitm_type).toMatch(/^(0[1-9]|1[0-4])$/);
        // each line: its parts add up to its amount
        expect(d(row.fulamt_ownpay_amt).plus(d(row.overlmt_amt)).plus(d(row.preselfpay_amt)).plus(d(row.inscp_scp_amt)).eq(d(row.det_item_fee_sumamt))).toBe(true);
      }
      // The vendor sums the 2301 answers into the 2303/2304 input.
      const sum = (field: string) => results.reduce((acc: Money, row: Record<string, unknown>) => acc.plus(d(row[field])), new Decimal(0));
      const settleData = {
        psn_no: card,
        mdtrt_cert_type: '03',
        mdtrt_cert_no: card,
        medfee_sumamt: n(sum('det_item_fee_sumamt').toFixed(2)),
        psn_setlway: '01',
        mdtrt_id: mdtrtId,
        insutype: '390',
        acct_used_flag: '0',
        invono: '',
        mid_setl_flag: '0',
        fulamt_ownpay_amt: n(sum('fulamt_ownpay_amt').toFixed(2)),
        overlmt_selfpay: n(sum('overlmt_amt').toFixed(2)),
        preselfpay_amt: n(sum('preselfpay_amt').toFixed(2)),
        inscp_scp_amt: n(sum('inscp_scp_amt').toFixed(2)),
        dscgTime: `${region.discharge} 10:00:00`,
        expContent: '',
      };
      const preview = await p.send('2303', { data: settleData });
      expect(preview.ok, preview.text).toBe(true);
      expect(preview.envelope.output.setlinfo.setl_id).toBeUndefined();

      const discharged = await p.send('2402', {
        dscginfo: {
          mdtrt_id: mdtrtId,
          psn_no: card,
          insutype: '390',
          endtime: `${region.discharge} 10:00:00`,
          dscg_way: '1',
          dscg_dept_codg: 'A03',
          dscg_dept_name: '普外科',
          dscg_bed: '12',
          cop_flag: '0',
          expContent: '',
        },
        diseinfo: [
          {
            mdtrt_id: mdtrtId,
            psn_no: card,
            diag_type: '1',
            maindiag_flag: '1',
            diag_srt_no: n('1'),
            diag_code: 'K35.800',
            diag_name: '急性阑尾炎',
            diag_dept: '普外科',
            dise_dor_no: 'D001',
            dise_dor_name: '李医生',
            diag_time: `${region.discharge} 09:00:00`,
          },
        ],
      });
      expect(discharged.ok, discharged.text).toBe(true);

      // The native API's answer for the same bill, before it is settled.
      const native = await t.http
        .post('/v1/settlements/preview')
        .set(t.auth(t.keys.billing[region.hospitalId]!))
        .send({
          requestId: 'NATIVE-CMP',
          card,
          hospitalId: region.hospitalId,
          visitType: 'inpatient',
          admissionDate: region.admission,
          dischargeDate: region.discharge,
          charges: { lines: region.lines },
        })
        .expect(200);

      const settled = await p.send('2304', { data: settleData });
      expect(settled.ok, settled.text).toBe(true);
      const { setlinfo, setldetail } = settled.envelope.output;
      expect(setlinfo.setl_id).toMatch(/^S-/);
      expect(setlinfo.medins_setl_id).toBe(settled.msgid);
      expect(text(setlinfo.hifp_pay)).toBe(native.body.payments.basic);
      expect(text(setlinfo.hifmi_pay)).toBe(native.body.payments.criticalIllness ?? '0.00');
      expect(text(setlinfo.fund_pay_sumamt)).toBe(native.body.fundTotal);
      expect(text(setlinfo.psn_part_amt)).toBe(native.body.patientTotal);
      expect(text(setlinfo.medfee_sumamt)).toBe(native.body.total);
      if (region.expectedBasic) expect(text(setlinfo.hifp_pay)).toBe(region.expectedBasic);
      // The platform's identities.
      const medfee = d(setlinfo.medfee_sumamt);
      expect(d(setlinfo.inscp_scp_amt).eq(medfee.minus(d(setlinfo.fulamt_ownpay_amt)).minus(d(setlinfo.overlmt_selfpay)).minus(d(setlinfo.preselfpay_amt)))).toBe(true);
      expect(d(setlinfo.fund_pay_sumamt).eq(setldetail.reduce((acc: Money, row: { fund_payamt: unknown }) => acc.plus(d(row.fund_payamt)), new Decimal(0)))).toBe(true);
      expect(d(setlinfo.psn_part_amt).eq(medfee.minus(d(setlinfo.fund_pay_sumamt)))).toBe(true);
      expect(setlinfo.clr_type).toBe('21');
      expect(setldetail[0].fund_pay_type).toBe('390100');
      expect(setldetail[0].setl_proc_info).toMatch(/\.txt /);
      // amounts are JSON numbers in the answer text
      expect(settled.text).toMatch(/"hifp_pay":\d/);

      const read = await p.send('5203', { data: { psn_no: card, setl_id: setlinfo.setl_id, mdtrt_id: mdtrtId } });
      expect(read.ok).toBe(true);
      expect(text(read.envelope.output.setlinfo.hifp_pay)).toBe(text(setlinfo.hifp_pay));
      const lines = await p.send('5204', { data: { psn_no: card, setl_id: setlinfo.setl_id, mdtrt_id: mdtrtId } });
      expect(lines.envelope.output.result).toHaveLength(region.lines.length + 2);

      // A native settlement of the same stay is the same settlement (its requestId is the mdtrt_id).
      const nativeSettle = await t.http
        .post('/v1/settlements')
        .set(t.auth(t.keys.billing[region.hospitalId]!))
        .send({
          requestId: mdtrtId,
          card,
          hospitalId: region.hospitalId,
          visitType: 'inpatient',
          admissionDate: region.admission,
          dischargeDate: region.discharge,
          charges: { lines: (native.body.charges.lines as { lineId: string }[]).map((l) => region.lines.find((x) => x.lineId === l.lineId)!) },
        });
      expect([200, 409]).toContain(nativeSettle.status);
      if (nativeSettle.status === 200) expect(nativeSettle.body.settlementId).toBe(setlinfo.setl_id);

      const reversed = await p.send('2305', { data: { mdtrt_id: mdtrtId, setl_id: setlinfo.setl_id, psn_no: card } });
      expect(reversed.ok, reversed.text).toBe(true);
      expect(text(reversed.envelope.output.setlinfo.hifp_pay)).toBe(
        new Decimal(text(setlinfo.hifp_pay))
          .negated()
          .toFixed(2)
          .replace(/^-0\.00$/, '0.00'),
      );
      const acc = (
        await t.http
          .get(`/v1/enrollees/${card}/accumulators/${region.admission.slice(0, 4)}`)
          .set(t.auth(t.keys.admin))
          .expect(200)
      ).body;
      expect(acc.admissions).toBe(0);
      // After a reversal the stay can be settled again (a new round).
      const again = await p.send('2304', { data: settleData });
      expect(again.ok, again.text).toBe(true);
      expect(again.envelope.output.setlinfo.setl_id).not.toBe(setlinfo.setl_id);
    });
  }
});

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

describe('the outpatient flow and special-disease filings (recorded for the docs)', () => {
  it('2201 → 2203 → 2204 → 2206 → 2207 → 2208; 2205 and 2202 on another visit; 2503 / 2504', async () => {
    const card = LOCAL_CARDS['PY-COUNTY']!;
    const p = platform('PY-COUNTY');
    const day = '2019-04-02';
    const register = async () => {
      const registered = await p.send('2201', {
        data: {
          psn_no: card,
          insutype: '390',
          begntime: `${day} 08:30:00`,
          mdtrt_cert_type: '03',
          mdtrt_cert_no: card,
          ipt_otp_no: 'MZ0001',
          atddr_no: 'D001',
          dr_name: '李医生',
          dept_code: 'A01',
          dept_name: '内科',
          caty: 'A03',
          expContent: '',
        },
      });
      expect(registered.ok, registered.text).toBe(true);
      return text(registered.envelope.output.data.mdtrt_id);
    };
    const mdtrtId = await register();
    const visit = await p.send('2203', {
      mdtrtinfo: {
        mdtrt_id: mdtrtId,
        psn_no: card,
        med_type: '11',
        begntime: `${day} 08:30:00`,
        main_cond_dscr: '',
        dise_codg: '',
        dise_name: '',
        birctrl_type: '',
        birctrl_matn_date: '',
        expContent: '',
      },
      diseinfo: [
        {
          diag_type: '1',
          diag_srt_no: n('1'),
          diag_code: 'J06.900',
          diag_name: '急性上呼吸道感染',
          diag_dept: '内科',
          dise_dor_no: 'D001',
          dise_dor_name: '李医生',
          diag_time: `${day} 08:40:00`,
          vali_flag: '1',
        },
      ],
    });
    expect(visit.ok, visit.text).toBe(true);
    const lines = linesFor({ total: '1000.00', fullSelfPay: '100.00' }, demoCatalogues.get('zhejiang-2019-demo')!, day)!;
    const uploaded = await p.send('2204', {
      feedetail: lines.map((line) => feedetail(line, mdtrtId, card, { med_type: '11', chrg_bchno: 'MZ0001-1', rxno: '', rx_circ_flag: '0', dise_codg: '' })),
    });
    expect(uploaded.ok, uploaded.text).toBe(true);
    const rows = uploaded.envelope.output.result as Record<string, unknown>[];
    const sum = (field: string) => n(rows.reduce((acc: Money, row) => acc.plus(d(row[field])), new Decimal(0)).toFixed(2));
    const data = {
      psn_no: card,
      mdtrt_cert_type: '03',
      mdtrt_cert_no: card,
      med_type: '11',
      medfee_sumamt: sum('det_item_fee_sumamt'),
      psn_setlway: '01',
      mdtrt_id: mdtrtId,
      chrg_bchno: 'MZ0001-1',
      insutype: '390',
      acct_used_flag: '0',
      invono: '',
      fulamt_ownpay_amt: sum('fulamt_ownpay_amt'),
      overlmt_selfpay: sum('overlmt_amt'),
      preselfpay_amt: sum('preselfpay_amt'),
      inscp_scp_amt: sum('inscp_scp_amt'),
      expContent: '',
    };
    const preview = await p.send('2206', { data });
    expect(preview.ok, preview.text).toBe(true);
    const settled = await p.send('2207', { data });
    expect(settled.ok, settled.text).toBe(true);
    expect(settled.envelope.output.setlinfo.clr_type).toBe('11');
    const reversed = await p.send('2208', { data: { setl_id: settled.envelope.output.setlinfo.setl_id, mdtrt_id: mdtrtId, psn_no: card, expContent: '' } });
    expect(reversed.ok, reversed.text).toBe(true);

    const other = await register();
    expect((await p.send('2204', { feedetail: lines.map((line) => feedetail(line, other, card, { med_type: '11', chrg_bchno: 'MZ0002-1' })) })).ok).toBe(true);
    const withdrawn = await p.send('2205', { data: { mdtrt_id: other, chrg_bchno: 'MZ0002-1', psn_no: card, expContent: '' } });
    expect(withdrawn.ok, withdrawn.text).toBe(true);
    const cancelled = await p.send('2202', { data: { mdtrt_id: other, psn_no: card, ipt_otp_no: 'MZ0001', expContent: '' } });
    expect(cancelled.ok, cancelled.text).toBe(true);

    const filed = await p.send('2503', {
      data: {
        psn_no: card,
        insutype: '390',
        opsp_dise_code: 'esrd-dialysis',
        opsp_dise_name: '尿毒症透析',
        tel: '',
        addr: '',
        insu_optins: '330326',
        ide_fixmedins_no: 'H33032600001',
        ide_fixmedins_name: '平阳县人民医院',
        hosp_ide_date: '2019-04-01',
        diag_dr_codg: 'D001',
        diag_dr_name: '李医生',
        begndate: '2019-04-01',
        enddate: '2019-12-31',
      },
    });
    expect(filed.ok, filed.text).toBe(true);
    const revoked = await p.send('2504', { data: { trt_dcla_detl_sn: filed.envelope.output.result.trt_dcla_detl_sn, psn_no: card, memo: '复核未通过' } });
    expect(revoked.ok, revoked.text).toBe(true);
  });
});

afterAll(async () => {
  if (process.env.HSA_TRANSCRIPT) (await import('node:fs')).writeFileSync(process.env.HSA_TRANSCRIPT, JSON.stringify(transcript));
});
