/**
 * What one valid key can cost everyone else, attacked the way an outsider with
 * a real key would (docs/bounds.md): reconciliations kept as a bounded record;
 * a request's body charged to its key and held to what its route needs; a
 * per-key cap on requests in flight and a deadline for slow bodies; nested
 * input bounded before anything walks it.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hsa, text } from '../helpers/hsa.js';
import { listen, type ListeningApp } from '../helpers/load-support.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { workedExamples } from '../helpers/worked-examples.js';

const CODE = 'H33032600001';
const DAY = '2026-03-10';

function deep(levels: number): string {
  return '['.repeat(levels) + ']'.repeat(levels);
}

describe('reconciliations are a bounded record', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ bounds: { reconciliationDifferences: 50, reconciliationRuns: 5, reconciliationDays: 3 } });
    await t.loadWorkedRegistry();
  });
  afterAll(async () => t?.close());

  it('a run keeps at most N differences (and counts them all); a day keeps the newest M runs, says how many were dropped, and lives a bounded time', async () => {
    const key = t.auth(t.keys.billing['PY-TOWN']!);
    const rows = Array.from({ length: 490 }, (_, i) => ({ requestId: `NOPE-${i}`, total: '100.00', fundTotal: '50.00' }));
    for (let run = 0; run < 8; run++) {
      const res = await t.http.post('/v1/hospitals/PY-TOWN/reconciliations').set(key).send({ date: DAY, entries: rows }).expect(200);
      expect(res.body.differences).toHaveLength(50);
      expect(res.body.differenceCount).toBe(490);
      expect(res.body.balanced).toBe(false);
    }
    const keys = await t.redis.keys('recon*');
    expect(keys.length).toBeLessThanOrEqual(3);
    let bytes = 0;
    for (const k of keys) {
      bytes += Number(await t.redis.call('MEMORY', 'USAGE', k));
      expect(await t.redis.ttl(k)).toBeGreaterThan(0);
    }
    // 5 runs of 50 differences: tens of kB, whatever the caller sends.
    expect(bytes).toBeLessThan(100_000);
    const first = await t.http.get(`/v1/hospitals/PY-TOWN/reconciliations?date=${DAY}&limit=2`).set(key).expect(200);
    expect(first.body.reconciliations).toHaveLength(2);
    expect(first.body.dropped).toBe(3);
    expect(first.body.next).toBe('2');
    const rest = await t.http.get(`/v1/hospitals/PY-TOWN/reconciliations?date=${DAY}&cursor=2&limit=50`).set(key).expect(200);
    expect(rest.body.reconciliations).toHaveLength(3);
    expect(rest.body.next).toBeNull();
  });

  it('runs on ever new dates keep at most the last M days of the hospital', async () => {
    const key = t.auth(t.keys.billing['PY-TOWN']!);
    const rows = Array.from({ length: 100 }, (_, i) => ({ requestId: `NOPE-${i}`, total: '1.00', fundTotal: '0.00' }));
    for (let day = 1; day <= 9; day++) {
      await t.http
        .post('/v1/hospitals/PY-TOWN/reconciliations')
        .set(key)
        .send({ date: `2026-02-0${day}`, entries: rows })
        .expect(200);
    }
    expect((await t.redis.keys('recon-runs:*')).length).toBe(3);
    const oldest = await t.http.get('/v1/hospitals/PY-TOWN/reconciliations?date=2026-02-01').set(key).expect(200);
    expect(oldest.body.reconciliations).toEqual([]);
    const newest = await t.http.get('/v1/hospitals/PY-TOWN/reconciliations?date=2026-02-09').set(key).expect(200);
    expect(newest.body.reconciliations).toHaveLength(1);
  });

  it('20,000 rows are more than the route takes: 413 before anything is matched or stored', async () => {
    const key = t.auth(t.keys.billing['PY-TOWN']!);
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ requestId: `R-${i}`, total: '1.00', fundTotal: '0.00' }));
    const big = await t.http.post('/v1/hospitals/PY-TOWN/reconciliations').set(key).send({ date: DAY, entries: rows });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe("a key's work is charged to it", () => {
  let t: TestService;
  let api: ListeningApp;
  beforeAll(async () => {
    // Only the hospital the platform's envelopes name: a whole registry would spend the admin key's share.
    t = await startTestService({ rateLimit: { perSecond: 20, burst: 0 }, bounds: { perKeyInFlight: 3, requestTimeoutMs: 3000 } });
    await t.http
      .put('/v1/hospitals/PY-COUNTY')
      .set(t.auth(t.keys.admin))
      .send({ ...workedExamples.hospitals['PY-COUNTY'], fixmedinsCode: CODE })
      .expect(201);
    api = await listen(t.service.app);
  });
  afterAll(async () => {
    await api?.close();
    await t?.close();
  });

  it('a 9001 envelope of 100 kB is 413 (it needs a few hundred bytes); a 2301 of that size is read', async () => {
    const p = hsa(t.http, t.keys.billing['PY-COUNTY']!, CODE);
    const padded = await p.send('9001', { signIn: { opter_no: '0123', mac: '00-00-00-00-00-00', ip: '127.0.0.1', pad: 'x'.repeat(100_000) } });
    expect(padded.status).toBe(200);
    expect(text(padded.envelope.infcode)).toBe('-1');
    expect(padded.envelope.err_msg).toMatch(/^PAYLOAD_TOO_LARGE: /);
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });

  it('a large body costs its key points by its size: the same key is then 429, another key is not', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const key = t.auth(t.keys.billing['PY-TOWN']!);
    const lines = Array.from({ length: 5000 }, (_, i) => ({
      lineId: `LINE-${String(i).padStart(40, '0')}`,
      code: `CODE-${String(i).padStart(40, '0')}`,
      quantity: '1',
      unitPrice: '1.00',
      amount: '1.00',
    }));
    // ~750 kB: 23 points, more than this key's whole second.
    await t.http.post('/v1/settlements/preview').set(key).send({
      requestId: 'BIG',
      card: '330326198001010001',
      hospitalId: 'PY-TOWN',
      visitType: 'inpatient',
      admissionDate: '2019-03-01',
      dischargeDate: '2019-03-02',
      charges: { lines },
    });
    const after = await t.http.get('/v1/policies').set(key);
    expect(after.status).toBe(429);
    expect(after.body.error.code).toBe('RATE_LIMITED');
    await t.http.get('/v1/policies').set(t.auth(t.keys.billing['PY-COUNTY']!)).expect(200);
  });

  it('a key holding its in-flight share with slow bodies is 429 at once for more; other keys settle; slow bodies are cut at the deadline', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { port } = api.server.address() as net.AddressInfo;
    const key = t.keys.billing['PY-TOWN']!;
    const slow = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const socket = net.connect(port, '127.0.0.1');
        await new Promise((resolve) => socket.once('connect', resolve));
        const answered = new Promise<string>((resolve) => {
          let answer = '';
          socket.on('data', (chunk) => (answer += chunk.toString()));
          socket.on('close', () => resolve(answer));
          socket.on('error', () => resolve(answer));
        });
        socket.write(
          `POST /v1/settlements/preview HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"requestId":`,
        );
        return { answered };
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const fourth = await api.http.get('/v1/policies').set({ Authorization: `Bearer ${key}` });
    expect(fourth.status, fourth.text).toBe(429);
    await api.http
      .get('/v1/policies')
      .set({ Authorization: `Bearer ${t.keys.billing['PY-COUNTY']!}` })
      .expect(200);
    // The deadline (3 s here) answers the slow ones 400 and frees their slots.
    for (const answer of await Promise.all(slow.map((s) => s.answered))) expect(answer).toMatch(/^HTTP\/1\.1 400 [\s\S]*did not arrive within/);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await api.http
      .get('/v1/policies')
      .set({ Authorization: `Bearer ${key}` })
      .expect(200);
  });

  it('5,000-level nesting in a pass-through field is 400 (native) and infcode -1 VALIDATION_FAILED (platform), never a 5xx', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const native = await t.http
      .post('/v1/settlements/preview')
      .set(t.auth(t.keys.admin))
      .set('Content-Type', 'application/json')
      .send(`{"requestId":"D","x":${deep(5000)}}`);
    expect(native.status).toBe(400);
    expect(native.body.error.code).toBe('VALIDATION_FAILED');
    const p = hsa(t.http, t.keys.billing['PY-COUNTY']!, CODE);
    const built = p.envelope('2305', { data: { psn_no: 'X', mdtrt_id: 'M', setl_id: 'S', extra: 0 } });
    const body = built.body.replace('"extra":0', `"extra":${deep(5000)}`);
    const platform = await p.resend(body);
    expect(platform.status).toBe(200);
    expect(text(platform.envelope.infcode)).toBe('-1');
    expect(platform.envelope.err_msg).toMatch(/^VALIDATION_FAILED: /);
  });
});

describe('the rate limit holds per deployment', () => {
  it('two processes on one Redis give a key one share, not one each', { timeout: 120_000 }, async () => {
    // 1 a second and 10 more within 10 s: one share is ~11 in a few seconds, two would be ~22.
    const one = await startTestService({ rateLimit: { perSecond: 1, burst: 10 } });
    const two = await startTestService({ redisServer: one.server, rateLimit: { perSecond: 1, burst: 10 } });
    try {
      const sends = Array.from({ length: 40 }, (_, i) => {
        const side = i % 2 === 0 ? one : two;
        return side.http.get('/v1/policies').set(side.auth(side.keys.billing['PY-TOWN']!));
      });
      const answers = await Promise.all(sends);
      const passed = answers.filter((r) => r.status === 200).length;
      expect(passed).toBeGreaterThanOrEqual(10);
      expect(passed).toBeLessThanOrEqual(16);
    } finally {
      await two.close();
      await one.close();
    }
  });
});
