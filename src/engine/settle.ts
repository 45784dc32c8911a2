/**
 * Settles one stay or visit: selects the policy, checks eligibility, and
 * computes every fund line with its explanation. Pure: no I/O, no clock, no
 * randomness; refusals come back as typed values, never as exceptions.
 */
import { ZERO, formatMoney } from '../domain/money.js';
import type { IsoDate } from '../domain/dates.js';
import { FUNDS, isItemised, type Charges, type FeeLine, type Fund } from '../domain/types.js';
import type { StayDates } from '../policy/catalog.js';
import type { Policy } from '../policy/schema.js';
import type { Money } from '../domain/money.js';
import { checkEligibility, visitTypeRuleOf } from './eligibility.js';
import { Explanation, Refused, en, zh } from './explanation.js';
import { admissionTerms } from './admission.js';
import { deriveDimensions, holds, type Facts } from './facts.js';
import { classifyFeeLines, type FeeLineClassification } from './fee-lines.js';
import { runPipeline } from './layers.js';
import { LedgerBook } from './ledgers.js';
import { coveringFiling } from './referral.js';
import type { EngineInput, EngineOutcome, Refusal, SettlementComputation } from './types.js';

/** Each fund's place in the fixed order of the answer's lines. */
const FUND_ORDER = Object.fromEntries(FUNDS.map((fund, i) => [fund, i])) as Record<Fund, number>;

/** a − b, keeping a when b is 0 (the same value without a new decimal). */
function less(a: Money, b: Money): Money {
  return b.isZero() ? a : a.minus(b);
}

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
  const policyScope = less(less(less(total, fullSelfPay), overLimitSelfPay), preSelfPay);
  if (policyScope.isNegative()) {
    throw new Refused('VALIDATION_FAILED', 'fullSelfPay + overLimitSelfPay + preSelfPay exceed the total', [
      { path: 'charges', message: 'the policy-scope amount total − fullSelfPay − overLimitSelfPay − preSelfPay must not be negative' },
    ]);
  }

  explanation.step('policy-scope', zh('engine.policyScope'), policyScope, rule.cite);

  let inArea = false;
  for (const prefix of policy.area.admdvsPrefixes) if (hospital.admdvs.startsWith(prefix)) inArea = true;
  const facts: Facts = {
    policy,
    request,
    hospital,
    enrollee,
    inArea,
    filing: null,
    date: policy.attribution.rule === 'discharge-date' ? request.dischargeDate : request.admissionDate,
    dims: {},
    dimLabels: [],
    assumed: [],
  };
  if (!inArea) facts.filing = coveringFiling(input.filings, request, explanation);
  deriveDimensions(facts);
  explainClasses(facts, explanation);

  // Refusals the policy states (an out-of-area stay without a filing …), in file order.
  for (const refusal of policy.refusals) {
    if (holds(refusal.when, facts)) throw new Refused(refusal.code, `${refusal.message} (${refusal.cite})`);
  }

  const previousStays = input.previousStays ?? [];
  const book = new LedgerBook(policy, acc, request.visitType, request);
  const admission = admissionTerms(facts, rule, book, previousStays, explanation);
  const result = runPipeline(
    { facts, rule, book, admission, previousStays, previousYear: input.previousYearAccumulators ?? null, total, policyScope, overExpenseCap: { value: ZERO } },
    explanation,
  );
  for (const assumed of facts.assumed) {
    const params = { policy: policy.id, path: assumed.path, value: assumed.value, cite: assumed.cite };
    explanation.note(en('engine.note.assumed', params), zh('engine.note.assumed', params));
  }

  // Report lines in the fixed fund order; the patient pays the rest, to the fen.
  const payments: Partial<Record<Fund, Money>> = {};
  let fundTotal = ZERO;
  for (const fund of FUNDS) {
    const amount = result.payments[fund];
    if (amount === undefined) continue;
    payments[fund] = amount;
    if (!amount.isZero()) fundTotal = fundTotal.isZero() ? amount : fundTotal.plus(amount);
  }
  explanation.lines.sort((a, b) => FUND_ORDER[a.fund] - FUND_ORDER[b.fund]);

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
    patientTotal: less(less(total, fundTotal), result.hospitalBorne),
    hospitalBorne: result.hospitalBorne,
    admissionOrdinal: admission.ordinal,
    referralId: inArea ? null : (facts.filing?.referralId ?? null),
    steps: explanation.steps,
    deltas: book.deltas,
    notes: explanation.notes,
    notesZh: explanation.notesZh,
    assumed: facts.assumed,
  };
}

/** The hospital's classes under the policy (its dimensions), with the cases and shifts that applied. */
function explainClasses(facts: Facts, explanation: Explanation): void {
  let text = '';
  let cite = '';
  for (const name in facts.dims) {
    text += `${text ? '，' : ''}${facts.policy.dimensions[name]!.label ?? name} ${facts.dims[name]}`;
    cite ||= facts.policy.dimensions[name]!.cite;
  }
  if (!text) return;
  explanation.step('tier', zh('engine.classes', { classes: text, shifts: facts.dimLabels.length ? `（${facts.dimLabels.join('；')}）` : '' }), null, cite);
}

/**
 * The four amounts the rules start from: as sent, or derived by classifying
 * the bill's lines against the policy's catalogue (a step cites it).
 */
function chargesOf(input: EngineInput, policy: Policy, explanation: Explanation): { charges: Charges; itemised: FeeLineClassification | null } {
  const { request } = input;
  if (!isItemised(request.charges)) return { charges: request.charges, itemised: null };
  const classification = classifyAgainstPolicy(input.catalogues, policy, request.charges.lines, request.dischargeDate);
  const c = classification.charges;
  const lineCount = classification.lines.length;
  explanation.step(
    'fee-lines',
    zh('engine.feeLines', {
      count: lineCount,
      catalogue: classification.catalogueId,
      full: formatMoney(c.fullSelfPay),
      over: formatMoney(c.overLimitSelfPay),
      pre: formatMoney(c.preSelfPay),
    }),
    c.total,
    policy.catalogue.cite,
  );
  if (policy.catalogue.assumed && classification.levelBUsed) {
    const params = { catalogue: classification.catalogueId, preSelfPay: formatMoney(c.preSelfPay) };
    explanation.note(en('engine.note.catalogueAssumed', params), zh('engine.note.catalogueAssumed', params));
  }
  return { charges: c, itemised: classification };
}

/** The lines classified against the catalogue the policy names, or CATALOGUE_CODE_UNKNOWN. */
function classifyAgainstPolicy(catalogues: EngineInput['catalogues'], policy: Policy, lines: readonly FeeLine[], dischargeDate: IsoDate): FeeLineClassification {
  const catalogue = catalogues?.get(policy.catalogue.id);
  // The server does not start without every catalogue a policy names.
  if (!catalogue) throw new Error(`catalogue ${policy.catalogue.id} named by ${policy.id} is not loaded`);
  const outcome = classifyFeeLines(lines, catalogue, dischargeDate);
  if (!outcome.ok) {
    const count = outcome.details.length;
    throw new Refused(
      'CATALOGUE_CODE_UNKNOWN',
      `${count} fee line${count === 1 ? '' : 's'} name${count === 1 ? 's' : ''} a code that catalogue ${catalogue.id} does not hold on that date; nothing was recorded`,
      outcome.details,
    );
  }
  return outcome.classification;
}

export type StayLinesOutcome = { ok: true; policyId: string; classification: FeeLineClassification } | { ok: false; refusal: Refusal };

/**
 * Fee lines of a stay not settled yet (the national platform's 2301 answers
 * each line at upload): classified against the catalogue of the policy that
 * governs the stay, chosen as a settlement would choose it.
 */
export function classifyStayLines(input: {
  catalog: EngineInput['catalog'];
  catalogues: EngineInput['catalogues'];
  region: string;
  stay: StayDates;
  lines: readonly FeeLine[];
}): StayLinesOutcome {
  try {
    const selection = input.catalog.select(input.region, input.stay);
    if (!selection.ok) throw new Refused(selection.code, selection.message);
    return { ok: true, policyId: selection.policy.id, classification: classifyAgainstPolicy(input.catalogues, selection.policy, input.lines, input.stay.dischargeDate) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, refusal: { code: error.code, message: error.message, details: error.details } };
    throw error;
  }
}
