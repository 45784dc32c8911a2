/**
 * Settlement records by id, wherever they were written: the person's hash
 * field (keys.settlementField), else the earlier layout's stl: key. Records
 * never move, so a field read first finds every record written since.
 */
import { keys } from './keys.js';
import type { RedisClient } from './redis.js';

/** The records of `ids` (all of one person), null where none is stored; the earlier keys are read only for ids the hash lacks. */
export async function readRecords(redis: RedisClient, card: string, ids: readonly string[]): Promise<(Buffer | null)[]> {
  if (ids.length === 0) return [];
  const fields = await redis.hmgetBuffer(keys.person(card), ...ids.map(keys.settlementField));
  if (!fields.includes(null)) return fields;
  // Written before ids were local in the hash: under the whole id.
  const wholeAt = ids.flatMap((id, i) => (fields[i] === null && keys.wholeSettlementField(id) !== keys.settlementField(id) ? [i] : []));
  if (wholeAt.length > 0) {
    const whole = await redis.hmgetBuffer(keys.person(card), ...wholeAt.map((i) => keys.wholeSettlementField(ids[i]!)));
    wholeAt.forEach((at, n) => {
      fields[at] = whole[n] ?? null;
    });
  }
  const missing = ids.filter((_, i) => fields[i] === null);
  if (missing.length === 0) return fields;
  const earlier = await redis.mgetBuffer(...missing.map((id) => keys.settlement(card, id)));
  let next = 0;
  return fields.map((record) => record ?? earlier[next++] ?? null);
}

export async function readRecord(redis: RedisClient, card: string, settlementId: string): Promise<Buffer | null> {
  return (await readRecords(redis, card, [settlementId]))[0] ?? null;
}
