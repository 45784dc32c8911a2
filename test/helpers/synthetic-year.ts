/**
 * A generated benefit year of the three seed regions (Jinjiang 2018, Pingyang
 * and Taiyuan 2019): persons with categories and several stays each at their
 * region's hospitals, bills of varied size. Deterministic (a seeded generator),
 * so a test or a benchmark sees the same year every run.
 */
import type { Enrollee } from '../../src/domain/types.js';

export interface SyntheticPerson {
  enrollee: Enrollee;
  /** Request bodies (wire form), in the order they are settled. */
  stays: Record<string, unknown>[];
}

const REGIONS = {
  jinjiang: { year: 2018, prefix: '350582', hospitals: ['JJ-CITY', 'JJ-TCM', 'JJ-ANHAI', 'JJ-COMM', 'QZ-FIRST'] },
  pingyang: { year: 2019, prefix: '330326', hospitals: ['PY-TOWN', 'PY-COUNTY', 'PY-COMM', 'WZ-CITY'] },
  taiyuan: { year: 2019, prefix: '140105', hospitals: ['TY-L3', 'TY-L2', 'TY-L1'] },
} as const;
export type SeedRegion = keyof typeof REGIONS;
export const yearOfRegion = (region: SeedRegion) => REGIONS[region].year;

const CATEGORIES = [[], [], [], [], ['low-income-assistance'], ['destitute'], ['registered-poor'], ['severely-disabled', 'low-income-assistance']] as const;

/** mulberry32: small, fast, seeded. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fen = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
const pad = (n: number) => String(n).padStart(2, '0');

/** `count` persons of `region`, each with 1–6 stays in date order. */
export function syntheticPersons(region: SeedRegion, count: number, seed: number, cardPrefix = 'SY'): SyntheticPerson[] {
  const { year, prefix, hospitals } = REGIONS[region];
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const persons: SyntheticPerson[] = [];
  for (let p = 0; p < count; p++) {
    const card = `${cardPrefix}${prefix}${String(p).padStart(7, '0')}`;
    const enrollee: Enrollee = {
      card,
      region,
      sex: rnd() < 0.5 ? 'F' : 'M',
      birthDate: `${1940 + Math.floor(rnd() * 60)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}`,
      coverage: [{ from: `${year}-01-01`, to: `${year}-12-31` }],
      categories: [...pick(CATEGORIES)],
      specialDiseases: [],
      maternityInsured: false,
    };
    const stays: Record<string, unknown>[] = [];
    const n = 1 + Math.floor(rnd() * rnd() * 6);
    let month = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < n && month <= 12; k++) {
      const day = 5 + Math.floor(rnd() * 20);
      const admission = `${year}-${pad(month)}-${pad(day - 4)}`;
      const discharge = `${year}-${pad(month)}-${pad(day)}`;
      // Mostly a few thousand yuan; one stay in twenty a large one (critical illness).
      const total = rnd() < 0.05 ? 8_000_000 + Math.floor(rnd() * 30_000_000) : 80_000 + Math.floor(rnd() * 2_500_000);
      const full = Math.floor(total * rnd() * 0.1);
      const over = Math.floor(total * rnd() * 0.02);
      const pre = Math.floor(total * rnd() * 0.05);
      stays.push({
        requestId: `${card}-${k}`,
        card,
        hospitalId: pick(hospitals),
        visitType: 'inpatient',
        admissionDate: admission,
        dischargeDate: discharge,
        charges: { total: fen(total), fullSelfPay: fen(full), overLimitSelfPay: fen(over), preSelfPay: fen(pre) },
      });
      month += 1 + Math.floor(rnd() * 3);
    }
    persons.push({ enrollee, stays });
  }
  return persons;
}
