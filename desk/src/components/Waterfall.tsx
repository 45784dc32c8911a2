/** The split drawn as a waterfall: one row per step, its bar, amount, fund code, rate and clause. */
import { amount, Decimal, share, yuan } from '../amounts.js';
import { isEnglishSentence, notesForPeople, stepLabel } from '../labels.js';
import { waterfall, waterfallProblems } from '../waterfall.js';
import type { PolicyDetail, Settlement } from '../wire.js';
import { Cite } from './Cite.js';

export function Waterfall({ settlement, policy, caption = '费用分解' }: { settlement: Settlement; policy?: PolicyDetail | null; caption?: string }) {
  const rows = waterfall(settlement, policy);
  const scale = Decimal.max(amount(settlement.total), amount(settlement.policyScope), new Decimal('0.01'));
  const problems = waterfallProblems(settlement);
  return (
    <div class="waterfall-wrap">
      <table class="waterfall" data-testid="waterfall">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">项目</th>
            <th scope="col" class="bar-col">
              <span class="sr-only">图示</span>
            </th>
            <th scope="col">金额（元）</th>
            <th scope="col">基金编码</th>
            <th scope="col">比例</th>
            <th scope="col">依据</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} class={`wf-${row.kind}`} data-row={row.key}>
              <th scope="row">{row.kind === 'fund' ? `− ${row.label}` : row.label}</th>
              <td class="bar-col" aria-hidden="true">
                <div class="bar-track">
                  <div class="bar" style={{ left: `${share(row.from, scale)}%`, width: `${Math.max(share(row.to.minus(row.from), scale), row.to.gt(row.from) ? 0.4 : 0)}%` }} />
                </div>
              </td>
              <td class="num" data-amount={row.key}>
                {yuan(row.amount)}
              </td>
              <td>{row.kind === 'fund' ? (row.fundPayType ?? '—') : ''}</td>
              <td>{row.rate ?? ''}</td>
              <td>{row.cite ? <Cite cite={row.cite} /> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {problems.length > 0 && (
        <p class="error" role="alert">
          金额不平：{problems.join('；')}
        </p>
      )}
    </div>
  );
}

/** The rules' own explanation, step by step, each with its clause. */
export function Steps({ settlement }: { settlement: Settlement }) {
  // The notes in Chinese (notesZh); a settlement recorded before they were kept shows its Chinese notes only.
  const notes = settlement.notesZh ?? notesForPeople(settlement.notes);
  return (
    <details class="steps">
      <summary>计算过程（{settlement.steps.length} 步）</summary>
      <ol>
        {settlement.steps.map((step) => (
          <li key={step.rule}>
            <strong>{stepLabel(step.rule)}</strong>
            {isEnglishSentence(step.text) ? '' : `：${step.text}`}
            {step.amount !== null && <span class="num"> = {yuan(step.amount)}</span>} <Cite cite={step.cite} />
          </li>
        ))}
      </ol>
      {notes.length > 0 && (
        <ul class="notes">
          {notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </details>
  );
}
