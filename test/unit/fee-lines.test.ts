/**
 * Classification of fee lines against a catalogue (api.md "Fee lines and the
 * catalogue"): per level, price ceilings, 乙 ratios, rounding per line,
 * validity dates, unknown codes; and worked examples reproduced from lines.
 */
import { describe, expect, it } from 'vitest';
import { parseCatalogueText } from '../../src/catalogue/loader.js';
import { formatMoney, money, type Money } from '../../src/domain/money.js';
import { classifyFeeLines, type FeeLineClassification } from '../../src/engine/fee-lines.js';
import type { FeeLine } from '../../src/domain/types.js';
import { catalog, paid, refused, settled } from '../helpers/engine-fixtures.js';
import { ANCHOR, CATALOGUE_OF_REGION, PY1_LINES, demoCatalogues, linesFor, runLines } from '../helpers/fee-lines.js';
import { registry, workedExamples } from '../helpers/worked-examples.js';
import { emptyAccumulators } from '../../src/domain/accumulators.js';
import { settle } from '../../src/engine/settle.js';
import type { EngineOutcome } from '../../src/engine/types.js';
import { parseSettlementRequest } from '../../src/contract/settlement.js';

const fixtures = registry();

const CATALOGUE = parseCatalogueText(
  'unit',
  'unit.csv',
  [
    'code,name,level,selfPayRatio,priceCeiling,category,validFrom,validTo',
    'A1,甲无限价,01,,,09,,',
    'A2,甲限价,01,,10.00,01,,',
    'B1,乙一成,02,0.1,,09,,',
    'B2,乙限价两成,02,0.2,5.123456,08,,',
    'B3,乙自付一成五,02,0.15,,05,,',
    'C1,丙,03,,,14,,',
    'C2,丙有限价,03,,1.00,11,,',
    'D1,两段限价,01,,2.00,09,,2019-06-30',
    'D1,两段限价,01,,1.50,09,2019-07-01,',
    'E1,新增,01,,,03,2019-03-05,',
    'E2,已停用,01,,,04,,2019-03-04',
  ].join('\n'),
);

let ids = 0;
function line(code: string, quantity: string, unitPrice: string, time: string | null = null): FeeLine {
  const q = money(quantity);
  const p = money(unitPrice);
  return { lineId: `L${++ids}`, code, hospitalCode: null, name: null, quantity: q, unitPrice: p, amount: q.times(p).toDecimalPlaces(2), time };
}

function classify(lines: FeeLine[], dischargeDate = '2019-03-10'): FeeLineClassification {
  const outcome = classifyFeeLines(lines, CATALOGUE, dischargeDate);
  if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.details)}`);
  return outcome.classification;
}

const wire = (m: Money) => formatMoney(m);
function parts(c: FeeLineClassification, index = 0) {
  const l = c.lines[index]!;
  return {
    level: l.level,
    category: l.category,
    amount: wire(l.amount),
    full: wire(l.fullSelfPay),
    over: wire(l.overLimitSelfPay),
    pre: wire(l.preSelfPay),
    scope: wire(l.policyScope),
  };
}

describe('per level', () => {
  it('甲 without a ceiling is wholly policy scope', () => {
    expect(parts(classify([line('A1', '3', '12.50')]))).toEqual({ level: '01', category: '09', amount: '37.50', full: '0.00', over: '0.00', pre: '0.00', scope: '37.50' });
  });

  it('乙 pays its ratio first: preSelfPay = round2(amount × ratio)', () => {
    expect(parts(classify([line('B1', '2', '33.33')]))).toMatchObject({ level: '02', amount: '66.66', pre: '6.67', scope: '59.99' });
    expect(parts(classify([line('B3', '1', '100.00')]))).toMatchObject({ pre: '15.00', scope: '85.00' });
  });

  it('丙 is wholly self-paid, even with a ceiling: nothing is over-limit', () => {
    expect(parts(classify([line('C1', '1', '88.80')]))).toMatchObject({ level: '03', full: '88.80', over: '0.00', pre: '0.00', scope: '0.00' });
    expect(parts(classify([line('C2', '4', '3.00')]))).toMatchObject({ full: '12.00', over: '0.00', scope: '0.00' });
  });
});

describe('price ceilings', () => {
  it('the part of the unit price above the ceiling, times the quantity, is over-limit', () => {
    // (12.345 − 10) × 3 = 7.035 → 7.04; amount 37.035 → 37.04
    expect(parts(classify([line('A2', '3', '12.345')]))).toMatchObject({ amount: '37.04', over: '7.04', scope: '30.00' });
  });

  it('at or under the ceiling nothing is over-limit', () => {
    expect(parts(classify([line('A2', '3', '10.00')]))).toMatchObject({ over: '0.00', scope: '30.00' });
    expect(parts(classify([line('A2', '3', '9.99')]))).toMatchObject({ over: '0.00', scope: '29.97' });
  });

  it('乙 with a ceiling: the ratio applies to the amount less the over-limit part', () => {
    // over = round2((6 − 5.123456) × 2.5) = round2(2.19136) = 2.19; pre = round2((15 − 2.19) × 0.2) = round2(2.562) = 2.56
    expect(parts(classify([line('B2', '2.5', '6')]))).toMatchObject({ amount: '15.00', over: '2.19', pre: '2.56', scope: '10.25' });
  });

  it('a ceiling with 6 decimals and a quantity with 4', () => {
    // over = round2((5.123457 − 5.123456) × 1234.5678) = round2(0.0012345678) = 0.00
    expect(parts(classify([line('B2', '1234.5678', '5.123457')]))).toMatchObject({ over: '0.00' });
  });
});

describe('rounding is per line, half up', () => {
  it('two lines each with a share of 0.005 pay 0.01 each, 0.02 together', () => {
    const c = classify([line('B1', '1', '0.05'), line('B1', '1', '0.05')]);
    expect(c.lines.map((l) => wire(l.preSelfPay))).toEqual(['0.01', '0.01']);
    expect(wire(c.charges.preSelfPay)).toBe('0.02');
    expect(wire(c.charges.total)).toBe('0.10');
  });

  it('over-limit rounds half up on the line: 0.005 → 0.01', () => {
    expect(parts(classify([line('A2', '1', '10.005')]))).toMatchObject({ amount: '10.01', over: '0.01', scope: '10.00' });
  });
});

describe('validity dates', () => {
  it("the line's time picks the period; without one, the discharge date", () => {
    expect(parts(classify([line('D1', '10', '2.20', '2019-06-30T23:59:59')]))).toMatchObject({ over: '2.00' });
    expect(parts(classify([line('D1', '10', '2.20', '2019-07-01T00:00:00')]))).toMatchObject({ over: '7.00' });
    expect(parts(classify([line('D1', '10', '2.20')], '2019-06-30'))).toMatchObject({ over: '2.00' });
    expect(parts(classify([line('D1', '10', '2.20')], '2019-08-01'))).toMatchObject({ over: '7.00' });
  });

  it('validFrom and validTo are inclusive', () => {
    expect(classify([line('E1', '1', '1', '2019-03-05T00:00:00')]).lines).toHaveLength(1);
    expect(classify([line('E2', '1', '1', '2019-03-04T23:00:00')]).lines).toHaveLength(1);
  });

  it('out of date or unknown codes: one detail per line path, every such line listed', () => {
    const outcome = classifyFeeLines(
      [line('A1', '1', '1'), line('E1', '1', '1', '2019-03-04T10:00:00'), line('NOPE', '1', '1'), line('E2', '1', '1'), line('nope2', '1', '1')],
      CATALOGUE,
      '2019-03-10',
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.details.map((d) => d.path)).toEqual(['charges.lines.1.code', 'charges.lines.2.code', 'charges.lines.3.code', 'charges.lines.4.code']);
    expect(outcome.details[0]!.message).toBe('code E1 is not valid on 2019-03-04 in catalogue unit (valid 2019-03-05..(open))');
    expect(outcome.details[1]!.message).toBe('code NOPE is not in catalogue unit');
    expect(outcome.details[2]!.message).toMatch(/E2 is not valid on 2019-03-10/);
  });

  it('codes are case-sensitive, as the catalogue writes them', () => {
    expect(classifyFeeLines([line('a1', '1', '1')], CATALOGUE, '2019-03-10').ok).toBe(false);
  });
});

describe('totals', () => {
  it('the four amounts are the sums of the lines; per category by level for the slip', () => {
    const c = classify([line('A1', '2', '10'), line('B1', '1', '50'), line('C1', '1', '7'), line('A2', '1', '12'), line('B3', '2', '10')]);
    expect(Object.fromEntries(Object.entries(c.charges).map(([k, v]) => [k, wire(v)]))).toEqual({
      total: '109.00',
      fullSelfPay: '7.00',
      overLimitSelfPay: '2.00',
      preSelfPay: '8.00',
    });
    expect(Object.keys(c.feeCategories).sort()).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14']);
    const slip = (code: keyof typeof c.feeCategories) => Object.fromEntries(Object.entries(c.feeCategories[code]).map(([k, v]) => [k, wire(v)]));
    expect(slip('09')).toEqual({ total: '70.00', levelA: '20.00', levelB: '50.00', levelC: '0.00', policyScope: '65.00' });
    expect(slip('01')).toEqual({ total: '12.00', levelA: '12.00', levelB: '0.00', levelC: '0.00', policyScope: '10.00' });
    expect(slip('14')).toEqual({ total: '7.00', levelA: '0.00', levelB: '0.00', levelC: '7.00', policyScope: '0.00' });
    expect(slip('05')).toEqual({ total: '20.00', levelA: '0.00', levelB: '20.00', levelC: '0.00', policyScope: '17.00' });
    expect(slip('06').total).toBe('0.00');
  });
});

describe('through the engine', () => {
  it('P-PY-1 from a bill of six lines: total 12345.67, fullSelfPay 300.00, preSelfPay 120.00 → basic 7717.97', () => {
    const s = settled(runLines('pingyang', PY1_LINES));
    expect(paid(s)).toEqual({ basic: '7717.97', criticalIllness: '0.00' });
    expect(wire(s.total)).toBe('12345.67');
    expect(wire(s.policyScope)).toBe('11925.67');
    expect(Object.fromEntries(Object.entries(s.charges).map(([k, v]) => [k, wire(v)]))).toEqual({
      total: '12345.67',
      fullSelfPay: '300.00',
      overLimitSelfPay: '0.00',
      preSelfPay: '120.00',
    });
    expect(s.itemised?.catalogueId).toBe('zhejiang-2019-demo');
    const first = s.steps[0]!;
    expect(first.rule).toBe('pingyang-2019/inpatient/fee-lines');
    expect(first.cite).toBe('policies.md Catalogue');
    expect(wire(first.amount!)).toBe('12345.67');
    expect(s.steps[1]!.rule).toBe('pingyang-2019/inpatient/policy-scope');
    expect(s.notes.some((n) => n.includes('乙 self-pay ratios of catalogue zhejiang-2019-demo are assumed'))).toBe(true);
  });

  it('Jinjiang cites 六(一)2 for its catalogue', () => {
    const s = settled(runLines('jinjiang', [{ lineId: 'A', code: ANCHOR.amoxicillin, quantity: '1', unitPrice: '100', amount: '100.00' }]));
    expect(s.steps[0]!.cite).toBe('002_dda74ca139f336db.txt 六(一)2');
    // no 乙 line: no note about assumed ratios
    expect(s.notes.some((n) => n.includes('assumed (an illustrative catalogue'))).toBe(false);
  });

  it('every settled worked example is reproduced from lines whose classification gives its four amounts', () => {
    let reproduced = 0;
    for (const { request, expect: expected } of workedExamples.cases) {
      const amountsOutcome = runCase(request, request.charges as Record<string, string>);
      const region = { P: 'pingyang', J: 'jinjiang', T: 'taiyuan' }[request.requestId.split('-')[1]![0]! as 'P' | 'J' | 'T'] as 'pingyang' | 'jinjiang' | 'taiyuan';
      const catalogue = demoCatalogues.get(CATALOGUE_OF_REGION[region]!)!;
      const lines = linesFor(request.charges as never, catalogue, request.dischargeDate as string);
      if (!lines || expected.status !== 'settled') continue;
      const fromLines = runCase(request, { lines });
      expect(fromLines.ok).toBe(true);
      expect(amountsOutcome.ok).toBe(true);
      if (!fromLines.ok || !amountsOutcome.ok) continue;
      expect(paid(fromLines.settlement)).toEqual(paid(amountsOutcome.settlement));
      expect(wire(fromLines.settlement.policyScope)).toBe(wire(amountsOutcome.settlement.policyScope));
      reproduced++;
    }
    expect(reproduced).toBeGreaterThanOrEqual(8);
  });

  it('unknown codes are refused with CATALOGUE_CODE_UNKNOWN', () => {
    const refusal = refused(runLines('pingyang', [...PY1_LINES, { lineId: 'X', code: 'XZZZZZ', quantity: '1', unitPrice: '1', amount: '1.00' }]));
    expect(refusal.code).toBe('CATALOGUE_CODE_UNKNOWN');
    expect(refusal.details).toEqual([{ path: 'charges.lines.6.code', message: 'code XZZZZZ is not in catalogue zhejiang-2019-demo' }]);
  });

  it('a withdrawn code is refused after its validTo, accepted before', () => {
    const syrup = (time: string) => [{ lineId: 'S', code: ANCHOR.withdrawnSyrup, quantity: '1', unitPrice: '9.90', amount: '9.90', time }];
    expect(refused(runLines('pingyang', syrup('2019-04-01T08:00:00'))).code).toBe('CATALOGUE_CODE_UNKNOWN');
    expect(settled(runLines('pingyang', syrup('2019-03-01T08:00:00'))).itemised!.lines).toHaveLength(1);
  });

  it('without the catalogues the engine fails loudly rather than guess', () => {
    expect(() => runLines('pingyang', PY1_LINES, {}, new Map())).toThrow(/catalogue zhejiang-2019-demo named by pingyang-2019 is not loaded/);
  });
});

/** A worked example's request with these charges, for its fixture hospital and person, on empty accumulators. */
function runCase(request: Record<string, unknown>, charges: unknown): EngineOutcome {
  const parsed = parseSettlementRequest({ ...request, charges });
  return settle({
    catalog,
    catalogues: demoCatalogues,
    request: parsed,
    hospital: fixtures.hospitals.get(parsed.hospitalId)!,
    enrollee: fixtures.enrollees.get(parsed.card)!,
    filings: fixtures.filings.filter((f) => f.card === parsed.card),
    accumulators: emptyAccumulators(),
    accumulatorsYear: Number(parsed.dischargeDate.slice(0, 4)),
  });
}
