/**
 * Backups restored, on a single Redis (docs/deploy.md "Backups and restore"):
 * under settlement load, an RDB snapshot fetched over the network
 * (`redis-cli --rdb`) and a copy of the AOF directory (automatic rewrites
 * paused); each restored into a fresh redis-server holds every settlement
 * acknowledged before the backup began, with its body and its idempotency
 * record, and every person's balance equals the sum of their settlements.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillPersons, expectRestored, seedRegistry, startLoad, type Sent } from '../helpers/backup-drill.js';
import { sleep } from '../helpers/load-support.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { spawnServer, writeKeysFile, type ServerProcess } from '../helpers/server-process.js';
import { makeKeys } from '../helpers/service.js';
import { workedExamples } from '../helpers/worked-examples.js';

const run = promisify(execFile);
const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 30_000 })).stdout;

const people = drillPersons('BKUP');
const persons = people.map((p) => p.person);
const { keys, entries } = makeKeys(Object.keys(workedExamples.hospitals), []);
const keysFile = writeKeysFile(entries);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'settle-backup-'));
const cleanup: (() => Promise<void>)[] = [];

let source: RedisServer;
let acknowledgedBeforeRdb: Sent[] = [];
let acknowledgedBeforeAof: Sent[] = [];
let totalAcknowledged = 0;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: timed out`);
    await sleep(50);
  }
}

async function serverOn(redisUrl: string): Promise<ServerProcess> {
  const server = await spawnServer({ REDIS_URL: redisUrl, API_KEYS_FILE: keysFile, LOG_LEVEL: 'warn', RATE_LIMIT_RPS: '0' });
  cleanup.push(() => server.stop());
  return server;
}

beforeAll(async () => {
  source = await startRedis(['--appendonly', 'yes', '--appendfsync', 'always']);
  cleanup.push(() => source.stop());
  const server = await serverOn(source.url);
  await seedRegistry(server.base, keys.admin, people);
  const load = startLoad(server.base, keys.admin, persons);
  try {
    await load.until(60);
    // RDB: a point-in-time image taken by the server's fork, streamed to the backup host.
    acknowledgedBeforeRdb = [...load.acknowledged()];
    await cli(source.port, '--rdb', path.join(scratch, 'dump.rdb'));
    await load.until(acknowledgedBeforeRdb.length + 40);
    // AOF: pause automatic rewrites so the directory's manifest stays as copied, then copy it whole.
    await cli(source.port, 'CONFIG', 'SET', 'auto-aof-rewrite-percentage', '0');
    await until('no AOF rewrite running', async () => (await cli(source.port, 'INFO', 'persistence')).includes('aof_rewrite_in_progress:0'));
    acknowledgedBeforeAof = [...load.acknowledged()];
    cpSync(path.join(source.dir, 'appendonlydir'), path.join(scratch, 'aof', 'appendonlydir'), { recursive: true });
    await cli(source.port, 'CONFIG', 'SET', 'auto-aof-rewrite-percentage', '100');
    await load.until(acknowledgedBeforeAof.length + 20);
  } finally {
    await load.stop();
  }
  totalAcknowledged = load.acknowledged().length;
  expect(load.sent.filter((s) => s.status !== 201).map((s) => `${s.status} ${s.text}`)).toEqual([]);
}, 120_000);

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
});

describe('backups of a single Redis, taken under settlement load', { timeout: 120_000 }, () => {
  it('the RDB snapshot restores into a fresh server with every acknowledged settlement and balance', async () => {
    const dir = path.join(scratch, 'restored-rdb');
    mkdirSync(dir);
    cpSync(path.join(scratch, 'dump.rdb'), path.join(dir, 'dump.rdb'));
    // Start without the AOF so the RDB is what loads, then turn the AOF on (it is written from memory).
    const restored = await startRedis([], { dir });
    cleanup.push(async () => {
      await restored.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    await cli(restored.port, 'CONFIG', 'SET', 'appendonly', 'yes');
    await until('AOF written after the restore', async () => /aof_enabled:1[\s\S]*aof_rewrite_in_progress:0/.test(await cli(restored.port, 'INFO', 'persistence')));
    const server = await serverOn(restored.url);
    const report = await expectRestored(server.base, keys.admin, persons, acknowledgedBeforeRdb);
    expect(report.listed).toBeGreaterThanOrEqual(acknowledgedBeforeRdb.length);
    console.info(
      `[backup] RDB: ${report.acknowledgedBefore} acknowledged before the snapshot all restored; ${report.listed} in it; ${totalAcknowledged} acknowledged in the whole run`,
    );
  });

  it('the copied AOF directory restores into a fresh server with every acknowledged settlement and balance', async () => {
    const dir = path.join(scratch, 'aof');
    const restored = await startRedis(['--appendonly', 'yes', '--appendfsync', 'always'], { dir });
    cleanup.push(() => restored.stop());
    const server = await serverOn(restored.url);
    const report = await expectRestored(server.base, keys.admin, persons, acknowledgedBeforeAof);
    expect(report.listed).toBeGreaterThanOrEqual(acknowledgedBeforeAof.length);
    console.info(
      `[backup] AOF: ${report.acknowledgedBefore} acknowledged before the copy all restored; ${report.listed} in it; ${totalAcknowledged} acknowledged in the whole run`,
    );
  });
});
