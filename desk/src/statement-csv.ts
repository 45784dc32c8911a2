/**
 * The day statement as a CSV file the finance office opens in Excel: UTF-8
 * with a BOM (without it Excel reads the Chinese as GBK and shows mojibake),
 * CRLF line ends, amounts as plain decimals (Excel sums them), every figure
 * the service's own.
 */
import { shanghaiTime } from './format.js';
import { FUND, VISIT_TYPE } from './labels.js';
import { operatorLabel } from './waterfall.js';
import type { Statement, StatementEntry } from './wire.js';

export const BOM = '\uFEFF';

/** One CSV cell: quoted when it holds a comma, a quote or a line break; a leading = + - @ is kept text (no formula). */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+@]/.test(text) || (/^-/.test(text) && !/^-\d+(\.\d+)?$/.test(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function statementCsv(statement: Statement, entries: StatementEntry[], hospitalName: string): string {
  const rows: (string | number)[][] = [];
  rows.push(['日结单', hospitalName, statement.date, `时区 ${statement.timeZone}`]);
  rows.push([]);
  rows.push(['合计', '笔数', '结算笔数', '撤销笔数', '医疗费总额', '基金支付', '个人负担']);
  const t = statement.totals;
  rows.push(['', t.count, t.settlements, t.reversals, t.total, t.fundTotal, t.patientTotal]);
  rows.push([]);
  rows.push(['按基金', '基金', '金额']);
  for (const [fund, value] of Object.entries(t.funds)) rows.push(['', FUND[fund] ?? fund, value]);
  rows.push([]);
  rows.push(['按类别', '险种', '结算类别', '就诊类型', '政策', '笔数', '医疗费总额', '基金支付']);
  for (const g of statement.groups) rows.push(['', g.insutype, g.clrType, VISIT_TYPE[g.visitType] ?? g.visitType, g.policyId, g.count, g.total, g.fundTotal]);
  rows.push([]);
  rows.push(['明细', '时间', '结算单号', '结算流水号', '类型', '医疗费总额', '基金支付', '个人负担', '操作员']);
  for (const e of entries) {
    rows.push(['', shanghaiTime(e.at), e.settlementId, e.requestId, e.kind === 'reversal' ? '撤销' : '结算', e.total, e.fundTotal, e.patientTotal, operatorLabel(e.operator)]);
  }
  return BOM + rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
