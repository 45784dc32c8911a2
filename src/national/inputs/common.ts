/**
 * Input pieces every transaction group shares, read with the field readers
 * (values.ts): `""` and `null` are absent, amounts keep their scale, unknown
 * fields are ignored (zod objects strip them).
 */
import { z } from 'zod';
import type { Diagnosis } from '../../domain/encounter.js';
import { Decimal, lineAmount, round2, type Money } from '../../domain/money.js';
import { SETTLEMENT_ID_PATTERN } from '../../store/keys.js';
import { amount, code, dateTime, price, quantity, signedAmount, text } from '../values.js';

export const card = code(/^[A-Za-z0-9]{1,32}$/, 'a person number (psn_no): the card number, 1–32 letters and digits');
export const mdtrtId = code(/^M-[0-9a-f]{4}-[0-9a-f]{32}$/, 'an mdtrt_id this service gave at admission (2401) or registration (2201)');
export const setlId = code(SETTLEMENT_ID_PATTERN, 'a setl_id this service gave at settlement (2304, 2207)');
export const optionalText = (max: number) => text(max).optional();
export const medType = code(/^\d{2,6}$/, 'a med_type code such as 21');
export const certType = code(/^0[1-3]$/, 'mdtrt_cert_type 01, 02 or 03');
export const insutype = code(/^\d{3}$/, 'an insutype such as 390');
export const flag = (values: string) => code(new RegExp(`^[${values}]$`), `one of ${values.split('').join(', ')}`);
export const lineSerial = code(/^[A-Za-z0-9._-]{1,30}$/, 'a line serial (feedetl_sn) of up to 30 letters and digits');
/** 收费批次号: "0000" in a withdrawal means every batch. */
export const chargeBatch = code(/^[A-Za-z0-9._-]{1,30}$/, 'a charge batch number (chrg_bchno) of up to 30 letters and digits');

export const diseinfo = z
  .array(
    z.object({
      diag_type: optionalText(10),
      maindiag_flag: flag('01').optional(),
      diag_code: text(32).min(1),
      diag_name: optionalText(200),
    }),
  )
  .max(50)
  .optional()
  .transform((rows): Diagnosis[] =>
    (rows ?? []).map((row, i) => ({
      code: row.diag_code,
      name: row.diag_name ?? null,
      main: row.maindiag_flag === '1' || (i === 0 && !rows!.some((r) => r.maindiag_flag === '1')),
    })),
  );

export const encounterRef = z.object({ mdtrt_id: mdtrtId, psn_no: card });

/** A fee line (2301 住院, 2204 门诊): the same fields, 2204 adds chrg_bchno. */
export const feeLineFields = {
  feedetl_sn: lineSerial,
  init_feedetl_sn: lineSerial.optional(),
  mdtrt_id: mdtrtId,
  psn_no: card,
  med_type: medType.optional(),
  fee_ocur_time: dateTime,
  med_list_codg: z.string().regex(/^[A-Za-z0-9.-]{1,50}$/, 'a national catalogue code'),
  medins_list_codg: optionalText(50),
  det_item_fee_sumamt: signedAmount,
  cnt: quantity,
  pric: price,
  memo: optionalText(200),
};

interface LineAmounts {
  cnt: Money;
  pric: Money;
  det_item_fee_sumamt: Money;
  init_feedetl_sn?: string | undefined;
}

/** A line's amounts agree (cnt × pric to the fen), and a refund line (negative cnt) names its line. */
export function checkLineAmounts(line: LineAmounts, ctx: z.RefinementCtx): void {
  // zod runs an object's refinements even when one of its fields failed: judge only parsed amounts.
  if (![line.cnt, line.pric, line.det_item_fee_sumamt].every((value) => value instanceof Decimal)) return;
  const refund = line.cnt.isNegative();
  if (line.cnt.isZero()) ctx.addIssue({ code: 'custom', path: ['cnt'], message: 'cnt must not be 0' });
  if (refund && !line.init_feedetl_sn) ctx.addIssue({ code: 'custom', path: ['init_feedetl_sn'], message: 'a refund line (negative cnt) names the line it refunds' });
  if (!refund && line.init_feedetl_sn) ctx.addIssue({ code: 'custom', path: ['cnt'], message: 'a refund line has a negative cnt' });
  if (!round2(line.cnt.times(line.pric)).eq(line.det_item_fee_sumamt)) {
    ctx.addIssue({ code: 'custom', path: ['det_item_fee_sumamt'], message: `must be cnt × pric rounded to the fen (${round2(line.cnt.times(line.pric)).toFixed(2)})` });
  } else if (!line.cnt.isZero() && lineAmount(line.cnt, line.pric) === null) {
    ctx.addIssue({
      code: 'custom',
      path: ['det_item_fee_sumamt'],
      message: `cnt × pric is ${line.cnt.times(line.pric).toString()}: rounding it to the fen would change it by more than 10 %`,
    });
  }
}

/** One upload's lines belong to one encounter and person, and no serial is sent twice. */
export function checkUpload(lines: readonly { mdtrt_id: string; psn_no: string; feedetl_sn: string }[], ctx: z.RefinementCtx): void {
  const first = lines[0];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (!line || typeof line !== 'object') return;
    if (first && (line.mdtrt_id !== first.mdtrt_id || line.psn_no !== first.psn_no)) {
      ctx.addIssue({ code: 'custom', path: ['feedetail', i, 'mdtrt_id'], message: 'every line of one upload belongs to the same encounter and person' });
    }
    if (seen.has(line.feedetl_sn)) ctx.addIssue({ code: 'custom', path: ['feedetail', i, 'feedetl_sn'], message: 'feedetl_sn twice in one upload' });
    seen.add(line.feedetl_sn);
  });
}

/** 2303/2304 and 2206/2207 `input.data`: the bill the HIS summed from its fee-line answers. */
export const settleDataFields = {
  psn_no: card,
  mdtrt_id: mdtrtId,
  mdtrt_cert_type: certType.optional(),
  mdtrt_cert_no: z.string().max(64).optional(),
  medfee_sumamt: amount,
  psn_setlway: code(/^0[12]$/, 'psn_setlway 01 or 02').optional(),
  insutype: insutype.optional(),
  acct_used_flag: flag('01').optional(),
  invono: optionalText(50),
  fulamt_ownpay_amt: amount.optional(),
  overlmt_selfpay: amount.optional(),
  preselfpay_amt: amount.optional(),
  inscp_scp_amt: amount.optional(),
};

/** A time `yyyy-MM-dd HH:mm:ss` as the native model writes line times: `yyyy-MM-ddTHH:mm:ss`. */
export function isoLineTime(value: string): string {
  const [day, time = '00:00:00'] = value.split(' ');
  return `${day}T${time.length === 5 ? `${time}:00` : time}`;
}

/** `yyyy-MM-dd HH:mm(:ss)` with seconds (a date alone is its midnight). */
export function fullTime(value: string): string {
  return isoLineTime(value).replace('T', ' ');
}
