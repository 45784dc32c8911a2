/**
 * What would the draft have cost: a closed year replayed under the policies
 * in force and under a draft, written as report.json and report.html.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { say } from '../messages/index.js';
import { loadPolicies } from './engine-adapter.js';
import { buildReport, type WhatIfReport } from './report.js';
import { renderReportHtml } from './report-html.js';
import { runReplay } from './run.js';
import type { YearSource } from './sources.js';

export interface SimulateOptions {
  year: number;
  source: YearSource;
  baselineDir: string;
  draftDir: string;
  catalogueDir: string;
  outDir: string;
  workers?: number;
  progress?: (done: number) => void;
  now?: () => Date;
}

/** A policy directory that does not load: said in Chinese for the office, in English for the log. */
export class PolicyLoadError extends Error {
  override name = 'PolicyLoadError';
  constructor(
    readonly zh: string,
    en: string,
  ) {
    super(en);
  }
}

export async function simulateYear(options: SimulateOptions): Promise<{ report: WhatIfReport; json: string; html: string }> {
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  // Both directories are loaded here first, so that one that does not load is told before any work.
  const [baseline, draft] = await Promise.all([loadPolicies(options.baselineDir, options.catalogueDir), loadPolicies(options.draftDir, options.catalogueDir)]);
  if (!baseline.ok) {
    const params = { directory: baseline.directory, reason: baseline.reason };
    throw new PolicyLoadError(say('simulate.baselineDoesNotLoad', params), say('simulate.baselineDoesNotLoad', params, 'en'));
  }
  if (!draft.ok) {
    const params = { directory: draft.directory, reason: draft.reason };
    throw new PolicyLoadError(say('simulate.draftDoesNotLoad', params), say('simulate.draftDoesNotLoad', params, 'en'));
  }
  const tally = await runReplay({
    source: options.source,
    baselineDir: options.baselineDir,
    draftDir: options.draftDir,
    catalogueDir: options.catalogueDir,
    workers: options.workers,
    progress: options.progress,
  });
  const report = buildReport(tally, {
    year: options.year,
    source: options.source.name,
    generatedAt: now().toISOString(),
    seconds: Math.round((performance.now() - started) / 10) / 100,
    baseline: { directory: options.baselineDir, ids: baseline.policies.policyIds },
    draft: { directory: options.draftDir, ids: draft.policies.policyIds },
  });
  mkdirSync(options.outDir, { recursive: true });
  const json = path.join(options.outDir, 'report.json');
  const html = path.join(options.outDir, 'report.html');
  // Written aside and renamed: a reader never sees half a report.
  writeFileSync(`${json}.partial`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${html}.partial`, renderReportHtml(report));
  renameSync(`${json}.partial`, json);
  renameSync(`${html}.partial`, html);
  return { report, json, html };
}
