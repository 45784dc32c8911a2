/**
 * What the Redis layer hands the service, and the small codecs between those
 * records and Redis values (money as integer fen, idempotency records,
 * settlement records, encounter line hashes).
 */
import { emptyAccumulators } from '../domain/accumulators.js';
import { fromFen, toFen, type Money } from '../domain/money.js';
import { MONEY_ACCUMULATORS, type AccumulatorDeltas, type Accumulators, type Enrollee, type Filing, type PreviousStay } from '../domain/types.js';
import type { EncounterFeeLine } from '../domain/encounter.js';
import { decodeSettlementRecord, type ReversalMeta } from './codec/settlement-record.js';
import { parseFeeLine } from './record-schemas.js';
import { settlementIdOfCard } from './keys.js';

/** How long a person's settled stays are kept for the overlap check after their last commit (two benefit years and a margin). */
export const OCCUPANCY_SECONDS = 800 * 86_400;

/**
 * How long after its claim a settlement may commit: the commit script fences
 * an older claim (the service then claims afresh), so a commit resent after a
 * reconnect, however late, cannot outlive its claim's void mark.
 */
export const MAX_CLAIM_AGE_MS = 20_000;

/** Default life of a voided claim's mark: the maximum claim age and 10 s for clocks of service hosts behind Redis's. */
export const VOID_CLAIM_SECONDS = MAX_CLAIM_AGE_MS / 1000 + 10;

export interface VersionedAccumulators {
  accumulators: Accumulators;
  /** Bumped by every commit and reversal; '0' before the first. */
  version: string;
}

/** The person's idempotency record for one hospital + requestId. */
export type IdempotencyRecord =
  | { kind: 'committed'; bodyHash: string; settlementId: string }
  /** A takeover of the requestId's claim voided the claim with this token. */
  | { kind: 'void'; token: string };

/** What a settlement needs to read beyond the year's accumulators. */
export interface PersonReadScope {
  year: number;
  /** "<hospitalId>:<requestId>" */
  idempotencyField: string;
  /** Active filings are read from this discharge date on (those that could still cover the stay). */
  dischargeDate: string;
  /** The filing the request names, read whatever its status. */
  referralId?: string | null | undefined;
  /** Stays discharged on these days are read (a consortium transfer continues one of them). */
  staysFrom?: string | undefined;
  staysTo?: string | undefined;
  /** Last benefit year's accumulators are read too (a cap carries over its unused room). */
  previousYear?: boolean | undefined;
}

/** Everything a settlement of one person reads, in one round trip to the person's slot. */
export interface PersonSnapshot extends VersionedAccumulators {
  enrollee: Enrollee | null;
  /** The cached copy of the enrollment system's record (opaque here), when an upstream is configured. */
  coverageEntry: string | null;
  /** Active filings whose validTo is on or after the discharge date, plus the named one. */
  filings: Filing[];
  filingsVersion: string;
  idempotency: IdempotencyRecord | null;
  /** Listed inpatient stays discharged in the requested range. */
  stays: PreviousStay[];
  /** Last benefit year's accumulators, when the scope asked for them. */
  previousYearAccumulators: Accumulators | null;
}

/** A settlement as stored: the response as answered, plus what a reversal needs. */
export interface StoredSettlement {
  settlementId: string;
  card: string;
  hospitalId: string;
  requestId: string;
  benefitYear: number;
  status: 'settled' | 'reversed';
  reversal: ReversalMeta | null;
  /** The response JSON as first answered (UTF-8). */
  response: Buffer;
}

export interface CommitRequest {
  card: string;
  hospitalId: string;
  requestId: string;
  benefitYear: number;
  bodyHash: string;
  claimToken: string;
  /** When that claim was made, wall-clock ms: past MAX_CLAIM_AGE_MS the commit is fenced. */
  claimedAtMs: number;
  expectedVersion: string;
  expectedFilingsVersion: string;
  settlementId: string;
  deltas: AccumulatorDeltas;
  /** UTF-8 bytes of the response JSON: encoded once, sent to the caller as is, stored compressed. */
  response: Buffer;
  /** UTF-8 JSON of what the engine computed from (request, hospital, person, filings), stored compressed after the response. */
  inputs?: Buffer | undefined;
  ledger: { date: string; entry: string };
  /** An inpatient stay later settlements may continue (consortium transfer). */
  stay: PreviousStay | null;
  /** The days a stay (inpatient, childbirth, emergency death) holds the person in this hospital; refused if they overlap another. */
  occupancy?: { admissionDate: string; dischargeDate: string } | null | undefined;
  /** The national platform's message that asked for this settlement, recorded with it. */
  message?: { hospitalId: string; msgid: string; record: string; ttlSeconds: number } | undefined;
  /** The hold of the platform's stay this settles (hold-stay-4.lua): taken out by the commit. */
  stayHold?: { mdtrtId: string; token: string } | undefined;
}

export interface ReversalRequest {
  stored: StoredSettlement;
  reversal: ReversalMeta;
  ledger: { date: string; field: string; entry: string };
}

export interface Page<T> {
  items: T[];
  /** Where the next page starts, or null on the last page. */
  next: string | null;
}

/** Accumulator-name prefix of a policy's own ledgers (fields '<year>|l:<key>' of person:{card}). */
const LEDGER_FIELD = 'l:';

export function decodeAccumulators(hash: Record<string, string>): VersionedAccumulators {
  const accumulators = emptyAccumulators();
  accumulators.admissions = Number(hash.admissions ?? 0);
  accumulators.specialOutpatientCounted = Number(hash.specialOutpatientCounted ?? 0) > 0;
  for (const field of MONEY_ACCUMULATORS) {
    const fen = hash[field];
    if (fen !== undefined) accumulators[field] = fromFen(fen);
  }
  // A policy's own ledgers (policy vocabulary), in fen under "l:<key>".
  let ledgers: Record<string, Money> | undefined;
  for (const field in hash) {
    if (!field.startsWith(LEDGER_FIELD)) continue;
    (ledgers ??= {})[field.slice(LEDGER_FIELD.length)] = fromFen(hash[field]!);
  }
  if (ledgers) accumulators.ledgers = ledgers;
  return { accumulators, version: hash.version ?? '0' };
}

/** Non-zero deltas as field → integer string (fen for money, counts as is). */
export function encodeDeltas(deltas: AccumulatorDeltas): Record<string, string> {
  const encoded: Record<string, string> = {};
  if (deltas.admissions !== 0) encoded.admissions = String(deltas.admissions);
  if (deltas.specialOutpatientCounted !== 0) encoded.specialOutpatientCounted = String(deltas.specialOutpatientCounted);
  for (const field of MONEY_ACCUMULATORS) {
    if (!deltas[field].isZero()) encoded[field] = toFen(deltas[field]);
  }
  for (const [key, delta] of Object.entries(deltas.ledgers ?? {})) if (!delta.isZero()) encoded[`${LEDGER_FIELD}${key}`] = toFen(delta);
  return encoded;
}

/** An idempotency record of `card`'s hash: its settlement id whole. */
export function decodeIdempotency(value: string | null, card: string): IdempotencyRecord | null {
  if (value === null) return null;
  const space = value.indexOf(' ');
  const head = value.slice(0, space);
  const tail = value.slice(space + 1);
  return head === 'void' ? { kind: 'void', token: tail } : { kind: 'committed', bodyHash: head, settlementId: settlementIdOfCard(card, tail) };
}

export function toStored(settlementId: string, card: string, record: Buffer): StoredSettlement {
  const { meta, response } = decodeSettlementRecord(record, { settlementId, card });
  // A compact meta line leaves to the answer what the answer holds (codec/settlement-record.ts).
  const answer = meta.h === undefined ? (JSON.parse(response.toString('utf8')) as { hospitalId: string; requestId: string; benefitYear: number }) : null;
  return {
    settlementId,
    card,
    hospitalId: answer ? answer.hospitalId : meta.h!,
    requestId: answer ? answer.requestId : meta.rq!,
    benefitYear: answer ? answer.benefitYear : meta.y!,
    status: meta.s ?? 'settled',
    reversal: meta.x ?? null,
    response,
  };
}

/** The uploaded lines of an encounter's line hash (fields 'l:<sn>'; 'r:<sn>' and 'count' are bookkeeping). */
export function linesOf(hash: Record<string, string>): EncounterFeeLine[] {
  return Object.entries(hash)
    .filter(([field]) => field.startsWith('l:'))
    .map(([, json]) => parseFeeLine(json));
}

export function results<T extends unknown[]>(replies: [Error | null, unknown][] | null): T {
  if (!replies) throw new Error('pipeline returned nothing');
  for (const [error] of replies) if (error) throw error;
  return replies.map(([, value]) => value) as T;
}
