/**
 * Records read back from Redis, parsed with their schema: a corrupt or foreign
 * value is a CorruptRecordError naming what it was, never a silent cast. The
 * schemas check what the code relies on and let the rest through (cheap on
 * the settlement's hot read: one JSON.parse and a few type checks per record).
 */
import { z } from 'zod';
import type { Encounter, EncounterFeeLine } from '../domain/encounter.js';
import { CorruptRecordError } from '../domain/errors.js';
import type { Enrollee, Filing, Hospital } from '../domain/types.js';

export { CorruptRecordError };

const text = z.string();
const optionalText = z.string().nullish();

const enrolleeSchema = z.looseObject({
  card: text,
  region: text,
  sex: z.enum(['F', 'M']),
  birthDate: text,
  coverage: z.array(z.looseObject({ from: text, to: text })),
  categories: z.array(z.unknown()),
  specialDiseases: z.array(text),
});

const hospitalSchema = z.looseObject({
  hospitalId: text,
  name: text,
  admdvs: text,
  level: z.number(),
  kind: text,
  countyRun: z.boolean(),
  fixmedinsCode: optionalText,
});

const filingSchema = z.looseObject({
  referralId: text,
  card: text,
  kind: text,
  validFrom: text,
  validTo: text,
  status: z.enum(['active', 'revoked']),
});

const encounterSchema = z.looseObject({
  mdtrtId: text,
  card: text,
  hospitalId: text,
  medType: text,
  status: text,
});

const feeLineSchema = z.looseObject({
  lineId: text,
  refundOf: z.string().nullable(),
  code: text,
});

function parseWith<T>(schema: z.ZodType, json: string, what: string): T {
  return validated(schema, json, what).data as T;
}

/** The JSON text parsed and checked against its schema: the value as stored and as the schema reads it. */
function validated(schema: z.ZodType, json: string, what: string): { value: unknown; data: unknown } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new CorruptRecordError(what, (error as Error).message);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CorruptRecordError(what, describe(parsed.error));
  return { value, data: parsed.data };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export const parseEnrollee = (json: string): Enrollee => parseWith<Enrollee>(enrolleeSchema, json, 'enrollee');
export const parseHospital = (json: string): Hospital => parseWith<Hospital>(hospitalSchema, json, 'hospital');
export const parseFiling = (json: string): Filing => parseWith<Filing>(filingSchema, json, 'filing');
export const parseEncounter = (json: string): Encounter => parseWith<Encounter>(encounterSchema, json, 'encounter');
export const parseFeeLine = (json: string): EncounterFeeLine => parseWith<EncounterFeeLine>(feeLineSchema, json, 'fee line');

/*
 * Records whose type the service owns: the schemas check what the code reads,
 * and checkStored hands back the value as stored (its keys in their stored
 * order), so a record written back or an answer rebuilt from it is the same
 * text a bare JSON.parse gave.
 */
const nullableText = z.string().nullable();

/** A national message's record (msgid → input hash, infno, state, undo ids, output). */
export const messageRecordSchema = z.looseObject({
  i: text,
  n: text,
  s: z.enum(['pending', 'done', 'reversed']),
  u: z.record(z.string(), z.union([text, z.array(text)])),
  o: text.optional(),
  at: text,
});

/** A special-disease filing (门诊慢特病备案). */
export const specialDiseaseFilingSchema = z.looseObject({
  filingId: text,
  card: text,
  disease: text,
  diseaseName: nullableText,
  validFrom: text,
  validTo: text,
  status: z.enum(['active', 'revoked']),
  createdAt: text,
  revokedAt: nullableText,
  filedBy: z.looseObject({ hospitalId: nullableText, keyId: nullableText }),
});

const figuresSchema = z.looseObject({});

/** An archived benefit year's figures of one hospital-day. */
export const archivedDayFiguresSchema = z.looseObject({ benefitYear: z.number(), archive: text, figures: figuresSchema });

/** A kept reconciliation run of a hospital-day. */
export const reconciliationSchema = z.looseObject({
  reconciliationId: text,
  hospitalId: text,
  date: text,
  to: text,
  clrType: nullableText,
  balanced: z.boolean(),
  ours: figuresSchema,
  theirs: figuresSchema,
  difference: figuresSchema,
  differences: z.array(z.unknown()),
  differenceCount: z.number(),
});

/** The coverage cache's entry: when the upstream answered and whom (null: not enrolled). */
export const coverageEntrySchema = z.looseObject({ fetchedAt: z.number(), enrollee: enrolleeSchema.nullable() });

/**
 * A stored settlement answer, checked on the fields the service reads from it
 * (the ledger entry, the replay's outcome event, scope checks); the rest is
 * the answer as it was sent.
 */
export const storedSettlementViewSchema = z.looseObject({
  settlementId: nullableText,
  requestId: text,
  status: z.enum(['preview', 'settled', 'reversed']),
  policyId: text,
  benefitYear: z.number(),
  card: text,
  hospitalId: text,
  visitType: text,
  total: text,
  fundTotal: text,
  patientTotal: text,
  payments: z.record(z.string(), text),
});

/** A compact settlement record's meta line, as JSON (codec/settlement-record.ts; `d` a terse string from version 5 on). */
export const settlementRecordMetaSchema = z.looseObject({
  v: z.number(),
  s: z.enum(['settled', 'reversed']).optional(),
  h: text.optional(),
  y: z.number().optional(),
  rq: text.optional(),
  d: z.union([z.record(z.string(), text), z.string()]),
  r: z.number().optional(),
});

/** A stored record checked against its schema and handed back as stored (same keys, same order). */
export function checkStored<T>(schema: z.ZodType, json: string, what: string): T {
  return validated(schema, json, what).value as T;
}

/** Any other stored JSON record, checked against the schema given. */
export function parseStored<T>(schema: z.ZodType, json: string, what: string): T {
  return parseWith<T>(schema, json, what);
}
