/**
 * Out-of-area stays (Pingyang 三(一)1 rate penalty; Jinjiang 七(三) 80% with a
 * filing or an emergency; Taiyuan 异地就医备案): which filing covers the stay
 * and what being out of area does to the rate or the payment.
 */
import type { Money } from '../domain/money.js';
import { Decimal, ZERO, maxMoney } from '../domain/money.js';
import { filingCoversStay, findCoveringFiling, whyFilingDoesNotCover } from '../domain/filings.js';
import type { Filing, SettlementRequest } from '../domain/types.js';
import type { Policy } from '../policy/schema.js';
import { Refused, type Explanation } from './explanation.js';

const ONE = new Decimal(1);

/** The active filing that covers this stay; a named referralId is the only one considered. */
export function coveringFiling(filings: readonly Filing[], request: SettlementRequest, explanation: Explanation): Filing | null {
  if (request.referralId == null) return findCoveringFiling(filings, request.hospitalId, request.dischargeDate);
  const named = filings.find((filing) => filing.referralId === request.referralId);
  if (!named) {
    explanation.note(`referral ${request.referralId} is not a filing of this person; the stay is settled as unfiled`);
    return null;
  }
  if (filingCoversStay(named, request.hospitalId, request.dischargeDate)) return named;
  explanation.note(`${whyFilingDoesNotCover(named, request.hospitalId, request.dischargeDate)}; the stay is settled as unfiled`);
  return null;
}

export interface OutOfAreaTerms {
  /** The rate after any penalty. */
  rate: Money;
  /** Multiplies the basic payment (Jinjiang 80%). */
  paymentFactor: Money;
}

export function outOfAreaTerms(
  policy: Policy,
  inArea: boolean,
  rate: Money,
  filing: Filing | null,
  emergency: boolean,
  explanation: Explanation,
): OutOfAreaTerms {
  if (inArea) return { rate, paymentFactor: ONE };
  const rule = policy.outOfArea;
  if (filing) {
    explanation.step('out-of-area', `out of area with ${filing.kind} filing ${filing.referralId}: payment × ${rule.filedPaymentFactor.toString()}`, null, rule.cite);
    return { rate, paymentFactor: rule.filedPaymentFactor };
  }
  if (emergency && rule.emergencyCountsAsFiled) {
    explanation.step('out-of-area', `out-of-area emergency: payment × ${rule.filedPaymentFactor.toString()}`, null, rule.cite);
    return { rate, paymentFactor: rule.filedPaymentFactor };
  }
  if (rule.unfiled.action === 'refuse') {
    throw new Refused('REFERRAL_REQUIRED', `an out-of-area stay needs an active referral filing${rule.emergencyCountsAsFiled ? ' or an emergency' : ''} (${rule.cite})`);
  }
  const penalised = maxMoney(ZERO, rate.minus(rule.unfiled.ratePenalty));
  explanation.step(
    'referral-penalty',
    `out of area without a referral filing: rate ${rate.toString()} − ${rule.unfiled.ratePenalty.toString()} = ${penalised.toString()}`,
    null,
    rule.cite,
  );
  return { rate: penalised, paymentFactor: ONE };
}
