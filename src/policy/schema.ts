/**
 * The shape of a policy file (config/policies/<region>-<year>.yaml).
 * Parameters are data with citations: every group carries `cite` (clause of the
 * policy's `document`, or "<file> <clause>" for another source), an optional
 * `decision` (what the spec decided where the document is silent) and
 * `assumed: true` where the value is not in the source at all.
 */
import { z } from 'zod';
import { Decimal, MONEY_PATTERN, RATE_PATTERN, type Money } from '../domain/money.js';
import {
  DELIVERIES,
  HOSPITAL_KINDS,
  LIABILITIES,
  PERSON_CATEGORIES,
  VISIT_TYPES,
  type VisitType,
} from '../domain/types.js';

const moneyValue = z
  .string()
  .regex(MONEY_PATTERN, 'expected an amount as a decimal string with at most two decimals, e.g. "1300"')
  .transform((value): Money => new Decimal(value));

const rateValue = z
  .string()
  .regex(RATE_PATTERN, 'expected a rate as a decimal string, e.g. "0.75"')
  .transform((value): Money => new Decimal(value))
  .refine((rate) => rate.lte(1), 'a rate or factor must not exceed 1');

const citation = {
  cite: z.string().min(1),
  decision: z.string().min(1).optional(),
  assumed: z.boolean().default(false),
};

const admdvsPrefix = z.string().regex(/^\d{2,6}$/, 'expected 2–6 leading digits of an admdvs code');

const visitTypeRule = z.strictObject({
  /** stay: deductible, rate, caps, critical illness, programmes; outpatient: the outpatient pool; lump-sum: fixed amount */
  benefit: z.enum(['stay', 'outpatient', 'lump-sum']),
  countsAsAdmission: z.boolean().default(false),
  womenOnly: z.boolean().default(false),
  maternityInsuredExcluded: z.boolean().default(false),
  ...citation,
});

const locationTierRule = z.strictObject({
  tier: z.string().min(1),
  admdvsPrefixes: z.array(admdvsPrefix).optional(),
  kinds: z.array(z.enum(HOSPITAL_KINDS)).optional(),
});

const levelShift = z.strictObject({
  label: z.string().min(1),
  countyRun: z.boolean().optional(),
  kinds: z.array(z.enum(HOSPITAL_KINDS)).optional(),
  levels: z.array(z.union([z.literal(1), z.literal(2), z.literal(3)])).optional(),
  inAreaOnly: z.boolean().default(false),
});

const hospitalTier = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('location'), rules: z.array(locationTierRule).min(1), ...citation }),
  z.strictObject({
    method: z.literal('level'),
    kindLevels: z.partialRecord(z.enum(HOSPITAL_KINDS), z.union([z.literal(1), z.literal(2), z.literal(3)])).default({}),
    shifts: z.array(levelShift).default([]),
    floor: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1),
    ...citation,
  }),
]);

const tier = z.strictObject({
  label: z.string().min(1),
  deductible: moneyValue,
  rate: rateValue,
  ...citation,
});

const bracket = z.strictObject({
  from: moneyValue,
  to: moneyValue.nullable(),
  rate: rateValue,
});

const criticalIllnessSchedule = z.strictObject({
  label: z.string().min(1),
  /** Absent: everyone. Otherwise the person must hold one of these categories. */
  categoriesAny: z.array(z.enum(PERSON_CATEGORIES)).optional(),
  brackets: z.array(bracket).min(1),
  /** Annual cap on criticalIllnessPaid; null or absent: none. */
  annualCap: moneyValue.nullable().default(null),
});

const programme = z.strictObject({
  fund: z.enum(['majorDiseaseReferral', 'specialGroup', 'retiredCadreSpouse']),
  label: z.string().min(1),
  rate: rateValue,
  when: z.strictObject({
    majorDiseases: z.array(z.string().min(1)).optional(),
    outOfArea: z.boolean().optional(),
    /** The hospital's registry level, before any level shift. */
    hospitalLevels: z.array(z.union([z.literal(1), z.literal(2), z.literal(3)])).optional(),
    activeFiling: z.boolean().optional(),
    categoriesAny: z.array(z.enum(PERSON_CATEGORIES)).optional(),
    categoriesNone: z.array(z.enum(PERSON_CATEGORIES)).optional(),
  }),
  annualCap: z.strictObject({ amount: moneyValue, accumulator: z.literal('retiredCadreSpousePaid') }).optional(),
  ...citation,
});

export const policyFileSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]*-\d{4}$/, 'expected "<region>-<year>"'),
    region: z.string().regex(/^[a-z][a-z0-9-]*$/),
    name: z.string().min(1),
    document: z.string().min(1),
    benefitYear: z.number().int().min(1990).max(2100),
    attribution: z.strictObject({ rule: z.enum(['discharge-date', 'calendar-year-of-stay']), ...citation }),
    /** The medical insurance catalogue (医保目录) fee lines are classified against: config/catalogues/<id>.csv. */
    catalogue: z.strictObject({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a catalogue id such as "zhejiang-2019-demo" (the file <id>.csv)'),
      ...citation,
    }),
    exclusions: z.strictObject({ liabilities: z.array(z.enum(LIABILITIES)), ...citation }),
    visitTypes: z.partialRecord(z.enum(VISIT_TYPES), visitTypeRule),
    area: z.strictObject({ admdvsPrefixes: z.array(admdvsPrefix).min(1), ...citation }),
    /** The region's insurance division (参保地医保区划; the platform's insuplc_admdvs and clr_optins). */
    insuranceDivision: z.strictObject({ admdvs: z.string().regex(/^\d{6}$/, 'a 6-digit division code'), ...citation }),
    hospitalTier,
    tiers: z.record(z.string(), tier),
    outOfArea: z.strictObject({
      filedPaymentFactor: rateValue,
      emergencyCountsAsFiled: z.boolean(),
      unfiled: z.discriminatedUnion('action', [
        z.strictObject({ action: z.literal('refuse') }),
        z.strictObject({ action: z.literal('rate-penalty'), ratePenalty: rateValue }),
      ]),
      ...citation,
    }),
    /**
     * 报销截止: the last day claims of the benefit year may be made. After it the
     * year is closed and may be archived out of Redis (npm run archive).
     * fixed-date-next-year: a date of the following year; after-discharge: a
     * number of months after discharge (the year's last possible discharge is 12-31).
     */
    claimDeadline: z
      .discriminatedUnion('rule', [
        z.strictObject({
          rule: z.literal('fixed-date-next-year'),
          monthDay: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected MM-DD'),
          ...citation,
        }),
        z.strictObject({ rule: z.literal('after-discharge'), months: z.number().int().min(1).max(60), ...citation }),
      ])
      .optional(),
    admissions: z.strictObject({
      /** Deductible factor of the n-th admission of the year; the last repeats. */
      deductibleFactors: z.array(rateValue).min(1),
      consortiumTransfer: z.strictObject({ continuesPreviousStay: z.literal(true), ...citation }).optional(),
      ...citation,
    }),
    specialOutpatient: z
      .strictObject({
        /** Diseases the policy accepts; "any": any code on the person's record. */
        diseases: z.union([z.literal('any'), z.array(z.string().min(1)).min(1)]),
        deductible: z.literal('once-per-year'),
        ...citation,
      })
      .optional(),
    annualCap: z
      .strictObject({ basis: z.enum(['eligible-expense', 'fund-payment']), amount: moneyValue, ...citation })
      .optional(),
    criticalIllness: z
      .strictObject({
        base: z.literal('compliant-self-burden'),
        /** null: the scale is not among the sources; the line is 0 with `missingNote`. */
        schedules: z.array(criticalIllnessSchedule).min(1).nullable(),
        missingNote: z.string().optional(),
        ...citation,
      })
      .optional(),
    localProgrammes: z
      .strictObject({
        layers: z.array(z.strictObject({ programmes: z.array(programme).min(1), ...citation, cite: z.string().optional() })).min(1),
        ...citation,
      })
      .optional(),
    outpatientPool: z
      .strictObject({
        annualFundCap: moneyValue,
        rates: z.record(
          z.string(),
          z.strictObject({ rate: rateValue, referredFromPrimaryRate: rateValue.optional(), ...citation }),
        ),
        ...citation,
      })
      .optional(),
    lumpSums: z
      .strictObject({
        childbirth: z
          .strictObject({ byDelivery: z.record(z.enum(DELIVERIES), moneyValue), ...citation })
          .optional(),
      })
      .optional(),
  })
  .superRefine((policy, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (!policy.id.endsWith(`-${policy.benefitYear}`)) issue(['id'], `id must end with the benefit year ${policy.benefitYear}`);
    if (!policy.id.startsWith(`${policy.region}-`)) issue(['id'], `id must start with the region "${policy.region}"`);

    const tierKeys = new Set(Object.keys(policy.tiers));
    if (policy.hospitalTier.method === 'location') {
      policy.hospitalTier.rules.forEach((rule, index) => {
        if (!tierKeys.has(rule.tier)) issue(['hospitalTier', 'rules', index, 'tier'], `unknown tier "${rule.tier}"`);
      });
      const last = policy.hospitalTier.rules.at(-1);
      if (last && (last.admdvsPrefixes || last.kinds)) {
        issue(['hospitalTier', 'rules'], 'the last rule must match every hospital (no admdvsPrefixes, no kinds)');
      }
    } else {
      for (const level of ['1', '2', '3']) if (!tierKeys.has(level)) issue(['tiers', level], `level method needs tier "${level}"`);
    }

    const visitTypes = Object.entries(policy.visitTypes) as [VisitType, z.infer<typeof visitTypeRule>][];
    if (visitTypes.length === 0) issue(['visitTypes'], 'at least one visit type');
    for (const [visitType, rule] of visitTypes) {
      if (rule.benefit === 'outpatient') {
        if (!policy.outpatientPool) issue(['outpatientPool'], `visit type ${visitType} needs outpatientPool`);
        else for (const key of tierKeys) if (!policy.outpatientPool.rates[key]) issue(['outpatientPool', 'rates', key], `missing rate for tier "${key}"`);
      }
      if (rule.benefit === 'lump-sum' && !policy.lumpSums?.childbirth) {
        issue(['lumpSums', 'childbirth'], `visit type ${visitType} needs lumpSums.childbirth`);
      }
      if (rule.benefit === 'lump-sum' && visitType !== 'childbirth') issue(['visitTypes', visitType, 'benefit'], 'lump-sum is defined for childbirth only');
      if (visitType === 'special-outpatient' && !policy.specialOutpatient) {
        issue(['specialOutpatient'], 'visit type special-outpatient needs specialOutpatient');
      }
    }
  });

export type PolicyFile = z.infer<typeof policyFileSchema>;
export type Policy = PolicyFile;
export type Tier = Policy['tiers'][string];
export type HospitalTierRule = Policy['hospitalTier'];
export type CriticalIllnessSchedule = z.infer<typeof criticalIllnessSchedule>;
export type Bracket = z.infer<typeof bracket>;
export type Programme = z.infer<typeof programme>;
export type VisitTypeRule = z.infer<typeof visitTypeRule>;
