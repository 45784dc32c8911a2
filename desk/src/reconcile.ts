/** The HIS side of a reconciliation (api.md "Day statements and reconciliation"), read from its rows as entered. */
import { normaliseAmount } from './bill.js';
import { parseTable } from './feelines.js';

const COLUMN: Record<string, string[]> = {
  settlementId: ['settlementid', '结算单号', '医保结算号', 'setl_id'],
  requestId: ['requestid', '结算流水号', '流水号', 'his流水号'],
  kind: ['kind', '类型', '业务类型'],
  total: ['total', '医疗费总额', '总金额', 'medfee_sumamt'],
  fundTotal: ['fundtotal', '基金支付', '基金支付总额', 'fund_pay_sumamt'],
};

/** Detail rows of the HIS (CSV or pasted), with Chinese or API headers, to reconciliation entries. */
export function hisEntries(text: string): { entries: Record<string, string>[]; problems: string[] } {
  const { header, rows } = parseTable(text);
  const field = (name: string) => header.find((h) => COLUMN[name]!.includes(h.toLowerCase().replace(/\s+/g, '')));
  const columns = Object.fromEntries(Object.keys(COLUMN).map((name) => [name, field(name)]));
  const problems: string[] = [];
  if (!columns.settlementId && !columns.requestId) problems.push('缺少“结算单号”或“结算流水号”列');
  if (!columns.total) problems.push('缺少“医疗费总额”列');
  const entries = rows.map((row) => {
    const entry: Record<string, string> = {};
    if (columns.settlementId && row[columns.settlementId]) entry.settlementId = row[columns.settlementId]!;
    if (columns.requestId && row[columns.requestId]) entry.requestId = row[columns.requestId]!;
    const kind = columns.kind ? row[columns.kind] : '';
    entry.kind = kind === '撤销' || kind === 'reversal' ? 'reversal' : 'settlement';
    if (columns.total) entry.total = normaliseAmount(row[columns.total] ?? '');
    if (columns.fundTotal) entry.fundTotal = normaliseAmount(row[columns.fundTotal] ?? '');
    return entry;
  });
  return { entries, problems };
}
