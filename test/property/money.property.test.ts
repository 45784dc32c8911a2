import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareMoney, Decimal, fenOfMoney, formatMoney, maxMoney, minMoney, moneyOfFen } from '../../src/domain/money.js';

/** Decimal strings of any sign, scale and magnitude, including exponent notation. */
const decimalText = fc.oneof(
  fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 14n }), fc.integer({ min: 0, max: 8 })).map(([negative, digits, scale]) => {
    const text = digits.toString().padStart(scale + 1, '0');
    const plain = scale === 0 ? text : `${text.slice(0, -scale)}.${text.slice(-scale)}`;
    return negative ? `-${plain}` : plain;
  }),
  fc.tuple(fc.integer({ min: -999, max: 999 }), fc.integer({ min: -12, max: 30 })).map(([mantissa, exponent]) => `${mantissa}e${exponent}`),
  fc.constantFrom('0', '-0', '0.005', '-0.005', '0.004', '1.995', '999999999.99', '1e21', '1e-7', '-1e-9'),
);

describe('formatMoney', () => {
  it('equals decimal.js toFixed(2) (half up) for every value', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const value = new Decimal(text);
        expect(formatMoney(value)).toBe(value.toFixed(2));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('compareMoney', () => {
  it('equals decimal.js comparedTo for every pair, and min/max pick as lte/gte do', () => {
    const specials = fc.constantFrom('NaN', 'Infinity', '-Infinity');
    const anyText = fc.oneof({ weight: 20, arbitrary: decimalText }, { weight: 1, arbitrary: specials });
    fc.assert(
      fc.property(anyText, anyText, fc.boolean(), (x, y, same) => {
        const a = new Decimal(x);
        // Equal values built apart (one with trailing zeros) as well as different ones.
        const b = same ? new Decimal(a.toFixed(12)) : new Decimal(y);
        expect(Object.is(compareMoney(a, b), a.comparedTo(b))).toBe(true);
        if (a.isNaN() || b.isNaN()) return;
        expect(minMoney(a, b)).toBe(a.lte(b) ? a : b);
        expect(maxMoney(a, b)).toBe(a.gte(b) ? a : b);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('fenOfMoney and moneyOfFen', () => {
  it('read a whole number of fen as decimal.js times(100), null for anything else, and give it back', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const value = new Decimal(text);
        const fen = value.times(100);
        const expected = fen.isInteger() && fen.abs().lte(Number.MAX_SAFE_INTEGER) ? fen.toNumber() : null;
        const got = fenOfMoney(value);
        expect(got === null ? null : got + 0).toBe(expected === null ? null : expected + 0);
        if (got !== null) expect(moneyOfFen(got).eq(value)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    expect(fenOfMoney(new Decimal('999999999.99'))).toBe(99_999_999_999);
    expect(fenOfMoney(new Decimal('0.01'))).toBe(1);
    expect(fenOfMoney(new Decimal('90071992547409.91'))).toBe(9_007_199_254_740_991);
    expect(fenOfMoney(new Decimal('90071992547409.92'))).toBeNull();
    expect(fenOfMoney(new Decimal('0.005'))).toBeNull();
    expect(moneyOfFen(-5).toString()).toBe('-0.05');
  });
});
