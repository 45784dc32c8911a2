/** The insurance domain's records, as the engine and the store see them. */
import type { IsoDate } from './dates.js';
import type { Money } from './money.js';

export const VISIT_TYPES = ['inpatient', 'special-outpatient', 'outpatient', 'childbirth', 'emergency-death'] as const;
export type VisitType = (typeof VISIT_TYPES)[number];

export const LIABILITIES = ['none', 'work-injury', 'third-party', 'public-health'] as const;
export type Liability = (typeof LIABILITIES)[number];

export const DELIVERIES = ['vaginal', 'cesarean'] as const;
export type Delivery = (typeof DELIVERIES)[number];

export const HOSPITAL_KINDS = ['general', 'tcm', 'township-health-center', 'community-health-center'] as const;
export type HospitalKind = (typeof HOSPITAL_KINDS)[number];

export const PERSON_CATEGORIES = [
  'medical-aid',
  'low-income-assistance',
  'destitute',
  'rural-destitute',
  'registered-poor',
  'severely-disabled',
  'rural-only-daughter',
  'rural-two-daughters',
  'poor-party-member',
  'disability-card',
  'retired-cadre-surviving-spouse',
] as const;
export type PersonCategory = (typeof PERSON_CATEGORIES)[number];
/** A region's own category, declared in its policy file: "<region>.<name>" (suqian.near-low-income). */
export const OWN_CATEGORY_PATTERN = /^[a-z][a-z0-9-]{0,31}\.[a-z][a-z0-9-]{0,31}$/;
export type OwnCategory = `${string}.${string}`;
export type EnrolleeCategory = PersonCategory | OwnCategory;

export const FILING_KINDS = ['referral', 'relocation', 'out-of-area'] as const;
export type FilingKind = (typeof FILING_KINDS)[number];

/** Fund lines, in the order they are paid and reported. */
export const FUNDS = [
  'basic',
  'criticalIllness',
  'majorDiseaseReferral',
  'specialGroup',
  'retiredCadreSpouse',
  // Added after the seeds' funds: stored ledger entries list funds by position in this order.
  'supplementary',
  'hardship',
  'medicalAssistance',
] as const;
export type Fund = (typeof FUNDS)[number];

export interface Hospital {
  hospitalId: string;
  name: string;
  /** 6-digit administrative division code of the hospital's location. */
  admdvs: string;
  level: 1 | 2 | 3;
  kind: HospitalKind;
  /** 县属 */
  countyRun: boolean;
  /** 医联体 id */
  consortium?: string | null | undefined;
  /** The national facility code (定点医药机构编号, e.g. H35058200011) the platform's envelope names it by. */
  fixmedinsCode?: string | null | undefined;
  /** Whose designated hospital it is (policy dimension hospital.designation); absent: "pooling-region". */
  designation?: string | null | undefined;
}

export interface CoveragePeriod {
  from: IsoDate;
  to: IsoDate;
}

export interface Enrollee {
  card: string;
  region: string;
  sex: 'F' | 'M';
  birthDate: IsoDate;
  coverage: CoveragePeriod[];
  categories: EnrolleeCategory[];
  specialDiseases: string[];
  maternityInsured: boolean;
  /** 缴费档次 (一档/二档, 学生档) where the region has tiers; absent where it has none. */
  contributionTier?: string | null | undefined;
}

export interface Filing {
  referralId: string;
  card: string;
  kind: FilingKind;
  validFrom: IsoDate;
  validTo: IsoDate;
  toHospitalId?: string | null | undefined;
  diagnosis?: string | null | undefined;
  status: 'active' | 'revoked';
  createdAt?: string | undefined;
  revokedAt?: string | null | undefined;
  /** The hospital (and key) that filed it through the national platform (2501). */
  filedBy?: { hospitalId: string; keyId: string } | undefined;
  /** Who revoked it and why. */
  revocation?: { reason: string | null; operator: { id: string | null; name: string | null; keyId: string | null } } | undefined;
}

export interface Charges {
  total: Money;
  /** 全自费: outside the catalogue */
  fullSelfPay: Money;
  /** 超限价自费 */
  overLimitSelfPay: Money;
  /** 先行自付: the patient's first share of class-B items */
  preSelfPay: Money;
}

/**
 * One line of an itemised bill (api.md "Fee lines"; the national 2301 feedetail):
 * classified against the policy's catalogue by the engine.
 */
export interface FeeLine {
  /** Unique within the request (feedetl_sn). */
  lineId: string;
  /** National catalogue code (med_list_codg). */
  code: string;
  /** The hospital's own code (medins_list_codg). */
  hospitalCode: string | null;
  name: string | null;
  quantity: Money;
  /** Yuan per unit, up to 6 decimals. */
  unitPrice: Money;
  /** quantity × unitPrice rounded half up to the fen. */
  amount: Money;
  /** When the fee arose, YYYY-MM-DDTHH:mm:ss; its date picks the catalogue's validity period. */
  time: string | null;
}

/** A bill sent as lines: the service derives the four amounts. */
export interface ItemisedCharges {
  lines: FeeLine[];
}

/** What a request's `charges` holds: the four amounts, or the bill's lines (never both). */
export type RequestCharges = Charges | ItemisedCharges;

export function isItemised(charges: RequestCharges): charges is ItemisedCharges {
  return 'lines' in charges;
}

export interface SettlementRequest {
  requestId: string;
  card: string;
  hospitalId: string;
  visitType: VisitType;
  admissionDate: IsoDate;
  dischargeDate: IsoDate;
  charges: RequestCharges;
  specialDisease?: string | null | undefined;
  majorDisease?: string | null | undefined;
  delivery?: Delivery | null | undefined;
  referralId?: string | null | undefined;
  referredFromPrimary?: boolean | undefined;
  emergency?: boolean | undefined;
  consortiumTransfer?: boolean | undefined;
  liability?: Liability | undefined;
  /** The disease group of an outpatient chronic or special-disease visit, where the region caps by group. */
  diseaseGroup?: string | null | undefined;
}

/** The year's running totals of one person (policies.md "Accumulators"). */
export interface Accumulators {
  admissions: number;
  specialOutpatientCounted: boolean;
  /** policy-scope expense counted toward an expense cap */
  basicEligible: Money;
  basicPaid: Money;
  compliantSelfBurden: Money;
  criticalIllnessPaid: Money;
  outpatientPaid: Money;
  retiredCadreSpousePaid: Money;
  /**
   * A policy's own ledgers (policy vocabulary `ledgers`), by name; a quarter or
   * day ledger as "name@2024Q2" / "name@2024-03-05". Absent: all zero.
   */
  ledgers?: Readonly<Record<string, Money>> | undefined;
}

export const MONEY_ACCUMULATORS = ['basicEligible', 'basicPaid', 'compliantSelfBurden', 'criticalIllnessPaid', 'outpatientPaid', 'retiredCadreSpousePaid'] as const;
export type MoneyAccumulator = (typeof MONEY_ACCUMULATORS)[number];

/**
 * What one settlement adds to the accumulators. Counts are integers; the flag
 * is carried as a 0/1 count so that a reversal subtracts it like any other delta.
 */
export interface AccumulatorDeltas {
  admissions: number;
  specialOutpatientCounted: number;
  basicEligible: Money;
  basicPaid: Money;
  compliantSelfBurden: Money;
  criticalIllnessPaid: Money;
  outpatientPaid: Money;
  retiredCadreSpousePaid: Money;
  /** What the settlement adds to the policy's own ledgers; absent when it adds nothing. */
  ledgers?: Record<string, Money> | undefined;
}

/** The clerk at the window (api.md "Operator and reason"), as the desk or HIS names them. */
export interface Operator {
  id: string | null;
  name: string | null;
}

/** Who did something: the clerk named in the body, and the caller's key. */
export interface Actor {
  operator: Operator;
  keyId: string | null;
}

/**
 * A settled, unreversed inpatient stay of the person, as listed for a later
 * consortium transfer (policies.md jinjiang-2018 "Admissions").
 */
export interface PreviousStay {
  settlementId: string;
  hospitalId: string;
  consortium: string | null;
  dischargeDate: IsoDate;
  admissionOrdinal: number | null;
}
