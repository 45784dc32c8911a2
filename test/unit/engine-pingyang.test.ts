/**
 * pingyang-2019 (000_b298e4d9608db673.txt) through the pure engine, rule by
 * rule of docs/spec/policies.md. Every expected amount is worked by hand in
 * the comment next to it: S = T − F − O − P; E = min(S, 150000 − basicEligible);
 * Dapp = min(D, E); basic = round2((E − Dapp) × r); b = S − basic;
 * CI = round2(g(B1)) − round2(g(B0)), 60% on (32600, 163000], 70% on (163000, 326000].
 */
import { describe, expect, it } from 'vitest';
import { deltas, fmt, paid, refuse, settleOk, type Case } from '../helpers/engine-fixtures.js';

const py = (c: Case = {}) => settleOk('pingyang', c);
const pyRefused = (c: Case = {}) => refuse('pingyang', c);

/** An active referral filing valid all 2019, any hospital. */
const FILED = { referralId: 'R-PY-1', validFrom: '2019-01-01', validTo: '2019-12-31' };

describe('pingyang-2019 tiers (三(一)1)', () => {
  it('township health center: D 600, r 0.80', () => {
    const s = py({ request: { hospitalId: 'PY-TOWN', charges: { total: '10000' } } });
    // (10000 − 600) × 0.80 = 7520.00; b = 2480 < 32600 → CI 0
    expect(paid(s)).toEqual({ basic: '7520.00', criticalIllness: '0.00' });
    expect(fmt(s.patientTotal)).toBe('2480.00'); // 10000 − 7520
  });

  it('community health center in 330326 is the township tier', () => {
    const s = py({ request: { hospitalId: 'PY-COMM', charges: { total: '10000' } } });
    // (10000 − 600) × 0.80 = 7520.00
    expect(paid(s).basic).toBe('7520.00');
  });

  it('county hospital: D 900, r 0.70, with the self-pay parts taken off', () => {
    const s = py({ request: { hospitalId: 'PY-COUNTY', charges: { total: '12345.67', fullSelfPay: '300.00', preSelfPay: '120.00' } } });
    // S = 12345.67 − 300 − 0 − 120 = 11925.67
    expect(fmt(s.policyScope)).toBe('11925.67');
    // (11925.67 − 900) × 0.70 = 11025.67 × 0.7 = 7717.969 → 7717.97
    expect(paid(s)).toEqual({ basic: '7717.97', criticalIllness: '0.00' });
    expect(fmt(s.patientTotal)).toBe('4627.70'); // 12345.67 − 7717.97
    expect(s.admissionOrdinal).toBe(1);
    // b = 11925.67 − 7717.97 = 4207.70; E = S = 11925.67
    expect(deltas(s)).toMatchObject({
      admissions: 1,
      specialOutpatientCounted: 0,
      basicEligible: '11925.67',
      basicPaid: '7717.97',
      compliantSelfBurden: '4207.70',
      criticalIllnessPaid: '0.00',
      outpatientPaid: '0.00',
    });
  });

  it('any other kind in 330326 (TCM) is the county tier', () => {
    const s = py({ request: { hospitalId: 'PY-TCM', charges: { total: '10000' } } });
    // (10000 − 900) × 0.70 = 6370.00
    expect(paid(s).basic).toBe('6370.00');
  });

  it('in-city hospital with an active filing: D 1300, r 0.50, no penalty', () => {
    const s = py({ request: { hospitalId: 'WZ-CITY', charges: { total: '10000' } }, filings: [FILED] });
    // (10000 − 1300) × 0.50 = 4350.00
    expect(paid(s).basic).toBe('4350.00');
    expect(s.referralId).toBe('R-PY-1');
    expect(s.steps.some((st) => st.rule.endsWith('/referral-penalty'))).toBe(false);
  });

  it('out-of-city hospital with an active filing: D 1300, r 0.40', () => {
    const s = py({ request: { hospitalId: 'ZJ-PROV', charges: { total: '10000' } }, filings: [FILED] });
    // (10000 − 1300) × 0.40 = 3480.00
    expect(paid(s).basic).toBe('3480.00');
  });
});

describe('pingyang-2019 referral penalty (三(一)1): 5 points without an active filing', () => {
  it('in-city without any filing: 50% → 45%', () => {
    const s = py({ request: { hospitalId: 'WZ-CITY', charges: { total: '10000' } } });
    // (10000 − 1300) × (0.50 − 0.05) = 8700 × 0.45 = 3915.00
    expect(paid(s).basic).toBe('3915.00');
    expect(s.referralId).toBeNull();
    expect(s.steps.find((st) => st.rule.endsWith('/referral-penalty'))).toBeDefined();
  });

  it('out-of-city without any filing: 40% → 35%', () => {
    const s = py({ request: { hospitalId: 'ZJ-PROV', charges: { total: '10000' } } });
    // 8700 × 0.35 = 3045.00
    expect(paid(s).basic).toBe('3045.00');
  });

  it('no penalty in 330326 (no filing needed at home)', () => {
    const s = py({ request: { hospitalId: 'PY-COUNTY', charges: { total: '10000' } } });
    // (10000 − 900) × 0.70 = 6370.00
    expect(paid(s).basic).toBe('6370.00');
  });

  it('a filing of another kind (relocation, out-of-area) also counts', () => {
    for (const kind of ['relocation', 'out-of-area'] as const) {
      const s = py({ request: { hospitalId: 'WZ-CITY', charges: { total: '10000' } }, filings: [{ ...FILED, kind }] });
      expect(paid(s).basic).toBe('4350.00'); // 8700 × 0.50
    }
  });

  it('a filing naming the settling hospital counts', () => {
    const s = py({ request: { hospitalId: 'WZ-CITY', charges: { total: '10000' } }, filings: [{ ...FILED, toHospitalId: 'WZ-CITY' }] });
    expect(paid(s).basic).toBe('4350.00'); // 8700 × 0.50
  });

  it('a filing valid on the discharge date counts even if admission was before validFrom (discharge date decides)', () => {
    const s = py({
      request: { hospitalId: 'WZ-CITY', admissionDate: '2019-02-25', dischargeDate: '2019-03-05', charges: { total: '10000' } },
      filings: [{ ...FILED, validFrom: '2019-03-01', validTo: '2019-03-05' }],
    });
    expect(paid(s).basic).toBe('4350.00'); // 8700 × 0.50
  });

  const notCovering: [string, Partial<typeof FILED> & Record<string, unknown>, RegExp][] = [
    ['does not cover the discharge date', { validFrom: '2019-01-01', validTo: '2019-03-09' }, /valid 2019-01-01\.\.2019-03-09, not on 2019-03-10/],
    ['is revoked', { status: 'revoked' }, /revoked/],
    ['names another hospital', { toHospitalId: 'ZJ-PROV' }, /names hospital ZJ-PROV/],
  ];
  for (const [why, override, noteText] of notCovering) {
    it(`a filing that ${why} → penalty applies`, () => {
      const s = py({ request: { hospitalId: 'WZ-CITY', charges: { total: '10000' } }, filings: [{ ...FILED, ...override }] });
      // 8700 × 0.45 = 3915.00
      expect(paid(s).basic).toBe('3915.00');
      expect(s.referralId).toBeNull();
      expect(s.steps.find((st) => st.rule.endsWith('/referral-penalty'))).toBeDefined();
    });

    it(`a filing that ${why}, named by referralId → penalty applies and a note says why`, () => {
      const s = py({
        request: { hospitalId: 'WZ-CITY', referralId: 'R-PY-1', charges: { total: '10000' } },
        filings: [{ ...FILED, ...override }],
      });
      expect(paid(s).basic).toBe('3915.00'); // 8700 × 0.45
      expect(s.referralId).toBeNull();
      expect(s.notes.some((n) => noteText.test(n) && /settled as unfiled/.test(n))).toBe(true);
    });
  }

  it('a request naming a covering referralId explicitly: no penalty, the settlement carries that id', () => {
    const s = py({
      request: { hospitalId: 'ZJ-PROV', referralId: 'R-PY-2', charges: { total: '10000' } },
      filings: [FILED, { ...FILED, referralId: 'R-PY-2', toHospitalId: 'ZJ-PROV' }],
    });
    // 8700 × 0.40 = 3480.00
    expect(paid(s).basic).toBe('3480.00');
    expect(s.referralId).toBe('R-PY-2');
    expect(s.notes).toEqual([]);
  });

  it('a request naming a referralId the person does not have → penalty and a note', () => {
    const s = py({ request: { hospitalId: 'ZJ-PROV', referralId: 'R-NOPE', charges: { total: '10000' } } });
    // 8700 × 0.35 = 3045.00
    expect(paid(s).basic).toBe('3045.00');
    expect(s.notes.some((n) => n.includes('R-NOPE'))).toBe(true);
  });
});

describe('pingyang-2019 deductible and the 150,000 expense cap (三(一)1, 三(一)2)', () => {
  it('deductible larger than the eligible amount: basic 0, never negative', () => {
    const s = py({ request: { hospitalId: 'PY-TOWN', charges: { total: '500' } } });
    // E = 500, Dapp = min(600, 500) = 500, basic = 0 × 0.8 = 0.00; b = 500
    expect(paid(s)).toEqual({ basic: '0.00', criticalIllness: '0.00' });
    expect(fmt(s.patientTotal)).toBe('500.00');
    expect(s.steps.find((st) => st.rule.endsWith('/deductible'))!.amount!.toFixed(2)).toBe('500.00');
    expect(deltas(s)).toMatchObject({ basicEligible: '500.00', compliantSelfBurden: '500.00', admissions: 1 });
  });

  it('the deductible is taken at every admission', () => {
    const s = py({ request: { hospitalId: 'PY-COUNTY', charges: { total: '10000' } }, acc: { admissions: 4, basicEligible: '40000' } });
    // (10000 − 900) × 0.70 = 6370.00, admission 5
    expect(paid(s).basic).toBe('6370.00');
    expect(s.admissionOrdinal).toBe(5);
  });

  it('the 150,000 expense cap is reached inside a stay', () => {
    const s = py({ request: { hospitalId: 'PY-COUNTY', charges: { total: '30000' } }, acc: { basicEligible: '140000' } });
    // E = min(30000, 150000 − 140000) = 10000; (10000 − 900) × 0.70 = 6370.00
    // b = 30000 − 6370 = 23630 (< 32600 → CI 0)
    expect(paid(s)).toEqual({ basic: '6370.00', criticalIllness: '0.00' });
    expect(deltas(s)).toMatchObject({ basicEligible: '10000.00', basicPaid: '6370.00', compliantSelfBurden: '23630.00' });
  });

  it('after the cap is exhausted basic is 0, critical illness still pays on the burden', () => {
    const s = py({
      request: { hospitalId: 'PY-COUNTY', charges: { total: '20000' } },
      acc: { admissions: 3, basicEligible: '150000', compliantSelfBurden: '40000' },
    });
    // E = min(20000, 0) = 0; Dapp = min(900, 0) = 0; basic = 0.00; b = 20000
    // CI: 0.6 × (60000 − 32600) − 0.6 × (40000 − 32600) = 16440 − 4440 = 12000.00
    expect(paid(s)).toEqual({ basic: '0.00', criticalIllness: '12000.00' });
    expect(deltas(s)).toMatchObject({ basicEligible: '0.00', compliantSelfBurden: '20000.00', criticalIllnessPaid: '12000.00' });
    expect(fmt(s.patientTotal)).toBe('8000.00'); // 20000 − 12000
  });
});

describe('pingyang-2019 critical illness (三(二))', () => {
  it('nothing up to 32,600 of compliant self-burden; 60% just above', () => {
    const s = py({ request: { hospitalId: 'PY-COUNTY', charges: { total: '10000' } }, acc: { compliantSelfBurden: '30000' } });
    // basic = 9100 × 0.7 = 6370; b = 3630; B 30000 → 33630
    // CI = 0.6 × (33630 − 32600) − 0 = 618.00
    expect(paid(s)).toEqual({ basic: '6370.00', criticalIllness: '618.00' });
  });

  it('the 60% → 70% bracket is crossed inside one stay', () => {
    const s = py({ request: { hospitalId: 'PY-COUNTY', charges: { total: '50000' } }, acc: { compliantSelfBurden: '150000', basicEligible: '0' } });
    // basic = (50000 − 900) × 0.7 = 34370.00; b = 15630; B 150000 → 165630
    // g(165630) = 0.6 × 130400 + 0.7 × 2630 = 78240 + 1841 = 80081
    // g(150000) = 0.6 × 117400 = 70440; CI = 9641.00
    expect(paid(s)).toEqual({ basic: '34370.00', criticalIllness: '9641.00' });
    expect(fmt(s.fundTotal)).toBe('44011.00');
    expect(fmt(s.patientTotal)).toBe('5989.00'); // 50000 − 44011
  });

  it('the top of the scale (326,000) is exceeded inside one stay', () => {
    const s = py({ request: { hospitalId: 'PY-COUNTY', charges: { total: '20000' } }, acc: { compliantSelfBurden: '320000' } });
    // basic = 19100 × 0.7 = 13370; b = 6630; B 320000 → 326630, only 6000 below the top
    // CI = 0.7 × (326000 − 320000) = 4200.00
    expect(paid(s)).toEqual({ basic: '13370.00', criticalIllness: '4200.00' });
  });

  it('above 326,000 nothing more is paid', () => {
    const s = py({ request: { hospitalId: 'PY-COUNTY', charges: { total: '20000' } }, acc: { compliantSelfBurden: '330000' } });
    expect(paid(s)).toEqual({ basic: '13370.00', criticalIllness: '0.00' });
  });

  it('one big stay: the expense cap limits basic, the scale pays on the whole burden', () => {
    const s = py({ request: { charges: { total: '200000' } } });
    // E = min(200000, 150000) = 150000; basic = (150000 − 900) × 0.7 = 104370.00; b = 95630
    // CI = 0.6 × (95630 − 32600) = 37818.00
    expect(paid(s)).toEqual({ basic: '104370.00', criticalIllness: '37818.00' });
  });

  it("two stays: the year's CI equals g(year's burden)", () => {
    const first = py({ request: { charges: { total: '100000' } } });
    // basic = 99100 × 0.7 = 69370.00; b = 30630 < 32600 → CI 0
    expect(paid(first)).toEqual({ basic: '69370.00', criticalIllness: '0.00' });
    const second = py({
      request: { charges: { total: '100000' } },
      acc: { admissions: 1, basicEligible: '100000', compliantSelfBurden: '30630' },
    });
    // E = min(100000, 50000) = 50000; basic = 49100 × 0.7 = 34370.00; b = 65630; B 30630 → 96260
    // CI = 0.6 × (96260 − 32600) − 0 = 38196.00 = g(96260), the whole year's scale
    expect(paid(second)).toEqual({ basic: '34370.00', criticalIllness: '38196.00' });
  });
});

describe('pingyang-2019 special outpatient (三(一)3)', () => {
  const holder = { specialDiseases: ['malignant-tumor'] };

  it('first of the year takes the deductible and sets the flag; no admission', () => {
    const s = py({ request: { visitType: 'special-outpatient', specialDisease: 'malignant-tumor', charges: { total: '5000' } }, enrollee: holder });
    // county tier: (5000 − 900) × 0.70 = 2870.00
    expect(paid(s)).toEqual({ basic: '2870.00', criticalIllness: '0.00' });
    expect(s.admissionOrdinal).toBeNull();
    expect(deltas(s)).toMatchObject({ admissions: 0, specialOutpatientCounted: 1, basicEligible: '5000.00', basicPaid: '2870.00' });
  });

  it('the second of the year takes no deductible and leaves the flag', () => {
    const s = py({
      request: { visitType: 'special-outpatient', specialDisease: 'malignant-tumor', charges: { total: '5000' } },
      enrollee: holder,
      acc: { specialOutpatientCounted: true, basicEligible: '5000' },
    });
    // 5000 × 0.70 = 3500.00
    expect(paid(s)).toEqual({ basic: '3500.00', criticalIllness: '0.00' });
    expect(deltas(s)).toMatchObject({ admissions: 0, specialOutpatientCounted: 0 });
  });

  it('an inpatient stay after special outpatient still takes its own deductible', () => {
    const s = py({ request: { charges: { total: '10000' } }, acc: { specialOutpatientCounted: true } });
    expect(paid(s).basic).toBe('6370.00'); // 9100 × 0.7
  });

  it('special outpatient shares the 150,000 expense cap', () => {
    const s = py({
      request: { visitType: 'special-outpatient', specialDisease: 'malignant-tumor', charges: { total: '5000' } },
      enrollee: holder,
      acc: { specialOutpatientCounted: true, basicEligible: '148000' },
    });
    // E = min(5000, 2000) = 2000; no deductible; 2000 × 0.7 = 1400.00
    expect(paid(s).basic).toBe('1400.00');
    expect(deltas(s).basicEligible).toBe('2000.00');
  });

  it("a disease not in the person's list → SPECIAL_DISEASE_NOT_APPROVED", () => {
    const r = pyRefused({ request: { visitType: 'special-outpatient', specialDisease: 'sle' }, enrollee: holder });
    expect(r.code).toBe('SPECIAL_DISEASE_NOT_APPROVED');
  });

  it("a disease not in Pingyang's list (even if on the person's record) → SPECIAL_DISEASE_NOT_APPROVED", () => {
    const r = pyRefused({ request: { visitType: 'special-outpatient', specialDisease: 'diabetes' }, enrollee: { specialDiseases: ['diabetes'] } });
    expect(r.code).toBe('SPECIAL_DISEASE_NOT_APPROVED');
  });

  it('no specialDisease named → SPECIAL_DISEASE_NOT_APPROVED', () => {
    expect(pyRefused({ request: { visitType: 'special-outpatient' }, enrollee: holder }).code).toBe('SPECIAL_DISEASE_NOT_APPROVED');
    expect(pyRefused({ request: { visitType: 'special-outpatient', specialDisease: null }, enrollee: holder }).code).toBe('SPECIAL_DISEASE_NOT_APPROVED');
  });

  it('every disease of the list is accepted', () => {
    const list = [
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
    ];
    for (const disease of list) {
      const s = py({ request: { visitType: 'special-outpatient', specialDisease: disease, charges: { total: '1000' } }, enrollee: { specialDiseases: [disease] } });
      expect(paid(s).basic).toBe('70.00'); // (1000 − 900) × 0.7
    }
  });
});

describe('pingyang-2019 ordinary outpatient (三(一)5)', () => {
  const outpatient = (hospitalId: string, total: string, extra: Record<string, unknown> = {}) => ({
    request: { visitType: 'outpatient', hospitalId, admissionDate: '2019-03-01', dischargeDate: '2019-03-01', charges: { total }, ...extra },
  });

  it('township health center: 50%, no deductible, only a basic line', () => {
    const s = py(outpatient('PY-TOWN', '300'));
    // 300 × 0.50 = 150.00
    expect(paid(s)).toEqual({ basic: '150.00' });
    expect(s.admissionOrdinal).toBeNull();
    expect(deltas(s)).toMatchObject({ admissions: 0, outpatientPaid: '150.00', basicEligible: '0.00', basicPaid: '0.00', compliantSelfBurden: '0.00' });
  });

  it('community health center: 50%', () => {
    expect(paid(py(outpatient('PY-COMM', '333.33'))).basic).toBe('166.67'); // 333.33 × 0.5 = 166.665 → 166.67
  });

  it('county hospital: 20% when referred from primary care, else 15%', () => {
    expect(paid(py(outpatient('PY-COUNTY', '1000', { referredFromPrimary: true }))).basic).toBe('200.00'); // 1000 × 0.20
    expect(paid(py(outpatient('PY-COUNTY', '1000', { referredFromPrimary: false }))).basic).toBe('150.00'); // 1000 × 0.15
    expect(paid(py(outpatient('PY-COUNTY', '1000'))).basic).toBe('150.00'); // default false
  });

  it('referredFromPrimary changes nothing at a township health center', () => {
    expect(paid(py(outpatient('PY-TOWN', '300', { referredFromPrimary: true }))).basic).toBe('150.00'); // 300 × 0.5
  });

  it('outside 330326 the outpatient pool pays 0, settlement still made, with a note', () => {
    for (const hospitalId of ['WZ-CITY', 'ZJ-PROV']) {
      const s = py(outpatient(hospitalId, '1000', { referredFromPrimary: true }));
      expect(paid(s)).toEqual({ basic: '0.00' });
      expect(fmt(s.patientTotal)).toBe('1000.00');
      expect(s.notes.some((n) => /outpatient pool pays nothing/.test(n))).toBe(true);
    }
  });

  it('no referral penalty, no filing needed for outpatient outside the county', () => {
    const s = py(outpatient('WZ-CITY', '1000'));
    expect(s.steps.some((st) => st.rule.endsWith('/referral-penalty'))).toBe(false);
  });

  it('800 a year: the rest of the cap when it is reached inside a visit', () => {
    const s = py({ ...outpatient('PY-TOWN', '1000'), acc: { outpatientPaid: '700' } });
    // min(1000 × 0.5 = 500, 800 − 700 = 100) = 100.00
    expect(paid(s)).toEqual({ basic: '100.00' });
    expect(deltas(s).outpatientPaid).toBe('100.00');
  });

  it('800 a year: nothing once exhausted', () => {
    const s = py({ ...outpatient('PY-TOWN', '1000'), acc: { outpatientPaid: '800' } });
    expect(paid(s)).toEqual({ basic: '0.00' });
    expect(deltas(s).outpatientPaid).toBe('0.00');
  });

  it('one visit can reach exactly 800 but never more', () => {
    const s = py(outpatient('PY-TOWN', '5000'));
    // min(2500, 800) = 800.00
    expect(paid(s).basic).toBe('800.00');
  });
});

describe('pingyang-2019 childbirth (三(一)4) and emergency death (三(一)5)', () => {
  it('childbirth for a woman: as inpatient, counts as an admission', () => {
    const s = py({ request: { visitType: 'childbirth', charges: { total: '8000' } }, enrollee: { sex: 'F' } });
    // county: (8000 − 900) × 0.70 = 4970.00
    expect(paid(s)).toEqual({ basic: '4970.00', criticalIllness: '0.00' });
    expect(s.admissionOrdinal).toBe(1);
    expect(deltas(s).admissions).toBe(1);
  });

  it('childbirth for a woman out of the city without filing takes the penalty like inpatient', () => {
    const s = py({ request: { visitType: 'childbirth', hospitalId: 'ZJ-PROV', charges: { total: '8000' } } });
    // (8000 − 1300) × 0.35 = 2345.00
    expect(paid(s).basic).toBe('2345.00');
  });

  it('childbirth for a man → NOT_COVERED', () => {
    expect(pyRefused({ request: { visitType: 'childbirth' }, enrollee: { sex: 'M' } }).code).toBe('NOT_COVERED');
  });

  it('emergency death: as inpatient', () => {
    const s = py({ request: { visitType: 'emergency-death', hospitalId: 'PY-TOWN', charges: { total: '8000' } }, enrollee: { sex: 'M' } });
    // (8000 − 600) × 0.80 = 5920.00
    expect(paid(s)).toEqual({ basic: '5920.00', criticalIllness: '0.00' });
    expect(deltas(s).admissions).toBe(1);
  });
});

describe('pingyang-2019 attribution, coverage and exclusions', () => {
  it('discharge date outside every coverage period → NOT_COVERED', () => {
    const r = pyRefused({
      request: { admissionDate: '2019-06-25', dischargeDate: '2019-07-05' },
      enrollee: { coverage: [{ from: '2019-01-01', to: '2019-06-30' }] },
    });
    expect(r.code).toBe('NOT_COVERED');
  });

  it('admission before coverage but discharge inside it is settled (the discharge date decides)', () => {
    const s = py({
      request: { admissionDate: '2019-03-25', dischargeDate: '2019-04-02', charges: { total: '10000' } },
      enrollee: { coverage: [{ from: '2019-04-01', to: '2019-12-31' }] },
    });
    expect(paid(s).basic).toBe('6370.00'); // 9100 × 0.7
  });

  it('coverage boundaries are inclusive', () => {
    const enrollee = { coverage: [{ from: '2019-03-10', to: '2019-03-10' }] };
    expect(paid(py({ request: { dischargeDate: '2019-03-10' }, enrollee })).basic).toBe('6370.00');
  });

  it('a stay across the year boundary belongs to the year of discharge (二(四))', () => {
    const s = py({ request: { admissionDate: '2018-12-20', dischargeDate: '2019-01-05', charges: { total: '10000' } } });
    expect(s.policyId).toBe('pingyang-2019');
    expect(s.benefitYear).toBe(2019);
    expect(paid(s).basic).toBe('6370.00');
  });

  for (const liability of ['work-injury', 'third-party', 'public-health'] as const) {
    it(`liability ${liability} → NOT_COVERED`, () => {
      expect(pyRefused({ request: { liability } }).code).toBe('NOT_COVERED');
    });
  }

  it('liability none is settled', () => {
    expect(paid(py({ request: { liability: 'none' } })).basic).toBe('6370.00');
  });

  it('discharge in 2020 → NO_POLICY', () => {
    const r = pyRefused({
      request: { admissionDate: '2020-03-01', dischargeDate: '2020-03-10' },
      enrollee: { coverage: [{ from: '2020-01-01', to: '2020-12-31' }] },
    });
    expect(r.code).toBe('NO_POLICY');
  });

  it('a consortium flag has no effect in Pingyang (a note says so)', () => {
    const s = py({ request: { consortiumTransfer: true, charges: { total: '10000' } }, acc: { admissions: 1 } });
    expect(paid(s).basic).toBe('6370.00');
    expect(s.notes.some((n) => /consortium/.test(n))).toBe(true);
  });
});
