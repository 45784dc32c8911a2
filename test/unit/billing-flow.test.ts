/** The billing desk's six phases (desk/src/billing-flow.ts), event by event, including *result unknown*. */
import { describe, expect, it } from 'vitest';
import { billKey, emptyBill } from '../../desk/src/bill.js';
import { canConfirm, flow, initialFlow, isLocked, type FlowEvent, type FlowState } from '../../desk/src/billing-flow.js';
import type { Settlement } from '../../desk/src/wire.js';

const result = { settlementId: 'S1', patientTotal: '4627.70', total: '12345.67', fundTotal: '7717.97' } as unknown as Settlement;

function bill() {
  return { ...emptyBill('330326198001010001', 'PY-COUNTY'), admissionDate: '2019-03-01', dischargeDate: '2019-03-10', total: '12345.67' };
}

function run(state: FlowState, ...events: FlowEvent[]): FlowState {
  return events.reduce(flow, state);
}

const start = () => initialFlow(bill(), 'REQ-1');

function previewed(): FlowState {
  const s = run(start(), { type: 'previewSent' });
  return run(s, { type: 'previewAnswered', key: s.previewingKey!, result });
}

describe('editing and previewing', () => {
  it('a preview answered for the current inputs allows 确认结算; any change discards it', () => {
    const s = previewed();
    expect(s.phase).toBe('editing');
    expect(canConfirm(s)).toBe(true);
    const changed = flow(s, { type: 'edit', patch: { total: '12345.68' } });
    expect(changed.preview).toBeNull();
    expect(canConfirm(changed)).toBe(false);
    // Typing the old value back does not revive it: a new preview is needed.
    expect(canConfirm(flow(changed, { type: 'edit', patch: { total: '12345.67' } }))).toBe(false);
  });

  it('previews the bill as it is at the moment of the key (the key is taken when sent)', () => {
    const typed = run(start(), { type: 'edit', patch: { total: '999.00' } }, { type: 'previewSent' });
    expect(typed.previewingKey).toBe(billKey({ ...bill(), total: '999.00' }));
  });

  it('an answer for inputs changed while it travelled is not shown as current, and says so', () => {
    const sent = run(start(), { type: 'previewSent' });
    const key = sent.previewingKey!;
    const s = run(sent, { type: 'edit', patch: { total: '1.00' } }, { type: 'previewAnswered', key, result });
    expect(s.phase).toBe('editing');
    expect(s.preview).toBeNull();
    expect(s.staleAnswer).toBe(true);
    expect(canConfirm(s)).toBe(false);
  });

  it('a refused preview goes back to editing with the refusal, nothing to confirm', () => {
    const s = run(start(), { type: 'previewSent' }, { type: 'previewRefused', error: new Error('REFERRAL_REQUIRED') });
    expect(s.phase).toBe('editing');
    expect(s.error).toBeInstanceOf(Error);
    expect(canConfirm(s)).toBe(false);
  });

  it('a second preview is not sent while one is on its way', () => {
    const s = run(start(), { type: 'previewSent' });
    expect(flow(s, { type: 'previewSent' })).toBe(s);
  });
});

describe('confirming and submitting', () => {
  it('settles once: a second settleSent (double click) changes nothing', () => {
    const s = run(previewed(), { type: 'confirmOpened' }, { type: 'settleSent' });
    expect(s.phase).toBe('submitting');
    expect(isLocked(s)).toBe(true);
    expect(flow(s, { type: 'settleSent' })).toBe(s);
    expect(flow(s, { type: 'edit', patch: { total: '1' } })).toBe(s);
    expect(flow(s, { type: 'confirmClosed' })).toBe(s);
  });

  it('cannot settle without the dialog, nor for inputs other than those previewed', () => {
    expect(flow(previewed(), { type: 'settleSent' }).phase).toBe('editing');
    expect(flow(start(), { type: 'confirmOpened' }).phase).toBe('editing');
  });

  it('closing the dialog returns to editing with the preview kept', () => {
    const s = run(previewed(), { type: 'confirmOpened' }, { type: 'confirmClosed' });
    expect(s.phase).toBe('editing');
    expect(canConfirm(s)).toBe(true);
  });

  it('a refusal at settle records nothing: editing, same requestId, preview gone', () => {
    const s = run(previewed(), { type: 'confirmOpened' }, { type: 'settleSent' }, { type: 'settleRefused', error: new Error('NOT_COVERED') });
    expect(s.phase).toBe('editing');
    expect(s.requestId).toBe('REQ-1');
    expect(s.preview).toBeNull();
  });

  it('settled: the slip is the answer; reversal updates it; F2 starts a new bill with a new requestId', () => {
    const s = run(previewed(), { type: 'confirmOpened' }, { type: 'settleSent' }, { type: 'settled', result, replay: false });
    expect(s.phase).toBe('settled');
    expect(s.settled).toBe(result);
    const reversed = { ...result, status: 'reversed' } as Settlement;
    expect(flow(s, { type: 'reversed', result: reversed }).settled).toBe(reversed);
    const next = flow(s, { type: 'newBill', requestId: 'REQ-2', hospitalId: 'PY-COUNTY' });
    expect(next.phase).toBe('editing');
    expect(next.requestId).toBe('REQ-2');
    expect(next.bill.card).toBe(bill().card);
    expect(next.bill.total).toBe('');
  });
});

describe('result unknown', () => {
  const unknown = () => run(previewed(), { type: 'confirmOpened' }, { type: 'settleSent' }, { type: 'noAnswer', error: new Error('网络中断') });

  it('no answer freezes the bill: no edit, no new bill, no second settle, the same requestId', () => {
    const s = unknown();
    expect(s.phase).toBe('unknown');
    expect(s.attempts).toBe(1);
    for (const event of [
      { type: 'edit', patch: { total: '1' } },
      { type: 'newBill', requestId: 'REQ-2', hospitalId: '' },
      { type: 'settleSent' },
      { type: 'previewSent' },
      { type: 'confirmOpened' },
    ] as FlowEvent[]) {
      expect(flow(s, event)).toBe(s);
    }
  });

  it('is resolved by replaying: no answer again counts an attempt; the answer (a replay) settles it', () => {
    let s = run(unknown(), { type: 'replaySent' });
    expect(s.phase).toBe('submitting');
    s = flow(s, { type: 'noAnswer', error: new Error('超时') });
    expect(s.phase).toBe('unknown');
    expect(s.attempts).toBe(2);
    s = run(s, { type: 'replaySent' }, { type: 'settled', result, replay: true });
    expect(s.phase).toBe('settled');
    expect(s.replay).toBe(true);
    expect(s.requestId).toBe('REQ-1');
  });

  it('a tab reopened with a pending request starts in unknown', () => {
    const s = initialFlow(bill(), 'REQ-9', true);
    expect(s.phase).toBe('unknown');
    expect(flow(s, { type: 'replaySent' }).phase).toBe('submitting');
  });
});

describe('another person', () => {
  it('a new card starts a new bill and requestId; the same card keeps what was typed', () => {
    const typed = flow(start(), { type: 'edit', patch: { preSelfPay: '120' } });
    expect(flow(typed, { type: 'person', card: bill().card, hospitalId: 'PY-COUNTY', requestId: 'REQ-2' })).toBe(typed);
    const other = flow(typed, { type: 'person', card: '330326198502020002', hospitalId: 'PY-COUNTY', requestId: 'REQ-2' });
    expect(other.bill.card).toBe('330326198502020002');
    expect(other.requestId).toBe('REQ-2');
    expect(other.bill.preSelfPay).toBe('');
  });
});
