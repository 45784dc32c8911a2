import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, formatMoney } from '../../src/domain/money.js';

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
