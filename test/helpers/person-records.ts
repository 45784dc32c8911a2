/**
 * A person's records as tests look at them, in either layout: the person's
 * hash (src/store/scripts/include/person.lua) or the earlier layout's keys
 * (acc:, stls:, stays:, occupancy:, idem:).
 */
import type { Redis } from 'ioredis';

type Reader = Pick<Redis, 'hget' | 'hgetall' | 'lrange' | 'zrange'>;

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
