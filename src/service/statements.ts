/**
 * Day statements and reconciliation (api.md "Day statements and reconciliation"):
 * a hospital's business day is every settlement and every reversal whose entry
 * the commit or reversal script wrote into that day's ledger; totals and groups
 * are sums over those entries, each counted once (day-figures.ts); a
 * reconciliation sets the hospital's own figures beside them and classifies
 * every difference (reconcile-match.ts). Each run is kept as a bounded record:
 * its summary and at most RECON_MAX_DIFFERENCES differences, at most
 * RECON_MAX_RUNS_PER_DAY runs per hospital-day, RECON_MAX_DAYS days per
 * hospital, each for RECON_TTL_DAYS.
 */
import { randomUUID } from 'node:crypto';
import { dateOfDayNumber, dayNumber } from '../domain/dates.js';
import { ArchivedError, NotFoundError } from '../domain/errors.js';
import type { LedgerEntry } from '../domain/ledger.js';
import { fenOfText, textOfFen, toFen, type Money } from '../domain/money.js';
import { CLR_TYPE } from '../domain/code-tables.js';
import type { Actor, VisitType } from '../domain/types.js';
import type { ArchiveStore } from '../store/archive-store.js';
import { say, type Lang } from '../messages/index.js';
import { archivedDayFiguresSchema, checkStored, reconciliationSchema } from '../store/record-schemas.js';
import type { Repositories } from '../store/repositories.js';
import type { Page } from '../store/store-records.js';
import { DEFAULT_BOUNDS, type Bounds } from './bounds.js';
import { clrTypeOf, dayFigures, figuresOfHash, mergeFigures } from './day-figures.js';
import { compareEntries } from './reconcile-match.js';
import {
  TIME_ZONE,
  type ArchivedDayFigures,
  type DayFigures,
  type Figures,
  type HospitalSide,
  type Reconciliation,
  type ReconciliationScope,
  type Statement,
  type StatementEntry,
} from './statement-types.js';

export * from './statement-types.js';
export { dayFigures, figuresOfHash, mergeFigures } from './day-figures.js';

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

/** Figures from integer fen. */
const figures = (count: number, total: bigint, fundTotal: bigint): Figures => ({ count, total: textOfFen(total), fundTotal: textOfFen(fundTotal) });

export class StatementService {
  constructor(
    private readonly repos: Pick<Repositories, 'registry' | 'ledgers'>,
    private readonly now: () => Date = () => new Date(),
    /** Figures of archived benefit years (absent: nothing is ever archived). */
    private readonly archives?: Pick<ArchiveStore, 'archivedDay'>,
    private readonly bounds: Pick<Bounds, 'reconciliationDifferences' | 'reconciliationRuns' | 'reconciliationDays' | 'reconciliationTtlDays'> = DEFAULT_BOUNDS,
  ) {}

  /** Every entry of the hospital's days from..to (inclusive), in time order. */
  async entriesOf(hospitalId: string, from: string, to = from): Promise<LedgerEntry[]> {
    if ((await this.repos.registry.getHospital(hospitalId)) === null) throw new NotFoundError(`no hospital ${hospitalId}`);
    const days = await Promise.all(daysOf(from, to).map((date) => this.repos.ledgers.dayEntries(hospitalId, date)));
    return days.flat().sort(byTime);
  }

  /** `lang`: the language of the notes (the finance office reads Chinese; Accept-Language: en asks for English). */
  async statement(hospitalId: string, date: string, page: { cursor: string | null; limit: number }, lang: Lang = 'zh'): Promise<Statement> {
    const start = page.cursor === null ? 0 : Number(page.cursor);
    const end = start + page.limit;
    const [hospital, archivedDay] = await Promise.all([
      this.repos.registry.getHospital(hospitalId),
      this.archives ? this.archives.archivedDay(hospitalId, date) : Promise.resolve(new Map<number, string>()),
    ]);
    if (hospital === null) throw new NotFoundError(`no hospital ${hospitalId}`);
    let figures: DayFigures;
    let entries: LedgerEntry[];
    let count: number;
    let archived: ArchivedDayFigures[] = [];
    if (archivedDay.size === 0) {
      // The day's figures as kept while it was written, and only this page's entries.
      const day = await this.repos.ledgers.page(hospitalId, date, start, page.limit);
      figures = figuresOfHash(day.figures);
      entries = day.entries;
      count = day.count;
    } else {
      // A day with archived benefit years: its live entries summed here (the archive's own figures added), as they stand.
      const day = await this.dayOf(hospitalId, date);
      archived = day.archived;
      figures = mergeFigures([dayFigures(day.live), ...archived.map((a) => a.figures)]);
      entries = day.live.slice(start, end);
      count = day.live.length;
    }
    const statement: Statement = {
      hospitalId,
      date,
      timeZone: TIME_ZONE,
      totals: figures.totals,
      groups: figures.groups,
      entries: entries.map(wireEntry),
      next: end < count ? String(end) : null,
    };
    if (archived.length) {
      // Decision 26 (docs/policies.md): totals and groups still cover the whole day; the archived entries are named by their archive.
      statement.archived = archived.map((a) => ({ benefitYear: a.benefitYear, archive: a.archive, ...a.figures.totals }));
      statement.notes = archived.map((a) => say('notes.statement.archived', { count: a.figures.totals.count, year: a.benefitYear, archive: a.archive }, lang));
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
    const archived = [...archivedDay.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, json]) => checkStored<ArchivedDayFigures>(archivedDayFiguresSchema, json, 'archived day figures'));
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
    const entries = live.filter(
      (entry) => (scope.includeReversals || entry.kind === 'settlement') && (scope.clrType === undefined || clrTypeOf(entry.visitType) === scope.clrType),
    );
    // One fen arithmetic: integer fen throughout, never a decimal sum of the ledger.
    let ourTotal = 0n;
    let ourFund = 0n;
    let ourCount = entries.length;
    for (const entry of entries) {
      ourTotal += fenOfText(entry.total);
      ourFund += fenOfText(entry.fundTotal);
    }
    for (const { figures: day } of archived) {
      for (const group of day.groups) {
        if (scope.clrType !== undefined && group.clrType !== scope.clrType) continue;
        ourCount += group.count;
        ourTotal += fenOfText(group.total);
        ourFund += fenOfText(group.fundTotal);
      }
    }
    const fen = (amount: Money) => BigInt(toFen(amount));
    let theirCount: number;
    let theirTotal = 0n;
    let theirFund = 0n;
    if (theirs.totals) {
      theirCount = theirs.totals.count;
      theirTotal = fen(theirs.totals.total);
      theirFund = fen(theirs.totals.fundTotal);
    } else {
      const rows = theirs.entries ?? [];
      theirCount = rows.length;
      for (const row of rows) {
        theirTotal += fen(row.total);
        theirFund += fen(row.fundTotal);
      }
    }
    const { differences, count: differenceCount } = theirs.entries ? compareEntries(entries, theirs.entries, this.bounds.reconciliationDifferences) : { differences: [], count: 0 };
    const difference = figures(ourCount - theirCount, ourTotal - theirTotal, ourFund - theirFund);
    const balanced = differenceCount === 0 && ourCount === theirCount && ourTotal === theirTotal && ourFund === theirFund;
    const reconciliation: Reconciliation = {
      reconciliationId: `C-${randomUUID().replaceAll('-', '')}`,
      hospitalId,
      date: scope.from,
      to: scope.to,
      clrType: scope.clrType ?? null,
      balanced,
      ours: figures(ourCount, ourTotal, ourFund),
      theirs: figures(theirCount, theirTotal, theirFund),
      difference,
      differences,
      differenceCount,
      detail: theirs.entries !== undefined,
      at: this.now().toISOString(),
      by: { keyId: actor.keyId, operator: actor.operator },
    };
    await this.repos.ledgers.putReconciliation(hospitalId, scope.from, JSON.stringify(reconciliation), {
      maxRuns: this.bounds.reconciliationRuns,
      maxDays: this.bounds.reconciliationDays,
      ttlSeconds: this.bounds.reconciliationTtlDays * 86_400,
      atMs: this.now().getTime(),
    });
    return reconciliation;
  }

  /** A page of the hospital-day's kept runs, oldest first; `dropped` counts older runs no longer kept. */
  async reconciliations(
    hospitalId: string,
    date: string,
    page: { cursor: string | null; limit: number } = { cursor: null, limit: 20 },
  ): Promise<Page<Reconciliation> & { dropped: number }> {
    if ((await this.repos.registry.getHospital(hospitalId)) === null) throw new NotFoundError(`no hospital ${hospitalId}`);
    const stored = await this.repos.ledgers.getReconciliations(hospitalId, date, page.cursor === null ? 0 : Number(page.cursor), page.limit);
    return { items: stored.items.map((json) => checkStored<Reconciliation>(reconciliationSchema, json, 'reconciliation')), next: stored.next, dropped: stored.dropped };
  }
}
