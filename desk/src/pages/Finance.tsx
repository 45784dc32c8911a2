/**
 * 对账 — the finance office at day end (desk.md "Finance office"): the day
 * statement, and reconciliation of the HIS's totals or detail rows against it.
 * The HIS side is sent as entered; the service compares, the page lists.
 */
import { useState } from 'preact/hooks';
import { get, post, seg } from '../api.js';
import { yuan } from '../amounts.js';
import { normaliseAmount, normaliseDate } from '../bill.js';
import { DayStatement, slipLink } from '../components/DayStatement.js';
import { ErrorBox } from '../components/ErrorBox.js';
import { FilePicker } from '../components/FilePicker.js';
import { HospitalName } from '../components/HospitalName.js';
import { HospitalPicker } from '../components/HospitalPicker.js';
import { hospitalOf } from '../fetchers.js';
import { session } from '../session.js';
import { hisEntries } from '../reconcile.js';
import { shanghaiTime, shanghaiToday } from '../format.js';
import type { Hospital, Me, Reconciliation, ReconciliationDifference, Statement, StatementEntry } from '../wire.js';

const DIFFERENCE: Record<string, string> = {
  'missing-in-hospital': 'HIS 无此笔',
  'missing-in-service': '医保无此笔',
  'amount-mismatch': '金额不符',
  'kind-mismatch': '类型不符',
};

function brief(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'object') return String(value);
  const record = value as Record<string, unknown>;
  return ['kind', 'total', 'fundTotal']
    .filter((key) => record[key] !== undefined)
    .map((key) => (key === 'kind' ? (record[key] === 'reversal' ? '撤销' : '结算') : yuan(String(record[key]))))
    .join(' / ');
}

export function Finance({ me }: { me: Me }) {
  const [hospitalId, setHospitalId] = useState(me.hospitalId ?? '');
  const [date, setDate] = useState(shanghaiToday());
  const [statement, setStatement] = useState<Statement | null>(null);
  const [entries, setEntries] = useState<StatementEntry[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [theirs, setTheirs] = useState({ count: '', total: '', fundTotal: '' });
  const [detail, setDetail] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [result, setResult] = useState<Reconciliation | null>(null);
  const [history, setHistory] = useState<Reconciliation[] | null>(null);
  const [reconError, setReconError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [hospital, setHospital] = useState<Hospital | null>(null);
  /** The hospital an admin key picked from the registry (a billing key's is its own). */
  const [picked, setPicked] = useState<Hospital | null>(null);

  const day = normaliseDate(date);
  const base = `/v1/hospitals/${seg(hospitalId.trim())}`;

  const loadStatement = async (event?: Event) => {
    event?.preventDefault();
    setError(null);
    try {
      const { body } = await get<Statement>(`${base}/statements/${seg(day)}`);
      setStatement(body);
      setEntries(body.entries);
      setHospital(await hospitalOf(body.hospitalId));
      const list = await get<{ reconciliations: Reconciliation[] }>(`${base}/reconciliations?date=${seg(day)}`).then(
        (answer) => answer.body.reconciliations ?? [],
        () => null,
      );
      setHistory(list);
    } catch (failure) {
      setStatement(null);
      setError(failure);
    }
  };

  const more = async () => {
    if (!statement?.next) return;
    try {
      const { body } = await get<Statement>(`${base}/statements/${seg(day)}?cursor=${encodeURIComponent(statement.next)}`);
      setStatement({ ...statement, next: body.next });
      setEntries((list) => [...list, ...body.entries]);
    } catch (failure) {
      setError(failure);
    }
  };

  const reconcile = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setReconError(null);
    setProblems([]);
    const body: Record<string, unknown> = {
      date: day,
      totals: { count: Number(theirs.count), total: normaliseAmount(theirs.total), fundTotal: normaliseAmount(theirs.fundTotal) },
    };
    // Who reconciled: the operator typed at sign-in, recorded with the reconciliation.
    const operator = session.operator();
    if (operator) body.operator = operator;
    if (detail.trim()) {
      const parsed = hisEntries(detail);
      if (parsed.problems.length > 0) return setProblems(parsed.problems);
      body.entries = parsed.entries;
    }
    setBusy(true);
    try {
      const { body: answer } = await post<Reconciliation>(`${base}/reconciliations`, body);
      setResult(answer);
      setHistory((list) => (list ? [answer, ...list.filter((r) => r.reconciliationId !== answer.reconciliationId)] : list));
    } catch (failure) {
      setReconError(failure);
    } finally {
      setBusy(false);
    }
  };

  const differences: ReconciliationDifference[] = result?.differences ?? [];
  const difference = (result?.difference ?? null) as { count?: number; total?: string; fundTotal?: string } | null;
  return (
    <main id="main" class="page finance">
      <h1>对账</h1>
      <form class="card lookup" onSubmit={loadStatement} aria-label="日结单">
        {me.role === 'billing' ? (
          <p class="field">
            <span class="muted">医院</span>
            <HospitalName hospitalId={hospitalId} />
          </p>
        ) : (
          <HospitalPicker
            label="医院"
            name="financeHospital"
            picked={picked}
            onChange={(state) => {
              setPicked(state.hospital);
              setHospitalId(state.hospital?.hospitalId ?? '');
            }}
          />
        )}
        <label class="field">
          <span>业务日期（北京时间）</span>
          <input name="date" value={date} onInput={(e) => setDate(e.currentTarget.value)} required inputMode="numeric" autocomplete="off" />
        </label>
        <button type="submit" disabled={!hospitalId.trim()}>
          查询日结单
        </button>
      </form>
      <ErrorBox error={error} />

      {statement && <DayStatement statement={statement} entries={entries} hospital={hospital} onMore={() => void more()} />}

      <form class="card" onSubmit={reconcile} aria-labelledby="recon-title">
        <h2 id="recon-title">与 HIS 对账（{day}）</h2>
        <div class="grid">
          <label class="field">
            <span>HIS 笔数</span>
            <input name="theirCount" value={theirs.count} onInput={(e) => setTheirs({ ...theirs, count: e.currentTarget.value })} required inputMode="numeric" pattern="\d+" />
          </label>
          <label class="field">
            <span>HIS 医疗费总额</span>
            <input name="theirTotal" value={theirs.total} onInput={(e) => setTheirs({ ...theirs, total: e.currentTarget.value })} required inputMode="decimal" />
          </label>
          <label class="field">
            <span>HIS 基金支付</span>
            <input name="theirFundTotal" value={theirs.fundTotal} onInput={(e) => setTheirs({ ...theirs, fundTotal: e.currentTarget.value })} required inputMode="decimal" />
          </label>
        </div>
        <label class="field">
          <span>HIS 明细（可选；粘贴或上传，首行表头：结算单号、结算流水号、类型、医疗费总额、基金支付）</span>
          <textarea name="hisDetail" rows={5} value={detail} onInput={(e) => setDetail(e.currentTarget.value)} />
        </label>
        <p class="row">
          <FilePicker label="上传 HIS 明细 CSV" name="hisDetailFile" onText={setDetail} />
          <button type="submit" class="primary" disabled={busy || !hospitalId.trim()}>
            对账
          </button>
        </p>
        {problems.length > 0 && (
          <ul class="error" role="alert">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
        <ErrorBox error={reconError} />
      </form>

      {result && (
        <section class="card" aria-labelledby="recon-result" data-testid="reconciliation">
          <h2 id="recon-result" class={result.balanced ? 'ok' : 'error'} data-balanced={String(result.balanced)}>
            {result.balanced ? '平账' : differences.length > 0 ? `不平：${differences.length} 处差异` : '不平：合计不符（见差额行）'}
          </h2>
          <table class="list" data-testid="recon-totals">
            <thead>
              <tr>
                <th scope="col">一方</th>
                <th scope="col" class="num">
                  笔数
                </th>
                <th scope="col" class="num">
                  医疗费总额
                </th>
                <th scope="col" class="num">
                  基金支付
                </th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">医保</th>
                <td class="num">{result.ours.count}</td>
                <td class="num">{yuan(result.ours.total)}</td>
                <td class="num">{yuan(result.ours.fundTotal)}</td>
              </tr>
              <tr>
                <th scope="row">HIS</th>
                <td class="num">{result.theirs.count}</td>
                <td class="num">{yuan(result.theirs.total)}</td>
                <td class="num">{yuan(result.theirs.fundTotal)}</td>
              </tr>
              {difference && (
                <tr data-testid="recon-difference" class={result.balanced ? '' : 'reversal'}>
                  <th scope="row">差额（医保 − HIS）</th>
                  <td class="num">{difference.count ?? '—'}</td>
                  <td class="num">{yuan(difference.total)}</td>
                  <td class="num">{yuan(difference.fundTotal)}</td>
                </tr>
              )}
            </tbody>
          </table>
          {differences.length > 0 && (
            <table class="list" data-testid="differences">
              <caption>差异明细</caption>
              <thead>
                <tr>
                  <th scope="col">差异</th>
                  <th scope="col">结算单号</th>
                  <th scope="col">结算流水号</th>
                  <th scope="col">医保</th>
                  <th scope="col">HIS</th>
                </tr>
              </thead>
              <tbody>
                {differences.map((d, index) => (
                  <tr key={index} data-kind={d.kind}>
                    <td>{DIFFERENCE[d.kind] ?? d.kind}</td>
                    <td>{slipLink(d.settlementId)}</td>
                    <td>
                      <code>{d.requestId ?? '—'}</code>
                    </td>
                    <td>{brief(d.ours)}</td>
                    <td>{brief(d.theirs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}

      {history && history.length > 0 && (
        <section class="card" aria-labelledby="history-title">
          <h2 id="history-title">本日对账记录</h2>
          <ul>
            {history.map((r) => (
              <li key={r.reconciliationId}>
                {shanghaiTime(r.at)} · {r.balanced ? '平账' : `不平（${r.differences.length} 处）`} · <code>{r.reconciliationId}</code>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
