/**
 * The national platform's records in Redis: encounters (2401, 2301, 2402),
 * their fee lines, message records and their msgid bindings, the day ledgers'
 * entries and reconciliation runs. The base of Store (one connection set).
 */
import type { Encounter, EncounterFeeLine } from '../domain/encounter.js';
import { keys, type MessageScope } from './keys.js';
import type { ScriptedClient } from './redis.js';
import { feeLinesOutcome, replaceOutcome, stayChangeOutcome, type FeeLinesOutcome, type ReplaceOutcome, type StayChangeOutcome } from './script-results.js';
import { linesOf, results, type Page } from './store-records.js';

/** A stay's state as read before a change; the change's script checks it is still so. */
export interface StayExpectation {
  round: number;
  /** "<hospitalId>:<requestId>" of the stay's current round */
  field: string;
  /** that field's value ('' when absent) */
  idem: string;
  settlementId: string | null;
}

export class PlatformRecords {
  constructor(readonly redis: ScriptedClient) {}

  // ── Encounters of the national platform's face (2401, 2301, 2402) ──────

  /** Registers the encounter unless it exists; answers the stored one when it does. */
  async createEncounter(encounter: Encounter): Promise<Encounter | null> {
    const previous = await this.redis.set(keys.encounter(encounter.card, encounter.mdtrtId), JSON.stringify(encounter), 'NX', 'GET');
    return previous === null ? null : (JSON.parse(previous) as Encounter);
  }

  /** The encounter and its stored JSON (for a compare-and-set update). */
  async getEncounter(card: string, mdtrtId: string): Promise<{ encounter: Encounter; raw: string } | null> {
    const raw = await this.redis.get(keys.encounter(card, mdtrtId));
    return raw === null ? null : { encounter: JSON.parse(raw) as Encounter, raw };
  }

  /** The encounter, its uploaded lines and (when asked) a message's record, in one round trip to the person's slot. */
  async getEncounterWithLines(
    card: string,
    mdtrtId: string,
    message?: { hospitalId: string; msgid: string },
  ): Promise<{ encounter: Encounter; raw: string; lines: EncounterFeeLine[]; message: string | null } | null> {
    const pipeline = this.redis.pipeline().get(keys.encounter(card, mdtrtId)).hgetall(keys.encounterLines(card, mdtrtId));
    if (message) pipeline.get(keys.nationalMessage({ card }, message.hospitalId, message.msgid));
    const [raw, all, record] = results<[string | null, Record<string, string>, (string | null)?]>(await pipeline.exec());
    return raw === null ? null : { encounter: JSON.parse(raw) as Encounter, raw, lines: linesOf(all), message: record ?? null };
  }

  /** Replaces the encounter if it is still as read. */
  async updateEncounter(raw: string, next: Encounter): Promise<ReplaceOutcome> {
    return replaceOutcome(await this.redis.compareAndSet(keys.encounter(next.card, next.mdtrtId), raw, JSON.stringify(next)));
  }

  /**
   * What a change of a stay checks in its script: the stay's idempotency field
   * as read now (its settlement, if any, is read again there).
   */
  async stayExpectation(encounter: Encounter, field: string): Promise<StayExpectation> {
    const idem = (await this.redis.hget(keys.idempotency(encounter.card), field)) ?? '';
    const settlementId = idem === '' || idem.startsWith('void ') ? null : (idem.split(' ')[1] ?? null);
    return { round: encounter.round, field, idem, settlementId };
  }

  private stayKeys(card: string, mdtrtId: string, expect: StayExpectation): string[] {
    const settlement = expect.settlementId === null ? keys.encounter(card, mdtrtId) : keys.settlement(card, expect.settlementId);
    return [keys.encounterLines(card, mdtrtId), keys.encounter(card, mdtrtId), keys.staySettling(card, mdtrtId), keys.idempotency(card), settlement];
  }

  private stayArgs(expect: StayExpectation): string[] {
    return [String(expect.round), expect.field, expect.idem];
  }

  /** Stores a batch of lines if the stay is still unsettled as expected (put-fee-lines-5.lua). */
  async putFeeLines(card: string, mdtrtId: string, lines: EncounterFeeLine[], maxLines: number, expect: StayExpectation): Promise<FeeLinesOutcome> {
    const args: string[] = [String(maxLines), ...this.stayArgs(expect)];
    for (const line of lines) args.push(line.lineId, JSON.stringify(line), line.refundOf ?? '');
    return feeLinesOutcome(await this.redis.putFeeLines(...this.stayKeys(card, mdtrtId, expect), ...args));
  }

  /** Withdraws one line (and its refund), or every line ('0000'), of a stay still unsettled as expected; `count` says how many went. */
  async withdrawFeeLines(card: string, mdtrtId: string, lineId: string, expect: StayExpectation): Promise<StayChangeOutcome> {
    return stayChangeOutcome(await this.redis.withdrawFeeLines(...this.stayKeys(card, mdtrtId, expect), lineId, ...this.stayArgs(expect)));
  }

  /** Replaces the encounter if it is still as read and its stay still unsettled as expected. */
  async replaceUnsettledEncounter(raw: string, next: Encounter, expect: StayExpectation): Promise<StayChangeOutcome> {
    return stayChangeOutcome(await this.redis.replaceUnsettledEncounter(...this.stayKeys(next.card, next.mdtrtId, expect), raw, ...this.stayArgs(expect), JSON.stringify(next)));
  }

  /** Marks a settlement of the stay at work (a token in a set living `ttlMs` at most: a crashed holder frees it). */
  async holdStay(card: string, mdtrtId: string, token: string, ttlMs: number): Promise<void> {
    results(await this.redis.multi().sadd(keys.staySettling(card, mdtrtId), token).pexpire(keys.staySettling(card, mdtrtId), ttlMs).exec());
  }

  async releaseStay(card: string, mdtrtId: string, token: string): Promise<void> {
    await this.redis.srem(keys.staySettling(card, mdtrtId), token);
  }

  /** Every uploaded line of the encounter, refunds included. */
  async getFeeLines(card: string, mdtrtId: string): Promise<EncounterFeeLine[]> {
    return linesOf(await this.redis.hgetall(keys.encounterLines(card, mdtrtId)));
  }

  // ── National-platform messages (msgid) ──────────────────────────────────

  /** Records a message unless its msgid is known; answers the known record. */
  async claimMessage(scope: MessageScope, hospitalId: string, msgid: string, record: string, ttlSeconds: number): Promise<string | null> {
    return this.redis.set(keys.nationalMessage(scope, hospitalId, msgid), record, 'EX', ttlSeconds, 'NX', 'GET');
  }

  async getMessage(scope: MessageScope, hospitalId: string, msgid: string): Promise<string | null> {
    return this.redis.get(keys.nationalMessage(scope, hospitalId, msgid));
  }

  async updateMessage(scope: MessageScope, hospitalId: string, msgid: string, expected: string, record: string, ttlSeconds: number): Promise<ReplaceOutcome> {
    return replaceOutcome(await this.redis.compareAndSet(keys.nationalMessage(scope, hospitalId, msgid), expected, record, String(ttlSeconds)));
  }

  /** Drops a message record if it is still the one given (a refused message records nothing). */
  async dropMessage(scope: MessageScope, hospitalId: string, msgid: string, expected: string): Promise<void> {
    await this.redis.compareAndSet(keys.nationalMessage(scope, hospitalId, msgid), expected, '');
  }

  /** Names the person a hospital's msgid is about unless it names one already; answers the one it names. */
  async claimMessageOwner(hospitalId: string, msgid: string, owner: string, ttlSeconds: number): Promise<string | null> {
    return this.redis.set(keys.messageOwner(hospitalId, msgid), owner, 'EX', ttlSeconds, 'NX', 'GET');
  }

  async getMessageOwner(hospitalId: string, msgid: string): Promise<string | null> {
    return this.redis.get(keys.messageOwner(hospitalId, msgid));
  }

  /** Drops the msgid's owner if it is still the one given. */
  async dropMessageOwner(hospitalId: string, msgid: string, owner: string): Promise<void> {
    await this.redis.compareAndSet(keys.messageOwner(hospitalId, msgid), owner, '');
  }

  // ── Day ledgers ─────────────────────────────────────────────────────────

  /** Every stored entry of one hospital-day: gathered from each slot that holds some. */
  async readLedger(hospitalId: string, date: string): Promise<string[]> {
    const slots = await this.redis.smembers(keys.ledgerSlots(hospitalId, date));
    // One command per slot (a cluster pipeline must stay on one node); auto-pipelining batches them per node.
    const perSlot = await Promise.all(slots.map((slot) => this.redis.hvals(keys.ledger(Number(slot), hospitalId, date))));
    return perSlot.flat();
  }

  // ── Reconciliations ─────────────────────────────────────────────────────

  /**
   * Appends a run to the hospital-day's list, keeps the newest `maxRuns` and
   * renews the day's life; answers how many runs were ever recorded that day.
   * The list and its counter share one hash tag (one MULTI on a cluster too).
   */
  async putReconciliation(hospitalId: string, date: string, json: string, bounds: { maxRuns: number; maxDays: number; ttlSeconds: number; atMs: number }): Promise<number> {
    const list = keys.reconciliationRuns(hospitalId, date);
    const count = keys.reconciliationCount(hospitalId, date);
    const days = keys.reconciliationDays(hospitalId);
    const replies = await this.redis
      .multi()
      .rpush(list, json)
      .ltrim(list, -bounds.maxRuns, -1)
      .expire(list, bounds.ttlSeconds)
      .incr(count)
      .expire(count, bounds.ttlSeconds)
      .zadd(days, bounds.atMs, date)
      .expire(days, bounds.ttlSeconds)
      .zcard(days)
      .exec();
    const [, , , runs, , , , dayCount] = results<number[]>(replies);
    // Past maxDays: the days run least recently go, runs and counter (the same slot: one MULTI).
    if (dayCount! > bounds.maxDays) {
      const dropped = await this.redis.zrange(days, 0, dayCount! - bounds.maxDays - 1);
      const drop = this.redis.multi().zrem(days, ...dropped);
      for (const day of dropped) drop.del(keys.reconciliationRuns(hospitalId, day), keys.reconciliationCount(hospitalId, day));
      results(await drop.exec());
    }
    return runs!;
  }

  /** A page of the hospital-day's kept runs, oldest first, and how many runs were dropped. */
  async getReconciliations(hospitalId: string, date: string, start: number, limit: number): Promise<Page<string> & { dropped: number }> {
    const [runs, kept, count] = results<[string[], number, string | null]>(
      await this.redis
        .multi()
        .lrange(keys.reconciliationRuns(hospitalId, date), start, start + limit - 1)
        .llen(keys.reconciliationRuns(hospitalId, date))
        .get(keys.reconciliationCount(hospitalId, date))
        .exec(),
    );
    return { items: runs, next: start + limit < kept ? String(start + limit) : null, dropped: Math.max(0, Number(count ?? 0) - kept) };
  }
}
