/**
 * 日结单 of one hospital-day: the printable summary (A4, one page: totals,
 * per fund, per kind, signatures) and, on screen only, the entries; print
 * and CSV export (UTF-8 with a BOM, for Excel).
 */
import { yuan } from '../amounts.js';
import { shanghaiTime } from '../format.js';
import { FUND, VISIT_TYPE } from '../labels.js';
import { statementCsv } from '../statement-csv.js';
import { operatorLabel } from '../waterfall.js';
import type { Hospital, Statement, StatementEntry } from '../wire.js';
import { hospitalLabel } from './HospitalName.js';

/** Hands the text to the browser as a file download. */
export function download(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function slipLink(settlementId: string | null | undefined) {
  if (!settlementId) return <span class="muted">—</span>;
  return (
    <a href={`/desk/slip/${encodeURIComponent(settlementId)}?reprint=1`}>
      <code>{settlementId}</code>
    </a>
  );
}

export { slipLink };

export function DayStatement({ statement, entries, hospital, onMore }: { statement: Statement; entries: StatementEntry[]; hospital: Hospital | null; onMore: () => void }) {
  const name = hospitalLabel(hospital, statement.hospitalId);
  const t = statement.totals;
  return (
    <section class="card" aria-labelledby="statement-title">
      <p class="actions no-print">
        <button type="button" onClick={() => window.print()} data-testid="print-statement">
          打印日结单
        </button>
        <button
          type="button"
          onClick={() => download(`日结单-${statement.hospitalId}-${statement.date}.csv`, statementCsv(statement, entries, name))}
          data-testid="export-statement"
        >
          导出 CSV（Excel）
        </button>
      </p>
      <article class="statement printable" data-testid="statement">
        <h2 id="statement-title" class="statement-title">
          {name} {statement.date} 医保结算日结单
        </h2>
        <table class="list" data-testid="statement-totals">
          <caption>合计</caption>
          <thead>
            <tr>
              <th scope="col" class="num">
                笔数
              </th>
              <th scope="col" class="num">
                结算
              </th>
              <th scope="col" class="num">
                撤销
              </th>
              <th scope="col" class="num">
                医疗费总额
              </th>
              <th scope="col" class="num">
                基金支付
              </th>
              <th scope="col" class="num">
                个人负担
              </th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td class="num">{t.count}</td>
              <td class="num">{t.settlements}</td>
              <td class="num">{t.reversals}</td>
              <td class="num">{yuan(t.total)}</td>
              <td class="num">{yuan(t.fundTotal)}</td>
              <td class="num">{yuan(t.patientTotal)}</td>
            </tr>
          </tbody>
        </table>
        <table class="list" data-testid="statement-funds">
          <caption>按基金</caption>
          <thead>
            <tr>
              <th scope="col">基金</th>
              <th scope="col" class="num">
                金额（元）
              </th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(t.funds).map(([fund, value]) => (
              <tr key={fund} data-fund={fund}>
                <th scope="row">{FUND[fund] ?? fund}</th>
                <td class="num">{yuan(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {statement.groups.length > 0 && (
          <table class="list" data-testid="statement-groups">
            <caption>按险种、结算类别</caption>
            <thead>
              <tr>
                <th scope="col">险种</th>
                <th scope="col">结算类别</th>
                <th scope="col">就诊类型</th>
                <th scope="col">政策</th>
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
              {statement.groups.map((group) => (
                <tr key={`${group.insutype}:${group.clrType}:${group.policyId}:${group.visitType}`}>
                  <td>{group.insutype}</td>
                  <td>{group.clrType}</td>
                  <td>{VISIT_TYPE[group.visitType] ?? group.visitType}</td>
                  <td>{group.policyId}</td>
                  <td class="num">{group.count}</td>
                  <td class="num">{yuan(group.total)}</td>
                  <td class="num">{yuan(group.fundTotal)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <footer class="statement-foot">
          <span>
            制表：
            <span class="blank" />
          </span>
          <span>
            财务审核：
            <span class="blank" />
          </span>
          <span>打印时间：{shanghaiTime(new Date().toISOString())}</span>
        </footer>
      </article>
      <table class="list no-print" data-testid="statement-entries">
        <caption>明细（{entries.length} 笔）</caption>
        <thead>
          <tr>
            <th scope="col">时间</th>
            <th scope="col">结算单号</th>
            <th scope="col">结算流水号</th>
            <th scope="col">类型</th>
            <th scope="col" class="num">
              医疗费总额
            </th>
            <th scope="col" class="num">
              基金支付
            </th>
            <th scope="col" class="num">
              个人负担
            </th>
            <th scope="col">操作员</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={`${entry.settlementId}:${entry.kind}`} class={entry.kind === 'reversal' ? 'reversal' : ''}>
              <td>{shanghaiTime(entry.at)}</td>
              <td>{slipLink(entry.settlementId)}</td>
              <td>
                <code>{entry.requestId}</code>
              </td>
              <td>{entry.kind === 'reversal' ? '撤销' : '结算'}</td>
              <td class="num">{yuan(entry.total)}</td>
              <td class="num">{yuan(entry.fundTotal)}</td>
              <td class="num">{yuan(entry.patientTotal)}</td>
              <td>{operatorLabel(entry.operator)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {statement.next && (
        <button type="button" class="no-print" onClick={onMore}>
          加载更多
        </button>
      )}
    </section>
  );
}
