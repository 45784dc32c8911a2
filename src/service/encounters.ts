/**
 * Encounters: a stay registered at admission, its fee lines uploaded as it
 * goes on, closed at discharge, and settled from its lines through the same
 * settlement use-case as the native API (domain/encounter.ts). The national
 * platform's face (2401, 2301, 2302, 2402, 2303, 2304, 2305, 5203, 5204) is a
 * thin translation onto these use-cases.
 */
import { hash } from 'node:crypto';
import type { CatalogueHolder } from '../catalogue/catalogue.js';
import { DSCG_WAY_DEATH, MED_TYPE_EMERGENCY, MED_TYPE_VISIT, medTypeFamily } from '../domain/code-tables.js';
import { admissionDateOf, effectiveLines, stayRequestId, type Diagnosis, type Encounter, type EncounterFeeLine } from '../domain/encounter.js';
import { type AppError, ConflictError, NotFoundError, RefusalError, ValidationError, type ErrorDetail } from '../domain/errors.js';
import type { Actor, Delivery, FeeLine, Hospital, SettlementRequest, VisitType } from '../domain/types.js';
import type { ClassifiedFeeLine, FeeLineClassification } from '../engine/fee-lines.js';
import { classifyStayLines } from '../engine/settle.js';
import type { PolicyCatalog } from '../policy/catalog.js';
import { newId } from '../store/keys.js';
import type { Repositories } from '../store/repositories.js';
import type { StoredSettlement } from '../store/store-records.js';
import type { CoverageSource } from './coverage.js';
import { idempotencyField } from './request-claims.js';
import { storedView, type SettlementView } from './settlement-view.js';
import type { SettleOptions, SettlementService } from './settlements.js';
import { StayChanges, type HeldStay, type StayHold } from './stay-changes.js';
import { feeLineOf, negatedLine } from './encounter-lines.js';

/** An encounter holds at most this many fee lines (a settlement takes at most 5,000). */
export const MAX_ENCOUNTER_LINES = 5_000;

export interface AdmissionDraft {
  hospital: Hospital;
  card: string;
  medType: string;
  admittedAt: string;
  diagnoses: Diagnosis[];
  msgid: string;
  /** 病种编码: the special disease of a special-outpatient encounter. */
  diseaseCode: string | null;
  /** 生育类别 as sent; see DELIVERY_OF_MATN_TYPE. */
  maternityType: string | null;
}

/** A stored line with what the catalogue says of it (refund lines: their original's figures, negated). */
export interface LineResult {
  line: EncounterFeeLine;
  classified: ClassifiedFeeLine;
}

/**
 * 生育类别 → delivery mode. Regional code tables differ; these are the codes
 * the demo HIS sends (decision: 1 顺产, 2 剖宫产).
 */
const DELIVERY_OF_MATN_TYPE: Record<string, Delivery> = { '1': 'vaginal', '2': 'cesarean' };

/** The encounter id a 2401 message gets: derived from hospital and msgid, so the same message is the same encounter. */
export function mdtrtIdOf(card: string, hospitalId: string, msgid: string): string {
  return newId('M', card, hash('sha256', `${hospitalId}\n${msgid}`, 'hex').slice(0, 32));
}

/** Outpatient visits (门诊, 门诊慢特病): settled the day of their latest line, with no discharge. */
export function isVisit(visitType: VisitType | null): boolean {
  return visitType === 'outpatient' || visitType === 'special-outpatient';
}

/** The time a settlement is computed as of, and where it came from (the message's discharge time, the latest line, …). */
export interface SettledAsOf {
  /** yyyy-MM-dd HH:mm:ss */
  time: string;
  source: 'discharge' | 'message' | 'latest-fee-line' | 'admission';
}

/**
 * A settlement before discharge is computed as of the discharge time the
 * message gives, else the latest fee line's time: never the server's clock,
 * so the same stay previews the same whenever it is asked.
 */
export function settledAsOf(encounter: Encounter, lines: readonly Pick<EncounterFeeLine, 'time'>[], given: string | null): SettledAsOf {
  if (encounter.dischargedAt) return { time: encounter.dischargedAt, source: 'discharge' };
  if (given) return { time: given, source: 'message' };
  const latest = lines.reduce<string | null>((max, line) => (line.time && (max === null || line.time > max) ? line.time : max), null);
  if (latest) return { time: latest.replace('T', ' '), source: 'latest-fee-line' };
  return { time: encounter.admittedAt, source: 'admission' };
}

/** What a visit upload (门诊就诊信息) says of a registered visit. */
export interface VisitRecord {
  medType: string;
  diseaseCode: string | null;
  diagnoses: Diagnosis[];
  maternityType: string | null;
}

/** A stay as a settlement reads it: the native request of its lines, or the record of the message that settled it already. */
export type PreparedStay = { encounter: Encounter; request: SettlementRequest; message: null } | { encounter: Encounter; request: null; message: string };

function notFound(mdtrtId: string): NotFoundError {
  return new NotFoundError(`no encounter ${mdtrtId} of this person at this hospital`);
}

/** med_type → visit type; an emergency (13) is none until a discharge by death. */
function visitTypeOf(medType: string): VisitType | null {
  const family = medTypeFamily(medType);
  const visitType = family === MED_TYPE_EMERGENCY ? null : MED_TYPE_VISIT[family];
  if (visitType === undefined) {
    throw new RefusalError('VISIT_TYPE_NOT_COVERED', `med_type ${medType} is not a visit type this service settles (11, 13, 14, 21, 24, 25, 52)`, [
      { path: 'medType', message: 'not settled here' },
    ]);
  }
  return visitType;
}

export class EncounterService {
  constructor(
    private readonly repos: Pick<Repositories, 'platform' | 'settlements'>,
    private readonly coverage: CoverageSource,
    private readonly settlements: SettlementService,
    private readonly catalog: PolicyCatalog,
    private readonly catalogues: CatalogueHolder | undefined,
  ) {
    this.stays = new StayChanges(repos, settlements);
  }

  private readonly stays: StayChanges;

  /**
   * 2304/2207: settles while the stay's lines and status hold still
   * (stay-changes.ts). `work` gets the stay as prepare() reads it, read with
   * the hold in one call; pass the hold to settle() so its commit takes it out.
   */
  holding<T>(card: string, mdtrtId: string, hospitalId: string, msgid: string, work: (prepared: PreparedStay, hold: StayHold) => Promise<T>): Promise<T> {
    return this.stays.holding(card, mdtrtId, { hospitalId, msgid }, (found, hold) => work(this.prepared(found, mdtrtId, hospitalId), hold));
  }

  /** 2401: registers the stay; the same message again answers the same encounter. */
  async admit(draft: AdmissionDraft): Promise<Encounter> {
    const { enrollee } = await this.coverage.lookup(draft.card); // ENROLLEE_NOT_FOUND before anything is stored
    const visitType = visitTypeOf(draft.medType);
    const encounter: Encounter = {
      mdtrtId: mdtrtIdOf(draft.card, draft.hospital.hospitalId, draft.msgid),
      card: draft.card,
      hospitalId: draft.hospital.hospitalId,
      medType: draft.medType,
      visitType,
      admittedAt: draft.admittedAt,
      dischargedAt: null,
      dischargeWay: null,
      diagnoses: draft.diagnoses,
      status: 'admitted',
      round: 0,
      msgid: draft.msgid,
      diseaseCode: draft.diseaseCode,
      maternityType: draft.maternityType,
      person: { sex: enrollee.sex, birthDate: enrollee.birthDate },
    };
    return (await this.repos.platform.createEncounter(encounter)) ?? encounter;
  }

  async get(card: string, mdtrtId: string, hospitalId: string): Promise<{ encounter: Encounter; raw: string }> {
    const found = await this.repos.platform.getEncounter(card, mdtrtId);
    if (!found || found.encounter.hospitalId !== hospitalId) throw notFound(mdtrtId);
    return found;
  }

  /** The stay's settlement of its current round, if it is settled and not reversed. */
  async activeSettlement(encounter: Encounter): Promise<StoredSettlement | null> {
    const record = await this.repos.settlements.getIdempotency(encounter.card, idempotencyField({ hospitalId: encounter.hospitalId, requestId: stayRequestId(encounter) }));
    if (record?.kind !== 'committed') return null;
    const stored = await this.repos.settlements.getSettlementOf(encounter.card, record.settlementId);
    return stored?.status === 'settled' ? stored : null;
  }

  /** The stay's active settlement, by ids. */
  async activeSettlementOf(card: string, mdtrtId: string, hospitalId: string): Promise<StoredSettlement | null> {
    return this.activeSettlement((await this.get(card, mdtrtId, hospitalId)).encounter);
  }

  /** Replaces the encounter while its stay is unsettled (the same again: nothing changes, still checked). */
  private changeUnsettled(card: string, mdtrtId: string, hospitalId: string, change: (encounter: Encounter) => Encounter | null): Promise<Encounter> {
    return this.stays.unsettled(
      () => this.get(card, mdtrtId, hospitalId),
      async ({ encounter, raw }, expect) => {
        const next = change(encounter) ?? encounter;
        const outcome = await this.repos.platform.replaceUnsettledEncounter(raw, next, expect);
        if (outcome.kind === 'no-encounter') throw notFound(mdtrtId);
        return outcome.kind === 'done' ? next : outcome;
      },
    );
  }

  private async update(card: string, mdtrtId: string, hospitalId: string, change: (encounter: Encounter) => Encounter | null): Promise<Encounter> {
    for (let round = 0; round < 5; round++) {
      const { encounter, raw } = await this.get(card, mdtrtId, hospitalId);
      const next = change(encounter);
      if (next === null) return encounter; // already so
      if ((await this.repos.platform.updateEncounter(raw, next)).kind === 'replaced') return next;
    }
    throw new ConflictError('IDEMPOTENCY_CONFLICT', `encounter ${mdtrtId} kept changing; retry`);
  }

  /** 2404: cancels an admission that is not settled. */
  async cancelAdmission(card: string, mdtrtId: string, hospitalId: string): Promise<Encounter> {
    return this.changeUnsettled(card, mdtrtId, hospitalId, (e) => (e.status === 'cancelled' ? null : { ...e, status: 'cancelled' }));
  }

  /** 2203: what the visit is (med_type, special disease, diagnoses), while it is not settled; the same again changes nothing. */
  async recordVisit(card: string, mdtrtId: string, hospitalId: string, visit: VisitRecord): Promise<Encounter> {
    const visitType = visitTypeOf(visit.medType);
    return this.changeUnsettled(card, mdtrtId, hospitalId, (e) => {
      if (e.status === 'cancelled') throw new ValidationError(`encounter ${mdtrtId} was cancelled`, [{ path: 'mdtrtId', message: 'cancelled' }]);
      if (!isVisit(e.visitType) || !isVisit(visitType))
        throw new ValidationError('only an outpatient visit is described this way', [{ path: 'medType', message: `not an outpatient med_type (11, 14): ${visit.medType}` }]);
      const next = {
        ...e,
        medType: visit.medType,
        visitType,
        diseaseCode: visit.diseaseCode,
        maternityType: visit.maternityType,
        diagnoses: visit.diagnoses.length ? visit.diagnoses : e.diagnoses,
      };
      return JSON.stringify(next) === JSON.stringify(e) ? null : next;
    });
  }

  /** 2402: closes the stay; the same discharge again changes nothing. */
  async discharge(card: string, mdtrtId: string, hospitalId: string, at: string, way: string | null, diagnoses: Diagnosis[]): Promise<Encounter> {
    return this.update(card, mdtrtId, hospitalId, (e) => {
      if (e.status === 'cancelled') throw new ValidationError(`encounter ${mdtrtId} was cancelled`, [{ path: 'mdtrtId', message: 'cancelled' }]);
      if (e.status === 'discharged' && e.dischargedAt === at && e.dischargeWay === way) return null;
      if (e.status === 'discharged')
        throw new ValidationError(`encounter ${mdtrtId} is discharged already (${e.dischargedAt}); cancel the discharge first`, [
          { path: 'dischargedAt', message: 'discharged already' },
        ]);
      if (at < e.admittedAt) throw new ValidationError('the discharge is before the admission', [{ path: 'dischargedAt', message: `before the admission ${e.admittedAt}` }]);
      const visitType: VisitType | null = medTypeFamily(e.medType) === MED_TYPE_EMERGENCY ? (way === DSCG_WAY_DEATH ? 'emergency-death' : null) : e.visitType;
      return { ...e, status: 'discharged', dischargedAt: at, dischargeWay: way, visitType, diagnoses: diagnoses.length ? diagnoses : e.diagnoses };
    });
  }

  /** 2405: reopens a discharged stay that is not settled. */
  async cancelDischarge(card: string, mdtrtId: string, hospitalId: string): Promise<Encounter> {
    return this.changeUnsettled(card, mdtrtId, hospitalId, (e) => {
      if (e.status !== 'discharged') return null;
      const visitType = medTypeFamily(e.medType) === MED_TYPE_EMERGENCY ? null : e.visitType;
      return { ...e, status: 'admitted', dischargedAt: null, dischargeWay: null, visitType };
    });
  }

  /**
   * 2301: stores a batch of lines (all or nothing) and answers each with what
   * the catalogue makes of it. Unknown codes refuse the whole batch.
   */
  async uploadLines(card: string, mdtrtId: string, hospitalId: string, batch: EncounterFeeLine[]): Promise<LineResult[]> {
    const done = await this.stays.unsettled(
      () => this.get(card, mdtrtId, hospitalId),
      async ({ encounter }, expect) => {
        if (encounter.status === 'cancelled') throw new ValidationError(`encounter ${mdtrtId} was cancelled`, [{ path: 'lines', message: 'cancelled' }]);
        const stored = await this.repos.platform.getFeeLines(card, mdtrtId);
        const byId = new Map(stored.map((line) => [line.lineId, line]));
        for (const line of batch) if (!byId.has(line.lineId)) byId.set(line.lineId, line);
        // A refund line is answered with its original's figures, negated: classify the originals.
        const originals = batch.map((line) => (line.refundOf === null ? line : (byId.get(line.refundOf) ?? line)));
        const classification = await this.classify(encounter, originals);
        const outcome = await this.repos.platform.putFeeLines(card, mdtrtId, batch, MAX_ENCOUNTER_LINES, expect);
        return outcome.kind === 'stay' ? outcome : { outcome, classification };
      },
    );
    const { outcome, classification } = done;
    const at = (lineId: string) => `lines.${batch.findIndex((line) => line.lineId === lineId)}`;
    switch (outcome.kind) {
      case 'stored':
        break;
      case 'no-encounter':
        throw notFound(mdtrtId);
      case 'cancelled':
        throw new ValidationError(`encounter ${mdtrtId} was cancelled`, [{ path: 'lines', message: 'cancelled' }]);
      case 'too-many':
        throw new ValidationError(`an encounter holds at most ${MAX_ENCOUNTER_LINES} fee lines`, [{ path: 'lines', message: 'too many lines' }]);
      case 'line-conflict':
        throw new ValidationError(`feedetl_sn ${outcome.lineId} was uploaded before with other content`, [
          { path: `${at(outcome.lineId)}.lineId`, message: 'used before for another line' },
        ]);
      case 'refund-of-nothing':
        throw new ValidationError(`refund line ${outcome.lineId} names a line that was never uploaded`, [{ path: `${at(outcome.lineId)}.refundOf`, message: 'no such line' }]);
      case 'refund-of-refund':
        throw new ValidationError(`refund line ${outcome.lineId} names a refund line`, [{ path: `${at(outcome.lineId)}.refundOf`, message: 'a refund line' }]);
      case 'refunded-already':
        throw new ValidationError(`the line refund ${outcome.lineId} names is refunded already`, [{ path: `${at(outcome.lineId)}.refundOf`, message: 'refunded already' }]);
      case 'refund-partial':
        throw new ValidationError(`refund line ${outcome.lineId} must undo its line in full (cnt and det_item_fee_sumamt negated)`, [
          { path: `${at(outcome.lineId)}.quantity`, message: 'not the original quantity, negated' },
        ]);
    }
    return batch.map((line, index) => {
      const classified = classification.lines[index]!;
      return { line, classified: line.refundOf === null ? classified : negatedLine(classified, line.lineId) };
    });
  }

  /** 2302: withdraws one line (with its refund) or every line ('0000') of a stay not settled. */
  withdrawLines(card: string, mdtrtId: string, hospitalId: string, lineId: string): Promise<number> {
    return this.withdraw(card, mdtrtId, hospitalId, async () => [lineId]);
  }

  /** 2205: withdraws the lines of one charge batch (chrg_bchno), or every line ('0000'), of a visit not settled. */
  withdrawBatch(card: string, mdtrtId: string, hospitalId: string, batch: string): Promise<number> {
    const pick = async () => (await this.repos.platform.getFeeLines(card, mdtrtId)).filter((line) => line.batch === batch && line.refundOf === null).map((line) => line.lineId);
    return this.withdraw(card, mdtrtId, hospitalId, batch === '0000' ? async () => ['0000'] : pick);
  }

  private withdraw(card: string, mdtrtId: string, hospitalId: string, pick: () => Promise<string[]>): Promise<number> {
    return this.stays.unsettled(
      () => this.get(card, mdtrtId, hospitalId),
      async (_found, expect) => {
        let withdrawn = 0;
        for (const lineId of await pick()) {
          const outcome = await this.repos.platform.withdrawFeeLines(card, mdtrtId, lineId, expect);
          if (outcome.kind === 'no-encounter') throw notFound(mdtrtId);
          if (outcome.kind === 'stay') return outcome;
          withdrawn += outcome.count;
        }
        return withdrawn;
      },
    );
  }

  /** The charge batches (chrg_bchno) of a stay's effective lines. */
  async batchesOf(card: string, mdtrtId: string): Promise<Set<string | null>> {
    return new Set(effectiveLines(await this.repos.platform.getFeeLines(card, mdtrtId)).map((line) => line.batch ?? null));
  }

  /** 5204: every uploaded line with what the catalogue makes of it now. */
  async lineResults(card: string, mdtrtId: string, hospitalId: string): Promise<LineResult[]> {
    const { encounter } = await this.get(card, mdtrtId, hospitalId);
    const lines = (await this.repos.platform.getFeeLines(card, mdtrtId)).sort((a, b) => (a.lineId < b.lineId ? -1 : 1));
    if (lines.length === 0) return [];
    const byId = new Map(lines.map((line) => [line.lineId, line]));
    const classification = await this.classify(
      encounter,
      lines.map((line) => (line.refundOf === null ? line : (byId.get(line.refundOf) ?? line))),
    );
    return lines.map((line, index) => ({
      line,
      classified: line.refundOf === null ? classification.lines[index]! : negatedLine(classification.lines[index]!, line.lineId),
    }));
  }

  /** Lines of a stay classified as its policy's catalogue says; before discharge the latest line's day stands for it. */
  private async classify(encounter: Encounter, lines: EncounterFeeLine[] | FeeLine[], dischargeDate?: string): Promise<FeeLineClassification> {
    const { enrollee } = await this.coverage.lookup(encounter.card);
    const feeLines = lines.map((line) => ('msgid' in line ? feeLineOf(line) : line));
    const latest = feeLines.reduce((max, line) => (line.time && line.time.slice(0, 10) > max ? line.time.slice(0, 10) : max), admissionDateOf(encounter));
    const outcome = classifyStayLines({
      catalog: this.catalog,
      catalogues: this.catalogues?.current,
      region: enrollee.region,
      stay: { admissionDate: admissionDateOf(encounter), dischargeDate: dischargeDate ?? encounter.dischargedAt?.slice(0, 10) ?? latest },
      lines: feeLines,
    });
    if (!outcome.ok) throw this.refusal(outcome.refusal.code, outcome.refusal.message, outcome.refusal.details);
    return outcome.classification;
  }

  /** Engine paths (charges.lines.N.code) become the encounter's (lines.N.code): the face names them its own way. */
  private refusal(code: string, message: string, details: ErrorDetail[]): AppError {
    const mapped = details.map((d) => ({ ...d, path: d.path.replace(/^charges\.lines\./, 'lines.') }));
    if (code === 'VALIDATION_FAILED') return new ValidationError(message, mapped);
    return new RefusalError(code as ConstructorParameters<typeof RefusalError>[0], message, mapped);
  }

  /** The native settlement request of a stay: its effective lines as an itemised bill. */
  async settlementRequest(encounter: Encounter, dischargeDate: string | null): Promise<SettlementRequest> {
    return this.requestOf(encounter, await this.repos.platform.getFeeLines(encounter.card, encounter.mdtrtId), dischargeDate);
  }

  private requestOf(encounter: Encounter, uploaded: EncounterFeeLine[], dischargeDate: string | null): SettlementRequest {
    if (encounter.status === 'cancelled') throw new ValidationError(`encounter ${encounter.mdtrtId} was cancelled`, [{ path: 'mdtrtId', message: 'cancelled' }]);
    const lines = effectiveLines(uploaded);
    if (lines.length === 0) throw new ValidationError(`encounter ${encounter.mdtrtId} has no fee lines: upload them first`, [{ path: 'mdtrtId', message: 'no fee lines' }]);
    const visitType = encounter.visitType;
    if (visitType === null) {
      throw new RefusalError('VISIT_TYPE_NOT_COVERED', `an emergency (med_type ${encounter.medType}) is settled here only as an emergency death (2402 dscg_way ${DSCG_WAY_DEATH})`);
    }
    // An outpatient visit ends the day of its latest line; a stay at its discharge (or as of the time a pre-settlement names).
    const discharge = encounter.dischargedAt?.slice(0, 10) ?? dischargeDate ?? (isVisit(visitType) ? settledAsOf(encounter, lines, null).time.slice(0, 10) : null);
    if (discharge === null) throw new ValidationError(`encounter ${encounter.mdtrtId} is not discharged: discharge it first`, [{ path: 'mdtrtId', message: 'not discharged' }]);
    const main = encounter.diagnoses.find((d) => d.main) ?? encounter.diagnoses[0];
    return {
      requestId: stayRequestId(encounter),
      card: encounter.card,
      hospitalId: encounter.hospitalId,
      visitType,
      admissionDate: admissionDateOf(encounter),
      dischargeDate: discharge,
      charges: { lines: lines.map(feeLineOf) },
      specialDisease: visitType === 'special-outpatient' ? (encounter.diseaseCode ?? main?.code ?? undefined) : undefined,
      delivery: encounter.maternityType ? DELIVERY_OF_MATN_TYPE[encounter.maternityType] : undefined,
      // 24 急诊转住院: an emergency admission (Jinjiang 七(三): out of area, an emergency counts as filed).
      emergency: medTypeFamily(encounter.medType) === '24',
      referredFromPrimary: false,
      consortiumTransfer: false,
      liability: 'none',
    };
  }

  /**
   * 2303 / 2206: the stay's settlement as it would be, nothing recorded; before
   * discharge as of `dischargeAt` (the message's), else of the latest line.
   */
  async preview(
    card: string,
    mdtrtId: string,
    hospitalId: string,
    actor: Actor,
    dischargeAt: string | null,
  ): Promise<{ encounter: Encounter; view: SettlementView; asOf: SettledAsOf; lines: EncounterFeeLine[] }> {
    const found = await this.repos.platform.getEncounterWithLines(card, mdtrtId);
    if (!found || found.encounter.hospitalId !== hospitalId) throw notFound(mdtrtId);
    const { encounter, lines } = found;
    const asOf = settledAsOf(encounter, effectiveLines(lines), dischargeAt);
    if (asOf.time < encounter.admittedAt)
      throw new ValidationError('the discharge time is before the admission', [{ path: 'dischargedAt', message: `before the admission ${encounter.admittedAt}` }]);
    const request = this.requestOf(encounter, lines, asOf.time.slice(0, 10));
    return { encounter, view: await this.settlements.preview(request, actor), asOf, lines: effectiveLines(lines) };
  }

  /** What a settlement of the stay reads once: the encounter and the native request built from its lines. */
  async prepare(card: string, mdtrtId: string, hospitalId: string): Promise<PreparedStay> {
    const found = await this.repos.platform.getEncounterWithLines(card, mdtrtId);
    return this.prepared(found && { ...found, message: null }, mdtrtId, hospitalId);
  }

  /** …or the record of the platform's message asking for it, read with it: a message done before is answered from its record, even if the stay changed since. */
  private prepared(found: HeldStay | null, mdtrtId: string, hospitalId: string): PreparedStay {
    if (!found || found.encounter.hospitalId !== hospitalId) throw notFound(mdtrtId);
    if (found.message !== null) return { encounter: found.encounter, request: null, message: found.message };
    return { encounter: found.encounter, request: this.requestOf(found.encounter, found.lines, null), message: null };
  }

  /**
   * 2304: settles the stay through the settlement use-case under the stay's
   * requestId, so that it and a native settlement of the same stay are one
   * settlement. After a reversal the stay's next settlement is a new round.
   */
  async settle(
    prepared: { encounter: Encounter; request: SettlementRequest },
    actor: Actor,
    options: SettleOptions & { hold?: StayHold } = {},
  ): Promise<{ encounter: Encounter; view: SettlementView; replay: boolean }> {
    let { encounter, request } = prepared;
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await this.settlements.settle(request, actor, options);
      const view = result.view ?? storedView(result.body);
      if (!result.replay) {
        // Committed by this call: the commit took the hold out.
        if (options.hold) options.hold.released = true;
        return { encounter, view, replay: false };
      }
      const current = await this.settlements.get(view.settlementId!);
      if (current.status === 'settled') return { encounter, view, replay: true };
      // That round's settlement was reversed (and the round not yet moved on): settle anew.
      await this.nextRound(encounter);
      const next = await this.prepare(encounter.card, encounter.mdtrtId, encounter.hospitalId);
      encounter = next.encounter;
      request = next.request!;
    }
    throw new ConflictError('IDEMPOTENCY_CONFLICT', `encounter ${encounter.mdtrtId} kept changing; retry`);
  }

  /** 2305: reverses the stay's settlement; the stay may then be settled again (next round). */
  async reverse(
    card: string,
    mdtrtId: string,
    hospitalId: string,
    settlementId: string,
    actor: Actor,
    reason: string | null,
  ): Promise<{ encounter: Encounter; body: string | Buffer }> {
    const { encounter } = await this.get(card, mdtrtId, hospitalId);
    const stored = await this.settlements.get(settlementId);
    const view = storedView(stored.response);
    if (stored.card !== card || stored.hospitalId !== hospitalId || !view.requestId.startsWith(encounter.mdtrtId)) {
      throw new NotFoundError(`settlement ${settlementId} is no settlement of encounter ${mdtrtId}`);
    }
    const body = await this.settlements.reverse(stored, actor, reason);
    if (view.requestId === stayRequestId(encounter)) await this.nextRound(encounter);
    return { encounter, body };
  }

  private async nextRound(encounter: Encounter): Promise<void> {
    await this.update(encounter.card, encounter.mdtrtId, encounter.hospitalId, (e) => (e.round === encounter.round ? { ...e, round: e.round + 1 } : null));
  }

  /** 5203: a settlement of the stay as stored (current status). */
  async settlementOf(card: string, mdtrtId: string, hospitalId: string, settlementId: string): Promise<{ encounter: Encounter; stored: StoredSettlement }> {
    const { encounter } = await this.get(card, mdtrtId, hospitalId);
    const stored = await this.settlements.get(settlementId);
    if (stored.card !== card || stored.hospitalId !== hospitalId) throw new NotFoundError(`settlement ${settlementId} is no settlement of encounter ${mdtrtId}`);
    return { encounter, stored };
  }
}
