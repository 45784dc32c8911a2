/**
 * Settlements in the person's slot: the one read a settlement makes, the
 * hospital-wide claim on a requestId, the commit and reversal scripts, the
 * stored records and the year's accumulators. Money as integer fen, records
 * as compact settlement records; nothing of policy rules.
 */
import { dayNumber, yearOf } from '../domain/dates.js';
import type { Hospital } from '../domain/types.js';
import { compactOccupancyMember, compactStayMember, encodeSettlementRecord, PREVIOUS_FORMAT_VERSION, type SettlementRecordMeta } from './codec/settlement-record.js';
import { shortNamed } from './codec/person-hash.js';
import { decodeStay, encodeStay } from './codec/stay.js';
import { cardOfId } from './id-index.js';
import { keys, localSettlementId, settlementIdOfCard, slotOfCard } from './keys.js';
import { outboxField } from './ledger-records.js';
import { readRecord, readRecords } from './record-reads.js';
import type { ScriptedClient } from './redis.js';
import { RegistryRepository } from './registry-repository.js';
import { NO_REPLICA_ACKNOWLEDGEMENT, type ReplicaAcknowledgement } from './replication.js';
import type { CommitOutcome, FenceOutcome, ReplaceOutcome, ReversalOutcome } from './script-results.js';
import { compareAndSet, fenceClaim } from './scripts/claims.js';
import { commitSettlement as commitSettlementScript } from './scripts/commit-settlement.js';
import { readPerson as readPersonScript, readPersonYear } from './scripts/read-person.js';
import { reverseSettlement as reverseSettlementScript } from './scripts/reverse-settlement.js';
import {
  MAX_CLAIM_AGE_MS,
  OCCUPANCY_SECONDS,
  VOID_CLAIM_SECONDS,
  decodeAccumulators,
  decodeIdempotency,
  encodeDeltas,
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
import { parseEnrollee, parseFiling } from './record-schemas.js';

export class SettlementRepository {
  constructor(
    readonly redis: ScriptedClient,
    /** Writes the service answers for wait for replicas when the deployment has them (replication.ts). */
    readonly replicas: ReplicaAcknowledgement = NO_REPLICA_ACKNOWLEDGEMENT,
    /** How long a voided claim's mark lives (VOID_CLAIM_TTL_SECONDS). */
    readonly voidClaimSeconds = VOID_CLAIM_SECONDS,
    /** The hospital read beside the person's records (readForSettlement). */
    private readonly registry: RegistryRepository = new RegistryRepository(redis, replicas),
    /** Meta lines as the previous release reads them, while its processes still run (STORE_WRITE_FORMAT=previous). */
    private readonly previousStoreFormat = false,
  ) {}

  async getAccumulators(card: string, year: number): Promise<VersionedAccumulators> {
    return decodeAccumulators((await this.personYear(card, year)).accumulators);
  }

  /** The year's accumulators and settlement ids, from the person's hash or the earlier keys (one script: either layout). */
  private personYear(card: string, year: number): Promise<{ accumulators: Record<string, string>; ids: string[] }> {
    return readPersonYear(this.redis, {
      card,
      personKey: keys.person(card),
      accumulatorsKey: keys.accumulators(card, year),
      settlementsOfYearKey: keys.settlementsOfYear(card, year),
      year,
    });
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
    // A look-back across the year's start reads last year's stays too (at most two keys: a window is under a year).
    const stayYears = scope.staysFrom && scope.staysTo ? (yearOf(scope.staysFrom) < scope.year ? [scope.year - 1, scope.year] : [scope.year]) : [];
    // One script, not a pipeline of eight commands: each command costs the client ~4 µs to build, send and answer.
    const read = await readPersonScript(this.redis, {
      enrolleeKey: keys.enrollee(card),
      activeFilingsKey: keys.activeFilings(card),
      accumulatorsKey: keys.accumulators(card, scope.year),
      filingsVersionKey: keys.filingsVersion(card),
      idempotencyKey: keys.idempotency(card),
      coverageKey: keys.coverage(card),
      voidClaimKey: keys.voidClaim(card, scope.idempotencyField),
      filingsKey: keys.filings(card),
      staysKeys: stayYears.map((year) => keys.staysOfYear(card, year)),
      previousAccumulatorsKey: keys.accumulators(card, scope.year - 1),
      personKey: keys.person(card),
      benefitYear: scope.year,
      staysYears: stayYears,
      dischargeDay: dayNumber(scope.dischargeDate),
      idempotencyField: scope.idempotencyField,
      referralId: scope.referralId ?? null,
      staysFromDay: stayYears.length ? dayNumber(scope.staysFrom!) : 0,
      staysToDay: stayYears.length ? dayNumber(scope.staysTo!) : 0,
      previousYear: Boolean(scope.previousYear),
    });
    const filings = read.activeFilings.map(parseFiling);
    if (scope.referralId && read.namedFiling !== null && !filings.some((f) => f.referralId === scope.referralId)) filings.push(parseFiling(read.namedFiling));
    return {
      enrollee: read.enrollee === null ? null : parseEnrollee(read.enrollee),
      coverageEntry: read.coverageEntry,
      filings,
      filingsVersion: read.filingsVersion ?? '0',
      ...decodeAccumulators(read.accumulators),
      idempotency: decodeIdempotency(read.idempotency ?? (read.voidClaim === null ? null : `void ${read.voidClaim}`), card),
      stays: read.stays.map((member) => decodeStay(member, card)),
      previousYearAccumulators: read.previousAccumulators ? decodeAccumulators(read.previousAccumulators).accumulators : null,
    };
  }

  /** The person's records and the hospital, in one call (two commands to two slots, pipelined by the client). */
  async readForSettlement(card: string, hospitalId: string, scope: PersonReadScope): Promise<PersonSnapshot & { hospital: Hospital | null }> {
    const [snapshot, hospital] = await Promise.all([this.readPerson(card, scope), this.registry.getHospital(hospitalId)]);
    return { ...snapshot, hospital };
  }

  // ── The hospital-wide claim on a requestId (service/request-claims.ts) ──

  /** Sets the claim unless one exists; answers the existing claim, or null when this one was set. */
  async claimRequest(hospitalId: string, requestId: string, claim: string): Promise<string | null> {
    // replicas: a claim set now must be on a replica before the commit it guards.
    return this.replicas.command<string | null>(this.redis, 'SET', [keys.requestClaim(hospitalId, requestId), claim, 'NX', 'GET'], (held) => held === null);
  }

  async replaceClaim(hospitalId: string, requestId: string, expected: string, claim: string): Promise<ReplaceOutcome> {
    return compareAndSet(this.redis, { key: keys.requestClaim(hospitalId, requestId), expected, value: claim });
  }

  /** The person's idempotency record of one hospital + requestId. */
  async getIdempotency(card: string, idempotencyField: string): Promise<IdempotencyRecord | null> {
    const [record, earlier, voided] = await Promise.all([
      this.redis.hget(keys.person(card), idempotencyField),
      this.redis.hget(keys.idempotency(card), idempotencyField),
      this.redis.get(keys.voidClaim(card, idempotencyField)),
    ]);
    return decodeIdempotency(record ?? earlier ?? (voided === null ? null : `void ${voided}`), card);
  }

  /** Deletes the claim if it is still the one given (a refused request lets its requestId go). */
  async dropClaim(hospitalId: string, requestId: string, expected: string): Promise<void> {
    await compareAndSet(this.redis, { key: keys.requestClaim(hospitalId, requestId), expected, value: '' });
  }

  /** Voids a stale claim in its person's slot unless it committed there. */
  async fenceClaim(card: string, idempotencyField: string, token: string): Promise<FenceOutcome> {
    return fenceClaim(this.redis, {
      idempotencyKey: keys.idempotency(card),
      voidClaimKey: keys.voidClaim(card, idempotencyField),
      personKey: keys.person(card),
      idempotencyField,
      token,
      voidSeconds: this.voidClaimSeconds,
    });
  }

  async commitSettlement(commit: CommitRequest): Promise<CommitOutcome> {
    const { card, settlementId } = commit;
    const slot = slotOfCard(card);
    const deltas = encodeDeltas(commit.deltas);
    // Compact meta line: hospital, year and requestId are in the answer, the settlement id in the field name, the deltas under short names;
    // the members are for a record that falls back to version 3 (a sentinel byte): from version 5 on the encoder leaves them out.
    const previous = this.previousStoreFormat;
    const meta: Omit<SettlementRecordMeta, 'v'> = previous
      ? { s: 'settled', h: commit.hospitalId, y: commit.benefitYear, rq: commit.requestId, d: deltas }
      : { d: shortNamed(deltas) };
    // The person's hash keeps the id local; the release before reads it whole.
    const stayMember = commit.stay ? encodeStay(commit.stay, !previous) : '';
    if (commit.stay) meta.st = previous ? stayMember : compactStayMember(stayMember, localSettlementId(settlementId));
    const occupancy = commit.occupancy ? { admission: dayNumber(commit.occupancy.admissionDate), discharge: dayNumber(commit.occupancy.dischargeDate) } : null;
    const occupancyMember = occupancy ? `${occupancy.admission}|${occupancy.discharge}|${previous ? settlementId : localSettlementId(settlementId)}|${commit.hospitalId}` : '';
    if (occupancy) meta.oc = previous ? occupancyMember : compactOccupancyMember(occupancy.admission, occupancy.discharge, commit.hospitalId);
    // replicas: a commit is answered only once the required replicas hold it (replication.ts).
    const outcome = await commitSettlementScript(this.redis, this.replicas, {
      accumulatorsKey: keys.accumulators(card, commit.benefitYear),
      idempotencyKey: keys.idempotency(card),
      settlementKey: keys.settlement(card, settlementId),
      settlementsOfYearKey: keys.settlementsOfYear(card, commit.benefitYear),
      idIndexKey: keys.idIndex(slot),
      filingsVersionKey: keys.filingsVersion(card),
      ledgerOutboxKey: keys.ledgerOutbox(slot),
      staysKey: keys.staysOfYear(card, commit.benefitYear),
      messageKey: commit.message ? keys.nationalMessage({ card }, commit.message.hospitalId, commit.message.msgid) : keys.nationalMessage({ card }, '-', '-'),
      occupancyKey: keys.occupancy(card),
      voidClaimKey: keys.voidClaim(card, `${commit.hospitalId}:${commit.requestId}`),
      stayHoldKey: keys.staySettling(card, commit.stayHold?.mdtrtId ?? '-'),
      personKey: keys.person(card),
      idempotencyField: `${commit.hospitalId}:${commit.requestId}`,
      bodyHash: commit.bodyHash,
      claimToken: commit.claimToken,
      expectedVersion: commit.expectedVersion,
      expectedFilingsVersion: commit.expectedFilingsVersion,
      settlementId,
      card,
      record: encodeSettlementRecord(meta, commit.response, commit.inputs, { settlementId, card }, previous ? PREVIOUS_FORMAT_VERSION : undefined),
      ledgerEntry: commit.ledger.entry,
      stayDischargeDay: commit.stay ? String(dayNumber(commit.stay.dischargeDate)) : '',
      stayMember,
      messageRecord: commit.message?.record ?? '',
      messageTtlSeconds: commit.message?.ttlSeconds ?? 0,
      occupancyAdmissionDay: occupancy ? String(occupancy.admission) : '',
      occupancyDischargeDay: occupancy ? String(occupancy.discharge) : '',
      occupancyMember,
      occupancySeconds: OCCUPANCY_SECONDS,
      deltas,
      ledgerOutboxField: outboxField(commit.hospitalId, commit.ledger.date, settlementId),
      claimedAtMs: commit.claimedAtMs,
      maxClaimAgeMs: MAX_CLAIM_AGE_MS,
      stayHoldToken: commit.stayHold?.token ?? '',
      writePersonHash: !previous,
      benefitYear: commit.benefitYear,
    });
    // A replay answers what a replica holds too (the first answer may have been "unknown").
    if (outcome.kind === 'replay') {
      const replayed = { ...outcome, settlementId: settlementIdOfCard(card, outcome.settlementId) };
      await this.confirmReplicated(card, replayed.settlementId);
      return replayed;
    }
    if (outcome.kind === 'overlap') return { ...outcome, settlementId: settlementIdOfCard(card, outcome.settlementId) };
    return outcome;
  }

  async getSettlement(settlementId: string): Promise<StoredSettlement | null> {
    const card = await this.cardOfId(settlementId);
    if (card === null) return null;
    return this.getSettlementOf(card, settlementId);
  }

  async getSettlementOf(card: string, settlementId: string): Promise<StoredSettlement | null> {
    const record = await readRecord(this.redis, card, settlementId);
    return record === null ? null : toStored(settlementId, card, record);
  }

  async reverseSettlement({ stored, reversal, ledger }: ReversalRequest): Promise<ReversalOutcome> {
    const { card, settlementId, hospitalId, benefitYear } = stored;
    // replicas: a reversal is answered only once the required replicas hold it.
    const outcome = await reverseSettlementScript(this.redis, this.replicas, {
      settlementKey: keys.settlement(card, settlementId),
      accumulatorsKey: keys.accumulators(card, benefitYear),
      ledgerOutboxKey: keys.ledgerOutbox(slotOfCard(card)),
      staysKey: keys.staysOfYear(card, benefitYear),
      occupancyKey: keys.occupancy(card),
      personKey: keys.person(card),
      reversal: JSON.stringify(reversal),
      settlementId,
      benefitYear,
      ledgerOutboxField: outboxField(hospitalId, ledger.date, ledger.field),
      ledgerEntry: ledger.entry,
    });
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
    const ids = (await this.personYear(card, year)).ids.slice(start, start + limit + 1);
    const page = ids.slice(0, limit);
    const records = await readRecords(this.redis, card, page);
    const items: StoredSettlement[] = [];
    records.forEach((record, i) => {
      if (record !== null) items.push(toStored(page[i]!, card, record));
    });
    return { items, next: ids.length > limit ? String(start + limit) : null };
  }

  private cardOfId(id: string): Promise<string | null> {
    return cardOfId(this.redis, id);
  }
}
