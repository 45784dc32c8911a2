/**
 * The field map between the national platform's vocabulary and the native
 * model (docs/spec/national-platform.md §5; docs/national-platform.md shows
 * it whole). Every amount here is one of the settlement's own amounts: nothing
 * is computed but signs and sums of lines the settlement already holds.
 * Code tables live in src/domain/code-tables.ts.
 */
import { LosslessNumber } from 'lossless-json';
import { CLR_TYPE, FUND_NAMES, FUND_PAY_TYPE, FUND_PAY_TYPE_NAMES, GEND, INSUTYPE_RESIDENT, OTHER_FUND_PAY_TYPE } from '../domain/code-tables.js';
import { withinPeriod } from '../domain/dates.js';
import type { Encounter } from '../domain/encounter.js';
import { Decimal, formatMoney } from '../domain/money.js';
import type { Enrollee, Fund, VisitType } from '../domain/types.js';
import type { LineResult } from '../service/encounters.js';
import type { SettlementView } from '../service/settlement-view.js';
import { platformTime } from './values.js';

/** A platform amount: a JSON number written from the decimal text itself, never through a float. */
export function num(text: string): LosslessNumber {
  return new LosslessNumber(text);
}

const ZERO = num('0.00');

function negate(text: string): string {
  if (text === '0.00' || text === '0') return text;
  return text.startsWith('-') ? text.slice(1) : `-${text}`;
}

/** Age in whole years on a date (both YYYY-MM-DD). */
function ageOn(birthDate: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** 1101 baseinfo / insuinfo / idetinfo of a person on a date. */
export function personInfo(enrollee: Enrollee, on: string, admdvs: string, categoryNames: Record<string, string>) {
  const period = enrollee.coverage.find((p) => withinPeriod(on, p.from, p.to)) ?? enrollee.coverage.at(-1) ?? null;
  return {
    baseinfo: {
      psn_no: enrollee.card,
      psn_cert_type: null,
      certno: enrollee.card,
      psn_name: null,
      gend: GEND[enrollee.sex],
      naty: null,
      brdy: enrollee.birthDate,
      age: num(String(ageOn(enrollee.birthDate, on))),
    },
    insuinfo: [
      {
        insutype: INSUTYPE_RESIDENT,
        psn_type: null,
        psn_insu_stas: period !== null && withinPeriod(on, period.from, period.to) ? '1' : '0',
        psn_insu_date: period?.from ?? null,
        paus_insu_date: period !== null && period.to < on ? period.to : null,
        insuplc_admdvs: admdvs,
        balc: ZERO,
        cvlserv_flag: '0',
        emp_name: null,
      },
    ],
    // psn_idet_type codes are regional and not among the sources: the category id, its name in memo.
    idetinfo: enrollee.categories.map((category) => ({
      psn_idet_type: category,
      psn_type_lv: null,
      begntime: period?.from ?? null,
      endtime: period?.to ?? null,
      memo: categoryNames[category] ?? category,
    })),
  };
}

/** 2301 result (and 5204) of one uploaded line. */
export function feeLineResult(mdtrtId: string, { line, classified }: LineResult) {
  return {
    feedetl_sn: line.lineId,
    init_feedetl_sn: line.refundOf,
    mdtrt_id: mdtrtId,
    det_item_fee_sumamt: num(line.amount),
    cnt: num(line.quantity),
    pric: num(line.unitPrice),
    pric_uplmt_amt: classified.priceCeiling === null ? null : num(classified.priceCeiling.toString()),
    selfpay_prop: classified.selfPayRatio === null ? num('0') : num(classified.selfPayRatio.toString()),
    fulamt_ownpay_amt: num(classified.fullSelfPay.toFixed(2)),
    overlmt_amt: num(classified.overLimitSelfPay.toFixed(2)),
    preselfpay_amt: num(classified.preSelfPay.toFixed(2)),
    inscp_scp_amt: num(classified.policyScope.toFixed(2)),
    chrgitm_lv: classified.level,
    med_chrgitm_type: classified.category,
    lmt_used_flag: '0',
    list_sp_item_flag: '0',
    bas_medn_flag: '0',
    hi_nego_drug_flag: '0',
    memo: null,
  };
}

function fundCode(fund: Fund): string {
  return FUND_PAY_TYPE[fund] ?? OTHER_FUND_PAY_TYPE;
}

export interface SetlinfoContext {
  encounter: Encounter;
  /** The region's division code (clr_optins). */
  admdvs: string;
  /** The message that settled it (medins_setl_id). */
  msgid: string | null;
  mdtrtCertType: string | null;
  /** Negated, as the reversal entry of the day (2305). */
  negated?: boolean;
  /** setl_time: settledAt, or reversedAt for a reversal. */
  at?: string | null;
}

/** 2303 / 2304 / 2305 / 5203 setlinfo and setldetail of a settlement. */
export function settlementInfo(view: SettlementView, ctx: SetlinfoContext) {
  const sign = (text: string) => (ctx.negated ? negate(text) : text);
  const amount = (text: string) => num(sign(text));
  const basic = view.lines.find((line) => line.fund === 'basic');
  const programmes = view.lines.filter((line) => line.fund !== 'basic' && line.fund !== 'criticalIllness');
  const otherPay = programmes.reduce((sum, line) => sum.plus(line.amount), new Decimal(0));
  const at = ctx.at ?? view.settledAt ?? null;
  const setlinfo = {
    mdtrt_id: ctx.encounter.mdtrtId,
    setl_id: view.settlementId,
    psn_no: view.card,
    psn_name: null,
    psn_cert_type: null,
    certno: view.card,
    gend: GEND[ctx.encounter.person.sex],
    naty: null,
    brdy: ctx.encounter.person.birthDate,
    age: num(String(ageOn(ctx.encounter.person.birthDate, view.admissionDate))),
    insutype: INSUTYPE_RESIDENT,
    psn_type: null,
    cvlserv_flag: '0',
    setl_time: at === null ? null : platformTime(at),
    mdtrt_cert_type: ctx.mdtrtCertType,
    med_type: ctx.encounter.medType,
    medfee_sumamt: amount(view.charges.total),
    fulamt_ownpay_amt: amount(view.charges.fullSelfPay),
    overlmt_selfpay: amount(view.charges.overLimitSelfPay),
    preselfpay_amt: amount(view.charges.preSelfPay),
    inscp_scp_amt: amount(view.policyScope),
    act_pay_dedc: amount(basic?.deductible ?? '0.00'),
    hifp_pay: amount(view.payments.basic ?? '0.00'),
    // Despite its name, the pooled fund's payment ratio.
    pool_prop_selfpay: basic?.rate === null || basic?.rate === undefined ? ZERO : num(basic.rate),
    cvlserv_pay: ZERO,
    hifes_pay: ZERO,
    hifmi_pay: amount(view.payments.criticalIllness ?? '0.00'),
    hifob_pay: ZERO,
    maf_pay: ZERO,
    // the local programmes (Jinjiang 六(二), 六(三)): a sum of the settlement's own lines, in fen
    oth_pay: amount(formatMoney(otherPay)),
    fund_pay_sumamt: amount(view.fundTotal),
    psn_part_amt: amount(view.patientTotal),
    acct_pay: ZERO,
    psn_cash_pay: amount(view.patientTotal),
    hosp_part_amt: ZERO,
    balc: ZERO,
    acct_mulaid_pay: ZERO,
    medins_setl_id: ctx.msgid,
    clr_optins: ctx.admdvs,
    clr_way: null,
    clr_type: CLR_TYPE[view.visitType as VisitType],
  };
  const setldetail = view.lines.map((line) => {
    const code = fundCode(line.fund as Fund);
    const step = view.steps.filter((s) => s.cite === line.cite && s.amount === line.amount).at(-1);
    return {
      fund_pay_type: code,
      inscp_scp_amt: amount(view.policyScope),
      // "本次可支付限额": what this fund paid in this settlement (its headroom is in the steps).
      crt_payb_lmt_amt: amount(line.amount),
      fund_payamt: amount(line.amount),
      fund_pay_type_name:
        code === OTHER_FUND_PAY_TYPE ? `${FUND_PAY_TYPE_NAMES[code]}（${FUND_NAMES[line.fund as Fund]}）` : (FUND_PAY_TYPE_NAMES[code] ?? FUND_NAMES[line.fund as Fund]),
      setl_proc_info: `${line.cite}${step ? `: ${step.text}` : ''}`,
    };
  });
  return { setlinfo, setldetail };
}
