/**
 * Settlement use-cases: preview, settle, read, reverse, list. Reads the
 * person's records, lets the pure engine compute, and commits the deltas, the
 * settlement and its day-ledger entry in one script, under the hospital-wide
 * claim on the requestId (request-claims.ts); when the accumulators or the
 * filings moved meanwhile, recomputes (bounded).
 */
import { hash } from 'node:crypto';
import type { CatalogueHolder } from '../catalogue/catalogue.js';
import { businessDayOf, dateOfDayNumber, dayNumber, yearOf } from '../domain/dates.js';
import { say, type MessageEntry } from '../messages/index.js';
import { AppError, AuthError, ConflictError, NotFoundError, RefusalError, UnavailableError, ValidationError } from '../domain/errors.js';
import { ledgerField, toStoredLedgerEntry, type LedgerEntry } from '../domain/ledger.js';
import type { Caller } from '../domain/caller.js';
import type { Actor, Enrollee, Hospital, Operator, SettlementRequest } from '../domain/types.js';
import { settle } from '../engine/settle.js';
import { needsOfPolicies } from '../engine/needs.js';
import type { SpecialDiseaseFilings } from './special-disease-filings.js';
import type { EngineOutcome, SettlementComputation } from '../engine/types.js';
import type { PolicyCatalog } from '../policy/catalog.js';
import { newSettlementId } from '../store/keys.js';
import type { Repositories } from '../store/repositories.js';
import type { PersonReadScope, PersonSnapshot, StoredSettlement } from '../store/store-records.js';
import type { ArchivedYears } from './archived-years.js';
import type { CoverageSource } from './coverage.js';
import { KeyedMutex } from './keyed-mutex.js';
import { actorOf, requireHospital } from './scope.js';
import { ARCHIVED_BODY, CLAIM_LEASE_MS, REQUEST_HASH_LENGTH, RequestClaims, conflictError, idempotencyField, sameBody, type Claim } from './request-claims.js';
import type { SettlementEvent } from './settlement-events.js';
import { encodeSettlementInputs, requestJsonBytes } from './settlement-inputs.js';
import { answerBytes, settlementView, storedView, type SettlementView } from './settlement-view.js';

export type { SettlementEvent } from './settlement-events.js';

/** How often a settlement recomputes when other writers keep moving the accumulators. */
const MAX_COMMIT_ATTEMPTS = 25;

/**
 * Stays that hold the person in one hospital, day by day: two of them may not
 * overlap (each admitted before the other's discharge, or the very same days;
 * the day of a transfer, discharge = next admission, is no overlap;
 * a consortium transfer is held to the same rule: its admission is on or after
 * the previous stay's discharge day).
 */
const OCCUPYING_VISITS = new Set<string>(['inpatient', 'childbirth', 'emergency-death']);

export interface SettleResult {
  /** 201 created, 200 replay of an earlier identical request. */
  replay: boolean;
  /** The response JSON (UTF-8) exactly as stored (a replay answers the identical body). */
  body: Buffer | string;
  /** The response as an object, when this call computed it (a replay has only the stored body). */
  view?: SettlementView;
}

export interface SettlementServiceOptions {
  now?: () => Date;
  /** Observes each outcome (metrics); never throws. */
  onOutcome?: (event: SettlementEvent) => void;
  /** The loaded catalogues (swapped on SIGHUP), for bills sent as lines. */
  catalogues?: CatalogueHolder;
  /** Archived benefit years (absent: nothing is ever archived). */
  archivedYears?: ArchivedYears;
  /** Special-disease filings a special-outpatient settlement honours besides the registry's approvals. */
  specialDiseases?: SpecialDiseaseFilings;
  /** Keep the whole request hash, as the previous release compares it (STORE_WRITE_FORMAT=previous). */
  previousStoreFormat?: boolean;
}

export interface SettleOptions {
  /**
   * Sees the computation before anything is committed and may refuse it (the
   * platform's 2304 checks the amounts the HIS summed); a refusal records nothing.
   */
  verify?: (computation: SettlementComputation) => void;
  /** The national platform's message that asks for this settlement: its record is written by the commit itself. */
  message?: { hospitalId: string; msgid: string; ttlSeconds: number; record: (settlementId: string) => string };
  /** The platform's hold on the stay this settles (stay-changes.ts): the commit takes it out, so a settled answer leaves no hold. */
  hold?: { mdtrtId: string; token: string };
}

/** The message that asked for a settlement had a record already (a 2601 got there first, or it was done): nothing was committed. */
export class MessageRecordedError extends ConflictError {
  constructor(readonly record: string) {
    super('IDEMPOTENCY_CONFLICT', 'the message has a record already');
  }
}

export const NO_ACTOR: Actor = { operator: { id: null, name: null }, keyId: null };

/**
 * The parsed request's hash: the schema fixes key order, drops absent and null
 * optional fields alike, and money prints canonically ("300.00" and "300" are
 * one amount), so equal requests hash equally whatever the caller's key order
 * or formatting. Fee lines are in it in the order sent, each with every field
 * (absent optional ones as null) and quantities and prices as parsed decimals
 * ("2.0" and "2" are one quantity). The operator is not part of the request (a
 * retry by the next clerk is the same bill).
 *
 * 16 characters (96 bits of SHA-256): it is kept in every idempotency record
 * and claim, and only ever compared with the one stored for the same
 * hospital and requestId, so a collision stays out of reach (2^-96 a retry).
 * Earlier releases kept 43, then 22; a stored hash is the same body when the
 * shorter starts the longer (sameBody). 16 keeps a claim of an 18-digit card
 * in a 64-byte allocation (80 with 22).
 */
export function requestHash(request: SettlementRequest, whole = false): string {
  return requestHashOf(requestJsonBytes(request), whole);
}

/** requestHash over the request's JSON bytes already made (requestJsonBytes), which the recorded inputs reuse. */
export function requestHashOf(requestJson: Buffer, whole = false): string {
  const digest = hash('sha256', requestJson, 'base64url');
  return whole ? digest : digest.slice(0, REQUEST_HASH_LENGTH);
}

/** The day-ledger entry of a settlement, or of its reversal (amounts negated). */
function ledgerEntryOf(view: SettlementView, kind: LedgerEntry['kind'], at: string, actor: Actor, reason: string | null): LedgerEntry {
  const sign = (amount: string) => (kind === 'settlement' || amount === '0.00' ? amount : amount.startsWith('-') ? amount.slice(1) : `-${amount}`);
  const funds: Record<string, string> = {};
  for (const [fund, amount] of Object.entries(view.payments)) funds[fund] = sign(amount);
  return {
    kind,
    settlementId: view.settlementId!,
    requestId: view.requestId,
    hospitalId: view.hospitalId,
    card: view.card,
    at,
    date: businessDayOf(at),
    policyId: view.policyId,
    benefitYear: view.benefitYear,
    visitType: view.visitType,
    total: sign(view.total),
    fundTotal: sign(view.fundTotal),
    patientTotal: sign(view.patientTotal),
    funds,
    operator: { ...actor.operator, keyId: actor.keyId },
    reason,
  };
}

export class SettlementService {
  private readonly mutex = new KeyedMutex();
  private readonly now: () => Date;
  private readonly claims: RequestClaims;

  constructor(
    private readonly repos: Pick<Repositories, 'settlements' | 'ledgers'>,
    private readonly catalog: PolicyCatalog,
    /** Who is covered: the registry, or the cached copy of the enrollment system. */
    private readonly coverage: CoverageSource,
    private readonly options: SettlementServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.claims = new RequestClaims(repos, () => this.now().getTime(), CLAIM_LEASE_MS, Date.now, this.options.previousStoreFormat ?? false);
  }

  // ── The desk's use-cases: the caller's scope checked here, whichever face asks ──

  /** A preview for the caller: billing keys preview for their own hospital only. */
  async previewFor(caller: Caller, request: SettlementRequest, operator: Operator): Promise<SettlementView> {
    requireHospital(caller, request.hospitalId);
    return this.preview(request, actorOf(caller, operator));
  }

  /** A settlement for the caller: billing keys settle for their own hospital only. */
  async settleFor(caller: Caller, request: SettlementRequest, operator: Operator): Promise<SettleResult> {
    requireHospital(caller, request.hospitalId);
    return this.settle(request, actorOf(caller, operator));
  }

  /** A stored settlement the caller may see: a billing key reads its own hospital's only. */
  async getFor(caller: Caller, settlementId: string): Promise<StoredSettlement> {
    const stored = await this.get(settlementId);
    this.requireOwnHospital(caller, stored);
    return stored;
  }

  /** 撤销 for the caller, of a settlement read with getFor: a billing key reverses its own hospital's settlements only. */
  async reverseFor(caller: Caller, stored: StoredSettlement, operator: Operator, reason: string | null): Promise<string | Buffer> {
    this.requireOwnHospital(caller, stored);
    return this.reverse(stored, actorOf(caller, operator), reason);
  }

  private requireOwnHospital(caller: Caller, stored: StoredSettlement): void {
    if (caller.role === 'billing' && caller.hospitalId !== stored.hospitalId) {
      throw new AuthError('FORBIDDEN', `this key acts for hospital ${caller.hospitalId}, not for the hospital of this settlement`);
    }
  }

  /**
   * A page of the person's settlements the caller may see: a billing key sees
   * its own hospital's only (judged on the stored record's hospital, not the
   * body), so a page may hold fewer while `next` still leads on.
   */
  async listFor(caller: Caller, card: string, year: number, cursor: string | null, limit: number): Promise<{ bodies: (string | Buffer)[]; next: string | null }> {
    const page = await this.listStored(card, year, cursor, limit);
    const visible = caller.role === 'billing' ? page.items.filter((stored) => stored.hospitalId === caller.hospitalId) : page.items;
    return { bodies: visible.map(SettlementService.currentBody), next: page.next };
  }

  /** Refuses `what` in a benefit year that is archived or being archived (ARCHIVED naming the archive). */
  async assertYearOpen(year: number, what: string): Promise<void> {
    await this.options.archivedYears?.assertOpen(year, what);
  }

  /** 预结算: the same computation, nothing recorded. */
  async preview(request: SettlementRequest, actor: Actor = NO_ACTOR): Promise<SettlementView> {
    const year = yearOf(request.dischargeDate);
    await this.options.archivedYears?.assertOpen(year, 'preview');
    const snapshot = await this.repos.settlements.readForSettlement(request.card, request.hospitalId, this.readScope(request, year));
    const { enrollee, notes } = await this.enrolleeFor(request, snapshot);
    const { computation, policyVersion } = this.compute(request, snapshot, enrollee, year, notes, 'preview');
    return settlementView(computation, request, snapshot.accumulators, { settlementId: null, status: 'preview', actor, policyVersion });
  }

  /** 结算: computes and commits atomically; idempotent per hospital and requestId, across persons. */
  settle(request: SettlementRequest, actor: Actor = NO_ACTOR, options: SettleOptions = {}): Promise<SettleResult> {
    return this.mutex.run(request.card, () => this.settleSerially(request, actor, options));
  }

  private async settleSerially(request: SettlementRequest, actor: Actor, { verify, message, hold }: SettleOptions): Promise<SettleResult> {
    const year = yearOf(request.dischargeDate);
    // archive: a closed, archived year settles nothing more (a late retry answers ARCHIVED).
    await this.options.archivedYears?.assertOpen(year, 'settlement');
    const requestJson = requestJsonBytes(request);
    const bodyHash = requestHashOf(requestJson, this.options.previousStoreFormat);
    const scope = this.readScope(request, year);
    let claim: Promise<Claim> = this.claims.claim(request, bodyHash);
    for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
      const settledAt = this.now().toISOString();
      const date = businessDayOf(settledAt);
      // The claim and the ledger's slot list are written before the commit, in parallel with the read.
      const [snapshot, held, notedAt] = await Promise.all([
        this.repos.settlements.readForSettlement(request.card, request.hospitalId, scope),
        claim,
        this.repos.ledgers.noteLedgerSlot(request.hospitalId, date, request.card),
      ]);
      if (snapshot.idempotency?.kind === 'committed') return this.replay(request, bodyHash, snapshot.idempotency);
      if (snapshot.idempotency?.kind === 'void' && snapshot.idempotency.token === held.token) {
        claim = this.claims.reclaim(request, bodyHash, held);
        continue;
      }

      let computation: SettlementComputation;
      let enrollee: Enrollee;
      let policyVersion: string | null;
      try {
        const resolved = await this.enrolleeFor(request, snapshot);
        enrollee = resolved.enrollee;
        const notes = resolved.notes;
        ({ computation, policyVersion } = this.compute(request, snapshot, enrollee, year, notes, 'settle'));
        verify?.(computation);
      } catch (error) {
        // Refused or invalid: nothing is recorded, and the requestId is free for the corrected bill.
        if (error instanceof AppError && !(error instanceof UnavailableError)) await this.claims.release(request, held);
        throw error;
      }
      const settlementId = newSettlementId(request.card, computation.benefitYear);
      const view = settlementView(computation, request, snapshot.accumulators, { settlementId, status: 'settled', settledAt, actor, policyVersion });
      const body = answerBytes(view);
      // A slow computation (the enrollment system) notes its ledger slot again: compaction keeps a slot pending only for a grace after its note.
      if (this.repos.ledgers.noteIsStale(notedAt)) await this.repos.ledgers.noteLedgerSlot(request.hospitalId, date, request.card);
      const outcome = await this.repos.settlements.commitSettlement({
        card: request.card,
        hospitalId: request.hospitalId,
        requestId: request.requestId,
        benefitYear: computation.benefitYear,
        bodyHash,
        claimToken: held.token,
        claimedAtMs: held.atWallMs,
        expectedVersion: snapshot.version,
        expectedFilingsVersion: snapshot.filingsVersion,
        settlementId,
        deltas: computation.deltas,
        response: body,
        // Kept so that the year can be settled again exactly (a what-if replay, an audit).
        inputs: encodeSettlementInputs({ request, hospital: snapshot.hospital!, enrollee, filings: snapshot.filings }, requestJson),
        ledger: { date, entry: toStoredLedgerEntry(ledgerEntryOf(view, 'settlement', settledAt, actor, null)) },
        message: message ? { hospitalId: message.hospitalId, msgid: message.msgid, record: message.record(settlementId), ttlSeconds: message.ttlSeconds } : undefined,
        stayHold: hold,
        occupancy: OCCUPYING_VISITS.has(request.visitType) ? { admissionDate: request.admissionDate, dischargeDate: request.dischargeDate } : null,
        stay:
          request.visitType === 'inpatient'
            ? {
                settlementId,
                hospitalId: request.hospitalId,
                consortium: snapshot.hospital?.consortium ?? null,
                dischargeDate: request.dischargeDate,
                admissionOrdinal: computation.admissionOrdinal,
              }
            : null,
      });
      switch (outcome.kind) {
        case 'committed':
          this.repos.ledgers.touched(request.hospitalId, date);
          this.emit({ policyId: computation.policyId, visitType: request.visitType, outcome: 'settled', computation });
          return { replay: false, body, view };
        case 'replay': {
          // A resent commit (ioredis re-sends unanswered commands after a reconnect) finds its own record.
          if (outcome.settlementId === settlementId) {
            this.repos.ledgers.touched(request.hospitalId, date);
            this.emit({ policyId: computation.policyId, visitType: request.visitType, outcome: 'settled', computation });
            return { replay: false, body, view };
          }
          return this.replay(request, bodyHash, { bodyHash, settlementId: outcome.settlementId });
        }
        case 'conflict':
          throw conflictError(request);
        case 'fenced':
          claim = this.claims.reclaim(request, bodyHash, held);
          continue;
        case 'message-recorded':
          throw new MessageRecordedError(outcome.record);
        case 'overlap': {
          // Refused atomically by the commit: nothing was written, and the requestId is free again.
          await this.claims.release(request, held);
          this.emit({ policyId: computation.policyId, visitType: request.visitType, outcome: 'refused', code: 'STAY_OVERLAPS' });
          const { settlementId: other, hospitalId, admissionDate, dischargeDate } = outcome;
          const params = { settlementId: other, hospitalId, admissionDate, dischargeDate };
          const refusal = new RefusalError('STAY_OVERLAPS', say('bounds.stayOverlaps', params, 'en'), [
            { path: 'admissionDate', message: `overlaps settlement ${other} (${admissionDate}..${dischargeDate}, ${hospitalId})` },
          ]);
          refusal.zh = { message: say('bounds.stayOverlaps', params), details: [{ path: 'admissionDate', message: say('bounds.stayOverlaps', params) }] };
          throw refusal;
        }
        case 'id-taken':
          // The random id met one of its slot and year: the next attempt names the settlement anew.
          continue;
        case 'stale':
          // Another writer (another process) moved the accumulators or the filings: recompute from fresh records.
          await new Promise((resolve) => setTimeout(resolve, Math.min(attempt * 2, 20) * Math.random()));
          continue;
      }
    }
    throw new UnavailableError('the records of this person kept changing; nothing was recorded, retry with the same requestId', 1);
  }

  /** What one settlement reads of the person: bounded by the stay, never by the person's history. */
  private readScope(request: SettlementRequest, year: number): PersonReadScope {
    const scope: PersonReadScope = {
      year,
      idempotencyField: idempotencyField(request),
      dischargeDate: request.dischargeDate,
      referralId: request.referralId,
    };
    // What the policies of the year read beyond it (the engine says; the person's policy is known only after the read).
    const needs = needsOfPolicies(this.catalog.policies.filter((policy) => policy.benefitYear === year));
    // policies.md jinjiang-2018: a transfer continues a stay discharged on its admission date or the day before.
    const lookBack = Math.max(request.consortiumTransfer ? 1 : 0, needs.staysLookBackDays);
    if (lookBack > 0) {
      scope.staysFrom = dateOfDayNumber(dayNumber(request.admissionDate) - lookBack);
      scope.staysTo = request.admissionDate;
    }
    if (needs.previousYear) scope.previousYear = true;
    return scope;
  }

  private async replay(request: SettlementRequest, bodyHash: string, record: { bodyHash: string; settlementId: string }): Promise<SettleResult> {
    // An archived settlement's record keeps no body hash: its sealed claim let only the same body through.
    if (record.bodyHash !== ARCHIVED_BODY && !sameBody(record.bodyHash, bodyHash)) throw conflictError(request);
    // replicas: answered only once a replica holds it (its first answer may have been "unknown").
    await this.repos.settlements.confirmReplicated(request.card, record.settlementId);
    const stored = await this.repos.settlements.getSettlementOf(request.card, record.settlementId);
    if (stored === null) {
      const missing = new Error(`idempotency record points to a missing settlement ${record.settlementId}`);
      // archive: the idempotency record outlives its archived settlement.
      throw this.options.archivedYears ? await this.options.archivedYears.explainMissing(record.settlementId, missing) : missing;
    }
    const { policyId } = storedView(stored.response);
    this.emit({ policyId, visitType: request.visitType, outcome: 'replay' });
    return { replay: true, body: stored.response };
  }

  /** Who is covered, with the special diseases filed for them (read within the filings version the commit checks). */
  private async enrolleeFor(request: SettlementRequest, snapshot: Parameters<CoverageSource['resolve']>[1]): Promise<{ enrollee: Enrollee; notes: MessageEntry[] }> {
    const resolved = await this.coverage.resolve(request.card, snapshot);
    if (!this.options.specialDiseases) return resolved;
    const { enrollee, note } = await this.options.specialDiseases.withFiledDiseases(request, resolved.enrollee);
    return { enrollee, notes: note ? [...resolved.notes, note] : resolved.notes };
  }

  private compute(
    request: SettlementRequest,
    snapshot: PersonSnapshot & { hospital: Hospital | null },
    enrollee: Enrollee,
    year: number,
    extraNotes: MessageEntry[],
    mode: 'preview' | 'settle',
  ): { computation: SettlementComputation; policyVersion: string | null } {
    const { hospital } = snapshot;
    if (hospital === null) throw new RefusalError('HOSPITAL_NOT_FOUND', `hospital ${request.hospitalId} is not in the registry`);
    const outcome: EngineOutcome = settle({
      catalog: this.catalog,
      request,
      hospital,
      enrollee,
      filings: snapshot.filings,
      previousStays: snapshot.stays,
      previousYearAccumulators: snapshot.previousYearAccumulators,
      accumulators: snapshot.accumulators,
      accumulatorsYear: year,
      catalogues: this.options.catalogues?.current,
    });
    if (!outcome.ok) {
      const { code, message, details } = outcome.refusal;
      this.emit({ policyId: 'none', visitType: request.visitType, outcome: 'refused', code });
      if (code === 'VALIDATION_FAILED') throw new ValidationError(message, details);
      throw new RefusalError(code, message, details);
    }
    const computation = outcome.settlement;
    for (const note of extraNotes) {
      computation.notes.push(note.en);
      computation.notesZh.push(note.zh);
    }
    if (mode === 'preview') this.emit({ policyId: computation.policyId, visitType: request.visitType, outcome: 'preview', computation });
    // Read in the same turn as the selection: a SIGHUP reload cannot come between.
    return { computation, policyVersion: this.catalog.versionOf(computation.policyId) };
  }

  async get(settlementId: string): Promise<StoredSettlement> {
    const stored = await this.repos.settlements.getSettlement(settlementId);
    if (!stored) {
      const missing = new NotFoundError(`no settlement ${settlementId}`);
      throw this.options.archivedYears ? await this.options.archivedYears.explainMissing(settlementId, missing) : missing;
    }
    return stored;
  }

  /**
   * 撤销: takes the settlement's own deltas off the accumulators, exactly once,
   * and writes the reversal's own entry into the ledger of the day it happens.
   * Repeating it answers the same reversed settlement (the first reason and operator stay).
   */
  async reverse(stored: StoredSettlement, actor: Actor = NO_ACTOR, reason: string | null = null): Promise<string | Buffer> {
    if (stored.status === 'settled') {
      await this.options.archivedYears?.assertOpen(stored.benefitYear, 'reversal');
      const at = this.now().toISOString();
      const date = businessDayOf(at);
      await this.repos.ledgers.noteLedgerSlot(stored.hospitalId, date, stored.card);
      const view = storedView(stored.response);
      const entry = ledgerEntryOf(view, 'reversal', at, actor, reason);
      const outcome = await this.repos.settlements.reverseSettlement({
        stored,
        reversal: { at, reason, operator: { ...actor.operator, keyId: actor.keyId } },
        ledger: { date, field: ledgerField('reversal', stored.settlementId), entry: toStoredLedgerEntry(entry) },
      });
      if (outcome === 'not-found') throw new NotFoundError(`no settlement ${stored.settlementId}`);
      if (outcome === 'reversed') {
        this.repos.ledgers.touched(stored.hospitalId, date);
        this.emit({ policyId: view.policyId, visitType: view.visitType, outcome: 'reversed' });
      }
    } else {
      // replicas: a repeated reversal is answered only once a replica holds the first.
      await this.repos.settlements.confirmReplicated(stored.card, stored.settlementId);
    }
    return SettlementService.currentBody((await this.repos.settlements.getSettlementOf(stored.card, stored.settlementId)) ?? stored);
  }

  /** A page of the person's settlements of a year, each with its current status. */
  async list(card: string, year: number, cursor: string | null, limit: number): Promise<{ bodies: (string | Buffer)[]; next: string | null }> {
    const page = await this.listStored(card, year, cursor, limit);
    return { bodies: page.items.map(SettlementService.currentBody), next: page.next };
  }

  private async listStored(card: string, year: number, cursor: string | null, limit: number) {
    await this.options.archivedYears?.assertListed(year);
    const start = cursor === null ? 0 : Number(cursor);
    return this.repos.settlements.listSettlements(card, year, start, limit);
  }

  /** The stored response with the settlement's current status (a settled one is answered byte for byte). */
  static currentBody(stored: StoredSettlement): string | Buffer {
    if (stored.status === 'settled') return stored.response;
    const view = storedView(stored.response);
    view.status = stored.status;
    view.reversedAt = stored.reversal?.at ?? null;
    if (stored.reversal) view.reversal = stored.reversal;
    return JSON.stringify(view);
  }

  private emit(event: SettlementEvent): void {
    try {
      this.options.onOutcome?.(event);
    } catch {
      // metrics must never break a settlement
    }
  }
}
