/**
 * The split of a settlement as a waterfall (desk.md): 医疗费总额 → 全自费 /
 * 超限价自费 / 先行自付 → 符合政策范围 → 起付线 → each fund line → 个人负担.
 * Every amount shown is one of the response's own; the bars' positions are
 * drawn from them, and `waterfallProblems` checks that the parts add up.
 */
import { amount, Decimal, percent, type Amount } from './amounts.js';
import { FUND } from './labels.js';
import type { FeeCategoryView, PolicyDetail, RecordedOperator, Settlement } from './wire.js';

export type RowKind = 'total' | 'out-of-scope' | 'scope' | 'deductible' | 'cap' | 'fund' | 'patient';

export interface WaterfallRow {
  key: string;
  label: string;
  /** The response's amount, as answered. */
  amount: string;
  kind: RowKind;
  /** Bar extent in yuan, for drawing. */
  from: Amount;
  to: Amount;
  fundPayType?: string | null;
  rate?: string | null;
  cite?: string | null;
}

const lastSegment = (rule: string) => rule.slice(rule.lastIndexOf('/') + 1);

function stepOf(s: Settlement, name: string) {
  return s.steps.find((step) => lastSegment(step.rule) === name && !step.rule.includes('/programme/'));
}

/** The rate a fund line was paid at, as the explanation states it. */
export function fundRate(s: Settlement, fund: string, policy?: PolicyDetail | null): string | null {
  // The line's own rate when the service states it; else read from the explanation (older answers).
  const stated = s.lines.find((line) => line.fund === fund)?.rate;
  if (stated) return percent(stated);
  if (fund === 'basic') {
    const rate = stepOf(s, 'rate');
    const factor = /([0-9.]+)\s*$/.exec(rate?.text ?? '') ?? /rate\s+([0-9.]+)/.exec(rate?.text ?? '');
    if (!factor) return null;
    let text = percent(factor[1]!);
    const outOfArea = stepOf(s, 'out-of-area');
    const areaFactor = /×\s*([0-9.]+)/.exec(outOfArea?.text ?? '');
    if (areaFactor && !new Decimal(areaFactor[1]!).eq(1)) text += ` × ${percent(areaFactor[1]!)}`;
    return text;
  }
  const programme = s.steps.find((step) => step.rule.endsWith(`/programme/${fund}`));
  if (programme) {
    const match = /(\d+(?:\.\d+)?)%/.exec(programme.text);
    return match ? `${match[1]}%` : null;
  }
  if (fund === 'criticalIllness') {
    const step = stepOf(s, 'critical-illness');
    const label = step ? step.text.split(':')[0]!.trim() : null;
    const schedules = ((policy?.source.criticalIllness as { schedules?: unknown } | undefined)?.schedules ?? null) as { label: string; brackets: { rate: string }[] }[] | null;
    if (!schedules || schedules.length === 0) return null;
    const schedule = schedules.find((candidate) => candidate.label === label) ?? schedules[0]!;
    return `分段 ${schedule.brackets.map((bracket) => percent(bracket.rate)).join(' / ')}`;
  }
  return null;
}

export function waterfall(s: Settlement, policy?: PolicyDetail | null): WaterfallRow[] {
  const total = amount(s.charges?.total ?? s.total);
  const rows: WaterfallRow[] = [{ key: 'total', label: '医疗费总额', amount: s.charges?.total ?? s.total, kind: 'total', from: new Decimal(0), to: total }];
  const scopeStep = stepOf(s, 'policy-scope');
  if (s.charges) {
    // Out-of-scope parts peel off the top of the total; what is left is the policy scope.
    let top = total;
    const parts: [string, string, string][] = [
      ['fullSelfPay', '全自费（目录外）', s.charges.fullSelfPay],
      ['overLimitSelfPay', '超限价自费', s.charges.overLimitSelfPay],
      ['preSelfPay', '先行自付（乙类）', s.charges.preSelfPay],
    ];
    for (const [key, label, value] of parts) {
      const from = top.minus(amount(value));
      rows.push({ key, label, amount: value, kind: 'out-of-scope', from, to: top, cite: scopeStep?.cite ?? null });
      top = from;
    }
  }
  rows.push({
    key: 'policyScope',
    label: '符合政策范围金额',
    amount: s.policyScope,
    kind: 'scope',
    from: new Decimal(0),
    to: amount(s.policyScope),
    cite: scopeStep?.cite ?? null,
  });
  const eligible = stepOf(s, 'eligible-expense');
  if (eligible?.amount && !amount(eligible.amount).eq(amount(s.policyScope))) {
    rows.push({ key: 'eligible', label: '计入年度最高限额的费用', amount: eligible.amount, kind: 'cap', from: new Decimal(0), to: amount(eligible.amount), cite: eligible.cite });
  }
  const deductible = stepOf(s, 'deductible');
  if (deductible?.amount) {
    rows.push({
      key: 'deductible',
      label: '起付线（个人负担）',
      amount: deductible.amount,
      kind: 'deductible',
      from: new Decimal(0),
      to: amount(deductible.amount),
      cite: deductible.cite,
    });
  }
  // Fund lines step down from the total; what remains is the patient's share.
  let remaining = total;
  for (const line of s.lines) {
    const from = remaining.minus(amount(line.amount));
    rows.push({
      key: `fund:${line.fund}`,
      label: FUND[line.fund] ?? line.fund,
      amount: line.amount,
      kind: 'fund',
      from,
      to: remaining,
      fundPayType: line.fundPayType,
      rate: fundRate(s, line.fund, policy),
      cite: line.cite,
    });
    remaining = from;
  }
  rows.push({ key: 'patient', label: '个人负担', amount: s.patientTotal, kind: 'patient', from: new Decimal(0), to: amount(s.patientTotal) });
  return rows;
}

/** What does not add up (empty when the waterfall is exact): a slip with a problem is not printed silently. */
export function waterfallProblems(s: Settlement): string[] {
  const problems: string[] = [];
  const total = amount(s.total);
  if (s.charges) {
    const parts = amount(s.charges.fullSelfPay).plus(amount(s.charges.overLimitSelfPay)).plus(amount(s.charges.preSelfPay)).plus(amount(s.policyScope));
    if (!amount(s.charges.total).eq(total)) problems.push('charges.total ≠ total');
    if (!parts.eq(total)) problems.push('全自费 + 超限价自费 + 先行自付 + 符合政策范围 ≠ 医疗费总额');
  }
  const funds = s.lines.reduce((acc, line) => acc.plus(amount(line.amount)), new Decimal(0));
  if (!funds.eq(amount(s.fundTotal))) problems.push('Σ 基金支付 ≠ fundTotal');
  if (!total.minus(funds).eq(amount(s.patientTotal))) problems.push('医疗费总额 − Σ 基金支付 ≠ 个人负担');
  return problems;
}

/** 个人负担 split for the slip: 自费 (全自费 + 超限价自费) and 自付 (the rest), when the charges are echoed. */
export function patientSplit(s: Settlement): { selfPay: string; coPay: string } | null {
  if (!s.charges) return null;
  const selfPay = amount(s.charges.fullSelfPay).plus(amount(s.charges.overLimitSelfPay));
  return { selfPay: selfPay.toFixed(2), coPay: amount(s.patientTotal).minus(selfPay).toFixed(2) };
}

/** The fee categories with an amount, in code order, whichever form the service answered. */
export function feeCategoryRows(s: Settlement): [string, FeeCategoryView][] {
  const categories = s.feeCategories;
  if (!categories) return [];
  const rows: [string, FeeCategoryView][] = Array.isArray(categories)
    ? categories.map((category, index) => [category.category ?? String(index + 1).padStart(2, '0'), category])
    : Object.entries(categories);
  return rows.filter(([, category]) => !amount(category.total).isZero()).sort(([a], [b]) => a.localeCompare(b));
}

/** "张三（0123）", or what is known of the clerk; empty when nobody was named. */
export function operatorLabel(operator: RecordedOperator | null | undefined): string {
  if (!operator) return '';
  if (operator.name && operator.id) return `${operator.name}（${operator.id}）`;
  return operator.name ?? operator.id ?? '';
}
