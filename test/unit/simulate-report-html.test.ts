/**
 * report.html as an attacker would try it: text that reached the year through
 * a request or the registry (a refusal message quoting a region, a card, a
 * policy id) is shown as text, never markup; the page fetches nothing.
 */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/simulate/report.js';
import { renderReportHtml } from '../../src/simulate/report-html.js';
import { emptyTally, noteRefusal, notePerson } from '../../src/simulate/tally.js';

const EVIL = '"><script>alert(1)</script><img src=x onerror=alert(2)>';

describe('report.html', () => {
  it('escapes every recorded string and loads nothing', () => {
    const tally = emptyTally();
    noteRefusal(tally.draft, 'NO_POLICY', `no policy is loaded for region "${EVIL}"`, `S-${EVIL}`, '100.00');
    notePerson(tally, { card: EVIL, region: EVIL, stays: 1, baselinePatient: 0, draftPatient: 100, change: 100, baselineFund: 100, draftFund: 0 });
    tally.mismatchCount = 1;
    tally.mismatches.push({ settlementId: EVIL, card: EVIL, fund: EVIL, given: EVIL, replayed: EVIL, reason: EVIL });
    tally.groups.region[EVIL] = { settlements: 1, baseline: { funds: {}, fundTotal: 0, patient: 0, total: 0 }, draft: { funds: {}, fundTotal: 0, patient: 0, total: 0 } };
    const report = buildReport(tally, {
      year: 2019,
      source: EVIL,
      generatedAt: EVIL,
      seconds: 1,
      baseline: { directory: EVIL, ids: [EVIL] },
      draft: { directory: EVIL, ids: [EVIL] },
    });
    const html = renderReportHtml(report);
    expect(html).not.toMatch(/<script|<img|onerror=alert\(2\)>/i);
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
  });
});
