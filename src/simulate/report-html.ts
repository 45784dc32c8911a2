/**
 * report.html: the what-if report for a policy office, in Chinese, one file
 * with its styles and its chart inline (no script, no font, no request).
 */
import { PERSON_CATEGORY_NAMES } from '../domain/code-tables.js';
import { hasMessage, say, type MessageKey } from '../messages/index.js';
import type { FiguresView, GroupView, WhatIfReport } from './report.js';

/** At most this many mismatches are shown in the page (report.json lists more). */
const SHOWN_MISMATCHES = 200;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const label = (key: string, fallback: string) => (hasMessage(key) ? say(key as MessageKey) : fallback);
const fundName = (fund: string) => label(`simulate.fund.${fund}`, fund);
const t = (key: MessageKey, params: Record<string, string | number> = {}) => escapeHtml(say(key, params));

function groupName(dimension: string, key: string): string {
  switch (dimension) {
    case 'region':
      return label(`simulate.region.${key}`, key);
    case 'hospitalClass':
      return label(`simulate.level.${key}`, key);
    case 'visitType':
      return label(`simulate.visit.${key}`, key);
    default:
      return key === 'none' ? say('simulate.category.none') : ((PERSON_CATEGORY_NAMES as Record<string, string>)[key] ?? key);
  }
}

/** A signed amount: "+1,234.50" / "−1,234.50" with its class for colour. */
function signed(amount: string): string {
  if (/^-?0\.00$/.test(amount)) return `<span class="zero">0.00</span>`;
  const negative = amount.startsWith('-');
  return `<span class="${negative ? 'down' : 'up'}">${negative ? '−' : '+'}${grouped(negative ? amount.slice(1) : amount)}</span>`;
}

/** Thousands separated, on the decimal string (never a float). */
function grouped(amount: string): string {
  const negative = amount.startsWith('-');
  const [whole = '', fraction = ''] = (negative ? amount.slice(1) : amount).split('.');
  return `${negative ? '−' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction ? `.${fraction}` : ''}`;
}

const num = (amount: string) => `<td class="num">${grouped(amount)}</td>`;
const diff = (amount: string) => `<td class="num">${signed(amount)}</td>`;

function fundTable(report: WhatIfReport): string {
  const rows = Object.keys(report.baseline.funds).map(
    (fund) => `<tr><th>${escapeHtml(fundName(fund))}</th>${num(report.baseline.funds[fund]!)}${num(report.draft.funds[fund]!)}${diff(report.difference.funds[fund]!)}</tr>`,
  );
  const line = (name: string, pick: (f: FiguresView) => string) =>
    `<tr class="sum"><th>${name}</th>${num(pick(report.baseline))}${num(pick(report.draft))}${diff(pick(report.difference))}</tr>`;
  return `<table><thead><tr><th>${t('simulate.fund')}</th><th>${t('simulate.baseline')}</th><th>${t('simulate.draft')}</th><th>${t('simulate.difference')}</th></tr></thead>
<tbody>${rows.join('')}${line(t('simulate.fundTotal'), (f) => f.fundTotal)}${line(t('simulate.patient'), (f) => f.patient)}${line(t('simulate.total'), (f) => f.total)}</tbody></table>`;
}

function groupTable(dimension: string, groups: Record<string, GroupView>): string {
  const rows = Object.entries(groups).map(
    ([key, g]) =>
      `<tr><th>${escapeHtml(groupName(dimension, key))}</th><td class="num">${g.settlements}</td>${num(g.baseline.fundTotal)}${num(g.draft.fundTotal)}${diff(g.difference.fundTotal)}${num(g.baseline.patient)}${num(g.draft.patient)}${diff(g.difference.patient)}</tr>`,
  );
  return `<table><thead><tr><th rowspan="2">${t('simulate.group')}</th><th rowspan="2">${t('simulate.count')}</th><th colspan="3">${t('simulate.fundTotal')}</th><th colspan="3">${t('simulate.patient')}</th></tr>
<tr><th>${t('simulate.baseline')}</th><th>${t('simulate.draft')}</th><th>${t('simulate.difference')}</th><th>${t('simulate.baseline')}</th><th>${t('simulate.draft')}</th><th>${t('simulate.difference')}</th></tr></thead>
<tbody>${rows.join('')}</tbody></table>`;
}

function histogramSvg(report: WhatIfReport): string {
  const bins = report.histogram;
  const width = 960;
  const height = 300;
  const left = 110;
  const bottom = 90;
  const barWidth = (width - left - 10) / bins.length;
  const max = Math.max(1, ...bins.map((b) => b.persons));
  const bars = bins.map((bin, i) => {
    const h = Math.round(((height - bottom - 20) * bin.persons) / max);
    const x = left + i * barWidth;
    const y = height - bottom - h;
    const zero = bin.from === '0.00' && bin.to === '0.00';
    const cls = zero ? 'bar-zero' : bin.to?.startsWith('-') ? 'bar-down' : 'bar-up';
    const name = zero ? '0' : bin.from === null ? `≤ ${grouped(bin.to!)}` : bin.to === null ? `≥ ${grouped(bin.from)}` : `${grouped(bin.from)} ~ ${grouped(bin.to)}`;
    return `<rect class="${cls}" x="${x + 2}" y="${y}" width="${barWidth - 4}" height="${h}"><title>${escapeHtml(name)}：${bin.persons}</title></rect>
<text class="count" x="${x + barWidth / 2}" y="${y - 4}">${bin.persons}</text>
<text class="tick slant" transform="translate(${x + barWidth / 2 + 4},${height - bottom + 14}) rotate(-35)">${escapeHtml(name)}</text>`;
  });
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${t('simulate.histogram')}">
<line x1="${left}" y1="${height - bottom}" x2="${width - 10}" y2="${height - bottom}" class="axis"/>
<text class="tick" x="4" y="14">${t('simulate.persons.unit')}</text>
${bars.join('\n')}</svg>`;
}

function largestTable(report: WhatIfReport): string {
  const rows = report.largestChanges.map(
    (p) =>
      `<tr><td>${escapeHtml(p.card)}</td><td>${escapeHtml(groupName('region', p.region))}</td><td class="num">${p.stays}</td>${num(p.baselinePatient)}${num(p.draftPatient)}${diff(p.change)}</tr>`,
  );
  return `<table><thead><tr><th>${t('simulate.card')}</th><th>${t('simulate.region')}</th><th>${t('simulate.stays')}</th><th>${t('simulate.patient')}（${t('simulate.baseline')}）</th><th>${t('simulate.patient')}（${t('simulate.draft')}）</th><th>${t('simulate.change')}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function refusedTable(report: WhatIfReport): string {
  const rows: string[] = [];
  for (const scenario of ['baseline', 'draft'] as const) {
    for (const [code, r] of Object.entries(report[scenario].refusedByReason)) {
      rows.push(
        `<tr><td>${t(scenario === 'baseline' ? 'simulate.baseline' : 'simulate.draft')}</td><td>${escapeHtml(code)}<div class="small">${escapeHtml(r.message)}</div></td><td class="num">${r.count}</td>${num(r.total)}<td class="small">${escapeHtml(r.examples.slice(0, 5).join('、'))}</td></tr>`,
      );
    }
  }
  if (!rows.length) return `<p>${t('simulate.refusedNone')}</p>`;
  return `<p>${t('simulate.refusedNote')}</p><table><thead><tr><th></th><th>${t('simulate.reason')}</th><th>${t('simulate.count')}</th><th>${t('simulate.total')}</th><th>${t('simulate.examples')}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function mismatchTable(report: WhatIfReport): string {
  const shown = report.mismatches.slice(0, SHOWN_MISMATCHES);
  const rows = shown.map(
    (m) =>
      `<tr><td>${escapeHtml(m.settlementId)}</td><td>${escapeHtml(m.fund === 'patient' ? say('simulate.patient') : m.fund === 'refused' ? m.fund : fundName(m.fund))}</td><td class="num">${escapeHtml(m.given)}</td><td class="num">${escapeHtml(m.replayed)}</td><td class="small">${escapeHtml(label(`simulate.mismatch.${m.reason}`, m.reason))}</td></tr>`,
  );
  return `<p>${t('simulate.listedOf', { listed: shown.length, count: report.mismatchCount })}</p><table><thead><tr><th>${t('simulate.settlementId')}</th><th>${t('simulate.fund')}</th><th>${t('simulate.given')}</th><th>${t('simulate.replayed')}</th><th>${t('simulate.reason')}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const STYLE = `
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif;margin:24px auto;max-width:1100px;color:#1f2933;padding:0 16px}
h1{font-size:24px;margin-bottom:4px}h2{font-size:18px;margin-top:32px;border-bottom:2px solid #d9e2ec;padding-bottom:4px}
.meta{color:#52606d;font-size:13px}.lead{font-size:16px;background:#f0f4f8;padding:12px 16px;border-radius:6px}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:14px}th,td{border:1px solid #d9e2ec;padding:5px 8px;text-align:left}
thead th{background:#f0f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr.sum th,tr.sum td{font-weight:bold;background:#fafbfc}
.up{color:#b42318}.down{color:#067647}.zero{color:#7b8794}.ok{color:#067647;font-weight:bold}.bad{color:#b42318;font-weight:bold}.small{font-size:12px;color:#52606d}
svg .bar-up{fill:#e5484d}svg .bar-down{fill:#30a46c}svg .bar-zero{fill:#9aa5b1}svg .axis{stroke:#52606d}svg text{font-size:11px;fill:#3e4c59}svg .count{text-anchor:middle}svg .slant{text-anchor:end}
`;

export function renderReportHtml(report: WhatIfReport): string {
  const d = report.difference.fundTotal;
  const direction = d.startsWith('-') ? say('simulate.less') : d === '0.00' ? say('simulate.unchanged') : say('simulate.more');
  const audit = report.mismatchCount === 0 ? `<span class="ok">${t('simulate.auditOk')}</span>` : `<span class="bad">${t('simulate.auditFailed')}</span>`;
  const dimensions: [string, MessageKey][] = [
    ['region', 'simulate.byRegion'],
    ['hospitalClass', 'simulate.byHospitalClass'],
    ['visitType', 'simulate.byVisitType'],
    ['personCategory', 'simulate.byPersonCategory'],
  ];
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${t('simulate.title', { year: report.year })}</title><style>${STYLE}</style></head><body>
<h1>${t('simulate.title', { year: report.year })}</h1>
<p class="meta">${t('simulate.source')}：${escapeHtml(report.source)}　${t('simulate.generatedAt')}：${escapeHtml(report.generatedAt)}<br>
${t('simulate.baselinePolicies')}：${escapeHtml(report.baseline.policies.join('、'))}（${escapeHtml(report.baseline.directory)}）　${t('simulate.draftPolicies')}：${escapeHtml(report.draft.policies.join('、'))}（${escapeHtml(report.draft.directory)}）</p>
<p>${t('simulate.intro', { year: report.year })}</p>
<h2>${t('simulate.summary')}</h2>
<p class="lead">${t('simulate.fundChange', { draft: grouped(report.draft.fundTotal), direction, amount: grouped(d.replace('-', '')) })}<br>
${t('simulate.personsLine', { count: report.persons.count, rises: report.persons.rises, falls: report.persons.falls, same: report.persons.same })}</p>
<p>${t('simulate.settlements', { count: report.settlements, reversed: report.reversed, replayed: report.replayed })}${report.withoutInputs.count ? `<br>${t('simulate.withoutInputs', { count: report.withoutInputs.count })}` : ''}<br>
${t('simulate.audit', { matched: report.matched, mismatches: report.mismatchCount })}　${audit}</p>
<h2>${t('simulate.byFund')}</h2>${fundTable(report)}
${dimensions.map(([dimension, title]) => `<h2>${t(title)}</h2>${groupTable(dimension, report.breakdowns[dimension as keyof WhatIfReport['breakdowns']])}`).join('\n')}
<h2>${t('simulate.persons')}</h2><p>${t('simulate.personsLine', { count: report.persons.count, rises: report.persons.rises, falls: report.persons.falls, same: report.persons.same })}</p>
<h3>${t('simulate.histogram')}</h3>${histogramSvg(report)}
<h2>${t('simulate.largest')}</h2>${largestTable(report)}
<h2>${t('simulate.refused')}</h2>${refusedTable(report)}
${report.mismatchCount ? `<h2>${t('simulate.mismatches')}</h2>${mismatchTable(report)}` : ''}
<p class="meta">${t('simulate.footer')}</p>
</body></html>
`;
}
