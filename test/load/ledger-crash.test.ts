/**
 * The day ledger's crash test (no entry lost or doubled): under a settlement and reversal load, the service
 * process is killed -9 at random moments (20 times), restarted, and the desks
 * retry every unanswered request with the same requestId, as a desk would.
 * Afterwards, for each hospital and day, the statement's entries are exactly
 * the committed settlements and reversals (as every person's settlement list
 * shows them), each once, and the totals are their sums. On a single Redis and
 * on a 3-master Redis Cluster.
 */
import { nextNightOf } from '../helpers/stay-days.js';
import { afterAll, describe, expect, it } from 'vitest';
import { businessDayOf } from '../../src/domain/dates.js';
import { startRedisCluster, type RedisCluster } from '../../scripts/lib/redis-cluster.js';
import { freePort, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { spawnServer, writeKeysFile, type ServerProcess } from '../helpers/server-process.js';
import { makeKeys } from '../helpers/service.js';
import { dec, jinjiangEnrollee, pingyangEnrollee, sleep } from '../helpers/load-support.js';
import { workedExamples } from '../helpers/worked-examples.js';

const KILLS = 20;
const DESKS = 6;
const HOSPITALS = ['PY-COUNTY', 'PY-TOWN', 'JJ-CITY'];
const PERSONS = [
  ...Array.from({ length: 6 }, (_, i) => ({
    card: `LEDPY${i}`,
    region: 'pingyang',
    enrollee: pingyangEnrollee(),
    dates: { admissionDate: '2019-05-01', dischargeDate: '2019-05-03' },
  })),
  ...Array.from({ length: 4 }, (_, i) => ({
    card: `LEDJJ${i}`,
    region: 'jinjiang',
    enrollee: jinjiangEnrollee(),
    dates: { admissionDate: '2018-05-01', dischargeDate: '2018-05-03' },
  })),
];
const personsAt = (hospitalId: string) => PERSONS.filter((p) => (hospitalId.startsWith('JJ') ? p.region === 'jinjiang' : p.region === 'pingyang'));

const negated = (amount: string) =>
  dec(amount)
    .negated()
    .toFixed(2)
    .replace(/^-0\.00$/, '0.00');

interface Answer {
  status: number | 'error';
  body: any;
}

interface Settled {
  settlementId: string;
  requestId: string;
  card: string;
  hospitalId: string;
  status: 'settled' | 'reversed';
  settledAt: string;
  reversedAt: string | null;
  total: string;
  fundTotal: string;
}

async function scenario(redisEnv: Record<string, string>, label: string): Promise<void> {
  const made = makeKeys(HOSPITALS, []);
  const env = { ...redisEnv, API_KEYS_FILE: writeKeysFile(made.entries), LOG_LEVEL: 'error', REDIS_TIMEOUT_MS: '2000', RATE_LIMIT_RPS: '0', PORT: String(await freePort()) };
  let server: ServerProcess = await spawnServer(env);
  const base = server.base;
  const admin = made.keys.admin;

  const call = async (method: string, path: string, key: string, body?: unknown): Promise<Answer> => {
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    } catch {
      return { status: 'error', body: null };
    }
  };
  for (const id of HOSPITALS) expect((await call('PUT', `/v1/hospitals/${id}`, admin, workedExamples.hospitals[id])).status).toBe(201);
  for (const p of PERSONS) expect((await call('PUT', `/v1/enrollees/${p.card}`, admin, p.enrollee)).status).toBe(201);

  // What the desks did: every request until it was answered.
  const pending: { kind: 'settle' | 'reverse'; hospitalId: string; body: any; settlementId?: string }[] = [];
  const acked = new Map<string, string>(); // requestId → settlementId
  const ackedBy = new Map<string, string[]>(); // hospitalId → settled ids
  const reversedAcked = new Set<string>();
  let answered = 0;
  let unanswered = 0;

  const send = async (request: (typeof pending)[number]): Promise<boolean> => {
    const key = made.keys.billing[request.hospitalId]!;
    const res =
      request.kind === 'settle'
        ? await call('POST', '/v1/settlements', key, request.body)
        : await call('POST', `/v1/settlements/${request.settlementId}/reversal`, key, request.body);
    if (res.status === 'error' || res.status === 503) return false;
    if (request.kind === 'settle') {
      expect([200, 201], JSON.stringify(res.body)).toContain(res.status);
      acked.set(request.body.requestId, res.body.settlementId);
      const list = ackedBy.get(request.hospitalId) ?? [];
      list.push(res.body.settlementId);
      ackedBy.set(request.hospitalId, list);
    } else {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.status).toBe('reversed');
      reversedAcked.add(request.settlementId!);
    }
    return true;
  };

  let stop = false;
  const desk = async (d: number) => {
    const hospitalId = HOSPITALS[d % HOSPITALS.length]!;
    const persons = personsAt(hospitalId);
    for (let i = 0; !stop; i++) {
      const mine = (ackedBy.get(hospitalId) ?? []).filter((id) => !reversedAcked.has(id));
      let request: (typeof pending)[number];
      if (i % 4 === 3 && mine.length > 0) {
        const settlementId = mine[Math.floor(Math.random() * mine.length)]!;
        request = { kind: 'reverse', hospitalId, settlementId, body: { reason: '测试撤销', operator: { id: `D${d}`, name: '收费员' } } };
      } else {
        const person = persons[(d + i) % persons.length]!;
        const cents = String(10_000 + Math.floor(Math.random() * 90_000));
        request = {
          kind: 'settle',
          hospitalId,
          body: {
            requestId: `${label}-D${d}-${i}`,
            card: person.card,
            hospitalId,
            visitType: 'inpatient',
            // One hospital at a time: each of the person's stays its own night.
            ...nextNightOf(`${label}:${person.card}`, Number(person.dates.admissionDate.slice(0, 4))),
            charges: { total: `${cents.slice(0, -2)}.${cents.slice(-2)}` },
            operator: { id: `D${d}`, name: '收费员' },
          },
        };
      }
      if (await send(request)) answered++;
      else {
        unanswered++;
        pending.push(request);
        await sleep(50);
      }
    }
  };

  const desks = Array.from({ length: DESKS }, (_, d) => desk(d));
  for (let k = 0; k < KILLS; k++) {
    await sleep(150 + Math.random() * 350);
    server.child.kill('SIGKILL');
    await server.exited;
    server = await spawnServer(env);
  }
  stop = true;
  await Promise.all(desks);
  // The desks retry every unanswered request with the same requestId (and body) until it is answered.
  for (const request of pending) {
    for (let attempt = 0; !(await send(request)); attempt++) {
      if (attempt > 100) throw new Error(`never answered: ${JSON.stringify(request)}`);
      await sleep(100);
    }
  }

  // A process just restarted may shed (503 with Retry-After) while it warms up: a desk reads again.
  const read = async (path: string): Promise<Answer> => {
    let answer = await call('GET', path, admin);
    for (let retry = 0; answer.status === 503 && retry < 20; retry++) {
      await sleep(250);
      answer = await call('GET', path, admin);
    }
    return answer;
  };

  // Every person's settlements, as the lists show them: the committed truth.
  const committed: Settled[] = [];
  for (const person of PERSONS) {
    const year = person.region === 'jinjiang' ? 2018 : 2019;
    let cursor: string | null = null;
    do {
      const page = await read(`/v1/enrollees/${person.card}/settlements?year=${year}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      committed.push(...page.body.settlements);
      cursor = page.body.next;
    } while (cursor !== null);
  }
  // Each acknowledged settlement is there, once; each acknowledged reversal shows.
  const byId = new Map(committed.map((s) => [s.settlementId, s]));
  expect(byId.size).toBe(committed.length);
  for (const [requestId, settlementId] of acked) expect(byId.get(settlementId)?.requestId, requestId).toBe(requestId);
  for (const id of reversedAcked) expect(byId.get(id)?.status).toBe('reversed');

  // Expected ledger: a settlement on the day of settledAt, its reversal on the day of reversedAt.
  const expected = new Map<string, Map<string, { total: string; fundTotal: string }>>(); // "hospital date" → "id|kind" → amounts
  const put = (hospitalId: string, at: string, field: string, amounts: { total: string; fundTotal: string }) => {
    const key = `${hospitalId} ${businessDayOf(at)}`;
    const day = expected.get(key) ?? new Map();
    day.set(field, amounts);
    expected.set(key, day);
  };
  for (const s of committed) {
    put(s.hospitalId, s.settledAt, `${s.settlementId}|settlement`, { total: s.total, fundTotal: s.fundTotal });
    if (s.status === 'reversed') put(s.hospitalId, s.reversedAt!, `${s.settlementId}|reversal`, { total: negated(s.total), fundTotal: negated(s.fundTotal) });
  }
  let entriesChecked = 0;
  for (const [key, fields] of expected) {
    const [hospitalId, date] = key.split(' ') as [string, string];
    const seen: any[] = [];
    let cursor: string | null = null;
    let totals: any;
    do {
      const page = await read(`/v1/hospitals/${hospitalId}/statements/${date}?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.entries);
      totals = page.body.totals;
      cursor = page.body.next;
    } while (cursor !== null);
    const fieldsSeen = seen.map((e) => `${e.settlementId}|${e.kind}`);
    expect(new Set(fieldsSeen).size, `${key}: an entry counted twice`).toBe(fieldsSeen.length);
    expect(fieldsSeen.sort(), key).toEqual([...fields.keys()].sort());
    for (const e of seen) expect({ total: e.total, fundTotal: e.fundTotal }).toEqual(fields.get(`${e.settlementId}|${e.kind}`));
    expect(totals.count).toBe(seen.length);
    expect(totals.total).toBe(seen.reduce((a, e) => a.plus(e.total), dec(0)).toFixed(2));
    expect(totals.fundTotal).toBe(seen.reduce((a, e) => a.plus(e.fundTotal), dec(0)).toFixed(2));
    entriesChecked += seen.length;
  }
  console.info(
    `[ledger-crash ${label}] ${KILLS} kills; ${answered} answered at once, ${unanswered} retried later; ${committed.length} settlements ` +
      `(${committed.filter((s) => s.status === 'reversed').length} reversed); ${entriesChecked} statement entries checked over ${expected.size} hospital-days`,
  );
  await server.stop();
}

describe('kill -9 of the service under settlement and reversal load: the day ledgers hold exactly what was committed', { timeout: 240_000 }, () => {
  let redis: RedisServer | undefined;
  let cluster: RedisCluster | undefined;
  afterAll(async () => {
    await redis?.stop();
    await cluster?.stop();
  });

  it('on a single Redis', async () => {
    redis = await startRedis();
    await scenario({ REDIS_URL: redis.url }, 'single');
  });

  it('on a 3-master Redis Cluster', async () => {
    cluster = await startRedisCluster();
    await scenario({ REDIS_CLUSTER_NODES: cluster.nodes }, 'cluster');
  });
});
