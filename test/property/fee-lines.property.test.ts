/**
 * Properties of fee-line classification over generated catalogues and bills
 * (lines parsed by the real request schema): the four parts add up to the
 * total to the fen, line by line and in all; no part is negative or has more
 * than two decimals; the slip's categories add up to the same total.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Catalogue } from '../../src/catalogue/catalogue.js';
import { CHARGE_LEVEL_CODES, FEE_CATEGORY_CODES } from '../../src/domain/code-tables.js';
import { Decimal, ZERO, lineAmount, round2, type Money } from '../../src/domain/money.js';
import { isItemised } from '../../src/domain/types.js';
import { classifyFeeLines } from '../../src/engine/fee-lines.js';
import { parseSettlementRequest } from '../../src/contract/settlement.js';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const runs = (numRuns: number): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed });

/** A decimal string from an integer count of 10^-scale units. */
const scaled = (units: bigint, scale: number): string => {
  const text = units.toString().padStart(scale + 1, '0');
  return scale === 0 ? text : `${text.slice(0, -scale)}.${text.slice(-scale)}`;
};

const entryArb = fc.record({
  level: fc.constantFrom(...CHARGE_LEVEL_CODES),
  ratio: fc.integer({ min: 0, max: 10_000 }).map((n) => new Decimal(n).dividedBy(10_000)),
  ceiling: fc.option(
    fc.bigInt({ min: 0n, max: 2_000_000_000n }).map((n) => new Decimal(scaled(n, 6))),
    { nil: null },
  ),
  category: fc.constantFrom(...FEE_CATEGORY_CODES),
});

const catalogueArb = fc.array(entryArb, { minLength: 1, maxLength: 8 }).map((entries) => {
  const catalogue = new Catalogue('prop', 'prop.csv');
  entries.forEach((e, i) =>
    catalogue.add({
      code: `P${i}`,
      name: `item ${i}`,
      level: e.level,
      selfPayRatio: e.level === '02' ? e.ratio : null,
      priceCeiling: e.ceiling,
      category: e.category,
      validFrom: null,
      validTo: null,
    }),
  );
  return { catalogue, size: entries.length };
});

/** Quantity up to 999.9999 (4 decimals), unit price up to 9,999.999999 (6 decimals), often tiny; 40 lines stay under the amount bound. */
const wireLineArb = (size: number) =>
  fc
    .record({
      code: fc.integer({ min: 0, max: size - 1 }),
      quantity: fc.oneof(fc.bigInt({ min: 1n, max: 9_999_999n }), fc.bigInt({ min: 1n, max: 100n })),
      price: fc.oneof(fc.bigInt({ min: 0n, max: 9_999_999_999n }), fc.bigInt({ min: 0n, max: 10_000n })),
    })
    .map(({ code, quantity, price }) => {
      const q = scaled(quantity, 4);
      const p = scaled(price, 6);
      const amount = round2(new Decimal(q).times(p)).toFixed(2);
      return { code: `P${code}`, quantity: q.replace(/\.?0+$/, '') || '0', unitPrice: p, amount };
    })
    // Lines the schema takes: rounding to the fen moves none by more than a tenth (money.ts lineAmount).
    .filter(({ quantity, unitPrice }) => lineAmount(new Decimal(quantity), new Decimal(unitPrice)) !== null);

const billArb = catalogueArb.chain(({ catalogue, size }) => fc.record({ catalogue: fc.constant(catalogue), lines: fc.array(wireLineArb(size), { minLength: 1, maxLength: 40 }) }));

const hasTwoDecimals = (m: Money) => m.decimalPlaces() <= 2;

describe('fee-line classification', () => {
  it('full + over-limit + pre-self-pay + policy scope = total, to the fen; every part ≥ 0', () => {
    let checked = 0;
    fc.assert(
      fc.property(billArb, ({ catalogue, lines }) => {
        const request = parseSettlementRequest({
          requestId: 'PROP',
          card: 'C1',
          hospitalId: 'H1',
          visitType: 'inpatient',
          admissionDate: '2019-03-01',
          dischargeDate: '2019-03-10',
          charges: { lines: lines.map((l, i) => ({ lineId: `L${i}`, ...l })) },
        });
        if (!isItemised(request.charges)) throw new Error('expected lines');
        const outcome = classifyFeeLines(request.charges.lines, catalogue, request.dischargeDate);
        expect(outcome.ok).toBe(true);
        if (!outcome.ok) return;
        const { charges, lines: classified, feeCategories } = outcome.classification;
        let scope = ZERO;
        for (const line of classified) {
          for (const part of [line.fullSelfPay, line.overLimitSelfPay, line.preSelfPay, line.policyScope]) {
            expect(part.isNegative()).toBe(false);
            expect(hasTwoDecimals(part)).toBe(true);
          }
          expect(line.fullSelfPay.plus(line.overLimitSelfPay).plus(line.preSelfPay).plus(line.policyScope).eq(line.amount)).toBe(true);
          scope = scope.plus(line.policyScope);
        }
        for (const part of [charges.total, charges.fullSelfPay, charges.overLimitSelfPay, charges.preSelfPay]) {
          expect(part.isNegative()).toBe(false);
          expect(hasTwoDecimals(part)).toBe(true);
        }
        expect(charges.fullSelfPay.plus(charges.overLimitSelfPay).plus(charges.preSelfPay).plus(scope).toFixed(2)).toBe(charges.total.toFixed(2));
        let slipTotal = ZERO;
        for (const code of FEE_CATEGORY_CODES) {
          const slip = feeCategories[code];
          expect(slip.levelA.plus(slip.levelB).plus(slip.levelC).eq(slip.total)).toBe(true);
          expect(slip.policyScope.lte(slip.total)).toBe(true);
          slipTotal = slipTotal.plus(slip.total);
        }
        expect(slipTotal.eq(charges.total)).toBe(true);
        checked++;
      }),
      runs(500),
    );
    expect(checked).toBeGreaterThan(100);
  });

  it('each line and every sum (kept in integer fen) are what decimal.js computes line by line', () => {
    fc.assert(
      fc.property(billArb, ({ catalogue, lines }) => {
        const request = parseSettlementRequest({
          requestId: 'PROP',
          card: 'C1',
          hospitalId: 'H1',
          visitType: 'inpatient',
          admissionDate: '2019-03-01',
          dischargeDate: '2019-03-10',
          charges: { lines: lines.map((l, i) => ({ lineId: `L${i}`, ...l })) },
        });
        if (!isItemised(request.charges)) throw new Error('expected lines');
        const outcome = classifyFeeLines(request.charges.lines, catalogue, request.dischargeDate);
        if (!outcome.ok) throw new Error('expected a classification');
        const { charges, lines: classified, feeCategories } = outcome.classification;
        const sums = { total: ZERO, full: ZERO, over: ZERO, pre: ZERO };
        const slips = new Map(FEE_CATEGORY_CODES.map((code) => [code, { total: ZERO, levelA: ZERO, levelB: ZERO, levelC: ZERO, policyScope: ZERO }]));
        request.charges.lines.forEach((line, i) => {
          const entry = catalogue.lookup(line.code, '2019-03-10')!;
          const over =
            entry.level !== '03' && entry.priceCeiling !== null && line.unitPrice.gt(entry.priceCeiling)
              ? round2(line.unitPrice.minus(entry.priceCeiling).times(line.quantity))
              : ZERO;
          const full = entry.level === '03' ? line.amount : ZERO;
          const pre = entry.level === '02' ? round2(line.amount.minus(over).times(entry.selfPayRatio!)) : ZERO;
          const scope = line.amount.minus(full).minus(over).minus(pre);
          const got = classified[i]!;
          for (const [a, b] of [
            [got.fullSelfPay, full],
            [got.overLimitSelfPay, over],
            [got.preSelfPay, pre],
            [got.policyScope, scope],
            [got.amount, line.amount],
          ] as const) {
            expect(a.toString()).toBe(b.toString());
          }
          sums.total = sums.total.plus(line.amount);
          sums.full = sums.full.plus(full);
          sums.over = sums.over.plus(over);
          sums.pre = sums.pre.plus(pre);
          const slip = slips.get(entry.category)!;
          slip.total = slip.total.plus(line.amount);
          if (entry.level === '01') slip.levelA = slip.levelA.plus(line.amount);
          else if (entry.level === '02') slip.levelB = slip.levelB.plus(line.amount);
          else slip.levelC = slip.levelC.plus(line.amount);
          slip.policyScope = slip.policyScope.plus(scope);
        });
        const same = (a: Money, b: Money) => expect(a.toString()).toBe(b.toString());
        same(charges.total, sums.total);
        same(charges.fullSelfPay, sums.full);
        same(charges.overLimitSelfPay, sums.over);
        same(charges.preSelfPay, sums.pre);
        for (const code of FEE_CATEGORY_CODES) {
          const want = slips.get(code)!;
          const slip = feeCategories[code];
          for (const key of ['total', 'levelA', 'levelB', 'levelC', 'policyScope'] as const) same(slip[key], want[key]);
        }
      }),
      runs(500),
    );
  });
});
