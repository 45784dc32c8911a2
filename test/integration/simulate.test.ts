/**
 * What the draft would have cost (npm run simulate), end to end on a real
 * redis-server: a generated year of the three seed regions is settled by the
 * service, archived, and replayed by the command (a child process, workers and
 * all):
 * - under the unchanged policies every answer is reproduced and the totals
 *   equal the archive manifest's (and the same year read live from Redis);
 * - under a draft that lowers Taiyuan's 二级 deductible and Pingyang's county
 *   rate, the totals equal the engine settling the same stays directly;
 * - a draft that does not load, and one that refuses stays (a region without a
 *   policy), are reported, not crashed on;
 * - report.html opens in Debian's chromium without a single request and is
 *   screenshotted (test-output/simulate-report.png).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogues } from '../../src/catalogue/loader.js';
import { applyDeltas, emptyAccumulators } from '../../src/domain/accumulators.js';
import { fenOfText, textOfFen } from '../../src/domain/money.js';
import type { Enrollee, Hospital } from '../../src/domain/types.js';
import { settle } from '../../src/engine/settle.js';
import { parseSettlementRequest } from '../../src/contract/settlement.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { YearArchiver, type Manifest } from '../../src/service/archive.js';
import { LocalCoverage } from '../../src/service/coverage.js';
import { SettlementService } from '../../src/service/settlements.js';
import type { WhatIfReport } from '../../src/simulate/report.js';
import { ArchiveStore } from '../../src/store/archive-store.js';
import { openRepositories } from '../../src/store/repositories.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { syntheticPersons, yearOfRegion, type SeedRegion } from '../helpers/synthetic-year.js';
import { CATALOGUE_DIR, POLICY_DIR, ROOT, workedExamples } from '../helpers/worked-examples.js';

const OUTPUT = path.join(ROOT, 'test-output');
let redis: RedisServer;
let t: TestService;
let dir: string;
/** The unreversed requests of each year, per person in settlement order, with the person. */
const settledByYear = new Map<number, { enrollee: Enrollee; requests: Record<string, unknown>[] }[]>();

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/simulate.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', POLICY_DIR, CATALOGUE_DIR, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const readReport = (out: string) => JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as WhatIfReport;

/** Σ per fund of the manifest's per-hospital totals (settlements less reversals). */
function manifestFunds(manifest: Manifest): { funds: Record<string, string>; patient: string } {
  const funds: Record<string, bigint> = {};
  let patient = 0n;
  for (const totals of Object.values(manifest.hospitals)) {
    for (const [fund, amount] of Object.entries(totals.funds)) funds[fund] = (funds[fund] ?? 0n) + fenOfText(amount);
    patient += fenOfText(totals.patientTotal);
  }
  return { funds: Object.fromEntries(Object.entries(funds).map(([f, v]) => [f, textOfFen(v)])), patient: textOfFen(patient) };
}

beforeAll(async () => {
  redis = await startRedis();
  t = await startTestService({ redisServer: redis, redisTimeoutMs: 10_000 });
  await t.loadWorkedRegistry();
  dir = mkdtempSync(path.join(os.tmpdir(), 'settle-simulate-'));
  mkdirSync(OUTPUT, { recursive: true });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run simulate', { timeout: 240_000 }, () => {
  it('settles a generated year of the three seed regions, reversing some last stays', async () => {
    const store = openRepositories(t.redis);
    const catalog = loadPolicyDirectory(POLICY_DIR);
    const catalogues = await loadCatalogues(CATALOGUE_DIR, catalog);
    let at = new Date('2018-01-01T02:00:00Z');
    const service = new SettlementService(store, catalog, new LocalCoverage(store), { now: () => at, catalogues: { current: catalogues } as never });
    let refused = 0;
    for (const [region, seed] of [
      ['jinjiang', 1],
      ['pingyang', 2],
      ['taiyuan', 3],
    ] as [SeedRegion, number][]) {
      const year = yearOfRegion(region);
      const persons = syntheticPersons(region, 60, seed);
      const list = settledByYear.get(year) ?? [];
      for (const [p, person] of persons.entries()) {
        await store.registry.putEnrollee(person.enrollee);
        const settled: { body: Record<string, unknown>; id: string }[] = [];
        for (const body of person.stays) {
          at = new Date(`${body.dischargeDate as string}T06:00:00Z`);
          try {
            const result = await service.settle(parseSettlementRequest(body));
            settled.push({ body, id: (JSON.parse(result.body.toString()) as { settlementId: string }).settlementId });
          } catch {
            refused++;
          }
        }
        // One person in eight has their last stay reversed (an earlier one would change the year-to-date the later ones saw).
        if (p % 8 === 0 && settled.length) {
          await service.reverse(await service.get(settled.at(-1)!.id));
          settled.pop();
        }
        list.push({ enrollee: person.enrollee, requests: settled.map((s) => s.body) });
      }
      settledByYear.set(year, list);
    }
    const count = [...settledByYear.values()].flat().reduce((n, p) => n + p.requests.length, 0);
    expect(count).toBeGreaterThan(300);
    expect(refused).toBeLessThan(count / 10);
  });

  it('replays 2019 live from Redis (read-only) with the unchanged policies: every answer matched', async () => {
    const out = path.join(dir, 'live-2019');
    const result = await run(['--year', '2019', '--from', 'redis', '--policies', POLICY_DIR, '--out', out], { REDIS_URL: redis.url });
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    expect(report.replayed).toBe(settledByYear.get(2019)!.reduce((n, p) => n + p.requests.length, 0));
    expect(report.matched).toBe(report.replayed);
    expect(report.mismatches).toEqual([]);
    expect(report.draft.fundTotal).toBe(report.baseline.fundTotal);
  });

  let manifests: Record<number, Manifest>;
  it('archives 2018 and 2019; the archive replayed unchanged reproduces the year: all matched, totals equal to the manifest', async () => {
    const archiver = new YearArchiver(new ArchiveStore(t.redis), loadPolicyDirectory(POLICY_DIR));
    manifests = {};
    for (const year of [2018, 2019]) manifests[year] = (await archiver.archive({ year, outDir: path.join(dir, 'archives'), now: new Date('2022-01-10T12:00:00+08:00') })).manifest;

    for (const year of [2018, 2019]) {
      const out = path.join(dir, `unchanged-${year}`);
      const result = await run(['--year', String(year), '--from', path.join(dir, 'archives'), '--policies', POLICY_DIR, '--out', out]);
      expect(result.code, result.stderr).toBe(0);
      const report = readReport(out);
      expect(report.settlements).toBe(manifests[year]!.counts.settlements);
      expect(report.reversed).toBe(manifests[year]!.counts.reversals);
      expect(report.withoutInputs.count).toBe(0);
      expect(report.matched).toBe(report.replayed);
      expect(report.mismatchCount).toBe(0);
      const expected = manifestFunds(manifests[year]!);
      for (const [fund, amount] of Object.entries(expected.funds)) expect(report.baseline.funds[fund], fund).toBe(amount);
      expect(report.baseline.patient).toBe(expected.patient);
      expect(report.baseline.refused).toBe(0);
      expect(report.draft).toMatchObject({ fundTotal: report.baseline.fundTotal, patient: report.baseline.patient, refused: 0 });
      expect(report.persons.same).toBe(report.persons.count);
    }
  });

  it('replays 2019 under a draft lowering one deductible and one rate: totals equal the engine settling the same stays directly', async () => {
    const draftDir = path.join(dir, 'draft');
    cpSync(POLICY_DIR, draftDir, { recursive: true });
    const edit = (file: string, from: string, to: string) => {
      const text = readFileSync(path.join(draftDir, file), 'utf8');
      expect(text).toContain(from);
      writeFileSync(path.join(draftDir, file), text.replace(from, to));
    };
    // One row of each region's tables: Taiyuan's 二级 deductible, Pingyang's county rate.
    edit('taiyuan-2019.yaml', '- { key: { tier: "2" }, value: "500" }', '- { key: { tier: "2" }, value: "400" }');
    edit('pingyang-2019.yaml', '- { key: { tier: county }, value: "0.70" }', '- { key: { tier: county }, value: "0.65" }');

    const out = path.join(dir, 'draft-2019');
    const result = await run(['--year', '2019', '--from', path.join(dir, 'archives', 'benefit-year-2019'), '--policies', draftDir, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    expect(report.mismatchCount).toBe(0);

    // The engine directly, stay after stay per person from zero, with the registry's hospitals.
    const draft = loadPolicyDirectory(draftDir);
    const catalogues = await loadCatalogues(CATALOGUE_DIR, draft);
    const funds: Record<string, bigint> = {};
    let patient = 0n;
    for (const { enrollee, requests } of settledByYear.get(2019)!) {
      let acc = emptyAccumulators();
      for (const body of requests) {
        const request = parseSettlementRequest(body);
        const hospital = { hospitalId: request.hospitalId, ...workedExamples.hospitals[request.hospitalId] } as Hospital;
        const outcome = settle({ catalog: draft, request, hospital, enrollee, filings: [], accumulators: acc, accumulatorsYear: 2019, catalogues });
        if (!outcome.ok) throw new Error(outcome.refusal.message);
        acc = applyDeltas(acc, outcome.settlement.deltas);
        for (const [fund, amount] of Object.entries(outcome.settlement.payments)) funds[fund] = (funds[fund] ?? 0n) + fenOfText(amount!.toFixed(2));
        patient += fenOfText(outcome.settlement.patientTotal.toFixed(2));
      }
    }
    for (const [fund, fen] of Object.entries(funds)) expect(report.draft.funds[fund], fund).toBe(textOfFen(fen));
    expect(report.draft.patient).toBe(textOfFen(patient));
    // Taiyuan's 二级 stays cost the fund more, Pingyang's county stays less; both kinds of person are there.
    expect(fenOfText(report.breakdowns.region.taiyuan!.difference.fundTotal)).toBeGreaterThan(0n);
    expect(fenOfText(report.breakdowns.region.pingyang!.difference.fundTotal)).toBeLessThan(0n);
    expect(report.persons.rises).toBeGreaterThan(0);
    expect(report.persons.falls).toBeGreaterThan(0);
    expect(report.largestChanges).toHaveLength(20);
    expect(report.histogram.reduce((n, b) => n + b.persons, 0)).toBe(report.persons.count);
    for (const amount of [report.draft.fundTotal, report.difference.fundTotal, ...Object.values(report.draft.funds)]) expect(amount).toMatch(/^-?\d+\.\d{2}$/);
    writeFileSync(path.join(OUTPUT, 'simulate-report.json'), JSON.stringify(report, null, 2));

    // The page, opened in chromium: nothing fetched, the Chinese headline there; a screenshot to look at.
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`file://${path.join(out, 'report.html')}`);
      await expect.poll(() => page.locator('h1').textContent()).toBe('2019年度政策草案测算报告');
      expect(await page.locator('body').textContent()).toContain('全部一致');
      expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
      await page.screenshot({ path: path.join(OUTPUT, 'simulate-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('reports a draft that refuses stays (Taiyuan without a policy) by reason, and a draft that does not load', async () => {
    const draftDir = path.join(dir, 'draft-no-taiyuan');
    cpSync(POLICY_DIR, draftDir, { recursive: true });
    rmSync(path.join(draftDir, 'taiyuan-2019.yaml'));
    const out = path.join(dir, 'refusing-2019');
    const result = await run(['--year', '2019', '--from', path.join(dir, 'archives'), '--policies', draftDir, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    const report = readReport(out);
    const taiyuanStays = report.breakdowns.region.taiyuan!.settlements;
    expect(report.draft.refused).toBe(taiyuanStays);
    expect(report.draft.refusedByReason.NO_POLICY!.count).toBe(taiyuanStays);
    expect(report.breakdowns.region.taiyuan!.draft.fundTotal).toBe('0.00');
    expect(report.breakdowns.region.taiyuan!.draft.patient).toBe(report.breakdowns.region.taiyuan!.draft.total);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('NO_POLICY');

    const broken = path.join(dir, 'draft-broken');
    cpSync(POLICY_DIR, broken, { recursive: true });
    writeFileSync(path.join(broken, 'pingyang-2019.yaml'), 'id: pingyang-2019\nregion: [unclosed\n');
    const failed = await run(['--year', '2019', '--from', path.join(dir, 'archives'), '--policies', broken, '--out', path.join(dir, 'broken-out')]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('政策草案目录');
    expect(failed.stderr).toContain('无法加载');
    expect(failed.stderr).not.toMatch(/\n\s+at /);
  });
});
