/**
 * Local top-up programmes (Jinjiang 六(二)1, 六(二)2, 六(三)1) on the remaining
 * policy-scope self-pay R = S − basic − criticalIllness. Layers apply in
 * order; a layer's base is R less what earlier layers paid; within a layer
 * only the largest applicable programme is paid.
 */
import type { Money } from '../domain/money.js';
import { ZERO, formatMoney, headroom, minMoney, round2 } from '../domain/money.js';
import type { Accumulators, Enrollee, Fund, Hospital, SettlementRequest } from '../domain/types.js';
import type { Policy, Programme } from '../policy/schema.js';
import type { Explanation } from './explanation.js';

export interface ProgrammeFacts {
  request: SettlementRequest;
  enrollee: Enrollee;
  hospital: Hospital;
  inArea: boolean;
  hasActiveFiling: boolean;
}

function applies(programme: Programme, facts: ProgrammeFacts): boolean {
  const when = programme.when;
  const categories = facts.enrollee.categories;
  if (when.majorDiseases && !(facts.request.majorDisease && when.majorDiseases.includes(facts.request.majorDisease))) return false;
  if (when.outOfArea !== undefined && when.outOfArea === facts.inArea) return false;
  if (when.hospitalLevels && !when.hospitalLevels.includes(facts.hospital.level)) return false;
  if (when.activeFiling !== undefined && when.activeFiling !== facts.hasActiveFiling) return false;
  if (when.categoriesAny && !when.categoriesAny.some((c) => categories.includes(c))) return false;
  if (when.categoriesNone && when.categoriesNone.some((c) => categories.includes(c))) return false;
  return true;
}

export interface ProgrammePayments {
  payments: Partial<Record<Fund, Money>>;
  /** What capped programmes add to their annual accumulators. */
  cappedPaid: Partial<Record<NonNullable<Programme['annualCap']>['accumulator'], Money>>;
  total: Money;
}

export function programmePayments(
  policy: Policy,
  remaining: Money,
  acc: Accumulators,
  facts: ProgrammeFacts,
  explanation: Explanation,
): ProgrammePayments {
  const payments: Partial<Record<Fund, Money>> = {};
  let paid = ZERO;
  const cappedPaid: ProgrammePayments['cappedPaid'] = {};
  for (const layer of policy.localProgrammes?.layers ?? []) {
    const base = remaining.minus(paid);
    let chosen: { programme: Programme; amount: Money } | null = null;
    for (const programme of layer.programmes) {
      payments[programme.fund] = ZERO;
      if (!applies(programme, facts)) continue;
      let amount = round2(base.times(programme.rate));
      if (programme.annualCap) amount = minMoney(amount, headroom(programme.annualCap.amount, acc[programme.annualCap.accumulator]));
      if (chosen === null || amount.gt(chosen.amount)) chosen = { programme, amount };
    }
    if (chosen) {
      const { programme, amount } = chosen;
      payments[programme.fund] = amount;
      paid = paid.plus(amount);
      if (programme.annualCap) cappedPaid[programme.annualCap.accumulator] = amount;
      explanation.step(
        `programme/${programme.fund}`,
        `${programme.label}: ${programme.rate.times(100).toString()}% of remaining self-pay ${formatMoney(base)}${programme.annualCap ? ` (annual cap ${formatMoney(programme.annualCap.amount)})` : ''}`,
        amount,
        programme.cite,
      );
    }
  }
  for (const layer of policy.localProgrammes?.layers ?? []) {
    for (const programme of layer.programmes) explanation.line(programme.fund, payments[programme.fund]!, programme.cite, { rate: programme.rate });
  }
  return { payments, cappedPaid, total: paid };
}
