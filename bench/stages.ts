/**
 * What one settlement costs the service beyond the floor (Express + ioredis +
 * the same Redis round trips): each stage of the settlement path timed alone,
 * in one process, on the bench's own request shape (Pingyang inpatient stay).
 *
 *   npm run bench:stages
 *
 * Stages in a loop run hot in cache, so under load each costs more (the code
 * of all stages competes for caches, and their garbage for the GC); read the
 * column as a lower bound and the shares as the shape of the gap.
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import helmet from 'helmet';
import type { Request, Response } from 'express';
import { emptyAccumulators } from '../src/domain/accumulators.js';
import type { Enrollee, SettlementRequest } from '../src/domain/types.js';
import { settle } from '../src/engine/settle.js';
import type { SettlementComputation } from '../src/engine/types.js';
import { hospitalSchema, toHospital } from '../src/contract/registry.js';
import { settlementRequestSchema } from '../src/contract/settlement.js';
import { parseOrThrow } from '../src/http/validate.js';
import { KeyRing, generateKey, sha256Hex } from '../src/ops/api-keys.js';
import { createBreaker, guarded } from '../src/ops/breaker.js';
import { createLogger, routeUrl } from '../src/ops/logger.js';
import { Metrics } from '../src/ops/metrics.js';
import { loadPolicyDirectory } from '../src/policy/loader.js';
import { KeyedMutex } from '../src/service/keyed-mutex.js';
import { settlementView } from '../src/service/settlement-view.js';
import { requestHash } from '../src/service/settlements.js';
import { newId } from '../src/store/keys.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 30_000);
const VARIANTS = 1000;

const catalog = loadPolicyDirectory(path.join(ROOT, 'config/policies'));
const hospital = toHospital('PY-COUNTY', hospitalSchema.parse({ name: '平阳县人民医院', admdvs: '330326', level: 2, kind: 'general', countyRun: true }));
const enrollee: Enrollee = {
  card: 'BENCH1',
  region: 'pingyang',
  sex: 'F',
  birthDate: '1970-01-01',
  coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
  categories: [],
  specialDiseases: [],
  maternityInsured: false,
};
const accumulators = emptyAccumulators();

/** The bench's request bodies (bench/http.ts), as the JSON parser hands them over. */
const bodies: unknown[] = Array.from({ length: VARIANTS }, (_, i) => ({
  requestId: `stage-${i}`,
  card: 'BENCH1',
  hospitalId: 'PY-COUNTY',
  visitType: 'inpatient',
  admissionDate: '2019-03-01',
  dischargeDate: '2019-03-10',
  charges: { total: `${1000 + i * 37}.${String(i % 100).padStart(2, '0')}`, fullSelfPay: '100.00', overLimitSelfPay: '0.00', preSelfPay: '0.00' },
}));
const requests: SettlementRequest[] = bodies.map((body) => parseOrThrow(settlementRequestSchema, body));
const settleOne = (request: SettlementRequest): SettlementComputation => {
  const outcome = settle({ catalog, request, hospital, enrollee, filings: [], accumulators, accumulatorsYear: 2019 });
  if (!outcome.ok) throw new Error(outcome.refusal.message);
  return outcome.settlement;
};
const computations = requests.map(settleOne);
const identity = () => ({
  settlementId: 'S-0000-00000000000000000000000000000000',
  status: 'settled' as const,
  settledAt: new Date().toISOString(),
  actor: { operator: { id: '0123', name: '收费员' }, keyId: 'bench' },
});
const views = requests.map((request, i) => settlementView(computations[i]!, request, accumulators, identity()));
const responses = views.map((view) => JSON.stringify(view));

let cursor = 0;
const next = () => cursor++ % VARIANTS;

interface Row {
  stage: string;
  micros: number;
}
const rows: Row[] = [];

function measure(stage: string, run: () => unknown): void {
  for (let i = 0; i < ITERATIONS / 10; i++) run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) run();
  rows.push({ stage, micros: Number(process.hrtime.bigint() - started) / 1e3 / ITERATIONS });
}

async function measureAsync(stage: string, run: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < ITERATIONS / 10; i++) await run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) await run();
  rows.push({ stage, micros: Number(process.hrtime.bigint() - started) / 1e3 / ITERATIONS });
}

// ── business: what the contract asks of every settlement ─────────────────
measure('validate body (zod)', () => parseOrThrow(settlementRequestSchema, bodies[next()]));
measure('request hash (idempotency)', () => requestHash(requests[next()]!));
measure('engine settle()', () => settleOne(requests[next()]!));
measure('explained view', () => {
  const i = next();
  return settlementView(computations[i]!, requests[i]!, accumulators, identity());
});
measure('JSON.stringify(view)', () => JSON.stringify(views[next()]));
measure('UTF-8 encode (Buffer.from)', () => Buffer.from(responses[next()]!));
measure('settlement id', () => newId('S', 'BENCH1'));

// ── operations: security, observability, resilience ──────────────────────
const key = generateKey();
const ring = KeyRing.fromEntries([
  { id: 'ops', role: 'admin', sha256: sha256Hex(key) },
  { id: 'desk', role: 'billing', hospitalId: 'PY-COUNTY', sha256: sha256Hex(generateKey()) },
]);
measure('API key check', () => ring.verify(key));
const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
const accessLog = createLogger('info', sink).child({}, { redact: [] });
measure('access log line', () =>
  accessLog.info(
    { req: { id: 'request-id', method: 'POST', url: routeUrl('/v1/settlements', {}, '/v1/settlements') }, res: { statusCode: 201 }, responseTime: 1.2 },
    'POST /v1/settlements 201',
  ),
);
const metrics = new Metrics({ defaultMetrics: false });
measure('metrics (3 observations)', () => {
  metrics.httpDuration.observe({ method: 'POST', route: '/v1/settlements', status_code: '201' }, 0.003);
  metrics.redisDuration.observe({ operation: 'readForSettlement', outcome: 'ok' }, 0.001);
  metrics.recordSettlement({ policyId: 'pingyang-2019', visitType: 'inpatient', outcome: 'settled', computation: computations[next()]! });
});
const securityHeaders = helmet();
const headerSink = { setHeader() {}, removeHeader() {} } as unknown as Response;
measure('helmet (headers set, no socket)', () => securityHeaders({} as Request, headerSink, () => {}));
const breaker = createBreaker({ name: 'stages', timeoutMs: 500, resetTimeoutMs: 1000 });
const store = guarded({ read: async () => 1, commit: async () => 1 }, breaker, 'storage', metrics);
await measureAsync('breaker-guarded calls (2)', async () => {
  await store.read();
  await store.commit();
});
const mutex = new KeyedMutex();
await measureAsync('per-person mutex', () => mutex.run('BENCH1', async () => 1));

const total = rows.reduce((sum, row) => sum + row.micros, 0);
process.stdout.write(`settlement path stage costs — node ${process.version}, ${ITERATIONS} iterations each, response ${Buffer.byteLength(responses[0]!)} bytes\n`);
for (const row of rows) {
  process.stdout.write(`${row.stage.padEnd(34)} ${row.micros.toFixed(2).padStart(7)} µs  ${((100 * row.micros) / total).toFixed(0).padStart(3)}%\n`);
}
process.stdout.write(`${'sum (hot loops, no I/O)'.padEnd(34)} ${total.toFixed(2).padStart(7)} µs\n`);
