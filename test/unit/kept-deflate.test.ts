/**
 * The kept zlib state: every part, whatever came before it, is a whole raw
 * stream that inflates alone with the dictionary to exactly the part.
 */
import { randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { keptRawDeflate } from '../../src/store/codec/kept-deflate.js';
import { CURRENT_DICTIONARY, RESPONSE_DICTIONARIES } from '../../src/store/codec/response-dictionaries.js';

const dictionary = RESPONSE_DICTIONARIES[CURRENT_DICTIONARY]!;

function answer(i: number): Buffer {
  return Buffer.from(JSON.stringify({ settlementId: `S-0abc-${i.toString(16).padStart(32, '0')}`, status: 'settled', total: `${i}.25`, notes: ['平阳县'.repeat(i % 7)] }));
}

describe('kept raw deflate', () => {
  it('deflates parts one after another, each inflating alone to the part (long, short, empty, incompressible)', () => {
    const deflate = keptRawDeflate({ level: 6, dictionary, chunkSize: 2048, maxPartBytes: 64 * 1024 });
    const parts = [answer(1), Buffer.concat(Array.from({ length: 40 }, (_, i) => answer(i))), answer(2), Buffer.alloc(0), randomBytes(60_000), answer(3), randomBytes(10)];
    for (const part of [...parts, ...parts]) expect(inflateRawSync(deflate(part), { dictionary }).equals(part)).toBe(true);
  });

  it('gives a fresh state’s bytes to the first part, and no more bytes than the fresh path on typical answers', () => {
    const deflate = keptRawDeflate({ level: 6, dictionary, chunkSize: 2048, maxPartBytes: 64 * 1024 });
    expect(deflate(answer(5)).equals(deflateRawSync(answer(5), { level: 6, dictionary }))).toBe(true);
    let kept = 0;
    let fresh = 0;
    for (let i = 0; i < 50; i++) {
      kept += deflate(answer(i)).length;
      fresh += deflateRawSync(answer(i), { level: 6, dictionary }).length;
    }
    expect(kept).toBeLessThanOrEqual(fresh * 1.01);
  });

  it('hands a part over its bound to deflateRawSync, and keeps going', () => {
    const deflate = keptRawDeflate({ level: 6, chunkSize: 2048, maxPartBytes: 100 });
    const large = Buffer.from('x'.repeat(5000));
    expect(inflateRawSync(deflate(large)).equals(large)).toBe(true);
    expect(inflateRawSync(deflate(answer(1))).equals(answer(1))).toBe(true);
  });
});
