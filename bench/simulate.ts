/**
 * What-if replay benchmark, printed, never asserted:
 *
 * 1. A synthetic closed year (Pingyang and Taiyuan 2019) written as an archive
 *    exactly as `npm run archive` writes one: each settlement computed by the
 *    engine from zero year-to-date, its response and inputs in the line.
 * 2. `npm run simulate` on it as a child process (both cores): seconds, settlements/s
 *    both ways, CPU time over wall time (≈2 when both cores work), peak memory
 *    (maxRSS) — at two sizes, to show memory does not grow with the year.
 * 3. Where a settlement's CPU goes, measured in the same run on one thread
 *    (the first 20,000 of the larger year, warm): gunzip and cutting between
 *    persons, decoding a line, the engine alone settling it twice (the floor),
 *    and the replay whole (both settles, comparing, tallying).
 * 4. 1,000,000 settlements extrapolated from the two runs (target: < 60 s on
 *    two cores, i.e. 120 CPU-seconds, startup included).
 *
 *   npm run bench:simulate [-- --settlements 100000] [--archive <dir>]
 *
 * --archive keeps the larger year there (and reuses it when it already holds
 * that many settlements): a 1,000,000-settlement year takes minutes to write.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { freshYearToDate, loadPolicies, replayStay, type LoadedPolicies } from '../src/simulate/engine-adapter.js';
import { replayPerson, type RecordedSettlement } from '../src/simulate/person-replay.js';
import { archiveLines, archiveSource } from '../src/simulate/sources.js';
import { emptyTally } from '../src/simulate/tally.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { settlements: { type: 'string', default: '100000' }, archive: { type: 'string' } } });
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
  if (existsSync(path.join(archive, 'manifest.json'))) {
    const kept = (JSON.parse(readFileSync(path.join(archive, 'manifest.json'), 'utf8')) as { counts: { settlements: number } }).counts.settlements;
    if (kept === count) {
      process.stdout.write(`reusing the archive of ${kept} settlements in ${dir}\n`);
      return kept;
    }
    rmSync(archive, { recursive: true, force: true });
  }
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

/** The command as package.json runs it, under /usr/bin/time for its peak memory and CPU time (all its threads). */
function simulate(from: string, out: string): Promise<{ seconds: number; cpuSeconds: number; maxRssMb: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      '/usr/bin/time',
      [
        '-f',
        'maxrss=%M cpu=%U+%S',
        process.execPath,
        ...simulateFlags(),
        'src/cli/simulate.ts',
        '--year',
        '2019',
        '--from',
        from,
        '--policies',
        POLICY_DIR,
        '--out',
        out,
        '--quiet',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`simulate exited ${code}: ${stderr}`));
      const rss = Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? 0);
      const [, user = '0', system = '0'] = /cpu=([\d.]+)\+([\d.]+)/.exec(stderr) ?? [];
      resolve({ seconds: (performance.now() - started) / 1000, cpuSeconds: Number(user) + Number(system), maxRssMb: rss / 1024, stdout });
    });
  });
}

const cpuSeconds = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
};

/**
 * One thread, the first `count` settlements of the archive, each stage timed
 * alone in CPU-seconds (the machine is shared: wall time says more about the
 * neighbours than about the code); the best of three rounds, the first warming up.
 */
async function stages(yearDir: string, count: number, policies: LoadedPolicies) {
  const best = { read: Infinity, decode: Infinity, engine: Infinity, replay: Infinity };
  let n = 0;
  // Its checksums verified once, here, not charged to the read.
  const source = await archiveSource(yearDir, 2019);
  for (let round = 0; round < 3; round++) {
    let started = cpuSeconds();
    const batches: Buffer[] = [];
    let bytes = 0;
    for await (const batch of source.batches(1 << 20)) {
      if (batch.kind !== 'lines') continue;
      batches.push(Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength));
      bytes += batch.bytes.byteLength;
      if (bytes > count * 4000) break;
    }
    const read = cpuSeconds() - started;
    started = cpuSeconds();
    const settlements: RecordedSettlement[] = [];
    for (const batch of batches) for (const settlement of archiveLines(batch)) settlements.push(settlement);
    const decode = cpuSeconds() - started;
    // The read and the decoding are charged for the lines they gave (the read stops after a batch, not a line).
    const parsed = settlements.length;
    // Whole persons only.
    const next = settlements[count]?.card;
    settlements.length = Math.min(parsed, count);
    while (next !== undefined && settlements.length > 1 && settlements.at(-1)!.card === next) settlements.pop();
    n = settlements.length;
    started = cpuSeconds();
    let card = '';
    let baseline = freshYearToDate();
    let draft = freshYearToDate();
    for (const s of settlements) {
      if (s.card !== card) {
        card = s.card;
        baseline = freshYearToDate();
        draft = freshYearToDate();
      }
      replayStay(policies, s.inputs!, s.settlementId, baseline);
      replayStay(policies, s.inputs!, s.settlementId, draft);
    }
    const engine = cpuSeconds() - started;
    started = cpuSeconds();
    const tally = emptyTally();
    let person: RecordedSettlement[] = [];
    for (const s of settlements) {
      if (person.length && person[0]!.card !== s.card) {
        replayPerson(person, { baseline: policies, draft: policies }, tally);
        person = [];
      }
      person.push(s);
    }
    replayPerson(person, { baseline: policies, draft: policies }, tally);
    const replay = cpuSeconds() - started;
    if (round === 0) continue;
    best.read = Math.min(best.read, (read / parsed) * 1e6);
    best.decode = Math.min(best.decode, (decode / parsed) * 1e6);
    best.engine = Math.min(best.engine, (engine / n) * 1e6);
    best.replay = Math.min(best.replay, (replay / n) * 1e6);
  }
  return { settlements: n, ...best };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-simulate-'));
try {
  const rows: { settlements: number; seconds: number; cpuSeconds: number; maxRssMb: number; yearDir: string }[] = [];
  for (const size of [SMALL, LARGE]) {
    const yearDir = size === LARGE && values.archive ? path.resolve(values.archive) : path.join(dir, `year-${size}`);
    const written = await writeYear(yearDir, size);
    const run = await simulate(yearDir, path.join(dir, `out-${size}`));
    const summary = JSON.parse(run.stdout) as { matched: number; replayed: number };
    rows.push({ settlements: written, seconds: run.seconds, cpuSeconds: run.cpuSeconds, maxRssMb: run.maxRssMb, yearDir });
    process.stdout.write(
      `simulate ${written} settlements: ${run.seconds.toFixed(1)} s wall (startup included), ${Math.round(written / run.seconds)} settlements/s (${Math.round((written * 2) / run.seconds)} replays/s both ways), ` +
        `CPU ${run.cpuSeconds.toFixed(1)} s (${(run.cpuSeconds / run.seconds).toFixed(2)} cores), peak RSS ${run.maxRssMb.toFixed(0)} MB, matched ${summary.matched}/${summary.replayed}\n`,
    );
  }
  const large = rows.at(-1)!;
  const small = rows[0]!;
  const loaded = await loadPolicies(POLICY_DIR, CATALOGUE_DIR);
  if (!loaded.ok) throw new Error(loaded.reason);
  const stage = await stages(large.yearDir, Math.min(20_000, LARGE), loaded.policies);
  const oneThread = stage.read + stage.decode + stage.replay;
  process.stdout.write(
    `per settlement on one thread (CPU µs, ${stage.settlements} settlements, warm): gunzip and cut ${stage.read.toFixed(1)}, decode ${stage.decode.toFixed(1)}, ` +
      `engine twice ${stage.engine.toFixed(1)} (the floor: ${Math.round(2e6 / stage.engine)} engine runs per CPU-second), replay whole (engine twice, compare, tally) ${stage.replay.toFixed(1)}; ` +
      `sum ${oneThread.toFixed(1)} µs, engine share ${((100 * stage.engine) / oneThread).toFixed(0)}%\n`,
  );
  // The difference between the two runs is what a settlement costs; the rest is startup (tsx, policies, catalogues per thread).
  // At smoke sizes startup's noise can outweigh the difference: then the one-thread stages stand in.
  const slope = (large.cpuSeconds - small.cpuSeconds) / (large.settlements - small.settlements);
  const fromRuns = slope > 0;
  const cpuPerSettlement = fromRuns ? slope : oneThread / 1e6;
  if (!fromRuns)
    process.stdout.write(`the two runs differ by less than their noise (${(large.cpuSeconds - small.cpuSeconds).toFixed(1)} CPU-s): per settlement from the one-thread stages\n`);
  const startupCpu = Math.max(0, large.cpuSeconds - cpuPerSettlement * large.settlements);
  const floorRate = 2e6 / stage.engine;
  const replayRatePerCpu = 2 / cpuPerSettlement;
  const millionCpu = startupCpu + cpuPerSettlement * 1_000_000;
  const load = os.loadavg()[0]!;
  process.stdout.write(
    `the command spends ${(cpuPerSettlement * 1e6).toFixed(1)} CPU µs a settlement (all threads), ${Math.round(replayRatePerCpu)} engine replays per CPU-second against the floor's ${Math.round(floorRate)}: ${(replayRatePerCpu / floorRate).toFixed(2)} × the floor\n` +
      `1,000,000 settlements, extrapolated from ${small.settlements} and ${large.settlements}: ${millionCpu.toFixed(0)} CPU-seconds (startup ${startupCpu.toFixed(1)}), ` +
      `so ${(millionCpu / 2).toFixed(0)} s on two idle cores; target < 60 s, i.e. ${((120 - startupCpu) / 1).toFixed(0)} CPU-µs a settlement at most. This run's load average: ${load.toFixed(1)} on ${os.availableParallelism()} cores\n` +
      `peak memory ${small.maxRssMb.toFixed(0)} MB at ${small.settlements}, ${large.maxRssMb.toFixed(0)} MB at ${large.settlements}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
