/**
 * The one fen arithmetic of day ledgers: a day's totals and groups summed in
 * integer fen (BigInt: exact, no decimal object per addition), and the
 * figures of several parts of a day (live entries, archived years) merged.
 */
import { CLR_TYPE, INSUTYPE_RESIDENT } from '../domain/code-tables.js';
import type { LedgerEntry } from '../domain/ledger.js';
import { fenOfText, textOfFen } from '../domain/money.js';
import { FUNDS, type VisitType } from '../domain/types.js';
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

const fundOrder = (a: string, b: string) => {
  const [i, j] = [(FUNDS as readonly string[]).indexOf(a), (FUNDS as readonly string[]).indexOf(b)];
  return i !== j ? (i < 0 ? 1 : j < 0 ? -1 : i - j) : a < b ? -1 : a > b ? 1 : 0;
};

interface FenSums {
  count: number;
  total: bigint;
  fundTotal: bigint;
  funds: Map<string, bigint>;
}

const sumsOfFen = (s: FenSums): Sums => ({
  count: s.count,
  total: textOfFen(s.total),
  fundTotal: textOfFen(s.fundTotal),
  patientTotal: textOfFen(s.total - s.fundTotal),
  funds: Object.fromEntries([...s.funds].sort(([a], [b]) => fundOrder(a, b)).map(([fund, fen]) => [fund, textOfFen(fen)])),
});

/**
 * A day's figures as kept in Redis while its entries are written (integer fen
 * and counts: domain/ledger.ts dayFigureDeltas) — the same totals and groups
 * dayFigures gives over the day's entries.
 */
export function figuresOfHash(hash: Record<string, string>): DayFigures {
  const fresh = (): FenSums => ({ count: 0, total: 0n, fundTotal: 0n, funds: new Map() });
  const totals = fresh();
  let settlements = 0;
  const groups = new Map<string, FenSums>();
  const add = (sums: FenSums, stat: string, value: string) => {
    if (stat === 'n') sums.count = Number(value);
    else if (stat === 't') sums.total = BigInt(value);
    else if (stat === 'f') sums.fundTotal = BigInt(value);
    else if (stat.startsWith('F')) sums.funds.set(stat.slice(1), BigInt(value));
  };
  for (const [field, value] of Object.entries(hash)) {
    const bar = field.lastIndexOf('|');
    if (bar < 0) {
      if (field === 's') settlements = Number(value);
      else add(totals, field, value);
      continue;
    }
    const id = field.slice(0, bar);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = fresh()));
    add(group, field.slice(bar + 1), value);
  }
  return {
    totals: { ...sumsOfFen(totals), settlements, reversals: totals.count - settlements },
    groups: [...groups.entries()]
      .filter(([, g]) => g.count !== 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([id, g]) => {
        const clrType = id.slice(0, id.indexOf('|'));
        const visitType = id.slice(id.lastIndexOf('|') + 1);
        const policyId = id.slice(id.indexOf('|') + 1, id.lastIndexOf('|'));
        return { insutype: INSUTYPE_RESIDENT, clrType, policyId, visitType, ...sumsOfFen(g) };
      }),
  };
}
