/**
 * The wire contract (api.md) as zod schemas: what callers may send, parsed
 * into domain records. Money must be a string with at most two decimals; a
 * JSON number where money is expected is rejected.
 */
import { z } from 'zod';
import { EARLIEST_DATE, LATEST_DATE, isIsoDate, withinSupportedDates } from '../domain/dates.js';
import { CATALOGUE_CODE_PATTERN, UNIT_PRICE_PATTERN } from '../catalogue/row.js';
import { Decimal, MAX_AMOUNT, MONEY_PATTERN, ZERO, formatMoney, round2, type Money } from '../domain/money.js';
import {
  DELIVERIES,
  FILING_KINDS,
  HOSPITAL_KINDS,
  LIABILITIES,
  PERSON_CATEGORIES,
  VISIT_TYPES,
  type Enrollee,
  type FeeLine,
  type Hospital,
  type RequestCharges,
  type SettlementRequest,
} from '../domain/types.js';

export const CARD_PATTERN = /^[A-Za-z0-9]{1,32}$/;
/** Hospital, request, settlement and filing ids: no ':' or '|', which separate them inside storage keys. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const cardSchema = z
  .string()
  .regex(CARD_PATTERN, 'a card number is 1–32 letters and digits')
  .meta({ description: 'the social-security card number (社会保障卡号)', example: '330326198001010001' });
export const idSchema = z
  .string()
  .regex(ID_PATTERN, 'expected 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit')
  .meta({ example: 'PY-COUNTY' });

/** An optional field sent as null or left out is the same request (and the same request hash). */
const absent = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

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

const code = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/i, 'expected a code of 1–64 letters, digits, "." or "-"');

/** At most this many lines in one itemised bill (api.md "Fee lines"). */
export const MAX_FEE_LINES = 5000;
/** Quantities: > 0, at most 8 integer digits and 4 decimals (cnt is 16,4 on the national platform). */
const QUANTITY_PATTERN = /^(0|[1-9]\d{0,7})(\.\d{1,4})?$/;
const FEE_TIME_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
const FREE_TEXT_PATTERN = /^[^\u0000-\u001f\u007f]+$/;

const notANumber = (what: string, example: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'required' : `${what} must be a string such as "${example}", not a number`;

const freeText = (max: number) => z.string().min(1).max(max).regex(FREE_TEXT_PATTERN, 'no control characters');

/**
 * One line's shape: strings checked by pattern only. The arithmetic (amount =
 * quantity × unitPrice), unique lineIds and the bill's bound are checked once
 * over the whole list below, where each line's decimals are made once — a
 * transform or refinement per line costs about ten times as much on a
 * 5,000-line bill.
 */
export const feeLineSchema = z.strictObject({
  lineId: idSchema,
  code: z.string().regex(CATALOGUE_CODE_PATTERN, 'expected a catalogue code of 1–50 letters, digits, ".", "_" or "-"'),
  hospitalCode: freeText(64).nullish(),
  name: freeText(200).nullish(),
  quantity: z
    .string({ error: notANumber('quantity', '2') })
    .regex(QUANTITY_PATTERN, 'quantity is a decimal string greater than 0 with at most 8 integer digits and 4 decimals'),
  unitPrice: z
    .string({ error: notANumber('unitPrice', '12.50') })
    .regex(UNIT_PRICE_PATTERN, 'unitPrice is yuan per unit as a decimal string with at most 6 decimals'),
  amount: z
    .string({ error: notANumber('amount', '25.00') })
    .regex(MONEY_PATTERN, 'money is a decimal string between "0" and "999999999.99" with at most two decimals'),
  time: z.string().regex(FEE_TIME_PATTERN, 'expected a time YYYY-MM-DDTHH:mm:ss').nullish(),
});

const feeLinesSchema = z
  .array(feeLineSchema)
  .min(1, 'at least one line')
  .max(MAX_FEE_LINES, `at most ${MAX_FEE_LINES} lines`)
  .transform((lines, ctx): FeeLine[] => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message, input: lines });
    const parsed: FeeLine[] = new Array<FeeLine>(lines.length);
    const seen = new Set<string>();
    let total = ZERO;
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index]!;
      if (seen.has(line.lineId)) issue([index, 'lineId'], `lineId ${line.lineId} occurs twice`);
      seen.add(line.lineId);
      if (line.time != null && !isIsoDate(line.time.slice(0, 10))) issue([index, 'time'], 'expected a time YYYY-MM-DDTHH:mm:ss on a calendar date');
      const quantity = new Decimal(line.quantity);
      if (quantity.isZero()) issue([index, 'quantity'], 'quantity must be greater than 0');
      const unitPrice = new Decimal(line.unitPrice);
      const amount = new Decimal(line.amount);
      const expected = round2(quantity.times(unitPrice));
      if (!expected.eq(amount)) issue([index, 'amount'], `amount must be quantity × unitPrice rounded half up to the fen: ${formatMoney(expected)}`);
      total = total.plus(amount);
      // Every field, in one order, absent ones as null: the request hash sees equal lines as equal.
      parsed[index] = {
        lineId: line.lineId,
        code: line.code,
        hospitalCode: line.hospitalCode ?? null,
        name: line.name ?? null,
        quantity,
        unitPrice,
        amount,
        time: line.time ?? null,
      };
    }
    if (total.gt(MAX_AMOUNT)) issue([], `the lines add up to more than ${formatMoney(MAX_AMOUNT)}`);
    return parsed;
  });

const AMOUNT_FIELDS = ['total', 'fullSelfPay', 'overLimitSelfPay', 'preSelfPay'] as const;

/** Four amounts or lines, never both (api.md "Fee lines and the catalogue"). */
export const chargesSchema = z
  .strictObject({
    total: moneySchema.optional(),
    fullSelfPay: moneySchema.optional(),
    overLimitSelfPay: moneySchema.optional(),
    preSelfPay: moneySchema.optional(),
    lines: feeLinesSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.lines !== undefined) {
      for (const field of AMOUNT_FIELDS) {
        if (c[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'send the four amounts or the lines, never both' });
      }
      return;
    }
    if (c.total === undefined) {
      ctx.addIssue({ code: 'custom', path: ['total'], message: 'required (or send the bill as lines)' });
      return;
    }
    // zod runs object refinements even when a field failed; judge only parsed amounts.
    const [total, full, over, pre] = AMOUNT_FIELDS.map((field) => c[field] ?? ZERO);
    if (![total, full, over, pre].every((amount) => amount instanceof Decimal)) return;
    if (total!.minus(full!).minus(over!).minus(pre!).lt(0)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'fullSelfPay + overLimitSelfPay + preSelfPay must not exceed total (the policy-scope amount would be negative)',
      });
    }
  })
  .transform((c): RequestCharges => {
    if (c.lines !== undefined) return { lines: c.lines };
    // Key order fixed: the request hash of a four-amount request is what it always was.
    return {
      total: c.total!,
      fullSelfPay: c.fullSelfPay ?? ZERO,
      overLimitSelfPay: c.overLimitSelfPay ?? ZERO,
      preSelfPay: c.preSelfPay ?? ZERO,
    };
  });

export const settlementRequestSchema = z
  .object({
    requestId: idSchema,
    card: cardSchema,
    hospitalId: idSchema,
    visitType: z.enum(VISIT_TYPES),
    admissionDate: dateSchema,
    dischargeDate: dateSchema,
    charges: chargesSchema,
    specialDisease: absent(code),
    majorDisease: absent(code),
    delivery: absent(z.enum(DELIVERIES)),
    referralId: absent(idSchema),
    referredFromPrimary: z.boolean().default(false),
    emergency: z.boolean().default(false),
    consortiumTransfer: z.boolean().default(false),
    liability: z.enum(LIABILITIES).default('none'),
  })
  .refine((r) => r.admissionDate <= r.dischargeDate, { path: ['dischargeDate'], message: 'dischargeDate must not be before admissionDate' });

export function parseSettlementRequest(body: unknown): SettlementRequest {
  return settlementRequestSchema.parse(body);
}

export const hospitalSchema = z.object({
  name: z.string().min(1).max(200),
  admdvs: z.string().regex(/^\d{6}$/, 'a 6-digit administrative division code'),
  level: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'a hospital level is 1, 2 or 3' }),
  kind: z.enum(HOSPITAL_KINDS),
  countyRun: z.boolean(),
  consortium: idSchema.nullish(),
  /** 定点医药机构编号: one letter and 11 digits or capitals (H35058200011). */
  fixmedinsCode: z.string().regex(/^[A-Z][A-Z0-9]{11}$/, 'a national facility code such as H35058200011').nullish(),
});

export function toHospital(hospitalId: string, body: z.infer<typeof hospitalSchema>): Hospital {
  return { hospitalId, ...body, consortium: body.consortium ?? null, fixmedinsCode: body.fixmedinsCode ?? null };
}

export const enrolleeSchema = z.object({
  region: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a region id such as "pingyang"'),
  sex: z.enum(['F', 'M']),
  birthDate: dateSchema,
  coverage: z
    .array(
      z.strictObject({ from: dateSchema, to: dateSchema }).refine((p) => p.from <= p.to, { path: ['to'], message: 'to must not be before from' }),
    )
    .max(100),
  categories: z.array(z.enum(PERSON_CATEGORIES)).max(20).default([]),
  specialDiseases: z.array(code).max(50).default([]),
  maternityInsured: z.boolean().default(false),
});

export function toEnrollee(card: string, body: z.infer<typeof enrolleeSchema>): Enrollee {
  return { card, ...body };
}

export const filingCreateSchema = z
  .object({
    card: cardSchema,
    kind: z.enum(FILING_KINDS),
    validFrom: dateSchema,
    validTo: dateSchema,
    toHospitalId: idSchema.nullish(),
    diagnosis: z.string().min(1).max(200).nullish(),
  })
  .refine((f) => f.validFrom <= f.validTo, { path: ['validTo'], message: 'validTo must not be before validFrom' });

/** api.md "Operator and reason": the clerk as the desk or HIS names them. */
export const operatorSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'an operator id is 1–32 letters, digits, ".", "_" or "-"').nullish(),
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
    reason: z.string().min(1).max(200).regex(/^[^\p{C}]+$/u, 'a reason has no control characters').nullish(),
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

const reconciliationRow = z
  .strictObject({
    settlementId: idSchema.optional(),
    requestId: idSchema.optional(),
    kind: z.enum(['settlement', 'reversal']).default('settlement'),
    total: signedMoneySchema,
    fundTotal: signedMoneySchema,
  })
  .refine((row) => row.settlementId !== undefined || row.requestId !== undefined, { message: 'a row names its settlementId or its requestId' });

/** api.md "Day statements and reconciliation": the hospital's side of a day. */
export const reconciliationSchema = z
  .object({
    date: dateSchema,
    totals: z
      .strictObject({ count: z.number().int().min(0).max(10_000_000), total: signedMoneySchema, fundTotal: signedMoneySchema })
      .optional(),
    entries: z.array(reconciliationRow).max(50_000).optional(),
    operator: operatorSchema,
  })
  .refine((body) => body.totals !== undefined || body.entries !== undefined, { path: ['totals'], message: 'send the day\'s totals, its entries, or both' });

export const statementPageSchema = pageQuery(1000, 100);
