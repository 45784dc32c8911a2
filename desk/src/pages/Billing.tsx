/**
 * 住院结算 — the discharge window (desk.md "Billing desk").
 *
 * One requestId per bill, reused for every retry; 确认结算 only for the exact
 * inputs previewed, and never twice; no answer means *result unknown*, which
 * is resolved by replaying the identical request — never by a new one. The
 * phases are the reducer of billing-flow.ts; this page wires it to the API.
 */
import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { call, NoAnswer, post } from '../api.js';
import { yuan } from '../amounts.js';
import { billKey, emptyBill, newRequestId, settlementRequest, type BillInput } from '../bill.js';
import { canConfirm, canPreview, flow, initialFlow, isLocked, previewMatches, type FlowEvent, type FlowState } from '../billing-flow.js';
import { BillForm } from '../components/BillForm.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { PersonPanel, type PersonData } from '../components/PersonPanel.js';
import { ReversalDialog } from '../components/ReversalDialog.js';
import { SettledPanel } from '../components/SettledPanel.js';
import { SettlementList } from '../components/SettlementList.js';
import { Steps, Waterfall } from '../components/Waterfall.js';
import { Field } from '../components/Field.js';
import { hospitalOf, loadPerson, settlementsOf } from '../fetchers.js';
import { session } from '../session.js';
import type { Hospital, Me, Settlement } from '../wire.js';

/**
 * The flow's state in a ref, advanced synchronously by every event: a key
 * pressed a millisecond after the last keystroke (a scanner, a macro) reads
 * the bill as it is now, not as the last render saw it.
 */
function useFlow(init: () => FlowState): [FlowState, (event: FlowEvent) => void, { current: FlowState }] {
  const state = useRef<FlowState | null>(null);
  state.current ??= init();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const dispatch = useRef((event: FlowEvent) => {
    const next = flow(state.current!, event);
    if (next !== state.current) {
      state.current = next;
      rerender(undefined);
    }
  }).current;
  return [state.current, dispatch, state as { current: FlowState }];
}

export function Billing({ me }: { me: Me }) {
  const fixedHospital = me.role === 'billing' ? (me.hospitalId ?? '') : '';
  const restored = useRef(session.pending()).current;
  const [state, dispatch, live] = useFlow(() =>
    restored ? initialFlow(JSON.parse(restored.bill) as BillInput, restored.requestId, true) : initialFlow(emptyBill('', fixedHospital), newRequestId()),
  );
  const [cardInput, setCardInput] = useState(restored?.card ?? '');
  const [person, setPerson] = useState<PersonData | null>(null);
  const [personError, setPersonError] = useState<unknown>(null);
  const [hospital, setHospital] = useState<Hospital | null>(null);
  const [list, setList] = useState<Settlement[] | null>(null);
  const [reversing, setReversing] = useState<Settlement | null>(null);
  const [patientName, setPatientName] = useState('');
  const inFlight = useRef(false);
  const confirmDialog = useRef<HTMLDialogElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const printButton = useRef<HTMLButtonElement>(null);
  const firstBillField = useRef<HTMLInputElement>(null);
  const cardField = useRef<HTMLInputElement>(null);
  const focusAfterPerson = useRef(false);
  // autofocus acts once per document (the sign-in form took it): focus the card field on arrival.
  useEffect(() => cardField.current?.focus(), []);
  // A person found: the cursor goes to the bill's first field (after the form has rendered).
  useEffect(() => {
    if (focusAfterPerson.current && firstBillField.current) {
      focusAfterPerson.current = false;
      firstBillField.current.focus();
    }
  }, [person]);

  const { bill, phase, preview, settled, error } = state;
  const locked = isLocked(state);

  const refreshPerson = async (card: string, year: number | null, onFound?: () => void) => {
    const data = await loadPerson(card, year, live.current.bill);
    onFound?.();
    setPerson(data);
    if (live.current.phase === 'editing') focusAfterPerson.current = true;
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
      await refreshPerson(card, null, () => dispatch({ type: 'person', card, hospitalId: fixedHospital, requestId: newRequestId() }));
    } catch (failure) {
      setPerson(null);
      setPersonError(failure);
    }
  };

  const change = (patch: Partial<BillInput>) => dispatch({ type: 'edit', patch });

  useEffect(() => {
    if (bill.hospitalId) void hospitalOf(bill.hospitalId).then(setHospital);
  }, [bill.hospitalId]);

  const doPreview = async () => {
    const now = live.current;
    if (!canPreview(now) || inFlight.current) return;
    const key = billKey(now.bill);
    const body = settlementRequest(now.bill, now.requestId, session.operator());
    dispatch({ type: 'previewSent' });
    try {
      const { body: result } = await post<Settlement>('/v1/settlements/preview', body);
      dispatch({ type: 'previewAnswered', key, result });
      if (canConfirm(live.current)) setTimeout(() => confirmButton.current?.focus(), 0);
    } catch (failure) {
      dispatch({ type: 'previewRefused', error: failure });
    }
  };

  const openConfirm = () => {
    if (!canConfirm(live.current)) return;
    dispatch({ type: 'confirmOpened' });
    confirmDialog.current?.showModal();
  };

  /** Sends the pending request text; the same text every time (same requestId, same body). */
  const send = async (text: string) => {
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      const answer = await call<Settlement>('POST', '/v1/settlements', { text, timeoutMs: 20_000 });
      session.setPending(null);
      dispatch({ type: 'settled', result: answer.body, replay: answer.replay });
      setTimeout(() => printButton.current?.focus(), 0);
      await refreshPerson(answer.body.card, answer.body.benefitYear).catch(() => undefined);
    } catch (failure) {
      if (failure instanceof NoAnswer) dispatch({ type: 'noAnswer', error: failure });
      else {
        session.setPending(null);
        dispatch({ type: 'settleRefused', error: failure });
      }
    } finally {
      inFlight.current = false;
    }
  };

  const settle = async () => {
    const now = live.current;
    dispatch({ type: 'settleSent' });
    confirmDialog.current?.close();
    if (live.current.phase !== 'submitting' || now.phase !== 'confirming') return; // one settle per preview, whatever the clicks
    const text = JSON.stringify(settlementRequest(now.bill, now.requestId, session.operator()));
    session.setPending({ requestId: now.requestId, body: text, card: now.bill.card, sentAt: new Date().toISOString(), bill: JSON.stringify(now.bill) });
    await send(text);
  };

  const resolveUnknown = async () => {
    const pending = session.pending();
    if (!pending || inFlight.current || live.current.phase !== 'unknown') return;
    dispatch({ type: 'replaySent' });
    await send(pending.body);
  };

  // Result unknown: replay the identical request, backing off, until the service answers.
  useEffect(() => {
    if (phase !== 'unknown') return;
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(state.attempts, 5));
    const timer = setTimeout(() => void resolveUnknown(), delay);
    return () => clearTimeout(timer);
  }, [phase, state.attempts]);

  useEffect(() => {
    if (restored) refreshPerson(restored.card, null).catch(() => undefined);
  }, []);

  const newBill = () => {
    dispatch({ type: 'newBill', requestId: newRequestId(), hospitalId: fixedHospital });
    if (live.current.phase === 'editing' && !live.current.settled) {
      setPatientName('');
      setTimeout(() => firstBillField.current?.focus(), 0);
    }
  };

  // Keyboard: F8 预结算, F9 确认结算, F2 新建结算 — one listener, reading the live state.
  const keys = useRef({ doPreview, openConfirm, newBill });
  keys.current = { doPreview, openConfirm, newBill };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = event.key === 'F8' ? keys.current.doPreview : event.key === 'F9' ? keys.current.openConfirm : event.key === 'F2' ? keys.current.newBill : null;
      if (!action) return;
      event.preventDefault();
      void action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const print = () => {
    if (settled?.settlementId) session.markPrinted(settled.settlementId);
    window.print();
  };

  const matches = previewMatches(state);
  const previewShown = !settled && preview && matches ? preview.result : null;

  return (
    <main id="main" class="page billing">
      <h1>住院结算</h1>
      <p class="keys muted no-print">快捷键：Enter 查询/预结算 · F8 预结算 · F9 确认结算 · F2 新建结算 · Esc 关闭对话框</p>

      <form class="card lookup" onSubmit={lookup} aria-label="查询参保人">
        <Field label="社会保障卡号">
          <input ref={cardField} name="card" value={cardInput} onInput={(e) => setCardInput(e.currentTarget.value)} autocomplete="off" required maxLength={32} />
        </Field>
        <button type="submit">查询</button>
      </form>
      <ErrorBox error={personError} />

      {person && <PersonPanel data={person} />}

      {person && (
        <BillForm
          bill={bill}
          person={person}
          phase={phase}
          locked={locked}
          fixedHospital={fixedHospital}
          requestId={state.requestId}
          canConfirm={canConfirm(state)}
          showHint={preview === null && phase === 'editing' && !error && !state.staleAnswer}
          patientName={patientName}
          firstBillField={firstBillField}
          confirmButton={confirmButton}
          change={change}
          onPatientName={setPatientName}
          onPreview={() => void doPreview()}
          onConfirm={openConfirm}
          onNewBill={newBill}
        />
      )}

      <div aria-live="polite">
        {phase === 'previewing' && <p class="status">正在预结算…</p>}
        {state.staleAnswer && (
          <p class="notice" role="status" data-testid="stale-preview">
            预结算期间费用信息已修改，刚才的预结算结果已作废，请按 F8 重新预结算。
          </p>
        )}
        {phase === 'submitting' && <p class="status">正在结算…</p>}
        {phase === 'unknown' && (
          <div class="unknown" role="alert" data-testid="unknown">
            <strong>结果未知</strong>：结算请求已发出但未收到应答，该笔结算可能已成功。正在以同一结算流水号 <code>{state.requestId}</code> 查询结果，请勿重新结算。
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

      <ConfirmDialog
        dialog={confirmDialog}
        preview={preview?.result ?? null}
        bill={bill}
        enrollee={person?.enrollee ?? null}
        patientName={patientName}
        hospital={hospital}
        onClose={() => dispatch({ type: 'confirmClosed' })}
        onSettle={() => void settle()}
      />

      {settled && (
        <SettledPanel
          settled={settled}
          replay={state.replay}
          hospital={hospital}
          person={person}
          patientName={patientName}
          printButton={printButton}
          onPrint={print}
          onReverse={setReversing}
          onNewBill={newBill}
        />
      )}

      {person && list && <SettlementList year={person.year} list={list} onReverse={setReversing} />}

      {reversing && (
        <ReversalDialog
          settlement={reversing}
          onClose={() => setReversing(null)}
          onDone={(reversed) => {
            dispatch({ type: 'reversed', result: reversed });
            void refreshPerson(reversed.card, reversed.benefitYear);
          }}
        />
      )}
    </main>
  );
}
