/**
 * The wire contract (api.md) as zod schemas: what callers may send, parsed
 * into domain records. Money must be a string with at most two decimals; a
 * JSON number where money is expected is rejected.
 */
import { z } from 'zod';
import { isIsoDate } from '../domain/dates.js';
import { Decimal, MONEY_PATTERN, ZERO, type Money } from '../domain/money.js';
import {
  DELIVERIES,
  FILING_KINDS,
  HOSPITAL_KINDS,
  LIABILITIES,
  PERSON_CATEGORIES,
  VISIT_TYPES,
  type Enrollee,
  type Hospital,
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

/** A benefit year in a path or query. */
export const yearSchema = z.coerce.number().int().min(1990).max(2100);

export const moneySchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'money must be a string such as "1234.50", not a number') })
  .regex(MONEY_PATTERN, 'money is a decimal string between "0" and "999999999.99" with at most two decimals')
  .meta({ description: 'yuan: a decimal string with at most two decimals, never a JSON number', example: '1234.50' })
  .transform((value): Money => new Decimal(value));

export const dateSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'expected a date string YYYY-MM-DD') })
  .refine(isIsoDate, 'expected a calendar date YYYY-MM-DD')
  .meta({ format: 'date', example: '2019-03-10' });

const code = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,63}$/i, 'expected a code of 1–64 letters, digits, "." or "-"');

export const chargesSchema = z
  .strictObject({
    total: moneySchema,
    fullSelfPay: moneySchema.default(ZERO),
    overLimitSelfPay: moneySchema.default(ZERO),
    preSelfPay: moneySchema.default(ZERO),
  })
  .refine(
    // zod runs object refinements even when a field failed; judge only parsed amounts.
    (c) =>
      ![c.total, c.fullSelfPay, c.overLimitSelfPay, c.preSelfPay].every((amount) => amount instanceof Decimal) ||
      c.total.minus(c.fullSelfPay).minus(c.overLimitSelfPay).minus(c.preSelfPay).gte(0),
    'fullSelfPay + overLimitSelfPay + preSelfPay must not exceed total (the policy-scope amount would be negative)',
  );

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
  /** The national facility code (定点医药机构编码), e.g. H35058200011. */
  fixmedinsCode: z.string().regex(/^[A-Z][0-9A-Z]{11}$/, 'a national facility code of 12 letters and digits, e.g. H35058200011').nullish(),
});

export function toHospital(hospitalId: string, body: z.infer<typeof hospitalSchema>): Hospital {
  return { hospitalId, ...body, consortium: body.consortium ?? null };
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

/** Settlement lists: ?limit= (1–200, default 50) and the opaque ?cursor= of the previous page. */
export const pageSchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'limit is a whole number from 1 to 200')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 200, 'limit is a whole number from 1 to 200')
    .default(50),
  cursor: z
    .string()
    .regex(/^\d{1,10}$/, 'cursor is the `next` of the previous page')
    .optional(),
});

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

export const statementPageSchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'limit is a whole number from 1 to 1000')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1000, 'limit is a whole number from 1 to 1000')
    .default(100),
  cursor: z.string().regex(/^\d{1,10}$/, 'cursor is the `next` of the previous page').optional(),
});
