/**
 * Records read back from Redis, parsed with their schema: a corrupt or foreign
 * value is a CorruptRecordError naming what it was, never a silent cast. The
 * schemas check what the code relies on and let the rest through (cheap on
 * the settlement's hot read: one JSON.parse and a few type checks per record).
 */
import { z } from 'zod';
import type { Encounter, EncounterFeeLine } from '../domain/encounter.js';
import type { Enrollee, Filing, Hospital } from '../domain/types.js';

export class CorruptRecordError extends Error {
  constructor(
    readonly what: string,
    detail: string,
  ) {
    super(`stored ${what} is corrupt: ${detail}`);
    this.name = 'CorruptRecordError';
  }
}

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
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new CorruptRecordError(what, (error as Error).message);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CorruptRecordError(what, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  return parsed.data as T;
}

export const parseEnrollee = (json: string): Enrollee => parseWith<Enrollee>(enrolleeSchema, json, 'enrollee');
export const parseHospital = (json: string): Hospital => parseWith<Hospital>(hospitalSchema, json, 'hospital');
export const parseFiling = (json: string): Filing => parseWith<Filing>(filingSchema, json, 'filing');
export const parseEncounter = (json: string): Encounter => parseWith<Encounter>(encounterSchema, json, 'encounter');
export const parseFeeLine = (json: string): EncounterFeeLine => parseWith<EncounterFeeLine>(feeLineSchema, json, 'fee line');

/** Any other stored JSON record, checked against the schema given. */
export function parseStored<T>(schema: z.ZodType, json: string, what: string): T {
  return parseWith<T>(schema, json, what);
}
