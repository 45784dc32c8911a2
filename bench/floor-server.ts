/**
 * The floor: Express + ioredis doing the same Redis round trips a settlement
 * needs — read the person's records and the hospital, run the one commit
 * script — with no rules, no validation, no auth, no logging. What the service
 * adds on top of this is its own cost. WORKERS=N runs N processes like the
 * service does.
 */
import cluster from 'node:cluster';
import http from 'node:http';
import express from 'express';
import { zeroDeltas } from '../src/domain/accumulators.js';
import { newId } from '../src/store/keys.js';
import { createRedis, whenReady } from '../src/store/redis.js';
import { openRepositories } from '../src/store/repositories.js';
import { FLOOR_LEDGER_DAY } from './lib/ledger-drained.js';

const port = Number(process.env.PORT ?? 8090);
const workers = Number(process.env.WORKERS ?? 1);
/** A response of the size the service answers, so both send the same bytes. */
const responseBytes = Number(process.env.FLOOR_RESPONSE_BYTES ?? 3000);

if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const redis = createRedis({
    url: process.env.REDIS_URL,
    clusterNodes: process.env.REDIS_CLUSTER_NODES?.split(','),
    offlineQueue: false,
    // The service's default; bench/instructions.ts gives more (under valgrind every command is slow).
    commandTimeoutMs: Number(process.env.REDIS_TIMEOUT_MS ?? 500),
  });
  const store = openRepositories(redis);
  const padding = 'x'.repeat(Math.max(0, responseBytes - 200));
  const app = express();
  app.use(express.json({ limit: '64kb' }));
  app.post('/v1/settlements', async (req, res) => {
    const body = req.body as { requestId: string; card: string; hospitalId: string; dischargeDate: string };
    const year = Number(body.dischargeDate.slice(0, 4));
    // Its day ledger's notes and entries go to a day of their own (FLOOR_LEDGER_DAY), never the service's.
    const date = FLOOR_LEDGER_DAY;
    const [snapshot] = await Promise.all([
      store.settlements.readForSettlement(body.card, body.hospitalId, { year, idempotencyField: `${body.hospitalId}:${body.requestId}`, dischargeDate: body.dischargeDate }),
      store.settlements.claimRequest(body.hospitalId, body.requestId, `${body.card} ${body.requestId} t ${Date.now()}`),
      store.ledgers.noteLedgerSlot(body.hospitalId, date, body.card),
    ]);
    const deltas = zeroDeltas();
    deltas.admissions = 1;
    const settlementId = newId('S', body.card);
    const response = Buffer.from(JSON.stringify({ settlementId, requestId: body.requestId, status: 'settled', padding }));
    const outcome = await store.settlements.commitSettlement({
      card: body.card,
      hospitalId: body.hospitalId,
      requestId: body.requestId,
      benefitYear: year,
      bodyHash: body.requestId,
      claimToken: 't',
      claimedAtMs: Date.now(),
      expectedVersion: snapshot.version,
      expectedFilingsVersion: snapshot.filingsVersion,
      settlementId,
      deltas,
      response,
      ledger: { date, entry: JSON.stringify({ id: settlementId, padding: padding.slice(0, 150) }) },
      stay: null,
    });
    res
      .status(outcome.kind === 'committed' ? 201 : 409)
      .type('application/json')
      .send(response);
  });
  await whenReady(redis);
  const server = http.createServer(app).listen(port, '127.0.0.1');
  server.keepAliveTimeout = 65_000;
  process.on('SIGTERM', () => {
    server.close();
    redis.disconnect();
    process.exit(0);
  });
}
