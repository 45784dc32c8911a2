/**
 * Policies in the built server process reload on SIGHUP like catalogues: a
 * bad file keeps the policy already loaded (the log names the file), a good
 * one takes effect without a restart; every settlement records the version
 * (sha256 of the file's text) of the policy it used, and keeps it when the
 * file changes afterwards.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, sha256Hex } from '../../src/ops/api-keys.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { spawnServer, writeKeysFile, type ServerProcess } from '../helpers/server-process.js';
import { POLICY_DIR, workedExamples } from '../helpers/worked-examples.js';

const CARD = '330326198001010001';
const adminKey = generateKey();
const billingKey = generateKey();
const keysFile = writeKeysFile([
  { id: 'ops', role: 'admin', sha256: sha256Hex(adminKey) },
  { id: 'py-county', role: 'billing', hospitalId: 'PY-COUNTY', sha256: sha256Hex(billingKey) },
]);
const scratch = mkdtempSync(path.join(tmpdir(), 'policy-process-'));
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

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function call(server: ServerProcess, method: string, url: string, key: string, body?: unknown) {
  return fetch(`${server.base}${url}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

const STAY = { ...workedExamples.cases.find((c) => c.request.hospitalId === 'PY-COUNTY' && c.request.card === CARD)!.request };

async function versionOfPreview(server: ServerProcess): Promise<string> {
  const res = await call(server, 'POST', '/v1/settlements/preview', billingKey, { ...STAY, requestId: 'POL-P' });
  expect(res.status).toBe(200);
  return ((await res.json()) as { policyVersion: string }).policyVersion;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('SIGHUP', () => {
  it('a bad policy file keeps the loaded policy; a good one takes effect; settlements keep the version they used', async () => {
    const dir = mkdtempSync(path.join(scratch, 'pol-'));
    cpSync(POLICY_DIR, dir, { recursive: true });
    const file = path.join(dir, 'pingyang-2019.yaml');
    const original = readFileSync(file, 'utf8');
    // No load shedding: a busy test machine must not answer 503 here.
    const server = await spawnServer({ REDIS_URL: redis.url, API_KEYS_FILE: keysFile, POLICY_DIR: dir, MAX_EVENT_LOOP_DELAY_MS: '0' });
    running.push(server);
    expect((await call(server, 'PUT', '/v1/hospitals/PY-COUNTY', adminKey, workedExamples.hospitals['PY-COUNTY'])).status).toBeLessThan(300);
    const put = await call(server, 'PUT', `/v1/enrollees/${CARD}`, adminKey, workedExamples.enrollees[CARD]);
    expect(put.status, await put.clone().text()).toBeLessThan(300);
    expect(await versionOfPreview(server)).toBe(sha256(original));

    const settled = await call(server, 'POST', '/v1/settlements', billingKey, { ...STAY, requestId: 'POL-S1' });
    expect(settled.status).toBe(201);
    const first = (await settled.json()) as { settlementId: string; policyVersion: string };
    expect(first.policyVersion).toBe(sha256(original));

    // A bad file: the loaded policy stays, requests keep settling with it, the log names the file.
    writeFileSync(file, original.replace(/^benefitYear: 2019$/m, 'benefitYear: next year'));
    server.child.kill('SIGHUP');
    await until(async () => /policy not reloaded/.test(server.output()), 'the reload failure log');
    expect(server.output()).toMatch(/pingyang-2019\.yaml: benefitYear/);
    expect(await versionOfPreview(server)).toBe(sha256(original));

    // A good file: its version is the one used from now on, without a restart.
    const amended = `${original}\n# amended: the same rules, a new text\n`;
    writeFileSync(file, amended);
    server.child.kill('SIGHUP');
    await until(async () => (await versionOfPreview(server)) === sha256(amended), 'the amended policy to be used');
    const list = (await (await call(server, 'GET', '/v1/policies', adminKey)).json()) as { policies: { policyId: string; version: string }[] };
    expect(list.policies.find((p) => p.policyId === 'pingyang-2019')!.version).toBe(sha256(amended));

    // The settlement recorded before says which text it used.
    const stored = (await (await call(server, 'GET', `/v1/settlements/${first.settlementId}`, billingKey)).json()) as { policyVersion: string };
    expect(stored.policyVersion).toBe(sha256(original));
  });
});
