/**
 * What replica acknowledgement costs a settlement, printed, never
 * asserted: one redis-server with one replica, the settlement use-case
 * in-process (read, claim, engine, view, commit), 16 settlements in flight,
 * in alternating rounds of the same run:
 *
 *   none       no WAIT (REDIS_MIN_REPLICAS=0)
 *   shared     WAIT 1 in the write's pipeline, on the shared auto-pipelined
 *              connection the reads use too (each WAIT holds them up)
 *   dedicated  WAIT 1 in the write's pipeline, on 4 dedicated connections (what the service does)
 *
 *   npm run bench:replicas [-- --rounds 3 --per-round 800]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSettlementRequest } from '../src/contract/settlement.js';
import { loadPolicyDirectory } from '../src/policy/loader.js';
import { LocalCoverage } from '../src/service/coverage.js';
import { SettlementService } from '../src/service/settlements.js';
import { createRedis, whenReady, type ScriptedClient } from '../src/store/redis.js';
import { NO_REPLICA_ACKNOWLEDGEMENT, ReplicaAcknowledgement } from '../src/store/replication.js';
import { openRepositories } from '../src/store/repositories.js';
import { startRedis } from '../scripts/lib/redis-server.js';
import { representativeWorkload } from '../scripts/lib/representative-settlements.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, 'per-round': { type: 'string', default: '800' } } });
const ROUNDS = Number(values.rounds);
const PER_ROUND = Number(values['per-round']);
const IN_FLIGHT = 16;

type Mode = 'none' | 'shared' | 'dedicated';

async function main(): Promise<void> {
  const master = await startRedis();
  const replica = await startRedis(['--replicaof', '127.0.0.1', String(master.port)]);
  const clients: ScriptedClient[] = [];
  const connect = () => {
    const client = createRedis({ url: master.url, offlineQueue: false, commandTimeoutMs: 5000 });
    clients.push(client);
    return client;
  };
  try {
    const shared = connect();
    await whenReady(shared);
    const probe = connect();
    await whenReady(probe);
    while (!/slave0:.*state=online/.test(await probe.info('replication'))) await new Promise((r) => setTimeout(r, 50));
    const catalog = loadPolicyDirectory(path.join(ROOT, 'config/policies'));
    const acknowledgements: Record<Mode, ReplicaAcknowledgement> = {
      none: NO_REPLICA_ACKNOWLEDGEMENT,
      shared: new ReplicaAcknowledgement({ minReplicas: 1, timeoutMs: 1000, connect: () => shared, connections: 1 }),
      dedicated: new ReplicaAcknowledgement({ minReplicas: 1, timeoutMs: 1000, connect }),
    };
    const services = Object.fromEntries(
      (Object.keys(acknowledgements) as Mode[]).map((mode) => {
        const store = openRepositories(shared, acknowledgements[mode]);
        return [mode, new SettlementService(store, catalog, new LocalCoverage(store))];
      }),
    ) as Record<Mode, SettlementService>;
    const workload = representativeWorkload({ persons: ROUNDS * 3 * PER_ROUND, seed: 17, cardPrefix: 'R' });
    const store = openRepositories(shared);
    for (const hospital of workload.hospitals) await store.registry.putHospital(hospital);
    for (const person of workload.persons) await store.registry.putEnrollee(person.enrollee);
    // One first settlement per person: each settlement of a round is a new person's.
    const bodies = workload.persons.map((p) => p.requests[0]!);
    let next = 0;

    const results: Record<Mode, { rate: number; p50: number; p99: number }[]> = { none: [], shared: [], dedicated: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['none', 'shared', 'dedicated'] as Mode[]) {
        const mine = bodies.slice(next, next + PER_ROUND);
        next += PER_ROUND;
        const latencies: number[] = [];
        let i = 0;
        const started = process.hrtime.bigint();
        await Promise.all(
          Array.from({ length: IN_FLIGHT }, async () => {
            for (let k = i++; k < mine.length; k = i++) {
              const t0 = process.hrtime.bigint();
              await services[mode].settle(parseSettlementRequest(mine[k]));
              latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            }
          }),
        );
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        latencies.sort((a, b) => a - b);
        results[mode].push({ rate: mine.length / seconds, p50: latencies[Math.floor(latencies.length * 0.5)]!, p99: latencies[Math.floor(latencies.length * 0.99)]! });
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `bench:replicas — one master + one replica (redis-server on localhost), ${IN_FLIGHT} settlements in flight, ${ROUNDS} alternating rounds of ${PER_ROUND}; shared, busy 2-core machine`,
    );
    const base = mean(results.none.map((r) => r.rate));
    for (const mode of ['none', 'shared', 'dedicated'] as Mode[]) {
      const rs = results[mode];
      console.log(
        `  ${mode.padEnd(10)} ${mean(rs.map((r) => r.rate))
          .toFixed(0)
          .padStart(6)} settlements/s (${rs.map((r) => r.rate.toFixed(0)).join(', ')})  ` +
          `p50 ${mean(rs.map((r) => r.p50)).toFixed(2)} ms  p99 ${mean(rs.map((r) => r.p99)).toFixed(2)} ms  ${(mean(rs.map((r) => r.rate)) / base).toFixed(2)} × none`,
      );
    }
    acknowledgements.dedicated.disconnect();
  } finally {
    for (const client of clients) client.disconnect();
    await replica.stop();
    await master.stop();
  }
}

await main();
