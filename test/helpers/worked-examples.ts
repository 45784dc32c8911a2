/** The worked examples of ../shared/cases (copied to test/fixtures), as domain records. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Enrollee, Filing, Hospital } from '../../src/domain/types.js';
import { enrolleeSchema, hospitalSchema, toEnrollee, toHospital } from '../../src/contract/registry.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
export const POLICY_DIR = path.join(ROOT, 'config/policies');
export const CATALOGUE_DIR = path.join(ROOT, 'config/catalogues');

export interface WorkedCase {
  request: Record<string, unknown> & { requestId: string; card: string; hospitalId: string };
  expect: { status: 'settled'; payments: Record<string, string>; fundTotal: string; patientTotal: string } | { status: 'refused'; error: string };
}

export interface WorkedExamples {
  hospitals: Record<string, Record<string, unknown>>;
  enrollees: Record<string, Record<string, unknown>>;
  referrals: Record<string, unknown>[];
  cases: WorkedCase[];
}

export const workedExamples: WorkedExamples = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/worked-examples.json'), 'utf8'));

export function registry(): { hospitals: Map<string, Hospital>; enrollees: Map<string, Enrollee>; filings: Filing[] } {
  const hospitals = new Map(Object.entries(workedExamples.hospitals).map(([id, h]) => [id, toHospital(id, hospitalSchema.parse(h))]));
  const enrollees = new Map(Object.entries(workedExamples.enrollees).map(([card, e]) => [card, toEnrollee(card, enrolleeSchema.parse(e))]));
  const filings = workedExamples.referrals.map((r, i) => ({ ...(r as Omit<Filing, 'referralId' | 'status'>), referralId: `R-${i + 1}`, status: 'active' as const }));
  return { hospitals, enrollees, filings };
}

/** Asserts an HTTP answer matches a worked example's expectation exactly (status, payments, totals, cited lines). */
export function expectWorkedOutcome(
  res: {
    status: number;
    text: string;
    body: { status?: string; payments?: unknown; fundTotal?: string; patientTotal?: string; lines?: { cite: string }[]; error?: { code: string } };
  },
  expected: WorkedCase['expect'],
): void {
  if (expected.status === 'refused') {
    expect(res.status, res.text).toBe(422);
    expect(res.body.error?.code).toBe(expected.error);
    return;
  }
  expect(res.status, res.text).toBe(201);
  expect(res.body.status).toBe('settled');
  expect(res.body.payments).toEqual(expected.payments);
  expect(res.body.fundTotal).toBe(expected.fundTotal);
  expect(res.body.patientTotal).toBe(expected.patientTotal);
  for (const line of res.body.lines ?? []) expect(line.cite).toMatch(/\.txt /);
}
