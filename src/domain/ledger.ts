/**
 * A hospital's day ledger (api.md "Day statements and reconciliation"): each
 * settlement and each reversal is one entry of the business day it happened;
 * a reversal carries the settlement's amounts negated.
 *
 * Stored with short keys (one entry per settlement and per reversal, kept for
 * the life of the year): `toStored` / `fromStored` are the only translation.
 */
import type { IsoDate } from './dates.js';

export type LedgerEntryKind = 'settlement' | 'reversal';

export interface LedgerEntry {
  kind: LedgerEntryKind;
  settlementId: string;
  requestId: string;
  hospitalId: string;
  card: string;
  /** settledAt of a settlement, reversedAt of a reversal */
  at: string;
  date: IsoDate;
  policyId: string;
  benefitYear: number;
  visitType: string;
  total: string;
  fundTotal: string;
  patientTotal: string;
  funds: Record<string, string>;
  operator: { id: string | null; name: string | null; keyId: string | null };
  /** A reversal's reason. */
  reason: string | null;
}

interface StoredEntry {
  k: 's' | 'r';
  id: string;
  rq: string;
  h: string;
  c: string;
  at: string;
  d: string;
  pol: string;
  y: number;
  vt: string;
  t: string;
  f: string;
  p: string;
  fd: Record<string, string>;
  op?: [string | null, string | null, string | null];
  rs?: string;
}

export function toStoredLedgerEntry(entry: LedgerEntry): string {
  const stored: StoredEntry = {
    k: entry.kind === 'settlement' ? 's' : 'r',
    id: entry.settlementId,
    rq: entry.requestId,
    h: entry.hospitalId,
    c: entry.card,
    at: entry.at,
    d: entry.date,
    pol: entry.policyId,
    y: entry.benefitYear,
    vt: entry.visitType,
    t: entry.total,
    f: entry.fundTotal,
    p: entry.patientTotal,
    fd: entry.funds,
  };
  const { id, name, keyId } = entry.operator;
  if (id !== null || name !== null || keyId !== null) stored.op = [id, name, keyId];
  if (entry.reason !== null) stored.rs = entry.reason;
  return JSON.stringify(stored);
}

export function fromStoredLedgerEntry(json: string): LedgerEntry {
  const s = JSON.parse(json) as StoredEntry;
  return {
    kind: s.k === 's' ? 'settlement' : 'reversal',
    settlementId: s.id,
    requestId: s.rq,
    hospitalId: s.h,
    card: s.c,
    at: s.at,
    date: s.d,
    policyId: s.pol,
    benefitYear: s.y,
    visitType: s.vt,
    total: s.t,
    fundTotal: s.f,
    patientTotal: s.p,
    funds: s.fd,
    operator: { id: s.op?.[0] ?? null, name: s.op?.[1] ?? null, keyId: s.op?.[2] ?? null },
    reason: s.rs ?? null,
  };
}

/** The ledger field of an entry: a settlement and its reversal are two fields, each written once. */
export function ledgerField(kind: LedgerEntryKind, settlementId: string): string {
  return kind === 'settlement' ? settlementId : `${settlementId}:r`;
}
