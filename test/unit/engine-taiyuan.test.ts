/**
 * taiyuan-2019 (001_0e31973e4dd59fea.txt) through the pure engine, rule by
 * rule of docs/spec/policies.md. Assumed tiers: level 3 D 800 r 0.70; level 2
 * D 500 r 0.80; level 1 D 200 r 0.85. basic = round2((S − min(D, S)) × r);
 * b = S − basic; CI on the year's compliant self-burden by the most favourable
 * schedule, then its annual cap on criticalIllnessPaid.
 */
import { describe, expect, it } from 'vitest';
import type { PersonCategory } from '../../src/domain/types.js';
import { deltas, fmt, paid, refuse, settleOk, type AccOverrides, type Case } from '../helpers/engine-fixtures.js';

const ty = (c: Case = {}) => settleOk('taiyuan', c);
const tyRefused = (c: Case = {}) => refuse('taiyuan', c);

const FILED = { referralId: 'R-TY-1', kind: 'out-of-area' as const, validFrom: '2019-01-01', validTo: '2019-12-31' };

describe('taiyuan-2019 assumed tiers (三(一))', () => {
  const cases: [string, string, string][] = [
    ['TY-L3', '3', '6440.00'], // (10000 − 800) × 0.70 = 6440.00
    ['TY-L2', '2', '7600.00'], // (10000 − 500) × 0.80 = 7600.00
    ['TY-L1', '1', '8330.00'], // (10000 − 200) × 0.85 = 8330.00
  ];
  for (const [hospitalId, level, basic] of cases) {
    it(`level ${level}: basic ${basic}, with the "assumed parameters used" note`, () => {
      const s = ty({ request: { hospitalId, charges: { total: '10000' } } });
      // b < 10000 → CI 0
      expect(paid(s)).toEqual({ basic, criticalIllness: '0.00' });
      expect(s.notes.some((n) => n.startsWith('assumed parameters used') && n.includes(`tier "${level}"`))).toBe(true);
      expect(s.admissionOrdinal).toBe(1);
      expect(deltas(s).admissions).toBe(1);
    });
  }

  it('the deductible is taken at every admission (no admission factors)', () => {
    const s = ty({ request: { charges: { total: '10000' } }, acc: { admissions: 3 } });
    expect(paid(s).basic).toBe('6440.00'); // 9200 × 0.7
    expect(s.admissionOrdinal).toBe(4);
  });

  it('deductible larger than S: basic 0', () => {
    const s = ty({ request: { hospitalId: 'TY-L1', charges: { total: '150' } } });
    // min(200, 150) = 150 → 0.00
    expect(paid(s)).toEqual({ basic: '0.00', criticalIllness: '0.00' });
  });

  it('no annual basic cap', () => {
    const s = ty({ request: { charges: { total: '300000' } }, acc: { basicPaid: '900000' } });
    // (300000 − 800) × 0.7 = 209440.00
    expect(paid(s).basic).toBe('209440.00');
  });

  it('community health center and TCM take their registry level (no shifts in Taiyuan)', () => {
    expect(paid(ty({ request: { hospitalId: 'TY-L2', charges: { total: '10000' } }, hospital: { kind: 'tcm' } })).basic).toBe('7600.00');
    expect(paid(ty({ request: { hospitalId: 'TY-L3', charges: { total: '10000' } }, hospital: { kind: 'community-health-center' } })).basic).toBe('6440.00');
  });
});

describe('taiyuan-2019 out of area (异地就医备案)', () => {
  it('without filing → REFERRAL_REQUIRED', () => {
    expect(tyRefused({ request: { hospitalId: 'BJ-PUMCH' } }).code).toBe('REFERRAL_REQUIRED');
  });

  it('an emergency is no substitute for the filing → REFERRAL_REQUIRED', () => {
    expect(tyRefused({ request: { hospitalId: 'BJ-PUMCH', emergency: true } }).code).toBe('REFERRAL_REQUIRED');
  });

  it('a revoked filing → REFERRAL_REQUIRED', () => {
    expect(tyRefused({ request: { hospitalId: 'BJ-PUMCH' }, filings: [{ ...FILED, status: 'revoked' }] }).code).toBe('REFERRAL_REQUIRED');
  });

  it('with filing → the level tier at full rate', () => {
    const s = ty({ request: { hospitalId: 'BJ-PUMCH', charges: { total: '10000' } }, filings: [FILED] });
    // level 3: (10000 − 800) × 0.70 = 6440.00, no factor, no penalty
    expect(paid(s)).toEqual({ basic: '6440.00', criticalIllness: '0.00' });
    expect(s.referralId).toBe('R-TY-1');
  });

  it('a filing for another hospital does not count', () => {
    expect(tyRefused({ request: { hospitalId: 'BJ-PUMCH' }, filings: [{ ...FILED, toHospitalId: 'TY-L3' }] }).code).toBe('REFERRAL_REQUIRED');
  });
});

describe('taiyuan-2019 critical illness schedules (三(二))', () => {
  // One level-3 stay of S = 100000: basic = 99200 × 0.7 = 69440.00; b = 30560.
  const big = (categories: PersonCategory[] = [], acc: AccOverrides = {}) => ty({ request: { charges: { total: '100000' } }, enrollee: { categories }, acc });

  it('everyone: 75% above 10,000', () => {
    // 0.75 × (30560 − 10000) = 15420.00
    const s = big();
    expect(paid(s)).toEqual({ basic: '69440.00', criticalIllness: '15420.00' });
    expect(deltas(s)).toMatchObject({ compliantSelfBurden: '30560.00', criticalIllnessPaid: '15420.00' });
  });

  it('nothing up to 10,000 for everyone', () => {
    const s = ty({ request: { charges: { total: '10000' } }, acc: { compliantSelfBurden: '6440' } });
    // b = 3560; B 6440 → 10000: exactly the threshold, 0
    expect(paid(s).criticalIllness).toBe('0.00');
  });

  for (const category of ['low-income-assistance', 'destitute', 'severely-disabled', 'medical-aid'] as const) {
    it(`other hardship (${category}): 78% above 5,000`, () => {
      // 0.78 × (30560 − 5000) = 0.78 × 25560 = 19936.80
      expect(paid(big([category])).criticalIllness).toBe('19936.80');
    });
  }

  it('rural-destitute: 80% above 5,000', () => {
    // 0.80 × 25560 = 20448.00
    expect(paid(big(['rural-destitute'])).criticalIllness).toBe('20448.00');
  });

  it('registered-poor: 80% above 5,000', () => {
    expect(paid(big(['registered-poor'])).criticalIllness).toBe('20448.00');
  });

  it('a category outside the schedules gets the everyone schedule', () => {
    expect(paid(big(['disability-card'])).criticalIllness).toBe('15420.00');
  });

  it('several categories: the most favourable schedule (80% beats 78%)', () => {
    expect(paid(big(['low-income-assistance', 'rural-destitute'])).criticalIllness).toBe('20448.00');
  });

  it('a very large bill shows each cap: everyone 400,000, rural-destitute 500,000, registered-poor none', () => {
    const huge = (categories: PersonCategory[]) => ty({ request: { charges: { total: '3000000' } }, enrollee: { categories } });
    // basic = (3000000 − 800) × 0.7 = 2099440.00; b = 900560
    // everyone: 0.75 × (900560 − 10000) = 667920 → cap 400000.00
    expect(paid(huge([]))).toEqual({ basic: '2099440.00', criticalIllness: '400000.00' });
    // other hardship: 0.78 × 895560 = 698536.80 → cap 400000.00
    expect(paid(huge(['low-income-assistance'])).criticalIllness).toBe('400000.00');
    // rural-destitute: 0.8 × (900560 − 5000) = 716448 → cap 500000.00
    expect(paid(huge(['rural-destitute'])).criticalIllness).toBe('500000.00');
    // registered-poor: no cap → 716448.00
    expect(paid(huge(['registered-poor'])).criticalIllness).toBe('716448.00');
    // both: same threshold and rate, no cap beats 500,000 → 716448.00
    expect(paid(huge(['rural-destitute', 'registered-poor'])).criticalIllness).toBe('716448.00');
  });

  it('registered-poor: pays beyond 400,000 cumulative', () => {
    const s = big(['registered-poor'], { compliantSelfBurden: '600000', criticalIllnessPaid: '476000' });
    // B 600000 → 630560: 0.8 × 30560 = 24448.00, no cap although already 476000 paid
    expect(paid(s).criticalIllness).toBe('24448.00');
    expect(deltas(s).criticalIllnessPaid).toBe('24448.00');
  });

  it('the annual CI cap (400,000) is reached inside a stay', () => {
    const s = big([], { compliantSelfBurden: '600000', criticalIllnessPaid: '395000' });
    // B 600000 → 630560: 0.75 × 30560 = 22920 → min(22920, 400000 − 395000) = 5000.00
    expect(paid(s)).toEqual({ basic: '69440.00', criticalIllness: '5000.00' });
    expect(deltas(s).criticalIllnessPaid).toBe('5000.00');
    expect(fmt(s.patientTotal)).toBe('25560.00'); // 100000 − 69440 − 5000
  });

  it('after the cap the line is 0', () => {
    const s = big([], { compliantSelfBurden: '600000', criticalIllnessPaid: '400000' });
    expect(paid(s).criticalIllness).toBe('0.00');
  });

  it('rural-destitute: 500,000 cap reached inside a stay', () => {
    const s = big(['rural-destitute'], { compliantSelfBurden: '700000', criticalIllnessPaid: '490000' });
    // 0.8 × 30560 = 24448 → min(24448, 10000) = 10000.00
    expect(paid(s).criticalIllness).toBe('10000.00');
  });
});

describe('taiyuan-2019 visit types, attribution, exclusions', () => {
  for (const visitType of ['special-outpatient', 'outpatient', 'childbirth', 'emergency-death']) {
    it(`${visitType} → VISIT_TYPE_NOT_COVERED`, () => {
      const r = tyRefused({ request: { visitType, specialDisease: 'malignant-tumor', delivery: 'vaginal' }, enrollee: { specialDiseases: ['malignant-tumor'] } });
      expect(r.code).toBe('VISIT_TYPE_NOT_COVERED');
    });
  }

  it('discharge date decides the year and the coverage', () => {
    const s = ty({ request: { admissionDate: '2018-12-25', dischargeDate: '2019-01-04', charges: { total: '10000' } } });
    expect(s.benefitYear).toBe(2019);
    expect(paid(s).basic).toBe('6440.00');
    expect(tyRefused({ request: { dischargeDate: '2019-03-10' }, enrollee: { coverage: [{ from: '2019-04-01', to: '2019-12-31' }] } }).code).toBe('NOT_COVERED');
  });

  it('discharge in 2020 → NO_POLICY', () => {
    expect(tyRefused({ request: { admissionDate: '2020-01-02', dischargeDate: '2020-01-05' } }).code).toBe('NO_POLICY');
  });

  for (const liability of ['work-injury', 'third-party', 'public-health'] as const) {
    it(`liability ${liability} → NOT_COVERED`, () => {
      expect(tyRefused({ request: { liability } }).code).toBe('NOT_COVERED');
    });
  }
});
