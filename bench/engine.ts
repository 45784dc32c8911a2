/**
 * Engine benchmark: settle() on a realistic mix of pre-parsed requests of the
 * three policies, on one core, for a few seconds.
 *
 *   npm run bench:engine            (tsx bench/engine.ts)
 *   BENCH_SECONDS=5 npm run bench:engine
 *
 * Prints the throughput line, per-call percentiles measured over small batches
 * (each batch's mean; a GC pause lands in the batch it hits), and baselines run
 * in the same process (parseSettlementRequest on the same requests, and a
 * trivial decimal computation) with the ratio engine/baseline, so a reader can
 * tell a slow machine from a slow engine.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyAccumulators } from '../src/domain/accumulators.js';
import { Decimal, fromFen, round2 } from '../src/domain/money.js';
import type { Accumulators, Charges, Enrollee, Filing, Hospital, PersonCategory, PreviousStay } from '../src/domain/types.js';
import { settle } from '../src/engine/settle.js';
import type { EngineInput } from '../src/engine/types.js';
import { enrolleeSchema, hospitalSchema, toEnrollee, toHospital } from '../src/contract/registry.js';
import { parseSettlementRequest } from '../src/contract/settlement.js';
import { loadPolicyDirectory } from '../src/policy/loader.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARMUP_SECONDS = Math.min(1, SECONDS / 3);
const BATCH = 64;

const catalog = loadPolicyDirectory(path.join(ROOT, 'config/policies'));

// ------------------------------------------------------------ the registry ---

const fixture = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/worked-examples.json'), 'utf8')) as {
  hospitals: Record<string, unknown>;
};
const hospitals = new Map<string, Hospital>(Object.entries(fixture.hospitals).map(([id, h]) => [id, toHospital(id, hospitalSchema.parse(h))]));
hospitals.set(
  'JJ-CONS',
  toHospital('JJ-CONS', hospitalSchema.parse({ name: '晋江市医联体成员医院', admdvs: '350582', level: 2, kind: 'general', countyRun: true, consortium: 'JJ-YLT-1' })),
);
hospitals.set('SH-L3', toHospital('SH-L3', hospitalSchema.parse({ name: '上海某三级医院', admdvs: '310101', level: 3, kind: 'general', countyRun: false })));

const HOSPITALS_OF = {
  pingyang: { home: ['PY-COUNTY', 'PY-COUNTY', 'PY-TOWN', 'PY-COMM'], away: ['WZ-CITY', 'ZJ-PROV', 'SH-L3'] },
  jinjiang: { home: ['JJ-CITY', 'QZ-FIRST', 'JJ-TCM', 'JJ-ANHAI', 'JJ-COMM', 'JJ-CONS'], away: ['FZ-XIEHE', 'XM-L2', 'SH-L3'] },
  taiyuan: { home: ['TY-L3', 'TY-L3', 'TY-L2', 'TY-L1'], away: ['BJ-PUMCH', 'SH-L3'] },
} as const;
type Region = keyof typeof HOSPITALS_OF;
const YEAR: Record<Region, number> = { pingyang: 2019, jinjiang: 2018, taiyuan: 2019 };

// ------------------------------------------------- a deterministic generator ---

let seed = 0x5eed_2019;
function random(): number {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;
/** Log-uniform amount in fen between two yuan bounds. */
const amountFen = (minYuan: number, maxYuan: number) => Math.round(Math.exp(Math.log(minYuan) + random() * (Math.log(maxYuan) - Math.log(minYuan))) * 100);
const wire = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
const day = (year: number, d: number) => new Date(Date.UTC(year, 0, 1 + d)).toISOString().slice(0, 10);

const CATEGORY_MIX: PersonCategory[][] = [
  [],
  [],
  [],
  [],
  [],
  [],
  ['low-income-assistance'],
  ['registered-poor'],
  ['rural-destitute'],
  ['severely-disabled', 'medical-aid'],
  ['rural-only-daughter'],
  ['poor-party-member'],
  ['disability-card'],
  ['retired-cadre-surviving-spouse'],
];

/** Mid-year accumulators: some people have been in hospital before this year. */
function accumulatorsFor(region: Region): Accumulators {
  if (chance(0.5)) return emptyAccumulators();
  const admissions = 1 + Math.floor(random() * 3);
  const burden = amountFen(500, 200_000);
  return {
    ...emptyAccumulators(),
    admissions,
    specialOutpatientCounted: chance(0.2),
    basicEligible: region === 'pingyang' ? fromFen(amountFen(1_000, 150_000)) : fromFen(0),
    basicPaid: fromFen(amountFen(500, 150_000)),
    compliantSelfBurden: fromFen(burden),
    criticalIllnessPaid: fromFen(Math.floor(burden * 0.3)),
    outpatientPaid: region === 'pingyang' ? fromFen(Math.floor(random() * 80_000)) : fromFen(0),
  };
}

interface Case {
  label: string;
  input: EngineInput;
  wire: Record<string, unknown>;
}

let serial = 0;
function makeCase(region: Region, kind: string): Case {
  serial += 1;
  const year = YEAR[region];
  const card = `${region === 'pingyang' ? '330326' : region === 'jinjiang' ? '350582' : '140105'}${String(serial).padStart(8, '0')}`;
  const categories = pick(CATEGORY_MIX);
  const specialDiseases = kind === 'special-outpatient' ? [pick(['esrd-dialysis', 'malignant-tumor', 'schizophrenia', 'sle'])] : [];
  const enrollee: Enrollee = toEnrollee(
    card,
    enrolleeSchema.parse({
      region,
      sex: kind === 'childbirth' ? 'F' : pick(['F', 'M']),
      birthDate: '1970-01-01',
      coverage: [{ from: `${year}-01-01`, to: `${year}-12-31` }],
      categories,
      specialDiseases,
      maternityInsured: false,
    }),
  );
  const outOfArea = kind === 'out-of-area';
  const hospitalId = outOfArea ? pick(HOSPITALS_OF[region].away) : kind === 'outpatient' ? pick(['PY-COUNTY', 'PY-TOWN', 'PY-COMM']) : pick(HOSPITALS_OF[region].home);
  const filings: Filing[] = [];
  if (outOfArea || chance(0.1)) {
    filings.push({
      referralId: `R-${serial}`,
      card,
      kind: pick(['referral', 'relocation', 'out-of-area'] as const),
      validFrom: `${year}-01-01`,
      validTo: `${year}-12-31`,
      toHospitalId: chance(0.5) ? hospitalId : null,
      status: 'active',
    });
  }
  const visitType = outOfArea ? 'inpatient' : kind;
  const [lo, hi] = visitType === 'outpatient' ? [30, 3_000] : visitType === 'special-outpatient' ? [300, 20_000] : visitType === 'childbirth' ? [2_000, 15_000] : [1_500, 400_000];
  const total = amountFen(lo, hi);
  const fullSelfPay = Math.floor(total * random() * 0.15);
  const preSelfPay = Math.floor(total * random() * 0.05);
  const overLimitSelfPay = chance(0.2) ? Math.floor(total * random() * 0.03) : 0;
  const discharge = Math.floor(random() * 365);
  const stay = visitType === 'inpatient' || visitType === 'childbirth' || visitType === 'emergency-death' ? Math.floor(random() * 20) : 0;
  const body: Record<string, unknown> = {
    requestId: `BENCH-${serial}`,
    card,
    hospitalId,
    visitType,
    admissionDate: day(year, Math.max(0, discharge - stay)),
    dischargeDate: day(year, discharge),
    charges: { total: wire(total), fullSelfPay: wire(fullSelfPay), overLimitSelfPay: wire(overLimitSelfPay), preSelfPay: wire(preSelfPay) },
  };
  if (visitType === 'special-outpatient') body.specialDisease = specialDiseases[0];
  if (visitType === 'childbirth') body.delivery = pick(['vaginal', 'cesarean']);
  if (outOfArea && region === 'jinjiang' && chance(0.4)) body.majorDisease = pick(['cardiac-surgery', 'malignant-tumor-surgery', 'cerebral-infarction']);
  if (outOfArea && region === 'jinjiang' && chance(0.2)) body.emergency = true;
  if (visitType === 'outpatient') body.referredFromPrimary = chance(0.3);
  // A consortium transfer continues a stay at another hospital of the consortium that ended on the admission day.
  const previousStays: PreviousStay[] = [];
  if (hospitalId === 'JJ-CONS' && chance(0.5)) {
    body.consortiumTransfer = true;
    previousStays.push({ settlementId: `S-PREV-${serial}`, hospitalId: 'JJ-CONS-2', consortium: 'JJ-YLT-1', dischargeDate: body.admissionDate as string, admissionOrdinal: 1 });
  }
  const request = parseSettlementRequest(body);
  return {
    label: `${region}/${kind}`,
    wire: body,
    input: { catalog, request, hospital: hospitals.get(hospitalId)!, enrollee, filings, previousStays, accumulators: accumulatorsFor(region), accumulatorsYear: year },
  };
}

/** Region × kind and its share of the mix (sums to 100). */
const MIX: [Region, string, number][] = [
  ['pingyang', 'inpatient', 20],
  ['jinjiang', 'inpatient', 17],
  ['taiyuan', 'inpatient', 15],
  ['pingyang', 'special-outpatient', 5],
  ['jinjiang', 'special-outpatient', 5],
  ['pingyang', 'outpatient', 12],
  ['pingyang', 'childbirth', 3],
  ['jinjiang', 'childbirth', 3],
  ['pingyang', 'emergency-death', 1],
  ['pingyang', 'out-of-area', 7],
  ['jinjiang', 'out-of-area', 7],
  ['taiyuan', 'out-of-area', 5],
];

const CASES_PER_PERCENT = 40;
const cases: Case[] = [];
for (const [region, kind, share] of MIX) for (let i = 0; i < share * CASES_PER_PERCENT; i++) cases.push(makeCase(region, kind));
// Interleave so that consecutive calls take different paths.
for (let i = cases.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [cases[i], cases[j]] = [cases[j]!, cases[i]!];
}
const inputs = cases.map((c) => c.input);
const wires = cases.map((c) => c.wire);

// Every case must settle: a benchmark of refusals would measure the wrong path.
for (const c of cases) {
  const outcome = settle(c.input);
  if (!outcome.ok) throw new Error(`bench case ${c.label} ${c.input.request.requestId} refused: ${outcome.refusal.code} ${outcome.refusal.message}`);
}

// ---------------------------------------------------------------- timing ---

let sink = 0;

/** Runs `body(i)` in batches for `seconds`; returns calls/s and per-call µs of each batch. */
function measure(seconds: number, count: number, body: (i: number) => void): { perSecond: number; batchMicros: number[] } {
  const batchMicros: number[] = [];
  let calls = 0;
  let index = 0;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let now = start;
  while (now < deadline) {
    const t0 = now;
    for (let k = 0; k < BATCH; k++) {
      body(index);
      index = index + 1 === count ? 0 : index + 1;
    }
    now = process.hrtime.bigint();
    batchMicros.push(Number(now - t0) / 1e3 / BATCH);
    calls += BATCH;
  }
  return { perSecond: calls / (Number(now - start) / 1e9), batchMicros };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const settleOnce = (i: number) => {
  const outcome = settle(inputs[i]!);
  if (outcome.ok) sink += outcome.settlement.lines.length;
};
const parseOnce = (i: number) => {
  sink += (parseSettlementRequest(wires[i]!).charges as Charges).total.e;
};
const a = new Decimal('12345.67');
const b = new Decimal('900');
const r = new Decimal('0.70');
const decimalOnce = (i: number) => {
  sink += round2(a.minus(b).times(r).plus(i)).e;
};

// Warm up every path (JIT), then measure.
measure(WARMUP_SECONDS, inputs.length, settleOnce);
measure(WARMUP_SECONDS / 4, wires.length, parseOnce);
measure(WARMUP_SECONDS / 4, inputs.length, decimalOnce);

const engine = measure(SECONDS, inputs.length, settleOnce);
const parse = measure(Math.max(0.5, SECONDS / 3), wires.length, parseOnce);
const decimal = measure(Math.max(0.5, SECONDS / 3), inputs.length, decimalOnce);

const sorted = [...engine.batchMicros].sort((x, y) => x - y);
const micros = 1e6 / engine.perSecond;
const parseMicros = 1e6 / parse.perSecond;
const decimalMicros = 1e6 / decimal.perSecond;
const mixText = MIX.map(([region, kind, share]) => `${share}% ${region}/${kind}`).join(', ');

console.log(`engine: ${Math.round(engine.perSecond)} settlements/s, ${micros.toFixed(1)} µs/settlement (mix: ${mixText}; ${inputs.length} distinct inputs)`);
console.log(
  `engine per call over batches of ${BATCH}: p50 ${percentile(sorted, 50).toFixed(1)} µs, p99 ${percentile(sorted, 99).toFixed(1)} µs, max ${sorted.at(-1)!.toFixed(1)} µs (${sorted.length} batches)`,
);
console.log(`baseline parseSettlementRequest: ${Math.round(parse.perSecond)} /s, ${parseMicros.toFixed(1)} µs/call; engine/parse ratio ${(micros / parseMicros).toFixed(2)}`);
console.log(
  `baseline decimal round2((a − b) × r + i): ${Math.round(decimal.perSecond)} /s, ${decimalMicros.toFixed(2)} µs/call; engine/decimal ratio ${(micros / decimalMicros).toFixed(1)}`,
);
console.log(`target ≥ 50000 settlements/s (≤ 20 µs): ${engine.perSecond >= 50_000 ? 'met' : 'NOT met'}; node ${process.version}, ${SECONDS}s measured`);
// Keep the results observable so no call can be optimised away.
if (sink < 0) process.exitCode = 1;
