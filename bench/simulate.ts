/**
 * What-if replay benchmark, printed, never asserted:
 *
 * 1. A synthetic closed year (Pingyang and Taiyuan 2019) written as an archive
 *    exactly as `npm run archive` writes one: each settlement computed by the
 *    engine from zero year-to-date, its response and inputs in the line.
 * 2. `npm run simulate` on it as a child process (both cores): seconds, settlements/s
 *    both ways, CPU time over wall time (≈2 when both cores work), peak memory
 *    (maxRSS) — at two sizes, to show memory does not grow with the year.
 * 3. Floor measured in the same run: the engine alone settling the same kind of
 *    stays on one thread, twice each, inputs already parsed; the replay's
 *    per-core cost over the floor's.
 * 4. 1,000,000 settlements extrapolated from the larger run (target: < 60 s).
 *
 *   npm run bench:simulate [-- --settlements 100000]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCatalogues } from '../src/catalogue/loader.js';
import { applyDeltas, emptyAccumulators } from '../src/domain/accumulators.js';
import type { Hospital } from '../src/domain/types.js';
import { settle } from '../src/engine/settle.js';
import { parseSettlementRequest } from '../src/contract/settlement.js';
import { NdjsonGzWriter, writeManifest } from '../src/ops/archive-files.js';
import { loadPolicyDirectory } from '../src/policy/loader.js';
import { settlementView } from '../src/service/settlement-view.js';
import { NO_ACTOR } from '../src/service/settlements.js';
import { syntheticPersons } from '../test/helpers/synthetic-year.js';
import { workedExamples } from '../test/helpers/worked-examples.js';
import { processTreeCpuMs } from './lib/process-cpu.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { settlements: { type: 'string', default: '100000' } } });
const LARGE = Number(values.settlements);
const SMALL = Math.max(1000, Math.round(LARGE / 4));
const POLICY_DIR = path.join(ROOT, 'config/policies');
const CATALOGUE_DIR = path.join(ROOT, 'config/catalogues');

const catalog = loadPolicyDirectory(POLICY_DIR);
const catalogues = await loadCatalogues(CATALOGUE_DIR, catalog);
const hospitalOf = (id: string) => ({ hospitalId: id, ...workedExamples.hospitals[id] }) as Hospital;

/** Persons of both 2019 regions until `count` settlements, each settled by the engine as the service would. */
function* yearLines(count: number): Generator<object> {
  let n = 0;
  for (let batch = 0; n < count; batch++) {
    for (const region of ['pingyang', 'taiyuan'] as const) {
      for (const person of syntheticPersons(region, 1000, 1000 + batch * 2 + (region === 'taiyuan' ? 1 : 0), `B${batch}X`)) {
        let acc = emptyAccumulators();
        let position = 0;
        for (const body of person.stays) {
          if (n >= count) return;
          const request = parseSettlementRequest(body);
          const hospital = hospitalOf(request.hospitalId);
          const outcome = settle({ catalog, request, hospital, enrollee: person.enrollee, filings: [], accumulators: acc, accumulatorsYear: 2019, catalogues });
          if (!outcome.ok) continue;
          const settlementId = `S-${person.enrollee.card}-${position}`;
          const response = settlementView(outcome.settlement, request, acc, {
            settlementId,
            status: 'settled',
            settledAt: `${request.dischargeDate}T06:00:00.000Z`,
            actor: NO_ACTOR,
          });
          acc = applyDeltas(acc, outcome.settlement.deltas);
          yield {
            settlementId,
            card: person.enrollee.card,
            benefitYear: 2019,
            position: position++,
            recordSha1: '-',
            meta: { v: 1, s: 'settled', h: request.hospitalId, y: 2019, rq: request.requestId, d: {} },
            response,
            inputs: { request, hospital, enrollee: person.enrollee, filings: [] },
          };
          n++;
        }
      }
    }
  }
}

async function writeYear(dir: string, count: number): Promise<number> {
  const archive = path.join(dir, 'benefit-year-2019');
  mkdirSync(archive, { recursive: true });
  const writer = new NdjsonGzWriter(path.join(archive, 'settlements.ndjson.gz'));
  const started = performance.now();
  for (const line of yearLines(count)) await writer.write(line);
  const summary = await writer.close();
  writeManifest(archive, {
    archive: 'benefit-year-2019',
    benefitYear: 2019,
    files: { 'settlements.ndjson.gz': summary },
    counts: { persons: 0, settlements: summary.lines, reversals: 0, ledgerEntries: 0 },
    hospitals: {},
    days: {},
  });
  process.stdout.write(`generated ${summary.lines} settlements (${(summary.bytes / 1e6).toFixed(1)} MB gzip) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return summary.lines;
}

/** Node's flags of package.json's `simulate` script (its heap cap included). */
function simulateFlags(): string[] {
  const script = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.simulate!;
  const [node, ...args] = script.split(/\s+/);
  if (node !== 'node') throw new Error(`unexpected simulate script: ${script}`);
  return args.slice(0, -1);
}

/** The command as package.json runs it, under /usr/bin/time for its peak memory, with its CPU time from /proc. */
function simulate(from: string, out: string): Promise<{ seconds: number; cpuSeconds: number; maxRssMb: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      '/usr/bin/time',
      ['-f', 'maxrss=%M', process.execPath, ...simulateFlags(), 'src/cli/simulate.ts', '--year', '2019', '--from', from, '--policies', POLICY_DIR, '--out', out, '--quiet'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let cpuMs = 0;
    const poll = setInterval(() => (cpuMs = Math.max(cpuMs, processTreeCpuMs(child.pid!) ?? 0)), 200);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => {
      clearInterval(poll);
      if (code !== 0) return reject(new Error(`simulate exited ${code}: ${stderr}`));
      const rss = Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? 0);
      resolve({ seconds: (performance.now() - started) / 1000, cpuSeconds: cpuMs / 1000, maxRssMb: rss / 1024, stdout });
    });
  });
}

/** One thread, the engine alone: the same kind of stays settled twice each (baseline and draft), inputs already parsed. */
function engineFloor(count: number): number {
  const stays = [...yearLines(count)].map((line) => (line as { inputs: { request: unknown; hospital: Hospital; enrollee: never } }).inputs);
  const requests = stays.map((s) => ({ ...s, request: parseSettlementRequest(JSON.parse(JSON.stringify(s.request))) }));
  const cpu = process.cpuUsage();
  let acc = emptyAccumulators();
  let card = '';
  for (let round = 0; round < 2; round++) {
    for (const { request, hospital, enrollee } of requests) {
      if (request.card !== card) (acc = emptyAccumulators()), (card = request.card);
      const outcome = settle({ catalog, request, hospital, enrollee, filings: [], accumulators: acc, accumulatorsYear: 2019, catalogues });
      if (outcome.ok) acc = applyDeltas(acc, outcome.settlement.deltas);
    }
  }
  const used = process.cpuUsage(cpu);
  // Per CPU-second: the machine is shared, so wall time says more about the neighbours than about the engine.
  return (requests.length * 2) / ((used.user + used.system) / 1e6);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-simulate-'));
try {
  const rows: { settlements: number; seconds: number; cpuSeconds: number; maxRssMb: number }[] = [];
  for (const size of [SMALL, LARGE]) {
    const yearDir = path.join(dir, `year-${size}`);
    const written = await writeYear(yearDir, size);
    const run = await simulate(yearDir, path.join(dir, `out-${size}`));
    const summary = JSON.parse(run.stdout) as { matched: number; replayed: number };
    rows.push({ settlements: written, seconds: run.seconds, cpuSeconds: run.cpuSeconds, maxRssMb: run.maxRssMb });
    process.stdout.write(
      `simulate ${written} settlements: ${run.seconds.toFixed(1)} s wall (startup included), ${Math.round((written * 2) / run.seconds)} replays/s both ways, ` +
        `CPU ${run.cpuSeconds.toFixed(1)} s (${(run.cpuSeconds / run.seconds).toFixed(2)} cores), peak RSS ${run.maxRssMb.toFixed(0)} MB, matched ${summary.matched}/${summary.replayed}\n`,
    );
  }
  const floorRate = engineFloor(Math.min(20_000, LARGE));
  const large = rows.at(-1)!;
  const small = rows[0]!;
  // The difference between the two runs is what a settlement costs; the rest is startup (tsx, policies, catalogues per thread).
  const cpuPerSettlement = (large.cpuSeconds - small.cpuSeconds) / (large.settlements - small.settlements);
  const startupCpu = large.cpuSeconds - cpuPerSettlement * large.settlements;
  const replayRatePerCpu = 2 / cpuPerSettlement;
  const millionCpu = startupCpu + cpuPerSettlement * 1_000_000;
  const load = os.loadavg()[0]!;
  process.stdout.write(
    `floor: the engine alone on one thread, ${Math.round(floorRate)} settles per CPU-second; the replay does ${Math.round(replayRatePerCpu)} per CPU-second (reading, decoding, comparing and tallying included): ${(replayRatePerCpu / floorRate).toFixed(2)} × the floor\n` +
      `1,000,000 settlements, extrapolated from ${small.settlements} and ${large.settlements}: ${millionCpu.toFixed(0)} CPU-seconds (startup ${startupCpu.toFixed(1)}), ` +
      `so ${(millionCpu / 2).toFixed(0)} s on two idle cores; target < 60 s. This run's load average: ${load.toFixed(1)} on ${os.availableParallelism()} cores\n` +
      `peak memory ${small.maxRssMb.toFixed(0)} MB at ${small.settlements}, ${large.maxRssMb.toFixed(0)} MB at ${large.settlements}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
