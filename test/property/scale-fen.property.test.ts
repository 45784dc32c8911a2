/**
 * The scale computed in integer fen (roundedScale) is round2 of the decimal
 * scale (marginalScale), value and text, for any bands: edges in fen or with
 * more decimals, rates with up to eight decimals or above 1, open top bands,
 * bases up to the largest amount and beyond two decimals (the decimal path).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, round2 } from '../../src/domain/money.js';
import { marginalScale, roundedScale, scaleIncrement } from '../../src/engine/scale.js';
import type { Bracket } from '../../src/policy/schema.js';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const runs = (numRuns: number): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed });

/** An amount: whole fen (mostly) or with a third and fourth decimal; up to 999,999,999.99 and, rarely, beyond. */
const amountArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 99_999_999_999 }).map((fen) => new Decimal(fen).dividedBy(100)) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 50_000_000 }).map((fen) => new Decimal(fen).dividedBy(100)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 99_999_999 }).map((tenthFen) => new Decimal(tenthFen).dividedBy(10_000)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1_000_000 }).map((fen) => new Decimal(fen).times(1_000_000)) },
);
const rateArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 100 }).map((p) => new Decimal(p).dividedBy(100)) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 100_000_000 }).map((n) => new Decimal(n).dividedBy(100_000_000)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 300 }).map((p) => new Decimal(p).dividedBy(100)) },
);
const bracketsArb = fc.array(fc.tuple(amountArb, fc.option(amountArb, { nil: null }), rateArb), { minLength: 1, maxLength: 5 }).map((bands) =>
  bands.map(([a, b, rate]): Bracket => {
    const from = b === null || a.lte(b) ? a : b;
    const to = b === null ? null : a.lte(b) ? b : a;
    return { from, to, rate };
  }),
);

describe('critical-illness scale in integer fen', () => {
  it('roundedScale = round2(marginalScale), value and text', () => {
    fc.assert(
      fc.property(bracketsArb, amountArb, (brackets, base) => {
        const expected = round2(marginalScale(brackets, base));
        const actual = roundedScale(brackets, base);
        expect(actual.toString()).toBe(expected.toString());
        expect(actual.eq(expected)).toBe(true);
      }),
      runs(3000),
    );
  });

  it('an increment is the difference of the two rounded values', () => {
    fc.assert(
      fc.property(bracketsArb, amountArb, amountArb, (brackets, a, b) => {
        const [lo, hi] = a.lte(b) ? [a, b] : [b, a];
        expect(scaleIncrement(brackets, lo, hi).toString()).toBe(
          round2(marginalScale(brackets, hi))
            .minus(round2(marginalScale(brackets, lo)))
            .toString(),
        );
      }),
      runs(1000),
    );
  });
});
