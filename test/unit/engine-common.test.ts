/**
 * Common ground of docs/spec/policies.md, checked over settlements of all
 * three policies: the split adds up to the total exactly, every line and
 * step cites its source, each policy and visit type reports exactly its fund
 * lines with the national fund codes, rounding is half up to the fen, and the
 * engine is pure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDeltas, negateDeltas } from '../../src/domain/accumulators.js';
import { ZERO, formatMoney } from '../../src/domain/money.js';
import type { Charges, PersonCategory } from '../../src/domain/types.js';
import { settle } from '../../src/engine/settle.js';
import { buildAccumulators, buildEnrollee, buildHospital, buildRequest, catalog, fmt, paid, run, settleOk, settled, type Case, type Region } from '../helpers/engine-fixtures.js';

const SEED_FILES = ['000_b298e4d9608db673.txt', '001_0e31973e4dd59fea.txt', '002_dda74ca139f336db.txt'];
const cites = (cite: string) => SEED_FILES.some((file) => cite.includes(file)) || cite.includes('policies.md');

const PY_FILING = { referralId: 'R-PY', validFrom: '2019-01-01', validTo: '2019-12-31' };
const JJ_FILING = { referralId: 'R-JJ', validFrom: '2018-01-01', validTo: '2018-12-31' };

/** Settlements that between them take every branch of the engine. */
const SCENARIOS: [string, Region, Case, string[]][] = [
  ['pingyang inpatient county', 'pingyang', { request: { charges: { total: '12345.67', fullSelfPay: '300', preSelfPay: '120' } } }, ['basic', 'criticalIllness']],
  ['pingyang inpatient in-city unfiled (penalty)', 'pingyang', { request: { hospitalId: 'WZ-CITY', charges: { total: '50000' } } }, ['basic', 'criticalIllness']],
  ['pingyang inpatient out-of-city filed', 'pingyang', { request: { hospitalId: 'ZJ-PROV', referralId: 'R-PY' }, filings: [PY_FILING] }, ['basic', 'criticalIllness']],
  ['pingyang inpatient with named bad referral (note)', 'pingyang', { request: { hospitalId: 'ZJ-PROV', referralId: 'R-X' } }, ['basic', 'criticalIllness']],
  [
    'pingyang expense cap + CI',
    'pingyang',
    { request: { charges: { total: '99999.99' } }, acc: { basicEligible: '120000', compliantSelfBurden: '160000' } },
    ['basic', 'criticalIllness'],
  ],
  ['pingyang childbirth', 'pingyang', { request: { visitType: 'childbirth' } }, ['basic', 'criticalIllness']],
  ['pingyang emergency-death', 'pingyang', { request: { visitType: 'emergency-death', hospitalId: 'PY-TOWN' } }, ['basic', 'criticalIllness']],
  [
    'pingyang special outpatient',
    'pingyang',
    { request: { visitType: 'special-outpatient', specialDisease: 'sle' }, enrollee: { specialDiseases: ['sle'] } },
    ['basic', 'criticalIllness'],
  ],
  ['pingyang outpatient township', 'pingyang', { request: { visitType: 'outpatient', hospitalId: 'PY-TOWN', charges: { total: '321.23' } } }, ['basic']],
  [
    'pingyang outpatient capped',
    'pingyang',
    { request: { visitType: 'outpatient', hospitalId: 'PY-COUNTY', referredFromPrimary: true }, acc: { outpatientPaid: '799.99' } },
    ['basic'],
  ],
  ['pingyang outpatient out of county (note)', 'pingyang', { request: { visitType: 'outpatient', hospitalId: 'WZ-CITY' } }, ['basic']],
  [
    'jinjiang inpatient',
    'jinjiang',
    { request: { charges: { total: '23456.78', overLimitSelfPay: '56.78' } } },
    ['basic', 'criticalIllness', 'majorDiseaseReferral', 'specialGroup', 'retiredCadreSpouse'],
  ],
  [
    'jinjiang out of area filed, all programmes',
    'jinjiang',
    {
      request: { hospitalId: 'FZ-XIEHE', majorDisease: 'esrd', charges: { total: '87654.32' } },
      filings: [JJ_FILING],
      enrollee: { categories: ['rural-two-daughters', 'retired-cadre-surviving-spouse'] },
      acc: { admissions: 1, basicPaid: '100000', retiredCadreSpousePaid: '45000' },
    },
    ['basic', 'criticalIllness', 'majorDiseaseReferral', 'specialGroup', 'retiredCadreSpouse'],
  ],
  [
    'jinjiang emergency out of area',
    'jinjiang',
    { request: { hospitalId: 'XM-L2', emergency: true } },
    ['basic', 'criticalIllness', 'majorDiseaseReferral', 'specialGroup', 'retiredCadreSpouse'],
  ],
  [
    'jinjiang consortium transfer',
    'jinjiang',
    {
      request: { hospitalId: 'JJ-CONS', consortiumTransfer: true },
      previousStays: [{ settlementId: 'S-PREV', hospitalId: 'JJ-CITY', consortium: 'JJ-YLT-1', dischargeDate: '2018-03-01', admissionOrdinal: 1 }],
      acc: { admissions: 1 },
    },
    ['basic', 'criticalIllness', 'majorDiseaseReferral', 'specialGroup', 'retiredCadreSpouse'],
  ],
  [
    'jinjiang special outpatient',
    'jinjiang',
    { request: { visitType: 'special-outpatient', specialDisease: 'x1' }, enrollee: { specialDiseases: ['x1'] } },
    ['basic', 'criticalIllness', 'majorDiseaseReferral', 'specialGroup', 'retiredCadreSpouse'],
  ],
  ['jinjiang childbirth', 'jinjiang', { request: { visitType: 'childbirth', delivery: 'cesarean' } }, ['basic']],
  ['taiyuan inpatient', 'taiyuan', { request: { hospitalId: 'TY-L2', charges: { total: '45678.91' } }, enrollee: { categories: ['medical-aid'] } }, ['basic', 'criticalIllness']],
  [
    'taiyuan out of area filed, CI capped',
    'taiyuan',
    {
      request: { hospitalId: 'BJ-PUMCH', charges: { total: '200000' } },
      filings: [{ referralId: 'R-TY', kind: 'out-of-area', validFrom: '2019-01-01', validTo: '2019-12-31' }],
      acc: { compliantSelfBurden: '500000', criticalIllnessPaid: '399000' },
    },
    ['basic', 'criticalIllness'],
  ],
];

describe('common ground over every kind of settlement', () => {
  for (const [name, region, c, funds] of SCENARIOS) {
    describe(name, () => {
      const s = settleOk(region, c);

      it('fundTotal + patientTotal = total exactly; fundTotal = Σ payments', () => {
        const sum = Object.values(s.payments).reduce((a, b) => a.plus(b!), ZERO);
        expect(fmt(s.fundTotal)).toBe(fmt(sum));
        expect(s.fundTotal.plus(s.patientTotal).eq(s.total)).toBe(true);
        expect(s.patientTotal.gte(0)).toBe(true);
      });

      it('payments hold exactly the fund lines of the policy and visit type, each ≥ 0 with two decimals at most', () => {
        expect(Object.keys(s.payments).sort()).toEqual([...funds].sort());
        for (const amount of Object.values(s.payments)) {
          expect(amount!.gte(0)).toBe(true);
          expect(amount!.decimalPlaces()).toBeLessThanOrEqual(2);
        }
      });

      it('lines mirror the payments with the national fund codes', () => {
        expect(s.lines.map((l) => l.fund).sort()).toEqual([...funds].sort());
        for (const line of s.lines) {
          expect(fmt(line.amount)).toBe(fmt(s.payments[line.fund]!));
          const code = { basic: '390100', criticalIllness: '390200' }[line.fund as string] ?? null;
          expect(line.fundPayType).toBe(code);
        }
      });

      it('every line and step has a non-empty cite naming a seed file or policies.md', () => {
        expect(s.lines.length).toBeGreaterThan(0);
        expect(s.steps.length).toBeGreaterThan(0);
        for (const item of [...s.lines, ...s.steps]) {
          expect(item.cite.trim()).not.toBe('');
          expect(cites(item.cite), `cite "${item.cite}"`).toBe(true);
        }
        for (const step of s.steps) expect(step.rule.startsWith(`${s.policyId}/${s.visitType}/`)).toBe(true);
      });

      it('notes are single lines', () => {
        for (const note of s.notes) expect(note).not.toMatch(/\n/);
      });
    });
  }

  it('every refusal of the engine comes back as a typed value with a one-line message', () => {
    const refusals = [
      run('pingyang', { request: { liability: 'third-party' } }),
      run('pingyang', { request: { visitType: 'childbirth' }, enrollee: { sex: 'M' } }),
      run('jinjiang', { request: { hospitalId: 'FZ-XIEHE' } }),
      run('jinjiang', { request: { admissionDate: '2018-12-30', dischargeDate: '2019-01-02' } }),
      run('jinjiang', { request: { visitType: 'childbirth' } }),
      run('taiyuan', { request: { visitType: 'outpatient' } }),
      run('taiyuan', { request: { admissionDate: '2020-01-01', dischargeDate: '2020-01-01' } }),
    ];
    for (const outcome of refusals) {
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.refusal.message.length).toBeGreaterThan(0);
        expect(outcome.refusal.message).not.toMatch(/\n/);
      }
    }
  });
});

describe('selection and charges', () => {
  it('a region without any loaded policy → NO_POLICY', () => {
    const outcome = run('pingyang', { enrollee: { region: 'xiamen' } });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.refusal.code).toBe('NO_POLICY');
  });

  it('S < 0 is invalid even if it reaches the engine (VALIDATION_FAILED on charges)', () => {
    const request = buildRequest('pingyang');
    const amounts = request.charges as Charges;
    const charges = { ...amounts, fullSelfPay: amounts.total.plus('0.01') };
    const outcome = settle({
      catalog,
      request: { ...request, charges },
      hospital: buildHospital('PY-COUNTY'),
      enrollee: buildEnrollee('pingyang'),
      filings: [],
      accumulators: buildAccumulators(),
      accumulatorsYear: 2019,
    });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.refusal.code).toBe('VALIDATION_FAILED');
      expect(outcome.refusal.details.map((d) => d.path)).toEqual(['charges']);
    }
  });

  it('S = 0 (everything outside the catalogue) pays nothing and the patient pays all', () => {
    const s = settleOk('taiyuan', { request: { charges: { total: '5000', fullSelfPay: '3000', overLimitSelfPay: '1000', preSelfPay: '1000' } } });
    expect(fmt(s.policyScope)).toBe('0.00'); // 5000 − 3000 − 1000 − 1000
    expect(paid(s)).toEqual({ basic: '0.00', criticalIllness: '0.00' });
    expect(fmt(s.patientTotal)).toBe('5000.00');
  });
});

describe('rounding: each line to 0.01, half up, when it is produced', () => {
  it('x.xx5 rounds up', () => {
    const s = settleOk('pingyang', { request: { charges: { total: '1000.05' } } });
    // (1000.05 − 900) × 0.70 = 70.035 → 70.04
    expect(paid(s).basic).toBe('70.04');
    expect(fmt(s.patientTotal)).toBe('930.01'); // 1000.05 − 70.04
  });

  it('x.xx4 rounds down', () => {
    const s = settleOk('pingyang', { request: { charges: { total: '1000.02' } } });
    // 100.02 × 0.70 = 70.014 → 70.01
    expect(paid(s).basic).toBe('70.01');
  });

  it('the compliant self-burden uses the rounded basic', () => {
    const s = settleOk('pingyang', { request: { charges: { total: '1000.05' } } });
    // b = 1000.05 − 70.04 = 930.01
    expect(formatMoney(s.deltas.compliantSelfBurden)).toBe('930.01');
  });

  it('the CI scale rounds g(B1) and g(B0) separately', () => {
    const s = settleOk('pingyang', {
      request: { charges: { total: '1000.05' } },
      acc: { compliantSelfBurden: '40000.01' },
    });
    // B 40000.01 → 40930.02; g1 = 0.6 × 8330.02 = 4998.012 → 4998.01; g0 = 0.6 × 7400.01 = 4440.006 → 4440.01
    // CI = 4998.01 − 4440.01 = 558.00 (0.6 × 930.01 = 558.006 would round to 558.01)
    expect(paid(s).criticalIllness).toBe('558.00');
  });
});

describe('the engine is pure', () => {
  it('the same input gives the same output, and the inputs are left untouched', () => {
    const request = buildRequest('jinjiang', { hospitalId: 'FZ-XIEHE', majorDisease: 'esrd', charges: { total: '54321.09' } });
    const acc = buildAccumulators({ admissions: 1, basicPaid: '1000', retiredCadreSpousePaid: '100' });
    const enrollee = buildEnrollee('jinjiang', { categories: ['retired-cadre-surviving-spouse'] satisfies PersonCategory[] });
    const input = {
      catalog,
      request,
      hospital: buildHospital('FZ-XIEHE'),
      enrollee,
      filings: [{ referralId: 'R-1', card: 'C1', kind: 'referral' as const, validFrom: '2018-01-01', validTo: '2018-12-31', status: 'active' as const }],
      accumulators: acc,
      accumulatorsYear: 2018,
    };
    const before = JSON.stringify(input.accumulators);
    const a = settled(settle(input));
    const b = settled(settle(input));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(input.accumulators)).toBe(before);
  });

  it('accumulators of the wrong year are a programming error, not a refusal', () => {
    const request = buildRequest('pingyang');
    expect(() =>
      settle({
        catalog,
        request,
        hospital: buildHospital('PY-COUNTY'),
        enrollee: buildEnrollee('pingyang'),
        filings: [],
        accumulators: buildAccumulators(),
        accumulatorsYear: 2018,
      }),
    ).toThrow(/accumulators of 2018/);
  });

  it("a reversal subtracts exactly the settlement's own deltas", () => {
    const before = { admissions: 2, basicEligible: '1234.56', basicPaid: '999.99', compliantSelfBurden: '40000', criticalIllnessPaid: '100' };
    const acc = buildAccumulators(before);
    const s = settleOk('pingyang', { request: { charges: { total: '77777.77' } }, acc: before });
    const after = applyDeltas(acc, s.deltas);
    expect(after.admissions).toBe(3);
    const back = applyDeltas(after, negateDeltas(s.deltas));
    expect(JSON.stringify(back)).toBe(JSON.stringify(acc));
  });
});

describe('invariants over generated requests (deterministic seed)', () => {
  const amount = fc.integer({ min: 0, max: 50_000_000 }).map((fen) => (fen / 100).toFixed(2));
  const hospitalsOf: Record<Region, string[]> = {
    pingyang: ['PY-TOWN', 'PY-COMM', 'PY-COUNTY', 'WZ-CITY', 'ZJ-PROV'],
    jinjiang: ['JJ-CITY', 'QZ-FIRST', 'JJ-TCM', 'JJ-ANHAI', 'JJ-COMM', 'JJ-CONS', 'FZ-XIEHE', 'XM-L2'],
    taiyuan: ['TY-L1', 'TY-L2', 'TY-L3', 'BJ-PUMCH'],
  };
  const categories = fc.subarray([
    'medical-aid',
    'low-income-assistance',
    'rural-destitute',
    'registered-poor',
    'rural-only-daughter',
    'retired-cadre-surviving-spouse',
  ] as PersonCategory[]);

  for (const region of ['pingyang', 'jinjiang', 'taiyuan'] as const) {
    it(`${region}: split adds up, every line is between 0 and the policy-scope amount`, () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...hospitalsOf[region]),
          amount,
          amount,
          amount,
          categories,
          fc.integer({ min: 0, max: 4 }),
          amount,
          amount,
          fc.boolean(),
          (hospitalId, total, fullSelfPayRaw, eligibleBefore, cats, admissions, paidBefore, burdenBefore, filed) => {
            const fullSelfPay = Number(fullSelfPayRaw) > Number(total) ? total : fullSelfPayRaw;
            const year = region === 'jinjiang' ? 2018 : 2019;
            const outcome = run(region, {
              request: { hospitalId, emergency: !filed, charges: { total, fullSelfPay } },
              enrollee: { categories: cats },
              filings: filed ? [{ validFrom: `${year}-01-01`, validTo: `${year}-12-31` }] : [],
              acc: { admissions, basicEligible: eligibleBefore, basicPaid: paidBefore, compliantSelfBurden: burdenBefore, criticalIllnessPaid: '0' },
            });
            if (!outcome.ok) {
              // Only Taiyuan refuses an unfiled out-of-area stay here.
              expect(outcome.refusal.code).toBe('REFERRAL_REQUIRED');
              return;
            }
            const s = outcome.settlement;
            expect(s.fundTotal.plus(s.patientTotal).eq(s.total)).toBe(true);
            for (const value of Object.values(s.payments)) {
              expect(value!.gte(0)).toBe(true);
              expect(value!.decimalPlaces()).toBeLessThanOrEqual(2);
            }
            expect(s.fundTotal.lte(s.policyScope)).toBe(true);
          },
        ),
        { seed: 20190101, numRuns: 150 },
      );
    });
  }
});
