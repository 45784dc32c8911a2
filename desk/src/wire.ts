/** The /v1 contract as the desk reads it (docs/spec/api.md). Fields marked optional arrive with newer servers. */

export type Role = 'billing' | 'referral' | 'admin';

export interface Me {
  id: string;
  role: Role;
  hospitalId?: string;
  region?: string;
}

export interface Operator {
  id: string;
  name: string;
}

/** An operator as the service records it: the clerk named in the body (either part may be missing) and the key. */
export interface RecordedOperator {
  id?: string | null;
  name?: string | null;
  keyId?: string | null;
}

export interface FeeLineView {
  lineId: string;
  code: string;
  name?: string | null;
  level: string;
  category: string;
  amount: string;
  fullSelfPay: string;
  overLimitSelfPay: string;
  preSelfPay: string;
  policyScope: string;
}

export interface ChargesEcho {
  total: string;
  fullSelfPay: string;
  overLimitSelfPay: string;
  preSelfPay: string;
  lines?: FeeLineView[];
}

export interface FeeCategoryView {
  /** National fee category 01–14 (present when the service answers a list). */
  category?: string;
  name?: string;
  total: string;
  levelA: string;
  levelB: string;
  levelC: string;
  policyScope: string;
}

export interface Accumulators {
  admissions: number;
  specialOutpatientCounted?: boolean;
  basicEligible: string;
  basicPaid: string;
  compliantSelfBurden: string;
  criticalIllnessPaid: string;
  outpatientPaid: string;
  retiredCadreSpousePaid: string;
  [field: string]: string | number | boolean | undefined;
}

export interface Settlement {
  settlementId: string | null;
  requestId: string;
  status: 'preview' | 'settled' | 'reversed';
  policyId: string;
  /** sha256 of the policy file's text; absent on settlements recorded before versions were kept. */
  policyVersion?: string;
  benefitYear: number;
  card: string;
  hospitalId: string;
  visitType: string;
  admissionDate: string;
  dischargeDate: string;
  total: string;
  policyScope: string;
  charges?: ChargesEcho;
  /** Per fee category: a list in code order (or, from older builds, a map by code). */
  feeCategories?: FeeCategoryView[] | Record<string, FeeCategoryView>;
  payments: Record<string, string>;
  fundTotal: string;
  patientTotal: string;
  admissionOrdinal: number | null;
  referralId?: string | null;
  /** `rate`: the rate the line applied (payment factors included); `deductible`: the basic line's. */
  lines: { fund: string; fundPayType: string | null; amount: string; cite: string; rate?: string | null; deductible?: string }[];
  steps: { rule: string; text: string; amount: string | null; cite: string }[];
  accumulatorsBefore: Accumulators;
  accumulatorsAfter: Accumulators;
  notes: string[];
  settledAt?: string;
  reversedAt?: string | null;
  operator?: RecordedOperator | null;
  reversal?: { at: string; reason?: string | null; operator?: RecordedOperator | null } | null;
}

export interface Enrollee {
  card: string;
  region: string;
  sex: 'F' | 'M';
  birthDate: string;
  coverage: { from: string; to: string }[];
  categories: string[];
  specialDiseases: string[];
  maternityInsured: boolean;
}

export interface Hospital {
  hospitalId: string;
  name: string;
  admdvs: string;
  level: 1 | 2 | 3;
  kind: string;
  countyRun: boolean;
  consortium?: string | null;
}

export interface Filing {
  referralId: string;
  card: string;
  kind: 'referral' | 'relocation' | 'out-of-area';
  validFrom: string;
  validTo: string;
  toHospitalId: string | null;
  diagnosis: string | null;
  status: 'active' | 'revoked';
  [extra: string]: unknown;
}

export interface PolicySummary {
  policyId: string;
  region: string;
  name: string;
  benefitYear: number;
  document: string;
}

export interface PolicyDetail extends PolicySummary {
  parameters: { path: string; value: string | number | boolean | null; cite: string | null; assumed: boolean }[];
  source: Record<string, unknown>;
}

export interface StatementEntry {
  settlementId: string;
  requestId: string;
  kind: 'settlement' | 'reversal';
  at: string;
  visitType: string;
  total: string;
  fundTotal: string;
  patientTotal: string;
  funds: Record<string, string>;
  operator?: RecordedOperator | null;
  reason?: string | null;
}

export interface Statement {
  hospitalId: string;
  date: string;
  timeZone: string;
  totals: { count: number; settlements: number; reversals: number; total: string; fundTotal: string; patientTotal: string; funds: Record<string, string> };
  groups: { insutype: string; clrType: string; policyId: string; visitType: string; count: number; total: string; fundTotal: string; funds: Record<string, string> }[];
  entries: StatementEntry[];
  next: string | null;
}

export interface ReconciliationDifference {
  kind: 'missing-in-hospital' | 'missing-in-service' | 'amount-mismatch' | 'kind-mismatch';
  settlementId: string | null;
  requestId: string | null;
  ours: unknown;
  theirs: unknown;
}

export interface Reconciliation {
  reconciliationId: string;
  balanced: boolean;
  ours: { count: number; total: string; fundTotal: string };
  theirs: { count: number; total: string; fundTotal: string };
  difference: unknown;
  differences: ReconciliationDifference[];
  at: string;
  by: unknown;
}

export interface ErrorBody {
  error: { code: string; message: string; details: { path: string; message: string }[] };
}
