/** The HTTP contract (api.md) against the real app and a real Redis. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextStayDays } from '../helpers/stay-days.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { workedExamples } from '../helpers/worked-examples.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await t.loadWorkedRegistry();
});
afterAll(async () => t?.close());

const PY_CARD = '330326198001010001';
const PY_SO_CARD = '330326198502020002';
const JJ_CARD = '350582198001010001';

function pingyangStay(overrides: Record<string, unknown> = {}) {
  return {
    requestId: `REQ-${Math.random().toString(36).slice(2)}`,
    card: PY_CARD,
    hospitalId: 'PY-COUNTY',
    visitType: 'inpatient',
    ...nextStayDays(2019),
    charges: { total: '10000.00', fullSelfPay: '0.00', overLimitSelfPay: '0.00', preSelfPay: '0.00' },
    ...overrides,
  };
}

async function accumulators(card: string, year: number) {
  const res = await t.http.get(`/v1/enrollees/${card}/accumulators/${year}`).set(t.auth(t.keys.admin)).expect(200);
  const { version: _version, card: _card, year: _year, ...rest } = res.body as Record<string, unknown>;
  return rest;
}

const billing = (hospitalId: string) => t.auth(t.keys.billing[hospitalId]!);

describe('idempotency', () => {
  it('a replay answers 200 with the identical body and Idempotent-Replay: true', async () => {
    const body = pingyangStay();
    const first = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(body).expect(201);
    const before = await accumulators(PY_CARD, 2019);
    const again = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(body).expect(200);
    expect(again.headers['idempotent-replay']).toBe('true');
    expect(again.text).toBe(first.text);
    expect(first.headers['idempotent-replay']).toBeUndefined();
    expect(await accumulators(PY_CARD, 2019)).toEqual(before);
  });

  it('equal bodies with another key order or "0" for "0.00" are the same request', async () => {
    const body = pingyangStay();
    const first = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(body).expect(201);
    const { charges: _charges, ...rest } = body;
    const reordered = { charges: { preSelfPay: '0', overLimitSelfPay: '0', fullSelfPay: '0', total: '10000' }, ...rest };
    const again = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(reordered).expect(200);
    expect(again.text).toBe(first.text);
  });

  it('the same requestId with another body is 409 IDEMPOTENCY_CONFLICT and records nothing', async () => {
    const body = pingyangStay();
    await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(body).expect(201);
    const before = await accumulators(PY_CARD, 2019);
    const res = await t.http
      .post('/v1/settlements')
      .set(billing('PY-COUNTY'))
      .send({ ...body, charges: { ...body.charges, total: '10000.01' } })
      .expect(409);
    expect(res.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await accumulators(PY_CARD, 2019)).toEqual(before);
  });

  it('the same requestId from another hospital is another request', async () => {
    const body = pingyangStay();
    const a = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(body).expect(201);
    const b = await t.http
      .post('/v1/settlements')
      .set(billing('PY-TOWN'))
      .send({ ...body, hospitalId: 'PY-TOWN', ...nextStayDays(2019) })
      .expect(201);
    expect(a.body.settlementId).not.toBe(b.body.settlementId);
  });
});

describe('preview', () => {
  it('computes like settle and records nothing', async () => {
    const before = await accumulators(PY_CARD, 2019);
    const body = pingyangStay();
    const preview = await t.http.post('/v1/settlements/preview').set(billing('PY-COUNTY')).send(body).expect(200);
    expect(preview.body.status).toBe('preview');
    expect(preview.body.settlementId).toBeNull();
    expect(await accumulators(PY_CARD, 2019)).toEqual(before);
    const settled = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(body).expect(201);
    expect(settled.body.payments).toEqual(preview.body.payments);
    expect(settled.body.accumulatorsBefore).toEqual(preview.body.accumulatorsBefore);
  });
});

describe('reversal', () => {
  it('settle then reverse restores the accumulators exactly; a second reversal changes nothing', async () => {
    const before = await accumulators(PY_CARD, 2019);
    const settled = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pingyangStay()).expect(201);
    const during = await accumulators(PY_CARD, 2019);
    expect(during).not.toEqual(before);
    expect(during).toEqual(settled.body.accumulatorsAfter);
    const id = settled.body.settlementId as string;
    const reversed = await t.http.post(`/v1/settlements/${id}/reversal`).set(billing('PY-COUNTY')).expect(200);
    expect(reversed.body.status).toBe('reversed');
    expect(reversed.body.payments).toEqual(settled.body.payments);
    expect(await accumulators(PY_CARD, 2019)).toEqual(before);
    const again = await t.http.post(`/v1/settlements/${id}/reversal`).set(billing('PY-COUNTY')).expect(200);
    expect(again.body.status).toBe('reversed');
    expect(again.body.reversedAt).toBe(reversed.body.reversedAt);
    expect(await accumulators(PY_CARD, 2019)).toEqual(before);
    const read = await t.http.get(`/v1/settlements/${id}`).set(billing('PY-COUNTY')).expect(200);
    expect(read.body.status).toBe('reversed');
  });

  it('reversing a first special-outpatient visit gives the deductible back to the year', async () => {
    const card = 'SOREV1';
    await t.http
      .put(`/v1/enrollees/${card}`)
      .set(t.auth(t.keys.admin))
      .send({ region: 'pingyang', sex: 'M', birthDate: '1960-01-01', coverage: [{ from: '2019-01-01', to: '2019-12-31' }], specialDiseases: ['sle'] })
      .expect(201);
    const visit = {
      card,
      hospitalId: 'PY-TOWN',
      visitType: 'special-outpatient',
      specialDisease: 'sle',
      admissionDate: '2019-05-05',
      dischargeDate: '2019-05-05',
      charges: { total: '1000.00' },
    };
    const first = await t.http
      .post('/v1/settlements')
      .set(billing('PY-TOWN'))
      .send({ ...visit, requestId: 'SO-1' })
      .expect(201);
    expect(first.body.payments.basic).toBe('320.00'); // (1000 − 600) × 0.8
    expect((await accumulators(card, 2019)).specialOutpatientCounted).toBe(true);
    await t.http.post(`/v1/settlements/${first.body.settlementId}/reversal`).set(billing('PY-TOWN')).expect(200);
    expect((await accumulators(card, 2019)).specialOutpatientCounted).toBe(false);
    const second = await t.http
      .post('/v1/settlements')
      .set(billing('PY-TOWN'))
      .send({ ...visit, requestId: 'SO-2' })
      .expect(201);
    expect(second.body.payments.basic).toBe('320.00');
  });

  it('an unknown settlement is 404 NOT_FOUND', async () => {
    const res = await t.http.post('/v1/settlements/S-0000-00000000000000000000000000000000/reversal').set(t.auth(t.keys.admin)).expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    await t.http.get('/v1/settlements/nonsense').set(t.auth(t.keys.admin)).expect(404);
  });
});

describe('settlements of a person', () => {
  it('lists the year in order with their current status; billing keys see their own hospital only', async () => {
    const card = 'LIST1';
    await t.http
      .put(`/v1/enrollees/${card}`)
      .set(t.auth(t.keys.admin))
      .send({ region: 'pingyang', sex: 'F', birthDate: '1980-01-01', coverage: [{ from: '2019-01-01', to: '2019-12-31' }] })
      .expect(201);
    const a = await t.http.post('/v1/settlements').set(billing('PY-COUNTY')).send(pingyangStay({ card })).expect(201);
    const b = await t.http
      .post('/v1/settlements')
      .set(billing('PY-TOWN'))
      .send(pingyangStay({ card, hospitalId: 'PY-TOWN' }))
      .expect(201);
    await t.http.post(`/v1/settlements/${a.body.settlementId}/reversal`).set(billing('PY-COUNTY')).expect(200);
    const all = await t.http.get(`/v1/enrollees/${card}/settlements?year=2019`).set(t.auth(t.keys.admin)).expect(200);
    expect(all.body.settlements.map((s: { settlementId: string }) => s.settlementId)).toEqual([a.body.settlementId, b.body.settlementId]);
    expect(all.body.settlements.map((s: { status: string }) => s.status)).toEqual(['reversed', 'settled']);
    const own = await t.http.get(`/v1/enrollees/${card}/settlements?year=2019`).set(billing('PY-TOWN')).expect(200);
    expect(own.body.settlements).toHaveLength(1);
    const none = await t.http.get(`/v1/enrollees/${card}/settlements?year=2018`).set(t.auth(t.keys.admin)).expect(200);
    expect(none.body.settlements).toEqual([]);
    await t.http.get(`/v1/enrollees/${card}/settlements`).set(t.auth(t.keys.admin)).expect(400);
  });
});

describe('referral desk', () => {
  it('files, reads and revokes (kept, never erased); settlements find active filings themselves', async () => {
    const card = 'REF1';
    await t.http
      .put(`/v1/enrollees/${card}`)
      .set(t.auth(t.keys.admin))
      .send({ region: 'pingyang', sex: 'M', birthDate: '1950-01-01', coverage: [{ from: '2019-01-01', to: '2019-12-31' }] })
      .expect(201);
    const stay = (requestId: string) =>
      pingyangStay({
        requestId,
        card,
        hospitalId: 'WZ-CITY',
        admissionDate: '2019-07-01',
        dischargeDate: '2019-07-10',
        charges: { total: '11300.00', fullSelfPay: '0.00', overLimitSelfPay: '0.00', preSelfPay: '0.00' },
      });

    const unfiled = await t.http.post('/v1/settlements/preview').set(billing('WZ-CITY')).send(stay('X')).expect(200);
    expect(unfiled.body.payments.basic).toBe('4500.00'); // (11300 − 1300) × 0.45

    const created = await t.http
      .post('/v1/referrals')
      .set(t.auth(t.keys.referral.pingyang!))
      .send({ card, kind: 'referral', validFrom: '2019-06-01', validTo: '2019-08-31', toHospitalId: 'WZ-CITY', diagnosis: 'C34.9' })
      .expect(201);
    expect(created.body.status).toBe('active');
    const referralId = created.body.referralId as string;
    const read = await t.http.get(`/v1/referrals/${referralId}`).set(t.auth(t.keys.referral.pingyang!)).expect(200);
    expect(read.body).toEqual(created.body);

    const filed = await t.http.post('/v1/settlements').set(billing('WZ-CITY')).send(stay('REF1-A')).expect(201);
    expect(filed.body.payments.basic).toBe('5000.00'); // (11300 − 1300) × 0.50
    expect(filed.body.referralId).toBe(referralId);

    const revoked = await t.http.delete(`/v1/referrals/${referralId}`).set(t.auth(t.keys.referral.pingyang!)).expect(200);
    expect(revoked.body.status).toBe('revoked');
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const kept = await t.http.get(`/v1/referrals/${referralId}`).set(t.auth(t.keys.admin)).expect(200);
    expect(kept.body.status).toBe('revoked');
    await t.http.delete(`/v1/referrals/${referralId}`).set(t.auth(t.keys.admin)).expect(200);

    const after = await t.http.post('/v1/settlements/preview').set(billing('WZ-CITY')).send(stay('Y')).expect(200);
    expect(after.body.payments.basic).toBe('4500.00');
    const named = await t.http
      .post('/v1/settlements/preview')
      .set(billing('WZ-CITY'))
      .send({ ...stay('Z'), referralId })
      .expect(200);
    expect(named.body.payments.basic).toBe('4500.00');
    expect(named.body.notes.join(' ')).toMatch(/revoked/);
  });

  it('a filing for an unknown card is 404 ENROLLEE_NOT_FOUND; bad dates are 400', async () => {
    const res = await t.http.post('/v1/referrals').set(t.auth(t.keys.admin)).send({ card: 'NOBODY', kind: 'referral', validFrom: '2019-01-01', validTo: '2019-12-31' }).expect(404);
    expect(res.body.error.code).toBe('ENROLLEE_NOT_FOUND');
    const bad = await t.http.post('/v1/referrals').set(t.auth(t.keys.admin)).send({ card: PY_CARD, kind: 'referral', validFrom: '2019-12-31', validTo: '2019-01-01' }).expect(400);
    expect(bad.body.error.details[0].path).toBe('validTo');
    await t.http.get('/v1/referrals/R-0000-00000000000000000000000000000000').set(t.auth(t.keys.admin)).expect(404);
  });
});

describe('registry', () => {
  it('PUT creates (201) then updates (200); GET reads back', async () => {
    const hospital = { name: '测试医院', admdvs: '330326', level: 2, kind: 'general', countyRun: true };
    await t.http.put('/v1/hospitals/TEST-H').set(t.auth(t.keys.admin)).send(hospital).expect(201);
    await t.http
      .put('/v1/hospitals/TEST-H')
      .set(t.auth(t.keys.admin))
      .send({ ...hospital, level: 3 })
      .expect(200);
    const read = await t.http.get('/v1/hospitals/TEST-H').set(t.auth(t.keys.admin)).expect(200);
    expect(read.body.level).toBe(3);
    const enrollee = await t.http.get(`/v1/enrollees/${JJ_CARD}`).set(billing('JJ-CITY')).expect(200);
    expect(enrollee.body.region).toBe('jinjiang');
  });

  it('accumulators of a year without settlements are zero', async () => {
    expect(await accumulators(JJ_CARD, 2030)).toEqual({
      admissions: 0,
      specialOutpatientCounted: false,
      basicEligible: '0.00',
      basicPaid: '0.00',
      compliantSelfBurden: '0.00',
      criticalIllnessPaid: '0.00',
      outpatientPaid: '0.00',
      retiredCadreSpousePaid: '0.00',
    });
  });
});

describe('policies', () => {
  it('lists the loaded policies and shows one with citations and assumed flags', async () => {
    const list = await t.http.get('/v1/policies').set(billing('PY-COUNTY')).expect(200);
    expect(list.body.policies.map((p: { policyId: string }) => p.policyId)).toEqual(expect.arrayContaining(['jinjiang-2018', 'pingyang-2019', 'taiyuan-2019']));
    const taiyuan = await t.http.get('/v1/policies/taiyuan-2019').set(billing('PY-COUNTY')).expect(200);
    const rate = taiyuan.body.parameters.find((p: { path: string }) => p.path === 'tables.rate.rows[0].value');
    expect(rate).toMatchObject({ value: '0.70', assumed: true, cite: '001_0e31973e4dd59fea.txt 三(一)' });
    expect(taiyuan.body.assumedParameters).toContain('tables.deductible.rows[2].value');
    const pingyang = await t.http.get('/v1/policies/pingyang-2019').set(billing('PY-COUNTY')).expect(200);
    expect(pingyang.body.parameters.every((p: { cite: string | null }) => p.cite === null || /\.(txt|md)/.test(p.cite))).toBe(true);
    await t.http.get('/v1/policies/nowhere-2019').set(billing('PY-COUNTY')).expect(404);
  });
});

describe('every 4xx code of the contract', () => {
  const cases: [string, number, string, () => Promise<{ status: number; body: { error: { code: string; details: { path: string }[] } } }>][] = [
    ['no key', 401, 'UNAUTHENTICATED', () => t.http.post('/v1/settlements').send(pingyangStay())],
    ['unknown key', 401, 'UNAUTHENTICATED', () => t.http.post('/v1/settlements').set(t.auth('not-a-key')).send(pingyangStay())],
    ['billing key of another hospital', 403, 'FORBIDDEN', () => t.http.post('/v1/settlements').set(billing('PY-TOWN')).send(pingyangStay())],
    [
      'money as a JSON number',
      400,
      'VALIDATION_FAILED',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('PY-COUNTY'))
          .send(pingyangStay({ charges: { total: 100 } })),
    ],
    [
      'unknown visit type',
      400,
      'VALIDATION_FAILED',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('PY-COUNTY'))
          .send(pingyangStay({ visitType: 'dental' })),
    ],
    [
      'bad date',
      400,
      'VALIDATION_FAILED',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('PY-COUNTY'))
          .send(pingyangStay({ dischargeDate: '2019-02-30' })),
    ],
    [
      'negative amount',
      400,
      'VALIDATION_FAILED',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('PY-COUNTY'))
          .send(pingyangStay({ charges: { total: '-1.00' } })),
    ],
    [
      'three decimals',
      400,
      'VALIDATION_FAILED',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('PY-COUNTY'))
          .send(pingyangStay({ charges: { total: '1.005' } })),
    ],
    [
      'parts above the total',
      400,
      'VALIDATION_FAILED',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('PY-COUNTY'))
          .send(pingyangStay({ charges: { total: '10.00', fullSelfPay: '20.00' } })),
    ],
    ['malformed JSON', 400, 'VALIDATION_FAILED', () => t.http.post('/v1/settlements').set(billing('PY-COUNTY')).set('Content-Type', 'application/json').send('{"requestId":')],
    [
      'unknown enrollee',
      404,
      'ENROLLEE_NOT_FOUND',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('PY-COUNTY'))
          .send(pingyangStay({ card: 'NOBODY' })),
    ],
    ['unknown settlement', 404, 'NOT_FOUND', () => t.http.get('/v1/settlements/S-0000-00000000000000000000000000000000').set(t.auth(t.keys.admin))],
    [
      'unknown hospital',
      422,
      'HOSPITAL_NOT_FOUND',
      () =>
        t.http
          .post('/v1/settlements')
          .set(t.auth(t.keys.admin))
          .send(pingyangStay({ hospitalId: 'OTHER' })),
    ],
    [
      'no policy for the year',
      422,
      'NO_POLICY',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('PY-COUNTY'))
          .send(pingyangStay({ admissionDate: '2020-01-02', dischargeDate: '2020-01-05' })),
    ],
    [
      'not covered',
      422,
      'NOT_COVERED',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('PY-COUNTY'))
          .send(pingyangStay({ liability: 'work-injury' })),
    ],
    [
      'visit type not covered',
      422,
      'VISIT_TYPE_NOT_COVERED',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('TY-L3'))
          .send(pingyangStay({ card: '140105198001010001', hospitalId: 'TY-L3', visitType: 'outpatient' })),
    ],
    [
      'special disease not approved',
      422,
      'SPECIAL_DISEASE_NOT_APPROVED',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('PY-TOWN'))
          .send(pingyangStay({ card: PY_SO_CARD, hospitalId: 'PY-TOWN', visitType: 'special-outpatient', specialDisease: 'sle' })),
    ],
    [
      'referral required',
      422,
      'REFERRAL_REQUIRED',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('FZ-XIEHE'))
          .send(pingyangStay({ card: JJ_CARD, hospitalId: 'FZ-XIEHE', admissionDate: '2018-05-01', dischargeDate: '2018-05-03' })),
    ],
    [
      'cross-year split required',
      422,
      'CROSS_YEAR_SPLIT_REQUIRED',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('JJ-CITY'))
          .send(pingyangStay({ card: JJ_CARD, hospitalId: 'JJ-CITY', admissionDate: '2018-12-28', dischargeDate: '2019-01-03' })),
    ],
    // Settlement bodies may carry a 5,000-line bill (2 MB); every other body stays under 64 kB.
    [
      'settlement body too large',
      413,
      'PAYLOAD_TOO_LARGE',
      () =>
        t.http
          .post('/v1/settlements')
          .set(billing('PY-COUNTY'))
          .send(pingyangStay({ padding: 'x'.repeat(2_100_000) })),
    ],
    [
      'registry body too large',
      413,
      'PAYLOAD_TOO_LARGE',
      () =>
        t.http
          .put('/v1/hospitals/PY-BIG')
          .set(t.auth(t.keys.admin))
          .send({ ...workedExamples.hospitals['PY-COUNTY'], padding: 'x'.repeat(70_000) }),
    ],
    ['no such endpoint', 404, 'NOT_FOUND', () => t.http.get('/v1/nothing').set(t.auth(t.keys.admin))],
  ];
  for (const [name, status, code, call] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const before = await accumulators(PY_CARD, 2019);
      const res = await call();
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(typeof (res.body.error as { message?: unknown }).message).toBe('string');
      expect(Array.isArray(res.body.error.details)).toBe(true);
      expect(await accumulators(PY_CARD, 2019)).toEqual(before);
    });
  }

  it('a validation error names the field path', async () => {
    const res = await t.http
      .post('/v1/settlements')
      .set(billing('PY-COUNTY'))
      .send(pingyangStay({ charges: { total: 100 } }))
      .expect(400);
    expect(res.body.error.details[0].path).toBe('charges.total');
    expect(res.body.error.details[0].message).toMatch(/金额应以文字提交/);
  });
});
