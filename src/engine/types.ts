/** What the engine takes and gives. The engine is pure: no I/O, no clock, no randomness. */
import type { ErrorDetail, RefusalCode } from '../domain/errors.js';
import type { Money } from '../domain/money.js';
import type { AccumulatorDeltas, Accumulators, Charges, Enrollee, Filing, Fund, Hospital, PreviousStay, SettlementRequest, VisitType } from '../domain/types.js';
import type { CatalogueSet } from '../catalogue/catalogue.js';
import type { PolicyCatalog } from '../policy/catalog.js';
import type { FeeLineClassification } from './fee-lines.js';
import type { AssumedValue } from './facts.js';

export interface EngineInput {
  catalog: PolicyCatalog;
  request: SettlementRequest;
  hospital: Hospital;
  enrollee: Enrollee;
  /** All filings of the person; the engine decides which one covers the stay. */
  filings: readonly Filing[];
  /**
   * Settled, unreversed inpatient stays discharged shortly before the
   * admission: those a consortium transfer could continue, and those within
   * the policy's readmission window (needs.ts says how far back).
   */
  previousStays?: readonly PreviousStay[];
  /** The person's accumulators of the previous benefit year, where a cap carries over (needs.ts). */
  previousYearAccumulators?: Accumulators | null;
  /**
   * The person's accumulators of the benefit year the stay belongs to. Under
   * every attribution rule that is the year of the discharge date (a Jinjiang
   * stay across the year boundary is refused before accumulators matter).
   */
  accumulators: Accumulators;
  accumulatorsYear: number;
  /** The loaded catalogues by id; needed only for a bill sent as lines. */
  catalogues?: CatalogueSet;
}

export interface Step {
  rule: string;
  text: string;
  amount: Money | null;
  cite: string;
}

export interface PaymentLine {
  fund: Fund;
  fundPayType: string | null;
  amount: Money;
  cite: string;
  /**
   * The share of the eligible amount this fund paid, where one rate applies
   * (the basic rate after any out-of-area factor, a programme's rate); null
   * where the payment is banded or fixed (critical illness, a lump sum).
   */
  rate: Money | null;
  /** The deductible taken before the basic rate (起付线 actually applied), for the basic line. */
  deductible?: Money;
}

export interface SettlementComputation {
  policyId: string;
  benefitYear: number;
  visitType: VisitType;
  total: Money;
  policyScope: Money;
  /** The four amounts the rules started from (as sent, or derived from the lines). */
  charges: Charges;
  /** The lines' classification, when the bill came as lines. */
  itemised: FeeLineClassification | null;
  /** Every fund line the policy has for this visit, zero lines included, in FUNDS order. */
  payments: Partial<Record<Fund, Money>>;
  lines: PaymentLine[];
  fundTotal: Money;
  /** total − fundTotal − hospitalBorne. */
  patientTotal: Money;
  /** What a disease package's price leaves to the hospital (按病种定额: excess borne by the hospital); usually 0. */
  hospitalBorne: Money;
  admissionOrdinal: number | null;
  /** The filing that covered the stay, if one was needed and found. */
  referralId: string | null;
  steps: Step[];
  deltas: AccumulatorDeltas;
  /** Notes in English, for logs and developers. */
  notes: string[];
  /** The same notes in Chinese, for the clerk and the patient. */
  notesZh: string[];
  /** Every value the settlement used that the policy file marks `assumed`. */
  assumed: AssumedValue[];
}

export interface Refusal {
  code: RefusalCode | 'VALIDATION_FAILED';
  message: string;
  details: ErrorDetail[];
}

export type EngineOutcome = { ok: true; settlement: SettlementComputation } | { ok: false; refusal: Refusal };
