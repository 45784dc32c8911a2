/**
 * npm run bench:smoke — every benchmark, run for a second or two, must still
 * run and print its figures (npm test runs it after the suite). It measures
 * nothing worth reading: the settings are the smallest that exercise every
 * path, and each run is checked only for the lines its figures are on.
 *
 *   npm run bench:smoke [-- --only http,ledger]
 *
 * Needs the build (dist/) that npm test makes first; benchmarks run one at a
 * time so none starves another.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NUMBER = String.raw`\d[\d,]*(?:\.\d+)?`;
const figure = (before: string, after = '') => new RegExp(`${before}\\s*${NUMBER}\\s*${after}`);

interface Smoke {
  script: string;
  args?: string[];
  env?: Record<string, string>;
  /** Each must match a line of stdout: the figures this benchmark exists to print. */
  figures: RegExp[];
}

const SMOKES: Record<string, Smoke> = {
  engine: {
    script: 'bench/engine.ts',
    env: { BENCH_SECONDS: '1' },
    figures: [figure('engine:', 'settlements/s'), figure('engine/parse ratio'), figure('engine/decimal ratio')],
  },
  stages: {
    script: 'bench/stages.ts',
    env: { BENCH_ITERATIONS: '500' },
    figures: [figure('engine settle\\(\\)', 'µs'), figure('sum \\(hot loops, no I/O\\)', 'µs')],
  },
  http: {
    script: 'bench/http.ts',
    // A smoke checks that the figures come out, on whatever load CI has: no shedding by event-loop delay.
    env: { MAX_EVENT_LOOP_DELAY_MS: '0' },
    args: ['--floor', '--duration', '1', '--rounds', '1', '--connections', '8', '--rate', '200'],
    // The bench exits non-zero when over 0.5 % of a run's answers are refusals; the settled share is checked printed too.
    figures: [
      figure('answers settled \\(2xx\\):', '%'),
      figure('ratio service/floor:'),
      figure('ratio service/minimal floor:'),
      figure('server CPU per request: service', 'µs'),
      figure('CPU per request ratio service/minimal floor:', '×'),
      figure('CPU per request ratio at one rate, median of the rounds: service/minimal floor', '×'),
      figure('fixed rate \\d+ req/s: service p99', 'ms'),
    ],
  },
  ledger: {
    script: 'bench/ledger.ts',
    env: { BENCH_PER_ROUND: '100', BENCH_DAY_ENTRIES: '300' },
    args: ['--rounds', '1'],
    figures: [figure('cost ratio with/without:'), figure('first page \\(totals, groups, 100 entries\\): median', 'ms'), /3-master Redis Cluster/],
  },
  memory: {
    script: 'bench/memory.ts',
    args: ['--persons', '60'],
    figures: [figure('', 'B per settlement'), /after archiving/],
  },
  import: {
    script: 'bench/import.ts',
    args: ['--rows', '3000', '--bad-rows', '300'],
    figures: [figure('→', 'rows/s'), figure('import / floor =')],
  },
  replicas: {
    script: 'bench/replicas.ts',
    args: ['--rounds', '1', '--per-round', '40'],
    figures: [figure('none', 'settlements/s'), figure('shared', 'settlements/s'), figure('dedicated', 'settlements/s.*× none')],
  },
  national: {
    script: 'bench/national.ts',
    args: ['--rounds', '1', '--per-round', '30', '--concurrency', '4', '--warm-up', '10'],
    figures: [
      figure('native', 'settlements/s'),
      figure('adapter', 'settlements/s'),
      figure('ratio adapter/native:'),
      figure("median of the rounds' own ratios:", 'in settlements/s'),
    ],
  },
  'national-instructions': {
    script: 'bench/national.ts',
    args: ['--instructions', '--rounds', '1', '--per-round', '10', '--concurrency', '2', '--warm-up', '10'],
    figures: [figure('native ', 'M instructions per settlement'), figure('adapter ', 'M instructions per settlement'), figure('ratio native/adapter:', 'in instructions')],
  },
  catalogue: {
    script: 'bench/catalogue.ts',
    env: { BENCH_ROWS: '1000', BENCH_LINES: '50' },
    figures: [figure('server start to ready: demo catalogues', 'ms'), figure('HTTP settle .*→ ratio', '×'), figure('import tool: .*→', 'rows/s')],
  },
  'catalogue-ab': {
    script: 'bench/catalogue-ab.ts',
    env: { BENCH_ROWS: '1000' },
    args: ['--dist', 'dist', '--rounds', '1', '--lines', '50', '--amounts', '3', '--bills', '2'],
    figures: [figure('all rounds dist: preview', '×'), /all rounds dist: .*settle \d/],
  },
  'reverse-script': {
    script: 'bench/reverse-script.ts',
    // HEAD: a checkout always has it (a clean clone may hold no other branch).
    args: ['--reversals', '100', '--before', 'HEAD'],
    figures: [figure('this script, v5 record, inpatient +median block', 'µs'), figure('HEAD script, v4 record, outpatient +median block', 'µs')],
  },
  'record-codec': {
    script: 'bench/record-codec.ts',
    args: ['--rounds', '1'],
    figures: [figure('the codec: kept state, dictionary v\\d+', 'µs CPU/part'), figure('encodeSettlementRecord \\(answer \\+ inputs\\):', 'µs CPU per record')],
  },
  simulate: {
    script: 'bench/simulate.ts',
    args: ['--settlements', '2000'],
    figures: [figure('simulate', 'settlements:'), figure('', 'replays/s both ways'), figure(': ', '× the floor'), figure('1,000,000 settlements, extrapolated from \\d+ and', '')],
  },
  instructions: {
    script: 'bench/instructions.ts',
    args: ['--warm-up', '40', '--requests', '10', '--connections', '2'],
    figures: [figure('service \\(dist\\):', 'M instructions per settlement'), figure('instructions per settlement service/minimal floor:', '×')],
  },
  profile: {
    script: 'bench/profile.ts',
    args: ['--duration', '1', '--connections', '8'],
    // The profiler's stalls on a busy machine shed (503) and the profile stops over 0.5 % refused; a smoke checks the
    // workload settles (no 404/422), not the machine, so only event-loop shedding is off here.
    env: { MAX_EVENT_LOOP_DELAY_MS: '0' },
    figures: [figure('busy CPU in the profile:', 'ms'), /\| engine \(engine, policy, decimal\.js\) \| \d+/, /\| validation \(zod, contract\) \| \d+/],
  },
  attack: {
    script: 'bench/attack.ts',
    args: ['--duration', '5'],
    figures: [
      /^one 5,000-line preview alone \(valid codes\): \d{3}, .* largest event-loop turn \d+\.\d ms/m,
      /^bench:attack — /m,
      /^quiet\s+\d+\s+\d+\s+\d+\.\d\s+-?\d+ kB/m,
      /^1 reconciliations\s+\d+\s+\d+\s+\d+\.\d\s+-?\d+ kB/m,
    ],
  },
  desk: {
    script: 'bench/desk.ts',
    args: ['--loads', '3'],
    figures: [figure('JavaScript:', 'kB raw'), figure('/desk/ \\(sign-in form\\):', 'ms'), /ratio desk \/ baseline: (?:\d|n\/a)/],
  },
};

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const chosen = values.only ? values.only.split(',') : Object.keys(SMOKES);
for (const name of chosen) if (!SMOKES[name]) throw new Error(`bench:smoke: no benchmark ${name} (${Object.keys(SMOKES).join(', ')})`);

// Every bench/*.ts is a benchmark here, or a helper named below: a new one cannot be forgotten.
const HELPERS = new Set(['smoke.ts', 'floor-server.ts', 'floor-minimal.ts']);
const unlisted = readdirSync(path.join(ROOT, 'bench')).filter((f) => f.endsWith('.ts') && !HELPERS.has(f) && !Object.values(SMOKES).some((s) => s.script === `bench/${f}`));
if (unlisted.length) {
  process.stderr.write(`bench:smoke: benchmarks without a smoke entry: ${unlisted.join(', ')} (add them to bench/smoke.ts)\n`);
  process.exit(1);
}
if (!existsSync(path.join(ROOT, 'dist/server.js'))) {
  process.stderr.write('bench:smoke: dist/ is missing: npm run build first (npm test does)\n');
  process.exit(1);
}

const TIMEOUT_MS = 180_000;

function runOne(smoke: Smoke): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    // Its own process group: a benchmark that fails leaves no server or redis-server behind.
    const child = spawn(process.execPath, ['--import', 'tsx', smoke.script, ...(smoke.args ?? [])], {
      cwd: ROOT,
      env: { ...process.env, ...smoke.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(killGroup, TIMEOUT_MS);
    // Orphans still hold the pipes open: end them when the benchmark exits, then read to the end.
    child.on('exit', killGroup);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const failed: string[] = [];
for (const name of chosen) {
  const smoke = SMOKES[name]!;
  const result = await runOne(smoke);
  const missing = smoke.figures.filter((pattern) => !pattern.test(result.stdout));
  const ok = result.code === 0 && missing.length === 0;
  process.stdout.write(`bench:smoke ${name.padEnd(10)} ${ok ? 'ok     ' : 'FAILED '} ${result.seconds.toFixed(1)} s\n`);
  if (!ok) {
    failed.push(name);
    const why = result.code !== 0 ? `exit ${result.code}` : `no figure matching ${missing.map(String).join(', ')}`;
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-15).join('\n    ');
    process.stdout.write(`  ${why}; last lines:\n    ${tail}\n`);
  }
}
if (failed.length) {
  process.stdout.write(`bench:smoke: ${failed.length} of ${chosen.length} benchmarks did not print their figures: ${failed.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(`bench:smoke: all ${chosen.length} benchmarks ran and printed their figures\n`);
