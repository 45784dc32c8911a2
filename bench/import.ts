/**
 * Registry import benchmark (targets: 50,000 rows/s, 200 MB), printed, never asserted:
 *
 * 1. 1,000,000 generated enrollees (CSV, Chinese headers) imported into a
 *    throw-away redis-server by the import command exactly as `npm run import`
 *    runs it: rows/s (target ≥ 50,000) and the process's peak memory (maxRSS,
 *    target < 200 MB).
 * 2. The same file again: every row unchanged, the key count and a sample of
 *    1,000 records byte for byte the same.
 * 3. A file with 1% bad rows: each bad row in the report, with its line.
 * 4. Baseline measured in the same run: the same records written through the
 *    same store call with no file, parsing or validation (the floor the import
 *    can approach); ratio import / floor.
 *
 *   npm run bench:import [-- --rows 1000000 --bad-rows 100000]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { enrolleeCard, expectedEnrollee, writeEnrolleeCsv } from '../scripts/lib/registry-files.js';
import { startRedis } from '../scripts/lib/redis-server.js';
import { createRedis, whenReady } from '../src/store/redis.js';
import { openRepositories } from '../src/store/repositories.js';
import { keys } from '../src/store/keys.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, 'bad-rows': { type: 'string', default: '100000' } } });
const ROWS = Number(values.rows);
const BAD_ROWS = Number(values['bad-rows']);

/** The import command as package.json's `import` script runs it (its node flags included). */
function importCommand(): string[] {
  const script = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.import!;
  const [node, ...args] = script.split(/\s+/);
  if (node !== 'node') throw new Error(`unexpected import script: ${script}`);
  return args;
}

interface Summary {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  seconds: number;
  rowsPerSecond: number;
  maxRssMb: number;
}

async function runImport(url: string, file: string): Promise<{ code: number | null; summary: Summary }> {
  const child = spawn(process.execPath, [...importCommand(), 'enrollees', file, '--quiet'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', REDIS_URL: url },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, summary: JSON.parse(readFileSync(`${file}.import-summary.json`, 'utf8')) as Summary };
}

function sample(n: number, count: number): number[] {
  const picked = new Set<number>([0, n - 1]);
  while (picked.size < Math.min(count, n)) picked.add(Math.floor(Math.random() * n));
  return [...picked];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
  const server = await startRedis();
  const redis = new Redis(server.url);
  try {
    console.log(
      `import benchmark: ${ROWS.toLocaleString('en')} enrollees; shared machine (${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}), figures vary with the neighbours`,
    );
    const file = path.join(dir, 'enrollees.csv');
    let started = Date.now();
    await writeEnrolleeCsv(file, ROWS);
    console.log(`generated ${file}: ${(statSync(file).size / 1e6).toFixed(0)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // 1. The import.
    const first = await runImport(server.url, file);
    const dbsize = await redis.dbsize();
    const picks = sample(ROWS, 1000);
    const before = await redis.mget(...picks.map((i) => keys.enrollee(enrolleeCard(i))));
    const wrong = picks.filter((i, j) => before[j] !== JSON.stringify(expectedEnrollee(i))).length;
    console.log(
      `import   : exit ${first.code}, ${first.summary.created.toLocaleString('en')} created in ${first.summary.seconds} s → ` +
        `${first.summary.rowsPerSecond.toLocaleString('en')} rows/s (target ≥ 50,000), peak memory ${first.summary.maxRssMb} MB (target < 200); ` +
        `${dbsize.toLocaleString('en')} keys; sample of ${picks.length}: ${wrong} not as expected`,
    );

    // 2. The same file again.
    const again = await runImport(server.url, file);
    const after = await redis.mget(...picks.map((i) => keys.enrollee(enrolleeCard(i))));
    const changed = picks.filter((_, j) => after[j] !== before[j]).length;
    console.log(
      `re-run   : exit ${again.code}, ${again.summary.unchanged.toLocaleString('en')} unchanged, ${again.summary.created} created, ${again.summary.updated} updated in ${again.summary.seconds} s → ` +
        `${again.summary.rowsPerSecond.toLocaleString('en')} rows/s, peak ${again.summary.maxRssMb} MB; keys ${(await redis.dbsize()).toLocaleString('en')} (was ${dbsize.toLocaleString('en')}); sample changed: ${changed}`,
    );

    // 3. 1% bad rows.
    const badFile = path.join(dir, 'bad.csv');
    const bad = await writeEnrolleeCsv(badFile, BAD_ROWS, 100);
    const withBad = await runImport(server.url, badFile);
    const report = readFileSync(`${badFile}.import-report.csv`, 'utf8').trim().split('\n').slice(1);
    const reportedLines = new Set(report.map((line) => Number(line.split(',')[0])));
    const missing = bad.filter((i) => !reportedLines.has(i + 2)).length;
    console.log(
      `1% bad   : exit ${withBad.code}, ${BAD_ROWS.toLocaleString('en')} rows, ${bad.length} bad, ${withBad.summary.rejected} rejected, ` +
        `${report.length} report lines, ${missing} bad rows missing from the report`,
    );

    // 4. The floor: the same records through the same store call, no file, no parsing, no validation.
    await redis.flushall();
    const client = createRedis({ url: server.url, offlineQueue: true });
    await whenReady(client);
    const store = openRepositories(client);
    started = Date.now();
    const BATCH = 1000;
    let inFlight: Promise<unknown> | null = null;
    for (let start = 0; start < ROWS; start += BATCH) {
      const batch = [];
      for (let i = start; i < Math.min(start + BATCH, ROWS); i++) batch.push(expectedEnrollee(i));
      const write = store.registry.putEnrollees(batch);
      if (inFlight) await inFlight;
      inFlight = write;
    }
    await inFlight;
    const floorSeconds = (Date.now() - started) / 1000;
    const floorRate = Math.round(ROWS / floorSeconds);
    client.disconnect();
    console.log(
      `floor    : the same ${ROWS.toLocaleString('en')} records through RegistryRepository.putEnrollees alone in ${floorSeconds.toFixed(2)} s → ${floorRate.toLocaleString('en')} rows/s`,
    );
    console.log(`ratio    : import / floor = ${(first.summary.rowsPerSecond / floorRate).toFixed(2)} (the file, CSV parsing, header mapping and validation cost the rest)`);
  } finally {
    redis.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
