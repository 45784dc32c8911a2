/** 确认结算: repeats who is settled (name, card, sex, birth date) and what the patient pays before the one settle. */
import type { Ref } from 'preact';
import { yuan } from '../amounts.js';
import type { BillInput } from '../bill.js';
import { maskCard, SEX } from '../labels.js';
import type { Enrollee, Hospital, Settlement } from '../wire.js';
import { hospitalLabel } from './HospitalName.js';

export interface ConfirmDialogProps {
  dialog: Ref<HTMLDialogElement>;
  preview: Settlement | null;
  bill: BillInput;
  enrollee: Enrollee | null;
  patientName: string;
  hospital: Hospital | null;
  onClose: () => void;
  onSettle: () => void;
}

export function ConfirmDialog({ dialog, preview, bill, enrollee, patientName, hospital, onClose, onSettle }: ConfirmDialogProps) {
  const close = () => (dialog as { current: HTMLDialogElement | null }).current?.close();
  return (
    <dialog ref={dialog} class="confirm-dialog" aria-labelledby="confirm-title" onClose={onClose}>
      {preview && (
        <div>
          <h2 id="confirm-title">确认结算</h2>
          <p data-testid="confirm-person">
            患者 <strong>{patientName.trim() || '（未填姓名）'}</strong>，社会保障卡号 {maskCard(bill.card)}
            {enrollee ? `，${SEX[enrollee.sex] ?? ''}，${enrollee.birthDate} 出生` : ''}
          </p>
          <p>
            {hospitalLabel(hospital, bill.hospitalId)}，{bill.admissionDate} 至 {bill.dischargeDate}；医疗费总额 {yuan(preview.total)} 元，基金支付 {yuan(preview.fundTotal)} 元。
          </p>
          <p class="big">
            患者应付 <strong data-testid="confirm-patient">{yuan(preview.patientTotal)}</strong> 元
          </p>
          <p class="dialog-actions">
            <button type="button" onClick={close}>
              取消
            </button>
            <button type="button" class="primary" autofocus onClick={onSettle} data-testid="confirm-settle">
              确认结算
            </button>
          </p>
        </div>
      )}
    </dialog>
  );
}
