/**
 * The registry on the wire: hospitals and enrollees as the insurer sends
 * them (parsed into domain records), and as the service answers them with
 * a person's year accumulators.
 */
import { z } from 'zod';
import { HOSPITAL_KINDS, OWN_CATEGORY_PATTERN, PERSON_CATEGORIES, type Enrollee, type Hospital, type OwnCategory } from '../domain/types.js';
import { code, dateSchema, idSchema, isoDate, nullableString, pageQuery, wireMoney } from './fields.js';

export const hospitalSchema = z.object({
  name: z.string().min(1).max(200),
  admdvs: z.string().regex(/^\d{6}$/, 'a 6-digit administrative division code'),
  level: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'a hospital level is 1, 2 or 3' }),
  kind: z.enum(HOSPITAL_KINDS),
  countyRun: z.boolean(),
  consortium: idSchema.nullish(),
  /** 定点医药机构编号: one letter and 11 digits or capitals (H35058200011). */
  fixmedinsCode: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{11}$/, 'a national facility code such as H35058200011')
    .nullish(),
});

export function toHospital(hospitalId: string, body: z.infer<typeof hospitalSchema>): Hospital {
  return { hospitalId, ...body, consortium: body.consortium ?? null, fixmedinsCode: body.fixmedinsCode ?? null };
}

/** A category of the common list, or a region's own as "<region>.<name>" (declared in its policy file). */
const personCategory = z.union([
  z.enum(PERSON_CATEGORIES),
  z.string().regex(OWN_CATEGORY_PATTERN, 'a category of the list, or the region\'s own as "<region>.<name>"') as unknown as z.ZodType<OwnCategory>,
]);

export const enrolleeSchema = z.object({
  region: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a region id such as "pingyang"'),
  sex: z.enum(['F', 'M']),
  birthDate: dateSchema,
  coverage: z.array(z.strictObject({ from: dateSchema, to: dateSchema }).refine((p) => p.from <= p.to, { path: ['to'], message: 'to must not be before from' })).max(100),
  categories: z.array(personCategory).max(20).default([]),
  specialDiseases: z.array(code).max(50).default([]),
  maternityInsured: z.boolean().default(false),
});

export function toEnrollee(card: string, body: z.infer<typeof enrolleeSchema>): Enrollee {
  return { card, ...body };
}

export const hospitalResponseSchema = z
  .strictObject({
    hospitalId: z.string(),
    name: z.string(),
    admdvs: z.string().regex(/^\d{6}$/),
    level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    kind: z.enum(HOSPITAL_KINDS),
    countyRun: z.boolean(),
    consortium: nullableString,
    fixmedinsCode: nullableString.optional(),
  })
  .meta({ id: 'Hospital', description: 'A registry hospital (the insurer, not the request, says what a hospital is).' });

/** GET /v1/hospitals: part of a name, national code or id; a division prefix; pages of at most 50. */
export const hospitalSearchQuery = z
  .object({
    q: z
      .string()
      .max(50, 'q is at most 50 characters')
      .regex(/^[^\p{C}]*$/u, 'q has no control characters')
      .default('')
      .meta({ description: 'part of the name (平阳, 人民医院), the national code (H3303…) or the registry id; width, case and spaces ignored; empty: every hospital' }),
    admdvs: z
      .string()
      .regex(/^\d{2}(\d{2}){0,2}$/, 'admdvs is a division code prefix of 2, 4 or 6 digits (33, 3303, 330326)')
      .optional()
      .meta({ description: 'only hospitals whose division code begins so: province (2 digits), city (4) or county (6)' }),
  })
  .extend(pageQuery(50, 20, 6).shape);

export const hospitalPageSchema = z
  .strictObject({
    q: z.string(),
    hospitals: z.array(hospitalResponseSchema),
    total: z.number().int().nonnegative().meta({ description: 'how many hospitals match' }),
    next: nullableString.meta({ description: 'cursor of the next page, null on the last' }),
  })
  .meta({
    id: 'HospitalPage',
    description:
      'Registry hospitals matching a search: exact code or id first, then names beginning with it, names holding it, codes and ids holding it; names in pinyin order within each.',
  });

export const enrolleeResponseSchema = z
  .strictObject({
    card: z.string(),
    region: z.string(),
    sex: z.enum(['F', 'M']),
    birthDate: isoDate,
    coverage: z.array(z.strictObject({ from: isoDate, to: isoDate })),
    categories: z.array(personCategory),
    specialDiseases: z.array(z.string()),
    maternityInsured: z.boolean(),
  })
  .meta({ id: 'Enrollee', description: 'A person insured under the resident scheme, keyed by the social-security card.' });

export const accumulatorsSchema = z
  .strictObject({
    admissions: z.number().int(),
    specialOutpatientCounted: z.boolean(),
    basicEligible: wireMoney,
    basicPaid: wireMoney,
    compliantSelfBurden: wireMoney,
    criticalIllnessPaid: wireMoney,
    outpatientPaid: wireMoney,
    retiredCadreSpousePaid: wireMoney,
  })
  .meta({ id: 'Accumulators', description: 'A person\'s running totals of one benefit year (policies.md "Accumulators").' });

export const accumulatorsResponseSchema = accumulatorsSchema
  .extend({
    card: z.string(),
    year: z.number().int(),
    version: z.string().meta({ description: 'moved by every commit and reversal' }),
    ledgers: z.record(z.string(), wireMoney).optional().meta({
      description: 'the policy\'s own year-to-date ledgers by key ("name", "name@2024Q2", "name@2024-03-05"); counts and flags read as 1.00 per unit; absent when there are none',
    }),
  })
  .meta({ id: 'YearAccumulators' });

export const refreshResponseSchema = z.strictObject({ card: z.string(), refreshed: z.literal(true), source: z.string() });
