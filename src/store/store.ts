/**
 * Data access over Redis. Knows the key layout and the encoding (money as
 * integer fen, records as JSON, settlements as compact records), nothing of
 * policy rules. The registry, filings, claims and settlements are here; the
 * national platform's records, ledgers and reconciliations in its base
 * (platform-records.ts); the records it hands out in store-records.ts.
 */
import { Cluster } from 'ioredis';
import { dayNumber, yearOf } from '../domain/dates.js';
import type { Enrollee, Filing, Hospital, PreviousStay } from '../domain/types.js';
import { encodeSettlementRecord, type SettlementRecordMeta } from './codec/settlement-record.js';
import { decodeStay, encodeStay } from './codec/stay.js';
import { keys, slotOfCard, slotOfId } from './keys.js';
import type { ScriptedClient } from './redis.js';
import { NO_REPLICA_ACKNOWLEDGEMENT, type ReplicaAcknowledgement } from './replication.js';
import {
  commitOutcome,
  fenceOutcome,
  filingOutcome,
  putEnrolleeOutcome,
  replaceOutcome,
  reversalOutcome,
  revokeOutcome,
  type CommitOutcome,
  type FenceOutcome,
  type FilingOutcome,
  type ReplaceOutcome,
  type ReversalOutcome,
  type WriteOutcome,
} from './script-results.js';

export type { WriteOutcome };
export * from './store-records.js';
import {
  OCCUPANCY_SECONDS,
  VOID_CLAIM_SECONDS,
  decodeAccumulators,
  decodeIdempotency,
  encodeDeltas,
  results,
  toStored,
  type CommitRequest,
  type IdempotencyRecord,
  type Page,
  type PersonReadScope,
  type PersonSnapshot,
  type ReversalRequest,
  type StoredSettlement,
  type VersionedAccumulators,
} from './store-records.js';
import { PlatformRecords } from './platform-records.js';

export class Store extends PlatformRecords {
  constructor(
    redis: ScriptedClient,
    /** Writes the service answers for wait for replicas when the deployment has them (replication.ts). */
    readonly replicas: ReplicaAcknowledgement = NO_REPLICA_ACKNOWLEDGEMENT,
    /** How long a voided claim's mark lives (VOID_CLAIM_TTL_SECONDS). */
    readonly voidClaimSeconds = VOID_CLAIM_SECONDS,
  ) {
    super(redis);
  }

  // ── Registry ────────────────────────────────────────────────────────────

  /** Stores the hospital; 'code-taken' (nothing written) when its fixmedinsCode names another hospital. */
  async putHospital(hospital: Hospital): Promise<'created' | 'updated' | 'code-taken'> {
    const code = hospital.fixmedinsCode ?? null;
    if (code !== null) {
      const holder = await this.redis.set(keys.hospitalByCode(code), hospital.hospitalId, 'NX', 'GET');
      if (holder !== null && holder !== hospital.hospitalId) return 'code-taken';
    }
    const previousJson = await this.redis.set(keys.hospital(hospital.hospitalId), JSON.stringify(hospital), 'GET');
    await this.redis.sadd(keys.hospitals(), hospital.hospitalId);
    const previousCode = previousJson === null ? null : ((JSON.parse(previousJson) as Hospital).fixmedinsCode ?? null);
    // A code the hospital gave up no longer names it (unless another hospital took it meanwhile).
    if (previousCode !== null && previousCode !== code && (await this.redis.get(keys.hospitalByCode(previousCode))) === hospital.hospitalId) {
      await this.redis.del(keys.hospitalByCode(previousCode));
    }
    return previousJson === null ? 'created' : 'updated';
  }

  /** The hospital whose national facility code this is. */
  async getHospitalByCode(fixmedinsCode: string): Promise<Hospital | null> {
    const hospitalId = await this.redis.get(keys.hospitalByCode(fixmedinsCode));
    return hospitalId === null ? null : this.getHospital(hospitalId);
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

  // ── Bulk registry writes (service/registry-bulk.ts) ─────────────────────
  // The same keys and encoding as the single writes above, one command per
  // record issued together: ioredis auto-pipelining sends them as one batch
  // per node (on one Redis or a cluster alike). Each record is one command
  // (a script for an enrollee), so a batch cut short never leaves a
  // half-written record.

  /**
   * Writes each enrollee and drops their cached coverage copy, unless the
   * record is already exactly so: one script call per group of records that
   * share a cluster slot (on one Redis, groups of up to 250, so no call holds
   * Redis for long).
   */
  async putEnrollees(enrollees: readonly Enrollee[]): Promise<WriteOutcome[]> {
    const groups = new Map<number | string, number[]>();
    const cluster = this.redis instanceof Cluster;
    enrollees.forEach((enrollee, i) => {
      const group = cluster ? slotOfCard(enrollee.card) : Math.floor(i / 250);
      const members = groups.get(group);
      if (members) members.push(i);
      else groups.set(group, [i]);
    });
    const outcomes: WriteOutcome[] = new Array(enrollees.length);
    await Promise.all(
      [...groups.values()].map(async (members) => {
        const keysAndArgs: string[] = new Array(members.length * 3);
        members.forEach((i, j) => {
          const { card } = enrollees[i]!;
          keysAndArgs[2 * j] = keys.enrollee(card);
          keysAndArgs[2 * j + 1] = keys.coverage(card);
          keysAndArgs[2 * members.length + j] = JSON.stringify(enrollees[i]);
        });
        const codes = cluster ? await this.inOwnPipeline(members.length * 2, keysAndArgs) : await this.redis.putEnrollees(members.length * 2, ...keysAndArgs);
        members.forEach((i, j) => (outcomes[i] = putEnrolleeOutcome(codes[j]!)));
      }),
    );
    return outcomes;
  }

  /**
   * On a cluster, ioredis auto-pipelining routes a call by its first argument,
   * which for a script with a variable number of keys is that number, not a
   * key: such a call goes in a pipeline of its own (its keys share one slot).
   */
  private async inOwnPipeline(numberOfKeys: number, keysAndArgs: string[]): Promise<number[]> {
    const pipeline = this.redis.pipeline() as unknown as { putEnrollees(...args: (string | number)[]): { exec(): Promise<[Error | null, unknown][] | null> } };
    const [reply] = results<[number[]]>(await pipeline.putEnrollees(numberOfKeys, ...keysAndArgs).exec());
    return reply;
  }

  async putHospitals(hospitals: readonly Hospital[]): Promise<WriteOutcome[]> {
    const jsons = hospitals.map((hospital) => JSON.stringify(hospital));
    const [previous] = await Promise.all([
      Promise.all(hospitals.map((hospital, i) => this.redis.set(keys.hospital(hospital.hospitalId), jsons[i]!, 'GET'))),
      Promise.all(hospitals.map((hospital) => this.redis.sadd(keys.hospitals(), hospital.hospitalId))),
    ]);
    return previous.map((json, i) => (json === null ? 'created' : json === jsons[i] ? 'unchanged' : 'updated'));
  }

  async enrolleesExist(cards: readonly string[]): Promise<boolean[]> {
    return (await Promise.all(cards.map((card) => this.redis.exists(keys.enrollee(card))))).map((n) => n === 1);
  }

  /** Files each filing under its own (given) id; an id already filed is left as it is. */
  async createFilings(filings: readonly Filing[], maxActive: number): Promise<FilingOutcome[]> {
    return Promise.all(filings.map((filing) => this.createFiling(filing, maxActive)));
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

  async createFiling(filing: Filing, maxActive: number): Promise<FilingOutcome> {
    const reply = await this.redis.putFiling(
      keys.filings(filing.card),
      keys.activeFilings(filing.card),
      keys.filingsVersion(filing.card),
      keys.idIndex(slotOfCard(filing.card)),
      filing.referralId,
      JSON.stringify(filing),
      filing.card,
      String(dayNumber(filing.validTo)),
      String(maxActive),
    );
    return filingOutcome(reply);
  }

  async getFiling(referralId: string): Promise<Filing | null> {
    const card = await this.cardOfId(referralId);
    if (card === null) return null;
    const json = await this.redis.hget(keys.filings(card), referralId);
    return json === null ? null : (JSON.parse(json) as Filing);
  }

  /** The person's active filings (at most the cap), soonest validTo first. */
  async getActiveFilings(card: string): Promise<Filing[]> {
    return (await this.redis.zrange(keys.activeFilings(card), 0, -1)).map((json) => JSON.parse(json) as Filing);
  }

  /** Every filing of the person, active and revoked, a page at a time (HSCAN order). */
  async scanFilings(card: string, cursor: string, count: number): Promise<Page<Filing>> {
    const [next, flat] = await this.redis.hscan(keys.filings(card), cursor, 'COUNT', count);
    const items: Filing[] = [];
    for (let i = 1; i < flat.length; i += 2) items.push(JSON.parse(flat[i]!) as Filing);
    return { items, next: next === '0' ? null : next };
  }

  /** Sets the filing's status to revoked (kept, never erased); returns the filing as stored afterwards. */
  async revokeFiling(referralId: string, revokedAt: string, revocation: Filing['revocation']): Promise<Filing | null> {
    const card = await this.cardOfId(referralId);
    if (card === null) return null;
    for (;;) {
      const json = await this.redis.hget(keys.filings(card), referralId);
      if (json === null) return null;
      const filing = JSON.parse(json) as Filing;
      if (filing.status === 'revoked') return filing;
      const revoked: Filing = { ...filing, status: 'revoked', revokedAt, revocation };
      const outcome = revokeOutcome(
        await this.redis.revokeFiling(keys.filings(card), keys.activeFilings(card), keys.filingsVersion(card), referralId, JSON.stringify(revoked), json),
      );
      if (outcome === 'revoked') return revoked;
      if (outcome === 'not-found') return null;
    }
  }

  // ── Settlements ─────────────────────────────────────────────────────────

  /**
   * The person's records for one settlement, bounded whatever the person's
   * history: the enrollee, the active filings that could still cover the stay
   * (and the one it names), the year's accumulators and the filings version,
   * the idempotency record of this hospital + requestId, the stays a
   * consortium transfer could continue or a readmission window looks back
   * over, and last year's accumulators where a cap carries over.
   */
  async readPerson(card: string, scope: PersonReadScope): Promise<PersonSnapshot> {
    const pipeline = this.redis
      .pipeline()
      .get(keys.enrollee(card))
      .zrangebyscore(keys.activeFilings(card), dayNumber(scope.dischargeDate), '+inf')
      .hgetall(keys.accumulators(card, scope.year))
      .get(keys.filingsVersion(card))
      .hget(keys.idempotency(card), scope.idempotencyField)
      .get(keys.coverage(card))
      .get(keys.voidClaim(card, scope.idempotencyField));
    if (scope.referralId) pipeline.hget(keys.filings(card), scope.referralId);
    // A look-back across the year's start reads last year's stays too (at most two keys: a window is under a year).
    const stayYears = scope.staysFrom && scope.staysTo ? (yearOf(scope.staysFrom) < scope.year ? [scope.year - 1, scope.year] : [scope.year]) : [];
    for (const year of stayYears) pipeline.zrangebyscore(keys.staysOfYear(card, year), dayNumber(scope.staysFrom!), dayNumber(scope.staysTo!));
    if (scope.previousYear) pipeline.hgetall(keys.accumulators(card, scope.year - 1));
    const replies = results<unknown[]>(await pipeline.exec());
    const [enrolleeJson, active, acc, filingsVersion, idempotency, coverageEntry, voided] = replies as [
      string | null,
      string[],
      Record<string, string>,
      string | null,
      string | null,
      string | null,
      string | null,
    ];
    let index = 7;
    const filings = active.map((json) => JSON.parse(json) as Filing);
    if (scope.referralId) {
      const named = replies[index++] as string | null;
      if (named !== null && !filings.some((f) => f.referralId === scope.referralId)) filings.push(JSON.parse(named) as Filing);
    }
    const stays: PreviousStay[] = [];
    for (const _ of stayYears) for (const stay of replies[index++] as string[]) stays.push(decodeStay(stay));
    const previousYearAccumulators = scope.previousYear ? decodeAccumulators(replies[index++] as Record<string, string>).accumulators : null;
    return {
      enrollee: enrolleeJson === null ? null : (JSON.parse(enrolleeJson) as Enrollee),
      coverageEntry,
      filings,
      filingsVersion: filingsVersion ?? '0',
      ...decodeAccumulators(acc),
      idempotency: decodeIdempotency(idempotency ?? (voided === null ? null : `void ${voided}`)),
      stays,
      previousYearAccumulators,
    };
  }

  /** The person's records and the hospital, in one call (two commands to two slots, pipelined by the client). */
  async readForSettlement(card: string, hospitalId: string, scope: PersonReadScope): Promise<PersonSnapshot & { hospital: Hospital | null }> {
    const [snapshot, hospital] = await Promise.all([this.readPerson(card, scope), this.getHospital(hospitalId)]);
    return { ...snapshot, hospital };
  }

  // ── The hospital-wide claim on a requestId (service/request-claims.ts) ──

  /** Sets the claim unless one exists; answers the existing claim, or null when this one was set. */
  async claimRequest(hospitalId: string, requestId: string, claim: string): Promise<string | null> {
    // replicas: a claim set now must be on a replica before the commit it guards.
    return this.replicas.command<string | null>(this.redis, 'SET', [keys.requestClaim(hospitalId, requestId), claim, 'NX', 'GET'], (held) => held === null);
  }

  async replaceClaim(hospitalId: string, requestId: string, expected: string, claim: string): Promise<ReplaceOutcome> {
    return replaceOutcome(await this.redis.compareAndSet(keys.requestClaim(hospitalId, requestId), expected, claim));
  }

  /** The person's idempotency record of one hospital + requestId. */
  async getIdempotency(card: string, idempotencyField: string): Promise<IdempotencyRecord | null> {
    const [record, voided] = await Promise.all([this.redis.hget(keys.idempotency(card), idempotencyField), this.redis.get(keys.voidClaim(card, idempotencyField))]);
    return decodeIdempotency(record ?? (voided === null ? null : `void ${voided}`));
  }

  /** Deletes the claim if it is still the one given (a refused request lets its requestId go). */
  async dropClaim(hospitalId: string, requestId: string, expected: string): Promise<void> {
    await this.redis.compareAndSet(keys.requestClaim(hospitalId, requestId), expected, '');
  }

  /** Voids a stale claim in its person's slot unless it committed there. */
  async fenceClaim(card: string, idempotencyField: string, token: string): Promise<FenceOutcome> {
    return fenceOutcome(await this.redis.fenceClaim(keys.idempotency(card), keys.voidClaim(card, idempotencyField), idempotencyField, token, String(this.voidClaimSeconds)));
  }

  /** Names the slot of `card` among those holding the hospital-day's ledger entries (before the entry is written). */
  async noteLedgerSlot(hospitalId: string, date: string, card: string): Promise<void> {
    // replicas: a slot named now must be on a replica before the entry it leads to is answered for.
    await this.replicas.command<number>(this.redis, 'SADD', [keys.ledgerSlots(hospitalId, date), slotOfCard(card)], (added) => added > 0);
  }

  async commitSettlement(commit: CommitRequest): Promise<CommitOutcome> {
    const { card, settlementId } = commit;
    const slot = slotOfCard(card);
    const deltas = encodeDeltas(commit.deltas);
    const meta: Omit<SettlementRecordMeta, 'v'> = { s: 'settled', h: commit.hospitalId, y: commit.benefitYear, rq: commit.requestId, d: deltas };
    const stayMember = commit.stay ? encodeStay(commit.stay) : '';
    if (commit.stay) meta.st = stayMember;
    const occupancy = commit.occupancy ? { admission: dayNumber(commit.occupancy.admissionDate), discharge: dayNumber(commit.occupancy.dischargeDate) } : null;
    const occupancyMember = occupancy ? `${occupancy.admission}|${occupancy.discharge}|${settlementId}|${commit.hospitalId}` : '';
    if (occupancy) meta.oc = occupancyMember;
    // replicas: a commit is answered only once the required replicas hold it (replication.ts).
    const reply = await this.replicas.script<[number, string?]>(
      this.redis,
      'commitSettlement',
      [
        keys.accumulators(card, commit.benefitYear),
        keys.idempotency(card),
        keys.settlement(card, settlementId),
        keys.settlementsOfYear(card, commit.benefitYear),
        keys.idIndex(slot),
        keys.filingsVersion(card),
        keys.ledger(slot, commit.hospitalId, commit.ledger.date),
        keys.staysOfYear(card, commit.benefitYear),
        commit.message ? keys.nationalMessage({ card }, commit.message.hospitalId, commit.message.msgid) : keys.nationalMessage({ card }, '-', '-'),
        keys.occupancy(card),
        keys.voidClaim(card, `${commit.hospitalId}:${commit.requestId}`),
        `${commit.hospitalId}:${commit.requestId}`,
        commit.bodyHash,
        commit.claimToken,
        commit.expectedVersion,
        commit.expectedFilingsVersion,
        settlementId,
        card,
        encodeSettlementRecord(meta, commit.response, commit.inputs),
        commit.ledger.entry,
        commit.stay ? String(dayNumber(commit.stay.dischargeDate)) : '',
        stayMember,
        commit.message?.record ?? '',
        String(commit.message?.ttlSeconds ?? 0),
        occupancy ? String(occupancy.admission) : '',
        occupancy ? String(occupancy.discharge) : '',
        occupancyMember,
        String(OCCUPANCY_SECONDS),
        String(Object.keys(deltas).length),
        ...Object.entries(deltas).flat(),
      ],
      (r) => r[0] === 1,
    );
    const outcome = commitOutcome(reply);
    // A replay answers what a replica holds too (the first answer may have been "unknown").
    if (outcome.kind === 'replay') await this.confirmReplicated(card, outcome.settlementId);
    return outcome;
  }

  async getSettlement(settlementId: string): Promise<StoredSettlement | null> {
    const card = await this.cardOfId(settlementId);
    if (card === null) return null;
    return this.getSettlementOf(card, settlementId);
  }

  async getSettlementOf(card: string, settlementId: string): Promise<StoredSettlement | null> {
    const record = await this.redis.getBuffer(keys.settlement(card, settlementId));
    return record === null ? null : toStored(settlementId, card, record);
  }

  async reverseSettlement({ stored, reversal, ledger }: ReversalRequest): Promise<ReversalOutcome> {
    const { card, settlementId, hospitalId, benefitYear } = stored;
    // replicas: a reversal is answered only once the required replicas hold it.
    const reply = await this.replicas.script<[number]>(
      this.redis,
      'reverseSettlement',
      [
        keys.settlement(card, settlementId),
        keys.accumulators(card, benefitYear),
        keys.ledger(slotOfCard(card), hospitalId, ledger.date),
        keys.staysOfYear(card, benefitYear),
        keys.occupancy(card),
        JSON.stringify(reversal),
        ledger.field,
        ledger.entry,
      ],
      (r) => r[0] === 1,
    );
    const outcome = reversalOutcome(reply);
    if (outcome === 'already-reversed') await this.confirmReplicated(card, settlementId);
    return outcome;
  }

  /**
   * Before a stored settlement is answered again (a replay, a repeated
   * reversal): waits until the required replicas hold everything written in
   * its slot so far. WAIT counts only its own connection's writes, so it
   * follows a write that always replicates and changes nothing: field "~" of
   * the slot's id index (never an id). Nothing when no replicas are required.
   */
  async confirmReplicated(card: string, _settlementId: string): Promise<void> {
    if ((await this.replicas.requiredReplicas(this.redis)) === 0) return;
    await this.replicas.command<number>(this.redis, 'HSET', [keys.idIndex(slotOfCard(card)), '~', '1'], () => true);
  }

  /** A page of the person's settlements of a year, in commit order, from list position `start`. */
  async listSettlements(card: string, year: number, start: number, limit: number): Promise<Page<StoredSettlement>> {
    const ids = await this.redis.lrange(keys.settlementsOfYear(card, year), start, start + limit);
    const page = ids.slice(0, limit);
    const records = page.length === 0 ? [] : await this.redis.mgetBuffer(...page.map((id) => keys.settlement(card, id)));
    const items: StoredSettlement[] = [];
    records.forEach((record, i) => {
      if (record !== null) items.push(toStored(page[i]!, card, record));
    });
    return { items, next: ids.length > limit ? String(start + limit) : null };
  }

  private async cardOfId(id: string): Promise<string | null> {
    const slot = slotOfId(id);
    if (slot === null) return null;
    // An archived settlement's entry reads "<card>:<year>" (archive-store.ts).
    const value = await this.redis.hget(keys.idIndex(slot), id);
    return value === null ? null : value.split(':')[0]!;
  }
}
