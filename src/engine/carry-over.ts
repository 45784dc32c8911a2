/**
 * 结转 (policy vocabulary `carryOver` on a cap): this year's cap grows by what
 * a year ledger left unused of its cap last year, at most `max`. Only for a
 * person covered on the last day of last year (the allowance was theirs).
 */
import { ZERO, formatMoney, headroom, minMoney, type Money } from '../domain/money.js';
import type { Accumulators } from '../domain/types.js';
import type { CapRule } from '../policy/schema.js';
import { zh } from './explanation.js';
import { lookup, type Facts } from './facts.js';
import { LedgerBook } from './ledgers.js';

export interface Carried {
  amount: Money;
  /** The explanation step, or null when nothing was carried. */
  text: string | null;
  cite: string;
}

const NONE = (cite: string): Carried => ({ amount: ZERO, text: null, cite });

/** What last year leaves to this cap; `previousYear` null: not given, nothing carried. */
export function carriedInto(facts: Facts, cap: CapRule, previousYear: Accumulators | null, year: number, fallbackCite: string): Carried {
  const carry = cap.carryOver;
  const cite = carry?.cite ?? cap.cite ?? fallbackCite;
  const ledger = carry?.ledger ?? cap.ledger;
  if (!carry || !ledger || previousYear === null) return NONE(cite);
  const lastDay = `${year - 1}-12-31`;
  if (!facts.enrollee.coverage.some((period) => period.from <= lastDay && lastDay <= period.to)) return NONE(cite);
  const lastCap = lookup(facts, carry.cap ?? cap.amount, cite).value;
  // A year ledger's value at the end of last year (the book reads it as "before").
  const used = new LedgerBook(facts.policy, previousYear, facts.request.visitType, facts.request).before(ledger);
  let amount = headroom(lastCap, used);
  if (carry.max) amount = minMoney(amount, carry.max);
  if (amount.isZero()) return NONE(cite);
  return {
    amount,
    text: zh('engine.carryOver', { year: year - 1, cap: formatMoney(lastCap), used: formatMoney(used), amount: formatMoney(amount) }),
    cite,
  };
}
