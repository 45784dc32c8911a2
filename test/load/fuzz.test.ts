/**
 * Fuzzing every write endpoint with fast-check (≥ 10,000 requests in all):
 * random JSON, mutations of valid bodies, raw malformed text as
 * application/json, header twists, and path fuzz for the id endpoints.
 *
 * Properties: never a 5xx; every 4xx is the contract's error body, a 400 is
 * VALIDATION_FAILED and a 413 PAYLOAD_TOO_LARGE; and nothing is recorded by a
 * 4xx: at the end the known persons' accumulators are their start plus the
 * deltas of exactly the 201 answers, their lists grew by exactly those, and
 * every registry record, filing and reversal is one a 2xx answer announced.
 *
 * FUZZ_SEED=<n> replays a run; each endpoint's runs are FUZZ_RUNS_SCALE × its share.
 */
import fc from 'fast-check';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERIES, FILING_KINDS, HOSPITAL_KINDS, LIABILITIES, PERSON_CATEGORIES, VISIT_TYPES } from '../../src/domain/types.js';
import { chargesFenArb, chargesToWire, isoDay } from '../helpers/arbitraries.js';
import { fuzzBody, namedSegment, pathSegment, type FuzzBody } from '../helpers/fuzz-arbitraries.js';
import {
  countedPart,
  deltasOf,
  errorShapeProblem,
  jinjiangEnrollee,
  listen,
  pingyangEnrollee,
  plusDeltas,
  type ListeningApp,
  type WireAccumulators,
} from '../helpers/load-support.js';
import { allSettlements } from '../helpers/pages.js';
import { settlementRecordCount } from '../helpers/person-records.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { workedExamples } from '../helpers/worked-examples.js';

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const SCALE = process.env.FUZZ_RUNS_SCALE ? Number(process.env.FUZZ_RUNS_SCALE) : 1;
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

/** Persons whose accumulators must move by exactly the 201 answers. */
const KNOWN = [
  { card: 'FUZZJJ1', year: 2018, enrollee: { ...jinjiangEnrollee(), categories: ['poor-party-member'], specialDiseases: ['diabetes'] } },
  { card: 'FUZZPY1', year: 2019, enrollee: { ...pingyangEnrollee(), specialDiseases: ['sle'] } },
];
const REFERRAL_CARD = 'FUZZREF1';
const VICTIM = 'FUZZVIC1';
const HOSPITAL_PATHS = ['FZH-1', 'FZH-2', 'FZH-3'];
const ENROLLEE_PATHS = ['FZE1', 'FZE2', 'FZE3'];
const HOSPITAL_IDS = Object.keys(workedExamples.hospitals);

let t: TestService;
let api: ListeningApp;
let admin: Record<string, string>;
const victimSettlements: string[] = [];
const victimReferrals: string[] = [];
const YEARS = [2018, 2019];
/** Accumulators and list length of each known person and year before the fuzzing, by `${card}/${year}`. */
const start = new Map<string, { acc: WireAccumulators; listed: number }>();

/** What the fuzzing saw, for the final checks and the report. */
const seen = {
  statuses: {} as Record<string, Record<number, number>>,
  runs: {} as Record<string, number>,
  created: [] as { card: string; benefitYear: number; settlementId: string; accumulatorsBefore: WireAccumulators; accumulatorsAfter: WireAccumulators }[],
  hospitals: new Map<string, unknown>(),
  enrollees: new Map<string, unknown>(),
  filingsCreated: 0,
  reversed: new Set<string>(),
  revoked: new Set<string>(),
};

beforeAll(async () => {
  t = await startTestService({ redisTimeoutMs: 5000 });
  api = await listen(t.service.app);
  admin = t.auth(t.keys.admin);
  await t.loadWorkedRegistry();
  for (const { card, enrollee } of KNOWN) await api.http.put(`/v1/enrollees/${card}`).set(admin).send(enrollee).expect(201);
  await api.http.put(`/v1/enrollees/${REFERRAL_CARD}`).set(admin).send(pingyangEnrollee()).expect(201);
  await api.http.put(`/v1/enrollees/${VICTIM}`).set(admin).send(pingyangEnrollee()).expect(201);
  for (let i = 0; i < 3; i++) {
    const res = await api.http
      .post('/v1/settlements')
      .set(admin)
      .send({
        requestId: `VIC-${i}`,
        card: VICTIM,
        hospitalId: 'PY-COUNTY',
        visitType: 'inpatient',
        admissionDate: `2019-02-0${2 * i + 1}`,
        dischargeDate: `2019-02-0${2 * i + 2}`,
        charges: { total: '3000.00' },
      })
      .expect(201);
    victimSettlements.push(res.body.settlementId);
    const filing = await api.http.post('/v1/referrals').set(admin).send({ card: VICTIM, kind: 'referral', validFrom: '2019-01-01', validTo: '2019-12-31' }).expect(201);
    victimReferrals.push(filing.body.referralId);
  }
  for (const { card } of KNOWN) {
    for (const year of YEARS) start.set(`${card}/${year}`, { acc: await accumulators(card, year), listed: (await listed(card, year)).length });
  }
});
afterAll(async () => {
  await api?.close();
  await t?.close();
  const total = Object.values(seen.runs).reduce((a, b) => a + b, 0);
  console.info(`[fuzz] ${total} requests; runs per endpoint ${JSON.stringify(seen.runs)}; statuses ${JSON.stringify(seen.statuses)}`);
});

async function accumulators(card: string, year: number): Promise<WireAccumulators> {
  return (await api.http.get(`/v1/enrollees/${card}/accumulators/${year}`).set(admin).expect(200)).body as WireAccumulators;
}
async function listed(card: string, year: number): Promise<{ settlementId: string }[]> {
  return allSettlements(api.http, admin, card, year);
}

// ------------------------------------------------------------ valid bodies ---

const day = (year: number) => fc.integer({ min: 0, max: 364 }).map((d) => isoDay(year, d));
const period = fc.tuple(fc.constantFrom(2018, 2019), fc.constantFrom(2018, 2019), day(2018), day(2019)).map(([y1, y2, a, b]) => {
  const first = y1 === 2018 ? a : b;
  const second = y2 === 2018 ? a : b;
  return first <= second ? [first, second] : [second, first];
});

const settlementValid: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    // mostly fresh; sometimes a reused one: a replay (200) or an IDEMPOTENCY_CONFLICT (409)
    requestId: fc.oneof({ arbitrary: fc.uuid().map((u) => `FZ-${u}`), weight: 3 }, { arbitrary: fc.constantFrom('FZ-REUSED-1', 'FZ-REUSED-2'), weight: 1 }),
    card: fc.constantFrom(...KNOWN.map((k) => k.card)),
    hospitalId: fc.constantFrom(...HOSPITAL_IDS),
    visitType: fc.constantFrom(...VISIT_TYPES),
    dates: fc.oneof(
      { arbitrary: period, weight: 1 },
      { arbitrary: fc.constantFrom(2018, 2019).chain((y) => fc.tuple(day(y), day(y)).map(([a, b]) => (a <= b ? [a, b] : [b, a]))), weight: 3 },
    ),
    charges: chargesFenArb.map(chargesToWire),
    specialDisease: fc.constantFrom(null, undefined, 'diabetes', 'sle'),
    majorDisease: fc.constantFrom(null, undefined, 'cardiac-surgery'),
    delivery: fc.constantFrom(null, undefined, ...DELIVERIES),
    referralId: fc.constantFrom(null, undefined),
    referredFromPrimary: fc.boolean(),
    emergency: fc.boolean(),
    consortiumTransfer: fc.boolean(),
    liability: fc.constantFrom<(typeof LIABILITIES)[number]>('none', 'none', 'none', ...LIABILITIES),
  })
  .map(({ dates, ...rest }) => {
    const body: Record<string, unknown> = { ...rest, admissionDate: dates[0], dischargeDate: dates[1] };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    return body;
  });

const hospitalValid: fc.Arbitrary<Record<string, unknown>> = fc.record({
  name: fc.oneof(fc.constantFrom('晋江市医院', '平阳县人民医院', 'Fuzz General'), fc.string({ minLength: 1, maxLength: 50 })),
  admdvs: fc.constantFrom('330326', '350582', '350502', '140105', '110101', '330304'),
  level: fc.constantFrom(1, 2, 3),
  kind: fc.constantFrom(...HOSPITAL_KINDS),
  countyRun: fc.boolean(),
  consortium: fc.constantFrom(null, 'PY-1', 'JJ-2'),
});

const enrolleeValid: fc.Arbitrary<Record<string, unknown>> = fc.record({
  region: fc.constantFrom('pingyang', 'jinjiang', 'taiyuan'),
  sex: fc.constantFrom('F', 'M'),
  birthDate: fc.integer({ min: 1930, max: 2019 }).chain((y) => day(y)),
  coverage: fc.array(
    period.map(([from, to]) => ({ from, to })),
    { maxLength: 3 },
  ),
  categories: fc.subarray([...PERSON_CATEGORIES], { maxLength: 3 }),
  specialDiseases: fc.subarray(['sle', 'diabetes', 'malignant-tumor'], { maxLength: 2 }),
  maternityInsured: fc.boolean(),
});

const referralValid: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    card: fc.constantFrom(REFERRAL_CARD, REFERRAL_CARD, REFERRAL_CARD, 'NOSUCHCARD1'),
    kind: fc.constantFrom(...FILING_KINDS),
    dates: period,
    toHospitalId: fc.constantFrom(null, 'ZJ-PROV', 'FZ-XIEHE', 'NOWHERE'),
    diagnosis: fc.constantFrom(null, 'C34.9', '肺癌'),
  })
  .map(({ dates, ...rest }) => ({ ...rest, validFrom: dates[0], validTo: dates[1] }));

// ---------------------------------------------------------------- sending ---

type Method = 'post' | 'put' | 'delete';

async function send(method: Method, path: string, body: FuzzBody): Promise<Response> {
  const text = body.kind === 'json' ? (JSON.stringify(body.value) ?? 'null') : String(body.value);
  let req = api.http[method](path).set(admin).set('Content-Type', body.contentType);
  if (body.contentEncoding) req = req.set('Content-Encoding', body.contentEncoding);
  return req.send(text);
}

function describeRequest(method: Method, path: string, body: FuzzBody): string {
  const text = body.kind === 'json' ? (JSON.stringify(body.value) ?? 'null') : String(body.value);
  return `${method.toUpperCase()} ${path.length > 200 ? `${path.slice(0, 200)}…` : path} [${body.contentType}${body.contentEncoding ? `, ${body.contentEncoding}` : ''}] ${text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text}`;
}

/** The common properties of every answer; returns the parsed body. */
function checkAnswer(endpoint: string, allowed: number[], method: Method, path: string, body: FuzzBody, res: Response): void {
  const counts = (seen.statuses[endpoint] ??= {});
  counts[res.status] = (counts[res.status] ?? 0) + 1;
  seen.runs[endpoint] = (seen.runs[endpoint] ?? 0) + 1;
  const what = `${describeRequest(method, path, body)} → ${res.status} ${res.text.slice(0, 500)}`;
  if (res.status >= 500) throw new Error(`5xx: ${what}`);
  if (!allowed.includes(res.status)) throw new Error(`unexpected status: ${what}`);
  if (res.status >= 400) {
    const problem = errorShapeProblem(res.status, res.body);
    if (problem) throw new Error(`error body off contract (${problem}): ${what}`);
  }
}

const params = (numRuns: number) => ({ numRuns, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true });

// ------------------------------------------------------------- properties ---

describe('fuzzing the write endpoints (never a 5xx, contract error bodies, nothing recorded by a 4xx)', { timeout: 90_000 }, () => {
  it('POST /v1/settlements', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzBody(settlementValid), async (body) => {
        const res = await send('post', '/v1/settlements', body);
        checkAnswer('settle', [200, 201, 400, 404, 409, 413, 422], 'post', '/v1/settlements', body, res);
        if (res.status === 201) {
          expect(res.body.status).toBe('settled');
          seen.created.push(res.body);
        }
        if (res.status === 200) expect(res.headers['idempotent-replay']).toBe('true');
      }),
      params(runs(2600)),
    );
  });

  it('POST /v1/settlements/preview', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzBody(settlementValid), async (body) => {
        const res = await send('post', '/v1/settlements/preview', body);
        checkAnswer('preview', [200, 400, 404, 413, 422], 'post', '/v1/settlements/preview', body, res);
        if (res.status === 200) {
          expect(res.body.status).toBe('preview');
          expect(res.body.settlementId).toBeNull();
        }
      }),
      params(runs(2000)),
    );
  });

  it('PUT /v1/hospitals/{hospitalId}', async () => {
    await fc.assert(
      fc.asyncProperty(namedSegment(HOSPITAL_PATHS), fuzzBody(hospitalValid), async (segment, body) => {
        const path = `/v1/hospitals/${segment}`;
        const res = await send('put', path, body);
        checkAnswer('hospital', [200, 201, 400, 413], 'put', path, body, res);
        // A segment the fuzz made up may be a well-formed id ("caller"): then it is a hospital like any other.
        if (res.status < 300) seen.hospitals.set(res.body.hospitalId, res.body);
      }),
      params(runs(1400)),
    );
  });

  it('PUT /v1/enrollees/{card}', async () => {
    await fc.assert(
      fc.asyncProperty(namedSegment(ENROLLEE_PATHS), fuzzBody(enrolleeValid), async (segment, body) => {
        const path = `/v1/enrollees/${segment}`;
        const res = await send('put', path, body);
        checkAnswer('enrollee', [200, 201, 400, 413], 'put', path, body, res);
        if (res.status < 300) seen.enrollees.set(res.body.card, res.body);
      }),
      params(runs(1400)),
    );
  });

  it('POST /v1/referrals', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzBody(referralValid), async (body) => {
        const res = await send('post', '/v1/referrals', body);
        checkAnswer('referral', [201, 400, 404, 413, 422], 'post', '/v1/referrals', body, res);
        // 422 only for the bound on active filings of one person (a person cannot fill Redis: the fuzzer files far more)
        // or for a receiving hospital the registry does not hold (such a filing could never match a stay).
        if (res.status === 422) expect(['LIMIT_REACHED', 'HOSPITAL_NOT_FOUND']).toContain(res.body.error.code);
        if (res.status === 201) {
          expect(res.body.card).toBe(REFERRAL_CARD);
          expect(res.body.status).toBe('active');
          seen.filingsCreated++;
        }
      }),
      params(runs(1400)),
    );
  });

  it('POST /v1/settlements/{settlementId}/reversal (path fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(pathSegment(victimSettlements, 'S'), fuzzBody(fc.constant({})), async (segment, body) => {
        const path = `/v1/settlements/${segment}/reversal`;
        const res = await send('post', path, body);
        checkAnswer('reversal', [200, 400, 404, 413], 'post', path, body, res);
        if (res.status === 200) {
          expect(victimSettlements).toContain(res.body.settlementId);
          expect(res.body.status).toBe('reversed');
          seen.reversed.add(res.body.settlementId);
        }
      }),
      params(runs(700)),
    );
  });

  it('DELETE /v1/referrals/{referralId} (path fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(pathSegment(victimReferrals, 'R'), fuzzBody(fc.constant({})), async (segment, body) => {
        const path = `/v1/referrals/${segment}`;
        const res = await send('delete', path, body);
        checkAnswer('revoke', [200, 400, 404, 413], 'delete', path, body, res);
        if (res.status === 200) {
          expect(victimReferrals).toContain(res.body.referralId);
          expect(res.body.status).toBe('revoked');
          seen.revoked.add(res.body.referralId);
        }
      }),
      params(runs(700)),
    );
  });

  it('found by fuzzing: a malformed percent-escape in a path and a body that is not what its Content-Encoding says are 400, not 500', async () => {
    for (const [method, path] of [
      ['put', '/v1/hospitals/%'],
      ['put', '/v1/enrollees/%E0%A4%A'],
      ['post', '/v1/settlements/%ZZ/reversal'],
      ['delete', '/v1/referrals/R-%'],
    ] as const) {
      const res = await api.http[method](path).set(admin).send({});
      expect(res.status, path).toBe(400);
      expect(res.body).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.any(String), details: [{ path: '(path)', message: expect.any(String) }] } });
    }
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await api.http.post('/v1/settlements').set(admin).set('Content-Type', 'application/json').set('Content-Encoding', encoding).send('{"requestId":"X"}');
      expect(res.status, encoding).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details[0].path).toBe('(body)');
    }
    // A body that really is gzip is still read.
    const { gzipSync } = await import('node:zlib');
    const hospital = { name: 'Gzip General', admdvs: '350582', level: 2, kind: 'general', countyRun: false };
    const { port } = api.server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/v1/hospitals/FZH-GZIP`, {
      method: 'PUT',
      headers: { ...admin, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: gzipSync(JSON.stringify(hospital)),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(answer)).toBe(201);
    expect(answer).toEqual({ hospitalId: 'FZH-GZIP', ...hospital, consortium: null, fixmedinsCode: null });
    seen.hospitals.set('FZH-GZIP', answer);
  });

  it('recorded exactly what the 2xx answers announced, nothing for a 4xx', async () => {
    expect(Object.values(seen.runs).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(runs(10_000));

    // Known persons: accumulators = start + Σ deltas of the 201 answers; lists grew by exactly those.
    expect(seen.created.every((s) => KNOWN.some((k) => k.card === s.card) && YEARS.includes(s.benefitYear))).toBe(true);
    for (const { card } of KNOWN) {
      for (const year of YEARS) {
        const ours = seen.created.filter((s) => s.card === card && s.benefitYear === year);
        const { acc: before, listed: listedBefore } = start.get(`${card}/${year}`)!;
        const after = await accumulators(card, year);
        expect(countedPart(after), `${card}/${year}`).toEqual(plusDeltas(before, deltasOf(ours)));
        const list = await listed(card, year);
        expect(list.length, `${card}/${year}`).toBe(listedBefore + ours.length);
        expect(list.slice(listedBefore).map((s) => s.settlementId)).toEqual(ours.map((s) => s.settlementId));
      }
    }
    // Every settlement has its idempotency record and vice versa (no half-written commit, no stray record).
    let idempotencyRecords = 0;
    // In the person's hash (fields without '|') or the earlier layout's idem: hash.
    for (const key of await t.redis.keys('idem:*')) idempotencyRecords += (await t.redis.hvals(key)).filter((v) => !v.startsWith('void ')).length;
    for (const key of await t.redis.keys('person:*')) {
      const fields = Object.entries(await t.redis.hgetall(key));
      idempotencyRecords += fields.filter(([field, value]) => !field.includes('|') && !value.startsWith('void ')).length;
    }
    expect(idempotencyRecords).toBe(await settlementRecordCount(t.redis));

    // Registry: a record exists exactly when a 2xx wrote it, and holds what the last 2xx answered.
    for (const id of new Set([...HOSPITAL_PATHS, ...seen.hospitals.keys()])) {
      const res = await api.http.get(`/v1/hospitals/${encodeURIComponent(id)}`).set(admin);
      if (seen.hospitals.has(id)) expect(res.body).toEqual(seen.hospitals.get(id));
      else expect(res.status).toBe(404);
    }
    const hospitals = await t.redis.smembers('hospitals');
    expect(hospitals.sort()).toEqual([...HOSPITAL_IDS, ...seen.hospitals.keys()].sort());
    for (const card of new Set([...ENROLLEE_PATHS, ...seen.enrollees.keys()])) {
      const res = await api.http.get(`/v1/enrollees/${encodeURIComponent(card)}`).set(admin);
      if (seen.enrollees.has(card)) expect(res.body).toEqual(seen.enrollees.get(card));
      else expect(res.status).toBe(404);
    }
    // Filings: one per 201; the victim's revoked and reversed exactly where a 200 said so.
    expect(await t.redis.hlen(`filings:{${REFERRAL_CARD}}`)).toBe(seen.filingsCreated);
    for (const id of victimReferrals) {
      const res = await api.http.get(`/v1/referrals/${id}`).set(admin).expect(200);
      expect(res.body.status).toBe(seen.revoked.has(id) ? 'revoked' : 'active');
    }
    for (const id of victimSettlements) {
      const res = await api.http.get(`/v1/settlements/${id}`).set(admin).expect(200);
      expect(res.body.status).toBe(seen.reversed.has(id) ? 'reversed' : 'settled');
    }
    const victim = await accumulators(VICTIM, 2019);
    const victimList = await allSettlements<{ status: string; accumulatorsBefore: WireAccumulators; accumulatorsAfter: WireAccumulators }>(api.http, admin, VICTIM, 2019);
    const zero = await accumulators('NOBODY', 2019);
    expect(countedPart(victim)).toEqual(plusDeltas(zero, deltasOf(victimList.filter((s) => s.status === 'settled'))));
  });
});
