/**
 * Settles one stay or visit: selects the policy, checks eligibility, and
 * computes every fund line with its explanation. Pure: no I/O, no clock, no
 * randomness; refusals come back as typed values, never as exceptions.
 */
import { ZERO, formatMoney } from '../domain/money.js';
import { FUNDS, isItemised, type Charges, type Fund } from '../domain/types.js';
import type { Policy } from '../policy/schema.js';
import type { Money } from '../domain/money.js';
import { checkEligibility, visitTypeRuleOf } from './eligibility.js';
import { Explanation, Refused } from './explanation.js';
import { standingOf } from './hospital.js';
import { settleLumpSum } from './lump-sum.js';
import { settleOutpatient } from './outpatient.js';
import { classifyFeeLines, type FeeLineClassification } from './fee-lines.js';
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

  const explanation = new Explanation(`${policy.id}/${request.visitType}`);
  const { charges, itemised } = chargesOf(input, policy, explanation);
  const { total, fullSelfPay, overLimitSelfPay, preSelfPay } = charges;
  const policyScope = total.minus(fullSelfPay).minus(overLimitSelfPay).minus(preSelfPay);
  if (policyScope.isNegative()) {
    throw new Refused('VALIDATION_FAILED', 'fullSelfPay + overLimitSelfPay + preSelfPay exceed the total', [
      { path: 'charges', message: 'the policy-scope amount total − fullSelfPay − overLimitSelfPay − preSelfPay must not be negative' },
    ]);
  }

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
    charges,
    itemised,
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

/**
 * The four amounts the rules start from: as sent, or derived by classifying
 * the bill's lines against the policy's catalogue (a step cites it).
 */
function chargesOf(input: EngineInput, policy: Policy, explanation: Explanation): { charges: Charges; itemised: FeeLineClassification | null } {
  const { request } = input;
  if (!isItemised(request.charges)) return { charges: request.charges, itemised: null };
  const catalogue = input.catalogues?.get(policy.catalogue.id);
  // The server does not start without every catalogue a policy names.
  if (!catalogue) throw new Error(`catalogue ${policy.catalogue.id} named by ${policy.id} is not loaded`);
  const outcome = classifyFeeLines(request.charges.lines, catalogue, request.dischargeDate);
  if (!outcome.ok) {
    const count = outcome.details.length;
    throw new Refused(
      'CATALOGUE_CODE_UNKNOWN',
      `${count} fee line${count === 1 ? '' : 's'} name${count === 1 ? 's' : ''} a code that catalogue ${catalogue.id} does not hold on that date; nothing was recorded`,
      outcome.details,
    );
  }
  const { classification } = outcome;
  const c = classification.charges;
  const lineCount = classification.lines.length;
  explanation.step(
    'fee-lines',
    `${lineCount} fee line${lineCount === 1 ? '' : 's'} classified against catalogue ${catalogue.id}: 丙 items → fullSelfPay ${formatMoney(c.fullSelfPay)}, ` +
      `above price ceilings → overLimitSelfPay ${formatMoney(c.overLimitSelfPay)}, 乙 self-pay shares → preSelfPay ${formatMoney(c.preSelfPay)}`,
    c.total,
    policy.catalogue.cite,
  );
  if (policy.catalogue.assumed && classification.levelBUsed) {
    explanation.note(
      `the 乙 self-pay ratios of catalogue ${catalogue.id} are assumed (an illustrative catalogue, not the province's): preSelfPay ${formatMoney(c.preSelfPay)} rests on them`,
    );
  }
  return { charges: c, itemised: classification };
}
