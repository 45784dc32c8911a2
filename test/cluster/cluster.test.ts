/**
 * Scale-out over a real 3-master Redis Cluster: two service processes
 * (dist/server.js with REDIS_CLUSTER_NODES) share it, requests alternate
 * between them, and every answer is the one a single process over a single
 * Redis gives. The data really is spread: each node holds the records of the
 * cards whose slots it owns, and only those.
 */
import calculateSlot from 'cluster-key-slot';
import { SETTLEMENT_ID_PATTERN, settlementIdOfCard, slotTag } from '../../src/store/keys.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type RedisCluster } from '../../scripts/lib/redis-cluster.js';
import { makeKeys, type TestKeys } from '../helpers/service.js';
import { spawnServer, writeKeysFile, type ServerProcess } from '../helpers/server-process.js';
import { expectWorkedOutcome, workedExamples } from '../helpers/worked-examples.js';

const PY_CARD = '330326198001010001';

let cluster: RedisCluster;
let A: ServerProcess;
let B: ServerProcess;
let keys: TestKeys;
/** Master port → the slot ranges it owns. */
let owners: { port: number; ranges: [number, number][] }[];

beforeAll(async () => {
  cluster = await startRedisCluster();
  const made = makeKeys([...Object.keys(workedExamples.hospitals)], ['pingyang', 'jinjiang', 'taiyuan']);
  keys = made.keys;
  const keysFile = writeKeysFile(made.entries);
  const env = { REDIS_CLUSTER_NODES: cluster.nodes, API_KEYS_FILE: keysFile, LOG_LEVEL: 'warn', REDIS_TIMEOUT_MS: '2000' };
  [A, B] = await Promise.all([spawnServer(env), spawnServer(env)]);
  owners = (await cluster.topology()).filter((node) => node.role === 'master');
}, 60_000);

afterAll(async () => {
  await Promise.all([A?.stop(), B?.stop()]);
  await cluster?.stop();
});

function ownerOf(card: string): number {
  const slot = calculateSlot(card);
  return owners.find((o) => o.ranges.some(([from, to]) => slot >= from && slot <= to))!.port;
}

async function call(server: ServerProcess, method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, body: json };
}

let turn = 0;
/** A, B, A, B, … */
const next = (): ServerProcess => (turn++ % 2 === 0 ? A : B);

const billing = (hospitalId: string) => keys.billing[hospitalId]!;

async function accumulators(server: ServerProcess, card: string, year: number) {
  const res = await call(server, 'GET', `/v1/enrollees/${card}/accumulators/${year}`, keys.admin);
  expect(res.status, res.text).toBe(200);
  const { version: _v, card: _c, year: _y, ...rest } = res.body as Record<string, unknown>;
  return rest;
}

async function putEnrollee(server: ServerProcess, card: string, body: unknown) {
  const res = await call(server, 'PUT', `/v1/enrollees/${card}`, keys.admin, body);
  expect([200, 201], res.text).toContain(res.status);
}

/** A settlement body of worked example P-PY-1 for another card. */
function pyStay(card: string, requestId: string): Record<string, unknown> {
  return { ...workedExamples.cases[0]!.request, card, requestId };
}

describe('two processes over a 3-master Redis Cluster', () => {
  it('both processes are ready with the cluster', async () => {
    for (const server of [A, B]) {
      // The checks behind readiness are shown to an admin key (the public answer is the status only).
      const res = await fetch(`${server.base}/readyz`, { headers: { Authorization: `Bearer ${keys.admin}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { checks: { redis: string } }).checks.redis).toBe('ok');
    }
  });

  it('loads the worked-example registry through one process', async () => {
    for (const [id, hospital] of Object.entries(workedExamples.hospitals)) {
      const res = await call(A, 'PUT', `/v1/hospitals/${id}`, keys.admin, hospital);
      expect([200, 201], res.text).toContain(res.status);
    }
    for (const [card, enrollee] of Object.entries(workedExamples.enrollees)) await putEnrollee(A, card, enrollee);
    for (const referral of workedExamples.referrals) {
      const res = await call(A, 'POST', '/v1/referrals', keys.admin, referral);
      expect(res.status, res.text).toBe(201);
    }
    // The other process sees it all.
    for (const card of Object.keys(workedExamples.enrollees)) expect((await call(B, 'GET', `/v1/enrollees/${card}`, keys.admin)).status).toBe(200);
    for (const id of Object.keys(workedExamples.hospitals)) expect((await call(B, 'GET', `/v1/hospitals/${id}`, keys.admin)).status).toBe(200);
  });

  describe('every worked example, requests alternating between the processes', () => {
    for (const { request, expect: expected } of workedExamples.cases) {
      it(request.requestId, async () => {
        const res = await call(next(), 'POST', '/v1/settlements', billing(request.hospitalId), request);
        expectWorkedOutcome(res, expected);
      });
    }

    it('accumulators reflect the settled examples, read on either process', async () => {
      const onA = await accumulators(A, PY_CARD, 2019);
      expect(onA).toEqual(await accumulators(B, PY_CARD, 2019));
      expect(onA.admissions).toBe(3);
      expect(onA.basicEligible).toBe('150000.00');
      expect(onA.basicPaid).toBe('63188.99');
    });
  });

  describe('idempotency and reversal across processes', () => {
    const card = 'CLUSTERIDEM1';
    beforeAll(async () => putEnrollee(B, card, workedExamples.enrollees[PY_CARD]));

    it('settle on A, replay on B: 200, identical body, Idempotent-Replay: true; another body on B: 409', async () => {
      const body = pyStay(card, 'CL-IDEM-1');
      const first = await call(A, 'POST', '/v1/settlements', billing('PY-COUNTY'), body);
      expect(first.status, first.text).toBe(201);
      expect(first.headers.get('idempotent-replay')).toBeNull();
      const before = await accumulators(A, card, 2019);

      const replay = await call(B, 'POST', '/v1/settlements', billing('PY-COUNTY'), body);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replay')).toBe('true');
      expect(replay.text).toBe(first.text);

      const charges = body.charges as Record<string, string>;
      const changed = { ...body, charges: { ...charges, total: (Number(charges.total) + 0.01).toFixed(2) } };
      const conflict = await call(B, 'POST', '/v1/settlements', billing('PY-COUNTY'), changed);
      expect(conflict.status, conflict.text).toBe(409);
      expect(conflict.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
      expect(await accumulators(A, card, 2019)).toEqual(before);
      expect(await accumulators(B, card, 2019)).toEqual(before);
    });

    it('preview on either process records nothing', async () => {
      const before = await accumulators(A, card, 2019);
      for (const server of [A, B]) {
        const res = await call(server, 'POST', '/v1/settlements/preview', billing('PY-COUNTY'), pyStay(card, `CL-PREVIEW-${server.port}`));
        expect(res.status, res.text).toBe(200);
        expect(res.body.status).toBe('preview');
        expect(res.body.settlementId).toBeNull();
      }
      expect(await accumulators(A, card, 2019)).toEqual(before);
      expect(await accumulators(B, card, 2019)).toEqual(before);
    });

    it('settle on A, reverse on B restores the accumulators exactly (read on A); a second reversal on A changes nothing', async () => {
      const before = await accumulators(A, card, 2019);
      // Its own days: CL-IDEM-1 holds the person's 03-01..03-10 (one hospital at a time).
      const settled = await call(A, 'POST', '/v1/settlements', billing('PY-COUNTY'), { ...pyStay(card, 'CL-REV-1'), admissionDate: '2019-04-01', dischargeDate: '2019-04-10' });
      expect(settled.status, settled.text).toBe(201);
      const id = settled.body.settlementId as string;
      const during = await accumulators(B, card, 2019);
      expect(during).not.toEqual(before);
      expect(during).toEqual(settled.body.accumulatorsAfter);

      for (const server of [A, B]) {
        const read = await call(server, 'GET', `/v1/settlements/${id}`, billing('PY-COUNTY'));
        expect(read.status, read.text).toBe(200);
        expect(read.body.status).toBe('settled');
        expect(read.body.payments).toEqual(settled.body.payments);
      }

      const reversed = await call(B, 'POST', `/v1/settlements/${id}/reversal`, billing('PY-COUNTY'));
      expect(reversed.status, reversed.text).toBe(200);
      expect(reversed.body.status).toBe('reversed');
      expect(await accumulators(A, card, 2019)).toEqual(before);

      const again = await call(A, 'POST', `/v1/settlements/${id}/reversal`, billing('PY-COUNTY'));
      expect(again.status, again.text).toBe(200);
      expect(again.body.status).toBe('reversed');
      expect(again.body.reversedAt).toBe(reversed.body.reversedAt);
      expect(await accumulators(A, card, 2019)).toEqual(before);

      for (const server of [A, B]) {
        const read = await call(server, 'GET', `/v1/settlements/${id}`, keys.admin);
        expect(read.status).toBe(200);
        expect(read.body.status).toBe('reversed');
        expect(read.body.reversedAt).toBe(reversed.body.reversedAt);
      }
    });

    it('lists the settlements of the person and year on either process', async () => {
      const onA = await call(A, 'GET', `/v1/enrollees/${card}/settlements?year=2019`, keys.admin);
      const onB = await call(B, 'GET', `/v1/enrollees/${card}/settlements?year=2019`, keys.admin);
      expect(onA.status, onA.text).toBe(200);
      expect(onB.body).toEqual(onA.body);
      expect(onA.body.settlements.map((s: { status: string }) => s.status)).toEqual(['settled', 'reversed']);
      const none = await call(B, 'GET', `/v1/enrollees/${card}/settlements?year=2018`, keys.admin);
      expect(none.body.settlements).toEqual([]);
    });
  });

  it('a referral filed on A is read and revoked on B, and settlements on A see the revocation', async () => {
    const card = 'CLUSTERREF1';
    await putEnrollee(A, card, { region: 'pingyang', sex: 'M', birthDate: '1950-01-01', coverage: [{ from: '2019-01-01', to: '2019-12-31' }] });
    const stay = (requestId: string) => ({
      ...pyStay(card, requestId),
      hospitalId: 'WZ-CITY',
      admissionDate: '2019-07-01',
      dischargeDate: '2019-07-10',
      charges: { total: '11300.00', fullSelfPay: '0.00', overLimitSelfPay: '0.00', preSelfPay: '0.00' },
    });
    const referralKey = keys.referral.pingyang!;
    const created = await call(A, 'POST', '/v1/referrals', referralKey, {
      card,
      kind: 'referral',
      validFrom: '2019-06-01',
      validTo: '2019-08-31',
      toHospitalId: 'WZ-CITY',
    });
    expect(created.status, created.text).toBe(201);
    const referralId = created.body.referralId as string;
    const read = await call(B, 'GET', `/v1/referrals/${referralId}`, referralKey);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    const filed = await call(B, 'POST', '/v1/settlements/preview', billing('WZ-CITY'), stay('X'));
    expect(filed.body.payments.basic).toBe('5000.00'); // (11300 − 1300) × 0.50 with the filing

    const revoked = await call(B, 'DELETE', `/v1/referrals/${referralId}`, referralKey);
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    expect((await call(A, 'GET', `/v1/referrals/${referralId}`, keys.admin)).body.status).toBe('revoked');
    const unfiled = await call(A, 'POST', '/v1/settlements/preview', billing('WZ-CITY'), stay('Y'));
    expect(unfiled.body.payments.basic).toBe('4500.00'); // (11300 − 1300) × 0.45 without
  });

  it('the data is spread: each node holds exactly the settlements of the cards whose slots it owns', async () => {
    // One settled card on every node (worked-example cards, plus cards picked for the nodes they miss).
    const settledCards = new Set(workedExamples.cases.filter((c) => c.expect.status === 'settled').map((c) => c.request.card));
    settledCards.add('CLUSTERIDEM1');
    for (const owner of owners) {
      if ([...settledCards].some((card) => ownerOf(card) === owner.port)) continue;
      let i = 0;
      while (ownerOf(`CLUSTERSPREAD${i}`) !== owner.port) i++;
      const card = `CLUSTERSPREAD${i}`;
      await putEnrollee(next(), card, workedExamples.enrollees[PY_CARD]);
      const res = await call(next(), 'POST', '/v1/settlements', billing('PY-COUNTY'), pyStay(card, `CL-SPREAD-${i}`));
      expect(res.status, res.text).toBe(201);
      settledCards.add(card);
    }

    const cardsByNode = new Map<number, Set<string>>();
    for (const { port } of owners) {
      // Without -c, KEYS answers with the node's own keys only.
      // Records are fields 'r|<id>' of the person's hash, the id local (its card's slot made whole again).
      const records: [string, string][] = [];
      for (const key of (await cluster.cli(port, '--raw', 'KEYS', 'person:*')).split('\n').filter(Boolean)) {
        const card = /^person:\{(.+)\}$/.exec(key)![1]!;
        const fields = (await cluster.cli(port, '--raw', 'HKEYS', key)).split('\n').filter((field) => field.startsWith('r|'));
        for (const field of fields) records.push([card, settlementIdOfCard(card, field.slice(2))]);
      }
      const cards = new Set(records.map(([card]) => card));
      cardsByNode.set(port, cards);
      for (const card of cards) expect(ownerOf(card), `${card} on ${port}`).toBe(port);
      // The id → card index of every settlement lives on the node of its card.
      for (const [card, id] of records) {
        expect(id).toMatch(SETTLEMENT_ID_PATTERN);
        const slot = Number.parseInt(id.slice(2, 6), 16);
        expect(slot).toBe(calculateSlot(card));
        const indexed = (await cluster.cli(port, '--raw', 'HGET', `idx:{${slotTag(slot)}}`, id)).trim();
        expect(indexed, `index of ${id} on ${port}`).toBe(card);
      }
    }
    // Every node holds settlements, and every settled card is found on its own node.
    for (const { port } of owners) expect(cardsByNode.get(port)!.size, `settlements on ${port}`).toBeGreaterThan(0);
    for (const card of settledCards) expect(cardsByNode.get(ownerOf(card))!.has(card), card).toBe(true);
    // Same via the slot counters: the owner counts the card's keys, the other nodes none.
    for (const card of settledCards) {
      const slot = String(calculateSlot(card));
      for (const { port } of owners) {
        const count = Number((await cluster.cli(port, 'CLUSTER', 'COUNTKEYSINSLOT', slot)).trim());
        if (port === ownerOf(card)) expect(count).toBeGreaterThan(0);
        else expect(count).toBe(0);
      }
    }
  });

  it('both processes served without a single 5xx', async () => {
    for (const server of [A, B]) {
      expect(server.output()).not.toMatch(/"level":(50|60)/);
      expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    }
  });
});

describe('bulk registry writes over the cluster', () => {
  const person = (i: number) => ({
    card: `BULKCL${i}`,
    region: 'pingyang',
    sex: i % 2 ? 'M' : 'F',
    birthDate: '1980-01-01',
    coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
  });
  const bulk = async (server: ServerProcess, rows: unknown[]) => {
    const res = await fetch(`${server.base}/v1/enrollees:bulk`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${keys.admin}`, 'Content-Type': 'application/x-ndjson' },
      body: rows.map((row) => `${JSON.stringify(row)}\n`).join(''),
    });
    const lines = (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, any>);
    return { status: res.status, summary: lines.find((line) => 'summary' in line)?.summary };
  };

  it('POST /v1/enrollees:bulk spreads 300 persons over the nodes (one script call per slot); the other process reads them; a re-run changes nothing', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => person(i));
    const first = await bulk(A, rows);
    expect(first.status).toBe(200);
    expect(first.summary).toMatchObject({ rows: 300, created: 300, rejected: 0 });
    expect(new Set(rows.map((row) => ownerOf(row.card))).size).toBe(3);
    for (const i of [0, 150, 299]) expect((await call(B, 'GET', `/v1/enrollees/BULKCL${i}`, keys.admin)).body).toMatchObject({ card: `BULKCL${i}` });
    expect((await bulk(B, rows)).summary).toMatchObject({ unchanged: 300 });
  });

  it('npm run import writes to the cluster too', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cluster-import-')), 'enrollees.ndjson');
    writeFileSync(file, Array.from({ length: 100 }, (_, i) => JSON.stringify(person(1000 + i))).join('\n'));
    const run = spawnSync(process.execPath, ['dist/cli/import.js', 'enrollees', file], {
      env: { PATH: process.env.PATH ?? '', REDIS_URL: `redis-cluster://${cluster.nodes}` },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/100 created/);
    expect((await call(A, 'GET', '/v1/enrollees/BULKCL1099', keys.admin)).status).toBe(200);
  });
});
