/**
 * Settlement use-cases: preview, settle, read, reverse, list. Reads the
 * person's records, lets the pure engine compute, and commits the deltas in
 * one script; when the accumulators moved meanwhile, recomputes (bounded).
 */
import { hash } from 'node:crypto';
import type { CatalogueHolder } from '../catalogue/catalogue.js';
import { yearOf } from '../domain/dates.js';
import { ConflictError, NotFoundError, RefusalError, UnavailableError, ValidationError } from '../domain/errors.js';
import type { Accumulators, Enrollee, Filing, Hospital, SettlementRequest } from '../domain/types.js';
import { settle } from '../engine/settle.js';
import type { EngineOutcome, SettlementComputation } from '../engine/types.js';
import type { PolicyCatalog } from '../policy/catalog.js';
import { newId } from '../store/keys.js';
import type { Store, StoredSettlement } from '../store/store.js';
import { KeyedMutex } from './keyed-mutex.js';
import type { CoverageSource } from './coverage.js';
import type { SettlementEvent } from './settlement-events.js';
import { settlementView, type SettlementView } from './settlement-view.js';

export type { SettlementEvent } from './settlement-events.js';

/** How often a settlement recomputes when other writers keep moving the accumulators. */
const MAX_COMMIT_ATTEMPTS = 25;

export interface SettleResult {
  /** 201 created, 200 replay of an earlier identical request. */
  replay: boolean;
  /** The response JSON (UTF-8) exactly as stored (a replay answers the identical body). */
  body: Buffer | string;
}

export interface SettlementServiceOptions {
  now?: () => Date;
  /** Observes each outcome (metrics); never throws. */
  onOutcome?: (event: SettlementEvent) => void;
  /** The loaded catalogues (swapped on SIGHUP), for bills sent as lines. */
  catalogues?: CatalogueHolder;
}

/**
 * The parsed request's hash: the schema fixes key order and money prints
 * canonically ("300.00" and "300" are one amount), so equal requests hash
 * equally whatever the caller's key order or formatting. Fee lines are in it
 * in the order sent, each with every field (absent optional ones as null) and
 * quantities and prices as parsed decimals ("2.0" and "2" are one quantity).
 */
export function requestHash(request: SettlementRequest): string {
  return hash('sha256', JSON.stringify(request));
}

export class SettlementService {
  private readonly mutex = new KeyedMutex();
  private readonly now: () => Date;

  constructor(
    private readonly store: Store,
    private readonly catalog: PolicyCatalog,
    /** Who is covered: the registry, or the cached copy of the enrollment system. */
    private readonly coverage: CoverageSource,
    private readonly options: SettlementServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** 预结算: the same computation, nothing recorded. */
  async preview(request: SettlementRequest): Promise<SettlementView> {
    const year = yearOf(request.dischargeDate);
    const snapshot = await this.store.readForSettlement(request.card, year, request.hospitalId, request.requestId);
    const { enrollee, notes } = await this.coverage.resolve(request.card, snapshot);
    const computation = this.compute(request, snapshot.hospital, enrollee, snapshot.filings, snapshot.accumulators, year, notes, 'preview');
    return settlementView(computation, request, snapshot.accumulators, { settlementId: null, status: 'preview' });
  }

  /** 结算: computes and commits atomically; idempotent per hospital and requestId. */
  settle(request: SettlementRequest): Promise<SettleResult> {
    return this.mutex.run(request.card, () => this.settleSerially(request));
  }

  private async settleSerially(request: SettlementRequest): Promise<SettleResult> {
    const year = yearOf(request.dischargeDate);
    const bodyHash = requestHash(request);
    for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
      const snapshot = await this.store.readForSettlement(request.card, year, request.hospitalId, request.requestId);
      if (snapshot.idempotency) return this.replay(request, bodyHash, snapshot.idempotency);

      const { enrollee, notes } = await this.coverage.resolve(request.card, snapshot);
      const computation = this.compute(request, snapshot.hospital, enrollee, snapshot.filings, snapshot.accumulators, year, notes, 'settle');
      const settlementId = newId('S', request.card);
      const view = settlementView(computation, request, snapshot.accumulators, {
        settlementId,
        status: 'settled',
        settledAt: this.now().toISOString(),
      });
      const body = Buffer.from(JSON.stringify(view));
      const outcome = await this.store.commitSettlement({
        card: request.card,
        hospitalId: request.hospitalId,
        requestId: request.requestId,
        benefitYear: computation.benefitYear,
        bodyHash,
        expectedVersion: snapshot.version,
        settlementId,
        deltas: computation.deltas,
        response: body,
      });
      switch (outcome.kind) {
        case 'committed':
          this.emit({ policyId: computation.policyId, visitType: request.visitType, outcome: 'settled', computation });
          return { replay: false, body };
        case 'replay': {
          // A resent commit (ioredis re-sends unanswered commands after a reconnect) finds its own record.
          const ours = (JSON.parse(outcome.response) as SettlementView).settlementId === settlementId;
          this.emit({ policyId: computation.policyId, visitType: request.visitType, outcome: ours ? 'settled' : 'replay', computation });
          return { replay: !ours, body: outcome.response };
        }
        case 'conflict':
          throw this.conflict(request);
        case 'stale':
          // Another writer (another process) moved the accumulators: recompute from fresh records.
          await new Promise((resolve) => setTimeout(resolve, Math.min(attempt * 2, 20) * Math.random()));
          continue;
      }
    }
    throw new UnavailableError('the accumulators of this person kept changing; nothing was recorded, retry with the same requestId', 1);
  }

  private async replay(request: SettlementRequest, bodyHash: string, record: { bodyHash: string; settlementKey: string }): Promise<SettleResult> {
    if (record.bodyHash !== bodyHash) throw this.conflict(request);
    const body = await this.store.getResponseByKey(record.settlementKey);
    if (body === null) throw new Error(`idempotency record points to a missing settlement ${record.settlementKey}`);
    const { policyId } = JSON.parse(body.toString()) as SettlementView;
    this.emit({ policyId, visitType: request.visitType, outcome: 'replay' });
    return { replay: true, body };
  }

  private conflict(request: SettlementRequest): ConflictError {
    return new ConflictError(
      'IDEMPOTENCY_CONFLICT',
      `requestId ${request.requestId} was already used by hospital ${request.hospitalId} with a different body`,
    );
  }

  private compute(
    request: SettlementRequest,
    hospital: Hospital | null,
    enrollee: Enrollee,
    filings: Filing[],
    accumulators: Accumulators,
    year: number,
    extraNotes: string[],
    mode: 'preview' | 'settle',
  ): SettlementComputation {
    if (hospital === null) throw new RefusalError('HOSPITAL_NOT_FOUND', `hospital ${request.hospitalId} is not in the registry`);
    const outcome: EngineOutcome = settle({
      catalog: this.catalog,
      request,
      hospital,
      enrollee,
      filings,
      accumulators,
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
    if (extraNotes.length) computation.notes.push(...extraNotes);
    if (mode === 'preview') this.emit({ policyId: computation.policyId, visitType: request.visitType, outcome: 'preview', computation });
    return computation;
  }

  async get(settlementId: string): Promise<StoredSettlement> {
    const stored = await this.store.getSettlement(settlementId);
    if (!stored) throw new NotFoundError(`no settlement ${settlementId}`);
    return stored;
  }

  /** 撤销: takes the settlement's own deltas off the accumulators, exactly once. */
  async reverse(stored: StoredSettlement): Promise<string> {
    if (stored.status === 'settled') {
      const outcome = await this.store.reverseSettlement(stored, this.now().toISOString());
      if (outcome === 'not-found') throw new NotFoundError(`no settlement ${stored.settlementId}`);
      if (outcome === 'reversed') {
        const view = JSON.parse(stored.response) as SettlementView;
        this.emit({ policyId: view.policyId, visitType: view.visitType, outcome: 'reversed' });
      }
    }
    return SettlementService.currentBody((await this.store.getSettlement(stored.settlementId)) ?? stored);
  }

  async list(card: string, year: number): Promise<string[]> {
    return (await this.store.listSettlements(card, year)).map(SettlementService.currentBody);
  }

  /** The stored response with the settlement's current status. */
  static currentBody(stored: StoredSettlement): string {
    if (stored.status === 'settled') return stored.response;
    const view = JSON.parse(stored.response) as SettlementView;
    view.status = stored.status;
    view.reversedAt = stored.reversedAt;
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
