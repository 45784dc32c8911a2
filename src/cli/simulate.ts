/**
 * npm run simulate -- --year 2019 --from <archive dir | redis> --policies <draft policy dir> --out <report dir>
 *
 * Replays every settlement of a closed year (reversed ones dropped) twice
 * from a zero year-to-date, under the policies in force (POLICY_DIR, default
 * config/policies: the baseline, which must reproduce every answer given)
 * and under the draft directory, and writes report.json and report.html.
 * `--from redis` reads Redis read-only (REDIS_URL / REDIS_CLUSTER_NODES as for
 * the server); otherwise the archive directory `npm run archive` wrote (the
 * archive itself or its --out directory). Catalogues from CATALOGUE_DIR
 * (default config/catalogues). Exit: 0 written and every baseline answer
 * matched, 3 written with mismatches, 1 could not run (the reason is printed).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { archiveSource, redisSource, SourceError, type YearSource } from '../simulate/sources.js';
import { PolicyLoadError, simulateYear } from '../simulate/simulate.js';
import { ReplayError } from '../simulate/run.js';
import { ArchiveStore } from '../store/archive-store.js';
import { createRedis, whenReady } from '../store/redis.js';

const USAGE = `usage: npm run simulate -- --year YYYY --from <archive dir | redis> --policies <draft policy dir> --out <report dir>

  --baseline <dir>   the policies in force (default POLICY_DIR or config/policies)
  --workers <n>      replay threads (default: one per core)
  --quiet            no progress bar`;

function fail(message: string): never {
  process.stderr.write(`simulate: ${message}\n`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    year: { type: 'string' },
    from: { type: 'string' },
    policies: { type: 'string' },
    out: { type: 'string' },
    baseline: { type: 'string' },
    workers: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!values.year || !/^\d{4}$/.test(values.year)) fail(`--year YYYY is required\n${USAGE}`);
if (!values.from) fail(`--from <archive dir | redis> is required\n${USAGE}`);
if (!values.policies) fail(`--policies <draft policy dir> is required\n${USAGE}`);
if (!values.out) fail(`--out <report dir> is required\n${USAGE}`);
if (values.workers && !/^[1-9]\d?$/.test(values.workers)) fail('--workers expects a number from 1 to 99');
const year = Number(values.year);

let redis: ReturnType<typeof createRedis> | null = null;
let source: YearSource;
try {
  if (values.from === 'redis') {
    const url = process.env.REDIS_URL;
    const clusterNodes = url?.startsWith('redis-cluster://') ? url.slice('redis-cluster://'.length).split(',') : process.env.REDIS_CLUSTER_NODES?.split(',');
    redis = createRedis({ url: clusterNodes ? undefined : (url ?? 'redis://127.0.0.1:6379'), clusterNodes, commandTimeoutMs: 30_000, connectionName: 'settlement-simulate' });
    redis.on('error', () => {});
    await whenReady(redis, 20_000);
    source = redisSource(new ArchiveStore(redis), year, clusterNodes ? `redis-cluster ${clusterNodes.join(',')}` : (url ?? 'redis://127.0.0.1:6379'));
  } else {
    source = await archiveSource(path.resolve(values.from), year);
  }
} catch (error) {
  redis?.disconnect();
  fail(error instanceof SourceError ? error.message : `cannot read ${values.from}: ${(error as Error).message}`);
}

const bar =
  values.quiet || !process.stderr.isTTY
    ? null
    : new cliProgress.SingleBar(
        { format: `${year} |{bar}| {value}/{total} settlements | {percentage}% | ETA {eta_formatted}`, etaBuffer: 50, hideCursor: true, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
// Redis does not say beforehand how many there are: the bar's end moves with them.
let total = source.expected ?? 0;
bar?.start(Math.max(total, 1), 0);
try {
  const { report, json, html } = await simulateYear({
    year,
    source,
    baselineDir: path.resolve(values.baseline ?? process.env.POLICY_DIR ?? 'config/policies'),
    draftDir: path.resolve(values.policies),
    catalogueDir: path.resolve(process.env.CATALOGUE_DIR ?? 'config/catalogues'),
    outDir: path.resolve(values.out),
    workers: values.workers ? Number(values.workers) : undefined,
    progress: (done) => {
      if (done > total) bar?.setTotal((total = done));
      bar?.update(done);
    },
  });
  bar?.stop();
  redis?.disconnect();
  process.stdout.write(
    `${JSON.stringify({
      year: report.year,
      settlements: report.settlements,
      replayed: report.replayed,
      matched: report.matched,
      mismatches: report.mismatchCount,
      baseline: { fundTotal: report.baseline.fundTotal, patient: report.baseline.patient, refused: report.baseline.refused },
      draft: { fundTotal: report.draft.fundTotal, patient: report.draft.patient, refused: report.draft.refused },
      difference: report.difference.fundTotal,
      seconds: report.seconds,
      json,
      html,
    })}\n`,
  );
  process.exit(report.mismatchCount === 0 ? 0 : 3);
} catch (error) {
  bar?.stop();
  redis?.disconnect();
  if (error instanceof PolicyLoadError) fail(`${error.zh}\n${error.message}`);
  if (error instanceof ReplayError || error instanceof SourceError) fail(error.message);
  fail((error as Error).stack ?? String(error));
}
