/**
 * The settlement's own ids hidden from a record's parts (codec/known-ids.ts)
 * and put back: byte for byte the part, whatever the ids and the text around
 * them (ids inside one another or inside other values, a card inside a
 * requestId, empty ids, non-ASCII), through the whole record codec too.
 *
 * Reproduce a failure with the seed and path fast-check prints, or set
 * FC_SEED=<n>.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canHide, hideKnownIds, restoreKnownIds } from '../../src/store/codec/known-ids.js';
import { decodeSettlementRecord, encodeSettlementRecord } from '../../src/store/codec/settlement-record.js';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const runs = (numRuns: number): fc.Parameters<unknown> => (seed === undefined ? { numRuns } : { numRuns, seed });

/** Short strings over a small alphabet (so that values overlap often), with some non-ASCII and JSON-escaped characters. */
const piece = fc.string({ unit: fc.constantFrom('S', '-', '0', '1', 'a', 'W', '3', '"', '\\', '平', '😀', '$&', '$$'), maxLength: 8 });
const idsAndText = fc.record({ settlementId: piece, card: piece, requestId: piece, other: fc.array(piece, { maxLength: 6 }) }).chain(({ settlementId, card, requestId, other }) => {
  // Values the record holds: the ids, a requestId around the card, the card around the settlement id, and others.
  const values = [settlementId, card, `HIS-${card}-1`, `${card}${settlementId}`, requestId, ...other];
  return fc.record({
    ids: fc.constant({ settlementId, card }),
    json: fc.array(fc.constantFrom(...values), { maxLength: 12 }).map((list) => JSON.stringify({ list, card, settlementId, n: list.length })),
  });
});

describe('known ids hidden and restored', () => {
  it('restore(hide(part)) is the part, byte for byte, for JSON text', () => {
    fc.assert(
      fc.property(idsAndText, ({ ids, json }) => {
        const part = Buffer.from(json);
        expect(canHide(part)).toBe(true);
        const hidden = hideKnownIds(part, ids);
        expect(restoreKnownIds(hidden, ids).equals(part)).toBe(true);
        // Nothing of a hidden id is left where it stood alone.
        if (ids.settlementId !== '' && ids.card !== '' && !ids.card.includes(ids.settlementId)) expect(hidden.includes(Buffer.from(`"${ids.settlementId}"`))).toBe(false);
      }),
      runs(2000),
    );
  });

  it('restore(hide(part)) is the part for any bytes without a sentinel, and ids holding control characters are left as they are', () => {
    const anyId = fc.string({ unit: fc.constantFrom('a', 'b', '\u0001', '\u0002', '\n', 'é'), maxLength: 4 });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), anyId, anyId, (bytes, settlementId, card) => {
        const part = Buffer.from(bytes);
        fc.pre(canHide(part));
        const ids = { settlementId, card };
        expect(restoreKnownIds(hideKnownIds(part, ids), ids).equals(part)).toBe(true);
      }),
      runs(2000),
    );
  });

  it('a record decodes to its answer and inputs byte for byte', () => {
    fc.assert(
      fc.property(idsAndText, idsAndText, ({ ids, json }, other) => {
        const response = Buffer.from(json);
        const inputs = Buffer.from(other.json);
        const decoded = decodeSettlementRecord(encodeSettlementRecord({ d: {} }, response, inputs, ids), ids);
        expect(decoded.response.equals(response)).toBe(true);
        expect(decoded.inputs!.equals(inputs)).toBe(true);
      }),
      runs(500),
    );
  });
});
