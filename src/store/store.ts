/**
 * Data access over Redis. Knows the key layout and the encoding (money as
 * integer fen, records as JSON), nothing of policy rules.
 */
import { emptyAccumulators } from '../domain/accumulators.js';
import { fromFen, toFen } from '../domain/money.js';
import {
  MONEY_ACCUMULATORS,
  type AccumulatorDeltas,
  type Accumulators,
  type Enrollee,
  type Filing,
  type Hospital,
} from '../domain/types.js';
import { keys } from './keys.js';
import type { ScriptedClient } from './redis.js';
import { commitOutcome, reversalOutcome, type CommitOutcome, type ReversalOutcome } from './script-results.js';

export interface VersionedAccumulators {
  accumulators: Accumulators;
  /** Bumped by every commit and reversal; '0' before the first. */
  version: string;
}

export interface IdempotencyRecord {
  bodyHash: string;
  settlementKey: string;
}

/** Everything a settlement of one person reads, in one round trip to the person's slot. */
export interface PersonSnapshot extends VersionedAccumulators {
  enrollee: Enrollee | null;
  /** The cached copy of the enrollment system's record (opaque here), when an upstream is configured. */
  coverageEntry: string | null;
  filings: Filing[];
  idempotency: IdempotencyRecord | null;
}

/** A settlement as stored: the response as answered, plus what a reversal needs. */
export interface StoredSettlement {
  settlementId: string;
  card: string;
  hospitalId: string;
  benefitYear: number;
  status: 'settled' | 'reversed';
  reversedAt: string | null;
  /** The response JSON as first answered. */
  response: string;
}

export interface CommitRequest {
  card: string;
  hospitalId: string;
  requestId: string;
  benefitYear: number;
  bodyHash: string;
  expectedVersion: string;
  settlementId: string;
  deltas: AccumulatorDeltas;
  /** UTF-8 bytes of the response JSON: encoded once, sent to Redis and to the caller as is. */
  response: Buffer | string;
}

function decodeAccumulators(hash: Record<string, string>): VersionedAccumulators {
  const accumulators = emptyAccumulators();
  accumulators.admissions = Number(hash.admissions ?? 0);
  accumulators.specialOutpatientCounted = Number(hash.specialOutpatientCounted ?? 0) > 0;
  for (const field of MONEY_ACCUMULATORS) {
    const fen = hash[field];
    if (fen !== undefined) accumulators[field] = fromFen(fen);
  }
  return { accumulators, version: hash.version ?? '0' };
}

/** Non-zero deltas as [field, integer string] pairs (fen for money, counts as is). */
function encodeDeltas(deltas: AccumulatorDeltas): [string, string][] {
  const pairs: [string, string][] = [];
  if (deltas.admissions !== 0) pairs.push(['admissions', String(deltas.admissions)]);
  if (deltas.specialOutpatientCounted !== 0) pairs.push(['specialOutpatientCounted', String(deltas.specialOutpatientCounted)]);
  for (const field of MONEY_ACCUMULATORS) {
    if (!deltas[field].isZero()) pairs.push([field, toFen(deltas[field])]);
  }
  return pairs;
}

function negate(integer: string): string {
  return integer.startsWith('-') ? integer.slice(1) : `-${integer}`;
}

export class Store {
  constructor(readonly redis: ScriptedClient) {}

  // ── Registry ────────────────────────────────────────────────────────────

  async putHospital(hospital: Hospital): Promise<'created' | 'updated'> {
    const previous = await this.redis.set(keys.hospital(hospital.hospitalId), JSON.stringify(hospital), 'GET');
    await this.redis.sadd(keys.hospitals(), hospital.hospitalId);
    return previous === null ? 'created' : 'updated';
  }

  async getHospital(hospitalId: string): Promise<Hospital | null> {
    const json = await this.redis.get(keys.hospital(hospitalId));
    return json === null ? null : (JSON.parse(json) as Hospital);
  }

  async putEnrollee(enrollee: Enrollee): Promise<'created' | 'updated'> {
    const previous = await this.redis.set(keys.enrollee(enrollee.card), JSON.stringify(enrollee), 'GET');
    return previous === null ? 'created' : 'updated';
  }

  async getEnrollee(card: string): Promise<Enrollee | null> {
    const json = await this.redis.get(keys.enrollee(card));
    return json === null ? null : (JSON.parse(json) as Enrollee);
  }

  // ── Coverage cache (copy of the enrollment system's record) ─────────────

  getCoverageEntry(card: string): Promise<string | null> {
    return this.redis.get(keys.coverage(card));
  }

  async putCoverageEntry(card: string, entry: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(keys.coverage(card), entry, 'EX', ttlSeconds);
  }

  async dropCoverageEntry(card: string): Promise<void> {
    await this.redis.del(keys.coverage(card));
  }

  async getAccumulators(card: string, year: number): Promise<VersionedAccumulators> {
    return decodeAccumulators(await this.redis.hgetall(keys.accumulators(card, year)));
  }

  // ── Referral filings ────────────────────────────────────────────────────

  async createFiling(filing: Filing): Promise<boolean> {
    const indexKey = keys.idIndex(filing.referralId);
    if (indexKey === null) throw new Error(`malformed filing id ${filing.referralId}`);
    const stored = await this.redis.putFiling(keys.filings(filing.card), indexKey, filing.referralId, JSON.stringify(filing), filing.card);
    return stored === 1;
  }

  async getFiling(referralId: string): Promise<Filing | null> {
    const card = await this.cardOfId(referralId);
    if (card === null) return null;
    const json = await this.redis.hget(keys.filings(card), referralId);
    return json === null ? null : (JSON.parse(json) as Filing);
  }

  async getFilings(card: string): Promise<Filing[]> {
    return Object.values(await this.redis.hgetall(keys.filings(card))).map((json) => JSON.parse(json) as Filing);
  }

  /** Sets the filing's status to revoked (kept, never erased); returns the filing as stored afterwards. */
  async revokeFiling(referralId: string, revokedAt: string): Promise<Filing | null> {
    const card = await this.cardOfId(referralId);
    if (card === null) return null;
    for (;;) {
      const json = await this.redis.hget(keys.filings(card), referralId);
      if (json === null) return null;
      const filing = JSON.parse(json) as Filing;
      if (filing.status === 'revoked') return filing;
      const revoked: Filing = { ...filing, status: 'revoked', revokedAt };
      const result = await this.redis.revokeFiling(keys.filings(card), referralId, JSON.stringify(revoked), json);
      if (result === 1) return revoked;
      if (result === 0) return null;
    }
  }

  // ── Settlements ─────────────────────────────────────────────────────────

  /** The person's records for one settlement: enrollee, filings, the year's accumulators, the idempotency record. */
  async readPerson(card: string, year: number, hospitalId: string, requestId: string): Promise<PersonSnapshot> {
    const results = await this.redis
      .pipeline()
      .get(keys.enrollee(card))
      .hgetall(keys.filings(card))
      .hgetall(keys.accumulators(card, year))
      .hmget(keys.idempotency(card, hospitalId, requestId), 'bodyHash', 'settlementKey')
      .get(keys.coverage(card))
      .exec();
    if (!results) throw new Error('pipeline returned nothing');
    for (const [error] of results) if (error) throw error;
    const [enrolleeJson, filings, acc, idem, coverageEntry] = results.map(([, value]) => value) as [
      string | null,
      Record<string, string>,
      Record<string, string>,
      [string | null, string | null],
      string | null,
    ];
    return {
      enrollee: enrolleeJson === null ? null : (JSON.parse(enrolleeJson) as Enrollee),
      coverageEntry,
      filings: Object.values(filings).map((json) => JSON.parse(json) as Filing),
      ...decodeAccumulators(acc),
      idempotency: idem[0] !== null && idem[1] !== null ? { bodyHash: idem[0], settlementKey: idem[1] } : null,
    };
  }

  /** The person's records and the hospital, in one call (two commands to two slots, pipelined by the client). */
  async readForSettlement(card: string, year: number, hospitalId: string, requestId: string): Promise<PersonSnapshot & { hospital: Hospital | null }> {
    const [snapshot, hospital] = await Promise.all([this.readPerson(card, year, hospitalId, requestId), this.getHospital(hospitalId)]);
    return { ...snapshot, hospital };
  }

  async getResponseByKey(settlementKey: string): Promise<Buffer | null> {
    return this.redis.hgetBuffer(settlementKey, 'response');
  }

  async commitSettlement(commit: CommitRequest): Promise<CommitOutcome> {
    const { card, settlementId } = commit;
    const indexKey = keys.idIndex(settlementId);
    if (indexKey === null) throw new Error(`malformed settlement id ${settlementId}`);
    const deltas = encodeDeltas(commit.deltas);
    const record: (string | Buffer)[] = [
      'settlementId', settlementId,
      'card', card,
      'hospitalId', commit.hospitalId,
      'benefitYear', String(commit.benefitYear),
      'status', 'settled',
      'response', commit.response,
    ];
    for (const [field, delta] of deltas) record.push(`d:${field}`, delta, `r:${field}`, negate(delta));
    const reply = await this.redis.commitSettlement(
      keys.accumulators(card, commit.benefitYear),
      keys.idempotency(card, commit.hospitalId, commit.requestId),
      keys.settlement(card, settlementId),
      keys.settlementsOfYear(card, commit.benefitYear),
      indexKey,
      commit.bodyHash,
      commit.expectedVersion,
      settlementId,
      card,
      String(deltas.length),
      ...deltas.flat(),
      ...record,
    );
    return commitOutcome(reply);
  }

  async getSettlement(settlementId: string): Promise<StoredSettlement | null> {
    const card = await this.cardOfId(settlementId);
    if (card === null) return null;
    return this.getSettlementOf(card, settlementId);
  }

  private async getSettlementOf(card: string, settlementId: string): Promise<StoredSettlement | null> {
    const [status, hospitalId, benefitYear, reversedAt, response] = await this.redis.hmget(
      keys.settlement(card, settlementId),
      'status',
      'hospitalId',
      'benefitYear',
      'reversedAt',
      'response',
    );
    if (status == null || response == null) return null;
    return {
      settlementId,
      card,
      hospitalId: hospitalId!,
      benefitYear: Number(benefitYear),
      status: status as StoredSettlement['status'],
      reversedAt: reversedAt ?? null,
      response,
    };
  }

  async reverseSettlement(stored: StoredSettlement, reversedAt: string): Promise<ReversalOutcome> {
    const reply = await this.redis.reverseSettlement(
      keys.settlement(stored.card, stored.settlementId),
      keys.accumulators(stored.card, stored.benefitYear),
      reversedAt,
    );
    return reversalOutcome(reply);
  }

  async listSettlements(card: string, year: number): Promise<StoredSettlement[]> {
    const ids = await this.redis.lrange(keys.settlementsOfYear(card, year), 0, -1);
    const found = await Promise.all(ids.map((id) => this.getSettlementOf(card, id)));
    return found.filter((s): s is StoredSettlement => s !== null);
  }

  private async cardOfId(id: string): Promise<string | null> {
    const indexKey = keys.idIndex(id);
    return indexKey === null ? null : this.redis.get(indexKey);
  }
}
