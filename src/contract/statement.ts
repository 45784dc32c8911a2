/**
 * Day statements and reconciliation on the wire (api.md "Day statements and
 * reconciliation"): the hospital's side of a day as it sends it, and the
 * statement and reconciliation the service answers.
 */
import { z } from 'zod';
import { dateSchema, idSchema, isoDate, nullableString, operatorSchema, operatorView, pageQuery, signedMoneySchema, timestamp, wireSignedMoney } from './fields.js';

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
    totals: z.strictObject({ count: z.number().int().min(0).max(10_000_000), total: signedMoneySchema, fundTotal: signedMoneySchema }).optional(),
    entries: z.array(reconciliationRow).max(50_000).optional(),
    operator: operatorSchema,
  })
  .refine((body) => body.totals !== undefined || body.entries !== undefined, { path: ['totals'], message: "send the day's totals, its entries, or both" });

export const statementPageSchema = pageQuery(1000, 100);

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
