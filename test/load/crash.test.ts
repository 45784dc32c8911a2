/**
 * kill -9 of Redis in the middle of a settlement load, with the AOF fsynced on
 * every write (appendfsync always, as config/redis.conf). After a restart from
 * its files: every settlement the client got a 201 for is still there with the
 * same body; each person's accumulators are exactly the sum of the deltas of
 * the settlements listed for them; nothing is half-written; and a retry of a
 * request that failed during the crash is a replay or a new settlement, never
 * a second count.
 *
 * The app runs in-process (the real composeService wiring over its own ioredis
 * client with the production fail-fast options); the client counts only what
 * it got a 201 for.
 */
import { nextNightOf, stayDaysOf } from '../helpers/stay-days.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { composeService } from '../../src/compose.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { createRedis, whenReady } from '../../src/store/redis.js';
import { allSettlements } from '../helpers/pages.js';
import { checkStorageIntegrity } from '../helpers/storage-integrity.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { makeKeys, startTestService, type TestService } from '../helpers/service.js';
import { TcpProxy, commitScriptCall } from '../helpers/tcp-proxy.js';
import { POLICY_DIR } from '../helpers/worked-examples.js';
import {
  charges,
  countedPart,
  dec,
  deltasOf,
  jinjiangEnrollee,
  listen,
  pingyangEnrollee,
  plusDeltas,
  sleep,
  type ListeningApp,
  type WireAccumulators,
} from '../helpers/load-support.js';

interface Person {
  card: string;
  year: number;
  hospitalId: string;
  enrollee: Record<string, unknown>;
  dates: { admissionDate: string; dischargeDate: string };
}

const PERSONS: Person[] = [
  ...[1, 2, 3].map((n) => ({
    card: `CRASHJJ${n}`,
    year: 2018,
    hospitalId: 'JJ-CITY',
    enrollee: jinjiangEnrollee(),
    dates: { admissionDate: '2018-06-01', dischargeDate: '2018-06-09' },
  })),
  ...[1, 2, 3].map((n) => ({
    card: `CRASHPY${n}`,
    year: 2019,
    hospitalId: 'PY-COUNTY',
    enrollee: pingyangEnrollee(),
    dates: { admissionDate: '2019-06-01', dischargeDate: '2019-06-09' },
  })),
];
const WORKERS_PER_PERSON = 2;

interface Sent {
  body: Record<string, unknown>;
  person: Person;
  status: number | 'error';
  text: string;
}

let redis: RedisServer;
let t: TestService;
let api: ListeningApp;
let admin: Record<string, string>;

beforeAll(async () => {
  // startRedis passes --appendonly no first; later arguments win in redis-server (checked below).
  redis = await startRedis(['--appendonly', 'yes', '--appendfsync', 'always']);
  t = await startTestService({ redisServer: redis, redisTimeoutMs: 1000, breakerResetMs: 300 });
  t.redis.on('error', () => {}); // as the server does: the outage is answered 503, not logged per attempt
  api = await listen(t.service.app);
  admin = t.auth(t.keys.admin);
  await t.loadWorkedRegistry();
  for (const person of PERSONS) await api.http.put(`/v1/enrollees/${person.card}`).set(admin).send(person.enrollee).expect(201);
});
afterAll(async () => {
  await api?.close();
  await t?.close();
  await redis?.stop();
});

async function ready(on: ListeningApp = api, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await on.http.get('/readyz').catch(() => null);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`not ready after restart: ${res?.text}`);
    await sleep(50);
  }
}

describe('kill -9 of Redis under load (AOF, appendfsync always)', { timeout: 90_000 }, () => {
  it('keeps every acknowledged settlement, balances every person, writes nothing by halves', async () => {
    expect(await t.redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await t.redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);

    const sent: Sent[] = [];
    let inFlight = 0;
    let seq = 0;
    let stop = false;
    let acked = 0;

    const worker = async (person: Person, w: number) => {
      while (!stop) {
        const n = seq++;
        const body = {
          requestId: `CR-${person.card}-${w}-${n}`,
          card: person.card,
          hospitalId: person.hospitalId,
          visitType: 'inpatient',
          // One hospital at a time: each of the person's stays its own night.
          ...nextNightOf(person.card, Number(person.dates.admissionDate.slice(0, 4))),
          charges: charges(
            dec(1500)
              .plus(dec(n % 97).times('211.13'))
              .toFixed(2),
          ),
        };
        inFlight++;
        let entry: Sent;
        try {
          const res = await api.http.post('/v1/settlements').set(admin).send(body);
          entry = { body, person, status: res.status, text: res.text };
        } catch (error) {
          entry = { body, person, status: 'error', text: String(error) };
        } finally {
          inFlight--;
        }
        sent.push(entry);
        if (entry.status === 201) acked++;
        else await sleep(20); // down: back off a little instead of spinning
      }
    };

    const workers = PERSONS.flatMap((person) => Array.from({ length: WORKERS_PER_PERSON }, (_, w) => worker(person, w)));

    // Load until a good number is acknowledged, then crash Redis mid-stream.
    const until = async (done: () => boolean, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; statuses so far: ${sent.map((s) => s.status).join(',')}`);
        await sleep(5);
      }
    };
    await until(() => acked >= 150, '150 acknowledged settlements');
    const inFlightAtCrash = inFlight;
    const ackedBeforeCrash = acked;
    await redis.kill('SIGKILL');
    await sleep(400); // requests keep coming while Redis is gone
    await redis.restart();
    await ready();
    const ackedAtRecovery = acked;
    await until(() => acked >= ackedAtRecovery + 60, '60 settlements after the restart');
    stop = true;
    await Promise.all(workers);

    const statuses: Record<string, number> = {};
    for (const s of sent) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;
    // Never a 500 or a refusal: a settlement, or "unavailable, retry".
    for (const s of sent) {
      expect([201, 503, 'error'], s.text).toContain(s.status);
      if (s.status === 503) expect(JSON.parse(s.text).error.code).toBe('UNAVAILABLE');
    }
    const failedDuringCrash = sent.filter((s) => s.status !== 201);
    expect(failedDuringCrash.length).toBeGreaterThan(0);

    // 1. Every 201 is still readable, with the identical body.
    const createdBodies = sent.filter((s) => s.status === 201);
    for (const s of createdBodies) {
      const answered = JSON.parse(s.text) as { settlementId: string; payments: Record<string, string> };
      const read = await api.http.get(`/v1/settlements/${answered.settlementId}`).set(admin);
      expect(read.status, answered.settlementId).toBe(200);
      expect(read.body.payments).toEqual(answered.payments);
      expect(read.text).toBe(s.text);
    }

    // 2. A retry of each failed request (same requestId, same body): the stored settlement or a new one.
    let replays = 0;
    let fresh = 0;
    const eventually = new Map<string, string>(); // requestId → settlementId, for everything acknowledged
    for (const s of createdBodies) eventually.set(String(s.body.requestId), JSON.parse(s.text).settlementId);
    for (const s of failedDuringCrash) {
      const res = await api.http.post('/v1/settlements').set(admin).send(s.body);
      expect([200, 201], res.text).toContain(res.status);
      if (res.status === 200) {
        expect(res.headers['idempotent-replay']).toBe('true');
        replays++;
      } else fresh++;
      eventually.set(String(s.body.requestId), res.body.settlementId);
      // …and once more: now always the replay of that same settlement.
      const again = await api.http.post('/v1/settlements').set(admin).send(s.body).expect(200);
      expect(again.body.settlementId).toBe(res.body.settlementId);
    }
    // Acknowledged before the crash and replayed after it: the idempotency records survived too.
    for (const s of createdBodies.filter((_, i) => i % 10 === 0)) {
      const again = await api.http.post('/v1/settlements').set(admin).send(s.body).expect(200);
      expect(again.text).toBe(s.text);
    }

    // 3. Per person: listed = everything acknowledged, once; accumulators = Σ deltas of the listed.
    for (const person of PERSONS) {
      const list = await allSettlements<{
        settlementId: string;
        requestId: string;
        accumulatorsBefore: WireAccumulators;
        accumulatorsAfter: WireAccumulators;
        admissionOrdinal: number | null;
        payments: Record<string, string>;
      }>(api.http, admin, person.card, person.year);
      const ours = [...eventually.entries()].filter(([requestId]) => requestId.startsWith(`CR-${person.card}-`));
      expect(list.map((s) => s.settlementId).sort()).toEqual(ours.map(([, id]) => id).sort());
      for (const s of list) expect(eventually.get(s.requestId)).toBe(s.settlementId);
      for (let k = 1; k < list.length; k++) expect(list[k]!.accumulatorsBefore, person.card).toEqual(list[k - 1]!.accumulatorsAfter);

      const acc = (await api.http.get(`/v1/enrollees/${person.card}/accumulators/${person.year}`).set(admin).expect(200)).body as WireAccumulators;
      const zero = (await api.http.get(`/v1/enrollees/NOBODY${person.year}/accumulators/${person.year}`).set(admin).expect(200)).body as WireAccumulators;
      expect(countedPart(acc), person.card).toEqual(plusDeltas(zero, deltasOf(list)));
      expect(acc.admissions).toBe(list.filter((s) => s.admissionOrdinal !== null).length);
      expect(acc.basicPaid).toBe(list.reduce((sum, s) => sum.plus(dec(s.payments.basic!)), dec(0)).toFixed(2));
      // every listed id is readable
      for (const s of list) await api.http.get(`/v1/settlements/${s.settlementId}`).set(admin).expect(200);
    }

    // 4. Nothing half-written: every idempotency record has its settlement, listed under its year;
    //    every settlement has its id index, its idempotency record and its day-ledger entry.
    const integrity = await checkStorageIntegrity(t.redis as Redis);
    expect(integrity.problems).toEqual([]);
    expect(integrity.settlements).toBe(integrity.idempotencyRecords);
    expect(integrity.ledgerEntries).toBe(integrity.settlements);

    console.info(
      `[crash] ${sent.length} requests: ${JSON.stringify(statuses)}; ${ackedBeforeCrash} acknowledged before the kill, ` +
        `${inFlightAtCrash} in flight at the kill, ${failedDuringCrash.length} failed; retried: ${replays} replays (committed before the crash), ` +
        `${fresh} settled anew; ${integrity.settlements} settlements stored`,
    );
  });
});

describe('a commit fsynced whose reply died with Redis', { timeout: 60_000 }, () => {
  it('is found again after the restart: the retry replays it, counted once', async () => {
    // A second app reaches Redis through a proxy that holds back the reply to the commit script.
    const proxy = new TcpProxy(redis.port);
    await proxy.start();
    const client = createRedis({ url: `redis://127.0.0.1:${proxy.port}`, offlineQueue: false, commandTimeoutMs: 5000 });
    client.on('error', () => {});
    await whenReady(client);
    const { ring, keys } = makeKeys([], []);
    const service = composeService({ redis: client, catalog: loadPolicyDirectory(POLICY_DIR), keys: ring, redisTimeoutMs: 5000, breakerResetMs: 300 });
    const proxied = await listen(service.app);
    const auth = { Authorization: `Bearer ${keys.admin}` };
    try {
      const card = 'CRASHLOST1';
      await proxied.http.put(`/v1/enrollees/${card}`).set(auth).send(jinjiangEnrollee()).expect(201);
      const stayOf = (requestId: string) => ({
        requestId,
        card,
        hospitalId: 'JJ-CITY',
        visitType: 'inpatient',
        // One hospital at a time: each requestId its own night (a retry keeps its body).
        ...stayDaysOf(`crash-lost-${requestId}`, 2018, '2018-07-01'),
        charges: charges('8000.00'),
      });
      // Loads the script, so the next commit is one EVALSHA.
      const warm = await proxied.http.post('/v1/settlements').set(auth).send(stayOf('LOST-WARM')).expect(201);

      proxy.arm({ kind: 'delay-reply', match: commitScriptCall(), ms: 10_000 });
      const pending = proxied.http.post('/v1/settlements').set(auth).send(stayOf('LOST-1'));
      const answer = pending.then(
        (res) => res,
        (error: unknown) => ({ status: 'error' as const, error }),
      );
      // Executed: another connection sees its idempotency record, so the AOF holds it (fsync before any reply).
      const deadline = Date.now() + 10_000;
      while ((await t.redis.hexists(`person:{${card}}`, 'JJ-CITY:LOST-1')) !== 1) {
        if (Date.now() > deadline) throw new Error('the commit never executed');
        await sleep(5);
      }
      expect(proxy.fired).toBe(1);
      await redis.kill('SIGKILL'); // the reply is still held in the proxy: it dies with Redis
      const first = await answer;
      await redis.restart();
      await ready();
      await ready(proxied);

      const retry = await proxied.http.post('/v1/settlements').set(auth).send(stayOf('LOST-1'));
      if (first.status === 201) {
        // (ioredis re-sent the script after the reconnect and it found its own record)
        expect(retry.status).toBe(200);
      } else {
        expect([503, 'error']).toContain(first.status);
        expect(retry.status).toBe(200);
        expect(retry.headers['idempotent-replay']).toBe('true');
      }
      const acc = (await proxied.http.get(`/v1/enrollees/${card}/accumulators/2018`).set(auth).expect(200)).body as WireAccumulators;
      expect(acc.admissions).toBe(2); // warm-up + the lost one, once
      expect(acc.basicPaid).toBe(dec(warm.body.payments.basic).plus(dec(retry.body.payments.basic)).toFixed(2));
      const list = (await proxied.http.get(`/v1/enrollees/${card}/settlements?year=2018`).set(auth).expect(200)).body.settlements as { settlementId: string }[];
      expect(list.map((s) => s.settlementId)).toEqual([warm.body.settlementId, retry.body.settlementId]);
      console.info(`[crash] lost reply: first answer ${String(first.status)}, retry after restart ${retry.status} (${retry.headers['idempotent-replay'] ? 'replay' : 'new'})`);
    } finally {
      await proxied.close();
      client.disconnect();
      service.breaker.shutdown();
      await proxy.stop();
    }
  });
});
