/**
 * Settles one stay or visit: selects the policy, checks eligibility, and
 * computes every fund line with its explanation. Pure: no I/O, no clock, no
 * randomness; refusals come back as typed values, never as exceptions.
 */
import { ZERO } from '../domain/money.js';
import { FUNDS, type Fund } from '../domain/types.js';
import type { Money } from '../domain/money.js';
import { checkEligibility, visitTypeRuleOf } from './eligibility.js';
import { Explanation, Refused } from './explanation.js';
import { standingOf } from './hospital.js';
import { settleLumpSum } from './lump-sum.js';
import { settleOutpatient } from './outpatient.js';
import { coveringFiling } from './referral.js';
import { settleStay, type StayResult } from './stay.js';
import type { EngineInput, EngineOutcome, SettlementComputation } from './types.js';

export function settle(input: EngineInput): EngineOutcome {
  try {
    return { ok: true, settlement: compute(input) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, refusal: { code: error.code, message: error.message, details: error.details } };
    throw error;
  }
}

function compute(input: EngineInput): SettlementComputation {
  const { catalog, request, hospital, enrollee, accumulators: acc } = input;
  const selection = catalog.select(enrollee.region, request);
  if (!selection.ok) throw new Refused(selection.code, selection.message);
  const { policy, benefitYear } = selection;
  if (benefitYear !== input.accumulatorsYear) {
    throw new Error(`accumulators of ${input.accumulatorsYear} given for a stay of benefit year ${benefitYear}`);
  }

  const rule = visitTypeRuleOf(policy, request);
  checkEligibility(policy, rule, request, enrollee);

  const { total, fullSelfPay, overLimitSelfPay, preSelfPay } = request.charges;
  const policyScope = total.minus(fullSelfPay).minus(overLimitSelfPay).minus(preSelfPay);
  if (policyScope.isNegative()) {
    throw new Refused('VALIDATION_FAILED', 'fullSelfPay + overLimitSelfPay + preSelfPay exceed the total', [
      { path: 'charges', message: 'the policy-scope amount total − fullSelfPay − overLimitSelfPay − preSelfPay must not be negative' },
    ]);
  }

  const explanation = new Explanation(`${policy.id}/${request.visitType}`);
  explanation.step('policy-scope', 'policy-scope amount = total − fullSelfPay − overLimitSelfPay − preSelfPay', policyScope, rule.cite);
  const standing = standingOf(policy, hospital);

  let result: StayResult;
  switch (rule.benefit) {
    case 'stay': {
      const filing = standing.inArea ? null : coveringFiling(input.filings, request, explanation);
      result = settleStay({ policy, rule, request, enrollee, hospital, standing, filing, acc, previousStays: input.previousStays ?? [], policyScope }, explanation);
      break;
    }
    case 'outpatient':
      result = settleOutpatient(policy, request, standing, acc, policyScope, explanation);
      break;
    case 'lump-sum':
      result = settleLumpSum(policy, request, policyScope, explanation);
      break;
  }

  // Report lines in the fixed fund order; the patient pays the rest, to the fen.
  const payments: Partial<Record<Fund, Money>> = {};
  let fundTotal = ZERO;
  for (const fund of FUNDS) {
    const amount = result.payments[fund];
    if (amount === undefined) continue;
    payments[fund] = amount;
    fundTotal = fundTotal.plus(amount);
  }
  explanation.lines.sort((a, b) => FUNDS.indexOf(a.fund) - FUNDS.indexOf(b.fund));

  return {
    policyId: policy.id,
    benefitYear,
    visitType: request.visitType,
    total,
    policyScope,
    payments,
    lines: explanation.lines,
    fundTotal,
    patientTotal: total.minus(fundTotal),
    admissionOrdinal: result.admissionOrdinal,
    referralId: result.referralId,
    steps: explanation.steps,
    deltas: result.deltas,
    notes: explanation.notes,
  };
}
