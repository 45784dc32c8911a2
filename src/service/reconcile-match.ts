/**
 * 对明细账: the hospital's rows matched against the service's entries, in time
 * linear in both: each side is indexed once in a Map, never scanned per row.
 *
 * Rows are matched by settlementId (else requestId) and kind. What only the
 * service has is missing in the hospital (a one-sided settlement); what only
 * the hospital has is missing in the service; a match whose amounts differ is
 * an amount mismatch; one entry on each side under the same id but of
 * different kinds (a reversal booked as a settlement) is one kind mismatch.
 *
 * At most `keep` differences are returned (the first found, in that order);
 * `count` counts them all.
 */
import type { LedgerEntry, LedgerEntryKind } from '../domain/ledger.js';
import { fenOfText, formatMoney, toFen, type Money } from '../domain/money.js';
import type { Difference, HospitalSide } from './statement-types.js';

type TheirRow = NonNullable<HospitalSide['entries']>[number];

const side = (kind: LedgerEntryKind, total: string, fundTotal: string) => ({ kind, total, fundTotal });
const theirSide = (row: TheirRow) => side(row.kind, formatMoney(row.total), formatMoney(row.fundTotal));
const sameFen = (ours: string, theirs: Money) => fenOfText(ours) === BigInt(toFen(theirs));

export function compareEntries(ours: readonly LedgerEntry[], theirs: readonly TheirRow[], keep: number): { differences: Difference[]; count: number } {
  const differences: Difference[] = [];
  let count = 0;
  const note = (difference: () => Difference) => {
    if (count++ < keep) differences.push(difference());
  };
  const ourIndex = new Map<string, LedgerEntry>();
  const requestToSettlement = new Map<string, string>();
  for (const entry of ours) {
    ourIndex.set(`${entry.settlementId}|${entry.kind}`, entry);
    requestToSettlement.set(entry.requestId, entry.settlementId);
  }
  const settlementOf = (row: TheirRow) => row.settlementId ?? (row.requestId ? requestToSettlement.get(row.requestId) : undefined);
  const matched = new Set<string>();
  const unmatchedTheirs: TheirRow[] = [];
  for (const row of theirs) {
    const key = `${settlementOf(row) ?? `rq:${row.requestId ?? ''}`}|${row.kind}`;
    const ourEntry = ourIndex.get(key);
    if (!ourEntry || matched.has(key)) {
      unmatchedTheirs.push(row);
      continue;
    }
    matched.add(key);
    if (!sameFen(ourEntry.total, row.total) || !sameFen(ourEntry.fundTotal, row.fundTotal)) {
      note(() => ({
        kind: 'amount-mismatch',
        settlementId: ourEntry.settlementId,
        requestId: ourEntry.requestId,
        ours: side(ourEntry.kind, ourEntry.total, ourEntry.fundTotal),
        theirs: theirSide(row),
      }));
    }
  }
  // The service's unmatched entries by settlementId, in time order: a kind mismatch takes the first still unpaired.
  const onlyOurs = new Map<string, LedgerEntry[]>();
  for (const entry of ours) {
    if (matched.has(`${entry.settlementId}|${entry.kind}`)) continue;
    const list = onlyOurs.get(entry.settlementId);
    if (list) list.push(entry);
    else onlyOurs.set(entry.settlementId, [entry]);
  }
  const pairedOurs = new Set<LedgerEntry>();
  for (const row of unmatchedTheirs) {
    const settlementId = settlementOf(row);
    const other = settlementId === undefined ? undefined : onlyOurs.get(settlementId)?.find((entry) => entry.kind !== row.kind && !pairedOurs.has(entry));
    if (other) {
      pairedOurs.add(other);
      note(() => ({
        kind: 'kind-mismatch',
        settlementId: other.settlementId,
        requestId: other.requestId,
        ours: side(other.kind, other.total, other.fundTotal),
        theirs: theirSide(row),
      }));
      continue;
    }
    note(() => ({ kind: 'missing-in-service', settlementId: row.settlementId ?? null, requestId: row.requestId ?? null, ours: null, theirs: theirSide(row) }));
  }
  for (const entry of ours) {
    if (matched.has(`${entry.settlementId}|${entry.kind}`) || pairedOurs.has(entry)) continue;
    note(() => ({ kind: 'missing-in-hospital', settlementId: entry.settlementId, requestId: entry.requestId, ours: side(entry.kind, entry.total, entry.fundTotal), theirs: null }));
  }
  return { differences, count };
}
