/**
 * Day statements and reconciliation (api.md "Day statements and reconciliation"):
 * a hospital's business day is every settlement and every reversal whose entry
 * the commit or reversal script wrote into that day's ledger; totals and groups
 * are sums over those entries, each counted once; a reconciliation sets the
 * hospital's own figures beside them and classifies every difference.
 */
import { randomUUID } from 'node:crypto';
import { CLR_TYPE, INSUTYPE_RESIDENT } from '../domain/code-tables.js';
import { NotFoundError } from '../domain/errors.js';
import { fromStoredLedgerEntry, type LedgerEntry, type LedgerEntryKind } from '../domain/ledger.js';
import { ZERO, formatMoney, money, type Money } from '../domain/money.js';
import type { Actor, VisitType } from '../domain/types.js';
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
}

/** The hospital's side of a reconciliation (api.md). */
export interface HospitalSide {
  date: string;
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

class Summer {
  count = 0;
  total = ZERO;
  fundTotal = ZERO;
  patientTotal = ZERO;
  readonly funds = new Map<string, Money>();

  add(entry: LedgerEntry): void {
    this.count++;
    this.total = this.total.plus(entry.total);
    this.fundTotal = this.fundTotal.plus(entry.fundTotal);
    this.patientTotal = this.patientTotal.plus(entry.patientTotal);
    for (const [fund, amount] of Object.entries(entry.funds)) this.funds.set(fund, (this.funds.get(fund) ?? ZERO).plus(amount));
  }

  sums(): Sums {
    return {
      count: this.count,
      total: formatMoney(this.total),
      fundTotal: formatMoney(this.fundTotal),
      patientTotal: formatMoney(this.patientTotal),
      funds: Object.fromEntries([...this.funds].map(([fund, amount]) => [fund, formatMoney(amount)])),
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

const figures = (count: number, total: Money, fundTotal: Money): Figures => ({ count, total: formatMoney(total), fundTotal: formatMoney(fundTotal) });

export class StatementService {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Every entry of the hospital-day, in time order. */
  async entriesOf(hospitalId: string, date: string): Promise<LedgerEntry[]> {
    if ((await this.store.getHospital(hospitalId)) === null) throw new NotFoundError(`no hospital ${hospitalId}`);
    return (await this.store.readLedger(hospitalId, date)).map(fromStoredLedgerEntry).sort(byTime);
  }

  async statement(hospitalId: string, date: string, page: { cursor: string | null; limit: number }): Promise<Statement> {
    const entries = await this.entriesOf(hospitalId, date);
    const totals = new Summer();
    const groups = new Map<string, { key: { insutype: string; clrType: string; policyId: string; visitType: string }; sums: Summer }>();
    let settlements = 0;
    for (const entry of entries) {
      totals.add(entry);
      if (entry.kind === 'settlement') settlements++;
      const key = { insutype: INSUTYPE_RESIDENT, clrType: CLR_TYPE[entry.visitType as VisitType] ?? '21', policyId: entry.policyId, visitType: entry.visitType };
      const id = `${key.clrType}|${key.policyId}|${key.visitType}`;
      let group = groups.get(id);
      if (!group) groups.set(id, (group = { key, sums: new Summer() }));
      group.sums.add(entry);
    }
    const start = page.cursor === null ? 0 : Number(page.cursor);
    const end = start + page.limit;
    return {
      hospitalId,
      date,
      timeZone: TIME_ZONE,
      totals: { ...totals.sums(), settlements, reversals: entries.length - settlements },
      groups: [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, g]) => ({ ...g.key, ...g.sums.sums() })),
      entries: entries.slice(start, end).map(wireEntry),
      next: end < entries.length ? String(end) : null,
    };
  }

  /** 对账: the hospital's totals (and detail rows, when given) beside the day's ledger; stored with who ran it. */
  async reconcile(hospitalId: string, theirs: HospitalSide, actor: Actor): Promise<Reconciliation> {
    const entries = await this.entriesOf(hospitalId, theirs.date);
    let ourTotal = ZERO;
    let ourFund = ZERO;
    for (const entry of entries) {
      ourTotal = ourTotal.plus(entry.total);
      ourFund = ourFund.plus(entry.fundTotal);
    }
    const ours = figures(entries.length, ourTotal, ourFund);

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
      date: theirs.date,
      balanced,
      ours,
      theirs: theirFigures,
      difference,
      differences,
      detail: theirs.entries !== undefined,
      at: this.now().toISOString(),
      by: { keyId: actor.keyId, operator: actor.operator },
    };
    await this.store.putReconciliation(hospitalId, theirs.date, reconciliation.reconciliationId, JSON.stringify(reconciliation));
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
