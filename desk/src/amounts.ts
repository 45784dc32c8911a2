/**
 * Presentation of the response's amounts — never a settlement computed here.
 * decimal.js (the service's own money type) for the few sums a slip shows
 * (自费 = 全自费 + 超限价自费, the ratio fund ÷ total), nzh for 大写.
 */
import { Decimal as DecimalJs } from 'decimal.js';
import nzh from 'nzh/cn';

export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP });
export type Amount = InstanceType<typeof Decimal>;

export function amount(value: string | null | undefined): Amount {
  return new Decimal(value ?? '0');
}

export function sum(...values: (string | null | undefined)[]): string {
  return values.reduce((acc: Amount, value) => acc.plus(amount(value)), new Decimal(0)).toFixed(2);
}

export function difference(a: string, b: string): string {
  return amount(a).minus(amount(b)).toFixed(2);
}

/** "12345.67" → "12,345.67" (the amount itself, grouped for reading). */
export function yuan(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const [whole, fraction = '00'] = amount(value).toFixed(2).split('.');
  const negative = whole!.startsWith('-');
  const digits = negative ? whole!.slice(1) : whole!;
  return `${negative ? '−' : ''}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction}`;
}

/** Effective reimbursement ratio fund ÷ total as a percentage with two decimals; "—" for a zero total. */
export function ratio(part: string, whole: string): string {
  const denominator = amount(whole);
  if (denominator.isZero()) return '—';
  return `${amount(part).div(denominator).times(100).toFixed(2, Decimal.ROUND_HALF_UP)}%`;
}

/** A policy rate "0.7" → "70%". */
export function percent(rate: string | number): string {
  return `${new Decimal(rate).times(100).toDecimalPlaces(2).toString()}%`;
}

/** The amount in Chinese capitals as on a receipt: 肆仟陆佰贰拾柒元柒角整. */
export function capitals(value: string): string {
  const fixed = amount(value).toFixed(2);
  if (fixed.startsWith('-')) return `负${nzh.toMoney(fixed.slice(1), { outSymbol: false, forceZheng: true })}`;
  return nzh.toMoney(fixed, { outSymbol: false, forceZheng: true });
}

/** Share of a bar (0–100) for drawing; presentation only. */
export function share(part: Amount, whole: Amount): number {
  if (whole.isZero()) return 0;
  return Math.max(0, Math.min(100, part.div(whole).times(100).toNumber()));
}
