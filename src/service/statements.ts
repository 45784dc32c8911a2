/**
 * Day statements and reconciliation (api.md "Day statements and reconciliation"):
 * a hospital's business day is every settlement and every reversal whose entry
 * the commit or reversal script wrote into that day's ledger; totals and groups
 * are sums over those entries, each counted once; a reconciliation sets the
 * hospital's own figures beside them and classifies every difference.
 */
import { randomUUID } from 'node:crypto';
import { CLR_TYPE, INSUTYPE_RESIDENT } from '../domain/code-tables.js';
import { dateOfDayNumber, dayNumber } from '../domain/dates.js';
import { ArchivedError, NotFoundError } from '../domain/errors.js';
import { fromStoredLedgerEntry, type LedgerEntry, type LedgerEntryKind } from '../domain/ledger.js';
import { ZERO, fenOfText, formatMoney, money, textOfFen, type Money } from '../domain/money.js';
import type { Actor, VisitType } from '../domain/types.js';
import type { ArchiveStore } from '../store/archive-store.js';
import type { Store } from '../store/store.js';

export const TIME_ZONE = 'Asia/Shanghai';

export interface Sums {
  count: number;
  total: string;
  fundTotal: string;
  patientTotal: string;
  funds: Record<string, string>;
}

export interface StatementEntry {
  settlementId: string;
  requestId: string;
  kind: LedgerEntryKind;
  at: string;
  card: string;
  policyId: string;
  benefitYear: number;
  visitType: string;
  clrType: string;
  total: string;
  fundTotal: string;
  patientTotal: string;
  funds: Record<string, string>;
  operator: LedgerEntry['operator'];
  reason: string | null;
}

export interface Statement {
  hospitalId: string;
  date: string;
  timeZone: string;
  totals: Sums & { settlements: number; reversals: number };
  groups: (Sums & { insutype: string; clrType: string; policyId: string; visitType: string })[];
  entries: StatementEntry[];
  next: string | null;
  /** Benefit years whose entries of this day were archived, with their figures (included in totals and groups). */
  archived?: (DayFigures['totals'] & { benefitYear: number; archive: string })[];
  notes?: string[];
}

/** A day's totals and groups, as a statement shows them (and an archive's manifest records them). */
export interface DayFigures {
  totals: Sums & { settlements: number; reversals: number };
  groups: (Sums & { insutype: string; clrType: string; policyId: string; visitType: string })[];
}

/** What an archive leaves in Redis for one hospital-day of its year (ledger-archived:{…}). */
export interface ArchivedDayFigures {
  benefitYear: number;
  archive: string;
  figures: DayFigures;
}

/** Which entries a reconciliation compares: a day (or, for the platform's 3201/3202, a period), all or one clearing type. */
export interface ReconciliationScope {
  from: string;
  to: string;
  clrType?: string | undefined;
  /** Reversal entries count (the platform's refd_setl_flag 1); the native API always counts them. */
  includeReversals: boolean;
}

/** The hospital's side of a reconciliation (api.md). */
export interface HospitalSide {
  totals?: { count: number; total: Money; fundTotal: Money } | undefined;
  entries?: { settlementId?: string | undefined; requestId?: string | undefined; kind: LedgerEntryKind; total: Money; fundTotal: Money }[] | undefined;
}

export type DifferenceKind = 'missing-in-hospital' | 'missing-in-service' | 'amount-mismatch' | 'kind-mismatch';

export interface Difference {
  kind: DifferenceKind;
  settlementId: string | null;
  requestId: string | null;
  ours: { kind: LedgerEntryKind; total: string; fundTotal: string } | null;
  theirs: { kind: LedgerEntryKind; total: string; fundTotal: string } | null;
}

interface Figures {
  count: number;
  total: string;
  fundTotal: string;
}

export interface Reconciliation {
  reconciliationId: string;
  hospitalId: string;
  date: string;
  /** The last day of the period (the same as date for a day). */
  to: string;
  clrType: string | null;
  balanced: boolean;
  ours: Figures;
  theirs: Figures;
  /** ours − theirs */
  difference: Figures;
  differences: Difference[];
  /** Whether detail rows were compared (对明细账) or totals only (对总账). */
  detail: boolean;
  at: string;
  by: { keyId: string | null; operator: Actor['operator'] };
}

/** Sums of a day's entries in integer fen (BigInt: exact, and no decimal object per addition). */
class Summer {
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

const byTime = (a: LedgerEntry, b: LedgerEntry) =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.settlementId < b.settlementId ? -1 : a.settlementId > b.settlementId ? 1 : a.kind === 'settlement' ? -1 : 1;

function wireEntry(entry: LedgerEntry): StatementEntry {
  return {
    settlementId: entry.settlementId,
    requestId: entry.requestId,
    kind: entry.kind,
    at: entry.at,
    card: entry.card,
    policyId: entry.policyId,
    benefitYear: entry.benefitYear,
    visitType: entry.visitType,
    clrType: CLR_TYPE[entry.visitType as VisitType] ?? '21',
    total: entry.total,
    fundTotal: entry.fundTotal,
    patientTotal: entry.patientTotal,
    funds: entry.funds,
    operator: entry.operator,
    reason: entry.reason,
  };
}

/** Every calendar date from..to, inclusive. */
function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = dayNumber(from); day <= dayNumber(to); day++) days.push(dateOfDayNumber(day));
  return days;
}

const figures = (count: number, total: Money, fundTotal: Money): Figures => ({ count, total: formatMoney(total), fundTotal: formatMoney(fundTotal) });

const groupKey = (entry: LedgerEntry) => ({ insutype: INSUTYPE_RESIDENT, clrType: CLR_TYPE[entry.visitType as VisitType] ?? '21', policyId: entry.policyId, visitType: entry.visitType });

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

export class StatementService {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
    /** Figures of archived benefit years (absent: nothing is ever archived). */
    private readonly archives?: Pick<ArchiveStore, 'archivedDay'>,
  ) {}

  /** Every entry of the hospital's days from..to (inclusive), in time order. */
  async entriesOf(hospitalId: string, from: string, to = from): Promise<LedgerEntry[]> {
    if ((await this.store.getHospital(hospitalId)) === null) throw new NotFoundError(`no hospital ${hospitalId}`);
    const stored = await Promise.all(daysOf(from, to).map((date) => this.store.readLedger(hospitalId, date)));
    return stored.flat().map(fromStoredLedgerEntry).sort(byTime);
  }

  async statement(hospitalId: string, date: string, page: { cursor: string | null; limit: number }): Promise<Statement> {
    const { live, archived } = await this.dayOf(hospitalId, date);
    const figures = mergeFigures([dayFigures(live), ...archived.map((a) => a.figures)]);
    const start = page.cursor === null ? 0 : Number(page.cursor);
    const end = start + page.limit;
    const statement: Statement = {
      hospitalId,
      date,
      timeZone: TIME_ZONE,
      totals: figures.totals,
      groups: figures.groups,
      entries: live.slice(start, end).map(wireEntry),
      next: end < live.length ? String(end) : null,
    };
    if (archived.length) {
      // Decision 26 (docs/policies.md): totals and groups still cover the whole day; the archived entries are named by their archive.
      statement.archived = archived.map((a) => ({ benefitYear: a.benefitYear, archive: a.archive, ...a.figures.totals }));
      statement.notes = archived.map(
        (a) =>
          `${a.figures.totals.count} entries of benefit year ${a.benefitYear} were moved to archive ${a.archive}: totals and groups include them (from its manifest); entries lists only those still here`,
      );
    }
    return statement;
  }

  /**
   * The hospital-day's live entries and the figures of its archived benefit
   * years. While an archive is being removed, live entries of a year whose
   * figures are already archived are left out, so nothing counts twice.
   */
  private async dayOf(hospitalId: string, date: string): Promise<{ live: LedgerEntry[]; archived: ArchivedDayFigures[] }> {
    const [entries, archivedDay] = await Promise.all([
      this.entriesOf(hospitalId, date),
      this.archives ? this.archives.archivedDay(hospitalId, date) : Promise.resolve(new Map<number, string>()),
    ]);
    const archived = [...archivedDay.entries()].sort(([a], [b]) => a - b).map(([, json]) => JSON.parse(json) as ArchivedDayFigures);
    const archivedYears = new Set(archived.map((a) => a.benefitYear));
    return { live: entries.filter((entry) => !archivedYears.has(entry.benefitYear)), archived };
  }

  /** dayOf over a period (the platform's 3201/3202 reconcile up to 31 days at once). */
  private async periodOf(hospitalId: string, from: string, to: string): Promise<{ live: LedgerEntry[]; archived: ArchivedDayFigures[] }> {
    const days = await Promise.all(daysOf(from, to).map((date) => this.dayOf(hospitalId, date)));
    return { live: days.flatMap((day) => day.live).sort(byTime), archived: days.flatMap((day) => day.archived) };
  }

  /** 对账: the hospital's totals (and detail rows, when given) beside the day's ledger; stored with who ran it. */
  async reconcile(hospitalId: string, scope: ReconciliationScope, theirs: HospitalSide, actor: Actor): Promise<Reconciliation> {
    const { live, archived } = await this.periodOf(hospitalId, scope.from, scope.to);
    if (archived.length && (theirs.entries || !scope.includeReversals)) {
      // Decision 26 (docs/policies.md): detail rows of an archived year are matched against the archive's ledger file, not here
      // (and its manifest's figures do not split settlements from reversals by amount).
      const first = archived[0]!;
      throw new ArchivedError(
        `entries of benefit year ${first.benefitYear} in ${scope.from}..${scope.to} were moved to archive ${first.archive}: reconcile totals here, detail rows against its ledger file`,
        first.archive,
      );
    }
    const clrOf = (visitType: string) => CLR_TYPE[visitType as VisitType] ?? '21';
    const entries = live.filter((entry) => (scope.includeReversals || entry.kind === 'settlement') && (scope.clrType === undefined || clrOf(entry.visitType) === scope.clrType));
    let ourTotal = ZERO;
    let ourFund = ZERO;
    let ourCount = entries.length;
    for (const entry of entries) {
      ourTotal = ourTotal.plus(entry.total);
      ourFund = ourFund.plus(entry.fundTotal);
    }
    for (const { figures: day } of archived) {
      for (const group of day.groups) {
        if (scope.clrType !== undefined && group.clrType !== scope.clrType) continue;
        ourCount += group.count;
        ourTotal = ourTotal.plus(group.total);
        ourFund = ourFund.plus(group.fundTotal);
      }
    }
    const ours = figures(ourCount, ourTotal, ourFund);

    let theirFigures: Figures;
    if (theirs.totals) {
      theirFigures = figures(theirs.totals.count, theirs.totals.total, theirs.totals.fundTotal);
    } else {
      const rows = theirs.entries ?? [];
      theirFigures = figures(
        rows.length,
        rows.reduce((sum, row) => sum.plus(row.total), ZERO),
        rows.reduce((sum, row) => sum.plus(row.fundTotal), ZERO),
      );
    }
    const differences = theirs.entries ? compareEntries(entries, theirs.entries) : [];
    const difference = figures(
      ours.count - theirFigures.count,
      money(ours.total).minus(theirFigures.total),
      money(ours.fundTotal).minus(theirFigures.fundTotal),
    );
    const balanced = differences.length === 0 && difference.count === 0 && money(difference.total).isZero() && money(difference.fundTotal).isZero();
    const reconciliation: Reconciliation = {
      reconciliationId: `C-${randomUUID().replaceAll('-', '')}`,
      hospitalId,
      date: scope.from,
      to: scope.to,
      clrType: scope.clrType ?? null,
      balanced,
      ours,
      theirs: theirFigures,
      difference,
      differences,
      detail: theirs.entries !== undefined,
      at: this.now().toISOString(),
      by: { keyId: actor.keyId, operator: actor.operator },
    };
    await this.store.putReconciliation(hospitalId, scope.from, reconciliation.reconciliationId, JSON.stringify(reconciliation));
    return reconciliation;
  }

  async reconciliations(hospitalId: string, date: string): Promise<Reconciliation[]> {
    if ((await this.store.getHospital(hospitalId)) === null) throw new NotFoundError(`no hospital ${hospitalId}`);
    return (await this.store.getReconciliations(hospitalId, date)).map((json) => JSON.parse(json) as Reconciliation).sort((a, b) => (a.at < b.at ? -1 : 1));
  }
}

type TheirRow = NonNullable<HospitalSide['entries']>[number];

/**
 * 对明细账: rows are matched by settlementId (else requestId) and kind. What only
 * the service has is missing in the hospital (a one-sided settlement); what only
 * the hospital has is missing in the service; a match whose amounts differ is
 * an amount mismatch; one entry on each side under the same id but of different
 * kinds (a reversal booked as a settlement) is one kind mismatch.
 */
function compareEntries(ours: LedgerEntry[], theirs: TheirRow[]): Difference[] {
  const idOf = (settlementId: string | null | undefined, requestId: string | null | undefined) => settlementId ?? `rq:${requestId ?? ''}`;
  const ourIndex = new Map<string, LedgerEntry>();
  const requestToSettlement = new Map<string, string>();
  for (const entry of ours) {
    ourIndex.set(`${entry.settlementId}|${entry.kind}`, entry);
    requestToSettlement.set(entry.requestId, entry.settlementId);
  }
  const side = (kind: LedgerEntryKind, total: string, fundTotal: string) => ({ kind, total, fundTotal });
  const matched = new Set<string>();
  const differences: Difference[] = [];
  const unmatchedTheirs: TheirRow[] = [];
  for (const row of theirs) {
    const settlementId = row.settlementId ?? (row.requestId ? requestToSettlement.get(row.requestId) : undefined);
    const key = `${settlementId ?? idOf(row.settlementId, row.requestId)}|${row.kind}`;
    const ourEntry = ourIndex.get(key);
    if (!ourEntry || matched.has(key)) {
      unmatchedTheirs.push(row);
      continue;
    }
    matched.add(key);
    if (!money(ourEntry.total).eq(row.total) || !money(ourEntry.fundTotal).eq(row.fundTotal)) {
      differences.push({
        kind: 'amount-mismatch',
        settlementId: ourEntry.settlementId,
        requestId: ourEntry.requestId,
        ours: side(ourEntry.kind, ourEntry.total, ourEntry.fundTotal),
        theirs: side(row.kind, formatMoney(row.total), formatMoney(row.fundTotal)),
      });
    }
  }
  const onlyOurs = ours.filter((entry) => !matched.has(`${entry.settlementId}|${entry.kind}`));
  const pairedOurs = new Set<LedgerEntry>();
  for (const row of unmatchedTheirs) {
    const settlementId = row.settlementId ?? (row.requestId ? requestToSettlement.get(row.requestId) : undefined);
    const other = onlyOurs.find((entry) => entry.settlementId === settlementId && entry.kind !== row.kind && !pairedOurs.has(entry));
    if (other) {
      pairedOurs.add(other);
      differences.push({
        kind: 'kind-mismatch',
        settlementId: other.settlementId,
        requestId: other.requestId,
        ours: side(other.kind, other.total, other.fundTotal),
        theirs: side(row.kind, formatMoney(row.total), formatMoney(row.fundTotal)),
      });
      continue;
    }
    differences.push({
      kind: 'missing-in-service',
      settlementId: row.settlementId ?? null,
      requestId: row.requestId ?? null,
      ours: null,
      theirs: side(row.kind, formatMoney(row.total), formatMoney(row.fundTotal)),
    });
  }
  for (const entry of onlyOurs) {
    if (pairedOurs.has(entry)) continue;
    differences.push({
      kind: 'missing-in-hospital',
      settlementId: entry.settlementId,
      requestId: entry.requestId,
      ours: side(entry.kind, entry.total, entry.fundTotal),
      theirs: null,
    });
  }
  return differences;
}
