/**
 * jinjiang-2018 (002_dda74ca139f336db.txt) through the pure engine, rule by
 * rule of docs/spec/policies.md. Arithmetic: Dapp = min(D × factor, S);
 * raw = (S − Dapp) × r (× 0.8 out of area); basic = min(round2(raw), 150000 − basicPaid);
 * criticalIllness 0 (no scale); R = S − basic − CI; programmes on R.
 * Tiers: level 3 D 800 r 0.55; level 2 D 400 r 0.75; level 1 D 50 r 0.90.
 */
import { describe, expect, it } from 'vitest';
import { deltas, fmt, paid, refuse, settleOk, type Case } from '../helpers/engine-fixtures.js';

const jj = (c: Case = {}) => settleOk('jinjiang', c);
const jjRefused = (c: Case = {}) => refuse('jinjiang', c);

/** Every Jinjiang stay reports all five lines; `lines` overrides the zeros. */
const five = (lines: Record<string, string>) => ({
  basic: '0.00',
  criticalIllness: '0.00',
  majorDiseaseReferral: '0.00',
  specialGroup: '0.00',
  retiredCadreSpouse: '0.00',
  ...lines,
});

const FILED = { referralId: 'R-JJ-1', validFrom: '2018-01-01', validTo: '2018-12-31' };

describe('jinjiang-2018 hospital level (六(一)3)', () => {
  const at = (hospitalId: string) => jj({ request: { hospitalId, charges: { total: '10000' } } });

  it('level 3 (not county-run, in area): D 800, r 0.55', () => {
    // (10000 − 800) × 0.55 = 5060.00
    expect(paid(at('QZ-FIRST'))).toEqual(five({ basic: '5060.00' }));
  });

  it('level 2 general: D 400, r 0.75', () => {
    expect(paid(at('QZ-L2')).basic).toBe('7200.00'); // (10000 − 400) × 0.75
  });

  it('county-run level 3 → level 2', () => {
    const s = at('JJ-CITY');
    expect(paid(s).basic).toBe('7200.00'); // (10000 − 400) × 0.75
    expect(s.steps.find((st) => st.rule.endsWith('/tier'))!.text).toMatch(/县属的三级医院/);
  });

  it('level-2 township health center → level 1', () => {
    expect(paid(at('JJ-ANHAI')).basic).toBe('8955.00'); // (10000 − 50) × 0.90
  });

  it('level-1 township health center stays level 1', () => {
    expect(paid(at('JJ-TOWN-L1')).basic).toBe('8955.00');
  });

  it('TCM lowers one level: level-2 TCM → 1, level-3 TCM → 2', () => {
    expect(paid(at('JJ-TCM')).basic).toBe('8955.00'); // level 1: 9950 × 0.9
    expect(paid(at('QZ-TCM-L3')).basic).toBe('7200.00'); // level 2: 9600 × 0.75
  });

  it('community health center counts as level 1, whatever its registry level', () => {
    expect(paid(at('JJ-COMM')).basic).toBe('8955.00');
    expect(paid(at('JJ-COMM-L2')).basic).toBe('8955.00');
  });

  it('never below level 1 (level-1 TCM)', () => {
    expect(paid(at('JJ-TCM-L1')).basic).toBe('8955.00'); // floor 1: 9950 × 0.9
  });

  it('county-run level-3 TCM: both shifts apply → level 1', () => {
    const s = at('JJ-TCM-L3');
    expect(paid(s).basic).toBe('8955.00'); // 3 − 1 − 1 = 1: 9950 × 0.9
    const text = s.steps.find((st) => st.rule.endsWith('/tier'))!.text;
    expect(text).toMatch(/县属/);
    expect(text).toMatch(/中医医院/);
  });
});

describe('jinjiang-2018 admissions (六(一)3)', () => {
  it('1st admission: full deductible, ordinal 1', () => {
    const s = jj({ request: { charges: { total: '10000' } } });
    expect(paid(s).basic).toBe('5060.00'); // 9200 × 0.55
    expect(s.admissionOrdinal).toBe(1);
    expect(deltas(s).admissions).toBe(1);
  });

  it('2nd admission: deductible × 0.5', () => {
    const s = jj({ request: { charges: { total: '10000' } }, acc: { admissions: 1 } });
    // D = 800 × 0.5 = 400; (10000 − 400) × 0.55 = 5280.00
    expect(paid(s).basic).toBe('5280.00');
    expect(s.admissionOrdinal).toBe(2);
  });

  it('3rd and later admissions: no deductible', () => {
    for (const before of [2, 3, 9]) {
      const s = jj({ request: { charges: { total: '10000' } }, acc: { admissions: before } });
      expect(paid(s).basic).toBe('5500.00'); // 10000 × 0.55
      expect(s.admissionOrdinal).toBe(before + 1);
      expect(deltas(s).admissions).toBe(1);
    }
  });

  it('deductible larger than S: basic 0, never negative', () => {
    const s = jj({ request: { charges: { total: '300' } }, acc: { admissions: 1 } });
    // Dapp = min(400, 300) = 300; 0 × 0.55 = 0.00
    expect(paid(s)).toEqual(five({}));
    expect(fmt(s.patientTotal)).toBe('300.00');
  });

  // policies.md jinjiang-2018 "Admissions" (decision): a transfer continues a settled stay at another
  // hospital of the same consortium, discharged on the transfer's admission date or the day before.
  const PREVIOUS = { settlementId: 'S-PREV', hospitalId: 'JJ-CITY', consortium: 'JJ-YLT-1', dischargeDate: '2018-03-01', admissionOrdinal: 1 };
  const transfer = (extra: Case = {}) => ({
    request: { hospitalId: 'JJ-CONS', consortiumTransfer: true, charges: { total: '10000' } },
    previousStays: [PREVIOUS],
    acc: { admissions: 1 },
    ...extra,
  });

  it('consortium transfer continuing a stay discharged the same day: no new admission, factor 0, its ordinal', () => {
    const s = jj(transfer());
    // level 2, D × 0 = 0: 10000 × 0.75 = 7500.00
    expect(paid(s).basic).toBe('7500.00');
    expect(deltas(s).admissions).toBe(0);
    expect(s.admissionOrdinal).toBe(1);
    expect(s.steps.find((step) => step.rule.endsWith('/deductible'))!.text).toMatch(/S-PREV/);
  });

  it('consortium transfer continuing a stay discharged the day before', () => {
    const s = jj(transfer({ previousStays: [{ ...PREVIOUS, dischargeDate: '2018-02-28' }] }));
    expect(paid(s).basic).toBe('7500.00');
    expect(deltas(s).admissions).toBe(0);
  });

  it('the same stay at the consortium hospital without the flag is admission 2', () => {
    const s = jj({ request: { hospitalId: 'JJ-CONS', charges: { total: '10000' } }, acc: { admissions: 1 } });
    // D = 400 × 0.5 = 200; 9800 × 0.75 = 7350.00
    expect(paid(s).basic).toBe('7350.00');
    expect(deltas(s).admissions).toBe(1);
  });

  const UNMATCHED: [string, Case][] = [
    ["no earlier stay at all (a client's word only)", transfer({ previousStays: [] })],
    ['the earlier stay ended two days before', transfer({ previousStays: [{ ...PREVIOUS, dischargeDate: '2018-02-27' }] })],
    ['the earlier stay was at the same hospital', transfer({ previousStays: [{ ...PREVIOUS, hospitalId: 'JJ-CONS' }] })],
    ['the earlier stay was in another consortium', transfer({ previousStays: [{ ...PREVIOUS, consortium: 'JJ-YLT-2' }] })],
    ["the earlier stay's hospital had no consortium", transfer({ previousStays: [{ ...PREVIOUS, consortium: null }] })],
    ['the hospital belongs to no consortium', transfer({ request: { hospitalId: 'QZ-FIRST', consortiumTransfer: true, charges: { total: '10000' } } })],
    [
      'the hospital is out of area (even in a consortium)',
      transfer({ request: { hospitalId: 'FZ-XIEHE', consortiumTransfer: true, charges: { total: '10000' } }, hospital: { consortium: 'JJ-YLT-1' }, filings: [FILED] }),
    ],
  ];
  for (const [name, c] of UNMATCHED) {
    it(`consortium transfer refused CONSORTIUM_TRANSFER_UNMATCHED: ${name}`, () => {
      const r = refuse('jinjiang', c);
      expect(r.code).toBe('CONSORTIUM_TRANSFER_UNMATCHED');
      expect(r.message).toMatch(/六\(一\)3/);
    });
  }
});

describe('jinjiang-2018 special outpatient (六(一)3, 七(二))', () => {
  const so = (extra: Case = {}) =>
    jj({
      ...extra,
      request: { hospitalId: 'JJ-CITY', visitType: 'special-outpatient', specialDisease: 'diabetes', charges: { total: '3000' }, ...extra.request },
      enrollee: { specialDiseases: ['diabetes', 'hypertension-3'], ...extra.enrollee },
    });

  it('first of the year with no stay before: ordinal 1, full deductible, counted', () => {
    const s = so();
    // JJ-CITY is level 2: (3000 − 400) × 0.75 = 1950.00
    expect(paid(s)).toEqual(five({ basic: '1950.00' }));
    expect(s.admissionOrdinal).toBe(1);
    expect(deltas(s)).toMatchObject({ admissions: 1, specialOutpatientCounted: 1 });
  });

  it('first of the year after one stay: takes the next ordinal (2) and its factor 0.5', () => {
    const s = so({ acc: { admissions: 1 } });
    // D = 400 × 0.5 = 200; (3000 − 200) × 0.75 = 2100.00
    expect(paid(s).basic).toBe('2100.00');
    expect(s.admissionOrdinal).toBe(2);
    expect(deltas(s)).toMatchObject({ admissions: 1, specialOutpatientCounted: 1 });
  });

  it('later ones: factor 0 and no count, for any special disease of the person', () => {
    for (const specialDisease of ['diabetes', 'hypertension-3']) {
      const s = so({ request: { specialDisease }, acc: { admissions: 2, specialOutpatientCounted: true } });
      // 3000 × 0.75 = 2250.00
      expect(paid(s).basic).toBe('2250.00');
      expect(s.admissionOrdinal).toBeNull();
      expect(deltas(s)).toMatchObject({ admissions: 0, specialOutpatientCounted: 0 });
    }
  });

  it('an inpatient stay after the special-outpatient year was counted as admission 1 is admission 2', () => {
    const s = jj({ request: { charges: { total: '10000' } }, acc: { admissions: 1, specialOutpatientCounted: true } });
    expect(paid(s).basic).toBe('5280.00'); // D 400: 9600 × 0.55
    expect(s.admissionOrdinal).toBe(2);
  });

  it("any code on the person's record is accepted (the list is not in the sources)", () => {
    const s = so({ request: { specialDisease: 'hypertension-3' } });
    expect(paid(s).basic).toBe('1950.00');
  });

  it("a disease not on the person's record → SPECIAL_DISEASE_NOT_APPROVED", () => {
    const r = jjRefused({
      request: { visitType: 'special-outpatient', specialDisease: 'copd' },
      enrollee: { specialDiseases: ['diabetes'] },
    });
    expect(r.code).toBe('SPECIAL_DISEASE_NOT_APPROVED');
  });

  it('no disease named → SPECIAL_DISEASE_NOT_APPROVED', () => {
    expect(jjRefused({ request: { visitType: 'special-outpatient' }, enrollee: { specialDiseases: ['diabetes'] } }).code).toBe('SPECIAL_DISEASE_NOT_APPROVED');
  });
});

describe('jinjiang-2018 out of area (七(三))', () => {
  it('with an active filing: × 0.8', () => {
    const s = jj({ request: { hospitalId: 'FZ-XIEHE', charges: { total: '10000' } }, filings: [FILED] });
    // (10000 − 800) × 0.55 × 0.8 = 4048.00
    expect(paid(s)).toEqual(five({ basic: '4048.00' }));
    expect(s.referralId).toBe('R-JJ-1');
  });

  it('an emergency without filing: × 0.8', () => {
    const s = jj({ request: { hospitalId: 'FZ-XIEHE', emergency: true, charges: { total: '10000' } } });
    expect(paid(s).basic).toBe('4048.00'); // 9200 × 0.55 × 0.8
    expect(s.referralId).toBeNull();
  });

  it('level 2 out of area with filing: × 0.8 on level 2', () => {
    const s = jj({ request: { hospitalId: 'XM-L2', charges: { total: '10000' } }, filings: [FILED] });
    expect(paid(s).basic).toBe('5760.00'); // 9600 × 0.75 × 0.8
  });

  it('rounding happens once, on raw × 0.8', () => {
    const s = jj({ request: { hospitalId: 'FZ-XIEHE', charges: { total: '1000.01' } }, filings: [FILED] });
    // (1000.01 − 800) × 0.55 × 0.8 = 200.01 × 0.44 = 88.0044 → 88.00
    expect(paid(s).basic).toBe('88.00');
  });

  it('neither filing nor emergency → REFERRAL_REQUIRED', () => {
    expect(jjRefused({ request: { hospitalId: 'FZ-XIEHE' } }).code).toBe('REFERRAL_REQUIRED');
  });

  it('a revoked, expired or other-hospital filing → REFERRAL_REQUIRED', () => {
    for (const bad of [{ status: 'revoked' as const }, { validTo: '2018-03-09' }, { toHospitalId: 'XM-L2' }]) {
      expect(jjRefused({ request: { hospitalId: 'FZ-XIEHE' }, filings: [{ ...FILED, ...bad }] }).code).toBe('REFERRAL_REQUIRED');
    }
  });

  it('in area (Quanzhou 3505xx outside Jinjiang) needs no filing', () => {
    expect(paid(jj({ request: { hospitalId: 'QZ-FIRST' } })).basic).toBe('5060.00');
  });
});

describe('jinjiang-2018 fund-payment cap (六(一)3) and critical illness (六(一)6)', () => {
  it('the 150,000 cap is reached inside a stay', () => {
    const s = jj({ request: { hospitalId: 'JJ-COMM', charges: { total: '10000' } }, acc: { basicPaid: '145000', admissions: 5 } });
    // raw = (10000 − 0) × 0.90 = 9000 (3rd+ admission); min(9000, 150000 − 145000) = 5000.00
    expect(paid(s).basic).toBe('5000.00');
    expect(deltas(s).basicPaid).toBe('5000.00');
    expect(s.steps.find((st) => st.rule.endsWith('/fund-cap'))).toBeDefined();
  });

  it('after the cap basic is 0', () => {
    const s = jj({ request: { hospitalId: 'JJ-COMM', charges: { total: '10000' } }, acc: { basicPaid: '150000', admissions: 5 } });
    expect(paid(s)).toEqual(five({}));
    expect(fmt(s.patientTotal)).toBe('10000.00');
  });

  it('criticalIllness is 0.00 with a note saying the scale is not among the sources', () => {
    const s = jj({ request: { charges: { total: '500000' } }, acc: { compliantSelfBurden: '300000' } });
    // 499200 × 0.55 = 274560.00, capped at 150000.00; CI 0 whatever the burden
    expect(paid(s)).toEqual(five({ basic: '150000.00' }));
    expect(s.notes.some((n) => n.includes('泉医保〔2017〕71号') && n.includes('0.00'))).toBe(true);
  });
});

describe('jinjiang-2018 local programmes (六(二), 六(三))', () => {
  for (const category of ['rural-only-daughter', 'rural-two-daughters', 'poor-party-member', 'disability-card'] as const) {
    it(`specialGroup (${category}): 50% of R`, () => {
      const s = jj({ request: { charges: { total: '10000' } }, enrollee: { categories: [category] } });
      // basic = 5060; R = 10000 − 5060 − 0 = 4940; 0.5 × 4940 = 2470.00
      expect(paid(s)).toEqual(five({ basic: '5060.00', specialGroup: '2470.00' }));
      expect(fmt(s.fundTotal)).toBe('7530.00');
      expect(fmt(s.patientTotal)).toBe('2470.00');
    });
  }

  it('specialGroup rounds half up', () => {
    const s = jj({ request: { hospitalId: 'JJ-COMM', charges: { total: '100.01' } }, enrollee: { categories: ['disability-card'] } });
    // basic = (100.01 − 50) × 0.9 = 45.009 → 45.01; R = 55.00; 27.50
    expect(paid(s)).toEqual(five({ basic: '45.01', specialGroup: '27.50' }));
    const t = jj({ request: { hospitalId: 'JJ-COMM', charges: { total: '100.11' } }, enrollee: { categories: ['disability-card'] } });
    // basic = 50.11 × 0.9 = 45.099 → 45.10; R = 55.01; 27.505 → 27.51
    expect(paid(t)).toEqual(five({ basic: '45.10', specialGroup: '27.51' }));
  });

  it('specialGroup not when the person also has medical-aid', () => {
    const s = jj({ request: { charges: { total: '10000' } }, enrollee: { categories: ['rural-only-daughter', 'medical-aid'] } });
    expect(paid(s)).toEqual(five({ basic: '5060.00' }));
  });

  it('majorDiseaseReferral: out of area, level 3, active filing, listed disease → 70% of R', () => {
    const s = jj({ request: { hospitalId: 'FZ-XIEHE', majorDisease: 'cardiac-surgery', charges: { total: '10000' } }, filings: [FILED] });
    // basic = 9200 × 0.55 × 0.8 = 4048.00; R = 5952; 0.7 × 5952 = 4166.40
    expect(paid(s)).toEqual(five({ basic: '4048.00', majorDiseaseReferral: '4166.40' }));
    expect(fmt(s.patientTotal)).toBe('1785.60'); // 10000 − 4048 − 4166.40
  });

  it('majorDiseaseReferral: each condition is needed', () => {
    const base = { request: { hospitalId: 'FZ-XIEHE', majorDisease: 'cardiac-surgery', charges: { total: '10000' } }, filings: [FILED] };
    // in area, level 3: basic 5060, no programme
    expect(paid(jj({ ...base, request: { ...base.request, hospitalId: 'QZ-FIRST' } })).majorDiseaseReferral).toBe('0.00');
    // out of area level 2 with filing
    expect(paid(jj({ ...base, request: { ...base.request, hospitalId: 'XM-L2' } })).majorDiseaseReferral).toBe('0.00');
    // emergency without filing (payment × 0.8, but no active filing)
    expect(paid(jj({ request: { ...base.request, emergency: true } })).majorDiseaseReferral).toBe('0.00');
    // disease not on the list
    expect(paid(jj({ ...base, request: { ...base.request, majorDisease: 'appendicitis' } })).majorDiseaseReferral).toBe('0.00');
    // no disease named
    expect(paid(jj({ ...base, request: { ...base.request, majorDisease: null } })).majorDiseaseReferral).toBe('0.00');
  });

  it('majorDiseaseReferral and specialGroup both apply: only the larger is paid', () => {
    const s = jj({
      request: { hospitalId: 'FZ-XIEHE', majorDisease: 'esrd', charges: { total: '10000' } },
      filings: [FILED],
      enrollee: { categories: ['rural-only-daughter'] },
    });
    // R = 5952: MDR 0.7 × 5952 = 4166.40 > SG 0.5 × 5952 = 2976.00 → MDR only
    expect(paid(s)).toEqual(five({ basic: '4048.00', majorDiseaseReferral: '4166.40', specialGroup: '0.00' }));
  });

  it('specialGroup still pays out of area when majorDiseaseReferral does not apply', () => {
    const s = jj({ request: { hospitalId: 'FZ-XIEHE', emergency: true, majorDisease: 'esrd', charges: { total: '10000' } }, enrollee: { categories: ['rural-only-daughter'] } });
    // basic 4048; R 5952; SG 2976.00
    expect(paid(s)).toEqual(five({ basic: '4048.00', specialGroup: '2976.00' }));
  });

  it('retiredCadreSpouse: 50% of R, counted in retiredCadreSpousePaid', () => {
    const s = jj({ request: { charges: { total: '10000' } }, enrollee: { categories: ['retired-cadre-surviving-spouse'] } });
    // R = 4940; 0.5 × 4940 = 2470.00
    expect(paid(s)).toEqual(five({ basic: '5060.00', retiredCadreSpouse: '2470.00' }));
    expect(deltas(s).retiredCadreSpousePaid).toBe('2470.00');
  });

  it('retiredCadreSpouse is paid on R less the line above (specialGroup)', () => {
    const s = jj({ request: { charges: { total: '10000' } }, enrollee: { categories: ['retired-cadre-surviving-spouse', 'poor-party-member'] } });
    // R = 4940; SG = 2470.00; R' = 2470; RCS = 1235.00
    expect(paid(s)).toEqual(five({ basic: '5060.00', specialGroup: '2470.00', retiredCadreSpouse: '1235.00' }));
    expect(fmt(s.fundTotal)).toBe('8765.00');
  });

  it('retiredCadreSpouse is paid on R less the line above (majorDiseaseReferral)', () => {
    const s = jj({
      request: { hospitalId: 'FZ-XIEHE', majorDisease: 'hemophilia', charges: { total: '10000' } },
      filings: [FILED],
      enrollee: { categories: ['retired-cadre-surviving-spouse'] },
    });
    // R = 5952; MDR 4166.40; R' = 1785.60; RCS = 892.80
    expect(paid(s)).toEqual(five({ basic: '4048.00', majorDiseaseReferral: '4166.40', retiredCadreSpouse: '892.80' }));
  });

  it('retiredCadreSpouse is capped at 50,000 a year via retiredCadreSpousePaid', () => {
    const enrollee = { categories: ['retired-cadre-surviving-spouse' as const] };
    const s = jj({ request: { charges: { total: '10000' } }, enrollee, acc: { retiredCadreSpousePaid: '49000' } });
    // min(2470, 50000 − 49000) = 1000.00
    expect(paid(s).retiredCadreSpouse).toBe('1000.00');
    expect(deltas(s).retiredCadreSpousePaid).toBe('1000.00');
    const t = jj({ request: { charges: { total: '10000' } }, enrollee, acc: { retiredCadreSpousePaid: '50000' } });
    expect(paid(t).retiredCadreSpouse).toBe('0.00');
    expect(deltas(t).retiredCadreSpousePaid).toBe('0.00');
  });

  it('programmes also apply to special outpatient', () => {
    const s = jj({
      request: { hospitalId: 'JJ-CITY', visitType: 'special-outpatient', specialDisease: 'diabetes', charges: { total: '3000' } },
      enrollee: { specialDiseases: ['diabetes'], categories: ['disability-card'] },
    });
    // basic 1950; R 1050; SG 525.00
    expect(paid(s)).toEqual(five({ basic: '1950.00', specialGroup: '525.00' }));
  });
});

describe('jinjiang-2018 childbirth lump sum (六(一)7)', () => {
  const birth = (delivery: string | null, total = '5000', extra: Case = {}) =>
    jj({ ...extra, request: { visitType: 'childbirth', delivery, charges: { total }, ...extra.request } });

  it('vaginal: 1000, only a basic line, no admission, no accumulator', () => {
    const s = birth('vaginal');
    expect(paid(s)).toEqual({ basic: '1000.00' });
    expect(fmt(s.patientTotal)).toBe('4000.00'); // 5000 − 1000
    expect(s.admissionOrdinal).toBeNull();
    expect(deltas(s)).toEqual({
      admissions: 0,
      specialOutpatientCounted: 0,
      basicEligible: '0.00',
      basicPaid: '0.00',
      compliantSelfBurden: '0.00',
      criticalIllnessPaid: '0.00',
      outpatientPaid: '0.00',
      retiredCadreSpousePaid: '0.00',
    });
  });

  it('cesarean: 1500', () => {
    expect(paid(birth('cesarean'))).toEqual({ basic: '1500.00' });
  });

  it('never more than S: min(lump, S)', () => {
    const s = birth('cesarean', '1000', { request: { charges: { total: '1000', fullSelfPay: '200' } } });
    // S = 800; min(1500, 800) = 800.00
    expect(paid(s)).toEqual({ basic: '800.00' });
  });

  it('no other line even for a person of the programmes, nor the deductible factors', () => {
    const s = birth('vaginal', '5000', { enrollee: { categories: ['rural-only-daughter', 'retired-cadre-surviving-spouse'] }, acc: { admissions: 1, basicPaid: '150000' } });
    expect(paid(s)).toEqual({ basic: '1000.00' });
  });

  it('maternityInsured → NOT_COVERED', () => {
    expect(jjRefused({ request: { visitType: 'childbirth', delivery: 'vaginal' }, enrollee: { maternityInsured: true } }).code).toBe('NOT_COVERED');
  });

  it('a man → NOT_COVERED', () => {
    expect(jjRefused({ request: { visitType: 'childbirth', delivery: 'vaginal' }, enrollee: { sex: 'M' } }).code).toBe('NOT_COVERED');
  });

  it('missing delivery → VALIDATION_FAILED with details path "delivery"', () => {
    const r = jjRefused({ request: { visitType: 'childbirth' } });
    expect(r.code).toBe('VALIDATION_FAILED');
    expect(r.details.map((d) => d.path)).toEqual(['delivery']);
    expect(r.message).not.toContain('\n');
  });
});

describe('jinjiang-2018 attribution, coverage, visit types (六(一)1, 五(二)7, 七(一))', () => {
  it('a stay across 12-31/01-01 → CROSS_YEAR_SPLIT_REQUIRED', () => {
    const r = jjRefused({
      request: { admissionDate: '2018-12-28', dischargeDate: '2019-01-03' },
      enrollee: { coverage: [{ from: '2018-01-01', to: '2019-12-31' }] },
    });
    expect(r.code).toBe('CROSS_YEAR_SPLIT_REQUIRED');
    expect(r.message).toMatch(/2018-12-31/);
  });

  it('the first half of a split stay, ending 12-31, is settled in 2018', () => {
    const s = jj({ request: { admissionDate: '2018-12-28', dischargeDate: '2018-12-31', charges: { total: '10000' } } });
    expect(s.benefitYear).toBe(2018);
    expect(paid(s).basic).toBe('5060.00');
  });

  it('admission before the coverage from (waiting period) → NOT_COVERED', () => {
    const r = jjRefused({
      request: { admissionDate: '2018-02-25', dischargeDate: '2018-03-05' },
      enrollee: { coverage: [{ from: '2018-03-01', to: '2018-12-31' }] },
    });
    expect(r.code).toBe('NOT_COVERED');
  });

  it('admission on the coverage from is settled', () => {
    const s = jj({ request: { admissionDate: '2018-03-01', dischargeDate: '2018-03-05' }, enrollee: { coverage: [{ from: '2018-03-01', to: '2018-12-31' }] } });
    expect(paid(s).basic).toBe('5060.00');
  });

  it('the admission date decides: discharge after the period ends is still settled', () => {
    const s = jj({ request: { admissionDate: '2018-06-28', dischargeDate: '2018-07-02' }, enrollee: { coverage: [{ from: '2018-01-01', to: '2018-06-30' }] } });
    expect(paid(s).basic).toBe('5060.00');
  });

  it('outpatient and emergency-death visits → VISIT_TYPE_NOT_COVERED', () => {
    expect(jjRefused({ request: { visitType: 'outpatient' } }).code).toBe('VISIT_TYPE_NOT_COVERED');
    expect(jjRefused({ request: { visitType: 'emergency-death' } }).code).toBe('VISIT_TYPE_NOT_COVERED');
  });

  for (const liability of ['work-injury', 'third-party', 'public-health'] as const) {
    it(`liability ${liability} → NOT_COVERED`, () => {
      expect(jjRefused({ request: { liability } }).code).toBe('NOT_COVERED');
    });
  }

  it('a 2019 stay → NO_POLICY (only 2018 is loaded)', () => {
    const r = jjRefused({ request: { admissionDate: '2019-03-01', dischargeDate: '2019-03-10' }, enrollee: { coverage: [{ from: '2019-01-01', to: '2019-12-31' }] } });
    expect(r.code).toBe('NO_POLICY');
  });
});
