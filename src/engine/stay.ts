/**
 * A hospital stay, childbirth or emergency death settled as inpatient, and a
 * special-outpatient visit treated as one (Pingyang 三(一)1–3, 三(二);
 * Jinjiang 六(一)3, 六(一)6, 七(三), 六(二), 六(三); Taiyuan 三(一), 三(二)):
 * eligible expense under an expense cap → deductible → rate → fund-payment cap
 * → compliant self-burden → critical illness → local programmes.
 */
import type { Money } from '../domain/money.js';
import { formatMoney, headroom, minMoney, round2 } from '../domain/money.js';
import { zeroDeltas } from '../domain/accumulators.js';
import type { AccumulatorDeltas, Accumulators, Enrollee, Filing, Fund, Hospital, PreviousStay, SettlementRequest } from '../domain/types.js';
import type { Policy, VisitTypeRule } from '../policy/schema.js';
import { admissionTerms } from './admission.js';
import { criticalIllnessPayment } from './critical-illness.js';
import type { Explanation } from './explanation.js';
import type { HospitalStanding } from './hospital.js';
import { programmePayments } from './programmes.js';
import { outOfAreaTerms } from './referral.js';

export interface StayInput {
  policy: Policy;
  rule: VisitTypeRule;
  request: SettlementRequest;
  enrollee: Enrollee;
  hospital: Hospital;
  standing: HospitalStanding;
  filing: Filing | null;
  acc: Accumulators;
  previousStays: readonly PreviousStay[];
  policyScope: Money;
}

export interface StayResult {
  payments: Partial<Record<Fund, Money>>;
  admissionOrdinal: number | null;
  deltas: AccumulatorDeltas;
  referralId: string | null;
}

export function settleStay(input: StayInput, explanation: Explanation): StayResult {
  const { policy, rule, request, enrollee, hospital, standing, filing, acc, policyScope: S } = input;
  const { tier } = standing;
  const deltas = zeroDeltas();

  explanation.step(
    'tier',
    `${tier.label}${standing.shifts.length ? ` (${standing.shifts.join('; ')})` : ''}: deductible ${formatMoney(tier.deductible)}, rate ${tier.rate.toString()}`,
    null,
    tier.cite,
  );
  if (tier.assumed) explanation.note(`assumed parameters used: ${policy.id} tier "${standing.tierKey}" (deductible ${formatMoney(tier.deductible)}, rate ${tier.rate.toString()}) is not fixed by the notice (${tier.cite})`);

  const { rate, paymentFactor } = outOfAreaTerms(policy, standing.inArea, tier.rate, filing, request.emergency === true, explanation);
  const admission = admissionTerms(policy, rule, request, hospital, standing.inArea, acc, input.previousStays, explanation);
  deltas.admissions = admission.admissionsDelta;
  deltas.specialOutpatientCounted = admission.specialOutpatientDelta;

  // Expense cap (Pingyang 三(一)2): only policy-scope expense under the year's ceiling is eligible.
  let eligible = S;
  const cap = policy.annualCap;
  if (cap?.basis === 'eligible-expense') {
    eligible = minMoney(S, headroom(cap.amount, acc.basicEligible));
    deltas.basicEligible = eligible;
    explanation.step('eligible-expense', `policy-scope expense within the year's ${formatMoney(cap.amount)} ceiling (used before: ${formatMoney(acc.basicEligible)})`, eligible, cap.cite);
  }

  const deductible = minMoney(round2(tier.deductible.times(admission.deductibleFactor)), eligible);
  explanation.step('deductible', `${tier.label} deductible × ${admission.deductibleFactor.toString()} (${admission.reason})`, deductible, tier.cite);

  let basic = round2(eligible.minus(deductible).times(rate).times(paymentFactor));
  explanation.step(
    'rate',
    `(${formatMoney(eligible)} − ${formatMoney(deductible)}) × ${rate.toString()}${paymentFactor.eq(1) ? '' : ` × ${paymentFactor.toString()}`}`,
    basic,
    tier.cite,
  );
  if (cap?.basis === 'fund-payment') {
    const room = headroom(cap.amount, acc.basicPaid);
    if (basic.gt(room)) {
      basic = room;
      explanation.step('fund-cap', `basic fund pays at most ${formatMoney(cap.amount)} a year (paid before: ${formatMoney(acc.basicPaid)})`, basic, cap.cite);
    }
  }
  deltas.basicPaid = basic;
  explanation.line('basic', basic, tier.cite, { rate: rate.times(paymentFactor), deductible });

  const burden = S.minus(basic);
  deltas.compliantSelfBurden = burden;
  explanation.step('compliant-self-burden', 'policy-scope amount − basic', burden, policy.criticalIllness?.cite ?? tier.cite);

  const payments: Partial<Record<Fund, Money>> = { basic };
  const criticalIllness = criticalIllnessPayment(policy, acc, enrollee.categories, burden, explanation);
  let remaining = S.minus(basic);
  if (criticalIllness !== null) {
    payments.criticalIllness = criticalIllness;
    deltas.criticalIllnessPaid = criticalIllness;
    remaining = remaining.minus(criticalIllness);
  }

  if (policy.localProgrammes) {
    const programmes = programmePayments(policy, remaining, acc, { request, enrollee, hospital, inArea: standing.inArea, hasActiveFiling: filing !== null }, explanation);
    Object.assign(payments, programmes.payments);
    if (programmes.cappedPaid.retiredCadreSpousePaid) deltas.retiredCadreSpousePaid = programmes.cappedPaid.retiredCadreSpousePaid;
  }

  return {
    payments,
    admissionOrdinal: admission.ordinal,
    deltas,
    referralId: standing.inArea ? null : (filing?.referralId ?? null),
  };
}
