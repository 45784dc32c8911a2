/**
 * 住院结算 — the discharge window (desk.md "Billing desk").
 *
 * One requestId per bill, reused for every retry; 确认结算 only for the exact
 * inputs previewed, and never twice; no answer means *result unknown*, which
 * is resolved by replaying the identical request — never by a new one.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, NoAnswer, call, post, seg } from '../api.js';
import { yuan } from '../amounts.js';
import { billKey, billRequest, emptyBill, newRequestId, normaliseDate, settlementRequest, type BillInput } from '../bill.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { FeeLines } from '../components/FeeLines.js';
import { PersonPanel, type PersonData } from '../components/PersonPanel.js';
import { ReversalDialog } from '../components/ReversalDialog.js';
import { Slip } from '../components/Slip.js';
import { Steps, Waterfall } from '../components/Waterfall.js';
import { isIsoDate, shanghaiTime } from '../format.js';
import { DELIVERY, LIABILITY, SETTLEMENT_STATUS, VISIT_TYPE } from '../labels.js';
import { session } from '../session.js';
import type { Accumulators, Enrollee, Filing, Hospital, Me, PolicyDetail, PolicySummary, Settlement } from '../wire.js';

type Phase = 'editing' | 'previewing' | 'confirming' | 'submitting' | 'unknown' | 'settled';

let policiesCache: Promise<PolicySummary[]> | null = null;
function policies(): Promise<PolicySummary[]> {
  policiesCache ??= get<{ policies: PolicySummary[] }>('/v1/policies').then((answer) => answer.body.policies);
  policiesCache.catch(() => (policiesCache = null));
  return policiesCache;
}

const policyCache = new Map<string, Promise<PolicyDetail>>();
export function policyDetail(policyId: string): Promise<PolicyDetail> {
  let detail = policyCache.get(policyId);
  if (!detail) {
    detail = get<PolicyDetail>(`/v1/policies/${seg(policyId)}`).then((answer) => answer.body);
    detail.catch(() => policyCache.delete(policyId));
    policyCache.set(policyId, detail);
  }
  return detail;
}

const hospitalCache = new Map<string, Promise<Hospital | null>>();
export function hospitalOf(hospitalId: string): Promise<Hospital | null> {
  let hospital = hospitalCache.get(hospitalId);
  if (!hospital) {
    hospital = get<Hospital>(`/v1/hospitals/${seg(hospitalId)}`).then(
      (answer) => answer.body,
      () => null,
    );
    hospitalCache.set(hospitalId, hospital);
  }
  return hospital;
}

/** A person's filings (GET /v1/enrollees/{card}/referrals); null where the service has no such list. */
export async function filingsOf(card: string): Promise<Filing[] | null> {
  try {
    return (await get<{ referrals: Filing[] }>(`/v1/enrollees/${seg(card)}/referrals`)).body.referrals;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405) && error.code !== 'ENROLLEE_NOT_FOUND') return null;
    throw error;
  }
}

/** A person's settlements of a year, following `next` pages when the service pages them. */
export async function settlementsOf(card: string, year: number): Promise<Settlement[]> {
  const all: Settlement[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const query: string = `year=${year}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const answer: { body: { settlements: Settlement[]; next?: string | null } } = await get(`/v1/enrollees/${seg(card)}/settlements?${query}`);
    all.push(...answer.body.settlements);
    cursor = answer.body.next ?? null;
    if (!cursor) break;
  }
  return all;
}

function yearOf(bill: BillInput, enrollee: Enrollee): number {
  const discharge = normaliseDate(bill.dischargeDate);
  if (isIsoDate(discharge)) return Number(discharge.slice(0, 4));
  const last = enrollee.coverage.map((period) => period.to).sort().pop();
  return last ? Number(last.slice(0, 4)) : new Date().getFullYear();
}

async function loadPerson(card: string, year: number | null, bill: BillInput): Promise<PersonData> {
  const enrollee = (await get<Enrollee>(`/v1/enrollees/${seg(card)}`)).body;
  const benefitYear = year ?? yearOf(bill, enrollee);
  const [summaries, accumulators, filings] = await Promise.all([
    policies().catch(() => [] as PolicySummary[]),
    get<Accumulators>(`/v1/enrollees/${seg(card)}/accumulators/${benefitYear}`).then(
      (answer) => answer.body,
      () => null,
    ),
    filingsOf(card).catch(() => null),
  ]);
  const summary = summaries.find((policy) => policy.region === enrollee.region && policy.benefitYear === benefitYear);
  const policy = summary ? await policyDetail(summary.policyId).catch(() => null) : null;
  return { enrollee, year: benefitYear, accumulators, policy, filings };
}

function Field({ label, children, hint }: { label: string; children: preact.ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
      {hint && <small class="muted">{hint}</small>}
    </label>
  );
}

export function Billing({ me }: { me: Me }) {
  const fixedHospital = me.role === 'billing' ? (me.hospitalId ?? '') : '';
  const restored = session.pending();
  const [cardInput, setCardInput] = useState(restored?.card ?? '');
  const [person, setPerson] = useState<PersonData | null>(null);
  const [personError, setPersonError] = useState<unknown>(null);
  const [bill, setBill] = useState<BillInput>(() => (restored ? (JSON.parse(restored.bill) as BillInput) : emptyBill('', fixedHospital)));
  const [requestId, setRequestId] = useState(() => restored?.requestId ?? newRequestId());
  const [preview, setPreview] = useState<{ key: string; result: Settlement } | null>(null);
  const [phase, setPhase] = useState<Phase>(restored ? 'unknown' : 'editing');
  const [error, setError] = useState<unknown>(null);
  const [settled, setSettled] = useState<Settlement | null>(null);
  const [settledReplay, setSettledReplay] = useState(false);
  const [hospital, setHospital] = useState<Hospital | null>(null);
  const [list, setList] = useState<Settlement[] | null>(null);
  const [reversing, setReversing] = useState<Settlement | null>(null);
  const [patientName, setPatientName] = useState('');
  const [attempts, setAttempts] = useState(0);
  const inFlight = useRef(false);
  const confirmDialog = useRef<HTMLDialogElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const printButton = useRef<HTMLButtonElement>(null);
  const firstBillField = useRef<HTMLInputElement>(null);
  const cardField = useRef<HTMLInputElement>(null);
  // autofocus acts once per document (the sign-in form took it): focus the card field on arrival.
  useEffect(() => cardField.current?.focus(), []);

  // A person found: the cursor goes to the bill's first field (after the form has rendered).
  const phaseRef = useRef(phase);
  phaseRef.current = phase;
  const focusAfterRender = useRef(false);
  useEffect(() => {
    if (focusAfterRender.current && firstBillField.current) {
      focusAfterRender.current = false;
      firstBillField.current.focus();
    }
  }, [person]);

  const currentKey = billKey(bill);
  const previewMatches = preview !== null && preview.key === currentKey;
  const canConfirm = previewMatches && phase === 'editing';
  const locked = phase === 'submitting' || phase === 'unknown' || phase === 'settled' || phase === 'confirming';

  /** Loads the person (and then the year's list); `onFound` runs in the same update as the panel appearing. */
  const refreshPerson = async (card: string, year: number | null, onFound?: () => void) => {
    const data = await loadPerson(card, year, bill);
    onFound?.();
    setPerson(data);
    if (phaseRef.current === 'editing') focusAfterRender.current = true;
    setList(await settlementsOf(card, data.year).catch(() => null));
    return data;
  };

  const lookup = async (event?: Event) => {
    event?.preventDefault();
    const card = cardInput.trim();
    if (!card) return;
    setPersonError(null);
    try {
      // Another person: a new bill (and requestId) before the form shows, so nothing typed into it is lost.
      await refreshPerson(card, null, () => {
        if (phaseRef.current === 'editing' && bill.card !== card) {
          setBill({ ...emptyBill(card, bill.hospitalId || fixedHospital) });
          setPreview(null);
          setRequestId(newRequestId());
        }
      });
    } catch (failure) {
      setPerson(null);
      setPersonError(failure);
    }
  };

  const change = (patch: Partial<BillInput>) => {
    if (locked) return;
    setBill((current) => ({ ...current, ...patch }));
    setError(null);
  };

  // Any change to the bill discards a preview that no longer matches it.
  useEffect(() => {
    if (preview && preview.key !== currentKey) setPreview(null);
  }, [currentKey]);

  useEffect(() => {
    if (bill.hospitalId) hospitalOf(bill.hospitalId).then(setHospital);
  }, [bill.hospitalId]);

  const doPreview = async (event?: Event) => {
    event?.preventDefault();
    if (phase !== 'editing' || inFlight.current) return;
    const key = currentKey;
    setPhase('previewing');
    setError(null);
    try {
      const body = settlementRequest(bill, requestId, session.operator());
      const { body: result } = await post<Settlement>('/v1/settlements/preview', body);
      setPreview({ key, result });
      setPhase('editing');
      setTimeout(() => confirmButton.current?.focus(), 0);
    } catch (failure) {
      setPreview(null);
      setError(failure);
      setPhase('editing');
    }
  };

  const openConfirm = () => {
    if (!canConfirm) return;
    setPhase('confirming');
    confirmDialog.current?.showModal();
  };

  const finish = async (answer: { body: Settlement; replay: boolean }) => {
    session.setPending(null);
    setSettled(answer.body);
    setSettledReplay(answer.replay);
    setPhase('settled');
    setError(null);
    setTimeout(() => printButton.current?.focus(), 0);
    await refreshPerson(answer.body.card, answer.body.benefitYear).catch(() => undefined);
  };

  /** Sends the pending request text; the same text every time (same requestId, same body). */
  const send = async (text: string) => {
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      const answer = await call<Settlement>('POST', '/v1/settlements', { text, timeoutMs: 20_000 });
      await finish(answer);
    } catch (failure) {
      if (failure instanceof NoAnswer) {
        setPhase('unknown');
        setError(failure);
        setAttempts((n) => n + 1);
      } else {
        // A refusal records nothing: the bill goes back to editing, under the same requestId.
        session.setPending(null);
        setPhase('editing');
        setPreview(null);
        setError(failure);
      }
    } finally {
      inFlight.current = false;
    }
  };

  const settle = async () => {
    confirmDialog.current?.close();
    if (inFlight.current || !canConfirmRef.current) return;
    canConfirmRef.current = false;
    const text = JSON.stringify(settlementRequest(bill, requestId, session.operator()));
    session.setPending({ requestId, body: text, card: bill.card, sentAt: new Date().toISOString(), bill: JSON.stringify(bill) });
    setPhase('submitting');
    await send(text);
  };
  // The confirm button's own guard: one settle per preview, whatever the clicks.
  const canConfirmRef = useRef(false);
  useEffect(() => {
    canConfirmRef.current = canConfirm || phase === 'confirming';
  }, [canConfirm, phase]);

  const resolveUnknown = async () => {
    const pending = session.pending();
    if (!pending || inFlight.current) return;
    setPhase('submitting');
    await send(pending.body);
  };

  // Result unknown: replay the identical request, backing off, until the service answers.
  useEffect(() => {
    if (phase !== 'unknown') return;
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempts, 5));
    const timer = setTimeout(() => void resolveUnknown(), delay);
    return () => clearTimeout(timer);
  }, [phase, attempts]);

  useEffect(() => {
    if (restored) {
      setCardInput(restored.card);
      refreshPerson(restored.card, null).catch(() => undefined);
      setAttempts(0);
    }
  }, []);

  const newBill = () => {
    if (phase === 'unknown' || phase === 'submitting') return;
    setBill(emptyBill(bill.card, bill.hospitalId || fixedHospital));
    setRequestId(newRequestId());
    setPreview(null);
    setSettled(null);
    setError(null);
    setPhase('editing');
    setPatientName('');
    setTimeout(() => firstBillField.current?.focus(), 0);
  };

  // Keyboard: F8 预结算, F9 确认结算, F2 新建结算.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'F8') {
        event.preventDefault();
        void doPreview();
      } else if (event.key === 'F9') {
        event.preventDefault();
        openConfirm();
      } else if (event.key === 'F2') {
        event.preventDefault();
        newBill();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const print = () => {
    if (settled?.settlementId) session.markPrinted(settled.settlementId);
    window.print();
  };

  const shown = settled ?? preview?.result ?? null;
  const previewShown = !settled && preview && previewMatches ? preview.result : null;

  return (
    <main id="main" class="page billing">
      <h1>住院结算</h1>
      <p class="keys muted">快捷键：Enter 查询/预结算 · F8 预结算 · F9 确认结算 · F2 新建结算 · Esc 关闭对话框</p>

      <form class="card lookup" onSubmit={lookup} aria-label="查询参保人">
        <Field label="社会保障卡号">
          <input ref={cardField} name="card" value={cardInput} onInput={(e) => setCardInput(e.currentTarget.value)} autocomplete="off" required maxLength={32} />
        </Field>
        <button type="submit">查询</button>
      </form>
      <ErrorBox error={personError} />

      {person && <PersonPanel data={person} />}

      {person && (
        <form class="card bill" onSubmit={doPreview} aria-label="结算信息">
          <h2>本次费用</h2>
          <fieldset disabled={locked}>
            <legend class="sr-only">就诊信息</legend>
            <div class="grid">
              <Field label="结算医院">
                <input name="hospitalId" value={bill.hospitalId} readOnly={Boolean(fixedHospital)} onInput={(e) => change({ hospitalId: e.currentTarget.value })} required />
              </Field>
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
                <input ref={firstBillField} name="admissionDate" value={bill.admissionDate} onInput={(e) => change({ admissionDate: e.currentTarget.value })} required inputMode="numeric" autocomplete="off" />
              </Field>
              <Field label="出院日期">
                <input name="dischargeDate" value={bill.dischargeDate} onInput={(e) => change({ dischargeDate: e.currentTarget.value })} required inputMode="numeric" autocomplete="off" />
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
                  <input name="fullSelfPay" value={bill.fullSelfPay} onInput={(e) => change({ fullSelfPay: e.currentTarget.value })} inputMode="decimal" autocomplete="off" placeholder="0.00" />
                </Field>
                <Field label="超限价自费">
                  <input name="overLimitSelfPay" value={bill.overLimitSelfPay} onInput={(e) => change({ overLimitSelfPay: e.currentTarget.value })} inputMode="decimal" autocomplete="off" placeholder="0.00" />
                </Field>
                <Field label="先行自付">
                  <input name="preSelfPay" value={bill.preSelfPay} onInput={(e) => change({ preSelfPay: e.currentTarget.value })} inputMode="decimal" autocomplete="off" placeholder="0.00" />
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
                  <input name="specialDisease" value={bill.specialDisease} onInput={(e) => change({ specialDisease: e.currentTarget.value })} list="special-diseases" autocomplete="off" />
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
              <input name="patientName" value={patientName} onInput={(e) => setPatientName(e.currentTarget.value)} autocomplete="off" maxLength={40} />
            </Field>
          </fieldset>

          <p class="actions">
            <span class="muted">
              结算流水号 <code data-testid="request-id">{requestId}</code>
            </span>
            <button type="submit" disabled={locked || phase === 'previewing'}>
              预结算 (F8)
            </button>
            <button type="button" ref={confirmButton} class="primary" disabled={!canConfirm} onClick={openConfirm} data-testid="confirm">
              确认结算 (F9)
            </button>
            <button type="button" onClick={newBill} disabled={phase === 'unknown' || phase === 'submitting'}>
              新建结算 (F2)
            </button>
          </p>
          {!previewMatches && preview === null && phase === 'editing' && !error && <p class="muted">先预结算；确认结算只对预结算过的这组数据有效。</p>}
        </form>
      )}

      <div aria-live="polite">
        {phase === 'submitting' && <p class="status">正在结算…</p>}
        {phase === 'unknown' && (
          <div class="unknown" role="alert" data-testid="unknown">
            <strong>结果未知</strong>：结算请求已发出但未收到应答，该笔结算可能已成功。正在以同一结算流水号 <code>{requestId}</code> 查询结果，请勿重新结算。
            <button type="button" onClick={() => void resolveUnknown()}>
              立即查询结果
            </button>
          </div>
        )}
      </div>
      {phase !== 'unknown' && <ErrorBox error={error} />}

      {previewShown && (
        <section class="card result" aria-labelledby="preview-title">
          <h2 id="preview-title">预结算结果（未记账）</h2>
          <p class="big">
            患者应付 <strong data-testid="preview-patient">{yuan(previewShown.patientTotal)}</strong> 元 · 基金支付 {yuan(previewShown.fundTotal)} 元
          </p>
          <Waterfall settlement={previewShown} policy={person?.policy ?? null} />
          <Steps settlement={previewShown} />
        </section>
      )}

      <dialog ref={confirmDialog} class="confirm-dialog" aria-labelledby="confirm-title" onClose={() => setPhase((p) => (p === 'confirming' ? 'editing' : p))}>
        {shown && preview && (
          <div>
            <h2 id="confirm-title">确认结算</h2>
            <p>
              参保人 {bill.card}，医疗费总额 {yuan(preview.result.total)} 元，基金支付 {yuan(preview.result.fundTotal)} 元。
            </p>
            <p class="big">
              患者应付 <strong data-testid="confirm-patient">{yuan(preview.result.patientTotal)}</strong> 元
            </p>
            <p class="dialog-actions">
              <button type="button" onClick={() => confirmDialog.current?.close()}>
                取消
              </button>
              <button type="button" class="primary" autofocus onClick={() => void settle()} data-testid="confirm-settle">
                确认结算
              </button>
            </p>
          </div>
        )}
      </dialog>

      {settled && (
        <section class="card settled" aria-labelledby="settled-title">
          <h2 id="settled-title">
            {settled.status === 'reversed' ? '已撤销' : '结算完成'}
            {settledReplay ? '（已按结算流水号取回结果）' : ''}
          </h2>
          <p class="actions no-print">
            <button type="button" class="primary" ref={printButton} onClick={print}>
              打印结算单
            </button>
            {settled.settlementId && <a href={`/desk/slip/${encodeURIComponent(settled.settlementId)}`}>单独打开结算单</a>}
            {settled.status === 'settled' && (
              <button type="button" class="danger" onClick={() => setReversing(settled)}>
                撤销
              </button>
            )}
            <button type="button" onClick={newBill}>
              新建结算 (F2)
            </button>
          </p>
          <Waterfall settlement={settled} policy={person?.policy ?? null} />
          <Steps settlement={settled} />
          <div class="slip-frame">
            <Slip
              settlement={settled}
              hospital={hospital}
              enrollee={person?.enrollee ?? null}
              policy={person?.policy ?? null}
              filing={(person?.filings ?? []).find((filing) => filing.referralId === settled.referralId) ?? null}
              reprint={settled.settlementId ? session.wasPrinted(settled.settlementId) : false}
              patientName={patientName}
            />
          </div>
        </section>
      )}

      {person && list && (
        <section class="card" aria-labelledby="list-title">
          <h2 id="list-title">
            {person.year} 年结算记录（{list.length} 笔）
          </h2>
          {list.length === 0 ? (
            <p class="muted">本年无结算记录</p>
          ) : (
            <table class="list" data-testid="settlement-list">
              <thead>
                <tr>
                  <th scope="col">结算时间</th>
                  <th scope="col">结算单号</th>
                  <th scope="col">医院</th>
                  <th scope="col">类型</th>
                  <th scope="col">医疗费总额</th>
                  <th scope="col">基金支付</th>
                  <th scope="col">个人负担</th>
                  <th scope="col">状态</th>
                  <th scope="col">操作</th>
                </tr>
              </thead>
              <tbody>
                {list.map((item) => (
                  <tr key={item.settlementId} data-settlement={item.settlementId}>
                    <td>{shanghaiTime(item.settledAt)}</td>
                    <td>
                      <code>{item.settlementId}</code>
                    </td>
                    <td>{item.hospitalId}</td>
                    <td>{VISIT_TYPE[item.visitType] ?? item.visitType}</td>
                    <td class="num">{yuan(item.total)}</td>
                    <td class="num">{yuan(item.fundTotal)}</td>
                    <td class="num">{yuan(item.patientTotal)}</td>
                    <td>{SETTLEMENT_STATUS[item.status] ?? item.status}</td>
                    <td>
                      {item.settlementId && (
                        <a href={`/desk/slip/${encodeURIComponent(item.settlementId)}?reprint=1`} aria-label={`重打结算单 ${item.settlementId}`}>
                          重打
                        </a>
                      )}{' '}
                      {item.status === 'settled' && (
                        <button type="button" class="link danger" onClick={() => setReversing(item)} aria-label={`撤销结算 ${item.settlementId}`}>
                          撤销
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}

      {reversing && (
        <ReversalDialog
          settlement={reversing}
          onClose={() => setReversing(null)}
          onDone={(reversed) => {
            if (settled && settled.settlementId === reversed.settlementId) setSettled(reversed);
            void refreshPerson(reversed.card, reversed.benefitYear);
          }}
        />
      )}
      {/* The bill as it will be sent, for support staff (never contains the key). */}
      <details class="debug no-print">
        <summary>请求内容</summary>
        <pre>{JSON.stringify({ requestId, ...billRequest(bill) }, null, 2)}</pre>
      </details>
    </main>
  );
}
