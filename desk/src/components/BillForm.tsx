/** The bill at the window: the stay, the four totals or fee lines, the flags; 预结算 / 确认结算 / 新建结算. */
import type { Ref } from 'preact';
import type { BillInput } from '../bill.js';
import { DELIVERY, LIABILITY, VISIT_TYPE } from '../labels.js';
import type { Phase } from '../billing-flow.js';
import { FeeLines } from './FeeLines.js';
import { Field } from './Field.js';
import { useState } from 'preact/hooks';
import type { Hospital } from '../wire.js';
import { HospitalName } from './HospitalName.js';
import { HospitalPicker } from './HospitalPicker.js';
import type { PersonData } from './PersonPanel.js';

export interface BillFormProps {
  bill: BillInput;
  person: PersonData;
  phase: Phase;
  locked: boolean;
  fixedHospital: string;
  requestId: string;
  canConfirm: boolean;
  showHint: boolean;
  patientName: string;
  firstBillField: Ref<HTMLInputElement>;
  confirmButton: Ref<HTMLButtonElement>;
  change: (patch: Partial<BillInput>) => void;
  onPatientName: (name: string) => void;
  onPreview: () => void;
  onConfirm: () => void;
  onNewBill: () => void;
}

export function BillForm({
  bill,
  person,
  phase,
  locked,
  fixedHospital,
  requestId,
  canConfirm,
  showHint,
  patientName,
  firstBillField,
  confirmButton,
  change,
  onPatientName,
  onPreview,
  onConfirm,
  onNewBill,
}: BillFormProps) {
  /** The hospital an admin key picked from the registry (a billing key settles for its own). */
  const [picked, setPicked] = useState<Hospital | null>(null);
  return (
    <form
      class="card bill"
      onSubmit={(event) => {
        event.preventDefault();
        onPreview();
      }}
      aria-label="结算信息"
    >
      <h2>本次费用</h2>
      <fieldset disabled={locked}>
        <legend class="sr-only">就诊信息</legend>
        <div class="grid">
          {fixedHospital ? (
            <p class="field" data-testid="bill-hospital">
              <span class="muted">结算医院</span>
              <strong>
                <HospitalName hospitalId={bill.hospitalId} />
              </strong>
            </p>
          ) : (
            <HospitalPicker
              label="结算医院"
              name="billHospital"
              picked={picked}
              onChange={(state) => {
                setPicked(state.hospital);
                change({ hospitalId: state.hospital?.hospitalId ?? '' });
              }}
            />
          )}
          <Field label="就诊类型">
            <select name="visitType" value={bill.visitType} onChange={(e) => change({ visitType: e.currentTarget.value })}>
              {Object.entries(VISIT_TYPE).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="入院日期" hint="YYYY-MM-DD 或 20190301">
            <input
              ref={firstBillField}
              name="admissionDate"
              value={bill.admissionDate}
              onInput={(e) => change({ admissionDate: e.currentTarget.value })}
              required
              inputMode="numeric"
              autocomplete="off"
            />
          </Field>
          <Field label="出院日期">
            <input
              name="dischargeDate"
              value={bill.dischargeDate}
              onInput={(e) => change({ dischargeDate: e.currentTarget.value })}
              required
              inputMode="numeric"
              autocomplete="off"
            />
          </Field>
        </div>

        <div class="row" role="radiogroup" aria-label="费用录入方式">
          <label class="inline">
            <input type="radio" name="chargeMode" value="totals" checked={bill.chargeMode === 'totals'} onChange={() => change({ chargeMode: 'totals' })} />
            四项金额
          </label>
          <label class="inline">
            <input type="radio" name="chargeMode" value="lines" checked={bill.chargeMode === 'lines'} onChange={() => change({ chargeMode: 'lines' })} />
            费用明细
          </label>
        </div>

        {bill.chargeMode === 'totals' ? (
          <div class="grid">
            <Field label="医疗费总额">
              <input name="total" value={bill.total} onInput={(e) => change({ total: e.currentTarget.value })} required inputMode="decimal" autocomplete="off" />
            </Field>
            <Field label="全自费">
              <input
                name="fullSelfPay"
                value={bill.fullSelfPay}
                onInput={(e) => change({ fullSelfPay: e.currentTarget.value })}
                inputMode="decimal"
                autocomplete="off"
                placeholder="0.00"
              />
            </Field>
            <Field label="超限价自费">
              <input
                name="overLimitSelfPay"
                value={bill.overLimitSelfPay}
                onInput={(e) => change({ overLimitSelfPay: e.currentTarget.value })}
                inputMode="decimal"
                autocomplete="off"
                placeholder="0.00"
              />
            </Field>
            <Field label="先行自付">
              <input
                name="preSelfPay"
                value={bill.preSelfPay}
                onInput={(e) => change({ preSelfPay: e.currentTarget.value })}
                inputMode="decimal"
                autocomplete="off"
                placeholder="0.00"
              />
            </Field>
          </div>
        ) : (
          <FeeLines lines={bill.lines} onChange={(lines) => change({ lines })} />
        )}

        <details class="flags">
          <summary>其他结算条件（备案、急诊、病种…）</summary>
          <div class="grid">
            <Field label="备案号（空：自动查找有效备案）">
              <input name="referralId" value={bill.referralId} onInput={(e) => change({ referralId: e.currentTarget.value })} list="filing-ids" autocomplete="off" />
              <datalist id="filing-ids">
                {(person.filings ?? [])
                  .filter((filing) => filing.status === 'active')
                  .map((filing) => (
                    <option key={filing.referralId} value={filing.referralId} />
                  ))}
              </datalist>
            </Field>
            <Field label="门诊特殊病种">
              <input
                name="specialDisease"
                value={bill.specialDisease}
                onInput={(e) => change({ specialDisease: e.currentTarget.value })}
                list="special-diseases"
                autocomplete="off"
              />
              <datalist id="special-diseases">
                {person.enrollee.specialDiseases.map((disease) => (
                  <option key={disease} value={disease} />
                ))}
              </datalist>
            </Field>
            <Field label="特大病种">
              <input name="majorDisease" value={bill.majorDisease} onInput={(e) => change({ majorDisease: e.currentTarget.value })} autocomplete="off" />
            </Field>
            <Field label="分娩方式">
              <select name="delivery" value={bill.delivery} onChange={(e) => change({ delivery: e.currentTarget.value })}>
                <option value="">（非分娩）</option>
                {Object.entries(DELIVERY).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="责任认定">
              <select name="liability" value={bill.liability} onChange={(e) => change({ liability: e.currentTarget.value })}>
                {Object.entries(LIABILITY).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <div class="row">
            <label class="inline">
              <input type="checkbox" name="emergency" checked={bill.emergency} onChange={(e) => change({ emergency: e.currentTarget.checked })} />
              急诊
            </label>
            <label class="inline">
              <input type="checkbox" name="referredFromPrimary" checked={bill.referredFromPrimary} onChange={(e) => change({ referredFromPrimary: e.currentTarget.checked })} />
              基层转诊
            </label>
            <label class="inline">
              <input type="checkbox" name="consortiumTransfer" checked={bill.consortiumTransfer} onChange={(e) => change({ consortiumTransfer: e.currentTarget.checked })} />
              医联体内转院
            </label>
          </div>
        </details>
        <Field label="患者姓名（只打印在结算单上，不上传）">
          <input name="patientName" value={patientName} onInput={(e) => onPatientName(e.currentTarget.value)} autocomplete="off" maxLength={40} />
        </Field>
      </fieldset>

      <p class="actions">
        <span class="muted">
          结算流水号 <code data-testid="request-id">{requestId}</code>
        </span>
        <button type="submit" disabled={locked || phase === 'previewing'}>
          预结算 (F8)
        </button>
        <button type="button" ref={confirmButton} class="primary" disabled={!canConfirm} onClick={onConfirm} data-testid="confirm">
          确认结算 (F9)
        </button>
        <button type="button" onClick={onNewBill} disabled={phase === 'unknown' || phase === 'submitting'}>
          新建结算 (F2)
        </button>
      </p>
      {showHint && <p class="muted">先预结算；确认结算只对预结算过的这组数据有效。</p>}
    </form>
  );
}
