/** The what-if report as data (report.json): every figure a decimal string in yuan. */
import { textOfFen as textOfBigFen } from '../domain/money.js';
import { FUNDS } from '../domain/types.js';
import { DIMENSIONS, HISTOGRAM_EDGES_YUAN, type Dimension, type Figures, type ScenarioTally, type Tally } from './tally.js';

export interface FiguresView {
  funds: Record<string, string>;
  fundTotal: string;
  patient: string;
  total: string;
}

export interface ScenarioView extends FiguresView {
  policies: string[];
  directory: string;
  settled: number;
  refused: number;
  refusedByReason: Record<string, { count: number; total: string; message: string; examples: string[] }>;
}

export interface GroupView {
  settlements: number;
  baseline: FiguresView;
  draft: FiguresView;
  difference: FiguresView;
}

export interface WhatIfReport {
  year: number;
  source: string;
  generatedAt: string;
  /** Settlements read, reversed ones included. */
  settlements: number;
  reversed: number;
  replayed: number;
  withoutInputs: { count: number; listed: string[] };
  /** The year as recorded (the answers given) of the replayed settlements. */
  given: FiguresView;
  baseline: ScenarioView;
  draft: ScenarioView;
  difference: FiguresView;
  matched: number;
  mismatchCount: number;
  /** Listed up to a bound; mismatchCount counts them all. */
  mismatches: Tally['mismatches'];
  breakdowns: Record<Dimension, Record<string, GroupView>>;
  persons: Tally['persons'];
  histogram: { from: string | null; to: string | null; persons: number }[];
  largestChanges: { card: string; region: string; stays: number; baselinePatient: string; draftPatient: string; change: string; baselineFund: string; draftFund: string }[];
  seconds: number;
}

/** Wire text of a fen sum; a sum past 2^53 fen would no longer be exact, and is refused rather than printed. */
function textOfFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`a sum of ${fen} fen is past exact integer arithmetic`);
  return textOfBigFen(BigInt(fen));
}

const fundOrder = (a: string, b: string) => {
  const ia = FUNDS.indexOf(a as (typeof FUNDS)[number]);
  const ib = FUNDS.indexOf(b as (typeof FUNDS)[number]);
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : 1);
};

function figuresView(f: Figures, funds: string[]): FiguresView {
  return {
    funds: Object.fromEntries(funds.map((fund) => [fund, textOfFen(f.funds[fund] ?? 0)])),
    fundTotal: textOfFen(f.fundTotal),
    patient: textOfFen(f.patient),
    total: textOfFen(f.total),
  };
}

function difference(a: Figures, b: Figures, funds: string[]): FiguresView {
  const minus: Figures = { funds: {}, fundTotal: b.fundTotal - a.fundTotal, patient: b.patient - a.patient, total: b.total - a.total };
  for (const fund of funds) minus.funds[fund] = (b.funds[fund] ?? 0) - (a.funds[fund] ?? 0);
  return figuresView(minus, funds);
}

function scenarioView(s: ScenarioTally, funds: string[], policies: { directory: string; ids: string[] }): ScenarioView {
  return {
    ...figuresView(s.figures, funds),
    policies: policies.ids,
    directory: policies.directory,
    settled: s.settled,
    refused: s.refused,
    refusedByReason: Object.fromEntries(
      Object.entries(s.refusedByReason)
        .sort(([, a], [, b]) => b.count - a.count)
        .map(([code, r]) => [code, { count: r.count, total: textOfFen(r.total), message: r.message, examples: r.examples }]),
    ),
  };
}

export function buildReport(
  tally: Tally,
  meta: { year: number; source: string; generatedAt: string; seconds: number; baseline: { directory: string; ids: string[] }; draft: { directory: string; ids: string[] } },
): WhatIfReport {
  // Every fund any scenario paid, in the order payments name them.
  const funds = [...new Set([...Object.keys(tally.given.funds), ...Object.keys(tally.baseline.figures.funds), ...Object.keys(tally.draft.figures.funds)])].sort(fundOrder);
  // Bin k of a magnitude holds changes in (edge[k−1], edge[k]] yuan; the last is open. Bounds are inclusive, in fen.
  const m = HISTOGRAM_EDGES_YUAN.length;
  const edgeFen = (k: number) => HISTOGRAM_EDGES_YUAN[k]! * 100;
  const lower = (k: number) => (k === 0 ? 1 : edgeFen(k - 1) + 1);
  const upper = (k: number) => (k === m ? null : edgeFen(k));
  const histogram: WhatIfReport['histogram'] = tally.histogram.map((persons, i) => {
    const middle = m + 1;
    if (i === middle) return { from: '0.00', to: '0.00', persons };
    if (i < middle) {
      const k = middle - 1 - i;
      const up = upper(k);
      return { from: up === null ? null : textOfFen(-up), to: textOfFen(-lower(k)), persons };
    }
    const k = i - middle - 1;
    const up = upper(k);
    return { from: textOfFen(lower(k)), to: up === null ? null : textOfFen(up), persons };
  });

  const breakdowns = Object.fromEntries(
    DIMENSIONS.map((dimension) => [
      dimension,
      Object.fromEntries(
        Object.entries(tally.groups[dimension])
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([key, g]) => [
            key,
            { settlements: g.settlements, baseline: figuresView(g.baseline, funds), draft: figuresView(g.draft, funds), difference: difference(g.baseline, g.draft, funds) },
          ]),
      ),
    ]),
  ) as Record<Dimension, Record<string, GroupView>>;

  return {
    year: meta.year,
    source: meta.source,
    generatedAt: meta.generatedAt,
    settlements: tally.read,
    reversed: tally.reversed,
    replayed: tally.replayed,
    withoutInputs: { count: tally.withoutInputs, listed: tally.withoutInputsListed },
    given: figuresView(tally.given, funds),
    baseline: scenarioView(tally.baseline, funds, meta.baseline),
    draft: scenarioView(tally.draft, funds, meta.draft),
    difference: difference(tally.baseline.figures, tally.draft.figures, funds),
    matched: tally.matched,
    mismatchCount: tally.mismatchCount,
    mismatches: tally.mismatches,
    breakdowns,
    persons: tally.persons,
    histogram,
    largestChanges: tally.largest.map((p) => ({
      card: p.card,
      region: p.region,
      stays: p.stays,
      baselinePatient: textOfFen(p.baselinePatient),
      draftPatient: textOfFen(p.draftPatient),
      change: textOfFen(p.change),
      baselineFund: textOfFen(p.baselineFund),
      draftFund: textOfFen(p.draftFund),
    })),
    seconds: meta.seconds,
  };
}
