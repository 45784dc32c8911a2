/**
 * A hospital's day ledger (api.md "Day statements and reconciliation"): each
 * settlement and each reversal is one entry of the business day it happened;
 * a reversal carries the settlement's amounts negated.
 *
 * One entry per settlement and per reversal, kept for the life of the year:
 * `toStored` / `fromStored` are the only translation.
 */
import { businessDayOf, type IsoDate } from './dates.js';
import { fenOfText, textOfFen } from './money.js';
import { FUNDS } from './types.js';

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

/**
 * Stored positionally, one JSON array per entry (a day-ledger hash holds ~1
 * entry per key at province scale, so every byte counts: npm run bench:memory):
 * [kind, settlementId, requestId, hospitalId, card, at, policyId, benefitYear,
 *  visitType, total, fundTotal, funds in FUNDS order (null where the policy has
 *  no such line, trailing ones left off), operator [id, name, keyId] | null, reason?].
 * The business day is that of `at`, and patientTotal = total − fundTotal, so
 * neither is stored.
 */
type StoredEntry = [
  'S' | 'R',
  string,
  string,
  string,
  string,
  string,
  string,
  number,
  string,
  string,
  string,
  (string | null)[],
  [string | null, string | null, string | null] | null,
  string?,
];

export function toStoredLedgerEntry(entry: LedgerEntry): string {
  const funds: (string | null)[] = FUNDS.map((fund) => entry.funds[fund] ?? null);
  while (funds.length > 0 && funds[funds.length - 1] === null) funds.pop();
  const { id, name, keyId } = entry.operator;
  const stored: StoredEntry = [
    entry.kind === 'settlement' ? 'S' : 'R',
    entry.settlementId,
    entry.requestId,
    entry.hospitalId,
    entry.card,
    entry.at,
    entry.policyId,
    entry.benefitYear,
    entry.visitType,
    entry.total,
    entry.fundTotal,
    funds,
    id !== null || name !== null || keyId !== null ? [id, name, keyId] : null,
  ];
  if (entry.reason !== null) stored.push(entry.reason);
  return JSON.stringify(stored);
}

export function fromStoredLedgerEntry(json: string): LedgerEntry {
  const [kind, settlementId, requestId, hospitalId, card, at, policyId, benefitYear, visitType, total, fundTotal, funds, operator, reason] = JSON.parse(json) as StoredEntry;
  const byFund: Record<string, string> = {};
  funds.forEach((amount, i) => {
    if (amount !== null) byFund[FUNDS[i]!] = amount;
  });
  return {
    kind: kind === 'S' ? 'settlement' : 'reversal',
    settlementId,
    requestId,
    hospitalId,
    card,
    at,
    date: businessDayOf(at),
    policyId,
    benefitYear,
    visitType,
    total,
    fundTotal,
    patientTotal: textOfFen(fenOfText(total) - fenOfText(fundTotal)),
    funds: byFund,
    operator: { id: operator?.[0] ?? null, name: operator?.[1] ?? null, keyId: operator?.[2] ?? null },
    reason: reason ?? null,
  };
}

/** The ledger field of an entry: a settlement and its reversal are two fields, each written once. */
export function ledgerField(kind: LedgerEntryKind, settlementId: string): string {
  return kind === 'settlement' ? settlementId : `${settlementId}:r`;
}
