/**
 * Redis side of archiving a closed benefit year (service/archive.ts): finds
 * everything of the year on a single Redis or on every master of a cluster
 * (SCAN), reads it, writes the per hospital-day figures statements show in
 * its place, removes it once the archive is verified (scripts that remove
 * only what is still exactly as archived), and keeps the archive markers the
 * service reads to answer ARCHIVED. Knows the key layout, nothing of rules.
 */
import { ID_BASE32, keys, slotOfCard, yearOfId } from './keys.js';
import { LedgerRecords } from './ledger-records.js';
import { readRecords } from './record-reads.js';
import { results } from './store-records.js';
import { scanKeys, type ScriptedClient } from './redis.js';
import type { ArchiveRemovalOutcome, ReplaceOutcome } from './script-results.js';
import { archiveLedgerEntry, archiveSettlement } from './scripts/archive.js';
import { compareAndSet } from './scripts/claims.js';
import { archiveDayEntry } from './scripts/ledger.js';
import { readPersonYear } from './scripts/read-person.js';
import { parseStored } from './record-schemas.js';
import { z } from 'zod';

export interface ArchiveState {
  state: 'archiving' | 'removing' | 'archived';
  /** The archive's name (its directory). */
  archive: string;
  at: string;
  /** SHA-256 of the manifest, once the archive is written and verified. */
  manifestSha256?: string;
  /** Buckets of the year's archived id set (keys.archivedIds), once it is written whole. */
  idBuckets?: number;
  /** Characters of each record of that set (ARCHIVED_ID_RECORD when it was written; absent: 24, the sets written before 2026-12-03). */
  idRecord?: number;
}

/** A person's settlements of the year, in list order, as stored. */
const archiveStateSchema = z.looseObject({
  state: z.enum(['archiving', 'removing', 'archived']),
  archive: z.string(),
  at: z.string(),
  idBuckets: z.number().int().positive().optional(),
  idRecord: z.number().int().positive().optional(),
});
const parseArchiveState = (json: string): ArchiveState => parseStored<ArchiveState>(archiveStateSchema, json, 'archive state');

/** Records per bucket the archive aims at: a lookup reads ~1.1 kB. */
export const ARCHIVED_IDS_PER_BUCKET = 64;
const BUCKET_BATCH = 500;
/**
 * '<slot hex><first 13 random chars>': the prefix is always S and the year is
 * the key's. An id of 20 random chars keeps its first 13, so both forms share
 * one width (two ids of a slot-year alike in 65 bits: ~2e-13). Sets written
 * before kept '<slot hex><20 random chars>' (24, LONG_ID_RECORD).
 */
export const ARCHIVED_ID_RECORD = 17;
const LONG_ID_RECORD = 24;
function archivedIdRecord(id: string, width: number): string | null {
  if (width === LONG_ID_RECORD) return id.length === 29 ? id.slice(2, 6) + id.slice(9) : null;
  return id.slice(2, 6) + id.slice(9, 22);
}
/** From the first 20 random bits (uniform), so buckets fill evenly. */
function archivedIdBucket(id: string, buckets: number): number {
  let bits = 0;
  for (const char of id.slice(9, 13)) bits = bits * 32 + ID_BASE32.indexOf(char);
  return bits % buckets;
}

/** Runs `each` on every bucket key of a year's id set, BUCKET_BATCH at a time. */
async function forEachBucketKey(year: number, buckets: number, each: (key: string) => Promise<unknown>): Promise<void> {
  for (let bucket = 0; bucket < buckets; bucket += BUCKET_BATCH) {
    const batch = Array.from({ length: Math.min(BUCKET_BATCH, buckets - bucket) }, (_, i) => keys.archivedIds(year, bucket + i));
    await Promise.all(batch.map(each));
  }
}

export interface PersonYear {
  card: string;
  ids: string[];
  records: (Buffer | null)[];
  accumulators: Record<string, string>;
}

export class ArchiveStore {
  private readonly ledger: LedgerRecords;

  constructor(
    readonly redis: ScriptedClient,
    /** The sweep's day-ledger members as the release before reads them (STORE_WRITE_FORMAT=previous). */
    previousStoreFormat = false,
  ) {
    this.ledger = new LedgerRecords(redis, undefined, Date.now, previousStoreFormat);
  }

  // ── Markers (read by the service) ───────────────────────────────────────

  async archiveStates(): Promise<Map<number, ArchiveState>> {
    const all = await this.redis.hgetall(keys.archives());
    return new Map(Object.entries(all).map(([year, json]) => [Number(year), parseArchiveState(json)]));
  }

  async archiveState(year: number): Promise<ArchiveState | null> {
    const json = await this.redis.hget(keys.archives(), String(year));
    return json === null ? null : parseArchiveState(json);
  }

  async setArchiveState(year: number, state: ArchiveState): Promise<void> {
    await this.redis.hset(keys.archives(), String(year), JSON.stringify(state));
  }

  /**
   * The year and archive of a settlement removed by an archive, or null (never
   * stored, or still here). An id carrying its year is looked up in that
   * year's id set (one bucket, ~64 records); others by their index mark.
   */
  async archivedSettlement(settlementId: string, slot: number): Promise<{ year: number; archive: string } | null> {
    const carried = yearOfId(settlementId);
    if (carried !== null) {
      const state = await this.archiveState(carried);
      if (state?.idBuckets && (await this.holdsArchivedId(carried, state.idBuckets, state.idRecord ?? LONG_ID_RECORD, settlementId)))
        return { year: carried, archive: state.archive };
    }
    const value = await this.redis.hget(keys.idIndex(slot), settlementId);
    const year = value?.split(':')[1];
    if (!year) return null;
    const state = await this.archiveState(Number(year));
    return { year: Number(year), archive: state?.archive ?? `benefit-year-${year}` };
  }

  /** Figures of archived benefit years for one hospital-day: year → JSON written by the archive. */
  async archivedDay(hospitalId: string, date: string): Promise<Map<number, string>> {
    const all = await this.redis.hgetall(keys.archivedDay(hospitalId, date));
    return new Map(Object.entries(all).map(([year, json]) => [Number(year), json]));
  }

  async putArchivedDay(hospitalId: string, date: string, year: number, json: string): Promise<void> {
    await this.redis.hset(keys.archivedDay(hospitalId, date), String(year), json);
  }

  /**
   * Writes the year's id set whole: every bucket emptied (an earlier run may
   * have written part), then each id that carries `year` appended to its
   * bucket. The removal drops such ids' index entries only after this.
   */
  async writeArchivedIds(year: number, buckets: number, ids: AsyncIterable<string>): Promise<number> {
    await forEachBucketKey(year, buckets, (key) => this.redis.unlink(key));
    let written = 0;
    let pending = new Map<number, string>();
    const flush = async () => {
      await Promise.all([...pending].map(([bucket, records]) => this.redis.append(keys.archivedIds(year, bucket), records)));
      pending = new Map();
    };
    for await (const id of ids) {
      if (yearOfId(id) !== year) continue;
      const bucket = archivedIdBucket(id, buckets);
      pending.set(bucket, (pending.get(bucket) ?? '') + archivedIdRecord(id, ARCHIVED_ID_RECORD));
      if (++written % 2000 === 0) await flush();
    }
    await flush();
    // APPEND leaves up to as much room again as it wrote (~45 B an id, measured); set anew, each value takes its own size (~27 B).
    await forEachBucketKey(year, buckets, async (key) => {
      const records = await this.redis.getBuffer(key);
      if (records) await this.redis.set(key, records);
    });
    return written;
  }

  private async holdsArchivedId(year: number, buckets: number, width: number, settlementId: string): Promise<boolean> {
    const record = archivedIdRecord(settlementId, width);
    if (record === null) return false;
    const records = await this.redis.get(keys.archivedIds(year, archivedIdBucket(settlementId, buckets)));
    if (records === null) return false;
    for (let at = records.indexOf(record); at >= 0; at = records.indexOf(record, at + 1)) {
      if (at % width === 0) return true;
    }
    return false;
  }

  // ── One archive run of a year at a time ─────────────────────────────────

  /** Takes the year's lease (SET NX PX); answers the holder's value when another holds it. */
  async takeLease(year: number, holder: string, ms: number): Promise<string | null> {
    const set = await this.redis.set(keys.archiveLease(year), holder, 'PX', ms, 'NX');
    return set === 'OK' ? null : ((await this.redis.get(keys.archiveLease(year))) ?? '');
  }

  async renewLease(year: number, holder: string, ms: number): Promise<void> {
    if ((await this.redis.get(keys.archiveLease(year))) === holder) await this.redis.set(keys.archiveLease(year), holder, 'PX', ms, 'XX');
  }

  /** Drops the lease if `holder` (the value read) still holds it. */
  async dropLease(year: number, holder: string): Promise<void> {
    if ((await this.redis.get(keys.archiveLease(year))) === holder) await this.redis.del(keys.archiveLease(year));
  }

  // ── Finding and reading a year ──────────────────────────────────────────

  /** Every key matching `pattern` on every master (SCAN, a batch at a time), sorted within each batch. */
  scan(pattern: string): AsyncGenerator<string[]> {
    return scanKeys(this.redis, pattern);
  }

  /**
   * The cards having settlements of the year: persons whose hash lists the
   * year (a SCAN of person hashes, each asked for its year field), then
   * persons whose year list is an earlier layout's key. A SCAN walks the whole
   * keyspace whatever its pattern; no per-year set of cards is kept (bytes
   * per settlement), so the run costs one HEXISTS per person more.
   */
  async *cardsWithSettlements(year: number): AsyncGenerator<string[]> {
    const cardOf = (key: string) => key.slice(key.indexOf('{') + 1, key.lastIndexOf('}'));
    for await (const batch of this.scan('person:{*}')) {
      const listed = await Promise.all(batch.map((key) => this.redis.hexists(key, `s|${year}`)));
      const cards = batch.filter((_, i) => listed[i] === 1).map(cardOf);
      if (cards.length) yield cards;
    }
    for await (const batch of this.scan(`stls:{*}:${year}`)) yield batch.map(cardOf);
  }

  async readPersonYear(card: string, year: number): Promise<PersonYear> {
    const { ids, accumulators } = await readPersonYear(this.redis, {
      card,
      personKey: keys.person(card),
      accumulatorsKey: keys.accumulators(card, year),
      settlementsOfYearKey: keys.settlementsOfYear(card, year),
      year,
    });
    const records = await readRecords(this.redis, card, ids);
    return { card, ids, records, accumulators };
  }

  /** Moves every day-ledger entry not yet in its hospital-day there (outboxes, the earlier layout): the year is then read from the days alone. */
  compactLedgers(): Promise<void> {
    return this.ledger.sweep();
  }

  /** Every hospital-day's entries key (of any year) on every master. */
  ledgerDayKeys(): AsyncGenerator<string[]> {
    return this.scan('ledger-day:{*}');
  }

  /** The day's entries in time order: member and score, and the day's names its members refer to (domain/ledger.ts dayNamesOf). */
  async readLedgerDay(key: string): Promise<{ entries: [string, number][]; names: string[] }> {
    const namesKey = `ledger-names:${key.slice(key.indexOf('{'))}`;
    const [flat, names] = results<[string[], string[]]>(await this.redis.multi().zrange(key, 0, -1, 'WITHSCORES').lrange(namesKey, 0, -1).exec());
    const entries: [string, number][] = [];
    for (let i = 0; i < flat.length; i += 2) entries.push([flat[i]!, Number(flat[i + 1])]);
    return { entries, names };
  }

  async hasLedgerDayEntry(key: string, member: string): Promise<boolean> {
    return (await this.redis.zscore(key, member)) !== null;
  }

  /** Earlier layout (an archive written before the days were compacted): one slot's hash of a hospital-day. */
  readLedgerHash(key: string): Promise<Record<string, string>> {
    return this.redis.hgetall(key);
  }

  // ── Removing a verified year ────────────────────────────────────────────

  /** The hospital-wide claim on a requestId as stored (service/request-claims.ts reads it). */
  readClaim(hospitalId: string, requestId: string): Promise<string | null> {
    return this.redis.get(keys.requestClaim(hospitalId, requestId));
  }

  /** Replaces the claim if it is still `expected`. */
  replaceClaim(hospitalId: string, requestId: string, expected: string, claim: string): Promise<ReplaceOutcome> {
    return compareAndSet(this.redis, { key: keys.requestClaim(hospitalId, requestId), expected, value: claim });
  }

  /**
   * An id carrying `year` leaves the index (call only once writeArchivedIds has written the year's set); others keep a mark.
   * `idempotencyField` ("<hospitalId>:<requestId>"): its record is kept without its body hash.
   */
  async removeSettlement(card: string, year: number, settlementId: string, recordSha1: string, idempotencyField: string | null = null): Promise<ArchiveRemovalOutcome> {
    return archiveSettlement(this.redis, {
      settlementKey: keys.settlement(card, settlementId),
      settlementsOfYearKey: keys.settlementsOfYear(card, year),
      staysKey: keys.staysOfYear(card, year),
      idIndexKey: keys.idIndex(slotOfCard(card)),
      personKey: keys.person(card),
      settlementId,
      recordSha1,
      card,
      year,
      keepMark: yearOfId(settlementId) !== year,
      idempotencyField,
    });
  }

  async removeLedgerEntry(key: string, field: string, stored: string): Promise<ArchiveRemovalOutcome> {
    return archiveLedgerEntry(this.redis, { ledgerKey: key, field, stored });
  }

  /** Removes one entry from its hospital-day, taking `figureDeltas` (its figures negated) off the day's figures. */
  async removeLedgerDayEntry(hospitalId: string, date: string, member: string, figureDeltas: string[]): Promise<ArchiveRemovalOutcome> {
    return archiveDayEntry(this.redis, {
      dayKey: keys.ledgerDay(hospitalId, date),
      figuresKey: keys.ledgerFigures(hospitalId, date),
      namesKey: keys.ledgerNames(hospitalId, date),
      member,
      figureDeltas,
    });
  }

  /** An empty stays set is gone already; a year list emptied by removals too (Redis drops empty keys, the scripts empty fields). */
  async yearListLength(card: string, year: number): Promise<number> {
    return (await this.readPersonYear(card, year)).ids.length;
  }
}
