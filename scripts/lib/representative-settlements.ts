/**
 * A representative, deterministic settlement workload over the three regions
 * and their visit types, for the response dictionary
 * (scripts/make-response-dictionary.ts) and the memory benchmark
 * (bench/memory.ts): the worked examples' hospitals, persons drawn with a
 * seeded generator (region, sex, age, person categories, special diseases),
 * and each person's settlements of the year in date order, with amounts and
 * hospitals in the proportions a discharge desk sees (inpatient first).
 *
 * The same seed gives the same persons and requests, byte for byte.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dateOfDayNumber, dayNumber } from '../../src/domain/dates.js';
import type { Enrollee, Hospital, PersonCategory } from '../../src/domain/types.js';
import { hospitalSchema, toHospital } from '../../src/contract/registry.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Fixture {
  hospitals: Record<string, unknown>;
  cases: { request: Record<string, unknown> & { card: string }; expect: { status: string } }[];
  enrollees: Record<string, Record<string, unknown>>;
}

export const workedExamplesFixture: Fixture = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/worked-examples.json'), 'utf8'));

/** mulberry32: a small seeded generator (deterministic workloads, not security). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The request body as a billing desk sends it (parse with parseSettlementRequest). */
export type RequestBody = Record<string, unknown> & { requestId: string; card: string; hospitalId: string; visitType: string; dischargeDate: string };

export interface WorkloadPerson {
  enrollee: Enrollee;
  /** The person's settlements of the year, in date order. */
  requests: RequestBody[];
}

export interface Workload {
  hospitals: Hospital[];
  persons: WorkloadPerson[];
  /** The operator each request names (a clerk of the hospital), and when it is settled (discharge day, office hours). */
  operatorOf(request: RequestBody): { id: string; name: string };
  settledAtOf(request: RequestBody): Date;
}

const YEAR: Record<string, number> = { pingyang: 2019, jinjiang: 2018, taiyuan: 2019 };
const PY_DISEASES = ['malignant-tumor', 'esrd-dialysis', 'schizophrenia', 'tuberculosis', 'sle'];
const JJ_DISEASES = ['hypertension-3', 'diabetes', 'malignant-tumor', 'esrd', 'coronary-heart-disease'];
const CATEGORIES: Record<string, PersonCategory[]> = {
  pingyang: ['registered-poor', 'low-income-assistance'],
  jinjiang: ['poor-party-member', 'rural-only-daughter', 'disability-card', 'retired-cadre-surviving-spouse', 'medical-aid'],
  taiyuan: ['low-income-assistance', 'rural-destitute', 'registered-poor', 'severely-disabled'],
};
const CLERKS = ['张三', '李四', '王五', '赵六', '陈静', '林芳'];

function pick<T>(random: () => number, weighted: [T, number][]): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let x = random() * total;
  for (const [value, weight] of weighted) {
    x -= weight;
    if (x < 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

/** A yuan amount between low and high, skewed low (most bills are small), with two decimals. */
function amount(random: () => number, low: number, high: number): number {
  return Math.round((low + (high - low) * random() ** 2.2) * 100) / 100;
}

const yuan = (value: number) => value.toFixed(2);

function chargesOf(random: () => number, total: number): Record<string, string> {
  const full = random() < 0.6 ? Math.round(total * 0.08 * random() * 100) / 100 : 0;
  const pre = random() < 0.5 ? Math.round(total * 0.05 * random() * 100) / 100 : 0;
  const over = random() < 0.1 ? Math.round(total * 0.02 * random() * 100) / 100 : 0;
  return { total: yuan(total), fullSelfPay: yuan(full), overLimitSelfPay: yuan(over), preSelfPay: yuan(pre) };
}

export interface WorkloadOptions {
  persons: number;
  seed?: number;
  /** Card prefix (cards are "<prefix><n>"), so several workloads can share a Redis. */
  cardPrefix?: string;
}

export function representativeWorkload(options: WorkloadOptions): Workload {
  const random = seededRandom(options.seed ?? 20190101);
  const prefix = options.cardPrefix ?? 'W';
  const hospitals = Object.entries(workedExamplesFixture.hospitals).map(([id, body]) => toHospital(id, hospitalSchema.parse(body)));
  const persons: WorkloadPerson[] = [];
  for (let n = 0; n < options.persons; n++) {
    const region = pick(random, [
      ['pingyang', 40],
      ['jinjiang', 35],
      ['taiyuan', 25],
    ]);
    const year = YEAR[region]!;
    const sex: 'F' | 'M' = random() < 0.5 ? 'F' : 'M';
    const birthYear = 1935 + Math.floor(random() * 80);
    const categories = random() < 0.12 ? [CATEGORIES[region]![Math.floor(random() * CATEGORIES[region]!.length)]!] : [];
    const diseases = region === 'pingyang' ? PY_DISEASES : JJ_DISEASES;
    const specialDiseases = region !== 'taiyuan' && random() < 0.15 ? [diseases[Math.floor(random() * diseases.length)]!] : [];
    const card = `${prefix}${String(n).padStart(6, '0')}`;
    const enrollee: Enrollee = {
      card,
      region,
      sex,
      birthDate: `${birthYear}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
      coverage: [{ from: `${year}-01-01`, to: `${year}-12-31` }],
      categories,
      specialDiseases,
      maternityInsured: false,
    };
    const count = 1 + (random() < 0.4 ? 1 : 0) + (random() < 0.15 ? 1 : 0);
    // Discharge days spread over the year, in order.
    const days = Array.from({ length: count }, () => Math.floor(random() * 330) + 10).sort((a, b) => a - b);
    const requests: RequestBody[] = [];
    days.forEach((dayOfYear, i) => {
      const discharge = dayNumber(`${year}-01-01`) + dayOfYear;
      const base = { requestId: `HIS-${card}-${i + 1}`, card, dischargeDate: dateOfDayNumber(discharge) };
      const stay = (length: number) => ({ admissionDate: dateOfDayNumber(Math.max(dayNumber(`${year}-01-01`), discharge - length)) });
      const visit = (): RequestBody => {
        const canChildbirth = sex === 'F' && birthYear > 1975;
        if (region === 'pingyang') {
          const type = pick(random, [
            ['inpatient', 50],
            ['outpatient', 25],
            ['special-outpatient', specialDiseases.length ? 20 : 0],
            ['childbirth', canChildbirth ? 6 : 0],
            ['emergency-death', birthYear < 1950 ? 2 : 0],
          ] as [string, number][]);
          if (type === 'outpatient') {
            const hospitalId = pick(random, [
              ['PY-COMM', 40],
              ['PY-TOWN', 35],
              ['PY-COUNTY', 25],
            ]);
            return {
              ...base,
              hospitalId,
              visitType: type,
              ...stay(0),
              charges: chargesOf(random, amount(random, 30, 900)),
              referredFromPrimary: hospitalId === 'PY-COUNTY' && random() < 0.3,
            };
          }
          if (type === 'special-outpatient') {
            return {
              ...base,
              hospitalId: pick(random, [
                ['PY-TOWN', 50],
                ['PY-COUNTY', 50],
              ]),
              visitType: type,
              ...stay(0),
              charges: chargesOf(random, amount(random, 300, 8000)),
              specialDisease: specialDiseases[0],
            };
          }
          const hospitalId = pick(random, [
            ['PY-TOWN', 15],
            ['PY-COUNTY', 45],
            ['WZ-CITY', 25],
            ['ZJ-PROV', 15],
          ]);
          const total = amount(random, 1500, hospitalId === 'ZJ-PROV' || hospitalId === 'WZ-CITY' ? 160000 : 60000);
          return { ...base, hospitalId, visitType: type, ...stay(3 + Math.floor(random() * 20)), charges: chargesOf(random, total) };
        }
        if (region === 'jinjiang') {
          const type = pick(random, [
            ['inpatient', 70],
            ['special-outpatient', specialDiseases.length ? 25 : 0],
            ['childbirth', canChildbirth ? 10 : 0],
          ] as [string, number][]);
          if (type === 'childbirth') {
            return {
              ...base,
              hospitalId: pick(random, [
                ['JJ-CITY', 60],
                ['QZ-FIRST', 40],
              ]),
              visitType: type,
              ...stay(3),
              charges: chargesOf(random, amount(random, 2500, 12000)),
              delivery: random() < 0.6 ? 'vaginal' : 'cesarean',
            };
          }
          if (type === 'special-outpatient') {
            return {
              ...base,
              hospitalId: pick(random, [
                ['JJ-CITY', 50],
                ['JJ-ANHAI', 25],
                ['JJ-COMM', 25],
              ]),
              visitType: type,
              ...stay(0),
              charges: chargesOf(random, amount(random, 200, 6000)),
              specialDisease: specialDiseases[0],
            };
          }
          const hospitalId = pick(random, [
            ['JJ-CITY', 35],
            ['QZ-FIRST', 20],
            ['JJ-TCM', 15],
            ['JJ-ANHAI', 12],
            ['JJ-COMM', 10],
            ['FZ-XIEHE', 5],
            ['XM-L2', 3],
          ]);
          const outOfArea = hospitalId === 'FZ-XIEHE' || hospitalId === 'XM-L2';
          return {
            ...base,
            hospitalId,
            visitType: type,
            ...stay(2 + Math.floor(random() * 20)),
            charges: chargesOf(random, amount(random, 800, outOfArea ? 200000 : 80000)),
            emergency: outOfArea,
          };
        }
        const hospitalId = pick(random, [
          ['TY-L3', 40],
          ['TY-L2', 35],
          ['TY-L1', 25],
        ]);
        return { ...base, hospitalId, visitType: 'inpatient', ...stay(3 + Math.floor(random() * 25)), charges: chargesOf(random, amount(random, 1500, 120000)) };
      };
      const request = visit();
      // A Jinjiang stay may not cross the year (七(一)); the spread above keeps admissions inside it.
      requests.push(request);
    });
    persons.push({ enrollee, requests });
  }
  return {
    hospitals,
    persons,
    operatorOf(request) {
      const n = Number.parseInt(request.requestId.replace(/\D/g, '').slice(-4) || '0', 10);
      return { id: `0${(n % 37) + 100}`, name: CLERKS[n % CLERKS.length]! };
    },
    settledAtOf(request) {
      // Discharge day, between 08:00 and 17:59 in Asia/Shanghai (00:00–09:59 UTC).
      const n = Number.parseInt(request.requestId.replace(/\D/g, '').slice(-6) || '0', 10);
      const minutes = (n * 37) % 600;
      return new Date(
        `${request.dischargeDate}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}.${String(n % 1000).padStart(3, '0')}Z`,
      );
    },
  };
}
