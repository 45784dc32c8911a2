/**
 * A commit that Redis executed but whose reply was lost: ioredis re-sends it
 * after reconnecting (default options), or the service answers 503 (its
 * fail-fast options) and the billing desk retries. Either way the idempotency
 * check inside the commit script keeps the yuan counted once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeService } from '../../src/compose.js';
import { zeroDeltas } from '../../src/domain/accumulators.js';
import { money } from '../../src/domain/money.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { newId } from '../../src/store/keys.js';
import { createRedis, whenReady } from '../../src/store/redis.js';
import { openRepositories } from '../../src/store/repositories.js';
import supertest from 'supertest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { rawCommit } from '../helpers/raw-commit.js';
import { makeKeys } from '../helpers/service.js';
import { TcpProxy, commitScriptCall } from '../helpers/tcp-proxy.js';
import { POLICY_DIR, workedExamples } from '../helpers/worked-examples.js';

let server: RedisServer;
let proxy: TcpProxy;
beforeAll(async () => {
  server = await startRedis();
  proxy = new TcpProxy(server.port);
  await proxy.start();
});
afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
});

function commitOf(card: string, requestId: string, basicPaidFen: string) {
  const deltas = zeroDeltas();
  deltas.admissions = 1;
  deltas.basicPaid = money(basicPaidFen).dividedBy(100);
  return rawCommit({ card, requestId, settlementId: newId('S', card), deltas });
}

describe('a lost reply to the commit script', () => {
  it('is re-sent by ioredis after the reconnect and counted once', async () => {
    const client = createRedis({ url: `redis://127.0.0.1:${proxy.port}` }); // ioredis defaults: offline queue, resend unfulfilled commands
    await whenReady(client);
    const store = openRepositories(client);
    const card = 'RESEND1';
    // Loads the script, so the next call is one EVALSHA that Redis executes.
    expect((await store.settlements.commitSettlement(commitOf(card, 'WARM', '100'))).kind).toBe('committed');

    const commit = { ...commitOf(card, 'LOST', '12345'), expectedVersion: '1' };
    proxy.arm({ kind: 'drop-connection-after', match: commitScriptCall() });
    const outcome = await store.settlements.commitSettlement(commit);
    expect(proxy.fired).toBe(1);
    // The re-sent script found the record its first execution wrote.
    expect(outcome).toEqual({ kind: 'replay', settlementId: commit.settlementId });

    const { accumulators, version } = await store.settlements.getAccumulators(card, 2019);
    expect(accumulators.admissions).toBe(2);
    expect(accumulators.basicPaid.toFixed(2)).toBe('124.45'); // 1.00 + 123.45, once
    expect(version).toBe('2');
    expect((await store.settlements.listSettlements(card, 2019, 0, 10)).items).toHaveLength(2);
    client.disconnect();
  });

  it('timed out at the service: 503 UNAVAILABLE, and the retry with the same requestId returns the stored result', async () => {
    const client = createRedis({ url: `redis://127.0.0.1:${proxy.port}`, offlineQueue: false, commandTimeoutMs: 200 });
    await whenReady(client);
    const { ring, keys } = makeKeys(['PY-COUNTY'], []);
    const service = composeService({ redis: client, catalog: loadPolicyDirectory(POLICY_DIR), keys: ring, redisTimeoutMs: 200, breakerResetMs: 200 });
    const http = supertest(service.app);
    const admin = { Authorization: `Bearer ${keys.admin}` };
    await http.put('/v1/hospitals/PY-COUNTY').set(admin).send(workedExamples.hospitals['PY-COUNTY']).expect(201);
    await http.put('/v1/enrollees/330326198001010001').set(admin).send(workedExamples.enrollees['330326198001010001']).expect(201);
    const request = workedExamples.cases[0]!.request;
    // Warm the script cache so the commit is a single EVALSHA.
    await http
      .post('/v1/settlements')
      .set(admin)
      .send({ ...request, requestId: 'WARM-UP', admissionDate: '2019-01-01', dischargeDate: '2019-01-02' })
      .expect(201);

    proxy.arm({ kind: 'delay-reply', match: commitScriptCall(), ms: 600 });
    const started = Date.now();
    const first = await http.post('/v1/settlements').set(admin).send(request);
    expect(first.status).toBe(503);
    expect(first.body.error.code).toBe('UNAVAILABLE');
    expect(first.headers['retry-after']).toBeDefined();
    expect(Date.now() - started).toBeLessThan(1000);

    await new Promise((resolve) => setTimeout(resolve, 700)); // the delayed reply drains; the breaker half-opens
    const retry = await http.post('/v1/settlements').set(admin).send(request);
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replay']).toBe('true');
    expect(retry.body.payments.basic).toBe('7717.97');
    const acc = await http.get('/v1/enrollees/330326198001010001/accumulators/2019').set(admin).expect(200);
    expect(acc.body.admissions).toBe(2); // warm-up + the timed-out one, counted once
    client.disconnect();
    service.breaker.shutdown();
  });
});
