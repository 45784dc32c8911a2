/**
 * Admission ordinals (Jinjiang 六(一)3: the n-th admission of the year;
 * consortium transfers continue the previous stay; a once-a-year visit type
 * counts as one admission) and the deductible schedule a layer applies to
 * them: ordinal factors, chained factors, a step down per admission with a
 * floor, a formula, a readmission window and a cumulative cap.
 */
import type { Money } from '../domain/money.js';
import { Decimal, ZERO, formatMoney, headroom, maxMoney, minMoney, round2 } from '../domain/money.js';
import { dateOfDayNumber, dayNumber } from '../domain/dates.js';
import type { PreviousStay } from '../domain/types.js';
import type { DeductibleRule, VisitTypeRule } from '../policy/schema.js';
import { Refused, en, word, zh, type Explanation } from './explanation.js';
import { lookup, type Facts } from './facts.js';
import type { LedgerBook } from './ledgers.js';

const ONE = new Decimal(1);

export interface AdmissionTerms {
  /** The admission this stay is (null when the visit is no admission of its own). */
  ordinal: number | null;
  /** The deductible is waived (a later once-a-year visit, a consortium transfer). */
  waived: boolean;
  /** Why, for the deductible step. */
  reason: string;
}

/** Counts the admission in the book and says which one it is. */
export function admissionTerms(facts: Facts, rule: VisitTypeRule, book: LedgerBook, previousStays: readonly PreviousStay[], explanation: Explanation): AdmissionTerms {
  const { policy, request, hospital } = facts;
  const admissions = book.admissionsBefore();
  if (rule.oncePerYear) {
    if (book.flag(request.visitType)) return { ordinal: null, waived: true, reason: zh('engine.reason.onceTaken', { visitType: word(request.visitType) }) };
    book.setFlag(request.visitType, ONE);
    if (!rule.countsAsAdmission) return { ordinal: null, waived: false, reason: zh('engine.reason.onceFirst', { visitType: word(request.visitType) }) };
    book.deltas.admissions = 1;
    return { ordinal: admissions + 1, waived: false, reason: zh('engine.reason.onceAdmission', { visitType: word(request.visitType), n: admissions + 1 }) };
  }
  if (!rule.countsAsAdmission) return { ordinal: null, waived: false, reason: zh('engine.reason.none') };

  if (request.consortiumTransfer) {
    const transfer = policy.admissions?.consortiumTransfer;
    if (!transfer) {
      explanation.note(en('engine.note.noTransferRule', { policy: policy.id }), zh('engine.note.noTransferRule', { policy: policy.id }));
    } else {
      const continued = continuedStay(facts, previousStays);
      if (!continued) {
        throw new Refused(
          'CONSORTIUM_TRANSFER_UNMATCHED',
          `a consortium transfer must continue a settled inpatient stay of the same year at another hospital of the same consortium, discharged on ${request.admissionDate} or the day before, and take place in area at a consortium hospital (${transfer.cite})`,
          [{ path: 'consortiumTransfer', message: 'no stay to continue' }],
        );
      }
      return {
        ordinal: continued.admissionOrdinal,
        waived: true,
        reason: zh('engine.reason.transfer', { consortium: hospital.consortium ?? '', settlementId: continued.settlementId, hospitalId: continued.hospitalId }),
      };
    }
  }
  book.deltas.admissions = 1;
  return { ordinal: admissions + 1, waived: false, reason: zh('engine.reason.admission', { n: admissions + 1 }) };
}

/** policies.md jinjiang-2018 "Admissions" (decision): the stay a consortium transfer continues, if any. */
function continuedStay(facts: Facts, stays: readonly PreviousStay[]): PreviousStay | null {
  const { request, hospital } = facts;
  if (!facts.inArea || !hospital.consortium) return null;
  const dayBefore = dateOfDayNumber(dayNumber(request.admissionDate) - 1);
  return (
    stays.find(
      (stay) =>
        stay.hospitalId !== hospital.hospitalId && stay.consortium === hospital.consortium && (stay.dischargeDate === request.admissionDate || stay.dischargeDate === dayBefore),
    ) ?? null
  );
}

export interface DeductibleOutcome {
  applied: Money;
  text: string;
  cite: string;
}

/**
 * The deductible a layer takes from `eligible`: the amount (looked up, or the
 * formula), its ordinal rule, floor, readmission window and yearly cap.
 */
export function deductibleOf(
  facts: Facts,
  rule: DeductibleRule,
  adjust: ((computed: Money) => Money | null) | null,
  admission: AdmissionTerms,
  amounts: { total: Money; policyScope: Money; eligible: Money },
  book: LedgerBook,
  previousStays: readonly PreviousStay[],
  fallbackCite: string,
): DeductibleOutcome {
  let cite = rule.cite ?? fallbackCite;
  let amount = ZERO;
  let what = zh('engine.deductible.amount', { amount: '0.00' });
  if (rule.amount !== undefined) {
    const looked = lookup(facts, rule.amount, cite);
    amount = looked.value;
    cite = rule.cite ?? looked.cite;
    what = typeof rule.amount === 'string' ? zh('engine.deductible.amount', { amount: formatMoney(amount) }) : zh('engine.deductible.lookup', { label: looked.label });
  } else if (rule.formula) {
    const { share, of, min, max } = rule.formula;
    amount = round2((of === 'total' ? amounts.total : amounts.policyScope).times(share));
    if (min) amount = maxMoney(amount, min);
    if (max) amount = minMoney(amount, max);
    what = zh('engine.deductible.formula', {
      share: share.toString(),
      of: word(of),
      min: min ? `，不低于 ${formatMoney(min)}` : '',
      max: max ? `，不超过 ${formatMoney(max)}` : '',
    });
  }
  // Adjustments act on what the rule computed (a fixed amount or a formula), not on 0.
  if (adjust !== null) amount = adjust(amount) ?? amount;

  let factor = ONE;
  let reason = admission.reason;
  if (admission.waived) factor = ZERO;
  else if (admission.ordinal !== null && rule.byAdmission) {
    const factors = rule.byAdmission;
    if (rule.chained) {
      // n-th admission: the product of the factors of admissions 2 … n (the last factor repeats).
      for (let k = 2; k <= admission.ordinal; k += 1) factor = factor.times(factors[Math.min(k, factors.length) - 1]!);
    } else factor = factors[Math.min(admission.ordinal, factors.length) - 1]!;
  }
  let base = amount;
  if (rule.subtractPerAdmission && admission.ordinal !== null && admission.ordinal > 1) {
    base = maxMoney(ZERO, base.minus(rule.subtractPerAdmission.times(admission.ordinal - 1)));
    reason += zh('engine.reason.subtract', { amount: formatMoney(rule.subtractPerAdmission) });
  }
  let due = round2(base.times(factor));
  if (rule.floor !== undefined && !factor.isZero() && amount.gt(0)) {
    const floor = lookup(facts, rule.floor, cite).value;
    if (due.lt(floor)) {
      due = minMoney(floor, amount);
      reason += zh('engine.reason.floor', { floor: formatMoney(floor) });
    }
  }
  if (rule.readmissionWithinDays !== undefined && !due.isZero()) {
    const admitted = dayNumber(facts.request.admissionDate);
    const recent = previousStays.find((stay) => {
      const gap = admitted - dayNumber(stay.dischargeDate);
      return gap >= 0 && gap <= rule.readmissionWithinDays!;
    });
    if (recent) {
      due = ZERO;
      reason += zh('engine.reason.readmission', { days: rule.readmissionWithinDays, settlementId: recent.settlementId });
    }
  }
  if (rule.yearCap) {
    const cap = lookup(facts, rule.yearCap.amount, cite).value;
    const room = headroom(cap, book.current(rule.yearCap.ledger));
    if (due.gt(room)) {
      due = room;
      reason += zh('engine.reason.yearCap', { cap: formatMoney(cap) });
    }
  }
  const applied = minMoney(due, amounts.eligible);
  return { applied, text: zh('engine.deductible', { what, factor: factor.toString(), reason }), cite };
}
