/**
 * The wire contract (api.md) as zod schemas: what callers may send, parsed
 * into domain records. Money must be a string with at most two decimals; a
 * JSON number where money is expected is rejected.
 */
import { z } from 'zod';
import { EARLIEST_DATE, LATEST_DATE, isIsoDate, withinSupportedDates } from '../domain/dates.js';
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
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export const cardSchema = z.string().regex(CARD_PATTERN, 'a card number is 1–32 letters and digits');
export const idSchema = z.string().regex(ID_PATTERN, 'expected 1–64 letters, digits, ".", "_", ":" or "-"');

/** A benefit year in a path or query: four digits, nothing else (no "0x7e3", " 2019" or "2e3"). */
export const yearSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'expected one year such as 2019') })
  .regex(/^\d{4}$/, 'a year is four digits such as 2019')
  .transform(Number)
  .pipe(z.number().min(1990, 'years from 1990').max(2100, 'years up to 2100'));

export const moneySchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'money must be a string such as "1234.50", not a number') })
  .regex(MONEY_PATTERN, 'money is a decimal string between "0" and "999999999.99" with at most two decimals')
  .transform((value): Money => new Decimal(value));

export const dateSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'required' : 'expected a date string YYYY-MM-DD') })
  .refine(isIsoDate, 'expected a calendar date YYYY-MM-DD')
  .refine(withinSupportedDates, `dates run from ${EARLIEST_DATE} to ${LATEST_DATE}`);

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
    specialDisease: code.nullish(),
    majorDisease: code.nullish(),
    delivery: z.enum(DELIVERIES).nullish(),
    referralId: idSchema.nullish(),
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
  level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  kind: z.enum(HOSPITAL_KINDS),
  countyRun: z.boolean(),
  consortium: idSchema.nullish(),
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
