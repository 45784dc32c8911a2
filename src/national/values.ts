/**
 * Values as the national platform's vendors send them. The body is parsed with
 * lossless-json, so a JSON number arrives as its own text (a LosslessNumber),
 * never through a binary float; some vendors send the same fields as strings.
 * Amounts have the platform's scales: money 16,2, unit price 16,6, quantity
 * 16,4 — more decimals than a field allows is an error, never a rounding.
 */
import { isLosslessNumber, type LosslessNumber } from 'lossless-json';
import { z } from 'zod';
import { isIsoDate } from '../domain/dates.js';
import { Decimal, type Money } from '../domain/money.js';

/** The text of a number or string field. */
function textOf(value: string | LosslessNumber): string {
  return typeof value === 'string' ? value.trim() : value.value;
}

const numberOrString = z.union([z.string(), z.custom<LosslessNumber>((value) => isLosslessNumber(value), 'expected a number or a string')]);

/**
 * A decimal of the platform's `16,scale`: vendors' decimals keep their scale
 * (`300.000000`, `900.000`), so zeros past the scale are that amount; only a
 * real fraction beyond it (a fraction of a fen, for money) is refused.
 */
function decimal(scale: number, signed: boolean) {
  const pattern = new RegExp(`^${signed ? '-?' : ''}(\\d{1,${16 - scale}})(?:\\.(\\d{1,${scale}})(0{0,24}))?$`);
  return numberOrString
    .transform(textOf)
    .refine((text) => pattern.test(text), `expected a ${signed ? '' : 'non-negative '}decimal with at most ${scale} significant decimals (16,${scale})`)
    .transform((text): Money => new Decimal(text));
}

/** Money, 16,2, non-negative. */
export const amount = decimal(2, false);
/** Money, 16,2, negative on a refund line. */
export const signedAmount = decimal(2, true);
/** Unit price, 16,6. */
export const price = decimal(6, false);
/** Quantity, 16,4; negative on a refund line. */
export const quantity = decimal(4, true);

/**
 * Vendor models serialise every field, the unused ones as `""` or `null`
 * (C# and Java DTOs): the platform reads those as absent. Applied to the
 * whole parsed body once, so every optional field of every transaction is
 * optional the same way, and a required field sent as `""` is refused as
 * missing, naming it.
 */
export function blanksAbsent(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object' || isLosslessNumber(value)) return value;
  if (Array.isArray(value)) return value.map((item) => blanksAbsent(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === null || (typeof field === 'string' && field.trim() === '') || key === '__proto__') continue;
    out[key] = blanksAbsent(field, depth + 1);
  }
  return out;
}

/** A code or identifier vendors send as a string or as a number (med_type 21, infno 2304). */
export const code = (pattern: RegExp, what: string) => numberOrString.transform(textOf).refine((text) => pattern.test(text), `expected ${what}`);

/** Free text (names, descriptions) of bounded length, no control characters. */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'no control characters');

/** `yyyy-MM-dd HH:mm:ss` (time may be left out: `yyyy-MM-dd`) → its calendar date, checked. */
export const dateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/, 'expected yyyy-MM-dd HH:mm:ss')
  .refine((value) => isIsoDate(value.slice(0, 10)) && value.slice(0, 4) >= '1900' && value.slice(0, 4) <= '2100', 'not a calendar date between 1900 and 2100');

export const date = z.string().refine((value) => isIsoDate(value) && value >= '1900-01-01' && value <= '2100-12-31', 'expected a date yyyy-MM-dd');

/** The second last formatted, and its 14 digits: answers come many a second, and toISOString is most of the work. */
let formattedSecond = Number.NaN;
let secondDigits = '';

/** The platform's `yyyyMMddHHmmssSSS` (respond_time) of an instant, in Asia/Shanghai. */
export function compactTime(instant: Date): string {
  const ms = instant.getTime();
  const second = Math.floor(ms / 1000);
  if (second !== formattedSecond) {
    const s = new Date(second * 1000 + 8 * 3_600_000).toISOString(); // yyyy-MM-ddTHH:mm:ss.SSSZ
    secondDigits = s.slice(0, 4) + s.slice(5, 7) + s.slice(8, 10) + s.slice(11, 13) + s.slice(14, 16) + s.slice(17, 19);
    formattedSecond = second;
  }
  return secondDigits + String(ms - second * 1000).padStart(3, '0');
}

/** `yyyy-MM-dd HH:mm:ss` of an instant, in Asia/Shanghai (setl_time, sign_time). */
export function platformTime(instant: Date | string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}
