/**
 * The replay's figures, in integer fen as numbers (exact up to 2^53 fen, some
 * 90 trillion yuan; the report checks every sum is a safe integer), summed
 * without a decimal or BigInt per addition, kept per worker and merged. Bounded whatever
 * the year's size: lists are capped (their full counts kept), groups are
 * keyed by a few dozen regions, classes, visit types and categories.
 */
import { fenOfText } from '../domain/money.js';

/** Integer fen of a wire amount with two decimals ("-1234.50"), as a number; any other form goes the exact way. */
export function fenOf(text: string): number {
  const dot = text.length - 3;
  if (text.charCodeAt(dot) !== 46) return Number(fenOfText(text));
  return Number(text.slice(0, dot) + text.slice(dot + 1));
}

export const DIMENSIONS = ['region', 'hospitalClass', 'visitType', 'personCategory'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const SCENARIOS = ['baseline', 'draft'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** At most this many mismatches, refusal examples and stays without inputs are listed (all are counted). */
export const LISTED = 1000;
export const EXAMPLES_PER_REASON = 20;
export const LARGEST = 20;
/** Upper edges of the per-person change histogram, in yuan; symmetric around "unchanged". */
export const HISTOGRAM_EDGES_YUAN = [10, 50, 100, 200, 500, 1000, 2000, 5000] as const;

export interface Figures {
  funds: Record<string, number>;
  fundTotal: number;
  patient: number;
  total: number;
}

export interface RefusalTally {
  count: number;
  total: number;
  message: string;
  examples: string[];
}

export interface ScenarioTally {
  figures: Figures;
  settled: number;
  refused: number;
  refusedByReason: Record<string, RefusalTally>;
}

export interface GroupTally {
  settlements: number;
  baseline: Figures;
  draft: Figures;
}

export interface Mismatch {
  settlementId: string;
  card: string;
  fund: string;
  given: string;
  replayed: string;
  /** Why, where it can be told (e.g. the year-to-date differed: an earlier stay was reversed after this one). */
  reason: string;
}

export interface PersonChange {
  card: string;
  region: string;
  stays: number;
  baselinePatient: number;
  draftPatient: number;
  change: number;
  baselineFund: number;
  draftFund: number;
}

export interface Tally {
  read: number;
  reversed: number;
  replayed: number;
  withoutInputs: number;
  withoutInputsListed: string[];
  matched: number;
  mismatchCount: number;
  mismatches: Mismatch[];
  /** The answers as given (of the replayed stays): the year as recorded. */
  given: Figures;
  baseline: ScenarioTally;
  draft: ScenarioTally;
  groups: Record<Dimension, Record<string, GroupTally>>;
  persons: { count: number; rises: number; falls: number; same: number };
  histogram: number[];
  largest: PersonChange[];
}

export function emptyFigures(): Figures {
  return { funds: {}, fundTotal: 0, patient: 0, total: 0 };
}

function emptyScenario(): ScenarioTally {
  return { figures: emptyFigures(), settled: 0, refused: 0, refusedByReason: {} };
}

export function emptyTally(): Tally {
  return {
    read: 0,
    reversed: 0,
    replayed: 0,
    withoutInputs: 0,
    withoutInputsListed: [],
    matched: 0,
    mismatchCount: 0,
    mismatches: [],
    given: emptyFigures(),
    baseline: emptyScenario(),
    draft: emptyScenario(),
    groups: { region: {}, hospitalClass: {}, visitType: {}, personCategory: {} },
    persons: { count: 0, rises: 0, falls: 0, same: 0 },
    histogram: new Array<number>(HISTOGRAM_BINS).fill(0),
    largest: [],
  };
}

/** Adds a settlement's wire amounts (payments by fund, patient, total) to `into`. */
export function addAmounts(into: Figures, payments: Record<string, string>, patientTotal: string, total: string): void {
  for (const [fund, amount] of Object.entries(payments)) {
    const fen = fenOf(amount);
    into.funds[fund] = (into.funds[fund] ?? 0) + fen;
    into.fundTotal += fen;
  }
  into.patient += fenOf(patientTotal);
  into.total += fenOf(total);
}

/** One settlement's amounts in fen, read once and added to every group it counts in. */
export interface AmountsFen {
  funds: [fund: string, fen: number][];
  fundTotal: number;
  patient: number;
  total: number;
}

export function amountsFen(payments: Record<string, string>, patientTotal: string, total: string): AmountsFen {
  const funds: [string, number][] = [];
  let fundTotal = 0;
  for (const fund in payments) {
    const fen = fenOf(payments[fund]!);
    funds.push([fund, fen]);
    fundTotal += fen;
  }
  return { funds, fundTotal, patient: fenOf(patientTotal), total: fenOf(total) };
}

export function addFen(into: Figures, amounts: AmountsFen): void {
  for (const [fund, fen] of amounts.funds) into.funds[fund] = (into.funds[fund] ?? 0) + fen;
  into.fundTotal += amounts.fundTotal;
  into.patient += amounts.patient;
  into.total += amounts.total;
}

export function addFigures(into: Figures, from: Figures): void {
  for (const [fund, fen] of Object.entries(from.funds)) into.funds[fund] = (into.funds[fund] ?? 0) + fen;
  into.fundTotal += from.fundTotal;
  into.patient += from.patient;
  into.total += from.total;
}

export function noteRefusal(scenario: ScenarioTally, code: string, message: string, settlementId: string, total: string | number): void {
  scenario.refused++;
  const reason = (scenario.refusedByReason[code] ??= { count: 0, total: 0, message, examples: [] });
  reason.count++;
  reason.total += typeof total === 'number' ? total : fenOf(total);
  if (reason.examples.length < EXAMPLES_PER_REASON) reason.examples.push(settlementId);
}

export function groupOf(tally: Tally, dimension: Dimension, key: string): GroupTally {
  return (tally.groups[dimension][key] ??= { settlements: 0, baseline: emptyFigures(), draft: emptyFigures() });
}

/** Magnitude classes: up to each edge, and above the last; below zero, "unchanged", above zero. */
export const HISTOGRAM_BINS = (HISTOGRAM_EDGES_YUAN.length + 1) * 2 + 1;

/** The histogram bin of a change in fen: bins below zero (the largest decrease first), "unchanged", bins above. */
export function histogramBin(change: number): number {
  const middle = HISTOGRAM_EDGES_YUAN.length + 1;
  if (change === 0) return middle;
  const magnitude = change < 0 ? -change : change;
  let index = HISTOGRAM_EDGES_YUAN.findIndex((edge) => magnitude <= edge * 100);
  if (index < 0) index = HISTOGRAM_EDGES_YUAN.length;
  return change < 0 ? middle - 1 - index : middle + 1 + index;
}

export function notePerson(tally: Tally, person: PersonChange): void {
  tally.persons.count++;
  if (person.change > 0) tally.persons.rises++;
  else if (person.change < 0) tally.persons.falls++;
  else tally.persons.same++;
  tally.histogram[histogramBin(person.change)]!++;
  keepLargest(tally.largest, person);
}

const magnitude = (p: PersonChange) => (p.change < 0 ? -p.change : p.change);

function keepLargest(list: PersonChange[], person: PersonChange): void {
  if (person.change === 0) return;
  if (list.length === LARGEST && magnitude(person) <= magnitude(list[LARGEST - 1]!)) return;
  list.push(person);
  list.sort((a, b) => (magnitude(b) > magnitude(a) ? 1 : magnitude(b) < magnitude(a) ? -1 : a.card < b.card ? -1 : 1));
  if (list.length > LARGEST) list.length = LARGEST;
}

function mergeScenario(into: ScenarioTally, from: ScenarioTally): void {
  addFigures(into.figures, from.figures);
  into.settled += from.settled;
  into.refused += from.refused;
  for (const [code, reason] of Object.entries(from.refusedByReason)) {
    const mine = (into.refusedByReason[code] ??= { count: 0, total: 0, message: reason.message, examples: [] });
    mine.count += reason.count;
    mine.total += reason.total;
    mine.examples.push(...reason.examples.slice(0, EXAMPLES_PER_REASON - mine.examples.length));
  }
}

/** `from` (a worker's tally) into `into`. */
export function mergeTally(into: Tally, from: Tally): void {
  into.read += from.read;
  into.reversed += from.reversed;
  into.replayed += from.replayed;
  into.withoutInputs += from.withoutInputs;
  into.withoutInputsListed.push(...from.withoutInputsListed.slice(0, LISTED - into.withoutInputsListed.length));
  into.matched += from.matched;
  into.mismatchCount += from.mismatchCount;
  into.mismatches.push(...from.mismatches.slice(0, LISTED - into.mismatches.length));
  addFigures(into.given, from.given);
  mergeScenario(into.baseline, from.baseline);
  mergeScenario(into.draft, from.draft);
  for (const dimension of DIMENSIONS) {
    for (const [key, group] of Object.entries(from.groups[dimension])) {
      const mine = groupOf(into, dimension, key);
      mine.settlements += group.settlements;
      addFigures(mine.baseline, group.baseline);
      addFigures(mine.draft, group.draft);
    }
  }
  into.persons.count += from.persons.count;
  into.persons.rises += from.persons.rises;
  into.persons.falls += from.persons.falls;
  into.persons.same += from.persons.same;
  from.histogram.forEach((n, i) => (into.histogram[i]! += n));
  for (const person of from.largest) keepLargest(into.largest, person);
}
