/** 转诊备案 — the referral desk (desk.md): find the person, file, list the person's filings, revoke with a reason. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, get, post, seg } from '../api.js';
import { normaliseDate } from '../bill.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { CATEGORY, FILING_KIND, FILING_STATUS, REGION, SEX } from '../labels.js';
import { session } from '../session.js';
import type { Enrollee, Filing, Me } from '../wire.js';
import { filingsOf } from '../fetchers.js';
import { HospitalName } from '../components/HospitalName.js';
import { HospitalPicker, type PickerState } from '../components/HospitalPicker.js';

const KNOWN = 'desk.filings';

/** Filings this tab filed or looked up, for services without a per-person list. */
function known(card: string): Filing[] {
  try {
    const all = JSON.parse(sessionStorage.getItem(KNOWN) ?? '{}') as Record<string, Filing[]>;
    return all[card] ?? [];
  } catch {
    return [];
  }
}

function remember(filing: Filing): void {
  let all: Record<string, Filing[]> = {};
  try {
    all = JSON.parse(sessionStorage.getItem(KNOWN) ?? '{}') as Record<string, Filing[]>;
  } catch {
    all = {};
  }
  all[filing.card] = [...(all[filing.card] ?? []).filter((f) => f.referralId !== filing.referralId), filing];
  sessionStorage.setItem(KNOWN, JSON.stringify(all));
}

function RevokeDialog({ filing, onDone, onClose }: { filing: Filing; onDone: (filing: Filing) => void; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => dialog.current?.showModal(), []);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy || !reason.trim()) return;
    setBusy(true);
    try {
      const operator = session.operator();
      const { body } = await call<Filing>('DELETE', `/v1/referrals/${seg(filing.referralId)}`, { body: { reason: reason.trim(), ...(operator ? { operator } : {}) } });
      onDone(body);
      dialog.current?.close();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} class="confirm-dialog" aria-labelledby="revoke-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="revoke-title">撤销备案</h2>
        <p>
          {FILING_KIND[filing.kind]} <code>{filing.referralId}</code>（{filing.validFrom} 至 {filing.validTo}
          ）。撤销后，出院日期在有效期内的新结算不再按已备案处理；已完成的结算不受影响。
        </p>
        <label>
          撤销原因
          <input name="revokeReason" required maxLength={200} value={reason} onInput={(e) => setReason(e.currentTarget.value)} autofocus />
        </label>
        <ErrorBox error={error} />
        <p class="dialog-actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            取消
          </button>
          <button type="submit" class="danger" disabled={busy || !reason.trim()}>
            确认撤销备案
          </button>
        </p>
      </form>
    </dialog>
  );
}

export function Referral({ me }: { me: Me }) {
  const [card, setCard] = useState('');
  const [enrollee, setEnrollee] = useState<Enrollee | null>(null);
  const [filings, setFilings] = useState<Filing[]>([]);
  const [listed, setListed] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [fileError, setFileError] = useState<unknown>(null);
  const [filed, setFiled] = useState<Filing | null>(null);
  const [revoking, setRevoking] = useState<Filing | null>(null);
  const [busy, setBusy] = useState(false);
  const [form, setForm] = useState({ kind: 'out-of-area', validFrom: '', validTo: '', diagnosis: '' });
  /** The receiving hospital picked from the registry (none: any hospital); pending while typed but not picked. */
  const [to, setTo] = useState<PickerState>({ hospital: null, pending: false });
  /** A new key empties the hospital box after a filing. */
  const [filedCount, setFiledCount] = useState(0);
  const [lookupId, setLookupId] = useState('');
  const kindField = useRef<HTMLSelectElement>(null);
  const cardField = useRef<HTMLInputElement>(null);
  useEffect(() => cardField.current?.focus(), []);

  const load = async (event?: Event) => {
    event?.preventDefault();
    const wanted = card.trim();
    if (!wanted) return;
    setError(null);
    setFiled(null);
    try {
      const person = (await get<Enrollee>(`/v1/enrollees/${seg(wanted)}`)).body;
      // The person and their filings together: a key that may not see the filings gets no form either.
      const list = await filingsOf(wanted);
      setEnrollee(person);
      setListed(list !== null);
      setFilings(list ?? known(wanted));
      setTimeout(() => kindField.current?.focus(), 0);
    } catch (failure) {
      setEnrollee(null);
      setError(failure);
    }
  };

  const file = async (event: Event) => {
    event.preventDefault();
    if (!enrollee || busy || to.pending) return;
    setBusy(true);
    setFileError(null);
    try {
      const body: Record<string, unknown> = {
        card: enrollee.card,
        kind: form.kind,
        validFrom: normaliseDate(form.validFrom),
        validTo: normaliseDate(form.validTo),
      };
      if (to.hospital) body.toHospitalId = to.hospital.hospitalId;
      if (form.diagnosis.trim()) body.diagnosis = form.diagnosis.trim();
      const operator = session.operator();
      if (operator) body.operator = operator;
      const { body: filing } = await post<Filing>('/v1/referrals', body);
      remember(filing);
      setFiled(filing);
      setFilings((list) => [...list.filter((f) => f.referralId !== filing.referralId), filing]);
      setForm({ kind: form.kind, validFrom: '', validTo: '', diagnosis: '' });
      setTo({ hospital: null, pending: false });
      setFiledCount((n) => n + 1);
    } catch (failure) {
      setFileError(failure);
    } finally {
      setBusy(false);
    }
  };

  const lookup = async (event: Event) => {
    event.preventDefault();
    try {
      const { body: filing } = await get<Filing>(`/v1/referrals/${seg(lookupId.trim())}`);
      remember(filing);
      if (enrollee && filing.card === enrollee.card) setFilings((list) => [...list.filter((f) => f.referralId !== filing.referralId), filing]);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <main id="main" class="page referral">
      <h1>转诊备案</h1>
      {me.region && <p class="muted">本密钥办理 {REGION[me.region] ?? me.region} 参保人的备案。</p>}
      <form class="card lookup" onSubmit={load} aria-label="查询参保人">
        <label class="field">
          <span>社会保障卡号</span>
          <input ref={cardField} name="card" value={card} onInput={(e) => setCard(e.currentTarget.value)} required autocomplete="off" maxLength={32} />
        </label>
        <button type="submit">查询</button>
      </form>
      <ErrorBox error={error} />

      {enrollee && (
        <>
          <section class="card" aria-labelledby="person-title">
            <h2 id="person-title">参保人 {enrollee.card}</h2>
            <p>
              {SEX[enrollee.sex]} · {enrollee.birthDate} · {REGION[enrollee.region] ?? enrollee.region} · 参保期{' '}
              {enrollee.coverage.map((period) => `${period.from} 至 ${period.to}`).join('；')} · {enrollee.categories.map((c) => CATEGORY[c] ?? c).join('、') || '普通参保人员'}
            </p>
          </section>

          <form class="card" onSubmit={file} aria-labelledby="file-title">
            <h2 id="file-title">办理备案</h2>
            <div class="grid">
              <label class="field">
                <span>备案类型</span>
                <select ref={kindField} name="kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.currentTarget.value })}>
                  {Object.entries(FILING_KIND).map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              </label>
              <label class="field">
                <span>有效期起</span>
                <input
                  name="validFrom"
                  value={form.validFrom}
                  onInput={(e) => setForm({ ...form, validFrom: e.currentTarget.value })}
                  required
                  inputMode="numeric"
                  autocomplete="off"
                  placeholder="YYYY-MM-DD"
                />
              </label>
              <label class="field">
                <span>有效期止</span>
                <input
                  name="validTo"
                  value={form.validTo}
                  onInput={(e) => setForm({ ...form, validTo: e.currentTarget.value })}
                  required
                  inputMode="numeric"
                  autocomplete="off"
                  placeholder="YYYY-MM-DD"
                />
              </label>
              <HospitalPicker
                key={filedCount}
                label="转入医院（空：不限医院）"
                name="toHospital"
                picked={to.hospital}
                onChange={setTo}
                hint="按医院名称或国家医保编码查找，从列表中选定"
              />
              <label class="field">
                <span>诊断</span>
                <input name="diagnosis" value={form.diagnosis} onInput={(e) => setForm({ ...form, diagnosis: e.currentTarget.value })} maxLength={200} autocomplete="off" />
              </label>
            </div>
            <p class="actions">
              <button type="submit" class="primary" disabled={busy || to.pending} aria-describedby={to.pending ? 'file-blocked' : undefined}>
                办理备案
              </button>
              {to.pending && (
                <small id="file-blocked" class="muted">
                  转入医院尚未从列表中选定：请选定，或清空该栏（不限医院）
                </small>
              )}
            </p>
            <ErrorBox error={fileError} />
            {filed && (
              <p class="ok" role="status" data-testid="filed">
                已备案：<code>{filed.referralId}</code>（{FILING_KIND[filed.kind]}，{filed.validFrom} 至 {filed.validTo}，
                {filed.toHospitalId ? (
                  <>
                    转入 <HospitalName hospitalId={filed.toHospitalId} />
                  </>
                ) : (
                  '不限医院'
                )}
                ）
              </p>
            )}
          </form>

          <section class="card" aria-labelledby="filings-title">
            <h2 id="filings-title">该参保人的备案</h2>
            {!listed && <p class="muted">本服务暂不提供参保人备案列表：下表为本标签页办理或查到的备案。</p>}
            {filings.length === 0 ? (
              <p class="muted">无</p>
            ) : (
              <table class="list" data-testid="filings">
                <thead>
                  <tr>
                    <th scope="col">备案号</th>
                    <th scope="col">类型</th>
                    <th scope="col">有效期</th>
                    <th scope="col">转入医院</th>
                    <th scope="col">诊断</th>
                    <th scope="col">状态</th>
                    <th scope="col">操作</th>
                  </tr>
                </thead>
                <tbody>
                  {filings.map((filing) => (
                    <tr key={filing.referralId} data-filing={filing.referralId}>
                      <td>
                        <code>{filing.referralId}</code>
                      </td>
                      <td>{FILING_KIND[filing.kind] ?? filing.kind}</td>
                      <td>
                        {filing.validFrom} 至 {filing.validTo}
                      </td>
                      <td>{filing.toHospitalId ? <HospitalName hospitalId={filing.toHospitalId} /> : '不限'}</td>
                      <td>{filing.diagnosis ?? ''}</td>
                      <td data-status={filing.status}>{FILING_STATUS[filing.status] ?? filing.status}</td>
                      <td>
                        {filing.status === 'active' && (
                          <button type="button" class="link danger" onClick={() => setRevoking(filing)} aria-label={`撤销备案 ${filing.referralId}`}>
                            撤销
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <form class="row" onSubmit={lookup} aria-label="按备案号查询">
              <label class="field">
                <span>按备案号查询</span>
                <input name="lookupReferralId" value={lookupId} onInput={(e) => setLookupId(e.currentTarget.value)} autocomplete="off" />
              </label>
              <button type="submit" disabled={!lookupId.trim()}>
                查询备案
              </button>
            </form>
          </section>
        </>
      )}
      {revoking && (
        <RevokeDialog
          filing={revoking}
          onClose={() => setRevoking(null)}
          onDone={(filing) => {
            remember(filing);
            setFilings((list) => list.map((f) => (f.referralId === filing.referralId ? filing : f)));
          }}
        />
      )}
    </main>
  );
}
