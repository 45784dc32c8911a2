/** Inputs of 1101 人员信息, 2501/2502 转院备案, 3201/3202 对账 and 2601 冲正 (national-platform.md §3). */
import { z } from 'zod';
import { code, date, dateTime, signedAmount, text } from '../values.js';
import { card, certType, flag, insutype, optionalText, setlId } from './common.js';

export const signInInput = z.object({ signIn: z.unknown().optional() });

export const personInput = z.object({
  data: z.object({
    mdtrt_cert_type: certType.optional(),
    mdtrt_cert_no: z.string().max(64).optional(),
    card_sn: optionalText(64),
    psn_cert_type: optionalText(10),
    certno: z.string().max(64).optional(),
    psn_name: optionalText(64),
    begntime: dateTime.optional(),
  }),
});

export const referralInput = z.object({
  refmedin: z.object({
    psn_no: card,
    insutype: insutype.optional(),
    tel: optionalText(50),
    addr: optionalText(200),
    insu_optins: optionalText(10),
    diag_code: text(32).min(1),
    diag_name: optionalText(200),
    dise_cond_dscr: optionalText(500),
    reflin_medins_no: z.string().regex(/^[A-Z][A-Z0-9]{11}$/, 'the receiving facility national code (reflin_medins_no)'),
    reflin_medins_name: optionalText(200),
    // The platform spells it admvs (as in the envelope); some vendors write admdvs here.
    mdtrtarea_admvs: optionalText(10),
    mdtrtarea_admdvs: optionalText(10),
    hosp_agre_refl_flag: flag('01').optional(),
    refl_type: optionalText(10),
    refl_date: dateTime.optional(),
    refl_rea: optionalText(500),
    refl_opnn: optionalText(500),
    begndate: date,
    enddate: date,
  }),
});

export const referralRevokeInput = z.object({
  data: z.object({
    trt_dcla_detl_sn: code(/^R-[0-9a-f]{4}-[0-9a-f]{32}$/, 'a trt_dcla_detl_sn this service gave (2501)'),
    psn_no: card,
    memo: optionalText(200),
  }),
});

export const totalsInput = z.object({
  data: z.object({
    insutype,
    clr_type: code(/^(11|21)$/, 'clr_type 11 or 21'),
    setl_optins: optionalText(10),
    stmt_begndate: date,
    stmt_enddate: date,
    medfee_sumamt: signedAmount,
    fund_pay_sumamt: signedAmount,
    acct_pay: signedAmount.optional(),
    fixmedins_setl_cnt: code(/^\d{1,9}$/, 'a count'),
    refd_setl_flag: flag('01').optional(),
  }),
});

export const detailInput = z.object({
  data: z.object({
    setl_optins: optionalText(10),
    file_qury_no: optionalText(100),
    stmt_begndate: date,
    stmt_enddate: date,
    medfee_sumamt: signedAmount,
    fund_pay_sumamt: signedAmount,
    cash_payamt: signedAmount.optional(),
    fixmedins_setl_cnt: code(/^\d{1,9}$/, 'a count'),
    // Inline here: on the platform the rows come as a 9101 file named by file_qury_no.
    detail: z
      .array(
        z.object({
          setl_id: setlId,
          mdtrt_id: z.string().max(64).optional(),
          psn_no: card.optional(),
          medfee_sumamt: signedAmount,
          fund_pay_sumamt: signedAmount,
          acct_pay: signedAmount.optional(),
          refd_setl_flag: flag('01').optional(),
        }),
      )
      .max(50_000),
  }),
});

export const reverseMessageInput = z.object({
  data: z.object({ psn_no: card, omsgid: code(/^[A-Za-z0-9._-]{1,64}$/, 'the msgid of the call to undo'), oinfno: code(/^\d{4}$/, 'its transaction number') }),
});

/**
 * 2503 人员慢特病备案, `input.data` (fields as the 5301 answer and vendor
 * filing tables carry them: newtouch-cloud/openhis Models/Output/Output_5301.cs,
 * binzhe12123/Medical SZSI_Smart/Model/SYB/XXCX/MB5301.cs).
 */
export const specialDiseaseInput = z.object({
  data: z.object({
    psn_no: card,
    insutype: insutype.optional(),
    opsp_dise_code: code(/^[A-Za-z0-9._-]{1,64}$/, 'a special-disease code (opsp_dise_code) as the policy lists it'),
    opsp_dise_name: optionalText(300),
    tel: optionalText(50),
    addr: optionalText(200),
    insu_optins: optionalText(10),
    ide_fixmedins_no: optionalText(30),
    ide_fixmedins_name: optionalText(200),
    hosp_ide_date: date.optional(),
    diag_dr_codg: optionalText(30),
    diag_dr_name: optionalText(50),
    begndate: date,
    enddate: date,
  }),
});

/** 2504 人员慢特病备案撤销. */
export const specialDiseaseRevokeInput = z.object({
  data: z.object({
    trt_dcla_detl_sn: code(/^D-[0-9a-f]{4}-[0-9a-f]{32}$/, 'a trt_dcla_detl_sn this service gave (2503)'),
    psn_no: card,
    memo: optionalText(200),
  }),
});
