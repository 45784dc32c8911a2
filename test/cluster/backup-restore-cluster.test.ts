/**
 * Backups restored, on a Redis Cluster (docs/deploy.md "Backups and restore"):
 * under settlement load, every master's RDB (`redis-cli --cluster backup`)
 * and every master's AOF directory are taken; each set is loaded shard by
 * shard into a staging redis-server and moved into a fresh cluster with
 * `redis-cli --cluster import` (its slots may be laid out differently). The
 * restored cluster holds every settlement acknowledged before the backup
 * began, with its body and its idempotency record, and every balance adds up.
 * Each person's keys share one slot, so per-master snapshots taken moments
 * apart still hold each person whole.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type RedisCluster } from '../../scripts/lib/redis-cluster.js';
import { drillPersons, expectRestored, seedRegistry, startLoad, type Sent } from '../helpers/backup-drill.js';
import { sleep } from '../helpers/load-support.js';
import { startRedis } from '../helpers/redis-server.js';
import { spawnServer, writeKeysFile, type ServerProcess } from '../helpers/server-process.js';
import { makeKeys } from '../helpers/service.js';
import { workedExamples } from '../helpers/worked-examples.js';

const run = promisify(execFile);

const people = drillPersons('BKCL');
const persons = people.map((p) => p.person);
const { keys, entries } = makeKeys(Object.keys(workedExamples.hospitals), []);
const keysFile = writeKeysFile(entries);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'settle-cluster-backup-'));
const cleanup: (() => Promise<void>)[] = [];

let source: RedisCluster;
const masters: { port: number; dir: string }[] = [];
let acknowledgedBeforeRdb: Sent[] = [];
let acknowledgedBeforeAof: Sent[] = [];

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: timed out`);
    await sleep(50);
  }
}

async function serverOn(nodes: string): Promise<ServerProcess> {
  const server = await spawnServer({ REDIS_CLUSTER_NODES: nodes, API_KEYS_FILE: keysFile, LOG_LEVEL: 'warn', REDIS_TIMEOUT_MS: '2000', RATE_LIMIT_RPS: '0' });
  cleanup.push(() => server.stop());
  return server;
}

/** Each shard's backup into a staging server (RDB, or AOF with appendonly on), then imported into a fresh cluster. */
async function restoreIntoFreshCluster(shardDirs: { dir: string; aof: boolean }[]): Promise<RedisCluster> {
  const fresh = await startRedisCluster();
  cleanup.push(() => fresh.stop());
  for (const shard of shardDirs) {
    const staging = await startRedis(shard.aof ? ['--appendonly', 'yes'] : [], { dir: shard.dir });
    try {
      await run('redis-cli', ['--cluster', 'import', `127.0.0.1:${fresh.ports[0]}`, '--cluster-from', `127.0.0.1:${staging.port}`, '--cluster-copy', '--cluster-replace'], {
        timeout: 60_000,
      });
    } finally {
      await staging.stop();
    }
  }
  return fresh;
}

beforeAll(async () => {
  source = await startRedisCluster();
  cleanup.push(() => source.stop());
  const topology = await source.topology();
  for (const node of topology.filter((n) => n.role === 'master')) {
    // As config/redis.conf: the AOF, fsynced before every reply. Full syncs start at once (no 5 s diskless wait).
    await source.cli(node.port, 'CONFIG', 'SET', 'appendonly', 'yes');
    await source.cli(node.port, 'CONFIG', 'SET', 'appendfsync', 'always');
    await source.cli(node.port, 'CONFIG', 'SET', 'repl-diskless-sync-delay', '0');
    const dir = (await source.cli(node.port, 'CONFIG', 'GET', 'dir')).trim().split('\n')[1]!;
    masters.push({ port: node.port, dir });
  }
  for (const { port } of masters) await until(`AOF on ${port}`, async () => /aof_rewrite_in_progress:0/.test(await source.cli(port, 'INFO', 'persistence')));

  const server = await serverOn(source.nodes);
  await seedRegistry(server.base, keys.admin, people);
  const load = startLoad(server.base, keys.admin, persons);
  try {
    await load.until(60);
    acknowledgedBeforeRdb = [...load.acknowledged()];
    mkdirSync(path.join(scratch, 'rdb'));
    await run('redis-cli', ['--cluster', 'backup', `127.0.0.1:${masters[0]!.port}`, path.join(scratch, 'rdb')], { timeout: 60_000 });
    await load.until(acknowledgedBeforeRdb.length + 30);
    for (const { port } of masters) {
      await source.cli(port, 'CONFIG', 'SET', 'auto-aof-rewrite-percentage', '0');
      await until(`no AOF rewrite on ${port}`, async () => /aof_rewrite_in_progress:0/.test(await source.cli(port, 'INFO', 'persistence')));
    }
    acknowledgedBeforeAof = [...load.acknowledged()];
    for (const { port, dir } of masters) cpSync(path.join(dir, 'appendonlydir'), path.join(scratch, `aof-${port}`, 'appendonlydir'), { recursive: true });
    for (const { port } of masters) await source.cli(port, 'CONFIG', 'SET', 'auto-aof-rewrite-percentage', '100');
    await load.until(acknowledgedBeforeAof.length + 20);
  } finally {
    await load.stop();
  }
  expect(load.sent.filter((s) => s.status !== 201).map((s) => `${s.status} ${s.text}`)).toEqual([]);
}, 180_000);

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
});

describe('backups of a Redis Cluster, taken under settlement load', { timeout: 180_000 }, () => {
  it("every master's RDB, imported into a fresh cluster, holds every acknowledged settlement and balance", async () => {
    const files = readdirSync(path.join(scratch, 'rdb')).filter((f) => f.endsWith('.rdb'));
    expect(files).toHaveLength(masters.length);
    const shards = files.map((file) => {
      const dir = mkdtempSync(path.join(scratch, 'staging-'));
      cpSync(path.join(scratch, 'rdb', file), path.join(dir, 'dump.rdb'));
      return { dir, aof: false };
    });
    const fresh = await restoreIntoFreshCluster(shards);
    const server = await serverOn(fresh.nodes);
    const report = await expectRestored(server.base, keys.admin, persons, acknowledgedBeforeRdb);
    console.info(`[backup] cluster RDB: ${report.acknowledgedBefore} acknowledged before the backup all restored; ${report.listed} in it`);
  });

  it("every master's AOF directory, imported into a fresh cluster, holds every acknowledged settlement and balance", async () => {
    const shards = masters.map(({ port }) => ({ dir: path.join(scratch, `aof-${port}`), aof: true }));
    const fresh = await restoreIntoFreshCluster(shards);
    const server = await serverOn(fresh.nodes);
    const report = await expectRestored(server.base, keys.admin, persons, acknowledgedBeforeAof);
    console.info(`[backup] cluster AOF: ${report.acknowledgedBefore} acknowledged before the copy all restored; ${report.listed} in it`);
  });
});
