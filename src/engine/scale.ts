/**
 * Marginal scales (policies.md "Critical illness scale"):
 * g(B) = Σ rate_i × clamp(B − from_i, 0, to_i − from_i). A settlement that moves
 * the base from B0 to B1 pays round2(g(B1)) − round2(g(B0)), so the year's
 * total is exact however the stays are split.
 */
import type { Money } from '../domain/money.js';
import { Decimal, ZERO, round2 } from '../domain/money.js';
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
  return roundedScale(brackets, after).minus(roundedScale(brackets, before));
}

/**
 * round2(marginalScale(brackets, base)), in integers where every amount is in
 * fen and every rate has at most 6 decimals (Σ rate × 10^6 × fen stays below
 * 2^53): the same value without a decimal object per band. Otherwise decimal.js.
 */
export function roundedScale(brackets: readonly Bracket[], base: Money): Money {
  const baseFen = fenOf(base);
  if (baseFen === null) return round2(marginalScale(brackets, base));
  let sum = 0; // in fen × 10^6
  for (const bracket of brackets) {
    const from = edgeFen(bracket.from);
    const to = bracket.to === null ? null : edgeFen(bracket.to);
    const rate = microsOf(bracket.rate);
    if (from === null || (to === null && bracket.to !== null) || rate === null) return round2(marginalScale(brackets, base));
    if (baseFen <= from) continue;
    const top = to === null || baseFen < to ? baseFen : to;
    sum += (top - from) * rate;
    if (sum > Number.MAX_SAFE_INTEGER - 1_000_000) return round2(marginalScale(brackets, base));
  }
  // Half up to the fen: sum ≥ 0, as rates and band widths are.
  if (sum < 0) return round2(marginalScale(brackets, base));
  const fen = Math.floor((sum + 500_000) / 1_000_000);
  return moneyOfFen(fen);
}

const MICROS = new WeakMap<Money, number | null>();
/** A rate × 10^6 as an integer, or null (more than 6 decimals, negative, or too large). */
function microsOf(rate: Money): number | null {
  let micros = MICROS.get(rate);
  if (micros === undefined) {
    micros = rate.isNegative() || rate.decimalPlaces() > 6 || rate.gt(1000) ? null : rate.times(1_000_000).toNumber();
    MICROS.set(rate, micros);
  }
  return micros;
}

/** An amount in whole fen, or null when it has more than two decimals, is negative or beyond 10^11 fen. */
function fenOf(value: Money): number | null {
  if (value.isNegative() || value.decimalPlaces() > 2) return null;
  // Bounded on the text, not with gte(1e9): a comparison builds a decimal (two, from a number) each call.
  const text = value.toString();
  const dot = text.indexOf('.');
  // More than 9 digits of yuan is 10^9 or more; an exponent only comes with 10^21 or more (two decimals at most rule out small ones).
  if ((dot === -1 ? text.length : dot) > 9 || text.includes('e')) return null;
  if (dot === -1) return Number(text) * 100;
  return Number(text.slice(0, dot)) * 100 + Number(text.slice(dot + 1).padEnd(2, '0'));
}

/** Band edges are the policy's decimals: read once. */
const FEN = new WeakMap<Money, number>();
function edgeFen(value: Money): number | null {
  let fen: number | null | undefined = FEN.get(value);
  if (fen === undefined) {
    fen = fenOf(value);
    if (fen !== null) FEN.set(value, fen);
  }
  return fen;
}

function moneyOfFen(fen: number): Money {
  const yuan = Math.floor(fen / 100);
  const cents = fen - yuan * 100;
  return new Decimal(`${yuan}.${cents < 10 ? '0' : ''}${cents}`);
}
