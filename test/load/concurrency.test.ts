/**
 * Concurrency against a real Redis: many settlements of ONE person at once,
 * through one app (the per-card mutex serialises them) and through two apps on
 * two connections (only the commit script's version check stands between
 * them). The year's Jinjiang fund cap (basicPaid 150,000) is reached partway,
 * so a lost update would show up as money paid past the cap or as a sum of
 * answers that differs from the accumulator.
 */
import { allSettlements } from '../helpers/pages.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextStayDays } from '../helpers/stay-days.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { charges, countedPart, dec, deltasOf, jinjiangEnrollee, listen, metricValue, sleep, sumMoney, type ListeningApp, type WireAccumulators } from '../helpers/load-support.js';

const YEAR = 2018;
const HOSPITAL = 'JJ-CITY'; // 晋江市医院: county-run level 3 in area → level 2: D 400, r 0.75
const CAP = '150000.00';

interface Instance {
  t: TestService;
  api: ListeningApp;
  admin: Record<string, string>;
}

let one: Instance;
let other: Instance; // a second composeService over its own ioredis client to the same redis-server

beforeAll(async () => {
  const t1 = await startTestService();
  await t1.loadWorkedRegistry();
  const t2 = await startTestService({ redisServer: t1.server });
  one = { t: t1, api: await listen(t1.service.app), admin: t1.auth(t1.keys.admin) };
  other = { t: t2, api: await listen(t2.service.app), admin: t2.auth(t2.keys.admin) };
});
afterAll(async () => {
  await other?.api.close();
  await one?.api.close();
  await other?.t.close(); // shares t1's redis-server: close it first
  await one?.t.close();
});

interface Settled {
  settlementId: string;
  requestId: string;
  payments: Record<string, string>;
  admissionOrdinal: number | null;
  accumulatorsBefore: WireAccumulators;
  accumulatorsAfter: WireAccumulators;
}

async function enrol(card: string): Promise<void> {
  await one.api.http.put(`/v1/enrollees/${card}`).set(one.admin).send(jinjiangEnrollee()).expect(201);
}

/** Stay i of the person: totals vary by fen so the cap is hit by a partial payment. */
function stay(card: string, i: number, prefix: string): Record<string, unknown> {
  const total = dec('6000.00').plus(dec(i).times('13.37')).toFixed(2);
  return {
    requestId: `${prefix}-${i}`,
    card,
    hospitalId: HOSPITAL,
    visitType: 'inpatient',
    // One person is in one hospital at a time: stay i has its own night.
    ...nextStayDays(2018, '2018-01-02', i),
    charges: charges(total),
  };
}

async function accumulators(card: string): Promise<WireAccumulators> {
  return (await one.api.http.get(`/v1/enrollees/${card}/accumulators/${YEAR}`).set(one.admin).expect(200)).body as WireAccumulators;
}

async function listed(card: string): Promise<Settled[]> {
  return allSettlements<Settled>(one.api.http, one.admin, card, YEAR);
}

async function commitCalls(instance: Instance): Promise<number> {
  const text = (await instance.api.http.get('/metrics').set(instance.admin).expect(200)).text;
  return metricValue(text, 'redis_call_duration_seconds_count', { operation: 'commitSettlement', outcome: 'ok' });
}

/**
 * Fires all bodies at once (body i through instances[i % n]), then retries any
 * 503 with the same requestId and body, as a billing desk would. Returns the
 * acknowledged settlements by requestId and the first-round status counts.
 */
async function burst(bodies: Record<string, unknown>[], instances: Instance[]) {
  const first = await Promise.all(
    bodies.map((body, i) => {
      const via = instances[i % instances.length]!;
      return via.api.http.post('/v1/settlements').set(via.admin).send(body);
    }),
  );
  const counts: Record<number, number> = {};
  for (const res of first) counts[res.status] = (counts[res.status] ?? 0) + 1;
  for (const res of first) {
    // No 500, ever: each answer is a settlement or a 503 (UNAVAILABLE, or OVERLOADED when the process was
    // too busy to read Redis's answer in time) with Retry-After.
    expect([201, 503], res.text).toContain(res.status);
    if (res.status === 503) {
      expect(['UNAVAILABLE', 'OVERLOADED']).toContain(res.body.error.code);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    }
  }
  const acknowledged = new Map<string, Settled>();
  let retried = 0;
  for (let i = 0; i < bodies.length; i++) {
    let res = first[i]!;
    for (let attempt = 0; res.status === 503 && attempt < 50; attempt++) {
      retried++;
      await sleep(50);
      const via = instances[i % instances.length]!;
      res = await via.api.http.post('/v1/settlements').set(via.admin).send(bodies[i]!);
    }
    // A retry of a 503 may find its earlier commit (200 replay) or settle now (201).
    expect([200, 201], res.text).toContain(res.status);
    acknowledged.set(String(bodies[i]!.requestId), res.body as Settled);
  }
  return { counts, acknowledged, retried };
}

/** The invariants of one person after a burst that reached the cap. */
async function checkPerson(card: string, acknowledged: Map<string, Settled>): Promise<{ paying: number }> {
  const acc = await accumulators(card);
  const acked = [...acknowledged.values()];
  // Σ payments.basic of the acknowledged answers is the accumulator, to the fen; never past the cap.
  expect(sumMoney(acked.map((s) => s.payments.basic!))).toBe(acc.basicPaid);
  expect(dec(String(acc.basicPaid)).lte(dec(CAP))).toBe(true);
  expect(acc.basicPaid).toBe(CAP); // 200 stays of ≥ 4,500 each: the cap is reached
  // Every acknowledged inpatient stay is one admission, counted once.
  expect(acc.admissions).toBe(acked.length);
  expect(new Set(acked.map((s) => s.admissionOrdinal))).toEqual(new Set(acked.map((_, i) => i + 1)));

  // The list holds exactly the acknowledged settlements, each once.
  const list = await listed(card);
  expect(list.map((s) => s.settlementId).sort()).toEqual(acked.map((s) => s.settlementId).sort());
  // Committed one after another: each settlement starts from where the previous one left the accumulators.
  for (let k = 1; k < list.length; k++) expect(list[k]!.accumulatorsBefore).toEqual(list[k - 1]!.accumulatorsAfter);
  expect(list[0]!.accumulatorsBefore.basicPaid).toBe('0.00');
  expect(countedPart(list.at(-1)!.accumulatorsAfter)).toEqual(countedPart(acc));
  const moved = deltasOf(list);
  expect(moved.admissions).toBe(acc.admissions);
  for (const [field, value] of Object.entries(moved.money)) expect(value, field).toBe(acc[field]);
  return { paying: acked.filter((s) => dec(s.payments.basic!).gt(0)).length };
}

describe('200 settlements of one person in parallel, fund cap reached partway', { timeout: 60_000 }, () => {
  it('through one app: no 500, Σ answers = accumulators, cap held, list = acknowledged', async () => {
    const card = 'LOADJJ1';
    await enrol(card);
    const bodies = Array.from({ length: 200 }, (_, i) => stay(card, i, 'ONE'));
    const { counts, acknowledged, retried } = await burst(bodies, [one]);
    expect(acknowledged.size).toBe(200);
    const { paying } = await checkPerson(card, acknowledged);
    expect(paying).toBeGreaterThanOrEqual(20);
    expect(paying).toBeLessThanOrEqual(40);
    console.info(`[load] one app: first round ${JSON.stringify(counts)}, ${retried} retries; ${paying} settlements paid until the cap`);
  });

  it('through two apps on two connections: the version check alone keeps the balance', async () => {
    const card = 'LOADJJ2';
    await enrol(card);
    const callsBefore = (await commitCalls(one)) + (await commitCalls(other));
    const bodies = Array.from({ length: 200 }, (_, i) => stay(card, i, 'TWO'));
    const { counts, acknowledged, retried } = await burst(bodies, [one, other]);
    expect(acknowledged.size).toBe(200);
    const { paying } = await checkPerson(card, acknowledged);
    // Each commit attempt is one script call; attempts beyond one per settlement were
    // refused by the version check (the other app had moved the accumulators) and recomputed.
    const calls = (await commitCalls(one)) + (await commitCalls(other)) - callsBefore;
    const stale = calls - 200;
    expect(stale).toBeGreaterThan(0);
    console.info(`[load] two apps: first round ${JSON.stringify(counts)}, ${retried} retries; ${paying} paid until the cap; ${stale} stale commits recomputed`);
  });
});

describe('50 copies of one request in parallel', () => {
  async function copies(card: string, instances: Instance[]) {
    await enrol(card);
    const body = stay(card, 7, `DUP-${card}`);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const via = instances[i % instances.length]!;
        return via.api.http.post('/v1/settlements').set(via.admin).send(body);
      }),
    );
    const created = answers.filter((r) => r.status === 201);
    const replays = answers.filter((r) => r.status === 200);
    expect(created).toHaveLength(1);
    expect(replays).toHaveLength(49);
    for (const r of replays) expect(r.headers['idempotent-replay']).toBe('true');
    expect(created[0]!.headers['idempotent-replay']).toBeUndefined();
    const ids = new Set(answers.map((r) => r.body.settlementId as string));
    expect(ids.size).toBe(1);
    // Every answer is the identical stored body.
    expect(new Set(answers.map((r) => r.text)).size).toBe(1);

    const acc = await accumulators(card);
    expect(acc.admissions).toBe(1);
    expect(acc.basicPaid).toBe(created[0]!.body.payments.basic);
    const list = await listed(card);
    expect(list.map((s) => s.settlementId)).toEqual([...ids]);
  }

  it('through one app: one settlement, one 201, 49 replays with the same settlementId', async () => {
    await copies('LOADDUP1', [one]);
  });

  it('through two apps: still one settlement (the script finds the other app’s record)', async () => {
    await copies('LOADDUP2', [one, other]);
  });
});
