/**
 * fast-check generators for the property suite (test/property): hospitals of
 * every region, enrollees of each policy region with full-year coverage,
 * optional filings, requests of every visit type with charges as exact
 * two-decimal amounts (integer fen, formatted), accumulators, and sequences of
 * visits of one person. Wire objects are parsed through the same zod schemas as
 * the HTTP layer, so the engine sees exactly what production hands it.
 */
import fc from 'fast-check';
import type { Accumulators, Charges, Enrollee, Filing, Hospital, SettlementRequest } from '../../src/domain/types.js';

/** The generated requests carry the four amounts (fee lines have arbitraries of their own). */
export type AmountsRequest = SettlementRequest & { charges: Charges };
import { DELIVERIES, FILING_KINDS, HOSPITAL_KINDS, PERSON_CATEGORIES, VISIT_TYPES } from '../../src/domain/types.js';
import type { PersonCategory } from '../../src/domain/types.js';
import { emptyAccumulators } from '../../src/domain/accumulators.js';
import { fromFen } from '../../src/domain/money.js';
import type { EngineInput } from '../../src/engine/types.js';
import { enrolleeSchema, hospitalSchema, toEnrollee, toHospital } from '../../src/contract/registry.js';
import { parseSettlementRequest } from '../../src/contract/settlement.js';
import type { PolicyCatalog } from '../../src/policy/catalog.js';
import { workedExamples } from './worked-examples.js';

// ---------------------------------------------------------------- regions ---

export const REGIONS = ['pingyang', 'jinjiang', 'taiyuan'] as const;
export type Region = (typeof REGIONS)[number];
export const BENEFIT_YEAR: Record<Region, number> = { pingyang: 2019, jinjiang: 2018, taiyuan: 2019 };
/** Card prefixes as in the worked examples (admdvs of the pooling area). */
const CARD_PREFIX: Record<Region, string> = { pingyang: '330326', jinjiang: '350582', taiyuan: '140105' };

export const PINGYANG_SPECIAL_DISEASES = [
  'malignant-tumor',
  'organ-transplant',
  'esrd-dialysis',
  'sle',
  'aplastic-anemia',
  'hemophilia',
  'schizophrenia',
  'severe-affective-disorder',
  'childhood-autism',
  'tuberculosis',
] as const;
/** Jinjiang accepts any code on the 诊疗证; a few realistic ones plus Pingyang's list. */
export const SPECIAL_DISEASES = [...PINGYANG_SPECIAL_DISEASES, 'diabetes', 'hypertension-stage-3', 'copd'] as const;

export const MAJOR_DISEASES = [
  'malignant-tumor-surgery',
  'cardiac-surgery',
  'organ-transplant',
  'childhood-leukemia',
  'esrd',
  'acute-myocardial-infarction',
  'cerebral-infarction',
  'aortic-dissection',
  'myelitis',
] as const;

// -------------------------------------------------------------- hospitals ---

/** Admin division codes by area; "wenzhou" and "quanzhou" exclude Pingyang and Jinjiang themselves. */
export const ADMDVS = {
  pingyang: ['330326'],
  wenzhou: ['330302', '330303', '330304', '330305', '330324', '330327', '330328', '330329', '330381', '330382'],
  quanzhou: ['350502', '350503', '350504', '350505', '350521', '350524', '350525', '350526', '350581', '350583'],
  jinjiang: ['350582'],
  taiyuan: ['140105', '140106', '140107', '140108', '140109', '140110', '140121', '140122', '140123', '140181'],
  elsewhere: ['110101', '330106', '350102', '350203', '310101', '440106', '140211', '330226', '510107'],
} as const;

export type Area = keyof typeof ADMDVS;

/** Where a person of a region is usually treated: mostly at home, sometimes anywhere. */
const AREA_WEIGHTS: Record<Region | 'any', Partial<Record<Area, number>>> = {
  pingyang: { pingyang: 4, wenzhou: 2, elsewhere: 1, quanzhou: 1, taiyuan: 1 },
  jinjiang: { jinjiang: 3, quanzhou: 3, elsewhere: 1, wenzhou: 1, taiyuan: 1 },
  taiyuan: { taiyuan: 6, elsewhere: 1, pingyang: 1, jinjiang: 1 },
  any: { pingyang: 1, wenzhou: 1, quanzhou: 1, jinjiang: 1, taiyuan: 1, elsewhere: 1 },
};

export function admdvsArb(region: Region | 'any' = 'any'): fc.Arbitrary<string> {
  return fc.oneof(
    ...Object.entries(AREA_WEIGHTS[region]).map(([area, weight]) => ({
      arbitrary: fc.constantFrom(...ADMDVS[area as Area]),
      weight: weight!,
    })),
  );
}

/** The worked-example registry: real hospitals of every area. */
export const REGISTRY_HOSPITALS: Hospital[] = Object.entries(workedExamples.hospitals).map(([id, h]) => toHospital(id, hospitalSchema.parse(h)));

export function randomHospitalArb(region: Region | 'any' = 'any'): fc.Arbitrary<Hospital> {
  return fc
    .record({
      admdvs: admdvsArb(region),
      level: fc.constantFrom(1 as const, 2 as const, 3 as const),
      kind: fc.constantFrom(...HOSPITAL_KINDS),
      countyRun: fc.boolean(),
      consortium: fc.option(fc.constantFrom('YLT-1', 'YLT-2'), { nil: null }),
    })
    .map((h) => {
      const id = `H-${h.admdvs}-L${h.level}-${h.kind}-${h.countyRun ? 'county' : 'other'}-${h.consortium ?? 'none'}`;
      return toHospital(id, hospitalSchema.parse({ name: `医院 ${id}`, ...h }));
    });
}

/** Random hospitals (weighted toward the person's region) and the real ones of the registry. */
export function hospitalArb(region: Region | 'any' = 'any'): fc.Arbitrary<Hospital> {
  return fc.oneof({ arbitrary: randomHospitalArb(region), weight: 3 }, { arbitrary: fc.constantFrom(...REGISTRY_HOSPITALS), weight: 1 });
}

// --------------------------------------------------------------- enrollees ---

const categoriesArb: fc.Arbitrary<PersonCategory[]> = fc.oneof(
  { arbitrary: fc.constant([] as PersonCategory[]), weight: 2 },
  { arbitrary: fc.subarray([...PERSON_CATEGORIES], { minLength: 1, maxLength: 3 }), weight: 3 },
);

export function enrolleeArb(region: Region): fc.Arbitrary<Enrollee> {
  const year = BENEFIT_YEAR[region];
  return fc
    .record({
      serial: fc.integer({ min: 0, max: 999_999 }),
      sex: fc.constantFrom('F' as const, 'M' as const),
      categories: categoriesArb,
      specialDiseases: fc.oneof(
        { arbitrary: fc.constant([] as string[]), weight: 1 },
        { arbitrary: fc.subarray([...SPECIAL_DISEASES], { minLength: 1, maxLength: 3 }), weight: 2 },
      ),
      maternityInsured: fc.boolean(),
    })
    .map(({ serial, ...e }) =>
      toEnrollee(
        `${CARD_PREFIX[region]}${String(serial).padStart(6, '0')}`,
        enrolleeSchema.parse({ region, birthDate: '1970-01-01', coverage: [{ from: `${year}-01-01`, to: `${year}-12-31` }], ...e }),
      ),
    );
}

export const regionArb: fc.Arbitrary<Region> = fc.constantFrom(...REGIONS);

// ------------------------------------------------------------------ money ---

/** Integer fen as a wire amount: 123456 → "1234.56". */
export function fenToWire(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** 2,000,000.00 yuan. */
export const MAX_TOTAL_FEN = 200_000_000;

/** Totals in fen, spread over small visits, ordinary stays and catastrophic ones. */
export const totalFenArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 1_000_00 }), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 100_000_00 }), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: MAX_TOTAL_FEN }), weight: 3 },
);

/** Relative weights of fullSelfPay, overLimitSelfPay, preSelfPay and the policy-scope share. */
const shareWeightArb = fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.integer({ min: 0, max: 1000 }), weight: 1 });
export const chargeSharesArb = fc.record({
  full: shareWeightArb,
  overLimit: shareWeightArb,
  pre: shareWeightArb,
  scope: fc.integer({ min: 1, max: 1000 }),
});
export type ChargeShares = { full: number; overLimit: number; pre: number; scope: number };

export interface ChargesFen {
  total: number;
  fullSelfPay: number;
  overLimitSelfPay: number;
  preSelfPay: number;
}

/** Parts are floor(total × weight / Σ weights), so they sum to at most the total. */
export function splitCharges(total: number, w: ChargeShares): ChargesFen {
  const sum = w.full + w.overLimit + w.pre + w.scope;
  const part = (x: number) => Math.floor((total * x) / sum);
  return { total, fullSelfPay: part(w.full), overLimitSelfPay: part(w.overLimit), preSelfPay: part(w.pre) };
}

export const chargesFenArb: fc.Arbitrary<ChargesFen> = fc.tuple(totalFenArb, chargeSharesArb).map(([total, shares]) => splitCharges(total, shares));

export function chargesToWire(c: ChargesFen): Record<string, string> {
  return {
    total: fenToWire(c.total),
    fullSelfPay: fenToWire(c.fullSelfPay),
    overLimitSelfPay: fenToWire(c.overLimitSelfPay),
    preSelfPay: fenToWire(c.preSelfPay),
  };
}

// ------------------------------------------------------------------ dates ---

export function isoDay(year: number, dayOfYear: number): string {
  return new Date(Date.UTC(year, 0, 1 + dayOfYear)).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- filings ---

/** A filing template; bound to a card and a hospital when the scenario is built. */
export interface FilingSpec {
  kind: Filing['kind'];
  /** 0: the whole year; 1: the first half; 2: the second half; 3: last year only */
  validity: 0 | 1 | 2 | 3;
  /** 0: any hospital; 1: the settling hospital; 2: another hospital */
  target: 0 | 1 | 2;
  active: boolean;
}

export const filingSpecArb: fc.Arbitrary<FilingSpec> = fc.record({
  kind: fc.constantFrom(...FILING_KINDS),
  validity: fc.constantFrom(0 as const, 0 as const, 1 as const, 2 as const, 3 as const),
  target: fc.constantFrom(0 as const, 1 as const, 1 as const, 2 as const),
  active: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
});

export function buildFilings(specs: readonly FilingSpec[], card: string, hospitalId: string, year: number): Filing[] {
  return specs.map((spec, i) => {
    const [validFrom, validTo] = [
      [`${year}-01-01`, `${year}-12-31`],
      [`${year}-01-01`, `${year}-06-30`],
      [`${year}-07-01`, `${year}-12-31`],
      [`${year - 1}-01-01`, `${year - 1}-12-31`],
    ][spec.validity]!;
    return {
      referralId: `F-${card}-${i + 1}`,
      card,
      kind: spec.kind,
      validFrom: validFrom!,
      validTo: validTo!,
      toHospitalId: spec.target === 0 ? null : spec.target === 1 ? hospitalId : 'SOME-OTHER-HOSPITAL',
      diagnosis: null,
      status: spec.active ? 'active' : 'revoked',
    };
  });
}

// --------------------------------------------------------------- requests ---

/** Everything about one visit except who and where. */
export interface VisitSpec {
  visitType: (typeof VISIT_TYPES)[number];
  /** Day of the benefit year of the discharge. */
  dischargeDay: number;
  /** Length of stay in days. */
  stayDays: number;
  /** Whether the stay may reach back into the previous year (else it is clipped to Jan 1). */
  crossYear: boolean;
  charges: ChargesFen;
  /** 0: none; 1: one the person holds (if any); 2: any code of the lists */
  specialDisease: 0 | 1 | 2;
  specialDiseasePick: number;
  majorDisease: string | null;
  delivery: (typeof DELIVERIES)[number] | null;
  /** 0: none; 1: the first filing; 2: an unknown id */
  referral: 0 | 1 | 2;
  referredFromPrimary: boolean;
  emergency: boolean;
  consortiumTransfer: boolean;
  liability: 'none' | 'work-injury' | 'third-party' | 'public-health';
}

/** Mostly the visit types the region settles, sometimes one it refuses. */
const VISIT_WEIGHTS: Record<Region, Record<(typeof VISIT_TYPES)[number], number>> = {
  pingyang: { inpatient: 5, 'special-outpatient': 2, outpatient: 3, childbirth: 1, 'emergency-death': 1 },
  jinjiang: { inpatient: 12, 'special-outpatient': 6, outpatient: 1, childbirth: 2, 'emergency-death': 1 },
  taiyuan: { inpatient: 12, 'special-outpatient': 1, outpatient: 1, childbirth: 1, 'emergency-death': 1 },
};

function visitTypeArb(region: Region): fc.Arbitrary<(typeof VISIT_TYPES)[number]> {
  return fc.oneof(...VISIT_TYPES.map((visitType) => ({ arbitrary: fc.constant(visitType), weight: VISIT_WEIGHTS[region][visitType] })));
}

export function visitSpecArb(region: Region, charges: fc.Arbitrary<ChargesFen> = chargesFenArb): fc.Arbitrary<VisitSpec> {
  return fc.record({
    visitType: visitTypeArb(region),
    dischargeDay: fc.integer({ min: 0, max: 364 }),
    stayDays: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 30 }), weight: 9 }, { arbitrary: fc.integer({ min: 0, max: 120 }), weight: 1 }),
    crossYear: fc.oneof({ arbitrary: fc.constant(false), weight: 15 }, { arbitrary: fc.constant(true), weight: 1 }),
    charges,
    specialDisease: fc.constantFrom(0 as const, 1 as const, 1 as const, 1 as const, 2 as const),
    specialDiseasePick: fc.nat(),
    majorDisease: fc.oneof(
      { arbitrary: fc.constant(null), weight: 3 },
      { arbitrary: fc.constantFrom(...MAJOR_DISEASES), weight: 2 },
      { arbitrary: fc.constant('common-cold'), weight: 1 },
    ),
    delivery: fc.option(fc.constantFrom(...DELIVERIES), { nil: null, freq: 4 }),
    referral: fc.constantFrom(0 as const, 0 as const, 0 as const, 1 as const, 2 as const),
    referredFromPrimary: fc.boolean(),
    emergency: fc.boolean(),
    consortiumTransfer: fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 }),
    liability: fc.oneof(
      { arbitrary: fc.constant('none' as const), weight: 12 },
      { arbitrary: fc.constantFrom('work-injury' as const, 'third-party' as const, 'public-health' as const), weight: 1 },
    ),
  });
}

export function buildRequestWire(spec: VisitSpec, enrollee: Enrollee, hospital: Hospital, filings: readonly Filing[], requestId: string): Record<string, unknown> {
  const year = BENEFIT_YEAR[enrollee.region as Region];
  const dischargeDate = isoDay(year, spec.dischargeDay);
  const stayDays = spec.crossYear ? spec.stayDays : Math.min(spec.stayDays, spec.dischargeDay);
  const admissionDate = isoDay(year, spec.dischargeDay - stayDays);
  let specialDisease: string | null = null;
  if (spec.specialDisease === 1 && enrollee.specialDiseases.length > 0) {
    specialDisease = enrollee.specialDiseases[spec.specialDiseasePick % enrollee.specialDiseases.length]!;
  } else if (spec.specialDisease !== 0) {
    specialDisease = SPECIAL_DISEASES[spec.specialDiseasePick % SPECIAL_DISEASES.length]!;
  }
  const referralId = spec.referral === 0 ? null : spec.referral === 1 && filings.length > 0 ? filings[0]!.referralId : 'F-UNKNOWN';
  return {
    requestId,
    card: enrollee.card,
    hospitalId: hospital.hospitalId,
    visitType: spec.visitType,
    admissionDate,
    dischargeDate,
    charges: chargesToWire(spec.charges),
    specialDisease,
    majorDisease: spec.majorDisease,
    delivery: spec.delivery,
    referralId,
    referredFromPrimary: spec.referredFromPrimary,
    emergency: spec.emergency,
    consortiumTransfer: spec.consortiumTransfer,
    liability: spec.liability,
  };
}

// ----------------------------------------------------------- accumulators ---

/** 0, anything up to `maxYuan`, or within ±2,000.00 of one of the `near` amounts (caps, bracket edges). */
const accumulatedFen = (maxYuan: number, near: readonly number[]) =>
  fc.oneof(
    { arbitrary: fc.constant(0), weight: 1 },
    { arbitrary: fc.integer({ min: 0, max: maxYuan * 100 }), weight: 2 },
    {
      arbitrary: fc.tuple(fc.constantFrom(...near), fc.integer({ min: -2000_00, max: 2000_00 })).map(([y, off]) => Math.max(0, y * 100 + off)),
      weight: 1,
    },
  );

/** Accumulators a person may plausibly carry into a settlement (each field within its cap or beyond it). */
export const accumulatorsArb: fc.Arbitrary<Accumulators> = fc.oneof(
  { arbitrary: fc.constant(null).map(() => emptyAccumulators()), weight: 1 },
  {
    arbitrary: fc
      .record({
        admissions: fc.integer({ min: 0, max: 6 }),
        specialOutpatientCounted: fc.boolean(),
        basicEligible: accumulatedFen(160_000, [150_000]),
        basicPaid: accumulatedFen(160_000, [150_000]),
        compliantSelfBurden: accumulatedFen(700_000, [5_000, 10_000, 32_600, 163_000, 326_000]),
        criticalIllnessPaid: accumulatedFen(520_000, [192_340, 400_000, 500_000]),
        outpatientPaid: accumulatedFen(800, [800]),
        retiredCadreSpousePaid: accumulatedFen(50_000, [50_000]),
      })
      .map((a) => ({
        admissions: a.admissions,
        specialOutpatientCounted: a.specialOutpatientCounted,
        basicEligible: fromFen(a.basicEligible),
        basicPaid: fromFen(a.basicPaid),
        compliantSelfBurden: fromFen(a.compliantSelfBurden),
        criticalIllnessPaid: fromFen(a.criticalIllnessPaid),
        outpatientPaid: fromFen(a.outpatientPaid),
        retiredCadreSpousePaid: fromFen(a.retiredCadreSpousePaid),
      })),
    weight: 3,
  },
);

// -------------------------------------------------------------- scenarios ---

/** One settlement: who, where, what, with which filings and accumulators. */
export interface Scenario {
  region: Region;
  enrollee: Enrollee;
  hospital: Hospital;
  filings: Filing[];
  spec: VisitSpec;
  wire: Record<string, unknown>;
  request: AmountsRequest;
  accumulators: Accumulators;
  year: number;
}

export const scenarioArb: fc.Arbitrary<Scenario> = regionArb.chain((region) =>
  fc
    .record({
      enrollee: enrolleeArb(region),
      hospital: hospitalArb(region),
      filingSpecs: fc.array(filingSpecArb, { maxLength: 3 }),
      spec: visitSpecArb(region),
      accumulators: accumulatorsArb,
    })
    .map(({ enrollee, hospital, filingSpecs, spec, accumulators }) => {
      const year = BENEFIT_YEAR[region];
      const filings = buildFilings(filingSpecs, enrollee.card, hospital.hospitalId, year);
      const wire = buildRequestWire(spec, enrollee, hospital, filings, 'PROP-1');
      return { region, enrollee, hospital, filings, spec, wire, request: parseSettlementRequest(wire) as AmountsRequest, accumulators, year };
    }),
);

export function engineInput(catalog: PolicyCatalog, s: Pick<Scenario, 'request' | 'hospital' | 'enrollee' | 'filings' | 'accumulators' | 'year'>): EngineInput {
  return {
    catalog,
    request: s.request,
    hospital: s.hospital,
    enrollee: s.enrollee,
    filings: s.filings,
    accumulators: s.accumulators,
    accumulatorsYear: s.year,
  };
}

/** A year of one person's visits at a few hospitals, for the annual caps. */
export interface YearOfVisits {
  region: Region;
  enrollee: Enrollee;
  hospitals: Hospital[];
  filings: Filing[];
  visits: { hospital: Hospital; request: AmountsRequest }[];
}

/** Large charges so that a sequence reaches the annual caps. */
const heavyChargesArb: fc.Arbitrary<ChargesFen> = fc
  .tuple(fc.oneof({ arbitrary: fc.integer({ min: 0, max: 5_000_00 }), weight: 2 }, { arbitrary: fc.integer({ min: 50_000_00, max: MAX_TOTAL_FEN }), weight: 3 }), chargeSharesArb)
  .map(([total, shares]) => splitCharges(total, shares));

export const yearOfVisitsArb: fc.Arbitrary<YearOfVisits> = regionArb.chain((region) =>
  fc
    .record({
      enrollee: enrolleeArb(region),
      hospitals: fc.array(hospitalArb(region), { minLength: 1, maxLength: 4 }),
      filingSpecs: fc.array(filingSpecArb, { maxLength: 2 }),
      visits: fc.array(fc.tuple(fc.nat(), visitSpecArb(region, heavyChargesArb)), { minLength: 1, maxLength: 25 }),
    })
    .map(({ enrollee, hospitals, filingSpecs, visits }) => {
      const year = BENEFIT_YEAR[region];
      // Filings name the first hospital when they name one.
      const filings = buildFilings(filingSpecs, enrollee.card, hospitals[0]!.hospitalId, year);
      const built = visits.map(([pick, spec], i) => {
        const hospital = hospitals[pick % hospitals.length]!;
        return { hospital, request: parseSettlementRequest(buildRequestWire(spec, enrollee, hospital, filings, `SEQ-${i + 1}`)) as AmountsRequest };
      });
      return { region, enrollee, hospitals, filings, visits: built };
    }),
);
