/**
 * Archives a closed benefit year out of Redis (src/service/archive.ts):
 *
 *   npm run archive -- --year 2018 --out /srv/archives
 *   node dist/cli/archive.js --year 2018 --out /archives      (the image)
 *
 * Redis as the service finds it: REDIS_URL (redis://… or redis-cluster://…)
 * or REDIS_CLUSTER_NODES; policies from POLICY_DIR (default config/policies);
 * STORE_WRITE_FORMAT=previous as the service's while a roll is at its step 1.
 * Options: --as-of YYYY-MM-DD ("today", for a dry look at whether a year is
 * closed), --grace-ms N (how long to let running services notice the year is
 * being archived before it is read; default 15000, longer than their cache).
 * Safe to re-run, and to re-run after a crash: it goes on where it stopped.
 * Prints the manifest's counts; exits 1 with the reason when it cannot.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadPolicyDirectory } from '../policy/loader.js';
import { ArchiveError, YearArchiver } from '../service/archive.js';
import { ArchiveStore } from '../store/archive-store.js';
import type { ScriptedClient } from '../store/redis.js';
import { connectToolRedis } from './redis-connection.js';

const { values } = parseArgs({
  options: {
    year: { type: 'string' },
    out: { type: 'string' },
    'as-of': { type: 'string' },
    'grace-ms': { type: 'string', default: '15000' },
  },
});

function fail(message: string): never {
  process.stderr.write(`archive: ${message}\n`);
  process.exit(1);
}

if (!values.year || !/^\d{4}$/.test(values.year)) fail('--year YYYY is required');
if (!values.out) fail('--out <directory> is required');
if (values['as-of'] && !/^\d{4}-\d{2}-\d{2}$/.test(values['as-of'])) fail('--as-of expects YYYY-MM-DD');
const storeFormat = process.env.STORE_WRITE_FORMAT || 'compact';
if (storeFormat !== 'compact' && storeFormat !== 'previous') fail('STORE_WRITE_FORMAT expects compact or previous');

let redis: ScriptedClient;
try {
  redis = await connectToolRedis('archive', { connectionName: 'settlement-archive', commandTimeoutMs: 30_000, readyTimeoutMs: 20_000 });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
try {
  const catalog = loadPolicyDirectory(process.env.POLICY_DIR ?? 'config/policies');
  // Its sweep moves day-ledger entries: in the format the service writes (STORE_WRITE_FORMAT, docs/deploy.md).
  const report = await new YearArchiver(new ArchiveStore(redis, storeFormat === 'previous'), catalog).archive({
    year: Number(values.year),
    outDir: path.resolve(values.out),
    now: values['as-of'] ? new Date(`${values['as-of']}T12:00:00+08:00`) : new Date(),
    graceMs: Number(values['grace-ms']),
    log: (message) => process.stderr.write(`archive: ${message}\n`),
  });
  process.stdout.write(
    `${JSON.stringify({ archive: report.archive, directory: report.directory, resumed: report.resumed, counts: report.manifest.counts, removed: report.removed })}\n`,
  );
  redis.disconnect();
} catch (error) {
  redis.disconnect();
  fail(error instanceof ArchiveError ? error.message : ((error as Error).stack ?? String(error)));
}
