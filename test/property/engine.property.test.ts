/**
 * Properties of the pure engine (policies.md), over random hospitals of every
 * region, enrollees of the three policy regions, filings, accumulators and
 * requests of every visit type. Refusals are valid outcomes; the properties
 * speak about settled outcomes, and each block checks that enough runs settled
 * for the property not to hold vacuously.
 *
 * Reproduce a failure with the seed and path fast-check prints, or set
 * FC_SEED=<n> to rerun the whole suite with one seed.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { applyDeltas, emptyAccumulators, negateDeltas } from '../../src/domain/accumulators.js';
import { Decimal, ZERO, formatMoney, fromFen, type Money } from '../../src/domain/money.js';
import { MONEY_ACCUMULATORS, type Accumulators } from '../../src/domain/types.js';
import { settle } from '../../src/engine/settle.js';
import type { EngineOutcome, SettlementComputation } from '../../src/engine/types.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { MAX_TOTAL_FEN, engineInput, scenarioArb, yearOfVisitsArb, type AmountsRequest, type Scenario } from '../helpers/arbitraries.js';
import { POLICY_DIR } from '../helpers/worked-examples.js';

const catalog = loadPolicyDirectory(POLICY_DIR);
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const runs = (numRuns: number): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed });

/** Every Decimal of a value as a string, so values compare by amount and structure. */
function snapshot(value: unknown): unknown {
  if (Decimal.isDecimal(value)) return `Decimal(${(value as Money).toString()})`;
  if (Array.isArray(value)) return value.map(snapshot);
  if (value instanceof Map) return { Map: [...value].map(([k, v]) => [snapshot(k), snapshot(v)]) };
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshot(v)]));
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Every money amount a settlement produces, with where it was found. */
function amountsOf(s: SettlementComputation): [string, Money][] {
  const out: [string, Money][] = [
    ['total', s.total],
    ['policyScope', s.policyScope],
    ['fundTotal', s.fundTotal],
    ['patientTotal', s.patientTotal],
  ];
  for (const [fund, amount] of Object.entries(s.payments)) out.push([`payments.${fund}`, amount!]);
  for (const line of s.lines) out.push([`lines.${line.fund}`, line.amount]);
  for (const field of MONEY_ACCUMULATORS) out.push([`deltas.${field}`, s.deltas[field]]);
  for (const step of s.steps) if (step.amount !== null) out.push([`steps.${step.rule}`, step.amount]);
  return out;
}

function run(s: Pick<Scenario, 'request' | 'hospital' | 'enrollee' | 'filings' | 'accumulators' | 'year'>): EngineOutcome {
  return settle(engineInput(catalog, s));
}

const fmt = (m: Money) => formatMoney(m);

/** Counts settled outcomes so that a property never holds only because everything was refused. */
function settledCounter(minShare: number) {
  let total = 0;
  let settled = 0;
  return {
    see(outcome: EngineOutcome) {
      total += 1;
      if (outcome.ok) settled += 1;
    },
    check() {
      expect(settled / total, `${settled} of ${total} runs settled`).toBeGreaterThanOrEqual(minShare);
    },
  };
}

const catalogBefore = snapshot(catalog.policies);

/** Runs `check` on every scenario the engine settles (refusals are skipped), and requires that enough settled. */
function forEverySettlement(numRuns: number, check: (s: SettlementComputation, sc: Scenario) => void): void {
  const counter = settledCounter(0.4);
  fc.assert(
    fc.property(scenarioArb, (sc) => {
      const outcome = run(sc);
      counter.see(outcome);
      if (outcome.ok) check(outcome.settlement, sc);
    }),
    runs(numRuns),
  );
  counter.check();
}

describe('engine properties', () => {
  afterAll(() => {
    // Purity: nothing the suite did changed the loaded policies.
    expect(snapshot(catalog.policies)).toEqual(catalogBefore);
  });

  it('1. the split adds up to the fen and every amount has at most two decimals', () => {
    forEverySettlement(1000, (s, sc) => {
      const { total, fullSelfPay, overLimitSelfPay, preSelfPay } = sc.request.charges;
      expect(fmt(s.total)).toBe(fmt(total));
      expect(fmt(s.policyScope)).toBe(fmt(total.minus(fullSelfPay).minus(overLimitSelfPay).minus(preSelfPay)));
      const sum = Object.values(s.payments).reduce<Money>((acc, m) => acc.plus(m!), ZERO);
      expect(sum.eq(s.fundTotal), `Σ payments ${fmt(sum)} ≠ fundTotal ${fmt(s.fundTotal)}`).toBe(true);
      expect(s.fundTotal.plus(s.patientTotal).eq(s.total), 'fundTotal + patientTotal ≠ total').toBe(true);
      // The reported lines are the payments, one line per fund.
      expect(s.lines.map((l) => l.fund)).toEqual(Object.keys(s.payments));
      for (const line of s.lines) expect(line.amount.eq(s.payments[line.fund]!)).toBe(true);
      for (const [where, amount] of amountsOf(s)) {
        expect(amount.decimalPlaces(), `${where} = ${amount.toString()}`).toBeLessThanOrEqual(2);
      }
    });
  });

  it('2. no payment line, delta or patient share is negative', () => {
    forEverySettlement(1000, (s) => {
      for (const [fund, amount] of Object.entries(s.payments)) expect(amount!.isNegative(), `${fund} = ${amount!.toString()}`).toBe(false);
      for (const line of s.lines) expect(line.amount.isNegative(), `line ${line.fund}`).toBe(false);
      expect(s.patientTotal.isNegative(), `patientTotal = ${s.patientTotal.toString()}`).toBe(false);
      expect(s.fundTotal.isNegative()).toBe(false);
      for (const field of MONEY_ACCUMULATORS) expect(s.deltas[field].isNegative(), `deltas.${field}`).toBe(false);
      expect(s.deltas.admissions).toBeGreaterThanOrEqual(0);
      expect(s.deltas.specialOutpatientCounted).toBeGreaterThanOrEqual(0);
    });
  });

  it('3. basic and the fund total never exceed the policy-scope amount', () => {
    forEverySettlement(1000, (s) => {
      const basic = s.payments.basic ?? ZERO;
      expect(basic.lte(s.policyScope), `basic ${fmt(basic)} > S ${fmt(s.policyScope)}`).toBe(true);
      expect(s.fundTotal.lte(s.policyScope), `fundTotal ${fmt(s.fundTotal)} > S ${fmt(s.policyScope)}`).toBe(true);
    });
  });

  it('4. annual caps hold over any sequence of settlements of one person', () => {
    const PINGYANG_CI_MAX = new Decimal('0.6').times(130400).plus(new Decimal('0.7').times(163000)); // g(326000) = 192340
    expect(PINGYANG_CI_MAX.eq(192340)).toBe(true);
    const reached = { pyEligible: 0, pyOutpatient: 0, jjBasic: 0, jjCadre: 0, tyCritical: 0 };
    let settledVisits = 0;
    let visits = 0;
    fc.assert(
      fc.property(yearOfVisitsArb, (year) => {
        let acc: Accumulators = emptyAccumulators();
        const sums = { critical: ZERO, basicStay: ZERO, outpatient: ZERO, cadre: ZERO };
        const cats = year.enrollee.categories;
        const taiyuanCap = cats.includes('registered-poor') ? null : cats.includes('rural-destitute') ? new Decimal(500000) : new Decimal(400000);
        for (const { hospital, request } of year.visits) {
          visits += 1;
          const outcome = run({ request, hospital, enrollee: year.enrollee, filings: year.filings, accumulators: acc, year: Number(request.dischargeDate.slice(0, 4)) });
          if (!outcome.ok) continue;
          settledVisits += 1;
          const s = outcome.settlement;
          acc = applyDeltas(acc, s.deltas);
          const where = `${request.requestId} ${year.region}`;
          sums.critical = sums.critical.plus(s.payments.criticalIllness ?? ZERO);
          sums.cadre = sums.cadre.plus(s.payments.retiredCadreSpouse ?? ZERO);
          // Pingyang's outpatient pool counts in outpatientPaid; Jinjiang's childbirth lump sum touches no accumulator.
          if (request.visitType === 'outpatient') sums.outpatient = sums.outpatient.plus(s.payments.basic ?? ZERO);
          else if (s.policyId !== 'jinjiang-2018' || request.visitType !== 'childbirth') sums.basicStay = sums.basicStay.plus(s.payments.basic ?? ZERO);
          switch (year.region) {
            case 'pingyang':
              expect(acc.basicEligible.lte(150000), `${where}: basicEligible ${fmt(acc.basicEligible)}`).toBe(true);
              expect(acc.outpatientPaid.lte(800), `${where}: outpatientPaid ${fmt(acc.outpatientPaid)}`).toBe(true);
              expect(acc.criticalIllnessPaid.lte(PINGYANG_CI_MAX), `${where}: criticalIllnessPaid ${fmt(acc.criticalIllnessPaid)}`).toBe(true);
              break;
            case 'jinjiang':
              expect(acc.basicPaid.lte(150000), `${where}: basicPaid ${fmt(acc.basicPaid)}`).toBe(true);
              expect(acc.retiredCadreSpousePaid.lte(50000), `${where}: retiredCadreSpousePaid ${fmt(acc.retiredCadreSpousePaid)}`).toBe(true);
              break;
            case 'taiyuan':
              if (taiyuanCap) expect(acc.criticalIllnessPaid.lte(taiyuanCap), `${where}: criticalIllnessPaid ${fmt(acc.criticalIllnessPaid)} > ${fmt(taiyuanCap)}`).toBe(true);
              break;
          }
          // The accumulators are the running sums of what was paid.
          expect(acc.criticalIllnessPaid.eq(sums.critical), `${where}: criticalIllnessPaid vs Σ lines`).toBe(true);
          expect(acc.outpatientPaid.eq(sums.outpatient), `${where}: outpatientPaid vs Σ outpatient basic`).toBe(true);
          if (year.region === 'jinjiang') expect(acc.basicPaid.eq(sums.basicStay), `${where}: basicPaid vs Σ stay basic`).toBe(true);
          expect(acc.retiredCadreSpousePaid.eq(sums.cadre), `${where}: retiredCadreSpousePaid vs Σ lines`).toBe(true);
        }
        if (year.region === 'pingyang' && acc.basicEligible.eq(150000)) reached.pyEligible += 1;
        if (year.region === 'pingyang' && acc.outpatientPaid.eq(800)) reached.pyOutpatient += 1;
        if (year.region === 'jinjiang' && acc.basicPaid.eq(150000)) reached.jjBasic += 1;
        if (year.region === 'jinjiang' && acc.retiredCadreSpousePaid.eq(50000)) reached.jjCadre += 1;
        if (year.region === 'taiyuan' && taiyuanCap && acc.criticalIllnessPaid.eq(taiyuanCap)) reached.tyCritical += 1;
      }),
      runs(400),
    );
    expect(settledVisits / visits, `${settledVisits} of ${visits} visits settled`).toBeGreaterThan(0.4);
    // The generator does drive people into the caps (else the property is vacuous).
    expect(reached.pyEligible, JSON.stringify(reached)).toBeGreaterThan(0);
    expect(reached.pyOutpatient, JSON.stringify(reached)).toBeGreaterThan(0);
    expect(reached.jjBasic, JSON.stringify(reached)).toBeGreaterThan(0);
    expect(reached.tyCritical, JSON.stringify(reached)).toBeGreaterThan(0);
  });

  it('5. a larger total (same self-pay parts) never pays less, in fundTotal or in basic', () => {
    const counter = settledCounter(0.4);
    fc.assert(
      fc.property(scenarioArb, policyScopeAnchorArb, fc.array(extraFenArb, { minLength: 1, maxLength: 6 }), (sc, anchor, extras) => {
        // Half the runs move the policy-scope amount next to a threshold of the policies.
        const base = anchor === null ? sc.request : withPolicyScope(sc.request, anchor);
        let previous = run({ ...sc, request: base });
        counter.see(previous);
        let total = base.charges.total;
        for (const extra of extras) {
          total = total.plus(fromFen(extra));
          const next = run({ ...sc, request: { ...base, charges: { ...base.charges, total } } });
          // The total decides nothing about eligibility.
          expect(next.ok).toBe(previous.ok);
          if (!previous.ok || !next.ok) return;
          const [a, b] = [previous.settlement, next.settlement];
          expect(b.fundTotal.gte(a.fundTotal), `S ${fmt(a.policyScope)} → ${fmt(b.policyScope)}: fundTotal ${fmt(a.fundTotal)} → ${fmt(b.fundTotal)}`).toBe(true);
          const [basicA, basicB] = [a.payments.basic ?? ZERO, b.payments.basic ?? ZERO];
          expect(basicB.gte(basicA), `S ${fmt(a.policyScope)} → ${fmt(b.policyScope)}: basic ${fmt(basicA)} → ${fmt(basicB)}`).toBe(true);
          previous = next;
        }
      }),
      runs(1000),
    );
    counter.check();
  });

  it('6. applying a settlement’s deltas and then their negation restores the accumulators exactly', () => {
    forEverySettlement(1000, (s, sc) => {
      const a = sc.accumulators;
      const d = s.deltas;
      const after = applyDeltas(a, d);
      const restored = applyDeltas(after, negateDeltas(d));
      expect(restored.admissions).toBe(a.admissions);
      expect(restored.specialOutpatientCounted).toBe(a.specialOutpatientCounted);
      for (const field of MONEY_ACCUMULATORS) {
        expect(restored[field].eq(a[field]), `${field}: ${a[field].toString()} → ${after[field].toString()} → ${restored[field].toString()}`).toBe(true);
      }
      expect(Object.keys(restored).sort()).toEqual(Object.keys(a).sort());
      // Negating twice is the identity.
      expect(snapshot(negateDeltas(negateDeltas(d)))).toEqual(snapshot(d));
    });
  });

  it('7. settling is deterministic and does not mutate its input', () => {
    const counter = settledCounter(0.4);
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const inputs = { request: sc.request, hospital: sc.hospital, enrollee: sc.enrollee, filings: sc.filings, accumulators: sc.accumulators };
        const before = snapshot(inputs);
        const first = run(sc);
        counter.see(first);
        const second = run(sc);
        expect(snapshot(second)).toEqual(snapshot(first));
        expect(snapshot(inputs)).toEqual(before);
        // Frozen inputs: any write by the engine would throw in strict mode.
        const frozen = deepFreeze(structuredCopy(sc));
        expect(snapshot(run(frozen))).toEqual(snapshot(first));
      }),
      runs(500),
    );
    counter.check();
  });
});

/** Deductibles, caps and bracket edges of the three policies (yuan), where a step in the arithmetic could hide. */
const THRESHOLDS_FEN = [50, 200, 400, 500, 600, 800, 900, 1300, 1600, 5000, 10000, 32600, 50000, 150000, 163000, 326000].map((y) => y * 100);

/** null: keep the scenario's charges; else a policy-scope amount in fen just around a threshold. */
const policyScopeAnchorArb: fc.Arbitrary<number | null> = fc.oneof(
  fc.constant(null),
  fc.tuple(fc.constantFrom(...THRESHOLDS_FEN), fc.integer({ min: -5000, max: 5000 })).map(([t, offset]) => Math.max(0, t + offset)),
);

/** Increments of the total at every scale: fen, yuan, thousands, up to the whole range. */
const extraFenArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 1, max: 100 }),
  fc.integer({ min: 1, max: 1_000_00 }),
  fc.integer({ min: 1, max: 100_000_00 }),
  fc.integer({ min: 1, max: MAX_TOTAL_FEN / 4 }),
);

function withPolicyScope(request: AmountsRequest, scopeFen: number): AmountsRequest {
  const { fullSelfPay, overLimitSelfPay, preSelfPay } = request.charges;
  const total = fromFen(scopeFen).plus(fullSelfPay).plus(overLimitSelfPay).plus(preSelfPay);
  return { ...request, charges: { ...request.charges, total } };
}

/** A copy of a scenario's inputs that shares no object with it (Decimals copied too). */
function structuredCopy(sc: Scenario): Scenario {
  const copy = (v: unknown): unknown => {
    if (Decimal.isDecimal(v)) return new Decimal(v as Money);
    if (Array.isArray(v)) return v.map(copy);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
    return v;
  };
  return copy(sc) as Scenario;
}
