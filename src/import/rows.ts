/**
 * One row of a bulk import, validated with the same zod schemas as the HTTP
 * API (a row is the PUT body plus its key), and turned into a domain record.
 */
import type { z } from 'zod';
import type { ErrorDetail } from '../domain/errors.js';
import type { Enrollee, Hospital } from '../domain/types.js';
import { cardSchema, idSchema } from '../contract/fields.js';
import { filingCreateSchema } from '../contract/referral.js';
import { enrolleeSchema, hospitalSchema, toEnrollee, toHospital } from '../contract/registry.js';
import { zodIssueZh } from '../messages/zod-issues.js';
import type { FilingDraft } from '../service/referrals.js';

export const IMPORT_KINDS = ['enrollees', 'hospitals', 'referrals'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** An NDJSON line of POST /v1/enrollees:bulk or of an enrollee file: the PUT body plus its card. */
export const enrolleeRowSchema = enrolleeSchema.extend({ card: cardSchema });
export const hospitalRowSchema = hospitalSchema.extend({ hospitalId: idSchema });
export const referralRowSchema = filingCreateSchema;

export type ValidRow =
  | { kind: 'enrollees'; key: string; record: Enrollee }
  | { kind: 'hospitals'; key: string; record: Hospital }
  | { kind: 'referrals'; key: string; record: FilingDraft };

/** A rejected row: `errors` in English (the API's bulk answer), `zh` the same reasons in Chinese for the import report. */
export type RowValidation = { ok: true; row: ValidRow } | { ok: false; key: string | null; errors: ErrorDetail[]; zh: string[] };

const KEY_FIELD: Record<ImportKind, string> = { enrollees: 'card', hospitals: 'hospitalId', referrals: 'card' };

export function keyField(kind: ImportKind): string {
  return KEY_FIELD[kind];
}

function rawKey(kind: ImportKind, value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null;
  const key = (value as Record<string, unknown>)[KEY_FIELD[kind]];
  return typeof key === 'string' && key.length <= 64 ? key : null;
}

function rejected(kind: ImportKind, value: unknown, error: z.ZodError): RowValidation {
  const issues = error.issues.slice(0, 20);
  return {
    ok: false,
    key: rawKey(kind, value),
    errors: issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(row)', message: issue.message })),
    zh: issues.map(zodIssueZh),
  };
}

/** The value a row holds at a reported path ("coverage.0.to"), as text for the report; '' when absent. */
export function valueAt(row: unknown, path: string): string {
  let value: unknown = row;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return '';
    value = (value as Record<string, unknown>)[part];
  }
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export function validateRow(kind: ImportKind, value: unknown): RowValidation {
  switch (kind) {
    case 'enrollees': {
      const parsed = enrolleeRowSchema.safeParse(value);
      if (!parsed.success) return rejected(kind, value, parsed.error);
      const { card, ...body } = parsed.data;
      return { ok: true, row: { kind, key: card, record: toEnrollee(card, body) } };
    }
    case 'hospitals': {
      const parsed = hospitalRowSchema.safeParse(value);
      if (!parsed.success) return rejected(kind, value, parsed.error);
      const { hospitalId, ...body } = parsed.data;
      return { ok: true, row: { kind, key: hospitalId, record: toHospital(hospitalId, body) } };
    }
    case 'referrals': {
      const parsed = referralRowSchema.safeParse(value);
      if (!parsed.success) return rejected(kind, value, parsed.error);
      return { ok: true, row: { kind, key: parsed.data.card, record: parsed.data } };
    }
  }
}
