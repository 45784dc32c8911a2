/**
 * The archive inflated into lent memory gives the file's bytes exactly, in
 * whatever windows it is asked for, by zlib's synchronous step and by the
 * stream it falls back to alike; a gzip cut short or damaged is an error,
 * never a shorter year.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { gunzipInto } from '../../src/simulate/gunzip-into.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'simulate-gunzip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Lines of varied length and content (some incompressible), a few MB: several input reads. */
function text(): Buffer {
  const lines: string[] = [];
  let seed = 7;
  for (let i = 0; i < 30_000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    lines.push(`{"n":${i},"card":"C${seed}","text":"${'住院'.repeat(seed % 40)}${seed.toString(36).repeat(1 + (seed % 9))}"}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

const original = text();

function file(name: string, bytes: Buffer): string {
  const at = path.join(dir, name);
  writeFileSync(at, bytes);
  return at;
}

async function inflateAll(at: string, stream: boolean, window: number): Promise<Buffer> {
  const inflater = await gunzipInto(at, { stream });
  const out = Buffer.alloc(original.length + 1024);
  let size = 0;
  try {
    for (;;) {
      const read = await inflater.into(out, size, size + window);
      expect(read).toBeLessThanOrEqual(window);
      if (read === 0) break;
      size += read;
    }
  } finally {
    await inflater.close();
  }
  return out.subarray(0, size);
}

describe('gunzipInto', () => {
  const whole = file('whole.gz', gzipSync(original, { level: 9 }));
  // Two gzip members one after the other read as their bytes one after the other, as gunzip reads them.
  const half = original.length >> 1;
  const members = file('members.gz', Buffer.concat([gzipSync(original.subarray(0, half)), gzipSync(original.subarray(half))]));

  for (const stream of [false, true]) {
    it(`gives the file's bytes in any window (${stream ? 'stream' : 'zlib step'})`, async () => {
      for (const window of [4093, 1 << 17, 1 << 22]) expect((await inflateAll(whole, stream, window)).equals(original)).toBe(true);
      expect((await inflateAll(members, stream, 1 << 17)).equals(original)).toBe(true);
    });

    it(`fails on a gzip cut short or damaged (${stream ? 'stream' : 'zlib step'})`, async () => {
      const gz = gzipSync(original);
      await expect(inflateAll(file('short.gz', gz.subarray(0, gz.length - 100)), stream, 1 << 17)).rejects.toThrow(/unexpected end of file/);
      const damaged = Buffer.from(gz);
      for (let i = 1000; i < 1100; i++) damaged[i] = damaged[i]! ^ 0x5a;
      await expect(inflateAll(file('damaged.gz', damaged), stream, 1 << 17)).rejects.toThrow();
    });
  }
});
