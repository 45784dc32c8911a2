/**
 * The registry's hospitals in one hash, for searching them by name or code
 * without reading every `hospital:<id>` key: field hospitalId → the hospital's
 * JSON, and field "~v" (never an id: ids are letters, digits, '.', '_', '-')
 * moved by every write, so a reader knows when its in-memory copy is stale.
 * One key: on a cluster every command here touches one slot.
 *
 * Hospitals written before the index existed (or by a writer that bypassed it)
 * are filled in by `load` when the index holds fewer hospitals than the
 * `hospitals` set; a fill never overwrites an entry (HSETNX), so it cannot put
 * back an older record than a concurrent write left.
 */
import type { Hospital } from '../domain/types.js';
import { keys } from './keys.js';
import { parseHospital } from './record-schemas.js';
import type { RedisClient } from './redis.js';
import { results } from './store-records.js';

const VERSION = '~v';

export class HospitalIndex {
  constructor(private readonly redis: RedisClient) {}

  /** Records the hospitals as written (after their own keys) and moves the version. */
  async note(hospitals: readonly Hospital[]): Promise<void> {
    if (hospitals.length === 0) return;
    const fields: string[] = [];
    for (const hospital of hospitals) fields.push(hospital.hospitalId, JSON.stringify(hospital));
    results(
      await this.redis
        .multi()
        .hset(keys.hospitalIndex(), ...fields)
        .hincrby(keys.hospitalIndex(), VERSION, 1)
        .exec(),
    );
  }

  /** The index's version: one short read, sent with every search. */
  async version(): Promise<string> {
    return (await this.redis.hget(keys.hospitalIndex(), VERSION)) ?? '0';
  }

  /** Every indexed hospital and the version they are of; fills in registry hospitals the index lacks. */
  async load(fillMissing = true): Promise<{ version: string; hospitals: Hospital[] }> {
    const [all, registered] = results<[Record<string, string>, number]>(await this.redis.pipeline().hgetall(keys.hospitalIndex()).scard(keys.hospitals()).exec());
    const version = all[VERSION] ?? '0';
    delete all[VERSION];
    if (fillMissing && Object.keys(all).length < registered && (await this.fill(all)) > 0) return this.load(false);
    return { version, hospitals: Object.values(all).map(parseHospital) };
  }

  /** Adds the registry's hospitals missing from `indexed`; answers how many it added. */
  private async fill(indexed: Record<string, string>): Promise<number> {
    const ids = (await this.redis.smembers(keys.hospitals())).filter((id) => !(id in indexed));
    // One GET per hospital, auto-pipelined: hospital keys are not hash-tagged, so no MGET on a cluster.
    const jsons = await Promise.all(ids.map((id) => this.redis.get(keys.hospital(id))));
    const found = ids.map((id, i) => [id, jsons[i]] as const).filter((pair): pair is readonly [string, string] => pair[1] !== null);
    if (found.length === 0) return 0;
    const pipeline = this.redis.pipeline();
    for (const [id, json] of found) pipeline.hsetnx(keys.hospitalIndex(), id, json);
    pipeline.hincrby(keys.hospitalIndex(), VERSION, 1);
    results(await pipeline.exec());
    return found.length;
  }
}
