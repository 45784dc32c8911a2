/**
 * A person's records as tests look at them, in either layout: the person's
 * hash (src/store/scripts/include/person.lua) or the earlier layout's keys
 * (acc:, stls:, stays:, occupancy:, idem:, stl:).
 */
import type { Redis } from 'ioredis';
import { namedAccumulators } from '../../src/store/codec/person-hash.js';
import { parseMetaLine } from '../../src/store/codec/settlement-record.js';

type Reader = Pick<Redis, 'hget' | 'hgetall' | 'lrange' | 'zrange'>;
type RecordReader = Pick<Redis, 'hgetBuffer' | 'getBuffer'>;

const words = (text: string | null | undefined): string[] => (text ? text.split(' ') : []);

/** The idempotency record of one "<hospitalId>:<requestId>". */
export async function idempotencyRecord(redis: Reader, card: string, field: string): Promise<string | null> {
  return (await redis.hget(`person:{${card}}`, field)) ?? (await redis.hget(`idem:{${card}}`, field));
}

/** How many idempotency records the person has (hash fields without '|', and the earlier hash's). */
export async function idempotencyCount(redis: Reader, card: string): Promise<number> {
  const fields = Object.keys(await redis.hgetall(`person:{${card}}`)).filter((field) => !field.includes('|'));
  return fields.length + Object.keys(await redis.hgetall(`idem:{${card}}`)).length;
}

/** The year's settlement ids in commit order. */
export async function yearIds(redis: Reader, card: string, year: number): Promise<string[]> {
  return [...words(await redis.hget(`person:{${card}}`, `s|${year}`)), ...(await redis.lrange(`stls:{${card}}:${year}`, 0, -1))];
}

/** The year's listed stay members. */
export async function stayMembers(redis: Reader, card: string, year: number): Promise<string[]> {
  const hashed = words(await redis.hget(`person:{${card}}`, `t|${year}`)).map((entry) => entry.slice(entry.indexOf('|') + 1));
  return [...hashed, ...(await redis.zrange(`stays:{${card}}:${year}`, 0, -1))];
}

/** The settled stays' occupancy members (an expired hash field's included: its day is the first word). */
export async function occupancyMembers(redis: Reader, card: string): Promise<string[]> {
  return [...words(await redis.hget(`person:{${card}}`, 'o|')).slice(1), ...(await redis.zrange(`occupancy:{${card}}`, 0, -1))];
}

/** A settlement's record: the person's hash field 'r|<id>', or the earlier stl: key. */
export async function settlementRecord(redis: RecordReader, card: string, settlementId: string): Promise<Buffer | null> {
  return (await redis.hgetBuffer(`person:{${card}}`, `r|${settlementId}`)) ?? (await redis.getBuffer(`stl:{${card}}:${settlementId}`));
}

/** Its meta line, parsed (JSON or terse: codec/settlement-record.ts; deltas by name either way). */
export async function settlementMeta(redis: RecordReader, card: string, settlementId: string): Promise<Record<string, unknown>> {
  const record = await settlementRecord(redis, card, settlementId);
  if (!record) throw new Error(`no record of ${settlementId}`);
  return parseMetaLine(record.subarray(0, record.indexOf(0x0a)).toString('utf8')) as unknown as Record<string, unknown>;
}

/** Its meta line as stored. */
export async function settlementMetaLine(redis: RecordReader, card: string, settlementId: string): Promise<string> {
  const record = await settlementRecord(redis, card, settlementId);
  if (!record) throw new Error(`no record of ${settlementId}`);
  return record.subarray(0, record.indexOf(0x0a)).toString('utf8');
}

/** The person's records in the hash (fields 'r|<id>'), by settlement id. */
export async function hashedRecordIds(redis: Pick<Redis, 'hkeys'>, card: string): Promise<string[]> {
  return (await redis.hkeys(`person:{${card}}`)).filter((field) => field.startsWith('r|')).map((field) => field.slice(2));
}

/** A meta line's deltas with whole accumulator names, as the release before wrote them. */
export function wholeDeltas(d: unknown): Record<string, string> {
  return namedAccumulators(d as Record<string, string>);
}

/** Whether the settlement's record is stored, in either place. */
export async function hasSettlementRecord(redis: Pick<Redis, 'exists' | 'hexists'>, card: string, settlementId: string): Promise<boolean> {
  return (await redis.hexists(`person:{${card}}`, `r|${settlementId}`)) === 1 || (await redis.exists(`stl:{${card}}:${settlementId}`)) === 1;
}

/** How many records are stored (hash fields and earlier keys), of persons whose key matches `cards` (a glob, '*': all). */
export async function settlementRecordCount(redis: Pick<Redis, 'keys' | 'hkeys'>, cards = '*'): Promise<number> {
  let count = (await redis.keys(`stl:{${cards}}:*`)).length;
  for (const key of await redis.keys(`person:{${cards}}`)) count += (await redis.hkeys(key)).filter((field) => field.startsWith('r|')).length;
  return count;
}
