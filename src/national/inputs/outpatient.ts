/**
 * Inputs of the outpatient flow (门诊, 门诊慢特病): 2201 挂号, 2202 挂号撤销,
 * 2203 就诊信息上传, 2204 费用明细上传, 2205 明细撤销, 2206 预结算, 2207 结算,
 * 2208 结算撤销. Fields as vendor models carry them: newtouch-cloud/openhis
 * (YiBaoInterface/Models/Input/Input_2201.cs), liwerAKM/YbRefund
 * (Plat/Models/MZJS/T2202.cs), binzhe12123/Medical (SZSI_Smart/Model/SYB/YBJS/ZJ2203.cs),
 * TeaHZ/185 (OnlineBusHos185/Models/T2204.cs), liutao2019/IBORN_HIS_ALL
 * (API.GZSI/Models/Response/ResponseGzsiModel2201.cs).
 */
import { z } from 'zod';
import { date, dateTime } from '../values.js';
import {
  card,
  certType,
  chargeBatch,
  checkLineAmounts,
  checkUpload,
  diseinfo,
  encounterRef,
  feeLineFields,
  insutype,
  medType,
  mdtrtId,
  optionalText,
  settleDataFields,
} from './common.js';

export const registrationInput = z.object({
  data: z.object({
    psn_no: card,
    insutype: insutype.optional(),
    begntime: dateTime,
    mdtrt_cert_type: certType.optional(),
    mdtrt_cert_no: z.string().max(64).optional(),
    ipt_otp_no: optionalText(30),
    atddr_no: optionalText(30),
    dr_name: optionalText(50),
    dept_code: optionalText(30),
    dept_name: optionalText(100),
    caty: optionalText(6),
    // Not in the 2201 table; some vendors send it here rather than in 2203.
    med_type: medType.optional(),
  }),
});

export const registrationCancelInput = z.object({ data: encounterRef.extend({ ipt_otp_no: optionalText(30) }) });

export const visitInput = z.object({
  mdtrtinfo: z.object({
    mdtrt_id: mdtrtId,
    psn_no: card,
    med_type: medType,
    begntime: dateTime.optional(),
    main_cond_dscr: optionalText(1000),
    // 病种编码: for 14 门诊慢特病, the disease the person's filing names.
    dise_codg: optionalText(64),
    dise_name: optionalText(500),
    birctrl_type: optionalText(6),
    birctrl_matn_date: z.union([date, dateTime]).optional(),
    matn_type: optionalText(6),
  }),
  diseinfo,
});

export const outpatientFeeInput = z
  .object({
    feedetail: z
      .array(
        z
          .object({
            ...feeLineFields,
            chrg_bchno: chargeBatch,
            dise_codg: optionalText(64),
            rxno: optionalText(30),
            rx_circ_flag: optionalText(3),
          })
          .superRefine(checkLineAmounts),
      )
      .min(1)
      .max(5000),
  })
  .superRefine((input, ctx) => checkUpload(input.feedetail, ctx));

export const batchWithdrawInput = z.object({ data: encounterRef.extend({ chrg_bchno: chargeBatch }) });

export const outpatientSettleInput = z.object({
  data: z.object({ ...settleDataFields, med_type: medType, chrg_bchno: chargeBatch }),
});
