/** Accumulator arithmetic: the only place deltas are applied or negated. */
import { ZERO, formatMoney, type Money } from './money.js';
import { MONEY_ACCUMULATORS, type AccumulatorDeltas, type Accumulators } from './types.js';

export function emptyAccumulators(): Accumulators {
  return {
    admissions: 0,
    specialOutpatientCounted: false,
    basicEligible: ZERO,
    basicPaid: ZERO,
    compliantSelfBurden: ZERO,
    criticalIllnessPaid: ZERO,
    outpatientPaid: ZERO,
    retiredCadreSpousePaid: ZERO,
  };
}

export function zeroDeltas(): AccumulatorDeltas {
  return {
    admissions: 0,
    specialOutpatientCounted: 0,
    basicEligible: ZERO,
    basicPaid: ZERO,
    compliantSelfBurden: ZERO,
    criticalIllnessPaid: ZERO,
    outpatientPaid: ZERO,
    retiredCadreSpousePaid: ZERO,
  };
}

/** accumulators + deltas; a reversal applies the negated deltas. */
export function applyDeltas(acc: Accumulators, deltas: AccumulatorDeltas): Accumulators {
  const next: Accumulators = {
    ...acc,
    admissions: acc.admissions + deltas.admissions,
    specialOutpatientCounted: (acc.specialOutpatientCounted ? 1 : 0) + deltas.specialOutpatientCounted > 0,
  };
  // Most deltas of a settlement are zero; decimals are immutable, so keep the operand (a plus costs ~0.4 µs).
  for (const field of MONEY_ACCUMULATORS) if (!deltas[field].isZero()) next[field] = acc[field].plus(deltas[field]);
  if (deltas.ledgers) {
    const ledgers: Record<string, Money> = { ...acc.ledgers };
    for (const [name, delta] of Object.entries(deltas.ledgers)) ledgers[name] = (ledgers[name] ?? ZERO).plus(delta);
    next.ledgers = ledgers;
  }
  return next;
}

export function negateDeltas(deltas: AccumulatorDeltas): AccumulatorDeltas {
  const negated: AccumulatorDeltas = {
    ...deltas,
    admissions: -deltas.admissions,
    specialOutpatientCounted: -deltas.specialOutpatientCounted,
  };
  for (const field of MONEY_ACCUMULATORS) negated[field] = deltas[field].negated();
  if (deltas.ledgers) negated.ledgers = Object.fromEntries(Object.entries(deltas.ledgers).map(([name, delta]) => [name, delta.negated()]));
  return negated;
}

/** Wire form (api.md): money as strings with two decimals, counts as numbers. */
export interface AccumulatorsView {
  admissions: number;
  specialOutpatientCounted: boolean;
  basicEligible: string;
  basicPaid: string;
  compliantSelfBurden: string;
  criticalIllnessPaid: string;
  outpatientPaid: string;
  retiredCadreSpousePaid: string;
}

export function accumulatorsView(acc: Accumulators): AccumulatorsView {
  return {
    admissions: acc.admissions,
    specialOutpatientCounted: acc.specialOutpatientCounted,
    basicEligible: formatMoney(acc.basicEligible),
    basicPaid: formatMoney(acc.basicPaid),
    compliantSelfBurden: formatMoney(acc.compliantSelfBurden),
    criticalIllnessPaid: formatMoney(acc.criticalIllnessPaid),
    outpatientPaid: formatMoney(acc.outpatientPaid),
    retiredCadreSpousePaid: formatMoney(acc.retiredCadreSpousePaid),
  };
}
