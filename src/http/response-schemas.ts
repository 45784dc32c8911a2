/**
 * What the service answers, as zod schemas beside the request schemas
 * (schemas.ts). They are not used to build answers (the use-cases do that);
 * they describe them for the OpenAPI document, and the contract test holds
 * every answer the integration tests receive against them. Objects are
 * strict, so a field the code starts sending must be described here first.
 */
import { z } from 'zod';
import { FILING_KINDS, FUNDS, HOSPITAL_KINDS, PERSON_CATEGORIES, VISIT_TYPES } from '../domain/types.js';

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
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).meta({ description: 'YYYY-MM-DD', example: '2019-03-10' });
const timestamp = z.iso.datetime().meta({ description: 'ISO 8601 instant (UTC)', example: '2019-03-10T09:30:00.000Z' });
const nullableString = z.string().nullable();

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

export const enrolleeResponseSchema = z
  .strictObject({
    card: z.string(),
    region: z.string(),
    sex: z.enum(['F', 'M']),
    birthDate: isoDate,
    coverage: z.array(z.strictObject({ from: isoDate, to: isoDate })),
    categories: z.array(z.enum(PERSON_CATEGORIES)),
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
  .extend({ card: z.string(), year: z.number().int(), version: z.string().meta({ description: 'moved by every commit and reversal' }) })
  .meta({ id: 'YearAccumulators' });

const operatorView = z.strictObject({ id: nullableString, name: nullableString, keyId: nullableString });

export const filingResponseSchema = z
  .strictObject({
    referralId: z.string().meta({ example: 'R-2a5f-0f7c3d2e9b8a4c6d8e1f2a3b4c5d6e7f' }),
    card: z.string(),
    kind: z.enum(FILING_KINDS),
    validFrom: isoDate,
    validTo: isoDate,
    toHospitalId: nullableString,
    diagnosis: nullableString,
    status: z.enum(['active', 'revoked']),
    createdAt: timestamp.optional(),
    revokedAt: timestamp.nullable(),
    revocation: z.strictObject({ reason: nullableString, operator: operatorView }).optional(),
    filedBy: z
      .strictObject({ hospitalId: z.string(), keyId: z.string() })
      .optional()
      .meta({ description: 'the hospital that filed it through the platform (2501), which alone may revoke it (2502)' }),
  })
  .meta({ id: 'Filing', description: 'A referral filing (转诊转院备案, 异地安置, 异地就医备案): kept, never erased.' });

export const filingListSchema = z.strictObject({
  card: z.string(),
  status: z.enum(['active', 'all']),
  referrals: z.array(filingResponseSchema),
  next: nullableString,
});

const priceString = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/).meta({ description: 'a unit-price ceiling, as a decimal string', example: '12.5000' });

export const feeLineResponseSchema = z
  .strictObject({
    lineId: z.string(),
    code: z.string(),
    level: z.string().meta({ description: 'catalogue level: A (甲), B (乙), C (丙)' }),
    category: z.string().meta({ description: 'national fee category 01-14' }),
    amount: wireMoney,
    priceCeiling: priceString.nullable(),
    selfPayRatio: z.string().nullable().meta({ description: 'the 乙 self-pay share, a decimal fraction' }),
    fullSelfPay: wireMoney,
    overLimitSelfPay: wireMoney,
    preSelfPay: wireMoney,
    policyScope: wireMoney,
  })
  .meta({ id: 'FeeLineResult', description: 'One fee line as the catalogue classified it (api.md "Fee lines and the catalogue").' });

export const chargesResponseSchema = z
  .strictObject({
    total: wireMoney,
    fullSelfPay: wireMoney,
    overLimitSelfPay: wireMoney,
    preSelfPay: wireMoney,
    lines: z.array(feeLineResponseSchema).optional(),
  })
  .meta({ id: 'ChargesResult', description: 'The four amounts the rules started from, and each line\'s classification when the bill came as lines.' });

export const feeCategoryResponseSchema = z
  .strictObject({
    category: z.string(),
    name: z.string(),
    total: wireMoney,
    levelA: wireMoney,
    levelB: wireMoney,
    levelC: wireMoney,
    policyScope: wireMoney,
  })
  .meta({ id: 'FeeCategoryTotals' });

export const settlementResponseSchema = z
  .strictObject({
    settlementId: z.string().nullable().meta({ description: 'null for a preview', example: 'S-2a5f-0f7c3d2e9b8a4c6d8e1f2a3b4c5d6e7f' }),
    requestId: z.string(),
    status: z.enum(['preview', 'settled', 'reversed']),
    policyId: z.string(),
    benefitYear: z.number().int(),
    card: z.string(),
    hospitalId: z.string(),
    visitType: z.enum(VISIT_TYPES),
    admissionDate: isoDate,
    dischargeDate: isoDate,
    total: wireMoney,
    policyScope: wireMoney,
    charges: chargesResponseSchema,
    feeCategories: z
      .array(feeCategoryResponseSchema)
      .optional()
      .meta({ description: 'an itemised bill only: the national fee categories 01-14 in code order, for the slip' }),
    payments: z.partialRecord(z.enum(FUNDS), wireMoney).meta({ description: 'every fund line the policy has for this visit, zero lines included' }),
    fundTotal: wireMoney,
    patientTotal: wireMoney,
    admissionOrdinal: z.number().int().nullable(),
    referralId: nullableString,
    lines: z.array(
      z.strictObject({
        fund: z.enum(FUNDS),
        fundPayType: z.string().nullable().meta({ description: 'national fund_pay_type; null for local programmes' }),
        amount: wireMoney,
        cite: z.string().meta({ description: 'the clause of the policy document the line comes from' }),
        rate: z.string().nullable().meta({ description: 'the reimbursement rate applied, as a decimal fraction; null where none applies', example: '0.75' }),
        deductible: wireMoney.optional().meta({ description: 'the deductible (起付线) this line started above, where one applied' }),
      }),
    ),
    steps: z.array(z.strictObject({ rule: z.string(), text: z.string(), amount: wireMoney.nullable(), cite: z.string() })),
    accumulatorsBefore: accumulatorsSchema,
    accumulatorsAfter: accumulatorsSchema,
    notes: z.array(z.string()),
    operator: operatorView,
    settledAt: timestamp.optional(),
    reversedAt: timestamp.nullable().optional(),
    reversal: z.strictObject({ at: timestamp, reason: nullableString, operator: operatorView }).optional(),
  })
  .meta({ id: 'Settlement', description: 'The split between each fund and the patient, line by line, each line citing its clause.' });

export const settlementListSchema = z.strictObject({
  card: z.string(),
  year: z.number().int(),
  settlements: z.array(settlementResponseSchema),
  next: nullableString,
});

export const policyListSchema = z.strictObject({
  policies: z.array(
    z.strictObject({
      policyId: z.string(),
      region: z.string(),
      name: z.string(),
      benefitYear: z.number().int(),
      document: z.string(),
      attribution: z.string(),
      visitTypes: z.array(z.enum(VISIT_TYPES)),
    }),
  ),
});

export const policyDetailSchema = z.strictObject({
  policyId: z.string(),
  region: z.string(),
  name: z.string(),
  benefitYear: z.number().int(),
  document: z.string(),
  parameters: z.array(
    z.strictObject({
      path: z.string(),
      value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
      cite: nullableString,
      assumed: z.boolean(),
      decision: nullableString,
    }),
  ),
  assumedParameters: z.array(z.string()),
  source: z.record(z.string(), z.unknown()).meta({ description: 'the policy file as loaded' }),
});

const sums = {
  count: z.number().int(),
  total: wireSignedMoney,
  fundTotal: wireSignedMoney,
  patientTotal: wireSignedMoney,
  funds: z.record(z.string(), wireSignedMoney),
};

export const statementSchema = z
  .strictObject({
    hospitalId: z.string(),
    date: isoDate,
    timeZone: z.literal('Asia/Shanghai'),
    totals: z.strictObject({ ...sums, settlements: z.number().int(), reversals: z.number().int() }),
    groups: z.array(z.strictObject({ ...sums, insutype: z.string(), clrType: z.string(), policyId: z.string(), visitType: z.string() })),
    entries: z.array(
      z.strictObject({
        settlementId: z.string(),
        requestId: z.string(),
        kind: z.enum(['settlement', 'reversal']),
        at: timestamp,
        card: z.string(),
        policyId: z.string(),
        benefitYear: z.number().int(),
        visitType: z.string(),
        clrType: z.string(),
        total: wireSignedMoney,
        fundTotal: wireSignedMoney,
        patientTotal: wireSignedMoney,
        funds: z.record(z.string(), wireSignedMoney),
        operator: operatorView,
        reason: nullableString,
      }),
    ),
    next: nullableString,
    archived: z
      .array(z.strictObject({ ...sums, settlements: z.number().int(), reversals: z.number().int(), benefitYear: z.number().int(), archive: z.string() }))
      .optional()
      .meta({ description: 'benefit years of this day moved to an archive, with their figures (already in totals and groups)' }),
    notes: z.array(z.string()).optional(),
  })
  .meta({ id: 'DayStatement' });

const figures = z.strictObject({ count: z.number().int(), total: wireSignedMoney, fundTotal: wireSignedMoney });
const reconciliationSide = z.strictObject({ kind: z.enum(['settlement', 'reversal']), total: wireSignedMoney, fundTotal: wireSignedMoney }).nullable();

export const reconciliationResponseSchema = z
  .strictObject({
    reconciliationId: z.string(),
    hospitalId: z.string(),
    date: isoDate,
    to: isoDate.meta({ description: 'the last day of the period (date itself for one day)' }),
    clrType: nullableString.meta({ description: 'the clearing type compared (clr_type), null for all' }),
    balanced: z.boolean(),
    ours: figures,
    theirs: figures,
    difference: figures,
    differences: z.array(
      z.strictObject({
        kind: z.enum(['missing-in-hospital', 'missing-in-service', 'amount-mismatch', 'kind-mismatch']),
        settlementId: nullableString,
        requestId: nullableString,
        ours: reconciliationSide,
        theirs: reconciliationSide,
      }),
    ),
    differenceCount: z.number().int().meta({ description: 'every difference found; differences lists at most RECON_MAX_DIFFERENCES of them (the first found)' }),
    detail: z.boolean(),
    at: timestamp,
    by: z.strictObject({ keyId: nullableString, operator: z.strictObject({ id: nullableString, name: nullableString }) }),
  })
  .meta({ id: 'Reconciliation' });

export const reconciliationListSchema = z.strictObject({
  hospitalId: z.string(),
  date: isoDate,
  reconciliations: z.array(reconciliationResponseSchema),
  next: nullableString.meta({ description: 'cursor of the next page, null on the last' }),
  dropped: z.number().int().meta({ description: 'older runs of the day no longer kept (RECON_MAX_RUNS_PER_DAY)' }),
});

export const refreshResponseSchema = z.strictObject({ card: z.string(), refreshed: z.literal(true), source: z.string() });

export const healthSchema = z.strictObject({ status: z.literal('ok') });
export const readinessSchema = z.strictObject({
  status: z.enum(['ready', 'not-ready']),
  /** Shown to an admin key (and on the metrics listener). */
  checks: z.record(z.string(), z.string()).optional(),
});

export const callerSchema = z
  .strictObject({
    id: z.string(),
    role: z.enum(['admin', 'billing', 'referral']),
    hospitalId: z.string().optional(),
    region: z.string().optional(),
  })
  .meta({ id: 'Caller' });

/** The national platform's answer envelope (national-platform.md §1): output is the transaction's own. */
export const envelopeAnswerSchema = z
  .strictObject({
    infcode: z.union([z.literal(0), z.literal(-1)]),
    inf_refmsgid: z.string().regex(/^\d{30}$/),
    refmsg_time: z.string().regex(/^\d{17}$/),
    respond_time: z.string().regex(/^\d{17}$/),
    err_msg: z.string().nullable(),
    warn_msg: z.string().nullable(),
    cainfo: z.string().nullable(),
    signtype: z.string().nullable(),
    output: z.unknown(),
  })
  .meta({ id: 'PlatformAnswer' });

export const serviceIndexSchema = z.strictObject({
  service: z.string(),
  version: z.string(),
  links: z.record(z.string(), z.string()),
});
