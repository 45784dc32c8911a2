/** Refusals in Chinese by default, English when Accept-Language prefers it; the code never changes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await t.loadWorkedRegistry();
});
afterAll(async () => t?.close());

const PY_CARD = '330326198001010001';
const JJ_CARD = '350582198001010001';
const CJK = /[\u4e00-\u9fff]/;
const ENGLISH_SENTENCE = /[A-Za-z]{2,}[,:;]?\s+[A-Za-z]{2,}/;

function stay(overrides: Record<string, unknown> = {}) {
  return {
    requestId: `LANG-${Math.random().toString(36).slice(2)}`,
    card: JJ_CARD,
    hospitalId: 'FZ-XIEHE',
    visitType: 'inpatient',
    admissionDate: '2018-08-01',
    dischargeDate: '2018-08-10',
    charges: { total: '30000.00' },
    ...overrides,
  };
}

describe('the language of a refusal', () => {
  it('is Chinese without Accept-Language: the code stays, the message is a sentence a clerk reads', async () => {
    const res = await t.http.post('/v1/settlements/preview').set(t.auth(t.keys.billing['FZ-XIEHE']!)).send(stay()).expect(422);
    expect(res.body.error.code).toBe('REFERRAL_REQUIRED');
    expect(res.body.error.message).toMatch(/备案/);
    expect(res.body.error.message).not.toMatch(ENGLISH_SENTENCE);
    for (const detail of res.body.error.details) expect(detail.message).not.toMatch(ENGLISH_SENTENCE);
  });

  it('is English when Accept-Language prefers English, and Chinese for zh-CN', async () => {
    const en = await t.http.post('/v1/settlements/preview').set(t.auth(t.keys.billing['FZ-XIEHE']!)).set('Accept-Language', 'en-US,en;q=0.9,zh;q=0.5').send(stay()).expect(422);
    expect(en.body.error.code).toBe('REFERRAL_REQUIRED');
    expect(en.body.error.message).toMatch(/referral filing/);
    const zh = await t.http.post('/v1/settlements/preview').set(t.auth(t.keys.billing['FZ-XIEHE']!)).set('Accept-Language', 'zh-CN,zh;q=0.9,en;q=0.8').send(stay()).expect(422);
    expect(zh.body.error.message).toMatch(CJK);
  });

  it('names each bad field with a Chinese reason (validation), and malformed JSON and unknown keys too', async () => {
    const res = await t.http
      .post('/v1/settlements')
      .set(t.auth(t.keys.billing['PY-COUNTY']!))
      .send(stay({ card: PY_CARD, hospitalId: 'PY-COUNTY', charges: { total: 100 } }))
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toContain('charges.total');
    expect(res.body.error.details[0]).toEqual({ path: 'charges.total', message: '金额应以文字提交，如 "1234.50"，不能是数字类型' });
    const json = await t.http.post('/v1/settlements').set(t.auth(t.keys.billing['PY-COUNTY']!)).set('Content-Type', 'application/json').send('{"card":').expect(400);
    expect(json.body.error.message).toMatch(/JSON/);
    expect(json.body.error.message).toMatch(CJK);
    const none = await t.http.get('/v1/settlements/NO-SUCH').set(t.auth(t.keys.admin)).expect(404);
    expect(none.body.error.message).toMatch(CJK);
    const key = await t.http.get('/v1/me').set('Authorization', 'Bearer nope').expect(401);
    expect(key.body.error.message).toMatch(CJK);
  });
});

describe('a filing to a hospital the registry does not hold', () => {
  it('is refused 422 HOSPITAL_NOT_FOUND naming the hospital, and nothing is filed', async () => {
    const referral = t.auth(t.keys.referral.jinjiang!);
    const before = (await t.http.get(`/v1/enrollees/${JJ_CARD}/referrals?status=all`).set(referral).expect(200)).body.referrals.length;
    const res = await t.http
      .post('/v1/referrals')
      .set(referral)
      .send({ card: JJ_CARD, kind: 'out-of-area', validFrom: '2018-01-01', validTo: '2018-12-31', toHospitalId: 'NO-SUCH-HOSP' })
      .expect(422);
    expect(res.body.error.code).toBe('HOSPITAL_NOT_FOUND');
    expect(res.body.error.message).toContain('NO-SUCH-HOSP');
    expect(res.body.error.details).toEqual([{ path: 'toHospitalId', message: expect.stringContaining('NO-SUCH-HOSP') }]);
    const en = await t.http
      .post('/v1/referrals')
      .set(referral)
      .set('Accept-Language', 'en')
      .send({ card: JJ_CARD, kind: 'out-of-area', validFrom: '2018-01-01', validTo: '2018-12-31', toHospitalId: 'NO-SUCH-HOSP' })
      .expect(422);
    expect(en.body.error.message).toBe('the receiving hospital NO-SUCH-HOSP is not in the registry');
    expect((await t.http.get(`/v1/enrollees/${JJ_CARD}/referrals?status=all`).set(referral).expect(200)).body.referrals.length).toBe(before);
    // A registered hospital is filed as before.
    await t.http
      .post('/v1/referrals')
      .set(referral)
      .send({ card: JJ_CARD, kind: 'out-of-area', validFrom: '2018-01-01', validTo: '2018-12-31', toHospitalId: 'FZ-XIEHE' })
      .expect(201);
  });
});
