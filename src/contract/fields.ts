/**
 * The wire's building blocks every aggregate shares: ids, cards, money,
 * dates, operators and paging as callers send them (parsed into domain
 * values), and money, dates and errors as the service answers them. Money
 * sent must be a string with at most two decimals; a JSON number where money
 * is expected is rejected.
 */
import { z } from 'zod';
import { EARLIEST_DATE, LATEST_DATE, isIsoDate, withinSupportedDates } from '../domain/dates.js';
import { Decimal, MONEY_PATTERN, type Money } from '../domain/money.js';

export const CARD_PATTERN = /^[A-Za-z0-9]{1,32}$/;
/** Hospital, request, settlement and filing ids: no ':' or '|', which separate them inside storage keys. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const cardSchema = z
  .string()
  .regex(CARD_PATTERN, 'a card number is 1–32 letters and digits')
  .meta({ description: 'the social-security card number (社会保障卡号)', example: '330326198001010001' });
export const idSchema = z.string().regex(ID_PATTERN, 'expected 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit').meta({ example: 'PY-COUNTY' });

/** An optional field sent as null or left out is the same request (and the same request hash). */
export const absent = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

/** A benefit year in a path or query: four digits, nothing else (no "0x7e3", " 2019" or "2e3"). */
export const yearSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'expected one year such as 2019') })
  .regex(/^\d{4}$/, 'a year is four digits such as 2019')
  .transform(Number)
  .pipe(z.number().min(1990, 'years from 1990').max(2100, 'years up to 2100'));

export const moneySchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'money must be a string such as "1234.50", not a number') })
  .regex(MONEY_PATTERN, 'money is a decimal string between "0" and "999999999.99" with at most two decimals')
  .meta({ description: 'yuan: a decimal string with at most two decimals, never a JSON number', example: '1234.50' })
  .transform((value): Money => new Decimal(value));

export const dateSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'expected a date string YYYY-MM-DD') })
  .refine(isIsoDate, 'expected a calendar date YYYY-MM-DD')
  .refine(withinSupportedDates, `dates run from ${EARLIEST_DATE} to ${LATEST_DATE}`)
  .meta({ format: 'date', example: '2019-03-10' });

export const code = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/i, 'expected a code of 1–64 letters, digits, "." or "-"');

/** api.md "Operator and reason": the clerk as the desk or HIS names them. */
export const operatorSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,32}$/, 'an operator id is 1–32 letters, digits, ".", "_" or "-"')
      .nullish(),
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[^\p{C}]+$/u, 'an operator name has no control characters')
      .nullish(),
  })
  .nullish()
  .transform((operator) => ({ id: operator?.id ?? null, name: operator?.name ?? null }));

export const reversalBodySchema = z
  .object({
    operator: operatorSchema,
    reason: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^\p{C}]+$/u, 'a reason has no control characters')
      .nullish(),
  })
  .nullish()
  .transform((body) => ({ operator: body?.operator ?? { id: null, name: null }, reason: body?.reason ?? null }));

/** A paged list's ?limit= (1..max) and the opaque ?cursor= (the previous page's `next`). */
export function pageQuery(max: number, defaultLimit: number, cursorDigits = 10) {
  const limitRule = `limit is a whole number from 1 to ${max}`;
  return z.object({
    limit: z
      .string()
      .regex(new RegExp(`^\\d{1,${String(max).length}}$`), limitRule)
      .transform(Number)
      .refine((n) => n >= 1 && n <= max, limitRule)
      .default(defaultLimit),
    cursor: z
      .string()
      .regex(new RegExp(`^\\d{1,${cursorDigits}}$`), 'cursor is the `next` of the previous page')
      .optional(),
  });
}

/** Settlement lists: 1–200, default 50. */
export const pageSchema = pageQuery(200, 50);

/** A signed amount (a day's sums go negative when reversals outweigh settlements). */
export const signedMoneySchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'money must be a string such as "-1234.50", not a number') })
  .regex(/^-?(0|[1-9]\d{0,9})(\.\d{1,2})?$/, 'money is a decimal string with at most two decimals, e.g. "1234.50" or "-12.00"')
  .transform((value): Money => new Decimal(value));

/** Money as answered: a string with exactly two decimals. */
export const wireMoney = z
  .string()
  .regex(/^(0|[1-9]\d{0,9})\.\d{2}$/)
  .meta({ description: 'yuan, a decimal string with two decimals (never a JSON number)', example: '1234.50' });
/** Sums of a day go negative when reversals outweigh settlements. */
export const wireSignedMoney = z
  .string()
  .regex(/^-?(0|[1-9]\d{0,9})\.\d{2}$/)
  .meta({ description: 'yuan, a decimal string with two decimals, negative for reversals', example: '-1234.50' });
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .meta({ description: 'YYYY-MM-DD', example: '2019-03-10' });
export const timestamp = z.iso.datetime().meta({ description: 'ISO 8601 instant (UTC)', example: '2019-03-10T09:30:00.000Z' });
export const nullableString = z.string().nullable();

export const errorDetailSchema = z
  .strictObject({
    path: z.string().meta({ description: 'the field, e.g. charges.total; "(body)" for the body as a whole', example: 'charges.total' }),
    message: z.string(),
  })
  .meta({ id: 'ErrorDetail' });

/** The one error body (api.md "Errors"), with `code` limited to the codes an answer may carry. */
export function errorBodySchema(codes: readonly [string, ...string[]]) {
  return z.strictObject({
    error: z.strictObject({
      code: z.enum(codes),
      message: z.string(),
      details: z.array(errorDetailSchema),
    }),
  });
}

/** An operator as recorded and answered: the clerk named in the body and the key that sent it. */
export const operatorView = z.strictObject({ id: nullableString, name: nullableString, keyId: nullableString });

/** A policy's version: the sha256 of its file's text, as `sha256sum` prints it. */
export const policyVersionSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .meta({ description: "the policy file's content hash (sha256 of its text)", example: '5f2c8e0d3b7a41c69e2d8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c' });
