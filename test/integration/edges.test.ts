/**
 * The edges, attacked as an outsider with a real key would: per-key rate
 * limits, load shedding, parsing of years and dates, what the operations
 * endpoints show to whom, and what the logs let through. Each test is the
 * attack first, then what must hold.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/ops/logger.js';
import { errorShapeProblem, listen, pingyangEnrollee, type ListeningApp } from '../helpers/load-support.js';
import { nextStayDays } from '../helpers/stay-days.js';
import { startTestService, type TestService } from '../helpers/service.js';

const PY_CARD = '330326198001010001';
const stay = (overrides: Record<string, unknown> = {}) => ({
  requestId: `E-${Math.random().toString(36).slice(2)}`,
  card: PY_CARD,
  hospitalId: 'PY-COUNTY',
  visitType: 'inpatient',
  ...nextStayDays(2019, '2019-03-01'),
  charges: { total: '1000.00' },
  ...overrides,
});

describe('per-key rate limits', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ rateLimit: { perSecond: 2, burst: 3 } });
    // Every key is limited, the admin's too: two writes here, two metrics reads below.
    const admin = t.auth(t.keys.admin);
    await t.http.put('/v1/hospitals/PY-COUNTY').set(admin).send({ name: '平阳县人民医院', admdvs: '330326', level: 2, kind: 'general', countyRun: true }).expect(201);
    await t.http.put(`/v1/enrollees/${PY_CARD}`).set(admin).send(pingyangEnrollee()).expect(201);
  });
  afterAll(async () => t?.close());

  it('a key past its share is answered 429 RATE_LIMITED with Retry-After; another key is not affected; nothing is recorded', async () => {
    const key = t.auth(t.keys.billing['PY-COUNTY']!);
    const reader = t.auth(t.keys.referral.pingyang!);
    const before = (await t.http.get(`/v1/enrollees/${PY_CARD}/accumulators/2019`).set(reader).expect(200)).body;
    const answers = await Promise.all(Array.from({ length: 30 }, () => t.http.post('/v1/settlements').set(key).send(stay())));
    const limited = answers.filter((r) => r.status === 429);
    const settled = answers.filter((r) => r.status === 201);
    expect(limited.length + settled.length).toBe(30);
    expect(limited.length).toBeGreaterThan(0);
    for (const res of limited) {
      expect(res.body.error.code).toBe('RATE_LIMITED');
      expect(errorShapeProblem(429, res.body)).toBeNull();
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Another hospital's key has its own share.
    await t.http.get('/v1/policies').set(t.auth(t.keys.billing['PY-TOWN']!)).expect(200);
    // Only the 201 answers moved the accumulators.
    const after = (await t.http.get(`/v1/enrollees/${PY_CARD}/accumulators/2019`).set(reader).expect(200)).body;
    expect(after.admissions - before.admissions).toBe(settled.length);
  });

  it('requests without a valid key are 401, never counted against anyone (no counter is made for them)', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => t.http.get('/v1/policies').set(i % 2 ? { Authorization: `Bearer unknown-${i}` } : {})));
    expect(new Set(answers.map((r) => r.status))).toEqual(new Set([401]));
    expect(answers.every((r) => r.body.error.code === 'UNAUTHENTICATED')).toBe(true);
    const metrics = await t.http.get('/metrics').set(t.auth(t.keys.admin)).expect(200);
    // Only the previous test's key was ever limited.
    const limitedCount = Number(/http_requests_rejected_total\{reason="rate-limited"\} (\d+)/.exec(metrics.text)?.[1] ?? 0);
    const answersAfter = await Promise.all(Array.from({ length: 50 }, () => t.http.get('/v1/policies').set({ Authorization: 'Bearer nobody' })));
    expect(answersAfter.every((r) => r.status === 401)).toBe(true);
    const metricsAfter = await t.http.get('/metrics').set(t.auth(t.keys.admin)).expect(200);
    expect(Number(/http_requests_rejected_total\{reason="rate-limited"\} (\d+)/.exec(metricsAfter.text)?.[1] ?? 0)).toBe(limitedCount);
  });
});

describe('load shedding', () => {
  let t: TestService;
  let api: ListeningApp;
  beforeAll(async () => {
    t = await startTestService({ load: { maxInFlight: 1, maxEventLoopDelayMs: 0 } });
    api = await listen(t.service.app);
  });
  afterAll(async () => {
    await api?.close();
    await t?.close();
  });

  it('with the in-flight bound reached: 503 OVERLOADED with Retry-After at once; /healthz and /readyz are never shed (readiness says not-ready)', async () => {
    const { port } = api.server.address() as net.AddressInfo;
    // A request whose body never finishes arriving holds the only slot.
    const slow = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => slow.once('connect', resolve));
    const answered = new Promise<string>((resolve) => {
      let text = '';
      slow.on('data', (chunk) => (text += chunk.toString()));
      slow.on('close', () => resolve(text));
    });
    slow.write(
      `POST /v1/settlements/preview HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.keys.admin}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{"requestId":`,
    );
    for (;;) {
      const res = await api.http.get('/v1/policies').set(t.auth(t.keys.admin));
      if (res.status === 503) {
        expect(res.body).toEqual({ error: { code: 'OVERLOADED', message: expect.any(String), details: [] } });
        expect(res.headers['retry-after']).toBe('1');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10)); // until the slow request's headers have been read
    }
    await api.http.get('/healthz').expect(200);
    // Answered, never shed: and it says the truth, that this process cannot take work now.
    const ready = await api.http.get('/readyz').expect(503);
    expect(ready.body).toEqual({ status: 'not-ready' });
    // The held request finishes (400: its body is not JSON); the slot is free again.
    slow.end('}');
    expect(await answered).toMatch(/^HTTP\/1\.1 400/);
    await api.http.get('/v1/policies').set(t.auth(t.keys.admin)).expect(200);
    const metrics = await api.http.get('/metrics').set(t.auth(t.keys.admin)).expect(200);
    expect(metrics.text).toMatch(/http_requests_rejected_total\{reason="overloaded-in-flight"\} [1-9]/);
  });
});

describe('parsing', () => {
  let t: TestService;
  beforeAll(async () => {
    // 2019-06-01 08:00 in Asia/Shanghai.
    t = await startTestService({ now: () => new Date('2019-06-01T00:00:00Z') });
    await t.loadWorkedRegistry();
  });
  afterAll(async () => t?.close());

  it('a year is four digits: 0x7e3, " 2019", 2e3, 2019.0, +2019, 02019 and a repeated ?year= are 400 naming year', async () => {
    const admin = t.auth(t.keys.admin);
    for (const year of ['0x7e3', '%202019', '2019%20', '2e3', '2019.0', '%2B2019', '02019', '%EF%BC%92%EF%BC%90%EF%BC%91%EF%BC%99', '1989', '2101']) {
      for (const path of [`/v1/enrollees/${PY_CARD}/accumulators/${year}`, `/v1/enrollees/${PY_CARD}/settlements?year=${year}`]) {
        const res = await t.http.get(path).set(admin);
        expect(res.status, path).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        expect(res.body.error.details[0].path, path).toBe('year');
      }
    }
    const repeated = await t.http.get(`/v1/enrollees/${PY_CARD}/settlements?year=2019&year=2019`).set(admin);
    expect(repeated.status).toBe(400);
    expect(repeated.body.error.details[0].path).toBe('year');
    await t.http.get(`/v1/enrollees/${PY_CARD}/accumulators/2019`).set(admin).expect(200);
    await t.http.get(`/v1/enrollees/${PY_CARD}/settlements?year=2019`).set(admin).expect(200);
  });

  it('dates before 1900-01-01 or after 2100-12-31 are 400 wherever they are, and nothing is recorded', async () => {
    const admin = t.auth(t.keys.admin);
    const before = (await t.http.get(`/v1/enrollees/${PY_CARD}/accumulators/2019`).set(admin)).body;
    const cases: [string, () => PromiseLike<{ status: number; body: { error: { code: string; details: { path: string }[] } } }>][] = [
      [
        'admissionDate',
        () =>
          t.http
            .post('/v1/settlements')
            .set(admin)
            .send(stay({ admissionDate: '0000-01-01' })),
      ],
      [
        'admissionDate',
        () =>
          t.http
            .post('/v1/settlements/preview')
            .set(admin)
            .send(stay({ admissionDate: '1899-12-31' })),
      ],
      [
        'dischargeDate',
        () =>
          t.http
            .post('/v1/settlements')
            .set(admin)
            .send(stay({ dischargeDate: '2101-01-01' })),
      ],
      [
        'birthDate',
        () =>
          t.http
            .put('/v1/enrollees/EDGE1')
            .set(admin)
            .send({ ...pingyangEnrollee(), birthDate: '0000-01-01' }),
      ],
      [
        'coverage.0.from',
        () =>
          t.http
            .put('/v1/enrollees/EDGE1')
            .set(admin)
            .send({ ...pingyangEnrollee(), coverage: [{ from: '1899-12-31', to: '2019-12-31' }] }),
      ],
      [
        'coverage.0.to',
        () =>
          t.http
            .put('/v1/enrollees/EDGE1')
            .set(admin)
            .send({ ...pingyangEnrollee(), coverage: [{ from: '2019-01-01', to: '9999-12-31' }] }),
      ],
      ['validFrom', () => t.http.post('/v1/referrals').set(admin).send({ card: PY_CARD, kind: 'referral', validFrom: '0001-01-01', validTo: '2019-12-31' })],
      ['validTo', () => t.http.post('/v1/referrals').set(admin).send({ card: PY_CARD, kind: 'referral', validFrom: '2019-01-01', validTo: '2101-01-01' })],
    ];
    for (const [path, call] of cases) {
      const res = await call();
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(
        res.body.error.details.map((d) => d.path),
        path,
      ).toContain(path);
    }
    await t.http.get('/v1/enrollees/EDGE1').set(admin).expect(404);
    expect((await t.http.get(`/v1/enrollees/${PY_CARD}/accumulators/2019`).set(admin)).body).toEqual(before);
    // The edges themselves are dates like any other.
    await t.http
      .put('/v1/enrollees/EDGE2')
      .set(admin)
      .send({ ...pingyangEnrollee(), birthDate: '1900-01-01', coverage: [{ from: '2019-01-01', to: '2100-12-31' }] })
      .expect(201);
  });

  it('a birth date after today (Asia/Shanghai) is 400; today is a birth date', async () => {
    const admin = t.auth(t.keys.admin);
    const future = await t.http
      .put('/v1/enrollees/EDGE3')
      .set(admin)
      .send({ ...pingyangEnrollee(), birthDate: '2019-06-02' });
    expect(future.status).toBe(400);
    expect(future.body.error.details).toEqual([{ path: 'birthDate', message: '出生日期不能晚于今天' }]);
    await t.http.get('/v1/enrollees/EDGE3').set(admin).expect(404);
    await t.http
      .put('/v1/enrollees/EDGE3')
      .set(admin)
      .send({ ...pingyangEnrollee(), birthDate: '2019-06-01' })
      .expect(201);
  });
});

describe('operations endpoints on the public port', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
    await t.loadWorkedRegistry();
  });
  afterAll(async () => t?.close());

  it('/metrics needs an admin key; /readyz shows its checks to an admin key only', async () => {
    await t.http.get('/metrics').expect(401);
    await t.http.get('/metrics').set(t.auth(t.keys.billing['PY-COUNTY']!)).expect(403);
    await t.http
      .post('/v1/settlements')
      .set(t.auth(t.keys.billing['PY-COUNTY']!))
      .send(stay({ charges: { total: '12345.67', fullSelfPay: '300.00', preSelfPay: '120.00' } }))
      .expect(201);
    const metrics = await t.http.get('/metrics').set(t.auth(t.keys.admin)).expect(200);
    // Money in integer fen: a float sum of yuan drifts (20748.780000000002).
    expect(metrics.text).toMatch(/settlement_amount_fen_total\{policy="pingyang-2019",fund="basic"\} \d+\n/);
    expect(metrics.text).not.toMatch(/settlement_amount_fen_total\{[^}]*\} \d+\.\d/);
    expect(metrics.text).not.toContain('settlement_amount_yuan_total');

    for (const headers of [{}, t.auth(t.keys.billing['PY-COUNTY']!), t.auth(t.keys.referral.pingyang!), { Authorization: 'Bearer nobody' }]) {
      expect((await t.http.get('/readyz').set(headers).expect(200)).body).toEqual({ status: 'ready' });
    }
    const detailed = await t.http.get('/readyz').set(t.auth(t.keys.admin)).expect(200);
    expect(detailed.body).toMatchObject({ status: 'ready', checks: { redis: 'ok', breaker: 'closed' } });
  });
});

describe('logs: no card in any line', () => {
  const CARD_A = '330326198001010001';
  const CARD_B = '350582199912310042';
  const LETTERS = 'ABCDEFGHJK';
  let t: TestService;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    t = await startTestService({ logger: createLogger('info', sink) });
    await t.loadWorkedRegistry();
    await t.http.put(`/v1/enrollees/${LETTERS}`).set(t.auth(t.keys.admin)).send(pingyangEnrollee()).expect(201);
  });
  afterAll(async () => t?.close());

  it('matched routes are logged from their parameters (card masked), unmatched URLs with every card-like part masked', async () => {
    const admin = t.auth(t.keys.admin);
    const calls: [string, number][] = [
      [`/v1/enrollees/${CARD_A}`, 200],
      // Routing is case-sensitive: these are no routes (before: 200, and the full card in the log).
      [`/v1/Enrollees/${CARD_A}`, 404],
      [`/V1/enrollees/${CARD_A}`, 404],
      [`/v1/ENROLLEES/${CARD_A}/accumulators/2019`, 404],
      [`/v1/enrollees/${CARD_A}/settlements?year=2019&card=${CARD_B}&card=${CARD_B}`, 200],
      [`/v1/enrollees/${CARD_A}/accumulators/2019?note=${CARD_B}&${CARD_B}`, 200],
      [`/v1/enrollees/${CARD_A}/accumulators/0x7e3`, 400],
      [`/v1/enrollees/${encodeURIComponent(CARD_A).replace(/3/g, '%33')}`, 200],
      [`/v1/settlements/${CARD_A}`, 404],
      [`/v1/referrals/${CARD_B}`, 404],
      [`/v1/nowhere/${CARD_A}/${CARD_B}?card=${CARD_A}&q=${CARD_B}`, 404],
      [`/${CARD_A}`, 404],
      [`/v1/enrollees/${LETTERS}`, 200],
      [`/v1/Enrollees/${LETTERS}?card=${LETTERS}`, 404],
      // A card inside a longer segment, id or value.
      [`/v1/x-${CARD_A}/y?note=ref-${CARD_B}`, 404],
      [`/v1/settlements/S-${CARD_A}`, 404],
      [`/v1/enrollees/${CARD_A}/accumulators/2019?note=ref-${CARD_B}`, 200],
    ];
    for (const [path, status] of calls) expect((await t.http.get(path).set(admin)).status, path).toBe(status);
    // A desk that uses the card in its request id: masked where it is logged and echoed.
    const echoed = await t.http.get('/healthz').set('X-Request-Id', `HIS-${CARD_A}`).expect(200);
    expect(echoed.headers['x-request-id']).toBe('HIS-**************0001');
    await new Promise((resolve) => setImmediate(resolve));

    const access = lines.map((line) => JSON.parse(line) as { msg: string; req?: { url?: string } }).filter((l) => l.req?.url);
    expect(access.length).toBeGreaterThanOrEqual(calls.length);
    for (const line of lines) {
      for (const card of [CARD_A, CARD_B, LETTERS]) expect(line, line).not.toContain(card);
    }
    const urls = access.map((l) => l.req!.url!);
    expect(urls).toContain('/v1/enrollees/**************0001');
    expect(urls).toContain('/v1/enrollees/**************0001/settlements?year=2019&card=**************0042&card=**************0042');
    expect(urls).toContain('/v1/enrollees/**************0001/accumulators/0x7e3');
    expect(urls).toContain('/v1/Enrollees/**************0001');
    // Unmatched: anything that could be a card is masked, words of the API are not.
    expect(urls).toContain('/v1/***here/**************0001/**************0042?card=**************0001&q=**************0042');
    expect(urls).toContain('/v1/ENROLLEES/**************0001/accumulators/2019');
    expect(urls).toContain('/v1/enrollees/******GHJK');
    expect(urls).toContain('/v1/x-**************0001/y?note=ref-**************0042');
    expect(urls).toContain('/v1/settlements/S-**************0001');
    expect(urls).toContain('/v1/enrollees/**************0001/accumulators/2019?note=ref-**************0042');
  });
});
