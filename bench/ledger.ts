/**
 * Day-ledger benchmarks, printed, never asserted:
 *
 * 1. What the ledger adds to a settlement: the settlement use-case (read,
 *    claim, engine, explained view, commit) run with the ledger and without it
 *    (the same commit script minus its ledger write, no slot note), in
 *    alternating rounds of the same run; ratio with/without (target ≤ 1.1).
 * 2. A day statement of one hospital with 10,000 entries (settlements spread
 *    over 2,000 persons, so over ~1,800 slots), through HTTP: the first page
 *    and the whole day (target < 1 s), on a single Redis and on a 3-master
 *    Redis Cluster.
 *
 *   npm run bench:ledger                 (both Redis deployments)
 *   npm run bench:ledger -- --single     (single Redis only)
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { composeService } from '../src/compose.js';
import { KeyRing, generateKey, sha256Hex } from '../src/ops/api-keys.js';
import { loadPolicyDirectory } from '../src/policy/loader.js';
import { LocalCoverage } from '../src/service/coverage.js';
import { SettlementService } from '../src/service/settlements.js';
import { parseSettlementRequest } from '../src/contract/settlement.js';
import { SCRIPT_SOURCES, createRedis, whenReady, type ScriptedClient } from '../src/store/redis.js';
import { LedgerRepository, openRepositories } from '../src/store/repositories.js';
import { startRedisCluster } from '../scripts/lib/redis-cluster.js';
import { startRedis } from '../scripts/lib/redis-server.js';
import { pingyang2019Enrollee } from '../test/helpers/load-support.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { single: { type: 'boolean', default: false }, rounds: { type: 'string', default: '6' } } });
const ROUNDS = Number(values.rounds);
// Smaller with BENCH_PER_ROUND / BENCH_DAY_ENTRIES (npm run bench:smoke); the figures in docs/benchmarks.md use the defaults.
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 1_500);
const DAY_ENTRIES = Number(process.env.BENCH_DAY_ENTRIES ?? 10_000);
const CONCURRENCY = 32;
const catalog = loadPolicyDirectory(path.join(ROOT, 'config/policies'));
const fixture = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/worked-examples.json'), 'utf8')) as { hospitals: Record<string, unknown> };

const enrollee = pingyang2019Enrollee;

/** The commit script without its ledger write: the "before" of the ratio. */
function withoutLedger(client: ScriptedClient): ScriptedClient {
  // The script as the client loaded it (whatever its number of keys now), minus its ledger write.
  const source = SCRIPT_SOURCES.get('commitSettlement');
  if (!source) throw new Error('commitSettlement is not loaded');
  const lua = source.lua.replace(/^redis\.call\('HSET', ledgerKey.*$/m, '');
  if (lua === source.lua || lua.includes("'HSET', ledgerKey")) throw new Error('could not strip the ledger write');
  client.defineCommand('commitSettlement', { numberOfKeys: source.numberOfKeys, lua });
  return client;
}

class LedgersWithoutSlots extends LedgerRepository {
  override async noteLedgerSlot(): Promise<number> {
    return Date.now();
  }
}

async function settleMany(service: SettlementService, prefix: string, count: number, cardPrefix: string): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const card = `${cardPrefix}${i % 400}`;
      await service.settle(
        parseSettlementRequest({
          requestId: `${prefix}-${i}`,
          card,
          hospitalId: 'PY-COUNTY',
          visitType: 'outpatient',
          admissionDate: '2019-05-01',
          dischargeDate: '2019-05-01',
          charges: { total: '100.00' },
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function ledgerCost(url: string): Promise<void> {
  const withClient = createRedis({ url, offlineQueue: false, commandTimeoutMs: 5000 });
  const withoutClient = withoutLedger(createRedis({ url, offlineQueue: false, commandTimeoutMs: 5000 }));
  await Promise.all([whenReady(withClient), whenReady(withoutClient)]);
  const withStore = openRepositories(withClient);
  const withoutStore = { ...openRepositories(withoutClient), ledgers: new LedgersWithoutSlots(withoutClient) };
  await withStore.registry.putHospital({ hospitalId: 'PY-COUNTY', ...(fixture.hospitals['PY-COUNTY'] as object) } as never);
  for (let c = 0; c < 400; c++) for (const prefix of ['LBW', 'LBO']) await withStore.registry.putEnrollee(enrollee(`${prefix}${c}`));
  const withLedger = new SettlementService(withStore, catalog, new LocalCoverage(withStore));
  const noLedger = new SettlementService(withoutStore, catalog, new LocalCoverage(withoutStore));
  await settleMany(withLedger, 'warmW', Math.min(500, PER_ROUND), 'LBW');
  await settleMany(noLedger, 'warmWO', Math.min(500, PER_ROUND), 'LBO');
  const rates: { with: number[]; without: number[] } = { with: [], without: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const);
    for (const variant of order) {
      const seconds = await settleMany(variant === 'with' ? withLedger : noLedger, `${variant}${round}`, PER_ROUND, variant === 'with' ? 'LBW' : 'LBO');
      rates[variant].push(PER_ROUND / seconds);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const w = median(rates.with);
  const wo = median(rates.without);
  console.log(`settlement use-case, ${ROUNDS} alternating rounds of ${PER_ROUND} (concurrency ${CONCURRENCY}):`);
  console.log(`  without ledger ${wo.toFixed(0)} settlements/s  (rounds: ${rates.without.map((r) => r.toFixed(0)).join(', ')})`);
  console.log(`  with ledger    ${w.toFixed(0)} settlements/s  (rounds: ${rates.with.map((r) => r.toFixed(0)).join(', ')})`);
  console.log(`  cost ratio with/without: ${(wo / w).toFixed(3)}  (target ≤ 1.1)`);
  withClient.disconnect();
  withoutClient.disconnect();
}

async function statementTime(label: string, redisOptions: { url?: string; clusterNodes?: string[] }): Promise<void> {
  const redis = createRedis({ ...redisOptions, offlineQueue: false, commandTimeoutMs: 10_000 });
  await whenReady(redis, 20_000);
  const admin = generateKey();
  const service = composeService({
    redis,
    catalog,
    keys: KeyRing.fromEntries([{ id: 'ops', role: 'admin', sha256: sha256Hex(admin) }]),
    redisTimeoutMs: 10_000,
    now: () => new Date('2026-11-20T03:00:00.000Z'),
  });
  const store = service.repositories;
  await store.registry.putHospital({ hospitalId: 'PY-COUNTY', ...(fixture.hospitals['PY-COUNTY'] as object) } as never);
  for (let c = 0; c < 2000; c++) await store.registry.putEnrollee(enrollee(`ST${c}`));
  const settlements = new SettlementService(store, catalog, new LocalCoverage(store), { now: () => new Date('2026-11-20T03:00:00.000Z') });
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < DAY_ENTRIES; i = next++) {
        await settlements.settle(
          parseSettlementRequest({
            requestId: `ST-${i}`,
            card: `ST${i % 2000}`,
            hospitalId: 'PY-COUNTY',
            visitType: 'outpatient',
            admissionDate: '2019-05-01',
            dischargeDate: '2019-05-01',
            charges: { total: '100.00' },
          }),
        );
      }
    }),
  );
  const loadSeconds = (Date.now() - started) / 1000;
  const server = http.createServer(service.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (query: string) => {
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${base}/v1/hospitals/PY-COUNTY/statements/2026-11-20${query}`, { headers: { Authorization: `Bearer ${admin}` } });
    const body = (await res.json()) as { totals: { count: number }; entries: unknown[]; next: string | null };
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, body };
  };
  const onePage: number[] = [];
  const firstPage: number[] = [];
  const wholeDay: number[] = [];
  let count = 0;
  for (let run = 0; run < 5; run++) {
    onePage.push((await get('?limit=1')).ms);
    const page = await get('?limit=100');
    firstPage.push(page.ms);
    count = page.body.totals.count;
    let t = 0;
    let cursor: string | null = null;
    let seen = 0;
    do {
      const p: Awaited<ReturnType<typeof get>> = await get(`?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      t += p.ms;
      seen += p.body.entries.length;
      cursor = p.body.next;
    } while (cursor !== null);
    if (seen !== count) throw new Error(`paged ${seen} entries of ${count}`);
    wholeDay.push(t);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`statement of a day with ${count} entries at one hospital (${label}; loaded in ${loadSeconds.toFixed(1)} s):`);
  console.log(`  ?limit=1 (totals, groups, 1 entry):         median ${median(onePage).toFixed(1)} ms  (runs: ${onePage.map((x) => x.toFixed(1)).join(', ')})`);
  console.log(`  first page (totals, groups, 100 entries): median ${median(firstPage).toFixed(0)} ms  (runs: ${firstPage.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(
    `  whole day (pages of 1,000):                median ${median(wholeDay).toFixed(0)} ms  (runs: ${wholeDay.map((x) => x.toFixed(0)).join(', ')})  (target < 1000 ms a statement)`,
  );
  server.close();
  redis.disconnect();
  service.breaker.shutdown();
}

const single = await startRedis();
try {
  await ledgerCost(single.url);
  await statementTime('single Redis', { url: single.url });
} finally {
  await single.stop();
}
if (!values.single) {
  const cluster = await startRedisCluster();
  try {
    await statementTime('3-master Redis Cluster', { clusterNodes: cluster.nodes.split(',') });
  } finally {
    await cluster.stop();
  }
}
process.exit(0);
