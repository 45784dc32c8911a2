/**
 * Catalogues in the built server process: a bad file stops it with one line
 * naming file, row and column; SIGHUP reloads them with the key file — a bad
 * new file keeps the old catalogue (and the log says why), a good one makes a
 * new code known.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, sha256Hex } from '../../src/ops/api-keys.js';
import { ANCHOR, PY1_LINES } from '../helpers/fee-lines.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { spawnServer, writeKeysFile, type ServerProcess } from '../helpers/server-process.js';
import { CATALOGUE_DIR, workedExamples } from '../helpers/worked-examples.js';

const CARD = '330326198001010001';
const adminKey = generateKey();
const billingKey = generateKey();
const keysFile = writeKeysFile([
  { id: 'ops', role: 'admin', sha256: sha256Hex(adminKey) },
  { id: 'py-county', role: 'billing', hospitalId: 'PY-COUNTY', sha256: sha256Hex(billingKey) },
]);
const scratch = mkdtempSync(path.join(tmpdir(), 'catalogue-process-'));
let redis: RedisServer;
const running: ServerProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});
afterAll(async () => {
  await redis?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the shipped catalogues to edit. */
function catalogueDir(): string {
  const dir = mkdtempSync(path.join(scratch, 'cat-'));
  cpSync(CATALOGUE_DIR, dir, { recursive: true });
  return dir;
}

function call(server: ServerProcess, method: string, url: string, key: string, body?: unknown) {
  return fetch(`${server.base}${url}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

const preview = (server: ServerProcess, lines: unknown[]) =>
  call(server, 'POST', '/v1/settlements/preview', billingKey, { ...workedExamples.cases[0]!.request, requestId: 'CAT-P', charges: { lines } });

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('start', () => {
  it('a bad catalogue file stops the server with one line naming file, row and column', async () => {
    const dir = catalogueDir();
    const file = path.join(dir, 'shanxi-2019-demo.csv');
    const rows = readFileSync(file, 'utf8').split('\n');
    rows[5] = rows[5]!.replace(/,0[123],/, ',丙,');
    writeFileSync(file, rows.join('\n'));
    const missing = catalogueDir();
    rmSync(path.join(missing, 'quanzhou-2018-demo.csv'));
    for (const [env, pattern] of [
      [{ CATALOGUE_DIR: dir }, /^settlement service not started: catalogue file .*shanxi-2019-demo\.csv: row 6, column level: expected 01 \(甲\), 02 \(乙\) or 03 \(丙\)$/],
      [{ CATALOGUE_DIR: missing }, /^settlement service not started: catalogue file .*quanzhou-2018-demo\.csv: ENOENT/],
    ] as const) {
      const server = await spawnServer({ REDIS_URL: redis.url, API_KEYS_FILE: keysFile, ...env }, { waitReady: false });
      running.push(server);
      expect(await server.exited).toBe(1);
      const lines = server.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
    }
  });
});

describe('SIGHUP', () => {
  it('a bad new file keeps the old catalogue; a good one makes a new code known', async () => {
    const dir = catalogueDir();
    const server = await spawnServer({ REDIS_URL: redis.url, API_KEYS_FILE: keysFile, CATALOGUE_DIR: dir });
    running.push(server);
    expect((await call(server, 'PUT', '/v1/hospitals/PY-COUNTY', adminKey, workedExamples.hospitals['PY-COUNTY'])).status).toBeLessThan(300);
    expect((await call(server, 'PUT', `/v1/enrollees/${CARD}`, adminKey, workedExamples.enrollees[CARD])).status).toBeLessThan(300);
    const newLine = [{ lineId: 'N1', code: 'XNEW0000000000001', quantity: '1', unitPrice: '10', amount: '10.00' }];
    expect((await preview(server, PY1_LINES)).status).toBe(200);
    expect((await preview(server, newLine)).status).toBe(422);

    // A bad file: the old catalogue stays, requests keep settling, the log names the fault.
    const file = path.join(dir, 'zhejiang-2019-demo.csv');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, `${good}XNEW0000000000001,新药,02,,,09,,\n`);
    server.child.kill('SIGHUP');
    await until(async () => /catalogue not reloaded/.test(server.output()), 'the reload failure log');
    expect(server.output()).toMatch(/zhejiang-2019-demo\.csv: row \d+, column selfPayRatio: a 乙 \(02\) item needs its self-pay ratio/);
    expect((await preview(server, PY1_LINES)).status).toBe(200);
    expect((await preview(server, newLine)).status).toBe(422);

    // A good file: the new code is known, without a restart.
    writeFileSync(file, `${good}XNEW0000000000001,新药,02,0.2,,09,,\n`);
    server.child.kill('SIGHUP');
    await until(async () => (await preview(server, newLine)).status === 200, 'the new code to be known');
    const res = await preview(server, newLine);
    const body = (await res.json()) as { charges: { preSelfPay: string; lines: { level: string }[] } };
    expect(body.charges.preSelfPay).toBe('2.00');
    expect(body.charges.lines[0]!.level).toBe('02');
    // Untouched catalogues and codes are as before.
    expect((await preview(server, [{ lineId: 'A', code: ANCHOR.amoxicillin, quantity: '1', unitPrice: '1', amount: '1.00' }])).status).toBe(200);
  });
});
