/**
 * The national platform's records in the person's slot: encounters (2401,
 * 2301, 2402), their fee lines, message records and their msgid bindings.
 */
import type { Encounter, EncounterFeeLine } from '../domain/encounter.js';
import { keys, settlementIdOfCard, type MessageScope } from './keys.js';
import type { ScriptedClient } from './redis.js';
import { NO_REPLICA_ACKNOWLEDGEMENT, type ReplicaAcknowledgement } from './replication.js';
import type { FeeLinesOutcome, ReplaceOutcome, StayChangeOutcome } from './script-results.js';
import { compareAndSet } from './scripts/claims.js';
import { putFeeLines, replaceUnsettledEncounter, withdrawFeeLines, type StayKeys } from './scripts/fee-lines.js';
import { holdStay as holdStayScript } from './scripts/hold-stay.js';
import { linesOf, results } from './store-records.js';
import { parseEncounter } from './record-schemas.js';

/** A stay's state as read before a change; the change's script checks it is still so. */
export interface StayExpectation {
  round: number;
  /** "<hospitalId>:<requestId>" of the stay's current round */
  field: string;
  /** that field's value ('' when absent) */
  idem: string;
  settlementId: string | null;
}

export class PlatformMessageRepository {
  constructor(
    readonly redis: ScriptedClient,
    readonly replicas: ReplicaAcknowledgement = NO_REPLICA_ACKNOWLEDGEMENT,
  ) {}

  // ── Encounters of the national platform's face (2401, 2301, 2402) ──────

  /** Registers the encounter unless it exists; answers the stored one when it does. */
  async createEncounter(encounter: Encounter): Promise<Encounter | null> {
    const previous = await this.redis.set(keys.encounter(encounter.card, encounter.mdtrtId), JSON.stringify(encounter), 'NX', 'GET');
    return previous === null ? null : parseEncounter(previous);
  }

  /** The encounter and its stored JSON (for a compare-and-set update). */
  async getEncounter(card: string, mdtrtId: string): Promise<{ encounter: Encounter; raw: string } | null> {
    const raw = await this.redis.get(keys.encounter(card, mdtrtId));
    return raw === null ? null : { encounter: parseEncounter(raw), raw };
  }

  /** The encounter and its uploaded lines, in one round trip to the person's slot. */
  async getEncounterWithLines(card: string, mdtrtId: string): Promise<{ encounter: Encounter; raw: string; lines: EncounterFeeLine[] } | null> {
    const pipeline = this.redis.pipeline().get(keys.encounter(card, mdtrtId)).hgetall(keys.encounterLines(card, mdtrtId));
    const [raw, all] = results<[string | null, Record<string, string>]>(await pipeline.exec());
    return raw === null ? null : { encounter: parseEncounter(raw), raw, lines: linesOf(all) };
  }

  /** Replaces the encounter if it is still as read. */
  async updateEncounter(raw: string, next: Encounter): Promise<ReplaceOutcome> {
    return compareAndSet(this.redis, { key: keys.encounter(next.card, next.mdtrtId), expected: raw, value: JSON.stringify(next) });
  }

  /**
   * What a change of a stay checks in its script: the stay's idempotency field
   * as read now (its settlement, if any, is read again there).
   */
  async stayExpectation(encounter: Encounter, field: string): Promise<StayExpectation> {
    // The person's hash, else the earlier layout's key (the script reads them in the same order).
    const [hashed, earlier] = await Promise.all([this.redis.hget(keys.person(encounter.card), field), this.redis.hget(keys.idempotency(encounter.card), field)]);
    const idem = hashed ?? earlier ?? '';
    const stored = idem === '' || idem.startsWith('void ') ? undefined : idem.split(' ')[1];
    const settlementId = stored === undefined ? null : settlementIdOfCard(encounter.card, stored);
    return { round: encounter.round, field, idem, settlementId };
  }

  private stayKeys(card: string, mdtrtId: string, expect: StayExpectation): StayKeys {
    return {
      linesKey: keys.encounterLines(card, mdtrtId),
      encounterKey: keys.encounter(card, mdtrtId),
      settlingKey: keys.staySettling(card, mdtrtId),
      idempotencyKey: keys.idempotency(card),
      settlementKey: expect.settlementId === null ? keys.encounter(card, mdtrtId) : keys.settlement(card, expect.settlementId),
      personKey: keys.person(card),
    };
  }

  /** Stores a batch of lines if the stay is still unsettled as expected (put-fee-lines-6.lua). */
  async putFeeLines(card: string, mdtrtId: string, lines: EncounterFeeLine[], maxLines: number, expect: StayExpectation): Promise<FeeLinesOutcome> {
    return putFeeLines(this.redis, {
      ...this.stayKeys(card, mdtrtId, expect),
      expect,
      maxLines,
      lines: lines.map((line) => ({ lineId: line.lineId, json: JSON.stringify(line), refundOf: line.refundOf ?? null })),
    });
  }

  /** Withdraws one line (and its refund), or every line ('0000'), of a stay still unsettled as expected; `count` says how many went. */
  async withdrawFeeLines(card: string, mdtrtId: string, lineId: string, expect: StayExpectation): Promise<StayChangeOutcome> {
    return withdrawFeeLines(this.redis, { ...this.stayKeys(card, mdtrtId, expect), expect, lineId });
  }

  /** Replaces the encounter if it is still as read and its stay still unsettled as expected. */
  async replaceUnsettledEncounter(raw: string, next: Encounter, expect: StayExpectation): Promise<StayChangeOutcome> {
    return replaceUnsettledEncounter(this.redis, { ...this.stayKeys(next.card, next.mdtrtId, expect), expect, raw, next: JSON.stringify(next) });
  }

  /**
   * Marks a settlement of the stay at work (a token in a set living `ttlMs` at
   * most: a crashed holder frees it) and reads the encounter, its lines and
   * (when asked) a message's record, in one call (hold-stay-4.lua). Null, and
   * nothing held, when there is no such encounter.
   */
  async holdStay(
    card: string,
    mdtrtId: string,
    token: string,
    ttlMs: number,
    message?: { hospitalId: string; msgid: string },
  ): Promise<{ encounter: Encounter; raw: string; lines: EncounterFeeLine[]; message: string | null } | null> {
    const held = await holdStayScript(this.redis, {
      settlingKey: keys.staySettling(card, mdtrtId),
      encounterKey: keys.encounter(card, mdtrtId),
      linesKey: keys.encounterLines(card, mdtrtId),
      messageKey: message ? keys.nationalMessage({ card }, message.hospitalId, message.msgid) : keys.encounter(card, mdtrtId),
      token,
      ttlMs,
      readMessage: message !== undefined,
    });
    return held === null ? null : { encounter: parseEncounter(held.encounter), raw: held.encounter, lines: linesOf(held.lines), message: held.message };
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
    return compareAndSet(this.redis, { key: keys.nationalMessage(scope, hospitalId, msgid), expected, value: record, ttlSeconds });
  }

  /** Drops a message record if it is still the one given (a refused message records nothing). */
  async dropMessage(scope: MessageScope, hospitalId: string, msgid: string, expected: string): Promise<void> {
    await compareAndSet(this.redis, { key: keys.nationalMessage(scope, hospitalId, msgid), expected, value: '' });
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
    await compareAndSet(this.redis, { key: keys.messageOwner(hospitalId, msgid), expected: owner, value: '' });
  }
}
