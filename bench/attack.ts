/**
 * One valid key attacks while a bystander hospital settles (docs/bounds.md):
 * the built server (node dist/server.js) on a private Redis, with the
 * production defaults for limits. Each attack runs for its share of the
 * duration; the bystander (PY-COUNTY, 4 loops of outpatient settlements)
 * runs throughout. Prints, per attack, the bystander's answers (503 count,
 * p95) and Redis memory growth, beside a quiet phase measured first (the
 * floor of this run).
 *
 *   npm run bench:attack                      60 s: quiet + attacks 1, 2, 3, 8
 *   npm run bench:attack -- --duration 600    10 minutes
 *   npm run bench:attack -- --phases 1 --minutes 10    quiet, then attack 1 for 10 minutes
 *
 * --phases picks attacks by number (1,2,3,8; the quiet phase always runs
 * first); --minutes sets each phase's length instead of a fifth of
 * --duration; --bystanders 0 leaves the bystander out, so that Redis growth
 * is the attacker's alone (a bystander's settlements are kept, ~1.9 kB each). Each phase also prints Redis used_memory at its start and end
 * and how many requests the attacker sent.
 *
 * First, one 5,000-line preview alone (valid codes, then the attack's
 * unknown ones): its time and the largest event-loop turn the server saw
 * meanwhile (nodejs_eventloop_lag_max_seconds of /metrics, read before and
 * after: prom-client's monitorEventLoopDelay, reset at each read).
 *
 * Attacks: 1 reconciliations of 490 unmatched rows (64 kB) in a loop;
 * 2 bills of 5,000 lines (~750 kB) previewed 8 at a time; 3 slow uploads
 * (a byte every 2 s) on 300 connections; 8 refused settlements in a loop
 * (each a new requestId).
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { parseArgs } from 'node:util';
import { generateKey, sha256Hex } from '../src/ops/api-keys.js';
import { startRedis } from '../scripts/lib/redis-server.js';
import { amoxicillinLine } from '../scripts/lib/demo-catalogue.js';
import { spawnServer, writeKeysFile } from '../test/helpers/server-process.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    phases: { type: 'string', default: '1,2,3,8' },
    minutes: { type: 'string' },
    bystanders: { type: 'string', default: '4' },
  },
});
const total = Number(values.duration) * 1000;
const phaseMs = values.minutes === undefined ? Math.floor(total / 5) : Math.round(Number(values.minutes) * 60_000);
const chosen = new Set(values.phases.split(',').map((p) => p.trim()));

const say = (line: string) => process.stdout.write(`${line}\n`);
const admin = generateKey();
const bystanderKey = generateKey();
const attackerKey = generateKey();
// Its own share: the admin key spends its own seeding the registry.
const probeKeys = Array.from({ length: 6 }, () => generateKey());
const keysFile = writeKeysFile([
  { id: 'ops', role: 'admin', sha256: sha256Hex(admin) },
  ...probeKeys.map((key, i) => ({ id: `probe-${i}`, role: 'admin', sha256: sha256Hex(key) })),
  { id: 'billing-PY-COUNTY', role: 'billing', hospitalId: 'PY-COUNTY', sha256: sha256Hex(bystanderKey) },
  { id: 'billing-PY-TOWN', role: 'billing', hospitalId: 'PY-TOWN', sha256: sha256Hex(attackerKey) },
]);

const redis = await startRedis();
const probe = new Redis(redis.url);
const server = await spawnServer({ REDIS_URL: redis.url, API_KEYS_FILE: keysFile, LOG_LEVEL: 'warn' });
const call = (key: string, method: string, path: string, body?: unknown) =>
  fetch(`${server.base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
  });

let sent = 0;
const attack = (method: string, path: string, body?: unknown) => {
  sent++;
  return call(attackerKey, method, path, body);
};
/** One attack request read to its end; a connection the server closes on a refused body (429 with the body unread: EPIPE, reset) is a refusal too. */
let cutOff = 0;
const attackThrough = async (method: string, path: string, body?: unknown): Promise<void> => {
  try {
    await (await attack(method, path, body)).arrayBuffer();
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code !== 'EPIPE' && code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET') throw error;
    cutOff++;
  }
};

const hospital = { admdvs: '330326', level: 2, kind: 'general', countyRun: true };
await call(admin, 'PUT', '/v1/hospitals/PY-COUNTY', { ...hospital, name: '平阳县人民医院' });
await call(admin, 'PUT', '/v1/hospitals/PY-TOWN', { ...hospital, name: '平阳县某镇卫生院', level: 1 });
const CARDS = 200;
for (let i = 0; i < CARDS; i++) {
  await call(admin, 'PUT', `/v1/enrollees/ATK${String(i).padStart(5, '0')}`, {
    region: 'pingyang',
    sex: 'M',
    birthDate: '1970-01-01',
    coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
    categories: [],
    specialDiseases: [],
  });
}

async function usedMemory(): Promise<number> {
  const info = await probe.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

let stop = false;
let seq = 0;
const latencies: number[] = [];
let unavailable = 0;
let answered = 0;
async function bystander(): Promise<void> {
  while (!stop) {
    const i = seq++;
    const started = performance.now();
    const res = await call(bystanderKey, 'POST', '/v1/settlements', {
      requestId: `BY-${i}`,
      card: `ATK${String(i % CARDS).padStart(5, '0')}`,
      hospitalId: 'PY-COUNTY',
      visitType: 'outpatient',
      admissionDate: '2019-05-01',
      dischargeDate: '2019-05-01',
      charges: { total: '100.00' },
    }).catch(() => null);
    await res?.arrayBuffer();
    latencies.push(performance.now() - started);
    answered++;
    if (res === null || res.status === 503) unavailable++;
  }
}

const rows = Array.from({ length: 490 }, (_, i) => ({ requestId: `NOPE-${i}`, total: '100.00', fundTotal: '50.00' }));
const lines = Array.from({ length: 5000 }, (_, i) => ({
  lineId: `LINE-${String(i).padStart(40, '0')}`,
  code: `CODE-${String(i).padStart(40, '0')}`,
  quantity: '1',
  unitPrice: '1.00',
  amount: '1.00',
}));
const bigBill = JSON.stringify({
  requestId: 'BIG',
  card: 'ATK00000',
  hospitalId: 'PY-TOWN',
  visitType: 'inpatient',
  admissionDate: '2019-03-01',
  dischargeDate: '2019-03-02',
  charges: { lines },
});

async function serverFigures(): Promise<{ turnMs: number; cpuMs: number }> {
  const text = await (await call(admin, 'GET', '/metrics')).text();
  const figure = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN) * 1000;
  return { turnMs: figure('nodejs_eventloop_lag_max_seconds'), cpuMs: figure('process_cpu_seconds_total') };
}
/** The largest event-loop delay (ms) the server saw since the last read. */
async function largestTurnSinceLastRead(): Promise<number> {
  return (await serverFigures()).turnMs;
}
const validBill = JSON.stringify({
  ...(JSON.parse(bigBill) as object),
  requestId: 'BIG-VALID',
  charges: {
    lines: Array.from({ length: 5000 }, (_, i) => amoxicillinLine(i, '2019-03-02T10:00:00')),
  },
});
// Each twice (the first also compiles the code it runs), each under a key of its own: one bill is ~200 points.
for (const [i, [label, body]] of (
  [
    ['valid codes', validBill],
    ['valid codes, again', validBill],
    ['unknown codes', bigBill],
    ['unknown codes, again', bigBill],
  ] as const
).entries()) {
  await largestTurnSinceLastRead();
  const started = performance.now();
  const res = await call(probeKeys[i]!, 'POST', '/v1/settlements/preview', body);
  const answer = await res.arrayBuffer();
  const took = performance.now() - started;
  const turn = await largestTurnSinceLastRead();
  say(
    `one 5,000-line preview alone (${label}): ${res.status}, ${(body.length / 1024).toFixed(0)} kB in, ${(answer.byteLength / 1024).toFixed(0)} kB out, ${took.toFixed(0)} ms; largest event-loop turn ${turn.toFixed(1)} ms`,
  );
}

// What a bill costs the server beside a small request (a point each): process CPU, small previews against one large one.
{
  const small = JSON.stringify({ ...(JSON.parse(bigBill) as object), requestId: 'SMALL', charges: { total: '100.00' } });
  const smallCount = 100;
  const before = await serverFigures();
  for (let i = 0; i < smallCount; i++) await (await call(probeKeys[4]!, 'POST', '/v1/settlements/preview', small)).arrayBuffer();
  const between = await serverFigures();
  const res = await call(probeKeys[5]!, 'POST', '/v1/settlements/preview', validBill);
  await res.arrayBuffer();
  const after = await serverFigures();
  const perSmall = (between.cpuMs - before.cpuMs) / smallCount;
  const big = after.cpuMs - between.cpuMs;
  say(
    `server CPU: a small preview ${perSmall.toFixed(2)} ms, a 5,000-line preview (${res.status}) ${big.toFixed(0)} ms → ${(big / perSmall).toFixed(0)} small ones (${(5000 / (big / perSmall)).toFixed(0)} lines a point)`,
  );
}

const attacks: Record<string, (until: () => boolean) => Promise<void>> = {
  quiet: async (until) => {
    while (!until()) await new Promise((r) => setTimeout(r, 100));
  },
  '1 reconciliations': async (until) => {
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!until()) await attackThrough('POST', '/v1/hospitals/PY-TOWN/reconciliations', { date: '2026-03-10', entries: rows });
      }),
    );
  },
  '2 large bills': async (until) => {
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!until()) await attackThrough('POST', '/v1/settlements/preview', bigBill);
      }),
    );
  },
  '3 slow uploads': async (until) => {
    const url = new URL(server.base);
    const sockets: net.Socket[] = [];
    const open = () => {
      const socket = net.connect(Number(url.port), url.hostname);
      sent++;
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.splice(sockets.indexOf(socket), 1));
      socket.write(`POST /v1/settlements HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${attackerKey}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
      sockets.push(socket);
    };
    while (!until()) {
      while (sockets.length < 300) open();
      for (const socket of sockets) socket.write(' ');
      await new Promise((r) => setTimeout(r, 2000));
    }
    for (const socket of [...sockets]) socket.destroy();
  },
  '8 refused settlements': async (until) => {
    let i = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (!until()) {
          // A man's childbirth: refused (NOT_COVERED), each under a new requestId.
          const body = {
            requestId: `REF-${i++}`,
            card: 'ATK00001',
            hospitalId: 'PY-TOWN',
            visitType: 'childbirth',
            delivery: 'vaginal',
            admissionDate: '2019-04-01',
            dischargeDate: '2019-04-03',
            charges: { total: '3000.00' },
          };
          await (await attack('POST', '/v1/settlements', body)).arrayBuffer();
        }
      }),
    );
  },
};

const p95 = (xs: number[]) => (xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!);
say(`bench:attack — ${phaseMs / 1000} s a phase, bystander PY-COUNTY (${values.bystanders} loops of settlements), attacker PY-TOWN (one billing key, default limits)`);
say('phase                   bystander  503s  p95 ms  Redis growth');
const bystanders = Array.from({ length: Number(values.bystanders) }, () => bystander());
let quietP95 = 0;
const memoryLines: string[] = [];
for (const [name, run] of Object.entries(attacks)) {
  if (name !== 'quiet' && !chosen.has(name.split(' ')[0]!)) continue;
  latencies.length = 0;
  sent = 0;
  unavailable = 0;
  answered = 0;
  const before = await usedMemory();
  // The quiet phase is the floor, not a soak: at most 12 s.
  const ends = Date.now() + (name === 'quiet' ? Math.min(phaseMs, 12_000) : phaseMs);
  await run(() => Date.now() >= ends);
  const after = await usedMemory();
  const growth = after - before;
  memoryLines.push(`${name.padEnd(23)} used_memory ${before} → ${after} B, attacker requests ${sent} (${cutOff} cut off by the server on a refused body)`);
  const q = p95(latencies);
  if (name === 'quiet') quietP95 = q;
  const ratio = name === 'quiet' ? '' : `  (p95 ${(q / Math.max(quietP95, 0.001)).toFixed(1)}× quiet)`;
  say(`${name.padEnd(23)} ${String(answered).padStart(9)} ${String(unavailable).padStart(5)} ${q.toFixed(1).padStart(7)} ${(growth / 1024).toFixed(0).padStart(9)} kB${ratio}`);
}
for (const line of memoryLines) say(line);
stop = true;
await Promise.all(bystanders);
await server.stop();
probe.disconnect();
await redis.stop();
