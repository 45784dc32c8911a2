/**
 * Caller keys (api.md "Callers and keys"): a JSON file of SHA-256 hashes with
 * roles. Keys are compared in constant time; the ring can be swapped on SIGHUP
 * without dropping requests.
 */
import type { Caller } from '../domain/caller.js';
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const entrySchema = z.discriminatedUnion('role', [
  z.object({ id: z.string().min(1), role: z.literal('billing'), hospitalId: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/i) }),
  z.object({ id: z.string().min(1), role: z.literal('referral'), region: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/i) }),
  z.object({ id: z.string().min(1), role: z.literal('admin'), sha256: z.string().regex(/^[0-9a-f]{64}$/i) }),
]);
const fileSchema = z.array(entrySchema);

export type { Caller };

interface KeyEntry {
  caller: Caller;
  digest: Buffer;
}

export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

export function sha256Hex(key: string): string {
  return hash('sha256', key);
}

export function generateKey(): string {
  return randomBytes(24).toString('base64url');
}

export class KeyRing {
  private constructor(private readonly entries: KeyEntry[]) {}

  static fromEntries(raw: unknown, source = 'keys'): KeyRing {
    const result = fileSchema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new KeyFileError(`key file ${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    const seen = new Set<string>();
    for (const entry of result.data) {
      if (seen.has(entry.id)) throw new KeyFileError(`key file ${source}: duplicate id "${entry.id}"`);
      seen.add(entry.id);
    }
    return new KeyRing(result.data.map(({ sha256, ...caller }) => ({ caller: caller as Caller, digest: Buffer.from(sha256.toLowerCase(), 'hex') })));
  }

  static fromFile(path: string): KeyRing {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new KeyFileError(`key file ${path}: ${(error as Error).message.split('\n')[0]}`);
    }
    return KeyRing.fromEntries(raw, path);
  }

  get size(): number {
    return this.entries.length;
  }

  /** The caller holding this key, or null. Every entry is compared, in constant time. */
  verify(key: string): Caller | null {
    const digest = hash('sha256', key, 'buffer');
    let found: Caller | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && found === null) found = entry.caller;
    }
    return found;
  }
}
