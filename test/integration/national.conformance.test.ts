/**
 * Conformance with vendor-shaped messages: every field of the vendor's model
 * present, `""` (or null) for the unused ones, amounts as JSON numbers that
 * keep their database scale (`300.000000`). The inpatient flow (1101 → 2401 →
 * 2301 → 2402 → 2303 → 2304 → 5203 → 2305) and the outpatient flow (1101 →
 * 2201 → 2203 → 2204 → 2206 → 2207 → 2208) run for every region and visit
 * type; each settlement's setlinfo keeps the platform's identities and each
 * fund equals the native API's answer for the same bill, and where a region
 * does not settle a visit type both faces refuse it with the same code.
 * This file: the inpatient flow, reading messages, the OpenAPI contract; the
 * outpatient flow, special-disease filings and outsiders:
 * national.conformance-outpatient.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { n, text } from '../helpers/hsa.js';
import {
  REGIONS,
  d,
  enrol,
  expectSameSettlement,
  feeRow,
  nativePreview,
  ok,
  person,
  platform,
  scaled,
  settleData,
  startConformanceService,
} from '../helpers/national-conformance.js';
import type { TestService } from '../helpers/service.js';

let t: TestService;
beforeAll(async () => {
  t = await startConformanceService();
});
afterAll(async () => t?.close());

describe('the inpatient flow with vendor-shaped messages', () => {
  for (const region of REGIONS) {
    it(`${region.region}: 1101 → 2401 → 2301 → 2402 → 2303 → 2304 → 5203 → 2305`, async () => {
      const card = await enrol(region);
      const p = platform(region.stayAt);
      const admission = `${region.year}-03-01`;
      const discharge = `${region.year}-03-10`;
      await person(p, card, `${admission} 08:00:00`);
      const admitted = ok(
        await p.send('2401', {
          mdtrtinfo: {
            psn_no: card,
            insutype: '390',
            coner_name: '',
            tel: '',
            begntime: `${admission} 08:00:00`,
            endtime: '',
            mdtrt_cert_type: '03',
            mdtrt_cert_no: card,
            med_type: '21',
            ipt_no: 'ZY0001',
            medrcdno: '',
            atddr_no: 'D001',
            chfpdr_name: '李医生',
            adm_diag_dscr: '',
            adm_dept_codg: 'A03',
            adm_dept_name: '普外科',
            adm_bed: '',
            dscg_maindiag_code: 'K35.800',
            dscg_maindiag_name: '急性阑尾炎',
            main_cond_dscr: '',
            dise_codg: '',
            dise_name: '',
            oprn_oprt_code: '',
            oprn_oprt_name: '',
            fpsc_no: '',
            matn_type: '',
            birctrl_type: '',
            latechb_flag: '',
            geso_val: n('0'),
            fetts: n('0'),
            fetus_cnt: n('0'),
            pret_flag: '',
            birctrl_matn_date: '',
            dise_type_code: '',
            insuplc_admdvs: '',
            mdtrtarea_admvs: '',
            expContent: '',
          },
          diseinfo: [
            {
              psn_no: card,
              diag_type: '1',
              maindiag_flag: '1',
              diag_srt_no: n('1'),
              diag_code: 'K35.800',
              diag_name: '急性阑尾炎',
              diag_dept: '',
              dise_dor_no: '',
              dise_dor_name: '',
              diag_time: '',
              vali_flag: '',
            },
          ],
        }),
      );
      const mdtrtId = text(admitted.result.mdtrt_id);
      const uploaded = ok(await p.send('2301', { feedetail: region.stayLines.map((line) => feeRow(line, mdtrtId, card, '21')) }));
      const discharged = await p.send('2402', {
        dscginfo: {
          mdtrt_id: mdtrtId,
          psn_no: card,
          insutype: '390',
          endtime: `${discharge} 10:00:00`,
          dise_codg: '',
          dise_name: '',
          oprn_oprt_code: '',
          oprn_oprt_name: '',
          fpsc_no: '',
          matn_type: '',
          birctrl_type: '',
          latechb_flag: '',
          geso_val: n('0'),
          fetts: n('0'),
          fetus_cnt: n('0'),
          pret_flag: '',
          birctrl_matn_date: '',
          cop_flag: '',
          dscg_dept_codg: '',
          dscg_dept_name: '',
          dscg_bed: '',
          dscg_way: '',
          die_date: '',
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
            diag_dept: '',
            dise_dor_no: '',
            dise_dor_name: '',
            diag_time: '',
          },
        ],
      });
      ok(discharged);
      const data = settleData(card, mdtrtId, uploaded.result, { mid_setl_flag: '', dscgTime: '', dscg_time: '' });
      const native = await nativePreview(region.stayAt, card, 'inpatient', admission, discharge, region.stayLines);
      expect(native.status, JSON.stringify(native.body)).toBe(200);
      const preview = ok(await p.send('2303', { data }));
      expect(preview.dscginfo).toMatchObject({ dscg_time: `${discharge} 10:00:00`, dscg_time_src: '1' });
      expectSameSettlement(preview.setlinfo, preview.setldetail, native.body, '21');
      const settled = ok(await p.send('2304', { data }));
      expectSameSettlement(settled.setlinfo, settled.setldetail, native.body, '21');
      const read = ok(await p.send('5203', { data: { psn_no: card, setl_id: settled.setlinfo.setl_id, mdtrt_id: mdtrtId, expContent: '' } }));
      expect(text(read.setlinfo.fund_pay_sumamt)).toBe(native.body.fundTotal);
      const reversed = ok(await p.send('2305', { data: { mdtrt_id: mdtrtId, setl_id: settled.setlinfo.setl_id, psn_no: card, expContent: '' } }));
      expect(d(reversed.setlinfo.fund_pay_sumamt).eq(d(settled.setlinfo.fund_pay_sumamt).negated())).toBe(true);
    });
  }

  it("a pre-settlement before discharge settles as of the message's discharge time, else the latest fee line, and says which", async () => {
    const region = REGIONS[0]!;
    const card = await enrol(region);
    const p = platform(region.stayAt);
    const admitted = ok(
      await p.send('2401', {
        mdtrtinfo: { psn_no: card, insutype: '390', begntime: '2019-03-01 08:00:00', mdtrt_cert_type: '03', mdtrt_cert_no: card, med_type: '21', dise_codg: '', matn_type: '' },
        diseinfo: [],
      }),
    );
    const mdtrtId = text(admitted.result.mdtrt_id);
    const uploaded = ok(await p.send('2301', { feedetail: region.stayLines.map((line) => feeRow(line, mdtrtId, card, '21')) }));
    const latest = region.stayLines
      .map((l) => l.time!)
      .sort()
      .at(-1)!
      .replace('T', ' ');
    const byLine = ok(await p.send('2303', { data: settleData(card, mdtrtId, uploaded.result, { mid_setl_flag: '0', dscg_time: '' }) }));
    expect(byLine.dscginfo).toEqual({ dscg_time: latest, dscg_time_src: '3' });
    const byMessage = ok(await p.send('2303', { data: settleData(card, mdtrtId, uploaded.result, { mid_setl_flag: '0', dscg_time: '2019-03-12 09:00:00' }) }));
    expect(byMessage.dscginfo).toEqual({ dscg_time: '2019-03-12 09:00:00', dscg_time_src: '2' });
    const camel = ok(await p.send('2303', { data: settleData(card, mdtrtId, uploaded.result, { dscgTime: '2019-03-11 09:00:00' }) }));
    expect(camel.dscginfo.dscg_time).toBe('2019-03-11 09:00:00');
    const before = await p.send('2303', { data: settleData(card, mdtrtId, uploaded.result, { dscg_time: '2019-02-01 09:00:00' }) });
    expect(before.envelope.err_msg).toMatch(/^VALIDATION_FAILED: .*input\.data\.dscg_time/);
  });
});

describe('reading messages the way the platform does', () => {
  it('"" and null are absent; zeros past the scale are the amount; a real fraction of a fen, or a required field given as "", is refused naming the field, in Chinese', async () => {
    const region = REGIONS[0]!;
    const card = await enrol(region);
    const p = platform(region.stayAt);
    const admitted = ok(
      await p.send('2401', {
        mdtrtinfo: { psn_no: card, insutype: null, begntime: '2019-03-01 08:00:00', mdtrt_cert_type: '', mdtrt_cert_no: null, med_type: '21', unknown_field: 'ignored' },
        diseinfo: null,
      }),
    );
    const mdtrtId = text(admitted.result.mdtrt_id);
    const line = region.stayLines[0]!;
    const fraction = await p.send('2301', { feedetail: [feeRow(line, mdtrtId, card, '21', { det_item_fee_sumamt: n(`${line.amount}001`) })] });
    expect(fraction.envelope.err_msg).toMatch(/^VALIDATION_FAILED: 入参有误（input\.feedetail\.0\.det_item_fee_sumamt 小数位超出接口精度/);
    const blankRequired = await p.send('2301', { feedetail: [feeRow(line, mdtrtId, card, '21', { fee_ocur_time: '' })] });
    expect(blankRequired.envelope.err_msg).toMatch(/^VALIDATION_FAILED: 入参有误（input\.feedetail\.0\.fee_ocur_time 必填/);
    const scaledOk = ok(await p.send('2301', { feedetail: [feeRow(line, mdtrtId, card, '21', { det_item_fee_sumamt: scaled(line.amount, 10), cnt: scaled(line.quantity, 8) })] }));
    expect(text(scaledOk.result[0].det_item_fee_sumamt)).toBe(line.amount);
  });
});

describe('the contract for integrators', () => {
  it('/openapi.json describes /hsa/v1 per infno: a body discriminated by infno, each input as read, each output named', async () => {
    const document = (await t.http.get('/openapi.json').expect(200)).body;
    const operation = document.paths['/hsa/v1'].post;
    const resolve = (schema: any): any => (schema?.$ref ? document.components.schemas[schema.$ref.split('/').at(-1)] : schema);
    const body = resolve(operation.requestBody.content['application/json'].schema);
    const members = (body.oneOf ?? body.anyOf).map(resolve);
    const infnos = members.map((m: any) => m.properties.infno.const);
    expect(infnos).toEqual(expect.arrayContaining(['1101', '2201', '2203', '2204', '2206', '2207', '2208', '2303', '2304', '2503', '2504', '2601']));
    const settle = members.find((m: any) => m.properties.infno.const === '2207');
    const data = settle.properties.input.properties.data;
    expect(data.required).toEqual(expect.arrayContaining(['psn_no', 'mdtrt_id', 'medfee_sumamt', 'med_type', 'chrg_bchno']));
    const answer = resolve(operation.responses['200'].content['application/json'].schema);
    const outputs = (answer.properties.output.anyOf ?? answer.properties.output.oneOf).map(resolve);
    expect(outputs.some((o: any) => o?.properties?.setlinfo?.properties?.hifp_pay)).toBe(true);
  });
});
