/**
 * The built server as a process: refusing bad configuration, SIGHUP key
 * reload, Redis outage and recovery, graceful shutdown, masked logs, metrics.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, sha256Hex } from '../../src/ops/api-keys.js';
import { freePort, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { spawnServer, writeKeysFile, type ServerProcess } from '../helpers/server-process.js';
import { stayDaysOf } from '../helpers/stay-days.js';
import { ROOT, workedExamples } from '../helpers/worked-examples.js';

const CARD = '330326198001010001';
const adminKey = generateKey();
const billingKey = generateKey();
const keyEntries = [
  { id: 'ops', role: 'admin', sha256: sha256Hex(adminKey) },
  { id: 'py-county', role: 'billing', hospitalId: 'PY-COUNTY', sha256: sha256Hex(billingKey) },
];

let redis: RedisServer;
let keysFile: string;
const running: ServerProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  keysFile = writeKeysFile(keyEntries);
});
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});
afterAll(async () => redis?.stop());

async function start(env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await spawnServer({ REDIS_URL: redis.url, API_KEYS_FILE: keysFile, ...env });
  running.push(server);
  return server;
}

function call(server: ServerProcess, method: string, path: string, key: string | null, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.base}${path}`, {
    method,
    headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
}

async function loadRegistry(server: ServerProcess): Promise<void> {
  expect((await call(server, 'PUT', '/v1/hospitals/PY-COUNTY', adminKey, workedExamples.hospitals['PY-COUNTY'])).status).toBeLessThan(300);
  expect((await call(server, 'PUT', `/v1/enrollees/${CARD}`, adminKey, workedExamples.enrollees[CARD])).status).toBeLessThan(300);
}

// One person in one hospital at a time: each requestId its own night of the case's year (a resent requestId keeps its days).
const settlement = (requestId: string) => {
  const request = workedExamples.cases[0]!.request;
  return { ...request, ...stayDaysOf(requestId, Number(String(request.dischargeDate).slice(0, 4))), requestId };
};

describe('configuration', () => {
  it('refuses to start with a one-line reason on an invalid policy file, key file or setting', async () => {
    const dir = execFileSync('mktemp', ['-d']).toString().trim();
    writeFileSync(`${dir}/pingyang-2019.yaml`, 'id: pingyang-2019\nregion: pingyang\n');
    const badKeys = writeKeysFile([{ id: 'x', role: 'billing', sha256: 'abc' }]);
    for (const [env, pattern] of [
      [{ POLICY_DIR: dir }, /^settlement service not started: policy file .*pingyang-2019\.yaml: \S+/],
      [{ API_KEYS_FILE: badKeys }, /^settlement service not started: key file .*: \S+/],
      [{ PORT: 'eighty' }, /^settlement service not started: invalid configuration: PORT/],
      [{ API_KEYS_FILE: '' }, /^settlement service not started: invalid configuration: API_KEYS_FILE/],
      [{ RATE_LIMIT_RPS: '-1' }, /^settlement service not started: invalid configuration: RATE_LIMIT_RPS/],
      [{ MAX_IN_FLIGHT: 'lots' }, /^settlement service not started: invalid configuration: MAX_IN_FLIGHT/],
      [{ METRICS_PORT: '70000' }, /^settlement service not started: invalid configuration: METRICS_PORT/],
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
  it('reloads the key file without dropping requests', async () => {
    const server = await start();
    await loadRegistry(server);
    const newKey = generateKey();
    writeFileSync(keysFile, JSON.stringify([...keyEntries.slice(0, 1), { id: 'py-county-2', role: 'billing', hospitalId: 'PY-COUNTY', sha256: sha256Hex(newKey) }]));
    // Within the key's in-flight cap (MAX_IN_FLIGHT_PER_KEY, 32): more would be 429 by design, not dropped by the reload.
    const inFlight = Array.from({ length: 30 }, (_, i) => call(server, 'POST', '/v1/settlements/preview', adminKey, settlement(`HUP-${i}`)));
    server.child.kill('SIGHUP');
    const statuses = await Promise.all(inFlight.map(async (p) => (await p).status));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const deadline = Date.now() + 5000;
    while ((await call(server, 'POST', '/v1/settlements/preview', newKey, settlement('HUP-NEW'))).status !== 200) {
      if (Date.now() > deadline) throw new Error('new key not accepted after SIGHUP');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await call(server, 'POST', '/v1/settlements/preview', billingKey, settlement('HUP-OLD'))).status).toBe(401);
    // An invalid file on SIGHUP keeps the previous keys.
    writeFileSync(keysFile, '{ not json');
    server.child.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 200));
    expect((await call(server, 'POST', '/v1/settlements/preview', newKey, settlement('HUP-KEEP'))).status).toBe(200);
    expect(server.output()).toMatch(/caller keys not reloaded/);
    writeFileSync(keysFile, JSON.stringify(keyEntries));
  });
});

describe('Redis outage', () => {
  it('answers 503 UNAVAILABLE with Retry-After within a second, readiness 503, and recovers alone', async () => {
    const own = await startRedis();
    try {
      const server = await start({ REDIS_URL: own.url, BREAKER_RESET_MS: '300', REDIS_TIMEOUT_MS: '300' });
      await loadRegistry(server);
      expect((await call(server, 'POST', '/v1/settlements', billingKey, settlement('OUT-0'))).status).toBe(201);

      await own.kill('SIGKILL');
      for (let i = 1; i <= 15; i++) {
        const started = Date.now();
        const res = await call(server, 'POST', '/v1/settlements', billingKey, settlement(`OUT-${i}`));
        expect(Date.now() - started).toBeLessThan(1000);
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBeTruthy();
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
      }
      const ready = await fetch(`${server.base}/readyz`);
      expect(ready.status).toBe(503);
      expect((await fetch(`${server.base}/healthz`)).status).toBe(200);

      await own.restart();
      const deadline = Date.now() + 10_000;
      while ((await fetch(`${server.base}/readyz`)).status !== 200) {
        if (Date.now() > deadline) throw new Error('service did not recover');
        await new Promise((r) => setTimeout(r, 100));
      }
      await loadRegistry(server); // the restarted Redis kept no data (no persistence in this test)
      expect((await call(server, 'POST', '/v1/settlements', billingKey, settlement('OUT-AFTER'))).status).toBe(201);
    } finally {
      await own.stop();
    }
  });
});

describe('SIGTERM', () => {
  it('readiness goes 503, in-flight requests finish, then the process exits 0', async () => {
    const server = await start({ SHUTDOWN_DRAIN_MS: '400', REDIS_TIMEOUT_MS: '3000' });
    await loadRegistry(server);
    // Hold writes in Redis so the settlement is in flight when SIGTERM arrives.
    execFileSync('redis-cli', ['-p', String(redis.port), 'CLIENT', 'PAUSE', '700', 'WRITE']);
    const inFlight = call(server, 'POST', '/v1/settlements', billingKey, settlement(`TERM-${Date.now()}`));
    await new Promise((r) => setTimeout(r, 100));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${server.base}/readyz`)).status).toBe(503);
    const res = await inFlight;
    expect(res.status).toBe(201);
    expect(await server.exited).toBe(0);
    await expect(fetch(`${server.base}/healthz`)).rejects.toThrow();
    expect(server.output()).toMatch(/"msg":"stopped"/);
  });
});

describe('logs and metrics', () => {
  it('logs one JSON line per request with the request id, the card masked, never bodies or keys', async () => {
    const server = await start();
    await loadRegistry(server);
    const res = await call(server, 'POST', '/v1/settlements', billingKey, settlement('LOG-1'), { 'X-Request-Id': 'desk-42' });
    expect(res.headers.get('x-request-id')).toBe('desk-42');
    await call(server, 'GET', `/v1/enrollees/${CARD}/accumulators/2019`, adminKey);
    await call(server, 'GET', `/v1/enrollees/${CARD}`, 'wrong');
    const generated = (await call(server, 'GET', '/healthz', null)).headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 100));
    const output = server.output();
    expect(output).not.toContain(CARD);
    expect(output).not.toContain(billingKey);
    expect(output).not.toContain('12345.67');
    expect(output).toContain(`**************0001`);
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const settleLine = lines.find((l) => (l.req as { id?: string } | undefined)?.id === 'desk-42');
    expect(settleLine).toMatchObject({ res: { statusCode: 201 } });
    expect(lines.filter((l) => (l.req as { id?: string } | undefined)?.id === 'desk-42')).toHaveLength(1);
  });

  it('serves metrics and the detailed readiness on their own listener; the public port gives metrics to an admin key only', async () => {
    const metricsPort = await freePort();
    const server = await start({ METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' });
    const ops = `http://127.0.0.1:${metricsPort}`;
    await loadRegistry(server);
    await call(server, 'POST', '/v1/settlements', billingKey, settlement('MET-1'));
    await call(server, 'POST', '/v1/settlements', billingKey, { ...settlement('MET-2'), dischargeDate: '2020-01-01', admissionDate: '2020-01-01' });
    const text = await (await fetch(`${ops}/metrics`)).text();
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0.0005",method="POST",route="\/v1\/settlements",status_code="201"\}/);
    expect(text).toMatch(/settlements_total\{policy="pingyang-2019",visit_type="inpatient",outcome="settled"\} 1/);
    expect(text).toMatch(/settlements_total\{policy="none",visit_type="inpatient",outcome="refused"\} 1/);
    // In fen, an integer: 7717.97 yuan.
    expect(text).toMatch(/settlement_amount_fen_total\{policy="pingyang-2019",fund="basic"\} 771797\n/);
    expect(text).toMatch(/circuit_breaker_state\{breaker="redis"\} 0/);
    expect(text).toMatch(/redis_call_duration_seconds_bucket/);
    expect(text).toMatch(/process_cpu_user_seconds_total/);
    expect(text).not.toContain(CARD);
    const ready = await fetch(`${ops}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { redis: 'ok', breaker: 'closed' } });

    // The public port: /metrics to an admin key only, /readyz status only.
    expect((await fetch(`${server.base}/metrics`)).status).toBe(401);
    expect((await call(server, 'GET', '/metrics', billingKey)).status).toBe(403);
    expect(await (await call(server, 'GET', '/metrics', adminKey)).text()).toMatch(/settlement_amount_fen_total/);
    expect(await (await fetch(`${server.base}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('refuses to start when the metrics port is taken', async () => {
    const taken = await start({ METRICS_PORT: String(await freePort()) });
    const port = /"port":(\d+)[^\n]*metrics and readiness listening/.exec(taken.output())?.[1];
    expect(port).toBeDefined();
    const second = await spawnServer({ REDIS_URL: redis.url, API_KEYS_FILE: keysFile, METRICS_PORT: port! }, { waitReady: false });
    running.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/settlement service not started: cannot listen for metrics on 127\.0\.0\.1:\d+/);
  });
});

describe('Redis with credentials', () => {
  it('connects as the ACL user named in REDIS_URL (redis://user:password@host:port), with the ACL file of docs/deploy.md', async () => {
    const password = generateKey();
    const aclFile = writeKeysFile([]).replace(/\.json$/, '.acl');
    const template = readFileSync(path.join(ROOT, 'config/redis-users.acl.example'), 'utf8');
    writeFileSync(aclFile, template.replace('SHA256-OF-THE-SERVICE-PASSWORD', sha256Hex(password)));
    const own = await startRedis(['--aclfile', aclFile]);
    try {
      const cli = (...args: string[]) => execFileSync('redis-cli', ['-p', String(own.port), '--no-auth-warning', ...args]).toString();
      // Without credentials nothing; the health check's user may PING and nothing else.
      expect(cli('GET', 'enrollee:{x}')).toMatch(/NOAUTH/);
      expect(cli('--user', 'healthcheck', '--pass', 'any', 'PING')).toMatch(/PONG/);
      expect(cli('--user', 'healthcheck', '--pass', 'any', 'GET', 'enrollee:{x}')).toMatch(/NOPERM/);
      expect(cli('--user', 'settlement', '--pass', password, 'FLUSHALL')).toMatch(/NOPERM/);
      const server = await start({ REDIS_URL: own.url.replace('redis://', `redis://settlement:${encodeURIComponent(password)}@`) });
      await loadRegistry(server);
      expect((await call(server, 'POST', '/v1/settlements', billingKey, settlement('ACL-1'))).status).toBe(201);
      expect(server.output()).not.toContain(password);
    } finally {
      await own.stop();
    }
  });
});
