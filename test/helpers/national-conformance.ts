/**
 * What the conformance tests of the national face share
 * (test/integration/national.conformance*.test.ts): the service with the
 * hospitals' national codes, the regions' persons and bills, messages built
 * field for field as the vendor's model has them, and the comparison with the
 * native API's answer for the same bill.
 */
import { expect } from 'vitest';
import { Decimal, type Money } from '../../src/domain/money.js';
import { PY1_LINES, demoCatalogues, linesFor, type WireLine } from './fee-lines.js';
import { hsa, n, text, type Hsa, type HsaAnswer } from './hsa.js';
import { startTestService, type TestService } from './service.js';

let t: TestService;
export const CODES: Record<string, string> = { 'PY-COUNTY': 'H33032600001', 'PY-TOWN': 'H33032600002', 'QZ-FIRST': 'H35050200001', 'TY-L3': 'H14010600001' };

/** The test service with the worked registry, its hospitals carrying their national codes; the helpers below use it. */
export async function startConformanceService(): Promise<TestService> {
  t = await startTestService();
  await t.loadWorkedRegistry();
  for (const [id, code] of Object.entries(CODES)) await t.giveNationalCode(id, code);
  return t;
}

export const d = (value: unknown) => new Decimal(text(value));
/** A decimal as a vendor's DTO serialises it: a JSON number with the column's scale. */
export const scaled = (value: string, places: number) => n(new Decimal(value).toFixed(places));

export interface Region {
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

export const catalogueOf = { pingyang: 'zhejiang-2019-demo', jinjiang: 'quanzhou-2018-demo', taiyuan: 'shanxi-2019-demo' } as const;
export const REGIONS: Region[] = [
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
export async function enrol(region: Region, specialDiseases: string[] = []): Promise<string> {
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

export const platform = (hospitalId: string): Hsa => hsa(t.http, t.keys.billing[hospitalId]!, CODES[hospitalId]!);

export function ok(answer: HsaAnswer): any {
  expect(answer.ok, answer.text).toBe(true);
  return answer.envelope.output;
}

/** 1101 as the vendor model has it: every field, the unused ones "". */
export async function person(p: Hsa, card: string, begntime: string) {
  const out = ok(await p.send('1101', { data: { mdtrt_cert_type: '03', mdtrt_cert_no: card, card_sn: '', begntime, psn_cert_type: '', certno: '', psn_name: '' } }));
  expect(out.baseinfo.psn_no).toBe(card);
}

/** A fee line with every field of the 2301 / 2204 model; amounts keep six decimals. */
export function feeRow(line: WireLine, mdtrtId: string, card: string, medType: string, extra: Record<string, unknown> = {}) {
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
export function settleData(card: string, mdtrtId: string, results: Record<string, unknown>[], extra: Record<string, unknown>) {
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

export interface NativeAnswer {
  status: number;
  body: any;
}

export async function nativePreview(
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
export function expectSameSettlement(setlinfo: any, setldetail: any[], native: any, clrType: string) {
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
export function expectSameRefusal(answer: HsaAnswer, native: NativeAnswer) {
  expect(answer.ok).toBe(false);
  expect(answer.status).toBe(200);
  expect(native.status, JSON.stringify(native.body)).toBeGreaterThanOrEqual(400);
  expect(answer.envelope.err_msg).toMatch(new RegExp(`^${native.body.error.code}: `));
  expect(answer.envelope.err_msg).toMatch(/[\u4e00-\u9fff]/);
}
