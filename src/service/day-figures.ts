/**
 * The one fen arithmetic of day ledgers: a day's totals and groups summed in
 * integer fen (BigInt: exact, no decimal object per addition), and the
 * figures of several parts of a day (live entries, archived years) merged.
 */
import { CLR_TYPE, INSUTYPE_RESIDENT } from '../domain/code-tables.js';
import type { LedgerEntry } from '../domain/ledger.js';
import { fenOfText, textOfFen } from '../domain/money.js';
import type { VisitType } from '../domain/types.js';
import type { DayFigures, Sums } from './statement-types.js';

/** Sums of a day's entries in integer fen (BigInt: exact, and no decimal object per addition). */
export class Summer {
  count = 0;
  total = 0n;
  fundTotal = 0n;
  patientTotal = 0n;
  readonly funds = new Map<string, bigint>();

  add(entry: LedgerEntry): void {
    this.count++;
    this.total += fenOfText(entry.total);
    this.fundTotal += fenOfText(entry.fundTotal);
    this.patientTotal += fenOfText(entry.patientTotal);
    for (const [fund, amount] of Object.entries(entry.funds)) this.funds.set(fund, (this.funds.get(fund) ?? 0n) + fenOfText(amount));
  }

  sums(): Sums {
    return {
      count: this.count,
      total: textOfFen(this.total),
      fundTotal: textOfFen(this.fundTotal),
      patientTotal: textOfFen(this.patientTotal),
      funds: Object.fromEntries([...this.funds].map(([fund, amount]) => [fund, textOfFen(amount)])),
    };
  }
}

export const clrTypeOf = (visitType: string): string => CLR_TYPE[visitType as VisitType] ?? '21';

const groupKey = (entry: LedgerEntry) => ({
  insutype: INSUTYPE_RESIDENT,
  clrType: CLR_TYPE[entry.visitType as VisitType] ?? '21',
  policyId: entry.policyId,
  visitType: entry.visitType,
});

/** Totals and groups (by clearing type, policy and visit type) over a day's entries, each counted once. */
export function dayFigures(entries: readonly LedgerEntry[]): DayFigures {
  const totals = new Summer();
  const groups = new Map<string, { key: ReturnType<typeof groupKey>; sums: Summer }>();
  let settlements = 0;
  for (const entry of entries) {
    totals.add(entry);
    if (entry.kind === 'settlement') settlements++;
    const key = groupKey(entry);
    const id = `${key.clrType}|${key.policyId}|${key.visitType}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { key, sums: new Summer() }));
    group.sums.add(entry);
  }
  return {
    totals: { ...totals.sums(), settlements, reversals: entries.length - settlements },
    groups: [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, g]) => ({ ...g.key, ...g.sums.sums() })),
  };
}

/** Two wire amounts added, in fen like the day's own sums. */
const plus = (a: string, b: string): string => textOfFen(fenOfText(a) + fenOfText(b));

function addSums<T extends Sums>(a: T, b: Sums): T {
  const funds: Record<string, string> = { ...a.funds };
  for (const [fund, amount] of Object.entries(b.funds)) funds[fund] = plus(funds[fund] ?? '0.00', amount);
  return {
    ...a,
    count: a.count + b.count,
    total: plus(a.total, b.total),
    fundTotal: plus(a.fundTotal, b.fundTotal),
    patientTotal: plus(a.patientTotal, b.patientTotal),
    funds,
  };
}

/** The figures of several parts of one day (live entries, archived years) as one. */
export function mergeFigures(parts: readonly DayFigures[]): DayFigures {
  const [first, ...rest] = parts;
  let totals = first!.totals;
  const groups = new Map(first!.groups.map((g) => [`${g.clrType}|${g.policyId}|${g.visitType}`, g]));
  for (const part of rest) {
    totals = { ...addSums(totals, part.totals), settlements: totals.settlements + part.totals.settlements, reversals: totals.reversals + part.totals.reversals };
    for (const group of part.groups) {
      const id = `${group.clrType}|${group.policyId}|${group.visitType}`;
      const mine = groups.get(id);
      groups.set(id, mine ? addSums(mine, group) : group);
    }
  }
  return { totals, groups: [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, g]) => g) };
}
