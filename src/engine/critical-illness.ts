/**
 * Critical-illness insurance (Pingyang 三(二), Taiyuan 三(二), Jinjiang 六(一)6)
 * on the year's compliant self-burden, with the most favourable schedule the
 * person qualifies for and its annual cap.
 */
import type { Money } from '../domain/money.js';
import { ZERO, formatMoney, headroom, minMoney } from '../domain/money.js';
import type { Accumulators, PersonCategory } from '../domain/types.js';
import type { CriticalIllnessSchedule, Policy } from '../policy/schema.js';
import type { Explanation } from './explanation.js';
import { scaleIncrement } from './scale.js';

/** Lowest threshold, then highest rate, then highest cap (null = no cap). */
function moreFavourable(a: CriticalIllnessSchedule, b: CriticalIllnessSchedule): boolean {
  const [fa, fb] = [a.brackets[0]!, b.brackets[0]!];
  if (!fa.from.eq(fb.from)) return fa.from.lt(fb.from);
  if (!fa.rate.eq(fb.rate)) return fa.rate.gt(fb.rate);
  if (a.annualCap === null) return b.annualCap !== null;
  return b.annualCap !== null && a.annualCap.gt(b.annualCap);
}

export function scheduleFor(
  schedules: readonly CriticalIllnessSchedule[],
  categories: readonly PersonCategory[],
): CriticalIllnessSchedule | null {
  let best: CriticalIllnessSchedule | null = null;
  for (const schedule of schedules) {
    if (schedule.categoriesAny && !schedule.categoriesAny.some((c) => categories.includes(c))) continue;
    if (best === null || moreFavourable(schedule, best)) best = schedule;
  }
  return best;
}


/** `burden` is this settlement's compliant self-burden b. */
export function criticalIllnessPayment(
  policy: Policy,
  acc: Accumulators,
  categories: readonly PersonCategory[],
  burden: Money,
  explanation: Explanation,
): Money | null {
  const rule = policy.criticalIllness;
  if (!rule) return null;
  if (rule.schedules === null) {
    explanation.note(rule.missingNote ?? `${policy.id}: no critical-illness scale is configured; criticalIllness is 0.00`);
    explanation.step('critical-illness', 'no critical-illness scale in the sources', ZERO, rule.cite);
    explanation.line('criticalIllness', ZERO, rule.cite);
    return ZERO;
  }
  const schedule = scheduleFor(rule.schedules, categories);
  let amount = ZERO;
  const before = acc.compliantSelfBurden;
  const after = before.plus(burden);
  if (schedule) {
    amount = scaleIncrement(schedule.brackets, before, after);
    let text = `${schedule.label}: compliant self-burden of the year ${formatMoney(before)} → ${formatMoney(after)} on the scale`;
    if (schedule.annualCap !== null) {
      const room = headroom(schedule.annualCap, acc.criticalIllnessPaid);
      if (amount.gt(room)) {
        amount = minMoney(amount, room);
        text += `, capped at ${formatMoney(schedule.annualCap)} a year`;
      }
    }
    explanation.step('critical-illness', text, amount, rule.cite);
  }
  explanation.line('criticalIllness', amount, rule.cite);
  return amount;
}
