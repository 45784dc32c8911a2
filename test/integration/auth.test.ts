/** Callers, roles and scopes (api.md "Callers and keys"): every 401 and 403 path. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextStayDays } from '../helpers/stay-days.js';
import { startTestService, type TestService } from '../helpers/service.js';

let t: TestService;
let pySettlementId: string;
let referralId: string;
const PY_CARD = '330326198001010001';
const JJ_CARD = '350582198001010001';

const stay = (overrides: Record<string, unknown> = {}) => ({
  requestId: `A-${Math.random().toString(36).slice(2)}`,
  card: PY_CARD,
  hospitalId: 'PY-COUNTY',
  visitType: 'inpatient',
  ...nextStayDays(2019, '2019-03-01'),
  charges: { total: '1000.00' },
  ...overrides,
});

beforeAll(async () => {
  t = await startTestService();
  await t.loadWorkedRegistry();
  const settled = await t.http.post('/v1/settlements').set(t.auth(t.keys.billing['PY-COUNTY']!)).send(stay()).expect(201);
  pySettlementId = settled.body.settlementId;
  const filing = await t.http
    .post('/v1/referrals')
    .set(t.auth(t.keys.admin))
    .send({ card: PY_CARD, kind: 'out-of-area', validFrom: '2019-01-01', validTo: '2019-12-31' })
    .expect(201);
  referralId = filing.body.referralId;
});
afterAll(async () => t?.close());

type Call = (headers: Record<string, string>) => PromiseLike<{ status: number; body: { error?: { code: string } } }>;

const endpoints: Record<string, Call> = {
  'PUT hospital': (h) => t.http.put('/v1/hospitals/X-1').set(h).send({ name: 'x', admdvs: '330326', level: 1, kind: 'general', countyRun: true }),
  'PUT enrollee': (h) => t.http.put('/v1/enrollees/CARDX').set(h).send({ region: 'pingyang', sex: 'M', birthDate: '1970-01-01', coverage: [] }),
  'GET enrollee': (h) => t.http.get(`/v1/enrollees/${PY_CARD}`).set(h),
  'GET accumulators': (h) => t.http.get(`/v1/enrollees/${PY_CARD}/accumulators/2019`).set(h),
  'POST refresh': (h) => t.http.post(`/v1/enrollees/${PY_CARD}/refresh`).set(h),
  'POST referral': (h) => t.http.post('/v1/referrals').set(h).send({ card: PY_CARD, kind: 'referral', validFrom: '2019-01-01', validTo: '2019-02-01' }),
  'GET referral': (h) => t.http.get(`/v1/referrals/${referralId}`).set(h),
  'POST preview': (h) => t.http.post('/v1/settlements/preview').set(h).send(stay()),
  'POST settlement': (h) => t.http.post('/v1/settlements').set(h).send(stay()),
  'GET settlement': (h) => t.http.get(`/v1/settlements/${pySettlementId}`).set(h),
  'GET settlements of a person': (h) => t.http.get(`/v1/enrollees/${PY_CARD}/settlements?year=2019`).set(h),
  'GET policies': (h) => t.http.get('/v1/policies').set(h),
};

describe('401 without a valid key', () => {
  for (const [name, call] of Object.entries(endpoints)) {
    it(`${name}: no key, malformed header, unknown key → 401`, async () => {
      for (const headers of [{}, { Authorization: 'Basic abc' }, { Authorization: 'Bearer wrong-key' }] as Record<string, string>[]) {
        const res = await call(headers);
        expect(res.status).toBe(401);
        expect(res.body.error?.code).toBe('UNAUTHENTICATED');
      }
    });
  }
  it('operations endpoints need no key', async () => {
    await t.http.get('/healthz').expect(200);
    await t.http.get('/readyz').expect(200);
  });
});

describe('roles', () => {
  // [endpoint, billing PY-COUNTY, referral pingyang] — expected status (admin may do everything)
  const matrix: [string, number, number][] = [
    ['PUT hospital', 403, 403],
    ['PUT enrollee', 403, 403],
    ['GET enrollee', 200, 200],
    ['GET accumulators', 200, 200],
    ['POST refresh', 403, 403],
    ['POST referral', 403, 201],
    ['GET referral', 403, 200],
    ['POST preview', 200, 403],
    ['POST settlement', 201, 403],
    ['GET settlement', 200, 403],
    ['GET settlements of a person', 200, 403],
    ['GET policies', 200, 200],
  ];
  for (const [name, billingStatus, referralStatus] of matrix) {
    it(`${name}: billing ${billingStatus}, referral ${referralStatus}, admin allowed`, async () => {
      const call = endpoints[name]!;
      expect((await call(t.auth(t.keys.billing['PY-COUNTY']!))).status).toBe(billingStatus);
      expect((await call(t.auth(t.keys.referral.pingyang!))).status).toBe(referralStatus);
      expect((await call(t.auth(t.keys.admin))).status).toBeLessThan(300);
    });
  }
});

describe('scopes', () => {
  it('a billing key cannot settle, preview, read or reverse for another hospital', async () => {
    const other = t.auth(t.keys.billing['PY-TOWN']!);
    for (const res of [
      await t.http.post('/v1/settlements').set(other).send(stay()),
      await t.http.post('/v1/settlements/preview').set(other).send(stay()),
      await t.http.get(`/v1/settlements/${pySettlementId}`).set(other),
      await t.http.post(`/v1/settlements/${pySettlementId}/reversal`).set(other),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const still = await t.http.get(`/v1/settlements/${pySettlementId}`).set(t.auth(t.keys.admin)).expect(200);
    expect(still.body.status).toBe('settled');
  });

  it('a referral key cannot file, read or revoke for a person of another region, nor settle', async () => {
    const jinjiang = t.auth(t.keys.referral.jinjiang!);
    const file = await t.http.post('/v1/referrals').set(jinjiang).send({ card: PY_CARD, kind: 'referral', validFrom: '2019-01-01', validTo: '2019-02-01' });
    expect(file.status).toBe(403);
    expect((await t.http.get(`/v1/referrals/${referralId}`).set(jinjiang)).status).toBe(403);
    expect((await t.http.delete(`/v1/referrals/${referralId}`).set(jinjiang)).status).toBe(403);
    const own = await t.http.post('/v1/referrals').set(jinjiang).send({ card: JJ_CARD, kind: 'referral', validFrom: '2018-01-01', validTo: '2018-02-01' });
    expect(own.status).toBe(201);
    expect(
      (
        await t.http
          .post('/v1/settlements')
          .set(jinjiang)
          .send(stay({ card: JJ_CARD, hospitalId: 'JJ-CITY' }))
      ).status,
    ).toBe(403);
    const filing = await t.http.get(`/v1/referrals/${referralId}`).set(t.auth(t.keys.admin)).expect(200);
    expect(filing.body.status).toBe('active');
  });

  it('a refused request for the wrong scope records nothing', async () => {
    const before = await t.http.get(`/v1/enrollees/${PY_CARD}/accumulators/2019`).set(t.auth(t.keys.admin));
    await t.http.post('/v1/settlements').set(t.auth(t.keys.billing['PY-TOWN']!)).send(stay()).expect(403);
    const after = await t.http.get(`/v1/enrollees/${PY_CARD}/accumulators/2019`).set(t.auth(t.keys.admin));
    expect(after.body).toEqual(before.body);
  });
});
