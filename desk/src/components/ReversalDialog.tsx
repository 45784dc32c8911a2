/** 撤销: an explicit act — the clerk types the slip number's last four characters and a reason. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { post, seg } from '../api.js';
import { yuan } from '../amounts.js';
import { session } from '../session.js';
import type { Settlement } from '../wire.js';
import { ErrorBox } from './ErrorBox.js';

export function ReversalDialog({ settlement, onDone, onClose }: { settlement: Settlement; onDone: (reversed: Settlement) => void; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = settlement.settlementId ?? '';
  const tail = id.slice(-4);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const tailWrong = typed.trim().length >= tail.length && typed.trim() !== tail;
  // Why 确认撤销 cannot be pressed yet, said beside it (a disabled button alone explains nothing).
  const blocked = busy
    ? '正在撤销…'
    : typed.trim() === ''
      ? '请先输入结算单号最后 4 位'
      : tailWrong
        ? `结算单号最后 4 位不符（应与结算单号 ${id} 的末 4 位一致）`
        : typed.trim() !== tail
          ? '请输入完整的 4 位'
          : !reason.trim()
            ? '请填写撤销原因'
            : null;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (blocked) return;
    setBusy(true);
    setError(null);
    try {
      const operator = session.operator();
      const { body } = await post<Settlement>(`/v1/settlements/${seg(id)}/reversal`, { reason: reason.trim(), ...(operator ? { operator } : {}) }, { timeoutMs: 20_000 });
      onDone(body);
      dialog.current?.close();
    } catch (failure) {
      // A reversal repeats identically: after no answer the clerk simply submits again.
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} class="confirm-dialog" aria-labelledby="reversal-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="reversal-title">撤销结算</h2>
        <p>
          结算单号 <code>{id}</code>，医疗费总额 {yuan(settlement.total)} 元，基金支付 {yuan(settlement.fundTotal)} 元。撤销后本年累计将扣回本次结算的金额。
        </p>
        <label>
          请输入结算单号最后 4 位确认
          <input
            name="confirmTail"
            autocomplete="off"
            required
            maxLength={8}
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
            autofocus
            aria-invalid={tailWrong ? 'true' : undefined}
            aria-describedby="reversal-why"
          />
        </label>
        <label>
          撤销原因
          <input name="reason" required maxLength={200} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        <ErrorBox error={error} />
        {blocked && (
          <p id="reversal-why" class={tailWrong ? 'error' : 'muted'} role={tailWrong ? 'alert' : undefined} data-testid="reversal-why">
            {blocked}
          </p>
        )}
        <p class="dialog-actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            取消
          </button>
          <button type="submit" class="danger" disabled={blocked !== null} aria-describedby="reversal-why" title={blocked ?? undefined}>
            确认撤销
          </button>
        </p>
      </form>
    </dialog>
  );
}
