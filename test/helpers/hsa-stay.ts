/** An inpatient stay through the platform's face (2401, 2301, 2402), the way vendor code builds the messages. */
import { expect } from 'vitest';
import type { WireLine } from './fee-lines.js';
import { n, text, type Hsa } from './hsa.js';

export function feedetail(line: WireLine, mdtrtId: string, card: string, extra: Record<string, unknown> = {}) {
  return {
    feedetl_sn: line.lineId,
    init_feedetl_sn: '',
    mdtrt_id: mdtrtId,
    drord_no: `YZ${line.lineId}`,
    psn_no: card,
    med_type: '21',
    fee_ocur_time: (line.time ?? '2019-03-02T10:00:00').replace('T', ' '),
    med_list_codg: line.code,
    medins_list_codg: line.hospitalCode ?? `HOS-${line.lineId}`,
    det_item_fee_sumamt: n(line.amount),
    cnt: n(line.quantity),
    pric: n(line.unitPrice),
    bilg_dept_codg: 'A03',
    bilg_dept_name: '普外科',
    bilg_dr_codg: 'D001',
    bilg_dr_name: '李医生',
    hosp_appr_flag: '0',
    etip_flag: '0',
    dscg_tkdrug_flag: '0',
    matn_fee_flag: '0',
    memo: '',
    ...extra,
  };
}

export function admission(card: string, begntime: string) {
  return {
    mdtrtinfo: {
      psn_no: card,
      insutype: '390',
      begntime,
      mdtrt_cert_type: '03',
      mdtrt_cert_no: card,
      med_type: '21',
      ipt_no: 'ZY0001',
      medrcdno: 'BA0001',
      atddr_no: 'D001',
      chfpdr_name: '李医生',
      adm_diag_dscr: '急性阑尾炎',
      adm_dept_codg: 'A03',
      adm_dept_name: '普外科',
      adm_bed: '12',
      dscg_maindiag_code: 'K35.800',
      dscg_maindiag_name: '急性阑尾炎',
    },
    diseinfo: [
      {
        psn_no: card,
        diag_type: '1',
        maindiag_flag: '1',
        diag_srt_no: n('1'),
        diag_code: 'K35.800',
        diag_name: '急性阑尾炎',
        diag_dept: '普外科',
        dise_dor_no: 'D001',
        dise_dor_name: '李医生',
        diag_time: begntime,
      },
    ],
  };
}

export async function admit(p: Hsa, card: string, begntime: string, msgid?: string): Promise<string> {
  const admitted = await p.send('2401', admission(card, begntime), msgid ? { msgid } : {});
  expect(admitted.ok, admitted.text).toBe(true);
  return text(admitted.envelope.output.result.mdtrt_id);
}

export const discharge = (card: string, mdtrtId: string, endtime: string) => ({ dscginfo: { mdtrt_id: mdtrtId, psn_no: card, endtime, dscg_way: '1' }, diseinfo: [] });
