/**
 * The minimal floor: what any settlement service on Express + ioredis must
 * do at least — parse the JSON, read the person's two records (the enrollee,
 * a JSON string, and the year's accumulators hash) in one round trip, run
 * one Lua commit (version check, accumulate, keep the answer), answer. No
 * Store, no claim, no ledger, no rules, no auth, no logging. The service's CPU per request over this one
 * is the price of everything it guarantees. WORKERS=N runs N processes.
 */
import cluster from 'node:cluster';
import http from 'node:http';
import express from 'express';
import { keys, newId } from '../src/store/keys.js';
import { createRedis, whenReady } from '../src/store/redis.js';

const port = Number(process.env.PORT ?? 8091);
const workers = Number(process.env.WORKERS ?? 1);
/** A response of the size the service answers, so every server sends the same bytes. */
const responseBytes = Number(process.env.FLOOR_RESPONSE_BYTES ?? 3000);

// KEYS[1] accumulators hash, KEYS[2] settlement record; ARGV[1] expected version, ARGV[2] amount (fen), ARGV[3] record.
// Returns 1 when committed, 0 when the accumulators moved since the read.
const COMMIT = `
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if version ~= tonumber(ARGV[1]) then return 0 end
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HINCRBY', KEYS[1], 'admissions', 1)
redis.call('HINCRBY', KEYS[1], 'fundPaid', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
return 1`;

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
  redis.defineCommand('floorCommit', { numberOfKeys: 2, lua: COMMIT });
  const commit = (redis as unknown as { floorCommit: (...args: (string | number)[]) => Promise<number> }).floorCommit.bind(redis);
  const padding = 'x'.repeat(Math.max(0, responseBytes - 200));
  const app = express();
  app.use(express.json({ limit: '64kb' }));
  app.post('/v1/settlements', async (req, res) => {
    const body = req.body as { requestId: string; card: string; dischargeDate: string; charges: { total: string } };
    const year = Number(body.dischargeDate.slice(0, 4));
    // Its own key (the card's slot): the service's earlier layout named acc:{card}:<year>, which the service folds into its person hash when found.
    const accumulators = `floor-acc:{${body.card}}:${year}`;
    const [[, enrollee], [, acc]] = (await redis.pipeline().get(keys.enrollee(body.card)).hgetall(accumulators).exec()) as [
      [Error | null, string | null],
      [Error | null, Record<string, string>],
    ];
    if (!enrollee || !(JSON.parse(enrollee) as { region?: string }).region) {
      res.status(404).json({ error: 'unknown card' });
      return;
    }
    const settlementId = newId('S', body.card);
    const fen = Math.round(Number(body.charges.total) * 100) >> 1;
    const response = JSON.stringify({ settlementId, requestId: body.requestId, status: 'settled', padding });
    const committed = await commit(accumulators, keys.settlement(body.card, settlementId), Number(acc?.version ?? 0), fen, response);
    res
      .status(committed === 1 ? 201 : 409)
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
