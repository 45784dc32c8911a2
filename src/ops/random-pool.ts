/**
 * Random bytes for ids and tokens from one pool: crypto.randomBytes asks
 * OpenSSL once per call (~15 µs a settlement in `npm run bench:profile`);
 * one fill of 4 kB serves hundreds of ids (what randomUUID does too). The
 * bytes are a view into the pool, each handed out once: use them before the
 * next call.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let offset = pool.length;

export function pooledRandomBytes(size: number): Buffer {
  if (!Number.isInteger(size) || size < 1 || size > pool.length) throw new RangeError(`pooledRandomBytes: 1 to ${pool.length} bytes, not ${size}`);
  if (offset + size > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const start = offset;
  offset += size;
  return pool.subarray(start, offset);
}
