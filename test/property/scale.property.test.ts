/**
 * policies.md "Critical illness scale": a settlement moving the year's base
 * from B0 to B1 pays round2(g(B1)) − round2(g(B0)), then any annual cap, so the
 * year's total is the same however a stay's compliant self-burden is split into
 * consecutive settlements. Tested on the helpers of src/engine/scale.ts and on
 * criticalIllnessPayment with the loaded schedules (Pingyang's two brackets,
 * Taiyuan's four schedules and their caps).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyAccumulators } from '../../src/domain/accumulators.js';
import { Decimal, ZERO, formatMoney, fromFen, round2, type Money } from '../../src/domain/money.js';
import { PERSON_CATEGORIES, type Accumulators } from '../../src/domain/types.js';
import { criticalIllnessPayment, scheduleFor } from '../../src/engine/critical-illness.js';
import { Explanation } from '../../src/engine/explanation.js';
import { marginalScale, scaleIncrement } from '../../src/engine/scale.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import type { Bracket, Policy } from '../../src/policy/schema.js';
import { POLICY_DIR } from '../helpers/worked-examples.js';

const catalog = loadPolicyDirectory(POLICY_DIR);
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const runs = (numRuns: number): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed });

const pingyang = catalog.get('pingyang-2019')!.policy;
const taiyuan = catalog.get('taiyuan-2019')!.policy;
const SCHEDULES = [pingyang, taiyuan].flatMap((policy) =>
  (policy.criticalIllness?.schedules ?? []).map((schedule) => ({ name: `${policy.id} ${schedule.label}`, brackets: schedule.brackets })),
);

/**
 * Independent reference: round2(g(B)) in integer arithmetic. Amounts in fen,
 * rates in ten-thousandths, so g(B) is exact in 1e-6 yuan; round half up to the fen.
 */
function referenceRoundedFen(brackets: readonly Bracket[], baseFen: bigint): bigint {
  let micro = 0n; // fen × 1e-4
  for (const { from, to, rate } of brackets) {
    const lo = BigInt(from.times(100).toFixed(0));
    const hi = to === null ? null : BigInt(to.times(100).toFixed(0));
    const r = BigInt(rate.times(10000).toFixed(0));
    const top = hi === null || baseFen < hi ? baseFen : hi;
    if (top > lo) micro += (top - lo) * r;
  }
  return (micro + 5000n) / 10000n;
}

/** Yuan amounts up to 1,000,000.00 as integer fen, biased to the bracket edges. */
const baseFenArb = fc.oneof(
  fc.integer({ min: 0, max: 100_000_000 }),
  fc.constantFrom(0, 500_000, 1_000_000, 3_260_000, 16_300_000, 32_600_000).chain((edge) => fc.integer({ min: Math.max(0, edge - 300), max: edge + 300 })),
);
const partsFenArb = fc.array(fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 40_000_000 })), { minLength: 1, maxLength: 12 });
const scheduleArb = fc.constantFrom(...SCHEDULES);

function sumMoney(values: readonly Money[]): Money {
  return values.reduce((a, b) => a.plus(b), ZERO);
}

describe('critical-illness scale', () => {
  it('round2(g(B)) agrees with an integer reference, and g is non-decreasing', () => {
    fc.assert(
      fc.property(scheduleArb, baseFenArb, fc.integer({ min: 0, max: 10_000_000 }), ({ brackets }, fen, more) => {
        const g = marginalScale(brackets, fromFen(fen));
        expect(round2(g).times(100).toFixed(0)).toBe(referenceRoundedFen(brackets, BigInt(fen)).toString());
        expect(marginalScale(brackets, fromFen(fen + more)).gte(g)).toBe(true);
        expect(g.isNegative()).toBe(false);
      }),
      runs(1000),
    );
  });

  it('Pingyang pays at most g(326000) = 0.6 × 130400 + 0.7 × 163000 = 192340 a year', () => {
    const max = new Decimal('0.6').times(130400).plus(new Decimal('0.7').times(163000));
    const brackets = pingyang.criticalIllness!.schedules![0]!.brackets;
    expect(marginalScale(brackets, new Decimal(326000)).eq(max)).toBe(true);
    fc.assert(
      fc.property(fc.integer({ min: 32_600_000, max: 99_999_999_999 }), (fen) => {
        expect(marginalScale(brackets, fromFen(fen)).lte(max)).toBe(true);
      }),
      runs(300),
    );
  });

  it('8. splitting a compliant self-burden into consecutive settlements pays the same year total as the scale on the whole', () => {
    fc.assert(
      fc.property(scheduleArb, baseFenArb, partsFenArb, ({ brackets }, startFen, partsFen) => {
        const start = fromFen(startFen);
        let base = start;
        const increments: Money[] = [];
        for (const part of partsFen) {
          const next = base.plus(fromFen(part));
          const inc = scaleIncrement(brackets, base, next);
          expect(inc.decimalPlaces()).toBeLessThanOrEqual(2);
          expect(inc.isNegative()).toBe(false);
          // Never more than the burden that moved the base.
          expect(inc.lte(fromFen(part)), `increment ${formatMoney(inc)} for a burden of ${formatMoney(fromFen(part))}`).toBe(true);
          increments.push(inc);
          base = next;
        }
        const whole = scaleIncrement(brackets, start, base);
        expect(sumMoney(increments).eq(whole), `Σ ${formatMoney(sumMoney(increments))} ≠ whole ${formatMoney(whole)}`).toBe(true);
        expect(whole.eq(round2(marginalScale(brackets, base)).minus(round2(marginalScale(brackets, start))))).toBe(true);
      }),
      runs(1000),
    );
  });

  it('8b. the same through criticalIllnessPayment, annual caps included, for every category mix', () => {
    const categoriesArb = fc.subarray([...PERSON_CATEGORIES], { maxLength: 3 });
    fc.assert(
      fc.property(fc.constantFrom<Policy>(pingyang, taiyuan), categoriesArb, baseFenArb, partsFenArb, (policy, categories, startFen, partsFen) => {
        // A year that already carries base B0 has paid min(cap, round2(g(B0))).
        const schedule = scheduleFor(policy.criticalIllness!.schedules!, categories)!;
        const start = fromFen(startFen);
        const paidBefore = round2(marginalScale(schedule.brackets, start));
        const acc0: Accumulators = {
          ...emptyAccumulators(),
          compliantSelfBurden: start,
          criticalIllnessPaid: schedule.annualCap && paidBefore.gt(schedule.annualCap) ? schedule.annualCap : paidBefore,
        };
        let acc = acc0;
        let paid = ZERO;
        for (const part of partsFen) {
          const burden = fromFen(part);
          const amount = criticalIllnessPayment(policy, acc, categories, burden, new Explanation('t'))!;
          paid = paid.plus(amount);
          acc = { ...acc, compliantSelfBurden: acc.compliantSelfBurden.plus(burden), criticalIllnessPaid: acc.criticalIllnessPaid.plus(amount) };
          if (schedule.annualCap) expect(acc.criticalIllnessPaid.lte(schedule.annualCap)).toBe(true);
        }
        const total = fromFen(partsFen.reduce((a, b) => a + b, 0));
        const whole = criticalIllnessPayment(policy, acc0, categories, total, new Explanation('t'))!;
        expect(paid.eq(whole), `${policy.id} [${categories.join(',')}]: split ${formatMoney(paid)} ≠ whole ${formatMoney(whole)}`).toBe(true);
      }),
      runs(1000),
    );
  });
});
