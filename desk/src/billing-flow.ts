/**
 * The discharge in six phases, as a pure reducer (desk.md "Billing desk"):
 * editing → previewing → editing (with a preview) → confirming → submitting →
 * settled, or → unknown (no answer: replay the identical request) → settled.
 *
 * The page keeps this state in a ref updated synchronously on every event, so
 * F8/F9 read the value the field holds now, not the one of the last render.
 */
import { billKey, emptyBill, type BillInput } from './bill.js';
import type { Settlement } from './wire.js';

export type Phase = 'editing' | 'previewing' | 'confirming' | 'submitting' | 'unknown' | 'settled';

export interface Preview {
  /** billKey of the inputs previewed: 确认结算 only while the bill still has this key. */
  key: string;
  result: Settlement;
}

export interface FlowState {
  phase: Phase;
  bill: BillInput;
  requestId: string;
  preview: Preview | null;
  /** The key of the bill whose preview is on its way. */
  previewingKey: string | null;
  /** A preview answered for inputs changed meanwhile: said, not silently dropped. */
  staleAnswer: boolean;
  settled: Settlement | null;
  replay: boolean;
  error: unknown;
  /** Replays sent while the result is unknown (sets the back-off). */
  attempts: number;
}

export type FlowEvent =
  | { type: 'edit'; patch: Partial<BillInput> }
  | { type: 'person'; card: string; hospitalId: string; requestId: string }
  | { type: 'previewSent' }
  | { type: 'previewAnswered'; key: string; result: Settlement }
  | { type: 'previewRefused'; error: unknown }
  | { type: 'confirmOpened' }
  | { type: 'confirmClosed' }
  | { type: 'settleSent' }
  | { type: 'settled'; result: Settlement; replay: boolean }
  | { type: 'settleRefused'; error: unknown }
  | { type: 'noAnswer'; error: unknown }
  | { type: 'replaySent' }
  | { type: 'reversed'; result: Settlement }
  | { type: 'newBill'; requestId: string; hospitalId: string };

export function initialFlow(bill: BillInput, requestId: string, unknown = false): FlowState {
  return {
    phase: unknown ? 'unknown' : 'editing',
    bill,
    requestId,
    preview: null,
    previewingKey: null,
    staleAnswer: false,
    settled: null,
    replay: false,
    error: null,
    attempts: 0,
  };
}

/** The bill cannot change: a settlement is on its way, its result unknown, done, or being confirmed. */
export function isLocked(state: FlowState): boolean {
  return state.phase === 'submitting' || state.phase === 'unknown' || state.phase === 'settled' || state.phase === 'confirming';
}

/** A preview exists for exactly the current inputs. */
export function previewMatches(state: FlowState): boolean {
  return state.preview !== null && state.preview.key === billKey(state.bill);
}

export function canConfirm(state: FlowState): boolean {
  return state.phase === 'editing' && previewMatches(state);
}

export function canPreview(state: FlowState): boolean {
  return state.phase === 'editing';
}

export function flow(state: FlowState, event: FlowEvent): FlowState {
  switch (event.type) {
    case 'edit': {
      if (isLocked(state)) return state;
      const bill = { ...state.bill, ...event.patch };
      const key = billKey(bill);
      return { ...state, bill, preview: state.preview && state.preview.key === key ? state.preview : null, error: null, staleAnswer: false };
    }
    case 'person':
      // Another person: a new bill (and requestId); the same person keeps what was typed.
      if (state.phase !== 'editing' || state.bill.card === event.card) return state;
      return { ...initialFlow(emptyBill(event.card, state.bill.hospitalId || event.hospitalId), event.requestId) };
    case 'previewSent':
      if (!canPreview(state)) return state;
      return { ...state, phase: 'previewing', previewingKey: billKey(state.bill), error: null, staleAnswer: false };
    case 'previewAnswered': {
      if (state.phase !== 'previewing') return state;
      const current = billKey(state.bill) === event.key;
      return { ...state, phase: 'editing', previewingKey: null, preview: current ? { key: event.key, result: event.result } : null, staleAnswer: !current };
    }
    case 'previewRefused':
      if (state.phase !== 'previewing') return state;
      return { ...state, phase: 'editing', previewingKey: null, preview: null, error: event.error };
    case 'confirmOpened':
      return canConfirm(state) ? { ...state, phase: 'confirming' } : state;
    case 'confirmClosed':
      return state.phase === 'confirming' ? { ...state, phase: 'editing' } : state;
    case 'settleSent':
      // Only from the confirm dialog, for the previewed inputs, once.
      return state.phase === 'confirming' && previewMatches(state) ? { ...state, phase: 'submitting', error: null } : state;
    case 'settled':
      if (state.phase !== 'submitting' && state.phase !== 'unknown') return state;
      return { ...state, phase: 'settled', settled: event.result, replay: event.replay, error: null };
    case 'settleRefused':
      // A refusal records nothing: back to editing under the same requestId, the preview gone.
      if (state.phase !== 'submitting') return state;
      return { ...state, phase: 'editing', preview: null, error: event.error };
    case 'noAnswer':
      if (state.phase !== 'submitting') return state;
      return { ...state, phase: 'unknown', error: event.error, attempts: state.attempts + 1 };
    case 'replaySent':
      return state.phase === 'unknown' ? { ...state, phase: 'submitting' } : state;
    case 'reversed':
      return state.settled && state.settled.settlementId === event.result.settlementId ? { ...state, settled: event.result } : state;
    case 'newBill':
      if (state.phase === 'unknown' || state.phase === 'submitting') return state;
      return initialFlow(emptyBill(state.bill.card, state.bill.hospitalId || event.hospitalId), event.requestId);
  }
}
