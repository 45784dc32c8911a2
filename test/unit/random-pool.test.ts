import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from '../../src/ops/random-pool.js';

describe('pooled random bytes', () => {
  it('hands each byte out once across refills, and refuses sizes it cannot serve', () => {
    const seen = new Set<string>();
    // 9 × 2,000 bytes: several refills of the 4 kB pool, a partial tail skipped each time.
    for (let i = 0; i < 2000; i++) seen.add(pooledRandomBytes(9).toString('hex'));
    expect(seen.size).toBe(2000);
    const a = pooledRandomBytes(16);
    const copy = Buffer.from(a);
    pooledRandomBytes(16);
    expect(a.equals(copy)).toBe(true);
    for (const size of [0, -1, 1.5, 4097]) expect(() => pooledRandomBytes(size)).toThrow(RangeError);
  });
});
