/** fence-claim-3.lua and compare-and-set-1.lua with named arguments, in the order their headers document, and their replies decoded. */
import type { ScriptedClient } from '../redis.js';
import { fenceOutcome, replaceOutcome, type FenceOutcome, type ReplaceOutcome } from '../script-results.js';

export interface FenceClaimCall {
  idempotencyKey: string;
  voidClaimKey: string;
  /** person:{card}: its idempotency fields, read before the earlier idempotencyKey. */
  personKey: string;
  /** "<hospitalId>:<requestId>" */
  idempotencyField: string;
  token: string;
  voidSeconds: number;
}

export async function fenceClaim(client: ScriptedClient, c: FenceClaimCall): Promise<FenceOutcome> {
  return fenceOutcome(await client.fenceClaim(c.idempotencyKey, c.voidClaimKey, c.personKey, c.idempotencyField, c.token, String(c.voidSeconds)));
}

export interface CompareAndSetCall {
  key: string;
  expected: string;
  /** '' deletes the key. */
  value: string;
  /** Absent: no expiry. */
  ttlSeconds?: number;
}

export async function compareAndSet(client: ScriptedClient, c: CompareAndSetCall): Promise<ReplaceOutcome> {
  const reply = c.ttlSeconds === undefined ? await client.compareAndSet(c.key, c.expected, c.value) : await client.compareAndSet(c.key, c.expected, c.value, String(c.ttlSeconds));
  return replaceOutcome(reply);
}
