/**
 * Year-to-date ledgers as the rules read them: the value before this
 * settlement, plus what earlier layers of this settlement added. Ledgers named
 * like a stored accumulator are that accumulator; any other name is the
 * policy's own ledger (Accumulators.ledgers), keyed by its period.
 */
import { Decimal, ZERO, type Money } from '../domain/money.js';
import { zeroDeltas } from '../domain/accumulators.js';
import { MONEY_ACCUMULATORS, type AccumulatorDeltas, type Accumulators, type MoneyAccumulator, type VisitType } from '../domain/types.js';
import type { Policy } from '../policy/schema.js';

const STORED_MONEY = new Set<string>(MONEY_ACCUMULATORS);

export class LedgerBook {
  readonly deltas: AccumulatorDeltas = zeroDeltas();

  constructor(
    private readonly policy: Policy,
    private readonly acc: Accumulators,
    private readonly visitType: VisitType,
    private readonly dates: { admissionDate: string; dischargeDate: string },
  ) {}

  /** The storage key of a ledger for this visit (its period decides the key). */
  keyOf(name: string, suffix = ''): string {
    const spec = this.policy.ledgers[name];
    const base = `${name}${suffix}`;
    if (!spec || spec.period === 'year') return base;
    const date = spec.attribution === 'admission-date' ? this.dates.admissionDate : this.dates.dischargeDate;
    if (spec.period === 'day') return `${base}@${date}`;
    return `${base}@${date.slice(0, 4)}Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
  }

  /** Whether this visit type feeds the ledger (its scope). */
  feeds(name: string): boolean {
    const scope = this.policy.ledgers[name]?.visitTypes;
    return scope === undefined || scope.includes(this.visitType);
  }

  /** The value before this settlement. */
  before(name: string, suffix = ''): Money {
    if (STORED_MONEY.has(name) && !suffix) return this.acc[name as MoneyAccumulator];
    if (name === 'admissions' && !suffix) return new Decimal(this.acc.admissions);
    return this.acc.ledgers?.[this.keyOf(name, suffix)] ?? ZERO;
  }

  /** The admissions of the year before this settlement, as a count. */
  admissionsBefore(): number {
    return this.acc.admissions;
  }

  /** Before, plus what this settlement has added so far. */
  current(name: string, suffix = ''): Money {
    const added = this.added(name, suffix);
    return added.isZero() ? this.before(name, suffix) : this.before(name, suffix).plus(added);
  }

  added(name: string, suffix = ''): Money {
    if (STORED_MONEY.has(name) && !suffix) return this.deltas[name as MoneyAccumulator];
    return this.deltas.ledgers?.[this.keyOf(name, suffix)] ?? ZERO;
  }

  add(name: string, amount: Money, suffix = ''): void {
    if (!this.feeds(name)) return;
    if (STORED_MONEY.has(name) && !suffix) {
      const field = name as MoneyAccumulator;
      this.deltas[field] = this.deltas[field].isZero() ? amount : this.deltas[field].plus(amount);
      return;
    }
    const key = this.keyOf(name, suffix);
    const ledgers = (this.deltas.ledgers ??= {});
    ledgers[key] = (ledgers[key] ?? ZERO).plus(amount);
  }

  /** A once-a-year flag (the first special-outpatient settlement of the year). */
  flag(visitType: VisitType): boolean {
    if (visitType === 'special-outpatient') return this.acc.specialOutpatientCounted;
    return (this.acc.ledgers?.[`counted:${visitType}`] ?? ZERO).gt(0);
  }

  setFlag(visitType: VisitType, one: Money): void {
    if (visitType === 'special-outpatient') this.deltas.specialOutpatientCounted = 1;
    else (this.deltas.ledgers ??= {})[`counted:${visitType}`] = one;
  }
}
