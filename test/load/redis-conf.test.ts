/**
 * config/redis.conf is what production runs: start redis-server with it
 * (port, dir and bind overridden on the command line, as later arguments win)
 * and check the settings the ledger depends on — AOF on, fsync on every write,
 * no eviction — then that a committed settlement survives kill -9.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zeroDeltas } from '../../src/domain/accumulators.js';
import { money } from '../../src/domain/money.js';
import { newId } from '../../src/store/keys.js';
import { rawCommit } from '../helpers/raw-commit.js';
import { createRedis, whenReady, type ScriptedClient } from '../../src/store/redis.js';
import { openRepositories } from '../../src/store/repositories.js';
import { freePort } from '../helpers/redis-server.js';
import { ROOT } from '../helpers/worked-examples.js';

const CONF = path.join(ROOT, 'config/redis.conf');

let port: number;
let dir: string;
let child: ChildProcess;
let client: ScriptedClient;

function launch(): ChildProcess {
  return spawn('redis-server', [CONF, '--port', String(port), '--dir', dir, '--bind', '127.0.0.1'], { stdio: 'ignore' });
}

function exited(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
  });
}

async function configGet(name: string): Promise<string> {
  const reply = (await client.config('GET', name)) as string[];
  expect(reply[0]).toBe(name);
  return reply[1]!;
}

beforeAll(async () => {
  port = await freePort();
  dir = mkdtempSync(path.join(os.tmpdir(), 'settle-redis-conf-'));
  child = launch();
  client = createRedis({ url: `redis://127.0.0.1:${port}` }); // reconnects on its own
  client.on('error', () => {});
  await whenReady(client);
});
afterAll(async () => {
  client?.disconnect();
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited(child);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('config/redis.conf', () => {
  it('turns the AOF on with fsync on every write, and never evicts', async () => {
    expect(await configGet('appendonly')).toBe('yes');
    expect(await configGet('appendfsync')).toBe('always');
    expect(await configGet('maxmemory-policy')).toBe('noeviction');
    // …and the settings that keep those promises
    expect(await configGet('no-appendfsync-on-rewrite')).toBe('no');
    expect(await configGet('aof-use-rdb-preamble')).toBe('yes');
    expect(await configGet('protected-mode')).toBe('yes');
    expect(Number(await configGet('maxmemory'))).toBeGreaterThan(0);
    expect(await configGet('save')).not.toBe('');
    expect(await configGet('stop-writes-on-bgsave-error')).toBe('yes');
    expect(Number(await configGet('latency-monitor-threshold'))).toBeGreaterThan(0);
    // the command line overrode the file's port, dir and bind
    expect(await configGet('dir')).toBe(dir);
    expect(await configGet('bind')).toBe('127.0.0.1');
    expect(await configGet('port')).toBe(String(port));
  });

  it('keeps a committed settlement across kill -9', async () => {
    const store = openRepositories(client);
    const card = 'CONFKILL1';
    const deltas = zeroDeltas();
    deltas.admissions = 1;
    deltas.basicPaid = money('1234.56');
    const settlementId = newId('S', card);
    const outcome = await store.settlements.commitSettlement(rawCommit({ card, requestId: 'CONF-1', settlementId, deltas }));
    expect(outcome.kind).toBe('committed');

    child.kill('SIGKILL');
    await exited(child);
    child = launch();
    // ioredis reconnects once the server is back and has loaded the AOF.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const pong = await client.ping().catch(() => null);
      if (pong === 'PONG') break;
      if (Date.now() > deadline) throw new Error('redis-server did not come back');
      await new Promise((r) => setTimeout(r, 50));
    }
    const { accumulators } = await store.settlements.getAccumulators(card, 2019);
    expect(accumulators.admissions).toBe(1);
    expect(accumulators.basicPaid.toFixed(2)).toBe('1234.56');
    expect((await store.settlements.getSettlement(settlementId))?.settlementId).toBe(settlementId);
  });
});
