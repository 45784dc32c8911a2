/** The wire shapes of day statements and reconciliations (api.md "Day statements and reconciliation"). */
import type { LedgerEntry, LedgerEntryKind } from '../domain/ledger.js';
import type { Money } from '../domain/money.js';
import type { Actor } from '../domain/types.js';

export const TIME_ZONE = 'Asia/Shanghai';

export interface Sums {
  count: number;
  total: string;
  fundTotal: string;
  patientTotal: string;
  funds: Record<string, string>;
}

export interface StatementEntry {
  settlementId: string;
  requestId: string;
  kind: LedgerEntryKind;
  at: string;
  card: string;
  policyId: string;
  benefitYear: number;
  visitType: string;
  clrType: string;
  total: string;
  fundTotal: string;
  patientTotal: string;
  funds: Record<string, string>;
  operator: LedgerEntry['operator'];
  reason: string | null;
}

export interface Statement {
  hospitalId: string;
  date: string;
  timeZone: string;
  totals: Sums & { settlements: number; reversals: number };
  groups: (Sums & { insutype: string; clrType: string; policyId: string; visitType: string })[];
  entries: StatementEntry[];
  next: string | null;
  /** Benefit years whose entries of this day were archived, with their figures (included in totals and groups). */
  archived?: (DayFigures['totals'] & { benefitYear: number; archive: string })[];
  notes?: string[];
}

/** A day's totals and groups, as a statement shows them (and an archive's manifest records them). */
export interface DayFigures {
  totals: Sums & { settlements: number; reversals: number };
  groups: (Sums & { insutype: string; clrType: string; policyId: string; visitType: string })[];
}

/** What an archive leaves in Redis for one hospital-day of its year (ledger-archived:{…}). */
export interface ArchivedDayFigures {
  benefitYear: number;
  archive: string;
  figures: DayFigures;
}

/** Which entries a reconciliation compares: a day (or, for the platform's 3201/3202, a period), all or one clearing type. */
export interface ReconciliationScope {
  from: string;
  to: string;
  clrType?: string | undefined;
  /** Reversal entries count (the platform's refd_setl_flag 1); the native API always counts them. */
  includeReversals: boolean;
}

/** The hospital's side of a reconciliation (api.md). */
export interface HospitalSide {
  totals?: { count: number; total: Money; fundTotal: Money } | undefined;
  entries?: { settlementId?: string | undefined; requestId?: string | undefined; kind: LedgerEntryKind; total: Money; fundTotal: Money }[] | undefined;
}

export type DifferenceKind = 'missing-in-hospital' | 'missing-in-service' | 'amount-mismatch' | 'kind-mismatch';

export interface Difference {
  kind: DifferenceKind;
  settlementId: string | null;
  requestId: string | null;
  ours: { kind: LedgerEntryKind; total: string; fundTotal: string } | null;
  theirs: { kind: LedgerEntryKind; total: string; fundTotal: string } | null;
}

export interface Figures {
  count: number;
  total: string;
  fundTotal: string;
}

export interface Reconciliation {
  reconciliationId: string;
  hospitalId: string;
  date: string;
  /** The last day of the period (the same as date for a day). */
  to: string;
  clrType: string | null;
  balanced: boolean;
  ours: Figures;
  theirs: Figures;
  /** ours − theirs */
  difference: Figures;
  /** At most RECON_MAX_DIFFERENCES of them (the first found); differenceCount counts all. */
  differences: Difference[];
  differenceCount: number;
  /** Whether detail rows were compared (对明细账) or totals only (对总账). */
  detail: boolean;
  at: string;
  by: { keyId: string | null; operator: Actor['operator'] };
}
