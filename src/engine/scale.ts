/**
 * Marginal scales (policies.md "Critical illness scale"):
 * g(B) = Σ rate_i × clamp(B − from_i, 0, to_i − from_i). A settlement that moves
 * the base from B0 to B1 pays round2(g(B1)) − round2(g(B0)), so the year's
 * total is exact however the stays are split.
 */
import type { Money } from '../domain/money.js';
import { ZERO, round2 } from '../domain/money.js';
import type { Bracket } from '../policy/schema.js';

export function marginalScale(brackets: readonly Bracket[], base: Money): Money {
  let sum = ZERO;
  for (const { from, to, rate } of brackets) {
    if (base.lte(from)) continue;
    const top = to === null || base.lt(to) ? base : to;
    sum = sum.plus(top.minus(from).times(rate));
  }
  return sum;
}

/** What moving the base from `before` to `after` pays. */
export function scaleIncrement(brackets: readonly Bracket[], before: Money, after: Money): Money {
  return round2(marginalScale(brackets, after)).minus(round2(marginalScale(brackets, before)));
}
