/**
 * One person's year settled again, twice from zero year-to-date: under the
 * policies in force (the baseline, which must give every answer as given) and
 * under the draft. Reversed settlements are dropped; the rest go in their
 * original order. A stay the engine refuses pays nothing from the funds: the
 * person bears its whole total (what refusing it would mean at the window).
 */
import { accumulatorsView } from '../domain/accumulators.js';
import type { Accumulators } from '../domain/types.js';
import { formatMoney } from '../domain/money.js';
import type { SettlementInputs } from '../service/settlement-inputs.js';
import { freshYearToDate, replayStay, type LoadedPolicies, type ReplayOutcome } from './engine-adapter.js';
import { LISTED, addFen, amountsFen, fenOf, groupOf, notePerson, noteRefusal, type AmountsFen, type Dimension, type ScenarioTally, type Tally } from './tally.js';

/** The answer as given: the parts of the stored response the replay compares. */
export interface GivenAnswer {
  payments: Record<string, string>;
  fundTotal: string;
  patientTotal: string;
  total: string;
  accumulatorsBefore: ReturnType<typeof accumulatorsView>;
}

export interface RecordedSettlement {
  settlementId: string;
  card: string;
  reversed: boolean;
  given: GivenAnswer;
  /** Null for settlements recorded before inputs were kept. */
  inputs: SettlementInputs | null;
}

export interface Scenarios {
  baseline: LoadedPolicies;
  draft: LoadedPolicies;
}

const REASON_YEAR_TO_DATE = 'year-to-date';
const REASON_ENGINE = 'engine';

interface Answer {
  payments: Record<string, string>;
  fundTotal: string;
  patientTotal: string;
  /** The same in fen, read once: added to the scenario and to each of the stay's groups. */
  fen: AmountsFen;
  fundTotalFen: number;
}

function answerOf(outcome: ReplayOutcome, total: string): Answer {
  if (!outcome.ok) return { payments: {}, fundTotal: '0.00', patientTotal: total, fen: amountsFen({}, total, total), fundTotalFen: 0 };
  const c = outcome.computation;
  const payments: Record<string, string> = {};
  for (const [fund, amount] of Object.entries(c.payments)) payments[fund] = formatMoney(amount!);
  const patientTotal = formatMoney(c.patientTotal);
  const fundTotal = formatMoney(c.fundTotal);
  return { payments, fundTotal, patientTotal, fen: amountsFen(payments, patientTotal, total), fundTotalFen: fenOf(fundTotal) };
}

function compare(tally: Tally, stay: RecordedSettlement, outcome: ReplayOutcome, answer: Answer, before: Accumulators): void {
  const { given } = stay;
  // Built only for a stay that differs: nearly every stay of a baseline matches.
  let differences: { fund: string; given: string; replayed: string }[] | null = null;
  if (!outcome.ok) differences = [{ fund: 'refused', given: given.fundTotal, replayed: `${outcome.code}: ${outcome.message}` }];
  else {
    // The given funds in their order, then the replayed ones the answer did not name.
    for (const fund in given.payments) {
      if (given.payments[fund] !== answer.payments[fund]) (differences ??= []).push({ fund, given: given.payments[fund] ?? 'none', replayed: answer.payments[fund] ?? 'none' });
    }
    for (const fund in answer.payments) {
      if (!Object.hasOwn(given.payments, fund)) (differences ??= []).push({ fund, given: 'none', replayed: answer.payments[fund] ?? 'none' });
    }
    if (given.patientTotal !== answer.patientTotal) (differences ??= []).push({ fund: 'patient', given: given.patientTotal, replayed: answer.patientTotal });
  }
  if (differences === null) {
    tally.matched++;
    return;
  }
  tally.mismatchCount++;
  // Formatted only here: a year that matches never pays for it.
  const reason = JSON.stringify(accumulatorsView(before)) === JSON.stringify(given.accumulatorsBefore) ? REASON_ENGINE : REASON_YEAR_TO_DATE;
  for (const difference of differences) {
    if (tally.mismatches.length < LISTED) tally.mismatches.push({ settlementId: stay.settlementId, card: stay.card, ...difference, reason });
  }
}

function noteScenario(scenario: ScenarioTally, outcome: ReplayOutcome, answer: Answer, settlementId: string): void {
  if (outcome.ok) scenario.settled++;
  else noteRefusal(scenario, outcome.code, outcome.message, settlementId, answer.fen.total);
  addFen(scenario.figures, answer.fen);
}

function inGroup(tally: Tally, dimension: Dimension, key: string, baseline: Answer, draft: Answer): void {
  const group = groupOf(tally, dimension, key);
  group.settlements++;
  addFen(group.baseline, baseline.fen);
  addFen(group.draft, draft.fen);
}

/** Replays one person's settlements of the year (all of them, in their original order) into `tally`. */
export function replayPerson(settlements: readonly RecordedSettlement[], scenarios: Scenarios, tally: Tally): void {
  tally.read += settlements.length;
  const live = settlements.filter((s) => !s.reversed);
  tally.reversed += settlements.length - live.length;
  if (live.length === 0) return;
  if (live.some((s) => s.inputs === null)) {
    // Without every stay's inputs the person's year-to-date cannot be rebuilt: left out, counted and listed.
    tally.withoutInputs += live.length;
    for (const s of live) if (s.inputs === null && tally.withoutInputsListed.length < LISTED) tally.withoutInputsListed.push(s.settlementId);
    return;
  }
  const baselineYtd = freshYearToDate();
  const draftYtd = freshYearToDate();
  let baselinePatient = 0;
  let draftPatient = 0;
  let baselineFund = 0;
  let draftFund = 0;
  const region = live[0]!.inputs!.enrollee.region;
  for (const stay of live) {
    const inputs = stay.inputs!;
    const total = stay.given.total;
    tally.replayed++;
    addFen(tally.given, amountsFen(stay.given.payments, stay.given.patientTotal, total));

    // applyDeltas makes a new object: this one stays as it was before the stay.
    const before = baselineYtd.accumulators;
    const baseline = replayStay(scenarios.baseline, inputs, stay.settlementId, baselineYtd);
    const draft = replayStay(scenarios.draft, inputs, stay.settlementId, draftYtd);
    const baselineAnswer = answerOf(baseline, total);
    const draftAnswer = answerOf(draft, total);
    compare(tally, stay, baseline, baselineAnswer, before);

    noteScenario(tally.baseline, baseline, baselineAnswer, stay.settlementId);
    noteScenario(tally.draft, draft, draftAnswer, stay.settlementId);
    const { enrollee, hospital, request } = inputs;
    inGroup(tally, 'region', enrollee.region, baselineAnswer, draftAnswer);
    inGroup(tally, 'hospitalClass', String(hospital.level), baselineAnswer, draftAnswer);
    inGroup(tally, 'visitType', request.visitType, baselineAnswer, draftAnswer);
    if (enrollee.categories.length === 0) inGroup(tally, 'personCategory', 'none', baselineAnswer, draftAnswer);
    for (const category of enrollee.categories) inGroup(tally, 'personCategory', category, baselineAnswer, draftAnswer);
    baselinePatient += baselineAnswer.fen.patient;
    draftPatient += draftAnswer.fen.patient;
    baselineFund += baselineAnswer.fundTotalFen;
    draftFund += draftAnswer.fundTotalFen;
  }
  notePerson(tally, { card: live[0]!.card, region, stays: live.length, baselinePatient, draftPatient, change: draftPatient - baselinePatient, baselineFund, draftFund });
}
