/**
 * Coverage cache in front of the enrollment system of record: a stub of that
 * system (a real HTTP server in this process) answers, slows down beyond the
 * timeout, fails or stops.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.js';
import { workedExamples } from '../helpers/worked-examples.js';

type Mode = 'answer' | 'slow' | 'fail';

class EnrollmentStub {
  mode: Mode = 'answer';
  calls = 0;
  records = new Map<string, unknown>();
  private server = http.createServer((req, res) => {
    this.calls++;
    const card = decodeURIComponent(req.url!.split('/').pop()!);
    const answer = () => {
      if (this.mode === 'fail') {
        res.writeHead(500).end('{"error":"down"}');
        return;
      }
      const record = this.records.get(card);
      if (!record) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record));
    };
    if (this.mode === 'slow') setTimeout(answer, 600);
    else setTimeout(answer, 20); // a little latency, so concurrent misses overlap
  });
  url = '';
  async start(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
  get port(): number {
    return Number(this.url.split(':').pop());
  }
}

const CARD = '330326198001010001';
let stub: EnrollmentStub;
let t: TestService;
let clock = Date.parse('2026-11-23T08:00:00Z');

const preview = (card = CARD, requestId = 'COV') =>
  t.http
    .post('/v1/settlements/preview')
    .set(t.auth(t.keys.billing['PY-COUNTY']!))
    .send({ ...workedExamples.cases[0]!.request, card, requestId });

beforeAll(async () => {
  stub = new EnrollmentStub();
  await stub.start();
  stub.records.set(CARD, workedExamples.enrollees[CARD]);
  t = await startTestService({
    coverage: { url: stub.url, ttlSeconds: 3600, maxStaleSeconds: 86400, timeoutMs: 200, negativeTtlSeconds: 60, breakerResetMs: 300 },
    now: () => new Date(clock),
  });
  await t.http.put('/v1/hospitals/PY-COUNTY').set(t.auth(t.keys.admin)).send(workedExamples.hospitals['PY-COUNTY']).expect(201);
});
afterAll(async () => {
  await t?.close();
  await stub?.stop();
});
beforeEach(async () => {
  stub.mode = 'answer';
  await t.http.post(`/v1/enrollees/${CARD}/refresh`).set(t.auth(t.keys.admin)).expect(200);
  await new Promise((r) => setTimeout(r, 350)); // let a breaker opened by the previous test half-open
  stub.calls = 0;
});

describe('coverage cache', () => {
  it('a miss fetches once; a hit makes no upstream call', async () => {
    const first = await preview().expect(200);
    expect(first.body.payments.basic).toBe('7717.97');
    expect(stub.calls).toBe(1);
    await preview().expect(200);
    await t.http.get(`/v1/enrollees/${CARD}`).set(t.auth(t.keys.admin)).expect(200);
    expect(stub.calls).toBe(1);
  });

  it('an expired entry is fetched again', async () => {
    await preview().expect(200);
    clock += 3601 * 1000;
    await preview().expect(200);
    expect(stub.calls).toBe(2);
  });

  it('upstream failing with a fresh-enough copy: settles, and says so in the notes', async () => {
    await preview().expect(200);
    clock += 7200 * 1000; // past the TTL, within max staleness
    stub.mode = 'fail';
    const res = await t.http
      .post('/v1/settlements')
      .set(t.auth(t.keys.billing['PY-COUNTY']!))
      .send({ ...workedExamples.cases[0]!.request, requestId: `STALE-${clock}` })
      .expect(201);
    // Chinese for the clerk and the slip (notesZh), English for developers (notes), as every note of an answer.
    expect(res.body.notesZh.join(' ')).toMatch(/按 7200 秒前缓存的参保信息结算/);
    expect(res.body.notes.join(' ')).toMatch(/cached copy of the enrollment system, 7200 s old/);
  });

  it('upstream slower than its timeout is a failure too', async () => {
    await preview().expect(200);
    clock += 7200 * 1000;
    stub.mode = 'slow';
    const started = Date.now();
    const res = await preview().expect(200);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.body.notesZh.join(' ')).toMatch(/缓存的参保信息/);
    expect(res.body.notes.join(' ')).toMatch(/cached copy of the enrollment system/);
  });

  it('upstream down and no copy: 503 UNAVAILABLE fast, with Retry-After; never a guess', async () => {
    stub.mode = 'fail';
    const started = Date.now();
    const res = await preview().expect(503);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.body.error.code).toBe('UNAVAILABLE');
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('a copy older than the maximum staleness is not used', async () => {
    await preview().expect(200);
    clock += 86401 * 1000;
    stub.mode = 'fail';
    await preview().expect(503);
  });

  it('an upstream that stopped: stale copy or 503, and the breaker opens', async () => {
    await preview().expect(200);
    clock += 7200 * 1000;
    const port = stub.port;
    await stub.stop();
    try {
      for (let i = 0; i < 5; i++) expect((await preview()).status).toBe(200);
      expect((await preview('NOCOPY1')).status).toBe(503);
      const metrics = await t.http.get('/metrics').set(t.auth(t.keys.admin));
      expect(metrics.text).toMatch(/circuit_breaker_state\{breaker="coverage"\} 2/);
    } finally {
      stub = Object.assign(new EnrollmentStub(), { records: stub.records });
      await stub.start(port);
    }
  });

  it('100 concurrent misses for one card make one upstream call', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => preview(CARD, `C-${i}`)));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(stub.calls).toBe(1);
  });

  it('refresh drops the copy: the next request fetches again', async () => {
    await preview().expect(200);
    await preview().expect(200);
    expect(stub.calls).toBe(1);
    await t.http.post(`/v1/enrollees/${CARD}/refresh`).set(t.auth(t.keys.admin)).expect(200);
    await preview().expect(200);
    expect(stub.calls).toBe(2);
    await t.http.post(`/v1/enrollees/${CARD}/refresh`).set(t.auth(t.keys.billing['PY-COUNTY']!)).expect(403);
  });

  it('a card the system does not know is 404 and cached briefly (negative cache)', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await preview('UNKNOWN1');
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ENROLLEE_NOT_FOUND');
    }
    expect(stub.calls).toBe(1);
    clock += 61 * 1000;
    await preview('UNKNOWN1').expect(404);
    expect(stub.calls).toBe(2);
  });

  it('exposes cache and upstream metrics', async () => {
    await preview().expect(200);
    await preview().expect(200);
    const text = (await t.http.get('/metrics').set(t.auth(t.keys.admin))).text;
    expect(text).toMatch(/coverage_cache_total\{result="hit"\} \d+/);
    expect(text).toMatch(/coverage_cache_total\{result="miss"\} \d+/);
    expect(text).toMatch(/coverage_cache_total\{result="stale"\} \d+/);
    expect(text).toMatch(/coverage_cache_total\{result="negative"\} \d+/);
    expect(text).toMatch(/coverage_upstream_duration_seconds_bucket\{le="0.025",outcome="ok"\}/);
    expect(text).not.toContain(CARD);
  });
});
