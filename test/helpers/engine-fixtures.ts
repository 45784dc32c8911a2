/**
 * Builders for engine unit tests: a request (wire form, parsed by the real
 * request schema), hospitals of the insurer's registry, enrollees, filings and
 * accumulators, each with overrides, and `run()` which calls the pure
 * `settle()` with the catalog loaded from config/policies.
 */
import { emptyAccumulators } from '../../src/domain/accumulators.js';
import { formatMoney, money, type Money } from '../../src/domain/money.js';
import type { Accumulators, Enrollee, Filing, Hospital, PreviousStay, SettlementRequest } from '../../src/domain/types.js';
import { settle } from '../../src/engine/settle.js';
import type { EngineOutcome, Refusal, SettlementComputation } from '../../src/engine/types.js';
import { parseSettlementRequest } from '../../src/contract/settlement.js';
import type { PolicyCatalog } from '../../src/policy/catalog.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { POLICY_DIR } from './worked-examples.js';

export { POLICY_DIR, ROOT } from './worked-examples.js';

/** The three seed policies as shipped in config/policies. */
export const catalog: PolicyCatalog = loadPolicyDirectory(POLICY_DIR);

export type Region = 'pingyang' | 'jinjiang' | 'taiyuan';

const REGION_DEFAULTS: Record<Region, { year: number; hospitalId: string }> = {
  pingyang: { year: 2019, hospitalId: 'PY-COUNTY' },
  jinjiang: { year: 2018, hospitalId: 'QZ-FIRST' },
  taiyuan: { year: 2019, hospitalId: 'TY-L3' },
};

/** The registry: what each hospital is (the request only names it). */
export const HOSPITALS: Record<string, Hospital> = Object.fromEntries(
  (
    [
      // Pingyang county 330326, Wenzhou city 3303xx, elsewhere in Zhejiang
      ['PY-TOWN', '330326', 1, 'township-health-center', true],
      ['PY-COMM', '330326', 1, 'community-health-center', true],
      ['PY-COUNTY', '330326', 2, 'general', true],
      ['PY-TCM', '330326', 2, 'tcm', true],
      ['WZ-CITY', '330304', 3, 'general', false],
      ['ZJ-PROV', '330106', 3, 'general', false],
      // Jinjiang 350582 in the Quanzhou pooling area 3505xx; Fuzhou, Xiamen out of area
      ['JJ-CITY', '350582', 3, 'general', true],
      ['QZ-FIRST', '350502', 3, 'general', false],
      ['QZ-L2', '350502', 2, 'general', false],
      ['JJ-TCM', '350582', 2, 'tcm', true],
      ['JJ-TCM-L1', '350582', 1, 'tcm', true],
      ['JJ-TCM-L3', '350582', 3, 'tcm', true],
      ['QZ-TCM-L3', '350502', 3, 'tcm', false],
      ['JJ-ANHAI', '350582', 2, 'township-health-center', true],
      ['JJ-TOWN-L1', '350582', 1, 'township-health-center', true],
      ['JJ-COMM', '350582', 1, 'community-health-center', true],
      ['JJ-COMM-L2', '350582', 2, 'community-health-center', true],
      ['JJ-CONS', '350582', 2, 'general', true, 'JJ-YLT-1'],
      ['FZ-XIEHE', '350102', 3, 'general', false],
      ['XM-L2', '350203', 2, 'general', false],
      // Taiyuan 1401xx; Beijing out of area
      ['TY-L3', '140106', 3, 'general', false],
      ['TY-L2', '140105', 2, 'general', false],
      ['TY-L1', '140122', 1, 'general', true],
      ['BJ-PUMCH', '110101', 3, 'general', false],
    ] as const
  ).map(([hospitalId, admdvs, level, kind, countyRun, consortium]) => [
    hospitalId,
    { hospitalId, name: hospitalId, admdvs, level, kind, countyRun, consortium: consortium ?? null } satisfies Hospital,
  ]),
);

export function buildHospital(hospitalId: string, overrides: Partial<Hospital> = {}): Hospital {
  const base = HOSPITALS[hospitalId];
  if (!base) throw new Error(`no fixture hospital ${hospitalId}`);
  return { ...base, ...overrides };
}

export function buildEnrollee(region: Region, overrides: Partial<Enrollee> = {}): Enrollee {
  const year = REGION_DEFAULTS[region].year;
  return {
    card: 'C1',
    region,
    sex: 'F',
    birthDate: '1970-01-01',
    coverage: [{ from: `${year}-01-01`, to: `${year}-12-31` }],
    categories: [],
    specialDiseases: [],
    maternityInsured: false,
    ...overrides,
  };
}

export function buildFiling(overrides: Partial<Filing> = {}): Filing {
  return {
    referralId: 'R-1',
    card: 'C1',
    kind: 'referral',
    validFrom: '2019-01-01',
    validTo: '2019-12-31',
    toHospitalId: null,
    status: 'active',
    ...overrides,
  };
}

/** Money accumulators given as strings ("140000"). */
export interface AccOverrides {
  admissions?: number;
  specialOutpatientCounted?: boolean;
  basicEligible?: string;
  basicPaid?: string;
  compliantSelfBurden?: string;
  criticalIllnessPaid?: string;
  outpatientPaid?: string;
  retiredCadreSpousePaid?: string;
}

export function buildAccumulators(overrides: AccOverrides = {}): Accumulators {
  const acc = emptyAccumulators();
  if (overrides.admissions !== undefined) acc.admissions = overrides.admissions;
  if (overrides.specialOutpatientCounted !== undefined) acc.specialOutpatientCounted = overrides.specialOutpatientCounted;
  for (const field of ['basicEligible', 'basicPaid', 'compliantSelfBurden', 'criticalIllnessPaid', 'outpatientPaid', 'retiredCadreSpousePaid'] as const) {
    const value = overrides[field];
    if (value !== undefined) acc[field] = money(value);
  }
  return acc;
}

/** A request in wire form (api.md); charges are merged field by field. */
export type RequestOverrides = Record<string, unknown> & {
  charges?: { total?: string; fullSelfPay?: string; overLimitSelfPay?: string; preSelfPay?: string };
};

export function buildRequest(region: Region, overrides: RequestOverrides = {}): SettlementRequest {
  const { year, hospitalId } = REGION_DEFAULTS[region];
  const { charges, ...rest } = overrides;
  return parseSettlementRequest({
    requestId: 'T-1',
    card: 'C1',
    hospitalId,
    visitType: 'inpatient',
    admissionDate: `${year}-03-01`,
    dischargeDate: `${year}-03-10`,
    ...rest,
    charges: { total: '10000.00', ...charges },
  });
}

export interface Case {
  request?: RequestOverrides;
  /** Overrides on the registry record of request.hospitalId. */
  hospital?: Partial<Hospital>;
  enrollee?: Partial<Enrollee>;
  filings?: Partial<Filing>[];
  acc?: AccOverrides;
  /** Default: the year of the discharge date. */
  accumulatorsYear?: number;
  /** Settled inpatient stays a consortium transfer could continue. */
  previousStays?: PreviousStay[];
}

export function run(region: Region, c: Case = {}, policies: PolicyCatalog = catalog): EngineOutcome {
  const request = buildRequest(region, c.request);
  return settle({
    catalog: policies,
    request,
    hospital: buildHospital(request.hospitalId, c.hospital),
    enrollee: buildEnrollee(region, c.enrollee),
    filings: (c.filings ?? []).map((f) => buildFiling(f)),
    previousStays: c.previousStays ?? [],
    accumulators: buildAccumulators(c.acc),
    accumulatorsYear: c.accumulatorsYear ?? Number(request.dischargeDate.slice(0, 4)),
  });
}

/** The settlement, or a test failure naming the refusal. */
export function settled(outcome: EngineOutcome): SettlementComputation {
  if (!outcome.ok) throw new Error(`expected a settlement, got ${outcome.refusal.code}: ${outcome.refusal.message}`);
  return outcome.settlement;
}

/** The refusal, or a test failure. */
export function refused(outcome: EngineOutcome): Refusal {
  if (outcome.ok) throw new Error(`expected a refusal, got a settlement paying ${formatMoney(outcome.settlement.fundTotal)}`);
  return outcome.refusal;
}

export function settleOk(region: Region, c: Case = {}, policies: PolicyCatalog = catalog): SettlementComputation {
  return settled(run(region, c, policies));
}

export function refuse(region: Region, c: Case = {}, policies: PolicyCatalog = catalog): Refusal {
  return refused(run(region, c, policies));
}

/** Payment lines as wire strings: { basic: "6370.00", … }. */
export function paid(s: SettlementComputation): Record<string, string> {
  return Object.fromEntries(Object.entries(s.payments).map(([fund, amount]) => [fund, formatMoney(amount as Money)]));
}

/** Accumulator deltas as wire strings (counts as numbers). */
export function deltas(s: SettlementComputation): Record<string, string | number> {
  return Object.fromEntries(Object.entries(s.deltas).map(([field, value]) => [field, typeof value === 'number' ? value : formatMoney(value)]));
}

export const fmt = (value: Money): string => formatMoney(value);
