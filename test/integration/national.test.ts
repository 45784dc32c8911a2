/**
 * The national platform's face (national-platform.md): an inpatient stay through
 * 1101 → 2401 → 2301 (two batches, one refund line) → 2303 → 2402 → 2304 →
 * 5203 → 2305 in each region, with messages built the way vendor code builds
 * them; the amounts equal the native API's for the same bill, and the
 * platform's identities hold. Then the outpatient flow and special-disease
 * filings. msgid, 2601, keys, codes and reconciliation: national.messages.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal, type Money } from '../../src/domain/money.js';
import { demoCatalogues, linesFor, type WireLine } from '../helpers/fee-lines.js';
import { hsa, n, text, type Hsa } from '../helpers/hsa.js';
import { admit, feedetail } from '../helpers/hsa-stays.js';
import { CODES, LOCAL_CARDS, REGIONS, recordTranscript, startNationalService } from '../helpers/national-service.js';
import type { TestService } from '../helpers/service.js';

let t: TestService;
beforeAll(async () => {
  t = await startNationalService();
});
afterAll(async () => t?.close());
recordTranscript('stays');

const d = (value: unknown) => new Decimal(text(value));
const platform = (hospitalId: string): Hsa => hsa(t.http, t.keys.billing[hospitalId]!, CODES[hospitalId]!);

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
