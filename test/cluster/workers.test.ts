/**
 * WORKERS=2: the built server forks two workers behind one port (node:cluster)
 * over one redis-server. Both serve (told apart by the pid on their request
 * log lines), a worked example settles exactly, SIGHUP to the primary reloads
 * the caller keys in every worker, and SIGTERM to the primary shuts every
 * worker down gracefully and the primary exits 0. The operations listener
 * runs in the primary: metrics of both workers aggregated, readiness of both.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, sha256Hex } from '../../src/ops/api-keys.js';
import { SERVICE_NODE_FLAGS } from '../../src/ops/node-flags.js';
import { freePort, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { stayDaysOf } from '../helpers/stay-days.js';
import { spawnServer, writeKeysFile, type ServerProcess } from '../helpers/server-process.js';
import { workedExamples } from '../helpers/worked-examples.js';

const example = workedExamples.cases.find((c) => c.request.requestId === 'P-PY-1')!;
const CARD = example.request.card;
const HOSPITAL = example.request.hospitalId;
const adminKey = generateKey();
const billingKey = generateKey();
const adminEntry = { id: 'ops', role: 'admin', sha256: sha256Hex(adminKey) };

let redis: RedisServer;
let keysFile: string;
let server: ServerProcess;
let opsBase: string;
/** The billing key the workers accept (changes with the SIGHUP test). */
let currentBillingKey = billingKey;

beforeAll(async () => {
  redis = await startRedis();
  keysFile = writeKeysFile([adminEntry, { id: 'billing', role: 'billing', hospitalId: HOSPITAL, sha256: sha256Hex(billingKey) }]);
  const metricsPort = await freePort();
  opsBase = `http://127.0.0.1:${metricsPort}`;
  server = await spawnServer({
    REDIS_URL: redis.url,
    API_KEYS_FILE: keysFile,
    WORKERS: '2',
    SHUTDOWN_DRAIN_MS: '300',
    REDIS_TIMEOUT_MS: '3000',
    METRICS_PORT: String(metricsPort),
  });
  // spawnServer waits for the first worker; wait for the second too.
  await until('both workers listening', () => pidsWith('settlement service listening').size === 2);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface LogLine {
  pid?: number;
  msg?: string;
  req?: { id?: string };
  res?: { statusCode?: number };
}

function logLines(): LogLine[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

function pidsWith(msg: string): Set<number> {
  return new Set(
    logLines()
      .filter((l) => l.msg === msg)
      .map((l) => l.pid!),
  );
}

/** One request on a connection of its own (no keep-alive), so the primary hands each to the next worker. */
function request(method: string, path: string, key: string | null, body?: unknown, requestId?: string): Promise<{ status: number; body: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.base}${path}`,
      {
        method,
        agent: false,
        headers: {
          ...(key ? { Authorization: `Bearer ${key}` } : {}),
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
          ...(requestId ? { 'X-Request-Id': requestId } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text.startsWith('{') ? JSON.parse(text) : text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The pids that logged the requests with these X-Request-Ids. */
async function servedBy(requestIds: string[]): Promise<Set<number>> {
  const wanted = new Set(requestIds);
  await until('request log lines', () => logLines().filter((l) => wanted.has(l.req?.id ?? '')).length === requestIds.length);
  return new Set(
    logLines()
      .filter((l) => wanted.has(l.req?.id ?? ''))
      .map((l) => l.pid!),
  );
}

describe('WORKERS=2 over one redis-server', () => {
  it('two workers, not the primary, serve the one port', async () => {
    const workerPids = pidsWith('settlement service listening');
    expect(workerPids.has(server.child.pid!)).toBe(false);
    const ids = Array.from({ length: 20 }, (_, i) => `W-${i}`);
    for (const id of ids) expect((await request('GET', '/v1/policies', adminKey, undefined, id)).status).toBe(200);
    expect(await servedBy(ids)).toEqual(workerPids);
  });

  it("every worker runs under the service's node flags, once each", () => {
    for (const pid of pidsWith('settlement service listening')) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      for (const flag of SERVICE_NODE_FLAGS) expect(argv.filter((a) => a === flag)).toEqual([flag]);
    }
  });

  it(`worked example ${example.request.requestId} settles exactly`, async () => {
    expect((await request('PUT', `/v1/hospitals/${HOSPITAL}`, adminKey, workedExamples.hospitals[HOSPITAL])).status).toBe(201);
    expect((await request('PUT', `/v1/enrollees/${CARD}`, adminKey, workedExamples.enrollees[CARD])).status).toBe(201);
    const res = await request('POST', '/v1/settlements', billingKey, example.request);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    if (example.expect.status !== 'settled') throw new Error('P-PY-1 is a settled example');
    expect(res.body.payments).toEqual(example.expect.payments);
    expect(res.body.fundTotal).toBe(example.expect.fundTotal);
    expect(res.body.patientTotal).toBe(example.expect.patientTotal);
    // The replay is answered by whichever worker gets it.
    for (let i = 0; i < 4; i++) {
      const again = await request('POST', '/v1/settlements', billingKey, example.request);
      expect(again.status).toBe(200);
      expect(again.body.settlementId).toBe(res.body.settlementId);
    }
  });

  it("the primary serves both workers' metrics, aggregated, and their readiness", async () => {
    // After the worked example: one settlement, whichever worker made it, counted once; replays counted by both.
    const text = await (await fetch(`${opsBase}/metrics`)).text();
    expect(text).toMatch(/settlements_total\{policy="pingyang-2019",visit_type="inpatient",outcome="settled"\} 1\n/);
    expect(text).toMatch(/settlements_total\{policy="pingyang-2019",visit_type="inpatient",outcome="replay"\} 4\n/);
    expect(text).toMatch(/settlement_amount_fen_total\{policy="pingyang-2019",fund="basic"\} 771797\n/);
    expect(text).toMatch(/circuit_breaker_state\{breaker="redis"\} 0\n/);
    const ready = await fetch(`${opsBase}/readyz`);
    const body = (await ready.json()) as { status: string; checks: Record<string, string> };
    expect(ready.status, JSON.stringify(body)).toBe(200);
    expect(body.checks.workers).toBe('2 of 2 answered');
    expect(Object.keys(body.checks).filter((k) => k.startsWith('worker '))).toHaveLength(2);
  });

  it('SIGHUP to the primary reloads the caller keys in every worker', async () => {
    const newKey = generateKey();
    writeFileSync(keysFile, JSON.stringify([adminEntry, { id: 'billing-2', role: 'billing', hospitalId: HOSPITAL, sha256: sha256Hex(newKey) }]));
    server.child.kill('SIGHUP');
    await until('both workers reloaded', () => pidsWith('caller keys reloaded').size === 2);
    expect(pidsWith('caller keys reloaded')).toEqual(pidsWith('settlement service listening'));

    const ids = Array.from({ length: 10 }, (_, i) => `HUP-NEW-${i}`);
    for (const id of ids) {
      const res = await request('POST', '/v1/settlements/preview', newKey, { ...example.request, requestId: id }, id);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    expect(await servedBy(ids)).toEqual(pidsWith('settlement service listening'));
    const old = Array.from({ length: 10 }, (_, i) => `HUP-OLD-${i}`);
    for (const id of old) expect((await request('POST', '/v1/settlements/preview', billingKey, { ...example.request, requestId: id }, id)).status).toBe(401);
    expect((await servedBy(old)).size).toBe(2);
    currentBillingKey = newKey;
  });

  it('SIGTERM to the primary: readiness off, the in-flight settlement finishes, every worker stops, the primary exits 0', async () => {
    const workerPids = pidsWith('settlement service listening');
    // Hold writes in Redis so a settlement is in flight when SIGTERM arrives.
    execFileSync('redis-cli', ['-p', String(redis.port), 'CLIENT', 'PAUSE', '700', 'WRITE']);
    const inFlight = request('POST', '/v1/settlements', currentBillingKey, { ...example.request, card: CARD, ...stayDaysOf('TERM-1', 2019, '2019-11-01'), requestId: 'TERM-1' });
    await new Promise((r) => setTimeout(r, 100));
    server.child.kill('SIGTERM');

    // Readiness goes 503 (or the port is already closed).
    let readiness: number | 'refused' = 200;
    await until('readiness off', async () => {
      readiness = await request('GET', '/readyz', null).then(
        (r) => r.status,
        () => 'refused' as const,
      );
      return readiness !== 200;
    });
    expect([503, 'refused']).toContain(readiness);
    expect((await inFlight).status).toBe(201);
    expect(await server.exited).toBe(0);
    expect(pidsWith('stopped')).toEqual(workerPids);
    await expect(request('GET', '/healthz', null)).rejects.toThrow();
  });
});
