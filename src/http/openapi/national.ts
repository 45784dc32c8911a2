/**
 * /hsa/v1 in the OpenAPI document: the envelope as a union discriminated by
 * `infno`, each member carrying its transaction's `input` (rendered from the
 * very schema the face reads it with, as the wire shows it: amounts are JSON
 * numbers or strings) and naming its `output`; the answer's `output` is one
 * of the outputs below. A generated client thus types every transaction.
 */
import { z } from 'zod';
import { TRANSACTIONS } from '../../national/transactions.js';

/** A platform amount: a JSON number written from its decimal text (some vendors send strings). */
const amount = z
  .union([z.number(), z.string()])
  .meta({ description: 'a decimal amount: a JSON number (or string) read exactly, 16,2 (unit price 16,6, quantity 16,4); zeros past the scale are accepted' });
const text = z.string().nullable().optional();

const setlinfo = z.looseObject({
  mdtrt_id: z.string(),
  setl_id: z.string().optional(),
  psn_no: z.string(),
  insutype: z.string(),
  med_type: z.string(),
  setl_time: text,
  medfee_sumamt: amount,
  fulamt_ownpay_amt: amount,
  overlmt_selfpay: amount,
  preselfpay_amt: amount,
  inscp_scp_amt: amount,
  act_pay_dedc: amount,
  hifp_pay: amount,
  pool_prop_selfpay: amount,
  hifmi_pay: amount,
  oth_pay: amount,
  fund_pay_sumamt: amount,
  psn_part_amt: amount,
  acct_pay: amount,
  psn_cash_pay: amount,
  medins_setl_id: text,
  clr_optins: z.string(),
  clr_type: z.string(),
});
const setldetail = z.array(
  z.looseObject({ fund_pay_type: z.string(), inscp_scp_amt: amount, crt_payb_lmt_amt: amount, fund_payamt: amount, fund_pay_type_name: z.string(), setl_proc_info: z.string() }),
);
const settlement = z.looseObject({ setlinfo, setldetail });
const feeResult = z.looseObject({
  feedetl_sn: z.string(),
  det_item_fee_sumamt: amount,
  cnt: amount,
  pric: amount,
  fulamt_ownpay_amt: amount,
  overlmt_amt: amount,
  preselfpay_amt: amount,
  inscp_scp_amt: amount,
  chrgitm_lv: z.string(),
  med_chrgitm_type: z.string(),
  chrg_bchno: text,
});
const withdrawn = z.looseObject({ result: z.looseObject({ withdrawn: amount }) });
const filed = z.looseObject({ result: z.looseObject({ trt_dcla_detl_sn: z.string() }) });
const statement = z.looseObject({
  stmtinfo: z.looseObject({ setl_optins: text, stmt_rslt: z.string(), stmt_rslt_dscr: z.string() }),
  result: z.array(z.looseObject({})).optional(),
});

/** Each transaction's output (null: the transaction answers no output). */
const OUTPUTS: Record<string, z.ZodType> = {
  '9001': z.looseObject({ signinoutb: z.looseObject({ sign_time: z.string(), sign_no: z.string() }) }),
  '1101': z.looseObject({
    baseinfo: z.looseObject({ psn_no: z.string(), gend: z.string(), brdy: z.string() }),
    insuinfo: z.array(z.looseObject({ insutype: z.string(), psn_insu_stas: z.string(), insuplc_admdvs: z.string() })),
    idetinfo: z.array(z.looseObject({})),
  }),
  '2401': z.looseObject({ result: z.looseObject({ mdtrt_id: z.string() }) }),
  '2201': z.looseObject({ data: z.looseObject({ mdtrt_id: z.string(), psn_no: z.string(), ipt_otp_no: text }) }),
  '2301': z.looseObject({ result: z.array(feeResult) }),
  '2204': z.looseObject({ result: z.array(feeResult) }),
  '5204': z.looseObject({ result: z.array(feeResult) }),
  '2302': withdrawn,
  '2205': withdrawn,
  '2303': settlement.extend({
    dscginfo: z.looseObject({
      dscg_time: z.string(),
      dscg_time_src: z.enum(['1', '2', '3', '4']).meta({ description: '1 the discharge (2402), 2 this message, 3 the latest fee line, 4 the admission' }),
    }),
  }),
  '2206': settlement.extend({ dscginfo: z.looseObject({ dscg_time: z.string(), dscg_time_src: z.string() }) }),
  '2304': settlement,
  '2207': settlement,
  '2305': settlement,
  '2208': settlement,
  '5203': settlement,
  '2501': filed,
  '2503': filed,
  '3201': statement,
  '3202': statement,
};

function outputOf(infno: string): z.ZodType {
  return (OUTPUTS[infno] ?? z.null()).meta({ id: `HsaOutput${infno}`, description: `output of ${infno}` });
}

/** The input as the wire shows it, from the schema the face reads it with. */
function inputOf(infno: string): z.ZodType {
  const json = z.toJSONSchema(TRANSACTIONS[infno]!.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return z
    .record(z.string(), z.unknown())
    .meta({ override: json as never, description: `input of ${infno} (national-platform.md §3); "" and null are absent, unknown fields ignored` });
}

const envelopeFields = {
  msgid: z.string().optional().meta({ description: 'facility code (12) + yyyyMMddHHmmss (14) + sequence (4); the idempotency key of every write' }),
  fixmedins_code: z.string().meta({ description: "the facility's national code; must be the key's hospital's", example: 'H33032600001' }),
  fixmedins_name: text,
  mdtrtarea_admvs: text,
  insuplc_admdvs: text,
  opter_type: text,
  opter: text.meta({ description: 'operator id, recorded with what the call did' }),
  opter_name: text,
  inf_time: text,
  sign_no: text,
};

/** The request body: one member per infno. */
export function platformRequestSchema(): z.ZodType {
  const members = Object.keys(TRANSACTIONS)
    .sort()
    .map((infno) =>
      z
        .looseObject({ infno: z.literal(infno), ...envelopeFields, input: inputOf(infno) })
        .meta({ id: `HsaRequest${infno}`, description: `${infno}: answers output ${`HsaOutput${infno}`}` }),
    );
  return z.discriminatedUnion('infno', members as unknown as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]).meta({ id: 'PlatformEnvelope' });
}

/** The answer: the envelope, its output one of the transactions'. */
export function platformAnswerSchema(): z.ZodType {
  const outputs = [...new Set(Object.keys(TRANSACTIONS))].sort().map(outputOf);
  return z
    .strictObject({
      infcode: z.union([z.literal(0), z.literal(-1)]),
      inf_refmsgid: z.string().regex(/^\d{30}$/),
      refmsg_time: z.string().regex(/^\d{17}$/),
      respond_time: z.string().regex(/^\d{17}$/),
      err_msg: z.string().nullable().meta({ description: 'the native error code, then Chinese naming each field' }),
      warn_msg: z.string().nullable(),
      cainfo: z.string().nullable(),
      signtype: z.string().nullable(),
      output: z.union(outputs).meta({ description: 'the output of the transaction the request named (HsaOutput<infno>)' }),
    })
    .meta({ id: 'PlatformTransactionAnswer' });
}
