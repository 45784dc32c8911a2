/**
 * The hand check of a fee line's shape (acceptedFeeLine, the large bill's hot
 * path) against the schema it stands in for (feeLineSchema): a line it
 * accepts, the schema accepts with the very same output (keys, order,
 * values); a line the schema accepts without an explicit undefined, it
 * accepts too (else the fast path would never be taken). A line it refuses
 * goes to the schema, whose issues are answered.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptedFeeLine, feeLineSchema } from '../../src/contract/settlement.js';

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const decimalish = fc.oneof(
  fc.tuple(digits(1, 10), fc.option(digits(0, 7), { nil: undefined })).map(([i, f]) => (f === undefined ? i : `${i}.${f}`)),
  fc.constantFrom('0', '0.0', '1', '2.5', '12.50', '0.01', '1.001', '-1', '1e2', ' 1', '1.', '.5', '00', '999999999.99', '1000000000', '99999999.9999'),
);
const idish = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'Ab0._-:|'), minLength: 0, maxLength: 66 }),
  fc.constantFrom('L1', 'X01', '-L', 'a'.repeat(64), 'a'.repeat(65), 'a'.repeat(50), 'a'.repeat(51)),
);
const freeish = fc.oneof(
  fc.string({ minLength: 0, maxLength: 202 }),
  fc.string({ unit: 'grapheme', maxLength: 70 }),
  fc.constantFrom('药品', 'a\u0000b', 'tab\there', '\u007f', 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(200), 'x'.repeat(201), ''),
);
const timeish = fc.oneof(
  fc.date({ min: new Date('1990-01-01'), max: new Date('2040-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 19)),
  fc.constantFrom('2019-03-05T10:00:00', '2019-02-30T10:00:00', '2019-13-01T00:00:00', '2019-03-05 10:00:00', '2019-03-05T24:00:00', '2019-03-05T10:00:00Z'),
);
const other = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
const valid = {
  id: fc.tuple(fc.constantFrom(...'Ab0'), fc.string({ unit: fc.constantFrom(...'Ab0._-'), maxLength: 40 })).map(([a, b]) => a + b),
  free: fc.oneof(fc.constant(null), fc.string({ unit: fc.constantFrom(...'ab 药品-（）'), minLength: 1, maxLength: 60 })),
  decimal: fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.option(digits(1, 2), { nil: undefined })).map(([i, f]) => (f === undefined ? `${i}` : `${i}.${f}`)),
  time: fc.oneof(fc.constant(null), fc.constant('2019-03-05T10:00:00')),
};
/** A field: usually well formed, sometimes noisy, sometimes of another type, missing or explicitly undefined. */
const field = (good: fc.Arbitrary<unknown>, noisy: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 40, arbitrary: good },
    { weight: 3, arbitrary: noisy },
    { weight: 1, arbitrary: other },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constant('MISSING') },
  );
const line = fc
  .record({
    lineId: field(valid.id, idish),
    code: field(valid.id, idish),
    hospitalCode: field(valid.free, freeish),
    name: field(valid.free, freeish),
    quantity: field(valid.decimal, decimalish),
    unitPrice: field(valid.decimal, decimalish),
    amount: field(valid.decimal, decimalish),
    time: field(valid.time, timeish),
    extra: fc.option(fc.constantFrom('colour', '__proto__', 'lineid', 'constructor'), { nil: undefined, freq: 8 }),
    order: fc.boolean(),
  })
  .map(({ extra, order, ...fields }) => {
    const entries = Object.entries(fields).filter(([, value]) => value !== 'MISSING');
    if (order) entries.reverse();
    const value: Record<string, unknown> = Object.fromEntries(entries);
    if (extra !== undefined) Object.defineProperty(value, extra, { value: 1, enumerable: true, configurable: true, writable: true });
    return value;
  });
const sendable = fc.oneof({ weight: 20, arbitrary: line }, { weight: 1, arbitrary: fc.anything() });

describe('a fee line checked by hand and by the schema', () => {
  it('is accepted by hand only as the schema accepts it, with the same output; and every line the schema accepts (no explicit undefined) is', () => {
    let accepted = 0;
    fc.assert(
      fc.property(sendable, (value) => {
        const byHand = acceptedFeeLine(value);
        const bySchema = feeLineSchema.safeParse(value);
        if (byHand !== null) {
          accepted++;
          expect(bySchema.success).toBe(true);
          expect(Object.keys(byHand)).toEqual(Object.keys(bySchema.data!));
          expect(byHand).toStrictEqual(bySchema.data);
          expect(JSON.stringify(byHand)).toBe(JSON.stringify(bySchema.data));
        } else if (bySchema.success) {
          expect(Object.values(value as object)).toContain(undefined);
        }
      }),
      { numRuns: 30_000 },
    );
    expect(accepted).toBeGreaterThan(1000);
  });
});
