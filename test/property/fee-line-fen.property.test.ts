/**
 * A fee line's arithmetic in integer fen (the request schema's check of
 * amount = quantity × unitPrice and the bill's total) against decimal.js:
 * the same answer for every quantity, unit price and amount the wire
 * patterns admit, including products past 2^53.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, lineAmount, lineAmountFen, lineRoundingTooLarge, round2, scaledOfText } from '../../src/domain/money.js';
import { feeLineSchema } from '../../src/contract/settlement.js';
import { parseSettlementRequest } from '../../src/contract/settlement.js';

/** An unsigned decimal string of at most `whole` integer digits and `scale` decimals, as the wire patterns allow. */
const decimalText = (whole: number, scale: number) =>
  fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** BigInt(whole) - 1n }), fc.integer({ min: 0, max: scale }), fc.bigInt({ min: 0n, max: 10n ** BigInt(scale) - 1n }))
    .map(([integer, decimals, fraction]) => (decimals === 0 ? integer.toString() : `${integer}.${fraction.toString().padStart(scale, '0').slice(0, decimals)}`));
// Small values too: most bills are a few units at a few yuan.
const quantity = fc.oneof(decimalText(8, 4), decimalText(2, 1)).filter((q) => new Decimal(q).gt(0));
const unitPrice = fc.oneof(decimalText(9, 6), decimalText(3, 2));

const fenOf = (value: InstanceType<typeof Decimal>) => BigInt(value.times(100).toFixed(0));

describe('fee-line arithmetic in integer fen', () => {
  it('scaledOfText reads every pattern-checked decimal exactly', () => {
    fc.assert(
      fc.property(decimalText(9, 6), (text) => {
        expect(BigInt(scaledOfText(text, 6))).toBe(BigInt(new Decimal(text).times(1e6).toFixed(0)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('lineRoundingTooLarge refuses exactly the lines lineAmount (decimal.js) refuses', () => {
    const tiny = fc.oneof(unitPrice, decimalText(0, 6));
    fc.assert(
      fc.property(quantity, tiny, (q, p) => {
        expect(lineRoundingTooLarge(scaledOfText(q, 4), scaledOfText(p, 6))).toBe(lineAmount(new Decimal(q), new Decimal(p)) === null);
      }),
      { numRuns: 20_000 },
    );
  });

  it('lineAmountFen is quantity × unitPrice rounded half up to the fen, as decimal.js computes it', () => {
    fc.assert(
      fc.property(quantity, unitPrice, (q, p) => {
        const fen = lineAmountFen(scaledOfText(q, 4), scaledOfText(p, 6));
        expect(BigInt(fen)).toBe(fenOf(round2(new Decimal(q).times(p))));
      }),
      { numRuns: 20_000 },
    );
    // Halves round up; a product past 2^53 goes through BigInt.
    expect(lineAmountFen(scaledOfText('1', 4), scaledOfText('0.005', 6))).toBe(1);
    expect(lineAmountFen(scaledOfText('1', 4), scaledOfText('0.004999', 6))).toBe(0);
    expect(BigInt(lineAmountFen(scaledOfText('99999999.9999', 4), scaledOfText('999999999.999999', 6)))).toBe(
      fenOf(round2(new Decimal('99999999.9999').times('999999999.999999'))),
    );
  });

  it('the request schema accepts a line exactly when decimal.js says its amount is right and its rounding within a tenth', () => {
    const money = decimalText(6, 2);
    fc.assert(
      fc.property(fc.oneof(decimalText(3, 4), decimalText(2, 0)), decimalText(4, 6), money, fc.boolean(), (q, p, other, exact) => {
        fc.pre(new Decimal(q).gt(0));
        const right = round2(new Decimal(q).times(p));
        const amount = exact && right.lte('999999999.99') ? right.toFixed(2) : other;
        const line = { lineId: 'L1', code: 'C1', quantity: q, unitPrice: p, amount };
        expect(feeLineSchema.safeParse(line).success).toBe(true);
        const body = {
          requestId: 'R1',
          card: 'C1',
          hospitalId: 'H1',
          visitType: 'inpatient',
          admissionDate: '2019-03-01',
          dischargeDate: '2019-03-02',
          charges: { lines: [line] },
        };
        const accepted = (() => {
          try {
            parseSettlementRequest(body);
            return true;
          } catch {
            return false;
          }
        })();
        expect(accepted).toBe(new Decimal(amount).eq(right) && lineAmount(new Decimal(q), new Decimal(p)) !== null);
      }),
      { numRuns: 5_000 },
    );
  });
});
