/**
 * A person's records as tests look at them, in either layout: the person's
 * hash (src/store/scripts/include/person.lua) or the earlier layout's keys
 * (acc:, stls:, stays:, occupancy:, idem:, stl:). Settlement ids come whole,
 * however the hash keeps them (keys.localSettlementId).
 */
import type { Redis } from 'ioredis';
import { dateOfDayNumber } from '../../src/domain/dates.js';
import { namedAccumulators, staysOfYear } from '../../src/store/codec/person-hash.js';
import { parseMetaLine } from '../../src/store/codec/settlement-record.js';
import { keys, localSettlementId, settlementIdOfCard } from '../../src/store/keys.js';

type Reader = Pick<Redis, 'hget' | 'hgetall' | 'lrange' | 'zrange'>;
type RecordReader = Pick<Redis, 'hgetBuffer' | 'getBuffer'>;

const words = (text: string | null | undefined): string[] => (text ? text.split(' ') : []);

/** The idempotency record of one "<hospitalId>:<requestId>", its settlement id whole. */
export async function idempotencyRecord(redis: Reader, card: string, field: string): Promise<string | null> {
  const value = (await redis.hget(`person:{${card}}`, field)) ?? (await redis.hget(`idem:{${card}}`, field));
  if (value === null || value.startsWith('void ')) return value;
  const space = value.indexOf(' ');
  return `${value.slice(0, space)} ${settlementIdOfCard(card, value.slice(space + 1))}`;
}

/** How many idempotency records the person has (hash fields without '|', and the earlier hash's). */
export async function idempotencyCount(redis: Reader, card: string): Promise<number> {
  const fields = Object.keys(await redis.hgetall(`person:{${card}}`)).filter((field) => !field.includes('|'));
  return fields.length + Object.keys(await redis.hgetall(`idem:{${card}}`)).length;
}

/** The year's settlement ids in commit order. */
export async function yearIds(redis: Reader, card: string, year: number): Promise<string[]> {
  return [...words(await redis.hget(`person:{${card}}`, `s|${year}`)).map((id) => settlementIdOfCard(card, id)), ...(await redis.lrange(`stls:{${card}}:${year}`, 0, -1))];
}

/** The year's listed stay members. */
export async function stayMembers(redis: Reader, card: string, year: number): Promise<string[]> {
  const listed = await redis.hget(`person:{${card}}`, `t|${year}`);
  const hashed = (listed ? staysOfYear({ [`t|${year}`]: listed }, year, 0, Number.MAX_SAFE_INTEGER) : []).map((member) => {
    const [id, ...rest] = member.split('|');
    return [settlementIdOfCard(card, id!), ...rest].join('|');
  });
  return [...hashed, ...(await redis.zrange(`stays:{${card}}:${year}`, 0, -1))];
}

/** The settled stays' occupancy members (an expired hash field's included: its day is the first word). */
export async function occupancyMembers(redis: Reader, card: string): Promise<string[]> {
  const hashed = words(await redis.hget(`person:{${card}}`, 'o|'))
    .slice(1)
    .map((member) => {
      const [admission, discharge, id, ...rest] = member.split('|');
      return [admission, discharge, settlementIdOfCard(card, id!), ...rest].join('|');
    });
  return [...hashed, ...(await redis.zrange(`occupancy:{${card}}`, 0, -1))];
}

/** A settlement's record: the person's hash field 'r|<id>' (local, or whole as written before), or the earlier stl: key. */
export async function settlementRecord(redis: RecordReader, card: string, settlementId: string): Promise<Buffer | null> {
  return (
    (await redis.hgetBuffer(`person:{${card}}`, keys.settlementField(settlementId))) ??
    (await redis.hgetBuffer(`person:{${card}}`, keys.wholeSettlementField(settlementId))) ??
    (await redis.getBuffer(`stl:{${card}}:${settlementId}`))
  );
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
  return (await redis.hkeys(`person:{${card}}`)).filter((field) => field.startsWith('r|')).map((field) => settlementIdOfCard(card, field.slice(2)));
}

/** A meta line's deltas with whole accumulator names, as the release before wrote them. */
export function wholeDeltas(d: unknown): Record<string, string> {
  return namedAccumulators(d as Record<string, string>);
}

/** Whether the settlement's record is stored, in either place. */
export async function hasSettlementRecord(redis: Pick<Redis, 'exists' | 'hexists'>, card: string, settlementId: string): Promise<boolean> {
  return (
    (await redis.hexists(`person:{${card}}`, keys.settlementField(settlementId))) === 1 ||
    (await redis.hexists(`person:{${card}}`, keys.wholeSettlementField(settlementId))) === 1 ||
    (await redis.exists(`stl:{${card}}:${settlementId}`)) === 1
  );
}

/** How many records are stored (hash fields and earlier keys), of persons whose key matches `cards` (a glob, '*': all). */
export async function settlementRecordCount(redis: Pick<Redis, 'keys' | 'hkeys'>, cards = '*'): Promise<number> {
  let count = (await redis.keys(`stl:{${cards}}:*`)).length;
  for (const key of await redis.keys(`person:{${cards}}`)) count += (await redis.hkeys(key)).filter((field) => field.startsWith('r|')).length;
  return count;
}

/**
 * Rewrites the person's hash as a release before ids were local wrote it:
 * the settlement `id` whole in its record's field, the year lists, the
 * idempotency records and the stay and occupancy members, and the stays'
 * discharge dates in their members.
 */
export async function asWrittenWhole(redis: Pick<Redis, 'hgetallBuffer' | 'hdel' | 'hset'>, card: string, id: string): Promise<void> {
  const person = `person:{${card}}`;
  const local = localSettlementId(id);
  const hash = await redis.hgetallBuffer(person);
  const record = hash[keys.settlementField(id)];
  if (record && keys.settlementField(id) !== keys.wholeSettlementField(id)) {
    await redis.hdel(person, keys.settlementField(id));
    await redis.hset(person, keys.wholeSettlementField(id), record);
  }
  const whole = (text: string) => text.replace(new RegExp(`(^|[ |])${local}(?=$|[ |])`, 'g'), `$1${id}`);
  const dated = (entry: string) => {
    const parts = entry.split('|');
    if (parts.length === 6 && parts[4] === '') parts[4] = dateOfDayNumber(Number(parts[0]));
    return parts.join('|');
  };
  for (const field in hash) {
    if (field.startsWith('r|') || /^\d+\|/.test(field)) continue;
    let value = whole(hash[field]!.toString('utf8'));
    if (field.startsWith('t|')) value = value.split(' ').map(dated).join(' ');
    if (value !== hash[field]!.toString('utf8')) await redis.hset(person, field, value);
  }
}
