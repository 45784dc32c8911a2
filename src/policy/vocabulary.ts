/**
 * The building blocks of the policy vocabulary (docs/policy-authoring.md):
 * values, conditions, lookups, scales, ledgers. Every block carries `cite`
 * (a clause, or a table cell such as `表·二级·市外`), an optional `decision`
 * (what was decided where the notice is ambiguous) and `assumed: true` where
 * the value is not in the notice at all.
 */
import { z } from 'zod';
import { Decimal, MONEY_PATTERN, RATE_PATTERN, type Money } from '../domain/money.js';
import { DELIVERIES, HOSPITAL_KINDS, OWN_CATEGORY_PATTERN, PERSON_CATEGORIES, VISIT_TYPES, type OwnCategory } from '../domain/types.js';

/** A category of the common list, or a region's own as "<region>.<name>" (declared under `categories`). */
export const personCategory = z.union([
  z.enum(PERSON_CATEGORIES),
  z.string().regex(OWN_CATEGORY_PATTERN, 'a category of the list, or the region\'s own as "<region>.<name>"') as unknown as z.ZodType<OwnCategory>,
]);

export const moneyText = z
  .string()
  .regex(MONEY_PATTERN, 'expected an amount as a decimal string with at most two decimals, e.g. "1300"')
  .meta({ description: 'yuan, a decimal string with at most two decimals, e.g. "1300"' });
export const moneyValue = moneyText.transform((value): Money => new Decimal(value));

export const rateText = z
  .string()
  .regex(RATE_PATTERN, 'expected a rate as a decimal string, e.g. "0.75"')
  .meta({ description: 'a share between 0 and 1 as a decimal string, e.g. "0.75"' });
export const rateValue = rateText.transform((value): Money => new Decimal(value)).refine((rate) => rate.lte(1), 'a rate or factor must not exceed 1');

/** A factor may exceed 1 (起付 ×2). */
export const factorValue = z
  .string()
  .regex(RATE_PATTERN, 'expected a factor as a decimal string, e.g. "0.8" or "2"')
  .transform((value): Money => new Decimal(value));

/** Signed decimal: percentage points to add ("-0.05"), an amount to subtract. */
export const signedValue = z
  .string()
  .regex(/^-?(0|[1-9]\d*)(\.\d+)?$/, 'expected a signed decimal string, e.g. "0.05" or "-0.05"')
  .transform((value): Money => new Decimal(value));

export const isoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected a date YYYY-MM-DD');

export const citation = {
  cite: z.string().min(1).meta({ description: 'clause or table cell of the source, e.g. 三(一)1 or 表·二级·市外' }),
  decision: z.string().min(1).optional().meta({ description: 'what was decided where the source is silent or ambiguous' }),
  assumed: z.boolean().default(false).meta({ description: 'true where the value is not in the source at all' }),
};
export const optionalCitation = { ...citation, cite: citation.cite.optional() };

const admdvsPrefix = z.string().regex(/^\d{2,6}$/, 'expected 2–6 leading digits of an admdvs code');
const level = z.union([z.literal(1), z.literal(2), z.literal(3)]);

/** Facts a table may be keyed by besides the policy's own dimensions. */
export const BUILT_IN_DIMENSIONS = [
  'hospital.level',
  'hospital.kind',
  'hospital.designation',
  'inArea',
  'filed',
  'emergency',
  'referredFromPrimary',
  'visitType',
  'delivery',
  'contributionTier',
  'diseaseGroup',
  'specialDisease',
  'sex',
] as const;

/** Everything listed must hold; an empty condition always holds. */
export const condition = z
  .strictObject({
    admdvsPrefixes: z.array(admdvsPrefix).optional().meta({ description: 'hospital division code starts with one of these' }),
    notAdmdvsPrefixes: z.array(admdvsPrefix).optional(),
    kinds: z.array(z.enum(HOSPITAL_KINDS)).optional(),
    levels: z.array(level).optional().meta({ description: "the hospital's registry level" }),
    countyRun: z.boolean().optional(),
    consortium: z.boolean().optional().meta({ description: 'the hospital belongs to a 医联体' }),
    designations: z.array(z.string().min(1)).optional().meta({ description: 'the hospital\'s designation in the registry (default "pooling-region")' }),
    inArea: z.boolean().optional(),
    filed: z.boolean().optional().meta({ description: 'an active filing (备案/转诊) covers the stay' }),
    emergency: z.boolean().optional(),
    referredFromPrimary: z.boolean().optional(),
    visitTypes: z.array(z.enum(VISIT_TYPES)).optional(),
    deliveries: z.array(z.enum(DELIVERIES)).optional(),
    majorDiseases: z.array(z.string().min(1)).optional(),
    specialDiseases: z.array(z.string().min(1)).optional(),
    diseaseGroups: z.array(z.string().min(1)).optional(),
    categoriesAny: z.array(personCategory).optional(),
    categoriesNone: z.array(personCategory).optional(),
    contributionTiers: z.array(z.string().min(1)).optional(),
    sex: z.enum(['F', 'M']).optional(),
    age: z
      .strictObject({ min: z.number().int().min(0).optional(), below: z.number().int().min(0).optional() })
      .optional()
      .meta({ description: 'age in whole years on the admission date: min ≤ age < below' }),
    is: z
      .record(z.string(), z.union([z.string(), z.array(z.string())]))
      .optional()
      .meta({ description: 'dimension values, e.g. { tier: county }' }),
    from: isoDate.optional().meta({ description: 'the attribution date is on or after this date' }),
    to: isoDate.optional().meta({ description: 'the attribution date is on or before this date' }),
  })
  .meta({ id: 'Condition' });

/** A class derived from the facts: first case that matches, or `start` then shifts. */
export const dimension = z
  .strictObject({
    label: z.string().optional(),
    start: z.literal('hospital.level').optional().meta({ description: 'start from the hospital registry level, then shifts' }),
    cases: z.array(z.strictObject({ when: condition, value: z.string().min(1), label: z.string().optional() })).default([]),
    shifts: z.array(z.strictObject({ when: condition, by: z.number().int(), label: z.string().min(1) })).default([]),
    min: z.number().int().optional(),
    max: z.number().int().optional(),
    default: z.string().min(1).optional(),
    ...citation,
  })
  .meta({ id: 'Dimension' });

export const NOT_COVERED = 'not-covered';

export const tableRow = z.strictObject({
  key: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
  value: z.string().min(1).meta({ description: 'the value, or "not-covered"' }),
  from: isoDate.optional(),
  to: isoDate.optional(),
  ...optionalCitation,
});

/** A lookup over any dimensions; the first row whose key matches (and whose dates hold) wins. */
export const table = z
  .strictObject({
    label: z.string().optional(),
    unit: z.enum(['money', 'rate', 'factor', 'points']),
    by: z.array(z.string().min(1)).default([]),
    rows: z.array(tableRow).default([]),
    default: z.string().min(1).optional().meta({ description: 'when no row matches; absent: not covered' }),
    ...citation,
  })
  .meta({ id: 'Table' });

/** A number written in the file, or a lookup. */
export const ref = z.union([z.string().min(1), z.strictObject({ table: z.string().min(1) })]).meta({ id: 'Value' });

export const bracket = z.strictObject({
  from: moneyValue,
  to: moneyValue.nullable().default(null),
  rate: z
    .union([rateValue, z.strictObject({ table: z.string().min(1) })])
    .meta({ description: "the band's rate, or { table } to look it up (e.g. by hospital.level): one table per band, no option per level" }),
  cite: z.string().optional(),
});

export const scale = z
  .strictObject({
    basis: z
      .enum(['absolute', 'above-deductible', 'relative-to-deductible'])
      .default('absolute')
      .meta({ description: 'where band edges are measured: on the amount, on the amount above the deductible, or as multiples of the deductible' }),
    over: z.string().default('stay').meta({ description: '"stay", or a ledger whose year-to-date running total the bands apply to' }),
    brackets: z.array(bracket).min(1),
    cite: z.string().optional(),
  })
  .meta({ id: 'Scale' });

export const ledger = z
  .strictObject({
    unit: z.enum(['money', 'count', 'flag']).default('money'),
    period: z.enum(['year', 'quarter', 'day']).default('year'),
    visitTypes: z.array(z.enum(VISIT_TYPES)).optional().meta({ description: 'which visit types feed it; absent: all' }),
    attribution: z.enum(['discharge-date', 'admission-date']).default('discharge-date'),
    ...citation,
  })
  .meta({ id: 'Ledger' });

/**
 * 结转: a cap of this year grows by what a ledger left unused of its cap last
 * year (last year's cap − last year's total, not below 0), at most `max`.
 */
export const carryOver = z
  .strictObject({
    ledger: z.string().min(1).optional().meta({ description: "last year's ledger whose unused room is carried; default: the cap's own ledger" }),
    cap: ref.optional().meta({ description: "that ledger's cap last year; default: this cap's amount" }),
    max: moneyValue.optional().meta({ description: 'at most this much is carried' }),
    ...optionalCitation,
  })
  .meta({ id: 'CarryOver' });

export type Condition = z.infer<typeof condition>;
export type Dimension = z.infer<typeof dimension>;
export type Table = z.infer<typeof table>;
export type TableRow = z.infer<typeof tableRow>;
export type Ref = z.infer<typeof ref>;
export type BracketSpec = z.infer<typeof bracket>;
/** A band with its rate looked up, as the engine computes with it. */
export type Bracket = Omit<BracketSpec, 'rate'> & { rate: Money };
export type Scale = z.infer<typeof scale>;
export type LedgerSpec = z.infer<typeof ledger>;
export type CarryOver = z.infer<typeof carryOver>;
