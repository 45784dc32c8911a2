/**
 * Day sums in integer fen (statements, ledger decoding) against decimal.js:
 * the same text for any amounts, signs and counts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenOfText, formatMoney, money, textOfFen, ZERO } from '../../src/domain/money.js';

const amount = fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 99_999_999_999n })).map(([negative, fen]) => (negative && fen > 0n ? '-' : '') + textOfFen(fen < 0n ? -fen : fen));
const written = fc.oneof(
  amount,
  amount.map((text) => text.replace(/0$/, '')),
  amount.map((text) => text.replace(/\.00$/, '')),
);

describe('fenOfText / textOfFen', () => {
  it('round-trip every two-decimal amount, and read "7", "12.3" and "-0.5" as yuan', () => {
    fc.assert(
      fc.property(amount, (text) => {
        expect(textOfFen(fenOfText(text))).toBe(text);
      }),
      { numRuns: 5_000 },
    );
    expect(fenOfText('7')).toBe(700n);
    expect(fenOfText('12.3')).toBe(1230n);
    expect(textOfFen(fenOfText('-0.5'))).toBe('-0.50');
    expect(textOfFen(0n)).toBe('0.00');
  });

  it('sum like decimal.js, to the fen', () => {
    fc.assert(
      fc.property(fc.array(written, { maxLength: 50 }), (texts) => {
        const fen = texts.reduce((sum, text) => sum + fenOfText(text), 0n);
        const decimal = texts.reduce((sum, text) => sum.plus(money(text)), ZERO);
        expect(textOfFen(fen)).toBe(formatMoney(decimal));
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuse what is no amount (three decimals, exponents, words)', () => {
    for (const bad of ['1.234', '1e3', 'abc', '', '-', '1.2.3', '+1']) expect(() => fenOfText(bad), bad).toThrow();
  });
});
