/** The worked examples of ../shared/cases (copied to test/fixtures), as domain records. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Enrollee, Filing, Hospital } from '../../src/domain/types.js';
import { enrolleeSchema, hospitalSchema, toEnrollee, toHospital } from '../../src/http/schemas.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
export const POLICY_DIR = path.join(ROOT, 'config/policies');

export interface WorkedCase {
  request: Record<string, unknown> & { requestId: string; card: string; hospitalId: string };
  expect:
    | { status: 'settled'; payments: Record<string, string>; fundTotal: string; patientTotal: string }
    | { status: 'refused'; error: string };
}

export interface WorkedExamples {
  hospitals: Record<string, Record<string, unknown>>;
  enrollees: Record<string, Record<string, unknown>>;
  referrals: Record<string, unknown>[];
  cases: WorkedCase[];
}

export const workedExamples: WorkedExamples = JSON.parse(
  readFileSync(path.join(ROOT, 'test/fixtures/worked-examples.json'), 'utf8'),
);

export function registry(): { hospitals: Map<string, Hospital>; enrollees: Map<string, Enrollee>; filings: Filing[] } {
  const hospitals = new Map(Object.entries(workedExamples.hospitals).map(([id, h]) => [id, toHospital(id, hospitalSchema.parse(h))]));
  const enrollees = new Map(Object.entries(workedExamples.enrollees).map(([card, e]) => [card, toEnrollee(card, enrolleeSchema.parse(e))]));
  const filings = workedExamples.referrals.map((r, i) => ({ ...(r as Omit<Filing, 'referralId' | 'status'>), referralId: `R-${i + 1}`, status: 'active' as const }));
  return { hospitals, enrollees, filings };
}
