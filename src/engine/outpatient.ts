/**
 * Ordinary outpatient pool (Pingyang 三(一)5): no deductible, no critical
 * illness; rate by the hospital's tier and referral from primary care; at most
 * 800 a year.
 */
import type { Money } from '../domain/money.js';
import { ZERO, formatMoney, headroom, minMoney, round2 } from '../domain/money.js';
import { zeroDeltas } from '../domain/accumulators.js';
import type { Accumulators, SettlementRequest } from '../domain/types.js';
import type { Policy } from '../policy/schema.js';
import type { Explanation } from './explanation.js';
import type { HospitalStanding } from './hospital.js';
import type { StayResult } from './stay.js';

export function settleOutpatient(
  policy: Policy,
  request: SettlementRequest,
  standing: HospitalStanding,
  acc: Accumulators,
  policyScope: Money,
  explanation: Explanation,
): StayResult {
  const pool = policy.outpatientPool!;
  const rateRule = pool.rates[standing.tierKey]!;
  const referred = request.referredFromPrimary === true && rateRule.referredFromPrimaryRate !== undefined;
  const rate = referred ? rateRule.referredFromPrimaryRate! : rateRule.rate;
  const raw = round2(policyScope.times(rate));
  explanation.step('rate', `${standing.tier.label} outpatient rate ${rate.toString()}${referred ? ' (referred from primary care)' : ''}`, raw, rateRule.cite);
  if (rate.isZero() && rateRule.decision) explanation.note(`outpatient pool pays nothing at this hospital: ${rateRule.decision}`);

  const basic = minMoney(raw, headroom(pool.annualFundCap, acc.outpatientPaid));
  if (basic.lt(raw)) {
    explanation.step('annual-cap', `outpatient pool pays at most ${formatMoney(pool.annualFundCap)} a year (paid before: ${formatMoney(acc.outpatientPaid)})`, basic, pool.cite);
  }
  explanation.line('basic', basic, rateRule.cite, { rate, deductible: ZERO });
  const deltas = zeroDeltas();
  deltas.outpatientPaid = basic;
  return { payments: { basic }, admissionOrdinal: null, deltas, referralId: null };
}
