/** An inpatient stay through the platform's face (2401, 2301, 2402), the way vendor code builds the messages. */
import { expect } from 'vitest';
import { n, text, type Hsa } from './hsa.js';

/** A 2301 feedetail row as vendors send it: the one builder the national tests share. */
export { feedetail } from './hsa-stays.js';

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
