/** The what-if tally: fen sums exact against decimal.js, histogram bins at their edges, the largest changes kept. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, fenOfText, formatMoney } from '../../src/domain/money.js';
import { buildReport } from '../../src/simulate/report.js';
import { HISTOGRAM_BINS, LARGEST, addAmounts, emptyFigures, emptyTally, fenOf, histogramBin, mergeTally, notePerson } from '../../src/simulate/tally.js';

const amount = fc.bigInt({ min: 0n, max: 99_999_999_999n }).map((fen) => formatMoney(new Decimal(fen.toString()).dividedBy(100)));

describe('what-if tally', () => {
  it('sums wire amounts in fen exactly as decimal.js does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(amount, amount, amount), { maxLength: 200 }), (rows) => {
        const figures = emptyFigures();
        let basic = new Decimal(0);
        let patient = new Decimal(0);
        for (const [a, p, t] of rows) {
          addAmounts(figures, { basic: a }, p, t);
          basic = basic.plus(a);
          patient = patient.plus(p);
        }
        expect(figures.funds.basic ?? 0).toBe(Number(fenOfText(basic.toFixed(2))));
        expect(figures.patient).toBe(Number(fenOfText(patient.toFixed(2))));
      }),
    );
    expect(fenOf('-1234.50')).toBe(-123450);
    expect(fenOf('7')).toBe(700);
  });

  it('puts each change in one bin: the edges belong to the lower magnitude, beyond the last edge is open', () => {
    expect(histogramBin(0)).toBe(9);
    expect(histogramBin(1)).toBe(10);
    expect(histogramBin(1000)).toBe(10); // 10.00 yuan
    expect(histogramBin(1001)).toBe(11);
    expect(histogramBin(500_001)).toBe(HISTOGRAM_BINS - 1); // above 5000
    expect(histogramBin(-500_001)).toBe(0);
    expect(histogramBin(-1)).toBe(8);
    const tally = emptyTally();
    for (const change of [-600_000, -1, 0, 1, 600_000])
      notePerson(tally, { card: `C${change}`, region: 'r', stays: 1, baselinePatient: 0, draftPatient: change, change, baselineFund: 0, draftFund: 0 });
    const report = buildReport(tally, { year: 2019, source: 's', generatedAt: 'now', seconds: 0, baseline: { directory: 'a', ids: [] }, draft: { directory: 'b', ids: [] } });
    expect(report.histogram[0]).toEqual({ from: null, to: '-5000.01', persons: 1 });
    expect(report.histogram[8]).toEqual({ from: '-10.00', to: '-0.01', persons: 1 });
    expect(report.histogram[9]).toEqual({ from: '0.00', to: '0.00', persons: 1 });
    expect(report.histogram.at(-1)).toEqual({ from: '5000.01', to: null, persons: 1 });
    expect(report.histogram.reduce((n, b) => n + b.persons, 0)).toBe(5);
  });

  it('keeps the twenty largest changes by size across merged workers', () => {
    const a = emptyTally();
    const b = emptyTally();
    for (let i = 1; i <= 50; i++)
      notePerson(i % 2 ? a : b, { card: `P${i}`, region: 'r', stays: 1, baselinePatient: 0, draftPatient: 0, change: i % 3 ? i * 100 : -i * 100, baselineFund: 0, draftFund: 0 });
    mergeTally(a, b);
    expect(a.largest).toHaveLength(LARGEST);
    expect(a.largest.map((p) => Math.abs(p.change))).toEqual(Array.from({ length: 20 }, (_, i) => (50 - i) * 100));
    expect(a.persons.count).toBe(50);
  });
});
