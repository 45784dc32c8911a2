/**
 * Money is exact: yuan as decimal.js values, never JavaScript floats.
 * policies.md "Common ground — Money": each payment line is rounded to 0.01
 * half up when produced; amounts lie in [0, 999 999 999.99] with ≤ 2 decimals.
 */
import { Decimal as DecimalJs } from 'decimal.js';

/** An isolated Decimal constructor so no other library can change our rounding. */
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP });
export type Money = InstanceType<typeof Decimal>;

export const ZERO: Money = new Decimal(0);
export const MAX_AMOUNT: Money = new Decimal('999999999.99');

/** Decimal string with at most two decimals, no sign, no exponent, no leading zeros. */
export const MONEY_PATTERN = /^(0|[1-9]\d{0,8})(\.\d{1,2})?$/;
/** Rates and factors in policy files: e.g. "0.80", "1", "0.5". */
export const RATE_PATTERN = /^(0|[1-9]\d*)(\.\d+)?$/;

export function money(value: string | number | Money): Money {
  return new Decimal(value);
}

/** Round to the fen, half up (policies.md "Money"). */
export function round2(value: Money): Money {
  // Most values are already in fen: decimals are immutable, so keep the operand.
  return value.decimalPlaces() <= 2 ? value : value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/**
 * A fee line's amount is its quantity × unit price rounded half up to the fen
 * (api.md, national-platform.md §2301), and that rounding may move it by at
 * most this share of its exact value: a line worth a fraction of a fen (25.00
 * split into 4,999 lines of 0.005, each billed 0.01) is refused, so splitting
 * an item into lines changes what it bills by at most 10 % (docs/bounds.md).
 */
export const MAX_LINE_ROUNDING_SHARE = new Decimal('0.1');

/** The line amount quantity × unitPrice rounds to, or null when rounding would move it by more than MAX_LINE_ROUNDING_SHARE. */
export function lineAmount(quantity: Money, unitPrice: Money): Money | null {
  const exact = quantity.times(unitPrice);
  const rounded = round2(exact);
  return rounded.minus(exact).abs().gt(exact.abs().times(MAX_LINE_ROUNDING_SHARE)) ? null : rounded;
}

/**
 * "1234.50" — the wire form of every amount. Same result as toFixed(2), which
 * costs ~6× toString (it copies and re-rounds); a response formats ~35
 * amounts, nearly all already in fen, so those only need padding.
 */
export function formatMoney(value: Money): string {
  const text = value.toString();
  const dot = text.indexOf('.');
  if (dot === -1) return text.includes('e') ? value.toFixed(2) : `${text}.00`;
  const decimals = text.length - dot - 1;
  if (decimals === 2) return text;
  if (decimals === 1) return `${text}0`;
  return value.toFixed(2); // more decimals (round half up) or exponent notation
}

/**
 * a.comparedTo(b), without the copy of `b` decimal.js makes on every
 * comparison (the engine compares a few dozen times a settlement): the same
 * steps on its documented instance properties (s sign, e exponent, d digits
 * in base 10^7 from the most significant). NaN and infinities go to decimal.js.
 */
export function compareMoney(a: Money, b: Money): number {
  const ad = a.d;
  const bd = b.d;
  if (!ad || !bd) return a.comparedTo(b);
  const as = a.s;
  if (!ad[0] || !bd[0]) return ad[0] ? as : bd[0] ? -b.s : 0;
  if (as !== b.s) return as;
  if (a.e !== b.e) return a.e > b.e !== as < 0 ? 1 : -1;
  const n = Math.min(ad.length, bd.length);
  for (let i = 0; i < n; i++) if (ad[i] !== bd[i]) return ad[i]! > bd[i]! !== as < 0 ? 1 : -1;
  return ad.length === bd.length ? 0 : ad.length > bd.length !== as < 0 ? 1 : -1;
}

export function minMoney(a: Money, b: Money): Money {
  return compareMoney(a, b) <= 0 ? a : b;
}

export function maxMoney(a: Money, b: Money): Money {
  return compareMoney(a, b) >= 0 ? a : b;
}

/** What is left under a ceiling, never negative. */
export function headroom(ceiling: Money, used: Money): Money {
  return maxMoney(ZERO, ceiling.minus(used));
}

/**
 * An amount in integer fen, read from the decimal's digits (s sign, e
 * exponent, d digits in base 10^7, the first word holding those from
 * 10^(7·floor(e/7)) up): no decimal object made. Null when it is not a whole
 * number of fen or not a safe integer of them. Property-tested against
 * decimal.js.
 */
export function fenOfMoney(value: Money): number | null {
  const d = value.d;
  if (!d) return null;
  const top = Math.floor(value.e / 7);
  let fen = 0;
  for (let i = 0; i < d.length; i++) {
    const power = 7 * (top - i) + 2;
    const word = d[i]!;
    if (power >= 0) fen += word * 10 ** power;
    else if (power === -5 && word % 100_000 === 0) fen += word / 100_000;
    else if (word !== 0) return null;
  }
  // Every term is at most the sum: a safe sum was added exactly.
  if (!Number.isSafeInteger(fen)) return null;
  return value.s < 0 && fen !== 0 ? -fen : fen;
}

/** A safe integer of fen as money (fenOfMoney's inverse); 0 is ZERO. */
export function moneyOfFen(fen: number): Money {
  if (fen === 0) return ZERO;
  const size = Math.abs(fen);
  const cents = size % 100;
  return new Decimal(`${fen < 0 ? '-' : ''}${(size - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`);
}

/** Integer fen as a decimal string, for exact integer arithmetic in storage. */
export function toFen(value: Money): string {
  return value.times(100).toFixed(0);
}

export function fromFen(fen: string | number): Money {
  return new Decimal(fen).dividedBy(100);
}

/**
 * Integer fen of a wire amount ("-1234.5", "12.30", "7"), exactly, as a BigInt:
 * for summing thousands of amounts (a day's ledger) without a decimal object per addition.
 */
export function fenOfText(text: string): bigint {
  const negative = text.startsWith('-');
  const parts = (negative ? text.slice(1) : text).split('.');
  const [whole = '', fraction = ''] = parts;
  if (parts.length > 2 || !/^\d+$/.test(whole) || !/^\d{0,2}$/.test(fraction)) throw new Error(`not an amount in yuan with at most two decimals: ${text}`);
  const fen = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return negative ? -fen : fen;
}

/** The wire form ("-1234.50") of an integer number of fen. */
export function textOfFen(fen: bigint): string {
  const negative = fen < 0n;
  const size = negative ? -fen : fen;
  return `${negative ? '-' : ''}${size / 100n}.${(size % 100n).toString().padStart(2, '0')}`;
}

/**
 * A pattern-checked unsigned decimal ("12.5", "3") as an integer in units of
 * 10^-scale: exact while the result stays below 2^53 (the fee-line patterns
 * bound quantities to 10^12 and amounts to 10^11 in their units).
 */
export function scaledOfText(text: string, scale: number): number {
  const dot = text.indexOf('.');
  if (dot < 0) return Number(text) * 10 ** scale;
  const fraction = text.slice(dot + 1);
  return Number(text.slice(0, dot)) * 10 ** scale + Number(fraction) * 10 ** (scale - fraction.length);
}

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * quantity (units of 10^-4) × unitPrice (units of 10^-6) rounded half up to
 * the fen, as integer fen: the arithmetic of a fee line without a decimal
 * object. Products past 2^53 go through BigInt; exact either way.
 */
/**
 * Whether rounding quantity × unitPrice to the fen moves it by more than
 * MAX_LINE_ROUNDING_SHARE of its exact value — lineAmount's refusal, in
 * integers (quantity in 10^-4, unit price in 10^-6).
 */
export function lineRoundingTooLarge(quantity4: number, unitPrice6: number): boolean {
  const product = quantity4 * unitPrice6; // units of 10^-10 yuan
  if (product <= SAFE) {
    const rest = product % 1e8;
    return (rest >= 5e7 ? 1e8 - rest : rest) * 10 > product;
  }
  const big = BigInt(quantity4) * BigInt(unitPrice6);
  const rest = big % 100_000_000n;
  return (rest >= 50_000_000n ? 100_000_000n - rest : rest) * 10n > big;
}

export function lineAmountFen(quantity4: number, unitPrice6: number): bigint | number {
  const product = quantity4 * unitPrice6; // units of 10^-10 yuan; below 2^53 the float product is the exact one
  if (product <= SAFE) {
    const rest = product % 1e8;
    return (product - rest) / 1e8 + (rest >= 5e7 ? 1 : 0);
  }
  const big = BigInt(quantity4) * BigInt(unitPrice6);
  return big / 100_000_000n + (big % 100_000_000n >= 50_000_000n ? 1n : 0n);
}
