/** Inputs of the inpatient flow: 2401 入院, 2402 出院, 2404/2405, 2301/2302 费用明细, 2303/2304 结算 (national-platform.md §3). */
import { z } from 'zod';
import { DSCG_WAYS } from '../../domain/code-tables.js';
import { date, dateTime } from '../values.js';
import {
  card,
  certType,
  checkLineAmounts,
  checkUpload,
  diseinfo,
  encounterRef,
  feeLineFields,
  flag,
  insutype,
  lineSerial,
  medType,
  optionalText,
  setlId,
  settleDataFields,
} from './common.js';

export const admissionInput = z.object({
  mdtrtinfo: z.object({
    psn_no: card,
    insutype: insutype.optional(),
    mdtrt_cert_type: certType.optional(),
    mdtrt_cert_no: z.string().max(64).optional(),
    med_type: medType,
    begntime: dateTime,
    ipt_no: optionalText(50),
    medrcdno: optionalText(50),
    adm_diag_dscr: optionalText(500),
    adm_dept_codg: optionalText(50),
    adm_dept_name: optionalText(100),
    adm_bed: optionalText(30),
    dscg_maindiag_code: optionalText(32),
    dscg_maindiag_name: optionalText(200),
    dise_codg: optionalText(64),
    dise_name: optionalText(200),
    matn_type: optionalText(6),
  }),
  diseinfo,
});

export const encounterData = z.object({ data: encounterRef });

export const dischargeInput = z.object({
  dscginfo: z.object({
    mdtrt_id: encounterRef.shape.mdtrt_id,
    psn_no: card,
    insutype: insutype.optional(),
    endtime: dateTime,
    dscg_way: z.enum(DSCG_WAYS).optional(),
    dscg_dept_codg: optionalText(50),
    dscg_dept_name: optionalText(100),
    dscg_bed: optionalText(30),
    // Vendors send a date or a date and time.
    die_date: z.union([date, dateTime]).optional(),
    matn_type: optionalText(6),
  }),
  diseinfo,
});

export const inpatientFeeInput = z
  .object({ feedetail: z.array(z.object(feeLineFields).superRefine(checkLineAmounts)).min(1).max(5000) })
  .superRefine((input, ctx) => checkUpload(input.feedetail, ctx));

export const withdrawInput = z.object({ data: encounterRef.extend({ feedetl_sn: lineSerial }) });

/** 2303 / 2304: the stay's bill; 2303 may name the discharge time it is settled as of (`dscg_time`, some vendors `dscgTime`). */
export const inpatientSettleInput = z.object({
  data: z.object({
    ...settleDataFields,
    mid_setl_flag: flag('01').optional(),
    dscg_time: dateTime.optional(),
    dscgTime: dateTime.optional(),
  }),
});

export const reversalInput = z.object({ data: encounterRef.extend({ setl_id: setlId }) });
