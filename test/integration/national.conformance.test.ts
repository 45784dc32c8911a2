/**
 * Conformance with vendor-shaped messages: every field of the vendor's model
 * present, `""` (or null) for the unused ones, amounts as JSON numbers that
 * keep their database scale (`300.000000`). The inpatient flow (1101 → 2401 →
 * 2301 → 2402 → 2303 → 2304 → 5203 → 2305) and the outpatient flow (1101 →
 * 2201 → 2203 → 2204 → 2206 → 2207 → 2208) run for every region and visit
 * type; each settlement's setlinfo keeps the platform's identities and each
 * fund equals the native API's answer for the same bill, and where a region
 * does not settle a visit type both faces refuse it with the same code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal, type Money } from '../../src/domain/money.js';
import { PY1_LINES, demoCatalogues, linesFor, type WireLine } from '../helpers/fee-lines.js';
import { hsa, n, text, type Hsa, type HsaAnswer } from '../helpers/hsa.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { workedExamples } from '../helpers/worked-examples.js';

let t: TestService;
const CODES: Record<string, string> = { 'PY-COUNTY': 'H33032600001', 'PY-TOWN': 'H33032600002', 'QZ-FIRST': 'H35050200001', 'TY-L3': 'H14010600001' };
beforeAll(async () => {
  t = await startTestService();
  await t.loadWorkedRegistry();
  for (const [id, code] of Object.entries(CODES)) {
    await t.http
      .put(`/v1/hospitals/${id}`)
      .set(t.auth(t.keys.admin))
      .send({ ...workedExamples.hospitals[id], fixmedinsCode: code })
      .expect(200);
  }
});
afterAll(async () => t?.close());

const d = (value: unknown) => new Decimal(text(value));
/** A decimal as a vendor's DTO serialises it: a JSON number with the column's scale. */
const scaled = (value: string, places: number) => n(new Decimal(value).toFixed(places));

interface Region {
  region: 'pingyang' | 'jinjiang' | 'taiyuan';
  year: number;
  /** Inpatient and outpatient hospitals, and the special disease the person holds. */
  stayAt: string;
  visitAt: string;
  specialAt: string;
  disease: string;
  stayLines: WireLine[];
  visitLines: (date: string) => WireLine[];
}

const catalogueOf = { pingyang: 'zhejiang-2019-demo', jinjiang: 'quanzhou-2018-demo', taiyuan: 'shanxi-2019-demo' } as const;
const REGIONS: Region[] = [
  {
    region: 'pingyang',
    year: 2019,
    stayAt: 'PY-COUNTY',
    visitAt: 'PY-COUNTY',
    specialAt: 'PY-TOWN',
    disease: 'esrd-dialysis',
    stayLines: PY1_LINES,
    visitLines: (day) => linesFor({ total: '1000.00', fullSelfPay: '100.00' }, demoCatalogues.get(catalogueOf.pingyang)!, day)!,
  },
  {
    region: 'jinjiang',
    year: 2018,
    stayAt: 'QZ-FIRST',
    visitAt: 'QZ-FIRST',
    specialAt: 'QZ-FIRST',
    disease: 'uremia-dialysis',
    stayLines: linesFor({ total: '20000.00', fullSelfPay: '1000.00' }, demoCatalogues.get(catalogueOf.jinjiang)!, '2018-02-05')!,
    visitLines: (day) => linesFor({ total: '4000.00' }, demoCatalogues.get(catalogueOf.jinjiang)!, day)!,
  },
  {
    region: 'taiyuan',
    year: 2019,
    stayAt: 'TY-L3',
    visitAt: 'TY-L3',
    specialAt: 'TY-L3',
    disease: 'uremia-dialysis',
    stayLines: linesFor({ total: '50000.00', fullSelfPay: '2000.00' }, demoCatalogues.get(catalogueOf.taiyuan)!, '2019-03-05')!,
    visitLines: (day) => linesFor({ total: '800.00' }, demoCatalogues.get(catalogueOf.taiyuan)!, day)!,
  },
];

let cards = 0;
async function enrol(region: Region, specialDiseases: string[] = []): Promise<string> {
  const card = `CONF${region.region.slice(0, 2).toUpperCase()}${++cards}`;
  const enrollee = {
    region: region.region,
    sex: 'M',
    birthDate: '1970-01-01',
    coverage: [{ from: `${region.year}-01-01`, to: `${region.year}-12-31` }],
    categories: [],
    specialDiseases,
  };
  await t.http.put(`/v1/enrollees/${card}`).set(t.auth(t.keys.admin)).send(enrollee).expect(201);
  return card;
}

const platform = (hospitalId: string): Hsa => hsa(t.http, t.keys.billing[hospitalId]!, CODES[hospitalId]!);

function ok(answer: HsaAnswer): any {
  expect(answer.ok, answer.text).toBe(true);
  return answer.envelope.output;
}

/** 1101 as the vendor model has it: every field, the unused ones "". */
async function person(p: Hsa, card: string, begntime: string) {
  const out = ok(await p.send('1101', { data: { mdtrt_cert_type: '03', mdtrt_cert_no: card, card_sn: '', begntime, psn_cert_type: '', certno: '', psn_name: '' } }));
  expect(out.baseinfo.psn_no).toBe(card);
}

/** A fee line with every field of the 2301 / 2204 model; amounts keep six decimals. */
function feeRow(line: WireLine, mdtrtId: string, card: string, medType: string, extra: Record<string, unknown> = {}) {
  return {
    feedetl_sn: line.lineId,
    init_feedetl_sn: '',
    mdtrt_id: mdtrtId,
    drord_no: '',
    psn_no: card,
    med_type: medType,
    fee_ocur_time: (line.time ?? '').replace('T', ' '),
    med_list_codg: line.code,
    medins_list_codg: line.hospitalCode ?? `HOS-${line.lineId}`,
    det_item_fee_sumamt: scaled(line.amount, 6),
    cnt: scaled(line.quantity, 6),
    pric: scaled(line.unitPrice, 6),
    sin_dos_dscr: '',
    used_frqu_dscr: '',
    prd_days: n('0.00'),
    medc_way_dscr: '',
    bilg_dept_codg: 'A03',
    bilg_dept_name: '普外科',
    bilg_dr_codg: 'D001',
    bilg_dr_name: '李医生',
    acord_dept_codg: '',
    acord_dept_name: '',
    orders_dr_code: '',
    orders_dr_name: '',
    hosp_appr_flag: '',
    tcmdrug_used_way: '',
    etip_flag: '',
    etip_hosp_code: '',
    dscg_tkdrug_flag: '',
    matn_fee_flag: '',
    memo: '',
    expContent: '',
    ...extra,
  };
}

/** 2303/2304 and 2206/2207 `data` as the vendor sums it from the fee-line answers. */
function settleData(card: string, mdtrtId: string, results: Record<string, unknown>[], extra: Record<string, unknown>) {
  const sum = (field: string) => results.reduce((acc: Money, row) => acc.plus(d(row[field])), new Decimal(0));
  return {
    psn_no: card,
    mdtrt_cert_type: '03',
    mdtrt_cert_no: card,
    medfee_sumamt: scaled(sum('det_item_fee_sumamt').toFixed(2), 6),
    psn_setlway: '01',
    mdtrt_id: mdtrtId,
    insutype: '390',
    acct_used_flag: '',
    invono: '',
    fulamt_ownpay_amt: scaled(sum('fulamt_ownpay_amt').toFixed(2), 6),
    overlmt_selfpay: scaled(sum('overlmt_amt').toFixed(2), 6),
    preselfpay_amt: scaled(sum('preselfpay_amt').toFixed(2), 6),
    inscp_scp_amt: scaled(sum('inscp_scp_amt').toFixed(2), 6),
    expContent: null,
    ...extra,
  };
}

interface NativeAnswer {
  status: number;
  body: any;
}

async function nativePreview(
  hospitalId: string,
  card: string,
  visitType: string,
  admission: string,
  discharge: string,
  lines: WireLine[],
  extra: Record<string, unknown> = {},
): Promise<NativeAnswer> {
  const res = await t.http
    .post('/v1/settlements/preview')
    .set(t.auth(t.keys.billing[hospitalId]!))
    .send({ requestId: `CMP-${card}`, card, hospitalId, visitType, admissionDate: admission, dischargeDate: discharge, charges: { lines }, ...extra });
  return { status: res.status, body: res.body };
}

/** The platform's identities, and every fund as the native answer has it. */
function expectSameSettlement(setlinfo: any, setldetail: any[], native: any, clrType: string) {
  expect(text(setlinfo.medfee_sumamt)).toBe(native.total);
  expect(text(setlinfo.hifp_pay)).toBe(native.payments.basic ?? '0.00');
  expect(text(setlinfo.hifmi_pay)).toBe(native.payments.criticalIllness ?? '0.00');
  const others = Object.entries(native.payments as Record<string, string>).filter(([fund]) => fund !== 'basic' && fund !== 'criticalIllness');
  expect(d(setlinfo.oth_pay).eq(others.reduce((acc, [, v]) => acc.plus(v), new Decimal(0)))).toBe(true);
  expect(text(setlinfo.fund_pay_sumamt)).toBe(native.fundTotal);
  expect(text(setlinfo.psn_part_amt)).toBe(native.patientTotal);
  expect(text(setlinfo.psn_cash_pay)).toBe(native.patientTotal);
  const medfee = d(setlinfo.medfee_sumamt);
  expect(d(setlinfo.inscp_scp_amt).eq(medfee.minus(d(setlinfo.fulamt_ownpay_amt)).minus(d(setlinfo.overlmt_selfpay)).minus(d(setlinfo.preselfpay_amt)))).toBe(true);
  expect(d(setlinfo.psn_part_amt).eq(medfee.minus(d(setlinfo.fund_pay_sumamt)))).toBe(true);
  expect(d(setlinfo.psn_part_amt).eq(d(setlinfo.acct_pay).plus(d(setlinfo.psn_cash_pay)))).toBe(true);
  expect(d(setlinfo.fund_pay_sumamt).eq(setldetail.reduce((acc: Money, row: { fund_payamt: unknown }) => acc.plus(d(row.fund_payamt)), new Decimal(0)))).toBe(true);
  expect(setlinfo.clr_type).toBe(clrType);
}

/** A refusal on both faces, with the same code. */
function expectSameRefusal(answer: HsaAnswer, native: NativeAnswer) {
  expect(answer.ok).toBe(false);
  expect(answer.status).toBe(200);
  expect(native.status, JSON.stringify(native.body)).toBeGreaterThanOrEqual(400);
  expect(answer.envelope.err_msg).toMatch(new RegExp(`^${native.body.error.code}: `));
  expect(answer.envelope.err_msg).toMatch(/[\u4e00-\u9fff]/);
}

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

describe('the outpatient flow with vendor-shaped messages', () => {
  const visits = [
    { medType: '11', visitType: 'outpatient', hospital: (r: Region) => r.visitAt, special: false },
    { medType: '14', visitType: 'special-outpatient', hospital: (r: Region) => r.specialAt, special: true },
  ] as const;
  for (const region of REGIONS) {
    for (const visit of visits) {
      it(`${region.region} ${visit.visitType} (${visit.medType}): 1101 → 2201 → 2203 → 2204 → 2206 → 2207 → 2208`, async () => {
        const card = await enrol(region, visit.special ? [region.disease] : []);
        const hospitalId = visit.hospital(region);
        const p = platform(hospitalId);
        const day = `${region.year}-04-02`;
        await person(p, card, `${day} 08:00:00`);
        const registered = ok(
          await p.send('2201', {
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
          }),
        );
        const mdtrtId = text(registered.data.mdtrt_id);
        expect(registered.data).toMatchObject({ psn_no: card, ipt_otp_no: 'MZ0001' });
        ok(
          await p.send('2203', {
            mdtrtinfo: {
              mdtrt_id: mdtrtId,
              psn_no: card,
              med_type: visit.medType,
              begntime: `${day} 08:30:00`,
              main_cond_dscr: '',
              dise_codg: visit.special ? region.disease : '',
              dise_name: '',
              birctrl_type: '',
              birctrl_matn_date: '',
              matn_type: '',
              geso_val: n('0'),
              expContent: '',
            },
            diseinfo: [
              {
                diag_type: '1',
                diag_srt_no: n('1'),
                diag_code: 'N18.500',
                diag_name: '慢性肾病5期',
                diag_dept: '内科',
                dise_dor_no: 'D001',
                dise_dor_name: '李医生',
                diag_time: `${day} 08:40:00`,
                vali_flag: '1',
              },
            ],
          }),
        );
        const lines = region.visitLines(day);
        const uploaded = ok(
          await p.send('2204', {
            feedetail: lines.map((line) => feeRow(line, mdtrtId, card, visit.medType, { chrg_bchno: 'B0001', dise_codg: '', rxno: '', rx_circ_flag: '', tcmdrug_used_way: '' })),
          }),
        );
        expect(uploaded.result.every((row: { chrg_bchno: string }) => row.chrg_bchno === 'B0001')).toBe(true);
        const data = settleData(card, mdtrtId, uploaded.result, { med_type: visit.medType, chrg_bchno: 'B0001' });
        const native = await nativePreview(hospitalId, card, visit.visitType, day, day, lines, visit.special ? { specialDisease: region.disease } : {});
        const preview = await p.send('2206', { data });
        if (native.status !== 200) {
          // The region does not settle this visit type: both faces refuse it alike.
          expectSameRefusal(preview, native);
          return;
        }
        expectSameSettlement(ok(preview).setlinfo, ok(preview).setldetail, native.body, '11');
        const settled = ok(await p.send('2207', { data }));
        expectSameSettlement(settled.setlinfo, settled.setldetail, native.body, '11');
        expect(settled.setlinfo.med_type).toBe(visit.medType);
        expect(settled.setlinfo.medins_setl_id).toMatch(/^H\d{11}/);
        // The same message again answers the same settlement.
        const again = ok(await p.send('2207', { data }, { msgid: settled.setlinfo.medins_setl_id }));
        expect(again.setlinfo.setl_id).toBe(settled.setlinfo.setl_id);
        const reversed = ok(await p.send('2208', { data: { setl_id: settled.setlinfo.setl_id, mdtrt_id: mdtrtId, psn_no: card, expContent: '' } }));
        expect(d(reversed.setlinfo.medfee_sumamt).eq(d(settled.setlinfo.medfee_sumamt).negated())).toBe(true);
      });
    }
  }

  it("2205 withdraws a batch; a settlement names the batch of the visit's lines; 2601 undoes a 2207", async () => {
    const region = REGIONS[0]!;
    const card = await enrol(region);
    const p = platform(region.visitAt);
    const day = '2019-04-03';
    const registered = ok(
      await p.send('2201', {
        data: {
          psn_no: card,
          insutype: '390',
          begntime: `${day} 08:30:00`,
          mdtrt_cert_type: '03',
          mdtrt_cert_no: card,
          ipt_otp_no: '',
          atddr_no: '',
          dr_name: '',
          dept_code: '',
          dept_name: '',
          caty: '',
        },
      }),
    );
    const mdtrtId = text(registered.data.mdtrt_id);
    const lines = region.visitLines(day);
    ok(await p.send('2204', { feedetail: lines.map((line) => feeRow(line, mdtrtId, card, '11', { chrg_bchno: 'B1' })) }));
    const wrongBatch = await p.send('2206', {
      data: settleData(card, mdtrtId, [], {
        med_type: '11',
        chrg_bchno: 'B2',
        medfee_sumamt: n('0'),
        fulamt_ownpay_amt: '',
        overlmt_selfpay: '',
        preselfpay_amt: '',
        inscp_scp_amt: '',
      }),
    });
    expect(wrongBatch.envelope.err_msg).toMatch(/^VALIDATION_FAILED: 收费批次号.*input\.data\.chrg_bchno/);
    const wrongType = await p.send('2206', {
      data: settleData(card, mdtrtId, [], {
        med_type: '14',
        chrg_bchno: 'B1',
        medfee_sumamt: n('0'),
        fulamt_ownpay_amt: '',
        overlmt_selfpay: '',
        preselfpay_amt: '',
        inscp_scp_amt: '',
      }),
    });
    expect(wrongType.envelope.err_msg).toMatch(/input\.data\.med_type/);
    const asStay = await p.send('2303', {
      data: settleData(card, mdtrtId, [], { medfee_sumamt: n('0'), fulamt_ownpay_amt: '', overlmt_selfpay: '', preselfpay_amt: '', inscp_scp_amt: '' }),
    });
    expect(asStay.envelope.err_msg).toMatch(/^VALIDATION_FAILED: 住院请用 2303\/2304 结算，门诊请用 2206\/2207 结算（字段 input\.data\.mdtrt_id）/);
    const withdrawn = ok(await p.send('2205', { data: { mdtrt_id: mdtrtId, chrg_bchno: 'B1', psn_no: card, expContent: '' } }));
    expect(text(withdrawn.result.withdrawn)).toBe(String(lines.length));
    const uploaded = ok(await p.send('2204', { feedetail: lines.map((line) => feeRow({ ...line, lineId: `${line.lineId}b` }, mdtrtId, card, '11', { chrg_bchno: 'B2' })) }));
    const settled = await p.send('2207', { data: settleData(card, mdtrtId, uploaded.result, { med_type: '11', chrg_bchno: 'B2' }) });
    ok(settled);
    ok(await p.send('2601', { data: { psn_no: card, omsgid: settled.msgid, oinfno: '2207' } }));
    const read = await p.send('5203', { data: { psn_no: card, setl_id: settled.envelope.output.setlinfo.setl_id, mdtrt_id: mdtrtId } });
    expect(ok(read).setlinfo).toBeTruthy();
    const status = await t.http.get(`/v1/settlements/${settled.envelope.output.setlinfo.setl_id}`).set(t.auth(t.keys.admin)).expect(200);
    expect(status.body.status).toBe('reversed');
  });
});

describe('special-disease filings (2503 / 2504, and the native API)', () => {
  it('a special-outpatient visit is refused without an approval, settles with a filing valid on its date, and is refused again once it is revoked', async () => {
    const region = REGIONS[0]!;
    const card = await enrol(region);
    const p = platform(region.specialAt);
    const day = '2019-05-06';
    const visit = async () => {
      const registered = ok(
        await p.send('2201', { data: { psn_no: card, insutype: '390', begntime: `${day} 08:30:00`, mdtrt_cert_type: '03', mdtrt_cert_no: card, med_type: '14' } }),
      );
      const mdtrtId = text(registered.data.mdtrt_id);
      ok(await p.send('2203', { mdtrtinfo: { mdtrt_id: mdtrtId, psn_no: card, med_type: '14', dise_codg: region.disease }, diseinfo: [] }));
      const uploaded = ok(await p.send('2204', { feedetail: region.visitLines(day).map((line) => feeRow(line, mdtrtId, card, '14', { chrg_bchno: 'B1' })) }));
      return p.send('2206', { data: settleData(card, mdtrtId, uploaded.result, { med_type: '14', chrg_bchno: 'B1' }) });
    };
    const unapproved = await visit();
    expect(unapproved.envelope.err_msg).toMatch(/^SPECIAL_DISEASE_NOT_APPROVED: 该人员未备案此门诊慢特病/);

    // A filing that ends before the visit does not approve it.
    const early = ok(
      await p.send('2503', {
        data: {
          psn_no: card,
          insutype: '390',
          opsp_dise_code: region.disease,
          opsp_dise_name: '尿毒症透析',
          tel: '',
          addr: '',
          insu_optins: '',
          ide_fixmedins_no: '',
          ide_fixmedins_name: '',
          hosp_ide_date: '',
          diag_dr_codg: '',
          diag_dr_name: '',
          begndate: '2019-01-01',
          enddate: '2019-04-30',
        },
      }),
    );
    expect(early.result.trt_dcla_detl_sn).toMatch(/^D-/);
    expect((await visit()).envelope.err_msg).toMatch(/^SPECIAL_DISEASE_NOT_APPROVED/);
    const filed = ok(await p.send('2503', { data: { psn_no: card, insutype: '390', opsp_dise_code: region.disease, begndate: '2019-05-01', enddate: '2019-12-31' } }));
    const approved = await visit();
    expect(approved.ok, approved.text).toBe(true);

    // Another hospital's key cannot revoke it; this hospital's can, and the approval is gone.
    const other = platform('PY-COUNTY');
    const foreign = await other.send('2504', { data: { trt_dcla_detl_sn: filed.result.trt_dcla_detl_sn, psn_no: card, memo: '' } });
    expect(foreign.ok).toBe(false);
    expect(foreign.envelope.err_msg).toMatch(/input\.data\.trt_dcla_detl_sn/);
    ok(await p.send('2504', { data: { trt_dcla_detl_sn: filed.result.trt_dcla_detl_sn, psn_no: card, memo: '病情变化' } }));
    expect((await visit()).envelope.err_msg).toMatch(/^SPECIAL_DISEASE_NOT_APPROVED/);

    // The native API gains the same filing: a referral desk of the person's region files it, another region's cannot.
    const draft = { disease: region.disease, validFrom: '2019-05-01', validTo: '2019-05-31' };
    await t.http.post(`/v1/enrollees/${card}/special-diseases`).set(t.auth(t.keys.referral.jinjiang!)).send(draft).expect(403);
    const native = await t.http.post(`/v1/enrollees/${card}/special-diseases`).set(t.auth(t.keys.referral.pingyang!)).send(draft).expect(201);
    expect(native.body).toMatchObject({ status: 'active', disease: region.disease });
    const lines = region.visitLines(day);
    const preview = await nativePreview(region.specialAt, card, 'special-outpatient', day, day, lines, { specialDisease: region.disease });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    const list = await t.http.get(`/v1/enrollees/${card}/special-diseases`).set(t.auth(t.keys.admin)).expect(200);
    expect(list.body.filings).toHaveLength(3);
    await t.http.delete(`/v1/enrollees/${card}/special-diseases/${native.body.filingId}`).set(t.auth(t.keys.referral.pingyang!)).send({ reason: '复核' }).expect(200);
    const after = await nativePreview(region.specialAt, card, 'special-outpatient', day, day, lines, { specialDisease: region.disease });
    expect(after.body.error.code).toBe('SPECIAL_DISEASE_NOT_APPROVED');
  });
});

describe('an outsider with a real key', () => {
  it("cannot settle, withdraw, describe or reverse another hospital's visit, nor send as another facility", async () => {
    const region = REGIONS[0]!;
    const card = await enrol(region);
    const owner = platform('PY-COUNTY');
    const outsider = platform('PY-TOWN');
    const day = '2019-04-05';
    const mdtrtId = text(ok(await owner.send('2201', { data: { psn_no: card, begntime: `${day} 08:00:00` } })).data.mdtrt_id);
    const uploaded = ok(await owner.send('2204', { feedetail: region.visitLines(day).map((line) => feeRow(line, mdtrtId, card, '11', { chrg_bchno: 'B1' })) }));
    const data = settleData(card, mdtrtId, uploaded.result, { med_type: '11', chrg_bchno: 'B1' });
    for (const [infno, input] of [
      ['2207', { data }],
      ['2206', { data }],
      ['2205', { data: { mdtrt_id: mdtrtId, psn_no: card, chrg_bchno: '0000' } }],
      ['2203', { mdtrtinfo: { mdtrt_id: mdtrtId, psn_no: card, med_type: '14', dise_codg: 'esrd-dialysis' }, diseinfo: [] }],
      ['2202', { data: { mdtrt_id: mdtrtId, psn_no: card } }],
    ] as const) {
      const answer = await outsider.send(infno, input);
      expect(answer.envelope.err_msg, infno).toMatch(/^NOT_FOUND: /);
    }
    // Its own key, another facility's code: refused before anything is read.
    const spoofed = await outsider.send('2207', { data }, { fixmedins_code: 'H33032600001' });
    expect(spoofed.status).toBe(403);
    // The owner's visit is untouched: it still settles.
    const settled = ok(await owner.send('2207', { data }));
    const reverse = await outsider.send('2208', { data: { setl_id: settled.setlinfo.setl_id, mdtrt_id: mdtrtId, psn_no: card } });
    expect(reverse.envelope.err_msg).toMatch(/^NOT_FOUND: /);
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
