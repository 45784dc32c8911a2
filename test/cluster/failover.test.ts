/**
 * Failover without losing a yuan. A 3-master Redis Cluster with
 * one replica each; the built server (dist/server.js) over it, replicas
 * detected at start (every answered write waits for one). Desks settle for
 * persons on every shard, each retrying a 503 with the same requestId. Under
 * that load the master of one shard is killed (kill -9); its replica takes
 * over; once it has, the dead node is started again, as a supervisor would,
 * and rejoins as the new master's replica. The service follows the topology by
 * itself (no restart).
 *
 * Afterwards: no answer was a 500 (only 201, 200 replays and 503s); every
 * settlement answered 201 or 200 — before, during or after the failover — is
 * readable with the body it was answered with; each person's accumulators are
 * exactly the sum of the deltas of their listed settlements, and every
 * answered settlement is listed once. Printed: the time from the kill to the
 * promotion, to the first settlement answered on the failed shard, and the
 * 503s in between.
 */
import { nextNightOf } from '../helpers/stay-days.js';
import calculateSlot from 'cluster-key-slot';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type ClusterNodeInfo, type RedisCluster } from '../../scripts/lib/redis-cluster.js';
import { countedPart, deltasOf, pingyangEnrollee, plusDeltas, sleep, type WireAccumulators } from '../helpers/load-support.js';
import { allSettlements } from '../helpers/pages.js';
import { makeKeys, type TestKeys } from '../helpers/service.js';
import { spawnServer, writeKeysFile, type ServerProcess } from '../helpers/server-process.js';
import { workedExamples } from '../helpers/worked-examples.js';

const HOSPITAL = 'PY-COUNTY';
const CARDS_PER_SHARD = 3;

let cluster: RedisCluster;
let server: ServerProcess;
let keys: TestKeys;
let masters: ClusterNodeInfo[];

beforeAll(async () => {
  cluster = await startRedisCluster({ replicas: 1 });
  masters = (await cluster.topology()).filter((n) => n.role === 'master');
  const made = makeKeys([HOSPITAL], ['pingyang']);
  keys = made.keys;
  server = await spawnServer({
    REDIS_CLUSTER_NODES: cluster.nodes,
    RATE_LIMIT_RPS: '0',
    API_KEYS_FILE: writeKeysFile(made.entries),
    LOG_LEVEL: 'info',
    REDIS_TIMEOUT_MS: '1500',
    REDIS_WAIT_TIMEOUT_MS: '500',
    BREAKER_RESET_MS: '500',
  });
}, 90_000);

afterAll(async () => {
  if (process.env.SHOW_SERVER_LOG)
    console.log(
      server
        ?.output()
        .split('\n')
        .filter((l) => /error|unexpected/i.test(l))
        .slice(0, 20)
        .join('\n'),
    );
  await server?.stop();
  await cluster?.stop();
});

const ownerOf = (card: string) => masters.find((m) => m.ranges.some(([from, to]) => calculateSlot(card) >= from && calculateSlot(card) <= to))!;

interface Answer {
  card: string;
  requestId: string;
  status: number;
  text: string;
  /** When the desk first sent it, and when it was answered. */
  sentAt: number;
  at: number;
}

describe('kill -9 of a master under settlement load, on a cluster with replicas', { timeout: 120_000 }, () => {
  it('answers 503 at most while the shard fails over, settles again after, loses nothing and never answers 500', async () => {
    // The server found the replicas at start: every answered write waited for one.
    expect(server.output()).toMatch(/"replicas":1,"how":"detected","topology":"cluster: 3 masters with 1, 1, 1 replicas"/);
    const http = supertest(server.base);
    const admin = { Authorization: `Bearer ${keys.admin}` };
    const billing = { Authorization: `Bearer ${keys.billing[HOSPITAL]}` };
    await http.put(`/v1/hospitals/${HOSPITAL}`).set(admin).send(workedExamples.hospitals[HOSPITAL]).expect(201);

    // Persons on every shard.
    const cards: string[] = [];
    for (const master of masters) {
      for (let i = 0, found = 0; found < CARDS_PER_SHARD; i++) {
        const card = `FAILOVER${i}`;
        if (ownerOf(card).id !== master.id || cards.includes(card)) continue;
        cards.push(card);
        found++;
      }
    }
    for (const card of cards) await http.put(`/v1/enrollees/${card}`).set(admin).send(pingyangEnrollee()).expect(201);
    const victim = ownerOf(cards[0]!);
    const victimCards = new Set(cards.filter((c) => ownerOf(c).id === victim.id));

    const answers: Answer[] = [];
    const statuses = new Map<number | string, number>();
    let stop = false;
    let killedAt = 0;
    let last503 = 0;
    const desk = async (card: string) => {
      for (let n = 0; !stop; n++) {
        const body = {
          requestId: `FO-${card}-${n}`,
          card,
          hospitalId: HOSPITAL,
          visitType: 'inpatient',
          // One hospital at a time: each of the person's stays its own night.
          ...nextNightOf(card, 2019),
          charges: { total: `${1000 + ((n * 37) % 900)}.${String(n % 100).padStart(2, '0')}`, fullSelfPay: '50.00' },
        };
        // A desk retries a 503 (or a dropped connection) with the same requestId until it is answered.
        const sentAt = Date.now();
        for (let attempt = 0; ; attempt++) {
          const res = await http
            .post('/v1/settlements')
            .set(billing)
            .send(body)
            .then(
              (r) => ({ status: r.status, text: r.text }),
              () => ({ status: 0, text: 'connection error' }),
            );
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status === 503) last503 = Date.now();
          if (res.status === 201 || res.status === 200) {
            answers.push({ card, requestId: body.requestId, status: res.status, text: res.text, sentAt, at: Date.now() });
            break;
          }
          if (res.status !== 503 && res.status !== 0) throw new Error(`${body.requestId}: ${res.status} ${res.text}`);
          if (attempt > 400) throw new Error(`${body.requestId}: still unanswered`);
          await sleep(100);
        }
      }
    };
    const desks = Promise.all(cards.map(desk));

    await sleep(1500);
    const beforeKill = answers.length;
    killedAt = Date.now();
    await cluster.kill(victim.port);

    // Its replica takes over (cluster-node-timeout 2 s, then the election).
    let promotedAt = 0;
    const survivor = masters.find((m) => m.id !== victim.id)!.port;
    for (let deadline = Date.now() + 30_000; ; ) {
      const nodes = await cluster.topology(survivor);
      const owner = nodes.find((n) => n.role === 'master' && !n.failing && n.ranges.some(([from]) => from === victim.ranges[0]![0]));
      if (owner && owner.id !== victim.id) {
        promotedAt = Date.now();
        break;
      }
      if (Date.now() > deadline) throw new Error('no replica took over');
      await sleep(100);
    }
    // A supervisor restarts the crashed node; it rejoins as the new master's replica.
    await cluster.restart(victim.port);
    await cluster.settled(30_000);
    const replicaBackAt = Date.now();
    await sleep(2000);
    stop = true;
    await desks;

    // The first settlement sent after the kill and answered (a retried one counts from its first attempt).
    const firstOnShard = answers.find((a) => a.sentAt > killedAt && victimCards.has(a.card));
    const firstAnywhere = answers.find((a) => a.sentAt > killedAt);
    console.log(
      `[failover] ${answers.length} settlements answered (${beforeKill} before the kill), attempts by status ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `kill → promotion ${promotedAt - killedAt} ms, → replica back ${replicaBackAt - killedAt} ms, ` +
        `→ first settlement sent after the kill answered: anywhere ${firstAnywhere ? firstAnywhere.at - killedAt : 'none'} ms, on the failed shard ${firstOnShard ? firstOnShard.at - killedAt : 'none'} ms; ` +
        `last 503 at ${last503 ? last503 - killedAt : 'none'} ms`,
    );

    // Nothing but 201, 200 and 503 (and connection drops, none expected); no 500.
    expect([...statuses.keys()].filter((s) => ![200, 201, 503].includes(s as number))).toEqual([]);
    expect(firstOnShard).toBeDefined();
    expect(answers.filter((a) => a.at > replicaBackAt && victimCards.has(a.card)).length).toBeGreaterThan(0);

    // Every answered settlement is there, with the body it was answered with.
    for (const answer of answers) {
      const id = JSON.parse(answer.text).settlementId as string;
      const read = await http.get(`/v1/settlements/${id}`).set(admin);
      expect(read.status, `${answer.requestId} ${id}`).toBe(200);
      expect(read.text, answer.requestId).toBe(answer.text);
    }
    // Each person's accumulators are the sum of the deltas of their listed settlements; each answered one is listed once.
    for (const card of cards) {
      const listed = await allSettlements<{ settlementId: string; accumulatorsBefore: WireAccumulators; accumulatorsAfter: WireAccumulators }>(http, admin, card, 2019);
      const ids = listed.map((s) => s.settlementId);
      expect(new Set(ids).size).toBe(ids.length);
      for (const answer of answers.filter((a) => a.card === card)) expect(ids).toContain(JSON.parse(answer.text).settlementId);
      const zero = {
        admissions: 0,
        basicEligible: '0.00',
        basicPaid: '0.00',
        compliantSelfBurden: '0.00',
        criticalIllnessPaid: '0.00',
        outpatientPaid: '0.00',
        retiredCadreSpousePaid: '0.00',
      };
      const acc = (await http.get(`/v1/enrollees/${card}/accumulators/2019`).set(admin).expect(200)).body as WireAccumulators;
      expect(countedPart(acc), card).toEqual(plusDeltas(zero, deltasOf(listed)));
      expect(listed.length).toBe(answers.filter((a) => a.card === card).length);
    }
    expect(server.output()).not.toMatch(/"level":60/);
    expect(server.output()).not.toMatch(/"statusCode":500/);
  });
});
