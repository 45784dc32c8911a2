/**
 * A large body parsed with its largest array in pieces (src/http/json-pieces.ts)
 * against JSON.parse of the whole decoded text: the same value (key order
 * included) or the same error, for JSON texts, cut or corrupted ones, and
 * texts holding the mark or invalid UTF-8.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PIECES_FROM_BYTES, parseJsonBytes, scanJson } from '../../src/http/json-pieces.js';

const MAX_DEPTH = 64;

function outcome(parse: () => unknown): { value: string } | { error: string } {
  try {
    return { value: JSON.stringify(parse()) };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

function expectSame(bytes: Buffer): void {
  const whole = outcome(() => JSON.parse(bytes.toString('utf8')));
  const pieces = outcome(() => parseJsonBytes(bytes, scanJson(bytes, MAX_DEPTH)));
  expect(pieces).toEqual(whole);
}

const text = fc.oneof(fc.string(), fc.constantFrom('阿莫西林胶囊', '\u0000pieces\u0000', 'a"b\\c', '[1,2]', '{"x":[', '𠀀', '__proto__'));
const line = fc.record({ lineId: text, code: fc.string({ maxLength: 24 }), name: text, quantity: fc.constantFrom('1', '2.5'), n: fc.integer(), pad: fc.constant('x'.repeat(80)) });
/** A bill-like body: an envelope around one large array, sometimes a second array or duplicate keys. */
const body = fc
  .tuple(fc.array(line, { minLength: 700, maxLength: 1200 }), fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }), fc.boolean(), fc.boolean())
  .map(([lines, extra, nested, top]) => {
    if (top) return JSON.stringify(lines.map((l, i) => (nested && i % 50 === 0 ? [l, extra] : l)));
    return JSON.stringify({ requestId: 'R-1', extra, card: '甲', charges: { lines: nested ? [...lines, extra] : lines }, after: extra });
  });

describe('a large body parsed in pieces', () => {
  it('is JSON.parse of the whole text for large valid bodies', () => {
    fc.assert(
      fc.property(body, (json) => {
        const bytes = Buffer.from(json);
        expect(bytes.length).toBeGreaterThan(PIECES_FROM_BYTES);
        expectSame(bytes);
      }),
      { numRuns: 40 },
    );
  });

  it('answers a cut, corrupted or spliced body as JSON.parse does', () => {
    const edits = fc.array(
      fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.constantFrom(',', ']', '[', '}', '"', '\\', ' ', ',,', '\u00e4', '\xff', '"\\u0000pieces\\u0000"', '"lines":[]', '')),
      {
        minLength: 1,
        maxLength: 3,
      },
    );
    fc.assert(
      fc.property(body, edits, (json, changes) => {
        let bytes = Buffer.from(json);
        for (const [at, cut, insert] of changes) {
          const i = at % bytes.length;
          const insertBytes = insert === '\xff' ? Buffer.from([0xff]) : Buffer.from(insert);
          bytes = Buffer.concat([bytes.subarray(0, i), insertBytes, bytes.subarray(i + cut)]);
        }
        expectSame(bytes);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps duplicate keys, the mark spelled otherwise, and __proto__ as JSON.parse does', () => {
    const lines = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ lineId: `F${i}`, name: '阿莫西林胶囊' })));
    for (const json of [
      `{"charges":{"lines":${lines},"lines":[1]}}`,
      `{"charges":{"lines":[1],"lines":${lines}}}`,
      `{"a":"\\u0000piece\\u0073\\u0000","charges":{"lines":${lines}}}`,
      `{"__proto__":${lines}}`,
      `{"x":{"__proto__":{"lines":${lines}}}}`,
      `  ${lines}  `,
      `{"lines":${lines.replace('[{', '[ {').replace('}]', '} ]')}}`,
      `{"lines":${lines.slice(0, -1)},]}`,
      `{"lines":${lines.replace('},{', '},,{')}}`,
      `\ufeff{"lines":${lines}}`,
      `{"many":[${'1,'.repeat(150_000)}1]}`,
    ]) {
      expectSame(Buffer.from(json));
    }
    const proto = parseJsonBytes(Buffer.from(`{"__proto__":${lines}}`), scanJson(Buffer.from(`{"__proto__":${lines}}`), MAX_DEPTH)) as object;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(['__proto__']);
  });

  it('scans the depth as before', () => {
    const deep = `${'['.repeat(80)}${']'.repeat(80)}`;
    expect(scanJson(Buffer.from(deep), MAX_DEPTH).depth).toBe(80);
    expect(scanJson(Buffer.from('{"a":"[[[","b":[{"c":[]}]}'), MAX_DEPTH).depth).toBe(4);
  });
});
