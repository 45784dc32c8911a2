/**
 * Replica acknowledgement (a 201 survives a failover), on real servers:
 *
 * - one Redis with one replica, the built server as a process (REDIS_MIN_REPLICAS
 *   unset: detected at start). A 201 is only given once the replica holds the
 *   settlement; with the replica stopped (SIGSTOP) a settlement answers 503
 *   "result unknown" although the master applied it, a retry keeps answering
 *   503 until the replica is back, then 200 with the stored body; with the
 *   replica stopped no settlement is answered 201, while reads, previews and
 *   readiness keep working (WAIT never blocks the shared connection, and does
 *   not open the breaker); a reversal waits too;
 * - a 3-master cluster with replicas: the WAIT rides in the pipeline of its
 *   write to the master of that key's slot, and no other node (INFO
 *   commandstats), so it counts the right connection's writes.
 */
import calculateSlot from 'cluster-key-slot';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { YearArchiver } from '../../src/service/archive.js';
import { ArchiveStore } from '../../src/store/archive-store.js';
import { settlementIdOfCard } from '../../src/store/keys.js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type RedisCluster } from '../../scripts/lib/redis-cluster.js';
import { ReplicationUnconfirmedError } from '../../src/domain/errors.js';
import { enrolleeSchema, toEnrollee } from '../../src/contract/registry.js';
import { parseSettlementRequest } from '../../src/contract/settlement.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { LocalCoverage } from '../../src/service/coverage.js';
import { SettlementService } from '../../src/service/settlements.js';
import { createRedis, whenReady, type ScriptedClient } from '../../src/store/redis.js';
import { openRepositories, SettlementRepository } from '../../src/store/repositories.js';
import type { CommitRequest } from '../../src/store/store-records.js';
import { ReplicaAcknowledgement, detectReplicas } from '../../src/store/replication.js';
import { sleep } from '../helpers/load-support.js';
import { hasSettlementRecord, idempotencyRecord } from '../helpers/person-records.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { makeKeys, type TestKeys } from '../helpers/service.js';
import { spawnServer, writeKeysFile, type ServerProcess } from '../helpers/server-process.js';
import { POLICY_DIR, workedExamples } from '../helpers/worked-examples.js';

const example = workedExamples.cases.find((c) => c.request.requestId === 'P-PY-1')!;
const HOSPITAL = example.request.hospitalId;

async function call(server: ServerProcess, method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, body: text.startsWith('{') ? JSON.parse(text) : null, retryAfter: res.headers.get('retry-after') };
}

describe('one Redis with one replica', () => {
  let master: RedisServer;
  let replica: RedisServer;
  let server: ServerProcess;
  let keys: TestKeys;
  let onReplica: Redis;
  let onMaster: Redis;

  beforeAll(async () => {
    master = await startRedis();
    replica = await startRedis(['--replicaof', '127.0.0.1', String(master.port)]);
    onReplica = new Redis(replica.url);
    onMaster = new Redis(master.url);
    onReplica.on('error', () => {});
    onMaster.on('error', () => {});
    const deadline = Date.now() + 15_000;
    while (!/master_link_status:up/.test(await onReplica.info('replication'))) {
      if (Date.now() > deadline) throw new Error('replica not in sync');
      await sleep(50);
    }
    const made = makeKeys([HOSPITAL], ['pingyang']);
    keys = made.keys;
    server = await spawnServer({
      REDIS_URL: master.url,
      API_KEYS_FILE: writeKeysFile(made.entries),
      REDIS_TIMEOUT_MS: '2000',
      REDIS_WAIT_TIMEOUT_MS: '300',
      BREAKER_RESET_MS: '500',
    });
    expect((await call(server, 'PUT', `/v1/hospitals/${HOSPITAL}`, keys.admin, workedExamples.hospitals[HOSPITAL])).status).toBe(201);
    for (const card of ['REPL1', 'REPL2', 'REPL3']) {
      expect((await call(server, 'PUT', `/v1/enrollees/${card}`, keys.admin, workedExamples.enrollees[example.request.card])).status).toBe(201);
    }
  }, 60_000);

  afterAll(async () => {
    if (replica?.process.signalCode === null) replica.process.kill('SIGCONT');
    onReplica?.disconnect();
    onMaster?.disconnect();
    await server?.stop();
    await replica?.stop();
    await master?.stop();
  });

  it('detects the replica at start and requires one acknowledgement', () => {
    const line = server
      .output()
      .split('\n')
      .find((l) => l.includes('"msg":"replica acknowledgement"'));
    expect(line, server.output()).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ replicas: 1, how: 'detected' });
  });

  it('a 201 is given only once the replica holds the settlement, its index and its ledger entry', async () => {
    const res = await call(server, 'POST', '/v1/settlements', keys.billing[HOSPITAL]!, { ...example.request, card: 'REPL1', requestId: 'REPL-1' });
    expect(res.status, res.text).toBe(201);
    // Read straight from the replica, right after the answer: no waiting here.
    const id = res.body.settlementId as string;
    expect(await hasSettlementRecord(onReplica, 'REPL1', id)).toBe(true);
    expect(await idempotencyRecord(onReplica, 'REPL1', `${HOSPITAL}:REPL-1`)).toMatch(new RegExp(` ${id}$`));
    expect(await onReplica.exists(`req:{${HOSPITAL}:REPL-1}`)).toBe(1);
  });

  it('replica stopped: no settlement is answered 201 (503, Retry-After), while reads, previews and readiness go on; once it is back the retry settles, counted once', async () => {
    replica.process.kill('SIGSTOP');
    const body = { ...example.request, card: 'REPL2', requestId: 'REPL-2' };
    try {
      const first = await call(server, 'POST', '/v1/settlements', keys.billing[HOSPITAL]!, body);
      expect(first.status, first.text).toBe(503);
      expect(first.body.error.code).toBe('UNAVAILABLE');
      expect(first.retryAfter).not.toBeNull();
      // The WAIT blocks only its own dedicated connection, and does not open the breaker.
      expect((await call(server, 'GET', '/v1/enrollees/REPL2/accumulators/2019', keys.admin)).status).toBe(200);
      expect((await call(server, 'POST', '/v1/settlements/preview', keys.billing[HOSPITAL]!, { ...body, card: 'REPL3', requestId: 'REPL-P' })).status).toBe(200);
      expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
      expect((await call(server, 'POST', '/v1/settlements', keys.billing[HOSPITAL]!, body)).status).toBe(503);
    } finally {
      replica.process.kill('SIGCONT');
    }
    const after = await call(server, 'POST', '/v1/settlements', keys.billing[HOSPITAL]!, body);
    expect([200, 201], after.text).toContain(after.status);
    expect(await hasSettlementRecord(onReplica, 'REPL2', after.body.settlementId)).toBe(true);
    expect((await call(server, 'GET', '/v1/enrollees/REPL2/accumulators/2019', keys.admin)).body.admissions).toBe(1);
  });

  it('a commit the master applied but no replica confirmed: 503 "result unknown", retries 503 until a replica holds it, then the stored result (200 replay), counted once', async () => {
    // In-process, so that the replica stops exactly between the claim (confirmed) and the commit.
    let stopBeforeCommit = true;
    class StoppingSettlements extends SettlementRepository {
      override async commitSettlement(commit: CommitRequest) {
        if (stopBeforeCommit) replica.process.kill('SIGSTOP');
        stopBeforeCommit = false;
        return super.commitSettlement(commit);
      }
    }
    const redis = createRedis({ url: master.url, offlineQueue: false, commandTimeoutMs: 2000 });
    redis.on('error', () => {});
    await whenReady(redis);
    const acknowledgement = new ReplicaAcknowledgement({
      minReplicas: 'auto',
      timeoutMs: 300,
      connect: () => createRedis({ url: master.url, offlineQueue: false, commandTimeoutMs: 2000 }),
    });
    const store = { ...openRepositories(redis, acknowledgement), settlements: new StoppingSettlements(redis, acknowledgement) };
    const settlements = new SettlementService(store, loadPolicyDirectory(POLICY_DIR), new LocalCoverage(store));
    const request = parseSettlementRequest({ ...example.request, card: 'REPL4', requestId: 'REPL-4' });
    await store.registry.putEnrollee({ ...toEnrollee('REPL4', enrolleeSchema.parse(workedExamples.enrollees[example.request.card])) });
    try {
      await expect(settlements.settle(request)).rejects.toThrow(ReplicationUnconfirmedError);
      await expect(settlements.settle(request)).rejects.toThrow(/result is unknown/);
      // The master did apply it.
      expect(await onMaster.hget('person:{REPL4}', `${HOSPITAL}:REPL-4`)).not.toBeNull();
      replica.process.kill('SIGCONT');
      const replay = await settlements.settle(request);
      expect(replay.replay).toBe(true);
      const view = JSON.parse(replay.body.toString()) as { settlementId: string; accumulatorsAfter: { admissions: number } };
      expect(view.accumulatorsAfter.admissions).toBe(1);
      expect(await hasSettlementRecord(onReplica, 'REPL4', view.settlementId)).toBe(true);
      expect((await store.settlements.getAccumulators('REPL4', 2019)).accumulators.admissions).toBe(1);
    } finally {
      replica.process.kill('SIGCONT');
      acknowledgement.disconnect();
      redis.disconnect();
    }
  });

  it('a reversal waits for the replica too', async () => {
    const settled = await call(server, 'POST', '/v1/settlements', keys.billing[HOSPITAL]!, { ...example.request, card: 'REPL3', requestId: 'REPL-3' });
    expect(settled.status, settled.text).toBe(201);
    replica.process.kill('SIGSTOP');
    try {
      const reversal = await call(server, 'POST', `/v1/settlements/${settled.body.settlementId}/reversal`, keys.billing[HOSPITAL]!, {});
      expect(reversal.status, reversal.text).toBe(503);
      expect(reversal.body.error.message).toMatch(/结果未知/);
    } finally {
      replica.process.kill('SIGCONT');
    }
    const again = await call(server, 'POST', `/v1/settlements/${settled.body.settlementId}/reversal`, keys.billing[HOSPITAL]!, {});
    expect(again.status, again.text).toBe(200);
    expect(again.body.status).toBe('reversed');
    expect((await call(server, 'GET', '/v1/enrollees/REPL3/accumulators/2019', keys.admin)).body.admissions).toBe(0);
  });

  it('with replicas, an archived settlement and a late retry of its requestId answer 404 ARCHIVED (the replay waits for the replica without touching the archive mark)', async () => {
    const body = { ...example.request, card: 'REPL1', requestId: 'REPL-1' };
    const redis = createRedis({ url: master.url, offlineQueue: false, commandTimeoutMs: 5000 });
    redis.on('error', () => {});
    await whenReady(redis);
    try {
      const report = await new YearArchiver(new ArchiveStore(redis), loadPolicyDirectory(POLICY_DIR)).archive({
        year: 2019,
        outDir: mkdtempSync(path.join(os.tmpdir(), 'settle-repl-archive-')),
      });
      expect(report.manifest.counts.settlements).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
    const retry = await call(server, 'POST', '/v1/settlements', keys.billing[HOSPITAL]!, body);
    expect(retry.status, retry.text).toBe(404);
    expect(retry.body.error.code).toBe('ARCHIVED');
    const settlementId = settlementIdOfCard('REPL1', (await onMaster.hget('person:{REPL1}', `${HOSPITAL}:REPL-1`))!.split(' ')[1]!);
    const read = await call(server, 'GET', `/v1/settlements/${settlementId}`, keys.admin);
    expect(read.status, read.text).toBe(404);
    expect(read.body.error.code).toBe('ARCHIVED');
  });

  it('no answer but those 503s was a 5xx', () => {
    expect(server.output()).not.toMatch(/"level":60/);
    expect(server.output()).not.toMatch(/"statusCode":50[0-24-9]/);
  });
});

describe('a 3-master cluster with one replica each', () => {
  let cluster: RedisCluster;
  let client: ScriptedClient;
  const dedicated: ScriptedClient[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster({ replicas: 1 });
    client = createRedis({ clusterNodes: [cluster.nodes], offlineQueue: false, commandTimeoutMs: 2000 });
    client.on('error', () => {});
    await whenReady(client);
  }, 60_000);

  afterAll(async () => {
    client?.disconnect();
    for (const c of dedicated) c.disconnect();
    await cluster?.stop();
  });

  it('detects the replicas', async () => {
    expect(await detectReplicas(client)).toMatchObject({ replicas: 1, topology: 'cluster: 3 masters with 1, 1, 1 replicas' });
  });

  it("WAIT goes with its write to the master of the key's slot, and to no other node", async () => {
    const acknowledgement = new ReplicaAcknowledgement({
      minReplicas: 'auto',
      timeoutMs: 1000,
      connect: () => {
        const c = createRedis({ clusterNodes: [cluster.nodes], offlineQueue: false, commandTimeoutMs: 2000 });
        c.on('error', () => {});
        dedicated.push(c);
        return c;
      },
    });
    expect(await acknowledgement.requiredReplicas(client)).toBe(1);
    const masters = (await cluster.topology()).filter((n) => n.role === 'master');
    const waits = async () =>
      new Map(await Promise.all(masters.map(async (m) => [m.port, Number(/cmdstat_wait:calls=(\d+)/.exec(await cluster.cli(m.port, 'INFO', 'commandstats'))?.[1] ?? 0)] as const)));
    for (const owner of masters) {
      // A key in a slot this master owns.
      let i = 0;
      while (!owner.ranges.some(([from, to]) => calculateSlot(`probe{${i}}`) >= from && calculateSlot(`probe{${i}}`) <= to)) i++;
      const before = await waits();
      // Several writes, so that round-robin uses every dedicated connection.
      for (let n = 0; n < 8; n++) await acknowledgement.command(client, 'SET', [`probe{${i}}`, String(n)], () => true);
      const after = await waits();
      for (const m of masters) expect(after.get(m.port)! - before.get(m.port)!, `WAITs on ${m.port} (owner ${owner.port})`).toBe(m.port === owner.port ? 8 : 0);
      // And the replica of that master has the value once the call returned.
      const replica = (await cluster.topology()).find((n) => n.masterId === owner.id)!;
      const direct = new Redis({ port: replica.port, host: '127.0.0.1' });
      await direct.call('READONLY');
      expect(await direct.get(`probe{${i}}`)).toBe('7');
      direct.disconnect();
    }
    acknowledgement.disconnect();
  });
});
